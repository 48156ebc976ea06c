"""The watcher benchmark (benchmarks/watch.py) on a few corpus articles, without coding: every
article stored once, each page fetched once, unchanged listings fetch no page, 304s no body."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_watch", ROOT / "benchmarks" / "watch.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (CORPUS / "wikinews.jsonl").is_file(), reason="needs ../shared/corpus")
def test_bench_watch_stores_each_article_once_and_idle_passes_fetch_no_page():
    bench = _bench()
    args = argparse.Namespace(
        articles=6, per_feed=2, idle_passes=1, corpus_dir=CORPUS, coder="none", profile=False
    )
    results = bench.run(args)
    site, cold = results["site"], results["cold"]
    assert site["articles"] == 6 and site["feeds"] == 3
    assert site["corpora"] == {"wikinews": 2, "aeb": 2, "reuters21578": 2}
    stored = results["stored"]
    assert (stored["articles"], stored["distinct_urls"], stored["items_ingested"]) == (6, 6, 6)
    assert cold["report"]["ingested"] == 6 and cold["server"]["page_bytes"] == site["page_bytes"]
    unchanged, not_modified = results["unchanged"][0], results["not_modified"][0]
    assert unchanged["report"]["items_new"] == 0 and unchanged["server"]["page_bytes"] == 0
    assert unchanged["server"]["listing_bytes"] > 0 and unchanged["report"]["not_modified"] == 0
    assert not_modified["report"]["not_modified"] == 3
    assert not_modified["server"]["listing_bytes"] == 0
    assert set(cold["stages"]) == {*bench.STAGES, "other"}
    summary = bench.summarise(results)
    assert summary["articles_stored"] == 6 and summary["events_per_1000"] == 0.0
    assert summary["not_modified_304"]["requests_per_feed"] == 1.0
