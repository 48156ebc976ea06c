"""Open inputs as peekable byte streams, sniff their kind from content, read them line-wise.

Nothing here holds a whole file: lines are read with a byte limit, documents with a cap.
"""

from __future__ import annotations

import gzip
import io
import logging
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from realpolitik.errors import Errors

logger = logging.getLogger(__name__)

SNIFF_BYTES = 8192
GZIP_MAGIC = b"\x1f\x8b"
WARC_MAGIC = b"WARC/"
KINDS = ("text", "html", "jsonl", "feed", "warc")
EXTENSION_KINDS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".warc": "warc",
    ".arc": "warc",
}
FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")
HTML_MARKERS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<meta",
    b"<div",
    b"<p>",
    b"<title",
)
#: Errors a damaged gzip stream raises while it is read.
CORRUPT_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile, OSError)

Warn = Callable[[str], None]


@dataclass
class Source:
    """One opened input: its display name, id stem, kind and a peekable binary stream.

    name: the path as the user gave it (or '<stdin>'), used in warnings
    stem: the readable id base for whole-file articles (file name, or path under a walked dir)
    """

    name: str
    stem: str
    stream: BinaryIO
    kind: str = "text"
    compressed: bool = False
    warned: set[str] = field(default_factory=set)

    def close(self) -> None:
        """Close the stream unless it is stdin."""
        if self.name != "<stdin>":
            self.stream.close()


def open_source(path: Path | str, *, stem: str | None = None) -> Source:
    """Open ``path`` ('-' for stdin) as a peekable stream, undoing gzip, and sniff its kind.

    Raises:
        OSError: when the file cannot be opened (the caller reports E114).
    """
    if str(path) == "-":
        raw: BinaryIO = sys.stdin.buffer
        name = "<stdin>"
        stem = stem or "stdin"
    else:
        raw = open(path, "rb")  # noqa: SIM115 - closed by Source.close
        name = str(path)
        stem = stem or Path(path).name
    stream = _peekable(raw)
    compressed = stream.peek(2)[:2] == GZIP_MAGIC
    if compressed:
        stream = _peekable(gzip.GzipFile(fileobj=stream, mode="rb"))  # type: ignore[arg-type]
    source = Source(name=name, stem=stem, stream=stream, compressed=compressed)
    source.kind = sniff(_safe_peek(stream), name=_strip_gz(name))
    return source


def _peekable(raw: BinaryIO) -> BinaryIO:
    if isinstance(raw, io.BufferedReader):
        return raw
    return io.BufferedReader(raw, buffer_size=SNIFF_BYTES * 8)  # type: ignore[arg-type]


def _safe_peek(stream: BinaryIO) -> bytes:
    try:
        return stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # type: ignore[attr-defined]
    except CORRUPT_ERRORS:
        return b""


def _strip_gz(name: str) -> str:
    return name[:-3] if name.lower().endswith(".gz") else name


def sniff(head: bytes, *, name: str = "") -> str:
    """Return the kind of a document from its first bytes, using the extension only as a tie-break.

    Returns: one of KINDS, 'empty' or 'binary'.
    """
    if not head.strip():
        return "empty"
    if head.startswith(WARC_MAGIC):
        return "warc"
    if looks_binary(head):
        return "binary"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    ext_kind = EXTENSION_KINDS.get(Path(name).suffix.lower())
    if start.startswith(b"<"):
        window = start[:2048]
        if any(marker in window for marker in FEED_MARKERS) and b"<html" not in window:
            return "feed"
        if any(marker in window for marker in HTML_MARKERS):
            return "html"
        return ext_kind if ext_kind in ("feed", "html") else "html"
    if ext_kind in ("jsonl", "text"):
        return ext_kind
    if start.startswith(b"{"):
        return "jsonl"
    return "text"


def looks_binary(head: bytes) -> bool:
    """Return whether bytes look like binary data rather than text in some encoding."""
    sample = head[:SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return control > max(2, len(sample) // 100)


def read_capped(source: Source, *, limit: int, warn: Warn) -> bytes:
    """Read a whole document up to ``limit`` bytes, warning (E112, E107) when cut or truncated."""
    try:
        data = source.stream.read(limit + 1)
    except CORRUPT_ERRORS as exc:
        warn(Errors.E107.format(path=source.name, detail=_detail(exc)))
        return b""
    if len(data) > limit:
        warn(Errors.E112.format(path=source.name, limit=limit))
        return data[:limit]
    return data


def iter_lines(source: Source, *, limit: int, warn: Warn) -> Iterator[tuple[int, bytes]]:
    """Yield (line number, bytes) pairs, skipping with E113 any line longer than ``limit`` bytes.

    A damaged compressed stream ends the iteration with an E107 warning.
    """
    line_no = 0
    stream = source.stream
    try:
        while True:
            line = stream.readline(limit + 1)
            if not line:
                return
            line_no += 1
            if len(line) > limit and not line.endswith(b"\n"):
                warn(Errors.E113.format(path=source.name, line=line_no, limit=limit))
                _skip_rest_of_line(stream, chunk=limit)
                continue
            yield line_no, line
    except CORRUPT_ERRORS as exc:
        warn(Errors.E107.format(path=source.name, detail=_detail(exc)))


def _skip_rest_of_line(stream: BinaryIO, *, chunk: int) -> None:
    while True:
        part = stream.readline(chunk)
        if not part or part.endswith(b"\n"):
            return


def decode(data: bytes, *, source: Source, where: str, warn: Warn) -> str:
    """Decode UTF-8, replacing bad bytes and warning (E106) once per source."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if "E106" not in source.warned:
            source.warned.add("E106")
            warn(Errors.E106.format(path=f"{source.name}{where}", detail=exc.reason))
        return data.decode("utf-8", errors="replace")


def _detail(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
