"""The actor mention record and the kind names every actors module shares.

This module sits at the bottom of the actors package: it imports nothing from it, so the
knowledge base, the coreference linker and the resolver can all depend on it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from realpolitik.models import Actor

logger = logging.getLogger(__name__)

KINDS = ("country", "demonym", "capital", "metonym", "city", "person", "igo", "group", "agent")
PLACE_KINDS = frozenset({"country", "demonym", "capital", "metonym", "city"})
MODIFIER_KINDS = frozenset({"country", "demonym", "capital", "metonym", "city", "igo", "group"})
PROPER_KINDS = frozenset(
    {"country", "demonym", "capital", "metonym", "city", "person", "igo", "group"}
)
NAMED_KINDS = frozenset({"person", "igo", "group"})
REFERENCE_KINDS = frozenset({"pronoun", "role_noun"})
PRONOUN_KEY = "\x00pron"
ROLE_NOUN_KEY = "\x00role"


@dataclass
class Mention:
    """One actor mention: a token span of the Doc, its head token and the actor it stands for.

    kind: country | capital | metonym | demonym | person | igo | agent | group | city |
          pronoun | role_noun | attitude | pair | unresolved
    antecedent: for pronouns and role nouns, the index (into the returned list) of the mention
                they refer to
    entry: id of the knowledge-base entry behind the mention (person, country, IGO...), if any
    stance: for kind ``attitude`` ("anti-Pyongyang"): pro | anti | non; the actor is the
            attitude's target, not an argument of the clause
    members: for kind ``pair`` ("both nations"): the two actors of a reciprocal pair, in the
             order they were named; the mention's own actor has no country or org
    antecedents: for kind ``pair``, the indices (into the returned list) of the two mentions
    """

    start: int
    end: int
    head: int
    actor: Actor
    kind: str
    antecedent: int | None = None
    entry: str | None = None
    stance: str | None = None
    members: tuple[Actor, ...] = ()
    antecedents: tuple[int, ...] = ()
