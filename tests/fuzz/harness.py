"""Run the fuzz cases through `clean`, `code` and `ingest`, and the Python API over strings.

Used by the tests in this folder (small slices) and by ``run_fuzz.py`` (``make fuzz``).
"""

from __future__ import annotations

import json
import logging
import random
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fuzzgen import ARTICLES, BIDI, SENTINEL_NAME, ZERO_WIDTH, generate

from realpolitik.errors import RealpolitikError
from realpolitik.settings import Settings
from realpolitik.sources.stream import display_name
from realpolitik.store import open_store

CLI = [sys.executable, "-c", "from realpolitik.cli import main; main()"]
CODED = re.compile(r"\[([EW]\d{3})\]")
TRACEBACK = "Traceback (most recent call last)"


@dataclass
class Run:
    """One command over the fuzz directory."""

    command: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def aborted(self) -> bool:
        """True when the run did not finish cleanly (non-zero exit, traceback or timeout)."""
        return self.returncode != 0 or TRACEBACK in self.stderr


def run_cli(*args: str, timeout: float) -> Run:
    """Run `realpolitik ARGS` in a fresh process; a timeout counts as exit status 124."""
    start = time.perf_counter()
    try:
        done = subprocess.run([*CLI, *args], capture_output=True, timeout=timeout, check=False)
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        code, out, err = 124, exc.stdout or b"", exc.stderr or b""
    return Run(
        args[0],
        code,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        time.perf_counter() - start,
    )


@dataclass
class FilesReport:
    """What the file fuzz found."""

    files: int = 0
    classes: Counter[str] = field(default_factory=Counter)
    runs: list[Run] = field(default_factory=list)
    sentinel: dict[str, bool] = field(default_factory=dict)
    unnamed: list[str] = field(default_factory=list)
    articles: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    reruns: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def aborted(self) -> list[str]:
        """Commands that did not finish cleanly."""
        return [r.command for r in self.runs if r.aborted]


def _sentinel_events(jsonl: str) -> bool:
    for line in jsonl.splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            if event["doc_id"] == SENTINEL_NAME and event["source"]["country"] == "RUS":
                return True
    return False


def _stored_sentinel(db: str) -> bool:
    with open_store(db, settings=Settings(), readonly=True) as store:
        rows = store.backend.query(
            "SELECT COUNT(*) FROM events WHERE article_id = ?", (SENTINEL_NAME,)
        )
        return rows[0][0] > 0


def fuzz_files(
    root: Path,
    *,
    count: int,
    seed: int,
    dbs: dict[str, str],
    rerun: bool = True,
    timeout: float = 1800,
) -> FilesReport:
    """Generate ``count`` cases under ``root``; run clean, code and ingest into each of ``dbs``.

    dbs: store label -> database (an SQLite path or a PostgreSQL URL)
    rerun: ingest a second time and check that it stores nothing
    """
    cases = generate(root, count=count, seed=seed)
    report = FilesReport(files=len(cases) - 1, classes=Counter(kind for _, kind in cases[:-1]))
    clean = run_cli("clean", str(root), timeout=timeout)
    code = run_cli("code", str(root), timeout=timeout)
    report.runs += [clean, code]
    records = [json.loads(line) for line in clean.stdout.splitlines() if line.startswith("{")]
    report.articles = len(records)
    report.sentinel["clean"] = any(r["id"] == SENTINEL_NAME for r in records)
    report.sentinel["code"] = _sentinel_events(code.stdout)
    for label, db in dbs.items():
        first = run_cli("ingest", str(root), "--db", db, "--format", "json", timeout=timeout)
        first.command = f"ingest {label}"
        report.runs.append(first)
        report.sentinel[f"ingest {label}"] = not first.aborted and _stored_sentinel(db)
        if rerun:
            again = run_cli("ingest", str(root), "--db", db, "--format", "json", timeout=timeout)
            again.command = f"ingest {label} (rerun)"
            report.runs.append(again)
            summary = json.loads(again.stdout) if not again.aborted else {}
            report.reruns[label] = summary
            report.sentinel[f"ingest {label} rerun stores nothing"] = summary.get("stored") == 0
    sources = {r["source"] for r in records}
    messages = [line for line in clean.stderr.splitlines() if CODED.search(line)]
    report.codes = Counter(CODED.search(line).group(1) for line in messages)
    for path, _ in cases[:-1]:
        name = display_name(str(path))
        if name not in sources and not any(name in line for line in messages):
            report.unnamed.append(name)
    return report


