"""Commands that code text: code, evaluate, explain, demo, schema."""

from __future__ import annotations

import csv
import functools
import json
import logging
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from realpolitik.cli.app import app, plain, run_safely, warn
from realpolitik.distributed.local import code_articles as code_stream
from realpolitik.errors import CLIError, Errors, Warnings
from realpolitik.models import Article, Event, event_json_schema
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)
console = Console()


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    table = "table"


CSV_COLUMNS = [
    "event_id",
    "doc_id",
    "date",
    "sentence_index",
    "source_code",
    "source_text",
    "cameo",
    "root",
    "quad_class",
    "goldstein",
    "plover",
    "target_code",
    "target_text",
    "negated",
    "modality",
    "confidence",
    "pattern",
    "trigger",
    "sentence",
]


def _load_pipeline(settings: Settings):  # noqa: ANN202 - Pipeline
    """Return the process's loaded pipeline for these settings (loading takes seconds)."""
    return _cached_pipeline(settings.model_dump_json())


@functools.lru_cache(maxsize=2)
def _cached_pipeline(settings_json: str):  # noqa: ANN202 - Pipeline
    import realpolitik

    return realpolitik.load(Settings.model_validate_json(settings_json))


def _settings(**overrides: object) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def code_articles(
    paths: list[str],
    *,
    settings: Settings,
    on_warning=warn,  # noqa: ANN001
) -> Iterable[tuple[Article, list[Event]]]:
    """Read articles from paths and code them; raise E901 when nothing could be read.

    Articles left uncoded say why (W201 not English, W202 a duplicate), each code printed
    ``settings.warn_repeats`` times and then counted (W103).
    """
    from realpolitik.sources import read_articles
    from realpolitik.sources.context import FileWarnings

    pipeline = _load_pipeline(settings)
    skipped = FileWarnings(on_warning, "this run", settings.warn_repeats)
    count = 0
    for article, events in code_stream(
        read_articles(paths, settings=settings, on_warning=on_warning), pipeline
    ):
        count += 1
        if article.duplicate_of is not None:
            skipped(Warnings.W202.format(doc_id=article.id, original=article.duplicate_of))
        elif not pipeline.codable(article):
            skipped(Warnings.W201.format(doc_id=article.id, language=article.language))
        yield article, events
    skipped.close()
    if count == 0:
        raise CLIError(Errors.E901.format(paths=", ".join(paths)))


def _csv_row(event: Event) -> list[object]:
    return [
        event.event_id,
        event.doc_id,
        event.date,
        event.sentence_index,
        event.source.code,
        event.source.text,
        event.cameo,
        event.root,
        event.quad_class,
        event.goldstein,
        event.plover,
        event.target.code,
        event.target.text,
        event.negated,
        event.modality,
        event.confidence,
        event.evidence.pattern,
        event.evidence.trigger,
        event.sentence,
    ]


def events_table(events: list[Event], *, title: str | None = None) -> Table:
    """Return a rich table of events: who did what to whom, with the trigger."""
    table = Table(title=plain(title) if title is not None else None, show_lines=False)
    for column in ("date", "source", "code", "event", "target", "trigger", "mod."):
        table.add_column(column, overflow="fold")
    from realpolitik.ontology import load_ontology

    ontology = load_ontology()
    for e in events:
        name = ontology.event(e.cameo).name if e.cameo in ontology else ""
        mood = ("not " if e.negated else "") + ("" if e.modality == "asserted" else e.modality)
        table.add_row(
            e.date or "",
            plain(f"{e.source.code} ({e.source.text})"),
            e.cameo,
            plain(name),
            plain(f"{e.target.code} ({e.target.text})"),
            plain(e.evidence.trigger),
            mood,
        )
    return table


