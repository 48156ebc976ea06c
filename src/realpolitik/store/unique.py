"""Read unique events (``event_clusters``) as records: the best mention's event, with the event's
code, actors, counts and the days it was first and last reported.

An event record is its best mention's ``events`` row (highest confidence: its sentence, span
and evidence) with ``event_id`` set to the unique event's id, ``mention_id`` to the best
mention's, and the event's own values laid over it: ``day``/``date`` (the first day of the
event), ``cameo``, ``root``, ``quad_class``, ``goldstein`` (of the code most mentions give),
``source_code``/``target_code`` (the most specific seen), ``confidence`` (at least one report
right: 1 - prod(1 - c)), ``num_mentions``, ``num_sources``, ``num_articles``, ``first_seen``,
``last_seen``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from realpolitik.store.clusters import CLUSTER_COLUMNS
from realpolitik.store.rows import EVENT_COLUMNS
from realpolitik.store.store import EventFilter, Store

logger = logging.getLogger(__name__)

COUNT_COLUMNS = ("num_mentions", "num_sources", "num_articles", "first_seen", "last_seen")
"""What an event record adds to a mention's columns (besides ``mention_id``)."""
OVERLAID = (
    "cameo",
    "root",
    "quad_class",
    "goldstein",
    "source_code",
    "target_code",
    "confidence",
)
CHUNK = 300


def cluster_rows(store: Store, filt: EventFilter | None = None) -> Iterator[dict[str, Any]]:
    """Yield matching ``event_clusters`` rows as dicts, ordered by day then id."""
    filt = filt or EventFilter()
    article = filt.article_id
    if article:
        filt = EventFilter(**{**filt.__dict__, "article_id": None})
    where, params = filt.where()
    if article:
        where += " AND cluster_id IN (SELECT cluster_id FROM events WHERE article_id = ?)"
        params.append(article)
    sql = (
        f"SELECT {', '.join(CLUSTER_COLUMNS)} FROM event_clusters WHERE {where} "
        "ORDER BY day, cluster_id"
    )
    for row in store.backend.stream(sql, params):
        yield dict(zip(CLUSTER_COLUMNS, row, strict=True))


def mention_rows_by_key(store: Store, keys: Sequence[tuple[str, str]]) -> dict[str, dict]:
    """Return ``{event_id: events row dict}`` of the mentions at (day, event id) ``keys``."""
    out: dict[str, dict[str, Any]] = {}
    cols = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    for i in range(0, len(keys), CHUNK):
        chunk = keys[i : i + CHUNK]
        values = ", ".join("(?, ?)" for _ in chunk)
        sql = (
            f"WITH k (d, i) AS (VALUES {values}) SELECT {cols} FROM k CROSS JOIN events e "
            "WHERE e.day = k.d AND e.event_id = k.i"
        )
        for row in store.backend.query(sql, [v for key in chunk for v in key]):
            out[row[0]] = dict(zip(EVENT_COLUMNS, row, strict=True))
    return out


def event_record(cluster: dict[str, Any], best: dict[str, Any]) -> dict[str, Any]:
    """Return the record of one unique event from its cluster row and best mention's row."""
    record = dict(best)
    record["mention_id"] = best["event_id"]
    record["event_id"] = cluster["cluster_id"]
    record["day"] = record["date"] = cluster["day"]
    for name in (*OVERLAID, *COUNT_COLUMNS):
        record[name] = cluster[name]
    return record


def unique_events(
    store: Store, filt: EventFilter | None = None, *, limit: int | None = None
) -> Iterator[dict[str, Any]]:
    """Yield the records of the matching unique events, ordered by day then id."""
    clusters = islice(cluster_rows(store, filt), limit)
    while chunk := list(islice(clusters, 2000)):
        best = mention_rows_by_key(store, [(c["best_day"], c["best_id"]) for c in chunk])
        for cluster in chunk:
            mention = best.get(cluster["best_id"])
            if mention is not None:
                yield event_record(cluster, mention)


def event_mentions(store: Store, event_id: str, day: str) -> list[dict[str, Any]]:
    """Return the mentions of unique event ``event_id`` (first day ``day``), best first.

    Its mentions lie on ``day`` and the ``cluster_window_days`` after it.
    """
    from datetime import date, timedelta

    first = date.fromisoformat(day)
    days = [
        (first + timedelta(days=k)).isoformat()
        for k in range(store.settings.cluster_window_days + 1)
    ]
    marks = ", ".join("?" for _ in days)
    sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE day IN ({marks}) AND cluster_id = ?"
    rows = [
        dict(zip(EVENT_COLUMNS, r, strict=True))
        for r in store.backend.query(sql, [*days, event_id])
    ]
    return sorted(rows, key=lambda r: (-r["confidence"], r["event_id"]))


def find_event(store: Store, event_id: str) -> dict[str, Any] | None:
    """Return the record of unique event ``event_id``, or None (probes every stored day)."""
    for days in store.day_chunks():
        marks = ", ".join("?" for _ in days)
        sql = (
            f"SELECT {', '.join(CLUSTER_COLUMNS)} FROM event_clusters "
            f"WHERE day IN ({marks}) AND cluster_id = ?"
        )
        found = store.backend.query(sql, [*days, event_id])
        if found:
            cluster = dict(zip(CLUSTER_COLUMNS, found[0], strict=True))
            best = mention_rows_by_key(store, [(cluster["best_day"], cluster["best_id"])])
            mention = best.get(cluster["best_id"])
            return event_record(cluster, mention) if mention else None
    return None
