"""Open inputs as peekable byte streams, sniff their kind from content, read them line-wise.

Nothing here holds a whole file: lines are read with a byte limit, documents with a cap.
"""

from __future__ import annotations

import codecs
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
CHUNK_BYTES = 1 << 20
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
#: Errors reading may raise: damaged gzip data read directly, or the disk itself.
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

    def damage(self) -> BaseException | None:
        """Return the error that cut a damaged compressed input short, if any."""
        raw = getattr(self.stream, "raw", None)
        return getattr(raw, "damage", None)

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
    stream: BinaryIO = raw
    if not isinstance(raw, io.BufferedReader):
        stream = io.BufferedReader(raw)  # type: ignore[arg-type]
    compressed = stream.peek(2)[:2] == GZIP_MAGIC  # type: ignore[attr-defined]
    if compressed:
        stream = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
    head, error = _read_head(stream)
    prefixed = io.BufferedReader(_Prefixed(head, stream, error), buffer_size=CHUNK_BYTES)
    source = Source(name=name, stem=stem, stream=prefixed, compressed=compressed)
    source.kind = sniff(head, name=_strip_gz(name))
    return source


def _read_head(stream: BinaryIO) -> tuple[bytes, BaseException | None]:
    """Read the first SNIFF_BYTES in small steps, keeping what came before any damage."""
    parts: list[bytes] = []
    size = 0
    try:
        while size < SNIFF_BYTES and (part := _read1(stream, SNIFF_BYTES - size)):
            parts.append(part)
            size += len(part)
    except CORRUPT_ERRORS as exc:
        return b"".join(parts), exc
    return b"".join(parts), None


def _read1(stream: BinaryIO, size: int) -> bytes:
    """Read at most ``size`` bytes with one underlying read, so data before damage is kept."""
    read1 = getattr(stream, "read1", None)
    return read1(size) if read1 is not None else stream.read(size)


class _Prefixed(io.RawIOBase):
    """A raw stream serving the sniffed head, then the rest.

    Damage in the compressed rest (or met while reading the head) ends the stream as a clean
    end of file, so no caller loses the bytes read before it; ``damage`` keeps the error.
    """

    def __init__(self, head: bytes, rest: BinaryIO, error: BaseException | None):
        self._head = memoryview(head)
        self._rest = rest
        self.damage = error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        if self.damage is not None:
            return 0
        try:
            data = _read1(self._rest, len(buffer))
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            self.damage = exc
            return 0
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._rest.close()
        super().close()


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
    array_of_objects = start[:1] == b"[" and start[1:].lstrip().startswith(b"{")
    if start.startswith(b"{") or array_of_objects:
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
    """Read a whole document up to ``limit`` bytes, warning (E112, E107) when cut or truncated.

    Returns: the bytes read; a damaged gzip stream gives what came before the damage.
    """
    chunks: list[bytes] = []
    size = 0
    for chunk in iter_chunks(source, warn=warn):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            warn(Errors.E112.format(path=source.name, limit=limit))
            return b"".join(chunks)[:limit]
    return b"".join(chunks)


def iter_chunks(source: Source, *, warn: Warn, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Yield the stream in chunks; a read error ends it with an E107 warning."""
    try:
        while chunk := _read1(source.stream, size):
            yield chunk
    except CORRUPT_ERRORS as exc:
        warn(Errors.E107.format(path=source.name, detail=detail(exc)))


def iter_text(source: Source, *, warn: Warn) -> Iterator[str]:
    """Yield the stream decoded as UTF-8 in chunks; bad bytes are replaced (one E106 warning)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    for chunk in iter_chunks(source, warn=warn):
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            line = lines + chunk[: exc.start].count(b"\n")
            warn(Errors.E106.format(path=f"{source.name} line {line}", detail=exc.reason))
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            text = decoder.decode(chunk)
        lines += chunk.count(b"\n")
        yield text
    yield decoder.decode(b"", final=True)


def iter_lines(source: Source, *, limit: int, warn: Warn) -> Iterator[tuple[int, bytes]]:
    """Yield (line number, bytes) pairs, skipping with E113 any line longer than ``limit`` bytes.

    A read error ends the iteration with an E107 warning (damage inside a gzip stream ends
    it quietly; ``read_source`` reports that once the reader is done).
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
        warn(Errors.E107.format(path=source.name, detail=detail(exc)))


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


def detail(exc: BaseException) -> str:
    """Return an exception as 'Type: message' for a warning."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
