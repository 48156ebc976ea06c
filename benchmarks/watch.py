"""Benchmark the feed watcher: what it costs per 1,000 articles, and per idle poll.

A child process serves a local news site over HTTP (stdlib ``http.server``, one thread per
connection): RSS feeds of at most ``--per-feed`` items and one page per item, built at run time
from the real articles of ``../shared/corpus`` (Wikinews and Reuters texts in a generated page
with navigation, related links and a footer; the AEB pages as their publishers served them),
taken round-robin from the three corpora. The real ``Watcher`` (what ``realpolitik watch
--once`` runs, with the real pipeline) then makes three kinds of pass into a temporary SQLite
store:

1. cold: every item is new (listing, robots.txt, each page fetched, cleaned, coded, stored);
2. unchanged 200: the server ignores the validators, every listing comes back in full and
   every item is already known (what a feed without ETag/Last-Modified costs);
3. 304: the server honours the validators (what a feed with them costs).

The server runs in its own process, so the CPU figures are the watcher's alone. Requests are
not spaced (``rate: 0``): the politeness waits of a real run cost wall time, not CPU. Prints a
table; ``--json PATH`` also writes the results.

    python benchmarks/watch.py                        # 1,000 articles
    python benchmarks/watch.py --articles 200 --idle-passes 3 --json /tmp/watch.json
    python benchmarks/watch.py --articles 200 --profile  # adds a cProfile top of the cold pass
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import json
import multiprocessing
import os
import pstats
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPORA = ("wikinews", "aeb", "reuters21578")
"""The corpora taken round-robin; ``aeb`` pages are served as their publishers served them."""
SECTIONS = (
    "World", "Politics", "Business", "Economy", "Technology", "Science", "Health",
    "Environment", "Sport", "Culture", "Opinion", "Video", "Podcasts", "Newsletters",
)  # fmt: skip
FOOTER_LINKS = (
    "About us", "Contact", "Careers", "Advertise", "Terms of use", "Privacy policy",
    "Cookie settings", "Accessibility", "Corrections", "Syndication", "RSS feeds", "Sitemap",
)  # fmt: skip
RELATED = 8
"""Related-story links in the aside of a generated page."""
FEED_TYPE = "application/rss+xml; charset=utf-8"
PAGE_TYPE = "text/html; charset=utf-8"
ROBOTS = b"User-agent: *\nDisallow: /search\n"
COUNTERS = ("requests", "not_modified", "listing_bytes", "page_bytes", "other_bytes")
STAGES = ("fetch", "listing", "extract", "code", "store", "alerts")
"""Timed stages: HTTP, listing parse, page to clean Article (trafilatura, line cleaner,
language, duplicates), the pipeline, store look-ups and writes, the alert check."""


# --- the site, built and served in the server process ---------------------------------------


@dataclass
class Story:
    """One article of the site: generated page from ``text``, or the publisher's ``html``."""

    corpus: str
    slug: str
    title: str
    date: str | None
    text: str = ""
    html: bytes | None = None


def _read_corpus(corpus_dir: Path, corpus: str) -> Iterator[Story]:
    """Yield the stories of one corpus, in file order."""
    with open(corpus_dir / f"{corpus}.jsonl", encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            row = json.loads(line)
            slug = f"{corpus}-{index:05d}"
            story = Story(corpus, slug, row.get("title") or slug, row.get("date"), row["text"])
            if corpus == "aeb":
                page = corpus_dir / "aeb_html" / f"{row['id'].split('/', 1)[1]}.html.gz"
                story.html = gzip.decompress(page.read_bytes())
            yield story


def load_stories(corpus_dir: Path, count: int) -> list[Story]:
    """Return ``count`` stories taken round-robin from the corpora (a corpus that runs out
    leaves its turn to the others)."""
    readers = [_read_corpus(corpus_dir, corpus) for corpus in CORPORA]
    stories: list[Story] = []
    while readers and len(stories) < count:
        for reader in list(readers):
            story = next(reader, None)
            if story is None:
                readers.remove(reader)
            elif len(stories) < count:
                stories.append(story)
    return stories


def page_html(story: Story, related: list[Story]) -> bytes:
    """Return the story's page: the publisher's HTML, or the text in a news site's chrome."""
    if story.html is not None:
        return story.html
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in SECTIONS)
    aside = "".join(f'<li><a href="/news/{r.slug}">{escape(r.title)}</a></li>' for r in related)
    footer = "".join(f'<li><a href="/{f.lower().replace(" ", "-")}">{f}</a></li>'
                     for f in FOOTER_LINKS)  # fmt: skip
    body = "".join(f"<p>{escape(p)}</p>\n" for p in story.text.split("\n\n") if p.strip())
    title, date = escape(story.title), story.date or ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Daily Ledger</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}">
