"""The watcher's loop: poll each due feed, ingest its new items, check the alert rules.

A poll fetches the listing with the validators of the last complete one (a 304 costs nothing
more; so does a 200 whose listing is the same, byte for byte, as the last one fully handled),
parses it, and handles each item the store has not marked done: fetch its page, clean,
code and ingest it (one transaction), then mark the item (a second one). A crash between the
two leaves the item unmarked; the next poll handles it again and the idempotent ingest stores
nothing twice. The new validators (and the listing's digest) are saved only once every item
of the listing was handled, so an interrupted poll is repeated in full. Failed polls back off
exponentially (with jitter, capped, Retry-After honoured); a stop request ends the loop after
the current article.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from realpolitik.errors import Errors, RealpolitikError, Warnings, WatchError
from realpolitik.store.feeds import (
    FAILED,
    INGESTED,
    SKIPPED,
    FeedState,
    ItemState,
    item_states,
    load_feed,
    mark_item,
    register_feeds,
    save_feed,
)
from realpolitik.store.ingest import Coder, ingest_articles
from realpolitik.store.store import Store
from realpolitik.watch.config import FeedConfig, WatchConfig
from realpolitik.watch.fetch import Fetcher, FetchFailed, Response, backoff_seconds, host_of
from realpolitik.watch.items import FeedItem, Listing, list_folder, parse_listing
from realpolitik.watch.log import EventLog
from realpolitik.watch.pages import PageReader, PageResult

logger = logging.getLogger(__name__)

MAX_SLEEP = 60.0
"""Longest wait between two looks at the schedule (feeds may be added by a restart)."""


@dataclass
class PassReport:
    """Counts of one pass over the feeds (or of a whole run, summed)."""

    polled: int = 0
    not_modified: int = 0
    unchanged: int = 0
    failed: int = 0
    items_new: int = 0
    ingested: int = 0
    skipped: int = 0
    item_failures: int = 0
    events: int = 0
    alerts: int = 0

    def add(self, other: PassReport) -> None:
        """Add another report's counts to this one."""
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def to_dict(self) -> dict[str, int]:
        """Return the counts as a dict."""
        return asdict(self)


def listing_digest(content: bytes, feed: FeedConfig) -> str:
    """Return the digest of a listing body as this feed reads it (its item and attempt limits
    included, so raising either makes the same body new again)."""
    head = f"{feed.max_items} {feed.max_attempts}\n".encode()
    return hashlib.sha1(head + content).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse(stamp: str | None) -> datetime | None:
    return datetime.fromisoformat(stamp) if stamp else None


