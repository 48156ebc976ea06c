"""Acceptance: the seed article plus 100 Wikinews articles, coded for real and stored."""

from __future__ import annotations

import json

import pytest

from realpolitik.analysis import alignment_network, dyad_series, find_blocs, summarize
from realpolitik.settings import Settings
from realpolitik.store import open_store
from realpolitik.store.ingest import ingest

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory, shared_dir, pipeline):
    tmp = tmp_path_factory.mktemp("acceptance")
    lines = (shared_dir / "corpus" / "wikinews.jsonl").read_text(encoding="utf-8").splitlines()
    wikinews = tmp / "wikinews100.jsonl"
    wikinews.write_text("\n".join(lines[:100]) + "\n", encoding="utf-8")
    seed = tmp / "seed.jsonl"
    seed.write_text(
        json.dumps(
            {
                "id": "seed",
                "date": "2024-10-14",
                "text": (shared_dir / "examples" / "seed_article.txt").read_text(encoding="utf-8"),
            }
        )
        + "\n",
        encoding="utf-8",
    )
    store = open_store(str(tmp / "acceptance.db"), settings=Settings())
    report = ingest([seed, wikinews], store=store, coder=pipeline)
    assert report.stored == 101
    yield store
    store.close()


def test_store_acceptance_rus_chn_cooperation(corpus_store):
    reports = summarize(dyad_series(corpus_store, "RUS", "CHN", freq="month", count="mentions"))
    assert reports["events"] >= 3 and reports["tone"] == "cooperation"
    summary = summarize(dyad_series(corpus_store, "RUS", "CHN", freq="month"))
    assert 1 <= summary["events"] < reports["events"] and summary["tone"] == "cooperation"


def test_store_acceptance_rus_usa_conflict(corpus_store):
    reports = summarize(dyad_series(corpus_store, "RUS", "USA", freq="month", count="mentions"))
    assert reports["events"] >= 2 and reports["tone"] == "conflict"
    summary = summarize(dyad_series(corpus_store, "RUS", "USA", freq="month"))
    assert summary["events"] >= 1 and summary["tone"] == "conflict"


def test_store_acceptance_blocs_put_rus_and_chn_together(corpus_store):
    blocs = find_blocs(alignment_network(corpus_store), max_k=corpus_store.settings.bloc_max_k)
    assert blocs.bloc_of("RUS") is not None
    assert blocs.bloc_of("RUS") == blocs.bloc_of("CHN")


def test_store_acceptance_rerun_changes_nothing(corpus_store, shared_dir, pipeline, tmp_path):
    before = (corpus_store.count("articles"), corpus_store.count("events"))
    lines = (shared_dir / "corpus" / "wikinews.jsonl").read_text(encoding="utf-8").splitlines()
    again = tmp_path / "again.jsonl"
    again.write_text("\n".join(lines[:100]) + "\n", encoding="utf-8")
    report = ingest([again], store=corpus_store, coder=pipeline)
    assert report.unchanged == 100 and report.stored == 0
    assert (corpus_store.count("articles"), corpus_store.count("events")) == before
