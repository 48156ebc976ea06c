"""Benchmark the actor resolver: its cost against the spaCy parse, its load time, and coverage.

Speed: parses ``--articles`` Wikinews articles (``../shared/corpus/wikinews.jsonl``) with the
project's spaCy pipeline, then resolves every parsed doc on the article's date; prints the parse
and resolve seconds, words/s, and resolve time as a share of parse time (target: at most 10%).

Coverage: reads ``../shared/eval/conflibert_actors_train.conll`` (GPL-3.0: read here at run time,
never copied), rebuilds each sentence as a Doc from its tokens, parses it, resolves it, and prints
the share of gold source (S) and target (T) spans covered by a mention whose actor has a country
or an org.

    python benchmarks/actors.py                 # 300 articles, every CoNLL sentence
    python benchmarks/actors.py --articles 50 --sentences 500 --misses 30
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

from spacy.tokens import Doc

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def read_conll(path: Path, *, limit: int | None = None) -> list[tuple[list[str], list[str]]]:
    """Return (tokens, tags) per sentence of a two-column BIO file."""
    sentences, words, tags = [], [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                if words:
                    sentences.append((words, tags))
                    words, tags = [], []
                    if limit and len(sentences) >= limit:
                        break
                continue
            words.append(parts[0])
            tags.append(parts[-1])
    if words and not (limit and len(sentences) >= limit):
        sentences.append((words, tags))
    return sentences


def gold_spans(tags: list[str]) -> list[tuple[str, int, int]]:
    """Return (label, start, end) spans of a BIO tag sequence."""
    spans, label, start = [], None, 0
    for i, tag in enumerate([*tags, "O"]):
        if tag.startswith("B-") or tag == "O" or (tag.startswith("I-") and tag[2:] != label):
            if label is not None:
                spans.append((label, start, i))
            label, start = (tag[2:], i) if tag != "O" else (None, i)
    return spans


def speed(nlp, resolver, *, articles: int) -> dict:  # noqa: ANN001
    """Time parsing and resolving Wikinews articles."""
    path = SHARED / "corpus" / "wikinews.jsonl"
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rows.append(json.loads(line))
            if len(rows) >= articles:
                break
    texts = [r["text"] for r in rows]
    start = time.perf_counter()
    docs = list(nlp.pipe(texts))
    parse = time.perf_counter() - start
    start = time.perf_counter()
    count = 0
    for doc, row in zip(docs, rows, strict=True):
        count += len(resolver(doc, date=row.get("date")))
    resolve = time.perf_counter() - start
    words = sum(len(d) for d in docs)
    return {
        "articles": len(docs),
        "tokens": words,
        "parse_s": round(parse, 3),
        "resolve_s": round(resolve, 3),
        "parse_tokens_per_s": round(words / parse),
        "resolve_tokens_per_s": round(words / resolve),
        "resolve_share_of_parse": round(resolve / parse, 4),
        "mentions": count,
    }


def coverage(nlp, resolver, *, sentences: int | None, misses: int) -> dict:  # noqa: ANN001
    """Return the share of gold S/T spans resolved to an actor with a country or org."""
    path = SHARED / "eval" / "conflibert_actors_train.conll"
    data = read_conll(path, limit=sentences)
    hit, total, missed = Counter(), Counter(), []
    docs = (Doc(nlp.vocab, words=words) for words, _ in data)
    for (words, tags), doc in zip(data, nlp.pipe(docs), strict=True):
        mentions = [m for m in resolver(doc) if m.actor.country or m.actor.org]
        for label, start, end in gold_spans(tags):
            total[label] += 1
            if any(m.start < end and start < m.end for m in mentions):
                hit[label] += 1
            elif len(missed) < misses:
                missed.append(f"{label}: {' '.join(words[start:end])}")
    out = {f"share_{k}": round(hit[k] / total[k], 4) for k in sorted(total)}
    out["share_all"] = round(sum(hit.values()) / max(1, sum(total.values())), 4)
    out["spans"] = dict(total)
    out["sentences"] = len(data)
    if misses:
        out["missed_examples"] = missed
    return out


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--articles", type=int, default=300, help="Wikinews articles to time (0: skip timing)"
    )
    parser.add_argument("--sentences", type=int, default=None, help="CoNLL sentences (default all)")
    parser.add_argument("--misses", type=int, default=0, help="unresolved gold spans to list")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(
            f"{SHARED} not found: the benchmark reads ../shared beside the checkout",
            file=sys.stderr,
        )
        return 2
    from realpolitik.actors import ActorResolver
    from realpolitik.nlp import load_nlp

    nlp = load_nlp()
    start = time.perf_counter()
    resolver = ActorResolver(nlp)
    build = time.perf_counter() - start
    report = {"resolver_build_s": round(build, 3), "aliases": len(resolver.kb.aliases)}
    if args.articles:
        report["speed"] = speed(nlp, resolver, articles=args.articles)
    report["coverage"] = coverage(nlp, resolver, sentences=args.sentences, misses=args.misses)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
