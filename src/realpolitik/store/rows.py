"""Map Articles and Events to table rows and back.

An event's day is its own date, else its article's, else the (UTC) day it was ingested. It
counts in the dyad aggregates when both actors have a key (country, else org), it is not
negated and its modality is not hypothetical. The flag is stored with the event
(``in_aggregate``), so re-coding subtracts exactly what was once added.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime
from functools import lru_cache
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from realpolitik.errors import Errors, StoreError
from realpolitik.models import Article, Event, Evidence
from realpolitik.sources.dates import iso_day

logger = logging.getLogger(__name__)

GRAINS: dict[str, int] = {"day": 10, "month": 7, "year": 4, "all": 0}
"""Aggregate tables (``dyad_<grain>``) and the length of their period key (ISO date prefix;
``dyad_all`` holds all-time totals under the empty period '')."""

AGG_COLUMNS = ("n_events", "n_q1", "n_q2", "n_q3", "n_q4", "goldstein_sum", "n_goldstein")
"""Aggregate columns counting mentions (every coded report)."""
EVENT_AGG_COLUMNS = (
    "ev_events",
    "ev_q1",
    "ev_q2",
    "ev_q3",
    "ev_q4",
    "ev_goldstein_sum",
    "ev_n_goldstein",
)
"""The same counts over unique events (``ev_events``, ``ev_q1``...; see ``clusters.py``)."""
ALL_AGG_COLUMNS = AGG_COLUMNS + EVENT_AGG_COLUMNS
COUNTS = ("events", "mentions")
"""What analytics count: unique events (the default) or mentions."""


def agg_columns(count: str = "events") -> tuple[str, ...]:
    """Return the aggregate columns of a view: ``events`` (unique) or ``mentions``.

    Raises: StoreError E507 for another view.
    """
    if count not in COUNTS:
        detail = f"use one of {', '.join(COUNTS)}"
        raise StoreError(Errors.E507.format(name="count", value=count, detail=detail))
    return EVENT_AGG_COLUMNS if count == "events" else AGG_COLUMNS


ARTICLE_COLUMNS = (
    "id",
    "content_hash",
    "url",
    "title",
    "date",
    "source",
    "language",
    "text",
    "dropped",
    "duplicate_of",
    "coder_version",
    "n_events",
    "ingested_at",
)

_ACTOR_FIELDS = ("key", "text", "name", "code", "country", "org", "role", "confidence")

EVENT_COLUMNS = (
    "event_id",
    "article_id",
    "doc_id",
    "day",
    "date",
    "sentence_index",
    "sentence",
    "span",
    *(f"source_{f}" for f in _ACTOR_FIELDS),
    *(f"target_{f}" for f in _ACTOR_FIELDS),
    "cameo",
    "root",
    "quad_class",
    "goldstein",
    "plover",
    "negated",
    "modality",
    "location_name",
    "location_country",
    "location_lat",
    "location_lon",
    "amount_value",
    "amount_currency",
    "amount_text",
    "fatalities",
    "confidence",
    "evidence",
    "in_aggregate",
    "outlet",
    "seen",
    "cluster_id",
    "cluster_day",
)

EVENT_SPARSE = (
    "date",
    "source_org",
    "target_org",
    "source_country",
    "target_country",
    "source_role",
    "target_role",
    "plover",
    "location_name",
    "location_country",
    "location_lat",
    "location_lon",
    "amount_value",
    "amount_currency",
    "amount_text",
    "fatalities",
)
"""Event columns often left empty (None), written as NULL literals rather than bound."""
ARTICLE_SPARSE = ("title", "language", "duplicate_of")
"""Article columns often left empty."""

HYPOTHETICAL = "hypothetical"
"""The modality of an event that does not count in the aggregates."""

Key = tuple[str, str, str]
"""(source key, target key, day)."""


def content_hash(text: str) -> str:
    """Return the sha1 of an article's whitespace-normalised text."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def valid_day(value: str | None) -> str | None:
    """Return ``value`` if it is a real YYYY-MM-DD date, else None (remembered: ingest checks
    each event's and article's date, a bulk load the same few thousand days)."""
    return _checked_day(value) if value else None


