"""The watcher's parts: the feeds file, listings of every kind, back-off, URLs."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from realpolitik.errors import RealpolitikError, WatchError
from realpolitik.settings import Settings
from realpolitik.store.store import open_store
from realpolitik.watch import EventLog, Watcher, load_feeds
from realpolitik.watch.config import parse_interval
from realpolitik.watch.fetch import backoff_seconds, parse_retry_after, user_agent
from realpolitik.watch.items import list_folder, parse_listing
from realpolitik.watch.pages import canonical_url
from store_helpers import FakeCoder
from watch_helpers import (
    STORIES,
    FeedServer,
    atom,
    feeds_yaml,
    json_feed,
    news_sitemap,
    page_html,
    rss,
    sitemap_index,
)

BASE = "https://ledger.example/news"


@pytest.mark.parametrize(
    ("value", "seconds"), [("90s", 90), ("15m", 900), ("1h", 3600), ("1d", 86400), (30, 30)]
)
def test_watch_interval_parses(value, seconds):
    assert parse_interval(value, path="f.yaml", where="feed 1") == seconds


@pytest.mark.parametrize("value", ["soon", "0m", "-5m", "15 minutes", True, None])
def test_watch_interval_refused_with_e722(value):
    with pytest.raises(WatchError) as caught:
        parse_interval(value, path="f.yaml", where="feed 1")
    assert caught.value.code == "E722"


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("text", "code", "needle"),
    [
        ("feeds: [{url: 'https://a.example/rss', evry: 15m}]", "E721", "'evry'"),
        ("feed: []", "E721", "unknown key 'feed'"),
        ("feeds: [{every: 15m}]", "E721", "url: is missing"),
        ("feeds: [{url: 'ftp://a.example/x'}]", "E721", "scheme 'ftp'"),
        ("feeds: [{url: 'https://a.example/rss', every: soon}]", "E722", "'soon'"),
        ("feeds: []", "E723", "no feeds"),
        ("", "E723", "no feeds"),
        ("feeds: [{url: x, timeout: -1}]", "E721", "timeout"),
        (
            "feeds: [{url: 'https://a.example/rss'}, {url: 'https://a.example/rss'}]",
            "E721",
            "share",
        ),
        ("feeds: [{url: 'https://a.example/rss'}]\nservice: {backof_max: 5}", "E721", "backof"),
        ("feeds: [ {url: ", "E720", "invalid YAML"),
    ],
)
def test_watch_feeds_file_errors_are_coded(tmp_path, text, code, needle):
    with pytest.raises(WatchError) as caught:
        load_feeds(_write(tmp_path, text))
    assert caught.value.code == code and needle in str(caught.value)


def test_watch_feeds_file_missing_is_e720(tmp_path):
    with pytest.raises(WatchError) as caught:
        load_feeds(tmp_path / "absent.yaml")
    assert caught.value.code == "E720"


def test_watch_feeds_file_defaults_and_overrides(tmp_path):
    text = """
defaults: {rate: 5, timeout: 7}
service: {contact: ops@ledger.example, backoff_max: 600}
feeds:
  - {url: 'https://ledger.example/rss', every: 90s}
  - {name: inbox, url: 'file:///var/news', rate: 0, fetch_pages: false, language: fr}
