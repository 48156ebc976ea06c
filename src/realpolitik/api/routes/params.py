"""Shared request parameters: actor keys, date windows, and the app's state."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated

from fastapi import Path, Query, Request

from realpolitik.analysis import parse_day, parse_until
from realpolitik.api.state import ApiState

logger = logging.getLogger(__name__)

KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._&'-]{0,63}$"
"""An actor key: a country code (RUS) or an organisation's short name (NATO, EU)."""
DAY_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"

KeyQuery = Annotated[str | None, Query(pattern=KEY_PATTERN, description="Actor key (RUS, NATO).")]
KeyPath = Annotated[str, Path(pattern=KEY_PATTERN, description="Actor key (RUS, NATO).")]
Since = Annotated[
    str | None,
    Query(pattern=DAY_PATTERN, description="First day (YYYY-MM-DD, YYYY-MM or YYYY), inclusive."),
]
Until = Annotated[
    str | None,
    Query(pattern=DAY_PATTERN, description="Last day (YYYY-MM-DD; YYYY-MM, YYYY: its end)."),
]


def state(request: Request) -> ApiState:
    """Return the app's state."""
    return request.app.state.api


def window(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """Parse a date window.

    Raises: StoreError E507 on an impossible date (2024-02-31).
    """
    return parse_day(since, name="since"), parse_until(until)
