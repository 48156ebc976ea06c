"""Benchmark the coding pipeline: end to end, spaCy alone, peak RSS, profile and pre-filter study.

Each measurement runs in its own process (``run_all.py`` starts them), so peak RSS belongs to
one configuration. Modes:

    python benchmarks/pipeline.py e2e --corpus wikinews --n-process 2
    python benchmarks/pipeline.py spacy --corpus wikinews --n-process 2
    python benchmarks/pipeline.py pool --corpus wikinews --n-process 2
    python benchmarks/pipeline.py profile --corpus wikinews --limit 100
    python benchmarks/pipeline.py prefilter --corpus wikinews

e2e: read, clean and code with ``Pipeline.pipe(n_process=N)`` (spaCy's multiprocessing);
pool: the same with ``realpolitik.distributed.local.code_parallel`` (N processes, each running
the whole pipeline); spacy: the cleaned texts through ``nlp.pipe`` alone, the cost of parsing
every sentence; profile: cProfile of e2e with one process, grouped by stage; prefilter: how
many sentences a pre-parse filter (senter + actor PhraseMatcher) would skip, what it costs,
and which events it would lose.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from realpolitik.models import Article  # noqa: E402
from realpolitik.settings import Settings  # noqa: E402

logger = logging.getLogger("benchmarks.pipeline")

ROOT = Path(__file__).resolve().parents[1]
CORPORA = {
    "wikinews": ROOT.parent / "shared" / "corpus" / "wikinews.jsonl",
    "reuters": ROOT.parent / "shared" / "corpus" / "reuters21578.jsonl",
}
DEFAULT_LIMITS = {"wikinews": None, "reuters": 5000}


class PeakRSS:
    """Sample the resident memory of this process and all its descendants (Linux /proc)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(os.getpid()))
            self._stop.wait(self.interval)

    @property
    def peak_mb(self) -> float:
        return round(self.peak / 2**20, 1)


def tree_rss(root: int) -> int:
    """Return the summed VmRSS (bytes) of ``root`` and its descendants."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    family, frontier = {root}, [root]
    while frontier:
        current = frontier.pop()
        for pid, parent in parents.items():
            if parent == current and pid not in family:
                family.add(pid)
                frontier.append(pid)
    total = 0
    for pid in family:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def read_corpus(name: str, limit: int | None) -> list[Article]:
    """Return the first ``limit`` cleaned articles of a shared corpus (as ``read_articles``)."""
    from realpolitik.sources import read_articles

    path = CORPORA[name]
    if not path.is_file():
        raise SystemExit(f"{path} is absent: the benchmark needs ../shared/corpus")
    return list(islice(read_articles([path], on_warning=lambda message: None), limit))


def words(articles: Iterable[Article]) -> int:
    """Return the whitespace word count of the articles' texts."""
    return sum(len(a.text.split()) for a in articles)


def timed(func: Callable[[], Any]) -> tuple[Any, float]:
    """Return func's result and its wall time in seconds."""
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start


def rates(n_articles: int, n_words: int, seconds: float) -> dict[str, float]:
    """Return articles/s and words/s."""
    return {
        "seconds": round(seconds, 2),
        "articles_per_s": round(n_articles / seconds, 2),
        "words_per_s": round(n_words / seconds, 1),
    }


def bench_e2e(corpus: str, limit: int | None, n_process: int, *, pool: bool) -> dict[str, Any]:
    """Time reading + coding; coding through Pipeline.pipe or the process-pool runner."""
    import realpolitik

    pipeline, load_s = timed(lambda: realpolitik.load(Settings()))
    articles, read_s = timed(lambda: read_corpus(corpus, limit))
    coded = [a for a in articles if pipeline.codable(a)]
    if pool:
        from realpolitik.distributed.local import code_parallel

        def run() -> list:
            return list(code_parallel(articles, pipeline=pipeline, n_process=n_process))
    else:

        def run() -> list:
            return list(pipeline.pipe(articles, n_process=n_process))

    results, code_s = timed(run)
    n_words = words(coded)
    return {
        "articles": len(articles),
        "coded_articles": len(coded),
        "words": n_words,
        "events": sum(len(events) for _, events in results),
        "load_s": round(load_s, 2),
        "read_s": round(read_s, 2),
        "coding": rates(len(articles), n_words, code_s),
        "end_to_end": rates(len(articles), n_words, read_s + code_s),
        "coder_version": pipeline.version,
    }


