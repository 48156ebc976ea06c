"""Turn an item's fetched page (or file, or inline text) into clean Articles, or a reason why not.

Pages go the way every other input goes: trafilatura's main-text extraction
(``sources.html``), the line cleaner, language identification and near-duplicate detection.
The article's id is the page's canonical URL (tracking parameters and fragment dropped), its
source the feed's name; a page that is not HTML is skipped with W721, one without text with
W722.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from realpolitik.clean import LineCleaner, clean_article
from realpolitik.dedupe import Deduper
from realpolitik.errors import Warnings
from realpolitik.language import LanguageDetector
from realpolitik.models import Article
from realpolitik.settings import Settings
from realpolitik.sources import read_source
from realpolitik.sources.context import ReadContext
from realpolitik.sources.html import html_to_article
from realpolitik.sources.stream import looks_binary
from realpolitik.watch.config import FeedConfig
from realpolitik.watch.fetch import Response
from realpolitik.watch.items import FeedItem

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
TRACKING_PREFIXES = ("utm_",)
TRACKING_NAMES = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid"})
DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def canonical_url(url: str) -> str:
    """Return ``url`` with scheme and host lower-cased, the default port, fragment and
    tracking parameters (``utm_*``, ``fbclid``...) dropped: the id of the page's article."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = parts.netloc.lower()
    if host.endswith(DEFAULT_PORTS.get(scheme, "\0")):
        host = host[: -len(DEFAULT_PORTS[scheme])]
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(TRACKING_PREFIXES) and k.lower() not in TRACKING_NAMES
    ]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


@dataclass
class PageResult:
    """The articles one item gave, or the coded reason it gave none (W721, W722)."""

    articles: list[Article] = field(default_factory=list)
    reason: str | None = None


class PageReader:
    """Clean pages into Articles; owns the cleaner, language detector and deduplicator of a run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cleaner = LineCleaner(settings)
        self.detector = LanguageDetector(settings)
        self.deduper = Deduper(settings)

    def from_response(self, resp: Response, item: FeedItem, feed: FeedConfig) -> PageResult:
        """Return the article of a fetched page; skip pages that are not HTML."""
        url = item.url or resp.url
        kind = resp.content_type.split(";")[0].strip().lower()
        head = resp.content[:2048]
        if looks_binary(head):
            return PageResult(reason=Warnings.W721.format(feed=feed.name, url=url, kind="binary"))
        if kind not in HTML_TYPES and not (not kind and b"<html" in head.lower()):
            shown = kind or "no content type"
            return PageResult(reason=Warnings.W721.format(feed=feed.name, url=url, kind=shown))
        warnings: list[str] = []
        ctx = ReadContext(settings=self.settings, warn=warnings.append)
        article = html_to_article(resp.content, doc_id=url, where=feed.name, ctx=ctx, url=url)
        if article is None:
            return PageResult(reason=Warnings.W722.format(feed=feed.name, url=url))
        return self._finish([article], item, feed)

    def from_listing(self, item: FeedItem, feed: FeedConfig) -> PageResult:
        """Return the article of the text the listing carries (``fetch_pages: false``)."""
        url = item.url or item.key
        if not item.text or not item.text.strip():
            return PageResult(reason=Warnings.W722.format(feed=feed.name, url=url))
        article = Article(id=url, text=item.text, url=item.url, title=item.title)
        return self._finish([article], item, feed)

    def from_file(self, item: FeedItem, feed: FeedConfig) -> PageResult:
        """Return the articles of a watched folder's file, read as ``realpolitik ingest`` would."""
        warnings: list[str] = []
        ctx = ReadContext(settings=self.settings, warn=warnings.append)
        if item.path is None or item.url is None:
            return PageResult(reason=Warnings.W722.format(feed=feed.name, url=item.key))
        articles = list(read_source(item.path, ctx=ctx, stem=item.url))
        if not articles:
            reason = warnings[0] if warnings else Warnings.W722.format(feed=feed.name, url=item.url)
            return PageResult(reason=reason)
        return self._finish(articles, item, feed, keep_ids=True)

    def _finish(
        self, articles: list[Article], item: FeedItem, feed: FeedConfig, *, keep_ids: bool = False
    ) -> PageResult:
        """Set id, source, url and date; clean; identify the language; mark duplicates."""
        done = []
        for raw in articles:
            url = item.url or raw.url
            article = replace(
                raw,
                id=raw.id if keep_ids or not url else canonical_url(url),
                source=feed.name,
                url=url,
                title=raw.title or item.title,
                date=item.date or raw.date,
            )
            article = clean_article(article, self.cleaner)
            if not article.text.strip():
                continue
            fallback = feed.language or self.settings.default_language
            article.language = self.detector.detect(article.text, fallback=fallback)
            original = self.deduper.check(article.id, article.text)
            article.duplicate_of = original if original != article.id else None
            done.append(article)
        if not done:
            url = item.url or item.key
            return PageResult(reason=Warnings.W722.format(feed=feed.name, url=url))
        return PageResult(articles=done)
