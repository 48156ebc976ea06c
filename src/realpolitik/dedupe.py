"""Find exact and near-duplicate articles within one run (content hash and 64-bit SimHash).

A ``Deduper`` belongs to the run that made it: no module-level cache, so memory goes when
the run ends.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict

import numpy as np

from realpolitik.settings import Settings

logger = logging.getLogger(__name__)

BITS = 64
SHINGLE = 3
_WORD = re.compile(r"\w+")


def normalise(text: str) -> list[str]:
    """Return the lower-cased word tokens of ``text`` (punctuation and spacing ignored)."""
    return _WORD.findall(text.lower())


def content_hash(words: list[str]) -> str:
    """Return the sha1 of the normalised word sequence."""
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()


def simhash(words: list[str], *, shingle: int = SHINGLE) -> int:
    """Return the 64-bit SimHash of the word ``shingle``-grams of ``words``."""
    grams = max(1, len(words) - shingle + 1)
    digests = b"".join(
        hashlib.blake2b(" ".join(words[i : i + shingle]).encode("utf-8"), digest_size=8).digest()
        for i in range(grams)
    )
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8)).reshape(grams, BITS)
    majority = bits.sum(axis=0) * 2 > grams
    return int.from_bytes(np.packbits(majority).tobytes(), "big")


def hamming(left: int, right: int) -> int:
    """Return the number of differing bits."""
    return (left ^ right).bit_count()


class Deduper:
    """Remember the articles of a run and name the original each duplicate repeats."""

    def __init__(self, settings: Settings | None = None):
        settings = settings or Settings()
        self.max_bits = settings.dedupe_near_bits
        self.min_words = settings.dedupe_min_words
        self.bands = self.max_bits + 1
        self.band_width = -(-BITS // self.bands)
        self._exact: dict[str, str] = {}
        self._buckets: defaultdict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)

    def check(self, doc_id: str, text: str) -> str | None:
        """Return the id of the article ``text`` duplicates, else remember it and return None."""
        words = normalise(text)
        digest = content_hash(words)
        original = self._exact.get(digest)
        if original is not None:
            return original
        if len(words) < self.min_words:
            self._exact[digest] = doc_id
            return None
        fingerprint = simhash(words)
        original = self._near(fingerprint)
        self._exact[digest] = original or doc_id
        if original is None:
            for key in self._band_keys(fingerprint):
                self._buckets[key].append((fingerprint, doc_id))
        return original

    def _near(self, fingerprint: int) -> str | None:
        for key in self._band_keys(fingerprint):
            for other, doc_id in self._buckets.get(key, ()):
                if hamming(fingerprint, other) <= self.max_bits:
                    return doc_id
        return None

    def _band_keys(self, fingerprint: int) -> list[tuple[int, int]]:
        mask = (1 << self.band_width) - 1
        return [
            (band, fingerprint >> (band * self.band_width) & mask) for band in range(self.bands)
        ]
