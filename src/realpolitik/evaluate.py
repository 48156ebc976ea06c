"""Score coded events against gold sets (DESIGN.md's event JSONL, and Phoenix penta-class TSV).

Event gold: a predicted event matches a gold event when its source, target and root are among
the gold alternatives (either direction when the gold event is symmetric). Precision counts
distinct (doc, source, target, root) predictions between two different actors, negated ones left
out; recall counts gold events not marked optional.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from realpolitik.errors import CLIError, Errors
from realpolitik.models import Actor, Event
from realpolitik.ontology import penta_class

logger = logging.getLogger(__name__)

Prediction = tuple[str, tuple[str, ...], tuple[str, ...], str]  # doc, source ids, target ids, root


@dataclass
class GoldEvent:
    """One gold event with its accepted alternatives."""

    source: list[str]
    target: list[str]
    root: list[str]
    symmetric: bool = False
    optional: bool = False

    def matches(self, source: tuple[str, ...], target: tuple[str, ...], root: str) -> bool:
        if root not in self.root:
            return False
        forward = bool(set(source) & set(self.source)) and bool(set(target) & set(self.target))
        backward = bool(set(source) & set(self.target)) and bool(set(target) & set(self.source))
        return forward or (self.symmetric and backward)


@dataclass
class GoldDoc:
    """A gold sentence or article with its events."""

    id: str
    text: str
    date: str | None
    events: list[GoldEvent]


@dataclass
class EventReport:
    """Precision, recall and F1 over a gold set, with the misses and spurious predictions."""

    true_positives: int = 0
    predicted: int = 0
    gold: int = 0
    matched_gold: int = 0
    misses: list[tuple[str, GoldEvent]] = field(default_factory=list)
    spurious: list[Prediction] = field(default_factory=list)
    per_root: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def actor_ids(actor: Actor) -> tuple[str, ...]:
    """Return the identifiers gold sets may use for an actor: its country and its org."""
    return tuple(x for x in (actor.country, actor.org) if x)


def predictions(doc_id: str, events: Iterable[Event]) -> list[Prediction]:
    """Return the distinct scorable predictions of a document's events."""
    seen: dict[tuple, Prediction] = {}
    for event in events:
        source, target = actor_ids(event.source), actor_ids(event.target)
        if event.negated or not source or not target or set(source) & set(target):
            continue
        key = (doc_id, source, target, event.root)
        seen.setdefault(key, key)
    return list(seen.values())


def read_event_gold(path: Path) -> list[GoldDoc]:
    """Read an event gold JSONL file.

    Raises: CLIError E902 naming the file and line of a malformed record.
    """
    docs = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                events = [
                    GoldEvent(
                        source=list(e["source"]),
                        target=list(e["target"]),
                        root=[str(r).zfill(2) for r in e["root"]],
                        symmetric=bool(e.get("symmetric", False)),
                        optional=bool(e.get("optional", False)),
                    )
                    for e in raw.get("events", [])
                ]
                docs.append(GoldDoc(str(raw["id"]), raw["text"], raw.get("date"), events))
            except (ValueError, KeyError, TypeError) as exc:
                raise CLIError(Errors.E902.format(path=path, line=number, detail=exc)) from exc
    return docs


def score_events(gold: list[GoldDoc], predicted: dict[str, list[Event]]) -> EventReport:
    """Score predicted events per document against the gold documents."""
    report = EventReport()
    for doc in gold:
        preds = predictions(doc.id, predicted.get(doc.id, []))
        required = [e for e in doc.events if not e.optional]
        report.gold += len(required)
        report.predicted += len(preds)
        for pred in preds:
            _, source, target, root = pred
            hit = any(g.matches(source, target, root) for g in doc.events)
            report.true_positives += hit
            report.per_root[root]["predicted"] += 1
            report.per_root[root]["correct"] += hit
            if not hit:
                report.spurious.append(pred)
        for gold_event in required:
            found = any(gold_event.matches(s, t, r) for _, s, t, r in preds)
            report.matched_gold += found
            for root in set(gold_event.root[:1]):
                report.per_root[root]["gold"] += 1
                report.per_root[root]["found"] += found
            if not found:
                report.misses.append((doc.id, gold_event))
    return report


