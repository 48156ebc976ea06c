"""Unique events: mentions linked across reports, incrementally, in any order, on both backends."""

from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta

import pytest

from realpolitik.models import Article, Location
from realpolitik.settings import Settings
from realpolitik.store import migrations, open_store
from realpolitik.store.backends import connect
from realpolitik.store.clusters import aggregate_confidence, spans
from realpolitik.store.export import export_events
from realpolitik.store.outlets import outlet, registered_domain
from store_helpers import (
    make_event,
    recomputed_aggregates,
    recomputed_event_view,
    store_url,
    stored_aggregates,
)

BACKENDS = [pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]
GRAINS = ("day", "month", "year", "all")


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    name = re.sub(r"\W", "_", request.node.name)[:50]
    db = store_url(request.param, tmp_path, name)
    with open_store(db, settings=Settings(db_timeout=5)) as opened:
        yield opened


def _clusters(store):
    rows = store.backend.query(
        "SELECT cluster_id, day, source_key, target_key, root, place, cameo, num_mentions, "
        "num_sources, num_articles, first_seen, last_seen, best_id, confidence "
        "FROM event_clusters ORDER BY cluster_id"
    )
    return [tuple(r) for r in rows]


def _links(store):
    rows = store.backend.query("SELECT event_id, cluster_id, cluster_day FROM events")
    return sorted(tuple(r) for r in rows)


def _check_aggregates(store):
    for grain in GRAINS:
        assert stored_aggregates(store, grain) == recomputed_aggregates(store, grain)
        assert stored_aggregates(store, grain, "events") == recomputed_event_view(store, grain)


# --- outlets


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.bbc.co.uk/news/world-1", "bbc.co.uk"),
        ("http://edition.cnn.com/2024/03/05/x.html?ref=a", "cnn.com"),
        ("https://www.smh.com.au/world/x", "smh.com.au"),
        ("https://news.example.org:8080/a", "example.org"),
        ("HTTPS://WWW.Reuters.COM./world", "reuters.com"),
        ("lemonde.fr/international", "lemonde.fr"),
        ("http://192.168.1.4/feed", "192.168.1.4"),
        ("https://localhost/x", "localhost"),
        ("not a url", None),
        (None, None),
    ],
)
def test_registered_domain(url, domain):
    assert registered_domain(url) == domain


def test_outlet_falls_back_to_feed_then_file():
    assert outlet(Article(id="a", text="t", url="https://m.bbc.co.uk/x")) == "bbc.co.uk"
    feed = Article(id="a", text="t", source="https://feeds.aljazeera.net/rss.xml")
    assert outlet(feed) == "aljazeera.net"
    assert outlet(Article(id="a", text="t", source="wires/afp.jsonl")) == "wires/afp.jsonl"
    assert outlet(Article(id="a", text="t")) == "a"


# --- the rule without a database


def test_spans_are_greedy_from_the_earliest_day():
    assert spans([10, 11, 12, 13, 20], 1) == [[10, 11], [12, 13], [20]]
    assert spans([13, 10, 12, 11], 0) == [[10], [11], [12], [13]]
    assert spans([1, 3, 4, 5], 2) == [[1, 3], [4, 5]]


def test_aggregate_confidence_is_noisy_or_and_order_free():
    assert aggregate_confidence([0.5, 0.5]) == 0.75
    assert aggregate_confidence([0.9, 0.2, 0.6]) == aggregate_confidence([0.6, 0.9, 0.2])


# --- linking in the store


def _report(i: int, day: str, *events_spec, url: str | None = None):
    """An article reporting events given as (source, target, cameo, event date or None)."""
    article = Article(id=f"r{i}", text=f"report {i}", date=day, url=url or f"https://o{i}.com/a")
    events = [
        make_event(s, t, cameo=cameo, doc_id=article.id, index=k, date=when)
        for k, (s, t, cameo, when) in enumerate(events_spec)
    ]
    for k, event in enumerate(events):
        event.confidence = 0.5 + 0.01 * ((i * 7 + k) % 40)
    return article, events


def test_same_dyad_and_root_a_day_apart_is_one_event(store):
    store.write(
        [
            _report(1, "2024-03-05", ("RUS", "UKR", "190", None)),
            _report(2, "2024-03-06", ("RUS", "UKR", "193", None)),
            _report(3, "2024-03-06", ("RUS", "UKR", "193", None), url="https://o1.com/b"),
        ],
        coder_version="v1",
    )
    rows = _clusters(store)
    assert len(rows) == 1
    cid, day, s, t, root, place, cameo, n, sources, articles = rows[0][:10]
    assert (day, s, t, root, cameo) == ("2024-03-05", "RUS", "UKR", "19", "193")
    assert (n, sources, articles) == (3, 2, 3)
    assert rows[0][10:12] == ("2024-03-05", "2024-03-06")
    assert {r[1] for r in _links(store)} == {cid}
    _check_aggregates(store)


