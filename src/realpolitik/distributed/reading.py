"""Turn the records a Spark task receives into cleaned Articles, the way ``read_articles`` does.

Runs inside the Python workers and imports nothing from pyspark. Whole files arrive as
(uri, bytes) from ``binaryFiles`` and go through the ingest readers picked by content sniffing;
JSONL lines arrive as (bytes, index) from ``textFile(...).zipWithIndex()`` and go through the
ingest JSONL record mapping. Each article is then cleaned and its language identified.
Duplicates are decided later, on the driver, in global read order (duplicates.py).
"""

from __future__ import annotations

import gzip
import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from realpolitik.clean import LineCleaner, clean_article
from realpolitik.distributed.listing import InputFile
from realpolitik.errors import Errors
from realpolitik.language import LanguageDetector
from realpolitik.models import Article
from realpolitik.settings import Settings
from realpolitik.sources import READERS
from realpolitik.sources.context import ReadContext
from realpolitik.sources.jsonl import parse_line, record_to_article
from realpolitik.sources.stream import (
    CORRUPT_ERRORS,
    GZIP_MAGIC,
    SNIFF_BYTES,
    Source,
    decode,
    sniff,
)

logger = logging.getLogger(__name__)

Key = tuple[int, int]
"""(file index, record number within the file): the global read order."""


@dataclass
class ReadItem:
    """One record of the read stage: an Article (with its word count) or only warnings."""

    key: Key
    article: Article | None = None
    words: int = 0
    warnings: list[str] = field(default_factory=list)


class Preparer:
    """Clean raw Articles and identify their language; one per task (holds the cleaner rules)."""

    def __init__(self, settings: Settings, *, clean: bool = True) -> None:
        self.settings = settings
        self.cleaner = LineCleaner(settings) if clean else None
        self.detector = LanguageDetector(settings)

    def prepare(self, article: Article, key: Key, warnings: list[str]) -> ReadItem:
        """Return the read item of one raw article, as ``read_articles`` would yield it."""
        if self.cleaner is not None:
            article = clean_article(article, self.cleaner)
            if not article.text.strip():
                where = article.source or article.id
                warnings.append(Errors.E116.format(path=where, id=article.id))
                return ReadItem(key, warnings=warnings)
        article.language = self.detector.detect(article.text, fallback=article.language)
        return ReadItem(key, article, len(article.text.split()), warnings)


def read_whole_files(
    records: Iterable[tuple[str, bytes]],
    *,
    files: dict[str, InputFile],
    settings: Settings,
    clean: bool = True,
) -> Iterator[ReadItem]:
    """Yield the read items of whole files given as (uri, content) pairs.

    files: the job's InputFiles by uri
    Yields: one item per article (key = file index, article number) and one per warning.
    """
    preparer = Preparer(settings, clean=clean)
    for uri, data in records:
        file = files[uri]
        warnings: list[str] = []
        ctx = ReadContext(settings=settings, warn=warnings.append)
        number = 0
        for number, raw in enumerate(_read_bytes(data, file=file, ctx=ctx), start=1):
            yield preparer.prepare(raw, (file.index, number), _take(warnings))
        if warnings:
            yield ReadItem((file.index, number + 1), warnings=_take(warnings))


def _take(warnings: list[str]) -> list[str]:
    taken = list(warnings)
    warnings.clear()
    return taken


def source_from_bytes(data: bytes, *, name: str, stem: str) -> Source:
    """Return a sniffed Source over in-memory file content, undoing gzip like ``open_source``."""
    stream: Any = io.BufferedReader(io.BytesIO(data), buffer_size=SNIFF_BYTES * 8)
    compressed = data[:2] == GZIP_MAGIC
    if compressed:
        stream = io.BufferedReader(gzip.GzipFile(fileobj=stream, mode="rb"), SNIFF_BYTES * 8)
    source = Source(name=name, stem=stem, stream=stream, compressed=compressed)
    try:
        head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    except CORRUPT_ERRORS:
        head = b""
    plain = name[:-3] if name.lower().endswith(".gz") else name
    source.kind = sniff(head, name=plain)
    return source


def _read_bytes(data: bytes, *, file: InputFile, ctx: ReadContext) -> Iterator[Article]:
    """Yield the raw Articles of one file's content (``read_source`` over bytes)."""
    source = source_from_bytes(data, name=file.name, stem=file.stem)
    try:
        if source.kind == "empty":
            ctx.warn(Errors.E103.format(path=source.name))
        elif source.kind == "binary":
            ctx.warn(Errors.E102.format(path=source.name))
        elif source.kind not in READERS:
            ctx.warn(Errors.E109.format(path=source.name, kind=source.kind))
        else:
            yield from READERS[source.kind](source, ctx)
    except CORRUPT_ERRORS as exc:
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        ctx.warn(Errors.E107.format(path=source.name, detail=detail))
    finally:
        source.close()


def read_jsonl_lines(
    lines: Iterable[tuple[bytes, int]],
    *,
    file: InputFile,
    settings: Settings,
    clean: bool = True,
) -> Iterator[ReadItem]:
    """Yield the read items of JSONL lines given as (line bytes, 0-based line index) pairs.

    Yields: one item per article (key = file index, line number) and one per bad line.
    """
    preparer = Preparer(settings, clean=clean)
    source = Source(name=file.name, stem=file.stem, stream=io.BytesIO(b""), kind="jsonl")
    limit = settings.max_record_bytes
    for raw, index in lines:
        line_no = index + 1
        warnings: list[str] = []
        ctx = ReadContext(settings=settings, warn=warnings.append)
        article = _line_article(raw, line_no=line_no, limit=limit, source=source, ctx=ctx)
        if article is not None:
            yield preparer.prepare(article, (file.index, line_no), warnings)
        elif warnings:
            yield ReadItem((file.index, line_no), warnings=warnings)


def _line_article(
    raw: bytes, *, line_no: int, limit: int, source: Source, ctx: ReadContext
) -> Article | None:
    """Map one JSONL line to a raw Article, warning (E113, E104, E105, E110) when it cannot."""
    if len(raw) > limit:
        ctx.warn(Errors.E113.format(path=source.name, line=line_no, limit=limit))
        return None
    line = decode(raw, source=source, where=f" line {line_no}", warn=ctx.warn).strip()
    if not line:
        return None
    record = parse_line(line, source=source, line_no=line_no, ctx=ctx)
    if record is None:
        return None
    return record_to_article(record, source=source, line_no=line_no, ctx=ctx)
