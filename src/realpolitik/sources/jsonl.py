"""Read JSONL/NDJSON: one article per line, field names from Settings, broken lines skipped."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from realpolitik.errors import Errors, Warnings
from realpolitik.models import UNSAFE_CHARS, Article
from realpolitik.sources.context import ReadContext
from realpolitik.sources.dates import find_dateline, normalise_date
from realpolitik.sources.stream import Source, decode, iter_lines, read_capped

logger = logging.getLogger(__name__)

BOM = "\ufeff"
TOO_DEEP = "nested too deeply to read"


def read_jsonl(source: Source, ctx: ReadContext) -> Iterator[Article]:
    """Yield one Article per JSON object line; warn (E104, E105, E110) and skip bad lines.

    A file holding one JSON array of objects (a ``.json`` dump) is read whole, up to
    ``max_record_bytes``, one Article per element.
    Yields: Articles with id from the id field, else ``<file name>:<line or element>``.
    """
    head = source.stream.peek(64).lstrip(b"\xef\xbb\xbf \t\r\n")  # type: ignore[attr-defined]
    if head.startswith(b"["):
        yield from _read_array(source, ctx)
        return
    for line_no, raw in iter_lines(source, limit=ctx.settings.max_record_bytes, warn=ctx.warn):
        line = decode(raw, source=source, where=f" line {line_no}", warn=ctx.warn)
        line = line.strip().lstrip(BOM).strip()
        if not line:
            continue
        record = parse_line(line, source=source, line_no=line_no, ctx=ctx)
        if record is None:
            continue
        try:
            article = record_to_article(record, source=source, line_no=line_no, ctx=ctx)
        except RecursionError:
            ctx.warn(Errors.E104.format(path=source.name, line=line_no, detail=TOO_DEEP))
            continue
        if article is not None:
            yield article


def _read_array(source: Source, ctx: ReadContext) -> Iterator[Article]:
    data = read_capped(source, limit=ctx.settings.max_record_bytes, warn=ctx.warn)
    try:
        records = json.loads(decode(data, source=source, where="", warn=ctx.warn).lstrip(BOM))
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} at line {exc.lineno}"
        ctx.warn(Errors.E108.format(path=source.name, kind="JSON array", detail=detail))
        return
    except RecursionError:
        ctx.warn(Errors.E108.format(path=source.name, kind="JSON array", detail=TOO_DEEP))
        return
    if not isinstance(records, list):
        detail = f"a JSON {type(records).__name__}, not an array of objects"
        ctx.warn(Errors.E108.format(path=source.name, kind="JSON array", detail=detail))
        return
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            detail = f"a JSON {type(record).__name__}, not an object"
            ctx.warn(Errors.E110.format(path=source.name, record=number, detail=detail))
            continue
        try:
            article = record_to_article(record, source=source, line_no=number, ctx=ctx)
        except RecursionError:
            ctx.warn(Errors.E110.format(path=source.name, record=number, detail=TOO_DEEP))
            continue
        if article is not None:
            yield article


def parse_line(
    line: str, *, source: Source, line_no: int, ctx: ReadContext
) -> dict[str, Any] | None:
    """Parse one JSONL line into a record, warning (E104) when it is not a JSON object."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        ctx.warn(Errors.E104.format(path=source.name, line=line_no, detail=exc.msg))
        return None
    except RecursionError:
        ctx.warn(Errors.E104.format(path=source.name, line=line_no, detail=TOO_DEEP))
        return None
    if not isinstance(record, dict):
        detail = f"a JSON {type(record).__name__}, not an object"
        ctx.warn(Errors.E104.format(path=source.name, line=line_no, detail=detail))
        return None
    return record


def record_to_article(
    record: dict[str, Any], *, source: Source, line_no: int, ctx: ReadContext
) -> Article | None:
    """Map one JSON object to an Article using the configured field names."""
    settings = ctx.settings
    text = record.get(settings.jsonl_text_field)
    if not isinstance(text, str):
        ctx.warn(
            Errors.E105.format(path=source.name, line=line_no, field=settings.jsonl_text_field)
        )
        return None
    if not text.strip():
        ctx.warn(Errors.E110.format(path=source.name, record=line_no, detail="empty text"))
        return None
    where = f"{source.name} line {line_no}"
    text = ctx.cap_text(text, where=where)
    raw_id = record.get(settings.jsonl_id_field)
    date = normalise_date(record.get(settings.jsonl_date_field)) or find_dateline(text)[0]
    fields = {
        "id": str(raw_id) if raw_id not in (None, "") else f"{source.stem}:{line_no}",
        "text": text,
        "url": _optional_str(record.get(settings.jsonl_url_field)),
        "title": _optional_str(record.get(settings.jsonl_title_field)),
    }
    unsafe = sum(len(UNSAFE_CHARS.findall(value)) for value in fields.values() if value)
    if unsafe:
        ctx.warn(Warnings.W104.format(path=where, count=unsafe))
    return Article(**fields, date=date, source=source.name)


def _optional_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)
