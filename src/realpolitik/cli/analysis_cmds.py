"""Analysis commands over the event store: dyad, network, blocs, shifts."""

from __future__ import annotations

import logging
import sys
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from realpolitik.cli.app import app, plain, run_safely
from realpolitik.cli.store_options import (
    Count,
    CountOpt,
    DbOpt,
    FormatOpt,
    Freq,
    MinEventsOpt,
    NetworkFormat,
    ReportFormat,
    SinceOpt,
    UntilOpt,
    console,
    database,
    num,
    parse_since,
    parse_until,
    print_csv,
    print_json,
    records,
)

logger = logging.getLogger(__name__)


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

        with database(db) as handle:
            series = dyad_series(
                handle.store,
                a.upper(),
                b.upper(),
                freq=freq.value,
                since=parse_since(since),
                until=parse_until(until),
                directed=not undirected,
                count=count.value,
            )
        summary = summarize(series)
        frame = series.reset_index()
        frame["period"] = frame["period"].dt.date.astype(str)
        arrow = "↔" if undirected else "→"
        if fmt is ReportFormat.json:
            print_json(
                {
                    "source": a.upper(),
                    "target": b.upper(),
                    "directed": not undirected,
                    "freq": freq.value,
                    "count": count.value,
                    "summary": summary,
                    "series": records(frame),
                }
            )
        elif fmt is ReportFormat.csv:
            print_csv(frame)
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
            num(row.goldstein_mean),
            num(row.balance),
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
        f"{num(summary['goldstein_mean'])}, balance {num(summary['balance'])}: "
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

        with database(db) as handle:
            graph = alignment_network(
                handle.store,
                since=parse_since(since),
                until=parse_until(until),
                min_events=min_events,
                directed=directed,
                count=count.value,
            )
        edges = edges_frame(graph)
        if limit:
            edges = edges.head(limit)
        if fmt is NetworkFormat.json:
            nodes = [{"id": n, **d} for n, d in sorted(graph.nodes(data=True))]
            print_json({"directed": directed, "nodes": nodes, "edges": records(edges)})
        elif fmt is NetworkFormat.csv:
            print_csv(edges)
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
            num(row.goldstein_mean),
            num(row.balance),
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

        with database(db) as handle:
            graph = alignment_network(
                handle.store,
                since=parse_since(since),
                until=parse_until(until),
                min_events=min_events,
                count=count.value,
            )
            blocs = find_blocs(graph, max_k=handle.store.settings.bloc_max_k)
        if fmt is ReportFormat.json:
            print_json(blocs.to_dict())
        elif fmt is ReportFormat.csv:
            rows = [{"actor": m, "bloc": i + 1} for i, ms in enumerate(blocs.blocs) for m in ms]
            print_csv(pd.DataFrame(rows, columns=["actor", "bloc"]))
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
        with database(db) as handle:
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
            print_json(records(shifts))
        elif fmt is ReportFormat.csv:
            flat = shifts.assign(
                drivers=[" | ".join(d["event_id"] for d in ds) for ds in shifts["drivers"]]
            )
            print_csv(flat)
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
            num(row.goldstein_mean),
            num(row.baseline),
            num(row.z),
            row.direction,
            plain(top if len(top) <= 90 else top[:89] + "…"),
        )
    console.print(table)
    if shifts.empty:
        console.print("no shifts found")
