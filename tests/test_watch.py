"""The feed watcher against a local HTTP server: new items once, 304s free, back-off and
recovery, malformed feeds, pages that are not HTML, robots.txt, the state kept in the store."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from realpolitik.settings import Settings
from realpolitik.store import feeds as feed_store
from realpolitik.store.store import Store, open_store
from realpolitik.watch import EventLog, Watcher, load_feeds
from store_helpers import FakeCoder, postgres_server
from watch_helpers import STORIES, FeedServer, atom, feeds_yaml, page_html, rss


class Clock:
    """A settable UTC clock for the watcher's schedule."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 9, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


class CountingCoder(FakeCoder):
    """FakeCoder that counts the articles it codes."""

    def __init__(self) -> None:
        super().__init__()
        self.coded = 0

    def pipe(self, articles):  # noqa: ANN001, ANN201
        for article, events in super().pipe(articles):
            self.coded += 1
            yield article, events


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        for story in STORIES:
            srv.set(f"/news/{story['slug']}", page_html(story))
        yield srv


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(str(tmp_path / "watch.db"), settings=Settings()) as opened:
        yield opened


def _watcher(
    tmp_path: Path, store: Store, feeds: list[dict], *, coder=None, clock=None, **top
) -> tuple[Watcher, io.StringIO]:
    config = load_feeds(feeds_yaml(tmp_path / "feeds.yaml", feeds, **top))
    log = io.StringIO()
    watcher = Watcher(
        config, store, coder or CountingCoder(), log=EventLog(log, verbose=True), now=clock
    )
    return watcher, log


def _feed(store: Store, name: str) -> feed_store.FeedState:
    state = feed_store.load_feed(store, name)
    assert state is not None
    return state


def _articles(store: Store) -> list[str]:
    return sorted(r[0] for r in store.backend.query("SELECT id FROM articles"))


def test_watch_new_items_ingested_once(tmp_path, server, store):
    server.set("/rss", rss(server.url("/news"), STORIES[:2]), content_type="application/rss+xml")
    feeds = [{"name": "ledger", "url": server.url("/rss"), "every": "15m"}]
    watcher, log = _watcher(tmp_path, store, feeds)
    first = watcher.run(once=True)
    assert (first.items_new, first.ingested) == (2, 2)
    server.set("/rss", rss(server.url("/news"), STORIES[:3]), content_type="application/rss+xml")
    second = watcher.run(once=True)
    third = watcher.run(once=True)
    assert (second.items_new, second.ingested, third.items_new, third.ingested) == (1, 1, 0, 0)
    assert _articles(store) == sorted(server.url(f"/news/{s['slug']}") for s in STORIES[:3])
    for story in STORIES[:3]:
        assert server.count(f"/news/{story['slug']}") == 1
    state = _feed(store, "ledger")
    assert (state.items_seen, state.items_ingested, state.errors) == (3, 3, 0)
    assert feed_store.item_counts(store, "ledger")["ingested"] == 3
    row = store.backend.query(
        "SELECT source, url, date FROM articles WHERE id = ?", (_articles(store)[0],)
    )
    assert (
        row[0][0] == "ledger"
        and row[0][1].startswith(server.base)
        and row[0][2].startswith("2026-11")
    )
    lines = [json.loads(line) for line in log.getvalue().splitlines()]
    assert {"start", "listing", "ingested", "pass", "stop"} <= {line["event"] for line in lines}
    assert all({"time", "level", "event"} <= set(line) for line in lines)
    assert server.agents and all(a.startswith("realpolitik/") for a in server.agents)


def test_watch_not_modified_costs_no_work(tmp_path, server, store):
    server.set(
        "/atom", atom(server.url("/news"), STORIES[:2]), content_type="application/atom+xml",
        etag='"v1"',
    )  # fmt: skip
    coder = CountingCoder()
    feeds = [{"name": "atom", "url": server.url("/atom"), "every": "1m"}]
    watcher, log = _watcher(tmp_path, store, feeds, coder=coder)
    watcher.run(once=True)
    coded, pages = coder.coded, sum(server.count(f"/news/{s['slug']}") for s in STORIES)
    assert (coded, pages) == (2, 2)
    report = watcher.run(once=True)
    assert report.not_modified == 1 and server.not_modified["/atom"] == 1
    assert coder.coded == coded
    assert sum(server.count(f"/news/{s['slug']}") for s in STORIES) == pages
    assert _feed(store, "atom").last_status == 304


