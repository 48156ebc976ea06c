"""Periods (day, week, month) and the parsing of window bounds given by users."""

from __future__ import annotations

import calendar
import logging
from datetime import date, timedelta

import pandas as pd

from realpolitik.errors import Errors, StoreError

logger = logging.getLogger(__name__)

FREQS = ("day", "week", "month")
_PANDAS_FREQ = {"day": "D", "week": "7D", "month": "MS"}
"""pandas frequencies of the period starts (a week starts on the Monday ``period_start`` gives)."""
FIRST_DAY = date(1678, 1, 1)
LAST_DAY = date(2261, 12, 31)
"""The days analytics cover: whole years inside pandas' datetime range (1677-09-21 to 2262-04-11),
so that period starts, week Mondays and month ends of a window stay representable."""


def bounded(day: date | None, *, name: str = "date") -> date | None:
    """Return ``day`` moved into FIRST_DAY..LAST_DAY (a window bound beyond them selects the same
    stored days, since none can lie outside), noting the change in the log."""
    if day is None or FIRST_DAY <= day <= LAST_DAY:
        return day
    edge = FIRST_DAY if day < FIRST_DAY else LAST_DAY
    logger.info("%s %s is outside %s..%s; using %s", name, day, FIRST_DAY, LAST_DAY, edge)
    return edge


def check_freq(freq: str) -> str:
    """Return ``freq`` if it is a known period name.

    Raises: StoreError E507.
    """
    if freq not in FREQS:
        raise StoreError(
            Errors.E507.format(name="freq", value=freq, detail=f"use one of {', '.join(FREQS)}")
        )
    return freq


def parse_day(value: str | date | None, *, name: str = "date") -> date | None:
    """Return ``value`` (YYYY-MM-DD, YYYY-MM or YYYY) as a date, or None.

    A month or a year stands for its first day; days outside FIRST_DAY..LAST_DAY are moved to
    the nearer of them (see ``bounded``).
    Raises: StoreError E507.
    """
    return bounded(_day(value, name=name), name=name)


def _day(value: str | date | None, *, name: str) -> date | None:
    """Return ``value`` as a date (a month or a year: its first day), not bounded."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    padded = {4: text + "-01-01", 7: text + "-01"}.get(len(text), text)
    try:
        return date.fromisoformat(padded)
    except ValueError:
        raise StoreError(
            Errors.E507.format(
                name=name, value=value, detail="expected YYYY-MM-DD, YYYY-MM or YYYY"
            )
        ) from None


def parse_until(value: str | date | None) -> date | None:
    """Return the last day ``value`` covers: YYYY-MM is the month's last day, YYYY the year's.

    Days outside FIRST_DAY..LAST_DAY are moved to the nearer of them (see ``bounded``).
    Raises: StoreError E507.
    """
    start = _day(value, name="until")
    if start is None or isinstance(value, date):
        return bounded(start, name="until")
    text = value.strip()
    if len(text) == 4:
        start = date(start.year, 12, 31)
    elif len(text) == 7:
        start = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return bounded(start, name="until")


def period_start(day: date, freq: str) -> date:
    """Return the first day of the ``freq`` period holding ``day`` (weeks start on Monday)."""
    if freq == "week":
        return day - timedelta(days=day.weekday())
    if freq == "month":
        return day.replace(day=1)
    return day


def period_end(start: date, freq: str) -> date:
    """Return the last day of the ``freq`` period that starts on ``start``."""
    if freq == "week":
        return start + timedelta(days=6)
    if freq == "month":
        return (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    return start


def period_index(first: date, last: date, freq: str) -> pd.DatetimeIndex:
    """Return every period start from ``first``'s period to ``last``'s."""
    return pd.date_range(
        period_start(first, freq), period_start(last, freq), freq=_PANDAS_FREQ[freq], name="period"
    )


def period_starts(days: pd.Series, freq: str) -> pd.Series:
    """Return the start of each day's ``freq`` period (datetime64 in, datetime64 out)."""
    if freq == "week":
        return days - pd.to_timedelta(days.dt.weekday, unit="D")
    if freq == "month":
        return days.dt.to_period("M").dt.to_timestamp()
    return days
