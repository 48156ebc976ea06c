"""``/api/alerts``: stored alerts newest first, and ``/api/alerts/stream``, a Server-Sent Events
stream of new alerts.

The stream polls the store (so a watcher in another process feeds it): each alert is one
event, ``id:`` its sequence number, ``event: alert``, ``data:`` its JSON. A client that
reconnects with ``Last-Event-ID`` (browsers do) gets every alert stored after that id. A
comment line is sent as a heartbeat when nothing happened for ``HEARTBEAT_SECONDS``. A stream
ends when the client goes away or after ``max_seconds``, at most the ``api_stream_max_s``
setting (the client reconnects and resumes),
so a stopping server never waits on a stream for longer than that.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from realpolitik.api.routes.params import DAY_PATTERN, KEY_PATTERN, state, window
from realpolitik.api.state import ApiState
from realpolitik.errors import APIError, Errors
from realpolitik.store.alerts import Alert, last_seq, list_alerts

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["alerts"])

RULE_PATTERN = r"^(dyad_shift|first_conflict|bloc_change|volume_spike)$"
SUBJECT_PATTERN = KEY_PATTERN[:-1] + r"(>[A-Za-z0-9][A-Za-z0-9 ._&'-]{0,63})?$"
HEARTBEAT_SECONDS = 15.0
POLL_SECONDS = 1.0
STREAM_SECONDS = 300
RETRY_MS = 2000


def alert_json(alert: Alert) -> dict[str, Any]:
    """Return an alert as the API sends it."""
    return alert.to_dict()


def _cursor(value: str | None) -> int | None:
    """Parse a page cursor (an alert's ``seq``).

    Raises: APIError E603.
    """
    if value is None:
        return None
    if not value.isdigit() or len(value) > 18:
        raise APIError(Errors.E603.format(cursor=value[:80]))
    return int(value)


@router.get("/alerts", summary="Stored alerts, newest first, one page at a time")
def get_alerts(
    st: Annotated[ApiState, Depends(state)],
    rule: Annotated[str | None, Query(pattern=RULE_PATTERN, description="Only this rule.")] = None,
    subject: Annotated[
        str | None,
        Query(pattern=SUBJECT_PATTERN, description="An actor (its dyads too) or a dyad SRC>TGT."),
    ] = None,
    since: Annotated[
        str | None, Query(pattern=DAY_PATTERN, description="Alerts about periods from this day.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Alerts per page.")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=20, description="next_cursor of the previous page.")
    ] = None,
) -> dict[str, Any]:
    """Return one page of alerts (newest first) and the cursor of the next (null at the end).

    Each alert has its rule, subject, period, figures, triggering events (with evidence),
    message, creation time, webhook delivery state and ``seq`` (the stream's event id).
    Raises: E603 (bad cursor), E507 (impossible date), E608 (bad parameter).
    """
    first, _ = window(since, None)
    before = _cursor(cursor)
    with st.reading() as store:
        found = list_alerts(
            store,
            since=first.isoformat() if first else None,
            rule=rule,
            subject=subject,
            before_seq=before,
            limit=limit + 1,
        )
    page = found[:limit]
    more = len(found) > limit
    return {
        "alerts": [alert_json(a) for a in page],
        "next_cursor": str(page[-1].seq) if more and page else None,
        "limit": limit,
    }


def _sse(alert: Alert) -> str:
    """Return one alert as a Server-Sent Events message."""
    data = json.dumps(alert_json(alert), ensure_ascii=False)
    return f"id: {alert.seq}\nevent: alert\ndata: {data}\n\n"


def _start(st: ApiState, last_event_id: str | None, after: int | None) -> int:
    """Return the sequence number the stream starts after: ``Last-Event-ID``, else ``after``,
    else the newest stored alert (a new client gets only new alerts)."""
    for value in (last_event_id, None if after is None else str(after)):
        if value is not None and value.strip().isdigit():
            return int(value.strip())
    with st.reading() as store:
        return last_seq(store)


def _newer(st: ApiState, seq: int) -> list[Alert]:
    """Return the alerts stored after ``seq``, oldest first."""
    with st.reading() as store:
        return list_alerts(store, after_seq=seq, limit=100, oldest_first=True)


async def _events(
    request: Request, st: ApiState, seq: int, max_seconds: float
) -> AsyncIterator[str]:
    """Yield the stream: a retry hint, then alerts as they are stored, with heartbeats."""
    yield f"retry: {RETRY_MS}\n: realpolitik alerts after {seq}\n\n"
    stop = time.monotonic() + max_seconds
    quiet_since = time.monotonic()
    while time.monotonic() < stop:
        if await request.is_disconnected():
            return
        try:
            found = await run_in_threadpool(_newer, st, seq)
        except Exception as exc:  # a store hiccup: say so, keep the stream
            logger.warning("alert stream: reading the store failed: %s", exc)
            found = []
        for alert in found:
            seq = alert.seq
            yield _sse(alert)
            quiet_since = time.monotonic()
        if time.monotonic() - quiet_since >= HEARTBEAT_SECONDS:
            yield ": heartbeat\n\n"
            quiet_since = time.monotonic()
        await asyncio.sleep(max(0.0, min(POLL_SECONDS, stop - time.monotonic())))


@router.get("/alerts/stream", summary="New alerts as Server-Sent Events")
async def stream_alerts(
    request: Request,
    st: Annotated[ApiState, Depends(state)],
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
    after: Annotated[
        int | None, Query(ge=0, description="Start after this seq (default: only new alerts).")
    ] = None,
    max_seconds: Annotated[
        int, Query(ge=1, le=3600, description="Seconds before the stream ends (clients resume).")
    ] = STREAM_SECONDS,
) -> StreamingResponse:
    """Stream alerts as they are stored: ``id:`` the alert's seq, ``event: alert``, ``data:``
    its JSON. Resumes after ``Last-Event-ID`` (or ``after``); heartbeat comments keep proxies
    from closing a quiet stream.
    """
    seq = await run_in_threadpool(_start, st, last_event_id, after)
    return StreamingResponse(
        _events(request, st, seq, min(float(max_seconds), st.settings.api_stream_max_s)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
