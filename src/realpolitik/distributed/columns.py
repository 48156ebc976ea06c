"""Spark schemas of the job's tables and the rows that fill them.

events: the Event record's fields, nested as in its JSON, plus ``day`` (the partition: the
event's date, else its article's), ``source_key``/``target_key`` (country, else org) and
``in_aggregate`` (whether it counts in the dyad aggregates, by the store's rule).
articles: one row per article read, with what cleaning dropped, its language, the article it
duplicates, and its events (exploded into the events table).
warnings: every coded warning the readers gave, with the file and record it belongs to.
"""

from __future__ import annotations

import logging
from typing import Any

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
)

from realpolitik.models import Actor, Article, Event
from realpolitik.store.outlets import outlet
from realpolitik.store.rows import event_day, in_aggregate, valid_day

logger = logging.getLogger(__name__)


def _fields(*pairs: tuple[str, Any]) -> StructType:
    return StructType([StructField(name, kind, True) for name, kind in pairs])


SPAN = ArrayType(IntegerType())
ACTOR = _fields(
    ("text", StringType()),
    ("name", StringType()),
    ("code", StringType()),
    ("country", StringType()),
    ("org", StringType()),
    ("role", StringType()),
    ("confidence", DoubleType()),
)
LOCATION = _fields(
    ("name", StringType()), ("country", StringType()), ("lat", DoubleType()), ("lon", DoubleType())
)
AMOUNT = _fields(("value", DoubleType()), ("currency", StringType()), ("text", StringType()))
EVIDENCE = _fields(
    ("pattern", StringType()),
    ("trigger", StringType()),
    ("trigger_span", SPAN),
    ("source_span", SPAN),
    ("target_span", SPAN),
    ("rule", StringType()),
)
EVENT = _fields(
    ("event_id", StringType()),
    ("doc_id", StringType()),
    ("date", StringType()),
    ("sentence_index", IntegerType()),
    ("sentence", StringType()),
    ("span", SPAN),
    ("source", ACTOR),
    ("target", ACTOR),
    ("cameo", StringType()),
    ("root", StringType()),
    ("quad_class", IntegerType()),
    ("goldstein", DoubleType()),
    ("plover", StringType()),
    ("negated", BooleanType()),
    ("modality", StringType()),
    ("location", LOCATION),
    ("amount", AMOUNT),
    ("fatalities", LongType()),
    ("confidence", DoubleType()),
    ("evidence", EVIDENCE),
    ("day", StringType()),
    ("source_key", StringType()),
    ("target_key", StringType()),
    ("in_aggregate", BooleanType()),
    ("outlet", StringType()),
    ("seen", StringType()),
)
#: Columns of the events table that are not fields of the Event record.
DERIVED = ("day", "source_key", "target_key", "in_aggregate", "outlet", "seen")
DROPPED = ArrayType(
    _fields(("line", IntegerType()), ("reason", StringType()), ("text", StringType()))
)
ARTICLE = _fields(
    ("id", StringType()),
    ("file", StringType()),
    ("record", IntegerType()),
    ("url", StringType()),
    ("title", StringType()),
    ("date", StringType()),
    ("language", StringType()),
    ("duplicate_of", StringType()),
    ("chars", LongType()),
    ("words", LongType()),
    ("dropped_lines", IntegerType()),
    ("dropped", DROPPED),
    ("coded", BooleanType()),
    ("n_events", IntegerType()),
    ("coder_version", StringType()),
    ("events", ArrayType(EVENT)),
)
CLUSTER = _fields(
    *(
        (name, kind)
        for name, kind in zip(
            (
                "cluster_id", "day", "source_key", "target_key", "root", "place", "cameo",
                "quad_class", "goldstein", "source_code", "target_code", "best_day", "best_id",
                "num_mentions", "num_sources", "num_articles", "first_seen", "last_seen",
                "confidence", "in_aggregate",
            ),
            (*[StringType()] * 7, LongType(), DoubleType(), *[StringType()] * 4,
             *[LongType()] * 3, StringType(), StringType(), DoubleType(), LongType()),
            strict=True,
        )
    )
)  # fmt: skip
"""A unique event: ``store.clusters.CLUSTER_COLUMNS``."""
LINK = _fields(
    ("event_id", StringType()), ("cluster_id", StringType()), ("cluster_day", StringType())
)
"""Each mention's unique event."""
WARNING = _fields(
    ("file", IntegerType()),
    ("record", IntegerType()),
    ("code", StringType()),
    ("message", StringType()),
)


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _span(value: list[int] | None) -> list[int] | None:
    return None if value is None else [int(v) for v in value]


def actor_row(actor: Actor) -> tuple[Any, ...]:
    """Return the ACTOR struct of ``actor``."""
    return (
        actor.text, actor.name, actor.code, actor.country, actor.org, actor.role,
        _float(actor.confidence),
    )  # fmt: skip


def event_row(event: Event, article: Article) -> tuple[Any, ...]:
    """Return the EVENT row of ``event`` coded from ``article``."""
    loc, amount, ev = event.location, event.amount, event.evidence
    day = event_day(event, article)
    return (
        event.event_id, event.doc_id, event.date, event.sentence_index, event.sentence,
        _span(event.span), actor_row(event.source), actor_row(event.target), event.cameo,
        event.root, event.quad_class, _float(event.goldstein), event.plover,
        bool(event.negated), event.modality,
        (loc.name, loc.country, _float(loc.lat), _float(loc.lon)) if loc else None,
        (_float(amount.value), amount.currency, amount.text) if amount else None,
        event.fatalities, _float(event.confidence),
        (ev.pattern, ev.trigger, _span(ev.trigger_span), _span(ev.source_span),
         _span(ev.target_span), ev.rule),
        day, event.source.key, event.target.key, in_aggregate(event, day),
        outlet(article), valid_day(article.date),
    )  # fmt: skip


def article_row(
    article: Article,
    events: list[Event],
    *,
    record: int,
    words: int,
    coded: bool,
    coder_version: str,
) -> tuple[Any, ...]:
    """Return the ARTICLE row of a coded (or skipped) article, its events included."""
    dropped = [(d.line, d.reason, d.text) for d in article.dropped]
    return (
        article.id, article.source, record, article.url, article.title, article.date,
        article.language, article.duplicate_of, len(article.text), words, len(dropped), dropped,
        coded, len(events), coder_version, [event_row(e, article) for e in events],
    )  # fmt: skip


def warning_row(file_index: int, record: int, message: str) -> tuple[Any, ...]:
    """Return the WARNING row of a coded message ('[E104] ...')."""
    code = message[1:5] if message.startswith("[") else ""
    return (file_index, record, code, message)


def event_from_row(row: dict[str, Any]) -> Event:
    """Rebuild the Event of an events-table row (``Row.asDict(recursive=True)``)."""
    data = {k: v for k, v in row.items() if k not in DERIVED}
    return Event.from_dict(data)
