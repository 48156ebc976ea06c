"""Assemble Events from matched clauses: actor pairs, code facts, attributes and evidence."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from realpolitik.coder.arguments import MentionIndex, actor_key
from realpolitik.coder.attributes import event_date, find_amount, find_fatalities
from realpolitik.coder.clauses import Clause
from realpolitik.coder.lexicon import Lexicon
from realpolitik.coder.matching import Match
from realpolitik.coder.places import Gazetteer
from realpolitik.models import Actor, Event, Evidence, Location
from realpolitik.ontology import Ontology

logger = logging.getLogger(__name__)

PLACE_PREPS = frozenset({"in", "near", "at", "outside", "inside", "across", "off", "around"})
PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC"})


class EventBuilder:
    """Turn a Match into one Event per (source, target) pair of different actors."""

    def __init__(
        self,
        lexicon: Lexicon,
        ontology: Ontology,
        *,
        min_confidence: float = 0.0,
        require_actors: bool = True,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.ontology = ontology
        self.min_confidence = min_confidence
        self.require_actors = require_actors
        self.gazetteer = gazetteer

    def pairs(self, match: Match) -> list[tuple]:
        pairs = []
        for source in match.sources:
            for target in match.targets:
                if actor_key(source) != actor_key(target):
                    pairs.append((source, target))
        reciprocal = (
            match.clause.kind == "nominal"
            or match.clause.lemma in self.lexicon.reciprocal_verbs
            or all(s.kind == "pair" for s in match.sources)  # "both countries put ... on alert"
        )
        if not pairs and not match.targets and len(match.sources) > 1 and reciprocal:
            first = match.sources[0]  # "Xi and Biden met": reciprocal subjects
            pairs = [
                (first, other)
                for other in match.sources[1:]
                if actor_key(other) != actor_key(first)
            ]
        if not pairs and not self.require_actors:
            clause = match.clause
            sources = match.sources or [_placeholder(clause.subjects, clause.predicate)]
            targets = match.targets or [_placeholder(clause.objects, clause.predicate)]
            pairs = [(sources[0], targets[0])]
        return pairs

    def events(
        self,
        match: Match,
        sent: Span,
        index: MentionIndex,
        doc_id: str,
        sentence_index: int,
        date: str | None,
    ) -> list[Event]:
        """Return the match's events, one per actor pair (none when it pairs no two actors)."""
        pairs = self.pairs(match)
        if not pairs:  # most matches: the clause's facts below are read only for an event
            return []
        info = self.ontology.get(match.code) or self.ontology.event(match.pattern.code)
        location = self._location(match.clause, sent, index)
        clause_text = _clause_text(match.clause)
        amount = find_amount(clause_text)
        fatalities = find_fatalities(sent) if info.root in {"18", "19", "20"} else None
        when = event_date(sent, date)
        doc = sent.doc
        trigger_span = [match.trigger[0].idx, match.trigger[-1].idx + len(match.trigger[-1])]
        events = []
        sent_text = sent.text.rstrip()
        for source, target in pairs:
            confidence = self._confidence(match, source, target)
            if confidence < self.min_confidence:
                continue
            evidence = Evidence(
                pattern=_pattern_text(match),
                trigger=" ".join(t.text for t in match.trigger),
                trigger_span=trigger_span,
                source_span=_char_span(doc, source),
                target_span=_char_span(doc, target),
                rule="model" if match.confidence is not None else match.clause.describe(),
            )
            events.append(
                Event(
                    event_id=Event.make_id(
                        doc_id,
                        sentence_index,
                        source.actor.code or source.actor.key or source.actor.text,
                        target.actor.code or target.actor.key or target.actor.text,
                        info.code,
                    ),
                    doc_id=doc_id,
                    date=when,
                    sentence_index=sentence_index,
                    sentence=sent_text,
                    span=[sent.start_char, sent.start_char + len(sent_text)],
                    source=replace(source.actor),
                    target=replace(target.actor),
                    cameo=info.code,
                    root=info.root,
                    quad_class=info.quad_class,
                    goldstein=info.goldstein,
                    plover=info.plover_event,
                    negated=match.negated,
                    modality=match.modality,
                    location=location,
                    amount=amount,
                    fatalities=fatalities,
                    confidence=confidence,
                    evidence=evidence,
                )
            )
        return events

    def _location(self, clause: Clause, sent: Span, index: MentionIndex) -> Location | None:
        """Return where the clause's action took place: a place named after "in", "near"...,
        with its country and, for a city found in the gazetteer, its coordinates."""
        for prep in PLACE_PREPS:
            for token in clause.prep_objects(prep):
                mention = index.by_token.get(token.i)
                if mention is not None and mention.actor.country:
                    name, country = mention.actor.text, mention.actor.country
                elif token.ent_type_ in PLACE_ENTITIES:
                    name = next(
                        (e.text for e in sent.ents if e.start <= token.i < e.end), token.text
                    )
                    country = None
                else:
                    continue
                place = self.gazetteer.find(name, country=country) if self.gazetteer else None
                if place is not None and mention is not None and mention.kind == "country":
                    place = None  # a country is not located by one of its cities' coordinates
                if place is None and country is None:
                    continue
                return Location(
                    name=name,
                    country=country or place.country,
                    lat=place.lat if place else None,
                    lon=place.lon if place else None,
                )
        return None

    @staticmethod
    def _confidence(match: Match, source, target) -> float:  # noqa: ANN001
        actor_conf = min(source.actor.confidence, target.actor.confidence)
        if match.confidence is not None:  # the back-off's calibrated probability
            return round(max(0.05, min(0.99, match.confidence * (0.5 + 0.5 * actor_conf))), 3)
        base = 0.6 + 0.05 * min(match.pattern.specificity, 4)
        if match.modality != "asserted":
            base -= 0.05
        base -= 0.04 * min(_embedding(match.clause.predicate), 3)  # main clauses are surer
        return round(max(0.05, min(0.99, base * (0.5 + 0.5 * actor_conf))), 3)


