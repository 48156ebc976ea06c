"""A slice of the file fuzz: no aborted run, the sentinel coded, every empty-handed file named.

``make fuzz`` runs the full set (``tests/fuzz/run_fuzz.py``); figures in docs/reliability.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import fuzz_files

SLICE = 150
SEED = 14


def _check(report) -> None:
    assert report.files == SLICE
    assert report.aborted == [], [r.stderr[-2000:] for r in report.runs if r.aborted]
    assert report.sentinel and all(report.sentinel.values()), report.sentinel
    assert report.unnamed == []
    assert report.articles > 0


@pytest.mark.slow
def test_fuzz_files_sqlite(tmp_path: Path) -> None:
    report = fuzz_files(
        tmp_path / "in", count=SLICE, seed=SEED, dbs={"sqlite": str(tmp_path / "fuzz.db")}
    )
    _check(report)
    assert set(report.classes) >= {"FIFO", "deep JSON", "surrogate escapes", "broken WARC"}


@pytest.mark.postgres
def test_fuzz_files_postgres(tmp_path: Path) -> None:
    from store_helpers import postgres_server

    url = postgres_server().create_database("fuzz_files")
    report = fuzz_files(
        tmp_path / "in", count=SLICE, seed=SEED + 1, dbs={"postgres": url}, rerun=False
    )
    _check(report)
