"""The Spark job on local[2]: same events as `realpolitik code`, tables, listing, CLI wrapper."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="needs the [spark] extra (pip install 'realpolitik[spark]')")

from realpolitik.cli.spark_cmds import submit_command  # noqa: E402
from realpolitik.distributed.columns import event_from_row  # noqa: E402
from realpolitik.distributed.listing import list_inputs  # noqa: E402
from realpolitik.distributed.spark import JobOptions, run_job  # noqa: E402
from realpolitik.errors import CLIError  # noqa: E402
from realpolitik.sources import iter_files, read_articles  # noqa: E402

pytestmark = pytest.mark.spark

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WIKINEWS = SHARED / "corpus" / "wikinews.jsonl"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def spark():
    """Return one local[2] SparkSession for the whole test session."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("realpolitik-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.log.level", "ERROR")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="session")
def wikinews_200(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a JSONL file of the first 200 Wikinews articles."""
    if not WIKINEWS.is_file():
        pytest.skip(f"{WIKINEWS} is absent: the equivalence test needs ../shared/corpus")
    path = tmp_path_factory.mktemp("wikinews") / "wikinews200.jsonl"
    with WIKINEWS.open("rb") as source:
        path.write_bytes(b"".join(line for _, line in zip(range(200), source, strict=False)))
    return path


@pytest.fixture(scope="session")
def wikinews_job(spark, wikinews_200: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Run the job once on the 200 articles; return its summary."""
    out = tmp_path_factory.mktemp("spark") / "out"
    return run_job(spark, [str(wikinews_200)], str(out))


def _events(spark, output: str) -> list[dict]:
    rows = spark.read.parquet(f"{output}/events").collect()
    return sorted(
        (event_from_row(r.asDict(recursive=True)).to_dict() for r in rows),
        key=lambda e: (e["doc_id"], e["sentence_index"], e["event_id"]),
    )


def test_spark_events_equal_realpolitik_code(
    spark, wikinews_job: dict, wikinews_200: Path, runner, pipeline, monkeypatch
) -> None:
    import realpolitik
    from realpolitik.cli import app

    monkeypatch.setattr(realpolitik, "load", lambda settings=None, **kw: pipeline)
    result = runner.invoke(app, ["code", str(wikinews_200)])
    assert result.exit_code == 0, result.output
    expected = sorted(
        (json.loads(line) for line in result.stdout.splitlines() if line.strip()),
        key=lambda e: (e["doc_id"], e["sentence_index"], e["event_id"]),
    )
    got = _events(spark, wikinews_job["output"])
    assert [e["event_id"] for e in got] == [e["event_id"] for e in expected]
    assert got == expected
    assert wikinews_job["events"] == len(expected)
    assert wikinews_job["articles"] == 200


def test_spark_loads_the_pipeline_once_per_worker(wikinews_job: dict) -> None:
    assert 1 <= wikinews_job["pipeline_loads"] <= 2


def test_spark_unique_events_equal_the_store_linking(
    spark, wikinews_job: dict, tmp_path: Path
) -> None:
    """The job links the mentions it coded into the events a store write gives them, in any
    batching: the same rows of event_clusters and the same link for every mention."""
    import random

    from realpolitik.models import Article
    from realpolitik.settings import Settings
    from realpolitik.store import open_store
    from realpolitik.store.clusters import CLUSTER_COLUMNS

    def plain(row) -> tuple:
        return tuple(round(v, 6) if isinstance(v, float) else v for v in row)

    base = wikinews_job["output"]
    got = {
        plain(r[c] for c in CLUSTER_COLUMNS)
        for r in spark.read.parquet(f"{base}/event_clusters").collect()
    }
    links = {
        (r.event_id, r.cluster_id) for r in spark.read.parquet(f"{base}/mention_links").collect()
    }
    events: dict[str, list] = {}
    for row in spark.read.parquet(f"{base}/events").collect():
        event = event_from_row(row.asDict(recursive=True))
        events.setdefault(event.doc_id, []).append(event)
    pairs = [
        (Article(id=a.id, text=a.id, url=a.url, source=a.file, date=a.date), events[a.id])
        for a in spark.read.parquet(f"{base}/articles").collect()
        if a.id in events
    ]
    random.Random(3).shuffle(pairs)
    with open_store(str(tmp_path / "local.db"), settings=Settings()) as store:
        for i in range(0, len(pairs), 17):
            store.write(pairs[i : i + 17], coder_version="spark")
        cols = ", ".join(CLUSTER_COLUMNS)
        expected = {plain(r) for r in store.backend.query(f"SELECT {cols} FROM event_clusters")}
        local_links = set(store.backend.query("SELECT event_id, cluster_id FROM events"))
    assert got == expected and len(got) == wikinews_job["unique_events"]
    assert links == local_links
    counted = [r for r in got if r[-1]]
    assert any(r[CLUSTER_COLUMNS.index("num_mentions")] > 1 for r in counted)


def test_spark_tables_are_consistent(spark, wikinews_job: dict) -> None:
    base = wikinews_job["output"]
    assert json.loads(Path(base, "summary.json").read_text()) == {
        **wikinews_job,
        "listing_warnings": wikinews_job["listing_warnings"],
    }
    days = {p.name for p in Path(base, "events").iterdir() if p.name.startswith("day=")}
    events = spark.read.parquet(f"{base}/events")
    assert days and days == {f"day={r.day}" for r in events.select("day").distinct().collect()}
    counted = events.where("in_aggregate").count()
    dyads = spark.read.parquet(f"{base}/dyad_day")
    assert dyads.groupBy().sum("n_events").first()[0] == counted
    row = dyads.orderBy("n_events", ascending=False).first()
    same = events.where(
        f"in_aggregate and source_key = '{row.source}' and target_key = '{row.target}' "
        f"and day = '{row.day}'"
    )
    assert same.count() == row.n_events
    assert row.n_q1 + row.n_q2 + row.n_q3 + row.n_q4 == row.n_events
    articles = spark.read.parquet(f"{base}/articles")
    assert articles.count() == 200
    assert articles.groupBy().sum("n_events").first()[0] == events.count()


def test_spark_refuses_to_overwrite_without_flag(spark, wikinews_job: dict) -> None:
    with pytest.raises(CLIError) as caught:
        run_job(spark, ["/nonexistent"], wikinews_job["output"])
    assert caught.value.code == "E701"


def _mixed_tree(root: Path) -> None:
    story = (
        "The foreign ministers of Norway and Chile met in Santiago on Tuesday to sign a "
        "fisheries agreement. Chile accused Norway of delaying the accord for two years, and "
        "Norway rejected the charge, officials said."
    )
    (root / "wire").mkdir(parents=True)
    (root / "wire" / "day1.jsonl").write_text(
        json.dumps({"id": "a1", "date": "2024-03-05", "text": story}) + "\n{broken\n"
        + json.dumps({"id": "a2", "date": "2024-03-06", "text": story}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    (root / "notes").mkdir()
    (root / "notes" / "b.txt").write_text(f"OSLO, March 7 - {story}\n", encoding="utf-8")
    (root / "notes" / ".hidden.txt").write_text("not read", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")


def test_spark_reads_a_tree_like_read_articles(spark, pipeline, tmp_path: Path) -> None:
    _mixed_tree(tmp_path / "in")
    warnings: list[str] = []
    expected = list(read_articles([tmp_path / "in"], on_warning=warnings.append))
    summary = run_job(
        spark, [str(tmp_path / "in")], str(tmp_path / "out"), options=JobOptions(partitions=3)
    )
    articles = {r.id: r for r in spark.read.parquet(str(tmp_path / "out" / "articles")).collect()}
    assert set(articles) == {a.id for a in expected} == {"a1", "a2", "notes/b.txt"}
    for article in expected:
        assert articles[article.id].duplicate_of == article.duplicate_of
        assert articles[article.id].language == article.language
    # the text file is read first (sorted walk), so both wire copies point at it
    assert articles["a1"].duplicate_of == articles["a2"].duplicate_of == "notes/b.txt"
    assert summary["duplicates"] == 2
    got = sorted(
        spark.read.parquet(str(tmp_path / "out" / "warnings")).collect(),
        key=lambda r: (r.file, r.record),
    )
    assert [r.message for r in got] == warnings
    assert {r.code for r in got} == {"E103", "E104"}
    coded = [e.to_dict() for a, events in pipeline.pipe(expected) for e in events]
    got_events = _events(spark, str(tmp_path / "out"))
    assert sorted(e["event_id"] for e in got_events) == sorted(e["event_id"] for e in coded)


def test_spark_lists_inputs_in_read_order(spark, tmp_path: Path) -> None:
    _mixed_tree(tmp_path / "in")
    (tmp_path / "in" / "_SUCCESS").write_bytes(b"")
    sc = spark.sparkContext
    files, warnings = list_inputs(
        sc._jvm, sc._jsc.hadoopConfiguration(), [str(tmp_path / "in"), str(tmp_path / "none")]
    )
    assert [f.stem for f in files] == [
        stem for _, stem in iter_files(tmp_path / "in") if stem != "_SUCCESS"
    ]
    assert [f.index for f in files] == list(range(len(files)))
    assert [f.lines for f in files] == [False, False, True]
    assert warnings[0].startswith("[E114]") and "_SUCCESS" in warnings[0]
    assert warnings[1] == f"[E101] {tmp_path / 'none'}: no such file or directory"


def test_spark_submit_command_runs_this_interpreter(tmp_path: Path) -> None:
    command, env = submit_command(
        ["in.jsonl"], "out", master="local[2]", partitions=4, dedupe=False, overwrite=True
    )
    assert Path(command[0]).name == "spark-submit"
    assert command[1:3] == ["--master", "local[2]"]
    script = command.index(next(c for c in command if c.endswith("distributed/spark.py")))
    assert command[script + 1 :] == [
        "in.jsonl", "out", "--partitions", "4", "--no-dedupe", "--overwrite"
    ]  # fmt: skip
    assert env["PYSPARK_PYTHON"] == sys.executable


def test_spark_cli_runs_spark_submit_end_to_end(tmp_path: Path) -> None:
    source = tmp_path / "two.jsonl"
    source.write_text(
        json.dumps({"id": "k1", "date": "2024-05-01",
                    "text": "Chile accused Norway of delaying the fisheries accord."}) + "\n"
        + json.dumps({"id": "k2", "date": "2024-05-02",
                      "text": "Norway praised Chile for its patience in the talks."}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    out = tmp_path / "out"
    command = [str(BIN / "realpolitik"), "spark", str(source), str(out), "--master", "local[1]",
               "--conf", "spark.log.level=ERROR"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["articles"] == 2 and summary["pipeline_loads"] == 1
    assert json.loads(done.stdout[done.stdout.index("{") :]) == summary


def test_spark_cli_needs_input_and_output(runner) -> None:
    from realpolitik.cli import app

    result = runner.invoke(app, ["spark", "only-one"])
    assert result.exit_code == 1
    assert "[E703]" in result.output