def test_three_days_apart_or_other_root_or_place_are_other_events(store):
    kyiv = Location(name="Kyiv", country="UKR")
    minsk = Location(name="Minsk", country="BLR")
    a1, e1 = _report(1, "2024-03-05", ("RUS", "UKR", "190", None), ("RUS", "UKR", "111", None))
    a2, e2 = _report(2, "2024-03-08", ("RUS", "UKR", "190", None))
    a3, e3 = _report(3, "2024-03-05", ("RUS", "UKR", "190", None))
    e1[0].location, e3[0].location = kyiv, minsk
    store.write([(a1, e1), (a2, e2), (a3, e3)], coder_version="v1")
    rows = _clusters(store)
    assert sorted((r[1], r[4], r[5]) for r in rows) == [
        ("2024-03-05", "11", None),
        ("2024-03-05", "19", "BLR"),
        ("2024-03-05", "19", "UKR"),
        ("2024-03-08", "19", None),
    ]
    _check_aggregates(store)


def test_negated_and_keyless_mentions_are_events_of_their_own(store):
    article = Article(id="n1", text="t", date="2024-03-05", url="https://x.com/1")
    events = [
        make_event("RUS", "UKR", cameo="190", doc_id="n1", index=0, negated=True),
        make_event("RUS", "UKR", cameo="190", doc_id="n1", index=1, negated=True),
    ]
    store.write([(article, events)], coder_version="v1")
    rows = _clusters(store)
    assert sorted(r[0] for r in rows) == sorted(e.event_id for e in events)
    assert store.dyad_totals() == []
    assert len(store.dyad_totals(count="mentions")) == 0


def _stream(seed: int = 5, n: int = 60):
    """Articles over 12 days on three dyads with mixed roots, places and outlets."""
    rng = random.Random(seed)
    dyads = [("RUS", "UKR"), ("USA", "CHN"), ("FRA", "GBR")]
    places = [None, None, Location(name="A", country="UKR"), Location(name="B", country="POL")]
    out = []
    for i in range(n):
        day = (date(2024, 3, 1) + timedelta(days=rng.randrange(12))).isoformat()
        specs = []
        for _ in range(rng.randint(1, 3)):
            s, t = rng.choice(dyads)
            shift = rng.choice([None, None, -1])
            when = None if shift is None else (date.fromisoformat(day) - timedelta(1)).isoformat()
            specs.append((s, t, rng.choice(["190", "193", "042", "111"]), when))
        url = f"https://www.outlet{rng.randrange(5)}.co.uk/{i}"
        article, events = _report(i, day, *specs, url=url)
        for event in events:
            event.location = rng.choice(places)
        out.append((article, events))
    return out


def _ingest(store, pairs, batch: int):
    for i in range(0, len(pairs), batch):
        store.write(pairs[i : i + batch], coder_version="v1")


def _snapshot(store):
    return _clusters(store), _links(store), stored_aggregates(store, "day", "events")


def test_any_order_twice_or_relinked_gives_the_same_events(tmp_path):
    pairs = _stream()
    snapshots = []
    for k, seed in enumerate((1, 2, 3)):
        order = list(pairs)
        random.Random(seed).shuffle(order)
        with open_store(str(tmp_path / f"s{k}.db"), settings=Settings()) as store:
            _ingest(store, order, batch=[1, 7, 60][k])
            if k == 1:
                _ingest(store, order[:20], batch=6)
            _check_aggregates(store)
            snapshots.append(_snapshot(store))
            store.relink()
            assert _snapshot(store) == snapshots[-1]
    assert snapshots[0] == snapshots[1] == snapshots[2]
    clusters = snapshots[0][0]
    assert len(clusters) < sum(len(e) for _, e in pairs)
    assert max(r[7] for r in clusters) >= 3


