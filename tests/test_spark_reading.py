"""The Spark job's per-record reading and duplicate replay match ``read_articles`` (no JVM)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from realpolitik.dedupe import Deduper
from realpolitik.distributed.duplicates import find_duplicates
from realpolitik.distributed.listing import InputFile, hadoop_glob, is_line_file
from realpolitik.distributed.reading import read_jsonl_lines, read_whole_files, source_from_bytes
from realpolitik.settings import Settings
from realpolitik.sources import read_articles

SETTINGS = Settings()

STORY = (
    "The foreign ministers of Norway and Chile met in Santiago on Tuesday to sign a fisheries "
    "agreement that both governments had negotiated for more than two years. Officials said the "
    "accord sets joint quotas for the southern Pacific and creates a panel to settle disputes."
)
PAGE = (
    "<html><head><title>Harbour talks</title></head><body><article><h1>Harbour talks</h1>"
    f"<p>{STORY}</p><p>The panel will meet twice a year, alternating between the two "
    "capitals, and will publish its findings.</p></article></body></html>"
).encode()


def _jsonl(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _warc(pages: list[tuple[str, bytes]]) -> bytes:
    handle = io.BytesIO()
    writer = WARCWriter(handle, gzip=True)
    for url, payload in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(payload), http_headers=headers
        )
        writer.write_record(record)
    return handle.getvalue()


def _spark_like(files: dict[str, bytes], tmp_path: Path) -> list:
    """Read ``files`` the way the Spark job's tasks would (one task per file here)."""
    items = []
    for index, (name, data) in enumerate(files.items()):
        file = InputFile(index, f"file:{tmp_path / name}", str(tmp_path / name), name,
                         is_line_file(name))  # fmt: skip
        if file.lines:
            raw = gzip.decompress(data) if name.endswith(".gz") else data
            lines = [(line, i) for i, line in enumerate(raw.split(b"\n")[:-1])]
            items.extend(read_jsonl_lines(lines, file=file, settings=SETTINGS))
        else:
            items.extend(
                read_whole_files([(file.uri, data)], files={file.uri: file}, settings=SETTINGS)
            )
    return items


def _single_process(files: dict[str, bytes], tmp_path: Path) -> tuple[list, list[str]]:
    warnings: list[str] = []
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    articles = list(read_articles(paths, dedupe=False, on_warning=warnings.append))
    return articles, warnings


def _view(article) -> tuple:  # noqa: ANN001
    return (article.id, article.text, article.date, article.language, article.url,
            [(d.line, d.reason) for d in article.dropped])  # fmt: skip


MIXED = {
    "wire.jsonl": _jsonl(
        f'{{"id": "w1", "date": "2024-03-05", "text": "{STORY}"}}',
        "{not json",
        '{"title": "no text here"}',
        "",
        f'{{"text": "{STORY} Advertisement"}}',
        "[1, 2]",
    ),
    "wire2.ndjson.gz": gzip.compress(_jsonl(f'{{"id": "z", "text": "{STORY}"}}')),
    "note.txt": f"OSLO, March 5 (Wire) - {STORY}\n".encode(),
    "page.html": PAGE,
    "crawl.warc.gz": _warc([("https://news.example/a", PAGE)]),
    "empty.txt": b"",
    "blob.bin": bytes(range(256)) * 4,
}


def test_spark_reading_gives_read_articles_articles(tmp_path: Path) -> None:
    expected, _ = _single_process(MIXED, tmp_path)
    items = _spark_like(MIXED, tmp_path)
    got = [item.article for item in sorted(items, key=lambda i: i.key) if item.article]
    assert [_view(a) for a in got] == [_view(a) for a in expected]
    assert {a.id for a in got} >= {"w1", "wire.jsonl:5", "z", "note.txt", "page.html"}


def test_spark_reading_reports_the_same_warnings(tmp_path: Path) -> None:
    _, expected = _single_process(MIXED, tmp_path)
    items = _spark_like(MIXED, tmp_path)
    got = [message for item in sorted(items, key=lambda i: i.key) for message in item.warnings]
    assert sorted(got) == sorted(expected)
    codes = {message[1:5] for message in got}
    assert {"E104", "E105", "E103", "E102"} <= codes
    assert any("wire.jsonl line 2" in message for message in got)


def test_spark_reading_skips_overlong_lines_with_e113(tmp_path: Path) -> None:
    settings = Settings(max_record_bytes=1000)
    file = InputFile(0, "file:/x/big.jsonl", "big.jsonl", "big.jsonl", True)
    lines = [(b'{"text": "' + b"a" * 2000 + b'"}', 0), (f'{{"text": "{STORY}"}}'.encode(), 1)]
    items = list(read_jsonl_lines(lines, file=file, settings=settings))
    assert items[0].article is None and items[0].warnings[0].startswith("[E113] big.jsonl line 1")
    assert items[1].article is not None and items[1].key == (0, 2)


def test_spark_reading_sniffs_gzip_and_kind_from_bytes() -> None:
    source = source_from_bytes(gzip.compress(PAGE), name="page.html.gz", stem="page.html.gz")
    assert source.compressed and source.kind == "html"
    assert source_from_bytes(b"WARC/1.0\r\n", name="x", stem="x").kind == "warc"


def test_spark_duplicates_name_the_first_copy_by_key() -> None:
    longer = f"{STORY} The panel will meet twice a year in the two capitals."
    items = [
        ((0, 1), "first", STORY),
        ((0, 2), "other", "A short note about weather in Oslo."),
        ((1, 1), "again", STORY),
        ((1, 2), "near", longer),
        ((2, 7), "copy", "A short note about weather in Oslo."),
    ]
    deduper = Deduper(SETTINGS)
    expected = {
        key: original
        for key, doc_id, text in items
        if (original := deduper.check(doc_id, text)) is not None
    }
    got = find_duplicates(items, settings=SETTINGS)
    assert got == expected
    assert got[(1, 1)] == "first" and got[(2, 7)] == "other"


def test_spark_listing_helpers() -> None:
    assert is_line_file("s3a://b/day/2024-01-01.jsonl.gz")
    assert is_line_file("x.NDJSON") and not is_line_file("crawl.warc.gz")
    assert hadoop_glob("file:/a/b[1]{x,y}*.txt") == "file:/a/b\\[1\\]\\{x,y\\}\\*.txt"


def test_spark_local_runner_codes_like_pipe(pipeline) -> None:
    from realpolitik.distributed.local import code_parallel
    from realpolitik.models import Article

    texts = [
        "Chile accused Norway of delaying the fisheries accord.",
        "Norway praised Chile for its patience in the talks.",
        "Brazil condemned Argentina over the border closure.",
        "Peru thanked Ecuador for sending firefighters.",
        "",
    ]
    articles = [Article(id=f"r{i}", text=t, date="2024-05-01") for i, t in enumerate(texts * 3)]
    expected = [(a.id, [e.to_dict() for e in ev]) for a, ev in pipeline.pipe(articles)]
    got = [
        (a.id, [e.to_dict() for e in ev])
        for a, ev in code_parallel(articles, pipeline=pipeline, n_process=2, chunk_size=4)
    ]
    assert got == expected
    assert sum(len(ev) for _, ev in got) >= 3
