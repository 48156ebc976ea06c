"""Benchmark the coding pipeline: end to end, spaCy alone, peak RSS and profile.

Each measurement runs in its own process (``run_all.py`` starts them), so peak RSS belongs to
one configuration. Modes:

    python benchmarks/pipeline.py e2e --corpus wikinews --n-process 2
    python benchmarks/pipeline.py pool --corpus wikinews --n-process 2
    python benchmarks/pipeline.py stream --corpus wikinews --n-process 2
    python benchmarks/pipeline.py spacy --corpus wikinews --n-process 2
    python benchmarks/pipeline.py profile --corpus wikinews --limit 100

e2e: read and clean the corpus, then code it with ``code_articles(n_process=N)`` (whole
articles per worker above 1); pool: the same with ``distributed.local.code_parallel`` (N
processes, each running the whole pipeline); stream: reading and coding at once, as
``realpolitik code -j N`` runs (the parent reads while the workers code); spacy: the cleaned
texts through spaCy as installed (``spacy.load``, ``nlp.pipe``), the cost of parsing every
sentence; spacy-tuned: the same through realpolitik's ``load_nlp`` (numpy matrix products, fast
attribute rules and lemmatizer); profile: cProfile of e2e
with one process, grouped by stage. The pre-parse filter is measured against parsing every
sentence by ``benchmarks/prefilter.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import multiprocessing
import os
import pstats
import resource
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
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
PSS_EVERY = 8  # PSS is sampled on every 8th RSS sample (every 2 s)


class PeakRSS:
    """Sample the memory of this process and all its descendants (Linux /proc).

    peak: the summed VmRSS (pages a forked worker shares with its parent count once per
    process, so an upper bound); peak_pss: the summed proportional set size (shared pages split
    between the processes sharing them: what the tree really holds); samples: (seconds since
    start, RSS bytes) every ``interval``.
    """

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak = 0
        self.peak_pss = 0
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRSS:
        self._start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            pids = tree_pids(os.getpid())
            rss = sum(_status_kb(pid, "VmRSS:") for pid in pids) * 1024
            self.peak = max(self.peak, rss)
            if tick % PSS_EVERY == 0:  # reading smaps_rollup costs ~9 ms of CPU per process
                self.peak_pss = max(self.peak_pss, sum(_pss_kb(pid) for pid in pids) * 1024)
            self.samples.append((time.perf_counter() - self._start, rss))
            tick += 1
            self._stop.wait(self.interval)

    @property
    def peak_mb(self) -> float:
        return round(self.peak / 2**20, 1)

    @property
    def peak_pss_mb(self) -> float:
        return round(self.peak_pss / 2**20, 1)

    def profile_mb(self, since: float = 0.0, parts: int = 4) -> list[float]:
        """Return the peak RSS (MB) in each of ``parts`` equal stretches of the samples taken
        after ``since`` seconds: flat when memory does not grow with the articles coded."""
        rows = [rss for at, rss in self.samples if at >= since]
        if len(rows) < parts:
            return [round(max(rows, default=0) / 2**20, 1)]
        size = len(rows) / parts
        return [
            round(max(rows[int(k * size) : int((k + 1) * size)]) / 2**20, 1) for k in range(parts)
        ]


def tree_pids(root: int) -> list[int]:
    """Return ``root`` and its descendants (via each task's children list)."""
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        if pid in found:
            continue
        found.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                frontier.extend(int(child) for child in children)
        except OSError:
            continue
    return found


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss(root: int) -> int:
    """Return the summed VmRSS (bytes) of ``root`` and its descendants."""
    return sum(_status_kb(pid, "VmRSS:") for pid in tree_pids(root)) * 1024


def read_corpus(name: str, limit: int | None) -> list[Article]:
    """Return the first ``limit`` cleaned articles of a shared corpus (as ``read_articles``)."""
    return list(stream_corpus(name, limit))


def stream_corpus(name: str, limit: int | None) -> Iterator[Article]:
    """Yield the first ``limit`` cleaned articles of a shared corpus as they are read."""
    from realpolitik.sources import read_articles

    path = CORPORA[name]
    if not path.is_file():
        raise SystemExit(f"{path} is absent: the benchmark needs ../shared/corpus")
    return islice(read_articles([path], on_warning=lambda message: None), limit)


def words(articles: Iterable[Article]) -> int:
    """Return the whitespace word count of the articles' texts."""
    return sum(len(a.text.split()) for a in articles)


def cpu_seconds() -> float:
    """Return the CPU time used so far by this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Clock:
    """The wall and CPU seconds of the last ``timed`` call (the machine is shared)."""

    cpu = 0.0


def timed(func: Callable[[], Any]) -> tuple[Any, float]:
    """Return func's result and its wall time in seconds (its CPU time goes to Clock.cpu)."""
    start, cpu = time.perf_counter(), cpu_seconds()
    result = func()
    wall = time.perf_counter() - start
    for child in multiprocessing.active_children():  # reap workers so their CPU time counts
        child.join(timeout=10)
    Clock.cpu = cpu_seconds() - cpu
    return result, wall


def rates(n_articles: int, n_words: int, seconds: float, cpu: float | None = None) -> dict:
    """Return articles/s and words/s, and per CPU-second when the CPU time is given.

    On a shared machine the wall rate depends on the load; articles per CPU-second does not
    (much): on idle cores, N busy processes give about N times that.
    """
    out = {
        "seconds": round(seconds, 2),
        "articles_per_s": round(n_articles / seconds, 2),
        "words_per_s": round(n_words / seconds, 1),
    }
    if cpu:
        out["cpu_seconds"] = round(cpu, 2)
        out["articles_per_cpu_s"] = round(n_articles / cpu, 2)
        out["words_per_cpu_s"] = round(n_words / cpu, 1)
    return out


def bench_e2e(
    corpus: str, limit: int | None, n_process: int, *, pool: bool, rss: PeakRSS | None = None
) -> dict[str, Any]:
    """Time reading + coding; coding through Pipeline.pipe or the process-pool runner.

    rss: the running sampler; its peaks in each quarter of the coding show whether memory
    stays flat as articles stream through the workers
    """
    import realpolitik

    pipeline, load_s = timed(lambda: realpolitik.load(Settings()))
    articles, read_s = timed(lambda: read_corpus(corpus, limit))
    read_cpu = Clock.cpu
    coding_from = time.perf_counter() - rss._start if rss is not None else 0.0
    coded = [a for a in articles if pipeline.codable(a)]
    from realpolitik.distributed.local import code_articles, code_parallel

    if pool:

        def run() -> list:
            return list(code_parallel(articles, pipeline=pipeline, n_process=n_process))
    else:

        def run() -> list:
            return list(code_articles(articles, pipeline, n_process=n_process))

    results, code_s = timed(run)
    code_cpu = Clock.cpu
    n_words = words(coded)
    return {
        "articles": len(articles),
        "coded_articles": len(coded),
        "words": n_words,
        "events": sum(len(events) for _, events in results),
        "load_s": round(load_s, 2),
        "read_s": round(read_s, 2),
        "coding": rates(len(articles), n_words, code_s, code_cpu),
        "end_to_end": rates(len(articles), n_words, read_s + code_s, read_cpu + code_cpu),
        "coder_version": pipeline.version,
        "rss_mb_by_quarter_of_coding": rss.profile_mb(since=coding_from) if rss else [],
    }


def bench_stream(
    corpus: str, limit: int | None, n_process: int, rss: PeakRSS | None = None
) -> dict[str, Any]:
    """Time reading and coding together, as ``realpolitik code -j N`` runs them: the parent
    reads, cleans and de-duplicates articles while the workers code the chunks already read."""
    import realpolitik
    from realpolitik.distributed.local import code_articles

    pipeline, load_s = timed(lambda: realpolitik.load(Settings()))
    coding_from = time.perf_counter() - rss._start if rss is not None else 0.0
    stream = stream_corpus(corpus, limit)
    results, seconds = timed(lambda: list(code_articles(stream, pipeline, n_process=n_process)))
    cpu = Clock.cpu
    coded = [a for a, _ in results if pipeline.codable(a)]
    n_words = words(coded)
    return {
        "articles": len(results),
        "coded_articles": len(coded),
        "words": n_words,
        "events": sum(len(events) for _, events in results),
        "load_s": round(load_s, 2),
        "end_to_end": rates(len(results), n_words, seconds, cpu),
        "coder_version": pipeline.version,
        "rss_mb_by_quarter_of_coding": rss.profile_mb(since=coding_from) if rss else [],
    }


def bench_spacy(
    corpus: str, limit: int | None, n_process: int, *, tuned: bool = False
) -> dict[str, Any]:
    """Time the cleaned texts through the spaCy pipeline alone (every sentence parsed).

    tuned: False for spaCy as installed (``spacy.load``: the baseline of the speed ratio);
    True for realpolitik's loading of the same model (``load_nlp``: numpy's matrix products,
    ``FastAttributes``, ``FastLemmatizer``), to show what the filter and the coder's own
    shortcuts gain apart from those
    """
    import spacy

    from realpolitik.nlp import load_nlp

    settings = Settings()
    if tuned:
        nlp, load_s = timed(lambda: load_nlp(settings))
    else:
        nlp, load_s = timed(lambda: spacy.load(settings.spacy_model))
    articles = read_corpus(corpus, limit)
    texts = [a.text[: settings.max_chars] for a in articles if a.duplicate_of is None]

    def run() -> int:
        sentences = 0
        for doc in nlp.pipe(texts, batch_size=settings.batch_size, n_process=n_process):
            sentences += sum(1 for _ in doc.sents)
        return sentences

    sentences, seconds = timed(run)
    cpu = Clock.cpu
    return {
        "articles": len(articles),
        "parsed_texts": len(texts),
        "sentences": sentences,
        "words": words(articles),
        "load_s": round(load_s, 2),
        "parse": rates(len(articles), words(articles), seconds, cpu),
    }


STAGES = (
    ("spaCy neural nets (thinc: tok2vec, tagger, parser, ner)", ("thinc/",)),
    ("spaCy pipe loop incl. Cython parser/ner transitions", ("spacy/util.py", "spacy/language")),
    ("spaCy attribute_ruler (Matcher)", ("spacy/matcher/", "attributeruler")),
    ("spaCy lemmatizer", ("spacy/pipeline/lemmatizer", "spacy/lang/en/lemmatizer")),
    ("spaCy tokenizer and vocab", ("spacy/tokenizer", "spacy/vocab", "spacy/strings")),
    ("spaCy Doc/Token access (mostly from realpolitik code)", ("spacy/tokens/",)),
    ("realpolitik.actors", ("realpolitik/actors",)),
    ("realpolitik.coder", ("realpolitik/coder",)),
    ("realpolitik.prefilter + pipeline", ("realpolitik/prefilter", "realpolitik/pipeline")),
    ("reading: sources, clean, language id, dedupe", (
        "realpolitik/sources", "realpolitik/clean", "realpolitik/language", "realpolitik/dedupe",
        "py3langid", "trafilatura", "_lzma", "lzma",
    )),
)  # fmt: skip


def bench_profile(corpus: str, limit: int | None, top: int = 40) -> dict[str, Any]:
    """Profile reading + coding in one process; return stage shares and the top functions."""
    import realpolitik

    pipeline = realpolitik.load(Settings())
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    articles = read_corpus(corpus, limit)
    events = sum(len(ev) for _, ev in pipeline.pipe(articles))
    profiler.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    by_stage: Counter[str] = Counter()
    for (filename, _, _), row in stats.stats.items():  # type: ignore[attr-defined]
        stage = next((name for name, marks in STAGES if any(m in filename for m in marks)), "other")
        by_stage[stage] += row[2]
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    cumulative = io.StringIO()
    pstats.Stats(profiler, stream=cumulative).sort_stats("cumulative").print_stats(top)
    return {
        "articles": len(articles),
        "events": events,
        "wall_s": round(wall, 2),
        "profiled_s": round(total, 2),
        "self_time_by_stage_pct": {k: round(100 * v / total, 1) for k, v in by_stage.most_common()},
        "top_by_self_time": _top(stats, top),
        "top_by_cumulative_time": _top(stats, top, column=3),
        "pstats_text": out.getvalue(),
        "pstats_cumulative_text": cumulative.getvalue(),
    }


def _top(stats: pstats.Stats, top: int, column: int = 2) -> list[dict[str, Any]]:
    """Return the top functions by self time (column 2) or cumulative time (column 3)."""
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][column])[:top]  # type: ignore[attr-defined]
    return [
        {"function": f"{Path(f).name}:{line}({name})", "calls": r[1], "self_s": round(r[2], 3),
         "cumulative_s": round(r[3], 3)}
        for (f, line, name), r in rows
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run one measurement and print (and optionally write) its JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "mode", choices=["e2e", "pool", "stream", "spacy", "spacy-tuned", "profile"]
    )
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="wikinews")
    parser.add_argument("--limit", type=int, default=None, help="first N articles")
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--output", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    limit = args.limit if args.limit is not None else DEFAULT_LIMITS[args.corpus]
    with PeakRSS() as rss:
        if args.mode in ("e2e", "pool"):
            pool = args.mode == "pool"
            result = bench_e2e(args.corpus, limit, args.n_process, pool=pool, rss=rss)
        elif args.mode == "stream":
            result = bench_stream(args.corpus, limit, args.n_process, rss=rss)
        elif args.mode in ("spacy", "spacy-tuned"):
            tuned = args.mode == "spacy-tuned"
            result = bench_spacy(args.corpus, limit, args.n_process, tuned=tuned)
        else:
            result = bench_profile(args.corpus, limit)
    result = {"mode": args.mode, "corpus": args.corpus, "limit": limit,
              "n_process": args.n_process, **result, "peak_rss_mb": rss.peak_mb,
              "peak_pss_mb": rss.peak_pss_mb, "load_average": list(os.getloadavg())}  # fmt: skip
    text = json.dumps(result, indent=2)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
