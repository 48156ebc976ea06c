"""Normalise publication dates to ISO ``YYYY-MM-DD`` and find datelines at the top of texts."""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from dateutil import parser as date_parser

from realpolitik.sources.datafile import load_data

logger = logging.getLogger(__name__)

_DEFAULT = datetime(1900, 1, 1)
_EPOCH_MIN, _EPOCH_MAX = 1800, 2200


def normalise_date(value: Any) -> str | None:
    """Return ``value`` (string, date, datetime, struct_time or epoch seconds) as YYYY-MM-DD.

    Returns: None when the value is empty or no date can be read from it.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return _checked(value.year, value.month, value.day)
    if isinstance(value, time.struct_time):
        return _checked(value.tm_year, value.tm_mon, value.tm_mday)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(float(value))
    if isinstance(value, str):
        return _from_string(value.strip())
    return None


def iso_day(value: str) -> str | None:
    """Return ``value`` when it is a real day written YYYY-MM-DD, else None."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        return None
    return value


def _from_epoch(seconds: float) -> str | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    try:
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return _checked(moment.year, moment.month, moment.day)


def _from_string(text: str) -> str | None:
    if not text or not re.search(r"\d", text):
        return None
    match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        return _checked(*(int(part) for part in match.groups()))
    try:
        parsed = date_parser.parse(text[:100], default=_DEFAULT, fuzzy=True)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.year == _DEFAULT.year and str(_DEFAULT.year) not in text:
        return None
    return _checked(parsed.year, parsed.month, parsed.day)


def _checked(year: int, month: int, day: int) -> str | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    if not _EPOCH_MIN <= value.year <= _EPOCH_MAX:
        return None
    return value.isoformat()


@cache
def _dateline_rules() -> tuple[list[re.Pattern[str]], re.Pattern[str], int]:
    data = load_data("realpolitik.sources", "data/dates.yaml")
    patterns = [re.compile(item["regex"]) for item in data["patterns"]]
    words = sorted({*data["labels"], *data["weekdays"]}, key=len, reverse=True)
    filler = re.compile(
        r"^(?:\b(?:"
        + "|".join(re.escape(w) for w in words)
        + r")\b|"
        + data["time"]
        + r"|[\s,:.\-–—|])*$",
        re.I,
    )
    return patterns, filler, int(data["window"])


def find_dateline(text: str) -> tuple[str | None, bool]:
    """Find a date on the first line of ``text``.

    Returns: (ISO date or None, whether the first line holds nothing but that date and labels).
    """
    stripped = text.lstrip()
    first = stripped.split("\n", 1)[0]
    patterns, filler, window = _dateline_rules()
    head = first[:window]
    for pattern in patterns:
        match = pattern.search(head)
        if not match:
            continue
        found = normalise_date(match.group("date"))
        if found and _is_place_or_label(first[: match.start()], filler):
            rest = first[: match.start()] + first[match.end() :]
            return found, bool(filler.match(rest))
    return None, False


def _is_place_or_label(prefix: str, filler: re.Pattern[str]) -> bool:
    """Return whether the text before a date is only labels or a short capitalised place name."""
    if filler.match(prefix):
        return True
    words = re.findall(r"[^\W\d_]+", prefix)
    return len(words) <= 4 and all(word[0].isupper() for word in words)
