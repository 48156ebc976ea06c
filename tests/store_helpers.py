"""Helpers for the store, analysis and export tests: a fake coder, event builders, a private
PostgreSQL server, and a command line used by the crash and concurrency tests.

Run as a script (``python tests/store_helpers.py ingest ARTICLES.jsonl DB``) it ingests a
JSONL file of articles with the fake coder, so a test can kill it mid-run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from realpolitik.models import Actor, Article, Event, Evidence, Location  # noqa: E402

COUNTRIES = ("RUS", "CHN", "USA", "GBR", "FRA", "IRN", "UKR", "TWN")
CAMEOS = (
    ("051", "05", 1, 3.4),
    ("036", "03", 1, 4.0),
    ("070", "07", 2, 7.0),
    ("111", "11", 3, -2.0),
    ("130", "13", 3, -4.4),
    ("190", "19", 4, -10.0),
)


def make_event(
    source: str,
    target: str,
    *,
    cameo: str = "051",
    root: str | None = None,
    quad_class: int = 1,
    goldstein: float | None = 3.4,
    doc_id: str = "doc",
    index: int = 0,
    date: str | None = "2024-01-01",
    negated: bool = False,
    modality: str = "asserted",
    org: bool = False,
    location: Location | None = None,
) -> Event:
    """Return a synthetic Event from ``source`` to ``target`` (country keys, or orgs)."""

    def actor(key: str) -> Actor:
        if org:
            return Actor(text=key, name=key, code="IGO" + key, org=key)
        return Actor(text=key, name=key.title(), code=key + "GOV", country=key, role="GOV")

    return Event(
        event_id=Event.make_id(doc_id, index, source, target, cameo),
        doc_id=doc_id,
        date=date,
        sentence_index=index,
        sentence=f"{source} did {cameo} to {target}.",
        span=[0, 20],
        source=actor(source),
        target=actor(target),
        cameo=cameo,
        root=root or cameo[:2],
        quad_class=quad_class,
        goldstein=goldstein,
        plover=None,
        negated=negated,
        modality=modality,
        location=location,
        confidence=0.9,
        evidence=Evidence(pattern="p", trigger="did", trigger_span=[4, 7]),
    )


def make_articles(n: int, *, start: int = 0, days: int = 60) -> list[Article]:
    """Return ``n`` distinct synthetic articles with dates spread over ``days`` days."""
    out = []
    for i in range(start, start + n):
        day = f"2024-{1 + (i % days) // 28:02d}-{1 + (i % days) % 28:02d}"
        out.append(
            Article(
                id=f"art-{i:06d}",
                text=f"Synthetic article number {i}.",
                date=day,
                url=f"https://example.org/{i}",
                title=f"Article {i}",
                source="synthetic",
            )
        )
    return out


class FakeCoder:
    """A deterministic stand-in for the Pipeline: events derived from the article id.

    version: changing it changes the events (to test re-coding)
    delay: seconds slept per article (so a test can kill a run mid-way)
    """

    def __init__(self, version: str = "fake-1", *, delay: float = 0.0) -> None:
        self.version = version
        self.delay = delay

    def code(self, article: Article) -> list[Event]:
        """Return the article's events (none for duplicates and non-English articles)."""
        if article.duplicate_of or article.language not in (None, "", "en"):
            return []
        rng = random.Random(f"{article.id}/{self.version}")
        events = []
        for index in range(rng.randint(1, 4)):
            source, target = rng.sample(COUNTRIES, 2)
            cameo, root, quad, gold = rng.choice(CAMEOS)
            events.append(
                make_event(
                    source,
                    target,
                    cameo=cameo,
                    root=root,
                    quad_class=quad,
                    goldstein=gold,
                    doc_id=article.id,
                    index=index,
                    date=None,
                )
            )
        return events

    def pipe(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
        """Yield each article with its events."""
        for article in articles:
            if self.delay:
                time.sleep(self.delay)
            yield article, self.code(article)


def write_jsonl(path: Path, articles: Iterable[Article]) -> Path:
    """Write articles as JSONL (the fields ``read_articles`` reads)."""
    with path.open("w", encoding="utf-8") as handle:
        for a in articles:
            handle.write(
                json.dumps(
                    {"id": a.id, "text": a.text, "date": a.date, "url": a.url, "title": a.title}
                )
                + "\n"
            )
    return path


AGG_SQL = (
    "SELECT source_key, target_key, substr(day, 1, {width}), COUNT(*), "
    + ", ".join(f"SUM(CASE WHEN quad_class = {q} THEN 1 ELSE 0 END)" for q in range(1, 5))
    + ", COALESCE(SUM(goldstein), 0), COUNT(goldstein) FROM events WHERE in_aggregate = 1 "
    "GROUP BY source_key, target_key, substr(day, 1, {width})"
)


def _rounded(rows: Iterable[tuple[Any, ...]]) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    return {
        tuple(r[:3]): tuple(round(float(v), 6) if isinstance(v, float) else int(v) for v in r[3:])
        for r in rows
    }


def recomputed_aggregates(store: Any, grain: str = "day") -> dict:
    """Return the dyad aggregate recomputed from the stored events, keyed by (s, t, period)."""
    width = {"day": 10, "month": 7, "year": 4, "all": 0}[grain]
    return _rounded(store.backend.query(AGG_SQL.format(width=width)))


CLUSTER_AGG_SQL = AGG_SQL.replace("FROM events", "FROM event_clusters")


def recomputed_event_view(store: Any, grain: str = "day") -> dict:
    """Return the unique-event counts recomputed from ``event_clusters``."""
    width = {"day": 10, "month": 7, "year": 4, "all": 0}[grain]
    return _rounded(store.backend.query(CLUSTER_AGG_SQL.format(width=width)))


def stored_aggregates(store: Any, grain: str = "day", count: str = "mentions") -> dict:
    """Return the maintained ``dyad_<grain>`` counts of a view (mentions or events), keyed
    by (s, t, period); rows with no unique event are left out of the events view."""
    from realpolitik.store.rows import agg_columns

    cols = ", ".join(agg_columns(count))
    rows = store.backend.query(f"SELECT source, target, period, {cols} FROM dyad_{grain}")
    return _rounded(r for r in rows if r[3])


# --- a private PostgreSQL server


def _pg_bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return candidates[-1].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temporary directory (run as a non-root user)."""

    def __init__(self) -> None:
        self.bindir = _pg_bindir()
        self.user: str | None = None
        self.dir = Path(tempfile.mkdtemp(prefix="rp_pg_"))
        self.port = _free_port()

    def skip_reason(self) -> str | None:
        """Return why no server can be started here, or None."""
        if self.bindir is None:
            return (
                "PostgreSQL binaries (initdb, pg_ctl) are absent; "
                "run scripts/test-services.sh as root"
            )
        return None

    def _as_user(self, args: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return args
        return ["runuser", "-u", self.user or "postgres", "--", *args]

    def _ensure_user(self) -> None:
        if os.geteuid() != 0:
            return
        for name in ("postgres", "rp_pg"):
            if subprocess.run(["id", "-u", name], capture_output=True).returncode == 0:
                self.user = name
                break
        else:
            subprocess.run(["useradd", "--system", "--no-create-home", "rp_pg"], check=True)
            self.user = "rp_pg"
        shutil.chown(self.dir, self.user, self.user)

    def start(self) -> None:
        """Initialise and start the cluster."""
        self._ensure_user()
        data = self.dir / "data"
        subprocess.run(
            self._as_user(
                [
                    str(self.bindir / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "--no-sync",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            self._as_user(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(self.dir / "log"),
                    "-w",
                    "-o",
                    options,
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def url(self, database: str = "postgres") -> str:
        """Return the URL of ``database`` on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the cluster and remove its directory."""
        subprocess.run(
            self._as_user(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.dir / "data"),
                    "-m",
                    "immediate",
                    "stop",
                ]
            ),
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


_SERVER: list[PostgresServer] = []


def postgres_server() -> PostgresServer:
    """Return this process's PostgreSQL server, started on first use (pytest.skip if impossible)."""
    import atexit

    import pytest

    if not _SERVER:
        server = PostgresServer()
        reason = server.skip_reason()
        if reason:
            pytest.skip(reason)
        server.start()
        atexit.register(server.stop)
        _SERVER.append(server)
    return _SERVER[0]


def store_url(kind: str, tmp_path: Path, name: str) -> str:
    """Return a fresh database for ``kind`` (sqlite or postgres): a file path or a URL."""
    if kind == "sqlite":
        return str(tmp_path / f"{name}.db")
    return postgres_server().create_database(name.lower())


# --- command line for subprocess tests


def _cmd_ingest(args: argparse.Namespace) -> None:
    from realpolitik.settings import Settings
    from realpolitik.store.ingest import ingest_articles
    from realpolitik.store.store import open_store

    settings = Settings(db_timeout=args.timeout)
    with open(args.jsonl, encoding="utf-8") as handle:
        articles = (Article.from_dict(json.loads(line)) for line in handle if line.strip())
        with open_store(args.db, settings=settings) as store:
            ingest_articles(
                articles,
                store=store,
                coder=FakeCoder(args.version, delay=args.delay),
                batch=args.batch,
            )
    print("done", flush=True)


def _cmd_hold_lock(args: argparse.Namespace) -> None:
    import sqlite3

    conn = sqlite3.connect(args.db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(args.seconds)
    conn.execute("ROLLBACK")
    conn.close()


def _cmd_read_loop(args: argparse.Namespace) -> None:
    from realpolitik.settings import Settings
    from realpolitik.store.store import open_store

    counts = []
    deadline = time.monotonic() + args.seconds
    with open_store(args.db, settings=Settings(db_timeout=args.timeout), readonly=True) as store:
        while time.monotonic() < deadline:
            counts.append(store.count("events"))
            store.dyad_totals(limit=5)
            time.sleep(0.01)
    print(json.dumps(counts), flush=True)


def main(argv: list[str] | None = None) -> None:
    """Run one helper command (ingest, hold-lock, read-loop)."""
    parser = argparse.ArgumentParser(prog="store_helpers")
    sub = parser.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest")
    ingest.add_argument("jsonl")
    ingest.add_argument("db")
    ingest.add_argument("--batch", type=int, default=10)
    ingest.add_argument("--delay", type=float, default=0.0)
    ingest.add_argument("--version", default="fake-1")
    ingest.add_argument("--timeout", type=float, default=30.0)
    ingest.set_defaults(func=_cmd_ingest)
    hold = sub.add_parser("hold-lock")
    hold.add_argument("db")
    hold.add_argument("seconds", type=float)
    hold.set_defaults(func=_cmd_hold_lock)
    read = sub.add_parser("read-loop")
    read.add_argument("db")
    read.add_argument("seconds", type=float)
    read.add_argument("--timeout", type=float, default=5.0)
    read.set_defaults(func=_cmd_read_loop)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
