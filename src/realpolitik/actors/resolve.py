"""Resolve every actor mention in a parsed article to a CAMEO actor.

One PhraseMatcher over all knowledge-base aliases finds candidate spans (longest match wins);
adjacent matches are composed ("Russian" + "Foreign Minister" + "Sergei Lavrov" -> RUSGOV,
"Russia" + "'s" + "foreign ministry" -> RUSGOV, "Chinese" + "troops" -> CHNMIL); people take the
role valid on the article date; names the parser's NER sees but the KB lacks stay as unresolved
mentions; pronouns and role nouns are linked to antecedents by ``coref``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from spacy.language import Language
from spacy.tokens import Doc

from realpolitik.actors.coref import resolve_references
from realpolitik.actors.kb import PLACE_KINDS, Entry, KnowledgeBase, load_kb
from realpolitik.actors.matcher import AliasMatcher
from realpolitik.actors.names import fold
from realpolitik.errors import Errors, SettingsError
from realpolitik.models import Actor
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)

MODIFIER_KINDS = frozenset({"country", "demonym", "capital", "metonym", "city", "igo", "group"})
PROPER_KINDS = frozenset(
    {"country", "demonym", "capital", "metonym", "city", "person", "igo", "group"}
)
NAMED_KINDS = frozenset({"person", "igo", "group"})
NAME_LABELS = ("PERSON", "ORG", "NORP", "GPE", "LOC", "FAC")
KIND_ORDER = {
    "country": 0,
    "person": 1,
    "igo": 2,
    "group": 3,
    "metonym": 4,
    "capital": 5,
    "demonym": 6,
    "city": 7,
    "agent": 8,
}
PRONOUN_KEY = "\x00pron"
ROLE_NOUN_KEY = "\x00role"


@dataclass
class Mention:
    """One actor mention: a token span of the Doc, its head token and the actor it stands for.

    kind: country | capital | metonym | demonym | person | igo | agent | group | city |
          pronoun | role_noun | unresolved
    antecedent: for pronouns and role nouns, the index (into the returned list) of the mention
                they refer to
    entry: id of the knowledge-base entry behind the mention (person, country, IGO...), if any
    """

    start: int
    end: int
    head: int
    actor: Actor
    kind: str
    antecedent: int | None = None
    entry: str | None = None


@dataclass(slots=True)
class _Hit:
    """A matched span with the knowledge-base entry (or lexicon item) chosen for it."""

    start: int
    end: int
    kind: str
    entry: Entry | None = None
    info: Any = None
    short: bool = False
    others: tuple[Entry, ...] = ()


def alias_phrases(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Return (surface text, alias key) for every spelling the matcher must find."""
    phrases: list[tuple[str, str]] = []
    for key, alias in kb.aliases.items():
        for form in alias.forms:
            phrases.append((form, key))
            if "'" in form:
                phrases.append((form.replace("'", "\u2019"), key))
        if not key.isascii() or not all(f.isascii() for f in alias.forms):
            phrases.append((key, key))
    return phrases