<link rel="stylesheet" href="/static/site.css">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}
gtag('js',new Date());gtag('config','G-LEDGER');</script></head>
<body><div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button>
<button>Manage settings</button></div>
<header><a class="logo" href="/">The Daily Ledger</a><nav><ul>{nav}</ul></nav>
<form action="/search"><input name="q" placeholder="Search"></form></header>
<main><article><h1>{title}</h1>
<p class="byline">By Staff Reporters <time datetime="{date}">{date}</time></p>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a>
<a href="#">Email</a></div>
{body}</article>
<aside><h2>Related stories</h2><ul>{aside}</ul>
<div class="newsletter">Get the morning briefing in your inbox. <input placeholder="Email">
<button>Sign up</button></div></aside></main>
<footer><ul>{footer}</ul><p>&copy; 2026 The Daily Ledger. All rights reserved.</p></footer>
</body></html>""".encode()


def rss(base: str, name: str, stories: list[Story]) -> bytes:
    """Return an RSS 2.0 feed linking to ``base/news/<slug>`` (guid = the link)."""
    items = []
    for story in stories:
        link = f"{base}/news/{story.slug}"
        when = ""
        if story.date:
            day = datetime.fromisoformat(story.date).replace(hour=9, tzinfo=UTC)
            when = f"<pubDate>{format_datetime(day)}</pubDate>"
        items.append(
            f"<item><title>{escape(story.title)}</title><link>{link}</link><guid>{link}</guid>"
            f"{when}<description>{escape(story.text[:280])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>The Daily Ledger: {name}</title><link>{base}/</link>"
        f"<description>News</description>{''.join(items)}</channel></rss>"
    ).encode()


@dataclass
class Site:
    """Routes (path to body and content type) and the feeds: (name, path, items)."""

    routes: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    feeds: list[tuple[str, str, int]] = field(default_factory=list)
    corpora: Counter[str] = field(default_factory=Counter)


def build_site(base: str, stories: list[Story], per_feed: int) -> Site:
    """Group each corpus's stories into feeds of at most ``per_feed`` items; make the pages."""
    site = Site()
    site.routes["/robots.txt"] = (ROBOTS, "text/plain")
    for corpus in CORPORA:
        own = [s for s in stories if s.corpus == corpus]
        site.corpora[corpus] = len(own)
        for start in range(0, len(own), per_feed):
            chunk = own[start : start + per_feed]
            name = f"{corpus}-{start // per_feed + 1:02d}"
            site.routes[f"/feeds/{name}.xml"] = (rss(base, name, chunk), FEED_TYPE)
            site.feeds.append((name, f"/feeds/{name}.xml", len(chunk)))
            for index, story in enumerate(chunk):
                related = [chunk[(index + k) % len(chunk)] for k in range(1, RELATED + 1)]
                site.routes[f"/news/{story.slug}"] = (page_html(story, related), PAGE_TYPE)
    return site


@dataclass
class Shared:
    """Counters and the validator switch shared with the server process."""

    honour: Any = field(default_factory=lambda: multiprocessing.Value("b", 1))
    counts: Any = field(default_factory=lambda: multiprocessing.Array("q", len(COUNTERS)))

    def snapshot(self) -> dict[str, int]:
        """Return the counters now."""
        with self.counts.get_lock():
            return dict(zip(COUNTERS, self.counts[:], strict=True))

    def add(self, name: str, value: int) -> None:
        """Add ``value`` to one counter."""
        with self.counts.get_lock():
            self.counts[COUNTERS.index(name)] += value


