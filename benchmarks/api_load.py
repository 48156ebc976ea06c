"""Bounded loopback load on the HTTP API over a large synthetic store.

Builds (or reuses) a store of synthetic events written through the store's own write API,
starts ``realpolitik serve`` on 127.0.0.1 with a free port in a subprocess, then sends a fixed
number of requests per endpoint from a small thread pool, each phase also capped in seconds.
Prints requests/s and p50/p99 latency for ``/api/events`` and a dyad series, and the count
of 5xx answers (which must be zero). Only the loopback address is ever contacted.

    python benchmarks/api_load.py                       # 1,000,000 events, 2,000 requests each
    python benchmarks/api_load.py --events 50000 --requests 300 --db /tmp/small.db
"""

from __future__ import annotations

import argparse
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
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2

from realpolitik.models import Actor, Article, Event, Evidence
from realpolitik.ontology import load_ontology
from realpolitik.store import open_store

RESULTS = Path(__file__).resolve().parent / "results"

# Actor keys of the synthetic world: countries, then organisations.
COUNTRIES = (
    "RUS", "CHN", "USA", "GBR", "FRA", "DEU", "IRN", "UKR", "TWN", "IND", "JPN", "KOR", "PRK",
    "ISR", "PSE", "SYR", "TUR", "SAU", "EGY", "BRA", "ZAF", "NGA", "PAK", "AFG", "VNM", "PHL",
    "AUS", "CAN", "MEX", "POL",
)
ORGS = ("NATO", "EU", "UN", "ASEAN")
VERBS = {
    "01": "made a statement about", "02": "appealed to", "03": "pledged to work with",
    "04": "held talks with", "05": "praised", "06": "agreed to cooperate with",
    "07": "sent aid to", "08": "yielded to", "09": "opened an inquiry into",
    "10": "demanded action from", "11": "criticized", "12": "rejected", "13": "threatened",
    "14": "protested against", "15": "massed troops near", "16": "cut ties with",
    "17": "imposed sanctions on", "18": "attacked", "19": "fought", "20": "bombarded",
}
EVENTS_PER_ARTICLE = 5
FIRST_DAY = 17897  # 2019-01-01 as days since 1970-01-01
DAYS = 6 * 365


def _actor(key: str) -> Actor:
    if key in ORGS:
        return Actor(text=key, name=key, code="IGO" + key, org=key)
    return Actor(text=key, name=key, code=key + "GOV", country=key, role="GOV")


def _pairs(rng: random.Random) -> list[tuple[str, str]]:
    """Return dyads in a skewed order: early ones are drawn far more often (Zipf-like)."""
    keys = list(COUNTRIES + ORGS)
    pairs = [(a, b) for a in keys for b in keys if a != b]
    rng.shuffle(pairs)
    pairs.remove(("RUS", "CHN"))
    return [("RUS", "CHN"), *pairs]


