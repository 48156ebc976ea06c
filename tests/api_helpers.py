"""Helpers for the API and dashboard tests: fixture stores, a live server, and chromium.

The fixture store holds hand-written events with exact spans (``fixture_store``); the
dashboard's store is the seed article coded by the real pipeline plus a markup-laden article
(``seed_store``). ``LiveServer`` runs uvicorn on 127.0.0.1 in a background thread; the browser
tests drive Debian's chromium (``chromium_browser``) and watch each page (``Watched``).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from realpolitik.models import Actor, Article, Event, Evidence
from realpolitik.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ARTIFACTS = ROOT / "test-artifacts"

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
    "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]

MARKUP = (
    'Russia praised China <img src=x onerror="document.body.dataset.pwned=\'img\'"> on Monday, '
    "<script>document.body.dataset.pwned='script'</script> the foreign ministry said."
)
"""A sentence carrying live-looking markup; the dashboard must show it as text."""

SEED_DATE = "2024-10-14"

FALLBACK_ARTICLE = """Russia and China marked the anniversary of their diplomatic ties on Monday.

Russian Foreign Minister Sergei Lavrov praised China for its steady support.

Lavrov said Moscow would deepen cooperation with Beijing.

Lavrov also criticized the United States for raising tensions in the region.

The United States approved $300 million in military aid to Taiwan, officials in Washington said.
"""
"""Written for these tests: the seed article's actors (RUS, CHN, USA, TWN) in fresh words."""

_ACTORS = {
    "RUS": Actor(text="Russia", name="Russia", code="RUS", country="RUS"),
    "CHN": Actor(text="China", name="China", code="CHN", country="CHN"),
    "USA": Actor(text="Washington", name="United States", code="USAGOV", country="USA", role="GOV"),
    "TWN": Actor(text="Taiwan", name="Taiwan", code="TWN", country="TWN"),
    "NATO": Actor(text="NATO", name="NATO", code="IGOWSTNAT", org="NATO"),
}

# (day, source, verb, target, cameo, root, quad_class, goldstein), written for these tests.
FIXTURE_EVENTS = [
    ("2024-01-10", "RUS", "praised", "CHN", "051", "05", 1, 3.4),
    ("2024-01-22", "CHN", "thanked", "RUS", "051", "05", 1, 3.4),
    ("2024-02-05", "RUS", "signed a deal with", "CHN", "057", "05", 1, 8.0),
    ("2024-02-19", "RUS", "criticized", "USA", "111", "11", 3, -2.0),
    ("2024-03-03", "USA", "sent weapons to", "TWN", "070", "07", 2, 7.0),
    ("2024-03-15", "CHN", "threatened", "TWN", "130", "13", 3, -4.4),
    ("2024-03-28", "NATO", "condemned", "RUS", "111", "11", 3, -2.0),
    ("2024-04-02", "USA", "accused", "RUS", "112", "11", 3, -2.0),
    ("2024-04-20", "RUS", "praised", "CHN", "051", "05", 1, 3.4),
]


def fixture_event(number: int, day: str, source: str, verb: str, target: str, cameo: str,
                  root: str, quad: int, goldstein: float) -> tuple[Article, Event]:
    """Return a one-sentence article and its event, with exact character spans."""
    src, tgt = _ACTORS[source], _ACTORS[target]
    sentence = f"{src.text} {verb} {tgt.text} over the talks."
    text = f"Headline {number}.\n{sentence}"
    start = text.index(sentence)
    at_verb = start + len(src.text) + 1
    at_target = at_verb + len(verb) + 1
    doc_id = f"fixture-{number:03d}"
    event = Event(
        event_id=Event.make_id(doc_id, 1, source, target, cameo), doc_id=doc_id, date=day,
        sentence_index=1, sentence=sentence, span=[start, start + len(sentence)],
        source=src, target=tgt, cameo=cameo, root=root, quad_class=quad, goldstein=goldstein,
        plover=None, confidence=0.9,
        evidence=Evidence(pattern=f"test.{verb}", trigger=verb,
                          trigger_span=[at_verb, at_verb + len(verb)],
                          source_span=[start, start + len(src.text)],
                          target_span=[at_target, at_target + len(tgt.text)]),
    )
    article = Article(id=doc_id, text=text, date=day, title=f"Fixture {number}",
                      url=f"https://example.org/fixture/{number}", source="tests")
    return article, event


