"""Read predicate-argument clauses off spaCy's dependency parse.

A Clause is one predicate (a verb, or an event noun) with the token heads of its arguments:
subjects (the source side), direct objects, prepositional objects keyed by preposition, a phrasal
particle and an open clausal complement. Passive voice is normalised: the "by"-agent becomes the
subject and the grammatical subject becomes the object. Conjoined subjects and objects are expanded;
conjoined verbs inherit the subject of the verb they are conjoined to; open complements ("agreed to
tighten") inherit the controller's subject.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Span, Token

from realpolitik.coder.arrays import ArrayReader, TokenArrays, string_id

logger = logging.getLogger(__name__)

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
OBJECT_DEPS = frozenset({"dobj", "obj", "attr", "dative", "oprd"})
CLAUSAL_DEPS = frozenset({"xcomp", "ccomp", "advcl", "relcl", "acl", "pcomp", "conj", "parataxis"})
PREP_DEPS = frozenset({"prep", "agent"})
RELATIVE_PRONOUN_TAGS = frozenset({"WDT", "WP"})
_VBD, _AMOD, _ROOT = string_id("VBD"), string_id("amod"), string_id("ROOT")
_PREP = string_id("prep")
_NOUN, _VERB, _AUX, _ADJ = (string_id(p) for p in ("NOUN", "VERB", "AUX", "ADJ"))


@dataclass
class Clause:
    """One predicate with the heads of its arguments."""

    predicate: Token
    kind: str  # "verbal" | "nominal"
    subjects: list[Token] = field(default_factory=list)
    objects: list[Token] = field(default_factory=list)
    preps: dict[str, list[Token]] = field(default_factory=dict)
    nested: dict[str, list[Token]] = field(default_factory=dict)  # preps of prepositional objects
    particles: list[str] = field(default_factory=list)
    xcomp: Token | None = None
    passive: bool = False
    controller: Token | None = None  # the verb whose complement this clause is
    object_control: bool = False  # "wants Beijing to stop": the complement has its own subject
    relation: str | None = None  # dependency that links it to the controller
    # PatternMatcher.match's answers, by its ``fallback`` flag (set once the clause is complete)
    patterns: dict[bool, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def lemma(self) -> str:
        return self.predicate.lemma_.lower()

    def object_lemmas(self) -> list[str]:
        return [t.lemma_.lower() for t in self.objects]

    def prep_objects(self, prep: str) -> list[Token]:
        """Return the objects of a preposition, the clause's own first, then nested ones."""
        return self.preps.get(prep, []) + self.nested.get(prep, [])

    def describe(self) -> str:
        """Return a short human-readable account: SUBJ -verb+prt-> OBJ, prep: POBJ."""
        parts = [
            "+".join(t.text for t in self.subjects) or "∅",
            f"-{self.predicate.text}{'+' + '+'.join(self.particles) if self.particles else ''}->",
            "+".join(t.text for t in self.objects) or "∅",
        ]
        for prep, toks in self.preps.items():
            parts.append(f"{prep}: {'+'.join(t.text for t in toks)}")
        if self.passive:
            parts.append("(passive)")
        return " ".join(parts)


def expand_conj(token: Token) -> list[Token]:
    """Return the token and every token conjoined to it ("Moscow and Beijing")."""
    out = [token]
    for child in token.children:
        if child.dep_ == "conj" and child.pos_ in {"NOUN", "PROPN", "PRON", "ADJ", "NUM"}:
            out.extend(expand_conj(child))
    return out


def is_relative_pronoun(token: Token) -> bool:
    """Return True for "which"/"that"/"who" opening a relative clause."""
    return token.tag_ in RELATIVE_PRONOUN_TAGS and token.head.dep_ == "relcl"


def antecedent_chain(pronoun: Token) -> tuple[list[Token], Token | None]:
    """Return the nouns a relative pronoun may refer to, nearest first, and the verb that holds
    the outermost of them. The parser often attaches "which ..." to the nearest noun ("a mission
    to guard the sea lanes which was joined by X"): the nouns up to the holding verb are all
    candidates ("lanes", "mission"); the verb is "launched"."""
    nouns: list[Token] = []
    node = pronoun.head.head if pronoun.head.dep_ == "relcl" else pronoun
    for _ in range(8):
        if node.pos_ in {"NOUN", "PROPN"}:
            nouns.append(node)
        elif node.pos_ in {"VERB", "AUX"} and node.dep_ not in {"relcl", "acl", "pcomp"}:
            return nouns, node
        if node.head.i == node.i:
            break
        node = node.head
    return nouns, None


def _pobjs(prep: Token) -> list[Token]:
    out: list[Token] = []
    for child in prep.children:
        if child.dep_ in {"pobj", "pcomp"}:
            out.extend(expand_conj(child))
        elif child.dep_ == "prep":  # "out of", "away from": nested preposition
            out.extend(_pobjs(child))
    return out


