"""The resolver's rule words (data/lexicon.yaml), loaded and checked once per resolver.

Grammar words only: pronouns, role nouns, prepositions, hyphen affixes and the head nouns that
make a country word a non-actor (currencies, languages, flags). Names live in the KB tables.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from realpolitik.actors.names import fold
from realpolitik.errors import Errors, SettingsError

logger = logging.getLogger(__name__)

LEXICON = "actors/data/lexicon.yaml"
REQUIRED = (
    "pronouns",
    "role_nouns",
    "locative_prepositions",
    "agent_country_prepositions",
    "possessives",
)


def load_lexicon() -> dict[str, Any]:
    """Return the resolver's rule lexicon (data/lexicon.yaml).

    Raises: SettingsError E003 when it is missing, E002 when it is malformed.
    """
    path = resources.files("realpolitik.actors.data").joinpath("lexicon.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SettingsError(Errors.E003.format(path=LEXICON)) from exc
    if not isinstance(data, dict) or any(k not in data for k in REQUIRED):
        raise SettingsError(Errors.E002.format(path=LEXICON, line=1, detail=f"needs {REQUIRED}"))
    return data


def cameo_codes(lexicon: dict[str, Any] | None = None) -> dict[str, frozenset[str]]:
    """Return the CAMEO code sets of the lexicon: transnational prefixes and regions.

    Raises: SettingsError E002 when the lexicon lacks them.
    """
    lexicon = lexicon if lexicon is not None else load_lexicon()
    try:
        return {k: frozenset(lexicon["cameo"][k]) for k in ("transnational", "regions")}
    except (KeyError, TypeError) as exc:
        raise SettingsError(
            Errors.E002.format(path=LEXICON, line=1, detail=f"cameo: {exc}")
        ) from exc


def _words(data: dict[str, Any], key: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in data.get(key) or [])


@dataclass(frozen=True)
class Rules:
    """The lexicon as the resolver reads it: word sets and folded reference tables.

    hyphen_suffixes: word after "X-" -> how X reads (actor, place, origin)
    non_actor_heads: head nouns after a country word that make it no actor (currency, language,
                     flag) -> the reason
    argument_deps: dependency labels that make a capital an argument (its government)
    combining_forms: "Sino" -> CHN: first halves of two-country compounds ("Sino-Soviet")
    argument_preps: prepositions whose object is such an argument ("talks with Ottawa")
    national_branches: org -> CAMEO role of its national societies ("British Red Cross")
    place_named_heads: nouns a capital before them names a place in ("the Paris Agreement")
    """

    pronouns: dict[str, dict]
    role_nouns: dict[str, dict]
    locative: frozenset[str]
    agent_preps: frozenset[str]
    possessives: frozenset[str]
    ent_labels: frozenset[str]
    expletive_heads: frozenset[str]
    stance_prefixes: frozenset[str]
    person_agents: frozenset[str]
    hyphen_suffixes: dict[str, str]
    non_actor_heads: dict[str, str]
    language_preps: frozenset[str]
    flag_governors: frozenset[str]
    combining_forms: dict[str, str]
    dateline_marks: frozenset[str]
    argument_deps: frozenset[str]
    argument_preps: frozenset[str]
    national_branches: dict[str, str]
    place_named_heads: frozenset[str]

    @classmethod
    def from_lexicon(cls, data: dict[str, Any]) -> Rules:
        """Build the rules from a loaded lexicon."""
        heads = {
            str(word).lower(): reason
            for reason, words in (data.get("non_actor_heads") or {}).items()
            for word in words
        }
        return cls(
            pronouns={fold(k): v for k, v in data["pronouns"].items()},
            role_nouns={fold(k): v for k, v in data["role_nouns"].items()},
            locative=_words(data, "locative_prepositions"),
            agent_preps=_words(data, "agent_country_prepositions"),
            possessives=frozenset(data["possessives"]),
            ent_labels=frozenset(data.get("unresolved_entity_labels") or []),
            expletive_heads=_words(data, "expletive_heads"),
            stance_prefixes=_words(data, "stance_prefixes"),
            person_agents=_words(data, "person_agents"),
            hyphen_suffixes={
                str(k).lower(): str(v) for k, v in (data.get("hyphen_suffixes") or {}).items()
            },
            non_actor_heads=heads,
            language_preps=_words(data, "language_prepositions"),
            flag_governors=_words(data, "flag_governors"),
            dateline_marks=frozenset(data.get("dateline_marks") or []),
            combining_forms={
                str(k).lower(): str(v) for k, v in (data.get("combining_forms") or {}).items()
            },
            argument_deps=_words(data, "argument_deps"),
            argument_preps=_words(data, "argument_prepositions"),
            national_branches={
                str(k): str(v) for k, v in (data.get("national_branches") or {}).items()
            },
            place_named_heads=_words(data, "place_named_heads"),
        )
