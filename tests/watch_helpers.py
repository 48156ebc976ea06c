"""Helpers for the watcher tests: a local HTTP server whose feeds and pages change between
polls, counting requests, and able to answer 304, 500, slowly, or with something not HTML;
plus builders of RSS, Atom, JSON Feed, sitemaps and article pages written for the tests."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

# Fictional news stories with actors the coder knows; written for these tests.
STORIES: list[dict[str, str]] = [
    {
        "slug": "lavrov-wang-beijing",
        "title": "Lavrov and Wang Yi pledge closer coordination in Beijing",
        "date": "2026-11-03",
        "text": (
            "Russian Foreign Minister Sergei Lavrov met Chinese Foreign Minister Wang Yi in "
            "Beijing on Tuesday, and the two sides agreed to deepen cooperation on energy and "
            "regional security.\n"
            "Lavrov praised China for its balanced position and thanked Beijing for its support "
            "at the United Nations.\n"
            "Wang Yi said China and Russia would hold further consultations before the end of "
            "the year, according to a statement from the Chinese foreign ministry."
        ),
    },
    {
        "slug": "india-pakistan-border",
        "title": "India accuses Pakistan of shelling border villages",
        "date": "2026-11-04",
        "text": (
            "India accused Pakistan on Wednesday of shelling villages along the Line of Control "
            "in Kashmir, killing two civilians.\n"
            "The Indian army said its troops returned fire. Pakistan denied the charge and "
            "accused India of violating the ceasefire first.\n"
            "The United Nations urged both countries to show restraint."
        ),
    },
    {
        "slug": "france-germany-aid",
        "title": "France and Germany promise aid to Ukraine",
        "date": "2026-11-05",
        "text": (
            "French President Emmanuel Macron and German Chancellor Friedrich Merz promised new "
            "military aid to Ukraine at a meeting in Paris on Thursday.\n"
            "Ukrainian President Volodymyr Zelensky thanked France and Germany for their "
            "support.\n"
            "Russia condemned the decision and warned Europe against escalating the conflict."
        ),
    },
    {
        "slug": "japan-korea-talks",
        "title": "Japan and South Korea resume security talks",
        "date": "2026-11-06",
        "text": (
            "Japan and South Korea resumed security talks in Tokyo on Friday after a pause of "
            "two years.\n"
            "Japanese Prime Minister Shigeru Ishiba met South Korean President Lee Jae-myung and "
            "the two leaders agreed to share intelligence on North Korea.\n"
            "North Korea criticised the meeting as a threat to peace on the peninsula."
        ),
    },
    {
        "slug": "turkey-greece-aegean",
        "title": "Turkey and Greece trade accusations over the Aegean",
        "date": "2026-11-07",
        "text": (
            "Turkey accused Greece on Saturday of violating its airspace over the Aegean Sea.\n"
            "Greek officials rejected the claim and said Turkish jets had entered Greek airspace "
            "twice that week.\n"
            "NATO called on the two allies to settle the dispute through dialogue."
        ),
    },
    {
        "slug": "egypt-ethiopia-dam",
        "title": "Egypt and Ethiopia meet over the Nile dam",
        "date": "2026-11-08",
        "text": (
            "Egyptian Foreign Minister Badr Abdelatty met Ethiopian officials in Cairo on Sunday "
            "to discuss the Grand Ethiopian Renaissance Dam.\n"
            "Egypt demanded a binding agreement on filling the reservoir, while Ethiopia rejected "
            "any limits on its use of the river.\n"
            "The African Union offered to mediate new negotiations."
        ),
    },
]


def page_html(story: dict[str, str], *, extra: str = "") -> bytes:
    """Return a news page for ``story``: header, navigation, the article, footer."""
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in story["text"].split("\n"))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(story["title"])}</title>
<meta property="article:published_time" content="{story["date"]}T09:00:00Z"></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<main><article><h1>{escape(story["title"])}</h1>
<p class="byline">By a staff reporter, {story["date"]}</p>
{paragraphs}
{extra}
</article></main>
<footer><p>Copyright 2026 The Test Ledger. All rights reserved.</p></footer>
</body></html>""".encode()


def _rfc822(day: str) -> str:
    return format_datetime(datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC))