def _prep_key(prep: Token) -> str:
    key = prep.lower_
    inner = [c for c in prep.children if c.dep_ == "prep"]
    if inner:  # "out of" -> "of"
        key = inner[0].lower_
    return key


def _is_prep(token: Token) -> bool:
    return token.dep_ in PREP_DEPS or (token.dep_ == "dative" and token.pos_ == "ADP")


def _collect_preps(head: Token, into: dict[str, list[Token]]) -> list[str]:
    """Add the head's prepositional objects to ``into``; return complex prepositions' particles.

    "pulled out of the deal" files "deal" under "of" and returns the particle "out".
    """
    particles = []
    for child in head.children:
        if _is_prep(child):
            key = "by" if child.dep_ == "agent" else _prep_key(child)
            if key != child.lower_:
                particles.append(child.lower_)
            into.setdefault(key, []).extend(_pobjs(child))
    return particles


def _own_subjects(verb: Token) -> tuple[list[Token], bool]:
    subjects: list[Token] = []
    passive = False
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            subjects.extend(_with_comitatives(expand_conj(child)))
            passive = passive or child.dep_ == "nsubjpass"
        elif child.dep_ == "auxpass":
            passive = True
    return subjects, passive


def _comitatives(token: Token) -> list[Token]:
    """Return co-agents joined by "along with" / "together with" ("China, along with Brazil")."""
    out: list[Token] = []
    nodes = list(token.children)
    nodes += [g for c in token.children if c.dep_ == "punct" for g in c.children]  # ", along with"
    for child in nodes:
        if child.dep_ != "prep":
            continue
        word = child.lower_
        inner = [c for c in child.children if c.dep_ == "prep" and c.lower_ == "with"]
        modifiers = {c.lower_ for c in child.children if c.dep_ == "advmod"}
        if word in {"along", "together"} and inner:
            out.extend(_pobjs(inner[0]))
        elif word == "with" and modifiers & {"along", "together"}:
            out.extend(_pobjs(child))
    return out


def _with_comitatives(subjects: list[Token]) -> list[Token]:
    extra = [c for subject in subjects for c in _comitatives(subject)]
    return subjects + [t for t in extra if t not in subjects]


def _inherited_subjects(verb: Token) -> tuple[list[Token], Token | None]:
    """Find the subject a verb shares with the verb it hangs from (conj, xcomp, relcl).

    A participle conjoined to a verb of another form ("critiquing X's efforts to expand ...
    and accusing it") is a parse slip: its subject is that of the nearest participle above it.
    """
    node = verb
    for _ in range(6):
        dep, head = node.dep_, node.head
        if head.i == node.i:
            return [], None
        if dep in {"advcl", "conj"} and node.tag_ == "VBG" and head.dep_ == "relcl":
            # "..., which has stretched ..., praising X": skip the relative clause
            node = next((a for a in head.head.ancestors if a.pos_ == "VERB"), head)
            subjects, _ = _own_subjects(node)
            if subjects:
                return subjects, node
            continue
        if dep == "conj" and node.tag_ == "VBG" and head.tag_ != "VBG":
            twin = next((a for a in head.ancestors if a.tag_ == "VBG" and a.pos_ == "VERB"), None)
            if twin is not None:
                subjects, _ = _own_subjects(twin)
                if subjects:
                    return subjects, twin
                node = twin
                continue
        if dep == "relcl":  # "the country that invaded X": the modified noun is the subject
            return expand_conj(head), head
        if dep == "acl" and node.tag_ == "VBG":  # "Russia, accusing X of ...": participle
            return expand_conj(head), head
        if dep == "pcomp" and head.dep_ == "prep" and head.head.pos_ in {"VERB", "AUX"}:
            node = head.head  # "X addressed the conflict in mediating the accords": X mediated
            subjects, _ = _own_subjects(node)
            if subjects:
                return subjects, node
            continue
        owners = [c for c in head.children if c.dep_ == "poss"]
        if dep == "acl" and owners and any(c.tag_ == "TO" for c in node.children):
            return expand_conj(owners[0]), head  # "Reagan's decision to protect": Reagan
        linked = dep in {"conj", "xcomp", "advcl", "acomp"}
        if linked or (dep == "acl" and head.pos_ in {"NOUN", "PROPN"}):
            subjects, _ = _own_subjects(head)
            if subjects:
                return subjects, head
            if dep == "acl":
                return expand_conj(head), head
            node = head
            continue
        return [], None
    return [], None


def _object_controlled(verb: Token) -> bool:
    """Return True for an infinitive with its own subject: "wants [Beijing to stop]"."""
    children = list(verb.children)
    return any(c.tag_ == "TO" for c in children) and any(c.dep_ == "nsubj" for c in children)


