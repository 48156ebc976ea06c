"""Choose the sentences of an article worth parsing (``SentenceFilter``)."""

from __future__ import annotations

import numpy as np
from spacy.attrs import IS_SPACE, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from realpolitik.actors.resolve import PRONOUN_KEY, ROLE_NOUN_KEY
from realpolitik.prefilter.condense import Condensed, Match, join_pieces
from realpolitik.prefilter.sentences import (
    BOUNDARY_COLUMNS,
    line_starts,
    sentence_of,
    sentence_starts,
)
from realpolitik.prefilter.words import NO_KEYS, NameKeys, TriggerWords, WordFlags


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
            i = sentence_of(starts, start)
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
        condensed = join_pieces(
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
                keyed[sentence_of(starts, start)].update(found)
        orths = doc.to_array(ORTH)
        for i in np.flatnonzero(self._compound(orths)).tolist():  # "U.S.-USSR"
            keyed[sentence_of(starts, i)].update(self._compound_keys(int(orths[i])))
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
