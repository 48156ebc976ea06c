"""``/api/dyads``, ``/api/network``, ``/api/blocs``, ``/api/shifts``: analytics as JSON."""

from __future__ import annotations

import logging
import math
from datetime import date
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Query

from realpolitik.analysis import (
    alignment_network,
    detect_shifts,
    dyad_series,
    find_blocs,
    summarize,
)
from realpolitik.api import queries
from realpolitik.api.routes.events import CountQuery
from realpolitik.api.routes.params import KeyPath, KeyQuery, Since, Until, state, window
from realpolitik.api.state import ApiState
from realpolitik.errors import APIError, Errors
from realpolitik.store.store import Store

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["analysis"])

Freq = Literal["day", "week", "month"]
MinEvents = Annotated[
    int | None, Query(ge=1, le=1_000_000, description="Fewest events per edge (default: settings).")
]
Limit = Annotated[int, Query(ge=1, le=2000, description="Most edges (busiest first).")]
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30}


def _plain(value: Any) -> Any:
    """Return numpy scalars as Python values and NaN as None."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _check_span(st: ApiState, freq: str, first: date | None, last: date | None) -> None:
    """Refuse a series window of more than ``api_series_max_periods`` periods (an open end
    counts to today).

    Raises: APIError E507.
    """
    if first is None:
        return
    end = last or max(first, date.today())
    periods = ((end - first).days + 1) // PERIOD_DAYS[freq]
    limit = st.settings.api_series_max_periods
    if periods > limit:
        detail = f"{periods} {freq} periods, most {limit}: use a coarser freq or a shorter window"
        raise APIError(Errors.E507.format(name="window", value=f"{first}..{end}", detail=detail))


def _known(store: Store, *keys: str) -> None:
    """Refuse actor keys that appear in no stored dyad.

    Raises: APIError E601.
    """
    for key in keys:
        if not queries.actor_exists(store, key):
            raise APIError(Errors.E601.format(actor=key))


@router.get("/dyads/{a}/{b}/series", summary="Time series of one dyad")
def series(
    st: Annotated[ApiState, Depends(state)],
    a: KeyPath,
    b: KeyPath,
    freq: Freq = "month",
    since: Since = None,
    until: Until = None,
    directed: Annotated[bool, Query(description="Count a → b only; else both directions.")] = False,
    count: CountQuery = "events",
) -> dict[str, Any]:
    """Return the dyad's events, QuadClass counts, Goldstein mean and balance per period.

    Raises: E601 (unknown actor), E507 (impossible date, too many periods).
    """
    first, last = window(since, until)
    _check_span(st, freq, first, last)
    with st.reading() as store:
        _known(store, a, b)
        frame = dyad_series(
            store, a, b, freq=freq, since=first, until=last, directed=directed, count=count
        )
    periods = frame.reset_index()
    periods["period"] = periods["period"].dt.strftime("%Y-%m-%d")
    return {
        "source": a,
        "target": b,
        "freq": freq,
        "directed": directed,
        "count": count,
        "summary": {k: _plain(v) for k, v in summarize(frame).items()},
        "periods": _records(periods),
    }


def _network(
    st: ApiState,
    store: Store,
    since: str | None,
    until: str | None,
    min_events: int | None,
    limit: int,
    count: str = "events",
) -> tuple[Any, Any]:
    first, last = window(since, until)
    graph = alignment_network(
        store, since=first, until=last, min_events=min_events, limit=limit, count=count
    )
    return graph, find_blocs(graph, max_k=st.settings.bloc_max_k)


@router.get("/network", summary="The alignment network: actors, dyads and blocs")
def network(
    st: Annotated[ApiState, Depends(state)],
    since: Since = None,
    until: Until = None,
    min_events: MinEvents = None,
    limit: Limit = 300,
    count: CountQuery = "events",
) -> dict[str, Any]:
    """Return nodes (actors, with volume, name and bloc) and undirected edges with their tone.

    Edges carry volume, QuadClass counts, goldstein_mean, balance and signed_weight.
    """
    with st.reading() as store:
        graph, blocs = _network(st, store, since, until, min_events, limit, count)
    names = st.actor_names(list(graph.nodes))
    nodes = [
        {"id": n, "name": names.get(n), "volume": int(d.get("volume", 0)), "bloc": blocs.bloc_of(n)}
        for n, d in sorted(graph.nodes(data=True))
    ]
    edges = [
        {"source": a, "target": b, **{k: _plain(v) for k, v in d.items() if k != "weight"}}
        for a, b, d in graph.edges(data=True)
    ]
    edges.sort(key=lambda e: (-e["volume"], e["source"], e["target"]))
    return {"nodes": nodes, "edges": edges, "blocs": blocs.to_dict()}


@router.get("/blocs", summary="Blocs of actors found in the alignment network")
def blocs(
    st: Annotated[ApiState, Depends(state)],
    since: Since = None,
    until: Until = None,
    min_events: MinEvents = None,
    limit: Limit = 300,
    count: CountQuery = "events",
) -> dict[str, Any]:
    """Return the blocs (actor keys, largest first), their signed modularity and the method."""
    with st.reading() as store:
        _, found = _network(st, store, since, until, min_events, limit, count)
    return found.to_dict()


@router.get("/shifts", summary="Periods in which a dyad's tone broke from its own history")
def shifts(
    st: Annotated[ApiState, Depends(state)],
    since: Since = None,
    until: Until = None,
    actor: KeyQuery = None,
    freq: Freq | None = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Most shifts (strongest first).")] = 50,
) -> dict[str, Any]:
    """Return shifts, strongest first, each with the events that drove it.

    Raises: E507 (impossible date).
    """
    first, last = window(since, until)
    with st.reading() as store:
        frame = detect_shifts(store, since=first, until=last, actor=actor, freq=freq)
    return {"shifts": _records(frame.head(limit))}
