"""Weekly unique-event figures per dyad and per actor, read from the ``ev_*`` columns of
``dyad_day`` (an event counts on its first day), and the robust statistics the rules use."""

from __future__ import annotations

import logging
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from realpolitik.store.store import Store

logger = logging.getLogger(__name__)

MAD_SCALE = 1.4826
"""Makes the median absolute deviation estimate the standard deviation of normal data."""


def week_of(day: str | date) -> str:
    """Return the ISO week key (``2026-W07``) of a day."""
    d = date.fromisoformat(day) if isinstance(day, str) else day
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> date:
    """Return the Monday of an ISO week key."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def weeks_before(week: str, n: int) -> list[str]:
    """Return the ``n`` ISO weeks before ``week``, oldest first."""
    start = week_start(week)
    return [week_of(start - timedelta(weeks=k)) for k in range(n, 0, -1)]


@dataclass
class Week:
    """One dyad's or actor's unique events in one ISO week.

    events: unique events; conflict: of those, QuadClass 3 or 4
    goldstein_sum, n_goldstein: over the events that have a Goldstein score
    """

    events: int = 0
    conflict: int = 0
    goldstein_sum: float = 0.0
    n_goldstein: int = 0

    def add(self, events: int, q3: int, q4: int, gsum: float, ngold: int) -> None:
        """Add one ``dyad_day`` row's unique-event counts."""
        self.events += int(events)
        self.conflict += int(q3) + int(q4)
        self.goldstein_sum += float(gsum or 0.0)
        self.n_goldstein += int(ngold)

    def value(self, metric: str) -> float | None:
        """Return the week's mean Goldstein score or conflict share (None without events),
        or its event count for ``volume``."""
        if metric == "volume":
            return float(self.events)
        if metric == "goldstein":
            return self.goldstein_sum / self.n_goldstein if self.n_goldstein else None
        return self.conflict / self.events if self.events else None


@dataclass
class WeeklyTable:
    """Weekly figures of the dyads and actors a check looks at."""

    dyads: dict[tuple[str, str], dict[str, Week]]
    actors: dict[str, dict[str, Week]]


def read_weeks(
    store: Store,
    lo: date,
    hi: date,
    *,
    dyads: Iterable[tuple[str, str]] = (),
    actors: Iterable[str] = (),
) -> WeeklyTable:
    """Return the weekly unique-event figures of ``dyads`` and ``actors`` from ``lo`` to ``hi``.

    One range scan of ``dyad_day`` (its key starts with the day) over the window; a dyad whose
    source is its target counts once for its actor and is no dyad of its own.
    """
    want_dyads, want_actors = set(dyads), set(actors)
    table = WeeklyTable(dyads={d: {} for d in want_dyads}, actors={a: {} for a in want_actors})
    sql = (
        "SELECT source, target, period, ev_events, ev_q3, ev_q4, ev_goldstein_sum, "
        "ev_n_goldstein FROM dyad_day WHERE period >= ? AND period <= ? AND ev_events > 0"
    )
    for source, target, day, *counts in store.backend.stream(sql, [lo.isoformat(), hi.isoformat()]):
        week = week_of(day)
        if (source, target) in want_dyads and source != target:
            table.dyads[(source, target)].setdefault(week, Week()).add(*counts)
        for actor in {source, target} & want_actors:
            table.actors[actor].setdefault(week, Week()).add(*counts)
    return table


@dataclass
class Deviation:
    """How far a week's value lies from its history, in robust standard deviations."""

    value: float
    baseline: float
    spread: float
    z: float
    history: int


def deviation(value: float, history: list[float], *, min_spread: float) -> Deviation:
    """Return ``value``'s robust z-score against ``history``.

    baseline: the median; spread: 1.4826 * MAD, at least ``min_spread``
    """
    baseline = statistics.median(history)
    mad = statistics.median(abs(v - baseline) for v in history)
    spread = max(MAD_SCALE * mad, min_spread)
    return Deviation(
        value=round(value, 4),
        baseline=round(baseline, 4),
        spread=round(spread, 4),
        z=round((value - baseline) / spread, 3),
        history=len(history),
    )


def history_values(weeks: dict[str, Week], week: str, n: int, metric: str) -> list[float]:
    """Return ``metric`` of the weeks with events among the ``n`` weeks before ``week``."""
    out: list[float] = []
    for key in weeks_before(week, n):
        found = weeks.get(key)
        if found is None or not found.events:
            continue
        value = found.value(metric)
        if value is not None:
            out.append(value)
    return out


def figures(dev: Deviation, *, metric: str, n_events: int, threshold: float) -> dict[str, Any]:
    """Return an alert's figures from a deviation."""
    return {
        "metric": metric,
        "value": dev.value,
        "baseline": dev.baseline,
        "spread": dev.spread,
        "z": dev.z,
        "n_events": n_events,
        "threshold": threshold,
        "history_weeks": dev.history,
    }
