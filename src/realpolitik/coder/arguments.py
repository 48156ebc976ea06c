"""Find the actors a clause's arguments stand for: subjects, objects, prepositional targets.

The finder maps a clause's argument heads to resolved actor mentions, following possessors,
compounds, conjuncts and "of"/"by" phrases, and reads the constructions news uses to name a
target (violent acts' agents, free relatives, governing recipients, inverse verbs).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from importlib import resources

import yaml
from spacy.tokens import Token

from realpolitik.coder.clauses import (
    RELATIVE_PRONOUN_TAGS,
    Clause,
    antecedent_chain,
    expand_conj,
    is_relative_pronoun,
    nominal_clause,
    verbal_clause,
)
from realpolitik.coder.lexicon import DEFAULT_TARGET_PREPS, Lexicon, Pattern
from realpolitik.coder.mentions import PAIR, MentionIndex, actor_key

__all__ = ["ArgumentFinder", "ArgumentWords", "MentionIndex", "actor_key"]

logger = logging.getLogger(__name__)

ACTOR_CHILD_DEPS = frozenset({"poss", "compound", "amod", "nmod", "appos", "npadvmod"})
RELATIVE_TAGS = RELATIVE_PRONOUN_TAGS | {"WP$"}
# Prepositions through which a non-actor noun names its actor: "the role of China", "provocations
# by the United States", "waters around Taiwan", "cities in Ukraine".
FOLLOWED_PREPS = frozenset(
    {"of", "by", "around", "near", "off", "in", "along", "inside", "including"}
)
# Prepositions whose object names the actor of the act a noun names, followed only on the target
# side: "the fear of aggression from the United States", "an agreement between X and Y".
ACT_PREPS = frozenset({"from", "between"})
WORDS_FILE = "arguments.yaml"
ATTITUDE = "attitude"  # an actor an adjective is for or against ("anti-Pyongyang")
DEFINITE = frozenset({"the", "this", "these", "those", "such", "that"})
EARLIER_ACT_TOKENS = 120  # how far back a definite "the strikes" looks for its first naming


@dataclass(frozen=True)
class ArgumentWords:
    """Word lists of argument constructions (``coder/data/arguments.yaml``)."""

    topic_nouns: frozenset[str] = frozenset()
    agent_nouns_for: frozenset[str] = frozenset()
    experiencer_verbs: frozenset[str] = frozenset()
    directed_participles: frozenset[str] = frozenset()
    directed_preps: frozenset[str] = frozenset()
    intent_nouns: frozenset[str] = frozenset()
    decision_nouns: frozenset[str] = frozenset()
    non_actor_heads: frozenset[str] = frozenset()
    visiting_words: frozenset[str] = frozenset()
    border_nouns: frozenset[str] = frozenset()
    delegation_nouns: frozenset[str] = frozenset()
    measure_heads: frozenset[str] = frozenset()
    object_control_verbs: frozenset[str] = frozenset()
    sports_words: frozenset[str] = frozenset()

    @classmethod
    def load(cls) -> ArgumentWords:
        """Read the built-in word lists."""
        text = (resources.files("realpolitik.coder.data") / WORDS_FILE).read_text("utf-8")
        data = yaml.safe_load(text) or {}
        return cls(**{k: frozenset(w.lower() for w in v or []) for k, v in data.items()})


class ArgumentFinder:
    """Resolve the source and target sides of clauses to actor mentions."""

    def __init__(
        self,
        lexicon: Lexicon,
        words: ArgumentWords | None = None,
        regions: frozenset[str] = frozenset(),
    ) -> None:
        self.lexicon = lexicon
        self.words = words or ArgumentWords.load()
        self.regions = regions  # CAMEO region codes: "the Persian Gulf" is a place, not a party

    def actors_of(
        self,
        token: Token,
        index: MentionIndex,
        depth: int = 0,
        *,
        places: bool = False,
        acts: bool = False,
    ) -> list:
        """Return the actor mentions a noun phrase head stands for (``places``: a city counts as
        its country, for the destinations of visits and movements)."""
        pair = index.by_token.get(token.i)
        if pair is not None and pair.kind == PAIR and pair.members:  # "both countries"
            return [replace(pair, actor=member, members=()) for member in pair.members]
        mention = self._at(token, index, places=places)
        if mention is not None:
            return [mention, *self._coordinated_modifiers(token, mention, index)]
        if token.lemma_.lower() in self.words.non_actor_heads:
            # "nine billion US dollars", "in Arabic": origin, not an actor; "Taiwan's currency"
            owners = [c for c in token.children if c.dep_ == "poss"]
            return self.side(owners, index, places=places) if depth < 3 else []
        if is_relative_pronoun(token):
            antecedent = self._at(token.head.head, index)  # "the country that ...": the noun
            return [antecedent] if antecedent is not None else []
        if depth > 2:
            return []
        found: list = []
        for child in token.children:
            if child.dep_ in ACTOR_CHILD_DEPS:
                for node in expand_conj(child):
                    found.extend(
                        self.actors_of(node, index, depth + 1, places=places, acts=acts)
                    )
            elif child.dep_ == "prep" and self._followed(token, child, acts) and not found:
                for pobj in (c for c in child.children if c.dep_ == "pobj"):
                    for node in expand_conj(pobj):
                        found.extend(
                            self.actors_of(node, index, depth + 1, places=places, acts=acts)
                        )
            elif child.dep_ == "acl" and child.tag_ == "VBN" and not found:
                # "the deal brokered by the UN and Turkey": the parties behind the thing
                for agent in (c for c in child.children if c.dep_ == "agent"):
                    for pobj in (c for c in agent.children if c.dep_ == "pobj"):
                        for node in expand_conj(pobj):
                            found.extend(self.actors_of(node, index, depth + 1))
        return _unique(found)

    def _at(self, token: Token, index: MentionIndex, *, places: bool = False):  # noqa: ANN202
        """Return the actor mention at a token; a region ("the Persian Gulf") only as a place."""
        mention = index.at(token, places=places)
        if mention is not None and mention.kind == ATTITUDE:
            return None  # "anti-Pyongyang propaganda": Pyongyang is what it opposes, no party
        if mention is None or places:
            return mention
        regional = mention.actor.country is None and mention.actor.code in self.regions
        return None if regional else mention

    def _coordinated_modifiers(self, token: Token, mention, index: MentionIndex) -> list:  # noqa: ANN001
        """Return the other actors of coordinated modifiers: "Indian and Australian businessmen"
        is matched as one mention of the second; the first is an actor too."""
        found = []
        for child in token.children:
            if child.dep_ == "amod" and any(c.dep_ == "conj" for c in child.children):
                for node in expand_conj(child):
                    other = self._at(node, index)
                    if other is not None and other is not mention:
                        found.append(other)
        return found

    def _mediated_parties(
        self, objects: list[Token], pattern: Pattern, index: MentionIndex
    ) -> list:
        """Read "mediated the accords that normalized relations between X and Y": a mediator's
        targets are the parties listed anywhere in what it mediated."""
        if not pattern.code.startswith("045"):
            return []
        tokens = [
            p
            for obj in objects
            for t in obj.subtree
            if t.dep_ == "prep" and t.lower_ in {"between", "among"}
            for p in _pobj_list(t)
        ]
        return self.side(tokens, index)

    def _content_targets(self, clause: Clause, pattern: Pattern, index: MentionIndex) -> list:
        """Read "admitted its forces had shot down a Ukrainian jet", "denied that it attacked
        X": the target of an admission or denial is the target of the act it is about."""
        if not pattern.code.startswith(("015", "016")):
            return []
        tokens = []
        for child in clause.predicate.children:
            if child.dep_ == "ccomp" and child.pos_ in {"VERB", "AUX"}:
                inner = verbal_clause(child)
                tokens += inner.objects + [
                    t for p in self.words.directed_preps for t in inner.prep_objects(p)
                ]
        return self.side(tokens, index)

    def _earlier_act_targets(self, clause: Clause, pattern: Pattern, index: MentionIndex) -> list:
        """Read "... rocket attacks on the US embassy. The strikes were carried out by X": an
        attack named again with a definite article keeps the target it was first named with."""
        if pattern.code[:2] not in self.lexicon.violent_roots or clause.kind != "verbal":
            return []
        acts = [
            t
            for t in clause.objects
            if self.is_violent(t) and any(c.lower_ in DEFINITE for c in t.children)
        ]
        if not acts:
            return []
        doc = clause.predicate.doc
        first = doc[acts[0].i].sent.start
        window = max(0, first - EARLIER_ACT_TOKENS)
        for token in reversed(doc[window : acts[0].i]):
            if token.pos_ == "NOUN" and self.is_violent(token):
                preps = [c for c in token.children if c.dep_ == "prep"]
                pobjs = [
                    p for c in preps if c.lower_ in self.words.directed_preps for p in _pobj_list(c)
                ]
                found = self.side(pobjs, index, places=True)
                if found:
                    return found
        return []

    def _hosts(self, clause: Clause, index: MentionIndex) -> list:
        """Read "X told a visiting Chilean delegation": the visitors' host is who received them."""
        predicate = clause.predicate
        if predicate.dep_ != "amod" or predicate.lower_ not in self.words.visiting_words:
            return []
        return self._holders(clause.predicate.head, index)

    def _holders(self, noun: Token, index: MentionIndex) -> list:
        """Return who holds an event a participle describes: "X and Y held a press conference
        discussing ...": the subjects of the verb whose object the noun is."""
        governor = noun.head.head if noun.dep_ == "pobj" else noun.head
        if noun.dep_ not in {"dobj", "pobj", "attr", "dative"}:
            return []
        if governor.pos_ not in {"VERB", "AUX"}:
            return []
        return self.side(verbal_clause(governor).subjects, index)

    def _followed(self, noun: Token, prep: Token, acts: bool) -> bool:
        """Return True when a noun's prepositional phrase names the noun's actor."""
        word = prep.lower_
        if word in FOLLOWED_PREPS:
            return True
        if word == "for":  # "a spokesman for the PMF"
            return noun.lemma_.lower() in self.words.agent_nouns_for
        if word == "with":  # "troops along the border with Ukraine"
            return noun.lemma_.lower() in self.words.border_nouns
        return acts and word in ACT_PREPS

    def side(
        self, tokens: list[Token], index: MentionIndex, *, places: bool = False, acts: bool = False
    ) -> list:
        """Return the actors a list of argument heads stands for (``acts``: also the actors of
        the acts they name, through "from" and "between")."""
        found: list = []
        for token in tokens:
            found.extend(self.actors_of(token, index, places=places, acts=acts))
        return _unique(found)

    def is_violent(self, token: Token) -> bool:
        """Return True for a noun naming a violent act ("strikes", "invasion", "shelling")."""
        patterns = self.lexicon.by_noun.get(token.lemma_.lower(), [])
        return any(p.code[:2] in self.lexicon.violent_roots for p in patterns)

    def agents_of_act(self, token: Token, index: MentionIndex) -> list:
        """Return the agents of a nominal act: "Israeli strikes", "Russia's invasion"."""
        return self.side(nominal_clause(token).subjects, index)

    def targets(self, clause: Clause, pattern: Pattern, index: MentionIndex) -> list:
        """Return the target actors of a matched clause, trying the constructions news uses in
        order: the agents of a condemned violent act, the pattern's prepositions, the objects
        (and the actors of the acts they name), the owner of a relative pronoun's antecedent,
        where a thing was aimed, the common target prepositions, the subject of a demand's
        content, free relatives."""
        acts = [t for t in clause.objects if self.is_violent(t)] if not pattern.objects else []
        if acts and clause.kind == "verbal":  # "condemned the strikes on Yemen": the strikers
            agents = _unique([m for act in acts for m in self.agents_of_act(act, index)])
            if not agents and not clause.passive:  # "the invasion of X by Y", "by" on the verb
                agents = self.side(clause.preps.get("by", []), index)
            return agents
        objects = self._target_objects(clause, pattern)
        if pattern.prep:
            tokens = [t for p in pattern.prep for t in clause.prep_objects(p)]
            # "expelled the Libyan ambassador to Greece": a phrase inside an object that is an
            # actor itself describes that actor, it does not name the target
            named = [m for m in (self._at(o, index) for o in objects) if m is not None]
            if named and any(_under(t, objects) for t in tokens):
                return _unique(named)
            found = self.side(tokens, index, places=True)
            if found:
                return found
        # "condemned Russia", "expelled two British diplomats", "gave Ukraine tanks"
        finders = (
            lambda: self._mediated_parties(objects, pattern, index),
            lambda: self.side(objects, index, acts=True),
            lambda: self._antecedent_owners(objects, index),
            lambda: self._earlier_act_targets(clause, pattern, index),
            lambda: self._directed_targets(objects, index),
            lambda: self._default_prep_targets(clause, pattern, index),
            lambda: self._content_subjects(clause, pattern, index),
            lambda: self._content_targets(clause, pattern, index),
            lambda: self._hosts(clause, index),
            lambda: self._free_relative_targets(clause, index),
        )
        for finder in finders:
            found = finder()
            if found:
                return found
        return []

    def _target_objects(self, clause: Clause, pattern: Pattern) -> list[Token]:
        """Return the objects that may name the target; a consultation's topic does not
        ("discussed Libya-Turkey relations": Libya and Turkey were discussed, not met)."""
        objects = clause.objects
        if not objects and pattern.objects:  # "pulled out of the deal brokered by X"
            objects = [
                t
                for toks in clause.preps.values()
                for t in toks
                if t.lemma_.lower() in pattern.objects
            ]
        if pattern.code.startswith("04"):
            objects = [t for t in objects if t.lemma_.lower() not in self.words.topic_nouns]
        return objects

    def _default_prep_targets(self, clause: Clause, pattern: Pattern, index: MentionIndex) -> list:
        if pattern.prep:
            return []
        preps = [t for p in DEFAULT_TARGET_PREPS for t in clause.prep_objects(p)]
        if pattern.code.startswith("04"):
            preps = [t for t in preps if t.lemma_.lower() not in self.words.topic_nouns]
        return self.side(preps, index)

    def _antecedent_owners(self, objects: list[Token], index: MentionIndex) -> list:
        """Read "a policy of turning boats away, which the UN has criticised": the target is
        the antecedent's actor, else whoever holds the thing the antecedent sits in."""
        for token in objects:
            if not is_relative_pronoun(token):
                continue
            nouns, holder = antecedent_chain(token)
            for noun in nouns:
                found = self.actors_of(noun, index)
                if found:
                    return found
            if holder is not None:
                return self.side(verbal_clause(holder).subjects, index)
        return []

    def _directed_targets(self, objects: list[Token], index: MentionIndex) -> list:
        """Read "fired rounds aimed at a loudspeaker in X", "aid slated for X": where the
        object was directed."""
        things = [*objects]  # "$400 million in aid that was slated for X": the aid too
        things += [
            p for o in objects for c in o.children if c.dep_ == "prep" for p in _pobj_list(c)
        ]
        tokens = [
            pobj
            for obj in things
            for part in obj.children
            if part.dep_ in {"acl", "relcl"}
            and part.lemma_.lower() in self.words.directed_participles
            for prep in part.children
            if prep.dep_ == "prep" and prep.lower_ in self.words.directed_preps
            for pobj in _pobj_list(prep)
        ]
        return self.side(tokens, index, places=True)

    def _content_subjects(self, clause: Clause, pattern: Pattern, index: MentionIndex) -> list:
        """Read "recommended the US troops withdraw", "demanded that Israel stop": the target of
        an appeal or demand is the subject of what it asks for."""
        if pattern.code[:2] not in {"02", "10"}:
            return []
        subjects = [
            s
            for c in clause.predicate.children
            if c.dep_ in {"ccomp", "xcomp"}
            for s in c.children
            if s.dep_ in {"nsubj", "nsubjpass"}
        ]
        return self.side(subjects, index)

    def _free_relative_targets(self, clause: Clause, index: MentionIndex) -> list:
        """Read "condemned what he described as provocations by X" and "criticized the framework
        as being undermined by X": the target is X."""
        for verb in clause.preps.get("as", []):
            if verb.pos_ in {"VERB", "AUX"}:
                agents = [p for a in verb.children if a.dep_ == "agent" for p in _pobj_list(a)]
                found = self.side(agents, index)
                if found:
                    return found
        for child in clause.predicate.children:
            if child.dep_ == "ccomp" and any(t.lower_ == "what" for t in child.children):
                for prep in (c for c in child.children if c.dep_ == "prep" and c.lower_ == "as"):
                    pobjs = [c for c in prep.children if c.dep_ == "pobj"]
                    found = self.side(pobjs, index)
                    if found:
                        return found
        return []

    def governing_recipients(self, verb: Token, index: MentionIndex) -> list:
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
        return self.side(pobjs, index)

    def experiencer_sides(self, clause: Clause, index: MentionIndex) -> tuple[list, list]:
        """For "X was angered by Y's decision" / "Y's move dismayed X": X reacts to Y."""
        experiencers = self.side(clause.objects, index)
        causes = self.side(clause.subjects, index, acts=True)
        return experiencers, causes

    def between_parties(self, clause: Clause, index: MentionIndex) -> list:
        """Return the actors listed after "between" in the clause or its objects."""
        tokens = list(clause.prep_objects("between"))
        for obj in clause.objects:
            tokens += [p for c in obj.children if c.dep_ == "prep" and c.lower_ == "between"
                       for p in _pobj_list(c)]
        return self.side(tokens, index)

    def inverse_sides(self, clause: Clause, index: MentionIndex) -> tuple[list, list]:
        """For "X drew criticism from Y" / "X sparked anger in Y": Y is the source, X the target."""
        experiencers: list[Token] = []
        for obj in clause.objects:
            experiencers += [c for c in obj.children if c.dep_ == "poss"]
        for prep in ("from", "in", "among", "of"):
            experiencers += clause.prep_objects(prep)
        undergoers = clause.objects if clause.passive else clause.subjects
        return self.side(experiencers, index), self.side(undergoers, index)

    def inherit_subjects(self, clause: Clause, index: MentionIndex) -> list:
        """Return the source actors: the clause's own subjects, else (only when it has no subject
        at all and is not a passive without agent) those of the clause controlling it."""
        sources = self.side(clause.subjects, index)
        if not sources and clause.relation == "acl" and clause.predicate.tag_ == "VBG":
            return self._holders(clause.predicate.head, index)
        explicit = [t for t in clause.subjects if t.pos_ != "PRON" or t.tag_ in RELATIVE_TAGS]
        if sources or clause.kind == "nominal" or explicit or clause.passive:
            return sources  # "we" in a quote unresolved: the speaker's clause decides below
        node = clause.predicate
        for _ in range(5):  # "X said it would..." falls back to the controlling clause's subject
            if node.head.i == node.i:
                break
            node = node.head
            if node.pos_ in {"VERB", "AUX"}:
                found = self.side(verbal_clause(node).subjects, index)
                if found:
                    return found
        return []

    def antecedent_agents(self, nouns: list[Token], sources: list, history: list) -> list:
        """Resolve "rejected such proposals" / "condemned the decision" / "actions that drew
        criticism" to the source of the most recent earlier event."""
        anaphors = []
        for token in nouns:
            relative = is_relative_pronoun(token)
            noun = token.head.head if relative else token
            determined = any(c.lower_ in self.lexicon.anaphoric_determiners for c in noun.children)
            if noun.lemma_.lower() in self.lexicon.anaphoric_nouns and (determined or relative):
                anaphors.append(noun)
        if not anaphors:
            return []
        keys = {actor_key(m) for m in sources}
        for earlier in reversed(history):
            agents = [m for m in earlier.sources if actor_key(m) not in keys]
            if agents:
                return agents
        return []


def _under(token: Token, heads: list[Token]) -> bool:
    """Return True when ``token`` sits inside the phrase of one of ``heads``."""
    return any(head.left_edge.i <= token.i <= head.right_edge.i for head in heads)


def _pobj_list(prep: Token) -> list[Token]:
    return [n for c in prep.children if c.dep_ == "pobj" for n in expand_conj(c)]


def _unique(mentions: list) -> list:
    seen: set[int] = set()
    out = []
    for mention in mentions:
        if id(mention) not in seen:
            seen.add(id(mention))
            out.append(mention)
    return out
