"""The feed watcher's state in the store: one ``feeds`` row per feed, one ``feed_items`` row
per item seen (migration ``0008_feeds``).

Every function takes a :class:`~realpolitik.store.store.Store` and writes in its own
transaction, so the state survives ``kill -9``: an item is marked done only after its article
is stored, and a restart finds it either marked (skipped) or not (fetched again, and the
idempotent ingest stores nothing twice).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

from realpolitik.store.store import Store

logger = logging.getLogger(__name__)

CHUNK = 500
"""Most item keys bound in one ``IN (...)`` list."""

INGESTED = "ingested"
SKIPPED = "skipped"
FAILED = "failed"
ITEM_STATUSES = (INGESTED, SKIPPED, FAILED)


def now_iso() -> str:
    """Return the current UTC time as ISO 8601 text to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class FeedState:
    """One row of ``feeds``: what the watcher knows of a feed between polls.

    every_s: the poll interval in seconds
    etag, last_modified: the validators of the last listing fully processed
    last_fetch, next_due: ISO 8601 UTC times
    last_status: HTTP status of the last fetch (0 when none came back; 200 for a folder)
    failures: failed polls in a row (the back-off grows with it; reset by a success)
    items_seen: distinct items ever listed; items_ingested: of those, stored as articles
    errors: failed polls and failed items, all told
    listing_hash: digest of the last listing fully handled that left no item to retry and named
      no child sitemap (``watch.service.listing_digest``); the same listing again is unchanged
    """

    feed_id: str
    url: str
    every_s: float
    etag: str | None = None
    last_modified: str | None = None
    last_fetch: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    next_due: str | None = None
    failures: int = 0
    items_seen: int = 0
    items_ingested: int = 0
    errors: int = 0
    listing_hash: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the row as a dict."""
        return asdict(self)


@dataclass
class ItemState:
    """One row of ``feed_items``: an item of a feed and what became of it.

    status: ingested, skipped (with a coded reason) or failed (retried while attempts last)
    article_id: the stored article's id (ingested items)
    """

    key: str
    url: str | None
    status: str
    reason: str | None = None
    article_id: str | None = None
    attempts: int = 1


_FEED_COLUMNS = tuple(f.name for f in fields(FeedState))


def register_feeds(store: Store, feeds: Iterable[tuple[str, str, float]]) -> None:
    """Add a row for each (feed id, url, every) not stored yet; update url and every of others."""
    rows = list(feeds)
    if not rows:
        return
    with store.backend.transaction():
        store.backend.executemany(
            "INSERT INTO feeds (feed_id, url, every_s) VALUES (?, ?, ?) "
            "ON CONFLICT (feed_id) DO UPDATE SET url = excluded.url, every_s = excluded.every_s",
            rows,
        )


def load_feed(store: Store, feed_id: str) -> FeedState | None:
    """Return the stored state of ``feed_id``, or None."""
    rows = store.backend.query(
        f"SELECT {', '.join(_FEED_COLUMNS)} FROM feeds WHERE feed_id = ?", (feed_id,)
    )
    return FeedState(*rows[0]) if rows else None


def all_feeds(store: Store) -> list[FeedState]:
    """Return every stored feed, by id."""
    rows = store.backend.query(f"SELECT {', '.join(_FEED_COLUMNS)} FROM feeds ORDER BY feed_id")
    return [FeedState(*row) for row in rows]


def save_feed(store: Store, state: FeedState, *, failed: bool = False) -> None:
    """Store the schedule, validators, listing digest, status and error of a feed.

    failed: the poll failed; add one to the feed's errors (the item counts are left alone)
    """
    names = (
        "etag",
        "last_modified",
        "last_fetch",
        "last_status",
        "last_error",
        "next_due",
        "listing_hash",
    )
    sets = ", ".join(f"{n} = ?" for n in (*names, "failures"))
    values = [getattr(state, n) for n in names]
    with store.backend.transaction():
        store.backend.execute(
            f"UPDATE feeds SET {sets}, errors = errors + ? WHERE feed_id = ?",
            [*values, state.failures, int(failed), state.feed_id],
        )


def item_states(store: Store, feed_id: str, keys: Sequence[str]) -> dict[str, ItemState]:
    """Return the stored state of each of ``keys`` that ``feed_id`` has seen."""
    out: dict[str, ItemState] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        marks = ", ".join("?" for _ in chunk)
        rows = store.backend.query(
            "SELECT item_key, url, status, reason, article_id, attempts FROM feed_items "
            f"WHERE feed_id = ? AND item_key IN ({marks})",
            [feed_id, *chunk],
        )
        out.update({r[0]: ItemState(*r) for r in rows})
    return out


def mark_item(store: Store, feed_id: str, item: ItemState) -> None:
    """Record what became of one item and update the feed's counts, in one transaction.

    A key first seen adds one to ``items_seen``; an item newly ingested adds one to
    ``items_ingested``; a failure adds one to ``errors``.
    """
    stamp = now_iso()
    with store.backend.transaction():
        before = store.backend.query(
            "SELECT status FROM feed_items WHERE feed_id = ? AND item_key = ?", (feed_id, item.key)
        )
        old = before[0][0] if before else None
        store.backend.execute(
            "INSERT INTO feed_items (feed_id, item_key, url, first_seen, updated_at, status, "
            "reason, article_id, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (feed_id, item_key) DO UPDATE SET url = excluded.url, "
            "updated_at = excluded.updated_at, status = excluded.status, "
            "reason = excluded.reason, article_id = excluded.article_id, "
            "attempts = excluded.attempts",
            (feed_id, item.key, item.url, stamp, stamp, item.status, item.reason,
             item.article_id, item.attempts),
        )  # fmt: skip
        seen = 1 if old is None else 0
        ingested = 1 if item.status == INGESTED and old != INGESTED else 0
        failed = 1 if item.status == FAILED else 0
        store.backend.execute(
            "UPDATE feeds SET items_seen = items_seen + ?, items_ingested = items_ingested + ?, "
            "errors = errors + ? WHERE feed_id = ?",
            (seen, ingested, failed, feed_id),
        )


def item_counts(store: Store, feed_id: str) -> dict[str, int]:
    """Return the number of items of ``feed_id`` in each status."""
    rows = store.backend.query(
        "SELECT status, COUNT(*) FROM feed_items WHERE feed_id = ? GROUP BY status", (feed_id,)
    )
    counts = dict.fromkeys(ITEM_STATUSES, 0)
    counts.update({r[0]: int(r[1]) for r in rows})
    return counts