def verbal_clause(verb: Token) -> Clause:
    """Build the clause of a verb predicate."""
    subjects, passive = _own_subjects(verb)
    controller = None
    if not subjects and verb.dep_ == "amod" and verb.tag_ == "VBG":
        subjects, controller = expand_conj(verb.head), verb.head  # "a visiting delegation"
    if not subjects:
        subjects, controller = _inherited_subjects(verb)
        # "Canada, backed by Australia, ...", "cranes donated by Denmark": a reduced passive
        passive = passive or (verb.dep_ == "acl" and verb.tag_ == "VBN")
    clause = Clause(predicate=verb, kind="verbal", passive=passive, controller=controller)
    clause.relation = verb.dep_
    for child in verb.children:
        if child.dep_ in OBJECT_DEPS and not (child.dep_ == "dative" and child.pos_ == "ADP"):
            clause.objects.extend(expand_conj(child))
        elif child.dep_ == "prt" or (
            child.dep_ == "advmod" and child.lower_ in {"out", "off", "down", "up", "back", "away"}
        ):
            clause.particles.append(child.lower_)
        elif child.dep_ == "xcomp" and child.pos_ in {"VERB", "AUX"}:
            clause.xcomp = child
        elif child.dep_ == "ccomp" and _object_controlled(child) and clause.xcomp is None:
            clause.xcomp, clause.object_control = child, True
    clause.particles.extend(_collect_preps(verb, clause.preps))
    for word in ("along", "together"):
        if word in clause.particles:  # "China, along with Brazil, has been advocating"
            subjects = subjects + [t for t in clause.preps.pop("with", []) if t not in subjects]
    for obj in clause.objects:
        _collect_preps(obj, clause.preps)
    for key, tokens in list(clause.preps.items()):
        if key != "of":  # "a hunger strike against Israel", "a ceasefire with Hezbollah"
            for token in tokens:
                _collect_preps(token, clause.nested)
    clause.nested.pop("of", None)
    if passive:
        agents = clause.preps.pop("by", [])
        clause.objects, clause.subjects = list(subjects), agents
    else:
        clause.subjects = subjects
    return clause


def nominal_clause(noun: Token) -> Clause:
    """Build the clause of an event noun: possessor or by-phrase is the source."""
    clause = Clause(predicate=noun, kind="nominal")
    _collect_preps(noun, clause.preps)
    for child in noun.children:
        if child.dep_ == "poss":
            clause.subjects.extend(expand_conj(child))
        elif child.dep_ in {"amod", "compound"} and child.pos_ in {"ADJ", "PROPN"}:
            clause.subjects.append(child)  # "Russian invasion", "US strikes"
    clause.subjects.extend(clause.preps.pop("by", []))
    return clause


def misparsed_verb_clause(verb: Token) -> Clause:
    """Build the clause of a past-tense verb parsed as a noun's modifier ("The British
    relinquished control of X to Y": ``amod``(control, relinquished)). A finite past form never
    modifies a noun, so the words before it under the same noun are its subject and the noun,
    with its prepositions, its object."""
    noun = verb.head
    clause = Clause(predicate=verb, kind="verbal", relation=verb.dep_)
    clause.subjects = [
        t for t in noun.children if t.i < verb.i and t.dep_ in {"amod", "compound", "nmod"}
    ]
    clause.objects = [noun]
    _collect_preps(noun, clause.preps)
    return clause


def sentence_clauses(sent: Span, arrays: TokenArrays | None = None) -> list[Clause]:
    """Return every verbal clause of a sentence, in order.

    arrays: the Doc's token attributes (``ArrayReader``): the scan compares their ids and makes
    Tokens only for the predicates it keeps
    """
    doc = sent.doc
    arrays = arrays or ArrayReader()(doc)
    rows = slice(sent.start, sent.end)
    pos, tag, dep = arrays.pos[rows], arrays.tag[rows], arrays.dep[rows]
    misparsed = (tag == _VBD) & (dep == _AMOD) & (arrays.pos[arrays.heads[rows]] == _NOUN)
    # a participle used as a preposition ("according to", "including", "following") heads
    # no clause: "according to the report" says where a claim comes from, not who did what
    verbal = ((pos == _VERB) & (dep != _PREP)) | ((pos == _AUX) & (dep == _ROOT))
    clauses = []
    for i in arrays.where(sent, misparsed | verbal | (pos == _ADJ)):
        if misparsed[i - sent.start]:
            clauses.append(misparsed_verb_clause(doc[i]))
        elif verbal[i - sent.start]:
            clauses.append(verbal_clause(doc[i]))
        elif any(c.dep_ == "xcomp" for c in doc[i].children):
            clauses.append(verbal_clause(doc[i]))  # "Italy is ready to contribute troops"
    return clauses
