"""Read WARC and WARC.gz files with warcio: HTML response records go through the HTML path."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from realpolitik.errors import Errors
from realpolitik.models import Article
from realpolitik.sources.context import ReadContext
from realpolitik.sources.dates import normalise_date
from realpolitik.sources.html import html_to_article
from realpolitik.sources.stream import CORRUPT_ERRORS, Source

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
READ_ERRORS = (*CORRUPT_ERRORS, ArchiveLoadFailed, ValueError)


def read_warc(source: Source, ctx: ReadContext) -> Iterator[Article]:
    """Yield one Article per HTML response record; other records are passed over.

    Yields: Articles with id = WARC-Record-ID and url = WARC-Target-URI.
    A damaged archive ends with an E107 warning after the records that could be read.
    """
    number = 0
    records = iter(ArchiveIterator(source.stream, arc2warc=True))
    while True:
        try:
            record = next(records)
            number += 1
            payload = _html_payload(record, source=source, number=number, ctx=ctx)
        except StopIteration:
            return
        except READ_ERRORS as exc:
            detail = f"record {number}: {type(exc).__name__}: {exc}"
            ctx.warn(Errors.E107.format(path=source.name, detail=detail))
            return
        if payload is None:
            continue
        article = _record_article(record, payload, source=source, number=number, ctx=ctx)
        if article is not None:
            yield article


def _html_payload(record: Any, *, source: Source, number: int, ctx: ReadContext) -> bytes | None:
    if record.rec_type != "response":
        return None
    content_type = record.http_headers.get_header("Content-Type") if record.http_headers else ""
    if not any(kind in (content_type or "").lower() for kind in HTML_TYPES):
        logger.debug("%s record %d: %s is not HTML; passed over", source.name, number, content_type)
        return None
    limit = ctx.settings.max_record_bytes
    stream = record.content_stream()
    payload = stream.read(limit + 1)
    if len(payload) > limit:
        ctx.warn(Errors.E112.format(path=f"{source.name} record {number}", limit=limit))
        payload = payload[:limit]
        _drain(stream)
    elif getattr(record.raw_stream, "limit", 0) > 0:
        detail = f"record {number} ends before its Content-Length"
        ctx.warn(Errors.E107.format(path=source.name, detail=detail))
    return payload


def _drain(stream: Any, chunk: int = 1 << 20) -> None:
    while stream.read(chunk):
        pass


def _record_article(
    record: Any, payload: bytes, *, source: Source, number: int, ctx: ReadContext
) -> Article | None:
    headers = record.rec_headers
    record_id = (headers.get_header("WARC-Record-ID") or "").strip("<>")
    url = headers.get_header("WARC-Target-URI")
    article = html_to_article(
        payload,
        doc_id=record_id or f"{source.stem}:{number}",
        where=f"{source.name} record {number}",
        ctx=ctx,
        url=url,
    )
    if article is not None:
        article.url = url or article.url
        article.source = source.name
        if article.date is None:
            article.date = normalise_date(headers.get_header("WARC-Date"))
    return article
