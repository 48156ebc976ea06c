"""Match a clause to the most specific lexicon pattern and settle its CAMEO code.

A pattern fits when its particle, object and complement constraints hold; the code is then
adjusted for negation (refusals), modality (intentions map to 03x, announced force to 13x).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from spacy.tokens import Token

from realpolitik.coder.clauses import Clause, antecedent_chain, is_relative_pronoun
from realpolitik.coder.lexicon import Lexicon, Pattern

logger = logging.getLogger(__name__)


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
    confidence: float | None = None  # set by the back-off model: its calibrated probability
    neighbours: tuple[str, ...] = ()  # the back-off's nearest exemplar phrases


# Roots of attacks: announcing one ("plans to strike") is a threat, unlike announcing a
# deployment (15) or an arrest (17), which stay intentions.
ATTACK_ROOTS = frozenset({"18", "19", "20"})


class PatternMatcher:
    """Pick patterns for clauses and turn a pattern plus modality into a CAMEO code."""

    def __init__(
        self,
        lexicon: Lexicon,
        measure_heads: frozenset[str] = frozenset(),
        object_control_verbs: frozenset[str] = frozenset(),
    ) -> None:
        self.lexicon = lexicon
        self.measure_heads = measure_heads  # "cut the trade deficit": trade is not what is cut
        self.object_control_verbs = object_control_verbs  # "want": a demand only as "want X to"

    def _object_lemmas(self, clause: Clause) -> set[str]:
        """Return the lemmas an object constraint is checked against: the objects' heads and
        modifiers (the thing given, not a recipient's: "handed Soviet arms negotiators a draft"),
        the objects of "with", "of" and "for" ("provided Togo with francs of aid")."""
        things = [t for t in clause.objects if t.dep_ != "dative"] or clause.objects
        lemmas = {t.lemma_.lower() for t in clause.objects}
        for token in clause.objects:  # "a mission to guard the lanes, which X joined"
            if is_relative_pronoun(token):
                lemmas |= {n.lemma_.lower() for n in antecedent_chain(token)[0]}
        for prep in ("with", "of", "for"):  # "met with rejection", "accused X of espionage"
            lemmas |= {t.lemma_.lower() for t in clause.preps.get(prep, [])}
        if not clause.objects:  # "appealed for aid", "called for a ceasefire"
            lemmas |= {t.lemma_.lower() for toks in clause.preps.values() for t in toks}
        for obj in [*things, *clause.preps.get("with", [])]:  # "$567 million in aid"
            nodes = [obj] + [c for c in obj.children if c.dep_ in {"nummod", "quantmod"}]
            for node in nodes:
                if node.lemma_.lower() not in self.measure_heads:
                    lemmas |= _modifier_lemmas(node)
                for prep in (c for c in node.children if c.dep_ == "prep"):
                    if prep.lower_ in {"of", "in", "worth"}:
                        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                            lemmas |= {pobj.lemma_.lower()} | _modifier_lemmas(pobj)
        return lemmas

    def _fits(
        self, clause: Clause, pattern: Pattern, objects: set[str], particles: set[str]
    ) -> bool:
        """Return True when the clause meets the pattern's particle, object and complement
        constraints; particles: the clause's particles and preposition keys."""
        if pattern.particle and pattern.particle.isdisjoint(particles):
            return False
        if pattern.objects and not pattern.objects & objects:
            return False
        if not pattern.xcomp:
            return True
        if clause.xcomp is None:
            return False
        if clause.lemma in self.object_control_verbs and not clause.object_control:
            return False  # "Russia wants to improve relations" is no demand
        return "*" in pattern.xcomp or clause.xcomp.lemma_.lower() in pattern.xcomp

    def match(self, clause: Clause, *, fallback: bool = False) -> Pattern | None:
        """Return the most specific pattern whose constraints the clause meets.

        fallback: use the patterns kept for sentences that code nothing else ("X said ...")
        The answer is kept on the clause (the engine asks again for complements and back-off
        candidates); a clause is not changed once it has been matched.
        """
        if fallback in clause.patterns:
            return clause.patterns[fallback]
        found = self._match(clause, fallback=fallback)
        clause.patterns[fallback] = found
        return found

    def _match(self, clause: Clause, *, fallback: bool) -> Pattern | None:
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
        particles = {*clause.particles, *clause.preps}
        for pattern in candidates:
            if self._fits(clause, pattern, objects, particles):
                return pattern
        return None

    def code(self, pattern: Pattern, clause: Clause, negated: bool, mood: str) -> str:
        code = pattern.negated_code if negated and pattern.negated_code else pattern.code
        if negated and not pattern.negated_code and refuses(clause):
            code = self.refusal(code) or code
        if mood in {"intended", "hypothetical"} and pattern.modality != "intended":
            mapped = self.lexicon.intent_map.get(code) or self.lexicon.intent_map.get(code[:2])
            threat = mapped is not None and mapped.startswith("13")
            conditional = mood == "hypothetical" and _conditional(clause)
            announced = mood == "intended" and code[:2] in ATTACK_ROOTS  # "plans to attack"
            if threat and (conditional or announced or self._threatened(clause)):
                code = mapped  # "using force if necessary", "vowed to strike": a threat
            elif mapped and not threat and mood == "intended":
                code = mapped
        return code

    def refusal(self, code: str) -> str | None:
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


REFUSAL_AUX = frozenset({"will", "would", "shall", "'ll", "wo", "can", "ca", "cannot"})


def refuses(clause: Clause) -> bool:
    """Return True for a negated future or ability ("will not lift", "won't release", "cannot
    accept"): a refusal, unlike a past non-event ("did not lift")."""
    return any(c.lower_ in REFUSAL_AUX for c in clause.predicate.children if c.dep_ == "aux")
