"""Group mentions into unique events: the linking rule, free of any database.

Mentions of one *group* (source key, target key, CAMEO root) are split by day greedily from
the earliest: an event starts at its group's earliest unassigned day and takes every mention
of the group reported for that day up to ``window`` days later; the next event starts at the
first day after that. Within one such span, mentions with different location countries are
different events; a mention without a location joins the located event with the most
mentions (ties: the smaller country code). The partition depends only on the set of mentions,
never on the order they arrived in, and an event is named by (group, first day, place).
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

logger = logging.getLogger(__name__)

MENTION_FIELDS = (
    "event_id",
    "article_id",
    "day",
    "source_key",
    "target_key",
    "root",
    "cameo",
    "quad_class",
    "goldstein",
    "source_code",
    "target_code",
    "location_country",
    "confidence",
    "outlet",
    "seen",
    "cluster_id",
    "cluster_day",
)
"""The ``events`` (mention) columns the linking rule reads, in :class:`Mention` order."""

CLUSTER_COLUMNS = (
    "cluster_id",
    "day",
    "source_key",
    "target_key",
    "root",
    "place",
    "cameo",
    "quad_class",
    "goldstein",
    "source_code",
    "target_code",
    "best_day",
    "best_id",
    "num_mentions",
    "num_sources",
    "num_articles",
    "first_seen",
    "last_seen",
    "confidence",
    "in_aggregate",
)
"""Columns of ``event_clusters``, one row per unique event."""

_ID, _ARTICLE, _DAY, _CAMEO, _SOURCE_CODE, _TARGET_CODE, _CONFIDENCE, _OUTLET, _SEEN = map(
    MENTION_FIELDS.index,
    (
        "event_id",
        "article_id",
        "day",
        "cameo",
        "source_code",
        "target_code",
        "confidence",
        "outlet",
        "seen",
    ),
)
"""Where a Mention holds what an event row of several mentions reads (by column)."""

Group = tuple[str, str, str]
"""(source key, target key, CAMEO root)."""


class Mention(NamedTuple):
    """What linking needs of one stored or pending mention (an ``events`` row)."""

    event_id: str
    article_id: str
    day: str
    source_key: str | None
    target_key: str | None
    root: str
    cameo: str
    quad_class: int
    goldstein: float | None
    source_code: str | None
    target_code: str | None
    place: str | None
    confidence: float
    outlet: str | None
    seen: str | None
    cluster_id: str | None = None
    cluster_day: str | None = None

    @property
    def group(self) -> Group:
        """The mention's (source key, target key, root)."""
        return (self.source_key or "", self.target_key or "", self.root)

    @property
    def ordinal(self) -> int:
        """The mention's day as a date ordinal."""
        return ordinal(self.day)


_ORDINALS: dict[str, int] = {}
_DAYS: dict[int, str] = {}


def ordinal(day: str) -> int:
    """Return the date ordinal of an ISO day (cached: linking converts the same few days)."""
    found = _ORDINALS.get(day)
    if found is None:
        found = _ORDINALS[day] = date.fromisoformat(day).toordinal()
    return found


def iso_day(number: int) -> str:
    """Return the ISO day of a date ordinal (cached)."""
    found = _DAYS.get(number)
    if found is None:
        found = _DAYS[number] = date.fromordinal(number).isoformat()
    return found


def cluster_id(group: Group, day: str, place: str) -> str:
    """Return the id of the event of ``group`` starting on ``day`` at ``place`` ('' for none)."""
    key = "\x1f".join((*group, day, place)).encode("utf-8")
    return "ev" + hashlib.sha1(key).hexdigest()[:18]


def spans(ordinals: Iterable[int], window: int) -> list[list[int]]:
    """Split day ordinals greedily, from the earliest, into spans of at most ``window`` + 1
    days: a span starts at the first day not yet taken and takes the days up to ``window``
    after it."""
    out: list[list[int]] = []
    for day in sorted(set(ordinals)):
        if out and day <= out[-1][0] + window:
            out[-1].append(day)
        else:
            out.append([day])
    return out


def split_places(members: Sequence[Mention]) -> dict[str, list[Mention]]:
    """Split one span's mentions by location country; placeless ones join the largest place."""
    located: dict[str, list[Mention]] = {}
    loose: list[Mention] = []
    for m in members:
        (located.setdefault(m.place, []) if m.place else loose).append(m)
    if not located:
        return {"": list(members)}
    biggest = min(located, key=lambda p: (-len(located[p]), p))
    located[biggest] = located[biggest] + loose
    return located


def _winning_code(cameos: Sequence[str]) -> str:
    """The CAMEO code most mentions give; ties go to the more specific, then the lower code."""
    first = cameos[0]
    if cameos.count(first) == len(cameos):
        return first
    return min(set(cameos), key=lambda c: (-cameos.count(c), -len(c), c))