def load_lexicon() -> dict[str, Any]:
    """Return the resolver's rule lexicon (data/lexicon.yaml).

    Raises: SettingsError E003 when it is missing, E002 when it is malformed.
    """
    path = resources.files("realpolitik.actors.data").joinpath("lexicon.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SettingsError(Errors.E003.format(path="actors/data/lexicon.yaml")) from exc
    need = (
        "pronouns",
        "role_nouns",
        "locative_prepositions",
        "agent_country_prepositions",
        "possessives",
    )
    if not isinstance(data, dict) or any(k not in data for k in need):
        raise SettingsError(
            Errors.E002.format(path="actors/data/lexicon.yaml", line=1, detail=f"needs keys {need}")
        )
    return data


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
        self.locative = frozenset(self.lexicon["locative_prepositions"])
        self.agent_preps = frozenset(self.lexicon["agent_country_prepositions"])
        self.possessives = frozenset(self.lexicon["possessives"])
        self.ent_labels = frozenset(self.lexicon.get("unresolved_entity_labels", []))
        self.expletive_heads = frozenset(self.lexicon.get("expletive_heads", []))
        self.stance_prefixes = frozenset(self.lexicon.get("stance_prefixes", []))
        self.person_agents = frozenset(self.lexicon.get("person_agents", []))
        self.role_nouns = {fold(k): v for k, v in self.lexicon["role_nouns"].items()}
        self.pronouns = {fold(k): v for k, v in self.lexicon["pronouns"].items()}
        self.matcher = AliasMatcher(nlp.tokenizer, known=self.kb.tokens)
        self._build_patterns()

    # --- patterns -------------------------------------------------------------------------
    def _build_patterns(self) -> None:
        """Index every alias, role noun and pronoun (and accent-free spellings) for matching."""
        phrases = alias_phrases(self.kb)
        for key in self.role_nouns:
            phrases += [
                (key, ROLE_NOUN_KEY + key),
                (key.replace("'", "\u2019"), ROLE_NOUN_KEY + key),
            ]
        phrases += [(key, PRONOUN_KEY + key) for key in self.pronouns]
        self.matcher.add(phrases)

    # --- public ---------------------------------------------------------------------------
    def __call__(self, doc: Doc, *, date: str | None = None) -> list[Mention]:
        """Return the doc's mentions sorted by start, non-overlapping, with coreference resolved."""
        ents = _entity_index(doc)
        hits = _introduced(_disambiguate(self._select(self._hits(doc, ents, date))))
        refs = {h.start: h.info for h in hits if h.kind in ("pronoun", "role_noun")}
        mentions = self._compose(doc, hits, ents, date)
        if self.settings.actor_keep_unresolved:
            mentions = self._add_unresolved(doc, mentions, ents)
        mentions.sort(key=lambda m: m.start)
        return resolve_references(doc, mentions, self, refs)

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
        self, doc: Doc, ents: dict[int, tuple[int, int, str]], date: str | None
    ) -> list[_Hit]:
        hits = []
        for start, end, key in self.matcher(doc):
            hit = self._hit(doc, start, end, key, ents, date)
            if hit is not None and not (hit.kind in MODIFIER_KINDS and self._stance(doc, hit)):
                hits.append(hit)
        return hits

    def _hit(
        self, doc: Doc, start: int, end: int, key: str, ents: dict, date: str | None
    ) -> _Hit | None:
        if key.startswith(PRONOUN_KEY):
            return _Hit(start, end, "pronoun", info=self.pronouns[key[len(PRONOUN_KEY) :]])
        if key.startswith(ROLE_NOUN_KEY):
            return _Hit(start, end, "role_noun", info=self.role_nouns[key[len(ROLE_NOUN_KEY) :]])
        alias = self.kb.aliases.get(key)
        if alias is None:
            return None
        text = doc[start:end].text
        if alias.exact and not _same_caps(text, alias.text):
            return None
        capitalised = text[:1].isupper() or text[:1].isdigit()
        ent = ents.get(start)
        entries = [e for e in alias.entries if self._fits(e, capitalised, ent, start, end)]
        if not entries:
            return None
        entry = _choose(entries, ent, date)
        short = entry.kind == "person" and end - start == 1
        others = tuple(e for e in entries if e is not entry)
        return _Hit(start, end, entry.kind, entry=entry, short=short, others=others)

    @staticmethod
    def _fits(
        entry: Entry, capitalised: bool, ent: tuple[int, int, str] | None, start: int, end: int
    ) -> bool:
        if entry.kind in PROPER_KINDS and not capitalised:
            return False
        label = ent[2] if ent else ""
        if entry.needs_entity and label not in ("GPE", "LOC", "FAC"):
            return False
        one_word = end - start == 1 and entry.kind in NAMED_KINDS and not _trusted(entry)
        if one_word and label not in ("PERSON" if entry.kind == "person" else NAME_LABELS):
            return False
        if (
            entry.kind in PLACE_KINDS
            and entry.kind != "demonym"
            and label == "PERSON"
            and ent[1] - ent[0] > end - start
        ):
            return False
        return not (
            entry.kind in ("capital", "city")
            and label in ("ORG", "WORK_OF_ART")
            and ent[1] - ent[0] > end - start
        )

    def _stance(self, doc: Doc, hit: _Hit) -> bool:
        """Return whether a name is a stance prefix ("pro-Russian", "anti-American")."""
        i = hit.start
        return i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ in self.stance_prefixes

    @staticmethod
    def _select(hits: list[_Hit]) -> list[_Hit]:
        """Keep the longest non-overlapping hits (earlier first on ties)."""
        hits.sort(key=lambda h: (h.start - h.end, h.start))
        taken: set[int] = set()
        out = []
        for h in hits:
            span = range(h.start, h.end)
            if any(i in taken for i in span):
                continue
            taken.update(span)
            out.append(h)
        out.sort(key=lambda h: h.start)
        return out

    # --- composing ------------------------------------------------------------------------
    def _compose(self, doc: Doc, hits: list[_Hit], ents: dict, date: str | None) -> list[Mention]:
        mentions: list[Mention] = []
        i = 0
        while i < len(hits):
            group = [hits[i]]
            owned = self._role_noun_of_country(doc, hits, i)
            if owned is not None:
                mentions.append(self._mention(doc, owned, date))
                i += 2
                continue
            if hits[i].kind in ("pronoun", "role_noun"):
                mentions.append(self._reference(doc, hits[i]))
                i += 1
                continue
            while i + 1 < len(hits) and self._joins(doc, group, hits[i + 1]):
                group.append(hits[i + 1])
                i += 1
            tail = self._agent_country(doc, group, hits, i)
            if tail is not None:
                group.append(hits[tail])
                i = tail
            mentions.append(self._mention(doc, group, date))
            i += 1
        return mentions

    def _joins(self, doc: Doc, group: list[_Hit], nxt: _Hit) -> bool:
        """Return whether ``nxt`` continues the compound ``group`` (adjacent, or after 's)."""
        last = group[-1]
        gap = nxt.start - last.end
        if gap == 1 and doc[last.end].text in self.possessives and last.kind in MODIFIER_KINDS:
            pass
        elif gap != 0:
            return False
        if nxt.kind in ("pronoun", "role_noun", "city", "capital"):
            return False
        if last.kind == "person":
            return nxt.kind == "agent" and gap == 0 and doc[nxt.start].lower_ in self.person_agents
        kinds = [h.kind for h in group]
        if nxt.kind == "person":
            return True
        if nxt.kind == "agent":
            return True
        if nxt.kind == "group":
            return gap == 1 and all(k in ("country", "capital") for k in kinds)
        if nxt.kind == "metonym":
            return (
                all(k in ("country", "demonym") for k in kinds)
                and group[-1].entry.country == nxt.entry.country
            )
        return False

    def _role_noun_of_country(self, doc: Doc, hits: list[_Hit], i: int) -> list[_Hit] | None:
        """Read "the government of Japan" as an agent compound, not as a reference."""
        hit = hits[i]
        role = hit.info.get("role") if hit.kind == "role_noun" else None
        agent = self.kb.entries.get(f"agent/{role}") if role else None
        if agent is None:
            return None
        as_agent = _Hit(hit.start, hit.end, "agent", entry=agent)
        tail = self._agent_country(doc, [as_agent], hits, i)
        return [as_agent, hits[tail]] if tail is not None else None

    def _agent_country(self, doc: Doc, group: list[_Hit], hits: list[_Hit], i: int) -> int | None:
        """Return the index of a country hit attached as "agent of/from/in [the] COUNTRY"."""
        if any(h.kind != "agent" for h in group) or i + 1 >= len(hits):
            return None
        nxt = hits[i + 1]
        between = [t.lower_ for t in doc[group[-1].end : nxt.start]]
        if not between or between[0] not in self.agent_preps or len(between) > 2:
            return None
        if len(between) == 2 and between[1] != "the":
            return None
        return i + 1 if nxt.kind in ("country", "capital", "metonym") else None

    def _mention(self, doc: Doc, group: list[_Hit], date: str | None) -> Mention:
        start, end = group[0].start, group[-1].end
        person = next((h for h in group if h.kind == "person"), None)
        agents = [h for h in group if h.kind == "agent"]
        mods = [h for h in group if h.kind in MODIFIER_KINDS]
        text = doc[start:end].text
        if mods and not agents and person is None and self._locative(doc, start, end):
            place = next((e for e in mods[-1].others if e.kind in ("capital", "city")), None)
            if place is not None:
                mods[-1] = _Hit(mods[-1].start, mods[-1].end, place.kind, entry=place)
        if person is not None and agents and agents[-1].start > person.start:
            actor = self._government_of(person, text, date, agents[-1])
            kind, head_hit = "agent", agents[-1]
        elif person is not None:
            actor = self._person_actor(person, text, date, mods)
            kind, head_hit = "person", person
        elif mods:
            mod = mods[-1]
            actor = self._modifier_actor(doc, mod, text, agents)
            kind = "agent" if agents and mod.kind not in ("igo", "group") else mod.kind
            head_hit = agents[-1] if agents else mod
            place = kind in ("capital", "city") or (
                kind == "igo" and mod.entry.code in self.kb.regions
            )
            if place and not agents and self._locative(doc, start, end):
                kind = "city"
        else:
            role = agents[0].entry.role if agents else None
            actor = Actor(text=text, name=text, code=None, role=role, confidence=0.0)
            kind, head_hit = "unresolved", agents[-1]
        head = doc[head_hit.start : head_hit.end].root.i
        if kind != "unresolved" and actor.key is None:
            kind = "unresolved"
        source = person or (mods[-1] if mods else None)
        return Mention(start, end, head, actor, kind, entry=source.entry.id if source else None)

    def _government_of(self, person: _Hit, text: str, date: str | None, agent: _Hit) -> Actor:
        """Return the actor of "the Biden administration": the person's country + the agent role."""
        base = self._person_actor(person, text, date, [])
        code = (base.country or "") + (agent.entry.role or "")
        country, org, role = self.kb.split_code(code)
        return Actor(
            text=text,
            name=base.name,
            code=code if country else None,
            country=country,
            org=org,
            role=role,
            confidence=base.confidence,
        )

    def _person_actor(self, hit: _Hit, text: str, date: str | None, mods: list[_Hit]) -> Actor:
        entry = hit.entry
        role, valid = entry.role_on(date)
        conf = (
            self.settings.actor_confidence_short
            if hit.short
            else self.settings.actor_confidence_name
        )
        if role is not None and valid:
            code = role.code
        else:
            country = entry.country or (mods[0].entry.country if mods else None)
            code = (country + "ELI") if country and role is not None else country
            if code is None and role is not None:
                code = role.code
            conf = min(conf, self.settings.actor_confidence_outside_role)
        if not entry.roles and entry.code:
            code = entry.code
        country, org, rl = self.kb.split_code(code)
        return Actor(
            text=text,
            name=entry.name,
            code=code,
            country=country or (entry.country if org is None else None),
            org=org,
            role=rl,
            confidence=conf,
        )

    def _modifier_actor(self, doc: Doc, mod: _Hit, text: str, agents: list[_Hit]) -> Actor:
        entry = mod.entry
        code = entry.code
        if agents and entry.kind not in ("igo", "group", "metonym") and entry.country:
            code = entry.country + (agents[0].entry.role or "")
        elif entry.kind == "capital" and not agents and self.settings.actor_capital_as_government:
            code = (entry.country or "") + "GOV"
        country, org, role = self.kb.split_code(code)
        if entry.kind == "igo":
            org = entry.org
        short = entry.kind in ("demonym", "capital", "city")
        conf = (
            self.settings.actor_confidence_short
            if short and not agents
            else self.settings.actor_confidence_name
        )
        return Actor(
            text=text,
            name=entry.name,
            code=code,
            country=country or entry.country,
            org=org if entry.kind != "group" or not entry.country else None,
            role=role or entry.role,
            confidence=conf,
        )

    def _locative(self, doc: Doc, start: int, end: int) -> bool:
        """Return whether the span is the object of a locative preposition ("in Moscow")."""
        root = doc[start:end].root
        if root.dep_ == "pobj" and root.head.lower_ in self.locative:
            return True
        return start > 0 and doc[start - 1].lower_ in self.locative

    def _reference(self, doc: Doc, hit: _Hit) -> Mention:
        text = doc[hit.start : hit.end].text
        head = doc[hit.start : hit.end].root.i
        return Mention(
            hit.start,
            hit.end,
            head,
            Actor(text=text, name=None, code=None, confidence=0.0),
            hit.kind,
        )

    # --- NER names the KB lacks -----------------------------------------------------------
    def _add_unresolved(self, doc: Doc, mentions: list[Mention], ents: dict) -> list[Mention]:
        covered = set()
        by_end = {m.end: m for m in mentions if m.kind == "agent"}
        for m in mentions:
            covered.update(range(m.start, m.end))
        for ent in doc.ents:
            if ent.label_ not in self.ent_labels or any(
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
        if not people or len(people) > 1 or not _trusted(people[0]):
            return None
        hit = _Hit(start, end, "person", entry=people[0], short=True)
        actor = self._person_actor(hit, doc[start:end].text, None, [])
        return Mention(start, end, last.i, actor, "person", entry=people[0].id)


def _trusted(entry: Entry) -> bool:
    """Curated and user entries may be matched by a bare surname or one-word alias."""
    return entry.source.startswith(("curated", "user"))


def _disambiguate(hits: list[_Hit]) -> list[_Hit]:
    """Read an ambiguous alias (RSF) as the actor the article names unambiguously elsewhere."""
    named = {h.entry.id for h in hits if h.entry is not None and not h.others}
    for h in hits:
        if h.others and h.entry.id not in named:
            known = next((e for e in h.others if e.id in named), None)
            if known is not None:
                h.others = (h.entry, *(e for e in h.others if e is not known))
                h.entry, h.kind = known, known.kind
    return hits


def _introduced(hits: list[_Hit]) -> list[_Hit]:
    """Drop a bare surname of a less known person (not curated) not named in full before it."""
    named: set[str] = set()
    out = []
    for h in hits:
        if h.kind == "person" and h.entry is not None:
            if h.short and not _trusted(h.entry) and h.entry.id not in named:
                continue
            named.add(h.entry.id)
        out.append(h)
    return out


def _same_caps(text: str, alias: str) -> bool:
    return [c for c in text if c.isalpha()] == [c for c in alias if c.isalpha()]


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


def _entity_index(doc: Doc) -> dict[int, tuple[int, int, str]]:
    """Map each token inside a named entity to (entity start, entity end, label)."""
    index: dict[int, tuple[int, int, str]] = {}
    for ent in doc.ents:
        value = (ent.start, ent.end, ent.label_)
        for i in range(ent.start, ent.end):
            index[i] = value
    return index


def _choose(entries: list[Entry], ent: tuple[int, int, str] | None, date: str | None) -> Entry:
    """Pick one entry for an ambiguous alias: the parser's entity type, then dates, then kind."""
    if len(entries) == 1:
        return entries[0]
    label = ent[2] if ent else ""

    def score(e: Entry) -> tuple:
        ner = (label == "PERSON") == (e.kind == "person")
        _, valid = e.role_on(date)
        return (not ner, not valid, KIND_ORDER.get(e.kind, 9))

    return min(entries, key=score)