def test_recoding_an_article_relinks_its_mentions(store):
    first = _report(1, "2024-03-05", ("RUS", "UKR", "190", None))
    second = _report(2, "2024-03-06", ("RUS", "UKR", "190", None))
    third = _report(3, "2024-03-07", ("RUS", "UKR", "190", None))
    store.write([first, second, third], coder_version="v1")
    assert sorted(r[1] for r in _clusters(store)) == ["2024-03-05", "2024-03-07"]
    # re-coded: the first report now says nothing about RUS and UKR, so the split moves
    article, _ = first
    store.write([(article, [])], coder_version="v2")
    rows = _clusters(store)
    assert [(r[1], r[7]) for r in rows] == [("2024-03-06", 2)]
    _check_aggregates(store)
    store.write([first], coder_version="v3")
    assert sorted((r[1], r[7]) for r in _clusters(store)) == [
        ("2024-03-05", 2),
        ("2024-03-07", 1),
    ]
    _check_aggregates(store)


def test_window_setting_widens_events(tmp_path):
    pairs = [_report(i, f"2024-03-0{i}", ("RUS", "UKR", "190", None)) for i in range(1, 6)]
    counts = {}
    for window in (0, 1, 4):
        with open_store(
            str(tmp_path / f"w{window}.db"), settings=Settings(cluster_window_days=window)
        ) as store:
            store.write(pairs, coder_version="v1")
            counts[window] = len(_clusters(store))
    assert counts == {0: 5, 1: 3, 4: 1}


def test_migration_links_an_existing_store(tmp_path):
    from realpolitik.store.rows import EVENT_COLUMNS, event_row

    path = str(tmp_path / "v5.db")
    backend = connect(path, timeout=5)
    migrations.migrate(backend, migrations=migrations.MIGRATIONS[:5])
    old = EVENT_COLUMNS[: EVENT_COLUMNS.index("in_aggregate") + 1]
    for i, day in enumerate(("2024-03-05", "2024-03-06", "2024-03-09")):
        article, events = _report(i, day, ("RUS", "UKR", "190", None))
        backend.execute(
            "INSERT INTO articles (id, content_hash, url, date, text, dropped, n_events, "
            "ingested_at) VALUES (?, 'h', ?, ?, 't', '[]', 1, '2024-03-10T00:00:00Z')",
            (article.id, article.url, day),
        )
        backend.executemany(
            f"INSERT INTO events VALUES ({', '.join('?' for _ in old)})",
            [event_row(e, article)[: len(old)] for e in events],
        )
    backend.close()
    with open_store(path, settings=Settings()) as store:
        assert sorted((r[1], r[7], r[8]) for r in _clusters(store)) == [
            ("2024-03-05", 2, 2),
            ("2024-03-09", 1, 1),
        ]
        assert stored_aggregates(store, "all", "events")[("RUS", "UKR", "")][0] == 2
        assert store.count("events") == 3
        assert {r[0] for r in store.backend.query("SELECT outlet FROM events")} == {
            "o0.com",
            "o1.com",
            "o2.com",
        }


def test_jsonl_export_is_one_record_per_event(store, tmp_path):
    store.write(
        [
            _report(1, "2024-03-05", ("RUS", "UKR", "190", None)),
            _report(2, "2024-03-06", ("RUS", "UKR", "190", None)),
        ],
        coder_version="v1",
    )
    out = tmp_path / "events.jsonl"
    assert export_events(store, out, fmt="jsonl") == 1
    record = json.loads(out.read_text().splitlines()[0])
    assert (record["num_mentions"], record["num_sources"], record["num_articles"]) == (2, 2, 2)
    assert (record["first_seen"], record["last_seen"]) == ("2024-03-05", "2024-03-06")


def test_api_lists_unique_events_with_counts_and_their_mentions(tmp_path):
    from fastapi.testclient import TestClient

    from realpolitik.api import create_app

    db = str(tmp_path / "api.db")
    with open_store(db, settings=Settings()) as store:
        store.write(
            [
                _report(1, "2024-03-05", ("RUS", "UKR", "190", None)),
                _report(2, "2024-03-06", ("RUS", "UKR", "190", None)),
                _report(3, "2024-03-06", ("USA", "CHN", "042", None)),
            ],
            coder_version="v1",
        )
    app = create_app(Settings(), db=db)
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000)) as client:
        events = client.get("/api/events", params={"dyad": "RUS,UKR"}).json()["events"]
        assert [(e["num_mentions"], e["num_sources"]) for e in events] == [(2, 2)]
        assert events[0]["day"] == "2024-03-05" and events[0]["event_id"].startswith("ev")
        mentions = client.get("/api/events", params={"count": "mentions"}).json()["events"]
        assert len(mentions) == 3 and {m["cluster_id"] for m in mentions} >= {events[0]["event_id"]}
        detail = client.get(f"/api/events/{events[0]['event_id']}").json()
        assert sorted(m["outlet"] for m in detail["mentions"]) == ["o1.com", "o2.com"]
        confidences = [m["confidence"] for m in detail["mentions"]]
        assert confidences == sorted(confidences, reverse=True)
        assert all(m["article"]["url"] for m in detail["mentions"])
        one = client.get(f"/api/events/{mentions[0]['event_id']}").json()
        assert one["mentions"] is None and one["event"]["cluster_id"]
        series = client.get("/api/dyads/RUS/UKR/series", params={"freq": "day"}).json()
        report = client.get(
            "/api/dyads/RUS/UKR/series", params={"freq": "day", "count": "mentions"}
        ).json()
        assert series["summary"]["events"] == 1 and report["summary"]["events"] == 2
        assert client.get("/api/events", params={"count": "reports"}).status_code == 422


