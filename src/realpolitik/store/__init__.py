"""The event store: SQLite (WAL, default) or PostgreSQL, with maintained dyad aggregates.

``open_store(db)`` opens and migrates a store; ``ingest(...)`` streams sources through a
pipeline into it; ``export_events(...)`` writes Parquet, CSV, JSONL or GDELT 2.0 TSV;
``Database`` (``realpolitik.open``) is the analyst's handle returning DataFrames and graphs.
"""

from __future__ import annotations

import importlib
import logging

from realpolitik.store.store import EventFilter, Store, WriteStats, open_store

logger = logging.getLogger(__name__)

__all__ = [
    "Database",
    "EventFilter",
    "IngestReport",
    "Store",
    "WriteStats",
    "export_events",
    "ingest",
    "ingest_articles",
    "open_database",
    "open_store",
]


_LAZY = {
    "ingest": "ingest",
    "ingest_articles": "ingest",
    "IngestReport": "ingest",
    "export_events": "export",
    "Database": "handle",
    "open_database": "handle",
}


def __getattr__(name: str) -> object:
    # "ingest" names both a submodule and its function: import the module by its full name.
    if name not in _LAZY:
        raise AttributeError(name)
    module = importlib.import_module(f"realpolitik.store.{_LAZY[name]}")
    return getattr(module, name)
