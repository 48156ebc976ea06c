"""Code the clauses of a sentence into CAMEO events between resolved actors.

For each clause the coder picks the most specific lexicon pattern whose predicate, object,
particle and complement constraints hold (``matching``), takes the source actors from the subject
side and the target actors from the object or the pattern's prepositions (``arguments``), and
emits one event per (source, target) pair of different actors, with its modality, negation and
evidence (``assembly``).
"""

from __future__ import annotations

import logging

from spacy.tokens import Span, Token

from realpolitik.coder.arguments import ArgumentFinder, MentionIndex, actor_key
from realpolitik.coder.arrays import ArrayReader, string_id
from realpolitik.coder.assembly import EventBuilder
from realpolitik.coder.backoff import Backoff, clause_phrase
from realpolitik.coder.clauses import Clause, nominal_clause, sentence_clauses, verbal_clause
from realpolitik.coder.lexicon import DEFAULT_TARGET_PREPS, Lexicon, Pattern
from realpolitik.coder.matching import Match, PatternMatcher, refuses
from realpolitik.coder.modality import is_negated, modality, noun_complement_mood
from realpolitik.coder.places import Gazetteer
from realpolitik.models import Event
from realpolitik.ontology import Ontology

logger = logging.getLogger(__name__)

__all__ = ["EventCoder", "Match", "MentionIndex"]

LIGHT_PRESENCE_VERBS = frozenset({"be", "stay", "remain"})
# Roots that sports reports borrow ("defeated", "crushed", "beat"): no force between the teams.
SPORT_BLIND_ROOTS = frozenset({"15", "17", "18", "19", "20"})
# Prepositions whose gerund is what an accusation or demand is about ("accused X of funding",
# "blamed X for attacking"), unlike adjuncts that report acts ("in mediating", "by sending").
CONTENT_PREPS = frozenset({"of", "for", "over", "about", "against", "on", "from"})
_NOUN, _PROPN = string_id("NOUN"), string_id("PROPN")


