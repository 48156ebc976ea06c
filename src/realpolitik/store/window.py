"""Split a date window into the coarsest aggregate periods that cover it exactly.

A window from 2020-03-15 to 2023-02-10 becomes: days 2020-03-15..2020-03-31, months
2020-04..2020-12, years 2021..2022, months 2023-01..2023-01 and days 2023-02-01..2023-02-10.
Summing ``dyad_year``, ``dyad_month`` and ``dyad_day`` over those ranges gives the window's
totals while reading as few aggregate rows as possible; an open window reads ``dyad_all``.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

logger = logging.getLogger(__name__)

Part = tuple[str, str | None, str | None]
"""(grain, first period key, last period key); None leaves that side open."""


def month_end(day: date) -> date:
    """Return the last day of ``day``'s month."""
    first_next = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _month(day: date | None) -> str | None:
    return None if day is None else day.isoformat()[:7]


def _year(day: date | None) -> str | None:
    return None if day is None else day.isoformat()[:4]


def _months_and_years(lo: date | None, hi: date | None) -> list[Part]:
    """Cover whole months from ``lo`` (a month's first day) to ``hi`` (a month's last day)."""
    if lo and hi and lo.year == hi.year:
        if lo.month == 1 and hi.month == 12:
            return [("year", _year(lo), _year(hi))]
        return [("month", _month(lo), _month(hi))]
    parts: list[Part] = []
    if lo and lo.month != 1:
        parts.append(("month", _month(lo), f"{lo.year}-12"))
        lo = date(lo.year + 1, 1, 1)
    if hi and hi.month != 12:
        parts.append(("month", f"{hi.year}-01", _month(hi)))
        hi = date(hi.year - 1, 12, 31)
    if lo is None or hi is None or lo <= hi:
        parts.append(("year", _year(lo), _year(hi)))
    return parts


def window_parts(since: date | None, until: date | None) -> list[Part]:
    """Return the aggregate ranges that exactly cover the days from ``since`` to ``until``.

    since, until: inclusive bounds; None leaves that side open.
    """
    if since and until and since > until:
        return []
    if since is None and until is None:
        return [("all", None, None)]
    lo, hi = since, until
    if lo and hi and (lo.year, lo.month) == (hi.year, hi.month):
        if lo.day == 1 and hi == month_end(hi):
            return [("month", _month(lo), _month(hi))]
        return [("day", lo.isoformat(), hi.isoformat())]
    parts: list[Part] = []
    if lo and lo.day != 1:
        parts.append(("day", lo.isoformat(), month_end(lo).isoformat()))
        lo = month_end(lo) + timedelta(days=1)
    if hi and hi != month_end(hi):
        parts.append(("day", hi.replace(day=1).isoformat(), hi.isoformat()))
        hi = hi.replace(day=1) - timedelta(days=1)
    if lo and hi and lo > hi:
        return parts
    return parts + _months_and_years(lo, hi)


def period_keys(grain: str, first: str, last: str) -> list[str]:
    """Return every period key of ``grain`` (day, month or year) from ``first`` to ``last``.

    first, last: keys of that grain (YYYY-MM-DD, YYYY-MM or YYYY), inclusive
    """
    if first > last:
        return []
    if grain == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    if grain == "month":
        (y, m), (y2, m2) = (map(int, first.split("-")), map(int, last.split("-")))
        return [f"{n // 12:04d}-{n % 12 + 1:02d}" for n in range(y * 12 + m - 1, y2 * 12 + m2)]
    lo, hi = date.fromisoformat(first).toordinal(), date.fromisoformat(last).toordinal()
    return [date.fromordinal(n).isoformat() for n in range(lo, hi + 1)]
