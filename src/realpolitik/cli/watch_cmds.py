"""The `watch` command: poll the feeds of a feeds file into the store until stopped."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer

from realpolitik.cli.app import app, run_safely
from realpolitik.errors import CLIError, Errors
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM or SIGINT inside the block (the current article is finished);
    restore the previous handlers after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}

    def handle(signum: int, frame: object) -> None:
        stop.set()

    for sig in STOP_SIGNALS:
        signal.signal(sig, handle)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def log_stream(path: Path | None) -> Iterator[TextIO]:
    """Yield stderr, or ``path`` opened for appending (closed after the block).

    Raises: CLIError E904 when the file cannot be opened.
    """
    if path is None:
        yield sys.stderr
        return
    try:
        stream = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        detail = exc.strerror or type(exc).__name__
        raise CLIError(Errors.E904.format(path=path, detail=detail)) from None
    with stream:
        yield stream


def watch(
    feeds: str | Path,
    *,
    db: str | None = None,
    once: bool = False,
    log: TextIO,
    verbose: bool = False,
    settings: Settings | None = None,
    stop: threading.Event | None = None,
) -> dict[str, int]:
    """Poll the feeds of ``feeds`` into ``db`` until ``stop`` is set (or one pass, ``once``).

    log: where the JSON-lines log goes
    Returns: the run's counts (polls, items, articles ingested, events, alerts).
    Raises: WatchError E720-E723 (feeds file), AlertError (its alert rules), StoreError.
    """
    import realpolitik
    from realpolitik.store.store import open_store
    from realpolitik.watch import EventLog, Watcher, load_feeds

    config = load_feeds(feeds)
    settings = settings or Settings()
    stop = stop or threading.Event()
    with open_store(db, settings=settings) as store:
        coder = realpolitik.load(settings)
        watcher = Watcher(config, store, coder, log=EventLog(log, verbose=verbose), stop=stop)
        try:
            return watcher.run(once=once).to_dict()
        finally:
            watcher.close()


@app.command("watch")
def watch_cmd(
    feeds: Annotated[Path, typer.Argument(help="The feeds file (YAML): feeds:, alerts:...")],
    db: Annotated[
        str | None,
        typer.Option("--db", help="SQLite file or postgresql:// URL [default: settings.db]."),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="One pass over the feeds, then exit (for cron).")
    ] = False,
    log: Annotated[
        Path | None, typer.Option("--log", help="Append the JSON-lines log here, not to stderr.")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug events too.")] = False,
) -> None:
    """Watch news feeds: ingest new stories as they appear, check alert rules after each pass.

    SIGTERM or Ctrl-C finishes the current article, saves the feeds' state and exits 0.
    """

    def run() -> None:
        stop = threading.Event()
        with stop_on_signals(stop), log_stream(log) as stream:
            watch(feeds, db=db, once=once, log=stream, verbose=verbose, stop=stop)

    run_safely(run)