def _actor_code(codes: Iterable[str | None]) -> str | None:
    """The most specific actor code seen (longest; then the most frequent; then the lowest)."""
    present = list(filter(None, codes))
    if not present:
        return None
    first = present[0]
    if present.count(first) == len(present):
        return first
    return min(set(present), key=lambda c: (-len(c), -present.count(c), c))


def _best(confidences: Sequence[float], ids: Sequence[str], among: Iterable[int]) -> int:
    """The index of the mention with the highest confidence (ties: the smallest mention id,
    then the first) among the indexes ``among``."""
    return min((-confidences[i], ids[i], i) for i in among)[2]


def aggregate_confidence(confidences: Iterable[float]) -> float:
    """Return 1 - prod(1 - c): the chance that at least one report is right."""
    miss = math.prod(1 - min(max(c, 0.0), 1.0) for c in sorted(confidences))
    return round(1 - miss, 4)


def cluster_row(
    cid: str, day: str, group: Group, place: str, members: Sequence[Mention], *, counted: bool
) -> tuple[Any, ...]:
    """Return the ``event_clusters`` row (CLUSTER_COLUMNS) of one event and its mentions."""
    if len(members) == 1:
        return _single_row(cid, day, group, place, members[0], counted=counted)
    columns = list(zip(*members, strict=True))
    ids, articles, cameos = columns[_ID], columns[_ARTICLE], columns[_CAMEO]
    confidences, outlets = columns[_CONFIDENCE], columns[_OUTLET]
    code = _winning_code(cameos)
    n = len(members)
    best = _best(confidences, ids, range(n))
    voice = best
    if cameos[best] != code:
        voice = _best(confidences, ids, (i for i in range(n) if cameos[i] == code))
    seen = list(filter(None, columns[_SEEN])) or [day]
    sources = len(set(outlets)) if all(outlets) else len({*map(_or, outlets, articles)})
    return (
        cid,
        day,
        group[0] or None,
        group[1] or None,
        group[2],
        place or None,
        code,
        members[voice].quad_class,
        members[voice].goldstein,
        _actor_code(columns[_SOURCE_CODE]),
        _actor_code(columns[_TARGET_CODE]),
        columns[_DAY][best],
        ids[best],
        n,
        sources,
        len(set(articles)),
        min(seen),
        max(seen),
        aggregate_confidence(confidences),
        int(counted),
    )


def _or(first: str | None, second: str) -> str:
    return first or second


def _single_row(
    cid: str, day: str, group: Group, place: str, m: Mention, *, counted: bool
) -> tuple[Any, ...]:
    """The row of an event with one mention (most events; the same values, faster)."""
    confidence = round(1 - (1 - min(max(m.confidence, 0.0), 1.0)), 4)
    return (
        cid,
        day,
        group[0] or None,
        group[1] or None,
        group[2],
        place or None,
        m.cameo,
        m.quad_class,
        m.goldstein,
        m.source_code,
        m.target_code,
        m.day,
        m.event_id,
        1,
        1,
        1,
        m.seen or day,
        m.seen or day,
        confidence,
        int(counted),
    )


def link_span(
    group: Group, first: str, members: Sequence[Mention]
) -> list[tuple[str, str, list[Mention]]]:
    """Return (event id, place, mentions) for each event of the span of ``group`` that starts
    on day ``first``; every event of a span is dated ``first``."""
    if len(members) == 1:
        place = members[0].place or ""
        return [(cluster_id(group, first, place), place, list(members))]
    return [
        (cluster_id(group, first, place), place, part)
        for place, part in sorted(split_places(members).items())
    ]


def link_group(
    group: Group, mentions: Iterable[Mention], window: int
) -> list[tuple[tuple[Any, ...], list[Mention]]]:
    """Link every counted mention of one group from scratch; return each event's row
    (CLUSTER_COLUMNS) with its mentions. The store's backfill and the Spark job use this;
    a store write reaches the same events incrementally (``linking.py``)."""
    by_day: dict[int, list[Mention]] = {}
    for m in mentions:
        by_day.setdefault(m.ordinal, []).append(m)
    out: list[tuple[tuple[Any, ...], list[Mention]]] = []
    for span in spans(by_day, window):
        members = [m for d in span for m in by_day[d]]
        first = iso_day(span[0])
        for cid, place, part in link_span(group, first, members):
            out.append((cluster_row(cid, first, group, place, part, counted=True), part))
    return out


def singleton_row(m: Mention) -> tuple[Any, ...]:
    """Return the event row of a mention that is not linked (it is its own event)."""
    return cluster_row(m.event_id, m.day, m.group, m.place or "", [m], counted=False)
