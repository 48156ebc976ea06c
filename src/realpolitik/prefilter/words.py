"""What single words may be before the parse: the actor keys a name may resolve to
(``NameKeys``) and whether a word may trigger an event (``TriggerWords``), answered once per
word (``WordFlags``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from spacy.vocab import Vocab

from realpolitik.actors.names import same_caps
from realpolitik.coder.lexicon import Need

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
        outside = (
            set(ids)
            if named is None
            else {key for key, inside in zip(ids, named, strict=True) if not inside}
        )
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
