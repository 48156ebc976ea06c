"""Lossless decoding and one text policy at the reader boundary (issue 14, A1-A3, A7, B)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from realpolitik.models import Article
from realpolitik.sources import read_articles

STORY = "Chile and Peru signed a fisheries accord in Lima on Thursday, their ministers said."
OTHER = "Kenya thanked Uganda for reopening the border crossing at Busia on Friday morning."


def _read(paths, **options):
    warnings: list[str] = []
    articles = list(read_articles(paths, on_warning=warnings.append, **options))
    return articles, warnings


def _codes(warnings: list[str]) -> list[str]:
    return [w[1:5] for w in warnings]


def _jsonl(*records: dict) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def test_sources_utf8_bom_keeps_the_first_jsonl_record(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    text = _jsonl({"id": "a", "text": STORY}, {"id": "b", "text": OTHER})
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    articles, warnings = _read([path], dedupe=False)
    assert [a.id for a in articles] == ["a", "b"]
    assert warnings == []


@pytest.mark.parametrize(
    "codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
)
@pytest.mark.parametrize("suffix", [".jsonl", ".txt"])
def test_sources_utf16_and_utf32_are_decoded(tmp_path: Path, codec: str, suffix: str) -> None:
    path = tmp_path / f"wide{suffix}"
    body = _jsonl({"id": "w1", "text": STORY}) if suffix == ".jsonl" else STORY + "\n"
    path.write_bytes(body.encode(codec))
    articles, warnings = _read([path], dedupe=False)
    assert len(articles) == 1, warnings
    assert articles[0].text.strip() == STORY
    assert "\ufeff" not in articles[0].text
    assert not any(code in ("E102", "E106") for code in _codes(warnings))


def test_sources_binary_with_zero_bytes_is_still_binary(tmp_path: Path) -> None:
    path = tmp_path / "junk.dat"
    path.write_bytes(b"\x00\xff" * 600)
    articles, warnings = _read([path])
    assert articles == []
    assert _codes(warnings) == ["E102"]


def test_sources_lone_surrogate_and_nul_become_replacement_chars(tmp_path: Path) -> None:
    path = tmp_path / "escapes.jsonl"
    line = '{"id": "s\\ud800", "text": "Chile thanked Peru.\\u0000 Talks went on \\udc80 late."}\n'
    path.write_text(line, encoding="utf-8")
    articles, warnings = _read([path])
    assert len(articles) == 1
    article = articles[0]
    assert article.id == "s\ufffd"
    assert "\x00" not in article.text and "\ufffd" in article.text
    article.text.encode("utf-8")  # would raise on a lone surrogate
    assert "W104" in _codes(warnings)


def test_sources_article_boundary_scrubs_python_api_input() -> None:
    article = Article(id="x", text="Peru\x00 thanked \ud83d Chile.")
    assert article.text == "Peru\ufffd thanked \ufffd Chile."
    assert Article.make_id("a \udc80 b") == Article.make_id("a \ufffd b")


@pytest.mark.skipif(os.name != "posix", reason="needs bytes file names")
def test_sources_non_utf8_file_name_is_printable(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as handle:
        handle.write(STORY.encode("utf-8"))
    articles, warnings = _read([tmp_path])
    assert len(articles) == 1, warnings
    for value in (articles[0].id, articles[0].source):
        assert "\ufffd" in value
        value.encode("utf-8")


def test_sources_text_ending_inside_a_multibyte_sequence(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes(STORY.encode("utf-8") + " Zürich".encode()[:-1] + b"\xc3")
    articles, warnings = _read([path])
    assert len(articles) == 1
    assert articles[0].text.startswith(STORY)
    assert "E106" in _codes(warnings)


@pytest.mark.parametrize("where", ["line", "field", "array"])
def test_sources_deep_json_is_skipped_with_a_code(tmp_path: Path, where: str) -> None:
    deep = "[" * 5000 + "]" * 5000
    good = json.dumps({"id": "ok", "text": STORY})
    body = {
        "line": f"{deep}\n{good}\n",
        "field": f'{{"id": "d", "text": "x", "extra": {deep}}}\n{good}\n',
        "array": f"[{deep}]",
    }[where]
    path = tmp_path / "deep.jsonl"
    path.write_text(body, encoding="utf-8")
    articles, warnings = _read([path, _good_file(tmp_path)])
    assert articles[-1].id == "good.txt"
    assert any("nested too deeply" in w for w in warnings)


def _good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(OTHER, encoding="utf-8")
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_sources_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    articles, warnings = _read([fifo, _good_file(tmp_path)])
    assert [a.id for a in articles] == ["good.txt"]
    assert _codes(warnings) == ["E117"]
    articles, warnings = _read([tmp_path])
    assert [a.id for a in articles] == ["good.txt"]
    assert "E117" in _codes(warnings)


@pytest.mark.parametrize(
    "name, content",
    [
        ("empty.rss", b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>'),
        ("nothing.warc", b"WARC/1.0\r\nthen garbage, not a record\r\n"),
    ],
)
def test_sources_file_with_no_article_says_so(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    articles, warnings = _read([path])
    assert articles == []
    assert warnings and all(name in w for w in warnings)
    assert any(code.startswith("E1") for code in _codes(warnings))


def test_sources_repeated_warnings_are_summarised_per_file(tmp_path: Path) -> None:
    items = "".join(f"<item><title>t{i}</title></item>" for i in range(50))
    path = tmp_path / "hollow.rss"
    path.write_text(f'<rss version="2.0"><channel>{items}</channel></rss>', encoding="utf-8")
    articles, warnings = _read([path])
    assert articles == []
    assert _codes(warnings) == ["E110", "E110", "E110", "W103"]
    assert "47 more [E110]" in warnings[-1]


def test_sources_reused_id_with_other_text_is_keyed_not_lost(tmp_path: Path) -> None:
    first = tmp_path / "a.jsonl"
    first.write_text(_jsonl({"id": "1", "text": STORY}), encoding="utf-8")
    second = tmp_path / "b.jsonl"
    second.write_text(_jsonl({"id": "1", "text": OTHER}, {"id": "1", "text": OTHER}), "utf-8")
    articles, warnings = _read([first, second])
    ids = [a.id for a in articles]
    assert len(ids) == 2 and ids[0] == "1" and ids[1].startswith("1@")
    assert [a.text for a in articles] == [STORY, OTHER]
    assert _codes(warnings).count("W102") == 2 and "W202" in _codes(warnings)
    again, _ = _read([first, second])
    assert [a.id for a in again] == ids
