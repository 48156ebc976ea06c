"""The weekly rules: ``dyad_shift`` (a dyad's mean Goldstein score or conflict share far from
its own history) and ``volume_spike`` (an actor's unique events far above its history).

Each takes what a check touched (dyads and their ISO weeks) and returns candidate alerts; the
check applies cool-downs and stores them (``check.py``).
"""

from __future__ import annotations

import logging
import math
import statistics
from dataclasses import dataclass, field
from datetime import timedelta

from realpolitik.alerts.config import AlertConfig
from realpolitik.alerts.evidence import cluster_rows, with_evidence
from realpolitik.alerts.weekly import (
    WeeklyTable,
    deviation,
    figures,
    history_values,
    read_weeks,
    week_start,
)
from realpolitik.store.alerts import Alert
from realpolitik.store.store import Store

logger = logging.getLogger(__name__)

METRIC_NAMES = {"goldstein": "mean Goldstein", "conflict_share": "conflict share"}


@dataclass
class Touched:
    """What changed since the last check: dyads with the ISO weeks of their new events.

    days: every day with a new event (for the day-level rule)
    """

    dyads: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    days: set[str] = field(default_factory=set)

    def actors(self) -> dict[str, set[str]]:
        """Return each touched actor with its touched weeks."""
        out: dict[str, set[str]] = {}
        for (source, target), weeks in self.dyads.items():
            for actor in {source, target}:
                out.setdefault(actor, set()).update(weeks)
        return out

    def __bool__(self) -> bool:
        return bool(self.dyads)


def weekly_table(store: Store, touched: Touched, cfg: AlertConfig) -> WeeklyTable:
    """Read the weeks the weekly rules need: the touched weeks and each one's history."""
    weeks = {w for ws in touched.dyads.values() for w in ws}
    history = max(cfg.dyad_shift.history_weeks, cfg.volume_spike.history_weeks)
    lo = min(week_start(w) for w in weeks) - timedelta(weeks=history)
    hi = max(week_start(w) for w in weeks) + timedelta(days=6)
    return read_weeks(store, lo, hi, dyads=touched.dyads, actors=touched.actors())


def dyad_shifts(
    store: Store, touched: Touched, table: WeeklyTable, cfg: AlertConfig
) -> list[Alert]:
    """Return a ``dyad_shift`` alert for each touched dyad-week far from its history."""
    rule = cfg.dyad_shift
    out: list[Alert] = []
    for (source, target), weeks in sorted(touched.dyads.items()):
        if source == target:
            continue
        series = table.dyads.get((source, target), {})
        for week in sorted(weeks):
            current = series.get(week)
            if current is None or current.events < rule.min_events:
                continue
            moved = {}
            for metric in rule.metrics:
                value = current.value(metric)
                history = history_values(series, week, rule.history_weeks, metric)
                if value is None or len(history) < rule.min_history_weeks:
                    continue
                floor = (
                    rule.min_spread_goldstein if metric == "goldstein" else rule.min_spread_share
                )
                dev = deviation(value, history, min_spread=floor)
                moved[metric] = figures(
                    dev, metric=metric, n_events=current.events, threshold=rule.k
                )
            fired = {m: f for m, f in moved.items() if abs(f["z"]) > rule.k}
            if fired:
                out.append(_shift_alert(store, source, target, week, fired, moved, cfg))
    return out


def _shift_alert(
    store: Store,
    source: str,
    target: str,
    week: str,
    fired: dict[str, dict],
    moved: dict[str, dict],
    cfg: AlertConfig,
) -> Alert:
    """Return the alert of one dyad-week; its figures are the metric that moved most."""
    metric = max(fired, key=lambda m: abs(fired[m]["z"]))
    main = {**fired[metric], "metrics": moved}
    start = week_start(week)
    clusters = cluster_rows(
        store,
        start.isoformat(),
        (start + timedelta(days=6)).isoformat(),
        source=source,
        target=target,
    )
    base = main["baseline"]
    if metric == "goldstein":

        def rank(c: dict) -> tuple:
            return (-abs((c["goldstein"] or 0.0) - base), c["day"])
    else:

        def rank(c: dict) -> tuple:
            conflict = c["quad_class"] >= 3
            return (conflict if main["z"] < 0 else not conflict, -c["num_mentions"], c["day"])

    events = with_evidence(store, clusters, limit=cfg.max_events, rank=rank)
    direction = "rose" if main["z"] > 0 else "fell"
    message = (
        f"{source}>{target} {week}: {METRIC_NAMES[metric]} {direction} to {main['value']:+.2f} "
        f"(usual {main['baseline']:+.2f}, z {main['z']:+.1f}, {main['n_events']} events)"
    )
    return Alert(
        rule="dyad_shift",
        subject=f"{source}>{target}",
        period=week,
        period_start=start.isoformat(),
        figures=main,
        events=events,
        message=message,
    )


def volume_spikes(
    store: Store, touched: Touched, table: WeeklyTable, cfg: AlertConfig
) -> list[Alert]:
    """Return a ``volume_spike`` alert for each touched actor-week far above its history."""
    rule = cfg.volume_spike
    out: list[Alert] = []
    for actor, weeks in sorted(touched.actors().items()):
        series = table.actors.get(actor, {})
        for week in sorted(weeks):
            current = series.get(week)
            if current is None or current.events < rule.min_events:
                continue
            history = history_values(series, week, rule.history_weeks, "volume")
            if len(history) < rule.min_history_weeks:
                continue
            floor = max(rule.min_spread, math.sqrt(max(statistics.median(history), 0.0)))
            dev = deviation(float(current.events), history, min_spread=floor)
            if dev.z > rule.k:
                main = figures(dev, metric="volume", n_events=current.events, threshold=rule.k)
                out.append(_volume_alert(store, actor, week, main, cfg))
    return out


def _volume_alert(store: Store, actor: str, week: str, main: dict, cfg: AlertConfig) -> Alert:
    """Return the alert of one actor-week; its events are the week's most reported."""
    start = week_start(week)
    clusters = cluster_rows(
        store, start.isoformat(), (start + timedelta(days=6)).isoformat(), actor=actor
    )
    events = with_evidence(store, clusters, limit=cfg.max_events)
    message = (
        f"{actor} {week}: {main['n_events']} unique events (usual {main['baseline']:g}, "
        f"z {main['z']:+.1f})"
    )
    return Alert(
        rule="volume_spike",
        subject=actor,
        period=week,
        period_start=start.isoformat(),
        figures=main,
        events=events,
        message=message,
    )