# --- acceptance: articles written for these tests, coded by the real pipeline


def _articles(*specs):
    return [Article(id=i, text=text, date=day, url=url) for i, day, url, text in specs]


def _export(store, tmp_path):
    out = tmp_path / "events.jsonl"
    export_events(store, out, fmt="jsonl")
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def test_acceptance_one_story_from_three_outlets_is_one_event(tmp_path, pipeline):
    from realpolitik.store.ingest import ingest_articles

    articles = _articles(
        (
            "bbc-1",
            "2024-05-07",
            "https://www.bbc.co.uk/news/world-europe-1",
            "Russian forces shelled the Ukrainian city of Kharkiv on Tuesday, local officials "
            "said. The mayor said several buildings were damaged.",
        ),
        (
            "reuters-1",
            "2024-05-08",
            "https://www.reuters.com/world/europe/kharkiv-2024-05-08/",
            "Russia bombarded Ukraine's second city Kharkiv, officials reported. Residents "
            "sheltered in basements overnight.",
        ),
        (
            "smh-1",
            "2024-05-08",
            "https://www.smh.com.au/world/europe/kharkiv-20240508.html",
            "Russian artillery shelled the Ukrainian city of Kharkiv, the regional governor "
            "said. Emergency crews worked through the night.",
        ),
    )
    with open_store(str(tmp_path / "story.db"), settings=Settings()) as store:
        ingest_articles(articles, store=store, coder=pipeline)
        assert store.count("events") == 3
        records = [
            r
            for r in _export(store, tmp_path)
            if (r["source"]["country"], r["target"]["country"]) == ("RUS", "UKR")
        ]
        assert len(records) == 1
        event = records[0]
        assert (event["num_mentions"], event["num_sources"], event["num_articles"]) == (3, 3, 3)
        assert (event["first_seen"], event["last_seen"]) == ("2024-05-07", "2024-05-08")
        assert event["root"] == "19"


def test_acceptance_two_strikes_three_days_apart_are_two_events(tmp_path, pipeline):
    from realpolitik.store.ingest import ingest_articles

    articles = _articles(
        (
            "odesa",
            "2024-05-20",
            "https://example.com/odesa",
            "Russian forces shelled the Ukrainian port of Odesa, officials said. Two "
            "warehouses burned.",
        ),
        (
            "kharkiv",
            "2024-05-23",
            "https://example.com/kharkiv",
            "Russian artillery shelled the Ukrainian city of Kharkiv, the regional governor "
            "said. Emergency crews worked through the night.",
        ),
    )
    with open_store(str(tmp_path / "strikes.db"), settings=Settings()) as store:
        ingest_articles(articles, store=store, coder=pipeline)
        records = _export(store, tmp_path)
        assert sorted((r["date"], r["num_mentions"]) for r in records) == [
            ("2024-05-20", 1),
            ("2024-05-23", 1),
        ]
        assert store.dyad_totals()[0][:3] == ("RUS", "UKR", 2)


def test_acceptance_a_lead_that_repeats_the_body_is_one_event(tmp_path, pipeline):
    from realpolitik.store.ingest import ingest_articles

    articles = _articles(
        (
            "trade",
            "2024-05-07",
            "https://example.org/trade",
            "China and Brazil signed a trade agreement in Beijing on Monday. Officials from "
            "both countries praised the deal. China and Brazil signed a trade agreement, the "
            "foreign ministry said.",
        ),
    )
    with open_store(str(tmp_path / "lead.db"), settings=Settings()) as store:
        ingest_articles(articles, store=store, coder=pipeline)
        assert store.count("events") == 2
        records = _export(store, tmp_path)
        assert [(r["num_mentions"], r["num_sources"], r["num_articles"]) for r in records] == [
            (2, 1, 1)
        ]
        assert store.dyad_totals(count="mentions")[0][2] == 2 and store.dyad_totals()[0][2] == 1
