"""The event store: articles, events and dyad aggregates, written atomically, read by filters.

Each call to :meth:`Store.write` is one transaction: the articles, their events and the
changes to ``dyad_day``/``dyad_month``/``dyad_year`` are stored together or not at all, so a
crash (even ``kill -9``) never leaves half a batch. Writing an article that is already stored
replaces it and its events, subtracting the old events from the aggregates first.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from operator import add, itemgetter
from typing import Any

from realpolitik.errors import Errors, StoreError, Warnings
from realpolitik.models import Article, Event
from realpolitik.settings import Settings
from realpolitik.store import migrations
from realpolitik.store.backends import Backend, connect
from realpolitik.store.backfill import rebuild_event_view
from realpolitik.store.clusters import MENTION_FIELDS, Mention
from realpolitik.store.linking import Linker, row_mention
from realpolitik.store.outlets import outlet
from realpolitik.store.rows import (
    AGG_COLUMNS,
    ALL_AGG_COLUMNS,
    ARTICLE_COLUMNS,
    EVENT_COLUMNS,
    GRAINS,
    Deltas,
    agg_columns,
    article_row,
    event_row,
    row_to_article,
    row_to_event,
    valid_day,
)
from realpolitik.store.window import period_keys, window_parts

logger = logging.getLogger(__name__)

CHUNK = 500
"""Most values bound in one ``IN (...)`` list."""
TOP_CANDIDATES = 200
"""Busiest dyads of all time whose window counts a top-N query reads first."""
DAYS_PER_PROBE = 366
"""Days probed per statement when events are read for one source and target."""
PROBE_BUDGET = 200_000
"""Most key probes a top-N query makes before it scans the window instead."""

_AGG_UPSERT = (
    "INSERT INTO dyad_{grain} (source, target, period, " + ", ".join(ALL_AGG_COLUMNS) + ") "
    "VALUES (?, ?, ?, " + ", ".join("?" for _ in ALL_AGG_COLUMNS) + ") "
    "ON CONFLICT (source, target, period) DO UPDATE SET "
    + ", ".join(f"{c} = dyad_{{grain}}.{c} + excluded.{c}" for c in ALL_AGG_COLUMNS)
)
_EVENT_INSERT = (
    f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in EVENT_COLUMNS)}) ON CONFLICT (day, event_id) DO NOTHING"
)
_ARTICLE = EVENT_COLUMNS.index("article_id")
_DOC = EVENT_COLUMNS.index("doc_id")
_DAY = EVENT_COLUMNS.index("day")
_IN_AGGREGATE = EVENT_COLUMNS.index("in_aggregate")
_LINK = slice(EVENT_COLUMNS.index("cluster_id"), EVENT_COLUMNS.index("cluster_day") + 1)
_DELTA = itemgetter(
    *map(EVENT_COLUMNS.index, ("source_key", "target_key", "day", "quad_class", "goldstein"))
)
"""Picks from an event row what :meth:`Deltas.add_rows` takes."""


@dataclass
class WriteStats:
    """What one :meth:`Store.write` stored."""

    articles: int = 0
    events: int = 0
    replaced: int = 0
    skipped_events: int = 0


@dataclass
class EventFilter:
    """Which events a query returns; every field is optional.

    actor: either side's key (country or org); source/target: that side's key
    since/until: inclusive bounds on the event's day
    """

    since: date | None = None
    until: date | None = None
    actor: str | None = None
    source: str | None = None
    target: str | None = None
    root: str | None = None
    quad_class: int | None = None
    article_id: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        """Return an SQL condition and its parameters."""
        terms: list[str] = []
        params: list[Any] = []
        checks = (
            ("day >= ?", self.since and self.since.isoformat()),
            ("day <= ?", self.until and self.until.isoformat()),
            ("source_key = ?", self.source),
            ("target_key = ?", self.target),
            ("root = ?", self.root),
            ("quad_class = ?", self.quad_class),
            ("article_id = ?", self.article_id),
        )
        for sql, value in checks:
            if value is not None:
                terms.append(sql)
                params.append(value)
        if self.actor:
            terms.append("(source_key = ? OR target_key = ?)")
            params += [self.actor, self.actor]
        return (" AND ".join(terms) or "1 = 1"), params


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _marks(n: int) -> str:
    return ", ".join("?" for _ in range(n))


class Store:
    """An open event store; use :func:`open_store` to get one.

    The schema is migrated on open unless ``readonly``. Use it as a context manager, or call
    :meth:`close`.
    """

    def __init__(self, backend: Backend, *, settings: Settings) -> None:
        self.backend = backend
        self.settings = settings
        self.linker = Linker(backend, window=settings.cluster_window_days)

    @property
    def label(self) -> str:
        """The database file or redacted URL."""
        return self.backend.label

    def close(self) -> None:
        """Close the connection."""
        self.backend.close()

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the database file (done on close anyway)."""
        self.backend.checkpoint()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing

    def lookup_articles(self, ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """Return ``{id: (content_hash, coder_version)}`` for the stored articles among ``ids``."""
        out: dict[str, tuple[str, str | None]] = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            sql = (
                "SELECT id, content_hash, coder_version FROM articles "
                f"WHERE id IN ({_marks(len(chunk))})"
            )
            out.update({r[0]: (r[1], r[2]) for r in self.backend.query(sql, chunk)})
        return out

    def lookup_content(self, hashes: Sequence[str]) -> dict[str, str]:
        """Return ``{content_hash: id}`` of stored original (non-duplicate) articles."""
        out: dict[str, str] = {}
        for chunk in _chunks(list(dict.fromkeys(hashes))):
            sql = (
                "SELECT content_hash, MIN(id) FROM articles "
                f"WHERE content_hash IN ({_marks(len(chunk))}) AND duplicate_of IS NULL "
                "GROUP BY content_hash"
            )
            out.update({r[0]: r[1] for r in self.backend.query(sql, chunk)})
        return out

    def write(
        self,
        batch: Sequence[tuple[Article, Sequence[Event]]],
        *,
        coder_version: str | None,
        on_warning: Callable[[str], None] | None = None,
    ) -> WriteStats:
        """Store articles with their events in one transaction, replacing earlier versions.

        coder_version: recorded with each article; a later run with another version re-codes
        on_warning: receives W501 (event id stored under another article) messages
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
        rows = self._event_rows(latest, warn)
        with self.backend.transaction():
            deltas = Deltas()
            removed: list[Mention] = []
            stats.replaced = self._remove_articles(list(latest), deltas, removed)
            rows = self._insert_events(rows, stats, warn, deltas, removed)
            counts = dict.fromkeys(latest, 0)
            for row in rows:
                counts[row[_ARTICLE]] += 1
            self.backend.executemany(
                f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
                f"VALUES ({_marks(len(ARTICLE_COLUMNS))})",
                [
                    article_row(a, coder_version=coder_version, n_events=counts[a.id])
                    for a, _ in latest.values()
                ],
            )
            deltas.add_rows((_DELTA(r) for r in rows if r[_IN_AGGREGATE]), sign=1)
            self._apply(deltas)
        stats.events = len(rows)
        return stats

    def _remove_articles(self, ids: list[str], deltas: Deltas, mentions: list[Mention]) -> int:
        """Delete stored articles among ``ids`` and their events; return how many existed.

        The deleted events' contributions are subtracted from ``deltas`` and the deleted
        mentions added to ``mentions`` (to be unlinked).
        """
        removed = 0
        for chunk in _chunks(ids):
            marks = _marks(len(chunk))
            rows = self.backend.query(
                f"SELECT {', '.join(MENTION_FIELDS)}, in_aggregate FROM events "
                f"WHERE article_id IN ({marks})",
                chunk,
            )
            for r in rows:
                m = Mention(*r[:-1])
                mentions.append(m)
                if r[-1]:
                    deltas.add(
                        (m.source_key, m.target_key, m.day), m.quad_class, m.goldstein, sign=-1
                    )
            self.backend.execute(f"DELETE FROM events WHERE article_id IN ({marks})", chunk)
            removed += self.backend.execute(f"DELETE FROM articles WHERE id IN ({marks})", chunk)
        return removed

    def _event_rows(
        self, latest: dict[str, tuple[Article, list[Event]]], warn: Callable[[str], None]
    ) -> list[tuple[Any, ...]]:
        """Return the event rows to insert, one per event id (the first one wins)."""
        today = datetime.now(UTC).date().isoformat()
        rows: dict[str, tuple[Any, ...]] = {}
        for article, events in latest.values():
            bad = {d for d in (article.date, *(e.date for e in events)) if d and not valid_day(d)}
            for value in sorted(bad):
                warn(Warnings.W502.format(doc_id=article.id, value=value))
            where, seen = outlet(article), valid_day(article.date) or today
            for event in events:
                if event.event_id not in rows:
                    rows[event.event_id] = event_row(
                        event, article, fallback_day=today, outlet=where, seen=seen
                    )
        return list(rows.values())

    def _insert_events(
        self,
        rows: list[tuple[Any, ...]],
        stats: WriteStats,
        warn: Callable[[str], None],
        deltas: Deltas,
        removed: Sequence[Mention],
    ) -> list[tuple[Any, ...]]:
        """Link ``rows`` to their unique events and insert them; return those stored,
        skipping ids another article already owns.

        An event id hashes its document id, so an event coded from its own article cannot
        collide with another article's; only events whose ``doc_id`` names another document
        are looked up before inserting (over every stored day). Beyond that, the common case
        costs one statement: only when the insert reports fewer rows than it was given are
        the conflicting ids looked up (W501), and their groups relinked from what is stored.
        """
        article_of = {r[0]: r[_ARTICLE] for r in rows}
        foreign = [r[0] for r in rows if r[_DOC] != r[_ARTICLE]]
        owners = self._owners(foreign) if foreign else {}
        skipped = {r[0]: owners[r[0]] for r in rows if owners.get(r[0], r[_ARTICLE]) != r[_ARTICLE]}
        rows = [r for r in rows if r[0] not in skipped] if skipped else rows
        rows = self.linker.link(rows, removed, deltas)
        inserted = self.backend.executemany(_EVENT_INSERT, rows)
        if inserted != len(rows):
            owners = self._owners([r[0] for r in rows], days=sorted({r[_DAY] for r in rows}))
            lost = [r for r in rows if owners.get(r[0]) != r[_ARTICLE]]
            skipped.update({r[0]: owners.get(r[0]) for r in lost})
            rows = [r for r in rows if r[0] not in skipped]
            unlinked = [row_mention(r, link=r[_LINK]) for r in lost if r[_IN_AGGREGATE]]
            self.linker.link([], unlinked, deltas)
        for event_id, other in sorted(skipped.items()):
            warn(Warnings.W501.format(doc_id=article_of[event_id], event_id=event_id, other=other))
        stats.skipped_events += len(skipped)
        return rows

    def _owners(self, ids: Sequence[str], *, days: Sequence[str] | None = None) -> dict[str, str]:
        """Return ``{event_id: article_id}`` for the stored events among ``ids``."""
        return {r[0]: r[1] for r in self._by_id(("event_id", "article_id"), ids, days=days)}

    def _by_id(
        self, columns: Sequence[str], ids: Sequence[str], *, days: Sequence[str] | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """Yield ``columns`` of the stored events among ``ids``.

        Events are indexed by (day, event_id), so an id is found by probing each of ``days``
        (default: every day from the first stored to the last).
        """
        ids = list(dict.fromkeys(ids))
        if not ids:
            return
        days = self.event_days() if days is None else days
        cols = ", ".join(columns)
        for id_chunk in _chunks(ids):
            marks = _marks(len(id_chunk))
            yield from self.backend.query(
                f"SELECT {cols} FROM events WHERE day IS NULL AND event_id IN ({marks})", id_chunk
            )
            for day_chunk in _chunks(days):
                sql = (
                    f"SELECT {cols} FROM events WHERE day IN ({_marks(len(day_chunk))}) "
                    f"AND event_id IN ({marks})"
                )
                yield from self.backend.query(sql, [*day_chunk, *id_chunk])

    def event_days(self, since: date | None = None, until: date | None = None) -> list[str]:
        """Return every calendar day from the first event's day to the last one's, in order,
        cut to the inclusive window ``since``..``until``; probing them one by one reads the
        events' (day, ...) indexes like an index on what follows the day."""
        return self._stored_keys("events", "day", "day", _iso(since, 10), _iso(until, 10))

    def day_chunks(
        self, since: date | None = None, until: date | None = None, *, newest_first: bool = False
    ) -> Iterator[list[str]]:
        """Yield the days of :meth:`event_days` a statement's worth at a time: 31, then 92,
        then 366 days, so a reader that stops once it has enough probes few days."""
        days = self.event_days(since, until)
        if newest_first:
            days.reverse()
        start = 0
        for size in (31, 92):
            if start < len(days):
                yield days[start : start + size]
            start += size
        yield from _chunks(days[start:], DAYS_PER_PROBE)

    def _stored_keys(
        self, table: str, column: str, grain: str, lo: str | None, hi: str | None
    ) -> list[str]:
        """Return the ``grain`` keys from ``lo`` to ``hi`` within the range of ``column`` in
        ``table`` (an open side ends where the stored values do)."""
        first = self.backend.query(f"SELECT MIN({column}) FROM {table}")[0][0]
        last = self.backend.query(f"SELECT MAX({column}) FROM {table}")[0][0]
        if first is None:
            return []
        lo = max(first, lo) if lo else first
        hi = min(last, hi) if hi else last
        return period_keys(grain, lo, hi)

    def _apply(self, deltas: Deltas) -> None:
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

    def rebuild_aggregates(self) -> None:
        """Recompute every dyad aggregate table from the stored mentions and unique events,
        in one transaction."""
        cases = ", ".join(f"SUM(CASE WHEN quad_class = {q} THEN 1 ELSE 0 END)" for q in range(1, 5))
        with self.backend.transaction():
            for grain, width in GRAINS.items():
                self.backend.execute(f"DELETE FROM dyad_{grain}")
                self.backend.execute(
                    f"INSERT INTO dyad_{grain} (source, target, period, "
                    f"{', '.join(AGG_COLUMNS)}) SELECT source_key, target_key, "
                    f"substr(day, 1, {width}), COUNT(*), {cases}, "
                    "COALESCE(SUM(goldstein), 0), COUNT(goldstein) "
                    f"FROM events WHERE in_aggregate = 1 "
                    f"GROUP BY source_key, target_key, substr(day, 1, {width})"
                )
            rebuild_event_view(self.backend)

    def relink(self) -> None:
        """Link every stored mention to its unique event from scratch (``backfill.py``) and
        recount the event view, in one transaction."""
        from realpolitik.store.backfill import relink_all

        with self.backend.transaction():
            relink_all(self.backend, window=self.settings.cluster_window_days)

    # --- reading

    def count(self, table: str) -> int:
        """Return the number of rows in ``table`` (articles, events (mentions),
        event_clusters (unique events) or dyad_<grain>)."""
        if table not in {"articles", "events", "event_clusters", *(f"dyad_{g}" for g in GRAINS)}:
            raise ValueError(f"unknown table {table!r}")
        return int(self.backend.query(f"SELECT COUNT(*) FROM {table}")[0][0])

    def stats(self) -> dict[str, Any]:
        """Return counts and the date range of the stored events."""
        first, last = self.backend.query("SELECT MIN(day), MAX(day) FROM events")[0]
        return {
            "database": self.label,
            "articles": self.count("articles"),
            "events": self.count("events"),
            "unique_events": self.count("event_clusters"),
            "dyads": self._dyad_count(),
            "first_day": first,
            "last_day": last,
            "schema": migrations.applied(self.backend),
        }

    def _dyad_count(self) -> int:
        return int(self.backend.query("SELECT COUNT(*) FROM dyad_all")[0][0])

    def article(self, article_id: str) -> Article | None:
        """Return the stored article ``article_id``, or None."""
        rows = self.backend.query(
            f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE id = ?", (article_id,)
        )
        return row_to_article(dict(zip(ARTICLE_COLUMNS, rows[0], strict=True))) if rows else None

    def article_meta(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Return url, title, date, source, ingest time and text length (``length``) of the
        stored articles ``ids``."""
        cols = ("id", "url", "title", "date", "source", "ingested_at", "length")
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            sql = (
                f"SELECT {', '.join(cols[:-1])}, length(text) FROM articles "
                f"WHERE id IN ({_marks(len(chunk))})"
            )
            out.update(
                {r[0]: dict(zip(cols, r, strict=True)) for r in self.backend.query(sql, chunk)}
            )
        return out

    def event_rows(
        self, filt: EventFilter | None = None, *, limit: int | None = None, offset: int = 0
    ) -> Iterator[dict[str, Any]]:
        """Yield matching ``events`` rows as column → value dicts, ordered by day then id."""
        filt = filt or EventFilter()
        rows = self._pinned_rows(filt) if filt.source and filt.target else self._rows(filt)
        stop = None if limit is None else offset + limit
        for row in islice(rows, offset, stop):
            yield dict(zip(EVENT_COLUMNS, row, strict=True))

    def _rows(self, filt: EventFilter, extra: str = "", values: Sequence[Any] = ()) -> Iterator:
        where, params = filt.where()
        sql = (
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE {where}{extra} "
            "ORDER BY day NULLS FIRST, event_id"
        )
        return self.backend.stream(sql, [*params, *values])

    def _pinned_rows(self, filt: EventFilter) -> Iterator[tuple[Any, ...]]:
        """Yield the rows of a filter fixing source and target, probing its days in order
        (the (day, source, target) index)."""
        yield from self._rows(filt, " AND day IS NULL")
        for chunk in self.day_chunks(filt.since, filt.until):
            yield from self._rows(filt, f" AND day IN ({_marks(len(chunk))})", chunk)

    def iter_events(
        self, filt: EventFilter | None = None, *, limit: int | None = None
    ) -> Iterator[Event]:
        """Yield matching Events, ordered by day then id."""
        for row in self.event_rows(filt, limit=limit):
            yield row_to_event(row)

    def events_by_id(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Return the ``events`` rows of ``ids`` (those that exist), probing every stored day."""
        return [dict(zip(EVENT_COLUMNS, r, strict=True)) for r in self._by_id(EVENT_COLUMNS, ids)]

    def dyad_periods(
        self,
        grain: str,
        sources: Sequence[str],
        targets: Sequence[str],
        *,
        since: date | None = None,
        until: date | None = None,
        count: str = "events",
    ) -> list[tuple[Any, ...]]:
        """Return ``dyad_<grain>`` rows (source, target, period, counts...) for the given pairs.

        since, until: inclusive bounds, cut to the grain (a month holds its first day's date)
        count: ``events`` (unique events) or ``mentions`` (every report)
        The rows are found by probing the primary key (period, source, target) once per
        period of the window that lies within the stored range, in period order.
        """
        keys = self._period_keys(grain, since, until)
        rows: list[tuple[Any, ...]] = []
        for chunk in _chunks(keys):
            sql = (
                f"SELECT source, target, period, {', '.join(agg_columns(count))} "
                f"FROM dyad_{grain} "
                f"WHERE period IN ({_marks(len(chunk))}) AND source IN ({_marks(len(sources))}) "
                f"AND target IN ({_marks(len(targets))}) ORDER BY period"
            )
            rows += self.backend.query(sql, [*chunk, *sources, *targets])
        return rows

    def _period_keys(self, grain: str, since: date | None, until: date | None) -> list[str]:
        """Return the period keys of ``grain`` from ``since`` to ``until`` that could be stored."""
        if grain == "all":
            return [""]
        width = GRAINS[grain]
        return self._stored_keys(
            f"dyad_{grain}", "period", grain, _iso(since, width), _iso(until, width)
        )

    def period_rows(
        self,
        grain: str,
        *,
        since: date | None = None,
        until: date | None = None,
        count: str = "events",
    ) -> list[tuple[Any, ...]]:
        """Return every ``dyad_<grain>`` row whose period lies in the window (and that has a
        unique event, or a mention, by ``count``)."""
        width = GRAINS[grain]
        cols = agg_columns(count)
        sql = (
            f"SELECT source, target, period, {', '.join(cols)} FROM dyad_{grain} "
            f"WHERE {cols[0]} > 0"
        )
        params: list[Any] = []
        if since:
            sql += " AND period >= ?"
            params.append(since.isoformat()[:width])
        if until:
            sql += " AND period <= ?"
            params.append(until.isoformat()[:width])
        return self.backend.query(sql, params)

    def dyad_totals(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
        min_events: int = 1,
        count: str = "events",
    ) -> list[tuple[Any, ...]]:
        """Return (source, target, counts...) summed over the window, busiest dyads first.

        Reads the coarsest aggregates that cover the window exactly (see ``window.py``).
        count: ``events`` (unique events) or ``mentions`` (every report)
        """
        parts = window_parts(since, until)
        if not parts:
            return []
        cols = agg_columns(count)
        single = _single_period(parts)
        if single:
            sql = (
                f"SELECT source, target, {', '.join(cols)} FROM dyad_{single[0]} "
                f"WHERE period = ? AND {cols[0]} >= ? ORDER BY {cols[0]} DESC, source, target"
            )
            return self.backend.query(sql + _limit(limit), [single[1], max(min_events, 1)])
        if limit and any(grain != "day" for grain, _, _ in parts):
            top = self._top_by_candidates(parts, limit=limit, min_events=min_events, cols=cols)
            if top is not None:
                return top
        return self._window_sums(parts, min_events=min_events, limit=limit, cols=cols)

    def _top_by_candidates(
        self,
        parts: list[tuple[str, str | None, str | None]],
        *,
        limit: int,
        min_events: int,
        cols: tuple[str, ...] = AGG_COLUMNS,
    ) -> list[tuple[Any, ...]] | None:
        """Return the ``limit`` busiest dyads of a window without reading every dyad in it.

        A dyad's events in a window never exceed its all-time events, so once the ``limit``-th
        best window count ``floor`` is known among the busiest dyads of all time, only dyads
        with at least ``floor`` events of all time can still enter the top. Their window sums
        are read by key probes. The answer (ties broken by source, target) equals a full
        scan's. Returns None when too many candidates remain (a short window of a busy
        store), where scanning the window is cheaper.
        """
        periods = [(g, self._stored_keys(f"dyad_{g}", "period", g, lo, hi)) for g, lo, hi in parts]
        n_periods = sum(len(keys) for _, keys in periods)
        first = self.backend.query(
            f"SELECT source, target FROM dyad_all WHERE {cols[0]} > 0 "
            f"ORDER BY {cols[0]} DESC, source, target LIMIT ?",
            [max(4 * limit, TOP_CANDIDATES)],
        )
        sums = self._pair_sums(periods, [tuple(r) for r in first], cols)
        floor = _nth_count(sums, limit, min_events)
        rest = [
            tuple(r)
            for r in self.backend.query(
                f"SELECT source, target FROM dyad_all WHERE {cols[0]} >= ?", [floor]
            )
            if tuple(r) not in sums
        ]
        if len(rest) * n_periods > PROBE_BUDGET:
            return None
        sums.update(self._pair_sums(periods, rest, cols))
        ranked = sorted(
            ((*pair, *v) for pair, v in sums.items() if v[0] >= max(min_events, 1)),
            key=lambda r: (-r[2], r[0], r[1]),
        )
        return ranked[:limit]

    def _pair_sums(
        self,
        periods: list[tuple[str, list[str]]],
        pairs: Sequence[tuple[Any, ...]],
        columns: tuple[str, ...] = AGG_COLUMNS,
    ) -> dict[tuple[Any, ...], list[Any]]:
        """Return {(source, target): summed counts} over ``periods``, by primary-key probes."""
        sums: dict[tuple[Any, ...], list[Any]] = {}
        cols = ", ".join(f"SUM(d.{c})" for c in columns)
        for chunk in _chunks(pairs, CHUNK // 2):
            sums.update({p: [0] * len(columns) for p in chunk})
            pair_values = ", ".join("(?, ?)" for _ in chunk)
            flat = [v for pair in chunk for v in pair]
            for grain, keys in periods:
                for keys_chunk in _chunks(keys):
                    sql = (
                        f"WITH pairs (s, t) AS (VALUES {pair_values}), "
                        f"periods (p) AS (VALUES {', '.join('(?)' for _ in keys_chunk)}) "
                        f"SELECT d.source, d.target, {cols} FROM pairs CROSS JOIN periods "
                        f"JOIN dyad_{grain} d ON d.period = periods.p AND d.source = pairs.s "
                        "AND d.target = pairs.t GROUP BY d.source, d.target"
                    )
                    for row in self.backend.query(sql, [*flat, *keys_chunk]):
                        pair = (row[0], row[1])
                        sums[pair] = list(map(add, sums[pair], row[2:]))
        return sums

    def _window_sums(
        self,
        parts: list[tuple[str, str | None, str | None]],
        *,
        min_events: int,
        limit: int | None = None,
        cols: tuple[str, ...] = AGG_COLUMNS,
    ) -> list[tuple[Any, ...]]:
        """Sum the counts per dyad over the window ``parts``, busiest first."""
        selects, params = [], []
        for grain, lo, hi in parts:
            cond = "1 = 1"
            for op, value in ((">=", lo), ("<=", hi)):
                if value:
                    cond += f" AND period {op} ?"
                    params.append(value)
            selects.append(
                f"SELECT source, target, {', '.join(cols)} FROM dyad_{grain} WHERE {cond}"
            )
        sums = ", ".join(f"SUM({c}) AS {c}" for c in cols)
        sql = (
            f"SELECT source, target, {sums} FROM ({' UNION ALL '.join(selects)}) p "
            f"GROUP BY source, target HAVING SUM({cols[0]}) >= ? ORDER BY 3 DESC, 1, 2"
        )
        return self.backend.query(sql + _limit(limit), [*params, max(min_events, 1)])


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


def _nth_count(sums: dict[Any, list[Any]], n: int, min_events: int) -> int:
    """Return the ``n``-th largest event count in ``sums`` (at least ``min_events``)."""
    counts = sorted((v[0] for v in sums.values()), reverse=True)
    return max(counts[n - 1] if len(counts) >= n else 0, min_events, 1)


def _iso(day: date | None, width: int) -> str | None:
    """Return ``day`` as an ISO key cut to ``width`` characters, or None."""
    return None if day is None else day.isoformat()[:width]


def _limit(limit: int | None) -> str:
    return f" LIMIT {int(limit)}" if limit else ""


def _single_period(parts: list[tuple[str, str | None, str | None]]) -> tuple[str, str] | None:
    """Return (grain, period) when a window is exactly one aggregate period, else None."""
    if len(parts) != 1:
        return None
    grain, lo, hi = parts[0]
    if grain == "all":
        return ("all", "")
    return (grain, lo) if lo is not None and lo == hi else None


def open_store(
    db: str | None = None,
    *,
    settings: Settings | None = None,
    readonly: bool = False,
    timeout: float | None = None,
) -> Store:
    """Open (and migrate, unless ``readonly``) the store at ``db`` (default ``settings.db``).

    db: an SQLite path or a postgresql:// URL
    readonly: open for reading only; the database must exist and be fully migrated
    Raises: StoreError E501, E502, E503, E505, E506.
    """
    settings = settings or Settings()
    target = db or settings.db
    backend = connect(
        target,
        timeout=settings.db_timeout if timeout is None else timeout,
        readonly=readonly,
        cache_mb=settings.db_cache_mb,
        wal_mb=settings.db_wal_mb,
        background_checkpoints=settings.db_background_checkpoints,
    )
    try:
        if readonly:
            pending = migrations.check(backend)
            if pending:
                raise StoreError(
                    Errors.E501.format(
                        path=backend.label, detail="schema not created yet; run realpolitik ingest"
                    )
                )
        else:
            migrations.migrate(backend)
    except BaseException:
        backend.close()
        raise
    return Store(backend, settings=settings)


def event_rows_to_events(rows: Iterable[dict[str, Any]]) -> list[Event]:
    """Rebuild Events from ``events`` row dicts."""
    return [row_to_event(r) for r in rows]