def test_watch_same_listing_with_200_is_not_parsed_again(tmp_path, server, store):
    body = rss(server.url("/news"), STORIES[:2])
    server.set("/rss", body, content_type="application/rss+xml")  # no validators
    coder = CountingCoder()
    feeds = [{"name": "plain", "url": server.url("/rss"), "every": "1m"}]
    watcher, log = _watcher(tmp_path, store, feeds, coder=coder)
    assert watcher.run(once=True).ingested == 2
    assert _feed(store, "plain").listing_hash is not None
    again = watcher.run(once=True)
    assert (again.unchanged, again.items_new, again.ingested) == (1, 0, 0)
    assert server.count("/rss") == 2 and _feed(store, "plain").last_status == 200
    events = [json.loads(line)["event"] for line in log.getvalue().splitlines()]
    assert events.count("unchanged") == 1 and events.count("listing") == 1
    server.set("/rss", rss(server.url("/news"), STORIES[:3]), content_type="application/rss+xml")
    changed = watcher.run(once=True)
    assert (changed.unchanged, changed.items_new, changed.ingested, coder.coded) == (0, 1, 1, 3)


def test_watch_same_listing_is_parsed_while_an_item_has_attempts_left(tmp_path, server, store):
    missing = f"/news/{STORIES[1]['slug']}"
    server.set(missing, b"gone", status=404, content_type="text/plain")
    server.set("/rss", rss(server.url("/news"), STORIES[:2]), content_type="application/rss+xml")
    feeds = [{"name": "plain", "url": server.url("/rss"), "every": "1m"}]
    watcher, _ = _watcher(tmp_path, store, feeds)
    first = watcher.run(once=True)
    assert (first.ingested, first.item_failures) == (1, 1)
    assert _feed(store, "plain").listing_hash is None  # an item to retry: not settled
    second = watcher.run(once=True)
    assert (second.unchanged, second.item_failures) == (0, 1) and server.count(missing) == 2
    server.set(missing, page_html(STORIES[1]))
    third = watcher.run(once=True)
    assert (third.unchanged, third.ingested) == (0, 1) and _feed(store, "plain").listing_hash
    fourth = watcher.run(once=True)
    assert fourth.unchanged == 1 and server.count(missing) == 3


def test_watch_listing_digest_counts_the_feed_limits(tmp_path):
    from realpolitik.watch.service import listing_digest

    config = load_feeds(feeds_yaml(tmp_path / "feeds.yaml", [{"name": "a", "url": "http://x/"}]))
    feed = config.feeds[0]
    body = b"<rss></rss>"
    wider = type(feed)(**{**vars(feed), "max_items": feed.max_items + 1})
    assert listing_digest(body, feed) == listing_digest(body, feed)
    assert listing_digest(body, feed) != listing_digest(body + b" ", feed)
    assert listing_digest(body, feed) != listing_digest(body, wider)


def test_watch_server_error_backs_off_then_recovers(tmp_path, server, store):
    clock = Clock()
    server.set("/rss", b"oops", status=500, content_type="text/plain")
    feeds = [{"name": "flaky", "url": server.url("/rss"), "every": "5m"}]
    watcher, log = _watcher(tmp_path, store, feeds, clock=clock)
    watcher.run_pass()
    state = _feed(store, "flaky")
    assert state.failures == 1 and state.last_status == 500 and "[E727]" in state.last_error
    first_wait = (datetime.fromisoformat(state.next_due) - clock()).total_seconds()
    assert 30 <= first_wait <= 60
    hits = server.count("/rss")
    watcher.run_pass()  # not due yet: the server is left alone
    assert server.count("/rss") == hits
    clock.advance(first_wait)
    watcher.run_pass()
    state = _feed(store, "flaky")
    second_wait = (datetime.fromisoformat(state.next_due) - clock()).total_seconds()
    assert state.failures == 2 and 60 <= second_wait <= 120
    assert watcher.run(once=True).polled == 0  # --once leaves a backing-off feed alone
    server.set("/rss", rss(server.url("/news"), STORIES[:1]), content_type="application/rss+xml")
    clock.advance(second_wait)
    report = watcher.run_pass()
    state = _feed(store, "flaky")
    assert report.ingested == 1 and state.failures == 0 and state.last_error is None
    assert (datetime.fromisoformat(state.next_due) - clock()).total_seconds() == 300
    assert state.errors == 2
    assert any('"code": "W724"' in line for line in log.getvalue().splitlines())


