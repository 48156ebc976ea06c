"""Commands over the event store: ingest, dyad, network, blocs, shifts, export."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from realpolitik.cli.app import app, err_console, plain, run_safely, warn
from realpolitik.settings import Settings

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
def _database(db: str | None, *, readonly: bool = True) -> Iterator[Any]:
    from realpolitik.store.handle import open_database

    handle = open_database(db, readonly=readonly)
    try:
        yield handle
    finally:
        handle.close()


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_plain) + "\n")


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return a frame's rows as dicts with NaN turned into None."""
    return json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))


def _csv(frame: pd.DataFrame) -> None:
    frame.to_csv(sys.stdout, index=False, lineterminator="\n")


def _num(value: Any, fmt: str = "{:+.2f}") -> str:
    return "" if value is None or pd.isna(value) else fmt.format(value)


# --- ingest


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
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Summary format (csv: one row).")
    ] = ReportFormat.table,
) -> None:
    """Read, clean, code and store SOURCE... (idempotent: stored articles are not doubled)."""

    def run() -> None:
        import realpolitik
        from realpolitik.distributed.local import ArticleCoder
        from realpolitik.sources import read_articles
        from realpolitik.store.ingest import ingest_articles
        from realpolitik.store.store import open_store

        overrides = {"ingest_batch": batch} if batch else {}
        settings = Settings(**overrides)
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
        _json(summary)
    elif fmt is ReportFormat.csv:
        _csv(pd.DataFrame([summary]))
    else:
        table = Table(title="ingest", show_header=False)
        for key, value in summary.items():
            table.add_row(plain(key), plain(value))
        console.print(table)


# --- dyad