def markup_event() -> tuple[Article, Event]:
    """Return an article whose sentence carries <script> and onerror= markup, and its event."""
    doc_id = "fixture-markup"
    start = MARKUP.index("praised")
    event = Event(
        event_id=Event.make_id(doc_id, 0, "RUS", "CHN", "051"), doc_id=doc_id, date="2024-05-01",
        sentence_index=0, sentence=MARKUP, span=[0, len(MARKUP)], source=_ACTORS["RUS"],
        target=_ACTORS["CHN"], cameo="051", root="05", quad_class=1, goldstein=3.4, plover=None,
        evidence=Evidence(pattern="test.praised", trigger="praised",
                          trigger_span=[start, start + 7], source_span=[0, 6],
                          target_span=[start + 8, start + 13]),
    )
    article = Article(id=doc_id, text=MARKUP, date="2024-05-01",
                      title="<b onmouseover=alert(1)>Markup</b>", url="javascript:alert(1)")
    return article, event


def fixture_store(path: Path) -> Path:
    """Write the hand-written fixture events (and the markup article) into a new store."""
    batch = [
        (article, [event])
        for article, event in (fixture_event(i, *row) for i, row in enumerate(FIXTURE_EVENTS))
    ]
    article, event = markup_event()
    batch.append((article, [event]))
    with open_store(str(path)) as store:
        store.write(batch, coder_version="fixture")
    return path


def seed_store(path: Path, pipeline: Any) -> Path:
    """Code the seed article (or, without ../shared, FALLBACK_ARTICLE) into a new store.

    The seed goes through the real reader and cleaner and the pipeline, dated SEED_DATE (a
    text file carries no date); the markup article is added with its hand-made event.
    """
    from realpolitik.sources import read_articles
    from realpolitik.store.ingest import ingest_articles

    seed = SHARED / "examples" / "seed_article.txt"
    if seed.is_file():
        articles = list(read_articles([seed]))
    else:
        articles = [Article(id="fallback", text=FALLBACK_ARTICLE)]
    for article in articles:
        article.date = article.date or SEED_DATE
    with open_store(str(path)) as store:
        ingest_articles(articles, store=store, coder=pipeline)
        article, event = markup_event()
        store.write([(article, [event])], coder_version="fixture")
    return path


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """Serve an ASGI app with uvicorn on 127.0.0.1 in a daemon thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def chromium_path() -> str | None:
    """Return Debian's chromium executable, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


TIMEOUT_MS = 30_000
"""Playwright's default wait in the browser tests."""


def chromium_browser() -> Iterator[Any]:
    """Yield a headless chromium driven by Playwright (the body of a session fixture); skip the
    test when chromium or Playwright is absent."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Debian chromium is absent; scripts/test-services.sh installs it as root")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Watched:
    """A page with everything it logged and requested."""

    page: Any
    base: str
    console: list[tuple[str, str]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def errors(self) -> list[tuple[str, str]]:
        return [m for m in self.console if m[0] in {"error", "pageerror"}]

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith((self.base + "/", "data:", "blob:"))]

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def open_page(browser: Any, base: str, path: str = "/") -> Watched:
    """Open ``base + path`` in a new browser context, recording console messages and requests."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watched = Watched(page=page, base=base)
    page.on("console", lambda m: watched.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: watched.console.append(("pageerror", str(e))))
    page.on("request", lambda r: watched.requests.append(r.url))
    page.goto(base + path)
    return watched