@app.command("code")
def code_cmd(
    paths: Annotated[
        list[str],
        typer.Argument(help="Text, HTML, JSONL, feed or WARC files, directories, or - for stdin."),
    ],
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.jsonl,
    actors: Annotated[
        list[Path] | None, typer.Option("--actors", help="User actor YAML file(s).")
    ] = None,
    lexicon: Annotated[
        list[Path] | None, typer.Option("--lexicon", help="User lexicon YAML file(s).")
    ] = None,
    processes: Annotated[
        int | None,
        typer.Option(
            "--processes",
            "--jobs",
            "-j",
            min=1,
            help="Worker processes that code whole articles (default 1).",
        ),
    ] = None,
) -> None:
    """Code articles to events on stdout."""
    settings = _settings(actor_files=actors, lexicon_files=lexicon, n_process=processes)

    def run() -> None:
        writer = csv.writer(sys.stdout) if format is OutputFormat.csv else None
        if writer:
            writer.writerow(CSV_COLUMNS)
        for article, events in code_articles(paths, settings=settings):
            if format is OutputFormat.table:
                if events:
                    console.print(events_table(events, title=article.title or article.id))
            elif writer:
                writer.writerows(_csv_row(e) for e in events)
            else:
                for event in events:
                    sys.stdout.write(event.to_json() + "\n")

    run_safely(run)


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the Event record."""
    sys.stdout.write(json.dumps(event_json_schema(), indent=2) + "\n")


def _print_event_report(report, verbose: bool) -> None:  # noqa: ANN001
    if verbose:
        for doc_id, gold in report.misses:
            line = f"{doc_id}: {'/'.join(gold.source)} -> {'/'.join(gold.target)}"
            console.print(
                f"[red]miss[/red] {plain(line)} root {'/'.join(gold.root)}", highlight=False
            )
        for doc_id, source, target, root in report.spurious:
            line = f"{doc_id}: {'/'.join(source)} -> {'/'.join(target)} root {root}"
            console.print(f"[yellow]spurious[/yellow] {plain(line)}", highlight=False)
    table = Table(title="per root")
    for column in ("root", "predicted", "correct", "precision", "gold", "found", "recall"):
        table.add_column(column, justify="right")
    for root in sorted(report.per_root):
        c = report.per_root[root]
        p = c["correct"] / c["predicted"] if c["predicted"] else 0.0
        r = c["found"] / c["gold"] if c["gold"] else 0.0
        table.add_row(
            root,
            str(c["predicted"]),
            str(c["correct"]),
            f"{p:.2f}",
            str(c["gold"]),
            str(c["found"]),
            f"{r:.2f}",
        )
    console.print(table)
    sys.stdout.write(
        f"precision={report.precision:.4f} recall={report.recall:.4f} f1={report.f1:.4f}\n"
    )


def _print_penta_report(report, verbose: bool) -> None:  # noqa: ANN001
    labels = [0, 1, 2, 3, 4]
    table = Table(title="penta classes")
    for column in ("class", "gold", "f1"):
        table.add_column(column, justify="right")
    for label in labels:
        table.add_row(
            str(label), str(sum(report.confusion[label].values())), f"{report.f1(label):.3f}"
        )
    console.print(table)
    if verbose:
        matrix = Table(title="confusion (rows gold, columns predicted; -1 = no event)")
        matrix.add_column("gold")
        for guess in [*labels, -1]:
            matrix.add_column(str(guess), justify="right")
        for label in labels:
            row = report.confusion[label]
            matrix.add_row(str(label), *(str(row[g]) for g in [*labels, -1]))
        console.print(matrix)
    sys.stdout.write(f"accuracy={report.accuracy:.4f} macro_f1={report.macro_f1:.4f}\n")


@app.command("evaluate")
def evaluate_cmd(
    gold: Annotated[Path, typer.Argument(help="Gold events JSONL, or a penta-class TSV.")],
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List misses and spurious events.")
    ] = False,
) -> None:
    """Score the coder against a gold set; the last line holds the figures."""
    from realpolitik.evaluate import EventReport, evaluate_file, is_penta_file

    def run() -> None:
        if not gold.is_file():
            raise CLIError(Errors.E101.format(path=gold))
        # Penta-class gold carries no actors: it scores event types, so actors are not required.
        pipeline = _load_pipeline(Settings(require_actors=not is_penta_file(gold)))

        def code(items: list[tuple[str, str | None, str]]) -> list[list[Event]]:
            articles = [Article(id=doc_id, text=text, date=date) for text, date, doc_id in items]
            return [events for _, events in pipeline.pipe(articles)]

        report = evaluate_file(gold, code)
        if isinstance(report, EventReport):
            _print_event_report(report, verbose)
        else:
            _print_penta_report(report, verbose)

    run_safely(run)


@app.command("explain")
def explain_cmd(
    sentence: Annotated[str, typer.Argument(help="A sentence (or short text) to explain.")],
    date: Annotated[str | None, typer.Option("--date", help="Article date, YYYY-MM-DD.")] = None,
) -> None:
    """Show the parse, the actors, the clauses and why each code was chosen."""
    from realpolitik.explain import explain

    run_safely(lambda: console.print(explain(_load_pipeline(Settings()), sentence, date=date)))


def sample_articles() -> list[Article]:
    """Return the bundled sample articles."""
    text = (resources.files("realpolitik.data") / "samples" / "samples.jsonl").read_text("utf-8")
    return [Article.from_dict(json.loads(line)) for line in text.splitlines() if line.strip()]


def dyad_summary(events: list[Event]) -> Table:
    """Return a table of directed dyads: event counts per QuadClass and mean Goldstein."""
    rows: dict[tuple[str, str], Counter] = defaultdict(Counter)
    goldstein: dict[tuple[str, str], list[float]] = defaultdict(list)
    for e in events:
        if e.negated or not e.source.key or not e.target.key:
            continue
        key = (e.source.key, e.target.key)
        rows[key][e.quad_class] += 1
        if e.goldstein is not None:
            goldstein[key].append(e.goldstein)
    table = Table(title="dyads (source -> target)")
    for column in (
        "source",
        "target",
        "events",
        "verbal coop",
        "material coop",
        "verbal conflict",
        "material conflict",
        "mean Goldstein",
    ):
        table.add_column(column, justify="right")
    for (src, tgt), counts in sorted(rows.items(), key=lambda kv: -sum(kv[1].values())):
        values = goldstein[(src, tgt)]
        mean = sum(values) / len(values) if values else 0.0
        table.add_row(
            src,
            tgt,
            str(sum(counts.values())),
            *(str(counts[q]) for q in (1, 2, 3, 4)),
            f"{mean:+.2f}",
        )
    return table


class _Recorder:
    """Pass a pipeline's output through to the store while keeping it for the summary."""

    def __init__(self, pipeline) -> None:  # noqa: ANN001
        self.pipeline = pipeline
        self.version = pipeline.version
        self.coded: list[tuple[Article, list[Event]]] = []

    def pipe(self, articles: Iterable[Article]) -> Iterable[tuple[Article, list[Event]]]:
        for article, events in code_stream(articles, self.pipeline):
            self.coded.append((article, events))
            yield article, events


