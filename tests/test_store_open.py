"""Opening stores: WAL mode, migrations, corrupt and foreign files, locks, missing databases."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from realpolitik.errors import StoreError
from realpolitik.models import Article
from realpolitik.settings import Settings
from realpolitik.store import migrations, open_store
from realpolitik.store.backends import connect, redact_url
from store_helpers import ROOT, make_event, postgres_server

HELPER = [sys.executable, str(ROOT / "tests" / "store_helpers.py")]


def _settings(timeout: float = 5.0) -> Settings:
    return Settings(db_timeout=timeout)


def test_store_open_creates_wal_database_with_recorded_migrations(tmp_path):
    path = tmp_path / "new.db"
    with open_store(str(path), settings=_settings()) as store:
        assert store.backend.query("PRAGMA journal_mode")[0][0] == "wal"
        assert migrations.applied(store.backend) == [n for n, _ in migrations.MIGRATIONS]
        assert {"articles", "events", "dyad_day", "dyad_month", "dyad_year"} <= (
            store.backend.table_names()
        )
    with open_store(str(path), settings=_settings()) as store:
        assert store.stats()["schema"] == [n for n, _ in migrations.MIGRATIONS]


def test_store_migration_upgrade_backfills_rollups(tmp_path):
    path = str(tmp_path / "old.db")
    backend = connect(path, timeout=5)
    assert migrations.migrate(backend, migrations=migrations.MIGRATIONS[:1]) == ["0001_initial"]
    backend.execute(
        "INSERT INTO dyad_day VALUES ('RUS', 'CHN', '2024-01-05', 2, 2, 0, 0, 0, 6.8, 2)"
    )
    backend.execute(
        "INSERT INTO dyad_day VALUES ('RUS', 'CHN', '2024-01-20', 1, 0, 0, 1, 0, -2.0, 1)"
    )
    backend.close()
    with open_store(path, settings=_settings()) as store:
        assert migrations.applied(store.backend) == [n for n, _ in migrations.MIGRATIONS]
        assert "0007_event_clusters" in migrations.applied(store.backend)
        indexes = {
            name
            for (name,) in store.backend.query(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'"
            )
        }
        assert {"events_article", "events_day_id", "events_day_dyad"} <= indexes
        assert not [name for name in indexes if name.endswith("_pair")]
        month = store.backend.query(
            "SELECT source, target, period, n_events, n_q1, n_q2, n_q3, n_q4, goldstein_sum, "
            "n_goldstein FROM dyad_month"
        )
        assert month == [("RUS", "CHN", "2024-01", 3, 2, 0, 1, 0, pytest.approx(4.8), 3)]
        assert store.backend.query("SELECT period, n_events FROM dyad_year") == [("2024", 3)]
        assert store.backend.query("SELECT period, n_events FROM dyad_all") == [("", 3)]


def test_store_newer_schema_is_refused(tmp_path):
    path = str(tmp_path / "future.db")
    open_store(path, settings=_settings()).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _migrations VALUES ('9999_from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as err:
        open_store(path, settings=_settings())
    assert err.value.code == "E503" and "9999_from_the_future" in str(err.value)


def test_store_corrupt_file_gives_clear_error(tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not an sqlite database at all\n" * 200)
    with pytest.raises(StoreError) as err:
        open_store(str(path), settings=_settings())
    assert err.value.code == "E501" and str(path) in str(err.value)
    assert path.read_bytes().startswith(b"this is not")


def test_store_truncated_database_gives_clear_error(tmp_path):
    path = tmp_path / "cut.db"
    with open_store(str(path), settings=_settings()) as store:
        article = Article(id="a", text="t", date="2024-01-01")
        store.write(
            [(article, [make_event("RUS", "CHN", doc_id="a", index=i) for i in range(300)])],
            coder_version="v",
        )
    data = path.read_bytes()
    path.write_bytes(data[:4096] + b"\x00" * 50 + data[8192:9000])
    with pytest.raises(StoreError) as err, open_store(str(path), settings=_settings()) as store:
        store.count("events")
        list(store.iter_events())
    assert err.value.code in ("E501", "E511") and "cut.db" in str(err.value)


def test_store_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as err:
        open_store(str(path), settings=_settings())
    assert err.value.code == "E501" and "recipes" in str(err.value)


def test_store_readonly_missing_database(tmp_path):
    path = tmp_path / "absent.db"
    with pytest.raises(StoreError) as err:
        open_store(str(path), settings=_settings(), readonly=True)
    assert err.value.code == "E505" and not path.exists()


def test_store_readonly_refuses_writes(tmp_path):
    path = str(tmp_path / "ro.db")
    open_store(path, settings=_settings()).close()
    with open_store(path, settings=_settings(), readonly=True) as store, pytest.raises(StoreError):
        store.write([(Article(id="a", text="t"), [])], coder_version="v")


def _hold_lock(path: str, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [*HELPER, "hold-lock", path, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_store_locked_database_times_out_with_clear_error(tmp_path):
    path = str(tmp_path / "locked.db")
    open_store(path, settings=_settings()).close()
    holder = _hold_lock(path, 4.0)
    try:
        with open_store(path, settings=_settings(timeout=0.5)) as store:
            started = time.monotonic()
            with pytest.raises(StoreError) as err:
                store.write([(Article(id="a", text="t"), [])], coder_version="v")
            waited = time.monotonic() - started
        assert err.value.code == "E502" and "0.5s" in str(err.value) and path in str(err.value)
        assert waited >= 0.4
    finally:
        holder.wait()


def test_store_locked_database_waits_for_the_other_writer(tmp_path):
    path = str(tmp_path / "busy.db")
    open_store(path, settings=_settings()).close()
    holder = _hold_lock(path, 0.5)
    try:
        with open_store(path, settings=_settings(timeout=20)) as store:
            store.write([(Article(id="a", text="t"), [])], coder_version="v")
            assert store.count("articles") == 1
    finally:
        holder.wait()


@pytest.mark.postgres
def test_store_postgres_unreachable_gives_clear_error():
    server = postgres_server()
    url = f"postgresql://postgres:secret@127.0.0.1:{server.port}/no_such_db"
    with pytest.raises(StoreError) as err:
        open_store(url, settings=_settings(timeout=2))
    assert err.value.code == "E506" and "secret" not in str(err.value)
    assert redact_url(url) in str(err.value)


@pytest.mark.postgres
def test_store_postgres_migrations_and_newer_schema(tmp_path):
    url = postgres_server().create_database("migrations_pg")
    with open_store(url, settings=_settings()) as store:
        assert migrations.applied(store.backend) == [n for n, _ in migrations.MIGRATIONS]
        store.backend.execute("INSERT INTO _migrations VALUES ('9999_later', 'x')")
    with pytest.raises(StoreError) as err:
        open_store(url, settings=_settings())
    assert err.value.code == "E503"


def test_store_readers_keep_working_while_ingest_writes(tmp_path):
    from store_helpers import make_articles, write_jsonl

    db = str(tmp_path / "shared.db")
    open_store(db, settings=_settings()).close()
    source = write_jsonl(tmp_path / "articles.jsonl", make_articles(300))
    writer = subprocess.Popen(
        [*HELPER, "ingest", str(source), db, "--batch", "5", "--delay", "0.004"],
        stdout=subprocess.PIPE,
        text=True,
    )
    reader = subprocess.run(
        [*HELPER, "read-loop", db, "1.5"], capture_output=True, text=True, timeout=60
    )
    writer_out, _ = writer.communicate(timeout=120)
    assert reader.returncode == 0, reader.stderr
    assert writer.returncode == 0 and writer_out.strip() == "done"
    import json

    counts = json.loads(reader.stdout)
    assert len(counts) > 10
    assert counts == sorted(counts) and counts[-1] > counts[0]


def test_store_parent_directory_missing(tmp_path):
    with pytest.raises(StoreError) as err:
        open_store(str(tmp_path / "no" / "such" / "dir.db"), settings=_settings())
    assert err.value.code == "E509" and "dir.db" in str(err.value)
    assert "corrupt" not in str(err.value) and str(tmp_path / "no" / "such") in str(err.value)


def _damaged_copy(tmp_path: Path) -> Path:
    """Write a store of 2,000 events, then overwrite one page in the middle of the file."""
    path = tmp_path / "flipped.db"
    with open_store(str(path), settings=_settings()) as store:
        for batch in range(4):
            article = Article(id=f"a{batch}", text="t", date="2024-01-01")
            events = [make_event("RUS", "CHN", doc_id=article.id, index=i) for i in range(500)]
            store.write([(article, events)], coder_version="v")
        store.backend.checkpoint()
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle + 8 : middle + page] = bytes((i * 37) % 251 for i in range(page - 8))
    path.write_bytes(bytes(data))
    return path


def test_store_damaged_file_is_refused_on_open(tmp_path):
    path = _damaged_copy(tmp_path)
    for readonly in (True, False):
        with pytest.raises(StoreError) as err:
            open_store(str(path), settings=_settings(), readonly=readonly)
        assert err.value.code == "E511" and ".recover" in str(err.value)
    connect(str(path), timeout=5, readonly=True, quick_check_mb=0).close()  # check turned off
    import realpolitik

    with pytest.raises(StoreError) as err:
        realpolitik.open(str(path))
    assert err.value.code == "E511"


@pytest.mark.parametrize(("sqlstate", "name"), [("40P01", "deadlock"), ("40001", "serialization")])
@pytest.mark.postgres
def test_store_postgres_aborted_transaction_is_not_a_connection_error(sqlstate, name):
    url = postgres_server().create_database(f"aborted_{name}")
    with open_store(url, settings=_settings()) as store:
        with pytest.raises(StoreError) as err:
            store.backend.execute(
                f"DO $$ BEGIN RAISE EXCEPTION '{name}' USING ERRCODE = '{sqlstate}'; END $$"
            )
        assert err.value.code == "E510" and sqlstate in str(err.value)
        assert "Cannot connect" not in str(err.value)
        assert store.count("events") == 0  # the connection still serves


def test_store_memory_database_works():
    with open_store(":memory:", settings=_settings()) as store:
        assert store.count("events") == 0
        assert Path(":memory:").exists() is False


def test_store_background_checkpoints_fold_the_log_and_stop_on_close(tmp_path):
    path = tmp_path / "wal.db"
    store = open_store(str(path), settings=_settings())
    for i in range(3):
        article = Article(id=f"a{i}", text=f"text {i}", date="2024-03-05")
        store.write([(article, [make_event("RUS", "CHN", doc_id=f"a{i}")])], coder_version="v1")
    checkpointer = store.backend.checkpointer
    assert checkpointer is not None and checkpointer.error is None
    deadline = time.monotonic() + 10
    while checkpointer.checkpoints == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checkpointer.checkpoints >= 1
    thread = checkpointer._thread
    store.close()
    assert not thread.is_alive()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 3


def test_store_readers_and_disabled_setting_start_no_checkpointer(tmp_path):
    path = str(tmp_path / "quiet.db")
    settings = Settings(db_timeout=5, db_background_checkpoints=False)
    with open_store(path, settings=settings) as store:
        store.write([(Article(id="a1", text="t", date="2024-03-05"), [])], coder_version="v1")
        assert store.backend.checkpointer is None
    with open_store(path, settings=_settings(), readonly=True) as reader:
        reader.count("events")
        assert reader.backend.checkpointer is None


def test_store_migration_to_events_by_day_keeps_every_event(tmp_path):
    from realpolitik.store.rows import EVENT_COLUMNS, event_row

    path = str(tmp_path / "v4.db")
    backend = connect(path, timeout=5)
    migrations.migrate(backend, migrations=migrations.MIGRATIONS[:4])
    article = Article(id="a1", text="t", date="2024-03-05")
    events = [
        make_event("RUS", "CHN", doc_id="a1", index=i, date=f"2024-03-0{i + 1}") for i in range(3)
    ]
    before_clusters = EVENT_COLUMNS[: EVENT_COLUMNS.index("in_aggregate") + 1]
    backend.executemany(
        f"INSERT INTO events VALUES ({', '.join('?' for _ in before_clusters)})",
        [event_row(e, article)[: len(before_clusters)] for e in events],
    )
    backend.close()
    with open_store(path, settings=_settings()) as store:
        assert store.count("events") == 3
        found = store.events_by_id([events[2].event_id, "missing"])
        assert [r["day"] for r in found] == ["2024-03-03"]
        store.write([(article, events[:1])], coder_version="v2")
        assert store.count("events") == 1
