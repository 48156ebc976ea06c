"""`realpolitik watch` as a process: SIGTERM finishes the current article and exits 0; SIGKILL
mid-poll followed by a restart with --once stores every item exactly once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from watch_helpers import STORIES, FeedServer, feeds_yaml, page_html, rss

START = "from realpolitik.cli import main; main()"
MODEL_LOAD_S = 180
"""Longest wait for a fresh process to load the pipeline and reach a page (a busy machine)."""


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        for story in STORIES:
            srv.set(f"/news/{story['slug']}", page_html(story))
        srv.set("/rss", rss(srv.url("/news"), STORIES[:4]), content_type="application/rss+xml")
        yield srv


def _command(feeds: str, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-c", START, "watch", feeds, "--db", str(db), *extra]


def _env() -> dict[str, str]:
    return {**os.environ, "REALPOLITIK_CODER_BACKOFF": "false", "REALPOLITIK_N_PROCESS": "1"}


def _start(feeds: str, db: Path, log: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        _command(feeds, db, "--log", str(log), *extra),
        env=_env(),
        cwd=db.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _page(story: dict[str, str]) -> str:
    return f"/news/{story['slug']}"


def test_watch_sigkill_mid_poll_then_restart_stores_each_item_once(tmp_path, server):
    feeds = feeds_yaml(tmp_path / "feeds.yaml", [{"name": "ledger", "url": server.url("/rss")}])
    db, log = tmp_path / "watch.db", tmp_path / "watch.jsonl"
    held = STORIES[2]
    server.set(_page(held), page_html(held), delay=30)
    proc = _start(feeds, db, log)
    try:
        assert server.wait_for(_page(held), timeout=MODEL_LOAD_S), proc.stderr.read1().decode()
        proc.send_signal(signal.SIGKILL)  # between fetches: two pages stored, the third asked for
        proc.wait(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert len(_rows(db, "SELECT id FROM articles")) == 2
    server.set(_page(held), page_html(held))
    done = subprocess.run(
        _command(feeds, db, "--once", "--log", str(log)),
        env=_env(), cwd=tmp_path, capture_output=True, timeout=MODEL_LOAD_S,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    ids = [r[0] for r in _rows(db, "SELECT id FROM articles")]
    assert sorted(ids) == sorted(server.url(_page(s)) for s in STORIES[:4])
    items = _rows(db, "SELECT status, COUNT(*) FROM feed_items GROUP BY status")
    assert items == [("ingested", 4)]
    assert _rows(db, "SELECT items_seen, items_ingested FROM feeds") == [(4, 4)]
    events = [r[0] for r in _rows(db, "SELECT event_id FROM events")]
    assert events and len(events) == len(set(events))
    assert [server.count(_page(s)) for s in STORIES[:4]] == [1, 1, 2, 1]


def test_watch_sigterm_finishes_the_current_article_and_exits_0(tmp_path, server):
    feeds = feeds_yaml(tmp_path / "feeds.yaml", [{"name": "ledger", "url": server.url("/rss")}])
    db, log = tmp_path / "watch.db", tmp_path / "watch.jsonl"
    held = STORIES[1]
    server.set(_page(held), page_html(held), delay=2)
    proc = _start(feeds, db, log)
    try:
        assert server.wait_for(_page(held), timeout=MODEL_LOAD_S), proc.stderr.read1().decode()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, proc.stderr.read().decode()[-3000:]
    ids = sorted(r[0] for r in _rows(db, "SELECT id FROM articles"))
    assert ids == sorted(server.url(_page(s)) for s in STORIES[:2])  # the held one finished
    assert server.count(_page(STORIES[2])) == 0
    events = [json.loads(line)["event"] for line in log.read_text().splitlines()]
    assert events[0] == "start" and events[-1] == "stop"
