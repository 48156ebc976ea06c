"""Code articles in several local processes, each running the whole Pipeline on its own chunks.

spaCy's ``n_process`` parallelises only the parse: the parent process still resolves actors
and codes every sentence, so with two workers three processes compete for two cores. This
runner splits the article stream into chunks instead; every worker process parses *and* codes
its chunk with its own Pipeline (the worker cache of ``worker.py``), and the parent only
forwards articles and collects events, in input order. On Linux the workers are forked after
the parent has loaded the Pipeline, so they start at once and share its memory pages.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from realpolitik.distributed.worker import keep_pipeline, settings_key, worker_pipeline
from realpolitik.errors import Warnings
from realpolitik.models import Article, Event
from realpolitik.settings import Settings

if TYPE_CHECKING:
    from realpolitik.pipeline import Pipeline

logger = logging.getLogger(__name__)


def _code_chunk(key: str, articles: list[Article], batch_size: int) -> list[list[Event]]:
    """Code one chunk in a worker process with that process's Pipeline; return each article's
    events, in order (the parent keeps the articles, so their texts do not travel back)."""
    pipeline = worker_pipeline(key)
    return [events for _, events in pipeline.pipe(articles, batch_size=batch_size)]


def release_free_memory() -> bool:
    """Collect garbage and hand the C heap's free pages back to the system (glibc only); return
    True when the heap was trimmed.

    Called before the workers are forked: each forked worker starts with the parent's resident
    pages, so what loading and reading left free would otherwise count once per process.
    """
    gc.collect()
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return False
    trim(0)
    return True


def code_parallel(
    articles: Iterable[Article],
    *,
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
    n_process: int = 2,
    chunk_size: int = 64,
    chunk_chars: int = 64_000,
) -> Iterator[tuple[Article, list[Event]]]:
    """Yield (article, events) like ``Pipeline.pipe``, coded in ``n_process`` processes.

    pipeline: an already loaded Pipeline; forked workers reuse it instead of loading their own
    chunk_size, chunk_chars: a chunk sent to a worker ends at this many articles or once its
      texts reach this many characters (16 Wikinews articles; 64 short wire stories, whose
      batches would otherwise be too small to keep spaCy's matrix products busy). The parent
      keeps 2 chunks per worker queued.
    Memory stays flat whatever the stream's length: at most ``2 * n_process`` chunks are read
    ahead, and the workers share the parent's loaded pages (spaCy model, knowledge bases, the
    back-off's ONNX session and exemplar vectors) copy-on-write. Yields the caller's own Article
    objects; only the events come back from the workers. A worker that dies costs the articles
    of the chunk that killed it (W401 each), not the run: the pool is restarted.
    """
    if pipeline is not None:
        settings, key = pipeline.settings, keep_pipeline(pipeline)
    else:
        settings = settings or Settings()
        key = settings_key(settings)
    if n_process <= 1:
        yield from worker_pipeline(key).pipe(articles)
        return
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    release_free_memory()
    context = multiprocessing.get_context(method)
    stream = iter(articles)

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(n_process, mp_context=context)

    pool = new_pool()
    pending: deque[tuple[list[Article], Future[list[list[Event]]]]] = deque()
    try:
        while True:
            while len(pending) < 2 * n_process:
                chunk = take_chunk(stream, chunk_size, chunk_chars)
                if not chunk:
                    break
                pending.append((chunk, pool.submit(_code_chunk, key, chunk, settings.batch_size)))
            if not pending:
                return
            chunk, future = pending.popleft()
            try:
                coded = future.result()
            except BrokenProcessPool:  # a worker died (killed, out of memory, a crash)
                pool, coded = _retry_alone(pool, new_pool, key, chunk, settings.batch_size)
                pending = deque(
                    (
                        c,
                        f
                        if _succeeded(f)
                        else pool.submit(_code_chunk, key, c, settings.batch_size),
                    )
                    for c, f in pending
                )
            yield from zip(chunk, coded, strict=True)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def take_chunk(stream: Iterator[Article], size: int, chars: int) -> list[Article]:
    """Return the next articles of ``stream``: at most ``size``, and no more once their texts
    hold ``chars`` characters (at least one article)."""
    chunk: list[Article] = []
    total = 0
    for article in islice(stream, size):
        chunk.append(article)
        total += len(article.text)
        if total >= chars:
            break
    return chunk


def _succeeded(future: Future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _retry_alone(
    pool: ProcessPoolExecutor,
    new_pool: Callable[[], ProcessPoolExecutor],
    key: str,
    chunk: list[Article],
    batch_size: int,
) -> tuple[ProcessPoolExecutor, list[list[Event]]]:
    """After a worker died, code the oldest queued chunk alone in a fresh pool; return the pool
    to go on with and the chunk's events (none, reported, when it kills its worker again).

    A broken pool fails every queued chunk, not only the one that killed it: coding the oldest
    alone tells which it was, so only the chunk holding the bad article is lost.
    """
    pool.shutdown(wait=True, cancel_futures=True)
    pool = new_pool()
    try:
        return pool, pool.submit(_code_chunk, key, chunk, batch_size).result()
    except BrokenProcessPool as exc:
        pool.shutdown(wait=True, cancel_futures=True)
        return new_pool(), _lost(chunk, exc)


def _lost(chunk: list[Article], exc: BaseException) -> list[list[Event]]:
    """Report the articles of a chunk that killed its worker (W401 each); return no events."""
    detail = f"worker process ended: {exc!r}"[:200]
    for article in chunk:
        logger.warning(Warnings.W401.format(doc_id=article.id, detail=detail))
    return [[] for _ in chunk]


def code_articles(
    articles: Iterable[Article], pipeline: Pipeline, *, n_process: int | None = None
) -> Iterator[tuple[Article, list[Event]]]:
    """Yield (article, events) in input order, in ``n_process`` worker processes when that is
    above 1 (default: the pipeline's ``n_process`` setting), else in this process."""
    processes = n_process or pipeline.settings.n_process
    if processes > 1:
        yield from code_parallel(articles, pipeline=pipeline, n_process=processes)
    else:
        yield from pipeline.pipe(articles)


@dataclass
class ArticleCoder:
    """A Pipeline that codes through :func:`code_articles` (what ingest needs: ``version`` and
    ``pipe``), so ``n_process`` workers serve the store too."""

    pipeline: Pipeline
    n_process: int | None = None

    @property
    def version(self) -> str:
        return self.pipeline.version

    def pipe(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
        return code_articles(articles, self.pipeline, n_process=self.n_process)
