"""Run the pipeline and Spark benchmarks (what `make bench` runs); write JSON and a table.

Every measurement runs in its own process (one configuration's peak RSS each). Results go to
``benchmarks/results/pipeline-<time>.json`` (and ``pipeline-latest.json``), and a Markdown
table of them to stdout and ``benchmarks/results/pipeline-table.md`` for docs/benchmarks.md.

    python benchmarks/run_all.py                      # everything (about 15-30 min on 2 cores)
    python benchmarks/run_all.py --reuters-limit 1000 --no-spark --no-profile

Targets (issue 8, on the project's 2-core machine): end to end >= 60 Wikinews articles/s with
two processes; >= 1.5x faster than parsing every sentence; peak RSS <= 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
TARGET_ARTICLES_PER_S = 60.0
TARGET_RATIO = 1.5
TARGET_RSS_MB = 2048.0


def machine() -> dict[str, Any]:
    """Describe the machine and its load (the runs share it with other work)."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )  # fmt: skip
    import spacy

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "platform": platform.platform(),
        "load_average_at_start": list(os.getloadavg()),
        "commit": commit(),
    }


def commit() -> str:
    """Return the commit measured: BENCH_COMMIT (for a snapshot), else git's HEAD (+dirty)."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    try:
        head = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(HERE), "status", "--porcelain", "--", "../src"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")  # fmt: skip


def run(script: str, *args: str, timeout: int = 3600) -> dict[str, Any]:
    """Run one benchmark process; return its JSON (or the error)."""
    command = [sys.executable, str(HERE / script), *args]
    src = str(HERE.parent / "src")  # this tree's code, also for Spark's Python workers
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get(
        "PYTHONPATH")]))}  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False,
                          env=env)  # fmt: skip
    if done.returncode != 0:
        return {"error": done.stderr[-2000:], "command": " ".join(args)}
    result = json.loads(done.stdout[done.stdout.index("{") :])
    result["process_wall_s"] = round(time.perf_counter() - started, 2)
    result["load_average_after"] = list(os.getloadavg())
    return result


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Run every configuration and return the raw results."""
    results: dict[str, Any] = {"machine": machine(), "runs": []}
    corpora = [("wikinews", None), ("reuters", args.reuters_limit)]
    corpora = [c for c in corpora if c[0] in args.corpora]
    for corpus, limit in corpora:
        extra = ["--corpus", corpus] + (["--limit", str(limit)] if limit else [])
        for n_process in (1, 2):
            for mode in ("e2e", "pool", "spacy"):
                if mode == "pool" and n_process == 1:
                    continue
                print(f"... {corpus} {mode} n_process={n_process}", file=sys.stderr, flush=True)
                results["runs"].append(run("pipeline.py", mode, *extra, "--n-process",
                                           str(n_process)))  # fmt: skip
    if not args.no_profile:
        print("... profile (wikinews)", file=sys.stderr, flush=True)
        results["profile"] = run("pipeline.py", "profile", "--corpus", "wikinews", "--limit",
                                 str(args.profile_limit))  # fmt: skip
    if not args.no_prefilter:
        results["prefilter"] = run("pipeline.py", "prefilter", "--corpus", "wikinews")
    if not args.no_spark:
        print("... spark local[2] (wikinews)", file=sys.stderr, flush=True)
        results["spark"] = run("spark.py", "--corpus", "wikinews", "--master", "local[2]")
    results["targets"] = check_targets(results)
    return results


def _find(results: dict[str, Any], corpus: str, mode: str, n_process: int) -> dict[str, Any]:
    for row in results["runs"]:
        if (row.get("corpus"), row.get("mode"), row.get("n_process")) == (corpus, mode, n_process):
            return row
    return {}


def _rate(row: dict[str, Any], key: str = "end_to_end") -> float | None:
    block = row.get(key) or row.get("parse") or {}
    return block.get("articles_per_s")


def _per_cpu(row: dict[str, Any], key: str) -> float | None:
    return (row.get(key) or {}).get("articles_per_cpu_s")


