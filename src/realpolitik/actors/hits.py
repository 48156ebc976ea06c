"""Candidate spans: a knowledge-base entry (or lexicon item) chosen for each matched alias.

Pure functions over the matcher's output: which entries an alias may stand for in this text
(``fits``), which of several entries it means (``choose``), which overlapping spans stay
(``select``) and which ambiguous or bare names the article itself disambiguates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from realpolitik.actors.constructions import Reading
from realpolitik.actors.kb import Entry
from realpolitik.actors.mention import NAMED_KINDS, PLACE_KINDS, PROPER_KINDS

logger = logging.getLogger(__name__)

NAME_LABELS = ("PERSON", "ORG", "NORP", "GPE", "LOC", "FAC")
KIND_ORDER = {
    "country": 0,
    "person": 1,
    "igo": 2,
    "group": 3,
    "metonym": 4,
    "capital": 5,
    "demonym": 6,
    "city": 7,
    "agent": 8,
}


@dataclass(slots=True)
class Hit:
    """A matched span with the knowledge-base entry (or lexicon item) chosen for it.

    info: the lexicon item of a pronoun or role noun
    short: a person matched by one word (a surname)
    others: the other entries the alias may stand for
    reading: what a hyphen word makes of the name ("anti-Tokyo", "London-based")
    """

    start: int
    end: int
    kind: str
    entry: Entry | None = None
    info: Any = None
    short: bool = False
    others: tuple[Entry, ...] = ()
    reading: Reading | None = None


def fits(
    entry: Entry, capitalised: bool, ent: tuple[int, int, str] | None, start: int, end: int
) -> bool:
    if entry.kind in PROPER_KINDS and not capitalised:
        return False
    label = ent[2] if ent else ""
    if entry.needs_entity and label not in ("GPE", "LOC", "FAC"):
        return False
    one_word = end - start == 1 and entry.kind in NAMED_KINDS and not trusted(entry)
    if one_word and label not in ("PERSON" if entry.kind == "person" else NAME_LABELS):
        return False
    if (
        entry.kind in PLACE_KINDS
        and entry.kind != "demonym"
        and label == "PERSON"
        and ent[1] - ent[0] > end - start
    ):
        return False
    return not (
        entry.kind in ("capital", "city")
        and label in ("ORG", "WORK_OF_ART")
        and ent[1] - ent[0] > end - start
    )


def select(hits: list[Hit]) -> list[Hit]:
    """Keep the longest non-overlapping hits (earlier first on ties)."""
    hits.sort(key=lambda h: (h.start - h.end, h.start))
    taken: set[int] = set()
    out = []
    for h in hits:
        span = range(h.start, h.end)
        if any(i in taken for i in span):
            continue
        taken.update(span)
        out.append(h)
    out.sort(key=lambda h: h.start)
    return out


def trusted(entry: Entry) -> bool:
    """Curated and user entries may be matched by a bare surname or one-word alias."""
    return entry.source.startswith(("curated", "user"))


def disambiguate(hits: list[Hit]) -> list[Hit]:
    """Read an ambiguous alias (RSF) as the actor the article names unambiguously elsewhere."""
    named = {h.entry.id for h in hits if h.entry is not None and not h.others}
    for h in hits:
        if h.others and h.entry.id not in named:
            known = next((e for e in h.others if e.id in named), None)
            if known is not None:
                h.others = (h.entry, *(e for e in h.others if e is not known))
                h.entry, h.kind = known, known.kind
    return hits


def introduced(hits: list[Hit]) -> list[Hit]:
    """Drop a bare surname of a less known person (not curated) not named in full before it."""
    named: set[str] = set()
    out = []
    for h in hits:
        if h.kind == "person" and h.entry is not None:
            if h.short and not trusted(h.entry) and h.entry.id not in named:
                continue
            named.add(h.entry.id)
        out.append(h)
    return out


def entity_index(doc: Doc) -> dict[int, tuple[int, int, str]]:
    """Map each token inside a named entity to (entity start, entity end, label)."""
    index: dict[int, tuple[int, int, str]] = {}
    for ent in doc.ents:
        value = (ent.start, ent.end, ent.label_)
        for i in range(ent.start, ent.end):
            index[i] = value
    return index


def choose(entries: list[Entry], ent: tuple[int, int, str] | None, date: str | None) -> Entry:
    """Pick one entry for an ambiguous alias: the parser's entity type, then dates, then a
    curated entry over a converted Phoenix one ("EPA": the US agency, not a 1990s rebel group),
    then kind.
    """
    if len(entries) == 1:
        return entries[0]
    label = ent[2] if ent else ""

    def score(e: Entry) -> tuple:
        ner = (label == "PERSON") == (e.kind == "person")
        _, valid = e.role_on(date)
        return (not ner, not valid, e.source.startswith("phoenix"), KIND_ORDER.get(e.kind, 9))

    return min(entries, key=score)
