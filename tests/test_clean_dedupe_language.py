"""Duplicates within a run (exact and near) and language identification."""

from __future__ import annotations

import pytest

from realpolitik.dedupe import Deduper, MinHasher, normalise, shingles, similarity
from realpolitik.language import LanguageDetector
from realpolitik.settings import Settings

STORY = (
    "Kazakhstan and Uzbekistan agreed on Wednesday to build a railway line linking their "
    "capitals, the two presidents said after talks in Astana. The line, about 1,200 kilometres "
    "long, would carry freight and passengers and cut the journey between the cities to under "
    "ten hours. Construction is due to start next spring and to be finished within five years, "
    "with funding from both governments and a regional development bank, officials said."
)
OTHER = (
    "Thailand and Cambodia reopened a border market on Wednesday that had been closed for "
    "two years, allowing traders from both sides to sell rice, fish and clothing again. "
    "Officials from the two provinces met at the crossing to mark the occasion and promised to "
    "keep the market open every day of the week, a local governor told reporters on the spot."
)


def test_clean_dedupe_exact_ignores_case_and_spacing() -> None:
    deduper = Deduper(Settings())
    assert deduper.check("a", STORY) is None
    assert deduper.check("b", "  " + STORY.upper().replace(" ", "   ")) == "a"
    assert deduper.check("c", OTHER) is None


def test_clean_dedupe_near_copy_links_to_first() -> None:
    deduper = Deduper(Settings())
    edited = STORY.replace("Wednesday", "Thursday") + " Updated with the bank's name."
    hasher = MinHasher()
    left, right = (hasher.signature(shingles(normalise(t))) for t in (STORY, edited))
    assert similarity(left, right) >= 0.8
    assert similarity(left, hasher.signature(shingles(normalise(OTHER)))) < 0.2
    assert deduper.check("first", STORY) is None
    assert deduper.check("second", edited) == "first"
    assert deduper.check("third", edited) == "first"


def test_clean_dedupe_short_texts_only_exact() -> None:
    deduper = Deduper(Settings(dedupe_min_words=1000))
    assert deduper.check("a", STORY) is None
    assert deduper.check("b", STORY.replace("Wednesday", "Thursday")) is None


def test_clean_dedupe_state_belongs_to_the_object() -> None:
    Deduper(Settings()).check("a", STORY)
    assert Deduper(Settings()).check("b", STORY) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (STORY, "en"),
        (
            "Kasachstan und Usbekistan haben sich am Mittwoch auf den Bau einer Eisenbahnlinie "
            "zwischen ihren Hauptstädten geeinigt, teilten die beiden Präsidenten mit.",
            "de",
        ),
        (
            "Kazajistán y Uzbekistán acordaron el miércoles construir una línea ferroviaria "
            "entre sus capitales, dijeron los dos presidentes tras las conversaciones.",
            "es",
        ),
    ],
)
def test_clean_language_detect(text: str, language: str) -> None:
    assert LanguageDetector(Settings()).detect(text) == language


def test_clean_language_short_text_falls_back() -> None:
    detector = LanguageDetector(Settings(default_language="en"))
    assert detector.detect("Ja.") == "en"
    assert detector.detect("Ja.", fallback="de") == "de"
