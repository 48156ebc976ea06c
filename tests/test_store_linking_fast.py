"""Linking's shortcuts (issue 17) store what the full relink stores.

A group whose stored mentions all lie before its pending ones, and whose last stored event
ends before them, is split alone (``linking._fresh``); the stored-mention scan keeps only the
batch's groups in SQL; unique events without a place are inserted without the column. Each
shortcut is shown to be taken, and the tables to equal those of the path without it. The
event row of several mentions, gathered in one pass, is checked against the rule written
plainly.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest

from realpolitik.models import Article, Location
from realpolitik.settings import Settings
from realpolitik.store import linking, open_store
from realpolitik.store.clusters import Mention, aggregate_confidence, cluster_row
from store_helpers import make_event
from test_store_write_batch import _stream, _write_all, digest

FIRST = date(2024, 3, 1)


def _article(number: int, offset: int, *pairs: tuple[str, str]) -> tuple[Article, list]:
    """An article dated ``offset`` days after FIRST with one event per (source, target)."""
    day = (FIRST + timedelta(days=offset)).isoformat()
    article = Article(id=f"a{number}", text=f"Report {number}.", date=day, source="test")
    events = [
        make_event(s, t, doc_id=article.id, index=i, date=None) for i, (s, t) in enumerate(pairs)
    ]
    return article, events


def _write(store, *pairs: tuple[Article, list]) -> None:
    store.write(list(pairs), coder_version="v1")


@pytest.fixture
def fresh_calls(monkeypatch) -> list[bool]:
    """Record what ``linking._fresh`` answers."""
    calls: list[bool] = []
    original = linking._fresh

    def spy(region, first, window):
        answer = original(region, first, window)
        calls.append(answer)
        return answer

    monkeypatch.setattr(linking, "_fresh", spy)
    return calls


def _events(store) -> list[tuple]:
    sql = "SELECT day, num_mentions FROM event_clusters WHERE source_key = 'RUS' ORDER BY day"
    return store.backend.query(sql)


def test_a_group_past_its_last_stored_event_is_split_alone(tmp_path, fresh_calls):
    with open_store(str(tmp_path / "f.db"), settings=Settings(db_timeout=5)) as store:
        _write(store, _article(1, 0, ("RUS", "UKR")), _article(2, 1, ("RUS", "UKR")))
        assert not any(fresh_calls)
        _write(store, _article(3, 2, ("RUS", "UKR")), _article(4, 3, ("RUS", "UKR")))
        assert fresh_calls == [True]
        assert _events(store) == [("2024-03-01", 2), ("2024-03-03", 2)]


def test_a_group_that_can_join_its_last_stored_event_is_relinked(tmp_path, fresh_calls):
    with open_store(str(tmp_path / "f.db"), settings=Settings(db_timeout=5)) as store:
        _write(store, _article(1, 0, ("RUS", "UKR")))
        _write(store, _article(2, 1, ("RUS", "UKR")), _article(3, 2, ("RUS", "UKR")))
        assert fresh_calls == [False]
        assert _events(store) == [("2024-03-01", 2), ("2024-03-03", 1)]


def _chronological(store) -> None:
    """The batch test's stream in date order, 30 articles a batch (as a bulk load goes)."""
    pairs = sorted(_stream(), key=lambda pair: (pair[0].date, pair[0].id))
    for start in range(0, len(pairs), 30):
        store.write(pairs[start : start + 30], coder_version="v1", on_warning=lambda _: None)


def _shuffled(store) -> None:
    _write_all(store, [])


@pytest.mark.parametrize(
    ("write", "taken"), [(_shuffled, False), (_chronological, True)], ids=["shuffled", "in-order"]
)
def test_the_shortcut_stores_what_the_full_relink_stores(tmp_path, monkeypatch, write, taken):
    calls: list[bool] = []
    original = linking._fresh
    monkeypatch.setattr(linking, "_fresh", lambda *a: calls.append(original(*a)) or calls[-1])
    with open_store(str(tmp_path / "fast.db"), settings=Settings(db_timeout=5)) as store:
        write(store)
        fast = digest(store)
    assert (True in calls) is taken
    monkeypatch.setattr(linking, "_fresh", lambda *a: False)
    with open_store(str(tmp_path / "slow.db"), settings=Settings(db_timeout=5)) as store:
        write(store)
        assert digest(store) == fast


