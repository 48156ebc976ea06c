"""Choose the sentences worth parsing before the expensive step, and keep their offsets.

An event needs two actors and a word a lexicon pattern can fire on. Before tagging and parsing,
the article is tokenized, split into sentences by punctuation and scanned with the actor matcher
alone (lower-case phrase lookup, no model). A sentence is kept when it holds an event trigger (a
word whose possible lemmas include a pattern's verb or event noun, ``TriggerWords``) and names two
different actors, or one actor and a pronoun or role noun ("he", "the minister") that may refer to
another; the nearest earlier sentence naming an actor is kept with it as context for coreference.
The kept sentences are joined into a condensed text whose pieces remember where they came from, so
events point back into the original text. The parser gets a Doc built from the filter's own
tokens (``condensed_doc``), with the actor matches mapped onto it: the article is tokenized once.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import (
    IDX,
    IS_LEFT_PUNCT,
    IS_PUNCT,
    IS_SPACE,
    LENGTH,
    LOWER,
    ORTH,
    SENT_START,
    SPACY,
)
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

from realpolitik.actors.names import same_caps
from realpolitik.actors.resolve import PRONOUN_KEY, ROLE_NOUN_KEY
from realpolitik.coder.lexicon import Need

logger = logging.getLogger(__name__)

Match = tuple[int, int, str]  # (start token, end token, matcher key)
NO_KEYS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NameKeys:
    """The actor keys (country, else org) a sentence's names may resolve to, known before the
    parse, so the filter counts actors as ``Pipeline.may_hold_event`` does.

    named: alias -> the keys of its entries that are actors on their own
      (``kb.alias_actor_keys``); an agent noun ("the government") has none: it takes one only
      from a name beside it, which counts itself
    cities: alias -> the countries of its city entries; a city names an actor only beside
      another name ("Minneapolis police")
    combining: the first halves of two-country compounds ("sino" -> CHN)
    exact: the aliases that name an actor only in their own case ("WHO", not "who")
    Every key-bearing entry is a proper name, so a name counts only when capitalised, as the
    resolver reads it (``hits.fits``).
    """

    named: dict[str, frozenset[str]]
    cities: dict[str, frozenset[str]] = field(default_factory=dict)
    combining: dict[str, frozenset[str]] = field(default_factory=dict)
    exact: dict[str, str] = field(default_factory=dict)

    def written(self, key: str, text: str) -> bool:
        """Return whether a matched alias is written as a name: capitalised (after "the"),
        and in the alias's own case when it must match case."""
        core = text[4:] if text[:4].lower() == "the " else text
        if not (core[:1].isupper() or core[:1].isdigit()):
            return False
        spelling = self.exact.get(key)
        return spelling is None or same_caps(text, spelling)

    def of_compound(self, word: str) -> frozenset[str]:
        """Return the keys of a one-token compound of two country words ("U.S.-USSR"), as
        ``actors.constructions.hyphen_pairs`` reads it; empty for any other word."""
        parts = word.split("-")
        if len(parts) != 2 or not all(p[:1].isupper() for p in parts):
            return NO_KEYS
        first, second = (self._word_keys(p) for p in parts)
        return first | second if first and second else NO_KEYS

    def _word_keys(self, word: str) -> frozenset[str]:
        key = word.lower()
        found = self.combining.get(key) or self.named.get(key, NO_KEYS)
        return found if found and self.written(key, word) else NO_KEYS

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


BOUNDARY_COLUMNS = [ORTH, IS_PUNCT, IS_LEFT_PUNCT, SPACY, IS_SPACE]
"""The token attributes the sentence splitter reads (``sentence_starts``)."""


class WordFlags:
    """A yes/no answer per word (string id): ``test`` is asked once per id, and a doc's ids are
    then read at once from a sorted array of the ids answered so far."""

    def __init__(self, test: Callable[[int], bool]) -> None:
        self.test = test
        self._seen = np.zeros(0, dtype=np.uint64)
        self._flags = np.zeros(0, dtype=bool)

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        """Return, for each id, its answer."""
        ids = np.asarray(ids, dtype=np.uint64)
        at = np.searchsorted(self._seen, ids)
        known = at < len(self._seen)
        known[known] = self._seen[at[known]] == ids[known]
        if not known.all():
            new = np.unique(ids[~known])
            flags = np.fromiter(map(self.test, new.tolist()), bool, len(new))
            where = np.searchsorted(self._seen, new)
            self._seen = np.insert(self._seen, where, new)
            self._flags = np.insert(self._flags, where, flags)
            at = np.searchsorted(self._seen, ids)
        return self._flags[at]