# --- the Python API over generated strings

NASTY = "\x00\ud800\udfff\ud83d" + BIDI + ZERO_WIDTH


def _random_text(rng: random.Random) -> str:
    return "".join(chr(rng.randrange(0, 0x110000)) for _ in range(rng.randint(0, 300)))


def _salted_article(rng: random.Random) -> str:
    chars = list(rng.choice(ARTICLES))
    for _ in range(rng.randint(1, 30)):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(NASTY))
    return "".join(chars)


def _long_token(rng: random.Random) -> str:
    unit = rng.choice(["a", ",", "Russia", "\u200b", "é", "[/b]", "\ud800", "."])
    token = (unit * (100_000 // len(unit) + 1))[:100_000]
    return rng.choice(ARTICLES) + " " + token + " " + rng.choice(ARTICLES)


def _punctuation(rng: random.Random) -> str:
    run = rng.choice([",", ";", "!", "-", "(", ")", "..."]) * rng.randint(1000, 20_000)
    return rng.choice(ARTICLES).replace(" ", " " + run + " ", 1)


def _listing(rng: random.Random) -> str:
    names = ["France", "Germany", "Iran", "Chile", "Japan", "Kenya", "Peru", "Egypt"]
    return ", ".join(rng.choice(names) for _ in range(rng.randint(50, 600))) + " met Russia."


STRING_MAKERS = (
    (_random_text, 30),
    (_salted_article, 45),
    (_listing, 5),
    (_punctuation, 3),
    (_long_token, 1),
    (lambda rng: rng.choice(["", " ", "\n\n", "\x00", "\ud800", "\ufeff"]), 6),
    (lambda rng: rng.choice(ARTICLES), 10),
)
DATES = [None, None, None, "2024-03-01", "x", "2024-02-31", "9999-12-31", "0001-01-01", "\ud800"]
IDS = [None, None, "doc", "[/b]", "\ud800", "\x00", "a" * 1000]


def api_strings(count: int, *, seed: int) -> list[tuple[str, str | None, str | None]]:
    """Return ``count`` (text, date, doc_id) calls from a seed."""
    rng = random.Random(seed)
    makers = [m for m, _ in STRING_MAKERS]
    weights = [w for _, w in STRING_MAKERS]
    return [
        (rng.choices(makers, weights)[0](rng), rng.choice(DATES), rng.choice(IDS))
        for _ in range(count)
    ]


@dataclass
class ApiReport:
    """What the API fuzz found."""

    calls: int = 0
    events: int = 0
    coded: Counter[str] = field(default_factory=Counter)
    uncoded: list[str] = field(default_factory=list)
    isolated: int = 0
    times: list[float] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        """Return a call-time percentile in seconds."""
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


class _Counting(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "[W401]" in record.getMessage():
            self.count += 1


def fuzz_api(pipeline: Any, *, count: int, seed: int) -> ApiReport:
    """Call ``pipeline(text, date=, doc_id=)`` on generated strings; sort what it raises.

    isolated: articles that failed inside the pipeline and were reported (W401), not raised
    """
    from realpolitik.models import Article

    report = ApiReport()
    handler = _Counting()
    logger = logging.getLogger("realpolitik.pipeline")
    logger.addHandler(handler)
    try:
        for text, date, doc_id in api_strings(count, seed=seed):
            start = time.perf_counter()
            try:
                Article.make_id(text)
                report.events += len(pipeline(text, date=date, doc_id=doc_id))
            except RealpolitikError as exc:
                report.coded[exc.code] += 1
            except Exception as exc:  # noqa: BLE001 - the point is to count these
                report.uncoded.append(f"{type(exc).__name__}: {str(exc)[:120]}")
            report.times.append(time.perf_counter() - start)
            report.calls += 1
    finally:
        logger.removeHandler(handler)
    report.isolated = handler.count
    return report