def token_f1(predicted: str, gold: str) -> float:
    """Return the F1 of the bags of lower-cased word tokens of two texts (text extraction)."""
    left = Counter(re.findall(r"\w+", predicted.lower()))
    right = Counter(re.findall(r"\w+", gold.lower()))
    overlap = sum((left & right).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(left.values()), overlap / sum(right.values())
    return 2 * precision * recall / (precision + recall)


def main_event(events: list[Event]) -> Event | None:
    """Return the sentence's main event: the most confident non-negated one, first on ties."""
    candidates = [e for e in events if not e.negated]
    return max(candidates, key=lambda e: e.confidence, default=None)


@dataclass
class PentaReport:
    """Accuracy and macro-F1 over penta classes 0-4, with a confusion matrix."""

    confusion: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))
    total: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def f1(self, label: int) -> float:
        tp = self.confusion[label][label]
        predicted = sum(row[label] for row in self.confusion.values())
        actual = sum(self.confusion[label].values())
        p = tp / predicted if predicted else 0.0
        r = tp / actual if actual else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def labels(self) -> list[int]:
        """Return the classes present in the gold set or in the predictions."""
        present = {label for label, row in self.confusion.items() if sum(row.values())}
        present |= {g for row in self.confusion.values() for g, n in row.items() if n}
        return sorted(present - {NO_EVENT})

    @property
    def macro_f1(self) -> float:
        labels = self.labels
        return sum(self.f1(label) for label in labels) / len(labels) if labels else 0.0


def read_penta_gold(path: Path) -> list[tuple[str, int]]:
    """Read ``sentence<TAB>label`` lines (labels 0-4).

    Raises: CLIError E902 naming the file and line of a malformed row.
    """
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            text, _, label = line.rstrip("\n").rpartition("\t")
            if not text or label.strip() not in {"0", "1", "2", "3", "4"}:
                detail = "expected 'sentence<TAB>label' with label 0-4"
                raise CLIError(Errors.E902.format(path=path, line=number, detail=detail))
            rows.append((text, int(label)))
    return rows


NO_EVENT = -1


def score_penta(rows: list[tuple[str, int]], coded: list[list[Event]]) -> PentaReport:
    """Score the main event of each sentence against its gold penta class (none is wrong)."""
    report = PentaReport()
    for (_, label), events in zip(rows, coded, strict=True):
        event = main_event(events)
        guess = penta_class(event.root) if event else NO_EVENT
        report.confusion[label][guess] += 1
        report.total += 1
        report.correct += guess == label
    return report


def is_penta_file(path: Path) -> bool:
    """Return True for a penta-class TSV (by extension, else by the first line's shape)."""
    if path.suffix.lower() in {".tsv", ".tab"}:
        return True
    with open(path, encoding="utf-8") as handle:
        first = handle.readline()
    return not first.lstrip().startswith("{") and "\t" in first


def evaluate_file(
    path: Path, code: Callable[[list[tuple[str, str | None, str]]], list[list[Event]]]
) -> EventReport | PentaReport:
    """Evaluate a gold file; ``code`` codes (text, date, doc_id) triples in order."""
    if is_penta_file(path):
        rows = read_penta_gold(path)
        coded = code([(text, None, f"row{i}") for i, (text, _) in enumerate(rows, start=1)])
        return score_penta(rows, coded)
    gold = read_event_gold(path)
    coded = code([(doc.text, doc.date, doc.id) for doc in gold])
    return score_events(gold, {doc.id: events for doc, events in zip(gold, coded, strict=True)})