class TriggerWords:
    """Tell which sentences may hold an event trigger, from their lower-case word forms alone.

    A word is a trigger candidate when one of the lemmas the lemmatizer could give it (``guess``:
    form -> candidate lemmas, ``nlp.LemmaGuesser``) is a lemma some pattern fires on. A sentence
    holds a trigger when, for one such lemma, one of its patterns finds what else it needs in the
    sentence (``needs``: lemma -> (particles, object lemmas, complement lemmas) per pattern, None
    when nothing more; ``Lexicon.trigger_needs``). Answers per word form are cached by string id.
    """

    def __init__(
        self,
        needs: dict[str, tuple[Need, ...] | None],
        guess: Callable[[str], frozenset[str]],
        vocab: Vocab,
    ) -> None:
        self.needs = needs
        self.lemmas = frozenset(needs)
        self.guess = guess
        self.strings = vocab.strings
        self._lemmas_of: dict[int, frozenset[str]] = {}
        self._flags = WordFlags(lambda key: bool(self.lemmas_of(key)))

    def flags(self, ids: np.ndarray) -> np.ndarray:
        """Return a boolean array: for each LOWER id, whether the word may be a trigger."""
        return self._flags(ids)

    def holds(self, ids: list[int], named: list[bool] | None = None) -> bool:
        """Return whether a sentence (its LOWER ids) meets one trigger lemma's needs.

        named: per token, whether it lies inside an actor's name ("United" in "United
        States", "State" in "State Department"); such a word is never the trigger, though it
        may still be what a trigger needs (an object, a particle)
        """
        outside = set(ids) if named is None else {
            key for key, inside in zip(ids, named, strict=True) if not inside
        }
        triggers: set[str] = set()
        for key in outside:
            triggers.update(self.lemmas_of(key))
        if not triggers:
            return False
        needed = [self.needs[lemma] for lemma in triggers]
        if any(needs is None for needs in needed):
            return True
        forms = {self.strings[key] for key in ids}
        lemmas: set[str] = set()
        for form in forms:
            lemmas.update(self.guess(form))
        return any(_met(need, forms, lemmas) for needs in needed for need in needs)

    def lemmas_of(self, key: int) -> frozenset[str]:
        """Return the trigger lemmas a word (its LOWER id) may have, cached by id."""
        found = self._lemmas_of.get(key)
        if found is None:
            found = self._lemmas_of[key] = self.lemmas.intersection(self.guess(self.strings[key]))
        return found

    def __contains__(self, word: str) -> bool:
        return not self.lemmas.isdisjoint(self.guess(word.lower()))


def _met(need: Need, forms: set[str], lemmas: set[str]) -> bool:
    """Return whether a sentence's word forms and candidate lemmas meet one pattern's needs."""
    particles, *words = need
    return (not particles or not particles.isdisjoint(forms)) and all(
        not group or not group.isdisjoint(lemmas) for group in words
    )


