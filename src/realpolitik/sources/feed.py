"""Read RSS and Atom feeds with feedparser: one Article per entry (content, else summary)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import feedparser

from realpolitik.errors import Errors
from realpolitik.models import Article
from realpolitik.sources.context import ReadContext
from realpolitik.sources.dates import normalise_date
from realpolitik.sources.html import fragment_text
from realpolitik.sources.stream import Source, read_capped

logger = logging.getLogger(__name__)

DATE_KEYS = ("published_parsed", "updated_parsed", "created_parsed")


def read_feed(source: Source, ctx: ReadContext) -> Iterator[Article]:
    """Yield one Article per feed entry; entries without text are skipped with E110.

    Yields: Articles with id = entry id, else link, else ``<file name>:<entry number>``.
    """
    data = read_capped(source, limit=ctx.settings.max_record_bytes, warn=ctx.warn)
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.entries:
        detail = str(parsed.get("bozo_exception") or "no entries")
        ctx.warn(Errors.E108.format(path=source.name, kind="feed", detail=detail))
        return
    language = _language(parsed.feed.get("language"))
    for number, entry in enumerate(parsed.entries, start=1):
        article = _entry_article(entry, number=number, source=source, ctx=ctx)
        if article is not None:
            article.language = language
            yield article


def _entry_article(entry: Any, *, number: int, source: Source, ctx: ReadContext) -> Article | None:
    text = fragment_text(_entry_html(entry))
    if not text:
        ctx.warn(Errors.E110.format(path=source.name, record=number, detail="entry has no text"))
        return None
    where = f"{source.name} record {number}"
    link = entry.get("link") or None
    return Article(
        id=str(entry.get("id") or link or f"{source.stem}:{number}"),
        text=ctx.cap_text(text, where=where),
        url=link,
        title=fragment_text(entry.get("title") or "") or None,
        date=next((normalise_date(entry.get(key)) for key in DATE_KEYS if entry.get(key)), None),
        source=source.name,
    )


def _entry_html(entry: Any) -> str:
    contents = [item.get("value", "") for item in entry.get("content") or []]
    body = max(contents, key=len, default="")
    return body or entry.get("summary") or entry.get("description") or ""


def _language(value: str | None) -> str | None:
    if not value:
        return None
    return value.split("-")[0].split("_")[0].lower() or None
