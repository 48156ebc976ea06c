"""The `actor` command: resolve the actors named in a text, as JSON."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Annotated

import typer

from realpolitik.cli.app import app, run_safely
from realpolitik.errors import ActorError, Errors
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def resolve_actors(
    text: str, *, date: str | None = None, actor_files: list[Path] | None = None
) -> list[dict]:
    """Return the actors of ``text`` (on ``date``) as JSON-ready dicts, best first.

    Raises: ActorError E303 for a malformed date, E301/E302 for a bad actor file.
    """
    if date is not None and not _DATE.match(date):
        raise ActorError(Errors.E303.format(value=date))
    from realpolitik.actors import ActorResolver
    from realpolitik.nlp import load_nlp

    settings = Settings(actor_files=list(actor_files or []))
    resolver = ActorResolver(load_nlp(settings), settings=settings)
    return [actor.to_dict() for actor in resolver.resolve_text(text, date=date)]


@app.command("actor")
def actor_cli(
    text: Annotated[str, typer.Argument(help="Text naming one or more actors.")],
    date: Annotated[
        str | None,
        typer.Option("--date", help="Date the text speaks of (YYYY-MM-DD); picks roles."),
    ] = None,
    actors: Annotated[
        list[Path] | None,
        typer.Option("--actors", help="User actor file (YAML or PETRARCH dictionary); repeatable."),
    ] = None,
) -> None:
    """Print the actors a text names as JSON (text, name, code, country, org, role, confidence)."""
    found = run_safely(lambda: resolve_actors(text, date=date, actor_files=actors))
    typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
