"""The event store: articles, events and dyad aggregates, written atomically, read by filters.

``Store`` is the one object callers hold. Writing (one transaction per batch, crash-safe)
lives in ``writer.py``, the dyad aggregate queries in ``queries.py``; this module reads
articles and events back and keeps the public methods in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from realpolitik.errors import Errors, StoreError
from realpolitik.models import Article, Event
from realpolitik.settings import Settings
from realpolitik.store import migrations, queries
from realpolitik.store.backends import Backend, connect
from realpolitik.store.backfill import rebuild_event_view
from realpolitik.store.linking import Linker
from realpolitik.store.queries import chunks, iso, marks, stored_keys
from realpolitik.store.rows import (
    AGG_COLUMNS,
    ARTICLE_COLUMNS,
    EVENT_COLUMNS,
    GRAINS,
    row_to_article,
    row_to_event,
)
from realpolitik.store.writer import Writer, WriteStats, by_id

logger = logging.getLogger(__name__)

__all__ = ["EventFilter", "Store", "WriteStats", "event_rows_to_events", "open_store"]

DAYS_PER_PROBE = 366
"""Days probed per statement when events are read for one source and target."""


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


class Store:
    """An open event store; use :func:`open_store` to get one.

    The schema is migrated on open unless ``readonly``. Use it as a context manager, or call
    :meth:`close`.
    """

    def __init__(self, backend: Backend, *, settings: Settings) -> None:
        self.backend = backend
        self.settings = settings
        self.linker = Linker(backend, window=settings.cluster_window_days)
        self.writer = Writer(backend, self.linker)

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
        for chunk in chunks(list(dict.fromkeys(ids))):
            sql = (
                "SELECT id, content_hash, coder_version FROM articles "
                f"WHERE id IN ({marks(len(chunk))})"
            )
            out.update({r[0]: (r[1], r[2]) for r in self.backend.query(sql, chunk)})
        return out

    def lookup_content(self, hashes: Sequence[str]) -> dict[str, str]:
        """Return ``{content_hash: id}`` of stored original (non-duplicate) articles."""
        out: dict[str, str] = {}
        for chunk in chunks(list(dict.fromkeys(hashes))):
            sql = (
                "SELECT content_hash, MIN(id) FROM articles "
                f"WHERE content_hash IN ({marks(len(chunk))}) AND duplicate_of IS NULL "
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
        """Store articles with their events in one transaction, replacing earlier versions
        (``writer.py``).

        coder_version: recorded with each article; a later run with another version re-codes
        on_warning: receives W501 (event id stored under another article) and W502 messages
        Raises: StoreError E501, E502.
        """
        return self.writer.write(batch, coder_version=coder_version, on_warning=on_warning)

    def event_days(self, since: date | None = None, until: date | None = None) -> list[str]:
        """Return every calendar day from the first event's day to the last one's, in order,
        cut to the inclusive window ``since``..``until``; probing them one by one reads the
        events' (day, ...) indexes like an index on what follows the day."""
        return stored_keys(self.backend, "events", "day", "day", iso(since, 10), iso(until, 10))

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
        yield from chunks(days[start:], DAYS_PER_PROBE)

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
        for chunk in chunks(list(dict.fromkeys(ids))):
            sql = (
                f"SELECT {', '.join(cols[:-1])}, length(text) FROM articles "
                f"WHERE id IN ({marks(len(chunk))})"
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
            yield from self._rows(filt, f" AND day IN ({marks(len(chunk))})", chunk)

    def iter_events(
        self, filt: EventFilter | None = None, *, limit: int | None = None
    ) -> Iterator[Event]:
        """Yield matching Events, ordered by day then id."""
        for row in self.event_rows(filt, limit=limit):
            yield row_to_event(row)

    def events_by_id(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Return the ``events`` rows of ``ids`` (those that exist), probing every stored day."""
        rows = by_id(self.backend, EVENT_COLUMNS, ids)
        return [dict(zip(EVENT_COLUMNS, r, strict=True)) for r in rows]

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
        return queries.dyad_periods(
            self.backend, grain, sources, targets, since=since, until=until, count=count
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
        return queries.period_rows(self.backend, grain, since=since, until=until, count=count)

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
        return queries.dyad_totals(
            self.backend,
            since=since,
            until=until,
            limit=limit,
            min_events=min_events,
            count=count,
        )


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
