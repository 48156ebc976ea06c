"""Decide duplicates on the driver, in global read order, from fingerprints taken by the workers.

``read_articles`` links each article to the earlier one it repeats with a ``Deduper`` that sees
the articles one by one. The Spark job keeps exactly that rule: workers send only
(key, id, fingerprint) to the driver, which replays ``Deduper.check`` over them in read order.
The replay uses the Deduper's own tables and band keys (its private ``_exact``, ``_buckets``,
``_near`` and ``_band_keys``), so the thresholds and the banding stay the ingest module's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from realpolitik.dedupe import Deduper
from realpolitik.distributed.reading import Fingerprint, Key
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)


class FingerprintDeduper:
    """``Deduper.check`` over precomputed fingerprints instead of texts."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.deduper = Deduper(settings)

    def check(self, doc_id: str, fingerprint: Fingerprint) -> str | None:
        """Return the id of the earlier article this one duplicates, else remember it."""
        deduper = self.deduper
        original = deduper._exact.get(fingerprint.digest)
        if original is not None:
            return original
        if fingerprint.simhash is None or fingerprint.words < deduper.min_words:
            deduper._exact[fingerprint.digest] = doc_id
            return None
        original = deduper._near(fingerprint.simhash)
        deduper._exact[fingerprint.digest] = original or doc_id
        if original is None:
            for band in deduper._band_keys(fingerprint.simhash):
                deduper._buckets[band].append((fingerprint.simhash, doc_id))
        return original


def find_duplicates(
    items: Iterable[tuple[Key, str, Fingerprint]], *, settings: Settings
) -> dict[Key, str]:
    """Return {key: original id} for every duplicate among (key, id, fingerprint) items.

    Items may come in any order; they are replayed sorted by key (the read order).
    """
    deduper = FingerprintDeduper(settings)
    duplicates: dict[Key, str] = {}
    for key, doc_id, fingerprint in sorted(items, key=lambda item: item[0]):
        original = deduper.check(doc_id, fingerprint)
        if original is not None:
            duplicates[key] = original
    return duplicates