def synthetic_articles(n_events: int, *, seed: int = 7) -> Iterator[tuple[Article, list[Event]]]:
    """Yield articles with EVENTS_PER_ARTICLE synthetic events each, ``n_events`` in all."""
    import datetime as dt

    rng = random.Random(seed)
    pairs = _pairs(rng)
    weights = [1 / (i + 1) for i in range(len(pairs))]
    codes = [c for c in load_ontology() if c.level <= 2 and c.goldstein is not None]
    actors = {k: _actor(k) for k in COUNTRIES + ORGS}
    for number in range(n_events // EVENTS_PER_ARTICLE):
        day = (dt.date(1970, 1, 1) + dt.timedelta(days=FIRST_DAY + rng.randrange(DAYS))).isoformat()
        doc_id = f"syn-{number:07d}"
        sentences: list[str] = []
        events: list[Event] = []
        offset = 0
        for index, (a, b) in enumerate(rng.choices(pairs, weights, k=EVENTS_PER_ARTICLE)):
            code = rng.choice(codes)
            verb = VERBS[code.root]
            sentence = f"{a} {verb} {b} on day {day}."
            start = offset
            target_at = start + len(a) + len(verb) + 2
            events.append(Event(
                event_id=Event.make_id(doc_id, index, a, b, code.code), doc_id=doc_id, date=day,
                sentence_index=index, sentence=sentence, span=[start, start + len(sentence)],
                source=actors[a], target=actors[b], cameo=code.code, root=code.root,
                quad_class=code.quad_class, goldstein=code.goldstein, plover=code.plover_event,
                confidence=0.9,
                evidence=Evidence(
                    pattern=f"synthetic.{code.root}", trigger=verb,
                    trigger_span=[start + len(a) + 1, start + len(a) + 1 + len(verb)],
                    source_span=[start, start + len(a)],
                    target_span=[target_at, target_at + len(b)],
                ),
            ))
            sentences.append(sentence)
            offset += len(sentence) + 1
        text = " ".join(sentences)
        title = f"Synthetic {number}"
        article = Article(id=doc_id, text=text, date=day, title=title, source="bench")
        yield article, events


def build_store(path: Path, n_events: int, *, batch: int = 2000) -> float:
    """Write ``n_events`` synthetic events into a new store at ``path``; return seconds taken."""
    started = time.perf_counter()
    with open_store(str(path)) as store:
        chunk: list[tuple[Article, list[Event]]] = []
        for pair in synthetic_articles(n_events):
            chunk.append(pair)
            if len(chunk) == batch:
                store.write(chunk, coder_version="bench")
                chunk = []
        if chunk:
            store.write(chunk, coder_version="bench")
    return time.perf_counter() - started


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    """Start ``realpolitik serve`` on 127.0.0.1:port (rate limit off) and wait until it answers."""
    env = {**os.environ, "REALPOLITIK_RATE_LIMIT_PER_SECOND": "0"}
    cmd = [sys.executable, "-c", "from realpolitik.cli import main; main()", "serve",
           "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited: " + proc.stderr.read().decode()[-2000:])
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


def events_url(rng: random.Random) -> str:
    """Return a realistic /api/events request: a filter mix a dashboard user would send."""
    key = rng.choice(COUNTRIES[:12])
    year = rng.randrange(2019, 2025)
    kinds = [
        "/api/events?limit=50",
        f"/api/events?actor={key}&limit=50",
        "/api/events?dyad=RUS,CHN&limit=50",
        f"/api/events?quad_class={rng.randint(1, 4)}&since={year}-01-01&until={year}-06-30",
        f"/api/events?root={rng.randint(1, 20):02d}&limit=50",
        f"/api/events?actor={key}&since={year}-03&until={year}-04&limit=100",
    ]
    return rng.choice(kinds)


def series_url(rng: random.Random) -> str:
    """Return a dyad-series request over one of the busier pairs."""
    pairs = [("RUS", "CHN"), ("CHN", "RUS"), ("USA", "CHN"), ("RUS", "UKR"), ("USA", "TWN")]
    a, b = rng.choice(pairs)
    freq = rng.choice(["month", "week"])
    return f"/api/dyads/{a}/{b}/series?freq={freq}"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Build the store if needed, run both phases, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2000, help="Requests per endpoint.")
    parser.add_argument("--seconds", type=float, default=120.0, help="Time cap per endpoint.")
    parser.add_argument("--threads", type=int, default=4, help="Concurrent client threads.")
    parser.add_argument("--db", type=Path, help="Store to reuse or create (default: a temp file).")
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
    server = start_server(args.db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with open_store(str(args.db), readonly=True) as store:
            stored = store.count("events")
        bounds = {"requests": args.requests, "seconds": args.seconds, "threads": args.threads}
        phases = {
            "/api/events": run_phase(base, events_url, seed=1, **bounds),
            "/api/dyads/{a}/{b}/series": run_phase(base, series_url, seed=2, **bounds),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
        if tmp:
            tmp.cleanup()
    result = {"events_stored": stored, "build_seconds": build_seconds, "threads": args.threads,
              "cpus": os.cpu_count(), "phases": phases}
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
