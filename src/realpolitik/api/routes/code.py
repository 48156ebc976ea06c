"""``POST /api/code``: code a pasted text with the app's pipeline and return its events."""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, field_validator

from realpolitik.api.routes.params import DAY_PATTERN, state
from realpolitik.api.serialize import event_json
from realpolitik.api.state import ApiState
from realpolitik.errors import APIError, Errors

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["code"])

LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class CodeRequest(BaseModel):
    """A text to code; nothing is stored."""

    text: str = Field(description="Article text (plain text; markup is treated as text).")
    date: str | None = Field(None, pattern=DAY_PATTERN, description="Publication date, YYYY-MM-DD.")
    doc_id: str | None = Field(None, max_length=200, description="Id used in the event ids.")

    @field_validator("text", "doc_id", mode="before")
    @classmethod
    def _no_lone_surrogates(cls, value: object) -> object:
        """Replace lone UTF-16 surrogates (``"\\ud800"`` in JSON) with U+FFFD: they cannot be
        encoded, so no text holding them can be parsed, hashed or shown."""
        return LONE_SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


@router.post("/code", summary="Code a text into events (nothing is stored)")
async def code(st: Annotated[ApiState, Depends(state)], body: CodeRequest) -> dict[str, Any]:
    """Return the events coded from ``text``, each with highlight marks.

    Coding runs on the app's coding workers, never on the threads that serve reads.
    Raises: E609 (text too long), E617 (workers busy), E618 (over the time budget), E201
    (model missing).
    """
    limit = st.settings.api_code_max_chars
    if len(body.text) > limit:
        raise APIError(Errors.E609.format(size=len(body.text), limit=limit))
    events = await st.coding.code(body.text, date=body.date, doc_id=body.doc_id or "pasted")
    return {"events": [event_json(e) for e in events], "chars": len(body.text)}
