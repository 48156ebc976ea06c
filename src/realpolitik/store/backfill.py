"""Link every stored mention from scratch and recount the unique-event view of the aggregates.

Used by migration ``0007_event_clusters`` and :meth:`Store.rebuild_aggregates`; a store
write links incrementally instead (``linking.py``) and reaches the same events.
"""

from __future__ import annotations

import logging
from itertools import groupby
from typing import Any

from realpolitik.models import Article
from realpolitik.store.backends import Backend
from realpolitik.store.clusters import (
    CLUSTER_COLUMNS,
    MENTION_FIELDS,
    Mention,
    link_group,
    singleton_row,
)
from realpolitik.store.outlets import outlet
from realpolitik.store.rows import EVENT_AGG_COLUMNS, GRAINS, valid_day

logger = logging.getLogger(__name__)

FLUSH = 10_000
"""Rows written per statement batch."""

_INSERT = (
    f"INSERT INTO event_clusters ({', '.join(CLUSTER_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in CLUSTER_COLUMNS)})"
)
_LINK = "UPDATE events SET cluster_id = ?, cluster_day = ? WHERE day = ? AND event_id = ?"


def fill_outlets(backend: Backend) -> None:
    """Set each stored mention's ``outlet`` and ``seen`` from its article."""
    rows = backend.query("SELECT id, url, source, date, ingested_at FROM articles")
    updates = [
        (
            outlet(Article(id=r[0], text="", url=r[1], source=r[2])),
            valid_day(r[3]) or (r[4] or "")[:10] or None,
            r[0],
        )
        for r in rows
    ]
    backend.executemany("UPDATE events SET outlet = ?, seen = ? WHERE article_id = ?", updates)


def relink_all(backend: Backend, *, window: int) -> None:
    """Rebuild ``event_clusters`` and every mention's link, then the event-view counts."""
    fill_outlets(backend)
    backend.execute("DELETE FROM event_clusters")
    fields = ", ".join(MENTION_FIELDS)
    clusters: list[tuple[Any, ...]] = []
    links: list[tuple[str, str | None, str | None, str]] = []

    def flush(force: bool = False) -> None:
        if force or len(clusters) + len(links) >= FLUSH:
            backend.executemany(_INSERT, clusters)
            backend.executemany(_LINK, links)
            clusters.clear()
            links.clear()

    for row in backend.query(f"SELECT {fields} FROM events WHERE in_aggregate = 0"):
        m = Mention(*row)
        clusters.append(singleton_row(m))
        links.append((m.event_id, m.day, m.day, m.event_id))
        flush()
    ordered = backend.stream(
        f"SELECT {fields} FROM events WHERE in_aggregate = 1 "
        "ORDER BY source_key, target_key, root, day, event_id"
    )
    for group, rows in groupby((Mention(*r) for r in ordered), key=lambda m: m.group):
        for row, part in link_group(group, rows, window):
            clusters.append(row)
            links += [(row[0], row[1], m.day, m.event_id) for m in part]
        flush()
    flush(force=True)
    rebuild_event_view(backend)


def rebuild_event_view(backend: Backend) -> None:
    """Recount the unique-event columns of every ``dyad_<grain>`` from ``event_clusters``."""
    cases = ", ".join(f"SUM(CASE WHEN quad_class = {q} THEN 1 ELSE 0 END)" for q in range(1, 5))
    zeros = ", ".join("0" for _ in EVENT_AGG_COLUMNS)
    mention_cols = "n_events, n_q1, n_q2, n_q3, n_q4, goldstein_sum, n_goldstein"
    for grain, width in GRAINS.items():
        backend.execute(
            f"UPDATE dyad_{grain} SET " + ", ".join(f"{c} = 0" for c in EVENT_AGG_COLUMNS)
        )
        backend.execute(
            f"INSERT INTO dyad_{grain} (source, target, period, {mention_cols}, "
            f"{', '.join(EVENT_AGG_COLUMNS)}) SELECT source_key, target_key, "
            f"substr(day, 1, {width}), {zeros}, COUNT(*), {cases}, "
            "COALESCE(SUM(goldstein), 0), COUNT(goldstein) FROM event_clusters "
            "WHERE in_aggregate = 1 GROUP BY source_key, target_key, substr(day, 1, "
            f"{width}) ON CONFLICT (source, target, period) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in EVENT_AGG_COLUMNS)
        )
