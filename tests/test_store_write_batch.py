"""The batched write path (issue 17) stores exactly what the per-event path stored.

A seeded stream with every case the writer handles (shared dyads across days, places, negated
and hypothetical events, org actors, invalid dates, events whose id another article owns,
re-coded and emptied articles, batches of 1 to 120 articles out of order) is written, and the
tables are compared, row by row through a digest, with the digest the writer gave before
issue 17 (commit 198985e) and with a from-scratch relink and aggregate rebuild.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from dataclasses import asdict
from datetime import date, timedelta

import pytest

from realpolitik.models import Article, Event, Evidence, Location
from realpolitik.settings import Settings
from realpolitik.store import open_store
from realpolitik.store.rows import EVENT_COLUMNS, event_row, valid_day
from realpolitik.store.sparse import SparseInsert
from store_helpers import CAMEOS, make_event

TABLES = {
    "articles": "id",
    "events": "day, event_id",
    "event_clusters": "day, cluster_id",
    "dyad_day": "period, source, target",
    "dyad_month": "period, source, target",
    "dyad_year": "period, source, target",
    "dyad_all": "period, source, target",
}
DYADS = (("RUS", "UKR"), ("UKR", "RUS"), ("USA", "CHN"), ("FRA", "GBR"), ("IRN", "USA"))
PLACES = (None, None, Location(name="Kyiv", country="UKR"), Location(name="Warsaw", country="POL"))
FIRST = date(2024, 3, 1)

EXPECTED = {
    "articles": (360, "47652be0f5f88df3"),
    "events": (896, "e25742ba5cbcfac0"),
    "event_clusters": (541, "c4fe9a89e3bc5440"),
    "dyad_day": (211, "4ba5b71fce72977b"),
    "dyad_month": (15, "1bd4c32bd25281c5"),
    "dyad_year": (6, "f1fe5d2a2ba3ab6d"),
    "dyad_all": (6, "795e3682c5542003"),
}
"""Row counts and digests of the stream's store as written before issue 17."""
_EVIDENCE = EVENT_COLUMNS.index("evidence")
EXPECTED_WARNINGS = {"W501": 20, "W502": 157}


def _day(offset: int) -> str:
    return (FIRST + timedelta(days=offset)).isoformat()


def _offset(article: Article) -> int:
    return (date.fromisoformat(article.date) - FIRST).days


def _events(rng: random.Random, article: Article, offset: int) -> list[Event]:
    """Zero to five events of ``article`` (dated ``offset`` days after FIRST)."""
    events = []
    for index in range(rng.randint(0, 5)):
        source, target = rng.choice(DYADS)
        cameo, root, quad, gold = rng.choice(CAMEOS)
        when = rng.choice([None, None, None, _day(offset - 1), _day(offset + 2), "2024-02-30"])
        event = make_event(
            source,
            target,
            cameo=cameo,
            root=root,
            quad_class=quad,
            goldstein=rng.choice([gold, gold, None]),
            doc_id=article.id,
            index=index,
            date=when,
            negated=rng.random() < 0.05,
            modality="hypothetical" if rng.random() < 0.05 else "asserted",
            org=rng.random() < 0.08,
            location=rng.choice(PLACES),
        )
        event.confidence = round(rng.uniform(0.3, 1.0), 3)
        events.append(event)
    return events


def _copy(article: Article, event: Event) -> Event:
    """Another article's event, dated as stored (so the copy meets it on its day: W501)."""
    copy = Event.from_dict(event.to_dict())
    copy.date = valid_day(event.date) or article.date
    return copy


def _stream(seed: int = 17, n: int = 300, prefix: str = "w") -> list[tuple[Article, list[Event]]]:
    """``n`` articles over 40 days; some carry a copy of an earlier article's event, some an
    event whose document is not stored."""
    rng = random.Random(seed)
    out: list[tuple[Article, list[Event]]] = []
    for i in range(n):
        offset = rng.randrange(40)
        article = Article(
            id=f"{prefix}{i:04d}",
            text=f"Report {i} on the talks.",
            date=_day(offset),
            url=f"https://www.outlet{rng.randrange(6)}.co.uk/{i}",
            source="test",
        )
        events = _events(rng, article, offset)
        earlier = [(a, e) for a, evs in out[-40:] for e in evs]
        if earlier and rng.random() < 0.1:
            events.append(_copy(*rng.choice(earlier)))
        if rng.random() < 0.05:
            foreign = make_event("GBR", "FRA", doc_id=f"wire-{i}", index=0, date=None)
            events.append(foreign)
        out.append((article, events))
    return out


