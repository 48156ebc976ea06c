"""The `realpolitik` command: a typer shell over the library (one module per area)."""

from __future__ import annotations

import logging

# Command modules register their commands on `app` when imported (one line each).
import realpolitik.cli.actor_cmds  # noqa: F401
import realpolitik.cli.api_cmds  # noqa: F401
import realpolitik.cli.ingest_cmds  # noqa: F401
import realpolitik.cli.store_cmds  # noqa: F401
from realpolitik.cli import coding  # noqa: E402,F401
import realpolitik.cli.spark_cmds  # noqa: F401
from realpolitik.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the `realpolitik` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
