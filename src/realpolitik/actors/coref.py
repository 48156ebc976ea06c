"""Link pronouns and role nouns to the actors they refer to, within one article.

A pronoun ("he", "its", "they") or role noun ("the minister", "the island", "the bloc") takes the
nearest earlier mention, within ``Settings.actor_coref_sentences`` sentences, that agrees with it
in kind, gender and number and meets its constraint (a title word, a country tag). Subjects are
preferred over other mentions of the same sentence; a pronoun object never takes the subject of
its own verb ("Lavrov praised him"). Unresolvable references are dropped.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from realpolitik.actors.kb import KnowledgeBase
from realpolitik.actors.lexicon import Rules
from realpolitik.actors.mention import Mention
from realpolitik.models import Actor
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
OBJECT_DEPS = frozenset({"dobj", "pobj", "iobj", "dative"})
PLURAL_AGENT_TAGS = frozenset({"NNS", "NNPS"})
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "acomp", "csubj", "advcl"})
# mentions no reference may point to: attitudes ("anti-Tokyo") and pairs
NOT_PAIR_KINDS = frozenset({"attitude", "pair", "city"})


@dataclass(frozen=True)
class Linker:
    """What coreference reads: the knowledge base, the rule words and the settings."""

    kb: KnowledgeBase
    rules: Rules
    settings: Settings


def resolve_references(
    doc: Doc, mentions: list[Mention], linker: Linker, refs: dict[int, dict]
) -> list[Mention]:
    """Fill the actor and antecedent of each pronoun and role noun; drop those left unresolved.

    refs: the lexicon item (lexicon.yaml pronouns / role_nouns) of each reference, by start
    """
    settings = linker.settings
    out: list[Mention] = []
    sent_of = _sentence_index(doc, mentions)
    for m in mentions:
        if m.kind not in ("pronoun", "role_noun"):
            out.append(m)
            continue
        info = refs.get(m.start)
        if info is None or _expletive(doc, m, linker):
            continue
        window = min(
            info.get("window", settings.actor_coref_sentences), settings.actor_coref_sentences
        )
        if info.get("pair"):
            pair = _pair(m, out, info, sent_of, window)
            if pair is not None:
                out.append(_pair_mention(doc, m, out, pair, info, settings))
            continue
        index = _antecedent(doc, m, out, info, sent_of, window, linker)
        if index is None:
            continue
        root = _root(out, out[index])
        text = doc[m.start : m.end].text
        meant = (info.get("of") or {}).get(out[index].actor.country or "")
        if meant and meant != out[index].actor.country:
            actor = _country_actor(linker.kb, meant, text, settings, info.get("role"))
            out.append(replace(m, actor=actor, antecedent=index))
            continue
        actor = _copy(out[index].actor, text, settings.actor_confidence_coref, info.get("role"))
        out.append(replace(m, actor=actor, antecedent=index, entry=root.entry))
    return out


def _pair(
    m: Mention, prior: list[Mention], info: dict, sent_of: dict[int, int], window: int
) -> tuple[int, int] | None:
    """Return the indices of the last two distinct actors a pair reference ("both sides") means."""
    here = sent_of.get(m.start, 0)
    kinds = info.get("kinds", ())
    found: dict[str, int] = {}
    for idx in range(len(prior) - 1, -1, -1):
        cand = prior[idx]
        if here - sent_of.get(cand.start, 0) > window:
            break
        key = cand.actor.key
        if cand.end > m.start or key is None or key in found:
            continue
        if _root(prior, cand).kind not in kinds or cand.kind in NOT_PAIR_KINDS:
            continue
        found[key] = idx
        if len(found) == 2:
            first, second = sorted(found.values())
            return first, second
    return None


def _pair_mention(
    doc: Doc,
    m: Mention,
    prior: list[Mention],
    pair: tuple[int, int],
    info: dict,
    settings: Settings,
) -> Mention:
    """Return a ``pair`` mention: no actor of its own, its two members in order of mention."""
    text = doc[m.start : m.end].text
    conf = settings.actor_confidence_coref
    members = tuple(
        _state(a, text, conf, info.get("role"))
        if info.get("states") and a.country
        else _copy(a, text, conf, info.get("role"))
        for a in (prior[i].actor for i in pair)
    )
    actor = Actor(text=text, name=None, code=None, confidence=min(a.confidence for a in members))
    return replace(m, actor=actor, kind="pair", members=members, antecedents=pair)


def _state(actor: Actor, text: str, confidence: float, role: str | None) -> Actor:
    """Return the state an actor belongs to ("both countries" after "Boeing": USA, not USABUS)."""
    return Actor(
        text=text,
        name=actor.name,
        code=actor.country + (role or ""),
        country=actor.country,
        role=role,
        confidence=round(min(actor.confidence, confidence), 3),
    )


def _country_actor(
    kb: KnowledgeBase, code: str, text: str, settings: Settings, role: str | None
) -> Actor:
    """Return the actor of an elliptical name ("the North" -> PRK) with the reference's role."""
    return Actor(
        text=text,
        name=kb.country_name(code),
        code=code + (role or ""),
        country=code,
        role=role,
        confidence=settings.actor_confidence_coref,
    )


