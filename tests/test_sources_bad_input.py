"""Bad input never raises: each problem is one coded warning naming the file and line or record."""

from __future__ import annotations

import gzip
import json
import resource
import sys
from pathlib import Path

from ingest_helpers import OTHER_PAGE, PAGE, write_warc
from realpolitik.settings import Settings
from realpolitik.sources import read_articles

STORY = (
    "Sweden and Norway agreed on Monday to share the cost of a new hydropower line across "
    "their border, the two energy ministers said at a news conference in Oslo."
)
MB = 1 << 20


def _read(paths, **options):
    warnings: list[str] = []
    return list(read_articles(paths, on_warning=warnings.append, **options)), warnings


def _good(tmp_path: Path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


def _codes(warnings: list[str]) -> list[str]:
    return [w[1:5] for w in warnings]


def test_sources_binary_junk_and_zero_byte(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 64)
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    articles, warnings = _read([junk, empty, _good(tmp_path)])
    assert [a.id for a in articles] == ["good.txt"]
    assert _codes(warnings) == ["E102", "E103"]
    assert "junk.txt" in warnings[0] and "empty.html" in warnings[1]


def test_sources_invalid_utf8_is_replaced_and_named(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(("Line one.\n" + STORY.replace("Oslo", "Tromsø")).encode("latin-1"))
    rows = tmp_path / "rows.jsonl"
    rows.write_bytes(
        b'{"id": "r1", "text": "' + STORY.encode() + b'"}\n{"id": "r2", "text": "caf\xe9"}\n'
    )
    articles, warnings = _read([path, rows])
    assert [a.id for a in articles] == ["latin.txt", "r1", "r2"]
    assert "Troms\ufffd" in articles[0].text
    assert _codes(warnings) == ["E106", "E106"]
    assert "latin.txt line 2" in warnings[0] and "rows.jsonl line 2" in warnings[1]


def test_sources_truncated_gzip_keeps_what_was_readable(tmp_path: Path) -> None:
    rows = "".join(
        json.dumps({"id": f"n{i}", "text": f"{STORY} Item {i} of the list, {i * 7919}."}) + "\n"
        for i in range(400)
    )
    data = gzip.compress(rows.encode())
    path = tmp_path / "rows.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(PAGE)[:700])
    articles, warnings = _read([path, page], dedupe=False)
    ids = [a.id for a in articles]
    assert 0 < len(ids) - 1 < 400 and ids[0] == "n0" and ids[-1] == "page.html.gz"
    assert sorted(_codes(warnings)).count("E107") == 2
    assert any("rows.jsonl.gz" in w and "E107" in w for w in warnings)


def test_sources_truncated_warc_keeps_whole_records(tmp_path: Path) -> None:
    pages = [
        ("https://a.example/", "text/html", PAGE),
        ("https://b.example/", "text/html", OTHER_PAGE),
    ]
    for compress in (True, False):
        full = tmp_path / f"full{compress}.warc"
        write_warc(full, pages, compress=compress)
        data = full.read_bytes()
        cut = tmp_path / f"cut{compress}.warc"
        cut.write_bytes(data[: int(len(data) * 0.75)])
        articles, warnings = _read([cut, _good(tmp_path)])
        assert [a.url for a in articles][:1] == ["https://a.example/"]
        assert articles[-1].id == "good.txt"
        assert "E107" in _codes(warnings), warnings
        assert all(cut.name in w for w in warnings)


def test_sources_malformed_html(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_bytes(
        b"<html><head><title>Talks</title><body><p>"
        + STORY.encode()
        + b"<div><b>unclosed <<>> </i>"
    )
    nothing = tmp_path / "nothing.htm"
    nothing.write_bytes(b"<html><body>" + b"<div>" * 3000 + b"</span>" * 10)
    articles, warnings = _read([broken, nothing, _good(tmp_path)])
    assert articles[0].id == "broken.html" and "hydropower line" in articles[0].text
    assert articles[-1].id == "good.txt"
    assert _codes(warnings) == ["E111"] and "nothing.htm" in warnings[0]


def test_sources_jsonl_broken_lines_named(tmp_path: Path) -> None:
    path = tmp_path / "mixed.ndjson"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "ok1", "text": STORY}),
                '{"id": "cut", "text": "half a rec',
                "",
                "plain words",
                json.dumps({"id": "empty", "text": "   "}),
                json.dumps({"id": "ok2", "text": STORY.replace("Sweden", "Finland")}),
            ]
        ),
        encoding="utf-8",
    )
    articles, warnings = _read([path])
    assert [a.id for a in articles] == ["ok1", "ok2"]
    assert _codes(warnings) == ["E104", "E104", "E110"]
    assert ["line 2" in warnings[0], "line 4" in warnings[1], "record 5" in warnings[2]] == [
        True,
        True,
        True,
    ]


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024


def test_sources_200mb_files_stream_with_bounded_memory(tmp_path: Path) -> None:
    size = 200 * MB
    settings = Settings(max_chars=100_000, max_record_bytes=4 * MB)
    text = tmp_path / "huge.txt"
    line = (STORY + "\n").encode()
    with open(text, "wb") as handle:
        block = line * (MB // len(line))
        while handle.tell() < size:
            handle.write(block)
    rows = tmp_path / "huge.jsonl"
    with open(rows, "wb") as handle:
        handle.write(b'{"id": "giant", "text": "')
        chunk = b"word " * (MB // 5)
        while handle.tell() < size:
            handle.write(chunk)
        handle.write(b'"}\n' + json.dumps({"id": "after", "text": STORY}).encode() + b"\n")
    before = _peak_rss_mb()
    try:
        articles, warnings = _read([text, rows], settings=settings)
    finally:
        text.unlink()
        rows.unlink()
    growth = _peak_rss_mb() - before
    assert [a.id for a in articles] == ["huge.txt", "after"]
    assert len(articles[0].text) <= 100_000
    assert _codes(warnings) == ["E115", "E113"]
    assert "huge.txt" in warnings[0] and "huge.jsonl line 1" in warnings[1]
    assert growth < 150, f"peak RSS grew by {growth:.0f} MB reading 400 MB of input"


def test_sources_cli_bad_input_no_traceback(tmp_path: Path, runner) -> None:
    from realpolitik.cli import app

    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\xff" * 500)
    result = runner.invoke(app, ["clean", str(junk), str(tmp_path / "missing.txt")])
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