def test_watch_timeout_backs_off_then_recovers(tmp_path, server, store):
    clock = Clock()
    body = rss(server.url("/news"), STORIES[:1])
    server.set("/slow", body, content_type="application/rss+xml", delay=1.5)
    feeds = [{"name": "slow", "url": server.url("/slow"), "every": "5m", "timeout": 0.5}]
    watcher, _ = _watcher(tmp_path, store, feeds, clock=clock)
    watcher.run_pass()
    state = _feed(store, "slow")
    assert state.failures == 1 and "[E725]" in state.last_error and state.last_status == 0
    server.set("/slow", body, content_type="application/rss+xml")
    clock.advance(3600)
    assert watcher.run_pass().ingested == 1
    assert _feed(store, "slow").failures == 0


def test_watch_retry_after_is_honoured(tmp_path, server, store):
    clock = Clock()
    server.set("/busy", b"busy", status=503, content_type="text/plain",
               headers={"Retry-After": "7200"})  # fmt: skip
    watcher, _ = _watcher(tmp_path, store, [{"name": "busy", "url": server.url("/busy")}],
                          clock=clock)  # fmt: skip
    watcher.run_pass()
    state = _feed(store, "busy")
    assert (datetime.fromisoformat(state.next_due) - clock()).total_seconds() >= 7200


