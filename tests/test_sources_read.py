"""read_articles: text, JSONL, directories and stdin, with coded warnings for bad input."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from realpolitik.settings import Settings
from realpolitik.sources import read_articles

STORY = (
    "The foreign ministers of Brazil and India met in Brasilia on Monday to discuss a new "
    "trade agreement covering farm goods, fertiliser and pharmaceuticals, officials said."
)


def _read(paths, **options):
    warnings: list[str] = []
    articles = list(read_articles(paths, on_warning=warnings.append, **options))
    return articles, warnings


def test_sources_text_file_id_date_and_dateline(tmp_path: Path) -> None:
    path = tmp_path / "brazil.txt"
    path.write_text(f"Published: 14 October 2024\n\n{STORY}\n", encoding="utf-8")
    [article], warnings = _read([path])
    assert warnings == []
    assert article.id == "brazil.txt"
    assert article.date == "2024-10-14"
    assert article.text == STORY
    assert article.language == "en"
    assert [(d.reason, d.line) for d in article.dropped] == [("dateline", 1)]


def test_sources_jsonl_default_fields_and_broken_lines(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    rows = [
        json.dumps({"id": "x1", "text": STORY, "date": "2024-10-14T08:00:00Z", "url": "u"}),
        "{broken",
        json.dumps({"headline": "no text"}),
        json.dumps([1, 2]),
        json.dumps({"text": STORY.replace("India", "Kenya")}),
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    articles, warnings = _read([path], dedupe=False)
    assert [a.id for a in articles] == ["x1", "feed.jsonl:5"]
    assert articles[0].date == "2024-10-14" and articles[0].url == "u"
    assert [w[:5] for w in warnings] == ["[E104", "[E105", "[E104"]
    assert "feed.jsonl line 2" in warnings[0] and "line 3" in warnings[1]


def test_sources_jsonl_custom_field_names(tmp_path: Path) -> None:
    path = tmp_path / "dump.ndjson"
    record = {"doc": "d-7", "body": STORY, "published": "Oct 14, 2024", "headline": "Talks"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    settings = Settings(
        jsonl_id_field="doc",
        jsonl_text_field="body",
        jsonl_date_field="published",
        jsonl_title_field="headline",
    )
    [article], warnings = _read([path], settings=settings)
    assert warnings == []
    assert (article.id, article.date, article.title) == ("d-7", "2024-10-14", "Talks")


def test_sources_directory_walk_sniffs_content(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "story.dat").write_text(STORY, encoding="utf-8")
    (tmp_path / "a" / "rows.log").write_text(json.dumps({"id": "j", "text": STORY}) + "\n")
    (tmp_path / ".hidden.txt").write_text("ignored")
    articles, warnings = _read([tmp_path], dedupe=False)
    assert warnings == []
    assert sorted(a.id for a in articles) == ["a/b/story.dat", "j"]


def test_sources_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BufferedReader(io.BytesIO(STORY.encode())), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    [article], warnings = _read(["-"])
    assert warnings == [] and article.id == "stdin" and article.text == STORY


def test_sources_missing_path_warns_and_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(STORY)
    articles, warnings = _read([tmp_path / "nope.txt", good])
    assert [a.id for a in articles] == ["good.txt"]
    assert warnings[0].startswith("[E101]") and "nope.txt" in warnings[0]


def test_sources_duplicates_linked_to_original(tmp_path: Path) -> None:
    rows = [{"id": "first", "text": STORY}, {"id": "copy", "text": STORY.upper()}]
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    articles, _ = _read([path])
    assert [(a.id, a.duplicate_of) for a in articles] == [("first", None), ("copy", "first")]


def test_sources_non_english_kept_and_flagged(tmp_path: Path) -> None:
    text = (
        "Les ministres des affaires étrangères du Brésil et de l'Inde se sont réunis lundi à "
        "Brasilia pour discuter d'un nouvel accord commercial, ont indiqué des responsables."
    )
    path = tmp_path / "fr.txt"
    path.write_text(text, encoding="utf-8")
    [article], _ = _read([path])
    assert article.language == "fr"


def test_sources_shared_deduper_links_across_calls(tmp_path: Path) -> None:
    from realpolitik.dedupe import Deduper

    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(STORY)
    second.write_text(STORY)
    deduper = Deduper(Settings())
    [one] = read_articles([first], deduper=deduper)
    [two] = read_articles([second], deduper=deduper)
    [alone] = read_articles([second])
    assert (one.duplicate_of, two.duplicate_of, alone.duplicate_of) == (None, "first.txt", None)
