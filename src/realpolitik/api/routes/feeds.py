"""``/api/feeds``: the watcher's feeds with their last fetch, status, counts and schedule."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from realpolitik.api.routes.params import state
from realpolitik.api.state import ApiState
from realpolitik.store.feeds import all_feeds

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["feeds"])


@router.get("/feeds", summary="The watched feeds: last fetch, HTTP status, items seen, errors")
def feeds(st: Annotated[ApiState, Depends(state)]) -> dict[str, Any]:
    """Return every feed ``realpolitik watch`` has polled into this store, by id."""
    with st.reading() as store:
        rows = all_feeds(store)
    return {
        "feeds": [
            {
                "id": row.feed_id,
                "url": row.url,
                "every": row.every_s,
                "last_fetch": row.last_fetch,
                "last_status": row.last_status,
                "last_error": row.last_error,
                "items_seen": row.items_seen,
                "items_ingested": row.items_ingested,
                "errors": row.errors,
                "next_due": row.next_due,
                "failures": row.failures,
            }
            for row in rows
        ]
    }
