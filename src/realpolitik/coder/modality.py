"""Negation and modality of a clause: asserted, intended, hypothetical or reported."""

from __future__ import annotations

import logging

from spacy.tokens import Token

from realpolitik.coder.clauses import Clause
from realpolitik.coder.lexicon import Lexicon

logger = logging.getLogger(__name__)

NEGATION_DEPS = frozenset({"neg"})
FUTURE_AUX = frozenset({"will", "'ll", "shall", "going"})


def is_negated(clause: Clause) -> bool:
    """Return True when the predicate, or the verb controlling it, carries a negation."""
    predicate = clause.predicate
    if any(child.dep_ in NEGATION_DEPS for child in predicate.children):
        return True
    if clause.relation == "xcomp" and clause.controller is not None:
        return any(child.dep_ in NEGATION_DEPS for child in clause.controller.children)
    return False


def _aux_words(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ in {"aux", "auxpass"}}


def _marks(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ == "mark"}


def _governors(token: Token, limit: int = 4) -> list[Token]:
    """Return the chain of clause heads above a predicate (its controller, its controller's...)."""
    chain = []
    node = token
    for _ in range(limit):
        if node.head.i == node.i or node.dep_ not in {"xcomp", "ccomp", "advcl", "conj", "relcl"}:
            break
        node = node.head
        chain.append(node)
    return chain


def modality(clause: Clause, lexicon: Lexicon, *, pattern_modality: str | None = None) -> str:
    """Classify the clause's modality from its auxiliaries, marks and controlling words.

    Conditions and modal verbs ("would ... if", "could") make a clause hypothetical even when its
    pattern marks an intention; "would" reported after a speech verb is an intention.
    """
    predicate = clause.predicate
    own_marks = _marks(predicate)
    if own_marks & {"if", "unless", "whether"}:
        return "hypothetical"
    if any(_marks(gov) & {"if", "unless"} for gov in _governors(predicate)):
        return "hypothetical"
    conditions = [c for c in predicate.children if c.dep_ in {"advcl", "advmod", "acomp", "dep"}]
    if any(_marks(c) & {"if", "unless"} for c in conditions):  # "using force if necessary"
        return "hypothetical"
    aux = _aux_words(predicate)
    head_lemma = predicate.head.lemma_.lower()
    speech_parent = predicate.dep_ == "ccomp" and head_lemma in lexicon.speech_verbs
    if aux & {"could", "might", "may", "should"}:
        return "hypothetical"
    if "would" in aux and not speech_parent:
        return "hypothetical"
    if pattern_modality:
        return pattern_modality
    if "would" in aux or aux & FUTURE_AUX:
        return "intended"
    if predicate.dep_ in {"xcomp", "acl"} and head_lemma in lexicon.intent_verbs:
        return "intended"
    if predicate.dep_ == "ccomp" and head_lemma in lexicon.report_verbs:
        return "reported"
    return "asserted"


def noun_complement_mood(
    clause: Clause, intent_nouns: frozenset[str], decision_nouns: frozenset[str]
) -> str | None:
    """Return the modality of an infinitive that completes a noun: "a plan to strike" is an
    intention, "the decision to protect" an act, "an agreement to stop", "a failure to honour"
    or "efforts to expand" no act at all (hypothetical); None for other clauses."""
    predicate = clause.predicate
    if predicate.dep_ not in {"acl", "relcl"} or predicate.head.pos_ not in {"NOUN", "PROPN"}:
        return None
    if not any(c.tag_ == "TO" for c in predicate.children):
        return None
    noun = predicate.head.lemma_.lower()
    if noun in intent_nouns:
        return "intended"
    return None if noun in decision_nouns else "hypothetical"