@app.command("dyad")
def dyad_cmd(
    a: Annotated[str, typer.Argument(help="Source actor key (country code, else org).")],
    b: Annotated[str, typer.Argument(help="Target actor key.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    freq: Annotated[Freq, typer.Option("--freq", help="Period length.")] = Freq.month,
    undirected: Annotated[
        bool, typer.Option("--undirected", help="Add B → A events to A → B.")
    ] = False,
    db: DbOpt = None,
    fmt: FormatOpt = ReportFormat.table,
    count: CountOpt = Count.events,
) -> None:
    """Show how A relates to B over time: counts per QuadClass, Goldstein, balance."""

    def run() -> None:
        from realpolitik.analysis import dyad_series, summarize

        with _database(db) as handle:
            series = dyad_series(
                handle.store,
                a.upper(),
                b.upper(),
                freq=freq.value,
                since=_day(since),
                until=_until(until),
                directed=not undirected,
                count=count.value,
            )
        summary = summarize(series)
        frame = series.reset_index()
        frame["period"] = frame["period"].dt.date.astype(str)
        arrow = "↔" if undirected else "→"
        if fmt is ReportFormat.json:
            _json(
                {
                    "source": a.upper(),
                    "target": b.upper(),
                    "directed": not undirected,
                    "freq": freq.value,
                    "count": count.value,
                    "summary": summary,
                    "series": _records(frame),
                }
            )
        elif fmt is ReportFormat.csv:
            _csv(frame)
        else:
            _dyad_table(frame, title=f"{a.upper()} {arrow} {b.upper()} by {freq.value}")
            _dyad_line(a.upper(), b.upper(), arrow, summary)

    run_safely(run)


def _dyad_table(frame: pd.DataFrame, *, title: str) -> None:
    busy = frame[frame["events"] > 0]
    table = Table(title=title)
    for name in (
        "period",
        "events",
        "v.coop",
        "m.coop",
        "v.confl",
        "m.confl",
        "goldstein",
        "balance",
    ):
        table.add_column(name, justify="left" if name == "period" else "right", no_wrap=True)
    for row in busy.itertuples(index=False):
        table.add_row(
            row.period,
            str(row.events),
            str(row.verbal_coop),
            str(row.material_coop),
            str(row.verbal_conflict),
            str(row.material_conflict),
            _num(row.goldstein_mean),
            _num(row.balance),
        )
    console.print(table)
    if len(busy) < len(frame):
        console.print(f"({len(frame) - len(busy)} periods without events not shown)")


def _dyad_line(a: str, b: str, arrow: str, summary: dict[str, Any]) -> None:
    a, b = plain(a), plain(b)
    if summary["tone"] == "none":
        console.print(f"{a} {arrow} {b}: no events in this window")
        return
    console.print(
        f"{a} {arrow} {b}: {summary['events']} events, mean Goldstein "
        f"{_num(summary['goldstein_mean'])}, balance {_num(summary['balance'])}: "
        f"[bold]{summary['tone']}[/bold]"
    )


# --- network and blocs


@app.command("network")
def network_cmd(
    since: SinceOpt = None,
    until: UntilOpt = None,
    min_events: MinEventsOpt = None,
    directed: Annotated[
        bool, typer.Option("--directed", help="Keep A → B and B → A apart.")
    ] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Busiest dyads only.")] = None,
    db: DbOpt = None,
    fmt: Annotated[NetworkFormat, typer.Option("--format", "-f", help="Output format.")] = (
        NetworkFormat.table
    ),
    count: CountOpt = Count.events,
) -> None:
    """Show the alignment network: each dyad's volume, mean Goldstein and balance."""

    def run() -> None:
        import networkx as nx

        from realpolitik.analysis import alignment_network, edges_frame

        with _database(db) as handle:
            graph = alignment_network(
                handle.store,
                since=_day(since),
                until=_until(until),
                min_events=min_events,
                directed=directed,
                count=count.value,
            )
        edges = edges_frame(graph)
        if limit:
            edges = edges.head(limit)
        if fmt is NetworkFormat.json:
            nodes = [{"id": n, **d} for n, d in sorted(graph.nodes(data=True))]
            _json({"directed": directed, "nodes": nodes, "edges": _records(edges)})
        elif fmt is NetworkFormat.csv:
            _csv(edges)
        elif fmt is NetworkFormat.graphml:
            for line in nx.generate_graphml(_graphml_safe(graph)):
                sys.stdout.write(line + "\n")
        else:
            _edges_table(edges, directed=directed)

    run_safely(run)


def _graphml_safe(graph: Any) -> Any:
    """Return a copy of ``graph`` without None attributes (GraphML cannot hold them)."""
    clean = graph.copy()
    for *_, data in clean.edges(data=True):
        for key in [k for k, v in data.items() if v is None]:
            del data[key]
    return clean


def _edges_table(edges: pd.DataFrame, *, directed: bool) -> None:
    arrow = "→" if directed else "–"
    table = Table(title="alignment network")
    for name in ("dyad", "events", "coop", "conflict", "mean gold", "balance"):
        table.add_column(name, justify="left" if name == "dyad" else "right")
    for row in edges.itertuples(index=False):
        table.add_row(
            plain(f"{row.source} {arrow} {row.target}"),
            str(row.volume),
            str(row.verbal_coop + row.material_coop),
            str(row.verbal_conflict + row.material_conflict),
            _num(row.goldstein_mean),
            _num(row.balance),
        )
    console.print(table)


@app.command("blocs")
def blocs_cmd(
    since: SinceOpt = None,
    until: UntilOpt = None,
    min_events: MinEventsOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = ReportFormat.table,
    count: CountOpt = Count.events,
) -> None:
    """Group actors into blocs by signed spectral clustering of the alignment network."""

    def run() -> None:
        from realpolitik.analysis import alignment_network, find_blocs

        with _database(db) as handle:
            graph = alignment_network(
                handle.store,
                since=_day(since),
                until=_until(until),
                min_events=min_events,
                count=count.value,
            )
            blocs = find_blocs(graph, max_k=handle.store.settings.bloc_max_k)
        if fmt is ReportFormat.json:
            _json(blocs.to_dict())
        elif fmt is ReportFormat.csv:
            rows = [{"actor": m, "bloc": i + 1} for i, ms in enumerate(blocs.blocs) for m in ms]
            _csv(pd.DataFrame(rows, columns=["actor", "bloc"]))
        else:
            table = Table(title=f"blocs (signed modularity {blocs.modularity:.3f})")
            table.add_column("bloc", justify="right")
            table.add_column("actors")
            for number, members in enumerate(blocs.blocs, start=1):
                table.add_row(str(number), plain(", ".join(members)))
            console.print(table)
            console.print(f"method: {blocs.method}")

    run_safely(run)


# --- shifts


@app.command("shifts")
def shifts_cmd(
    since: SinceOpt = None,
    until: UntilOpt = None,
    freq: Annotated[Freq | None, typer.Option("--freq", help="Period length [settings].")] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Only dyads with this actor.")
    ] = None,
    window: Annotated[
        int | None, typer.Option("--window", min=2, help="Past periods in the baseline.")
    ] = None,
    z: Annotated[
        float | None, typer.Option("--z", min=0.1, help="z-score that flags a shift.")
    ] = None,
    min_events: Annotated[
        int | None, typer.Option("--min-events", min=1, help="Fewest events in a shifted period.")
    ] = None,
    db: DbOpt = None,
    fmt: FormatOpt = ReportFormat.table,
    count: CountOpt = Count.events,
) -> None:
    """List periods where a dyad broke from its own history, with the events that drove it."""

    def run() -> None:
        with _database(db) as handle:
            shifts = handle.shifts(
                since=since,
                until=until,
                actor=actor.upper() if actor else None,
                freq=freq.value if freq else None,
                window=window,
                z=z,
                min_events=min_events,
                count=count.value,
            )
        if fmt is ReportFormat.json:
            _json(_records(shifts))
        elif fmt is ReportFormat.csv:
            flat = shifts.assign(
                drivers=[" | ".join(d["event_id"] for d in ds) for ds in shifts["drivers"]]
            )
            _csv(flat)
        else:
            _shifts_table(shifts)

    run_safely(run)


def _shifts_table(shifts: pd.DataFrame) -> None:
    table = Table(title="shifts")
    for name in ("dyad", "period", "events", "mean", "baseline", "z", "toward", "top driver"):
        table.add_column(
            name, justify="right" if name in {"events", "mean", "baseline", "z"} else "left"
        )
    for row in shifts.itertuples(index=False):
        top = row.drivers[0]["sentence"] if row.drivers else ""
        table.add_row(
            plain(f"{row.source} → {row.target}"),
            row.period,
            str(row.events),
            _num(row.goldstein_mean),
            _num(row.baseline),
            _num(row.z),
            row.direction,
            plain(top if len(top) <= 90 else top[:89] + "…"),
        )
    console.print(table)
    if shifts.empty:
        console.print("no shifts found")


# --- export


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

        with _database(db) as handle:
            filt = EventFilter(since=_day(since), until=_until(until))
            count = export_events(handle.store, out, fmt=fmt.value, filt=filt, table=table.value)
        if out != "-":
            err_console.print(f"exported {count} {table.value} to {plain(out)} ({fmt.value})")

    run_safely(run)


def _day(value: str | None) -> Any:
    from realpolitik.analysis import parse_day

    return parse_day(value, name="since")


def _until(value: str | None) -> Any:
    from realpolitik.analysis import parse_until

    return parse_until(value)