def _pattern_text(match: Match) -> str:
    """Return the evidence's pattern: the lexicon id, or the back-off's nearest exemplars."""
    if match.confidence is None:
        return match.pattern.id
    return "model: like " + "; ".join(f"'{n}'" for n in match.neighbours[:3])


def _embedding(token: Token) -> int:
    """Count the clause boundaries between a predicate and its sentence's root; a relative or
    participle clause that describes a noun ("a blockade which it had imposed", "citizens held
    by X") counts twice: it is background to the sentence's news."""
    depth = 0
    while token.head.i != token.i:
        if token.dep_ in {"relcl", "acl"}:
            depth += 2
        elif token.dep_ not in {"conj", "xcomp", "aux", "prt"}:
            depth += 1
        token = token.head
    return depth


def _clause_text(clause: Clause) -> str:
    """Return the text of the predicate's subtree (its left to its right edge)."""
    predicate = clause.predicate
    return predicate.doc[predicate.left_edge.i : predicate.right_edge.i + 1].text


@dataclass
class Placeholder:
    """An unresolved side of a clause, used only when actors are not required."""

    start: int
    end: int
    head: int
    actor: Actor
    kind: str = "unresolved"


def _placeholder(tokens: list[Token], predicate: Token) -> Placeholder:
    """Stand in for a missing actor with the clause's own noun phrase (or nothing)."""
    if not tokens:
        return Placeholder(
            predicate.i, predicate.i + 1, predicate.i, Actor(text="", confidence=0.2)
        )
    head = tokens[0]
    start, end = head.left_edge.i, min(head.right_edge.i + 1, head.left_edge.i + 8)
    text = head.doc[start:end].text
    return Placeholder(start, end, head.i, Actor(text=text, confidence=0.2))


def _char_span(doc: Doc, mention) -> list[int]:  # noqa: ANN001
    span = doc[mention.start : mention.end]
    return [span.start_char, span.end_char]
