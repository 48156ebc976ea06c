"""Benchmark the event store on a synthetic store of N events (default 10 million).

The generator writes a chronological stream (2015-2024) of synthetic articles, 1-7 events each,
between 200 actors drawn from a Zipf-like distribution (a few busy countries, a long tail),
through ``Store.write`` in batches, exactly as ``realpolitik ingest`` does (the final checkpoint
of SQLite's write-ahead log counts as writing). Then it times the queries the CLI and the
dashboard run most: one dyad's series and the top-50 dyads.

    python benchmarks/store.py --events 1000000 --db /tmp/bench.db
    python benchmarks/store.py --events 200000 --db postgresql://user@host/db
    python benchmarks/store.py --events 10000000 --first 400000 --db /tmp/part.db

Targets (issue 6): insert >= 20,000 events/s; one dyad's series < 50 ms; top-50 dyads < 200 ms.
Issue 17: >= 20,000 events per CPU-second (``events_per_cpu_s_store_write``) with unique
events linked at ingest.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from realpolitik.models import Actor, Article, Event, Evidence  # noqa: E402
from realpolitik.settings import Settings  # noqa: E402
from realpolitik.store import open_store  # noqa: E402

logger = logging.getLogger("benchmarks.store")

FIRST_DAY = date(2015, 1, 1)
DAYS = 3653
N_ACTORS = 200
CAMEOS = (
    ("010", "01", 1, 0.0),
    ("036", "03", 1, 4.0),
    ("042", "04", 1, 1.9),
    ("051", "05", 1, 3.4),
    ("057", "05", 1, 8.0),
    ("061", "06", 2, 6.4),
    ("070", "07", 2, 7.0),
    ("111", "11", 3, -2.0),
    ("130", "13", 3, -4.4),
    ("163", "16", 4, -8.0),
    ("173", "17", 4, -5.0),
    ("190", "19", 4, -10.0),
)


def actor_names(n: int) -> list[str]:
    """Return ``n`` three-letter synthetic actor keys (AAA, AAB, ...)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [letters[i // 676] + letters[(i // 26) % 26] + letters[i % 26] for i in range(n)]


def synthetic_articles(
    n_events: int, *, seed: int = 6, hashed_ids: bool = False
) -> Iterator[tuple[Article, list[Event]]]:
    """Yield (article, events) pairs holding ``n_events`` events in date order.

    hashed_ids: give articles content-hash-like ids (as real feeds do) instead of a sequence
    """
    rng = random.Random(seed)
    names = actor_names(N_ACTORS)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(N_ACTORS)]
    actors = {k: Actor(text=k, name=k, code=k + "GOV", country=k, role="GOV") for k in names}
    made = 0
    number = 0
    while made < n_events:
        day = (FIRST_DAY + timedelta(days=made * DAYS // n_events)).isoformat()
        article = Article(
            id=Article.make_id(f"bench {number}") if hashed_ids else f"bench-{number:09d}",
            text=f"Synthetic article {number}.",
            date=day,
            url=f"https://bench.example/{number}",
            source="bench",
        )
        count = min(rng.randint(1, 7), n_events - made)
        events = []
        for index in range(count):
            source, target = rng.choices(names, weights, k=2)
            if source == target:
                target = names[(names.index(source) + 1) % N_ACTORS]
            cameo, root, quad, gold = rng.choice(CAMEOS)
            events.append(
                Event(
                    event_id=Event.make_id(article.id, index, source, target, cameo),
                    doc_id=article.id,
                    date=None,
                    sentence_index=index,
                    sentence=f"{source} and {target}: synthetic sentence {index}.",
                    span=[index * 50, index * 50 + 40],
                    source=actors[source],
                    target=actors[target],
                    cameo=cameo,
                    root=root,
                    quad_class=quad,
                    goldstein=gold,
                    plover=None,
                    confidence=0.8,
                    evidence=Evidence(pattern="bench", trigger="did"),
                )
            )
        made += count
        number += 1
        yield article, events


def fill(
    store: Any,
    n_events: int,
    *,
    batch_articles: int,
    report_every: int,
    hashed_ids: bool = False,
    first: int | None = None,
) -> dict[str, float]:
    """Write the synthetic stream; return insert timings.

    first: write only the stream's first ``first`` // 4 articles (about that many events, at
    the density of ``n_events``)
    """
    write_seconds = write_cpu = 0.0
    started = time.perf_counter()
    batch: list[tuple[Article, list[Event]]] = []
    written = 0
    next_report = report_every
    stream = synthetic_articles(n_events, hashed_ids=hashed_ids)
    if first is not None:
        stream = itertools.islice(stream, first // 4)
    for pair in stream:
        batch.append(pair)
        if len(batch) == batch_articles:
            events, seconds, cpu = _write(store, batch)
            written += events
            write_seconds += seconds
            write_cpu += cpu
            batch = []
            if written >= next_report:
                elapsed = time.perf_counter() - started
                logger.warning("%d events, %.0f events/s overall", written, written / elapsed)
                next_report += report_every
    if batch:
        events, seconds, cpu = _write(store, batch)
        written += events
        write_seconds += seconds
        write_cpu += cpu
    checkpoint_started, checkpoint_cpu = time.perf_counter(), time.process_time()
    store.checkpoint()
    write_seconds += time.perf_counter() - checkpoint_started
    write_cpu += time.process_time() - checkpoint_cpu
    total = time.perf_counter() - started
    return {
        "events": written,
        "seconds_total": round(total, 1),
        "seconds_in_store_write": round(write_seconds, 1),
        "events_per_s_end_to_end": round(written / total),
        "events_per_s_store_write": round(written / write_seconds),
        "cpu_seconds_in_store_write": round(write_cpu, 1),
        "events_per_cpu_s_store_write": round(written / write_cpu),
        "load_average_at_end": round(os.getloadavg()[0], 1),
    }


def _write(store: Any, batch: list[tuple[Article, list[Event]]]) -> tuple[int, float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    stats = store.write(batch, coder_version="bench")
    return stats.events, time.perf_counter() - started, time.process_time() - cpu


def timed(func: Callable[[], Any], *, repeat: int = 7) -> dict[str, float]:
    """Run ``func`` ``repeat`` times; return the first (cold) and median timings in ms."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        runs.append((time.perf_counter() - started) * 1000)
    return {"cold_ms": round(runs[0], 2), "median_ms": round(statistics.median(runs[1:]), 2)}


def query_figures(store: Any) -> dict[str, Any]:
    """Time one dyad's series and the top-50 dyads, over all time and over windows."""
    from realpolitik.analysis import dyad_series

    top = store.dyad_totals(limit=50)
    busy = (top[0][0], top[0][1])
    quiet = (top[-1][0], top[-1][1])
    year = (date(2020, 1, 1), date(2020, 12, 31))
    ragged = (date(2019, 3, 17), date(2021, 8, 9))
    return {
        "busiest_dyad": f"{busy[0]}->{busy[1]} ({top[0][2]} events)",
        "dyad_series_month_busiest": timed(lambda: dyad_series(store, *busy, freq="month")),
        "dyad_series_week_busiest": timed(lambda: dyad_series(store, *busy, freq="week")),
        "dyad_series_month_50th": timed(lambda: dyad_series(store, *quiet, freq="month")),
        "dyad_series_day_one_year": timed(
            lambda: dyad_series(store, *busy, freq="day", since=year[0], until=year[1])
        ),
        "top50_all_time": timed(lambda: store.dyad_totals(limit=50)),
        "top50_one_year": timed(lambda: store.dyad_totals(since=year[0], until=year[1], limit=50)),
        "top50_ragged_window": timed(
            lambda: store.dyad_totals(since=ragged[0], until=ragged[1], limit=50)
        ),
        "top50_last_90_days": timed(
            lambda: store.dyad_totals(since=date(2024, 10, 3), until=date(2024, 12, 31), limit=50)
        ),
        "top50_one_month": timed(
            lambda: store.dyad_totals(since=date(2022, 2, 10), until=date(2022, 3, 9), limit=50)
        ),
        "rows": {g: store.count(f"dyad_{g}") for g in ("day", "month", "year", "all")},
    }


def main(argv: list[str] | None = None) -> None:
    """Build (or reuse) a synthetic store and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--db", help="SQLite path or postgresql:// URL (default: a temp file)")
    parser.add_argument("--batch", type=int, default=2000, help="articles per transaction")
    parser.add_argument("--cache-mb", type=int, default=1024, help="SQLite page cache (MiB)")
    parser.add_argument("--wal-mb", type=int, default=256, help="SQLite checkpoint size (MiB)")
    parser.add_argument(
        "--hashed-ids", action="store_true", help="content-hash article ids instead of a sequence"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="skip filling; query an existing store"
    )
    parser.add_argument(
        "--first",
        type=int,
        help="write only about this many events from the start of the --events stream "
        "(its density; the first FIRST // 4 articles), then stop without queries",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    db = args.db or os.path.join(tempfile.mkdtemp(prefix="rp_bench_"), "bench.db")
    figures: dict[str, Any] = {
        "db": db,
        "requested_events": args.events,
        "batch_articles": args.batch,
        "cache_mb": args.cache_mb,
        "wal_mb": args.wal_mb,
        "hashed_ids": args.hashed_ids,
        "first": args.first,
    }
    settings = Settings(db_timeout=60, db_cache_mb=args.cache_mb, db_wal_mb=args.wal_mb)
    with open_store(db, settings=settings) as store:
        if not args.reuse:
            figures["insert"] = fill(
                store,
                args.events,
                batch_articles=args.batch,
                report_every=max(args.events // 20, 1),
                hashed_ids=args.hashed_ids,
                first=args.first,
            )
        figures["stored_events"] = store.count("events")
        if args.first is None:
            figures["queries"] = query_figures(store)
    if not db.startswith("postgres"):
        figures["file_mb"] = round(Path(db).stat().st_size / 2**20)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
