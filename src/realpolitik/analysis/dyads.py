"""Dyad time series: how one pair of actors relates, period by period.

Each period carries the event count, the count per QuadClass (verbal and material
cooperation, verbal and material conflict), the Goldstein sum and mean, and the
cooperation–conflict balance ``(cooperation - conflict) / events``, from -1 (all conflict)
to +1 (all cooperation). Directed series count ``a → b`` only; undirected ones add ``b → a``.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from operator import add
from typing import Any

import numpy as np
import pandas as pd

from realpolitik.analysis.periods import check_freq, period_index, period_start
from realpolitik.store.rows import AGG_COLUMNS
from realpolitik.store.store import Store

logger = logging.getLogger(__name__)

QUAD_NAMES = ("verbal_coop", "material_coop", "verbal_conflict", "material_conflict")
SERIES_COLUMNS = (
    "events",
    *QUAD_NAMES,
    "goldstein_sum",
    "goldstein_mean",
    "balance",
    "n_goldstein",
)
_RENAME = dict(
    zip(AGG_COLUMNS, ("events", *QUAD_NAMES, "goldstein_sum", "n_goldstein"), strict=True)
)


def aggregate_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """Return aggregate rows (source, target, period, counts...) as a DataFrame."""
    frame = pd.DataFrame(rows, columns=["source", "target", "period", *AGG_COLUMNS])
    types = {c: ("float64" if c == "goldstein_sum" else "int64") for c in AGG_COLUMNS}
    return frame.astype(types).rename(columns=_RENAME)


def add_measures(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``goldstein_mean`` and ``balance`` to a frame of summed counts (in place)."""
    events = frame["events"].astype(float)
    coop = frame["verbal_coop"] + frame["material_coop"]
    conflict = frame["verbal_conflict"] + frame["material_conflict"]
    n_gold = frame["n_goldstein"].astype(float)
    gold = frame["goldstein_sum"].astype(float)
    frame["goldstein_mean"] = (gold / n_gold.replace(0, np.nan)).round(4)
    frame["balance"] = ((coop - conflict) / events.replace(0, np.nan)).round(4)
    frame["goldstein_sum"] = gold.round(4)
    return frame


def dyad_series(
    store: Store,
    a: str,
    b: str,
    *,
    freq: str = "month",
    since: date | None = None,
    until: date | None = None,
    directed: bool = True,
    count: str = "events",
) -> pd.DataFrame:
    """Return the series of dyad ``a → b`` (and ``b → a`` unless ``directed``), one row a period.

    freq: day, week (starting Monday) or month
    since, until: inclusive window; periods without events inside it are rows of zeros
    count: ``events`` counts unique events, ``mentions`` every report of them
    Returns: a DataFrame indexed by period start with SERIES_COLUMNS.
    Raises: StoreError E507 (unknown freq or count), E501, E502.
    """
    check_freq(freq)
    pairs = {(a, b)} if directed else {(a, b), (b, a)}
    grain = "month" if freq == "month" and _whole_months(since, until) else "day"
    sources, targets = ([a], [b]) if directed else (sorted({a, b}), sorted({a, b}))
    rows = [
        r
        for r in store.dyad_periods(grain, sources, targets, since=since, until=until, count=count)
        if (r[0], r[1]) in pairs
    ]
    sums = _sum_by_period(rows, freq)
    first = since or (min(sums) if sums else None)
    last = until or (max(sums) if sums else None)
    if first is None or last is None or first > last:
        index = pd.DatetimeIndex(sorted(sums), name="period")
    else:
        index = period_index(first, last, freq)
    zero = [0] * len(AGG_COLUMNS)
    values = np.array([sums.get(day.date(), zero) for day in index], dtype=float).reshape(
        len(index), len(AGG_COLUMNS)
    )
    frame = pd.DataFrame(values, index=index, columns=[_RENAME[c] for c in AGG_COLUMNS])
    counts = [c for c in frame.columns if c != "goldstein_sum"]
    frame[counts] = frame[counts].astype("int64")
    return add_measures(frame)[list(SERIES_COLUMNS)]


def _sum_by_period(rows: list[tuple[Any, ...]], freq: str) -> dict[date, list[float]]:
    """Sum aggregate rows (period keys YYYY-MM-DD or YYYY-MM) per ``freq`` period start."""
    if freq == "week":
        return _sum_by_week(rows)
    sums: dict[date, list[float]] = {}
    starts: dict[str, date] = {}
    for row in rows:
        key = row[2]
        start = starts.get(key)
        if start is None:
            day = date.fromisoformat(key if len(key) == 10 else key + "-01")
            start = starts[key] = period_start(day, freq)
        acc = sums.get(start)
        sums[start] = list(row[3:]) if acc is None else list(map(add, acc, row[3:]))
    return sums


def _sum_by_week(rows: list[tuple[Any, ...]]) -> dict[date, list[float]]:
    """Sum day rows per week (Monday first) on day ordinals: day 1 (0001-01-01) is a Monday."""
    sums: dict[int, list[float]] = {}
    for row in rows:
        ordinal = date.fromisoformat(row[2]).toordinal()
        monday = ordinal - (ordinal - 1) % 7
        acc = sums.get(monday)
        sums[monday] = list(row[3:]) if acc is None else list(map(add, acc, row[3:]))
    return {date.fromordinal(monday): acc for monday, acc in sums.items()}


def _whole_months(since: date | None, until: date | None) -> bool:
    """Return True when the window starts and ends on month boundaries (or is open)."""
    if since and since.day != 1:
        return False
    return not until or (until + timedelta(days=1)).day == 1


def summarize(series: pd.DataFrame) -> dict[str, Any]:
    """Return totals of a dyad series and its overall tone (cooperation, conflict or neutral)."""
    total = series[["events", *QUAD_NAMES, "goldstein_sum", "n_goldstein"]].sum()
    frame = add_measures(pd.DataFrame([total.astype(float).to_dict()]))
    balance = frame["balance"].iloc[0]
    tone = (
        "none"
        if total["events"] == 0
        else ("cooperation" if balance > 0 else "conflict" if balance < 0 else "neutral")
    )
    out = {k: (int(v) if k not in {"goldstein_sum"} else float(v)) for k, v in total.items()}
    out["goldstein_mean"] = (
        None if pd.isna(frame["goldstein_mean"].iloc[0]) else float(frame["goldstein_mean"].iloc[0])
    )
    out["balance"] = None if pd.isna(balance) else float(balance)
    out["tone"] = tone
    out["periods"] = len(series)
    return out