@lru_cache(maxsize=100_000)
def _checked_day(value: str) -> str | None:
    return iso_day(value)


def ingest_stamp() -> str:
    """Return the current UTC time as an ``ingested_at`` value."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def article_row(
    article: Article, *, coder_version: str | None, n_events: int, stamp: str | None = None
) -> tuple[Any, ...]:
    """Return the ``articles`` row of ``article``.

    stamp: its ``ingested_at`` (default: now; a batch passes one for all its articles)
    """
    dropped = (
        json.dumps([d.to_dict() for d in article.dropped], ensure_ascii=False)
        if article.dropped
        else "[]"
    )
    stamp = stamp or ingest_stamp()
    return (
        article.id,
        content_hash(article.text),
        article.url,
        article.title,
        article.date,
        article.source,
        article.language,
        article.text,
        dropped,
        article.duplicate_of,
        coder_version,
        n_events,
        stamp,
    )


def row_to_article(row: dict[str, Any]) -> Article:
    """Rebuild an Article from an ``articles`` row (as a column → value dict)."""
    data = {k: row[k] for k in ("id", "text", "url", "title", "date", "language", "source")}
    data["dropped"] = json.loads(row["dropped"] or "[]")
    data["duplicate_of"] = row["duplicate_of"]
    return Article.from_dict(data)


def event_day(event: Event, article: Article, *, fallback: str | None = None) -> str | None:
    """Return the day an event is counted on: its own date, else its article's, else
    ``fallback`` (the day it was ingested)."""
    return valid_day(event.date) or valid_day(article.date) or fallback


def in_aggregate(event: Event, day: str | None) -> bool:
    """Return True when ``event`` counts in the dyad aggregates (see the module docstring)."""
    return bool(
        day
        and event.source.key
        and event.target.key
        and not event.negated
        and event.modality != HYPOTHETICAL
    )


_EVIDENCE_FIELDS = tuple(f.name for f in fields(Evidence))


def _compact_encoder() -> Callable[[Any], str]:
    """Return a compact, non-ASCII-escaping JSON encoder built once (the hot path of ingest).

    ``json.JSONEncoder.encode`` builds a new C encoder on every call; this keeps one.
    """
    plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    if c_make_encoder is None:
        return plain.encode
    made = c_make_encoder(
        None, plain.default, encode_basestring, None, ":", ",", False, False, True
    )
    return lambda value: "".join(made(value, 0))


_encode = _compact_encoder()


def _json(value: Any) -> str | None:
    return None if value is None else _encode(value)


def _span(span: list[int] | None) -> str | None:
    """Return a span as JSON; the common [start, end] pair without the encoder (hot path)."""
    if span is not None and len(span) == 2:
        start, end = span
        if type(start) is int and type(end) is int:
            return f"[{start},{end}]"
    return _json(span)


_FAST_EVIDENCE = ("pattern", "trigger", "trigger_span", "source_span", "target_span", "rule")
"""The Evidence fields :func:`_evidence` writes without the encoder, in this order."""
_FAST_EVIDENCE_FITS = _EVIDENCE_FIELDS == _FAST_EVIDENCE
"""Whether Evidence still has exactly those fields (else every evidence goes to the encoder)."""


def _evidence(event: Event) -> str:
    """Return the evidence as JSON, as the compact encoder writes it: texts and [start, end]
    spans written directly (a third of the encoder's cost), anything else by the encoder."""
    ev = event.evidence
    pattern, trigger, rule = ev.pattern, ev.trigger, ev.rule
    if (
        _FAST_EVIDENCE_FITS
        and type(pattern) is str
        and type(trigger) is str
        and (rule is None or type(rule) is str)
    ):
        trigger_span, source_span, target_span = ev.trigger_span, ev.source_span, ev.target_span
        trigger_span = "null" if trigger_span is None else _span(trigger_span)
        source_span = "null" if source_span is None else _span(source_span)
        target_span = "null" if target_span is None else _span(target_span)
        return (
            f'{{"pattern":{encode_basestring(pattern)},"trigger":{encode_basestring(trigger)},'
            f'"trigger_span":{trigger_span},"source_span":{source_span},'
            f'"target_span":{target_span},'
            f'"rule":{"null" if rule is None else encode_basestring(rule)}}}'
        )
    return _encode({name: getattr(ev, name) for name in _EVIDENCE_FIELDS})


def event_row(
    event: Event,
    article: Article,
    *,
    fallback_day: str | None = None,
    outlet: str | None = None,
    seen: str | None = None,
) -> list[Any]:
    """Return the ``events`` (mention) row of ``event`` coded from ``article``, not yet linked
    to its unique event (``cluster_id``, ``cluster_day`` are None).

    fallback_day: the day of an event whose event and article carry no valid date
    outlet, seen: the article's outlet and the day it was reported
    """
    return mention_row(event, article.id, valid_day(article.date) or fallback_day, outlet, seen)


def mention_row(
    event: Event, article_id: str, base_day: str | None, outlet: str | None, seen: str | None
) -> list[Any]:
    """The row of :func:`event_row`, its article's part given: ``base_day`` is the article's
    valid day, else the fallback. A list, so that linking sets its last two values in place.

    The day is :func:`event_day`'s, with the article's part given; the aggregate flag is
    :func:`in_aggregate`.
    """
    date = event.date
    day = valid_day(date) or base_day
    loc, amt, source, target = event.location, event.amount, event.source, event.target
    counted = in_aggregate(event, day)
    return [
        event.event_id,
        article_id,
        event.doc_id,
        day,
        date,
        event.sentence_index,
        event.sentence,
        _span(event.span),
        source.key,
        source.text,
        source.name,
        source.code,
        source.country,
        source.org,
        source.role,
        source.confidence,
        target.key,
        target.text,
        target.name,
        target.code,
        target.country,
        target.org,
        target.role,
        target.confidence,
        event.cameo,
        event.root,
        event.quad_class,
        event.goldstein,
        event.plover,
        int(bool(event.negated)),
        event.modality,
        loc.name if loc else None,
        loc.country if loc else None,
        loc.lat if loc else None,
        loc.lon if loc else None,
        amt.value if amt else None,
        amt.currency if amt else None,
        amt.text if amt else None,
        event.fatalities,
        event.confidence,
        _evidence(event),
        int(counted),
        outlet,
        seen,
        None,
        None,
    ]


def _actor_dict(row: dict[str, Any], side: str) -> dict[str, Any]:
    return {f: row[f"{side}_{f}"] for f in _ACTOR_FIELDS if f != "key"}


def row_to_event(row: dict[str, Any]) -> Event:
    """Rebuild an Event from an ``events`` row (as a column → value dict)."""
    location = None
    if row["location_name"] is not None:
        location = {
            "name": row["location_name"],
            "country": row["location_country"],
            "lat": row["location_lat"],
            "lon": row["location_lon"],
        }
    amount = None
    if row["amount_value"] is not None:
        amount = {
            "value": row["amount_value"],
            "currency": row["amount_currency"],
            "text": row["amount_text"],
        }
    return Event.from_dict(
        {
            "event_id": row["event_id"],
            "doc_id": row["doc_id"],
            "date": row["date"],
            "sentence_index": row["sentence_index"],
            "sentence": row["sentence"],
            "span": json.loads(row["span"]) if row["span"] else None,
            "source": _actor_dict(row, "source"),
            "target": _actor_dict(row, "target"),
            "cameo": row["cameo"],
            "root": row["root"],
            "quad_class": row["quad_class"],
            "goldstein": row["goldstein"],
            "plover": row["plover"],
            "negated": bool(row["negated"]),
            "modality": row["modality"],
            "location": location,
            "amount": amount,
            "fatalities": row["fatalities"],
            "confidence": row["confidence"],
            "evidence": json.loads(row["evidence"]),
        }
    )