def _handler(site: Site, shared: Shared) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as news sites answer
        disable_nagle_algorithm = True  # headers and body leave at once (no delayed-ACK wait)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

        def do_GET(self) -> None:  # noqa: N802 - the http.server hook
            shared.add("requests", 1)
            route = site.routes.get(self.path.split("?")[0])
            if route is None:
                self._send(404, b"not found", "text/plain", {})
                return
            body, kind = route
            etag = f'"{len(body)}-{hash(body) & 0xFFFFFF:x}"'
            if self.path.startswith("/feeds/"):
                if shared.honour.value and self.headers.get("If-None-Match") == etag:
                    shared.add("not_modified", 1)
                    self._send(304, b"", None, {"ETag": etag})
                    return
                shared.add("listing_bytes", len(body))
            else:
                shared.add("page_bytes" if kind == PAGE_TYPE else "other_bytes", len(body))
            self._send(200, body, kind, {"ETag": etag})

        def _send(self, status: int, body: bytes, kind: str | None, extra: dict[str, str]) -> None:
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def serve(corpus_dir: Path, count: int, per_feed: int, shared: Shared, conn: Connection) -> None:
    """Build the site and serve it until killed; send (port, feeds, corpora) first."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    site = build_site(base, load_stories(corpus_dir, count), per_feed)
    server.RequestHandlerClass = _handler(site, shared)
    server.daemon_threads = True
    page_bytes = sum(len(b) for p, (b, _) in site.routes.items() if p.startswith("/news/"))
    conn.send((base, site.feeds, dict(site.corpora), page_bytes))
    server.serve_forever()


# --- timing the watcher's stages ------------------------------------------------------------


class Stages:
    """Exclusive wall and thread-CPU seconds per stage (a nested stage's time is its own)."""

    def __init__(self) -> None:
        self.wall: Counter[str] = Counter()
        self.cpu: Counter[str] = Counter()
        self.stack: list[list[float]] = []

    def _enter(self) -> None:
        self.stack.append([time.perf_counter(), time.thread_time(), 0.0, 0.0])

    def _exit(self, name: str) -> None:
        start, cpu, inner_wall, inner_cpu = self.stack.pop()
        wall, used = time.perf_counter() - start, time.thread_time() - cpu
        self.wall[name] += wall - inner_wall
        self.cpu[name] += used - inner_cpu
        if self.stack:
            self.stack[-1][2] += wall
            self.stack[-1][3] += used

    def wrap(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        """Return ``func`` timed as stage ``name``."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            self._enter()
            try:
                return func(*args, **kwargs)
            finally:
                self._exit(name)

        return timed

    def iterate(self, name: str, items: Iterable[Any]) -> Iterator[Any]:
        """Yield from ``items``, timing each step as stage ``name``."""
        iterator = iter(items)
        while True:
            self._enter()
            try:
                item = next(iterator)
            except StopIteration:
                return
            finally:
                self._exit(name)
            yield item

    def take(self) -> tuple[dict[str, float], dict[str, float]]:
        """Return the wall and CPU seconds so far and start again."""
        wall, cpu = dict(self.wall), dict(self.cpu)
        self.wall.clear()
        self.cpu.clear()
        return wall, cpu


class TimedCoder:
    """A coder whose ``pipe`` is timed as ``code``; the articles it pulls (the store's
    look-ups of what is already stored) as ``store``."""

    def __init__(self, coder: Any, stages: Stages) -> None:
        self.coder = coder
        self.stages = stages
        self.version = coder.version

    def pipe(self, articles: Iterable[Any]) -> Iterator[Any]:
        """Yield the wrapped coder's (article, events) pairs, timed."""
        pulled = self.stages.iterate("store", articles)
        return self.stages.iterate("code", self.coder.pipe(pulled))


def instrument(watcher: Any, stages: Stages, per_feed: dict[str, float]) -> None:
    """Time the watcher's stages, and its CPU per feed, by wrapping its parts."""
    watcher.fetcher.get = stages.wrap("fetch", watcher.fetcher.get)
    watcher._listing = stages.wrap("listing", watcher._listing)
    watcher.pages.from_response = stages.wrap("extract", watcher.pages.from_response)
    watcher.store.write = stages.wrap("store", watcher.store.write)
    watcher._check_alerts = stages.wrap("alerts", watcher._check_alerts)
    poll = watcher.poll

    def timed_poll(feed: Any, state: Any, report: Any) -> None:
        start = time.thread_time()
        try:
            poll(feed, state, report)
        finally:
            per_feed[feed.name] = per_feed.get(feed.name, 0.0) + time.thread_time() - start

    watcher.poll = timed_poll


# --- measuring ------------------------------------------------------------------------------


def cpu_seconds() -> float:
    """Return the CPU seconds of this process and its reaped children (user + system)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def rss_mb() -> float:
    """Return this process's resident memory now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def peak_rss_mb() -> float:
    """Return this process's peak resident memory, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def files_bytes(db: Path) -> int:
    """Return the bytes of the SQLite file and its -wal and -shm companions."""
    paths = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    return sum(p.stat().st_size for p in paths if p.exists())


def measured_pass(watcher: Any, shared: Shared, stages: Stages, log: Path) -> dict[str, Any]:
    """Run one ``--once`` pass; return its counts, seconds, bytes and stage split."""
    before, log_before = shared.snapshot(), log.stat().st_size
    wall, cpu = time.perf_counter(), cpu_seconds()
    report = watcher.run(once=True).to_dict()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    after = shared.snapshot()
    stage_wall, stage_cpu = stages.take()
    split = {
        name: {"wall_s": round(stage_wall.get(name, 0.0), 3),
               "cpu_s": round(stage_cpu.get(name, 0.0), 3)}
        for name in STAGES
    }  # fmt: skip
    split["other"] = {
        "wall_s": round(wall - sum(stage_wall.values()), 3),
        "cpu_s": round(cpu - sum(stage_cpu.values()), 3),
    }
    return {
        "report": report,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "server": {k: after[k] - before[k] for k in COUNTERS},
        "log_bytes": log.stat().st_size - log_before,
        "stages": split,
    }


def feeds_file(path: Path, base: str, feeds: list[tuple[str, str, int]], per_feed: int) -> Path:
    """Write the feeds file: every feed of the site, no spacing between requests."""
    import yaml

    doc = {
        "defaults": {"rate": 0, "max_items": per_feed},
        "feeds": [{"name": name, "url": base + route, "every": "15m"} for name, route, _ in feeds],
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def start_server(args: argparse.Namespace, shared: Shared) -> tuple[Any, tuple[Any, ...]]:
    """Start the server process; return it and what it sent (base, feeds, corpora, bytes)."""
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(
        target=serve,
        args=(args.corpus_dir, args.articles, args.per_feed, shared, child),
        daemon=True,
    )
    process.start()
    if not parent.poll(300):
        process.terminate()
        raise RuntimeError("the feed server did not start")
    return process, parent.recv()


def load_coder(name: str) -> tuple[Any, float, float]:
    """Return the coder (``pipeline``: the real one; ``fake``: no coding) and its load's wall
    and CPU seconds."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    if name == "pipeline":
        import realpolitik

        coder: Any = realpolitik.load()
    else:
        coder = NoCoder()
    return coder, time.perf_counter() - wall, cpu_seconds() - cpu


class NoCoder:
    """A coder that finds no events (for smoke runs: fetch, clean and store only)."""

    version = "none-1"

    def pipe(self, articles: Iterable[Any]) -> Iterator[tuple[Any, list[Any]]]:
        """Yield each article with no events."""
        for article in articles:
            yield article, []


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Serve the site, run the watcher's passes into a temporary store; return the results."""
    shared = Shared()
    process, (base, feeds, corpora, page_bytes) = start_server(args, shared)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results = watch_passes(args, shared, Path(tmp), base, feeds)
    finally:
        process.terminate()
        process.join(10)
    results["site"] = {
        "articles": sum(corpora.values()),
        "corpora": corpora,
        "feeds": len(feeds),
        "page_bytes": page_bytes,
    }
    return results


def watch_passes(
    args: argparse.Namespace, shared: Shared, tmp: Path, base: str, feeds: list[Any]
) -> dict[str, Any]:
    """Load the coder, open the store, run the cold, unchanged and 304 passes."""
    from realpolitik.settings import Settings
    from realpolitik.store.store import open_store
    from realpolitik.watch import EventLog, Watcher, load_feeds

    db, log = tmp / "watch.db", tmp / "watch.jsonl"
    config = load_feeds(feeds_file(tmp / "feeds.yaml", base, feeds, args.per_feed))
    settings = Settings()
    open_store(str(db), settings=settings).close()
    empty_bytes = files_bytes(db)
    coder, load_wall, load_cpu = load_coder(args.coder)
    stages, per_feed = Stages(), {}
    results: dict[str, Any] = {
        "load": {"wall_s": round(load_wall, 3), "cpu_s": round(load_cpu, 3), "rss_mb": rss_mb()}
    }
    log.touch()
    with open_store(str(db), settings=settings) as store, open(log, "a", encoding="utf-8") as out:
        watcher = Watcher(config, store, TimedCoder(coder, stages), log=EventLog(out))
        instrument(watcher, stages, per_feed)
        try:
            results["cold"] = profiled_pass(args, watcher, shared, stages, log)
            results["per_feed_cpu_s"] = {k: round(v, 3) for k, v in per_feed.items()}
            results["rss_after_cold_mb"] = rss_mb()
            results["stored"] = stored_counts(store)
            shared.honour.value = 0
            results["unchanged"] = [
                measured_pass(watcher, shared, stages, log) for _ in range(args.idle_passes)
            ]
            shared.honour.value = 1
            results["not_modified"] = [
                measured_pass(watcher, shared, stages, log) for _ in range(args.idle_passes)
            ]
        finally:
            watcher.close()
    results["store"] = {"empty_bytes": empty_bytes, "bytes": files_bytes(db)}
    results["peak_rss_mb"] = peak_rss_mb()
    return results


def profiled_pass(
    args: argparse.Namespace, watcher: Any, shared: Shared, stages: Stages, log: Path
) -> dict[str, Any]:
    """Run the cold pass, under cProfile with ``--profile`` (its top functions added)."""
    if not args.profile:
        return measured_pass(watcher, shared, stages, log)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        result = measured_pass(watcher, shared, stages, log)
    finally:
        profiler.disable()
    result["profile_top"] = profile_top(profiler, args.profile_top)
    return result


def profile_top(profiler: cProfile.Profile, count: int) -> dict[str, list[dict[str, Any]]]:
    """Return the ``count`` functions with the most cumulative time, and with the most self
    time."""
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    return {"cumulative": _top(stats, count, 3), "self": _top(stats, count, 2)}


def _top(stats: dict[Any, Any], count: int, column: int) -> list[dict[str, Any]]:
    rows = sorted(stats.items(), key=lambda item: item[1][column], reverse=True)[:count]
    return [
        {"function": f"{Path(path).name}:{line}({name})", "calls": calls,
         "self_s": round(own, 3), "cumulative_s": round(cumulative, 3)}
        for (path, line, name), (_, calls, own, cumulative, _) in rows
    ]  # fmt: skip


def stored_counts(store: Any) -> dict[str, int]:
    """Return the articles and events in the store, and the articles stored more than once."""
    query = store.backend.query
    articles = query("SELECT COUNT(*), COUNT(DISTINCT url) FROM articles")[0]
    events = query("SELECT COUNT(*) FROM events")[0][0]
    items = query("SELECT status, COUNT(*) FROM feed_items GROUP BY status")
    return {
        "articles": articles[0],
        "distinct_urls": articles[1],
        "events": events,
        **{f"items_{status}": count for status, count in items},
    }


# --- summary --------------------------------------------------------------------------------


def _per_thousand(value: float, count: int) -> float | None:
    return round(value / count * 1000, 2) if count else None


def _idle(passes: list[dict[str, Any]], feeds: int) -> dict[str, Any]:
    """Return the CPU-ms and wall-ms per feed per poll of idle passes (their median pass)."""
    if not passes:
        return {}
    ordered = sorted(passes, key=lambda p: p["cpu_s"])
    middle = ordered[len(ordered) // 2]
    return {
        "passes": len(passes),
        "cpu_ms_per_feed": round(middle["cpu_s"] / feeds * 1000, 2),
        "wall_ms_per_feed": round(middle["wall_s"] / feeds * 1000, 2),
        "cpu_ms_per_feed_all": [round(p["cpu_s"] / feeds * 1000, 2) for p in passes],
        "listing_bytes_per_feed": middle["server"]["listing_bytes"] // feeds,
        "requests_per_feed": middle["server"]["requests"] / feeds,
        "page_bytes": middle["server"]["page_bytes"],
        "log_bytes_per_feed": middle["log_bytes"] // feeds,
    }


def by_corpus(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the cold pass's CPU seconds per 1,000 articles of each corpus (from per feed)."""
    corpora = results["site"]["corpora"]
    out = {}
    for corpus, count in corpora.items():
        cpu = sum(v for k, v in results["per_feed_cpu_s"].items() if k.startswith(corpus + "-"))
        out[corpus] = {"articles": count, "cpu_s": round(cpu, 2),
                       "cpu_s_per_1000": _per_thousand(cpu, count)}  # fmt: skip
    return out


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    """Return the headline figures: per 1,000 articles, and per idle poll of a feed."""
    cold, site = results["cold"], results["site"]
    stored = results["stored"]["articles"]
    feeds = site["feeds"]
    fetched = sum(cold["server"][k] for k in ("listing_bytes", "page_bytes", "other_bytes"))
    return {
        "articles_stored": stored,
        "articles_per_s": round(stored / cold["wall_s"], 2) if cold["wall_s"] else None,
        "cpu_s_per_1000": _per_thousand(cold["cpu_s"], stored),
        "wall_s_per_1000": _per_thousand(cold["wall_s"], stored),
        "events_per_1000": _per_thousand(results["stored"]["events"], stored),
        "store_mb_per_1000": _per_thousand(
            (results["store"]["bytes"] - results["store"]["empty_bytes"]) / 2**20, stored
        ),
        "fetched_mb_per_1000": _per_thousand(fetched / 2**20, stored),
        "log_kb_per_1000": _per_thousand(cold["log_bytes"] / 1024, stored),
        "stage_share_cpu": {
            name: round(part["cpu_s"] / cold["cpu_s"], 3) if cold["cpu_s"] else None
            for name, part in cold["stages"].items()
        },
        "by_corpus": by_corpus(results),
        "unchanged_200": _idle(results["unchanged"], feeds),
        "not_modified_304": _idle(results["not_modified"], feeds),
    }


def machine() -> dict[str, Any]:
    """Describe the machine and its load."""
    import platform

    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": list(os.getloadavg()),
    }


def table(results: dict[str, Any]) -> str:
    """Return the headline figures and the cold pass's stage split as Markdown tables."""
    summary, cold, load = results["summary"], results["cold"], results["load"]
    idle_200, idle_304 = summary["unchanged_200"], summary["not_modified_304"]
    rows = [
        ("articles stored (cold pass)", summary["articles_stored"]),
        ("feeds", results["site"]["feeds"]),
        ("pipeline load: wall s / CPU s", f"{load['wall_s']} / {load['cpu_s']}"),
        ("cold pass: wall s / CPU s", f"{cold['wall_s']} / {cold['cpu_s']}"),
        ("articles/s (wall)", summary["articles_per_s"]),
        ("CPU-s per 1,000 articles", summary["cpu_s_per_1000"]),
        ("events per 1,000 articles", summary["events_per_1000"]),
        ("store MB per 1,000 articles", summary["store_mb_per_1000"]),
        ("MB fetched per 1,000 articles", summary["fetched_mb_per_1000"]),
        ("log KB per 1,000 articles", summary["log_kb_per_1000"]),
        ("peak RSS MB", results["peak_rss_mb"]),
        ("unchanged 200 poll: CPU-ms / wall-ms per feed",
         f"{idle_200.get('cpu_ms_per_feed')} / {idle_200.get('wall_ms_per_feed')}"),
        ("304 poll: CPU-ms / wall-ms per feed",
         f"{idle_304.get('cpu_ms_per_feed')} / {idle_304.get('wall_ms_per_feed')}"),
    ]  # fmt: skip
    lines = ["| measure | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    lines += ["", "| stage (cold pass) | wall s | CPU s | CPU share |", "|---|---|---|---|"]
    for name, part in cold["stages"].items():
        share = summary["stage_share_cpu"][name]
        lines.append(f"| {name} | {part['wall_s']} | {part['cpu_s']} | {share} |")
    lines += ["", "| corpus | articles | CPU s | CPU-s per 1,000 |", "|---|---|---|---|"]
    for corpus, row in summary["by_corpus"].items():
        lines.append(f"| {corpus} | {row['articles']} | {row['cpu_s']} | {row['cpu_s_per_1000']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the tables, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles on the site")
    parser.add_argument("--per-feed", type=int, default=50, help="most items in one feed")
    parser.add_argument("--idle-passes", type=int, default=5, help="unchanged and 304 passes each")
    parser.add_argument("--corpus-dir", type=Path, default=SHARED / "corpus")
    parser.add_argument("--coder", choices=("pipeline", "none"), default="pipeline",
                        help="none: no coding (fetch, clean and store only)")  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="cProfile the cold pass")
    parser.add_argument("--profile-top", type=int, default=25)
    parser.add_argument("--json", type=Path, help="also write the JSON results here")
    args = parser.parse_args(argv)
    if not (args.corpus_dir / "wikinews.jsonl").is_file():
        print(f"{args.corpus_dir} is absent: the benchmark needs ../shared", file=sys.stderr)
        return 2
    started = datetime.now(UTC).isoformat(timespec="seconds")
    results = {"machine": machine(), "started": started, "args": _args(args), **run(args)}
    results["summary"] = summarise(results)
    results["machine"]["load_average_after"] = list(os.getloadavg())
    print(table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def _args(args: argparse.Namespace) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}


if __name__ == "__main__":
    sys.exit(main())
