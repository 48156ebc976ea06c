"""The API's coding workers: a bounded pool that codes ``POST /api/code`` texts off the request
threads, so read endpoints never wait behind a long text.

Each worker thread loads its own pipeline on first use (spaCy is not thread-safe). At most
``api_code_workers + api_code_queue`` texts are admitted at once; more are refused with 503
(E617). A request waits ``api_code_budget_ms`` for its events, then is answered 503 (E618);
its text keeps its worker until coded, so the work in flight stays bounded either way.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from realpolitik.errors import APIError, Errors
from realpolitik.settings import Settings

if TYPE_CHECKING:
    from realpolitik.models import Event
    from realpolitik.pipeline import Pipeline

logger = logging.getLogger(__name__)


class Busy(APIError):
    """A coding request refused or given up for now; ``retry_after`` is in seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _consume(future: asyncio.Future) -> None:
    """Retrieve an abandoned future's outcome so that asyncio does not report it as lost."""
    if not future.cancelled() and future.exception() is not None:
        logger.info("a text coded after its request gave up failed: %s", future.exception())


class CodingPool:
    """Worker threads with their own pipelines and an admission limit (see the module docstring).

    load_pipeline: builds one worker's pipeline (default ``realpolitik.load``)
    """

    def __init__(
        self, settings: Settings, *, load_pipeline: Callable[[Settings], Pipeline] | None = None
    ) -> None:
        self.settings = settings
        self._load = load_pipeline
        self._executor = ThreadPoolExecutor(
            max_workers=settings.api_code_workers, thread_name_prefix="rp-code"
        )
        self._local = threading.local()
        self._lock = threading.Lock()
        self.admitted = 0
        self.capacity = settings.api_code_workers + settings.api_code_queue

    def _pipeline(self) -> Pipeline:
        """Return this worker's pipeline, loading it on first use."""
        pipeline = getattr(self._local, "pipeline", None)
        if pipeline is None:
            if self._load is None:
                import realpolitik

                pipeline = realpolitik.load(self.settings)
            else:
                pipeline = self._load(self.settings)
            self._local.pipeline = pipeline
        return pipeline

    def _code(self, text: str, date: str | None, doc_id: str) -> list[Event]:
        return self._pipeline()(text, date=date, doc_id=doc_id)

    def _release(self, _: Future) -> None:
        with self._lock:
            self.admitted -= 1

    def submit(self, text: str, *, date: str | None, doc_id: str) -> Future:
        """Queue ``text`` for a worker.

        Raises: Busy E617 when ``capacity`` texts are already admitted.
        """
        with self._lock:
            if self.admitted >= self.capacity:
                seconds = max(1, math.ceil(self.settings.api_code_budget_ms / 1000))
                raise Busy(
                    Errors.E617.format(busy=self.admitted, seconds=seconds), retry_after=seconds
                )
            self.admitted += 1
        future = self._executor.submit(self._code, text, date, doc_id)
        future.add_done_callback(self._release)
        return future

    async def code(self, text: str, *, date: str | None, doc_id: str) -> list[Event]:
        """Return the events of ``text``, waiting at most ``api_code_budget_ms``.

        Raises: Busy E617 (no room), E618 (over budget); the pipeline's own errors (E201).
        """
        future = self.submit(text, date=date, doc_id=doc_id)
        budget = self.settings.api_code_budget_ms / 1000
        waited = asyncio.wrap_future(future)
        try:
            return await asyncio.wait_for(asyncio.shield(waited), budget)
        except TimeoutError:
            waited.add_done_callback(_consume)  # its late result or error goes nowhere
            seconds = max(1, math.ceil(budget))
            raise Busy(
                Errors.E618.format(ms=self.settings.api_code_budget_ms), retry_after=seconds
            ) from None

    def close(self) -> None:
        """Stop taking texts; texts being coded finish in their threads."""
        self._executor.shutdown(wait=False, cancel_futures=True)
