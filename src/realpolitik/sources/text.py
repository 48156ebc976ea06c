"""Read a plain-text file as one article, streamed in chunks and capped at ``max_chars``."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from realpolitik.errors import Errors
from realpolitik.models import Article
from realpolitik.sources.context import ReadContext
from realpolitik.sources.dates import find_dateline
from realpolitik.sources.stream import Source, iter_text

logger = logging.getLogger(__name__)


def read_text(source: Source, ctx: ReadContext) -> Iterator[Article]:
    """Yield the file as one Article; a dateline on its first line gives the article date.

    Yields: one Article with id = file name, or nothing (E111) when the file has no text.
    """
    text = _read_capped_text(source, ctx)
    if not text.strip():
        ctx.warn(Errors.E111.format(path=source.name))
        return
    found, _ = find_dateline(text)
    yield Article(id=source.stem, text=text, date=found, source=source.name)


def _read_capped_text(source: Source, ctx: ReadContext) -> str:
    limit = ctx.settings.max_chars
    parts: list[str] = []
    size = 0
    for part in iter_text(source, warn=ctx.warn):
        parts.append(part)
        size += len(part)
        if size > limit:
            ctx.warn(Errors.E115.format(path=source.name, limit=limit))
            return "".join(parts)[:limit]
    return "".join(parts)