"""
    config = load_feeds(_write(tmp_path, text))
    web, folder = config.feeds
    assert (web.name, web.every, web.rate, web.timeout) == ("ledger.example/rss", 90, 5, 7)
    assert web.max_items == 100 and web.robots is True and web.folder is None
    assert (folder.rate, folder.fetch_pages, folder.language) == (0, False, "fr")
    assert folder.folder == Path("/var/news") and folder.every == 900
    assert config.service.backoff_max == 600 and config.service.backoff_base == 60
    assert user_agent(config.service.contact).startswith("realpolitik/")
    assert user_agent(config.service.contact).endswith("(+ops@ledger.example)")


def test_watch_feeds_file_bad_alert_rules_fail_at_load(tmp_path):
    text = "feeds: [{url: 'https://a.example/rss'}]\nalerts: {no_such_rule: {k: 3}}\n"
    with pytest.raises(RealpolitikError) as caught:
        load_feeds(_write(tmp_path, text))
    assert caught.value.code.startswith("E74")


def test_watch_listing_kinds():
    stories = STORIES[:3]
    feed = parse_listing(rss(BASE, stories, inline=True), url=BASE, feed="f")
    assert [i.key for i in feed.items] == [f"{BASE}/{s['slug']}" for s in stories]
    assert feed.items[0].date == "2026-11-03" and "Lavrov" in feed.items[0].text
    entries = parse_listing(atom(BASE, stories), url=BASE, feed="f")
    assert entries.items[1].key == "tag:ledger.test,2026:india-pakistan-border"
    assert entries.items[1].url == f"{BASE}/india-pakistan-border"
    items = parse_listing(json_feed(BASE, stories), url=BASE, feed="f")
    assert (items.kind, items.items[2].key, items.items[2].date) == (
        "json", "france-germany-aid", "2026-11-05",
    )  # fmt: skip
    pages = parse_listing(news_sitemap(BASE, stories), url=BASE, feed="f")
    assert pages.kind == "sitemap" and [i.date for i in pages.items] == [s["date"] for s in stories]
    assert pages.items[0].title == stories[0]["title"]
    index = sitemap_index([(f"{BASE}/old.xml", "2026-01-01"), (f"{BASE}/new.xml", "2026-11-08")])
    assert parse_listing(index, url=BASE, feed="f").children == [
        f"{BASE}/new.xml",
        f"{BASE}/old.xml",
    ]


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "invalid JSON"),
        (b'{"title": "no version"}', "not a JSON Feed"),
        (b"<urlset><url><loc>x</loc></url>", "invalid XML"),
        (b"<html><body>Hello</body></html>", "neither RSS"),
        (b"", "neither RSS"),
    ],
)
def test_watch_malformed_listing_is_e724(data, needle):
    with pytest.raises(WatchError) as caught:
        parse_listing(data, url=BASE, feed="ledger")
    assert caught.value.code == "E724" and needle in str(caught.value)
    assert "Feed ledger" in str(caught.value)


def test_watch_folder_listing_keys_change_with_the_file(tmp_path):
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")
    first = list_folder(tmp_path, feed="f", limit=10).items
    (tmp_path / "a.txt").write_text("one more", encoding="utf-8")
    second = list_folder(tmp_path, feed="f", limit=10).items
    assert len(first) == len(second) == 1 and first[0].key != second[0].key
    assert first[0].key.startswith("a.txt@")
    with pytest.raises(WatchError) as caught:
        list_folder(tmp_path / "absent", feed="f", limit=10)
    assert caught.value.code == "E729"


def test_watch_backoff_grows_is_capped_and_honours_retry_after():
    rng = random.Random(7)
    waits = [backoff_seconds(n, base=60, cap=3600, rng=rng) for n in range(1, 10)]
    for n, wait in enumerate(waits, start=1):
        raw = min(3600, 60 * 2 ** (n - 1))
        assert raw / 2 <= wait <= raw
    assert max(waits) <= 3600
    assert backoff_seconds(1, base=60, cap=3600, retry_after=5000) == 5000
    assert backoff_seconds(1, base=60, cap=3600, retry_after=10**9, retry_after_max=86400) == 86400


def test_watch_retry_after_header_forms():
    now = datetime(2026, 11, 9, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Mon, 09 Nov 2026 13:00:00 GMT", now=now) == 3600
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_watch_canonical_url_drops_tracking_and_fragment():
    url = "HTTPS://Ledger.Example:443/a/b?id=7&utm_source=rss&fbclid=x#top"
    assert canonical_url(url) == "https://ledger.example/a/b?id=7"


def test_watch_sitemap_index_reads_newest_children(tmp_path):
    with FeedServer() as server:
        for story in STORIES:
            server.set(f"/news/{story['slug']}", page_html(story))
        server.set("/new.xml", news_sitemap(server.url("/news"), STORIES[:2]))
        server.set("/old.xml", news_sitemap(server.url("/news"), STORIES[2:4]))
        index = sitemap_index(
            [(server.url("/old.xml"), "2026-01-01"), (server.url("/new.xml"), "2026-11-08")]
        )
        server.set("/index.xml", index, content_type="application/xml")
        feeds = [{"name": "maps", "url": server.url("/index.xml")}]
        config = load_feeds(
            feeds_yaml(tmp_path / "feeds.yaml", feeds, service={"sitemap_children": 1})
        )
        with open_store(str(tmp_path / "w.db"), settings=Settings()) as store:
            watcher = Watcher(config, store, FakeCoder(), log=EventLog(io.StringIO()))
            assert watcher.run(once=True).ingested == 2
        assert server.count("/old.xml") == 0 and server.count("/new.xml") == 1
