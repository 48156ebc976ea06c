"""The dashboard in a real browser: Debian's chromium driven by Playwright, offline.

The store holds the seed article coded by the real pipeline (ingested through the reader and
the cleaner) plus an article whose sentence carries ``<script>`` and ``onerror=`` markup.
Screenshots are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api_helpers import MARKUP, LiveServer, Watched, chromium_browser, open_page, seed_store
from realpolitik.api import create_app
from realpolitik.api.assets import Assets
from realpolitik.settings import Settings

pytestmark = pytest.mark.browser

@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    yield from chromium_browser()


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory, pipeline) -> Path:
    return seed_store(tmp_path_factory.mktemp("web") / "seed.db", pipeline)


def _app(db: Path, pipeline, *, without: tuple[str, ...] = ()) -> Any:
    settings = Settings(network_min_events=1)
    app = create_app(settings, db=str(db), load_pipeline=lambda s: pipeline)
    if without:
        files = {k: v for k, v in app.state.assets.files.items() if k not in without}
        app.state.assets = Assets(files)
    return app


@pytest.fixture(scope="module")
def server(seed_db: Path, pipeline) -> Iterator[LiveServer]:
    with LiveServer(_app(seed_db, pipeline)) as live:
        yield live


@pytest.fixture
def dashboard(browser: Any, server: LiveServer) -> Iterator[Watched]:
    watched = open_page(browser, server.url)
    watched.page.wait_for_selector("body[data-ready='1']")
    yield watched
    watched.page.context.close()


def _nodes(w: Watched) -> set[str]:
    return set(w.page.get_attribute("#network", "data-nodes").split(","))


def test_web_page_loads_without_console_errors(dashboard: Watched) -> None:
    shot = dashboard.shot("dashboard-loaded")
    assert dashboard.errors() == []
    assert dashboard.foreign_requests() == []
    assert dashboard.page.inner_text("#filter-error") == ""
    assert "events from" in dashboard.page.inner_text("#stats")
    assert shot.stat().st_size > 10_000


def test_web_network_shows_the_seed_actors(dashboard: Watched) -> None:
    assert {"RUS", "CHN", "USA"} <= _nodes(dashboard)
    renderer = dashboard.page.get_attribute("#network", "data-renderer")
    installed = Assets.find(Settings()).has("cytoscape.min.js")
    assert renderer == ("cytoscape" if installed else "plotly")
    assert dashboard.page.locator("#legend li").count() >= 1


def test_web_clicking_the_rus_chn_edge_updates_the_series(dashboard: Watched) -> None:
    page = dashboard.page
    assert page.get_attribute("#series", "data-dyad") is None
    point = page.evaluate("RP.dashboard.state.view.edgePoint('RUS', 'CHN')")
    assert point is not None, "the network has no RUS-CHN edge"
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("#series[data-state='done']")
    assert page.get_attribute("#series", "data-dyad") in {"RUS-CHN", "CHN-RUS"}
    assert int(page.get_attribute("#series", "data-events")) >= 3
    assert set(page.inner_text("#series-title").replace("–", " ").split()) == {"RUS", "CHN"}
    assert page.locator("#series .main-svg").count() >= 1
    assert page.locator("#series .bars path").count() >= 1
    scope = page.inner_text("#events-scope")
    assert "RUS" in scope and "CHN" in scope
    dashboard.shot("dashboard-rus-chn-series")
    assert dashboard.errors() == []


def test_web_table_shows_the_seed_sentence(dashboard: Watched) -> None:
    page = dashboard.page
    rows = page.locator("#events tbody tr.event")
    texts = rows.all_inner_texts()
    seed_rows = [t for t in texts if "Lavrov" in t or "Moscow" in t or "Beijing" in t]
    assert seed_rows, texts
    marked = page.locator("#events tbody tr.event mark.m-trigger")
    assert marked.count() >= len(seed_rows)
    rows.first.click()
    page.wait_for_selector("#event-detail .detail")
    assert "Pattern" in page.inner_text("#event-detail")


def test_web_markup_in_articles_stays_inert(dashboard: Watched) -> None:
    page = dashboard.page
    row = page.locator("#events tbody tr.event", has_text="onerror=")
    assert row.count() == 1
    assert MARKUP in row.inner_text()
    assert page.locator("#events img, #events script").count() == 0
    row.click()
    page.wait_for_selector("#event-detail .detail")
    detail = page.inner_text("#event-detail")
    assert "<b onmouseover=alert(1)>Markup</b>" in detail
    assert page.locator("#event-detail a").count() == 0  # javascript: URL not linked
    page.fill("#code-text", MARKUP + " The United States criticized Russia on Tuesday.")
    page.click("#code-run")
    page.wait_for_selector("#code-events[data-state='done']")
    coded = page.locator("#code-events tbody tr.event")
    assert coded.count() >= 1
    assert any("<script>" in t for t in coded.all_inner_texts())
    assert page.locator("#code-events img, #code-events script").count() == 0
    page.wait_for_timeout(300)  # give any injected handler the chance to run
    assert page.evaluate("document.body.dataset.pwned") is None
    dashboard.shot("dashboard-markup-inert")
    assert dashboard.errors() == []
    assert dashboard.foreign_requests() == []


def test_web_filters_narrow_the_table(dashboard: Watched) -> None:
    page = dashboard.page
    page.select_option("#f-quad", "3")
    page.click("#filters button[type=submit]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#events tbody tr.event td:nth-child(3)')]"
        ".every(td => td.className === 'q3')"
    )
    page.wait_for_selector("#events[data-state='done']")
    classes = page.eval_on_selector_all(
        "#events tbody tr.event td:nth-child(3)", "cells => cells.map(c => c.className)"
    )
    assert classes and set(classes) == {"q3"}
    page.fill("#f-since", "2030-01-01")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#events tbody td.muted")
    assert "No events match" in page.inner_text("#events tbody")


def test_web_docs_are_served_offline(browser: Any, server: LiveServer) -> None:
    watched = open_page(browser, server.url, "/docs")
    if Assets.find(Settings()).has("swagger-ui-bundle.js"):
        watched.page.wait_for_selector(".swagger-ui .info")
        assert "realpolitik API" in watched.page.inner_text(".swagger-ui .info")
    else:
        assert "/api/events" in watched.page.inner_text("body")
    watched.shot("api-docs")
    assert watched.errors() == []
    assert watched.foreign_requests() == []
    watched.page.context.close()


def test_web_network_falls_back_to_plotly_without_cytoscape(
    browser: Any, seed_db: Path, pipeline
) -> None:
    with LiveServer(_app(seed_db, pipeline, without=("cytoscape.min.js",))) as live:
        watched = open_page(browser, live.url)
        page = watched.page
        page.wait_for_selector("body[data-ready='1']")
        assert page.get_attribute("#network", "data-renderer") == "plotly"
        assert {"RUS", "CHN", "USA"} <= _nodes(watched)
        assert all("cytoscape" not in u for u in watched.requests)
        point = page.evaluate("RP.dashboard.state.view.edgePoint('RUS', 'CHN')")
        assert point is not None, "the network has no RUS-CHN edge"
        page.mouse.move(point["x"], point["y"])
        page.mouse.click(point["x"], point["y"])
        page.wait_for_selector("#series[data-state='done']")
        assert page.get_attribute("#series", "data-dyad") in {"RUS-CHN", "CHN-RUS"}
        watched.shot("dashboard-plotly-fallback")
        assert watched.errors() == []
        page.context.close()


def test_web_event_rows_count_reports_and_list_them(dashboard: Watched) -> None:
    page = dashboard.page
    row = page.locator("#events tbody tr.event").first
    assert re.search(r"\d+ reports? from \d+ sources?", row.inner_text())
    row.click()
    page.wait_for_selector("#event-detail ol.mentions li.mention")
    assert "Reports" in page.inner_text("#event-detail")
