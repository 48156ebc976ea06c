"""The dashboard's alerts and feeds panels in a real browser (Debian chromium, Playwright,
offline).

The store holds nine weeks of RUS>CHN cooperation whose last week turns to threats, so one
``dyad_shift`` alert is stored by the real rules (``check_alerts``) with three triggering events,
and one watched feed with a fetch, items and an error. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from alerts_helpers import THREATEN, Builder, new_store, steady
from api_helpers import LiveServer, Watched, chromium_browser, open_page
from realpolitik.alerts import AlertConfig, check_alerts
from realpolitik.api import create_app
from realpolitik.store import open_store
from realpolitik.store.alerts import Alert, insert_alerts
from realpolitik.store.feeds import FeedState, register_feeds, save_feed

pytestmark = pytest.mark.browser

TODAY = date(2026, 12, 1)
SHIFT_ONLY = AlertConfig.from_mapping(
    {"rules": {"first_conflict": False, "bloc_change": False, "volume_spike": False}}
)
FEED_URL = "https://news.example.org/world/rss.xml"
FEED_ERROR = "E724 the feed could not be parsed: not well-formed (line 3)"
LIVE_MARKUP = '<img src=x onerror="document.body.dataset.pwned=1"> spike'


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from chromium_browser()


def _seed(tmp_path: Path, *, alerts: bool = True, feeds: bool = True) -> str:
    """Return a store of RUS>CHN events with one stored alert and one watched feed (each
    optional)."""
    store = new_store(tmp_path)
    b = Builder()
    steady(b, "RUS", "CHN", range(8))
    steady(b, "RUS", "CHN", range(8, 9), code=THREATEN)
    b.write(store)
    if alerts:
        assert len(check_alerts(store, SHIFT_ONLY, today=TODAY)) == 1
    if feeds:
        register_feeds(store, [("world", FEED_URL, 600.0)])
        state = FeedState(
            feed_id="world",
            url=FEED_URL,
            every_s=600.0,
            last_fetch="2026-12-01T10:15:00Z",
            last_status=200,
            last_error=FEED_ERROR,
        )
        save_feed(store, state, failed=True)
        store.backend.execute(
            "UPDATE feeds SET items_seen = 12, items_ingested = 10 WHERE feed_id = 'world'"
        )
    store.close()
    return str(tmp_path / "alerts.db")


@pytest.fixture
def db(tmp_path: Path) -> str:
    return _seed(tmp_path)


@pytest.fixture
def server(db: str) -> Iterator[LiveServer]:
    with LiveServer(create_app(db=db)) as live:
        yield live


def _dashboard(browser: Any, server: LiveServer, path: str = "/") -> Watched:
    """Open the dashboard and wait until its first load is done."""
    watched = open_page(browser, server.url, path)
    watched.page.wait_for_selector("body[data-ready='1']")
    return watched


def _clean(watched: Watched) -> None:
    """Assert the page logged no error, asked no other host, and ran no injected markup."""
    assert watched.errors() == []
    assert watched.foreign_requests() == []
    assert watched.page.evaluate("document.body.dataset.pwned") is None


def _assert_alert_view(watched: Watched) -> None:
    """Assert the dyad view shows alert 1: RUS–CHN by week, its three events starred and listed."""
    page = watched.page
    page.wait_for_selector("#series[data-state='done'][data-alert='1']")
    assert page.get_attribute("#series", "data-dyad") == "RUS-CHN"
    assert set(page.inner_text("#series-title").replace("–", " ").split()) == {"RUS", "CHN"}
    assert "by week" in page.inner_text("#series-summary")
    assert page.get_attribute("#series", "data-marked") == "3"
    stars = page.evaluate(
        "document.getElementById('series').data"
        ".filter(t => t.name === 'triggering events').map(t => t.x.length)"
    )
    assert stars == [3]
    assert page.locator("#alert-detail").is_visible()
    assert "dyad shift" in page.inner_text("#alert-message")
    items = page.locator("#alert-events li.triggering")
    assert items.count() == 3
    for text in items.all_inner_texts():
        assert text.startswith("triggering") and "RUS did 130 to CHN." in text
    rows = page.locator("#events tbody tr.event.triggering")
    page.wait_for_function("document.querySelectorAll('#events tr.event.triggering').length === 3")
    assert all("triggering" in t for t in rows.all_inner_texts())
    assert "alert 1" in page.inner_text("#events-scope")
    assert page.locator("#alerts tr.alert.selected").get_attribute("data-seq") == "1"


def test_web_alerts_panel_shows_the_alert_and_opens_its_dyad(browser, server) -> None:
    watched = _dashboard(browser, server)
    page = watched.page
    page.wait_for_selector("#alerts[data-state='done']")
    rows = page.locator("#alerts tbody tr.alert")
    assert rows.count() == 1
    text = rows.first.inner_text()
    for part in ("dyad shift", "RUS → CHN", "2026-W31", "weekly mean Goldstein", "robust z −"):
        assert part in text, (part, text)
    assert rows.first.locator("td.count").inner_text() == "3"
    rows.first.click()
    _assert_alert_view(watched)
    assert page.evaluate("location.hash") == "#alert=1&dyad=RUS,CHN"
    watched.shot("dashboard-alert-selected")
    page.evaluate("RP.dashboard.selectDyad('RUS', 'CHN')")
    page.wait_for_selector("#series[data-state='done'][data-alert='']")
    assert page.evaluate("location.hash") == "#dyad=RUS,CHN"
    assert page.locator("#alert-detail").is_hidden()
    page.go_back()
    _assert_alert_view(watched)
    page.locator("#alert-events li.triggering").first.click()
    page.wait_for_selector("#event-detail .detail")
    assert "RUS did 130 to CHN." in page.inner_text("#event-detail")
    _clean(watched)
    page.context.close()


def test_web_alert_link_opens_the_dyad_view(browser, server) -> None:
    watched = _dashboard(browser, server, "/#alert=1&dyad=RUS,CHN")
    _assert_alert_view(watched)
    page = watched.page
    page.click("#events-all")
    page.wait_for_function("location.hash === ''")
    page.wait_for_function("document.querySelectorAll('#events tr.event.triggering').length === 0")
    assert page.locator("#alerts tr.alert.selected").count() == 0
    assert page.locator("#alert-detail").is_hidden()
    page.go_back()
    _assert_alert_view(watched)
    page.go_forward()
    page.wait_for_function("document.querySelectorAll('#alerts tr.alert.selected').length === 0")
    assert page.locator("#alert-detail").is_hidden()
    _clean(watched)
    watched.page.context.close()


def test_web_new_alert_arrives_over_the_stream(browser, server, db) -> None:
    watched = _dashboard(browser, server)
    page = watched.page
    page.wait_for_selector("#alerts[data-live='open']")
    assert page.inner_text("#alerts-live") == "live"
    new = Alert(
        rule="volume_spike",
        subject="CHN",
        period="2026-W32",
        period_start="2026-08-03",
        figures={"metric": "volume", "value": 14.0, "baseline": 3.0, "z": 5.2, "n_events": 14},
        events=[],
        message=LIVE_MARKUP,
        created_at="2026-12-01T12:00:00Z",
    )
    with open_store(db) as store:  # as a watcher in another process would
        assert [a.seq for a in insert_alerts(store, [new])] == [2]
    page.wait_for_selector("#alerts tbody tr.alert[data-seq='2']")
    rows = page.locator("#alerts tbody tr.alert")
    assert [rows.nth(i).get_attribute("data-seq") for i in range(rows.count())] == ["2", "1"]
    first = rows.first.inner_text()
    assert "volume spike" in first and "weekly unique events 14 vs usual 3" in first
    figures = page.get_attribute("#alerts tbody tr.alert[data-seq='2'] td.figures", "title")
    assert figures == LIVE_MARKUP
    assert page.locator("#alerts img, #alerts script").count() == 0
    watched.shot("dashboard-alert-live")
    _clean(watched)
    page.context.close()


def test_web_feeds_panel_shows_the_feed(browser, server) -> None:
    watched = _dashboard(browser, server)
    page = watched.page
    page.wait_for_selector("#feeds[data-state='done']")
    rows = page.locator("#feeds tbody tr.feed")
    assert rows.count() == 1
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[0] == FEED_URL
    assert cells[1] == "2026-12-01 10:15:00"
    assert cells[2] == "200"
    assert cells[3].split() == ["12", "seen", "10", "ingested"]
    assert cells[4].startswith("1") and FEED_ERROR in cells[4]
    _clean(watched)
    page.context.close()


def test_web_empty_panels_say_so(browser, tmp_path: Path) -> None:
    db = _seed(tmp_path, alerts=False, feeds=False)
    with LiveServer(create_app(db=db)) as live:
        watched = _dashboard(browser, live)
        page = watched.page
        page.wait_for_selector("#feeds[data-state='done']")
        assert page.inner_text("#feeds tbody") == "no feeds watched — see docs/watch.md"
        assert "No alerts stored yet" in page.inner_text("#alerts tbody")
        assert page.locator("#alerts tbody tr.alert").count() == 0
        watched.shot("dashboard-empty-panels")
        _clean(watched)
        page.context.close()
