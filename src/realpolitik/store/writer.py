"""The store's write path: articles, their events (mentions), unique events and the dyad
aggregates, in one transaction per batch.

Each :meth:`Writer.write` is one transaction: the articles, their events, the unique events
they link to and the changes to ``dyad_day``/``dyad_month``/``dyad_year``/``dyad_all`` are
stored together or not at all, so a crash (even ``kill -9``) never leaves half a batch.
Writing an article that is already stored replaces it and its events, subtracting the old
events from the aggregates first.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from realpolitik.errors import Warnings
from realpolitik.models import Article, Event
from realpolitik.store.backends import Backend
from realpolitik.store.clusters import MENTION_FIELDS, Mention
from realpolitik.store.deltas import Deltas
from realpolitik.store.linking import Linker, row_mention
from realpolitik.store.outlets import outlet
from realpolitik.store.queries import chunks, marks, stored_keys
from realpolitik.store.rows import (
    ALL_AGG_COLUMNS,
    ARTICLE_COLUMNS,
    ARTICLE_SPARSE,
    EVENT_COLUMNS,
    EVENT_SPARSE,
    article_row,
    ingest_stamp,
    mention_row,
    valid_day,
)
from realpolitik.store.sparse import SparseInsert

logger = logging.getLogger(__name__)

_AGG_UPSERT = (
    "INSERT INTO dyad_{grain} (source, target, period, " + ", ".join(ALL_AGG_COLUMNS) + ") "
    "VALUES (?, ?, ?, " + ", ".join("?" for _ in ALL_AGG_COLUMNS) + ") "
    "ON CONFLICT (source, target, period) DO UPDATE SET "
    + ", ".join(f"{c} = dyad_{{grain}}.{c} + excluded.{c}" for c in ALL_AGG_COLUMNS)
)
_EVENT_INSERT = SparseInsert(
    "events", EVENT_COLUMNS, EVENT_SPARSE, " ON CONFLICT (day, event_id) DO NOTHING"
)
_ARTICLE_INSERT = SparseInsert("articles", ARTICLE_COLUMNS, ARTICLE_SPARSE)
_ARTICLE = EVENT_COLUMNS.index("article_id")
_DOC = EVENT_COLUMNS.index("doc_id")
_DAY = EVENT_COLUMNS.index("day")
_IN_AGGREGATE = EVENT_COLUMNS.index("in_aggregate")
_LINK = slice(EVENT_COLUMNS.index("cluster_id"), EVENT_COLUMNS.index("cluster_day") + 1)
_DELTA = (
    EVENT_COLUMNS.index("source_key"),
    EVENT_COLUMNS.index("target_key"),
    _DAY,
    EVENT_COLUMNS.index("quad_class"),
    EVENT_COLUMNS.index("goldstein"),
)
"""Where an event row holds what :meth:`Deltas.add_rows` sums."""


@dataclass
class WriteStats:
    """What one :meth:`Writer.write` stored."""

    articles: int = 0
    events: int = 0
    replaced: int = 0
    skipped_events: int = 0


class Writer:
    """Writes batches of coded articles into a store's tables; see the module docstring."""

    def __init__(self, backend: Backend, linker: Linker) -> None:
        self.backend = backend
        self.linker = linker

    def write(
        self,
        batch: Sequence[tuple[Article, Sequence[Event]]],
        *,
        coder_version: str | None,
        on_warning: Callable[[str], None] | None = None,
    ) -> WriteStats:
        """Store articles with their events in one transaction, replacing earlier versions.

        coder_version: recorded with each article; a later run with another version re-codes
        on_warning: receives W501 (event id stored under another article) and W502 (invalid
        date) messages
        Raises: StoreError E501, E502.
        """
        warn = on_warning or logger.warning
        latest = {a.id: (a, list(evs)) for a, evs in batch}
        stats = WriteStats(articles=len(latest))
        if not latest:
            return stats
        with _no_gc():
            return self._write(latest, stats, coder_version, warn)

    def _write(
        self,
        latest: dict[str, tuple[Article, list[Event]]],
        stats: WriteStats,
        coder_version: str | None,
        warn: Callable[[str], None],
    ) -> WriteStats:
        rows = event_rows(latest, warn)
        with self.backend.transaction():
            deltas = Deltas()
            removed: list[Mention] = []
            stats.replaced = self.remove_articles(list(latest), deltas, removed)
            rows = self.insert_events(rows, stats, warn, deltas, removed)
            counts = dict.fromkeys(latest, 0)
            for row in rows:
                counts[row[_ARTICLE]] += 1
            stamp = ingest_stamp()
            articles = [
                article_row(a, coder_version=coder_version, n_events=counts[a.id], stamp=stamp)
                for a, _ in latest.values()
            ]
            self.insert(_ARTICLE_INSERT, articles)
            deltas.add_rows(rows, columns=_DELTA, flag=_IN_AGGREGATE, sign=1)
            self.apply(deltas)
        stats.events = len(rows)
        return stats

    def remove_articles(self, ids: list[str], deltas: Deltas, mentions: list[Mention]) -> int:
        """Delete stored articles among ``ids`` and their events; return how many existed.

        The deleted events' contributions are subtracted from ``deltas`` and the deleted
        mentions added to ``mentions`` (to be unlinked).
        """
        removed = 0
        for chunk in chunks(ids):
            where = marks(len(chunk))
            rows = self.backend.query(
                f"SELECT {', '.join(MENTION_FIELDS)}, in_aggregate FROM events "
                f"WHERE article_id IN ({where})",
                chunk,
            )
            for r in rows:
                m = Mention(*r[:-1])
                mentions.append(m)
                if r[-1]:
                    deltas.add(
                        (m.source_key, m.target_key, m.day), m.quad_class, m.goldstein, sign=-1
                    )
            self.backend.execute(f"DELETE FROM events WHERE article_id IN ({where})", chunk)
            removed += self.backend.execute(f"DELETE FROM articles WHERE id IN ({where})", chunk)
        return removed

    def insert_events(
        self,
        rows: list[list[Any]],
        stats: WriteStats,
        warn: Callable[[str], None],
        deltas: Deltas,
        removed: Sequence[Mention],
    ) -> list[list[Any]]:
        """Link ``rows`` to their unique events and insert them; return those stored,
        skipping ids another article already owns.

        An event id hashes its document id, so an event coded from its own article cannot
        collide with another article's; only events whose ``doc_id`` names another document
        are looked up before inserting (over every stored day). Beyond that, the common case
        costs one statement: only when the insert reports fewer rows than it was given are
        the conflicting ids looked up (W501) by (day, id), as one id may be stored on two
        days under two articles, and their groups relinked from what is stored.
        """
        given = rows
        foreign = [r[0] for r in rows if r[_DOC] != r[_ARTICLE]]
        owners = self.owners(foreign) if foreign else {}
        skipped = (
            {r[0]: owners[r[0]] for r in rows if owners.get(r[0], r[_ARTICLE]) != r[_ARTICLE]}
            if owners
            else {}
        )
        rows = [r for r in rows if r[0] not in skipped] if skipped else rows
        rows = self.linker.link(rows, removed, deltas)
        inserted = self.insert(_EVENT_INSERT, rows)
        if inserted != len(rows):
            days = sorted({r[_DAY] for r in rows})
            cols = ("day", "event_id", "article_id")
            found = by_id(self.backend, cols, [r[0] for r in rows], days)
            stored = {(d, i): a for d, i, a in found}
            lost = [r for r in rows if stored.get((r[_DAY], r[0])) != r[_ARTICLE]]
            skipped.update({r[0]: stored.get((r[_DAY], r[0])) for r in lost})
            rows = [r for r in rows if r[0] not in skipped]
            unlinked = [row_mention(r, link=r[_LINK]) for r in lost if r[_IN_AGGREGATE]]
            self.linker.link([], unlinked, deltas)
        article_of = {r[0]: r[_ARTICLE] for r in given} if skipped else {}
        for event_id, other in sorted(skipped.items()):
            warn(Warnings.W501.format(doc_id=article_of[event_id], event_id=event_id, other=other))
        stats.skipped_events += len(skipped)
        return rows

    def insert(self, statement: SparseInsert, rows: list[tuple[Any, ...]]) -> int:
        """Insert ``rows`` by ``statement``; return how many rows were inserted."""
        return sum(self.backend.executemany(sql, part) for sql, part in statement.batches(rows))

    def owners(self, ids: Sequence[str]) -> dict[str, str]:
        """Return ``{event_id: article_id}`` for the stored events among ``ids`` (any day)."""
        return {r[0]: r[1] for r in by_id(self.backend, ("event_id", "article_id"), ids)}

    def apply(self, deltas: Deltas) -> None:
        """Add ``deltas`` to every aggregate table; drop rows left with no mentions (only a
        row whose mention count went down can be left with none)."""
        for grain, rows in deltas.by_grain().items():
            self.backend.executemany(_AGG_UPSERT.format(grain=grain), rows)
            if deltas.negative:
                self.backend.executemany(
                    f"DELETE FROM dyad_{grain} WHERE source = ? AND target = ? AND period = ? "
                    "AND n_events <= 0",
                    [r[:3] for r in rows if r[3] < 0],
                )


