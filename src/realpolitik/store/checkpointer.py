"""Copy SQLite's write-ahead log into the database file from a second thread.

In WAL mode a commit appends pages to the log, and a checkpoint copies them into the database
file. Left to itself, the writing connection checkpoints inside its own commits and stops
writing while it copies and syncs. A :class:`Checkpointer` runs passive checkpoints on its own
connection in a daemon thread instead, woken after each commit; SQLite runs them without the
GIL, so on a second core the copying overlaps the next batch. A passive checkpoint never
blocks the writer or readers and skips frames a reader still needs. The writer keeps its own
``wal_autocheckpoint`` as a safety net should this thread fall behind or stop.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

logger = logging.getLogger(__name__)


class Checkpointer:
    """A daemon thread running ``PRAGMA wal_checkpoint(PASSIVE)`` whenever :meth:`wake` is called.

    path: the database file (the thread opens its own connection)
    checkpoints: how many checkpoints ran; error: what stopped the thread, if anything
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.checkpoints = 0
        self.error: BaseException | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"checkpoint:{path}", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Ask for a checkpoint as soon as the thread is free (call after each commit)."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the checkpoint in progress, if any, and end the thread."""
        self._stop.set()
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        except sqlite3.Error as exc:
            self._fail(exc)
            return
        try:
            while True:
                self._wake.wait()
                if self._stop.is_set():
                    return
                self._wake.clear()
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.checkpoints += 1
        except sqlite3.Error as exc:
            self._fail(exc)
        finally:
            conn.close()

    def _fail(self, exc: BaseException) -> None:
        self.error = exc
        logger.warning("background checkpoints of %s stopped: %s", self.path, exc)
