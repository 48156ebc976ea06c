"""What one API app owns: its settings, read-only store connections, the coder and the limiter.

Requests run in a thread pool; each thread reads through its own read-only connection (opened
on first use; only the first runs the store's integrity check), so readers never wait on one
another. Texts to code go to a separate, bounded pool of workers (``realpolitik.api.coding``),
so coding never holds a reading thread. Queries made inside :meth:`ApiState.reading` stop once
``settings.api_query_ms`` have passed since the block began: SQLite through a progress
handler, PostgreSQL through ``statement_timeout``.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from realpolitik.api.coding import CodingPool
from realpolitik.api.ratelimit import RateLimiter
from realpolitik.errors import APIError, Errors, StoreError
from realpolitik.settings import Settings
from realpolitik.store.backends import connect
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
        self.coding = CodingPool(settings, load_pipeline=load_pipeline)
        self._checked = False
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
            store = self._open()
            self._local.clock = QueryClock()
            if store.backend.name == "sqlite":
                store.backend.conn.set_progress_handler(self._local.clock, PROGRESS_STEPS)
            else:
                store.backend.execute(f"SET statement_timeout = {int(self.settings.api_query_ms)}")
            self._local.store = store
            with self._stores_lock:
                self._stores.append(store)
        return store

    def _open(self) -> Store:
        """Open a read-only store: the first fully checked, later ones (more threads) quickly."""
        if not self._checked:
            store = open_store(self.db, settings=self.settings, readonly=True)
            self._checked = True
            return store
        s = self.settings
        backend = connect(
            self.db, timeout=s.db_timeout, readonly=True, cache_mb=s.db_cache_mb,
            wal_mb=s.db_wal_mb, background_checkpoints=False, quick_check_mb=0,
        )
        return Store(backend, settings=s)

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
        except StoreError as exc:
            timed_out = exc.code == "E502" and time.monotonic() >= clock.deadline
            if clock.fired or timed_out:
                raise APIError(Errors.E612.format(ms=self.settings.api_query_ms)) from None
            raise
        finally:
            clock.deadline = math.inf

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
        """Stop the coding workers and close every store connection the app opened."""
        self.coding.close()
        with self._stores_lock:
            stores, self._stores = self._stores, []
        for store in stores:
            try:
                store.close()
            except Exception:  # a connection already closed by its thread's end
                logger.debug("store connection already closed", exc_info=True)
