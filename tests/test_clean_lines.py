"""The line cleaner: each furniture category, position rules, and what it must keep."""

from __future__ import annotations

import pytest

from realpolitik.clean import LineCleaner, clean_article
from realpolitik.models import Article, DroppedLine
from realpolitik.settings import Settings
from realpolitik.sources.datafile import load_data

BODY = [
    "Egypt and Sudan agreed on Tuesday to set up a joint committee on the waters of the Nile, "
    "the two foreign ministers said after talks in Cairo that lasted most of the day.",
    "The committee will meet every three months and report to both heads of state, an "
    "Egyptian official said, adding that Ethiopia would be invited to send observers.",
    "Sudan's minister said the accord was a first step and that further talks on dam "
    "operations would follow in Khartoum before the end of the year.",
]


@pytest.fixture(scope="module")
def cleaner() -> LineCleaner:
    return LineCleaner(Settings())


def _page(*extra: str, at: int = 3) -> str:
    lines = [*BODY[:at], *extra, *BODY[at:]]
    return "\n\n".join(lines)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Hand-Stitched Leather Boots by Ridge & Co - Use Code TRAIL25 for 15% Off", "advert"),
        ("ADVERTISEMENT", "advert"),
        ("Summer sale: save 30% on every deal this week", "advert"),
        (
            "By signing up, you agree to our terms of service and to receive marketing emails "
            "from us and our partners.",
            "consent/legal",
        ),
        ("© 2024 Example Media Group. All rights reserved.", "consent/legal"),
        (
            "Sign up for our free morning briefing, delivered to your inbox.",
            "newsletter/subscribe prompt",
        ),
        ("Subscribe now", "newsletter/subscribe prompt"),
        ("We use cookies to improve your experience on our site.", "cookie notice"),
        ("Share this article", "share/follow prompt"),
        ("Follow us on Instagram", "share/follow prompt"),
        ("Read more: Drought deepens across the Horn of Africa", "related links"),
        ("Related stories", "related links"),
        ("Photo: Amal Haddad/Desert Wire", "photo credit"),
        ("(Photo by Lena Ortiz/Getty Images)", "photo credit"),
        ("Let us know your views in the comments below.", "reader question"),
        ("Skip to main content", "page furniture"),
    ],
)
def test_clean_classify_furniture(cleaner: LineCleaner, line: str, reason: str) -> None:
    assert cleaner.classify(line) == reason
    text, dropped = cleaner.clean(_page(line))
    assert line not in text
    assert [(d.text, d.reason) for d in dropped] == [(line, reason)]
    assert all(paragraph in text for paragraph in BODY)


@pytest.mark.parametrize(
    "line",
    [
        "The ministry said it would share the findings with Ethiopia and Sudan next week.",
        "Prices rose 10% in October, the statistics office said, as the sale of assets began.",
        "She said the code of conduct for the talks would be published on Friday.",
        "The government uses cookies' tax receipts to fund schools, a spokesman joked.",
        "Related talks in Geneva collapsed last year after Ethiopia walked out.",
        "Subscribers to the fund will receive shares in the new company, the bank said.",
        '"Do you think we will give up our rights to the river?" the minister asked reporters.',
        "Photographs of the dam, released by the ministry, showed the reservoir nearly full.",
    ],
)
def test_clean_keeps_news_sentences(cleaner: LineCleaner, line: str) -> None:
    text, dropped = cleaner.clean(_page(line, at=1))
    assert dropped == []
    assert line in text


def test_clean_reader_question_only_after_the_body(cleaner: LineCleaner) -> None:
    question = "How do you think the accord will change life along the river?"
    text, dropped = cleaner.clean(_page(question, at=1))
    assert dropped == [] and question in text
    text, dropped = cleaner.clean(_page(question))
    assert [(d.reason, d.text) for d in dropped] == [("reader question", question)]


def test_clean_poll_question_options_and_consent(cleaner: LineCleaner) -> None:
    lines = [
        "Should your city ban cars from its centre?",
        "Yes",
        "No",
        "Not sure",
        "By voting in this poll, you agree to receive occasional emails from our partners.",
    ]
    text, dropped = cleaner.clean(_page(*lines))
    assert [d.reason for d in dropped] == ["poll"] * 4 + ["consent/legal"]
    assert all(paragraph in text for paragraph in BODY)


def test_clean_speaker_turns_are_not_reader_questions(cleaner: LineCleaner) -> None:
    lines = ["Q: What do you expect from the next round of talks?", "((WN)) Why did you resign?"]
    text, dropped = cleaner.clean(_page(*lines))
    assert dropped == []


def test_clean_related_heading_takes_its_link_titles(cleaner: LineCleaner) -> None:
    lines = ["More on this story", "Floods cut roads in Kassala", "Cairo hosts water summit"]
    text, dropped = cleaner.clean(_page(*lines, at=2))
    assert [d.reason for d in dropped] == ["related links"] * 3
    assert BODY[2] in text


def test_clean_repeated_lines(cleaner: LineCleaner) -> None:
    furniture = "Tap here to get the Nile Daily app"
    text, dropped = cleaner.clean("\n\n".join([furniture, *BODY, furniture]))
    assert [(d.reason, d.line) for d in dropped] == [("repeated line", 1), ("repeated line", 9)]
    paragraph = BODY[0]
    text, dropped = cleaner.clean("\n\n".join([*BODY, paragraph]))
    assert [(d.reason, d.line) for d in dropped] == [("repeated line", 7)]
    assert text.count(paragraph) == 1


def test_clean_repeated_template_rows_stay(cleaner: LineCleaner) -> None:
    rows = ["Net profit 12.5 mln vs 9.8 mln", "Revenue 140 mln vs 120 mln"]
    block = ["Quarter", *rows, "Year", *rows]
    text, dropped = cleaner.clean("\n".join([*BODY, *block]))
    assert dropped == []


def test_clean_dateline_first_line(cleaner: LineCleaner) -> None:
    text, dropped = cleaner.clean("Tuesday, 8 October 2024 | 14:05 GMT\n\n" + BODY[0])
    assert [(d.reason, d.line) for d in dropped] == [("dateline", 1)]
    assert text == BODY[0]


def test_clean_article_keeps_earlier_drops(cleaner: LineCleaner) -> None:
    earlier = DroppedLine("x", "reason from the reader", 0)
    article = Article(id="a", text=_page("Share this article"), dropped=[earlier])
    cleaned = clean_article(article, cleaner)
    assert cleaned.dropped[0] == earlier and cleaned.dropped[1].reason == "share/follow prompt"
    assert article.text != cleaned.text


def test_clean_rule_file_has_version_and_every_category_a_reason() -> None:
    data = load_data("realpolitik.clean_data", "line_rules.yaml")
    for name, spec in data["categories"].items():
        assert spec["reason"], name
        assert spec.get("strong") or spec.get("weak"), name
