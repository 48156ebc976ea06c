"""``/api/health``, ``/api/stats`` and ``/api/actors``: is it up, what is stored, who is in it."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

import realpolitik
from realpolitik.api import queries
from realpolitik.api.routes.params import state
from realpolitik.api.state import ApiState
from realpolitik.errors import APIError, Errors

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["meta"])


@router.get("/health", summary="Liveness: the server answers and the store can be read")
def health(st: Annotated[ApiState, Depends(state)]) -> dict[str, Any]:
    """Return ``ok`` with the version and the store's label."""
    with st.reading() as store:
        store.backend.query("SELECT 1")
    return {"status": "ok", "version": realpolitik.__version__, "database": store.label}


@router.get("/stats", summary="Counts and date range of the stored events")
def stats(st: Annotated[ApiState, Depends(state)]) -> dict[str, Any]:
    """Return the numbers of articles, events and dyads, and the first and last day."""
    with st.reading() as store:
        return store.stats()


@router.get("/actors", summary="Actors in the store, searched by key or name")
def actors(
    st: Annotated[ApiState, Depends(state)],
    q: Annotated[str | None, Query(description="Part of a key or name (case-insensitive).")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
) -> dict[str, Any]:
    """Return actors (key, country name, events as either side), busiest first.

    Raises: E608 (search string too long).
    """
    most = st.settings.api_search_max_chars
    if q is not None and len(q) > most:
        raise APIError(Errors.E608.format(detail=f"q: longer than {most} characters"))
    with st.reading() as store:
        counts = queries.actor_keys(store)
    names = st.actor_names(list(counts))
    needle = (q or "").strip().lower()
    found = [
        {"key": key, "name": names.get(key), "events": n}
        for key, n in counts.items()
        if needle in key.lower() or needle in (names.get(key) or "").lower()
    ]
    found.sort(key=lambda a: (not a["key"].lower().startswith(needle), -a["events"], a["key"]))
    return {"actors": found[:limit]}
