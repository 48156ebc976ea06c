"""The full fuzz run behind ``make fuzz``: 2,100 bad files and 20,000 API strings; prints figures.

Usage: python tests/fuzz/run_fuzz.py [--files N] [--strings N] [--seed S] [--postgres]
Exits 1 when a run aborted, the sentinel is missing, a file went unnamed or the API raised
anything but a coded error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1])]

from harness import fuzz_api, fuzz_files  # noqa: E402


def _files(args: argparse.Namespace, work: Path) -> bool:
    dbs = {"sqlite": str(work / "fuzz.db")}
    server = None
    if args.postgres:
        from store_helpers import PostgresServer

        server = PostgresServer()
        reason = server.skip_reason()
        if reason:
            print(f"PostgreSQL skipped: {reason}")
            server = None
        else:
            server.start()
            dbs["postgres"] = server.create_database("fuzz_full")
    try:
        report = fuzz_files(work / "in", count=args.files, seed=args.seed, dbs=dbs)
    finally:
        if server is not None:
            server.stop()
    print(
        f"files: {report.files} in {len(report.classes)} classes; articles read: {report.articles}"
    )
    print("| run | exit | seconds | aborted |\n|---|---|---|---|")
    for run in report.runs:
        print(f"| {run.command} | {run.returncode} | {run.seconds:.1f} | {run.aborted} |")
    print(f"sentinel: {report.sentinel}")
    for label, summary in report.reruns.items():
        print(f"ingest {label} rerun: {summary}")
    print(
        f"files with no article and no coded message: {len(report.unnamed)} {report.unnamed[:10]}"
    )
    print(
        "coded messages from clean: " + ", ".join(f"{c} {n}" for c, n in report.codes.most_common())
    )
    return not report.aborted and all(report.sentinel.values()) and not report.unnamed


def _api(args: argparse.Namespace) -> bool:
    import realpolitik

    pipeline = realpolitik.load()
    start = time.perf_counter()
    report = fuzz_api(pipeline, count=args.strings, seed=args.seed)
    seconds = time.perf_counter() - start
    print(
        f"API strings: {report.calls} calls in {seconds:.0f} s; events {report.events}; "
        f"coded errors {dict(report.coded)}; other exceptions {len(report.uncoded)}; "
        f"isolated failures (W401) {report.isolated}"
    )
    print(
        f"call time p50 {report.percentile(0.5) * 1000:.1f} ms, "
        f"p99 {report.percentile(0.99) * 1000:.1f} ms, max {max(report.times):.2f} s"
    )
    for line in report.uncoded[:10]:
        print("  " + line)
    return not report.uncoded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2100)
    parser.add_argument("--strings", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--postgres", action="store_true", help="ingest into PostgreSQL too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="realpolitik-fuzz-") as tmp:
        files_ok = _files(args, Path(tmp)) if args.files else True
    api_ok = _api(args) if args.strings else True
    return 0 if files_ok and api_ok else 1


if __name__ == "__main__":
    sys.exit(main())
