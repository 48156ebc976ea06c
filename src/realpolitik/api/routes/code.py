"""``POST /api/code``: code a pasted text with the app's pipeline and return its events."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from realpolitik.api.routes.params import DAY_PATTERN, state
from realpolitik.api.serialize import event_json
from realpolitik.api.state import ApiState
from realpolitik.errors import APIError, Errors

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["code"])


class CodeRequest(BaseModel):
    """A text to code; nothing is stored."""

    text: str = Field(description="Article text (plain text; markup is treated as text).")
    date: str | None = Field(None, pattern=DAY_PATTERN, description="Publication date, YYYY-MM-DD.")
    doc_id: str | None = Field(None, max_length=200, description="Id used in the event ids.")


@router.post("/code", summary="Code a text into events (nothing is stored)")
def code(st: Annotated[ApiState, Depends(state)], body: CodeRequest) -> dict[str, Any]:
    """Return the events coded from ``text``, each with highlight marks.

    Raises: E609 (text too long), E201 (model missing).
    """
    limit = st.settings.api_code_max_chars
    if len(body.text) > limit:
        raise APIError(Errors.E609.format(size=len(body.text), limit=limit))
    with st.pipeline_lock:
        events = st.pipeline()(body.text, date=body.date, doc_id=body.doc_id or "pasted")
    return {"events": [event_json(e) for e in events], "chars": len(body.text)}
