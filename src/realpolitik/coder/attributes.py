"""Attributes of an event read from its sentence: amount of money, fatalities and event date."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from spacy.tokens import Span, Token

from realpolitik.models import Amount

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AttributeWords:
    """Word lists for attributes, loaded from coder/data/attributes.yaml."""

    numbers: dict[str, int]
    scales: dict[str, float]
    currencies: dict[str, str]
    death_verbs: frozenset[str]
    death_nouns: frozenset[str]
    victim_nouns: frozenset[str]
    weekdays: dict[str, int]
    relative_days: dict[str, int]
    months: dict[str, int]


@cache
def attribute_words() -> AttributeWords:
    """Load the attribute word lists (immutable package data, read once)."""
    text = (resources.files("realpolitik.coder.data") / "attributes.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return AttributeWords(
        numbers={k.lower(): int(v) for k, v in data["numbers"].items()},
        scales={k.lower(): float(v) for k, v in data["scales"].items()},
        currencies={k: v for k, v in data["currencies"].items()},
        death_verbs=frozenset(data["death_verbs"]),
        death_nouns=frozenset(data["death_nouns"]),
        victim_nouns=frozenset(data["victim_nouns"]),
        weekdays={k.lower(): int(v) for k, v in data["weekdays"].items()},
        relative_days={k.lower(): int(v) for k, v in data["relative_days"].items()},
        months={k.lower(): int(v) for k, v in data["months"].items()},
    )


_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")


def parse_number(text: str) -> float | None:
    """Return the value of "1,200", "2.5" or a number word ("six", "dozens"), else None."""
    words = attribute_words()
    cleaned = text.strip().lower()
    if _NUMBER.match(cleaned):
        return float(cleaned.replace(",", ""))
    return float(words.numbers[cleaned]) if cleaned in words.numbers else None


_MONEY = re.compile(
    r"(?P<sym>US\$|\$|€|£|¥)\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>[a-zA-Z]+)?"
    r"|(?P<num2>\d[\d,]*(?:\.\d+)?)\s*(?P<scale2>million|billion|trillion|thousand|bn|m)?\s*"
    r"(?P<cur>dollars|euros|pounds|yuan|rubles|roubles|yen|rupees|USD|EUR|GBP|CNY|RUB|JPY|INR)\b"
)


def find_amount(text: str) -> Amount | None:
    """Return the first sum of money in ``text`` ("$567 million" -> 567000000 USD)."""
    words = attribute_words()
    for match in _MONEY.finditer(text):
        num = match.group("num") or match.group("num2")
        scale = (match.group("scale") or match.group("scale2") or "").lower()
        symbol = match.group("sym") or match.group("cur")
        value = parse_number(num)
        if value is None:
            continue
        factor = words.scales.get(scale, 1.0)
        surface = match.group(0).strip()
        if scale and scale not in words.scales:  # "$5 to" - the word is not a scale
            surface = surface[: -len(match.group("scale") or "")].strip()
        currency = words.currencies.get(symbol, words.currencies.get(symbol.lower(), symbol))
        return Amount(value=value * factor, currency=currency, text=surface)
    return None


def _count_of(token: Token) -> int | None:
    """Return the number attached to a noun ("at least six civilians" -> 6)."""
    for child in token.children:
        if child.dep_ in {"nummod", "quantmod", "amod"} or child.like_num:
            value = parse_number(child.text)
            if value is not None:
                return int(value)
    return None


def find_fatalities(sent: Span) -> int | None:
    """Return the number of people killed in the sentence, if it states one."""
    words = attribute_words()
    best: int | None = None
    for token in sent:
        lemma = token.lemma_.lower()
        candidates: list[Token] = []
        if token.pos_ == "VERB" and lemma in words.death_verbs:
            if any(c.dep_ == "auxpass" for c in token.children) or lemma in {"die", "perish"}:
                candidates += [c for c in token.children if c.dep_ in {"nsubjpass", "nsubj"}]
            else:
                candidates += [c for c in token.children if c.dep_ in {"dobj", "obj"}]
        elif lemma in words.death_nouns:  # "a death toll of 30", "30 dead"
            candidates.append(token)
            candidates += [c for c in token.subtree if c.like_num]
        for cand in candidates:
            count = parse_number(cand.text) if cand.like_num else _count_of(cand)
            if count is None and cand.lemma_.lower() in words.victim_nouns:
                count = _count_of(cand)
            if count is not None:
                best = max(best or 0, int(count))
    return best


def event_date(sent: Span, article_date: str | None) -> str | None:
    """Shift the article date by a relative date in the sentence ("on Monday", "yesterday")."""
    if not article_date:
        return None
    try:
        base = dt.date.fromisoformat(article_date[:10])
    except ValueError:
        return article_date
    try:
        return _relative_date(base, [t.lower_ for t in sent])
    except (OverflowError, ValueError):  # a shift past year 1 or 9999: keep the article's date
        return base.isoformat()


def _relative_date(base: dt.date, tokens: list[str]) -> str:
    """Return the date the sentence's first relative date word names, else the base date."""
    words = attribute_words()
    for i, word in enumerate(tokens):
        if word in words.relative_days:
            return (base + dt.timedelta(days=words.relative_days[word])).isoformat()
        if word in words.weekdays and (i == 0 or tokens[i - 1] in {"on", "last", "late", "early"}):
            delta = (base.weekday() - words.weekdays[word]) % 7
            return (base - dt.timedelta(days=delta)).isoformat()
        if word in words.months and i + 1 < len(tokens) and tokens[i + 1].isdigit():
            return _month_day(base, words.months[word], int(tokens[i + 1]))
        if word.isdigit() and i + 1 < len(tokens) and tokens[i + 1] in words.months:
            return _month_day(base, words.months[tokens[i + 1]], int(word))
    return base.isoformat()


def _month_day(base: dt.date, month: int, day: int) -> str:
    if not 1 <= day <= 31:
        return base.isoformat()
    try:
        candidate = dt.date(base.year, month, day)
    except ValueError:
        return base.isoformat()
    if candidate > base + dt.timedelta(days=2):  # news reports the past: "March 30" in January
        candidate = candidate.replace(year=base.year - 1)
    return candidate.isoformat()
