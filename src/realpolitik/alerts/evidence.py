"""The unique events behind an alert, each with its evidence: the best mention's sentence, its
article's id and URL, the event's CAMEO code, Goldstein score, day and number of reports."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from realpolitik.store.clusters import CLUSTER_COLUMNS
from realpolitik.store.store import Store
from realpolitik.store.unique import mention_rows_by_key

logger = logging.getLogger(__name__)


def cluster_rows(
    store: Store,
    lo: str,
    hi: str,
    *,
    source: str | None = None,
    target: str | None = None,
    actor: str | None = None,
    quad_class: int | None = None,
) -> list[dict[str, Any]]:
    """Return the counted unique events (``event_clusters`` rows) from day ``lo`` to ``hi``.

    A range scan of the table's (day, cluster_id) key; the sides filter within it.
    actor: either side
    """
    terms = ["day >= ?", "day <= ?", "in_aggregate = 1"]
    params: list[Any] = [lo, hi]
    for sql, value in (("source_key = ?", source), ("target_key = ?", target)):
        if value is not None:
            terms.append(sql)
            params.append(value)
    if quad_class is not None:
        terms.append("quad_class = ?")
        params.append(quad_class)
    if actor is not None:
        terms.append("(source_key = ? OR target_key = ?)")
        params += [actor, actor]
    sql = (
        f"SELECT {', '.join(CLUSTER_COLUMNS)} FROM event_clusters WHERE {' AND '.join(terms)} "
        "ORDER BY day, cluster_id"
    )
    return [dict(zip(CLUSTER_COLUMNS, r, strict=True)) for r in store.backend.query(sql, params)]


def with_evidence(
    store: Store,
    clusters: Sequence[dict[str, Any]],
    *,
    limit: int,
    rank: Callable[[dict[str, Any]], Any] | None = None,
) -> list[dict[str, Any]]:
    """Return the alert records of up to ``limit`` unique events, ordered by day.

    rank: which events to keep when there are more than ``limit`` (lowest first); default
    the most reported
    """
    ranked = sorted(clusters, key=rank or (lambda c: (-c["num_mentions"], c["day"])))
    kept = sorted(ranked[:limit], key=lambda c: (c["day"], c["cluster_id"]))
    best = mention_rows_by_key(store, [(c["best_day"], c["best_id"]) for c in kept])
    meta = store.article_meta([m["article_id"] for m in best.values()])
    return [_record(c, best.get(c["best_id"]), meta) for c in kept]


def _record(
    cluster: dict[str, Any], mention: dict[str, Any] | None, meta: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Return one triggering event as the alert stores it."""
    article = mention["article_id"] if mention else None
    info = meta.get(article or "", {})
    return {
        "event_id": cluster["cluster_id"],
        "day": cluster["day"],
        "source": cluster["source_key"],
        "target": cluster["target_key"],
        "cameo": cluster["cameo"],
        "root": cluster["root"],
        "quad_class": cluster["quad_class"],
        "goldstein": cluster["goldstein"],
        "num_mentions": cluster["num_mentions"],
        "num_sources": cluster["num_sources"],
        "mention_id": cluster["best_id"],
        "sentence": mention["sentence"] if mention else None,
        "article_id": article,
        "url": info.get("url"),
        "title": info.get("title"),
    }
