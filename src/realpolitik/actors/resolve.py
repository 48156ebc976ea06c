"""Resolve every actor mention in a parsed article to a CAMEO actor.

One phrase matcher over all knowledge-base aliases finds candidate spans (``hits``: longest match
wins); adjacent hits are composed into one mention each (``compose``); names the parser's NER sees
but the KB lacks stay as unresolved mentions; pronouns and role nouns are linked to antecedents
(``coref``). Imports run one way: mention, names, lexicon -> kb -> userfile -> loader; kb, hits,
compose, coref -> resolve; nothing here is imported back by them.
"""

from __future__ import annotations

import logging
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from realpolitik.actors.compose import Composer
from realpolitik.actors.constructions import (
    dropped,
    hyphen_pairs,
    hyphen_reading,
    non_actor_reason,
)
from realpolitik.actors.coref import Linker, resolve_references
from realpolitik.actors.hits import (
    Hit,
    choose,
    disambiguate,
    entity_index,
    fits,
    introduced,
    select,
    trusted,
)
from realpolitik.actors.kb import KnowledgeBase, alias_phrases
from realpolitik.actors.lexicon import Rules, load_lexicon
from realpolitik.actors.loader import load_kb
from realpolitik.actors.matcher import AliasMatcher
from realpolitik.actors.mention import (
    MODIFIER_KINDS,
    PRONOUN_KEY,
    REFERENCE_KINDS,
    ROLE_NOUN_KEY,
    Mention,
)
from realpolitik.actors.names import fold, same_caps
from realpolitik.models import Actor
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)

__all__ = ["PRONOUN_KEY", "ROLE_NOUN_KEY", "ActorResolver", "Mention"]


