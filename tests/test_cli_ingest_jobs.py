"""`realpolitik ingest -j N`: worker processes code, the parent alone stores, same events."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import realpolitik
from ingest_helpers import FIXTURES, TEXTS
from realpolitik.cli import app
from realpolitik.distributed import local
from realpolitik.settings import Settings
from realpolitik.store import open_store


def _sources(tmp_path: Path) -> list[str]:
    """Write nine JSONL articles (two events or more among them) beside the feed fixture."""
    path = tmp_path / "articles.jsonl"
    rows = [
        {"id": f"n{i}", "text": f"{TEXTS[i % len(TEXTS)]} {TEXTS[(i + 2) % len(TEXTS)]}"}
        for i in range(9)
    ]
    path.write_text("".join(json.dumps({**r, "date": "2024-03-01"}) + "\n" for r in rows))
    return [str(path), str(FIXTURES / "feed.rss")]


def _ingest(runner, sources: list[str], db: str, *options: str) -> dict:
    """Run `ingest` with the json summary; return it (the command must succeed)."""
    result = runner.invoke(app, ["ingest", *sources, "--db", db, "--format", "json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _stored(db: str) -> list[tuple]:
    """Return every stored event as (id, article, sentence, source, cameo, target)."""
    with open_store(db, settings=Settings()) as store:
        return [
            (e.event_id, e.doc_id, e.sentence_index, e.source.code, e.cameo, e.target.code)
            for e in store.iter_events()
        ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_ingest_with_two_jobs_stores_what_one_job_stores(
    runner, pipeline, tmp_path, monkeypatch
) -> None:
    """`ingest -j 2` codes in forked workers yet stores the same events and counts as `-j 1`;
    run again, it stores nothing twice."""
    monkeypatch.delenv("REALPOLITIK_N_PROCESS", raising=False)
    monkeypatch.setattr(realpolitik, "load", lambda settings=None, **kw: pipeline)
    workers: list[int] = []
    parallel = local.code_parallel

    def spy(articles, **kw):  # noqa: ANN001, ANN202 - records the worker count asked for
        workers.append(kw["n_process"])
        return parallel(articles, **kw)

    monkeypatch.setattr(local, "code_parallel", spy)
    sources = _sources(tmp_path)
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    summary_one = _ingest(runner, sources, one, "-j", "1")
    assert workers == []  # -j 1: coded in this process
    summary_two = _ingest(runner, sources, two, "--jobs", "2", "--batch", "3")
    assert workers == [2]
    assert summary_two["stored"] == summary_one["stored"] >= 9
    assert summary_two["events"] == summary_one["events"] >= 4
    assert _stored(two) == _stored(one)
    again = _ingest(runner, sources, two, "-j", "2")
    assert again["stored"] == 0 and again["events"] == 0
    assert len(_stored(two)) == summary_one["events"]


def test_ingest_refuses_zero_jobs(runner, tmp_path) -> None:
    """-j 0 is a usage error, not a silent single process."""
    result = runner.invoke(app, ["ingest", "x.jsonl", "--db", str(tmp_path / "z.db"), "-j", "0"])
    assert result.exit_code == 2
