"""Ingest runs: crash safety under kill -9, and the ingest path from real source files."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from realpolitik.settings import Settings
from realpolitik.store import open_store
from realpolitik.store.ingest import ingest
from store_helpers import (
    ROOT,
    FakeCoder,
    make_articles,
    recomputed_aggregates,
    stored_aggregates,
    write_jsonl,
)

HELPER = [sys.executable, str(ROOT / "tests" / "store_helpers.py")]
N_ARTICLES = 600


def _count(db: str) -> int:
    with open_store(db, settings=Settings(db_timeout=5), readonly=True) as store:
        return store.count("articles")


def _wait_for_progress(db: str, proc: subprocess.Popen, *, minimum: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the ingest finished before it could be killed"
        try:
            stored = _count(db)
        except Exception:  # the schema may not exist yet
            stored = 0
        if stored >= minimum:
            return stored
        time.sleep(0.02)
    raise AssertionError("the ingest made no progress")


def test_store_kill_9_mid_ingest_then_rerun_loses_and_doubles_nothing(tmp_path):
    source = write_jsonl(tmp_path / "many.jsonl", make_articles(N_ARTICLES))
    db = str(tmp_path / "crash.db")
    args = [*HELPER, "ingest", str(source), db, "--batch", "7", "--delay", "0.003"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for_progress(db, proc, minimum=50)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    at_kill = _count(db)
    assert 0 < at_kill < N_ARTICLES
    assert at_kill % 7 == 0, "a batch was stored partially"

    rerun = subprocess.run(args[:-2], capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr

    coder = FakeCoder()
    expected = {a.id: len(coder.code(a)) for a in make_articles(N_ARTICLES)}
    with open_store(db, settings=Settings()) as store:
        ids = [r[0] for r in store.backend.query("SELECT id FROM articles")]
        assert sorted(ids) == sorted(expected)
        per_article = dict(
            store.backend.query("SELECT article_id, COUNT(*) FROM events GROUP BY article_id")
        )
        assert per_article == {k: v for k, v in expected.items() if v}
        assert store.count("events") == sum(expected.values())
        for grain in ("day", "month", "year", "all"):
            assert stored_aggregates(store, grain) == recomputed_aggregates(store, grain)


def test_store_ingest_reads_real_source_files(tmp_path):
    articles = make_articles(12)
    source = write_jsonl(tmp_path / "in.jsonl", articles)
    (tmp_path / "note.txt").write_text(
        "Russia and China pledged to deepen ties during talks in Moscow on Tuesday.\n",
        encoding="utf-8",
    )
    warnings: list[str] = []
    with open_store(str(tmp_path / "x.db"), settings=Settings(ingest_batch=5)) as store:
        report = ingest(
            [source, tmp_path / "note.txt", tmp_path / "missing.jsonl"],
            store=store,
            coder=FakeCoder(),
            on_warning=warnings.append,
        )
        assert report.read == 13 and report.stored == 13
        assert store.article("art-000003") is not None
        again = ingest([source], store=store, coder=FakeCoder())
        assert again.unchanged == 12 and again.stored == 0
    assert any("missing.jsonl" in w for w in warnings)


@pytest.mark.slow
def test_store_ingest_with_the_real_pipeline_is_idempotent(tmp_path, pipeline):
    text = (
        "Russian Foreign Minister Sergei Lavrov praised China for its balanced stance. "
        "Lavrov condemned the United States for provocations in the Taiwan Strait."
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    with open_store(str(tmp_path / "real.db"), settings=Settings()) as store:
        first = ingest([tmp_path / "a.txt"], store=store, coder=pipeline)
        events = store.count("events")
        second = ingest([tmp_path / "a.txt"], store=store, coder=pipeline)
        assert first.stored == 1 and second.unchanged == 1
        assert store.count("events") == events == first.events
        assert store.backend.query("SELECT coder_version FROM articles")[0][0] == pipeline.version


def _feed(path, texts: dict[str, str]):
    with path.open("w", encoding="utf-8") as handle:
        for article_id, text in texts.items():
            handle.write(json.dumps({"id": article_id, "text": text}) + "\n")
    return path


def test_store_ingest_same_id_in_two_sources_keeps_both(tmp_path):
    feed_a = _feed(tmp_path / "feedA.jsonl", {"1": "Synthetic text of feed A.", "2": "A two."})
    feed_b = _feed(tmp_path / "feedB.jsonl", {"1": "Synthetic text of feed B.", "2": "B two."})
    warnings: list[str] = []
    with open_store(str(tmp_path / "ids.db"), settings=Settings()) as store:
        report = ingest([tmp_path], store=store, coder=FakeCoder(), on_warning=warnings.append)
        assert report.stored == 4 and store.count("articles") == 4
        texts = {r[0] for r in store.backend.query("SELECT text FROM articles")}
        assert {"Synthetic text of feed A.", "Synthetic text of feed B."} <= texts
        assert sum("[W102]" in w for w in warnings) == 2
        events = store.count("events")
        # every rerun finds the same keys: nothing new, nothing replaced
        again = ingest([tmp_path], store=store, coder=FakeCoder())
        assert again.unchanged == 4 and again.stored == 0 and store.count("events") == events
        # a later run of feed B alone must not overwrite feed A's stored "1"
        later = ingest([feed_b], store=store, coder=FakeCoder(), on_warning=warnings.append)
        assert later.stored == 0 and store.count("articles") == 4
        assert store.article("1").text == "Synthetic text of feed A."
    assert feed_a.exists()


def test_store_ingest_other_source_later_gets_its_own_key(tmp_path):
    feed_a = _feed(tmp_path / "feedA.jsonl", {"7": "Feed A's story seven."})
    feed_b = _feed(tmp_path / "feedB.jsonl", {"7": "Feed B's story seven."})
    warnings: list[str] = []
    with open_store(str(tmp_path / "later.db"), settings=Settings()) as store:
        ingest([feed_a], store=store, coder=FakeCoder())
        report = ingest([feed_b], store=store, coder=FakeCoder(), on_warning=warnings.append)
        assert report.stored == 1 and report.replaced == 0
        assert store.count("articles") == 2
        assert store.article("7").text == "Feed A's story seven."
        assert any("[W102]" in w and "feedB.jsonl" in w for w in warnings)
        # the same source's edited text under its id is a new version: replaced, not keyed
        _feed(feed_a, {"7": "Feed A's story seven, corrected."})
        edit = ingest([feed_a], store=store, coder=FakeCoder())
        assert edit.replaced == 1 and store.count("articles") == 2
        assert store.article("7").text == "Feed A's story seven, corrected."
