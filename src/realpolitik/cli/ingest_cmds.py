"""The `clean` command: read any source kind and write cleaned articles as JSONL."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, TextIO

import typer

from realpolitik.cli.app import app, run_safely, warn
from realpolitik.errors import CLIError, Errors
from realpolitik.models import Article
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)


def clean_to_jsonl(
    paths: Iterable[str | Path],
    out: TextIO,
    *,
    settings: Settings | None = None,
    dedupe: bool = True,
    on_warning=warn,  # noqa: ANN001 - Callable[[str], None]
) -> int:
    """Write one JSON line per cleaned article of ``paths`` to ``out``.

    Returns: the number of articles written.
    Raises: CLIError E901 when nothing could be read.
    """
    from realpolitik.sources import read_articles

    paths = list(paths)
    count = 0
    for article in read_articles(paths, settings=settings, dedupe=dedupe, on_warning=on_warning):
        out.write(article_line(article) + "\n")
        count += 1
    if count == 0:
        raise CLIError(Errors.E901.format(paths=", ".join(str(p) for p in paths)))
    return count


def article_line(article: Article) -> str:
    """Return the JSONL record of one cleaned article (dropped lines with their reasons)."""
    record = {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "date": article.date,
        "language": article.language,
        "source": article.source,
        "duplicate_of": article.duplicate_of,
        "text": article.text,
        "dropped": [line.to_dict() for line in article.dropped],
    }
    return json.dumps(record, ensure_ascii=False)


@app.command("clean")
def clean_cmd(
    paths: Annotated[
        list[str], typer.Argument(help="Files, directories (walked recursively) or '-' for stdin.")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write JSONL here instead of stdout.")
    ] = None,
    no_dedupe: Annotated[
        bool, typer.Option("--no-dedupe", help="Do not link duplicate articles.")
    ] = False,
) -> None:
    """Clean news files (text, HTML, RSS/Atom, JSONL, WARC) and write articles as JSONL."""

    def run() -> int:
        if output is None:
            return clean_to_jsonl(paths, sys.stdout, settings=Settings(), dedupe=not no_dedupe)
        try:
            with open(output, "w", encoding="utf-8") as out:
                return clean_to_jsonl(paths, out, settings=Settings(), dedupe=not no_dedupe)
        except OSError as exc:
            detail = exc.strerror or type(exc).__name__
            raise CLIError(Errors.E904.format(path=output, detail=detail)) from None

    count = run_safely(run)
    logger.info("wrote %d articles", count)
