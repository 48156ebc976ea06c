"""Code the clauses of a sentence into CAMEO events between resolved actors.

For each clause the coder picks the most specific lexicon pattern whose predicate, object,
particle and complement constraints hold, takes the source actors from the subject side and the
target actors from the object or the pattern's prepositions, and emits one event per
(source, target) pair of different actors, with its modality, negation and evidence.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from realpolitik.coder.attributes import event_date, find_amount, find_fatalities
from realpolitik.coder.clauses import (
    Clause,
    expand_conj,
    nominal_clause,
    sentence_clauses,
    verbal_clause,
)
from realpolitik.coder.lexicon import DEFAULT_TARGET_PREPS, Lexicon, Pattern
from realpolitik.coder.modality import is_negated, modality
from realpolitik.coder.places import Gazetteer
from realpolitik.models import Actor, Event, Evidence, Location
from realpolitik.ontology import Ontology

logger = logging.getLogger(__name__)

ACTOR_CHILD_DEPS = frozenset({"poss", "compound", "amod", "nmod", "appos", "npadvmod"})
PLACE_PREPS = frozenset({"in", "near", "at", "outside", "inside", "across", "off", "around"})
PLACE_KINDS = frozenset({"city", "capital", "country", "place", "region"})
PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC"})
RELATIVE_PRONOUN_TAGS = frozenset({"WDT", "WP"})
# Prepositions through which a non-actor noun names its actor: "the role of China", "provocations
# by the United States", "waters around Taiwan", "cities in Ukraine".
FOLLOWED_PREPS = frozenset({"of", "by", "around", "near", "off", "in", "along", "inside"})


@dataclass
class Match:
    """A clause matched to a pattern, with the actors on each side."""

    clause: Clause
    pattern: Pattern
    sources: list  # list[Mention]
    targets: list  # list[Mention]
    code: str
    negated: bool
    modality: str
    trigger: list[Token] = field(default_factory=list)


class MentionIndex:
    """Map tokens of a Doc to the actor mentions covering them."""

    def __init__(self, mentions: Iterable) -> None:
        self.by_token: dict[int, object] = {}
        for mention in mentions:
            for i in range(mention.start, mention.end):
                self.by_token[i] = mention

    def at(self, token: Token, *, places: bool = False):  # noqa: ANN201 - Mention | None
        """Return the actor mention covering ``token``; cities count only when ``places``."""
        mention = self.by_token.get(token.i)
        if mention is None or mention.actor.key is None:
            return None
        if not places and not _is_actor(mention):
            return None
        return mention

    def in_span(self, span: Span) -> list:
        seen: dict[int, object] = {}
        for i in range(span.start, span.end):
            mention = self.by_token.get(i)
            if mention is not None and _is_actor(mention):
                seen[id(mention)] = mention
        return list(seen.values())


def _is_actor(mention) -> bool:  # noqa: ANN001
    return mention.actor.key is not None and mention.kind not in PLACE_KINDS - {
        "country",
        "capital",
    }


def _actor_key(mention) -> str | None:  # noqa: ANN001
    return mention.actor.key


class EventCoder:
    """Turn parsed sentences plus actor mentions into Events."""

    def __init__(
        self,
        lexicon: Lexicon,
        ontology: Ontology,
        *,
        min_confidence: float = 0.0,
        require_actors: bool = True,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self.ontology = ontology
        self.min_confidence = min_confidence
        self.require_actors = require_actors

    # --- actors -----------------------------------------------------------------------------
    def actors_of(
        self, token: Token, index: MentionIndex, depth: int = 0, *, places: bool = False
    ) -> list:
        """Return the actor mentions a noun phrase head stands for (``places``: a city counts as
        its country, for the destinations of visits and movements)."""
        mention = index.at(token, places=places)
        if mention is not None:
            return [mention]
        if token.tag_ in RELATIVE_PRONOUN_TAGS and token.head.dep_ == "relcl":
            antecedent = index.at(token.head.head)  # "the country that ...": the noun itself
            return [antecedent] if antecedent is not None else []
        if depth > 2:
            return []
        found: list = []
        for child in token.children:
            if child.dep_ in ACTOR_CHILD_DEPS:
                for node in expand_conj(child):
                    found.extend(self.actors_of(node, index, depth + 1, places=places))
            elif child.dep_ == "prep" and child.lower_ in FOLLOWED_PREPS and not found:
                for pobj in (c for c in child.children if c.dep_ == "pobj"):
                    for node in expand_conj(pobj):
                        found.extend(self.actors_of(node, index, depth + 1, places=places))
            elif child.dep_ == "acl" and child.tag_ == "VBN" and not found:
                # "the deal brokered by the UN and Turkey": the parties behind the thing
                for agent in (c for c in child.children if c.dep_ == "agent"):
                    for pobj in (c for c in agent.children if c.dep_ == "pobj"):
                        for node in expand_conj(pobj):
                            found.extend(self.actors_of(node, index, depth + 1))
        return _unique(found)

    def _side(self, tokens: list[Token], index: MentionIndex, *, places: bool = False) -> list:
        found: list = []
        for token in tokens:
            found.extend(self.actors_of(token, index, places=places))
        return _unique(found)

    def is_violent(self, token: Token) -> bool:
        """Return True for a noun naming a violent act ("strikes", "invasion", "shelling")."""
        patterns = self.lexicon.by_noun.get(token.lemma_.lower(), [])
        return any(p.code[:2] in self.lexicon.violent_roots for p in patterns)

    def agents_of_act(self, token: Token, index: MentionIndex) -> list:
        """Return the agents of a nominal act: "Israeli strikes", "Russia's invasion"."""
        return self._side(nominal_clause(token).subjects, index)

    def _targets(self, clause: Clause, pattern: Pattern, index: MentionIndex) -> list:
        acts = [t for t in clause.objects if self.is_violent(t)] if not pattern.objects else []
        if acts and clause.kind == "verbal":  # "condemned the strikes on Yemen": the strikers
            return _unique([m for act in acts for m in self.agents_of_act(act, index)])
        if pattern.prep:
            tokens = [t for p in pattern.prep for t in clause.prep_objects(p)]
            found = self._side(tokens, index, places=True)
            if found:
                return found
        # "condemned Russia", "expelled two British diplomats", "gave Ukraine tanks"
        objects = clause.objects
        if not objects and pattern.objects:  # "pulled out of the deal brokered by X"
            objects = [
                t
                for toks in clause.preps.values()
                for t in toks
                if t.lemma_.lower() in pattern.objects
            ]
        found = self._side(objects, index)
        if found:
            return found
        if not pattern.prep:
            preps = [t for p in DEFAULT_TARGET_PREPS for t in clause.prep_objects(p)]
            found = self._side(preps, index)
            if found:
                return found
        return self._free_relative_targets(clause, index)

    def _free_relative_targets(self, clause: Clause, index: MentionIndex) -> list:
        """Read "condemned what he described as provocations by X" and "criticized the framework
        as being undermined by X": the target is X."""
        for verb in clause.preps.get("as", []):
            if verb.pos_ in {"VERB", "AUX"}:
                agents = [p for a in verb.children if a.dep_ == "agent" for p in _pobj_list(a)]
                found = self._side(agents, index)
                if found:
                    return found
        for child in clause.predicate.children:
            if child.dep_ == "ccomp" and any(t.lower_ == "what" for t in child.children):
                for prep in (c for c in child.children if c.dep_ == "prep" and c.lower_ == "as"):
                    pobjs = [c for c in prep.children if c.dep_ == "pobj"]
                    found = self._side(pobjs, index)
                    if found:
                        return found
        return []

    def _governing_recipients(self, verb: Token, index: MentionIndex) -> list:
        """Find the recipient named by the clause a participle hangs from: "X continues to be
        a military supplier to Taiwan, recently approving $567 million in aid"."""
        heads = [verb] + [c for c in verb.children if c.dep_ == "xcomp"]
        nouns = [n for h in heads for n in h.children if n.dep_ in {"attr", "dobj"}]
        nouns += [c for n in list(nouns) for c in n.children if c.dep_ == "conj"]
        pobjs = [
            p
            for n in nouns
            for prep in n.children
            if prep.dep_ == "prep" and prep.lower_ in {"to", "for"}
            for p in prep.children
            if p.dep_ == "pobj"
        ]
        return self._side(pobjs, index)

    def _inverse_sides(self, clause: Clause, index: MentionIndex) -> tuple[list, list]:
        """For "X drew criticism from Y" / "X sparked anger in Y": Y is the source, X the target."""
        experiencers: list[Token] = []
        for obj in clause.objects:
            experiencers += [c for c in obj.children if c.dep_ == "poss"]
        for prep in ("from", "in", "among", "of"):
            experiencers += clause.prep_objects(prep)
        undergoers = clause.objects if clause.passive else clause.subjects
        return self._side(experiencers, index), self._side(undergoers, index)

    # --- patterns ---------------------------------------------------------------------------
    def _object_lemmas(self, clause: Clause) -> set[str]:
        lemmas = {t.lemma_.lower() for t in clause.objects}
        for prep in ("with", "of", "for"):  # "met with rejection", "accused X of espionage"
            lemmas |= {t.lemma_.lower() for t in clause.preps.get(prep, [])}
        if not clause.objects:  # "appealed for aid", "called for a ceasefire"
            lemmas |= {t.lemma_.lower() for toks in clause.preps.values() for t in toks}
        for obj in clause.objects:  # "a new package of military aid", "$567 million in aid"
            nodes = [obj] + [c for c in obj.children if c.dep_ in {"nummod", "quantmod"}]
            for node in nodes:
                lemmas |= _modifier_lemmas(node)
                for prep in (c for c in node.children if c.dep_ == "prep"):
                    if prep.lower_ in {"of", "in", "worth"}:
                        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                            lemmas |= {pobj.lemma_.lower()} | _modifier_lemmas(pobj)
        return lemmas

    def _fits(self, clause: Clause, pattern: Pattern, objects: set[str]) -> bool:
        if pattern.particle and not (
            pattern.particle & set(clause.particles) or pattern.particle & set(clause.preps)
        ):
            return False
        if pattern.objects and not pattern.objects & objects:
            return False
        if not pattern.xcomp:
            return True
        if clause.xcomp is None:
            return False
        return "*" in pattern.xcomp or clause.xcomp.lemma_.lower() in pattern.xcomp

    def match_pattern(self, clause: Clause, *, fallback: bool = False) -> Pattern | None:
        """Return the most specific pattern whose constraints the clause meets.

        fallback: use the patterns kept for sentences that code nothing else ("X said ...")
        """
        if fallback:
            index = self.lexicon.fallback
        elif clause.kind == "nominal":
            index = self.lexicon.by_noun
        else:
            index = self.lexicon.by_verb
        candidates = index.get(clause.lemma, [])
        if not candidates:
            return None
        objects = self._object_lemmas(clause)
        for pattern in candidates:
            if self._fits(clause, pattern, objects):
                return pattern
        return None

    # --- sentences --------------------------------------------------------------------------
    def _inherit_subjects(self, clause: Clause, index: MentionIndex) -> list:
        sources = self._side(clause.subjects, index)
        if sources or clause.kind == "nominal":
            return sources
        node = clause.predicate
        for _ in range(5):  # "X said it would..." falls back to the controlling clause's subject
            if node.head.i == node.i:
                break
            node = node.head
            if node.pos_ in {"VERB", "AUX"}:
                found = self._side(verbal_clause(node).subjects, index)
                if found:
                    return found
        return []

    def _code(self, pattern: Pattern, clause: Clause, negated: bool, mood: str) -> str:
        code = pattern.negated_code if negated and pattern.negated_code else pattern.code
        if negated and not pattern.negated_code and _refuses(clause):
            code = self._refusal(code) or code
        if mood in {"intended", "hypothetical"} and pattern.modality != "intended":
            mapped = self.lexicon.intent_map.get(code) or self.lexicon.intent_map.get(code[:2])
            threat = mapped is not None and mapped.startswith("13")
            conditional = mood == "hypothetical" and _conditional(clause)
            if threat and (conditional or self._threatened(clause)):
                code = mapped  # "using force if necessary", "vowed to strike": a threat
            elif mapped and not threat and mood == "intended":
                code = mapped
        return code

    def _refusal(self, code: str) -> str | None:
        """Return the refusal code of a negated concession ("will not lift the ban": 1244)."""
        refusals = self.lexicon.negation_map
        return refusals.get(code) or refusals.get(code[:3]) or refusals.get(code[:2])

    def _threatened(self, clause: Clause) -> bool:
        """Return True when an announced act hangs from a threat verb ("vowed to strike")."""
        node = clause.predicate
        for _ in range(3):
            if node.head.i == node.i:
                return False
            node = node.head
            if node.lemma_.lower() in self.lexicon.threat_verbs:
                return True
        return False

    def _antecedent_agents(self, nouns: list[Token], sources: list, history: list[Match]) -> list:
        """Resolve "rejected such proposals" / "condemned the decision" / "actions that drew
        criticism" to the source of the most recent earlier event."""
        anaphors = []
        for token in nouns:
            relative = token.tag_ in RELATIVE_PRONOUN_TAGS and token.head.dep_ == "relcl"
            noun = token.head.head if relative else token
            determined = any(c.lower_ in self.lexicon.anaphoric_determiners for c in noun.children)
            if noun.lemma_.lower() in self.lexicon.anaphoric_nouns and (determined or relative):
                anaphors.append(noun)
        if not anaphors:
            return []
        keys = {_actor_key(m) for m in sources}
        for earlier in reversed(history):
            agents = [m for m in earlier.sources if _actor_key(m) not in keys]
            if agents:
                return agents
        return []

    def match_clause(
        self,
        clause: Clause,
        index: MentionIndex,
        history: list[Match] | None = None,
        *,
        fallback: bool = False,
    ) -> Match | None:
        """Match one clause to a pattern and its actors, or return None."""
        pattern = self.match_pattern(clause, fallback=fallback)
        if pattern is None:
            return None
        if pattern.inverse:
            sources, targets = self._inverse_sides(clause, index)
        else:
            sources = self._inherit_subjects(clause, index)
            targets = self._targets(clause, pattern, index)
        if not targets and clause.xcomp is not None:  # "refused to meet X"
            inner = verbal_clause(clause.xcomp)
            targets = self._targets(inner, pattern, index) or self._side(inner.objects, index)
        if not targets and clause.predicate.dep_ == "advcl" and clause.predicate.tag_ == "VBG":
            governor = clause.predicate.head  # "integrating Taiwan ..., using force"
            targets = self._governing_recipients(governor, index) or self._side(
                [c for c in governor.children if c.dep_ == "dobj"], index
            )
        if not targets and history:
            anaphors = clause.objects if not pattern.inverse or clause.passive else clause.subjects
            targets = self._antecedent_agents(anaphors, sources, history)
        negated = is_negated(clause)
        mood = modality(clause, self.lexicon, pattern_modality=pattern.modality)
        code = self._code(pattern, clause, negated, mood)
        if (
            negated
            and not pattern.negated_code
            and _refuses(clause)
            and self._refusal(pattern.code)
        ):
            negated = False  # a refusal is an event of its own (CAMEO 12), not a negation
        trigger = [clause.predicate] + [
            t for t in clause.predicate.children if t.dep_ == "prt" and t.lower_ in pattern.particle
        ]
        if pattern.objects:
            trigger += [t for t in clause.objects if t.lemma_.lower() in pattern.objects]
        return Match(clause, pattern, sources, targets, code, negated, mood, sorted(trigger))

    def sentence_matches(
        self, sent: Span, index: MentionIndex, history: list[Match] | None = None
    ) -> list[Match]:
        """Return every matched clause of a sentence, verbal first, then event nouns."""
        matches: list[Match] = []
        handled_xcomp: set[int] = set()
        clauses = sentence_clauses(sent)
        by_verb = {c.predicate.i: c for c in clauses}
        for clause in clauses:
            if clause.predicate.i in handled_xcomp:
                continue
            if clause.lemma in self.lexicon.intent_verbs and clause.xcomp is not None:
                inner = by_verb.get(clause.xcomp.i)
                if inner is not None and self.match_pattern(inner) is not None:
                    continue  # "pledged to send aid": code the complement as an intention
            context = (history or []) + [m for m in matches if m.sources]
            match = self.match_clause(clause, index, context)
            if match is None:
                continue
            if clause.xcomp is not None and match.pattern.xcomp:
                handled_xcomp.add(clause.xcomp.i)
            elif clause.xcomp is not None and clause.lemma not in self.lexicon.intent_verbs:
                handled_xcomp.add(clause.xcomp.i)  # "refused to meet": the matrix verb codes it
            matches.append(match)
        contents = self._complements(matches)
        matches = [m for m in matches if m.clause.predicate.i not in contents]
        if not matches:  # a bare statement: "X told Y ...", coded only when nothing else is
            for clause in clauses:
                match = self.match_clause(clause, index, history, fallback=True)
                if match is not None and (match.targets or not self.require_actors):
                    matches.append(match)
                    break
        used = {t.i for m in matches for t in m.trigger}
        for token in sent:
            if (
                token.pos_ in {"NOUN", "PROPN"}
                and token.i not in used
                and token.lemma_.lower() in self.lexicon.by_noun
            ):
                match = self._nominal_match(token, index, by_verb, history)
                if match is not None:
                    matches.append(match)
        return matches

    def _complements(self, matches: list[Match]) -> set[int]:
        """Return the verbs that are the content of a matched demand, accusation or appeal
        ("demanded that the US stop arms sales", "accused Israel of funding Hamas"): they
        did not happen and are not coded as events of their own."""
        skip: set[int] = set()
        for match in matches:
            predicate = match.clause.predicate
            lemma = predicate.lemma_.lower()
            if lemma in self.lexicon.intent_verbs or lemma in self.lexicon.speech_verbs:
                continue
            for child in predicate.children:
                if child.dep_ in {"ccomp", "xcomp"}:
                    skip.add(child.i)
                elif child.dep_ == "prep":
                    skip.update(g.i for g in child.children if g.dep_ == "pcomp")
        return skip

    def _nominal_match(
        self,
        noun: Token,
        index: MentionIndex,
        by_verb: dict[int, Clause],
        history: list[Match] | None,
    ) -> Match | None:
        """Match an event noun; in a verb's adjunct ("crossed ... in an incursion") it shares
        the verb's subject and targets."""
        clause = nominal_clause(noun)
        between = clause.preps.pop("between", [])
        if not clause.subjects and len(between) > 1:  # "talks between Israel and Hamas"
            clause.subjects = between[:1]
            clause.preps.setdefault("with", []).extend(between[1:])
        in_pp = noun.dep_ == "pobj" and noun.head.dep_ == "prep"
        governor = noun.head.head if in_pp else None
        host = by_verb.get(governor.i) if governor is not None else None
        adjunct = noun.head.lower_ in {"in", "with", "during"}
        if not clause.subjects and host is not None and adjunct:
            clause.subjects = list(host.subjects)
            for prep, tokens in host.preps.items():
                if tokens and tokens[0] is not noun:
                    clause.preps.setdefault(prep, []).extend(tokens)
        return self.match_clause(clause, index, history)

    def code_sentence(
        self,
        sent: Span,
        index: MentionIndex,
        *,
        doc_id: str,
        sentence_index: int,
        date: str | None,
        history: list[Match] | None = None,
    ) -> list[Event]:
        """Return the events of one sentence; ``history`` collects the article's matches so far."""
        events: list[Event] = []
        seen: set[str] = set()
        matches = self.sentence_matches(sent, index, history)
        if history is not None:
            history.extend(m for m in matches if m.sources)
        for match in matches:
            for event in self._events(match, sent, index, doc_id, sentence_index, date):
                if event.event_id not in seen:
                    seen.add(event.event_id)
                    events.append(event)
        return events

    # --- events -----------------------------------------------------------------------------
    def _pairs(self, match: Match) -> list[tuple]:
        pairs = []
        for source in match.sources:
            for target in match.targets:
                if _actor_key(source) != _actor_key(target):
                    pairs.append((source, target))
        reciprocal = (
            match.clause.kind == "nominal" or match.clause.lemma in self.lexicon.reciprocal_verbs
        )
        if not pairs and not match.targets and len(match.sources) > 1 and reciprocal:
            first = match.sources[0]  # "Xi and Biden met": reciprocal subjects
            pairs = [
                (first, other)
                for other in match.sources[1:]
                if _actor_key(other) != _actor_key(first)
            ]
        if not pairs and not self.require_actors:
            clause = match.clause
            sources = match.sources or [_placeholder(clause.subjects, clause.predicate)]
            targets = match.targets or [_placeholder(clause.objects, clause.predicate)]
            pairs = [(sources[0], targets[0])]
        return pairs

    def _events(
        self,
        match: Match,
        sent: Span,
        index: MentionIndex,
        doc_id: str,
        sentence_index: int,
        date: str | None,
    ) -> list[Event]:
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
        for source, target in self._pairs(match):
            confidence = self._confidence(match, source, target)
            if confidence < self.min_confidence:
                continue
            evidence = Evidence(
                pattern=match.pattern.id,
                trigger=" ".join(t.text for t in match.trigger),
                trigger_span=trigger_span,
                source_span=_char_span(doc, source),
                target_span=_char_span(doc, target),
                rule=match.clause.describe(),
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
        base = 0.6 + 0.05 * min(match.pattern.specificity, 4)
        if match.modality != "asserted":
            base -= 0.05
        base -= 0.04 * min(_embedding(match.clause.predicate), 3)  # main clauses are surer
        actor_conf = min(source.actor.confidence, target.actor.confidence)
        return round(max(0.05, min(0.99, base * (0.5 + 0.5 * actor_conf))), 3)


def _modifier_lemmas(noun: Token) -> set[str]:
    """Return the lemmas of a noun's pre-modifiers, nested ones included ("military aid
    package" gives aid and military)."""
    out: set[str] = set()
    stack = [c for c in noun.lefts if c.dep_ in {"compound", "amod", "nmod"}]
    while stack:
        token = stack.pop()
        out.add(token.lemma_.lower())
        stack.extend(c for c in token.lefts if c.dep_ in {"compound", "amod", "nmod"})
    return out


def _conditional(clause: Clause) -> bool:
    """Return True when force is announced on a condition ("using force if necessary",
    "would strike if attacked"): CAMEO codes that as a threat, unlike mere speculation."""
    conditions = (
        c for c in clause.predicate.children if c.dep_ in {"advcl", "advmod", "acomp", "dep"}
    )
    return any(
        m.dep_ == "mark" and m.lower_ in {"if", "unless"} for c in conditions for m in c.children
    )


def _pobj_list(prep: Token) -> list[Token]:
    return [n for c in prep.children if c.dep_ == "pobj" for n in expand_conj(c)]


REFUSAL_AUX = frozenset({"will", "would", "shall", "'ll", "wo", "can", "ca", "cannot"})


def _refuses(clause: Clause) -> bool:
    """Return True for a negated future or ability ("will not lift", "won't release", "cannot
    accept"): a refusal, unlike a past non-event ("did not lift")."""
    return any(c.lower_ in REFUSAL_AUX for c in clause.predicate.children if c.dep_ == "aux")


def _embedding(token: Token) -> int:
    """Count the clause boundaries between a predicate and its sentence's root."""
    depth = 0
    while token.head.i != token.i:
        if token.dep_ not in {"conj", "xcomp", "aux", "prt"}:
            depth += 1
        token = token.head
    return depth


def _clause_text(clause: Clause) -> str:
    tokens = list(clause.predicate.subtree)
    return clause.predicate.doc[tokens[0].i : tokens[-1].i + 1].text


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


def _unique(mentions: list) -> list:
    seen: set[int] = set()
    out = []
    for mention in mentions:
        if id(mention) not in seen:
            seen.add(id(mention))
            out.append(mention)
    return out