class ActorResolver:
    """Find and resolve the actor mentions of a parsed Doc; build once, call per article."""

    def __init__(
        self, nlp: Language, *, settings: Settings | None = None, kb: KnowledgeBase | None = None
    ) -> None:
        """Build the phrase matcher from the knowledge base; ``nlp`` is used only to tokenize."""
        self.nlp = nlp
        self.settings = settings or Settings()
        self.kb = kb if kb is not None else load_kb(self.settings)
        self.lexicon = load_lexicon()
        self.rules = Rules.from_lexicon(self.lexicon)
        self.compose = Composer(self.kb, self.rules, self.settings)
        self.linker = Linker(self.kb, self.rules, self.settings)
        self.matcher = AliasMatcher(nlp.tokenizer, known=self.kb.tokens)
        self._build_patterns()

    def _build_patterns(self) -> None:
        """Index every alias, role noun and pronoun (and accent-free spellings) for matching."""
        phrases = alias_phrases(self.kb)
        for key in self.rules.role_nouns:
            phrases += [
                (key, ROLE_NOUN_KEY + key),
                (key.replace("'", "\u2019"), ROLE_NOUN_KEY + key),
            ]
        phrases += [(key, PRONOUN_KEY + key) for key in self.rules.pronouns]
        self.matcher.add(phrases)

    # --- public ---------------------------------------------------------------------------
    def __call__(
        self,
        doc: Doc,
        *,
        date: str | None = None,
        matches: list[tuple[int, int, str]] | None = None,
    ) -> list[Mention]:
        """Return the doc's mentions sorted by start, non-overlapping, with coreference resolved.

        matches: the alias matcher's output on this doc's tokens when the caller already has it
          (the pre-filter matched the same tokens before parsing); else the doc is matched here
        """
        ents = entity_index(doc)
        blocked: set[int] = set()  # tokens of country words that are no actor ("US dollars")
        if matches is None:
            matches = self.matcher(doc)
        hits = introduced(disambiguate(select(self._hits(doc, matches, ents, date, blocked))))
        refs = {h.start: h.info for h in hits if h.kind in REFERENCE_KINDS}
        mentions = []
        for m in self.compose(doc, hits, date):
            if non_actor_reason(doc, m, self.rules) is None:
                mentions.append(m)
            else:
                blocked.update(range(m.start, m.end))
        conf = self.settings.actor_confidence_short
        mentions = hyphen_pairs(doc, mentions, self.kb, self.rules, date=date, confidence=conf)
        if self.settings.actor_keep_unresolved:
            mentions = self._add_unresolved(doc, mentions, blocked)
        mentions.sort(key=lambda m: m.start)
        return resolve_references(doc, mentions, self.linker, refs)

    def resolve_text(self, text: str, *, date: str | None = None) -> list[Actor]:
        """Parse ``text`` and return its resolved actors, best first (confidence, then position)."""
        doc = self.nlp(text)
        mentions = [m for m in self(doc, date=date) if m.actor.code or m.actor.key]
        order = sorted(
            range(len(mentions)), key=lambda i: (-mentions[i].actor.confidence, mentions[i].start)
        )
        return [mentions[i].actor for i in order]

    # --- matching -------------------------------------------------------------------------
    def _hits(
        self,
        doc: Doc,
        matches: list[tuple[int, int, str]],
        ents: dict[int, tuple[int, int, str]],
        date: str | None,
        blocked: set[int],
    ) -> list[Hit]:
        hits = []
        for start, end, key in matches:
            hit = self._hit(doc, start, end, key, ents, date)
            if hit is None:
                continue
            if hit.kind in MODIFIER_KINDS:
                hit.reading = hyphen_reading(doc, start, end, self.rules)
                if dropped(hit.reading) or self.kb.expired(hit.entry, date):
                    blocked.update(range(start, end))
                    continue
            hits.append(hit)
        return [h for h in hits if blocked.isdisjoint(range(h.start, h.end))]

    def _hit(
        self, doc: Doc, start: int, end: int, key: str, ents: dict, date: str | None
    ) -> Hit | None:
        if key.startswith(PRONOUN_KEY):
            return Hit(start, end, "pronoun", info=self.rules.pronouns[key[len(PRONOUN_KEY) :]])
        if key.startswith(ROLE_NOUN_KEY):
            info = self.rules.role_nouns[key[len(ROLE_NOUN_KEY) :]]
            if info.get("cased") and not _elliptical(doc, end):
                return None
            return Hit(start, end, "role_noun", info=info)
        alias = self.kb.aliases.get(key)
        if alias is None:
            return None
        text = doc[start:end].text
        if alias.exact and not same_caps(text, alias.text):
            return None
        core = text[4:] if text[:4].lower() == "the " else text  # "the Hague" is a name
        capitalised = core[:1].isupper() or core[:1].isdigit()
        ent = ents.get(start)
        entries = [e for e in alias.entries if fits(e, capitalised, ent, start, end)]
        if not entries:
            return None
        entry = choose(entries, ent, date)
        short = entry.kind == "person" and end - start == 1
        others = tuple(e for e in entries if e is not entry)
        return Hit(start, end, entry.kind, entry=entry, short=short, others=others)

    # --- NER names the KB lacks -----------------------------------------------------------
    def _add_unresolved(
        self, doc: Doc, mentions: list[Mention], blocked: set[int]
    ) -> list[Mention]:
        covered = set(blocked)
        by_end = {m.end: m for m in mentions if m.kind == "agent"}
        for m in mentions:
            covered.update(range(m.start, m.end))
        for ent in doc.ents:
            if ent.label_ not in self.rules.ent_labels or any(
                i in covered for i in range(ent.start, ent.end)
            ):
                continue
            titled = by_end.get(ent.start)
            if titled is not None and ent.label_ == "PERSON":
                _name_titled(doc, titled, ent)
                continue
            surname = self._surname_person(doc, ent.start, ent.end)
            if surname is not None:
                mentions.append(surname)
                continue
            actor = Actor(text=ent.text, name=ent.text, code=None, confidence=0.0)
            mentions.append(Mention(ent.start, ent.end, ent.root.i, actor, "unresolved"))
        return mentions

    def _surname_person(self, doc: Doc, start: int, end: int) -> Mention | None:
        """Resolve a PERSON entity the KB lacks by its last word, when that is a known surname."""
        last = doc[end - 1]
        if doc[start].ent_type_ != "PERSON":
            return None
        people = self.kb.surnames.get(fold(last.lower_))
        if not people or len(people) > 1 or not trusted(people[0]):
            return None
        hit = Hit(start, end, "person", entry=people[0], short=True)
        actor = self.compose.person_actor(hit, doc[start:end].text, None, [])
        return Mention(start, end, last.i, actor, "person", entry=people[0].id)


def _elliptical(doc: Doc, end: int) -> bool:
    """Return whether "the North" ends at ``end`` as a name ("the North Korean ..." does not)."""
    return doc[end - 1].text[:1].isupper() and (end >= len(doc) or not doc[end].text[:1].isupper())


def _name_titled(doc: Doc, mention: Mention, ent: Any) -> None:
    """Extend "Chinese Foreign Ministry spokesperson" over the unknown name that follows it."""
    mention.end = ent.end
    mention.head = ent.root.i
    mention.kind = "person"
    a = mention.actor
    mention.actor = Actor(
        text=doc[mention.start : ent.end].text,
        name=ent.text,
        code=a.code,
        country=a.country,
        org=a.org,
        role=a.role,
        confidence=a.confidence,
    )
