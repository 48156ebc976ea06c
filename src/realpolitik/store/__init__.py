"""The event store: SQLite (WAL, default) or PostgreSQL, with maintained dyad aggregates.

``open_store(db)`` opens and migrates a store; ``ingest(...)`` streams sources through a
pipeline into it; ``export_events(...)`` writes Parquet, CSV, JSONL or GDELT 2.0 TSV;
``Database`` (``realpolitik.open``) is the analyst's handle returning DataFrames and graphs.
"""

from __future__ import annotations

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


def __getattr__(name: str) -> object:
    if name in {"ingest", "ingest_articles", "IngestReport"}:
        from realpolitik.store import ingest as module
    elif name == "export_events":
        from realpolitik.store import export as module
    elif name in {"Database", "open_database"}:
        from realpolitik.store import handle as module
    else:
        raise AttributeError(name)
    return getattr(module, name)
