"""Unique events as GDELT 2.0 event-table rows (61 tab-separated columns, no header) and
mentions as GDELT 2.0 mentions-table rows (16 columns).

The column order, types and which of our values fills each column come from
``data/gdelt2_event_columns.tsv`` and ``data/gdelt2_mention_columns.tsv``; columns we have no
value for stay empty.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from realpolitik.errors import Errors, SettingsError

logger = logging.getLogger(__name__)

DATA_FILE = "gdelt2_event_columns.tsv"
MENTION_FILE = "gdelt2_mention_columns.tsv"
TYPES = ("INTEGER", "FLOAT", "STRING")


@dataclass(frozen=True)
class Column:
    """One GDELT column: its name, type and the name of the value exported in it."""

    index: int
    name: str
    type: str
    value: str


@cache
def columns(name: str = DATA_FILE) -> tuple[Column, ...]:
    """Return the GDELT 2.0 columns of data file ``name`` in file order (default: the 61
    event columns; ``MENTION_FILE``: the 16 mentions columns).

    Raises: SettingsError E002 on a malformed data file.
    """
    text = resources.files("realpolitik.store.data").joinpath(name).read_text("utf-8")
    out: list[Column] = []
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        out.append(_parse(line, number, len(out), name))
    return tuple(out)


def _parse(line: str, number: int, expected: int, name: str) -> Column:
    cells = line.split("\t")
    problem = None
    if len(cells) != 5:
        problem = f"expected 5 tab-separated cells, found {len(cells)}"
    elif cells[0] != str(expected):
        problem = f"index {cells[0]!r} out of order (expected {expected})"
    elif cells[2] not in TYPES:
        problem = f"type {cells[2]!r} is not one of {', '.join(TYPES)}"
    elif cells[3] and cells[3] not in VALUES:
        problem = f"unknown value {cells[3]!r}"
    if problem:
        raise SettingsError(Errors.E002.format(path=name, line=number, detail=problem))
    return Column(index=int(cells[0]), name=cells[1], type=cells[2], value=cells[3])


def _clean(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return " ".join(text.split()) if any(c in text for c in "\t\r\n") else text


def _fraction(day: str) -> str:
    year, month, dom = int(day[:4]), int(day[5:7]), int(day[8:10])
    return f"{year + (month * 30 + dom) / 365:.4f}"


def _number(row: dict[str, Any]) -> int:
    return int(hashlib.sha1(row["event_id"].encode("utf-8")).hexdigest()[:15], 16)


def _day(fmt: Callable[[str], str]) -> Callable[[dict[str, Any]], str]:
    return lambda row: fmt(row["day"]) if row["day"] else ""


def _stamp(row: dict[str, Any]) -> str:
    added = row.get("ingested_at") or ""
    return "".join(c for c in added if c.isdigit())[:14]


def _action_offset(row: dict[str, Any]) -> int | str:
    """The trigger's character offset in the article, when the evidence has one."""
    evidence = json.loads(row["evidence"]) if row.get("evidence") else {}
    trigger = evidence.get("trigger_span")
    return int(trigger[0]) if trigger else ""


def _name(side: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: (row[f"{side}_name"] or row[f"{side}_text"] or "").upper()


VALUES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "event_number": _number,
    "sqldate": _day(lambda d: d.replace("-", "")),
    "monthyear": _day(lambda d: d[:4] + d[5:7]),
    "year": _day(lambda d: d[:4]),
    "fractiondate": _day(_fraction),
    "lead_sentence": lambda row: int(row["sentence_index"] == 0),
    "cameo": lambda row: row["cameo"],
    "base_code": lambda row: row["cameo"][:3],
    "root": lambda row: row["root"],
    "quad_class": lambda row: row["quad_class"],
    "goldstein": lambda row: "" if row["goldstein"] is None else f"{row['goldstein']:g}",
    "one": lambda row: 1,
    "num_mentions": lambda row: row["num_mentions"],
    "num_sources": lambda row: row["num_sources"],
    "num_articles": lambda row: row["num_articles"],
    "event_time": _day(lambda d: d.replace("-", "") + "000000"),
    "mention_type": lambda row: 1 if row.get("url") else 2,
    "outlet": lambda row: row["outlet"],
    "sentence_number": lambda row: row["sentence_index"] + 1,
    "action_offset": _action_offset,
    "confidence_pct": lambda row: min(100, max(10, round(100 * row["confidence"]))),
    "doc_len": lambda row: row.get("doc_len"),
    "location.name": lambda row: row["location_name"],
    "location.lat": lambda row: row["location_lat"],
    "location.lon": lambda row: row["location_lon"],
    "date_added": _stamp,
    "url": lambda row: row.get("url") or row["article_id"],
}
for _side in ("source", "target"):
    VALUES[f"{_side}.name"] = _name(_side)
    for _part in ("code", "country", "org", "role"):
        VALUES[f"{_side}.{_part}"] = (lambda key: lambda row: row[key])(f"{_side}_{_part}")


def gdelt_line(row: dict[str, Any]) -> str:
    """Return one GDELT 2.0 event line (no newline) for a unique event's record.

    row: an event record (``unique.py``) plus its best mention article's ``url`` and
        ``ingested_at``
    """
    return "\t".join(_clean(VALUES[c.value](row)) if c.value else "" for c in columns())


def mention_line(row: dict[str, Any]) -> str:
    """Return one GDELT 2.0 mentions line (no newline) for a mention.

    row: an ``events`` row whose ``event_id`` is its unique event's id, plus its article's
        ``url``, ``ingested_at`` and ``doc_len``
    """
    cells = columns(MENTION_FILE)
    return "\t".join(_clean(VALUES[c.value](row)) if c.value else "" for c in cells)