def _sentence_index(doc: Doc, mentions: list[Mention]) -> dict[int, int]:
    """Map token index -> sentence number for the tokens mentions start at."""
    starts = sorted({m.start for m in mentions} | {m.head for m in mentions})
    if not doc.has_annotation("SENT_START"):
        return dict.fromkeys(starts, 0)
    firsts = [sent.start for sent in doc.sents]
    return {i: bisect_right(firsts, i) - 1 for i in starts}


def _antecedent(
    doc: Doc,
    m: Mention,
    prior: list[Mention],
    info: dict,
    sent_of: dict[int, int],
    window: int,
    linker: Linker,
) -> int | None:
    """Return the index into ``prior`` of the best antecedent for ``m``, or None."""
    if info.get("number") == "pl" and m.kind == "role_noun":
        return None
    here = sent_of.get(m.start, 0)
    best, best_score = None, None
    barred = {
        _root(prior, c).entry or id(c)
        for c in _same_sentence(prior, m, sent_of)
        if m.kind == "pronoun" and c.end <= m.start and _same_clause_subject(doc, m, c)
    }
    for idx in range(len(prior) - 1, -1, -1):
        cand = prior[idx]
        if cand.end > m.start or cand.actor.key is None:
            continue
        distance = here - sent_of.get(cand.start, 0)
        if distance > window:
            break
        if not _agrees(doc, m, cand, _root(prior, cand), info, linker):
            continue
        if (_root(prior, cand).entry or id(cand)) in barred:
            continue
        subject = doc[cand.head].dep_ in SUBJECT_DEPS
        score = (distance, not subject, m.start - cand.end)
        if best_score is None or score < best_score:
            best, best_score = idx, score
    return best


def _same_sentence(prior: list[Mention], m: Mention, sent_of: dict[int, int]) -> list[Mention]:
    """Return the earlier mentions in the sentence of ``m`` (scanning back from the end)."""
    here = sent_of.get(m.start, 0)
    out = []
    for cand in reversed(prior):
        if sent_of.get(cand.start, 0) != here:
            break
        out.append(cand)
    return out


def _expletive(doc: Doc, m: Mention, linker: Linker) -> bool:
    """Return whether a pronoun "it" is a dummy subject ("it is likely that", "it seems")."""
    token = doc[m.head]
    if token.lower_ != "it":
        return False
    if token.dep_ == "expl":
        return True
    verb = token.head
    return (
        token.dep_ in SUBJECT_DEPS
        and verb.lemma_ in linker.rules.expletive_heads
        and any(c.dep_ in CLAUSE_DEPS for c in verb.children)
    )


def _root(prior: list[Mention], m: Mention) -> Mention:
    """Follow antecedent links back to the mention that names the actor."""
    seen = 0
    while m.antecedent is not None and seen < len(prior):
        m = prior[m.antecedent]
        seen += 1
    return m


def _agrees(doc: Doc, m: Mention, cand: Mention, root: Mention, info: dict, linker: Linker) -> bool:
    kind = root.kind
    if m.kind == "role_noun":
        return _role_noun_fits(root, kind, info, linker)
    gender, number = info.get("gender"), info.get("number")
    if gender in ("m", "f"):
        if kind != "person":
            return False
        entry = linker.kb.entries.get(root.entry or "")
        g = entry.gender if entry is not None else ""
        return not g or g == gender
    if number == "pl":
        return kind in ("agent", "group", "demonym") and doc[cand.head].tag_ in PLURAL_AGENT_TAGS
    return kind in ("country", "capital", "metonym", "igo", "group") or (
        kind == "agent" and doc[cand.head].tag_ not in PLURAL_AGENT_TAGS
    )


def _role_noun_fits(cand: Mention, kind: str, info: dict, linker: Linker) -> bool:
    if kind not in info.get("kinds", ()) or cand.kind in NOT_PAIR_KINDS:
        return False
    meant = info.get("of") or {}
    if cand.actor.country in meant:
        return True
    tag = info.get("tag")
    if meant and not tag:
        return False
    if tag:
        country = linker.kb.countries.get(cand.actor.country or "")
        if country is None or tag not in country.tags:
            return False
    titles = info.get("title")
    if titles:
        entry = linker.kb.entries.get(cand.entry or "")
        if entry is None:
            return False
        words = " ".join(r.title.lower() for r in entry.roles)
        return any(t in words for t in titles)
    return True


def _same_clause_subject(doc: Doc, m: Mention, cand: Mention) -> bool:
    """A non-possessive object pronoun cannot take the subject of its own verb."""
    pron = doc[m.head]
    if pron.dep_ not in OBJECT_DEPS:
        return False
    verb = pron.head if pron.dep_ != "pobj" else pron.head.head
    cand_head = doc[cand.head]
    return cand_head.dep_ in SUBJECT_DEPS and cand_head.head == verb


def _copy(actor: Actor, text: str, confidence: float, role: str | None) -> Actor:
    code = actor.code
    if role and actor.country and code == actor.country:
        code = actor.country + role
    return Actor(
        text=text,
        name=actor.name,
        code=code,
        country=actor.country,
        org=actor.org,
        role=role if role and actor.country else actor.role,
        confidence=round(min(actor.confidence, confidence), 3),
    )
