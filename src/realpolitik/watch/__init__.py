"""Watch news feeds: poll RSS/Atom, sitemaps, JSON Feeds and folders; ingest new stories as they
appear; check the alert rules after each pass that stored events.

``load_feeds(path)`` reads a feeds file (docs/watch.md); ``Watcher(config, store, coder,
log=EventLog(stream)).run(once=...)`` polls it into a store. The state of every feed and item
lives in the store (``realpolitik.store.feeds``), so a restart loses and doubles nothing.
"""

from __future__ import annotations

import logging

from realpolitik.watch.config import FeedConfig, ServiceConfig, WatchConfig, load_feeds
from realpolitik.watch.log import EventLog
from realpolitik.watch.service import PassReport, Watcher

logger = logging.getLogger(__name__)

__all__ = [
    "EventLog",
    "FeedConfig",
    "PassReport",
    "ServiceConfig",
    "WatchConfig",
    "Watcher",
    "load_feeds",
]
