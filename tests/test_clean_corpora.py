"""The cleaner on real data in ../shared: the seed page, 181 benchmark pages, clean news text."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from realpolitik.clean import LineCleaner
from realpolitik.errors import RealpolitikError
from realpolitik.evaluate import token_f1
from realpolitik.settings import Settings
from realpolitik.sources import read_articles

SEED_JUNK = {
    "Freedom-Loving Beachwear by Red Beach Nation - Save 10% With Code RVM10": "advert",
    "Has Taylor Swift's endorsement of Kamala Harris swayed your vote?": "poll",
}


@pytest.fixture(scope="module")
def seed_article(shared_dir: Path):
    warnings: list[str] = []
    [article] = read_articles(
        [shared_dir / "examples" / "seed_article.txt"], on_warning=warnings.append
    )
    assert warnings == []
    return article


def test_clean_seed_drops_the_five_junk_lines(seed_article, shared_dir: Path) -> None:
    raw = (shared_dir / "examples" / "seed_article.txt").read_text(encoding="utf-8")
    paragraphs = [line.strip() for line in raw.splitlines() if line.strip()]
    dropped = [(d.text, d.reason) for d in seed_article.dropped]
    assert len(dropped) == 5
    assert dropped[0] == dropped[4] == (paragraphs[3], "advert")
    reasons = [reason for _, reason in dropped]
    assert reasons == ["advert", "poll", "consent/legal", "reader question", "advert"]
    assert dropped[1][0] in SEED_JUNK and dropped[2][0].startswith("By completing the poll")
    assert dropped[3][0].startswith("Given the deepening ties")
    kept = [p for p in paragraphs if p not in {text for text, _ in dropped}]
    assert kept[0].startswith("In a recent essay marking 75 years")
    assert kept[-1].endswith("implications far beyond their bilateral relations.")
    assert [p for p in seed_article.text.split("\n\n")] == kept
    assert seed_article.language == "en" and seed_article.duplicate_of is None


def test_clean_seed_no_event_from_a_dropped_line(seed_article, request) -> None:
    try:
        pipeline = request.getfixturevalue("pipeline")
    except (RealpolitikError, ImportError) as exc:
        pytest.skip(f"no coding pipeline available: {exc}")
    events = pipeline(seed_article)
    dropped = [d.text for d in seed_article.dropped]
    assert events, "the cleaned seed page should still yield events"
    for event in events:
        assert event.sentence in seed_article.text
        assert not any(event.sentence.strip() in line or line in event.sentence for line in dropped)
        assert (event.source.key, event.target.key) != ("USA", "USA")


@pytest.mark.slow
def test_clean_aeb_token_f1_not_below_trafilatura(shared_dir: Path) -> None:
    gold = {
        json.loads(line)["id"].split("/", 1)[1]: json.loads(line)["text"]
        for line in (shared_dir / "corpus" / "aeb.jsonl").read_text(encoding="utf-8").splitlines()
    }
    settings = Settings()
    raw = {
        article.id.split(".")[0]: article.text
        for article in read_articles(
            [shared_dir / "corpus" / "aeb_html"], settings=settings, clean=False, dedupe=False
        )
    }
    cleaner = LineCleaner(settings)
    cleaned = {key: cleaner.clean(text)[0] for key, text in raw.items()}
    assert len(gold) == 181 and set(raw) == set(gold)
    raw_f1 = sum(token_f1(raw[key], text) for key, text in gold.items()) / len(gold)
    clean_f1 = sum(token_f1(cleaned[key], text) for key, text in gold.items()) / len(gold)
    assert clean_f1 >= 0.95
    assert clean_f1 >= raw_f1 - 0.002, (raw_f1, clean_f1)


def test_clean_keeps_wikinews_paragraphs(shared_dir: Path) -> None:
    cleaner = LineCleaner(Settings())
    rows = [
        json.loads(line)
        for line in (shared_dir / "corpus" / "wikinews.jsonl").read_text().splitlines()
    ]
    paragraphs = sum(1 for row in rows for line in row["text"].splitlines() if line.strip())
    reasons: Counter[str] = Counter()
    for row in rows:
        text, dropped = cleaner.clean(row["text"])
        for line in dropped:
            reasons[line.reason] += 1
            if line.reason == "repeated line":
                assert line.text in text, "a doubled line keeps its first copy"
    assert len(rows) == 317
    assert sum(reasons.values()) / paragraphs < 0.01
    assert set(reasons) <= {"photo credit", "repeated line"}, reasons
