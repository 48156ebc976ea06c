"""Measure the pre-parse sentence filter as a classifier against parsing every sentence.

The full path (``Settings(prefilter=False)``) parses every sentence of an article; the filtered
path parses only the sentences ``SentenceFilter.condense`` keeps. Both code the same cleaned
articles; an event is identified by (doc, source, target, CAMEO code, trigger offset in the
article). Reported: the events the filter loses and gains as a share of the full path's events,
the share of sentences and characters kept, the filter's own cost and articles per CPU-second
both ways (the machine is shared, so CPU time, not wall time, is the measure).

    python benchmarks/prefilter.py --corpus wikinews
    python benchmarks/prefilter.py --corpus reuters --limit 2000 --output /tmp/prefilter.json
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import CORPORA, DEFAULT_LIMITS, PeakRSS, read_corpus, words  # noqa: E402

from realpolitik.models import Article, Event  # noqa: E402
from realpolitik.settings import Settings  # noqa: E402

EventKey = tuple[str, str, str, str, int]


def cpu_seconds() -> float:
    """Return the CPU time this process has used so far (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measured(func: Callable[[], Any]) -> tuple[Any, float, float]:
    """Return func's result, its CPU seconds and its wall seconds."""
    cpu, wall = cpu_seconds(), time.perf_counter()
    result = func()
    return result, cpu_seconds() - cpu, time.perf_counter() - wall


def event_key(event: Event) -> EventKey:
    """Return what identifies an event across the two paths (sentence splits may differ)."""
    span = event.evidence.trigger_span or event.span
    return (event.doc_id, event.source.key, event.target.key, event.cameo, span[0])


def coded_events(pipeline, articles: list[Article]) -> dict[EventKey, Event]:  # noqa: ANN001
    """Return every event the pipeline codes in the articles, by key."""
    return {event_key(e): e for _, events in pipeline.pipe(articles) for e in events}


def filter_figures(pipeline, articles: list[Article]) -> tuple[dict[str, Any], dict]:  # noqa: ANN001
    """Return the share of sentences and characters the filter keeps and its own cost, and
    each article's kept character ranges."""
    texts = [a.text[: pipeline.settings.max_chars] for a in articles]
    condensed, cpu, _ = measured(lambda: [pipeline.sentence_filter.condense(t) for t in texts])
    kept_ranges = {
        a.id: [(p.original_start, p.original_start + p.end - p.start) for p in c.pieces]
        for a, c in zip(articles, condensed, strict=True)
    }
    sentences = sum(c.total_sentences for c in condensed)
    kept = sum(len(c.pieces) for c in condensed)
    kept_chars = sum(p.end - p.start for c in condensed for p in c.pieces)
    chars = sum(len(t) for t in texts)
    return {
        "sentences": sentences,
        "kept_sentences": kept,
        "kept_sentence_share": round(kept / max(1, sentences), 4),
        "kept_char_share": round(kept_chars / max(1, chars), 4),
        "filter_cpu_s": round(cpu, 2),
    }, kept_ranges


def describe_lost(lost: list[Event], kept_ranges: dict) -> dict[str, Any]:
    """Split the lost events: those whose trigger lies in a sentence the filter skipped (the
    filter's misses) and those in a kept sentence (the parse differs without the rest of the
    article around it), each by rule (lexicon pattern or back-off model)."""
    out: dict[str, Any] = {"skipped_pattern": 0, "skipped_model": 0, "kept_pattern": 0,
                           "kept_model": 0}  # fmt: skip
    examples = []
    for event in lost:
        at = (event.evidence.trigger_span or event.span)[0]
        kept = any(a <= at < b for a, b in kept_ranges.get(event.doc_id, []))
        rule = "model" if event.evidence.rule == "model" else "pattern"
        out[f"{'kept' if kept else 'skipped'}_{rule}"] += 1
        examples.append(
            {"doc": event.doc_id, "cameo": event.cameo, "rule": rule, "kept": kept,
             "sentence": event.sentence[:200]}  # fmt: skip
        )
    out["examples"] = examples[:25]
    return out


def per_cpu(n_articles: int, n_words: int, cpu: float, wall: float) -> dict[str, float]:
    """Return the rates of one path: articles and words per CPU-second, and its seconds."""
    return {
        "cpu_s": round(cpu, 2),
        "wall_s": round(wall, 2),
        "articles_per_cpu_s": round(n_articles / max(cpu, 1e-9), 2),
        "words_per_cpu_s": round(n_words / max(cpu, 1e-9), 1),
    }


def bench_prefilter(corpus: str, limit: int | None) -> dict[str, Any]:
    """Code the corpus with the filter on and off; compare their events and costs."""
    import realpolitik

    on = realpolitik.load(Settings(prefilter=True))
    off = realpolitik.load(Settings(prefilter=False))
    articles = [a for a in read_corpus(corpus, limit) if on.codable(a)]
    n_words = words(articles)
    figures, kept_ranges = filter_figures(on, articles)
    events_on, on_cpu, on_wall = measured(lambda: coded_events(on, articles))
    events_off, off_cpu, off_wall = measured(lambda: coded_events(off, articles))
    lost, gained = events_off.keys() - events_on.keys(), events_on.keys() - events_off.keys()
    model_off = sum(e.evidence.rule == "model" for e in events_off.values())
    return {
        "articles": len(articles),
        "words": n_words,
        **figures,
        "with_filter": per_cpu(len(articles), n_words, on_cpu, on_wall),
        "without_filter": per_cpu(len(articles), n_words, off_cpu, off_wall),
        "speedup_per_cpu_s": round(off_cpu / max(on_cpu, 1e-9), 2),
        "events_with_filter": len(events_on),
        "events_without_filter": len(events_off),
        "model_events_without_filter": model_off,
        "events_lost": len(lost),
        "events_gained": len(gained),
        "lost_share": round(len(lost) / max(1, len(events_off)), 4),
        "gained_share": round(len(gained) / max(1, len(events_off)), 4),
        "lost": describe_lost([events_off[k] for k in sorted(lost)], kept_ranges),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the comparison on one corpus and print (and optionally write) its JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="wikinews")
    parser.add_argument("--limit", type=int, default=None, help="first N articles")
    parser.add_argument("--output", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    limit = args.limit if args.limit is not None else DEFAULT_LIMITS[args.corpus]
    with PeakRSS() as rss:
        result = bench_prefilter(args.corpus, limit)
    result = {"mode": "prefilter", "corpus": args.corpus, "limit": limit, **result,
              "peak_rss_mb": rss.peak_mb}  # fmt: skip
    text = json.dumps(result, indent=2)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
