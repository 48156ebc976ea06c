"""Helpers for the alert tests: constructed stores of weekly events, and a local webhook
receiver that records (and can refuse) what it is sent."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from realpolitik.models import Article, Event
from realpolitik.store import open_store
from realpolitik.store.store import Store
from store_helpers import make_event

MONDAY = date(2026, 6, 1)
"""Monday of ISO week 2026-W23: the first week of the constructed series."""

COOPERATE = ("051", "05", 1, 3.4)
CONSULT = ("036", "03", 1, 4.0)
ACCUSE = ("112", "11", 3, -2.0)
THREATEN = ("130", "13", 3, -4.4)
FIGHT = ("190", "19", 4, -10.0)


def day_of(week: int, weekday: int) -> str:
    """Return the ISO day of ``weekday`` (0 = Monday) in series week ``week`` (0-based)."""
    return (MONDAY + timedelta(weeks=week, days=weekday)).isoformat()


class Builder:
    """Collects (article, events) pairs, one article per reported event."""

    def __init__(self) -> None:
        self.batch: list[tuple[Article, list[Event]]] = []

    def add(
        self,
        source: str,
        target: str,
        day: str,
        code: tuple[str, str, int, float],
        *,
        outlet: str = "example.org",
        n: int = 0,
    ) -> None:
        """Add one article from ``outlet`` reporting ``source`` doing ``code`` to ``target``."""
        doc = f"{outlet}-{source}-{target}-{day}-{code[0]}-{n}"
        cameo, root, quad, gold = code
        event = make_event(
            source,
            target,
            cameo=cameo,
            root=root,
            quad_class=quad,
            goldstein=gold,
            doc_id=doc,
            date=day,
        )
        article = Article(
            id=doc,
            text=f"{source} {cameo} {target} on {day} ({outlet}, {n}).",
            date=day,
            url=f"https://{outlet}/{doc}",
            title=doc,
            source=outlet,
        )
        self.batch.append((article, [event]))

    def write(self, store: Store) -> None:
        """Store everything added so far and start a new batch."""
        store.write(self.batch, coder_version="test")
        self.batch = []


def steady(builder: Builder, source: str, target: str, weeks: range, code=COOPERATE) -> None:
    """Add three events a week (Monday, Wednesday, Friday) for ``weeks``."""
    for week in weeks:
        for weekday in (0, 2, 4):
            builder.add(source, target, day_of(week, weekday), code)


def new_store(tmp_path: Path, name: str = "alerts") -> Store:
    """Open a fresh SQLite store under ``tmp_path``."""
    return open_store(str(tmp_path / f"{name}.db"))


class Receiver:
    """A webhook receiver on 127.0.0.1 that answers ``statuses`` in turn (then 200)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server hook name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.requests.append(
                    {"headers": dict(self.headers), "body": body, "status": status}
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The URL to POST to."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def delivered(self) -> list[dict[str, Any]]:
        """Return the JSON bodies the receiver accepted (2xx)."""
        return [json.loads(r["body"]) for r in self.requests if r["status"] < 300]

    def close(self) -> None:
        """Stop the server."""
        self.server.shutdown()
        self.server.server_close()
