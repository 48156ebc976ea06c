"""Extract the main text and metadata (title, date, url) of HTML pages with trafilatura."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import lxml.html
import trafilatura
from lxml.etree import ParserError, XMLSyntaxError

from realpolitik.errors import Errors
from realpolitik.models import Article
from realpolitik.sources.context import ReadContext
from realpolitik.sources.dates import find_dateline, normalise_date
from realpolitik.sources.stream import Source, read_capped

logger = logging.getLogger(__name__)

BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre")


def read_html(source: Source, ctx: ReadContext) -> Iterator[Article]:
    """Yield the page's main text as one Article (id = file name), or warn E111 if it has none."""
    data = read_capped(source, limit=ctx.settings.max_record_bytes, warn=ctx.warn)
    article = html_to_article(data, doc_id=source.stem, where=source.name, ctx=ctx)
    if article is not None:
        yield article


def html_to_article(
    data: bytes | str, *, doc_id: str, where: str, ctx: ReadContext, url: str | None = None
) -> Article | None:
    """Return the Article trafilatura extracts from one page, or None (E111, E108) without text.

    where: the file (and record) named in warnings
    url: the page's URL when the container knows it (WARC target URI)
    """
    try:
        document = trafilatura.bare_extraction(
            data,
            url=url,
            favor_precision=ctx.settings.html_favor_precision,
            include_comments=False,
            with_metadata=True,
        )
    except (
        ValueError,
        TypeError,
        ParserError,
        XMLSyntaxError,
        AttributeError,
        RecursionError,
    ) as exc:
        ctx.warn(Errors.E108.format(path=where, kind="HTML", detail=f"{type(exc).__name__}: {exc}"))
        return None
    text = (getattr(document, "text", None) or "").strip()
    if not text:
        ctx.warn(Errors.E111.format(path=where))
        return None
    text = ctx.cap_text(text, where=where)
    return Article(
        id=doc_id,
        text=text,
        url=getattr(document, "url", None) or url,
        title=getattr(document, "title", None) or None,
        date=normalise_date(getattr(document, "date", None)) or find_dateline(text)[0],
        source=where,
    )


def fragment_text(fragment: str) -> str:
    """Return the text of an HTML fragment (a feed entry) with one line per block element."""
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, XMLSyntaxError, ValueError):
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    for element in root.iter(*BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    text = root.text_content()
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
