"""Tests of the local worker pool (realpolitik.distributed.local): order, streaming, sharing."""

from __future__ import annotations

import logging
import multiprocessing
import os
import platform
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

import pytest

from ingest_helpers import TEXTS
from realpolitik.distributed import local
from realpolitik.distributed.local import (
    ArticleCoder,
    _code_chunk,
    code_parallel,
    release_free_memory,
)
from realpolitik.distributed.worker import _PIPELINES, keep_pipeline, worker_pipeline
from realpolitik.models import Article


def _articles(count: int) -> list[Article]:
    return [
        Article(id=f"a{i}", text=TEXTS[i % len(TEXTS)], date="2024-01-01") for i in range(count)
    ]


def test_code_parallel_yields_the_callers_articles_with_their_events(pipeline) -> None:
    """Only events come back from the workers; they pair with the caller's own Articles."""
    articles = _articles(7)
    expected = [[e.event_id for e in events] for _, events in pipeline.pipe(articles)]
    coded = list(code_parallel(articles, pipeline=pipeline, n_process=2, chunk_size=2))
    assert [a for a, _ in coded] == articles
    assert all(got is sent for (got, _), sent in zip(coded, articles, strict=True))
    assert [[e.event_id for e in events] for _, events in coded] == expected
    assert sum(map(len, expected)) >= 4


def test_code_parallel_reads_a_bounded_number_of_articles_ahead(pipeline) -> None:
    """Articles are pulled from the stream as workers need them: memory does not grow with the
    stream's length."""
    pulled: list[int] = []

    def stream() -> Iterator[Article]:
        for i, article in enumerate(_articles(200)):
            pulled.append(i)
            yield article

    chunk, workers = 3, 2
    coded = code_parallel(stream(), pipeline=pipeline, n_process=workers, chunk_size=chunk)
    first = next(coded)
    assert first[0].id == "a0"
    assert len(pulled) <= 2 * workers * chunk  # the queued chunks, not the 200 articles
    coded.close()


def _loads_in_worker(key: str) -> int:
    """Return how many Pipelines this (forked) process loads to serve settings ``key``."""
    loads: list[int] = []
    worker_pipeline(key, on_load=lambda: loads.append(1))
    return len(loads)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_forked_workers_reuse_the_loaded_pipeline(pipeline) -> None:
    """The parent's loaded Pipeline is the forked workers' own: they load nothing."""
    key = keep_pipeline(pipeline)
    assert _PIPELINES[key] is pipeline
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        assert list(pool.map(_loads_in_worker, [key, key])) == [0, 0]
    coder = ArticleCoder(pipeline, n_process=2)
    assert coder.version == pipeline.version
    assert [a.id for a, _ in coder.pipe(_articles(3))] == ["a0", "a1", "a2"]


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc_trim")
def test_release_free_memory_trims_the_heap_before_forking() -> None:
    """Freed heap pages go back to the system, so forked workers do not each hold them."""
    garbage = [bytes(1000) for _ in range(20_000)]  # 20 MB of small blocks on the C heap
    del garbage
    assert release_free_memory() is True


def _dies_on_crash(key: str, articles: list[Article], batch_size: int) -> list:
    """A worker's chunk job that ends its process on an article saying CRASH."""
    if any("CRASH" in a.text for a in articles):
        os._exit(3)
    return _code_chunk(key, articles, batch_size)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_a_dying_worker_costs_its_chunk_not_the_run(
    pipeline, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A worker that dies (a crash, the kernel's OOM killer) loses its chunk's articles, each
    reported with W401; the pool restarts and every other article is coded."""
    articles = _articles(12)
    articles[5] = Article(id="bad", text="CRASH " + TEXTS[0], date="2024-01-01")
    expected = {a.id: [e.event_id for e in ev] for a, ev in pipeline.pipe(articles)}
    monkeypatch.setattr(local, "_code_chunk", _dies_on_crash)
    with caplog.at_level(logging.WARNING):
        coded = list(code_parallel(articles, pipeline=pipeline, n_process=2, chunk_size=2))
    assert [a.id for a, _ in coded] == [a.id for a in articles]
    got = {a.id: [e.event_id for e in events] for a, events in coded}
    assert got["bad"] == [] and expected["bad"]
    lost = {doc_id for doc_id, ids in got.items() if ids != expected[doc_id]}
    assert lost <= {"a4", "bad"}  # only the chunk (of 2) that holds the bad article
    warnings = [r.message for r in caplog.records if r.message.startswith("[W401] Article ")]
    assert lost <= {m.removeprefix("[W401] Article ").split(":")[0] for m in warnings}


def test_chunks_end_at_an_article_count_or_a_character_budget() -> None:
    """Long articles go to a worker a few at a time, short wire stories many at a time."""
    from realpolitik.distributed.local import take_chunk

    short = iter([Article(id=f"s{i}", text="x" * 100) for i in range(10)])
    assert len(take_chunk(short, 4, 10_000)) == 4  # the count ends it
    long = iter([Article(id=f"l{i}", text="x" * 3_000) for i in range(10)])
    assert [a.id for a in take_chunk(long, 8, 7_000)] == ["l0", "l1", "l2"]  # the characters
    assert [a.id for a in take_chunk(long, 8, 10)] == ["l3"]  # never empty while articles remain
    assert take_chunk(iter([]), 8, 10) == []
