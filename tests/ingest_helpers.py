"""Helpers for the ingest tests: fixture pages and a WARC writer (no binaries are committed)."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
# Short texts, some with events, for comparing one process with several.
TEXTS = [
    "Russia condemned the United States over new sanctions.",
    "The weather was mild.",
    "France praised Germany for its support.",
    "China fired missiles at Taiwan, killing two soldiers.",
    "Egypt called on Israel to allow aid into Gaza.",
]
PAGE = (FIXTURES / "page.html").read_bytes()
OTHER_PAGE = (
    PAGE.replace(b"Finland", b"Latvia")
    .replace(b"Estonia", b"Lithuania")
    .replace(b"gas terminal", b"rail bridge")
)


def write_warc(path: Path, records: list[tuple[str, str, bytes]], *, compress: bool = True) -> None:
    """Write a WARC of (url, content type, payload) response records plus one request record."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        request = writer.create_warc_record(
            "https://ledger.example/", "request", payload=io.BytesIO(b"GET / HTTP/1.0\r\n\r\n")
        )
        writer.write_record(request)
        for url, content_type, payload in records:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(payload), http_headers=headers
            )
            writer.write_record(record)
