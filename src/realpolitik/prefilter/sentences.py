"""Split a tokenized article into sentences by punctuation and line breaks, as spaCy's
Sentencizer would, with opening quotes and brackets kept with the sentence they open."""

from __future__ import annotations

from bisect import bisect_right

import numpy as np
from spacy.attrs import IS_LEFT_PUNCT, IS_PUNCT, IS_SPACE, ORTH, SPACY
from spacy.tokens import Doc

BOUNDARY_COLUMNS = [ORTH, IS_PUNCT, IS_LEFT_PUNCT, SPACY, IS_SPACE]
"""The token attributes the sentence splitter reads (``sentence_starts``)."""


def sentence_starts(table: np.ndarray, ends: np.ndarray) -> list[int]:
    """Return the first token of each sentence, split by punctuation as spaCy's Sentencizer
    splits (``ends``: the ORTH ids of its sentence-final characters), each start then moved
    back over the opening quotes and brackets before it.

    table: the doc's ``BOUNDARY_COLUMNS``
    A sentence starts at a token that is not punctuation when the run of punctuation before it
    holds a sentence-final character. The Sentencizer leaves the opening quote of the next
    sentence ('... to join. "We do not ...') behind; the parser of the whole text puts it where
    it belongs, and a sentence parsed without its opening quote parses differently (its
    reporting clause, '..." he said', loses its root). A mark opens when it is attached to the
    word after it (no space) and not to the word before it (a space or a line break).
    """
    final = np.isin(table[:, 0], ends)
    words = np.flatnonzero(~(final | table[:, 1].astype(bool)))
    seen = np.concatenate([[0], np.cumsum(final)])  # sentence-final marks before each token
    after = np.concatenate([[0], words[:-1] + 1])  # where the run of marks before a word begins
    firsts = [0, *words[seen[words] > seen[after]].tolist()]
    opens = table[:, 2].astype(bool) & ~table[:, 3].astype(bool)
    spaced = (table[:, 3] | table[:, 4]).astype(bool)
    moved = firsts[:1]
    for before, first in zip(firsts, firsts[1:], strict=False):
        start = first
        while start - 1 > before and opens[start - 1] and spaced[start - 2]:
            start -= 1
        moved.append(start)
    return moved


def line_starts(doc: Doc, spaces: np.ndarray, firsts: list[int]) -> list[int]:
    """Return the tokens that open a sentence at a line break the punctuation rules missed.

    A line with no sentence-final mark is a headline, a subheading, a byline or a list item,
    not the first words of the next line's sentence: a blank line always ends it, a single
    line break when the next line opens as a sentence does (a capital, a digit, a quote or a
    bracket), so a hard-wrapped sentence ('talks with\nthe minister') stays whole.
    spaces: the doc's IS_SPACE column; firsts: the starts already found
    """
    known = set(firsts)
    found: list[int] = []
    for i in np.flatnonzero(spaces).tolist():
        text, after = doc[i].text, i + 1
        if after >= len(doc) or "\n" not in text or after in known or i in known:
            continue
        if text.count("\n") >= 2 or _opens_sentence(doc[after].text):
            found.append(after)
    return found


def _opens_sentence(word: str) -> bool:
    first = word[0]
    return first.isupper() or first.isdigit() or first in "\"'\u201c\u2018([\u00ab"


def sentence_of(starts: list[int], token: int) -> int:
    """Return the index of the sentence holding a token (``starts`` is sorted; 0 before the
    first start or without starts)."""
    return max(bisect_right(starts, token) - 1, 0)
