"""A Doc's token attributes read once as integer arrays, for the coder's scans over sentences.

The coder looks at every token of a sentence several times (verbs to build clauses, event nouns,
sports words). Each ``doc[i]`` makes a Python ``Token`` and each ``token.pos_`` a string lookup;
for a sentence that was most of the coder's cost. ``TokenArrays`` holds the attribute ids of all
tokens from one ``Doc.to_array`` call; the scans compare ids with numpy over a sentence's slice
and make ``Token`` objects only for the tokens they keep. Ids are spaCy's string hashes (and
symbol ids for POS), so they compare with :func:`string_id` of the wanted strings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from spacy.attrs import DEP, HEAD, LEMMA, LOWER, POS, TAG
from spacy.strings import get_string_id
from spacy.symbols import IDS as SYMBOLS
from spacy.tokens import Doc, Span

ATTRS = [LOWER, LEMMA, POS, TAG, DEP, HEAD]
MAX_CACHED_STRINGS = 500_000  # the id -> lower-cased string memo is cleared past this size


def string_id(text: str) -> int:
    """Return the id spaCy's arrays hold for a string (its symbol id, else its hash)."""
    return SYMBOLS.get(text) or get_string_id(text)


@dataclass(frozen=True)
class TokenArrays:
    """Attribute ids of every token of one Doc; row ``i`` belongs to ``doc[i]``.

    heads: the index of each token's syntactic head (itself for a root)
    """

    doc: Doc
    lower: np.ndarray
    lemma: np.ndarray
    pos: np.ndarray
    tag: np.ndarray
    dep: np.ndarray
    heads: np.ndarray

    def where(self, sent: Span, mask: np.ndarray) -> list[int]:
        """Return the doc indices of a sentence's tokens where ``mask`` (over the sentence's
        slice) holds, in order."""
        return (np.flatnonzero(mask) + sent.start).tolist()


class ArrayReader:
    """Read a Doc's TokenArrays once; hand them out for each of its sentences."""

    def __init__(self) -> None:
        self._last: TokenArrays | None = None
        self._lowered: dict[int, str] = {}

    def __call__(self, doc: Doc) -> TokenArrays:
        """Return the arrays of ``doc`` (the same object for every sentence of the last Doc)."""
        last = self._last
        if last is not None and last.doc is doc:
            return last
        rows = doc.to_array(ATTRS)
        self._last = TokenArrays(
            doc=doc,
            lower=rows[:, 0],
            lemma=rows[:, 1],
            pos=rows[:, 2],
            tag=rows[:, 3],
            dep=rows[:, 4],
            heads=np.arange(len(doc), dtype=np.int64) + rows[:, 5].astype(np.int64),
        )
        return self._last

    def lowered(self, doc: Doc, key: int) -> str:
        """Return the lower-cased string of a string id (``token.lemma_.lower()`` for a LEMMA)."""
        text = self._lowered.get(key)
        if text is None:
            if len(self._lowered) > MAX_CACHED_STRINGS:
                self._lowered.clear()
            text = self._lowered[key] = doc.vocab.strings[key].lower() if key else ""
        return text

    def lowered_all(self, doc: Doc, keys: np.ndarray) -> set[str]:
        """Return the lower-cased strings of several string ids."""
        known = self._lowered
        out = set()
        for key in set(keys.tolist()):
            text = known.get(key)
            out.add(self.lowered(doc, key) if text is None else text)
        return out
