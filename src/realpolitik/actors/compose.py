"""Compose adjacent hits into one actor mention each and give it its CAMEO actor.

"Russian" + "Foreign Minister" + "Sergei Lavrov" -> RUSGOV, "Russia" + "'s" + "foreign ministry"
-> RUSGOV, "Chinese" + "troops" -> CHNMIL, "the government of Japan" -> JPNGOV; people take the
role valid on the article date; a capital or region after a locative preposition is a place.
"""

from __future__ import annotations

import logging

from spacy.tokens import Doc

from realpolitik.actors.constructions import PLACE, STANCE, dateline
from realpolitik.actors.hits import Hit
from realpolitik.actors.kb import KnowledgeBase
from realpolitik.actors.lexicon import Rules
from realpolitik.actors.mention import MODIFIER_KINDS, Mention
from realpolitik.models import Actor
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)


class Composer:
    """Turn the selected hits of a Doc into mentions with actors."""

    def __init__(self, kb: KnowledgeBase, rules: Rules, settings: Settings) -> None:
        self.kb = kb
        self.rules = rules
        self.settings = settings

    def __call__(self, doc: Doc, hits: list[Hit], date: str | None) -> list[Mention]:
        """Return one mention per compound of adjacent hits (references stay bare)."""
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
            reading = hits[i].reading
            if reading is not None and reading.how in (STANCE, PLACE):
                mentions.append(self._hyphenated(doc, hits[i], date))
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

    def _joins(self, doc: Doc, group: list[Hit], nxt: Hit) -> bool:
        """Return whether ``nxt`` continues the compound ``group`` (adjacent, or after 's)."""
        last = group[-1]
        gap = nxt.start - last.end
        if (
            gap == 1
            and doc[last.end].text in self.rules.possessives
            and last.kind in MODIFIER_KINDS
        ):
            pass
        elif gap != 0:
            return False
        if nxt.kind in ("pronoun", "role_noun", "city", "capital"):
            return False
        if last.kind == "person":
            return (
                nxt.kind == "agent"
                and gap == 0
                and doc[nxt.start].lower_ in self.rules.person_agents
            )
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
        # "British Red Cross": a country word, then a body made of national societies
        return self._national_branch(group[-1], nxt) and all(
            k in ("country", "demonym") for k in kinds
        )

    def _role_noun_of_country(self, doc: Doc, hits: list[Hit], i: int) -> list[Hit] | None:
        """Read "the government of Japan" as an agent compound, not as a reference."""
        hit = hits[i]
        role = hit.info.get("role") if hit.kind == "role_noun" else None
        agent = self.kb.entries.get(f"agent/{role}") if role else None
        if agent is None:
            return None
        as_agent = Hit(hit.start, hit.end, "agent", entry=agent)
        tail = self._agent_country(doc, [as_agent], hits, i)
        return [as_agent, hits[tail]] if tail is not None else None

    def _agent_country(self, doc: Doc, group: list[Hit], hits: list[Hit], i: int) -> int | None:
        """Return the index of a country hit attached as "agent of/from/in [the] COUNTRY"."""
        if any(h.kind != "agent" for h in group) or i + 1 >= len(hits):
            return None
        nxt = hits[i + 1]
        between = [t.lower_ for t in doc[group[-1].end : nxt.start]]
        if not between or between[0] not in self.rules.agent_preps or len(between) > 2:
            return None
        if len(between) == 2 and between[1] != "the":
            return None
        return i + 1 if nxt.kind in ("country", "capital", "metonym") else None

    def _mention(self, doc: Doc, group: list[Hit], date: str | None) -> Mention:
        start, end = group[0].start, group[-1].end
        person = next((h for h in group if h.kind == "person"), None)
        agents = [h for h in group if h.kind == "agent"]
        mods = [h for h in group if h.kind in MODIFIER_KINDS]
        text = doc[start:end].text
        if mods and not agents and person is None and self.locative(doc, start, end):
            place = next((e for e in mods[-1].others if e.kind in ("capital", "city")), None)
            if place is not None:
                mods[-1] = Hit(mods[-1].start, mods[-1].end, place.kind, entry=place)
        if person is not None and agents and agents[-1].start > person.start:
            actor = self._government_of(person, text, date, agents[-1])
            kind, head_hit = "agent", agents[-1]
        elif person is not None:
            actor = self.person_actor(person, text, date, mods)
            kind, head_hit = "person", person
        elif len(mods) > 1 and self._national_branch(mods[-2], mods[-1]):
            actor = self._branch_actor(mods[-2], mods[-1], text, date)
            kind, head_hit = "agent", mods[-1]
        elif mods:
            mod = mods[-1]
            actor = self._modifier_actor(doc, mod, text, agents, date)
            kind = "agent" if agents and mod.kind not in ("igo", "group") else mod.kind
            head_hit = agents[-1] if agents else mod
            place = kind in ("capital", "city") or (
                kind == "igo" and mod.entry.code in self.kb.regions
            )
            if place and not agents and self.locative(doc, start, end):
                kind = "city"
            elif kind in ("capital", "city", "country") and dateline(doc, start, end, self.rules):
                kind = "city"  # "BERLIN --", "HANOI, Vietnam --"
        else:
            role = agents[0].entry.role if agents else None
            actor = Actor(text=text, name=text, code=None, role=role, confidence=0.0)
            kind, head_hit = "unresolved", agents[-1]
        head = doc[head_hit.start : head_hit.end].root.i
        if kind != "unresolved" and actor.key is None:
            kind = "unresolved"
        source = person or (mods[-1] if mods else None)
        return Mention(start, end, head, actor, kind, entry=source.entry.id if source else None)

    def _hyphenated(self, doc: Doc, hit: Hit, date: str | None) -> Mention:
        """Return "anti-Pyongyang" as an attitude toward PRK, "London-based" as a place."""
        text = doc[hit.start : hit.end].text
        actor = self._modifier_actor(doc, hit, text, [], date)
        head = doc[hit.start : hit.end].root.i
        entry = hit.entry.id if hit.entry else None
        if hit.reading.how == STANCE:
            return Mention(
                hit.start, hit.end, head, actor, "attitude", entry=entry, stance=hit.reading.word
            )
        return Mention(hit.start, hit.end, head, actor, "city", entry=entry)

    def _government_of(self, person: Hit, text: str, date: str | None, agent: Hit) -> Actor:
        """Return the actor of "the Biden administration": the person's country + the agent role."""
        base = self.person_actor(person, text, date, [])
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

    def person_actor(self, hit: Hit, text: str, date: str | None, mods: list[Hit]) -> Actor:
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

    def _national_branch(self, country: Hit, body: Hit) -> bool:
        """Return whether ``country`` + ``body`` name a country's own society of an
        international body made of national ones ("British" + "Red Cross")."""
        return (
            body.kind == "igo"
            and body.entry.org in self.rules.national_branches
            and country.kind in ("country", "demonym")
            and bool(country.entry.country)
        )

    def _branch_actor(self, country: Hit, body: Hit, text: str, date: str | None) -> Actor:
        """Return the country's national society: the country with the body's branch role."""
        home = self.kb.dated(country.entry.country, date)
        role = self.rules.national_branches[body.entry.org]
        return Actor(
            text=text,
            name=text,
            code=home + role,
            country=home,
            role=role,
            confidence=self.settings.actor_confidence_name,
        )

    def _modifier_actor(
        self, doc: Doc, mod: Hit, text: str, agents: list[Hit], date: str | None
    ) -> Actor:
        entry = mod.entry
        code = self.kb.code_on(entry, date)
        home = self.kb.dated(entry.country, date)
        if agents and entry.kind not in ("igo", "group", "metonym") and home:
            code = home + (agents[0].entry.role or "")
        elif (
            entry.kind == "capital"
            and not agents
            and (self.settings.actor_capital_as_government or self._argument(doc, mod))
        ):
            code = (home or "") + "GOV"
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

    def _argument(self, doc: Doc, hit: Hit) -> bool:
        """Return whether a name is an argument of a clause (subject, object...), not a place.

        A conjunct counts as the first conjunct ("Oslo and Athens agreed"); the object of a
        preposition only after an actor preposition ("talks with Ottawa", not "flew to Berlin").
        """
        if hit.reading is not None or self.locative(doc, hit.start, hit.end):
            return False
        if dateline(doc, hit.start, hit.end, self.rules):
            return False
        token = doc[hit.start : hit.end].root
        while token.dep_ == "conj" and token.head.i != token.i:
            token = token.head
        if token.dep_ == "pobj":
            return token.head.lower_ in self.rules.argument_preps
        return token.dep_ in self.rules.argument_deps

    def locative(self, doc: Doc, start: int, end: int) -> bool:
        """Return whether the span is the object of a locative preposition ("in Moscow")."""
        root = doc[start:end].root
        if root.dep_ == "pobj" and root.head.lower_ in self.rules.locative:
            return True
        return start > 0 and doc[start - 1].lower_ in self.rules.locative

    def _reference(self, doc: Doc, hit: Hit) -> Mention:
        text = doc[hit.start : hit.end].text
        head = doc[hit.start : hit.end].root.i
        return Mention(
            hit.start,
            hit.end,
            head,
            Actor(text=text, name=None, code=None, confidence=0.0),
            hit.kind,
        )
