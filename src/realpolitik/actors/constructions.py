"""News constructions around a country word that change what it stands for.

- Hyphen words: "anti-Pyongyang" and "pro-Moscow" make the country the target of an attitude
  (kind ``attitude``), "Saudi-led" and "US-backed" keep it an actor of the phrase, "Doha-based"
  makes it a place, "Liberian-flagged", "Russian-made" and "Chinese-language" make it no actor.
- Hyphen compounds of two countries are a reciprocal pair (kind ``pair``): "U.S.-Japan talks"
  when the tokenizer keeps them as one word, "Sino-Soviet ties" with a combining form.
- Non-actor heads: a country word whose head noun is a currency ("US dollars"), a language
  ("Chinese speakers") or a ship's flag ("sailed under the Panamanian flag") is no actor, nor is
  a language after a preposition ("broadcast in Arabic").
The words come from data/lexicon.yaml (``Rules``); this module holds only the grammar.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from spacy.attrs import ORTH
from spacy.tokens import Doc, Token

from realpolitik.actors.kb import KnowledgeBase
from realpolitik.actors.lexicon import Rules
from realpolitik.actors.mention import Mention
from realpolitik.actors.names import alias_key, same_caps
from realpolitik.models import Actor

logger = logging.getLogger(__name__)

# readings of a hyphen suffix in lexicon.yaml hyphen_suffixes
STANCE, ACTOR, PLACE = "stance", "actor", "place"
DROPPED = frozenset({"origin", "flag", "language"})
WORDLIKE_KINDS = frozenset({"country", "demonym", "capital"})


@dataclass(frozen=True, slots=True)
class Reading:
    """How a hyphen word reads a name: stance (pro, anti, non), place, actor or dropped."""

    how: str
    word: str = ""


def hyphen_reading(doc: Doc, start: int, end: int, rules: Rules) -> Reading | None:
    """Return the reading a hyphen affix gives the name ``doc[start:end]``, or None.

    "anti-Pyongyang" -> Reading("stance", "anti"); "Saudi-led" -> Reading("actor", "led");
    "London-based" -> Reading("place", "based"); "Liberian-flagged" -> Reading("flag", ...).
    """
    if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in rules.stance_prefixes:
        return Reading(STANCE, doc[start - 2].lower_)
    if end + 1 < len(doc) and doc[end].text == "-":
        word = doc[end + 1].lower_
        how = rules.hyphen_suffixes.get(word)
        if how is not None:
            return Reading(how, word)
    return None


def dateline(doc: Doc, start: int, end: int, rules: Rules) -> bool:
    """Return whether a place name is a dateline: in capitals opening a sentence ("BERLIN --"),
    or the country after one ("HANOI, Vietnam --").
    """
    after_one = start >= 2 and doc[start - 1].text == "," and end < len(doc)
    if after_one and doc[end].is_punct and dateline(doc, start - 2, start - 1, rules):
        return True
    text = doc[start:end].text
    opens = start == 0 or bool(doc[start].is_sent_start)
    if len(text) <= 2 or not text.isupper() or not opens or end >= len(doc):
        return False
    return doc[end].text in rules.dateline_marks  # not a headline ("CHINA WARNS ...")


def dropped(reading: Reading | None) -> bool:
    """Return whether a hyphen reading makes the name no actor at all."""
    return reading is not None and reading.how in DROPPED


def non_actor_reason(doc: Doc, mention: Mention, rules: Rules) -> str | None:
    """Return why a country word is no actor (currency, language, flag, a capital that names
    where a treaty was signed), or None.

    Only bare country words are checked (a country, demonym or capital mention, not a compound
    with an agent or a person): their head noun is the next word, or, for "the Panamanian flag",
    the noun the word modifies.
    """
    if mention.kind not in WORDLIKE_KINDS:
        return None
    if mention.kind == "capital" and _names_place_of(doc, mention, rules):
        return "place named"
    end = mention.end
    if end < len(doc):
        after = doc[end]
        reason = rules.non_actor_heads.get(after.lower_) or rules.non_actor_heads.get(
            after.lemma_.lower()
        )
        if reason is not None and after.pos_ in ("NOUN", "PROPN", "SYM", "NUM", "X"):
            return _checked(reason, after, rules)
    for noun in _modified_nouns(doc, mention, depth=1):
        reason = rules.non_actor_heads.get(noun.lemma_.lower())
        if reason is not None:
            return _checked(reason, noun, rules)
    head = doc[mention.head]
    if (
        mention.kind == "demonym"
        and head.dep_ == "pobj"
        and head.head.lower_ in rules.language_preps
        and head.tag_ != "NNPS"
        and not head.lower_.endswith("s")
        and not any(c.dep_ in ("compound", "amod") for c in head.children)
        and (end >= len(doc) or doc[end].pos_ not in ("NOUN", "PROPN"))
    ):
        return "language"
    return None


def _names_place_of(doc: Doc, mention: Mention, rules: Rules) -> bool:
    """Return whether a capital modifies, through a chain of up to three compound words, a
    noun named after where it was signed or set up ("the Paris Climate Accord", "the Minsk II
    agreement"; ``place_named_heads``)."""
    heads = rules.place_named_heads
    return any(
        noun.lower_ in heads or noun.lemma_.lower() in heads
        for noun in _modified_nouns(doc, mention, depth=3)
    )


def _modified_nouns(doc: Doc, mention: Mention, *, depth: int) -> list[Token]:
    """Return the words after a country word that it modifies, nearest first, up a chain of at
    most ``depth`` modifier links ("Paris" -> "Climate" -> "Accord")."""
    nouns: list[Token] = []
    token = doc[mention.head]
    while len(nouns) < depth and token.dep_ in ("amod", "compound", "nmod"):
        if token.head.i < mention.end:
            break
        token = token.head
        nouns.append(token)
    return nouns


def _checked(reason: str, noun: Token, rules: Rules) -> str | None:
    """Keep a flag reason only for a ship's flag ("sail under the X flag", "fly the X flag").

    A burned or waved flag still points at its country, so it is left to the coder.
    """
    if reason != "flag":
        return reason
    return reason if noun.head.lemma_.lower() in rules.flag_governors else None


def hyphen_pairs(
    doc: Doc,
    mentions: list[Mention],
    kb: KnowledgeBase,
    rules: Rules,
    *,
    date: str | None,
    confidence: float,
) -> list[Mention]:
    """Return ``mentions`` with two-country hyphen compounds made into ``pair`` mentions.

    "U.S.-Japan" (one token) and "Sino-Soviet" (a combining form, a hyphen, a country word)
    become one mention of kind ``pair`` whose ``members`` are the two countries as written.
    """
    out = []
    for m in mentions:
        start = m.start - 2
        form = rules.combining_forms.get(doc[start].lower_) if start >= 0 else None
        if form and m.kind in WORDLIKE_KINDS and doc[m.start - 1].text == "-":
            codes = [kb.dated(form, date), m.actor.country]
            if codes[0] != codes[1]:
                texts = [doc[start].text, doc[m.start : m.end].text]
                out.append(_pair(doc, start, m.end, codes, texts, kb, confidence))
                continue
        out.append(m)
    taken = {i for m in out for i in range(m.start, m.end)}
    strings = doc.vocab.strings
    for i, orth in enumerate(doc.to_array(ORTH).tolist()):
        text = strings[orth]
        if "-" not in text or i in taken:
            continue
        parts = text.split("-")
        if len(parts) != 2 or not all(p[:1].isupper() for p in parts):
            continue
        codes = [_country_word(kb, rules, part, date) for part in parts]
        if None not in codes and codes[0] != codes[1]:
            out.append(_pair(doc, i, i + 1, codes, parts, kb, confidence))
    out.sort(key=lambda m: m.start)
    return out


def _country_word(kb: KnowledgeBase, rules: Rules, word: str, date: str | None) -> str | None:
    """Return the one country a word names (a country, demonym, capital or combining form)."""
    form = rules.combining_forms.get(word.lower())
    if form:
        return kb.dated(form, date)
    alias = kb.aliases.get(alias_key(word))
    if alias is None or (alias.exact and not same_caps(word, alias.text)):
        return None
    codes = {kb.dated(e.country, date) for e in alias.entries if e.kind in WORDLIKE_KINDS}
    return codes.pop() if len(codes) == 1 else None


def _pair(
    doc: Doc,
    start: int,
    end: int,
    codes: list[str | None],
    texts: list[str],
    kb: KnowledgeBase,
    confidence: float,
) -> Mention:
    members = tuple(
        Actor(text=t, name=kb.country_name(c), code=c, country=c, confidence=confidence)
        for c, t in zip(codes, texts, strict=True)
    )
    text = doc[start:end].text
    actor = Actor(text=text, name=None, code=None, confidence=confidence)
    head = doc[start:end].root.i
    return Mention(start, end, head, actor, "pair", members=members)
