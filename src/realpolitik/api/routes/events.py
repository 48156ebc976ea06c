"""``/api/events``: filtered, cursor-paginated events; one event with its evidence and article."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import Field

from realpolitik.api import queries
from realpolitik.api.routes.params import KEY_PATTERN, KeyQuery, Since, Until, state, window
from realpolitik.api.serialize import row_json
from realpolitik.api.state import ApiState
from realpolitik.errors import APIError, Errors
from realpolitik.store import unique
from realpolitik.store.store import Store

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["events"])

EVENT_ID_PATTERN = r"^[A-Za-z0-9:_.-]{1,64}$"
QuadClass = Annotated[int, Field(ge=1, le=4)]


def _dyad(value: str | None) -> tuple[str, str] | None:
    """Parse ``A,B`` into a pair of actor keys.

    Raises: APIError E608.
    """
    if value is None:
        return None
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise APIError(Errors.E608.format(detail=f"dyad {value!r}: expected two keys as A,B"))
    return parts[0], parts[1]


def _check_sizes(st: ApiState, *, q: str | None, limit: int) -> None:
    """Refuse a search string or a page larger than the settings allow.

    Raises: APIError E608.
    """
    s = st.settings
    if q is not None and len(q) > s.api_search_max_chars:
        detail = f"q: longer than {s.api_search_max_chars} characters"
        raise APIError(Errors.E608.format(detail=detail))
    if limit > s.page_limit:
        raise APIError(Errors.E608.format(detail=f"limit: at most {s.page_limit}"))


Dyad = Annotated[
    str | None, Query(max_length=130, description="Two keys A,B: events between them, either way.")
]
Country = Annotated[
    str | None, Query(pattern=r"^[A-Z]{3}$", description="Either side's country (ISO alpha-3).")
]
Org = Annotated[
    str | None, Query(pattern=KEY_PATTERN, description="Either side's organisation (NATO).")
]
Cameo = Annotated[
    str | None, Query(pattern=r"^\d{2,4}$", description="CAMEO code; includes the codes under it.")
]
Root = Annotated[
    str | None, Query(pattern=r"^(0[1-9]|1\d|20)$", description="CAMEO root (two digits).")
]
QuadClasses = Annotated[
    list[QuadClass] | None, Query(description="QuadClass 1-4; repeat to keep several.")
]
Text = Annotated[str | None, Query(min_length=1, description="Text the sentence must contain.")]
Limit = Annotated[int, Query(ge=1, le=100_000, description="Rows per page (at most page_limit).")]
Cursor = Annotated[
    str | None, Query(max_length=300, description="next_cursor of the previous page.")
]
CountQuery = Annotated[
    str,
    Query(
        pattern=r"^(events|mentions)$",
        description="events: unique events (default); mentions: every report of them.",
    ),
]


@router.get("/events", summary="Events matching filters, newest first, one page at a time")
def list_events(
    st: Annotated[ApiState, Depends(state)],
    actor: KeyQuery = None,
    source: KeyQuery = None,
    target: KeyQuery = None,
    dyad: Dyad = None,
    country: Country = None,
    org: Org = None,
    cameo: Cameo = None,
    root: Root = None,
    quad_class: QuadClasses = None,
    since: Since = None,
    until: Until = None,
    q: Text = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    count: CountQuery = "events",
) -> dict[str, Any]:
    """Return one page of events and the cursor of the next page (null on the last page).

    count: ``events`` lists unique events (each with ``num_mentions``, ``num_sources``,
    ``num_articles``, ``first_seen``, ``last_seen`` and its best mention's sentence);
    ``mentions`` lists every report, each with the ``cluster_id`` of its event.
    Raises: E603 (bad cursor), E507 (impossible date), E608 (bad parameter).
    """
    _check_sizes(st, q=q, limit=limit)
    first, last = window(since, until)
    query = queries.EventQuery(
        actor=actor,
        source=source,
        target=target,
        dyad=_dyad(dyad),
        country=country,
        org=org,
        cameo=cameo,
        root=root,
        quad_classes=tuple(quad_class or ()),
        since=first,
        until=last,
        text=q,
        count=count,
    )
    with st.reading() as store:
        rows, next_cursor = queries.event_page(store, query, limit=limit, cursor=cursor)
    return {
        "events": [_row(r) for r in rows],
        "next_cursor": next_cursor,
        "limit": limit,
        "count": count,
    }


def _row(row: dict[str, Any]) -> dict[str, Any]:
    """Return a mention or unique event row as JSON, with its counts or its event's id."""
    data = row_json(row)
    for name in ("mention_id", *unique.COUNT_COLUMNS, "cluster_id", "outlet"):
        if name in row:
            data[name] = row[name]
    return data


def _mention_json(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return an event's mentions with their article's title, URL and date."""
    meta = store.article_meta([r["article_id"] for r in rows])
    out = []
    for row in rows:
        info = meta.get(row["article_id"], {})
        data = _row(row)
        data["article"] = {k: info.get(k) for k in ("title", "url", "date", "source")}
        out.append(data)
    return out


@router.get("/events/{event_id}", summary="One event with its evidence and source article")
def get_event(
    st: Annotated[ApiState, Depends(state)],
    event_id: Annotated[str, Path(pattern=EVENT_ID_PATTERN)],
) -> dict[str, Any]:
    """Return the event, its evidence (with highlight marks) and the article it came from.

    A unique event's id gives its best mention's evidence and article plus ``mentions``: every
    report of it, best first. A mention's id gives that mention (its ``cluster_id`` names its
    event).
    Raises: E604 (no such event).
    """
    mentions: list[dict[str, Any]] | None = None
    with st.reading() as store:
        row = unique.find_event(store, event_id)
        if row is not None:
            mentions = _mention_json(store, unique.event_mentions(store, event_id, row["day"]))
        else:
            row = queries.event_by_id(store, event_id)
        if row is None:
            raise APIError(Errors.E604.format(event_id=event_id))
        article = store.article(row["article_id"])
    return {
        "event": _row(row),
        "mentions": mentions,
        "article": None
        if article is None
        else {
            "id": article.id,
            "title": article.title,
            "url": article.url,
            "date": article.date,
            "source": article.source,
            "language": article.language,
            "text": article.text,
        },
    }
