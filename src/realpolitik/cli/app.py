"""The typer application object and the one place errors become exit codes."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from realpolitik.errors import RealpolitikError

logger = logging.getLogger(__name__)

T = TypeVar("T")

app = typer.Typer(
    name="realpolitik",
    help="Turn news into CAMEO-coded political event data, with evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True)

EXIT_CODES: dict[str, int] = {
    "E0": 2,
    "E1": 3,
    "E2": 4,
    "E3": 5,
    "E4": 6,
    "E5": 7,
    "E6": 8,
    "E9": 1,
}


def plain(value: object) -> str:
    """Return a value (a path, an id, a message) escaped so rich prints it as it is."""
    return escape(str(value))


def warn(message: str) -> None:
    """Print a warning for the user on stderr."""
    err_console.print(
        f"[yellow]warning:[/yellow] {plain(message)}", highlight=False, soft_wrap=True
    )


def run_safely(func: Callable[[], T]) -> T:
    """Run ``func``; turn a RealpolitikError into a one-line message and a coded exit status."""
    try:
        return func()
    except RealpolitikError as exc:
        err_console.print(f"[red]error:[/red] {plain(exc)}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_CODES.get(exc.code[:2], 1)) from None
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(0) from None
