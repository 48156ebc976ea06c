"""Linking's shortcuts (issue 17) store what the full relink stores.

A group whose stored mentions all lie before its pending ones, and whose last stored event
ends before them, is split alone (``linking._fresh``); the stored-mention scan keeps only the
batch's groups in SQL; unique events without a place are inserted without the column. Each
shortcut is shown to be taken, and the tables to equal those of the path without it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from realpolitik.models import Article, Location
from realpolitik.settings import Settings
from realpolitik.store import linking, open_store
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