class EventCoder:
    """Turn parsed sentences plus actor mentions into Events."""

    def __init__(
        self,
        lexicon: Lexicon,
        ontology: Ontology,
        *,
        min_confidence: float = 0.0,
        require_actors: bool = True,
        code_hypothetical: bool = False,
        gazetteer: Gazetteer | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.ontology = ontology
        self.backoff = backoff
        self.require_actors = require_actors
        self.code_hypothetical = code_hypothetical or not require_actors
        regions = frozenset(a.code for a in ontology.actor_codes(kind="region"))
        self.args = ArgumentFinder(lexicon, regions=regions)
        words = self.args.words
        self.patterns = PatternMatcher(lexicon, words.measure_heads, words.object_control_verbs)
        self.arrays = ArrayReader()  # the token attributes of the Doc being coded, read once
        self._sports_ids = {string_id(w) for w in words.sports_words}
        self.builder = EventBuilder(
            lexicon,
            ontology,
            min_confidence=min_confidence,
            require_actors=require_actors,
            gazetteer=gazetteer,
        )

    def match_clause(
        self,
        clause: Clause,
        index: MentionIndex,
        history: list[Match] | None = None,
        *,
        fallback: bool = False,
    ) -> Match | None:
        """Match one clause to a pattern and its actors, or return None."""
        pattern = self.patterns.match(clause, fallback=fallback)
        if pattern is None or not self._fit_subjects(clause, pattern):
            return None
        if pattern.inverse:
            sources, targets = self.args.inverse_sides(clause, index)
        elif clause.lemma in self.args.words.experiencer_verbs and (
            clause.passive or clause.objects
        ):
            sources, targets = self.args.experiencer_sides(clause, index)
        else:
            sources = self.args.inherit_subjects(clause, index)
            targets = self.args.targets(clause, pattern, index)
        mutual = (
            clause.kind == "nominal"
            or clause.lemma in self.lexicon.reciprocal_verbs
            or (pattern.code.startswith("04") and not pattern.code.startswith("045"))
        )
        if not sources and mutual:  # "accords that normalized relations between X and Y"
            parties = self.args.between_parties(clause, index)
            if len(parties) > 1:
                sources, targets = parties[:1], parties[1:]
        if not targets and clause.xcomp is not None:  # "refused to meet X"
            inner = verbal_clause(clause.xcomp)
            targets = self.args.targets(inner, pattern, index)
            targets = targets or self.args.side(inner.objects, index)
        if not targets and clause.predicate.dep_ == "advcl" and clause.predicate.tag_ == "VBG":
            governor = clause.predicate.head  # "integrating Taiwan ..., using force"
            targets = self.args.governing_recipients(governor, index) or self.args.side(
                [c for c in governor.children if c.dep_ == "dobj"], index
            )
        if not targets and history and clause.predicate.dep_ != "acl":
            anaphors = clause.objects if not pattern.inverse or clause.passive else clause.subjects
            targets = self.args.antecedent_agents(anaphors, sources, history)
        negated = is_negated(clause)
        settled = self._settle(clause, pattern, negated)
        if settled is None:
            return None
        code, mood = settled
        if (
            negated
            and not pattern.negated_code
            and refuses(clause)
            and self.patterns.refusal(pattern.code)
        ):
            negated = False  # a refusal is an event of its own (CAMEO 12), not a negation
        trigger = [clause.predicate] + [
            t for t in clause.predicate.children if t.dep_ == "prt" and t.lower_ in pattern.particle
        ]
        if pattern.objects:
            trigger += [t for t in clause.objects if t.lemma_.lower() in pattern.objects]
        return Match(clause, pattern, sources, targets, code, negated, mood, sorted(trigger))

    def _sporting(self, sent: Span) -> bool:
        """Return True for a sentence about a sports competition between national teams."""
        words = self.args.words.sports_words
        doc = sent.doc
        arrays = self.arrays(doc)
        rows = slice(sent.start, sent.end)
        if not self._sports_ids.isdisjoint(arrays.lower[rows].tolist()):
            return True
        return not words.isdisjoint(self.arrays.lowered_all(doc, arrays.lemma[rows]))

    def _settle(self, clause: Clause, pattern: Pattern, negated: bool) -> tuple[str, str] | None:
        """Return the clause's CAMEO code and modality under ``pattern``, or None for an act that
        is only possible ("could impose sanctions", "an agreement to stop"; conditional force
        stays a threat) unless ``code_hypothetical`` asks for those too."""
        words = self.args.words
        mood = noun_complement_mood(clause, words.intent_nouns, words.decision_nouns)
        mood = mood or modality(clause, self.lexicon, pattern_modality=pattern.modality)
        code = self.patterns.code(pattern, clause, negated, mood)
        if mood == "hypothetical" and not code.startswith("13") and not self.code_hypothetical:
            return None
        return code, mood

    def _pairs_actors(self, match: Match) -> bool:
        """Return True when a match has a source and a different target (always, when actors
        are not required: the sides of such matches are placeholders)."""
        if not self.require_actors:
            return True
        return any(s.actor.key != t.actor.key for s in match.sources for t in match.targets)

    def _fit_subjects(self, clause: Clause, pattern: Pattern) -> bool:
        """A delegation "is in" or "stays in" a capital: light verbs code a visit only with an
        envoy or a delegation as subject."""
        if clause.lemma not in LIGHT_PRESENCE_VERBS or not pattern.code.startswith("042"):
            return True
        nouns = self.args.words.delegation_nouns
        return any(t.lemma_.lower() in nouns for t in clause.subjects)

    def sentence_matches(
        self, sent: Span, index: MentionIndex, history: list[Match] | None = None
    ) -> list[Match]:
        """Return every matched clause of a sentence, verbal first, then event nouns."""
        matches: list[Match] = []
        handled_xcomp: set[int] = set()
        arrays = self.arrays(sent.doc)
        clauses = sentence_clauses(sent, arrays)
        by_verb = {c.predicate.i: c for c in clauses}
        for clause in clauses:
            if clause.predicate.i in handled_xcomp:
                continue
            intent = clause.lemma in self.lexicon.intent_verbs and not clause.object_control
            if intent and clause.xcomp is not None:
                inner = by_verb.get(clause.xcomp.i)
                if inner is not None and self.patterns.match(inner) is not None:
                    continue  # "pledged to send aid": code the complement as an intention
            context = (history or []) + [m for m in matches if m.sources]
            match = self.match_clause(clause, index, context)
            if match is None:
                continue
            if clause.xcomp is not None and not self._pairs_actors(match):
                pass  # "ordered his staff to delay aid": the matrix names no pair, the act does
            elif clause.xcomp is not None and match.pattern.xcomp:
                handled_xcomp.add(clause.xcomp.i)
            elif clause.xcomp is not None and clause.lemma not in self.lexicon.intent_verbs:
                handled_xcomp.add(clause.xcomp.i)  # "refused to meet": the matrix verb codes it
            matches.append(match)
        contents = self._complements(matches)
        matches = [m for m in matches if m.clause.predicate.i not in contents]
        if self.backoff is not None and (self.require_actors or not matches):
            done = {m.clause.predicate.i for m in matches} | contents | handled_xcomp
            rest = [c for c in clauses if c.predicate.i not in done]
            matches += self._modelled_matches(rest, index)
        if not matches:  # a bare statement: "X told Y ...", coded only when nothing else is
            for clause in clauses:
                match = self.match_clause(clause, index, history, fallback=True)
                if match is not None and (match.targets or not self.require_actors):
                    matches.append(match)
                    break
        used = {t.i for m in matches for t in m.trigger}
        doc, nouns = sent.doc, self.lexicon.by_noun
        pos = arrays.pos[sent.start : sent.end]
        for i in arrays.where(sent, (pos == _NOUN) | (pos == _PROPN)):
            if i not in used and self.arrays.lowered(doc, int(arrays.lemma[i])) in nouns:
                match = self._nominal_match(doc[i], index, by_verb, history)
                if match is not None:
                    matches.append(match)
        return matches

    def _modelled_matches(self, clauses: list[Clause], index: MentionIndex) -> list[Match]:
        """Code clauses that hold two actors but no pattern with the back-off classifier."""
        candidates = []
        for clause in clauses:
            if not self._model_may_code(clause):
                continue
            found = self._model_sides(clause, index)
            if found is None:
                continue
            sources, targets, (source, target) = found
            phrase = clause_phrase(clause.predicate, source, target)
            if phrase:
                candidates.append((clause, sources, targets, phrase))
        guesses = self.backoff.classify_many([c[3] for c in candidates]) if candidates else []
        matches = []
        for (clause, sources, targets, _), guess in zip(candidates, guesses, strict=True):
            if guess is not None:
                match = self._modelled_match(clause, sources, targets, guess)
                if match is not None:
                    matches.append(match)
        return matches

    def _model_sides(self, clause: Clause, index: MentionIndex) -> tuple | None:
        """Return a clause's source and target actors and the head tokens of its first pair
        (without actors required: its first subject and object words), or None."""
        preps = [t for p in DEFAULT_TARGET_PREPS for t in clause.preps.get(p, [])]
        if not self.require_actors:
            objects = clause.objects or preps
            if not clause.subjects or not objects:
                return None
            return [], [], (clause.subjects[0], objects[0])
        sources = self.args.inherit_subjects(clause, index)
        targets = self.args.side(clause.objects, index) or self.args.side(preps, index)
        pairs = [(s, t) for s in sources for t in targets if actor_key(s) != actor_key(t)]
        if not pairs:
            return None
        doc = clause.predicate.doc
        return sources, targets, (doc[pairs[0][0].head], doc[pairs[0][1].head])

    def _model_may_code(self, clause: Clause) -> bool:
        """Return True for a verbal clause no pattern codes and no statement verb heads."""
        lemma = clause.lemma
        if clause.kind != "verbal" or lemma in self.lexicon.speech_verbs:
            return False
        if lemma in self.lexicon.intent_verbs or lemma in LIGHT_PRESENCE_VERBS:
            return False
        return self.patterns.match(clause) is None

    def _modelled_match(self, clause: Clause, sources: list, targets: list, guess) -> Match | None:  # noqa: ANN001
        """Return the back-off's match for a clause, with modality and negation as patterns get."""
        if guess.inverse:
            sources, targets = targets, sources
        pattern = model_pattern(guess.code, clause.lemma)
        negated = is_negated(clause)
        settled = self._settle(clause, pattern, negated)
        if settled is None:
            return None
        code, mood = settled
        return Match(
            clause,
            pattern,
            sources,
            targets,
            code,
            negated,
            mood,
            [clause.predicate],
            confidence=guess.confidence,
            neighbours=guess.neighbours,
        )

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
            if not self._pairs_actors(match):
                continue  # "ordered his staff to delay aid": no demand between two actors
            for child in predicate.children:
                if child.dep_ in {"ccomp", "xcomp"}:
                    skip.add(child.i)
                elif child.dep_ == "prep" and child.lower_ in CONTENT_PREPS:
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
        if self._sporting(sent):  # "Sweden defeated South Korea 1-0": a game, not a fight
            matches = [m for m in matches if m.code[:2] not in SPORT_BLIND_ROOTS]
        if history is not None:
            history.extend(m for m in matches if m.sources)
        for match in matches:
            for event in self.builder.events(match, sent, index, doc_id, sentence_index, date):
                if event.event_id not in seen:
                    seen.add(event.event_id)
                    events.append(event)
        return events


def model_pattern(code: str, lemma: str) -> Pattern:
    """Return the stand-in pattern of a back-off guess (its evidence says "model")."""
    return Pattern(
        id="model",
        code=code,
        verbs=frozenset({lemma}),
        nouns=frozenset(),
        objects=frozenset(),
        prep=(),
        particle=frozenset(),
        xcomp=frozenset(),
        negated_code=None,
        modality=None,
        source_file="model",
    )
