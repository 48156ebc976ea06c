"""Bounded coding cost and per-article isolation (issue 14: A4, C)."""

from __future__ import annotations

import logging
import re

import pytest

from realpolitik.errors import RealpolitikError
from realpolitik.models import Article
from realpolitik.prefilter import RUN_LIMIT, Condensed, Piece, break_punctuation_runs, cap_sentences

EVENT = "Russia condemned Ukraine over the shelling."


def test_pipeline_punctuation_runs_are_broken_keeping_offsets() -> None:
    text = "Peru" + "," * 5000 + " and Chile!!!!!!! met ... in Lima" + "-" * 40
    broken = break_punctuation_runs(text)
    assert len(broken) == len(text)
    assert max(len(run) for run in re.findall(r"[^\w\s]+", broken)) == RUN_LIMIT
    assert [i for i, c in enumerate(text) if c.isalnum()] == [
        i for i, c in enumerate(broken) if c.isalnum()
    ]
    assert break_punctuation_runs("No runs here, at all.") == "No runs here, at all."


def test_pipeline_comma_run_article_is_coded(pipeline) -> None:
    text = "France criticized Germany" + "," * 5000 + " on Monday. " + EVENT
    events = pipeline(text, date="2024-05-02")
    assert any(e.source.country == "RUS" and e.target.country == "UKR" for e in events)
    start, end = next(e.span for e in events if e.source.country == "RUS")
    assert text[start:end].startswith("Russia")


def test_pipeline_caps_sentences_before_parsing(pipeline, caplog) -> None:
    listing = "Russia, " + ", ".join(["Iran"] * 2000) + " condemned Ukraine"
    text = listing + ". " + EVENT
    with caplog.at_level(logging.WARNING, logger="realpolitik.pipeline"):
        parsed, condensed = pipeline.prepare(Article(id="long", text=text))
        events = pipeline(text)
    assert condensed is not None
    limit = pipeline.settings.max_sentence_chars
    assert all(p.end - p.start <= limit for p in condensed.pieces)
    assert any("[W203]" in r.getMessage() for r in caplog.records)
    assert any(e.source.country == "RUS" and e.target.country == "UKR" for e in events)


def test_pipeline_cap_sentences_keeps_the_total_under_a_bound() -> None:
    text = "a" * 50 + "b" * 50 + "c" * 50
    pieces = [Piece(0, 50, 0, 0), Piece(52, 102, 50, 1), Piece(104, 154, 100, 2)]
    condensed = Condensed("\n\n".join([text[:50], text[50:100], text[100:]]), pieces, 3)
    capped, cut = cap_sentences(condensed, text, limit=30, max_total=70)
    assert cut == 2 and [p.sentence_index for p in capped.pieces] == [0, 1]
    assert capped.text == "a" * 30 + "\n\n" + "b" * 30
    same, none_cut = cap_sentences(condensed, text, limit=100, max_total=1000)
    assert same is condensed and none_cut == 0


@pytest.mark.parametrize("date", ["x", "2024-02-31", "2024-13-01", "24-01-01", "2024-1-5"])
def test_pipeline_junk_dates_raise_the_coded_date_error(pipeline, date: str) -> None:
    with pytest.raises(RealpolitikError) as caught:
        pipeline(EVENT, date=date)
    assert caught.value.code == "E303"


def test_pipeline_one_failing_article_does_not_end_pipe(pipeline, monkeypatch, caplog) -> None:
    condense = pipeline.sentence_filter.condense

    def fragile(text: str) -> Condensed:
        if "poison" in text:
            raise ValueError("[E088] Text of length 1000001 exceeds maximum")
        return condense(text)

    monkeypatch.setattr(pipeline.sentence_filter, "condense", fragile)
    articles = [
        Article(id="bad", text="Russia condemned Ukraine; poison."),
        Article(id="good", text=EVENT),
    ]
    with caplog.at_level(logging.WARNING, logger="realpolitik.pipeline"):
        coded = list(pipeline.pipe(articles))
        alone = pipeline(articles[0])
    assert [(a.id, bool(events)) for a, events in coded] == [("bad", False), ("good", True)]
    assert alone == []
    assert sum("[W401] Article bad" in r.getMessage() for r in caplog.records) == 2
