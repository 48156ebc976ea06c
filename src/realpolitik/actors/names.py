"""Normalise names and spell their variants: the one place alias keys are made.

A key is what the knowledge base indexes and what a matched span is looked up by: lower case,
accents removed, typographic apostrophes and dashes unified, tokens joined by single spaces.
"""

from __future__ import annotations

import logging
import re
import unicodedata

logger = logging.getLogger(__name__)

_PUNCT = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
_SPACES = re.compile(r"\s+")
_SLAVIC_END = re.compile(r"(?:(?<=[bcdfghklmnprstvwxz])(yy|iy|yi|ij)|(?<=[scz]k)(y|i))$")
_ENDINGS = ("yy", "iy", "yi", "y", "i")
_PAIRS = (
    ("sergei", "sergey"),
    ("yevgeny", "evgeny"),
    ("aleksandr", "alexander"),
    ("aleksei", "alexei"),
    ("alexey", "alexei"),
    ("shoigu", "shoygu"),
    ("kiev", "kyiv"),
    ("mohammed", "mohammad"),
    ("muhammad", "mohammed"),
    ("mikhail", "michael"),
    ("dmitry", "dmitri"),
    ("yury", "yuri"),
    ("andriy", "andrii"),
    ("oleksiy", "oleksii"),
)


def fold(text: str) -> str:
    """Return ``text`` without accents, with unified apostrophes and dashes, in lower case."""
    text = text.translate(_PUNCT)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


def alias_key(text: str) -> str:
    """Return the lookup key of a name written as plain text (whitespace collapsed)."""
    if text.isascii() and "`" not in text:
        key = text.lower()
        return key if "  " not in key and key == key.strip() else " ".join(key.split())
    return _SPACES.sub(" ", fold(text)).strip()


def slug(text: str) -> str:
    """Return a stable ASCII identifier for a name ("Sergey Lavrov" -> "sergey-lavrov")."""
    return re.sub(r"[^a-z0-9]+", "-", alias_key(text)).strip("-")


def word_variants(word: str) -> set[str]:
    """Return transliteration variants of one word (Zelenskyy/Zelensky/Zelenskiy, Sergei/Sergey)."""
    out = {word}
    plain = unicodedata.normalize("NFKD", word)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    out.add(plain)
    low = plain.lower()
    for a, b in _PAIRS:
        for x, y in ((a, b), (b, a)):
            if low == x:
                out.add(_recase(y, plain))
    if len(plain) >= 6 and plain[:1].isupper() and _SLAVIC_END.search(plain):
        stem = _SLAVIC_END.sub("", plain)
        out.update(stem + end for end in _ENDINGS)
    return out


def _recase(new: str, like: str) -> str:
    return new.upper() if like.isupper() else new.capitalize() if like[:1].isupper() else new


def name_variants(name: str) -> set[str]:
    """Return spelling variants of a multi-word name, varying each word."""
    variants = {""}
    for word in name.split():
        variants = {f"{v} {w}".strip() for v in variants for w in word_variants(word)}
        if len(variants) > 64:
            variants = set(list(variants)[:64])
    return variants | {name}


def surname_variants(name: str) -> set[str]:
    """Return the spelling variants of a single-word name."""
    return word_variants(name) if len(name.split()) == 1 else name_variants(name)


def plural(phrase: str) -> str:
    """Return the regular English plural of a noun phrase (last word inflected)."""
    head, _, last = phrase.rpartition(" ")
    low = last.lower()
    if low.endswith("man") and not low.endswith(("human", "german", "ottoman")):
        form = last[:-3] + ("MEN" if last.isupper() else "men")
    elif re.search(r"[^aeiou]y$", low):
        form = last[:-1] + ("IES" if last.isupper() else "ies")
    elif low.endswith(("s", "x", "z", "ch", "sh")):
        form = last + ("ES" if last.isupper() else "es")
    else:
        form = last + ("S" if last.isupper() else "s")
    return f"{head} {form}".strip()


def same_caps(text: str, alias: str) -> bool:
    """Return whether ``text`` has the letters of ``alias`` in the same case (US, not "us")."""
    return [c for c in text if c.isalpha()] == [c for c in alias if c.isalpha()]