def test_watch_malformed_feed_is_named_and_others_go_on(tmp_path, server, store):
    server.set("/bad", b"<html><body><p>Not a feed at all</p></body></html>")
    server.set("/broken", b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>x</ti')
    server.set("/rss", rss(server.url("/news"), STORIES[:2]), content_type="application/rss+xml")
    feeds = [
        {"name": "bad", "url": server.url("/bad")},
        {"name": "broken", "url": server.url("/broken")},
        {"name": "good", "url": server.url("/rss")},
    ]
    watcher, log = _watcher(tmp_path, store, feeds)
    report = watcher.run(once=True)
    assert report.failed == 2 and report.ingested == 2
    for name in ("bad", "broken"):
        state = _feed(store, name)
        assert state.last_error.startswith(f"[E724] Feed {name}:") and state.failures == 1
    assert _feed(store, "good").items_ingested == 2
    codes = [json.loads(line).get("code") for line in log.getvalue().splitlines()]
    assert codes.count("E724") == 2


def test_watch_page_not_html_is_skipped_with_reason(tmp_path, server, store):
    stories = STORIES[:2]
    server.set("/rss", rss(server.url("/news"), stories), content_type="application/rss+xml")
    server.set(f"/news/{stories[1]['slug']}", b"%PDF-1.7 binary", content_type="application/pdf")
    watcher, _ = _watcher(tmp_path, store, [{"name": "mixed", "url": server.url("/rss")}])
    report = watcher.run(once=True)
    assert (report.ingested, report.skipped) == (1, 1)
    rows = store.backend.query("SELECT status, reason FROM feed_items WHERE status = 'skipped'")
    assert len(rows) == 1 and rows[0][1].startswith("[W721]") and "application/pdf" in rows[0][1]
    assert watcher.run(once=True).skipped == 0  # a skipped item is not fetched again
    assert server.count(f"/news/{stories[1]['slug']}") == 1


def test_watch_robots_disallow_is_honoured(tmp_path, server, store):
    server.set("/robots.txt", b"User-agent: *\nDisallow: /news/india\nDisallow: /private\n",
               content_type="text/plain")  # fmt: skip
    server.set("/rss", rss(server.url("/news"), STORIES[:2]), content_type="application/rss+xml")
    server.set("/private/rss", rss(server.url("/news"), STORIES[2:3]))
    feeds = [
        {"name": "open", "url": server.url("/rss")},
        {"name": "closed", "url": server.url("/private/rss")},
    ]
    watcher, _ = _watcher(tmp_path, store, feeds)
    report = watcher.run(once=True)
    assert report.ingested == 1 and report.skipped == 1
    assert server.count("/news/india-pakistan-border") == 0
    assert server.count("/private/rss") == 0
    assert server.count("/robots.txt") == 1  # fetched once per host
    reason = store.backend.query("SELECT reason FROM feed_items WHERE status = 'skipped'")[0][0]
    assert reason.startswith("[W720]") and "robots.txt" in reason


def test_watch_crash_between_ingest_and_mark_doubles_nothing(tmp_path, server, store, monkeypatch):
    server.set("/rss", rss(server.url("/news"), STORIES[:2]), content_type="application/rss+xml")
    feeds = [{"name": "ledger", "url": server.url("/rss")}]
    watcher, _ = _watcher(tmp_path, store, feeds)
    from realpolitik.watch import service

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed between the article's transaction and the item's")

    monkeypatch.setattr(service, "mark_item", crash)
    with pytest.raises(KeyboardInterrupt):
        watcher.run(once=True)
    assert len(_articles(store)) == 1 and feed_store.item_counts(store, "ledger")["ingested"] == 0
    events = store.count("events")
    monkeypatch.undo()
    restarted, _ = _watcher(tmp_path, store, feeds)
    report = restarted.run(once=True)
    assert report.ingested == 2
    assert len(_articles(store)) == 2
    ids = store.backend.query("SELECT event_id FROM events")
    assert len(ids) == len(set(ids)) and store.count("events") > events
    first = server.url(f"/news/{STORIES[0]['slug']}")
    assert store.backend.query("SELECT COUNT(*) FROM articles WHERE id = ?", (first,))[0][0] == 1
    assert _feed(store, "ledger").items_ingested == 2


def test_watch_folder_feed_reads_new_and_changed_files(tmp_path, store):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.html").write_bytes(page_html(STORIES[0]))
    (folder / "b.txt").write_text(STORIES[1]["text"], encoding="utf-8")
    feeds = [{"name": "inbox", "url": str(folder), "every": "1m"}]
    watcher, _ = _watcher(tmp_path, store, feeds)
    assert watcher.run(once=True).ingested == 2
    assert watcher.run(once=True).ingested == 0
    (folder / "b.txt").write_text(STORIES[1]["text"] + "\nPakistan recalled its envoy.\n")
    assert watcher.run(once=True).ingested == 1
    assert _articles(store) == sorted((folder / n).resolve().as_uri() for n in ("a.html", "b.txt"))


def test_watch_api_feeds_lists_status(tmp_path, server, store):
    from fastapi.testclient import TestClient

    from realpolitik.api import create_app

    server.set("/rss", rss(server.url("/news"), STORIES[:2]), content_type="application/rss+xml")
    server.set("/down", b"", status=502, content_type="text/plain")
    feeds = [
        {"name": "up", "url": server.url("/rss"), "every": "15m"},
        {"name": "down", "url": server.url("/down"), "every": "1h"},
    ]
    watcher, _ = _watcher(tmp_path, store, feeds)
    watcher.run(once=True)
    app = create_app(Settings(), db=store.label)
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000)) as client:
        body = client.get("/api/feeds").json()
    by_id = {feed["id"]: feed for feed in body["feeds"]}
    assert by_id["up"]["items_seen"] == 2 and by_id["up"]["items_ingested"] == 2
    assert by_id["up"]["last_status"] == 200 and by_id["up"]["every"] == 900
    assert by_id["down"]["last_status"] == 502 and by_id["down"]["failures"] == 1
    assert by_id["down"]["errors"] == 1 and "[E727]" in by_id["down"]["last_error"]
    assert {"url", "last_fetch", "next_due"} <= set(by_id["down"])


@pytest.mark.postgres
def test_watch_state_on_postgres(tmp_path, server):
    url = postgres_server().create_database("watch_state")
    server.set("/rss", rss(server.url("/news"), STORIES[:2]), content_type="application/rss+xml")
    with open_store(url, settings=Settings()) as store:
        watcher, _ = _watcher(tmp_path, store, [{"name": "pg", "url": server.url("/rss")}])
        assert watcher.run(once=True).ingested == 2
        assert watcher.run(once=True).ingested == 0
        state = _feed(store, "pg")
        assert (state.items_seen, state.items_ingested) == (2, 2)
