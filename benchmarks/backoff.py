"""Measure the back-off classifier: what it adds to the lexicon coder on the penta set; its cost.

Evaluation only (nothing here is written into the package). The penta TSV
(``../shared/eval/conflibert_penta_train.tsv``, GPL-3.0) gives one Phoenix five-way class per
sentence and no actors, so actors are approximated by spaCy entities: for every verbal clause
whose subject is an entity, every entity hanging below the predicate through objects and
prepositions is a target, and the phrase is ``clause_phrase(predicate, subject, target)``. A
sentence's back-off answer is its most confident guess; its lexicon answer is the root of its
most confident event from the pipeline (default settings). Both are scored by penta class.

    python benchmarks/backoff.py [--penta PATH] [--limit N] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from realpolitik.coder.backoff import NONE, Backoff, clause_phrase  # noqa: E402
from realpolitik.coder.clauses import expand_conj, sentence_clauses  # noqa: E402
from realpolitik.ontology import penta_class  # noqa: E402
from realpolitik.pipeline import Pipeline  # noqa: E402
from realpolitik.settings import Settings  # noqa: E402

PENTA = ROOT.parent / "shared" / "eval" / "conflibert_penta_train.tsv"
ACTOR_ENTS = frozenset({"GPE", "NORP", "ORG", "PERSON"})
THRESHOLDS = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def read_penta(path: Path, limit: int | None) -> list[tuple[str, int]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text, _, label = line.rpartition("\t")
        if text and label.strip().isdigit():
            rows.append((text, int(label)))
    return rows[:limit] if limit else rows


def _actor(token) -> bool:
    return token.ent_type_ in ACTOR_ENTS


def sentence_phrases(doc) -> list[str]:
    """Return the X/Y phrases of every (subject entity, target entity) pair in a parsed text."""
    phrases = []
    for sent in doc.sents:
        for clause in sentence_clauses(sent):
            sources = [t for s in clause.subjects for t in expand_conj(s) if _actor(t)]
            below = [
                t for t in clause.predicate.subtree if _actor(t) and t.dep_ in {"dobj", "pobj"}
            ]
            for source in sources:
                for target in below:
                    if target.i == source.i:
                        continue
                    phrase = clause_phrase(clause.predicate, source, target)
                    if phrase and len(phrase.split()) <= 12:
                        phrases.append(phrase)
    return list(dict.fromkeys(phrases))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--penta", type=Path, default=PENTA)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = read_penta(args.penta, args.limit)

    t0 = time.perf_counter()
    backoff = Backoff.load(Settings(backoff_min_confidence=0.0))
    load_s = time.perf_counter() - t0
    assert backoff is not None, "back-off model not installed"
    rss_backoff = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    pipeline = Pipeline(Settings(coder_backoff=False))
    t0 = time.perf_counter()
    lexicon = []
    for text, _ in rows:
        events = [e for e in pipeline(text) if not e.negated]
        lexicon.append(max(events, key=lambda e: e.confidence).root if events else None)
    pipeline_s = time.perf_counter() - t0

    docs = list(pipeline.nlp.pipe([text for text, _ in rows]))
    phrases = [sentence_phrases(doc) for doc in docs]
    flat = [p for ps in phrases for p in ps]
    t0 = time.perf_counter()
    votes = backoff.votes(flat)
    classify_s = time.perf_counter() - t0
    cal = backoff.calibration
    by_phrase = {p: (v, cal.probability(v.score)) for p, v in zip(flat, votes, strict=True)}

    best = []  # per sentence: (root, confidence) of the most confident event guess, or None
    for ps in phrases:
        guesses = [by_phrase[p] for p in ps if by_phrase[p][0].root != NONE]
        top = max(guesses, key=lambda g: g[1], default=None)
        best.append((top[0].root, top[1]) if top else None)

    gold = [label for _, label in rows]
    coded = [i for i, r in enumerate(lexicon) if r]
    report = {
        "sentences": len(rows),
        "phrases": len(flat),
        "sentences_with_phrase": sum(bool(ps) for ps in phrases),
        "lexicon_coded": len(coded),
        "lexicon_penta_accuracy": _acc([(lexicon[i], gold[i]) for i in coded]),
        "pipeline_sentences_per_s": round(len(rows) / pipeline_s, 1),
        "backoff_load_s": round(load_s, 2),
        "backoff_phrases_per_s": round(len(flat) / classify_s, 1),
        "peak_rss_mb_after_backoff_load": round(rss_backoff),
        "thresholds": [],
    }
    uncovered = [i for i, r in enumerate(lexicon) if not r]
    for t in THRESHOLDS:
        added = [i for i in uncovered if best[i] and best[i][1] >= t]
        alone = [i for i in range(len(rows)) if best[i] and best[i][1] >= t]
        report["thresholds"].append(
            {
                "min_confidence": t,
                "added_sentences": len(added),
                "added_penta_accuracy": _acc([(best[i][0], gold[i]) for i in added]),
                "backoff_alone_sentences": len(alone),
                "backoff_alone_penta_accuracy": _acc([(best[i][0], gold[i]) for i in alone]),
            }
        )
    report["reliability"] = _reliability([(best[i], gold[i]) for i in range(len(rows)) if best[i]])
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


def _acc(pairs: list[tuple[str, int]]) -> float | None:
    if not pairs:
        return None
    return round(sum(penta_class(root) == label for root, label in pairs) / len(pairs), 3)


def _reliability(items: list) -> list[dict]:
    """Penta accuracy of the sentence-level guesses by calibrated-confidence bin."""
    bins = [(0.0, 0.4), (0.4, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]
    out = []
    for low, high in bins:
        inside = [(g[0], label) for g, label in items if low <= g[1] < high]
        out.append({"confidence": f"[{low}, {min(high, 1.0)})", "n": len(inside),
                    "penta_accuracy": _acc(inside)})  # fmt: skip
    return out


if __name__ == "__main__":
    sys.exit(main())
