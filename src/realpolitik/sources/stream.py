"""Open inputs as peekable byte streams, sniff their kind from content, read them line-wise.

Nothing here holds a whole file: lines are read with a byte limit, documents with a cap.
"""

from __future__ import annotations

import codecs
import gzip
import io
import logging
import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from realpolitik.errors import Errors
from realpolitik.models import scrub

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
#: Byte order marks of the UTF-16 and UTF-32 encodings (UTF-32 first: it starts like UTF-16).
WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
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


class NotRegularFile(OSError):
    """A path names a pipe, device or socket: opening it could block forever (E117)."""


def display_name(name: str) -> str:
    """Return a file name as printable, storable text: undecodable bytes become U+FFFD."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return scrub(name)[0]


def open_source(path: Path | str, *, stem: str | None = None) -> Source:
    """Open ``path`` ('-' for stdin) as a peekable stream, undoing gzip, and sniff its kind.

    UTF-16 and UTF-32 input (with or without a byte order mark) is transcoded to UTF-8 here,
    so every reader meets UTF-8.
    Raises:
        NotRegularFile: when the path is not a regular file (the caller reports E117).
        OSError: when the file cannot be opened (the caller reports E114).
    """
    if str(path) == "-":
        raw: BinaryIO = sys.stdin.buffer
        name = "<stdin>"
        stem = stem or "stdin"
    else:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise NotRegularFile(f"not a regular file: {display_name(str(path))}")
        raw = open(path, "rb")  # noqa: SIM115 - closed by Source.close
        name = display_name(str(path))
        stem = display_name(stem or Path(path).name)
    stream: BinaryIO = raw
    if not isinstance(raw, io.BufferedReader):
        stream = io.BufferedReader(raw)  # type: ignore[arg-type]
    compressed = stream.peek(2)[:2] == GZIP_MAGIC  # type: ignore[attr-defined]
    if compressed:
        stream = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
    head, error = _read_head(stream)
    encoding = wide_encoding(head)
    if encoding is not None:
        wide = io.BufferedReader(_Prefixed(head, stream, error), buffer_size=CHUNK_BYTES)
        stream = io.BufferedReader(_Transcoded(wide, encoding), buffer_size=CHUNK_BYTES)  # type: ignore[assignment]
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


def wide_encoding(head: bytes) -> str | None:
    """Return the codec of UTF-16 or UTF-32 text from its first bytes, else None.

    A byte order mark decides; without one, text whose zero bytes sit where mostly-ASCII
    UTF-16LE/BE or UTF-32LE/BE text puts them, and which decodes cleanly, is taken as such.
    """
    for bom, codec in WIDE_BOMS:
        if head.startswith(bom):
            return codec
    if len(head) < 8 or b"\x00" not in head:
        return None
    for codec, width, zero_at in (
        ("utf-32-le", 4, (1, 2, 3)),
        ("utf-32-be", 4, (0, 1, 2)),
        ("utf-16-le", 2, (1,)),
        ("utf-16-be", 2, (0,)),
    ):
        sample = head[: len(head) - len(head) % width]
        units = len(sample) // width
        zeros = [sample[i::width].count(0) for i in range(width)]
        wide = all(zeros[i] >= 0.7 * units for i in zero_at)
        narrow = all(zeros[i] <= 0.05 * units for i in range(width) if i not in zero_at)
        if wide and narrow and _decodes(sample, codec):
            return codec
    return None


def _decodes(sample: bytes, codec: str) -> bool:
    """Return whether a BOM-less sample decodes to text that is mostly printable ASCII."""
    try:
        text = codecs.getincrementaldecoder(codec)().decode(sample)
    except UnicodeDecodeError:
        return False
    plain = sum(1 for char in text if " " <= char <= "~" or char in "\t\r\n")
    return bool(text) and plain >= 0.6 * len(text) and any(c.isspace() for c in text)


class _Transcoded(io.RawIOBase):
    """A raw stream serving UTF-16 or UTF-32 input re-encoded as UTF-8 (bad units as U+FFFD)."""

    def __init__(self, rest: BinaryIO, codec: str):
        self._rest = rest
        self._decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        self._pending = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending and not self._done:
            data = _read1(self._rest, CHUNK_BYTES)
            text = self._decoder.decode(data, final=not data)
            self._done = not data
            self._pending = text.encode("utf-8", "replace")
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    @property
    def damage(self) -> BaseException | None:
        return getattr(self._rest.raw, "damage", None)  # type: ignore[attr-defined]

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
    try:
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        warn(Errors.E106.format(path=f"{source.name} line {lines}", detail=exc.reason))
        yield "\ufffd"


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
