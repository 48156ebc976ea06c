"""Benchmark ingest: pages/s for HTML files and for a WARC.gz of the same pages.

Reads the 181 pages of ``../shared/corpus/aeb_html`` with ``read_articles`` (trafilatura in
precision mode, then line cleaning, language identification and duplicate detection), then
writes them into a temporary WARC.gz (``--copies`` times each) and reads that. Prints JSON:
pages per wall-clock second and per CPU second (the machine may be shared) with and without
the cleaning stages, peak RSS, and the mean token F1 of the cleaned
text against the gold text in ``../shared/corpus/aeb.jsonl``.

    python benchmarks/ingest.py
    python benchmarks/ingest.py --copies 3 --output benchmarks/results/ingest.json
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from realpolitik.evaluate import token_f1
from realpolitik.settings import Settings
from realpolitik.sources import read_articles

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def build_warc(pages: list[Path], path: Path, *, copies: int) -> int:
    """Write each page ``copies`` times as a response record, after a request record."""
    count = 0
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for copy in range(copies):
            for page in pages:
                url = f"https://bench.example/{copy}/{page.name.split('.')[0]}"
                request = writer.create_warc_record(
                    url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
                )
                writer.write_record(request)
                headers = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(gzip.decompress(page.read_bytes())),
                    http_headers=headers,
                )
                writer.write_record(record)
                count += 1
    return count


def timed_read(paths: list[Path], *, settings: Settings, clean: bool) -> dict[str, Any]:
    """Read ``paths`` once; return the articles, count, seconds and warnings."""
    warnings: list[str] = []
    start, cpu_start = time.perf_counter(), time.process_time()
    articles = list(
        read_articles(
            paths, settings=settings, clean=clean, dedupe=clean, on_warning=warnings.append
        )
    )
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return {"articles": articles, "seconds": seconds, "cpu": cpu, "warnings": len(warnings)}


def _rate(run: dict[str, Any]) -> dict[str, Any]:
    count = len(run["articles"])
    return {
        "pages": count,
        "seconds": round(run["seconds"], 2),
        "pages_per_s": round(count / run["seconds"], 1),
        "cpu_seconds": round(run["cpu"], 2),
        "pages_per_cpu_s": round(count / run["cpu"], 1),
        "warnings": run["warnings"],
    }


def mean_f1(articles: list[Any], gold_path: Path) -> float | None:
    """Return the mean token F1 of the articles against the aeb gold texts, by page id."""
    if not gold_path.is_file():
        return None
    gold = {}
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        gold[row["id"].split("/", 1)[1]] = row["text"]
    texts = {article.id.split(".")[0]: article.text for article in articles}
    return round(
        sum(token_f1(texts.get(key, ""), text) for key, text in gold.items()) / len(gold), 4
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html-dir", type=Path, default=SHARED / "corpus" / "aeb_html")
    parser.add_argument("--copies", type=int, default=1, help="times each page goes in the WARC")
    parser.add_argument("--output", type=Path, help="also write the JSON results here")
    args = parser.parse_args(argv)
    if not args.html_dir.is_dir():
        print(f"{args.html_dir} is absent: the benchmark needs ../shared", file=sys.stderr)
        return 2
    settings = Settings()
    pages = sorted(args.html_dir.glob("*.html.gz"))
    read_articles([], settings=settings)  # nothing to read: warms imports only
    html_full = timed_read(pages, settings=settings, clean=True)
    html_extract = timed_read(pages, settings=settings, clean=False)
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "aeb.warc.gz"
        records = build_warc(pages, warc, copies=args.copies)
        warc_bytes = warc.stat().st_size
        warc_full = timed_read([warc], settings=settings, clean=True)
    results = {
        "html": {
            **_rate(html_full),
            "token_f1": mean_f1(html_full["articles"], SHARED / "corpus" / "aeb.jsonl"),
        },
        "html_extract_only": _rate(html_extract),
        "warc": {
            **_rate(warc_full),
            "records": records,
            "file_mb": round(warc_bytes / (1 << 20), 1),
            "duplicates": sum(1 for a in warc_full["articles"] if a.duplicate_of),
        },
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    text = json.dumps(results, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
