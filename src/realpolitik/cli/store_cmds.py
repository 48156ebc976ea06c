"""The `ingest` command: read, clean, code and store sources, with a progress line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any

import pandas as pd
import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from realpolitik.cli.app import app, err_console, plain, run_safely, warn
from realpolitik.cli.store_options import DbOpt, ReportFormat, console, print_csv, print_json
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)


def _progress_bar() -> tuple[Progress, Callable[[Any], None]]:
    progress = Progress(
        SpinnerColumn(),
        TextColumn("ingest"),
        TextColumn("{task.completed} articles"),
        TextColumn("{task.fields[rate]:.1f} articles/s"),
        TextColumn("{task.fields[events]} events"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
        transient=False,
    )
    task = progress.add_task("ingest", total=None, rate=0.0, events=0)

    def update(report: Any) -> None:
        rate = report.read / report.seconds if report.seconds > 0 else 0.0
        progress.update(task, completed=report.read, rate=rate, events=report.events)

    return progress, update


@app.command("ingest")
def ingest_cmd(
    sources: Annotated[
        list[str], typer.Argument(help="Files, directories or - (stdin), any kind.")
    ],
    db: DbOpt = None,
    batch: Annotated[
        int | None, typer.Option("--batch", min=1, help="Articles per transaction.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-code articles already stored by this coder version.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "--processes",
            "-j",
            min=1,
            help="Worker processes that code whole articles (default 1, or REALPOLITIK_N_PROCESS);"
            " only this process writes to the store.",
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Summary format (csv: one row).")
    ] = ReportFormat.table,
) -> None:
    """Read, clean, code and store SOURCE... (idempotent: stored articles are not doubled).

    With -j N above 1, N forked worker processes share the one loaded pipeline and code chunks
    of articles; events come back in input order and this process alone writes them.
    """

    def run() -> None:
        import realpolitik
        from realpolitik.distributed.local import ArticleCoder
        from realpolitik.sources import read_articles
        from realpolitik.store.ingest import ingest_articles
        from realpolitik.store.store import open_store

        overrides = {"ingest_batch": batch, "n_process": jobs}
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
        with open_store(db, settings=settings) as store:
            coder = realpolitik.load(settings)
            if settings.n_process > 1:  # whole articles in worker processes
                coder = ArticleCoder(coder, settings.n_process)
            articles = read_articles(sources, settings=settings, on_warning=warn)
            progress, update = _progress_bar()
            with progress:
                report = ingest_articles(
                    articles,
                    store=store,
                    coder=coder,
                    force=force,
                    progress=update,
                    on_warning=warn,
                )
            summary = {"database": store.label, "coder_version": coder.version, **report.to_dict()}
        _print_summary(summary, fmt)

    run_safely(run)


def _print_summary(summary: dict[str, Any], fmt: ReportFormat) -> None:
    if fmt is ReportFormat.json:
        print_json(summary)
    elif fmt is ReportFormat.csv:
        print_csv(pd.DataFrame([summary]))
    else:
        table = Table(title="ingest", show_header=False)
        for key, value in summary.items():
            table.add_row(plain(key), plain(value))
        console.print(table)
