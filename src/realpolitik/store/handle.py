"""``realpolitik.open(db)``: the analyst's handle on a store, answering in pandas and networkx.

>>> import realpolitik
>>> with realpolitik.open("realpolitik.db") as db:
...     series = db.dyad("RUS", "CHN", freq="month")
...     graph = db.network(since="2024-01")
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from realpolitik.settings import Settings
from realpolitik.store.export import FLAT_COLUMNS, export_events
from realpolitik.store.ingest import Coder, IngestReport, ingest
from realpolitik.store.store import EventFilter, Store, open_store

logger = logging.getLogger(__name__)

Day = str | date | None


class Database:
    """An open event store with analysis methods; close it or use it as a context manager."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying connection."""
        self.store.close()

    def __repr__(self) -> str:
        return f"<realpolitik.Database {self.store.label}>"

    def stats(self) -> dict[str, Any]:
        """Return counts of articles, events and dyads, and the date range."""
        return self.store.stats()

    def events(
        self,
        *,
        since: Day = None,
        until: Day = None,
        actor: str | None = None,
        source: str | None = None,
        target: str | None = None,
        root: str | None = None,
        quad_class: int | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Return the matching events, one row each (flat columns), ordered by day.

        since, until: YYYY-MM-DD, YYYY-MM or YYYY (inclusive), or dates
        actor: either side's key; source/target: that side's key (country, else org)
        """
        filt = _filter(
            since,
            until,
            actor=actor,
            source=source,
            target=target,
            root=root,
            quad_class=quad_class,
        )
        rows = list(self.store.event_rows(filt, limit=limit))
        return pd.DataFrame(rows, columns=[*FLAT_COLUMNS, "in_aggregate"])[list(FLAT_COLUMNS)]

    def dyad(
        self,
        a: str,
        b: str,
        *,
        freq: str = "month",
        since: Day = None,
        until: Day = None,
        directed: bool = True,
    ) -> pd.DataFrame:
        """Return the series of ``a → b`` (both ways unless ``directed``); see ``dyad_series``."""
        from realpolitik.analysis import dyad_series, parse_day, parse_until

        return dyad_series(
            self.store,
            a,
            b,
            freq=freq,
            since=parse_day(since, name="since"),
            until=parse_until(until),
            directed=directed,
        )

    def dyads(
        self,
        *,
        since: Day = None,
        until: Day = None,
        directed: bool = False,
        min_events: int = 1,
        limit: int | None = 50,
    ) -> pd.DataFrame:
        """Return the busiest dyads over the window with their totals and tone."""
        from realpolitik.analysis import dyad_table, parse_day, parse_until

        return dyad_table(
            self.store,
            since=parse_day(since, name="since"),
            until=parse_until(until),
            directed=directed,
            min_events=min_events,
            limit=limit,
        )

    def network(
        self,
        *,
        since: Day = None,
        until: Day = None,
        min_events: int | None = None,
        directed: bool = False,
    ) -> nx.Graph:
        """Return the alignment network over the window (edge attrs: volume, goldstein_mean...)."""
        from realpolitik.analysis import alignment_network, parse_day, parse_until

        return alignment_network(
            self.store,
            since=parse_day(since, name="since"),
            until=parse_until(until),
            min_events=min_events,
            directed=directed,
        )

    def blocs(self, *, since: Day = None, until: Day = None, min_events: int | None = None) -> Any:
        """Return the blocs of the alignment network over the window (a ``Blocs``)."""
        from realpolitik.analysis import find_blocs

        graph = self.network(since=since, until=until, min_events=min_events)
        return find_blocs(graph, max_k=self.store.settings.bloc_max_k)

    def shifts(
        self, *, since: Day = None, until: Day = None, actor: str | None = None, **options: Any
    ) -> pd.DataFrame:
        """Return the dyads' shifts against their own history; see ``detect_shifts``."""
        from realpolitik.analysis import detect_shifts, parse_day, parse_until

        return detect_shifts(
            self.store,
            since=parse_day(since, name="since"),
            until=parse_until(until),
            actor=actor,
            **options,
        )

    def ingest(
        self, sources: Iterable[str | Path], *, coder: Coder | None = None, force: bool = False
    ) -> IngestReport:
        """Read, code and store ``sources``; see ``realpolitik.store.ingest``."""
        return ingest(sources, store=self.store, coder=coder, force=force)

    def export(self, out: str | Path, *, fmt: str, since: Day = None, until: Day = None) -> int:
        """Write the window's events to ``out`` as parquet, csv, jsonl or gdelt."""
        return export_events(self.store, out, fmt=fmt, filt=_filter(since, until))


def _filter(since: Day, until: Day, **fields: Any) -> EventFilter:
    from realpolitik.analysis import parse_day, parse_until

    return EventFilter(since=parse_day(since, name="since"), until=parse_until(until), **fields)


def open_database(
    db: str | Path | None = None,
    *,
    settings: Settings | None = None,
    readonly: bool = False,
    **overrides: Any,
) -> Database:
    """Open (creating and migrating unless ``readonly``) the store ``db``.

    db: SQLite path or postgresql:// URL (default ``settings.db``)
    overrides: Settings fields, e.g. ``db_timeout=5``
    Raises: StoreError E501, E502, E503, E505, E506.
    """
    settings = settings or Settings(**overrides)
    return Database(open_store(str(db) if db else None, settings=settings, readonly=readonly))