def bench_spacy(corpus: str, limit: int | None, n_process: int) -> dict[str, Any]:
    """Time the cleaned texts through the spaCy pipeline alone (every sentence parsed)."""
    from realpolitik.nlp import load_nlp

    settings = Settings()
    nlp, load_s = timed(lambda: load_nlp(settings))
    articles = read_corpus(corpus, limit)
    texts = [a.text[: settings.max_chars] for a in articles if a.duplicate_of is None]

    def run() -> int:
        sentences = 0
        for doc in nlp.pipe(texts, batch_size=settings.batch_size, n_process=n_process):
            sentences += sum(1 for _ in doc.sents)
        return sentences

    sentences, seconds = timed(run)
    return {
        "articles": len(articles),
        "parsed_texts": len(texts),
        "sentences": sentences,
        "words": words(articles),
        "load_s": round(load_s, 2),
        "parse": rates(len(articles), words(articles), seconds),
    }


STAGES = (
    ("spacy.parser/ner (transition)", ("spacy/pipeline/transition_parser", "spacy/syntax")),
    ("spacy tok2vec/tagger (thinc)", ("thinc/",)),
    ("spacy tokenizer", ("spacy/tokenizer",)),
    ("spacy lemmatizer/attribute_ruler", ("spacy/pipeline/lemmatizer", "attributeruler")),
    ("realpolitik.actors", ("realpolitik/actors",)),
    ("realpolitik.coder", ("realpolitik/coder",)),
    ("realpolitik.sources/clean/language/dedupe", (
        "realpolitik/sources", "realpolitik/clean", "realpolitik/language", "realpolitik/dedupe",
        "py3langid", "trafilatura",
    )),
)  # fmt: skip


def bench_profile(corpus: str, limit: int | None, top: int = 25) -> dict[str, Any]:
    """Profile reading + coding in one process; return stage shares and the top functions."""
    import realpolitik

    pipeline = realpolitik.load(Settings())
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    articles = read_corpus(corpus, limit)
    events = sum(len(ev) for _, ev in pipeline.pipe(articles, n_process=1))
    profiler.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    by_stage: Counter[str] = Counter()
    for (filename, _, _), row in stats.stats.items():  # type: ignore[attr-defined]
        stage = next(
            (name for name, marks in STAGES if any(m in filename for m in marks)), "other"
        )
        by_stage[stage] += row[2]
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return {
        "articles": len(articles),
        "events": events,
        "wall_s": round(wall, 2),
        "self_time_by_stage_pct": {k: round(100 * v / total, 1) for k, v in by_stage.most_common()},
        "top_by_self_time": _top(stats, top),
        "pstats_text": out.getvalue(),
    }


def _top(stats: pstats.Stats, top: int) -> list[dict[str, Any]]:
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]  # type: ignore[attr-defined]
    return [
        {"function": f"{Path(f).name}:{line}({name})", "calls": r[1], "self_s": round(r[2], 3),
         "cumulative_s": round(r[3], 3)}
        for (f, line, name), r in rows
    ]  # fmt: skip


