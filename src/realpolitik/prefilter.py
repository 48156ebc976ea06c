"""Choose the sentences worth parsing before the expensive step, and keep their offsets.

An event needs two actors. Before tagging and parsing, the article is tokenized, split into
sentences by punctuation and scanned with the actor matcher alone (lower-case phrase lookup, no
model). A sentence is kept when it names two different actors, or one actor and a pronoun or role
noun ("he", "the minister") that may refer to another; the nearest earlier sentence naming an
actor is kept with it as context for coreference. The kept sentences are joined into a condensed
text whose pieces remember where they came from, so events point back into the original text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from realpolitik.actors.resolve import PRONOUN_KEY, ROLE_NOUN_KEY

logger = logging.getLogger(__name__)

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
    """The sentences kept for parsing, joined, with the map back to the article."""

    text: str
    pieces: list[Piece] = field(default_factory=list)
    total_sentences: int = 0

    def piece_at(self, offset: int) -> Piece | None:
        """Return the piece holding a condensed-text character offset."""
        for piece in self.pieces:
            if piece.start <= offset < piece.end + len(SEPARATOR):
                return piece
        return None


class SentenceFilter:
    """Split, scan and condense articles; build once per pipeline."""

    def __init__(self, nlp: Language, matcher) -> None:  # noqa: ANN001 - AliasMatcher
        self.make_doc = nlp.make_doc
        self.sentencizer = Sentencizer()
        self.matcher = matcher

    def sentences(self, text: str) -> Doc:
        """Tokenize ``text`` and mark sentence starts by punctuation."""
        return self.sentencizer(self.make_doc(text))

    def condense(self, text: str) -> Condensed:
        """Return the kept sentences of ``text``, joined, with their origins."""
        doc = self.sentences(text)
        sents = list(doc.sents)
        actors: list[set[str]] = [set() for _ in sents]
        referring = [False] * len(sents)
        starts = [s.start for s in sents]
        for start, _end, key in self.matcher(doc):
            i = _sentence_of(starts, start)
            if key.startswith((PRONOUN_KEY, ROLE_NOUN_KEY)):
                referring[i] = True
            else:
                actors[i].add(key)
        keep: set[int] = set()
        for i, keys in enumerate(actors):
            if len(keys) >= 2 or (keys and referring[i]):
                keep.add(i)
                if referring[i]:  # keep the nearest earlier sentence naming an actor
                    earlier = next((j for j in range(i - 1, -1, -1) if actors[j]), None)
                    if earlier is not None:
                        keep.add(earlier)
        return _join(
            text,
            [(i, sents[i].start_char, sents[i].end_char) for i in sorted(keep)],
            total=len(sents),
        )


def _sentence_of(starts: list[int], token: int) -> int:
    """Return the index of the sentence holding a token (``starts`` is sorted)."""
    low, high = 0, len(starts) - 1
    while low < high:
        mid = (low + high + 1) // 2
        if starts[mid] <= token:
            low = mid
        else:
            high = mid - 1
    return low


def _join(text: str, spans: list[tuple[int, int, int]], *, total: int) -> Condensed:
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
    return _join(text, spans, total=condensed.total_sentences), cut
