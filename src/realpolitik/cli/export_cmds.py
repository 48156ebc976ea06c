"""The `export` command: stored events as Parquet, CSV, JSON Lines or GDELT 2.0 TSV."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from realpolitik.cli.app import app, err_console, plain, run_safely
from realpolitik.cli.store_options import (
    DbOpt,
    ExportFormat,
    SinceOpt,
    Table_,
    UntilOpt,
    database,
    parse_since,
    parse_until,
)

logger = logging.getLogger(__name__)


@app.command("export")
def export_cmd(
    out: Annotated[str, typer.Argument(help="Output file, or - for stdout (text formats).")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Export format.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    db: DbOpt = None,
    table: Annotated[
        Table_,
        typer.Option(
            "--table",
            help="events: one record per unique event with its counts; mentions: every report "
            "with its event_id (gdelt with events also writes the mentions file beside OUT).",
        ),
    ] = Table_.events,
) -> None:
    """Export stored events as Parquet, CSV, JSON Lines or GDELT 2.0 TSV."""

    def run() -> None:
        from realpolitik.store import EventFilter
        from realpolitik.store.export import export_events

        with database(db) as handle:
            filt = EventFilter(since=parse_since(since), until=parse_until(until))
            count = export_events(handle.store, out, fmt=fmt.value, filt=filt, table=table.value)
        if out != "-":
            err_console.print(f"exported {count} {table.value} to {plain(out)} ({fmt.value})")

    run_safely(run)