def check_targets(results: dict[str, Any]) -> dict[str, Any]:
    """Return each target with the measured value, whether it is met and by how much."""
    checks: dict[str, Any] = {}
    best2 = max(
        (r for r in (_find(results, "wikinews", m, 2) for m in ("e2e", "pool")) if r),
        key=lambda r: _rate(r) or 0,
        default={},
    )
    rate = _rate(best2)
    if rate is not None:
        checks["wikinews_articles_per_s_2proc"] = {
            "target": TARGET_ARTICLES_PER_S, "measured": rate, "runner": best2["mode"],
            "met": rate >= TARGET_ARTICLES_PER_S,
            "factor_missing": round(TARGET_ARTICLES_PER_S / rate, 2) if rate else None,
        }  # fmt: skip
    for n_process in (1, 2):
        spacy_rate = _rate(_find(results, "wikinews", "spacy", n_process), "parse")
        best = max((_rate(_find(results, "wikinews", m, n_process), "coding") or 0
                    for m in ("e2e", "pool")), default=0)  # fmt: skip
        if spacy_rate and best:
            ratio = round(best / spacy_rate, 2)
            checks[f"speed_vs_full_parse_{n_process}proc"] = {
                "target": TARGET_RATIO, "measured": ratio, "met": ratio >= TARGET_RATIO,
            }  # fmt: skip
    spacy_cpu = _per_cpu(_find(results, "wikinews", "spacy", 1), "parse")
    ours_cpu = _per_cpu(_find(results, "wikinews", "e2e", 1), "coding")
    if spacy_cpu and ours_cpu:
        ratio = round(ours_cpu / spacy_cpu, 2)
        checks["speed_vs_full_parse_per_cpu_second"] = {
            "target": TARGET_RATIO, "measured": ratio, "met": ratio >= TARGET_RATIO,
        }  # fmt: skip
    pool_cpu = _per_cpu(_find(results, "wikinews", "pool", 2), "coding")
    if pool_cpu:
        projected = round(2 * pool_cpu, 2)
        checks["wikinews_articles_per_s_2_idle_cores_projected"] = {
            "target": TARGET_ARTICLES_PER_S, "measured": projected,
            "met": projected >= TARGET_ARTICLES_PER_S,
            "factor_missing": round(TARGET_ARTICLES_PER_S / projected, 2),
        }  # fmt: skip
    peaks = [r["peak_rss_mb"] for r in results["runs"] if r.get("mode") in ("e2e", "pool")]
    if peaks:
        checks["peak_rss_mb"] = {
            "target": TARGET_RSS_MB, "measured": max(peaks), "met": max(peaks) <= TARGET_RSS_MB
        }
    return checks


def table(results: dict[str, Any]) -> str:
    """Return the results as Markdown tables."""
    lines = [
        "| corpus | runner | processes | articles | articles/s (coding) | words/s (coding) "
        "| articles/s (read + code) | articles per CPU-s (coding) | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    names = {"e2e": "Pipeline.pipe", "pool": "local.code_parallel", "spacy": "spaCy nlp.pipe only"}
    for row in results["runs"]:
        if "error" in row:
            lines.append(f"| error | {row['command']} | | | | | | | |")
            continue
        block = row.get("coding") or row.get("parse")
        e2e = row.get("end_to_end", {}).get("articles_per_s", "")
        lines.append(
            f"| {row['corpus']} | {names[row['mode']]} | {row['n_process']} | {row['articles']} "
            f"| {block['articles_per_s']} | {block['words_per_s']:,.0f} | {e2e} "
            f"| {block.get('articles_per_cpu_s', '')} | {row['peak_rss_mb']} |"
        )
    spark = results.get("spark")
    if spark and "error" not in spark:
        for r in spark["runs"]:
            lines.append(
                f"| {spark['corpus']} | Spark {spark['master']} ({r['run']}) | 2 "
                f"| {spark['articles']} | {r['articles_per_s']} | {r['words_per_s']:,.0f} "
                f"| (job incl. read and writes) | | {spark['peak_rss_mb']} |"
            )
    lines += ["", "| target | measured | met |", "|---|---|---|"]
    for name, check in results["targets"].items():
        lines.append(f"| {name} >= / <= {check['target']} | {check['measured']} | {check['met']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the suite, write the JSON and the table, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuters-limit", type=int, default=5000)
    parser.add_argument("--profile-limit", type=int, default=100)
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--no-prefilter", action="store_true")
    parser.add_argument("--corpora", nargs="+", default=["wikinews", "reuters"])
    args = parser.parse_args(argv)
    results = measure(args)
    results["machine"]["load_average_at_end"] = list(os.getloadavg())
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    text = json.dumps(results, indent=2)
    (RESULTS / f"pipeline-{stamp}.json").write_text(text + "\n", encoding="utf-8")
    (RESULTS / "pipeline-latest.json").write_text(text + "\n", encoding="utf-8")
    rendered = table(results)
    (RESULTS / "pipeline-table.md").write_text(rendered, encoding="utf-8")
    print(rendered)
    return 0


if __name__ == "__main__":
    sys.exit(main())
