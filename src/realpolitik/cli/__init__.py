"""The `realpolitik` command: a typer shell over the library (one module per area)."""

from __future__ import annotations

import importlib
import logging

from realpolitik.cli.app import app

__all__ = ["COMMAND_MODULES", "app", "main", "register_commands"]

# Each module registers its commands on `app` when imported; this order is the help's order.
COMMAND_MODULES: tuple[str, ...] = (
    "coding",  # code, schema, evaluate, explain, demo
    "ingest_cmds",  # clean
    "actor_cmds",  # actor
    "store_cmds",  # ingest, dyad, network, blocs, shifts, export
    "api_cmds",  # serve
    "spark_cmds",  # spark
)


def register_commands() -> None:
    """Import every built-in command module, so its commands are on ``app``."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"realpolitik.cli.{name}")


register_commands()


def main() -> None:
    """Entry point of the `realpolitik` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
