"""Longest-match phrase matching over the hashes spaCy already stores for each token.

Equivalent to ``spacy.matcher.PhraseMatcher(vocab, attr="LOWER")`` for our use, but built from
plain strings: a pattern is the tuple of the lower-case string ids of its tokens, so building
the index for ~25,000 aliases costs no Doc or Lexeme objects (PhraseMatcher took 1.5-2.3 s on
this KB; this takes about 0.1 s) and matching reads ``Doc.to_array(LOWER)`` once per doc.
Phrases that are not plain words ("Guinea-Bissau", "U.S.") are split as the build script
recorded the tokenizer splitting them (data/tokens.tsv), else by the tokenizer itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import numpy as np
from spacy.attrs import LOWER
from spacy.strings import get_string_id
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

logger = logging.getLogger(__name__)

_SIMPLE = re.compile(r"^[A-Za-z]+(?: [A-Za-z]+)*$")


def tokenize(tokenizer: Tokenizer, text: str) -> list[str]:
    """Return the lower-cased tokens spaCy's tokenizer makes of ``text``."""
    return [t.lower_ for t in tokenizer(text) if not t.is_space]


def is_simple(text: str) -> bool:
    """Return whether a phrase is plain words that split on spaces exactly as spaCy splits them."""
    return _SIMPLE.match(text) is not None


class AliasMatcher:
    """Find every (start, end, key) whose lower-cased tokens spell one of the added phrases."""

    def __init__(self, tokenizer: Tokenizer, *, known: dict[str, list[str]] | None = None) -> None:
        """Tokenize phrases that are not plain words with ``tokenizer``, unless ``known`` has them.

        known: surface text -> its lower-cased tokens, as the build script recorded them
        """
        self.tokenizer = tokenizer
        self.known = known or {}
        self._exceptions = {k.lower() for k in (tokenizer.rules or {})}
        self._patterns: dict[tuple[int, ...], str] = {}
        self._prefixes: set[tuple[int, ...]] = set()  # every phrase's shorter beginnings
        self._first: dict[int, int] = {}
        self._firsts: np.ndarray | None = None  # the keys of _first, sorted, for _members

    def add(self, phrases: Iterable[tuple[str, str]]) -> None:
        """Add (surface text, key) pairs; the surface is tokenized as the doc text will be."""
        for text, key in phrases:
            words = self._words(text)
            if not words:
                continue
            ids = tuple(map(get_string_id, words))
            self._patterns.setdefault(ids, key)
            self._prefixes.update(ids[:k] for k in range(1, len(ids)))
            self._firsts = None
            if self._first.get(ids[0], 0) < len(ids):
                self._first[ids[0]] = len(ids)

    def _words(self, text: str) -> list[str]:
        """Return the lower-cased tokens of a phrase (split on spaces when that is safe)."""
        if _SIMPLE.match(text):
            words = text.lower().split(" ")
            if self._exceptions.isdisjoint(words):
                return words
        known = self.known.get(text)
        if known is not None:
            return known
        return tokenize(self.tokenizer, text)

    def __call__(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Return all matches, for each start the longer ones first."""
        if not len(doc):
            return []
        return self.match_ids(doc.to_array(LOWER).tolist())

    def match_ids(self, ids: list[int]) -> list[tuple[int, int, str]]:
        """Return all matches in a token sequence given as lower-case string ids (a doc's
        ``to_array(LOWER)``, which the pre-filter computes once), for each start the longer
        ones first."""
        first, patterns, prefixes = self._first, self._patterns, self._prefixes
        n = len(ids)
        out: list[tuple[int, int, str]] = []
        if not first:
            return out
        if self._firsts is None:
            self._firsts = np.sort(np.fromiter(first, dtype=np.uint64, count=len(first)))
        for i in _members(np.asarray(ids, dtype=np.uint64), self._firsts).tolist():
            found = len(out)
            words: tuple[int, ...] = ()
            for j in range(i, min(i + first[ids[i]], n)):  # grow while a phrase begins so
                words += (ids[j],)
                key = patterns.get(words)
                if key is not None:
                    out.append((i, j + 1, key))
                if words not in prefixes:
                    break
            out[found:] = out[found:][::-1]  # longer ones first
        return out

    def __len__(self) -> int:
        return len(self._patterns)


def _members(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Return the positions of ``values`` found in the sorted, non-empty array ``table``."""
    at = np.minimum(np.searchsorted(table, values), len(table) - 1)
    return np.flatnonzero(table[at] == values)