def test_the_scan_reads_only_the_batch_groups(tmp_path, monkeypatch):
    read: list[int] = []
    keep = linking.Linker._keep

    def counting(regions, bounds, rows):
        rows = list(rows)
        read.append(len(rows))
        keep(regions, bounds, rows)

    monkeypatch.setattr(linking.Linker, "_keep", staticmethod(counting))
    with open_store(str(tmp_path / "s.db"), settings=Settings(db_timeout=5)) as store:
        _write(store, _article(1, 0, ("RUS", "UKR"), ("USA", "CHN"), ("FRA", "GBR")))
        _write(store, _article(2, 1, ("RUS", "UKR")))
        assert read[-1] == 1
        assert _events(store) == [("2024-03-01", 2)]


def test_events_with_and_without_a_place_are_stored_with_it(tmp_path):
    kyiv = Location(name="Kyiv", country="UKR")
    article, events = _article(1, 0, ("RUS", "UKR"), ("USA", "CHN"))
    events[0].location = kyiv
    with open_store(str(tmp_path / "p.db"), settings=Settings(db_timeout=5)) as store:
        _write(store, (article, events))
        rows = store.backend.query("SELECT source_key, place FROM event_clusters ORDER BY 1")
    assert rows == [("RUS", "UKR"), ("USA", None)]


def _plain_row(cid, day, group, place, members):
    """The event row of several mentions as the rule reads (``clusters.py`` before issue 17's
    second pass): the reference the one-pass ``cluster_row`` must equal."""
    counts = Counter(m.cameo for m in members)
    code = min(counts, key=lambda c: (-counts[c], -len(c), c))

    def best(ms):
        return min(ms, key=lambda m: (-m.confidence, m.event_id))

    def actor(codes):
        present = [c for c in codes if c]
        tally = Counter(present)
        return min(tally, key=lambda c: (-len(c), -tally[c], c)) if present else None

    top = best(members)
    voice = top if top.cameo == code else best([m for m in members if m.cameo == code])
    seen = [m.seen for m in members if m.seen] or [day]
    return (
        *(cid, day, group[0] or None, group[1] or None, group[2], place or None, code),
        *(voice.quad_class, voice.goldstein),
        *(actor(m.source_code for m in members), actor(m.target_code for m in members)),
        *(top.day, top.event_id, len(members), len({m.outlet or m.article_id for m in members})),
        *(len({m.article_id for m in members}), min(seen), max(seen)),
        *(aggregate_confidence(m.confidence for m in members), 1),
    )


def test_an_event_row_of_several_mentions_follows_the_rule():
    rng = random.Random(11)

    def mention(i: int) -> Mention:
        pick = rng.choice
        return Mention(
            *(pick([f"e{i}", "e0"]), pick([f"a{i}", "a0"]), pick(["2024-03-01", "2024-03-02"])),
            *("RUS", "UKR", "05", pick(["051", "057", "05", "0571"]), pick([1, 2])),
            *(pick([3.4, None]), pick(["RUSGOV", "RUS", None, ""]), pick(["UKRMIL", None])),
            *(None, pick([0.8, 0.9, 0.5, 1.2, -0.1]), pick([None, "bbc.co.uk", ""])),
            pick([None, "2024-03-01", "2024-03-04"]),
        )

    group = ("RUS", "UKR", "05")
    for _ in range(3000):
        members = [mention(i) for i in range(rng.choice([2, 3, 5, 9]))]
        expected = _plain_row("c", "2024-03-01", group, "", members)
        assert cluster_row("c", "2024-03-01", group, "", members, counted=True) == expected