def _write_all(store, warnings: list[str]) -> None:
    """Write the stream out of order in uneven batches, then re-code and empty some."""
    pairs = _stream()
    rng = random.Random(4)
    order = list(pairs)
    rng.shuffle(order)
    start = 0
    while start < len(order):
        size = rng.choice([1, 3, 17, 50, 120])
        store.write(order[start : start + size], coder_version="v1", on_warning=warnings.append)
        start += size
    again = random.Random(8)
    recoded = [(a, _events(again, a, _offset(a))) for a, _ in rng.sample(pairs, 60)]
    emptied = [(article, []) for article, _ in rng.sample(pairs, 20)]
    repeated = rng.sample(pairs, 25)
    fresh = _stream(seed=18, n=60, prefix="x")
    for batch in (recoded[:31], emptied, recoded[31:], repeated, fresh):
        store.write(batch, coder_version="v2", on_warning=warnings.append)


def digest(store) -> dict[str, tuple[int, str]]:
    """Return each table's row count and a digest of its rows in key order (floats rounded to
    six places, -0.0 as 0.0; an article's ingest time left out)."""
    out = {}
    for table, order in TABLES.items():
        cols = [c for c in _columns(store, table) if c != "ingested_at"]
        sha = hashlib.sha256()
        rows = store.backend.query(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}")
        for row in rows:
            values = tuple(round(v, 6) + 0.0 if isinstance(v, float) else v for v in row)
            sha.update(repr(values).encode("utf-8"))
        out[table] = (len(rows), sha.hexdigest()[:16])
    return out


def _columns(store, table: str) -> list[str]:
    return [r[1] for r in store.backend.query(f"PRAGMA table_info({table})")]


def _codes(warnings: list[str]) -> dict[str, int]:
    """Count the W501 and W502 messages."""
    phrases = {"W501": "is already stored for article", "W502": "is not YYYY-MM-DD"}
    return {code: sum(phrases[code] in w for w in warnings) for code in EXPECTED_WARNINGS}


def test_batched_writes_store_what_the_per_event_path_stored(tmp_path):
    warnings: list[str] = []
    with open_store(str(tmp_path / "w.db"), settings=Settings(db_timeout=5)) as store:
        _write_all(store, warnings)
        assert digest(store) == EXPECTED
    assert _codes(warnings) == EXPECTED_WARNINGS


def test_batched_writes_equal_a_relink_and_rebuild_from_scratch(tmp_path):
    with open_store(str(tmp_path / "w.db"), settings=Settings(db_timeout=5)) as store:
        _write_all(store, [])
        written = digest(store)
        store.relink()
        store.rebuild_aggregates()
        assert digest(store) == written
    assert written["event_clusters"][0] < written["events"][0]


@pytest.mark.parametrize(
    "evidence",
    [
        Evidence(pattern="p1", trigger="did", trigger_span=[4, 7]),
        Evidence(pattern='q"uote\\', trigger="é ü \u2028 \n", source_span=[0, 3], rule="S V O"),
        Evidence(pattern="p", trigger="t", target_span=[1, 2, 3], rule=None),
        Evidence(pattern="p", trigger="t", trigger_span=(5, 9), source_span=[1.5, 2]),
    ],
)
def test_evidence_json_is_what_the_encoder_writes(evidence):
    event = make_event("RUS", "UKR")
    event.evidence = evidence
    expected = json.dumps(asdict(evidence), ensure_ascii=False, separators=(",", ":"))
    assert event_row(event, Article(id="a", text="t", date="2024-03-01"))[_EVIDENCE] == expected


def test_sparse_insert_writes_nulls_and_values_by_pattern():
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (a, b, c, d)")
    statement = SparseInsert("t", ("a", "b", "c", "d"), ("b", "d"))
    rows = [(1, None, "x", None), (2, "y", None, 4.5), (3, None, "z", 7), (4, "w", "v", None)]
    parts = statement.batches(rows)
    assert [len(part) for _, part in parts] == [1, 1, 1, 1]
    assert "NULL" not in parts[1][0]
    assert parts[0][1] == [(1, "x")]
    for sql, part in parts:
        con.executemany(sql, part)
    assert con.execute("SELECT * FROM t ORDER BY a").fetchall() == rows
    only = SparseInsert("t", ("a", "b"), ("b",))
    assert only.batches([(9, None), (8, None)]) == [
        ("INSERT INTO t (a, b) VALUES (?, NULL)", [(9,), (8,)])
    ]
