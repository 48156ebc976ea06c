"""The watcher's structured log: one JSON object per line (time, level, event, feed, url,
status, counts, code, message), to stderr or a file, flushed line by line."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from typing import Any, TextIO

logger = logging.getLogger(__name__)

LEVELS = ("debug", "info", "warning", "error")


def code_of(message: str) -> str | None:
    """Return the ``E123``/``W123`` code a catalogue message starts with, or None."""
    if message.startswith("[") and message[5:6] == "]":
        return message[1:5]
    return None


class EventLog:
    """Write watcher events as JSON lines; ``debug`` events only when ``verbose``.

    stream: where lines go (stderr, or the file of ``--log``)
    """

    def __init__(self, stream: TextIO, *, verbose: bool = False) -> None:
        self.stream = stream
        self.verbose = verbose
        self.lock = threading.Lock()
        self.counts = dict.fromkeys(LEVELS, 0)

    def emit(
        self,
        event: str,
        *,
        level: str = "info",
        feed: str | None = None,
        url: str | None = None,
        status: int | None = None,
        counts: dict[str, Any] | None = None,
        message: str | None = None,
        **extra: Any,
    ) -> None:
        """Write one event; the code is taken from a coded ``message``."""
        self.counts[level] = self.counts.get(level, 0) + 1
        if level == "debug" and not self.verbose:
            return
        record: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": level,
            "event": event,
            "feed": feed,
            "url": url,
            "status": status,
            "counts": counts,
            "code": code_of(message) if message else None,
            "message": message,
            **extra,
        }
        line = json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False)
        with self.lock:
            self.stream.write(line + "\n")
            self.stream.flush()

    def warning(self, message: str, *, feed: str | None = None, url: str | None = None) -> None:
        """Write a coded warning met while reading, coding or storing."""
        self.emit("warning", level="warning", feed=feed, url=url, message=message)