class Watcher:
    """Poll the feeds of a feeds file into a store; one per process.

    coder: the loaded pipeline (``realpolitik.load``) that codes each new article
    stop: set it (a signal handler does) to end the run after the current article
    fetcher: the HTTP client (default one built from the feeds file's ``service:``)
    now: the clock (UTC datetimes); tests pass a fake one
    """

    def __init__(
        self,
        config: WatchConfig,
        store: Store,
        coder: Coder,
        *,
        log: EventLog,
        stop: threading.Event | None = None,
        fetcher: Fetcher | None = None,
        now: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.coder = coder
        self.log = log
        self.stop = stop or threading.Event()
        service = config.service
        self.fetcher = fetcher or Fetcher(
            contact=service.contact, robots_ttl=service.robots_ttl, sleep=self.stop.wait
        )
        self.now = now or (lambda: datetime.now(UTC))
        self.rng = rng or random.Random()
        self.pages = PageReader(store.settings)
        register_feeds(store, [(f.name, f.url, f.every) for f in config.feeds])

    def close(self) -> None:
        """Close the HTTP client."""
        self.fetcher.close()

    def run(self, *, once: bool = False) -> PassReport:
        """Poll until stopped; with ``once``, one pass over every feed that is not backing off.

        Returns: the counts of the whole run.
        """
        total = PassReport()
        self.log.emit("start", counts={"feeds": len(self.config.feeds)}, once=once)
        while not self.stop.is_set():
            total.add(self.run_pass(once=once))
            if once:
                break
            self.stop.wait(self.seconds_to_next())
        self.log.emit("stop", counts=total.to_dict())
        return total

    def seconds_to_next(self) -> float:
        """Return the seconds until the next feed is due (at most ``MAX_SLEEP``)."""
        now = self.now()
        waits = []
        for feed in self.config.feeds:
            state = load_feed(self.store, feed.name)
            due = _parse(state.next_due) if state else None
            waits.append(0.0 if due is None else (due - now).total_seconds())
        return min(MAX_SLEEP, max(0.05, min(waits, default=MAX_SLEEP)))

    def run_pass(self, *, once: bool = False) -> PassReport:
        """Poll each due feed once (``once``: each feed not backing off); check alerts after
        a pass that stored events."""
        report = PassReport()
        for feed in self.config.feeds:
            if self.stop.is_set():
                break
            state = load_feed(self.store, feed.name) or FeedState(feed.name, feed.url, feed.every)
            if self._should_poll(state, once=once):
                self.poll(feed, state, report)
        if report.events:
            self._check_alerts(report)
        self.log.emit("pass", counts=report.to_dict())
        return report

    def _should_poll(self, state: FeedState, *, once: bool) -> bool:
        due = _parse(state.next_due)
        if due is None or due <= self.now():
            return True
        return once and state.failures == 0

    def poll(self, feed: FeedConfig, state: FeedState, report: PassReport) -> None:
        """Fetch one feed's listing and handle its new items; record the outcome."""
        report.polled += 1
        state.last_fetch = _iso(self.now())
        resp: Response | None = None
        digest: str | None = None
        try:
            if feed.folder is not None:
                listing = list_folder(feed.folder, feed=feed.name, limit=feed.max_items)
                status = 200
            else:
                if not self._allowed(feed, feed.url):
                    self._done(feed, state, status=None)
                    return
                resp = self.fetcher.get(
                    feed.url,
                    feed=feed.name,
                    timeout=feed.timeout,
                    max_bytes=feed.max_bytes,
                    rate=feed.rate,
                    agent=feed.user_agent,
                    etag=state.etag,
                    last_modified=state.last_modified,
                )
                status = resp.status
                if resp.not_modified:
                    report.not_modified += 1
                    self.log.emit("not_modified", feed=feed.name, url=feed.url, status=304)
                    self._done(feed, state, status=304)
                    return
                digest = listing_digest(resp.content, feed)
                if digest == state.listing_hash:
                    report.unchanged += 1
                    self.log.emit("unchanged", feed=feed.name, url=feed.url, status=status)
                    state.etag, state.last_modified = resp.etag, resp.last_modified
                    self._done(feed, state, status=status)
                    return
                listing = self._listing(feed, resp)
        except FetchFailed as exc:
            self._fail(feed, state, exc, report, status=exc.status, retry_after=exc.retry_after)
            return
        except WatchError as exc:
            self._fail(feed, state, exc, report, status=resp.status if resp else 0)
            return
        self.log.emit(
            "listing",
            feed=feed.name,
            url=feed.url,
            status=status,
            counts={"items": len(listing.items)},
            kind=listing.kind,
        )
        failure = self._items(feed, listing.items[: feed.max_items], report)
        if isinstance(failure, FetchFailed | RealpolitikError):
            self._fail(feed, state, failure, report, status=status, retry_after=_after(failure))
        elif failure == "stopped":
            state.last_status = status
            state.next_due = _iso(self.now())
            save_feed(self.store, state)
        else:
            if resp is not None:
                state.etag, state.last_modified = resp.etag, resp.last_modified
                settled = not listing.children and not self._retryable(feed, listing.items)
                state.listing_hash = digest if settled else None
            self._done(feed, state, status=status)

    def _retryable(self, feed: FeedConfig, items: list[FeedItem]) -> bool:
        """Return whether an item of the listing failed with attempts left (the next poll of
        the same listing must still parse it, to retry that item)."""
        known = item_states(self.store, feed.name, [i.key for i in items[: feed.max_items]])
        return any(s.status == FAILED and s.attempts < feed.max_attempts for s in known.values())

    def _listing(self, feed: FeedConfig, resp: Response) -> Listing:
        """Parse a listing; read the newest child sitemaps of a sitemap index.

        Raises: WatchError E724; FetchFailed from a child sitemap.
        """
        warn = self._warner(feed)
        listing = parse_listing(resp.content, url=resp.url, feed=feed.name, warn=warn)
        children = listing.children[: self.config.service.sitemap_children]
        for child in children:
            got = self.fetcher.get(
                child,
                feed=feed.name,
                timeout=feed.timeout,
                max_bytes=feed.max_bytes,
                rate=feed.rate,
                agent=feed.user_agent,
            )
            listing.items += parse_listing(got.content, url=got.url, feed=feed.name).items
        return listing

    def _items(
        self, feed: FeedConfig, items: list[FeedItem], report: PassReport
    ) -> RealpolitikError | str | None:
        """Handle the items the store has not marked done.

        Returns: None when all were handled, "stopped" on a stop request, or the transient
        error that ended the poll early (the host is struggling: back off).
        """
        known = item_states(self.store, feed.name, [item.key for item in items])
        for item in items:
            before = known.get(item.key)
            if before is not None and (
                before.status != FAILED or before.attempts >= feed.max_attempts
            ):
                continue
            if self.stop.is_set():
                return "stopped"
            attempts = (before.attempts if before else 0) + 1
            error = self._item(feed, item, attempts, report, first=before is None)
            if error is not None:
                return error
        return None

    def _item(
        self, feed: FeedConfig, item: FeedItem, attempts: int, report: PassReport, *, first: bool
    ) -> RealpolitikError | None:
        """Read, code, store and mark one item; return a transient error that ends the poll."""
        report.items_new += int(first)
        url = item.url or item.key
        try:
            result = self._read(feed, item)
        except FetchFailed as exc:
            self._item_failed(feed, item, attempts, exc, report)
            return exc if exc.transient else None
        if result.reason is not None:
            mark_item(self.store, feed.name, ItemState(item.key, item.url, SKIPPED, result.reason))
            report.skipped += 1
            self.log.emit(
                "skipped", level="warning", feed=feed.name, url=url, message=result.reason
            )
            return None
        try:
            stored = ingest_articles(
                result.articles,
                store=self.store,
                coder=self.coder,
                on_warning=self._warner(feed, url),
            )
        except RealpolitikError as exc:
            wrapped = WatchError(_e730(feed, url, exc))
            self._item_failed(feed, item, attempts, wrapped, report)
            return wrapped
        article_id = result.articles[0].id
        mark_item(
            self.store,
            feed.name,
            ItemState(item.key, item.url, INGESTED, article_id=article_id, attempts=attempts),
        )
        report.ingested += 1
        report.events += stored.events
        self.log.emit(
            "ingested",
            feed=feed.name,
            url=url,
            article=article_id,
            counts={
                "events": stored.events,
                "stored": stored.stored,
                "unchanged": stored.unchanged,
            },
        )
        return None

    def _read(self, feed: FeedConfig, item: FeedItem) -> PageResult:
        """Return the item's articles: from its file, its page, or the listing's own text.

        Raises: FetchFailed.
        """
        if item.path is not None:
            return self.pages.from_file(item, feed)
        if not feed.fetch_pages or not item.url:
            return self.pages.from_listing(item, feed)
        if not self._allowed(feed, item.url):
            robots = f"{host_of(item.url)}/robots.txt"
            return PageResult(
                reason=Warnings.W720.format(feed=feed.name, url=item.url, robots=robots)
            )
        resp = self.fetcher.get(
            item.url,
            feed=feed.name,
            timeout=feed.timeout,
            max_bytes=feed.max_bytes,
            rate=feed.rate,
            agent=feed.user_agent,
        )
        return self.pages.from_response(resp, item, feed)

    def _allowed(self, feed: FeedConfig, url: str) -> bool:
        """Return whether robots.txt allows ``url`` (always, when the feed ignores robots)."""
        if not feed.robots:
            return True
        ok, robots = self.fetcher.allowed(
            url, feed=feed.name, timeout=feed.timeout, rate=feed.rate, warn=self._warner(feed)
        )
        if not ok and url == feed.url:
            message = Warnings.W720.format(feed=feed.name, url=url, robots=robots)
            self.log.emit("disallowed", level="warning", feed=feed.name, url=url, message=message)
        return ok

    def _item_failed(
        self, feed: FeedConfig, item: FeedItem, attempts: int, exc: Exception, report: PassReport
    ) -> None:
        reason = str(exc)
        mark_item(
            self.store, feed.name, ItemState(item.key, item.url, FAILED, reason, attempts=attempts)
        )
        report.item_failures += 1
        url = item.url or item.key
        self.log.emit("item_failed", level="error", feed=feed.name, url=url, message=reason)
        if attempts >= feed.max_attempts:
            given_up = Warnings.W725.format(feed=feed.name, url=url, attempts=attempts)
            self.log.emit("given_up", level="warning", feed=feed.name, url=url, message=given_up)

    def _done(self, feed: FeedConfig, state: FeedState, *, status: int | None) -> None:
        """Record a successful poll: failures reset, next poll one interval on."""
        state.last_status = status
        state.last_error = None
        state.failures = 0
        state.next_due = _iso(self.now() + timedelta(seconds=feed.every))
        save_feed(self.store, state)

    def _fail(
        self,
        feed: FeedConfig,
        state: FeedState,
        exc: Exception,
        report: PassReport,
        *,
        status: int | None,
        retry_after: float | None = None,
    ) -> None:
        """Record a failed poll and back off."""
        service = self.config.service
        state.failures += 1
        delay = backoff_seconds(
            state.failures,
            base=service.backoff_base,
            cap=service.backoff_max,
            retry_after=retry_after,
            retry_after_max=service.retry_after_max,
            rng=self.rng,
        )
        state.last_status = status
        state.last_error = str(exc)
        state.next_due = _iso(self.now() + timedelta(seconds=delay))
        save_feed(self.store, state, failed=True)
        report.failed += 1
        self.log.emit(
            "failed", level="error", feed=feed.name, url=feed.url, status=status, message=str(exc)
        )
        backing = Warnings.W724.format(
            feed=feed.name, seconds=round(delay), failures=state.failures
        )
        self.log.emit(
            "backoff", level="warning", feed=feed.name, message=backing, next_due=state.next_due
        )

    def _warner(self, feed: FeedConfig, url: str | None = None) -> Callable[[str], None]:
        def warn(message: str) -> None:
            self.log.warning(message, feed=feed.name, url=url)

        return warn

    def _check_alerts(self, report: PassReport) -> None:
        """Evaluate the alert rules on the store; a failure is logged (W726), never fatal."""
        from realpolitik.alerts import check_alerts

        try:
            new = check_alerts(self.store, self.config.alerts)
        except Exception as exc:  # an alert rule's bug must not stop the feeds
            detail = f"{type(exc).__name__}: {exc}"
            self.log.emit("alerts", level="warning", message=Warnings.W726.format(detail=detail))
            return
        report.alerts += len(new)
        ids = [getattr(alert, "alert_id", None) or getattr(alert, "id", None) for alert in new]
        self.log.emit("alerts", counts={"new": len(new)}, alerts=ids or None)


def _after(exc: Exception) -> float | None:
    return getattr(exc, "retry_after", None)


def _e730(feed: FeedConfig, url: str, exc: RealpolitikError) -> str:
    return Errors.E730.format(feed=feed.name, url=url, detail=str(exc))


__all__ = ["PassReport", "Watcher"]
