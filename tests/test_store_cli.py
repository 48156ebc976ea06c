"""The store's command-line verbs: ingest, dyad, network, blocs, shifts, export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest

import realpolitik
from realpolitik.cli import app
from realpolitik.models import Article
from realpolitik.settings import Settings
from realpolitik.store import open_store
from store_helpers import FakeCoder, make_articles, make_event, write_jsonl


@pytest.fixture
def db(tmp_path):
    """A store with a cooperative RUS–CHN, a conflictual RUS–USA and a shift in week 10."""
    path = str(tmp_path / "cli.db")
    rows = []
    start = date(2024, 1, 1)
    for week in range(12):
        day = (start + timedelta(weeks=week)).isoformat()
        rows += [
            ("RUS", "CHN", day, "051", 1, 3.4),
            ("CHN", "RUS", day, "057", 1, 8.0),
            ("RUS", "USA", day, "111", 3, -2.0),
            ("USA", "RUS", day, "163", 4, -8.0),
            ("USA", "GBR", day, "036", 1, 4.0),
        ]
        if week == 10:
            rows += [("RUS", "CHN", day, "190", 4, -10.0)] * 4
    events = [
        make_event(s, t, cameo=c, quad_class=q, goldstein=g, doc_id="a", index=i, date=d)
        for i, (s, t, d, c, q, g) in enumerate(rows)
    ]
    with open_store(path, settings=Settings()) as store:
        store.write([(Article(id="a", text="a", url="https://x.org/a"), events)], coder_version="v")
    return path


def _run(runner, *args: str):
    result = runner.invoke(app, list(args))
    return result


def test_store_cli_ingest_is_idempotent(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(realpolitik, "load", lambda settings=None, **kw: FakeCoder())
    source = write_jsonl(tmp_path / "in.jsonl", make_articles(9))
    db = str(tmp_path / "ingest.db")
    first = _run(runner, "ingest", str(source), "--db", db, "--format", "json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["stored"] == 9 and report["coder_version"] == "fake-1"
    second = _run(runner, "ingest", str(source), "--db", db, "--format", "json", "--batch", "2")
    assert json.loads(second.stdout)["unchanged"] == 9
    with open_store(db, settings=Settings(), readonly=True) as store:
        assert store.count("articles") == 9
    table = _run(runner, "ingest", str(source), "--db", db, "--force")
    assert table.exit_code == 0 and "replaced" in table.stdout


def test_store_cli_ingest_locked_database_exits_cleanly(runner, tmp_path, monkeypatch):
    import sqlite3

    monkeypatch.setattr(realpolitik, "load", lambda settings=None, **kw: FakeCoder())
    monkeypatch.setenv("REALPOLITIK_DB_TIMEOUT", "0.2")
    db = str(tmp_path / "locked.db")
    open_store(db, settings=Settings()).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        source = write_jsonl(tmp_path / "in.jsonl", make_articles(3))
        result = _run(runner, "ingest", str(source), "--db", db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 7
    assert "[E502]" in result.stderr and "locked" in result.stderr
    assert "Traceback" not in result.output


def test_store_cli_dyad_table_json_csv(runner, db):
    table = _run(runner, "dyad", "RUS", "CHN", "--db", db)
    assert table.exit_code == 0, table.output
    assert "RUS → CHN" in table.stdout and "cooperation" in table.stdout
    conflict = _run(runner, "dyad", "rus", "usa", "--db", db)
    assert "conflict" in conflict.stdout
    data = json.loads(
        _run(
            runner,
            "dyad",
            "RUS",
            "CHN",
            "--db",
            db,
            "--format",
            "json",
            "--freq",
            "week",
            "--since",
            "2024-01",
            "--until",
            "2024-01",
            "--count",
            "mentions",
        ).stdout
    )
    assert data["freq"] == "week" and data["summary"]["events"] == 5
    assert data["count"] == "mentions"
    assert [r["period"] for r in data["series"]][0] == "2024-01-01"
    rows = list(
        csv.DictReader(
            io.StringIO(
                _run(
                    runner,
                    *("dyad", "RUS", "CHN", "--db", db, "--format", "csv", "--undirected"),
                    *("--count", "mentions"),
                ).stdout
            )
        )
    )
    assert sum(int(r["events"]) for r in rows) == 28 and "balance" in rows[0]
    # unique events: week 10's four strikes on one day are one event
    events = json.loads(_run(runner, "dyad", "RUS", "CHN", "--db", db, "-f", "json").stdout)
    assert events["summary"]["events"] == 13 and events["count"] == "events"
    bad = _run(runner, "dyad", "RUS", "CHN", "--db", db, "--count", "reports")
    assert bad.exit_code != 0


def test_store_cli_network_formats(runner, db):
    table = _run(runner, "network", "--db", db)
    assert table.exit_code == 0 and "RUS – USA" in table.stdout
    data = json.loads(
        _run(runner, "network", "--db", db, "--format", "json", "--count", "mentions").stdout
    )
    edges = {(e["source"], e["target"]): e for e in data["edges"]}
    assert edges[("CHN", "RUS")]["volume"] == 28 and edges[("RUS", "USA")]["balance"] == -1.0
    unique = json.loads(_run(runner, "network", "--db", db, "--format", "json").stdout)
    assert {(e["source"], e["target"]): e["volume"] for e in unique["edges"]}[("CHN", "RUS")] == 25
    assert {n["id"] for n in data["nodes"]} == {"RUS", "CHN", "USA", "GBR"}
    graphml = _run(runner, "network", "--db", db, "--format", "graphml", "--directed").stdout
    assert graphml.startswith("<graphml") and 'edgedefault="directed"' in graphml
    rows = list(
        csv.DictReader(
            io.StringIO(
                _run(runner, "network", "--db", db, "--format", "csv", "--limit", "1").stdout
            )
        )
    )
    assert len(rows) == 1


def test_store_cli_blocs(runner, db):
    data = json.loads(_run(runner, "blocs", "--db", db, "--format", "json").stdout)
    blocs = [sorted(b) for b in data["blocs"]]
    assert ["CHN", "RUS"] in blocs and "signed spectral" in data["method"]
    table = _run(runner, "blocs", "--db", db)
    assert table.exit_code == 0 and "modularity" in table.stdout
    rows = list(csv.DictReader(io.StringIO(_run(runner, "blocs", "--db", db, "-f", "csv").stdout)))
    assert {r["actor"] for r in rows} == {"RUS", "CHN", "USA", "GBR"}


def test_store_cli_shifts(runner, db):
    data = json.loads(
        _run(
            runner,
            *("shifts", "--db", db, "--format", "json", "--freq", "week", "--window", "6"),
            *("--count", "mentions"),
        ).stdout
    )
    assert data and data[0]["source"] == "RUS" and data[0]["target"] == "CHN"
    assert data[0]["period"] == "2024-03-11" and data[0]["direction"] == "conflict"
    assert data[0]["drivers"][0]["goldstein"] == -10.0
    table = _run(
        runner, "shifts", "--db", db, "--actor", "rus", "--window", "6", "--count", "mentions"
    )
    assert table.exit_code == 0 and "RUS" in table.stdout and "conflict" in table.stdout
    rows = list(
        csv.DictReader(
            io.StringIO(
                _run(
                    runner,
                    "shifts",
                    "--db",
                    db,
                    "-f",
                    "csv",
                    "--window",
                    "6",
                    "--count",
                    "mentions",
                ).stdout
            )
        )
    )
    assert rows and rows[0]["drivers"]


def test_store_cli_export_every_format(runner, db, tmp_path):
    for fmt in ("parquet", "csv", "jsonl", "gdelt"):
        out = tmp_path / f"out.{fmt}"
        result = _run(runner, "export", str(out), "--format", fmt, "--db", db, "--since", "2024-03")
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0 and "exported" in result.stderr
    lines = (tmp_path / "out.gdelt").read_text().splitlines()
    assert all(len(line.split("\t")) == 61 for line in lines)
    assert all(line.split("\t")[1] >= "20240301" for line in lines)
    stdout = _run(runner, "export", "-", "--format", "jsonl", "--db", db, "--until", "2024-01-01")
    assert len(stdout.stdout.splitlines()) == 5
    assert (tmp_path / "out.mentions.gdelt").stat().st_size > 0
    events = _run(runner, "export", "-", "-f", "jsonl", "--db", db, "--since", "2024-03-11")
    mentions = _run(
        runner,
        "export",
        "-",
        "-f",
        "jsonl",
        "--db",
        db,
        "--since",
        "2024-03-11",
        "--table",
        "mentions",
    )
    strikes = [json.loads(x) for x in events.stdout.splitlines() if '"cameo": "190"' in x]
    assert len(strikes) == 1 and strikes[0]["num_mentions"] == 4
    assert len(mentions.stdout.splitlines()) == len(events.stdout.splitlines()) + 3


def test_store_cli_errors_are_clean(runner, db, tmp_path):
    missing = _run(runner, "dyad", "RUS", "CHN", "--db", str(tmp_path / "nope.db"))
    assert missing.exit_code == 7 and "[E505]" in missing.stderr
    assert not (tmp_path / "nope.db").exists()
    bad_date = _run(runner, "network", "--db", db, "--since", "last week")
    assert bad_date.exit_code == 7 and "[E507]" in bad_date.stderr
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"garbage" * 1000)
    broken = _run(runner, "blocs", "--db", str(corrupt))
    assert broken.exit_code == 7 and "[E501]" in broken.stderr and "corrupt.db" in broken.stderr
    bad_path = _run(runner, "export", str(tmp_path / "no" / "x.csv"), "-f", "csv", "--db", db)
    assert bad_path.exit_code == 7 and "[E508]" in bad_path.stderr
    for result in (missing, bad_date, broken, bad_path):
        assert "Traceback" not in result.output


def test_store_python_api_open(db):
    with realpolitik.open(db) as handle:
        events = handle.events(actor="USA", since="2024-01", until="2024-01-01")
        assert len(events) == 3 and set(events["root"]) == {"11", "16", "03"}
        series = handle.dyad("RUS", "CHN", freq="week")
        assert series["events"].sum() == 13 and series.index.name == "period"  # unique events
        graph = handle.network(min_events=1)
        assert graph.has_edge("RUS", "CHN") and graph.edges["RUS", "CHN"]["goldstein_mean"] > 0
        assert handle.blocs().bloc_of("RUS") == handle.blocs().bloc_of("CHN")
        assert handle.dyads(limit=2)["volume"].tolist() == [25, 24]
        assert handle.stats()["events"] == 64 and handle.stats()["unique_events"] == 61
        assert "cli.db" in repr(handle)


@pytest.mark.postgres
def test_store_cli_on_postgres(runner, tmp_path, monkeypatch):
    from store_helpers import postgres_server

    monkeypatch.setattr(realpolitik, "load", lambda settings=None, **kw: FakeCoder())
    url = postgres_server().create_database("cli_pg")
    source = write_jsonl(tmp_path / "in.jsonl", make_articles(30))
    first = _run(runner, "ingest", str(source), "--db", url, "--format", "json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["stored"] == 30
    again = _run(runner, "ingest", str(source), "--db", url, "--format", "json")
    assert json.loads(again.stdout)["unchanged"] == 30
    data = json.loads(
        _run(runner, "network", "--db", url, "-f", "json", "--min-events", "1").stdout
    )
    expected = sum(len(FakeCoder().code(a)) for a in make_articles(30))
    assert sum(e["volume"] for e in data["edges"]) == expected
    out = tmp_path / "pg.tsv"
    assert _run(runner, "export", str(out), "-f", "gdelt", "--db", url).exit_code == 0
    assert len(out.read_text().splitlines()) == expected