def rss(base: str, stories: list[dict[str, str]], *, inline: bool = False) -> bytes:
    """Return an RSS 2.0 feed of ``stories`` linking to ``base/<slug>`` (guid = the link)."""
    items = []
    for story in stories:
        link = f"{base}/{story['slug']}"
        body = f"<description>{escape(story['text'] if inline else story['title'])}</description>"
        items.append(
            f"<item><title>{escape(story['title'])}</title><link>{link}</link>"
            f"<guid>{link}</guid><pubDate>{_rfc822(story['date'])}</pubDate>{body}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Test Ledger</title><link>http://127.0.0.1/</link><description>News</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def atom(base: str, stories: list[dict[str, str]]) -> bytes:
    """Return an Atom feed of ``stories`` (entry id = tag URI, link = ``base/<slug>``)."""
    entries = "".join(
        f"<entry><id>tag:ledger.test,2026:{s['slug']}</id><title>{escape(s['title'])}</title>"
        f'<link href="{base}/{s["slug"]}"/><updated>{s["date"]}T09:00:00Z</updated></entry>'
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Ledger</title><id>tag:ledger.test,2026:feed</id>"
        f"<updated>2026-11-08T09:00:00Z</updated>{entries}</feed>"
    ).encode()


def json_feed(base: str, stories: list[dict[str, str]]) -> bytes:
    """Return a JSON Feed 1.1 of ``stories``."""
    items = [
        {
            "id": s["slug"],
            "url": f"{base}/{s['slug']}",
            "title": s["title"],
            "date_published": f"{s['date']}T09:00:00Z",
        }
        for s in stories
    ]
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Ledger", "items": items}
    return json.dumps(doc).encode()


def news_sitemap(base: str, stories: list[dict[str, str]]) -> bytes:
    """Return a Google News sitemap (urlset) of ``stories``."""
    urls = "".join(
        f"<url><loc>{base}/{s['slug']}</loc><news:news><news:publication>"
        "<news:name>Ledger</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{s['date']}</news:publication_date>"
        f"<news:title>{escape(s['title'])}</news:title></news:news></url>"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>"
    ).encode()


def sitemap_index(children: list[tuple[str, str]]) -> bytes:
    """Return a sitemap index of (url, lastmod) children."""
    body = "".join(f"<sitemap><loc>{u}</loc><lastmod>{m}</lastmod></sitemap>" for u, m in children)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + body
        + "</sitemapindex>"
    ).encode()


@dataclass
class Route:
    """What the server answers at one path.

    etag: answer 304 to a request whose If-None-Match carries it
    delay: seconds to wait before answering (a timeout, or a window to kill a client in)
    """

    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class FeedServer:
    """A threaded HTTP server on 127.0.0.1 serving routes that tests change between polls."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.agents: list[str] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """Return ``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        """Return the URL of ``path`` on this server."""
        return self.base + path

    def set(self, path: str, body: bytes, **options: object) -> None:
        """Serve ``body`` at ``path`` from now on (options: Route fields)."""
        with self.lock:
            self.routes[path] = Route(body=body, **options)  # type: ignore[arg-type]

    def count(self, path: str) -> int:
        """Return how many requests ``path`` has had."""
        with self.lock:
            return self.hits[path]

    def wait_for(self, path: str, *, hits: int = 1, timeout: float = 60.0) -> bool:
        """Wait until ``path`` has had ``hits`` requests; return whether it did in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count(path) >= hits:
                return True
            time.sleep(0.02)
        return False

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(owner: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

        def do_GET(self) -> None:  # noqa: N802 - the http.server hook
            path = self.path.split("?")[0]
            with owner.lock:
                owner.hits[path] += 1
                owner.agents.append(self.headers.get("User-Agent", ""))
                route = owner.routes.get(path)
            if route is None:
                self._send(404, b"not found", "text/plain", {})
                return
            if route.delay:
                time.sleep(route.delay)
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                with owner.lock:
                    owner.not_modified[path] += 1
                self._send(304, b"", None, {"ETag": route.etag})
                return
            headers = dict(route.headers)
            if route.etag:
                headers["ETag"] = route.etag
            self._send(route.status, route.body, route.content_type, headers)

        def _send(
            self, status: int, body: bytes, ctype: str | None, headers: dict[str, str]
        ) -> None:
            try:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def feeds_yaml(path, feeds: list[dict[str, object]], **top: object) -> str:  # noqa: ANN001
    """Write a feeds file with ``feeds`` (fast defaults for tests) and return its path."""
    import yaml

    doc = {
        "defaults": {"rate": 0, "timeout": 2, "robots": True},
        "service": {"backoff_base": 60, "backoff_max": 3600},
        "feeds": feeds,
        **top,
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return str(path)
