"""Shift detection: periods in which a dyad's tone broke from its own recent history.

For each directed dyad the events are summed per period (day, week or month). A period's
value is its mean Goldstein score. Its baseline is the event-weighted mean Goldstein of the
``window`` periods before it, and its spread the standard deviation of those periods' means
(at least two periods with events; floored at ``settings.shift_min_spread`` so a quiet,
steady history does not turn every wobble into a shift). The rolling z-score
``(value - baseline) / spread`` flags a shift when its size reaches ``settings.shift_z`` and
the period holds at least ``settings.shift_min_events`` events. Each shift lists the events
that drove it: those of the period furthest from the baseline, in its direction first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from realpolitik.analysis.dyads import aggregate_frame
from realpolitik.analysis.periods import (
    check_freq,
    period_end,
    period_index,
    period_start,
    period_starts,
)
from realpolitik.store.store import EventFilter, Store
from realpolitik.store.unique import unique_events

logger = logging.getLogger(__name__)

SHIFT_COLUMNS = (
    "source",
    "target",
    "period",
    "events",
    "goldstein_mean",
    "baseline",
    "spread",
    "z",
    "direction",
    "drivers",
)
_PERIOD_DAYS = {"day": 1, "week": 7, "month": 31}


@dataclass
class ShiftOptions:
    """Knobs of shift detection; defaults come from Settings (``shift_*``)."""

    freq: str
    window: int
    z: float
    min_events: int
    min_spread: float
    drivers: int
    count: str = "events"

    @classmethod
    def from_store(cls, store: Store, **overrides: Any) -> ShiftOptions:
        """Return the store's settings with ``overrides`` (None values ignored) laid over."""
        s = store.settings
        base = {
            "freq": s.shift_freq,
            "window": s.shift_window,
            "z": s.shift_z,
            "min_events": s.shift_min_events,
            "min_spread": s.shift_min_spread,
            "drivers": s.shift_drivers,
        }
        base.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**base)


def _scan(group: pd.DataFrame, opts: ShiftOptions, index: pd.DatetimeIndex) -> pd.DataFrame:
    """Return the scored periods of one dyad (all of them; flags are applied by the caller)."""
    g = (
        group.groupby("period")[["events", "goldstein_sum", "n_goldstein"]]
        .sum()
        .reindex(index, fill_value=0)
    )
    mean = g["goldstein_sum"] / g["n_goldstein"].replace(0, np.nan)
    past_sum = g["goldstein_sum"].rolling(opts.window, min_periods=1).sum().shift(1)
    past_n = g["n_goldstein"].rolling(opts.window, min_periods=1).sum().shift(1)
    spread = mean.rolling(opts.window, min_periods=2).std(ddof=0).shift(1)
    history = mean.notna().astype(int).rolling(opts.window, min_periods=1).sum().shift(1)
    out = pd.DataFrame(
        {
            "events": g["events"],
            "goldstein_mean": mean,
            "baseline": past_sum / past_n.replace(0, np.nan),
            "spread": spread.clip(lower=opts.min_spread),
            "history": history,
        }
    )
    out["z"] = (out["goldstein_mean"] - out["baseline"]) / out["spread"]
    return out


def detect_shifts(
    store: Store,
    *,
    since: date | None = None,
    until: date | None = None,
    actor: str | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Return the shifts of every dyad in the window, strongest first (SHIFT_COLUMNS).

    actor: only dyads with this actor on either side
    options: freq, window, z, min_events, min_spread, drivers (default from Settings) and
        count (``events``: unique events, the default; ``mentions``: every report)
    Raises: StoreError E507 (unknown freq or count), E501, E502.
    """
    opts = ShiftOptions.from_store(store, **options)
    check_freq(opts.freq)
    lookback = (
        since - timedelta(days=_PERIOD_DAYS[opts.freq] * (opts.window + 1)) if since else None
    )
    frame = aggregate_frame(store.period_rows("day", since=lookback, until=until, count=opts.count))
    if actor:
        frame = frame[(frame["source"] == actor) | (frame["target"] == actor)]
    frame = frame[frame["source"] != frame["target"]]
    if frame.empty:
        return pd.DataFrame(columns=list(SHIFT_COLUMNS))
    days = pd.to_datetime(frame["period"], format="%Y-%m-%d")
    frame = frame.assign(period=period_starts(days, opts.freq))
    index = period_index(days.min().date(), days.max().date(), opts.freq)  # no shift after
    found = []
    for (source, target), group in frame.groupby(["source", "target"]):
        if group["events"].sum() < opts.min_events:
            continue
        scored = _scan(group, opts, index)
        hits = scored[
            (scored["history"] >= 2)
            & (scored["events"] >= opts.min_events)
            & (scored["z"].abs() >= opts.z)
        ]
        if since:
            hits = hits[hits.index >= pd.Timestamp(period_start(since, opts.freq))]
        for period, row in hits.iterrows():
            found.append(_shift(store, source, target, period.date(), row, opts))
    result = pd.DataFrame(found, columns=list(SHIFT_COLUMNS))
    if result.empty:
        return result
    order = result["z"].abs().sort_values(ascending=False).index
    return result.loc[order].reset_index(drop=True)


def _shift(
    store: Store, source: str, target: str, start: date, row: pd.Series, opts: ShiftOptions
) -> dict[str, Any]:
    direction = "cooperation" if row["z"] > 0 else "conflict"
    return {
        "source": source,
        "target": target,
        "period": start.isoformat(),
        "events": int(row["events"]),
        "goldstein_mean": round(float(row["goldstein_mean"]), 3),
        "baseline": round(float(row["baseline"]), 3),
        "spread": round(float(row["spread"]), 3),
        "z": round(float(row["z"]), 2),
        "direction": direction,
        "drivers": drivers(
            store,
            source,
            target,
            start,
            opts,
            baseline=float(row["baseline"]),
            sign=1 if row["z"] > 0 else -1,
        ),
    }


def drivers(
    store: Store,
    source: str,
    target: str,
    start: date,
    opts: ShiftOptions,
    *,
    baseline: float,
    sign: int,
) -> list[dict[str, Any]]:
    """Return the period's events that pulled it furthest from the baseline, in ``sign``'s way."""
    filt = EventFilter(
        source=source, target=target, since=start, until=period_end(start, opts.freq)
    )
    found = unique_events(store, filt) if opts.count == "events" else store.event_rows(filt)
    rows = [r for r in found if r["in_aggregate"] and r["goldstein"] is not None]
    rows.sort(key=lambda r: (-sign * (r["goldstein"] - baseline), r["event_id"]))
    return [
        {
            "event_id": r["event_id"],
            "article_id": r["article_id"],
            "day": r["day"],
            "cameo": r["cameo"],
            "goldstein": r["goldstein"],
            "sentence": r["sentence"],
            "num_mentions": r.get("num_mentions", 1),
        }
        for r in rows[: opts.drivers]
    ]
