"""Benchmark the Spark job on local[N]: session start, a cold run and a warm run of one corpus.

    python benchmarks/spark.py --corpus wikinews --master 'local[2]'

The cold run includes loading the Pipeline in each Python worker; the warm run reuses the
workers (and their loaded pipelines), so it shows the steady throughput of a long job.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import CORPORA, DEFAULT_LIMITS, PeakRSS  # noqa: E402

logger = logging.getLogger("benchmarks.spark")


def corpus_file(name: str, limit: int | None, folder: Path) -> Path:
    """Return a JSONL file with the first ``limit`` lines of a shared corpus."""
    source = CORPORA[name]
    if not source.is_file():
        raise SystemExit(f"{source} is absent: the benchmark needs ../shared/corpus")
    target = folder / f"{name}.jsonl"
    with source.open("rb") as lines:
        target.write_bytes(b"".join(islice(lines, limit)))
    return target


def bench_spark(corpus: str, limit: int | None, master: str) -> dict[str, Any]:
    """Time session start, a cold job and a warm job on the same input."""
    from realpolitik.distributed.spark import JobOptions, build_session, run_job

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = corpus_file(corpus, limit, folder)
        start = time.perf_counter()
        spark = build_session(master)
        spark.sparkContext.setLogLevel("ERROR")
        session_s = time.perf_counter() - start
        try:
            runs = []
            for name in ("cold", "warm"):
                began = time.perf_counter()
                summary = run_job(spark, [str(path)], str(folder / name),
                                  options=JobOptions(overwrite=True))  # fmt: skip
                seconds = time.perf_counter() - began
                runs.append({
                    "run": name,
                    "seconds": round(seconds, 2),
                    "articles_per_s": round(summary["articles"] / seconds, 2),
                    "words_per_s": round(summary["words"] / seconds, 1),
                    "pipeline_loads": summary["pipeline_loads"],
                })  # fmt: skip
        finally:
            spark.stop()
    return {
        "master": master,
        "articles": summary["articles"],
        "words": summary["words"],
        "events": summary["events"],
        "session_start_s": round(session_s, 2),
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the Spark benchmark and print (and optionally write) its JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="wikinews")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    limit = args.limit if args.limit is not None else DEFAULT_LIMITS[args.corpus]
    with PeakRSS() as rss:
        result = bench_spark(args.corpus, limit, args.master)
    result = {"mode": "spark", "corpus": args.corpus, "limit": limit, **result,
              "peak_rss_mb": rss.peak_mb}  # fmt: skip
    text = json.dumps(result, indent=2)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