def event_rows(
    latest: dict[str, tuple[Article, list[Event]]], warn: Callable[[str], None]
) -> list[list[Any]]:
    """Return the event rows to insert, one per event id (the first one wins); W502 for
    each invalid date."""
    today = datetime.now(UTC).date().isoformat()
    rows: dict[str, list[Any]] = {}
    for article, events in latest.values():
        day = valid_day(article.date)
        bad = {article.date} if article.date and not day else set()
        day, where = day or today, outlet(article)
        for event in events:
            date = event.date
            if date and not valid_day(date):
                bad.add(date)
            if event.event_id not in rows:
                rows[event.event_id] = mention_row(event, article.id, day, where, day)
        for value in sorted(bad):
            warn(Warnings.W502.format(doc_id=article.id, value=value))
    return list(rows.values())


def event_days(backend: Backend) -> list[str]:
    """Return every calendar day from the first stored event's day to the last one's."""
    return stored_keys(backend, "events", "day", "day", None, None)


def by_id(
    backend: Backend,
    columns: Sequence[str],
    ids: Sequence[str],
    days: Sequence[str] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Yield ``columns`` of the stored events among ``ids``.

    Events are indexed by (day, event_id), so an id is found by probing each of ``days``
    (default: every day from the first stored to the last).
    """
    ids = list(dict.fromkeys(ids))
    if not ids:
        return
    days = event_days(backend) if days is None else days
    cols = ", ".join(columns)
    for id_chunk in chunks(ids):
        where = marks(len(id_chunk))
        yield from backend.query(
            f"SELECT {cols} FROM events WHERE day IS NULL AND event_id IN ({where})", id_chunk
        )
        for day_chunk in chunks(days):
            sql = (
                f"SELECT {cols} FROM events WHERE day IN ({marks(len(day_chunk))}) "
                f"AND event_id IN ({where})"
            )
            yield from backend.query(sql, [*day_chunk, *id_chunk])


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: a batch allocates hundreds of thousands of tuples
    that form no cycles, and each collection would walk them all (reference counting still
    frees them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
