"""Writing to the store on both backends: atomic batches, replacement, aggregates, idempotency."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest

from realpolitik.models import Article, Location
from realpolitik.settings import Settings
from realpolitik.store import EventFilter, open_store
from realpolitik.store.ingest import ingest_articles
from store_helpers import (
    CAMEOS,
    COUNTRIES,
    FakeCoder,
    make_articles,
    make_event,
    recomputed_aggregates,
    store_url,
    stored_aggregates,
)

BACKENDS = [pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    name = re.sub(r"\W", "_", request.node.name)[:50]
    db = store_url(request.param, tmp_path, name)
    with open_store(db, settings=Settings(db_timeout=5)) as opened:
        yield opened


def _article(i: int = 1, date: str = "2024-03-05", text: str | None = None) -> Article:
    return Article(id=f"a{i}", text=text or f"text {i}", date=date, url=f"https://x.org/{i}")


def _all_grains_consistent(store) -> None:
    for grain in ("day", "month", "year", "all"):
        assert stored_aggregates(store, grain) == recomputed_aggregates(store, grain), grain


def test_store_write_stores_articles_events_and_aggregates(store):
    events = [
        make_event("RUS", "CHN", doc_id="a1", index=0, goldstein=3.4, date=None),
        make_event(
            "RUS",
            "USA",
            cameo="111",
            quad_class=3,
            goldstein=-2.0,
            doc_id="a1",
            index=1,
            date="2024-03-06",
        ),
    ]
    stats = store.write([(_article(), events)], coder_version="v1")
    assert (stats.articles, stats.events, stats.replaced) == (1, 2, 0)
    assert store.count("articles") == 1 and store.count("events") == 2
    day = stored_aggregates(store, "day")
    assert day[("RUS", "CHN", "2024-03-05")] == (1, 1, 0, 0, 0, 3.4, 1)
    assert day[("RUS", "USA", "2024-03-06")] == (1, 0, 0, 1, 0, -2.0, 1)
    assert stored_aggregates(store, "year")[("RUS", "CHN", "2024")][0] == 1
    _all_grains_consistent(store)


def test_store_write_round_trips_every_event_field(store):
    event = make_event(
        "USA",
        "TWN",
        cameo="070",
        quad_class=2,
        goldstein=7.0,
        doc_id="a1",
        location=Location(name="Taipei", country="TWN", lat=25.0, lon=121.5),
    )
    event.amount = None
    store.write([(_article(), [event])], coder_version="v1")
    [back] = list(store.iter_events())
    assert back.to_dict() == event.to_dict()
    article = store.article("a1")
    assert article is not None and article.url == "https://x.org/1"


def test_store_rewrite_same_article_is_stored_once(store):
    events = [make_event("RUS", "CHN", doc_id="a1")]
    store.write([(_article(), events)], coder_version="v1")
    stats = store.write([(_article(), events)], coder_version="v1")
    assert stats.replaced == 1
    assert store.count("articles") == 1 and store.count("events") == 1
    assert stored_aggregates(store)[("RUS", "CHN", "2024-01-01")][0] == 1
    _all_grains_consistent(store)


def test_store_recode_replaces_events_and_subtracts_old_aggregates(store):
    old = [make_event("RUS", "USA", cameo="190", quad_class=4, goldstein=-10.0, doc_id="a1")]
    store.write([(_article(), old)], coder_version="v1")
    new = [make_event("RUS", "CHN", doc_id="a1", index=2)]
    store.write([(_article(), new)], coder_version="v2")
    assert [e.event_id for e in store.iter_events()] == [new[0].event_id]
    day = stored_aggregates(store)
    assert ("RUS", "USA", "2024-01-01") not in day
    assert day[("RUS", "CHN", "2024-01-01")] == (1, 1, 0, 0, 0, 3.4, 1)
    assert store.lookup_articles(["a1"])["a1"][1] == "v2"
    _all_grains_consistent(store)


def test_store_excluded_events_are_kept_but_not_aggregated(store):
    events = [
        make_event("RUS", "CHN", doc_id="a1", index=0, negated=True),
        make_event("RUS", "CHN", doc_id="a1", index=1, modality="hypothetical"),
        make_event("RUS", "CHN", doc_id="a1", index=3, goldstein=None),
        make_event("RUS", "XXX", doc_id="a1", index=4),
    ]
    events[3].target.country = None
    store.write([(_article(date=None), events)], coder_version="v1")
    assert store.count("events") == 4
    assert stored_aggregates(store) == {("RUS", "CHN", "2024-01-01"): (1, 1, 0, 0, 0, 0.0, 0)}
    _all_grains_consistent(store)


def test_store_undated_events_count_on_their_ingest_day(store):
    from datetime import UTC, datetime

    today = datetime.now(UTC).date().isoformat()
    store.write(
        [(_article(date=None), [make_event("RUS", "CHN", doc_id="a1", date=None)])],
        coder_version="v1",
    )
    [row] = list(store.event_rows())
    assert row["date"] is None and row["day"] >= today
    assert stored_aggregates(store)[("RUS", "CHN", row["day"])][0] == 1
    _all_grains_consistent(store)


def test_store_org_actors_are_dyad_keys(store):
    store.write(
        [(_article(), [make_event("NATO", "EU", doc_id="a1", org=True)])], coder_version="v1"
    )
    assert ("NATO", "EU", "2024-01-01") in stored_aggregates(store)


def test_store_event_id_owned_by_another_article_is_skipped_with_warning(store):
    shared = make_event("RUS", "CHN", doc_id="a1")
    store.write([(_article(1), [shared])], coder_version="v1")
    warnings: list[str] = []
    stats = store.write([(_article(2), [shared])], coder_version="v1", on_warning=warnings.append)
    assert stats.skipped_events == 1 and stats.events == 0
    assert warnings and "[W501]" in warnings[0] and "a1" in warnings[0]
    assert store.count("events") == 1
    _all_grains_consistent(store)


def test_store_failed_batch_leaves_nothing(store, monkeypatch):
    store.write([(_article(1), [make_event("RUS", "CHN", doc_id="a1")])], coder_version="v1")
    before = (store.count("articles"), store.count("events"), stored_aggregates(store))

    def broken(deltas):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store.writer, "apply", broken)
    with pytest.raises(RuntimeError):
        store.write(
            [(_article(2), [make_event("USA", "CHN", doc_id="a2")]), (_article(1), [])],
            coder_version="v2",
        )
    assert (store.count("articles"), store.count("events"), stored_aggregates(store)) == before


def test_store_ingest_twice_is_idempotent_and_recode_replaces(store):
    articles = make_articles(40)
    first = ingest_articles(articles, store=store, coder=FakeCoder("fake-1"), batch=7)
    assert first.stored == 40 and first.unchanged == 0
    snapshot = stored_aggregates(store)
    again = ingest_articles(make_articles(40), store=store, coder=FakeCoder("fake-1"), batch=7)
    assert again.unchanged == 40 and again.stored == 0
    assert store.count("articles") == 40 and stored_aggregates(store) == snapshot
    recode = ingest_articles(make_articles(40), store=store, coder=FakeCoder("fake-2"), batch=9)
    assert recode.replaced == 40
    expected = sum(len(FakeCoder("fake-2").code(a)) for a in make_articles(40))
    assert store.count("events") == expected == recode.events
    _all_grains_consistent(store)


def test_store_same_text_under_new_id_is_stored_as_duplicate(store):
    ingest_articles([_article(1, text="Same words here.")], store=store, coder=FakeCoder())
    report = ingest_articles(
        [_article(2, text="Same  words here.")], store=store, coder=FakeCoder()
    )
    assert report.duplicates == 1
    dup = store.article("a2")
    assert dup is not None and dup.duplicate_of == "a1"
    assert list(store.iter_events(EventFilter(article_id="a2"))) == []


def test_store_dyad_totals_match_window_sums(store):
    events = []
    for i, day in enumerate(["2023-12-31", "2024-01-01", "2024-02-15", "2024-12-31", "2025-01-02"]):
        events.append(make_event("RUS", "CHN", doc_id="a1", index=i, date=day))
    events.append(
        make_event(
            "USA",
            "CHN",
            doc_id="a1",
            index=9,
            date="2024-02-16",
            goldstein=-4.0,
            quad_class=3,
            cameo="130",
        )
    )
    store.write([(_article(), events)], coder_version="v1")
    window = {"since": date(2024, 1, 1), "until": date(2024, 12, 31)}
    rows = store.dyad_totals(**window, count="mentions")
    totals = {(r[0], r[1]): r[2] for r in rows}
    assert totals == {("RUS", "CHN"): 3, ("USA", "CHN"): 1}
    assert store.dyad_totals(min_events=5, count="mentions")[0][:3] == ("RUS", "CHN", 5)
    assert store.dyad_totals(limit=1)[0][0] == "RUS"
    # unique events: 2023-12-31 and 2024-01-01 are one event, dated on its first day
    events_view = {(r[0], r[1]): r[2] for r in store.dyad_totals(**window)}
    assert events_view == {("RUS", "CHN"): 2, ("USA", "CHN"): 1}


def test_store_bad_dates_warn_and_fall_back_to_the_ingest_day(store):
    warnings: list[str] = []
    events = [
        make_event("RUS", "CHN", doc_id="a1", date="2024-13-40"),
        make_event("RUS", "CHN", doc_id="a1", index=1, date=None),
    ]
    store.write(
        [(_article(date="sometime"), events)], coder_version="v1", on_warning=warnings.append
    )
    assert store.count("events") == 2
    days = {k[2] for k in stored_aggregates(store)}
    assert len(days) == 1 and "2024-13-40" not in days and "sometime" not in days
    assert sorted(w.split("date ")[1].split(" ")[0] for w in warnings) == [
        "'2024-13-40'",
        "'sometime'",
    ]
    assert all("[W502]" in w for w in warnings)


def _random_store(store, *, n: int = 400, seed: int = 3) -> None:
    rng = random.Random(seed)
    start = date(2022, 1, 1)
    events = []
    for i in range(n):
        source, target = rng.sample(COUNTRIES[: 4 + i % 5], 2)
        cameo, root, quad, gold = rng.choice(CAMEOS)
        day = (start + timedelta(days=rng.randrange(1096))).isoformat()
        events.append(
            make_event(
                source, target, doc_id="a1", index=i, date=day,
                cameo=cameo, root=root, quad_class=quad, goldstein=gold,
            )
        )  # fmt: skip
    store.write([(_article(), events)], coder_version="v1")


def _brute_totals(store, since: date, until: date) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for row in store.event_rows():
        if row["in_aggregate"] and since.isoformat() <= row["day"] <= until.isoformat():
            pair = (row["source_key"], row["target_key"])
            counts[pair] = counts.get(pair, 0) + 1
    return counts


@pytest.mark.parametrize("candidates", [200, 2])
def test_store_top_dyads_by_candidates_equal_a_full_count(store, monkeypatch, candidates):
    import realpolitik.store.queries as store_module

    monkeypatch.setattr(store_module, "TOP_CANDIDATES", candidates)
    _random_store(store)
    rng = random.Random(11)
    for _ in range(12):
        lo = date(2021, 12, 1) + timedelta(days=rng.randrange(900))
        hi = lo + timedelta(days=rng.randrange(60, 700))
        limit = rng.choice([1, 3, 5])
        expected = sorted(_brute_totals(store, lo, hi).items(), key=lambda kv: (-kv[1], kv[0]))
        got = store.dyad_totals(since=lo, until=hi, limit=limit)
        assert [((r[0], r[1]), r[2]) for r in got] == expected[:limit], (lo, hi, limit)
        assert all(sum(r[3:7]) == r[2] for r in got)


def test_store_dyad_periods_probe_each_period_of_the_window(store):
    _random_store(store)
    lo, hi = date(2022, 5, 17), date(2023, 2, 3)
    rows = store.dyad_periods("day", ["RUS", "CHN"], ["CHN", "RUS"], since=lo, until=hi)
    got: dict[tuple[str, str], int] = {}
    for r in rows:
        assert lo.isoformat() <= r[2] <= hi.isoformat()
        got[(r[0], r[1])] = got.get((r[0], r[1]), 0) + r[3]
    brute = _brute_totals(store, lo, hi)
    expected = {p: n for p, n in brute.items() if set(p) <= {"RUS", "CHN"}}
    assert got == expected and got
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)
    months = store.dyad_periods("month", ["USA"], ["GBR"])
    assert sum(r[3] for r in months) == _brute_totals(
        store, date(2000, 1, 1), date(2100, 1, 1)
    ).get(("USA", "GBR"), 0)


def test_store_pinned_dyad_reads_equal_a_filtered_scan(store):
    from realpolitik.api.queries import EventQuery, event_page

    _random_store(store)
    every = list(store.event_rows())
    pinned = list(store.event_rows(EventFilter(source="RUS", target="CHN")))
    assert pinned == [r for r in every if (r["source_key"], r["target_key"]) == ("RUS", "CHN")]
    assert pinned and [(r["day"], r["event_id"]) for r in pinned] == sorted(
        (r["day"], r["event_id"]) for r in pinned
    )
    assert list(store.event_rows(EventFilter(source="RUS", target="CHN"), limit=3, offset=2)) == (
        pinned[2:5]
    )
    newest_first = [
        r["event_id"]
        for r in sorted(every, key=lambda r: (r["day"], r["event_id"]), reverse=True)
        if {r["source_key"], r["target_key"]} == {"RUS", "CHN"}
    ]
    for count in ("mentions", "events"):
        paged, cursor = [], None
        query = EventQuery(dyad=("CHN", "RUS"), count=count)
        while True:
            page, cursor = event_page(store, query, limit=4, cursor=cursor)
            paged += [r["event_id"] for r in page]
            if cursor is None:
                break
        if count == "mentions":
            assert paged == newest_first and len(paged) > 8
        else:
            rows = store.backend.query(
                "SELECT day, cluster_id, source_key, target_key FROM event_clusters"
            )
            unique = sorted((r[0], r[1]) for r in rows if {r[2], r[3]} == {"RUS", "CHN"})
            assert paged == [i for _, i in reversed(unique)] and 0 < len(paged) <= len(every)
