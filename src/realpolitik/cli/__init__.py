"""The `realpolitik` command: a typer shell over the library (one module per area)."""

from __future__ import annotations

import logging

from realpolitik.cli.app import app

# Command modules register their commands on `app` when imported (one line each).

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the `realpolitik` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
