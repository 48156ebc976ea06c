"""Options and output helpers shared by the store's commands (ingest, analysis, export)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console

logger = logging.getLogger(__name__)
console = Console()


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class NetworkFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    graphml = "graphml"


class Freq(StrEnum):
    day = "day"
    week = "week"
    month = "month"


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"
    gdelt = "gdelt"


class Count(StrEnum):
    events = "events"
    mentions = "mentions"


class Table_(StrEnum):
    events = "events"
    mentions = "mentions"


DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="SQLite file or postgresql:// URL [default: settings.db]."),
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="First day: YYYY-MM-DD, YYYY-MM or YYYY.")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Last day: YYYY-MM-DD, YYYY-MM or YYYY.")
]
FormatOpt = Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")]
CountOpt = Annotated[
    Count,
    typer.Option("--count", help="Count unique events, or every report of them (mentions)."),
]
MinEventsOpt = Annotated[
    int | None,
    typer.Option("--min-events", min=1, help="Fewest events per edge [default: settings]."),
]


@contextmanager
def database(db: str | None, *, readonly: bool = True) -> Iterator[Any]:
    """Open the analyst's handle on ``db`` (read-only by default) for one command."""
    from realpolitik.store.handle import open_database

    handle = open_database(db, readonly=readonly)
    try:
        yield handle
    finally:
        handle.close()


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=to_plain) + "\n")


def to_plain(value: Any) -> Any:
    """Return a JSON-ready form of a numpy scalar, a date or anything else (its text)."""
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return a frame's rows as dicts with NaN turned into None."""
    return json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))


def print_csv(frame: pd.DataFrame) -> None:
    """Print ``frame`` as CSV on stdout."""
    frame.to_csv(sys.stdout, index=False, lineterminator="\n")


def num(value: Any, fmt: str = "{:+.2f}") -> str:
    """Return ``value`` formatted, or '' when it is missing."""
    return "" if value is None or pd.isna(value) else fmt.format(value)


def parse_since(value: str | None) -> Any:
    """Return the first day of ``--since`` (YYYY-MM-DD, YYYY-MM or YYYY), or None."""
    from realpolitik.analysis import parse_day

    return parse_day(value, name="since")


def parse_until(value: str | None) -> Any:
    """Return the last day of ``--until`` (a month or year ends on its last day), or None."""
    from realpolitik.analysis import parse_until as parse

    return parse(value)
