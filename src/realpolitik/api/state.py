"""What one API app owns: its settings, read-only store connections, the coder and the limiter.

Requests run in a thread pool; each thread reads through its own read-only connection (opened
on first use), so readers never wait on one another. The coding pipeline is loaded on the
first ``POST /api/code`` and shared by all threads behind a lock (spaCy is not thread-safe).
SQLite queries made inside :meth:`ApiState.reading` stop once ``settings.api_query_ms`` have
passed since the block began.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from realpolitik.api.ratelimit import RateLimiter
from realpolitik.errors import APIError, Errors, StoreError
from realpolitik.settings import Settings
from realpolitik.store.store import Store, open_store

if TYPE_CHECKING:
    from realpolitik.actors import KnowledgeBase
    from realpolitik.pipeline import Pipeline

logger = logging.getLogger(__name__)

PROGRESS_STEPS = 2000
"""SQLite virtual-machine steps between two looks at the query clock."""


class QueryClock:
    """SQLite progress handler that interrupts a query once its deadline has passed."""

    def __init__(self) -> None:
        self.deadline = math.inf
        self.fired = False

    def __call__(self) -> int:
        if time.monotonic() > self.deadline:
            self.fired = True
            return 1
        return 0


class ApiState:
    """State owned by one app (``app.state.api``); nothing here is module-global.

    db: the store to read (default ``settings.db``)
    load_pipeline: builds the coder for ``POST /api/code`` (default ``realpolitik.load``)
    """

    def __init__(
        self,
        settings: Settings,
        *,
        db: str | None = None,
        load_pipeline: Callable[[Settings], Pipeline] | None = None,
    ) -> None:
        self.settings = settings
        self.db = db or settings.db
        self.limiter = RateLimiter(
            rate=settings.rate_limit_per_second, burst=settings.rate_limit_burst
        )
        self._load_pipeline = load_pipeline
        self._pipeline: Pipeline | None = None
        self.pipeline_lock = threading.Lock()
        self._kb: KnowledgeBase | None = None
        self._kb_lock = threading.Lock()
        self._local = threading.local()
        self._stores: list[Store] = []
        self._stores_lock = threading.Lock()

    def check(self) -> None:
        """Open the store once, so a missing or foreign database fails at start-up.

        Raises: StoreError E501, E503, E505, E506.
        """
        self.store()

    def store(self) -> Store:
        """Return this thread's read-only store connection."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db, settings=self.settings, readonly=True)
            self._local.clock = QueryClock()
            if store.backend.name == "sqlite":
                store.backend.conn.set_progress_handler(self._local.clock, PROGRESS_STEPS)
            self._local.store = store
            with self._stores_lock:
                self._stores.append(store)
        return store

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """Yield this thread's store with the query time limit armed.

        Raises: APIError E612 when a query runs past ``settings.api_query_ms``.
        """
        store = self.store()
        clock: QueryClock = self._local.clock
        clock.fired = False
        clock.deadline = time.monotonic() + self.settings.api_query_ms / 1000
        try:
            yield store
        except StoreError:
            if clock.fired:
                raise APIError(Errors.E612.format(ms=self.settings.api_query_ms)) from None
            raise
        finally:
            clock.deadline = math.inf

    def pipeline(self) -> Pipeline:
        """Return the coding pipeline, loading it on first use (call under ``pipeline_lock``)."""
        if self._pipeline is None:
            if self._load_pipeline is None:
                import realpolitik

                self._pipeline = realpolitik.load(self.settings)
            else:
                self._pipeline = self._load_pipeline(self.settings)
        return self._pipeline

    def actor_names(self, keys: list[str]) -> dict[str, str]:
        """Return the canonical name of each key that is a country of the actor knowledge base.

        The knowledge base is loaded on first use; organisation keys are their own names.
        """
        with self._kb_lock:
            if self._kb is None:
                from realpolitik.actors import load_kb

                self._kb = load_kb(self.settings)
        names = {key: self._kb.country_name(key) for key in keys}
        return {key: name for key, name in names.items() if name}

    def close(self) -> None:
        """Close every store connection the app opened."""
        with self._stores_lock:
            stores, self._stores = self._stores, []
        for store in stores:
            try:
                store.close()
            except Exception:  # a connection already closed by its thread's end
                logger.debug("store connection already closed", exc_info=True)
