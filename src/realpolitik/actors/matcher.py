"""Longest-match phrase matching over the hashes spaCy already stores for each token.

Equivalent to ``spacy.matcher.PhraseMatcher(vocab, attr="LOWER")`` for our use, but built from
plain strings: a pattern is the tuple of the lower-case string ids of its tokens, so building
the index for ~20,000 aliases costs no Doc or Lexeme objects (PhraseMatcher took 1.5-2.3 s on
this KB; this takes about 0.1 s) and matching reads ``Doc.to_array(LOWER)`` once per doc.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from spacy.attrs import LOWER
from spacy.strings import get_string_id
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

logger = logging.getLogger(__name__)

_SIMPLE = re.compile(r"^[A-Za-z]+(?: [A-Za-z]+)*$")


class AliasMatcher:
    """Find every (start, end, key) whose lower-cased tokens spell one of the added phrases."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self._exceptions = {k.lower() for k in (tokenizer.rules or {})}
        self._patterns: dict[tuple[int, ...], str] = {}
        self._first: dict[int, int] = {}

    def add(self, phrases: Iterable[tuple[str, str]]) -> None:
        """Add (surface text, key) pairs; the surface is tokenized as the doc text will be."""
        for text, key in phrases:
            words = self._words(text)
            if not words:
                continue
            ids = tuple(get_string_id(w.lower()) for w in words)
            self._patterns.setdefault(ids, key)
            if self._first.get(ids[0], 0) < len(ids):
                self._first[ids[0]] = len(ids)

    def _words(self, text: str) -> list[str]:
        if _SIMPLE.match(text) and not any(w.lower() in self._exceptions for w in text.split(" ")):
            return text.split(" ")
        return [t.text for t in self.tokenizer(text) if not t.is_space]

    def __call__(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Return all matches, for each start the longer ones first."""
        if not len(doc):
            return []
        ids = doc.to_array(LOWER).tolist()
        first, patterns = self._first, self._patterns
        n = len(ids)
        out = []
        for i, h in enumerate(ids):
            longest = first.get(h)
            if longest is None:
                continue
            for length in range(min(longest, n - i), 0, -1):
                key = patterns.get(tuple(ids[i : i + length]))
                if key is not None:
                    out.append((i, i + length, key))
        return out

    def __len__(self) -> int:
        return len(self._patterns)
