"""Splitting a date window into year, month and day aggregate ranges."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from realpolitik.store.window import month_end, window_parts

FIRST, LAST = date(2018, 1, 1), date(2026, 12, 31)


def _covered(parts, lo_bound=FIRST, hi_bound=LAST) -> list[date]:
    """Expand parts back into the days they cover, within [lo_bound, hi_bound]."""
    days = []
    day = lo_bound
    while day <= hi_bound:
        key = {
            "day": day.isoformat(),
            "month": day.isoformat()[:7],
            "year": day.isoformat()[:4],
            "all": "",
        }
        hits = sum(
            1
            for grain, lo, hi in parts
            if (lo is None or key[grain] >= lo) and (hi is None or key[grain] <= hi)
        )
        assert hits <= 1, f"{day} covered {hits} times by {parts}"
        if hits:
            days.append(day)
        day += timedelta(days=1)
    return days


def test_store_window_example_from_docstring():
    parts = window_parts(date(2020, 3, 15), date(2023, 2, 10))
    assert parts == [
        ("day", "2020-03-15", "2020-03-31"),
        ("day", "2023-02-01", "2023-02-10"),
        ("month", "2020-04", "2020-12"),
        ("month", "2023-01", "2023-01"),
        ("year", "2021", "2022"),
    ]


@pytest.mark.parametrize("seed", range(40))
def test_store_window_covers_each_day_exactly_once(seed):
    rng = random.Random(seed)
    span = (LAST - FIRST).days
    a = FIRST + timedelta(days=rng.randrange(span))
    b = a + timedelta(days=rng.choice([0, 1, 5, 30, 31, 200, 400, 1000]))
    since = None if seed % 7 == 0 else a
    until = None if seed % 5 == 0 else min(b, LAST)
    covered = _covered(window_parts(since, until))
    assert covered[0] == (since or FIRST)
    assert covered[-1] == (until or LAST)
    assert len(covered) == ((until or LAST) - (since or FIRST)).days + 1


def test_store_window_whole_month_and_empty():
    assert window_parts(date(2024, 2, 1), date(2024, 2, 29)) == [("month", "2024-02", "2024-02")]
    assert window_parts(date(2024, 1, 1), date(2024, 12, 31)) == [("year", "2024", "2024")]
    assert window_parts(date(2024, 5, 2), date(2024, 5, 1)) == []
    assert window_parts(None, None) == [("all", None, None)]
    assert month_end(date(2023, 12, 9)) == date(2023, 12, 31)
