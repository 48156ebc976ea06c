"""Read-only event queries the store's own filter does not cover: cursors, countries, text search.

Every value reaches SQL as a bound parameter; only fixed column names and fixed operators are
written into the statement text. Pages are ordered newest first by (day, event_id) and walked
with a keyset cursor, so page 1,000 costs what page 1 costs.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from realpolitik.errors import APIError, Errors
from realpolitik.store.rows import EVENT_COLUMNS, valid_day
from realpolitik.store.store import Store
from realpolitik.store.unique import COUNT_COLUMNS, OVERLAID

logger = logging.getLogger(__name__)

_ORDER = " ORDER BY day DESC NULLS LAST, event_id DESC"
UNIQUE_COLUMNS = (*EVENT_COLUMNS, "mention_id", *COUNT_COLUMNS)
"""A unique event as a row: its best mention's columns with the event's laid over them."""


def _unique_column(name: str) -> str:
    if name in ("event_id", "cluster_id"):
        return f"c.cluster_id AS {name}"
    if name in ("day", "date", "cluster_day"):
        return f"c.day AS {name}"
    if name in (*OVERLAID, *COUNT_COLUMNS, "in_aggregate"):
        return f"c.{name}"
    return "e.event_id AS mention_id" if name == "mention_id" else f"e.{name}"


_UNIQUE = (
    f"(SELECT {', '.join(map(_unique_column, UNIQUE_COLUMNS))} FROM event_clusters c "
    "JOIN events e ON e.day = c.best_day AND e.event_id = c.best_id) u"
)

Cursor = tuple[str | None, str]
"""(day, event_id) of the last row of a page; the next page starts after it."""


@dataclass
class EventQuery:
    """What ``GET /api/events`` asks for; every filter is optional and they combine with AND.

    actor: either side's key (country, else org); source, target: that side's key
    dyad: two keys, events between them in either direction
    country, org: either side's country (ISO alpha-3) or organisation
    cameo: a CAMEO code or any code under it (``11`` = the whole root, ``111`` and its children)
    quad_classes: QuadClass values (1-4) to keep
    text: words that must occur in the sentence (case-insensitive substring)
    """

    actor: str | None = None
    source: str | None = None
    target: str | None = None
    dyad: tuple[str, str] | None = None
    country: str | None = None
    org: str | None = None
    cameo: str | None = None
    root: str | None = None
    quad_classes: Sequence[int] = field(default_factory=tuple)
    since: date | None = None
    until: date | None = None
    text: str | None = None
    count: str = "events"

    @property
    def table(self) -> str:
        """What the query reads: unique events (the default) or every mention."""
        return _UNIQUE if self.count == "events" else "events"

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns of a row of the answer."""
        return UNIQUE_COLUMNS if self.count == "events" else EVENT_COLUMNS

    def pins_dyad(self) -> bool:
        """Return True when every arm of the query fixes both the source and the target."""
        return bool(self.dyad or (self.source and self.target))

    def where(self) -> list[tuple[list[str], list[Any]]]:
        """Return the query as arms (SQL conditions and parameters) whose union is the answer.

        A dyad becomes two arms, one per direction.
        """
        terms: list[str] = []
        params: list[Any] = []
        simple = (
            ("source_key = ?", self.source),
            ("target_key = ?", self.target),
            ("root = ?", self.root),
            ("day >= ?", self.since and self.since.isoformat()),
            ("day <= ?", self.until and self.until.isoformat()),
        )
        for sql, value in simple:
            if value is not None:
                terms.append(sql)
                params.append(value)
        either = (("key", self.actor), ("country", self.country), ("org", self.org))
        for column, value in either:
            if value is not None:
                terms.append(f"(source_{column} = ? OR target_{column} = ?)")
                params += [value, value]
        if self.cameo:
            terms.append("(cameo = ? OR cameo LIKE ?)")
            params += [self.cameo, self.cameo + "%"]
        if self.quad_classes:
            terms.append(f"quad_class IN ({', '.join('?' for _ in self.quad_classes)})")
            params += list(self.quad_classes)
        if self.text:
            terms.append("LOWER(sentence) LIKE ? ESCAPE '\\'")
            params.append("%" + like_escape(self.text.lower()) + "%")
        if not self.dyad:
            return [(terms, params)]
        a, b = self.dyad
        directions = [(a, b)] if a == b else [(a, b), (b, a)]
        return [
            (["source_key = ?", "target_key = ?", *terms], [s, t, *params]) for s, t in directions
        ]


