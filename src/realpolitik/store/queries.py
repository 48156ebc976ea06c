"""Read the dyad aggregates: one dyad's periods, a window's rows, and the busiest dyads.

The queries probe the aggregate tables' primary key (period, source, target) where a full
scan would read too much: one dyad's series probes each period of its window, and the
top-N of a window sums only the dyads that can still enter it (``top_by_candidates``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import date
from operator import add
from typing import Any

from realpolitik.store.backends import Backend
from realpolitik.store.rows import AGG_COLUMNS, GRAINS, agg_columns
from realpolitik.store.window import Part, period_keys, window_parts

logger = logging.getLogger(__name__)

CHUNK = 500
"""Most values bound in one ``IN (...)`` list."""
TOP_CANDIDATES = 200
"""Busiest dyads of all time whose window counts a top-N query reads first."""
PROBE_BUDGET = 200_000
"""Most key probes a top-N query makes before it scans the window instead."""


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """Yield ``values`` ``size`` at a time (bound parameters per statement)."""
    for i in range(0, len(values), size):
        yield values[i : i + size]


def marks(n: int) -> str:
    """Return ``n`` comma-separated ``?`` placeholders."""
    return ", ".join("?" for _ in range(n))


def iso(day: date | None, width: int) -> str | None:
    """Return ``day`` as an ISO key cut to ``width`` characters, or None."""
    return None if day is None else day.isoformat()[:width]


def stored_keys(
    backend: Backend, table: str, column: str, grain: str, lo: str | None, hi: str | None
) -> list[str]:
    """Return the ``grain`` keys from ``lo`` to ``hi`` within the range of ``column`` in
    ``table`` (an open side ends where the stored values do)."""
    first = backend.query(f"SELECT MIN({column}) FROM {table}")[0][0]
    last = backend.query(f"SELECT MAX({column}) FROM {table}")[0][0]
    if first is None:
        return []
    lo = max(first, lo) if lo else first
    hi = min(last, hi) if hi else last
    return period_keys(grain, lo, hi)


def period_keys_stored(
    backend: Backend, grain: str, since: date | None, until: date | None
) -> list[str]:
    """Return the period keys of ``grain`` from ``since`` to ``until`` that could be stored."""
    if grain == "all":
        return [""]
    width = GRAINS[grain]
    return stored_keys(
        backend, f"dyad_{grain}", "period", grain, iso(since, width), iso(until, width)
    )


def dyad_periods(
    backend: Backend,
    grain: str,
    sources: Sequence[str],
    targets: Sequence[str],
    *,
    since: date | None = None,
    until: date | None = None,
    count: str = "events",
) -> list[tuple[Any, ...]]:
    """Return ``dyad_<grain>`` rows (source, target, period, counts...) for the given pairs,
    in period order, probing the primary key once per period of the window that lies within
    the stored range (see :meth:`Store.dyad_periods`)."""
    keys = period_keys_stored(backend, grain, since, until)
    rows: list[tuple[Any, ...]] = []
    for chunk in chunks(keys):
        sql = (
            f"SELECT source, target, period, {', '.join(agg_columns(count))} "
            f"FROM dyad_{grain} "
            f"WHERE period IN ({marks(len(chunk))}) AND source IN ({marks(len(sources))}) "
            f"AND target IN ({marks(len(targets))}) ORDER BY period"
        )
        rows += backend.query(sql, [*chunk, *sources, *targets])
    return rows


def period_rows(
    backend: Backend,
    grain: str,
    *,
    since: date | None = None,
    until: date | None = None,
    count: str = "events",
) -> list[tuple[Any, ...]]:
    """Return every ``dyad_<grain>`` row whose period lies in the window (and that has a
    unique event, or a mention, by ``count``)."""
    width = GRAINS[grain]
    cols = agg_columns(count)
    sql = f"SELECT source, target, period, {', '.join(cols)} FROM dyad_{grain} WHERE {cols[0]} > 0"
    params: list[Any] = []
    if since:
        sql += " AND period >= ?"
        params.append(since.isoformat()[:width])
    if until:
        sql += " AND period <= ?"
        params.append(until.isoformat()[:width])
    return backend.query(sql, params)


def dyad_totals(
    backend: Backend,
    *,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
    min_events: int = 1,
    count: str = "events",
) -> list[tuple[Any, ...]]:
    """Return (source, target, counts...) summed over the window, busiest dyads first
    (see :meth:`Store.dyad_totals`)."""
    parts = window_parts(since, until)
    if not parts:
        return []
    cols = agg_columns(count)
    single = _single_period(parts)
    if single:
        sql = (
            f"SELECT source, target, {', '.join(cols)} FROM dyad_{single[0]} "
            f"WHERE period = ? AND {cols[0]} >= ? ORDER BY {cols[0]} DESC, source, target"
        )
        return backend.query(sql + _limit(limit), [single[1], max(min_events, 1)])
    if limit and any(grain != "day" for grain, _, _ in parts):
        top = top_by_candidates(backend, parts, limit=limit, min_events=min_events, cols=cols)
        if top is not None:
            return top
    return window_sums(backend, parts, min_events=min_events, limit=limit, cols=cols)


def top_by_candidates(
    backend: Backend,
    parts: list[Part],
    *,
    limit: int,
    min_events: int,
    cols: tuple[str, ...] = AGG_COLUMNS,
) -> list[tuple[Any, ...]] | None:
    """Return the ``limit`` busiest dyads of a window without reading every dyad in it.

    A dyad's events in a window never exceed its all-time events, so once the ``limit``-th
    best window count ``floor`` is known among the busiest dyads of all time, only dyads
    with at least ``floor`` events of all time can still enter the top. Their window sums
    are read by key probes. The answer (ties broken by source, target) equals a full
    scan's. Returns None when too many candidates remain (a short window of a busy
    store), where scanning the window is cheaper.
    """
    periods = [(g, stored_keys(backend, f"dyad_{g}", "period", g, lo, hi)) for g, lo, hi in parts]
    n_periods = sum(len(keys) for _, keys in periods)
    first = backend.query(
        f"SELECT source, target FROM dyad_all WHERE {cols[0]} > 0 "
        f"ORDER BY {cols[0]} DESC, source, target LIMIT ?",
        [max(4 * limit, TOP_CANDIDATES)],
    )
    sums = pair_sums(backend, periods, [tuple(r) for r in first], cols)
    floor = _nth_count(sums, limit, min_events)
    rest = [
        tuple(r)
        for r in backend.query(f"SELECT source, target FROM dyad_all WHERE {cols[0]} >= ?", [floor])
        if tuple(r) not in sums
    ]
    if len(rest) * n_periods > PROBE_BUDGET:
        return None
    sums.update(pair_sums(backend, periods, rest, cols))
    ranked = sorted(
        ((*pair, *v) for pair, v in sums.items() if v[0] >= max(min_events, 1)),
        key=lambda r: (-r[2], r[0], r[1]),
    )
    return ranked[:limit]


def pair_sums(
    backend: Backend,
    periods: list[tuple[str, list[str]]],
    pairs: Sequence[tuple[Any, ...]],
    columns: tuple[str, ...] = AGG_COLUMNS,
) -> dict[tuple[Any, ...], list[Any]]:
    """Return {(source, target): summed counts} over ``periods``, by primary-key probes."""
    sums: dict[tuple[Any, ...], list[Any]] = {}
    cols = ", ".join(f"SUM(d.{c})" for c in columns)
    for chunk in chunks(pairs, CHUNK // 2):
        sums.update({p: [0] * len(columns) for p in chunk})
        pair_values = ", ".join("(?, ?)" for _ in chunk)
        flat = [v for pair in chunk for v in pair]
        for grain, keys in periods:
            for keys_chunk in chunks(keys):
                sql = (
                    f"WITH pairs (s, t) AS (VALUES {pair_values}), "
                    f"periods (p) AS (VALUES {', '.join('(?)' for _ in keys_chunk)}) "
                    f"SELECT d.source, d.target, {cols} FROM pairs CROSS JOIN periods "
                    f"JOIN dyad_{grain} d ON d.period = periods.p AND d.source = pairs.s "
                    "AND d.target = pairs.t GROUP BY d.source, d.target"
                )
                for row in backend.query(sql, [*flat, *keys_chunk]):
                    pair = (row[0], row[1])
                    sums[pair] = list(map(add, sums[pair], row[2:]))
    return sums


def window_sums(
    backend: Backend,
    parts: list[Part],
    *,
    min_events: int,
    limit: int | None = None,
    cols: tuple[str, ...] = AGG_COLUMNS,
) -> list[tuple[Any, ...]]:
    """Sum the counts per dyad over the window ``parts``, busiest first."""
    selects, params = [], []
    for grain, lo, hi in parts:
        cond = "1 = 1"
        for op, value in ((">=", lo), ("<=", hi)):
            if value:
                cond += f" AND period {op} ?"
                params.append(value)
        selects.append(f"SELECT source, target, {', '.join(cols)} FROM dyad_{grain} WHERE {cond}")
    sums = ", ".join(f"SUM({c}) AS {c}" for c in cols)
    sql = (
        f"SELECT source, target, {sums} FROM ({' UNION ALL '.join(selects)}) p "
        f"GROUP BY source, target HAVING SUM({cols[0]}) >= ? ORDER BY 3 DESC, 1, 2"
    )
    return backend.query(sql + _limit(limit), [*params, max(min_events, 1)])


def _nth_count(sums: dict[Any, list[Any]], n: int, min_events: int) -> int:
    """Return the ``n``-th largest event count in ``sums`` (at least ``min_events``)."""
    counts = sorted((v[0] for v in sums.values()), reverse=True)
    return max(counts[n - 1] if len(counts) >= n else 0, min_events, 1)


def _limit(limit: int | None) -> str:
    return f" LIMIT {int(limit)}" if limit else ""


def _single_period(parts: list[Part]) -> tuple[str, str] | None:
    """Return (grain, period) when a window is exactly one aggregate period, else None."""
    if len(parts) != 1:
        return None
    grain, lo, hi = parts[0]
    if grain == "all":
        return ("all", "")
    return (grain, lo) if lo is not None and lo == hi else None
