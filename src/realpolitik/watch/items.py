"""Turn a fetched listing into items: RSS/Atom, sitemaps, JSON Feed 1.x, or a local folder.

Each item has a key that stays the same from poll to poll (the entry's id or guid, else its
URL; a file's path with its modification time and size), so the watcher can tell new items
from ones it has handled. A listing that cannot be parsed raises E724 for its feed alone.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser
from lxml import etree

from realpolitik.errors import Errors, Warnings, WatchError
from realpolitik.sources.dates import normalise_date
from realpolitik.sources.html import fragment_text

logger = logging.getLogger(__name__)

DATE_KEYS = ("published_parsed", "updated_parsed", "created_parsed")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1"
SITEMAP_ROOTS = ("urlset", "sitemapindex")
SNIFF_BYTES = 2048
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)


@dataclass
class FeedItem:
    """One item of a listing.

    key: stable across polls (entry id or guid, else URL; a file's path, mtime and size)
    url: the page to fetch (for a folder, the file's ``file://`` URI)
    text: the text the listing itself carries (entry content or summary), if any
    path: the file of a folder item
    """

    key: str
    url: str | None
    title: str | None = None
    date: str | None = None
    text: str | None = None
    path: Path | None = None


@dataclass
class Listing:
    """The items of one listing, and the child sitemaps of a sitemap index."""

    kind: str
    items: list[FeedItem] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


def parse_listing(data: bytes, *, url: str, feed: str, warn: Any = logger.warning) -> Listing:
    """Return the items of a fetched listing, sniffed from its content.

    warn: receives W723 for entries without link or id
    Raises: WatchError E724 when the listing is malformed or not a listing at all.
    """
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return parse_json_feed(data, url=url, feed=feed)
    if re.search(rb"<(?:\w+:)?(?:urlset|sitemapindex)\b", head):
        return parse_sitemap(data, url=url, feed=feed)
    return parse_feed(data, url=url, feed=feed, warn=warn)


def _malformed(feed: str, url: str, detail: str) -> WatchError:
    return WatchError(Errors.E724.format(feed=feed, url=url, detail=detail))


def parse_feed(data: bytes, *, url: str, feed: str, warn: Any = logger.warning) -> Listing:
    """Return the entries of an RSS or Atom feed (feedparser).

    A feed feedparser had to repair (bozo) is kept when it still gives usable entries.
    Raises: WatchError E724.
    """
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        detail = str(problem) if problem else "neither RSS, Atom, a sitemap nor a JSON Feed"
        raise _malformed(feed, url, detail)
    items = []
    for number, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link") or None
        key = entry.get("id") or link
        if not key:
            warn(Warnings.W723.format(feed=feed, number=number))
            continue
        text = fragment_text(_entry_html(entry)) or None
        items.append(
            FeedItem(
                key=str(key),
                url=urljoin(url, link) if link else None,
                title=fragment_text(entry.get("title") or "") or None,
                date=next((normalise_date(entry.get(k)) for k in DATE_KEYS if entry.get(k)), None),
                text=text,
            )
        )
    if parsed.get("bozo") and not items:
        raise _malformed(feed, url, str(parsed.get("bozo_exception") or "no usable entries"))
    return Listing(kind="feed", items=items)


def _entry_html(entry: Any) -> str:
    contents = [item.get("value", "") for item in entry.get("content") or []]
    body = max(contents, key=len, default="")
    return body or entry.get("summary") or entry.get("description") or ""


def parse_json_feed(data: bytes, *, url: str, feed: str) -> Listing:
    """Return the items of a JSON Feed (version 1.0 or 1.1).

    Raises: WatchError E724 (invalid JSON, another version, items not a list).
    """
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _malformed(feed, url, f"invalid JSON: {exc}") from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(JSON_FEED_VERSION):
        raise _malformed(feed, url, f"not a JSON Feed 1.x (no version {JSON_FEED_VERSION}.x)")
    entries = doc.get("items")
    if not isinstance(entries, list):
        raise _malformed(feed, url, "JSON Feed items is not a list")
    items = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        link = entry.get("url") or entry.get("external_url")
        key = entry.get("id") or link
        if not key:
            continue
        html = entry.get("content_html") or ""
        text = fragment_text(html) if html else entry.get("content_text") or entry.get("summary")
        items.append(
            FeedItem(
                key=str(key),
                url=urljoin(url, str(link)) if link else None,
                title=entry.get("title") or None,
                date=normalise_date(entry.get("date_published") or entry.get("date_modified")),
                text=str(text) if text else None,
            )
        )
    return Listing(kind="json", items=items)


def parse_sitemap(data: bytes, *, url: str, feed: str) -> Listing:
    """Return the pages of a sitemap (``urlset``, news sitemaps' publication dates read) or
    the child sitemaps of a ``sitemapindex``, newest ``lastmod`` first.

    Raises: WatchError E724.
    """
    try:
        root = etree.fromstring(data, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise _malformed(feed, url, f"invalid XML: {exc}") from None
    kind = etree.QName(root).localname
    if kind not in SITEMAP_ROOTS:
        raise _malformed(feed, url, f"root element {kind!r} is not urlset or sitemapindex")
    if kind == "sitemapindex":
        children = [_fields(node) for node in root if _local(node) == "sitemap"]
        children = [c for c in children if c.get("loc")]
        children.sort(key=lambda c: c.get("lastmod") or "", reverse=True)
        return Listing(kind="sitemapindex", children=[urljoin(url, c["loc"]) for c in children])
    items = []
    for node in root:
        if _local(node) != "url":
            continue
        values = _fields(node)
        loc = values.get("loc")
        if not loc:
            continue
        page = urljoin(url, loc)
        day = normalise_date(values.get("publication_date") or values.get("lastmod"))
        items.append(FeedItem(key=page, url=page, title=values.get("title"), date=day))
    return Listing(kind="sitemap", items=items)


def _local(node: Any) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _fields(node: Any) -> dict[str, str]:
    """Return the text of every descendant element of ``node`` by local name (first wins)."""
    out: dict[str, str] = {}
    for child in node.iter():
        if child is node or not isinstance(child.tag, str):
            continue
        name = _local(child)
        if name not in out and child.text and child.text.strip():
            out[name] = child.text.strip()
    return out


def list_folder(folder: Path, *, feed: str, limit: int) -> Listing:
    """Return the files under ``folder`` as items, newest first, at most ``limit``.

    A file's key is its relative path with its modification time and size, so a changed file
    is a new item (its article is replaced in the store, not doubled). Hidden files and
    folders are passed over.
    Raises: WatchError E729 when the folder cannot be listed.
    """
    if not folder.is_dir():
        raise WatchError(Errors.E729.format(feed=feed, path=folder, detail="not a folder"))
    try:
        files = [
            (path.stat(), path)
            for path in folder.rglob("*")
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(folder).parts)
        ]
    except OSError as exc:
        detail = exc.strerror or type(exc).__name__
        raise WatchError(Errors.E729.format(feed=feed, path=folder, detail=detail)) from None
    files.sort(key=lambda pair: (-pair[0].st_mtime_ns, str(pair[1])))
    items = []
    for stat, path in files[:limit]:
        relative = path.relative_to(folder).as_posix()
        items.append(
            FeedItem(
                key=f"{relative}@{stat.st_mtime_ns}:{stat.st_size}",
                url=path.resolve().as_uri(),
                path=path,
            )
        )
    return Listing(kind="folder", items=items)
