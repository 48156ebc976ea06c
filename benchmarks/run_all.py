"""Run the pipeline benchmarks (what `make bench` runs); write JSON and a table.

Every measurement runs in its own process (one configuration's peak RSS each). For each corpus
(Wikinews, all 317 articles; the first 5,000 Reuters articles): the coding path with two
processes (``local.code_parallel``, what ``realpolitik code -j 2`` runs: on read articles, and
streamed, reading while the workers code), spaCy parsing every
sentence with two processes in the same run (the baseline: spaCy as installed; also the same
model as realpolitik loads it, with numpy's matrix products and its fast components), and
``prefilter.py``: the events found with the pre-parse filter against the unfiltered path.
Then a profile of one process.
Results go to ``benchmarks/results/pipeline-<time>.json`` (and ``pipeline-latest.json``), and a
Markdown table of them to stdout and ``benchmarks/results/pipeline-table.md``.

    python benchmarks/run_all.py                      # about 15-25 min on 2 shared cores
    python benchmarks/run_all.py --corpora wikinews --no-prefilter --no-profile
    python benchmarks/run_all.py --one-process --spark  # also 1-process rows and Spark

Targets (issue 17, the project's 2-core machine): >= 45 Wikinews articles/s read + code with two
processes on a quiet machine, or, when it is loaded, >= 5x the articles per CPU-second of spaCy
parsing every sentence; >= 99% of the unfiltered path's events; peak RSS <= 2 GB.
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
TARGET_ARTICLES_PER_S = 45.0
TARGET_CPU_RATIO = 5.0
TARGET_EVENT_SHARE = 0.99
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
        head = subprocess.run(
            ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(HERE), "status", "--porcelain", "--", "../src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
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
    results: dict[str, Any] = {"machine": machine(), "runs": [], "prefilter": {}}
    corpora = [("wikinews", None), ("reuters", args.reuters_limit)]
    corpora = [c for c in corpora if c[0] in args.corpora]
    configurations = [("pool", 2), ("stream", 2), ("spacy", 2), ("spacy-tuned", 2)]
    if args.one_process:
        configurations += [("e2e", 1), ("spacy", 1)]
    for corpus, limit in corpora:
        extra = ["--corpus", corpus] + (["--limit", str(limit)] if limit else [])
        for mode, n_process in configurations:
            print(f"... {corpus} {mode} n_process={n_process}", file=sys.stderr, flush=True)
            results["runs"].append(run("pipeline.py", mode, *extra, "--n-process",
                                       str(n_process)))  # fmt: skip
        if not args.no_prefilter:
            print(f"... {corpus} prefilter against the full parse", file=sys.stderr, flush=True)
            results["prefilter"][corpus] = run("prefilter.py", *extra)
    if not args.no_profile:
        print("... profile (wikinews)", file=sys.stderr, flush=True)
        results["profile"] = run("pipeline.py", "profile", "--corpus", "wikinews", "--limit",
                                 str(args.profile_limit))  # fmt: skip
    if args.spark:
        print("... spark local[2] (wikinews)", file=sys.stderr, flush=True)
        results["spark"] = run("spark.py", "--corpus", "wikinews", "--master", "local[2]")
    results["targets"] = check_targets(results)
    return results


def _find(results: dict[str, Any], corpus: str, mode: str, n_process: int) -> dict[str, Any]:
    for row in results["runs"]:
        if (row.get("corpus"), row.get("mode"), row.get("n_process")) == (corpus, mode, n_process):
            return row
    return {}


def _block(row: dict[str, Any], key: str) -> dict[str, Any]:
    return row.get(key) or row.get("parse") or {}


def speed_ratios(
    results: dict[str, Any], corpus: str, baseline: str = "spacy"
) -> dict[str, float | None]:
    """Return the two-process coding path against spaCy parsing every sentence (also two
    processes, same run): per CPU-second and per wall second.

    baseline: "spacy" (spaCy as installed, the target's baseline) or "spacy-tuned" (the same
    model as realpolitik loads it)
    """
    ours, spacy = _find(results, corpus, "pool", 2), _find(results, corpus, baseline, 2)
    out: dict[str, float | None] = {"per_cpu_s": None, "per_wall_s": None}
    for name, field in (("per_cpu_s", "articles_per_cpu_s"), ("per_wall_s", "articles_per_s")):
        mine, theirs = _block(ours, "coding").get(field), _block(spacy, "parse").get(field)
        if mine and theirs:
            out[name] = round(mine / theirs, 2)
    return out


def check_targets(results: dict[str, Any]) -> dict[str, Any]:
    """Return each target with the measured value and whether it is met."""
    checks: dict[str, Any] = {}
    for corpus in ("wikinews", "reuters"):
        rows = [_find(results, corpus, mode, 2) for mode in ("pool", "stream")]
        rows = [r for r in rows if r and "error" not in r]
        if not rows:
            continue
        best = max(rows, key=lambda r: r["end_to_end"]["articles_per_s"])
        rate = best["end_to_end"]["articles_per_s"]
        if corpus == "wikinews":
            checks["wikinews_read_code_articles_per_s_2proc"] = {
                "target": TARGET_ARTICLES_PER_S, "measured": rate, "runner": best["mode"],
                "met": rate >= TARGET_ARTICLES_PER_S,
                "load_average": best.get("load_average"),
            }  # fmt: skip
        ratio = speed_ratios(results, corpus)["per_cpu_s"]
        if ratio is not None:
            checks[f"{corpus}_per_cpu_s_vs_full_parse"] = {
                "target": TARGET_CPU_RATIO, "measured": ratio, "met": ratio >= TARGET_CPU_RATIO,
            }  # fmt: skip
        prefilter = results.get("prefilter", {}).get(corpus) or {}
        if "lost_share" in prefilter:
            kept = round(1 - prefilter["lost_share"], 4)
            checks[f"{corpus}_events_kept_vs_unfiltered"] = {
                "target": TARGET_EVENT_SHARE, "measured": kept, "met": kept >= TARGET_EVENT_SHARE,
            }  # fmt: skip
    peaks = [
        r["peak_rss_mb"] for r in results["runs"] if r.get("mode") in ("e2e", "pool", "stream")
    ]
    if peaks:
        checks["peak_rss_mb"] = {
            "target": TARGET_RSS_MB,
            "measured": max(peaks),
            "met": max(peaks) <= TARGET_RSS_MB,
        }
    return checks


def table(results: dict[str, Any]) -> str:
    """Return the results as Markdown tables."""
    lines = [
        "| corpus | runner | processes | articles | articles/s (coding) | articles/s (read + code) "
        "| articles per CPU-s (coding) | articles per CPU-s (read + code) | peak RSS MB (PSS) "
        "| events | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    names = {
        "e2e": "Pipeline.pipe",
        "pool": "local.code_parallel",
        "stream": "code -j 2 (read while coding)",
        "spacy": "spaCy as installed, every sentence",
        "spacy-tuned": "spaCy loaded by realpolitik, every sentence",
    }
    for row in results["runs"]:
        if "error" in row:
            lines.append(f"| error | {row['command']} | | | | | | | | | |")
            continue
        block = _block(row, "coding")
        e2e = row.get("end_to_end", {})
        load = row.get("load_average") or row.get("load_average_after")
        load_text = f"{load[0]:.1f}" if load else ""
        lines.append(
            f"| {row['corpus']} | {names[row['mode']]} | {row['n_process']} | {row['articles']} "
            f"| {block.get('articles_per_s', '')} | {e2e.get('articles_per_s', '')} "
            f"| {block.get('articles_per_cpu_s', '')} | {e2e.get('articles_per_cpu_s', '')} "
            f"| {row['peak_rss_mb']} ({row.get('peak_pss_mb', '')}) | {row.get('events', '')} "
            f"| {load_text} |"
        )
    spark = results.get("spark")
    if spark and "error" not in spark:
        for r in spark["runs"]:
            lines.append(
                f"| {spark['corpus']} | Spark {spark['master']} ({r['run']}) | 2 "
                f"| {spark['articles']} | {r['articles_per_s']} | (job incl. read and writes) "
                f"| | | {spark['peak_rss_mb']} | | |"
            )
    lines += ["", *prefilter_table(results)]
    lines += ["", "| target | measured | met |", "|---|---|---|"]
    for name, check in results["targets"].items():
        lines.append(f"| {name} >= / <= {check['target']} | {check['measured']} | {check['met']} |")
    return "\n".join(lines) + "\n"


def prefilter_table(results: dict[str, Any]) -> list[str]:
    """Return the filter against the full parse, and the speed ratios, one row per corpus."""
    lines = [
        "| corpus | events, full parse | events, filtered | lost | gained | kept sentences "
        "| kept characters | per CPU-s vs spaCy | per wall-s vs spaCy "
        "| per CPU-s vs spaCy loaded by realpolitik |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for corpus in ("wikinews", "reuters"):
        row = results.get("prefilter", {}).get(corpus) or {}
        ratios = speed_ratios(results, corpus)
        tuned = speed_ratios(results, corpus, "spacy-tuned")
        if not row and ratios["per_cpu_s"] is None:
            continue
        lost = f"{row.get('events_lost', '')} ({row.get('lost_share', '')})"
        gained = f"{row.get('events_gained', '')} ({row.get('gained_share', '')})"
        lines.append(
            f"| {corpus} | {row.get('events_without_filter', '')} "
            f"| {row.get('events_with_filter', '')} | {lost} | {gained} "
            f"| {row.get('kept_sentence_share', '')} | {row.get('kept_char_share', '')} "
            f"| {ratios['per_cpu_s']} | {ratios['per_wall_s']} | {tuned['per_cpu_s']} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the suite, write the JSON and the table, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuters-limit", type=int, default=5000)
    parser.add_argument("--profile-limit", type=int, default=100)
    parser.add_argument("--spark", action="store_true", help="also Spark local[2]")
    parser.add_argument("--one-process", action="store_true", help="also 1-process rows")
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