def bench_prefilter(corpus: str, limit: int | None) -> dict[str, Any]:
    """Measure a pre-parse filter: senter + actor PhraseMatcher, parse only likely sentences.

    A sentence is kept when it holds two or more matcher hits (aliases, role nouns, pronouns),
    at least one of them an alias or a role noun. Reported: the share of sentences and words
    skipped, the filter's own cost, the parse time of the kept sentences against the parse of
    everything, and how many of the full pipeline's events lie in skipped sentences.
    """
    import spacy

    import realpolitik

    settings = Settings()
    pipeline = realpolitik.load(settings)
    articles = [a for a in read_corpus(corpus, limit) if pipeline.codable(a)]
    texts = [a.text[: settings.max_chars] for a in articles]
    splitter = spacy.load(settings.spacy_model, exclude=["tok2vec", "tagger", "parser",
                          "attribute_ruler", "lemmatizer", "ner"])  # fmt: skip
    splitter.enable_pipe("senter")
    matcher = pipeline.resolver.matcher

    def split_and_match() -> list[list[tuple[int, int, str, bool]]]:
        kept_by_doc = []
        for doc in splitter.pipe(texts, batch_size=settings.batch_size):
            hits = _longest(matcher(doc))
            rows = []
            for sent in doc.sents:
                keys = [k for s, e, k in hits if s >= sent.start and e <= sent.end]
                strong = [k for k in keys if not k.startswith(_pronoun_prefix())]
                keep = len(keys) >= 2 and bool(strong)
                rows.append((sent.start_char, sent.end_char, sent.text, keep))
            kept_by_doc.append(rows)
        return kept_by_doc

    kept_by_doc, filter_s = timed(split_and_match)
    sentences = [row for rows in kept_by_doc for row in rows]
    kept = [row for row in sentences if row[3]]
    kept_texts = [row[2] for row in kept]
    _, full_s = timed(lambda: sum(1 for _ in pipeline.nlp.pipe(texts, batch_size=64)))
    _, kept_s = timed(lambda: sum(1 for _ in pipeline.nlp.pipe(kept_texts, batch_size=256)))
    lost, total_events = _events_in_skipped(pipeline, articles, kept_by_doc)
    n_words = sum(len(r[2].split()) for r in sentences)
    kept_words = sum(len(r[2].split()) for r in kept)
    return {
        "articles": len(articles),
        "sentences": len(sentences),
        "kept_sentences": len(kept),
        "skipped_sentence_share": round(1 - len(kept) / max(1, len(sentences)), 3),
        "skipped_word_share": round(1 - kept_words / max(1, n_words), 3),
        "filter_s": round(filter_s, 2),
        "full_parse_s": round(full_s, 2),
        "kept_parse_s": round(kept_s, 2),
        "projected_speedup_of_parse": round(full_s / (filter_s + kept_s), 2),
        "events_full_pipeline": total_events,
        "events_in_skipped_sentences": lost,
    }


def _longest(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the longest of overlapping matches, left to right."""
    chosen: list[tuple[int, int, str]] = []
    for start, end, key in sorted(hits, key=lambda h: (h[0], h[0] - h[1])):
        if not chosen or start >= chosen[-1][1]:
            chosen.append((start, end, key))
    return chosen


def _pronoun_prefix() -> str:
    from realpolitik.actors.resolve import PRONOUN_KEY

    return PRONOUN_KEY


def _events_in_skipped(pipeline, articles, kept_by_doc) -> tuple[int, int]:  # noqa: ANN001
    """Count the full pipeline's events whose sentence overlaps no kept sentence."""
    lost = total = 0
    for (_, events), rows in zip(pipeline.pipe(articles), kept_by_doc, strict=True):
        spans = [(s, e) for s, e, _, keep in rows if keep]
        for event in events:
            total += 1
            start, end = event.span
            if not any(s < end and start < e for s, e in spans):
                lost += 1
    return lost, total


def main(argv: list[str] | None = None) -> int:
    """Run one measurement and print (and optionally write) its JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["e2e", "pool", "spacy", "profile", "prefilter"])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="wikinews")
    parser.add_argument("--limit", type=int, default=None, help="first N articles")
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--output", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    limit = args.limit if args.limit is not None else DEFAULT_LIMITS[args.corpus]
    with PeakRSS() as rss:
        if args.mode in ("e2e", "pool"):
            result = bench_e2e(args.corpus, limit, args.n_process, pool=args.mode == "pool")
        elif args.mode == "spacy":
            result = bench_spacy(args.corpus, limit, args.n_process)
        elif args.mode == "profile":
            result = bench_profile(args.corpus, limit)
        else:
            result = bench_prefilter(args.corpus, limit)
    result = {"mode": args.mode, "corpus": args.corpus, "limit": limit,
              "n_process": args.n_process, **result, "peak_rss_mb": rss.peak_mb}  # fmt: skip
    text = json.dumps(result, indent=2)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
