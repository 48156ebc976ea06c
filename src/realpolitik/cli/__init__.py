"""The `realpolitik` command: a typer shell over the library (one module per area)."""

from __future__ import annotations

import importlib
import logging
import sys

from realpolitik.cli.app import EXIT_CODES, app, err_console, plain
from realpolitik.errors import RealpolitikError

__all__ = ["COMMAND_MODULES", "app", "main", "register_commands"]

# Each module registers its commands on `app` when imported; this order is the help's order.
COMMAND_MODULES: tuple[str, ...] = (
    "coding",  # code, schema, evaluate, explain, demo
    "ingest_cmds",  # clean
    "actor_cmds",  # actor
    "store_cmds",  # ingest
    "analysis_cmds",  # dyad, network, blocs, shifts
    "export_cmds",  # export
    "api_cmds",  # serve
    "spark_cmds",  # spark
    "alert_cmds",  # alerts, alerts check
    "watch_cmds",  # watch
)


def register_commands() -> None:
    """Import every built-in command module, so its commands are on ``app``."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"realpolitik.cli.{name}")


register_commands()


def main() -> None:
    """Entry point of the `realpolitik` console script; a coded error that escapes a command
    (invalid settings read before its guard, say) is one line and its exit status, never a
    traceback."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except RealpolitikError as exc:
        err_console.print(f"[red]error:[/red] {plain(exc)}", highlight=False, soft_wrap=True)
        sys.exit(EXIT_CODES.get(exc.code[:2], 1))
