"""Exports: Parquet, CSV, JSON Lines and GDELT 2.0 event TSV."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from realpolitik.errors import StoreError
from realpolitik.models import Article, Event, Location
from realpolitik.settings import Settings
from realpolitik.store import EventFilter, export_events, open_store
from realpolitik.store.export import EVENT_FLAT_COLUMNS, MENTION_FLAT_COLUMNS, mentions_path
from realpolitik.store.gdelt import MENTION_FILE, columns
from store_helpers import make_event

SHARED_COLUMNS = "peer/gdelt/gdelt2_event_columns.tsv"
SHARED_MENTION_COLUMNS = "peer/gdelt/gdelt2_mentions_columns.tsv"


@pytest.fixture
def store(tmp_path):
    with open_store(str(tmp_path / "export.db"), settings=Settings()) as opened:
        a1 = Article(id="a1", text="one", date="2024-10-14", url="https://news.example/a1")
        a2 = Article(id="a2", text="two", date=None)
        lavrov = make_event(
            "RUS",
            "USA",
            cameo="111",
            quad_class=3,
            goldstein=-2.0,
            doc_id="a1",
            date="2024-10-14",
            location=Location(name="Taiwan Strait", country="TWN", lat=24.0, lon=119.5),
        )
        lavrov.source.name = "Sergei\tLavrov"
        opened.write(
            [
                (
                    a1,
                    [
                        lavrov,
                        make_event("RUS", "CHN", doc_id="a1", index=1, date=None),
                        make_event("NATO", "EU", doc_id="a1", index=2, org=True, date="2024-10-15"),
                    ],
                ),
                (
                    a2,
                    [
                        make_event(
                            "CHN",
                            "TWN",
                            cameo="130",
                            quad_class=3,
                            goldstein=-4.4,
                            doc_id="a2",
                            index=0,
                            date=None,
                        )
                    ],
                ),
            ],
            coder_version="v1",
        )
        yield opened


def _gdelt_types(shared_dir, name: str = SHARED_COLUMNS) -> list[tuple[str, str]]:
    rows = (shared_dir / name).read_text(encoding="utf-8").splitlines()[1:]
    return [(r.split("\t")[1], r.split("\t")[2]) for r in rows if r.strip()]


def test_export_gdelt_columns_match_the_codebook(shared_dir):
    assert [(c.name, c.type) for c in columns()] == _gdelt_types(shared_dir)
    assert len(columns()) == 61
    mentions = [(c.name, c.type) for c in columns(MENTION_FILE)]
    assert mentions == _gdelt_types(shared_dir, SHARED_MENTION_COLUMNS)


def test_export_gdelt_parses_like_a_gdelt_reader(store, tmp_path):
    out = tmp_path / "events.export.CSV"
    assert export_events(store, out, fmt="gdelt") == 4
    raw = out.read_bytes()
    assert b"\r" not in raw and not raw.startswith(b"GLOBALEVENTID")
    cols = columns()
    parsed = []
    for line in raw.decode("utf-8").split("\n")[:-1]:
        fields = line.split("\t")
        assert len(fields) == 61
        record = {}
        for col, value in zip(cols, fields, strict=True):
            if value == "":
                record[col.name] = None
            elif col.type == "INTEGER":
                record[col.name] = int(value)
            elif col.type == "FLOAT":
                record[col.name] = float(value)
            else:
                record[col.name] = value
        parsed.append(record)
    by_code = {(r["Actor1Code"], r["Actor2Code"]): r for r in parsed}
    row = by_code[("RUSGOV", "USAGOV")]
    assert row["SQLDATE"] == 20241014 and row["MonthYear"] == 202410 and row["Year"] == 2024
    assert row["FractionDate"] == pytest.approx(2024 + (10 * 30 + 14) / 365, abs=1e-4)
    assert row["EventCode"] == "111" and row["EventBaseCode"] == "111"
    assert row["EventRootCode"] == "11" and row["QuadClass"] == 3
    assert row["GoldsteinScale"] == -2.0 and row["IsRootEvent"] == 1
    assert row["Actor1Name"] == "SERGEI LAVROV" and row["Actor1CountryCode"] == "RUS"
    assert row["ActionGeo_FullName"] == "Taiwan Strait" and row["ActionGeo_Lat"] == 24.0
    assert row["SOURCEURL"] == "https://news.example/a1" and row["AvgTone"] is None
    assert len(str(row["DATEADDED"])) == 14
    assert by_code[("RUSGOV", "CHNGOV")]["SQLDATE"] == 20241014  # the article's date
    undated = by_code[("CHNGOV", "TWNGOV")]  # no date anywhere: the ingest day
    assert str(undated["SQLDATE"]) == str(undated["DATEADDED"])[:8]
    assert by_code[("CHNGOV", "TWNGOV")]["SOURCEURL"] == "a2"
    assert by_code[("IGONATO", "IGOEU")]["Actor1KnownGroupCode"] == "NATO"
    assert len({r["GLOBALEVENTID"] for r in parsed}) == 4
    assert {(r["NumMentions"], r["NumSources"], r["NumArticles"]) for r in parsed} == {(1, 1, 1)}
    mentions = [line.split("\t") for line in mentions_path(out).read_text("utf-8").splitlines()]
    assert mentions_path(out).name == "events.mentions.CSV" and len(mentions) == 4
    assert all(len(m) == 16 for m in mentions)
    assert {int(m[0]) for m in mentions} == {r["GLOBALEVENTID"] for r in parsed}
    lavrov = next(m for m in mentions if m[4] == "news.example" and m[6] == "1")
    assert lavrov[1] == "20241014000000" and lavrov[3] == "1" and lavrov[11] == "90"
    assert lavrov[5] == "https://news.example/a1" and lavrov[12] == "3" and lavrov[9] == "4"


def test_export_gdelt_counts_reports_of_one_event(tmp_path):
    with open_store(str(tmp_path / "many.db"), settings=Settings()) as store:
        pairs = []
        for i, host in enumerate(("https://www.bbc.co.uk/x", "https://bbc.co.uk/y", "http://a.fr")):
            article = Article(id=f"m{i}", text=f"text {i}", date=f"2024-05-0{1 + i % 2}")
            article.url = host
            pairs.append((article, [make_event("USA", "IRN", doc_id=article.id, date=None)]))
        store.write(pairs, coder_version="v1")
        out = tmp_path / "e.tsv"
        assert export_events(store, out, fmt="gdelt") == 1
        fields = out.read_text("utf-8").rstrip("\n").split("\t")
        names = [c.name for c in columns()]
        counts = [fields[names.index(n)] for n in ("NumMentions", "NumSources", "NumArticles")]
        assert counts == ["3", "2", "3"]
        mentions = (tmp_path / "e.mentions.tsv").read_text("utf-8").splitlines()
        assert len(mentions) == 3 and {m.split("\t")[0] for m in mentions} == {fields[0]}


def test_export_jsonl_round_trips_mentions(store, tmp_path):
    out = tmp_path / "mentions.jsonl"
    assert export_events(store, out, fmt="jsonl", table="mentions") == 4
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    links = dict(store.backend.query("SELECT event_id, cluster_id FROM events"))
    assert {r["mention_id"]: r["event_id"] for r in lines} == links
    events = [Event.from_dict({**r, "event_id": r["mention_id"]}) for r in lines]
    stored = {e.event_id: e.to_dict() for e in store.iter_events()}
    assert {e.event_id: e.to_dict() for e in events} == stored


def test_export_jsonl_events_carry_counts(store, tmp_path):
    out = tmp_path / "events.jsonl"
    assert export_events(store, out, fmt="jsonl") == 4
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["event_id"] for r in records} == set(
        dict(store.backend.query("SELECT event_id, cluster_id FROM events")).values()
    )
    assert all(
        (r["num_mentions"], r["num_sources"], r["num_articles"]) == (1, 1, 1) for r in records
    )
    assert all(Event.from_dict(r).cameo == r["cameo"] for r in records)


def test_export_csv_has_flat_columns_and_filter(store, tmp_path):
    out = tmp_path / "events.csv"
    count = export_events(
        store, out, fmt="csv", filt=EventFilter(since=date(2024, 10, 15), until=date(2024, 10, 15))
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert count == len(rows) == 1
    assert tuple(rows[0]) == EVENT_FLAT_COLUMNS and rows[0]["source_org"] == "NATO"
    assert rows[0]["num_mentions"] == "1" and rows[0]["first_seen"] == "2024-10-14"
    out = tmp_path / "mentions.csv"
    assert export_events(store, out, fmt="csv", table="mentions") == 4
    assert tuple(next(csv.reader(out.open(encoding="utf-8")))) == MENTION_FLAT_COLUMNS


def test_export_parquet_types_and_rows(store, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "events.parquet"
    assert export_events(store, out, fmt="parquet") == 4
    table = pq.read_table(out)
    assert table.num_rows == 4 and table.column_names == list(EVENT_FLAT_COLUMNS)
    assert str(table.schema.field("goldstein").type) == "double"
    assert str(table.schema.field("num_sources").type) == "int64"
    assert sorted(table.column("mention_id").to_pylist()) == sorted(
        e.event_id for e in store.iter_events()
    )
    assert json.loads(table.column("evidence")[0].as_py())["pattern"] == "p"


def test_export_empty_store_writes_valid_files(tmp_path):
    import pyarrow.parquet as pq

    with open_store(str(tmp_path / "empty.db"), settings=Settings()) as empty:
        assert export_events(empty, tmp_path / "e.parquet", fmt="parquet") == 0
        assert export_events(empty, tmp_path / "e.tsv", fmt="gdelt") == 0
    assert pq.read_table(tmp_path / "e.parquet").num_rows == 0
    assert (tmp_path / "e.tsv").read_text() == ""


def test_export_bad_format_and_bad_path(store, tmp_path):
    with pytest.raises(StoreError) as err:
        export_events(store, tmp_path / "x", fmt="xml")
    assert err.value.code == "E504"
    with pytest.raises(StoreError) as err:
        export_events(store, tmp_path / "missing" / "x.csv", fmt="csv")
    assert err.value.code == "E508" and "missing" in str(err.value)
    with pytest.raises(StoreError):
        export_events(store, "-", fmt="parquet")


def test_export_failure_leaves_no_partial_file(store, tmp_path, monkeypatch):
    from realpolitik.store import export

    def broken(store, handle, filt, table):
        handle.write("half a line")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(export.TEXT_FORMATS, "csv", broken)
    out = tmp_path / "partial.csv"
    with pytest.raises(StoreError) as err:
        export_events(store, out, fmt="csv")
    assert err.value.code == "E508" and "No space left" in str(err.value)
    assert list(tmp_path.glob("*partial*")) == []
