"""Dates: metadata values normalised to ISO, datelines found at the top of texts."""

from __future__ import annotations

import time
from datetime import date, datetime

import pytest

from realpolitik.sources.dates import find_dateline, normalise_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-10-14", "2024-10-14"),
        ("2024-10-14T23:10:00+02:00", "2024-10-14"),
        ("Mon, 14 Oct 2024 09:30:00 GMT", "2024-10-14"),
        ("October 14, 2024", "2024-10-14"),
        ("14/10/2024", "2024-10-14"),
        (datetime(2024, 10, 14, 8), "2024-10-14"),
        (date(2024, 10, 14), "2024-10-14"),
        (time.struct_time((2024, 10, 14, 0, 0, 0, 0, 288, 0)), "2024-10-14"),
        (1728900000, "2024-10-14"),
        (1728900000000, "2024-10-14"),
        ("2024-13-40", None),
        ("yesterday", None),
        ("", None),
        (None, None),
        ("Monday", None),
    ],
)
def test_sources_normalise_date(value, expected) -> None:
    assert normalise_date(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-10-14\n\nBody.", ("2024-10-14", True)),
        ("Published: Monday, 14 October 2024\nBody.", ("2024-10-14", True)),
        ("Updated on Oct. 14, 2024 | 10:45 GMT\nBody.", ("2024-10-14", True)),
        ("CARACAS, Oct. 14, 2024 (Wire) - Venezuela said on Monday...", ("2024-10-14", False)),
        ("The summit on 14 October 2024 ended without a statement.", (None, False)),
        ("Ministers met on Monday.", (None, False)),
        ("Body first.\n2024-10-14", (None, False)),
    ],
)
def test_sources_find_dateline(text: str, expected) -> None:
    assert find_dateline(text) == expected
