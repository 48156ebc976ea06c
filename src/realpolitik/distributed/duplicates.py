"""Decide duplicates on the driver, in global read order, with the ingest module's Deduper.

``read_articles`` links each article to the earlier one it repeats, with a ``Deduper`` that
sees the articles one by one. The Spark job keeps exactly that rule: the driver streams
(key, id, text) in read order (``toLocalIterator`` over the read stage sorted by key) through
one ``Deduper.check``. Only the Deduper's tables stay on the driver; texts pass through.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from realpolitik.dedupe import Deduper
from realpolitik.distributed.reading import Key
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)


def find_duplicates(
    items: Iterable[tuple[Key, str, str]], *, settings: Settings | None = None
) -> dict[Key, str]:
    """Return {key: original id} for every duplicate among (key, id, text) items.

    items: in read order (sorted by key), as ``read_articles`` would meet them
    """
    deduper = Deduper(settings)
    duplicates: dict[Key, str] = {}
    for key, doc_id, text in items:
        original = deduper.check(doc_id, text)
        if original is not None:
            duplicates[key] = original
    return duplicates
