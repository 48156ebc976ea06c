"""Bounded loopback load on the HTTP API over a large synthetic store.

Builds (or reuses) a store with the store's own benchmark generator (``benchmarks/store.py``:
Zipf-skewed dyads among 200 actors over ten years, written through ``Store.write``), starts
``realpolitik serve`` on 127.0.0.1 with a free port in a subprocess, then sends a fixed number
of requests per endpoint from a small thread pool, each phase also capped in seconds. Prints
requests/s and p50/p99 latency for ``/api/events`` and a dyad series, and the count of 5xx
answers (which must be zero). A last phase times ``GET /api/stats`` alone, then again while
``--coders`` clients each post one long sentence to ``POST /api/code`` (the reads must not
queue behind the coding). Only the loopback address is ever contacted.

    python benchmarks/api_load.py                       # 1,000,000 events, 2,000 requests each
    python benchmarks/api_load.py --events 50000 --requests 300 --db /tmp/small.db
    python benchmarks/api_load.py --only-coding --db /tmp/small.db --coders 70
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx2

from realpolitik.store import open_store

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def store_benchmark() -> ModuleType:
    """Import the store's benchmark module (its synthetic generator and ``fill``)."""
    spec = importlib.util.spec_from_file_location("store_benchmark", HERE / "store.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_store(path: Path, n_events: int) -> float:
    """Write ``n_events`` synthetic events into a new store at ``path``; return seconds taken."""
    started = time.perf_counter()
    with open_store(str(path)) as store:
        store_benchmark().fill(store, n_events, batch_articles=1000,
                               report_every=max(n_events // 10, 1))
    return time.perf_counter() - started


@dataclass
class Targets:
    """What the load asks about: the busiest dyads and actors of the store."""

    dyads: list[tuple[str, str]]
    actors: list[str]
    years: tuple[int, int]

    @classmethod
    def of(cls, db: Path) -> Targets:
        """Read the busiest dyads and actors and the span of years from the aggregates."""
        with open_store(str(db), readonly=True) as store:
            query = store.backend.query
            dyads = query("SELECT source, target, SUM(n_events) FROM dyad_year "
                          "GROUP BY source, target ORDER BY 3 DESC LIMIT 5")
            actors = query("SELECT source, SUM(n_events) FROM dyad_year "
                           "GROUP BY source ORDER BY 2 DESC LIMIT 12")
            first, last = query("SELECT MIN(period), MAX(period) FROM dyad_year")[0]
        return cls([(a, b) for a, b, _ in dyads], [a for a, _ in actors],
                   (int(first), int(last)))


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start ``realpolitik serve`` on 127.0.0.1:port (rate limit off) and wait until it answers.

    log: file taking the server's stderr (a pipe nobody reads would stall the server once full)
    """
    env = {**os.environ, "REALPOLITIK_RATE_LIMIT_PER_SECOND": "0"}
    cmd = [sys.executable, "-c", "from realpolitik.cli import main; main()", "serve",
           "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as stderr:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited: " + log.read_text(errors="replace")[-2000:])
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return proc
        except httpx2.TransportError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("server did not answer within 60 s")


def run_phase(
    base: str, make_url: Callable[[random.Random], str], *, requests: int, seconds: float,
    threads: int, seed: int,
) -> dict[str, Any]:
    """Send up to ``requests`` GETs (stopping after ``seconds``) from ``threads`` workers."""
    counter = iter(range(requests))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + seconds

    def worker(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        with httpx2.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < deadline:
                with lock:
                    if next(counter, None) is None:
                        return
                url = make_url(rng)
                t0 = time.perf_counter()
                status = client.get(url).status_code
                took = time.perf_counter() - t0
                with lock:
                    latencies.append(took)
                    statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    wall = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else []
    q = q or latencies * 99
    return {
        "requests": len(latencies), "seconds": round(wall, 2),
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(q[49] * 1000, 1), "p99_ms": round(q[98] * 1000, 1),
        "status": {str(k): v for k, v in sorted(statuses.items())},
        "errors_5xx": sum(v for k, v in statuses.items() if k >= 500),
    }


def events_url(targets: Targets) -> Callable[[random.Random], str]:
    """Return a maker of realistic /api/events requests: a dashboard user's filter mix."""

    def make(rng: random.Random) -> str:
        key = rng.choice(targets.actors)
        a, b = targets.dyads[0]
        year = rng.randint(*targets.years)
        kinds = [
            "/api/events?limit=50",
            f"/api/events?actor={key}&limit=50",
            f"/api/events?dyad={a},{b}&limit=50",
            f"/api/events?quad_class={rng.randint(1, 4)}&since={year}-01-01&until={year}-06-30",
            f"/api/events?root={rng.choice(['01', '03', '04', '05', '11', '19'])}&limit=50",
            f"/api/events?actor={key}&since={year}-03&until={year}-04&limit=100",
        ]
        return rng.choice(kinds)

    return make


def series_url(targets: Targets) -> Callable[[random.Random], str]:
    """Return a maker of dyad-series requests over the busiest pairs, by month or week."""

    def make(rng: random.Random) -> str:
        a, b = rng.choice(targets.dyads)
        return f"/api/dyads/{a}/{b}/series?freq={rng.choice(['month', 'week'])}"

    return make


def long_sentence(chars: int) -> str:
    """Return one sentence of about ``chars`` characters, no full stop before its end."""
    clause = "Chile praised Peru and Bolivia thanked Ecuador while "
    return (clause * (chars // len(clause) + 1))[:chars].rstrip() + " talks went on."


def stats_while_coding(
    base: str, *, coders: int, chars: int, requests: int, seconds: float
) -> dict[str, Any]:
    """Time GET /api/stats alone, then while ``coders`` clients post one long text each."""
    stats = {"requests": requests, "seconds": seconds, "threads": 2}
    warm = httpx2.post(f"{base}/api/code", json={"text": "Chile praised Peru."}, timeout=300)
    alone = run_phase(base, lambda rng: "/api/stats", seed=3, **stats)
    codes: dict[int, int] = {}
    took: list[float] = []
    lock = threading.Lock()
    text = long_sentence(chars)

    def post() -> None:
        t0 = time.perf_counter()
        try:
            status = httpx2.post(f"{base}/api/code", json={"text": text}, timeout=600).status_code
        except httpx2.TransportError:
            status = 0
        with lock:
            codes[status] = codes.get(status, 0) + 1
            took.append(time.perf_counter() - t0)

    posters = [threading.Thread(target=post, daemon=True) for _ in range(coders)]
    for thread in posters:
        thread.start()
    time.sleep(1.0)  # let the texts reach the workers and the queue
    loaded = run_phase(base, lambda rng: "/api/stats", seed=4, **stats)
    for thread in posters:
        thread.join()
    return {
        "warm_up_status": warm.status_code, "coders": coders, "chars": chars,
        "stats_alone": alone, "stats_while_coding": loaded,
        "code_status": {str(k): v for k, v in sorted(codes.items())},
        "code_slowest_s": round(max(took), 2) if took else None,
        "p99_ratio": round(loaded["p99_ms"] / max(alone["p99_ms"], 0.1), 1),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Build the store if needed, run both phases, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2000, help="Requests per endpoint.")
    parser.add_argument("--seconds", type=float, default=120.0, help="Time cap per endpoint.")
    parser.add_argument("--threads", type=int, default=4, help="Concurrent client threads.")
    parser.add_argument("--db", type=Path, help="Store to reuse or create (default: a temp file).")
    parser.add_argument("--coders", type=int, default=70, help="Clients posting long texts.")
    parser.add_argument("--code-chars", type=int, default=20_000, help="Length of each text.")
    parser.add_argument("--only-coding", action="store_true", help="Run only the coding phase.")
    args = parser.parse_args(argv)
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="rp-api-load-")
        args.db = Path(tmp.name) / "load.db"
    build_seconds = None
    if not args.db.exists():
        print(f"building {args.events:,} events into {args.db} ...", flush=True)
        build_seconds = round(build_store(args.db, args.events), 1)
        print(f"built in {build_seconds} s", flush=True)
    with open_store(str(args.db)):
        pass  # apply any migration the store gained since the file was built
    port = free_port()
    server_log = Path(tempfile.mkstemp(prefix="rp-api-load-", suffix=".log")[1])
    server = start_server(args.db, port, server_log)
    base = f"http://127.0.0.1:{port}"
    try:
        with open_store(str(args.db), readonly=True) as store:
            stored = store.count("events")
        targets = Targets.of(args.db)
        bounds = {"requests": args.requests, "seconds": args.seconds, "threads": args.threads}
        phases = {} if args.only_coding else {
            "/api/events": run_phase(base, events_url(targets), seed=1, **bounds),
            "/api/dyads/{a}/{b}/series": run_phase(base, series_url(targets), seed=2, **bounds),
        }
        coding = stats_while_coding(base, coders=args.coders, chars=args.code_chars,
                                    requests=min(args.requests, 300), seconds=args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=60)
        server_log.unlink(missing_ok=True)
        if tmp:
            tmp.cleanup()
    result = {"events_stored": stored, "build_seconds": build_seconds, "threads": args.threads,
              "cpus": os.cpu_count(), "busiest_dyads": targets.dyads, "phases": phases,
              "stats_while_coding": coding}
    phases = {**phases, "/api/stats alone": coding["stats_alone"],
              "/api/stats while coding": coding["stats_while_coding"]}
    print(f"coding: {coding['coders']} x {coding['chars']:,} chars, answers "
          f"{coding['code_status']}, slowest {coding['code_slowest_s']} s")
    for name, figures in phases.items():
        print(f"{name:28s} {figures['requests']:6d} req  {figures['requests_per_s']:7.1f} req/s  "
              f"p50 {figures['p50_ms']:7.1f} ms  p99 {figures['p99_ms']:7.1f} ms  "
              f"5xx {figures['errors_5xx']}  status {figures['status']}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "api_load.json").write_text(json.dumps(result, indent=2) + "\n")
    if any(f["errors_5xx"] for f in phases.values()):
        raise SystemExit("5xx answers under load")
    return result


if __name__ == "__main__":
    main()
