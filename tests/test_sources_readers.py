"""Each reader on small fixtures written for these tests: HTML, RSS, Atom, JSONL, WARC, sniffing."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from ingest_helpers import FIXTURES, OTHER_PAGE, PAGE, write_warc
from realpolitik.settings import Settings
from realpolitik.sources import read_articles
from realpolitik.sources.stream import sniff


def _read(paths, **options):
    warnings: list[str] = []
    return list(read_articles(paths, on_warning=warnings.append, **options)), warnings


def test_sources_html_text_metadata_and_cleaning() -> None:
    [article], warnings = _read([FIXTURES / "page.html"])
    assert warnings == []
    assert article.id == "page.html"
    assert article.title == "Finland and Estonia plan a joint gas terminal"
    assert article.date == "2024-10-14"
    assert article.url == "https://ledger.example/2024/10/finland-estonia-terminal"
    assert "300 million euros" in article.text and "clear majority" in article.text
    assert "Ferry strike" not in article.text and "All rights reserved" not in article.text
    reasons = {d.reason for d in article.dropped}
    assert reasons == {"newsletter/subscribe prompt", "reader question"}
    assert "newsletter" not in article.text


def test_sources_gzipped_html_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "story.bin"
    path.write_bytes(gzip.compress(PAGE))
    [article], warnings = _read([path])
    assert warnings == [] and article.title.startswith("Finland and Estonia")


def test_sources_rss_entries(tmp_path: Path) -> None:
    articles, warnings = _read([FIXTURES / "feed.rss"])
    assert [a.id for a in articles] == [
        "gazette-1001",
        "https://gazette.example/world/norway-bangladesh-aid",
    ]
    first, second = articles
    assert first.date == "2024-10-14" and second.date == "2024-10-15"
    assert first.title == "Chile and Peru agree to reopen border crossings"
    assert first.url == "https://gazette.example/world/chile-peru-border"
    assert "newsletter" not in first.text
    assert [d.reason for d in first.dropped] == ["newsletter/subscribe prompt"]
    assert len(warnings) == 1 and warnings[0].startswith("[E110]") and "record 3" in warnings[0]


def test_sources_atom_prefers_content_over_summary() -> None:
    [article], warnings = _read([FIXTURES / "feed.atom"])
    assert warnings == []
    assert article.id == "urn:lakeside:wire:77"
    assert article.date == "2024-10-16"
    assert article.text.startswith("Kenya and Tanzania signed an accord")
    assert "Short summary" not in article.text
    assert [d.reason for d in article.dropped] == ["photo credit"]


def test_sources_jsonl_custom_fields_fixture() -> None:
    settings = Settings(
        jsonl_id_field="doc_no",
        jsonl_text_field="body",
        jsonl_title_field="headline",
        jsonl_date_field="pub",
        jsonl_url_field="link",
    )
    articles, warnings = _read([FIXTURES / "custom_fields.jsonl"], settings=settings)
    assert warnings == []
    assert [(a.id, a.date) for a in articles] == [
        ("ledger-17", "2024-10-17"),
        ("ledger-18", "2024-10-18"),
    ]
    assert articles[0].url == "https://ledger.example/ghana-togo"
    assert [d.reason for d in articles[0].dropped] == ["share/follow prompt"]


@pytest.mark.parametrize("compress", [True, False])
def test_sources_warc_html_responses_only(tmp_path: Path, compress: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    write_warc(
        path,
        [
            ("https://ledger.example/a", "text/html; charset=utf-8", PAGE),
            ("https://ledger.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
            ("https://ledger.example/b", "text/html", OTHER_PAGE),
        ],
        compress=compress,
    )
    articles, warnings = _read([path])
    assert warnings == []
    assert [a.url for a in articles] == ["https://ledger.example/a", "https://ledger.example/b"]
    assert all(a.id.startswith("urn:uuid:") for a in articles)
    assert "rail bridge" in articles[1].text
    assert articles[1].duplicate_of is None


def test_sources_warc_same_page_twice_is_a_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "twice.warc.gz"
    write_warc(
        path,
        [
            ("https://ledger.example/a", "text/html", PAGE),
            ("https://mirror.example/a", "text/html", PAGE),
        ],
    )
    first, second = _read([path])[0]
    assert first.duplicate_of is None and second.duplicate_of == first.id


def test_sources_directory_mixes_kinds(tmp_path: Path) -> None:
    for name in ("page.html", "feed.rss", "feed.atom"):
        shutil.copy(FIXTURES / name, tmp_path / name.replace(".", "_"))  # no extensions
    write_warc(tmp_path / "sub_crawl", [("https://x.example/", "text/html", OTHER_PAGE)])
    articles, warnings = _read([tmp_path])
    assert len(articles) == 5
    assert sum(w.startswith("[E110]") for w in warnings) == 1


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"WARC/1.1\r\nWARC-Type: warcinfo", "x", "warc"),
        (b'<?xml version="1.0"?><rss version="2.0">', "x", "feed"),
        (b"<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>", "x", "feed"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html>", "x.txt", "html"),
        (b'{"id": 1, "text": "a"}\n', "x", "jsonl"),
        (b'{"id": 1}', "notes.txt", "text"),
        (b'[\n  {"id": 1, "text": "a"}]', "dump", "jsonl"),
        (b"[1] Footnote text.", "x", "text"),
        (b"Plain words here.", "x.jsonl", "jsonl"),
        (b"Plain words here.", "x", "text"),
        (b"", "x", "empty"),
        (b"\x00\x01\x02binary\x00", "x.txt", "binary"),
    ],
)
def test_sources_sniff_by_content(head: bytes, name: str, kind: str) -> None:
    assert sniff(head, name=name) == kind


def test_sources_json_array_dump(tmp_path: Path) -> None:
    path = tmp_path / "dump.json"
    story = "Peru and Bolivia agreed on Monday to build a joint water pipeline, officials said."
    path.write_text(f'[{{"id": "p1", "text": "{story}"}}, 7, {{"title": "no text"}}]')
    articles, warnings = _read([path])
    assert [a.id for a in articles] == ["p1"]
    assert [w[:6] for w in warnings] == ["[E110]", "[E105]"]
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "p2", "text": ')
    articles, warnings = _read([broken])
    assert articles == [] and warnings[0].startswith("[E108]") and "broken.json" in warnings[0]
