"""The ``bloc_change`` rule: an actor whose bloc in the last window differs from its bloc in
the window before.

Blocs come from ``analysis/blocs.py`` on the alignment network (unique events) of each window.
Bloc numbers mean nothing across runs, so blocs are matched: each new bloc to the old bloc
it shares most actors with (largest overlaps first, each old bloc used once). An actor present
in both windows (with ``min_actor_events`` events in each) moved when its new bloc is not
matched to its old one.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from realpolitik.alerts.config import AlertConfig
from realpolitik.alerts.evidence import cluster_rows, with_evidence
from realpolitik.alerts.weekly import week_of, week_start
from realpolitik.analysis.blocs import Blocs, find_blocs
from realpolitik.analysis.network import alignment_network
from realpolitik.store.alerts import Alert
from realpolitik.store.store import Store

logger = logging.getLogger(__name__)


def window_blocs(store: Store, end: date, days: int, min_events: int) -> tuple[Blocs, set[str]]:
    """Return the blocs of the window of ``days`` days ending on ``end`` and its actors with
    at least ``min_events`` unique events."""
    graph = alignment_network(store, since=end - timedelta(days=days - 1), until=end)
    blocs = find_blocs(graph, max_k=store.settings.bloc_max_k)
    active = {n for n, data in graph.nodes(data=True) if data.get("volume", 0) >= min_events}
    return blocs, active


def match_blocs(old: Blocs, new: Blocs, actors: set[str]) -> dict[int, int]:
    """Return {new bloc number: old bloc number} matching blocs by the actors they share."""
    overlaps = sorted(
        (
            (-len(set(n) & set(o) & actors), i, j)
            for i, n in enumerate(new.blocs)
            for j, o in enumerate(old.blocs)
        ),
    )
    matched: dict[int, int] = {}
    used: set[int] = set()
    for size, i, j in overlaps:
        if size < 0 and i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def bloc_changes(store: Store, cfg: AlertConfig, *, end: date) -> list[Alert]:
    """Return a ``bloc_change`` alert for each actor that moved between the window ending on
    ``end`` and the one before it."""
    rule = cfg.bloc_change
    new, new_active = window_blocs(store, end, rule.window_days, rule.min_actor_events)
    old_end = end - timedelta(days=rule.window_days)
    old, old_active = window_blocs(store, old_end, rule.window_days, rule.min_actor_events)
    actors = new_active & old_active
    if len(actors) < rule.min_actors or new.modularity < rule.min_modularity:
        return []
    matched = match_blocs(old, new, actors)
    out: list[Alert] = []
    for actor in sorted(actors):
        was, now = old.bloc_of(actor), new.bloc_of(actor)
        if was is None or now is None or matched.get(now) == was:
            continue
        out.append(_alert(store, actor, old.blocs[was], new.blocs[now], old, new, end, cfg))
    return out


def _alert(
    store: Store,
    actor: str,
    was: list[str],
    now: list[str],
    old: Blocs,
    new: Blocs,
    end: date,
    cfg: AlertConfig,
) -> Alert:
    """Return the alert of one actor's move; its events link it to its old and new mates."""
    lo = end - timedelta(days=cfg.bloc_change.window_days - 1)
    mates = (set(was) | set(now)) - {actor}
    clusters = [
        c
        for c in cluster_rows(store, lo.isoformat(), end.isoformat(), actor=actor)
        if ({c["source_key"], c["target_key"]} - {actor}) & mates
    ]
    events = with_evidence(
        store,
        clusters,
        limit=cfg.max_events,
        rank=lambda c: (-abs(c["goldstein"] or 0.0), -c["num_mentions"], c["day"]),
    )
    week = week_of(end)
    figures = {
        "metric": "bloc",
        "from_bloc": sorted(was),
        "to_bloc": sorted(now),
        "modularity_before": old.modularity,
        "modularity": new.modularity,
        "n_events": len(clusters),
        "window_days": cfg.bloc_change.window_days,
        "threshold": cfg.bloc_change.min_modularity,
    }
    joined = ", ".join(sorted(set(now) - {actor})) or "no one"
    left = ", ".join(sorted(set(was) - {actor})) or "no one"
    message = f"{actor} {week}: moved to the bloc of {joined} (was with {left})"
    return Alert(
        rule="bloc_change",
        subject=actor,
        period=week,
        period_start=week_start(week).isoformat(),
        figures=figures,
        events=events,
        message=message,
    )
