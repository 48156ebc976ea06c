"""Turn stored rows and coded Events into the API's JSON: the Event record plus display helpers.

Besides the Event record of DESIGN.md, each event carries ``article_id``, ``day``, the CAMEO
label and ``marks``: where the source actor, the trigger and the target actor sit inside the
sentence (character offsets relative to the sentence), so a client can highlight them without
re-deriving offsets.
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any

from realpolitik.models import Event
from realpolitik.ontology import load_ontology
from realpolitik.store.rows import row_to_event

logger = logging.getLogger(__name__)

MARK_KINDS = ("source", "trigger", "target")


def _relative(span: Any, offset: int, length: int) -> tuple[int, int] | None:
    """Return an article-level span as offsets into the sentence, or None if it falls outside."""
    if not isinstance(span, list | tuple) or len(span) != 2:
        return None
    start, end = int(span[0]) - offset, int(span[1]) - offset
    if 0 <= start < end <= length:
        return start, end
    return None


def _find(sentence: str, needle: str | None) -> tuple[int, int] | None:
    """Return the first whole-word occurrence of ``needle`` in ``sentence``."""
    if not needle:
        return None
    found = re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", sentence)
    return (found.start(), found.end()) if found else None


def marks(event: Event) -> list[dict[str, Any]]:
    """Return the source, trigger and target spans within ``event.sentence``, in text order.

    Uses the evidence's article offsets; falls back to the first whole-word match of the
    mention's text when an offset is missing. Overlapping marks keep the earlier one.
    """
    sentence = event.sentence
    offset = event.span[0] if event.span else 0
    ev = event.evidence
    spans = {
        "source": (ev.source_span, event.source.text),
        "trigger": (ev.trigger_span, ev.trigger),
        "target": (ev.target_span, event.target.text),
    }
    found: list[tuple[int, int, str]] = []
    for kind in MARK_KINDS:
        span, text = spans[kind]
        where = _relative(span, offset, len(sentence)) or _find(sentence, text)
        if where:
            found.append((*where, kind))
    out: list[dict[str, Any]] = []
    for start, end, kind in sorted(found):
        if out and start < out[-1]["end"]:
            continue
        out.append({"kind": kind, "start": start, "end": end})
    return out


def _clean(value: Any) -> Any:
    """Replace NaN floats (not valid JSON) by None."""
    return None if isinstance(value, float) and math.isnan(value) else value


def record_dict(event: Event) -> dict[str, Any]:
    """Return ``event.to_dict()``, built field by field (``asdict`` deep-copies, which is slow)."""
    data = dict(vars(event))
    data["source"] = event.source.to_dict()
    data["target"] = event.target.to_dict()
    for name in ("location", "amount", "evidence"):
        part = data[name]
        data[name] = None if part is None else dict(vars(part))
    return data


def event_json(
    event: Event, *, article_id: str | None = None, day: str | None = None
) -> dict[str, Any]:
    """Return an Event as the API's JSON object."""
    data = record_dict(event)
    code = load_ontology().get(event.cameo)
    data["cameo_name"] = code.name if code else None
    data["article_id"] = article_id
    data["day"] = day
    data["marks"] = marks(event)
    return {k: _clean(v) for k, v in data.items()}


def row_json(row: dict[str, Any]) -> dict[str, Any]:
    """Return a stored ``events`` row as the API's JSON object."""
    return event_json(row_to_event(row), article_id=row["article_id"], day=row["day"])