def run_demo(*, db: str | None = None) -> tuple[list[tuple[Article, list[Event]]], str]:
    """Clean, code and store the bundled samples in ``db`` (default: the settings' store).

    Returns: the coded articles with their events, and the store's location.
    """
    from realpolitik.clean import LineCleaner, clean_article
    from realpolitik.store.ingest import ingest_articles
    from realpolitik.store.store import open_store

    settings = _settings(db=db)
    pipeline = _load_pipeline(Settings())
    cleaner = LineCleaner(settings)
    recorder = _Recorder(pipeline)
    articles = [clean_article(a, cleaner) for a in sample_articles()]
    with open_store(settings=settings) as store:
        ingest_articles(articles, store=store, coder=recorder, force=True)
        location = store.label
    return recorder.coded, location


@app.command("demo")
def demo_cmd(
    db: Annotated[
        str | None, typer.Option("--db", help="Store to write (default realpolitik.db).")
    ] = None,
) -> None:
    """Code the bundled sample articles into the store; print their events and a dyad summary."""

    def run() -> None:
        coded, location = run_demo(db=db)
        everything: list[Event] = []
        for article, events in coded:
            if article.dropped:
                reasons = "; ".join(d.reason for d in article.dropped)
                line = f"{article.id}: dropped {len(article.dropped)} line(s): {reasons}"
                console.print(f"[dim]{plain(line)}[/dim]")
            if events:
                title = f"{article.id} {article.date}: {article.title}"
                console.print(events_table(events, title=title))
            everything.extend(events)
        console.print(dyad_summary(everything))
        console.print(
            plain(f"{len(coded)} articles, {len(everything)} events, stored in {location}")
        )

    run_safely(run)
