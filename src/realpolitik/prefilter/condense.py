"""The kept sentences joined into a condensed text that remembers where each piece came from,
and the Doc the parser gets, built from the filter's own tokens (the article is tokenized once)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import IDX, IS_SPACE, LENGTH, ORTH, SPACY
from spacy.tokens import Doc
from spacy.vocab import Vocab

Match = tuple[int, int, str]  # (start token, end token, matcher key)

SEPARATOR = "\n\n"
#: spaCy's tokenizer strips suffix punctuation one character at a time, each time searching the
#: whole rest of the token, so a run of n commas costs n squared; runs are broken every RUN_LIMIT.
RUN_LIMIT = 16
_PUNCT_RUN = re.compile(rf"[^\w\s]{{{RUN_LIMIT + 1},}}")


def break_punctuation_runs(text: str) -> str:
    """Return ``text`` with every (RUN_LIMIT + 1)th character of a punctuation run made a space.

    The text keeps its length, so offsets into it still point into the article.
    """
    if _PUNCT_RUN.search(text) is None:
        return text
    return _PUNCT_RUN.sub(_break_run, text)


def _break_run(match: re.Match[str]) -> str:
    run = list(match.group())
    for i in range(RUN_LIMIT, len(run), RUN_LIMIT + 1):
        run[i] = " "
    return "".join(run)


@dataclass(frozen=True)
class Piece:
    """One kept sentence: its offsets in the condensed and in the original text."""

    start: int  # in the condensed text
    end: int
    original_start: int
    sentence_index: int  # index among the article's sentences (punctuation split)


@dataclass
class Condensed:
    """The sentences kept for parsing, joined, with the map back to the article.

    source: the filter's tokens of the whole article, which the parsed doc is built from
    matches: the actor matcher's hits, in the tokens of ``source`` while it is set, else in the
      tokens of the condensed doc (``condensed_doc``), so the resolver need not match again
    """

    text: str
    pieces: list[Piece] = field(default_factory=list)
    total_sentences: int = 0
    source: Doc | None = None
    matches: list[Match] | None = None
    _starts: list[int] = field(default_factory=list, repr=False, compare=False)

    def piece_at(self, offset: int) -> Piece | None:
        """Return the piece holding a condensed-text character offset (the whitespace after a
        piece belongs to it); None before the first piece."""
        if len(self._starts) != len(self.pieces):
            self._starts = [piece.start for piece in self.pieces]
        k = bisect_right(self._starts, offset) - 1
        return self.pieces[k] if k >= 0 else None


def join_pieces(text: str, spans: list[tuple[int, int, int]], *, total: int) -> Condensed:
    parts: list[str] = []
    pieces: list[Piece] = []
    offset = 0
    for index, start, end in spans:
        chunk = text[start:end]
        pieces.append(Piece(offset, offset + len(chunk), start, index))
        parts.append(chunk)
        offset += len(chunk) + len(SEPARATOR)
    return Condensed(SEPARATOR.join(parts), pieces, total)


def cap_sentences(
    condensed: Condensed, text: str, *, limit: int, max_total: int
) -> tuple[Condensed, int]:
    """Cut kept sentences longer than ``limit`` characters; drop those past ``max_total``.

    Returns: the capped Condensed (the same object when nothing changed) and how many
    sentences were cut.
    """
    spans: list[tuple[int, int, int]] = []
    cut = 0
    total = 0
    for piece in condensed.pieces:
        length = min(piece.end - piece.start, limit)
        if total + length > max_total:
            break
        cut += length < piece.end - piece.start
        spans.append((piece.sentence_index, piece.original_start, piece.original_start + length))
        total += length + len(SEPARATOR)
    if not cut and len(spans) == len(condensed.pieces):
        return condensed, 0
    capped = join_pieces(text, spans, total=condensed.total_sentences)
    capped.source, capped.matches = condensed.source, condensed.matches
    return capped, cut


def condensed_doc(condensed: Condensed, vocab: Vocab) -> tuple[Doc, Condensed]:
    """Build the Doc to parse from the filter's tokens of the kept sentences (no second
    tokenization), each piece's first token a sentence start and each piece after the first
    preceded by the whitespace that precedes it in the article (``_gap``), so tokenizing the
    Doc's text gives its tokens again.

    The parser's features reach a few tokens across a sentence boundary: a paragraph break
    stays a line-break token and a plain space stays a space, as when the whole text is parsed,
    instead of a break token between every two pieces. A piece cut inside a token
    (``cap_sentences``) loses that token; whitespace tokens at a piece's edges are left out.
    Returns: the Doc and the Condensed that maps it (its text is the Doc's text, its matches
    are in the Doc's tokens).
    """
    source = condensed.source
    if source is None:
        raise ValueError("condensed_doc needs the Condensed that SentenceFilter.condense made")
    table = source.to_array([IDX, LENGTH, SPACY, ORTH, IS_SPACE])
    begins = table[:, 0].tolist()
    strings = source.vocab.strings
    words: list[str] = []
    spaces: list[bool] = []
    starts: list[bool | None] = []
    pieces: list[Piece] = []
    ranges: list[tuple[int, int, int]] = []  # (source first, source end, doc first) per piece
    offset = 0
    for piece in condensed.pieces:
        first, end = _token_range(source, table, begins, piece)
        if first >= end:
            continue
        if words:
            spaced, gap = _gap(table, first)
            spaces[-1] = spaced  # a piece's last token had no trailing space
            offset += spaced
            for i in gap:
                words.append(strings[int(table[i, 3])])
                spaces.append(bool(table[i, 2]))
                starts.append(None)
                offset += int(table[i, 1]) + spaces[-1]
        ranges.append((first, end, len(words)))
        start = offset
        for i in range(first, end):
            words.append(strings[int(table[i, 3])])
            space = bool(table[i, 2]) and i < end - 1
            spaces.append(space)
            starts.append(i == first or None)
            offset += int(table[i, 1]) + space
        pieces.append(Piece(start, offset, begins[first], piece.sentence_index))
    doc = Doc(vocab, words=words, spaces=spaces, sent_starts=starts)
    matches = _map_matches(condensed.matches or [], ranges)
    text = "".join(w + " " if s else w for w, s in zip(words, spaces, strict=True))  # doc.text
    return doc, Condensed(text, pieces, condensed.total_sentences, matches=matches)


def _gap(table: np.ndarray, first: int) -> tuple[bool, range]:
    """Return the whitespace before source token ``first`` in the article: whether the token
    before it has a trailing space, and the whitespace tokens (line breaks, extra spaces)
    between them. Pieces never run together: with neither, a space is given."""
    gap = first
    while gap > 0 and table[gap - 1, 4]:
        gap -= 1
    spaced = gap > 0 and bool(table[gap - 1, 2])
    return spaced or gap == first, range(gap, first)


def _token_range(
    source: Doc, table: np.ndarray, begins: list[int], piece: Piece
) -> tuple[int, int]:
    """Return the source tokens (first, end) lying wholly inside a piece, space tokens at its
    edges left out."""
    stop = piece.original_start + piece.end - piece.start
    first = bisect_right(begins, piece.original_start - 1)
    end = bisect_right(begins, stop - 1)
    while end > first and begins[end - 1] + int(table[end - 1, 1]) > stop:
        end -= 1
    while first < end and source[first].is_space:
        first += 1
    while end > first and source[end - 1].is_space:
        end -= 1
    return first, end


def _map_matches(matches: list[Match], ranges: list[tuple[int, int, int]]) -> list[Match]:
    """Move matches from source tokens to condensed-doc tokens; drop those not wholly inside
    one kept piece."""
    firsts = [r[0] for r in ranges]
    out = []
    for start, end, key in matches:
        k = bisect_right(firsts, start) - 1
        if k >= 0 and end <= ranges[k][1]:
            shift = ranges[k][2] - ranges[k][0]
            out.append((start + shift, end + shift, key))
    return out
