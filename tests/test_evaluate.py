"""Scoring: event gold sets exactly as DESIGN.md defines them, and penta-class accuracy."""

from __future__ import annotations

import json

import pytest

from realpolitik.errors import CLIError
from realpolitik.evaluate import (
    GoldDoc,
    GoldEvent,
    main_event,
    read_event_gold,
    read_penta_gold,
    score_events,
    score_penta,
)
from realpolitik.models import Actor, Event, Evidence


def ev(src, tgt, root, *, negated=False, confidence=0.8, doc="d1") -> Event:
    source = Actor(
        text=src, country=src if len(src) == 3 else None, org=None if len(src) == 3 else src
    )
    target = Actor(
        text=tgt, country=tgt if len(tgt) == 3 else None, org=None if len(tgt) == 3 else tgt
    )
    return Event(
        event_id=f"{src}{tgt}{root}",
        doc_id=doc,
        date=None,
        sentence_index=0,
        sentence="s",
        span=[0, 1],
        source=source,
        target=target,
        cameo=root + "0",
        root=root,
        quad_class=1,
        goldstein=0.0,
        plover=None,
        negated=negated,
        confidence=confidence,
        evidence=Evidence(pattern="p", trigger="t"),
    )


def gold(*events: GoldEvent) -> list[GoldDoc]:
    return [GoldDoc("d1", "text", None, list(events))]


def test_evaluate_exact_match_counts_once_per_distinct_prediction():
    report = score_events(
        gold(GoldEvent(["RUS"], ["CHN"], ["05"])),
        {"d1": [ev("RUS", "CHN", "05"), ev("RUS", "CHN", "05")]},
    )
    assert (report.predicted, report.true_positives, report.gold, report.matched_gold) == (
        1,
        1,
        1,
        1,
    )
    assert report.f1 == 1.0


def test_evaluate_symmetric_accepts_either_direction_only_when_marked():
    preds = {"d1": [ev("USA", "CHN", "04")]}
    assert score_events(gold(GoldEvent(["CHN"], ["USA"], ["04"], symmetric=True)), preds).f1 == 1.0
    assert score_events(gold(GoldEvent(["CHN"], ["USA"], ["04"])), preds).f1 == 0.0


def test_evaluate_negated_and_self_events_are_not_scored():
    report = score_events(
        gold(), {"d1": [ev("RUS", "USA", "11", negated=True), ev("RUS", "RUS", "11")]}
    )
    assert report.predicted == 0


def test_evaluate_optional_gold_neither_required_nor_spurious():
    report = score_events(
        gold(GoldEvent(["RUS"], ["DEU"], ["11"], optional=True)), {"d1": [ev("RUS", "DEU", "11")]}
    )
    assert report.gold == 0 and report.predicted == 1 and report.true_positives == 1
    assert report.precision == 1.0


def test_evaluate_orgs_match_and_wrong_root_is_spurious_and_miss():
    report = score_events(
        gold(GoldEvent(["UKR"], ["NATO"], ["02", "03"])), {"d1": [ev("UKR", "NATO", "11")]}
    )
    assert report.precision == 0.0 and report.recall == 0.0
    assert len(report.misses) == 1 and len(report.spurious) == 1


def test_evaluate_reads_gold_and_names_bad_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    good = {
        "id": "a",
        "text": "t",
        "events": [{"source": ["RUS"], "target": ["UKR"], "root": ["19"]}],
    }
    path.write_text(json.dumps(good) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(CLIError) as info:
        read_event_gold(path)
    assert "line 2" in str(info.value) and info.value.code == "E902"
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    docs = read_event_gold(path)
    assert docs[0].events[0].root == ["19"]


def test_evaluate_penta_accuracy_macro_f1_and_no_event_is_wrong(tmp_path):
    path = tmp_path / "penta.tsv"
    path.write_text("A attacked B.\t4\nA praised B.\t1\nNothing.\t0\n", encoding="utf-8")
    rows = read_penta_gold(path)
    coded = [[ev("AAA", "BBB", "19")], [ev("AAA", "BBB", "05")], []]
    report = score_penta(rows, coded)
    assert report.total == 3 and report.correct == 2
    assert report.accuracy == pytest.approx(2 / 3)
    assert report.confusion[0][-1] == 1
    assert 0 < report.macro_f1 < 1


def test_evaluate_penta_bad_label_names_line(tmp_path):
    path = tmp_path / "penta.tsv"
    path.write_text("ok\t1\nno label here\n", encoding="utf-8")
    with pytest.raises(CLIError, match="line 2"):
        read_penta_gold(path)


def test_evaluate_main_event_prefers_confident_non_negated():
    events = [
        ev("A1A", "B1B", "19", confidence=0.9, negated=True),
        ev("A1A", "B1B", "05", confidence=0.5),
    ]
    assert main_event(events).root == "05"
    assert main_event([]) is None


def test_evaluate_token_f1_counts_shared_words():
    from realpolitik.evaluate import token_f1

    assert token_f1("Russia praised China", "russia praised china") == 1.0
    assert token_f1("", "text") == 0.0
    assert token_f1("a b", "a c") == pytest.approx(0.5)
