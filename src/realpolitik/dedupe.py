"""Find exact and near-duplicate articles within one run (content hash and MinHash with LSH).

A ``Deduper`` belongs to the run that made it: no module-level cache, so its memory (one
content hash and one 256-byte MinHash signature per original article) goes when the run ends.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict

import numpy as np

from realpolitik.settings import Settings

logger = logging.getLogger(__name__)

PERMUTATIONS = 64
BANDS = 16
SHINGLE = 3
PRIME = 4_294_967_291  # the largest prime below 2**32: signatures fit in uint32
_WORD = re.compile(r"\w+")


def normalise(text: str) -> list[str]:
    """Return the lower-cased word tokens of ``text`` (punctuation and spacing ignored)."""
    return _WORD.findall(text.lower())


def content_hash(words: list[str]) -> str:
    """Return the sha1 of the normalised word sequence."""
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()


def shingles(words: list[str], *, size: int = SHINGLE) -> np.ndarray:
    """Return the distinct 32-bit hashes of the word ``size``-grams of ``words``."""
    count = max(1, len(words) - size + 1)
    digests = b"".join(
        hashlib.blake2b(" ".join(words[i : i + size]).encode("utf-8"), digest_size=4).digest()
        for i in range(count)
    )
    return np.unique(np.frombuffer(digests, dtype=np.uint32)).astype(np.uint64)


class MinHasher:
    """Signatures whose share of equal entries estimates the Jaccard similarity of two sets."""

    def __init__(self, *, permutations: int = PERMUTATIONS, seed: int = 1):
        generator = np.random.default_rng(seed)
        self.a = generator.integers(1, PRIME, size=permutations, dtype=np.uint64)
        self.b = generator.integers(0, PRIME, size=permutations, dtype=np.uint64)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """Return the MinHash signature (uint32) of a set of 32-bit hashes."""
        values = (np.outer(hashes, self.a) + self.b) % PRIME
        return values.min(axis=0).astype(np.uint32)


def similarity(left: np.ndarray, right: np.ndarray) -> float:
    """Return the estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(left == right)) / len(left)


class Deduper:
    """Remember the articles of a run and name the original each duplicate repeats."""

    def __init__(self, settings: Settings | None = None):
        settings = settings or Settings()
        self.threshold = settings.dedupe_near_threshold
        self.min_words = settings.dedupe_min_words
        self.hasher = MinHasher()
        self.rows = PERMUTATIONS // BANDS
        self._exact: dict[str, str] = {}
        self._signatures: dict[str, np.ndarray] = {}
        self._buckets: defaultdict[tuple[int, bytes], list[str]] = defaultdict(list)

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
        signature = self.hasher.signature(shingles(words))
        keys = self._band_keys(signature)
        original = self._near(signature, keys)
        self._exact[digest] = original or doc_id
        if original is None:
            self._signatures[doc_id] = signature
            for key in keys:
                self._buckets[key].append(doc_id)
        return original

    def _near(self, signature: np.ndarray, keys: list[tuple[int, bytes]]) -> str | None:
        seen: set[str] = set()
        for key in keys:
            for doc_id in self._buckets.get(key, ()):
                if doc_id in seen:
                    continue
                seen.add(doc_id)
                if similarity(signature, self._signatures[doc_id]) >= self.threshold:
                    return doc_id
        return None

    def _band_keys(self, signature: np.ndarray) -> list[tuple[int, bytes]]:
        rows = self.rows
        return [
            (band, signature[band * rows : (band + 1) * rows].tobytes()) for band in range(BANDS)
        ]