class SentenceFilter:
    """Split, scan and condense articles; build once per pipeline.

    triggers: when given, a sentence is parsed only if it also holds an event trigger
    context: keep the nearest earlier actor sentence of a sentence that needs coreference
    pairs: matcher keys of role nouns that name two actors at once ("both sides"): with an
      earlier actor sentence they count as two actors
    keys: what the names may resolve to (``NameKeys``). When given, a sentence counts the
      actor keys its names may have, as the coder does (``Pipeline.may_hold_event``): two
      different ones, or one with a pronoun or role noun to resolve, or one with an anaphoric
      noun ("rejected the proposal") that takes its target from an earlier event. Without
      it, distinct aliases are counted.
    anaphors: the anaphoric nouns, as a trigger test (``TriggerWords``)
    """

    def __init__(
        self,
        nlp: Language,
        matcher,  # noqa: ANN001 - AliasMatcher
        *,
        triggers: TriggerWords | None = None,
        context: bool = True,
        pairs: frozenset[str] = frozenset(),
        keys: NameKeys | None = None,
        anaphors: TriggerWords | None = None,
    ) -> None:
        self.make_doc = nlp.make_doc
        self.strings = nlp.vocab.strings
        self.pairs = pairs
        self.keys = keys
        self.anaphors = anaphors
        self._compounds: dict[int, frozenset[str]] = {}
        self._compound = WordFlags(lambda key: bool(self._compound_keys(key)))
        ends = Sentencizer.default_punct_chars
        self.sentence_ends = np.array(sorted(nlp.vocab.strings.add(c) for c in ends), np.uint64)
        self.matcher = matcher
        self.triggers = triggers
        self.context = context

    def sentences(self, text: str) -> Doc:
        """Tokenize ``text`` and mark sentence starts by punctuation, opening quotes and
        brackets given to the sentence they open (``sentence_starts``)."""
        doc = self.make_doc(text)
        if len(doc):
            table = doc.to_array(BOUNDARY_COLUMNS)
            starts = np.full(len(doc), -1, dtype=np.int64)
            firsts = sentence_starts(table, self.sentence_ends)
            starts[firsts + line_starts(doc, table[:, 4], firsts)] = 1
            doc.from_array([SENT_START], starts.astype(np.uint64).reshape(-1, 1))
        return doc

    def line_marked(self, text: str) -> Doc:
        """Tokenize ``text`` for a full parse with only the line-break sentence starts fixed
        (``line_starts``); the parser places every other boundary."""
        doc = self.make_doc(text)
        if len(doc):
            for i in line_starts(doc, doc.to_array(IS_SPACE), []):
                doc[i].is_sent_start = True
        return doc

    def condense(self, text: str) -> Condensed:
        """Return the kept sentences of ``text``, joined, with their origins, tokens and actor
        matches."""
        doc = self.sentences(text)
        sents = list(doc.sents)
        starts = [s.start for s in sents]
        ids = doc.to_array(LOWER)
        matches = self.matcher.match_ids(ids.tolist()) if len(doc) else []
        actors: list[set[str]] = [set() for _ in sents]
        referring = [False] * len(sents)
        pair = [False] * len(sents)
        named = np.zeros(len(doc), dtype=bool)
        for start, end, key in matches:
            i = _sentence_of(starts, start)
            if key.startswith((PRONOUN_KEY, ROLE_NOUN_KEY)):
                referring[i] = True
                pair[i] = pair[i] or key in self.pairs
            else:
                actors[i].add(key)
                named[start:end] = True
        keyed = self._keys(doc, ids, matches, starts, actors)
        candidates = self._candidates(ids, named)
        anaphoric = self._anaphoric(ids, starts, named, candidates)
        flagged = self._flagged(candidates, starts)
        keep: set[int] = set()
        for i, keys in enumerate(keyed):
            one = bool(keys) and (referring[i] or anaphoric[i])
            if not (len(keys) >= 2 or one or (pair[i] and any(actors[:i]))):
                continue
            first, end = sents[i].start, sents[i].end
            if self.triggers is None or (
                flagged[i]
                and self.triggers.holds(ids[first:end].tolist(), named[first:end].tolist())
            ):
                keep.add(i)
                if referring[i] and self.context:  # the nearest earlier sentence naming an actor
                    earlier = next((j for j in range(i - 1, -1, -1) if actors[j]), None)
                    if earlier is not None:
                        keep.add(earlier)
        condensed = _join(
            text,
            [(i, sents[i].start_char, sents[i].end_char) for i in sorted(keep)],
            total=len(sents),
        )
        condensed.source, condensed.matches = doc, matches
        return condensed

    def _keys(
        self,
        doc: Doc,
        ids: np.ndarray,
        matches: list[Match],
        starts: list[int],
        actors: list[set[str]],
    ) -> list[set[str]]:
        """Return, per sentence, the actor keys its names may have (``NameKeys``), or its
        distinct aliases when the filter has no keys."""
        if self.keys is None:
            return actors
        names = self.keys
        keyed: list[set[str]] = [set() for _ in starts]
        firsts, ends = {m[0] for m in matches}, {m[1] for m in matches}
        strings = self.strings
        for start, end, key in matches:
            found = names.named.get(key, NO_KEYS)
            if key in names.cities and (end in firsts or start in ends):  # "Minneapolis police"
                found = found | names.cities[key]
            if start >= 2 and strings[int(ids[start - 1])] == "-":  # "Sino-Soviet"
                found = found | names.combining.get(strings[int(ids[start - 2])], NO_KEYS)
            if found and names.written(key, doc[start:end].text):
                keyed[_sentence_of(starts, start)].update(found)
        orths = doc.to_array(ORTH)
        for i in np.flatnonzero(self._compound(orths)).tolist():  # "U.S.-USSR"
            keyed[_sentence_of(starts, i)].update(self._compound_keys(int(orths[i])))
        return keyed

    def _compound_keys(self, key: int) -> frozenset[str]:
        """Return the keys of a word (ORTH id) that is a two-country compound, cached."""
        found = self._compounds.get(key)
        if found is None:
            word = self.strings[key]
            found = self._compounds[key] = self.keys.of_compound(word) if "-" in word else NO_KEYS
        return found

    def _candidates(self, ids: np.ndarray, named: np.ndarray) -> np.ndarray | None:
        """Return, per token, whether it may be a trigger outside actor names; None without
        triggers."""
        if self.triggers is None or not len(ids):
            return None
        return self.triggers.flags(ids) & ~named

    def _anaphoric(
        self, ids: np.ndarray, starts: list[int], named: np.ndarray, triggers: np.ndarray | None
    ) -> list[bool]:
        """Return, per sentence, whether it holds an anaphoric noun outside actor names.

        triggers: the trigger candidates (``_candidates``): every anaphoric noun is a trigger
          lemma, so only those words are looked up
        """
        if self.anaphors is None or not len(ids):
            return [False] * len(starts)
        if triggers is None:
            flags = self.anaphors.flags(ids) & ~named
        else:
            flags = np.zeros(len(ids), dtype=bool)
            at = np.flatnonzero(triggers)
            flags[at] = [bool(self.anaphors.lemmas_of(k)) for k in ids[at].tolist()]
        return (np.add.reduceat(flags.astype(np.int32), starts) > 0).tolist()

    @staticmethod
    def _flagged(triggers: np.ndarray | None, starts: list[int]) -> list[bool]:
        """Return, per sentence, whether it holds a trigger candidate (all True without
        triggers): the cheap test before ``TriggerWords.holds``."""
        if triggers is None:
            return [True] * len(starts)
        return (np.add.reduceat(triggers.astype(np.int32), starts) > 0).tolist()


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
    capped = _join(text, spans, total=condensed.total_sentences)
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