def like_escape(text: str) -> str:
    """Escape LIKE wildcards so ``text`` matches literally (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def encode_cursor(day: str | None, event_id: str) -> str:
    """Return an opaque cursor for the row (day, event_id)."""
    raw = json.dumps([day, event_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Cursor:
    """Return the (day, event_id) a cursor stands for.

    Raises: APIError E603 if the cursor was not made by :func:`encode_cursor`.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        day, event_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise APIError(Errors.E603.format(cursor=cursor[:80])) from None
    if not isinstance(event_id, str) or not (
        day is None or (isinstance(day, str) and valid_day(day))
    ):
        raise APIError(Errors.E603.format(cursor=cursor[:80]))
    return day, event_id


def _after(cursor: Cursor) -> tuple[str, list[Any]]:
    """Return the condition selecting rows after ``cursor`` in newest-first order."""
    day, event_id = cursor
    if day is None:
        return "(day IS NULL AND event_id < ?)", [event_id]
    return "(day < ? OR (day = ? AND event_id < ?) OR day IS NULL)", [day, day, event_id]


def event_page(
    store: Store, query: EventQuery, *, limit: int, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """Return one page of matching event rows (newest first) and the cursor of the next page.

    limit: rows in the page; the next cursor is None on the last page
    Raises: APIError E603 (bad cursor); StoreError E501, E502.
    """
    start = decode_cursor(cursor) if cursor else None
    arms = query.where()
    if start is not None:
        after, values = _after(start)
        arms = [([*terms, after], [*params, *values]) for terms, params in arms]
    if query.pins_dyad() and not (start and start[0] is None):
        first_day = start[0] if start else None
        rows = _dyad_rows(store, arms, query, first_day=first_day, n=limit + 1)
    else:
        rows = _union(store, arms, limit + 1, query)
    page = [dict(zip(query.columns, r, strict=True)) for r in rows[:limit]]
    more = len(rows) > limit
    last = page[-1] if page else None
    return page, encode_cursor(last["day"], last["event_id"]) if more and last else None


def _union(
    store: Store, arms: list[tuple[list[str], list[Any]]], n: int, query: EventQuery
) -> list[Any]:
    """Return the first ``n`` rows of the union of ``arms``, newest first."""
    selects: list[str] = []
    params: list[Any] = []
    cols = ", ".join(query.columns)
    for terms, values in arms:
        where = " AND ".join(terms) or "1 = 1"
        selects.append(f"SELECT {cols} FROM {query.table} WHERE {where}")
        params += values
    sql = " UNION ALL ".join(selects) + _ORDER + " LIMIT ?"
    return store.backend.query(sql, [*params, n])


def _dyad_rows(
    store: Store,
    arms: list[tuple[list[str], list[Any]]],
    query: EventQuery,
    *,
    first_day: str | None,
    n: int,
) -> list[Any]:
    """Return the first ``n`` rows of a query pinned to source and target, newest first.

    Events are indexed by (day, source, target), so the days are probed newest first
    (``Store.day_chunks``) until the page is full; undated events come last.
    """
    until = query.until
    if first_day and (until is None or first_day < until.isoformat()):
        until = date.fromisoformat(first_day)
    rows: list[Any] = []
    for chunk in store.day_chunks(query.since, until, newest_first=True):
        marks = ", ".join("?" for _ in chunk)
        rows += _union(
            store,
            [([*t, f"day IN ({marks})"], [*v, *chunk]) for t, v in arms],
            n - len(rows),
            query,
        )
        if len(rows) >= n:
            return rows
    return rows + _union(store, [([*t, "day IS NULL"], v) for t, v in arms], n - len(rows), query)


def event_by_id(store: Store, event_id: str) -> dict[str, Any] | None:
    """Return the ``events`` row ``event_id``, or None."""
    rows = store.events_by_id([event_id])
    return rows[0] if rows else None


def actor_keys(store: Store) -> dict[str, int]:
    """Return every actor key in the all-time dyad totals with its event count (either side)."""
    counts: dict[str, int] = {}
    sql = "SELECT {side}, SUM(n_events) FROM dyad_all GROUP BY {side}"
    for side in ("source", "target"):
        for key, n in store.backend.query(sql.format(side=side)):
            counts[key] = counts.get(key, 0) + int(n)
    return counts


def actor_exists(store: Store, key: str) -> bool:
    """Return True when ``key`` is either side of a stored dyad."""
    sql = "SELECT 1 FROM dyad_all WHERE source = ? OR target = ? LIMIT 1"
    return bool(store.backend.query(sql, (key, key)))
