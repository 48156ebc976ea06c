"""The alignment network: actors as nodes, dyads as edges weighted by mean Goldstein and volume.

An edge's ``goldstein_mean`` says how friendly the pair's events were (-10..+10), ``volume``
how many there were, and ``signed_weight = goldstein_mean * log(1 + volume)`` combines both:
the sign is the tone and the size grows with evidence, but slowly, so one busy pair does not
swamp the rest. Undirected networks add both directions of a pair.
"""

from __future__ import annotations

import logging
import math
from datetime import date
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from realpolitik.analysis.dyads import QUAD_NAMES, add_measures, aggregate_frame
from realpolitik.store.store import Store

logger = logging.getLogger(__name__)

EDGE_COLUMNS = (
    "source",
    "target",
    "volume",
    *QUAD_NAMES,
    "goldstein_mean",
    "balance",
    "signed_weight",
)


def dyad_table(
    store: Store,
    *,
    since: date | None = None,
    until: date | None = None,
    directed: bool = False,
    min_events: int = 1,
    limit: int | None = None,
    count: str = "events",
) -> pd.DataFrame:
    """Return one row per dyad with its totals over the window, busiest first.

    count: ``events`` counts unique events, ``mentions`` every report of them
    directed: keep a → b and b → a apart; else add them under the pair's sorted keys
    min_events: drop dyads with fewer events (after adding both directions)
    limit: keep only the busiest ``limit`` dyads
    """
    rows = store.dyad_totals(
        since=since, until=until, limit=limit if directed else None, count=count
    )
    frame = aggregate_frame([(s, t, None, *rest) for s, t, *rest in rows]).drop(columns="period")
    frame = frame[frame["source"] != frame["target"]]
    if not directed and len(frame):
        source, target = frame["source"].to_numpy(), frame["target"].to_numpy()
        first = source <= target
        frame["source"], frame["target"] = (
            np.where(first, source, target),
            np.where(first, target, source),
        )
        frame = frame.groupby(["source", "target"], as_index=False).sum()
    frame = frame[frame["events"] >= min_events]
    frame = add_measures(frame).rename(columns={"events": "volume"})
    frame["signed_weight"] = [
        round(g * math.log1p(v), 4) if not pd.isna(g) else 0.0
        for g, v in zip(frame["goldstein_mean"], frame["volume"], strict=True)
    ]
    frame = frame.sort_values(["volume", "source", "target"], ascending=[False, True, True])
    if limit:
        frame = frame.head(limit)
    return frame[list(EDGE_COLUMNS)].reset_index(drop=True)


def alignment_network(
    store: Store,
    *,
    since: date | None = None,
    until: date | None = None,
    min_events: int | None = None,
    directed: bool = False,
    limit: int | None = None,
    count: str = "events",
) -> nx.Graph:
    """Return the alignment network over the window as a networkx (Di)Graph.

    min_events: fewest events for an edge (default ``settings.network_min_events``)
    count: ``events`` weighs edges by unique events, ``mentions`` by every report
    Returns: edges carry EDGE_COLUMNS as attributes (``weight`` = ``goldstein_mean``); nodes
    carry ``volume``, the events on their edges.
    """
    floor = store.settings.network_min_events if min_events is None else min_events
    table = dyad_table(
        store,
        since=since,
        until=until,
        directed=directed,
        min_events=floor,
        limit=limit,
        count=count,
    )
    return graph_from_table(table, directed=directed)


def graph_from_table(table: pd.DataFrame, *, directed: bool = False) -> nx.Graph:
    """Build the network from a dyad table (``dyad_table``'s columns)."""
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    for record in table.to_dict("records"):
        attrs: dict[str, Any] = {
            k: _plain(v) for k, v in record.items() if k not in {"source", "target"}
        }
        attrs["weight"] = attrs["goldstein_mean"]
        graph.add_edge(record["source"], record["target"], **attrs)
    for node in graph.nodes:
        graph.nodes[node]["volume"] = int(graph.degree(node, weight="volume"))
    return graph


def _plain(value: Any) -> Any:
    """Return numpy scalars as Python ones and NaN as None (for JSON and GraphML)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def edges_frame(graph: nx.Graph) -> pd.DataFrame:
    """Return a graph's edges as a DataFrame with EDGE_COLUMNS."""
    rows = [{"source": a, "target": b, **d} for a, b, d in graph.edges(data=True)]
    frame = pd.DataFrame(rows, columns=[*EDGE_COLUMNS, "weight"])
    return frame[list(EDGE_COLUMNS)].sort_values(
        ["volume", "source", "target"], ascending=[False, True, True]
    )
