"""Build the back-off classifier's exemplar bank and its calibration (src/realpolitik/coder/data/).

Inputs, read here and nowhere at run time:
- src/realpolitik/coder/data/verbs*.yaml   the lexicon patterns (hand-written verbs.yaml and, when
                                           present, the converted peer lexicon verbs_peer.yaml),
                                           with the noun classes they name
- src/realpolitik/ontology/data/cameo_events.tsv   the CAMEO code names
- src/realpolitik/coder/data/backoff_none.tsv     hand-written "no event" phrases
- src/realpolitik/coder/data/backoff_extra.tsv    hand-written event phrases with objects

Outputs:
- backoff_bank.tsv          phrase, code, inverse, group: one short synthetic phrase per
                            (pattern, verb, object) with the actors as X and Y
- backoff_model.tsv         softmax-regression weights (root or none) over the MiniLM vectors of the
                            bank's phrases
- backoff_calibration.tsv   the step map from the model's top probability to P(root right), from
                            cross-validation on the bank with folds by pattern group

No evaluation or corpus text is read. Run ``python scripts/build_backoff.py`` (``--bank-only``
skips the model and calibration, which need the installed ONNX encoder).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from realpolitik.coder.backoff import (  # noqa: E402
    BANK_FILE,
    CALIBRATION_FILE,
    MODEL_FILE,
    NONE,
    Exemplar,
    LinearModel,
    neighbour_shares,
    read_bank,
)

logger = logging.getLogger("build_backoff")

DATA = ROOT / "src" / "realpolitik" / "coder" / "data"
EVENTS_TSV = ROOT / "src" / "realpolitik" / "ontology" / "data" / "cameo_events.tsv"
NONE_TSV = DATA / "backoff_none.tsv"
EXTRA_TSV = DATA / "backoff_extra.tsv"
MAX_VERBS = 8  # per pattern
MAX_OBJECTS = 3  # per pattern
MAX_PER_ROOT = 900  # keeps a large converted lexicon from swamping the small roots
# The preposition that introduces the target in a synthetic phrase when the pattern constrains
# the object but names no preposition ("X hold talk WITH Y", "X send aid TO Y").
ROOT_PREP = {
    "01": "about", "02": "to", "03": "with", "04": "with", "05": "with", "06": "with",
    "07": "to", "08": "to", "09": "into", "10": "from", "11": "of", "12": "from",
    "13": "against", "14": "against", "15": "against", "16": "with", "17": "against",
    "18": "against", "19": "against", "20": "against",
}  # fmt: skip
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FOLDS = 5
# Softmax regression by full-batch gradient descent on 5x the unit vectors (a sharper softmax);
# chosen by the cross-validated root accuracy on the bank (docs/coder.md, Back-off model).
SCALE, L2, STEPS, RATE = 5.0, 1e-4, 1000, 2.0
# The nearest exemplars' softmax-weighted vote, mixed half and half with the linear model (CV
# root accuracy on the bank: linear 0.588, vote 0.531, mix 0.624).
NEIGHBOURS, TEMPERATURE, LINEAR_WEIGHT = 20, 0.05, 0.5


def _list(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _noun_classes(path: Path, data: dict) -> dict[str, list[str]]:
    name = data.get("noun_classes_file")
    if not name or not (path.parent / name).is_file():
        return {}
    classes = yaml.load((path.parent / name).read_text(encoding="utf-8"), Loader=SAFE_LOADER)[
        "classes"
    ]
    return {key: _list(value) for key, value in classes.items()}


def _objects(spec: dict, classes: dict[str, list[str]]) -> list[str]:
    objects = _list(spec.get("object"))
    for name in _list(spec.get("object_class")):
        objects.extend(classes.get(name, []))
    return list(dict.fromkeys(objects))[:MAX_OBJECTS]


def pattern_phrases(spec: dict, classes: dict[str, list[str]]) -> list[str]:
    """Return the synthetic phrases of one lexicon pattern ("X impose sanction on Y")."""
    code = str(spec["code"])
    preps = _list(spec.get("prep"))
    prep = preps[0] if preps else None
    particle = next((p for p in _list(spec.get("particle")) if p not in preps), None)
    xcomps = _list(spec.get("xcomp"))
    objects = _objects(spec, classes)
    phrases = []
    for noun in _list(spec.get("nouns"))[:MAX_VERBS]:
        phrases.append(f"X {noun} {prep or ROOT_PREP[code[:2]]} Y")
    for n, verb in enumerate(_list(spec.get("verbs"))[:MAX_VERBS]):
        head = ["X", verb] + ([particle] if particle else [])
        if xcomps:
            head += ["to", xcomps[n % len(xcomps)]]
        for obj in objects or [None]:
            words = head + ([obj] if obj else [])
            if prep:
                words += [prep, "Y"]
            elif obj:
                words += [ROOT_PREP[code[:2]], "Y"]
            else:
                words.append("Y")
            phrases.append(" ".join(words))
    return list(dict.fromkeys(phrases))


def lexicon_exemplars() -> list[Exemplar]:
    """Return exemplars from every verbs*.yaml pattern file (fallback patterns left out)."""
    out = []
    for path in sorted(DATA.glob("verbs*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        classes = _noun_classes(path, data)
        for spec in data.get("patterns") or []:
            if spec.get("fallback") or str(spec.get("code", ""))[:2] not in ROOT_PREP:
                continue
            group = f"{path.stem}:{spec['id']}"
            inverse = bool(spec.get("inverse"))
            out.extend(
                Exemplar(p, str(spec["code"]), inverse, group)
                for p in pattern_phrases(spec, classes)
            )
    return out


def _clean_name(name: str) -> str:
    name = name.split("(")[0].replace(", not specified below", "").strip().lower()
    words = ["Y" if w == "target" else w for w in name.replace(",", "").split()]
    return " ".join(["X", *words] + ([] if "Y" in words else ["Y"]))


def cameo_exemplars() -> list[Exemplar]:
    """Return one exemplar per CAMEO code from its name ("X demand ceasefire Y")."""
    lines = [ln for ln in EVENTS_TSV.read_text(encoding="utf-8").splitlines() if ln.strip()]
    rows = [ln.split("\t") for ln in lines if not ln.startswith("#")]
    header = rows[0]
    out = []
    for row in rows[1:]:
        record = dict(zip(header, row, strict=False))
        out.append(Exemplar(_clean_name(record["name"]), record["code"], False, "cameo"))
    return out


def none_exemplars() -> list[Exemplar]:
    """Return the hand-written no-event phrases."""
    lines = NONE_TSV.read_text(encoding="utf-8").splitlines()
    rows = [ln.split("\t") for ln in lines if ln.strip() and not ln.startswith("#")][1:]
    return [Exemplar(phrase, NONE, False, f"none:{group}") for phrase, group in rows]


def extra_exemplars() -> list[Exemplar]:
    """Return the hand-written event phrases with objects."""
    lines = EXTRA_TSV.read_text(encoding="utf-8").splitlines()
    rows = [ln.split("\t") for ln in lines if ln.strip() and not ln.startswith("#")][1:]
    return [Exemplar(phrase, code, False, group) for phrase, code, group in rows]


def _thin(exemplars: list[Exemplar]) -> list[Exemplar]:
    """Keep at most MAX_PER_ROOT exemplars per root, evenly spaced in file order."""
    by_root: dict[str, list[Exemplar]] = defaultdict(list)
    for e in exemplars:
        by_root[e.root].append(e)
    keep = set()
    for items in by_root.values():
        step = max(1, -(-len(items) // MAX_PER_ROOT))
        keep.update(id(e) for e in items[::step])
    return [e for e in exemplars if id(e) in keep]


def build_bank() -> list[Exemplar]:
    """Return the bank: lexicon, CAMEO-name and no-event exemplars, deduplicated by phrase."""
    seen: set[str] = set()
    bank = []
    hand = extra_exemplars() + none_exemplars()
    for e in hand + _thin(lexicon_exemplars()) + cameo_exemplars():
        if e.phrase not in seen:
            seen.add(e.phrase)
            bank.append(e)
    return bank


def bank_text(bank: list[Exemplar]) -> str:
    """Return the bank as TSV text with its provenance header."""
    sources = [p.name for p in sorted(DATA.glob("verbs*.yaml"))]
    sources += [EXTRA_TSV.name, NONE_TSV.name, EVENTS_TSV.name]
    head = [
        "# generated by scripts/build_backoff.py: change the sources or the script, not this file",
        "# sources: " + ", ".join(sources) + " (see the provenance of each in its own header)",
        "# rows of group verbs_peer:* derive from the MIT-licensed peer dictionaries "
        "converted into",
        "# verbs_peer.yaml; their licence notice is in PEER_LICENSE.md beside this file",
        "# columns: phrase (X = source actor, Y = target actor), CAMEO code or none, inverse "
        "(1: the event runs from Y to X), group (pattern id, cameo, none:kind)",
        "phrase\tcode\tinverse\tgroup",
    ]
    rows = [f"{e.phrase}\t{e.code}\t{int(e.inverse)}\t{e.group}" for e in bank]
    return "\n".join(head + rows) + "\n"


def _fold(group: str) -> int:
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % FOLDS


def fit_softmax(
    vectors: np.ndarray, labels: list[str], classes: tuple[str, ...] | None = None
) -> LinearModel:
    """Fit the softmax regression (deterministic: zero start, full batches)."""
    classes = classes or tuple(sorted(set(labels)))
    x = vectors.astype(np.float64) * SCALE
    y = np.eye(len(classes))[[classes.index(label) for label in labels]]
    weights = np.zeros((x.shape[1], len(classes)))
    bias = np.zeros(len(classes))
    for _ in range(STEPS):
        logits = x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - y) / len(x)
        weights -= RATE * (x.T @ grad + L2 * weights)
        bias -= RATE * grad.sum(axis=0)
    return LinearModel(classes, (weights * SCALE).astype(np.float32), bias.astype(np.float32))


def cross_validate(
    bank: list[Exemplar], vectors: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predict every exemplar's root with its pattern group held out (5 folds by group).

    Returns: the mixed top probability, whether the root is right, whether it predicted an
    event (not none), in bank order.
    """
    folds = np.array([_fold(e.group) for e in bank])
    roots = [e.root for e in bank]
    classes = tuple(sorted(set(roots)))
    labels = np.array([classes.index(r) for r in roots])
    scores = np.zeros(len(bank))
    right = np.zeros(len(bank), bool)
    event = np.zeros(len(bank), bool)
    for f in range(FOLDS):
        test, train = np.where(folds == f)[0], np.where(folds != f)[0]
        model = fit_softmax(vectors[train], [roots[i] for i in train], classes)
        shares = neighbour_shares(
            vectors[test] @ vectors[train].T,
            labels[train],
            len(classes),
            k=NEIGHBOURS,
            temperature=TEMPERATURE,
        )
        probs = LINEAR_WEIGHT * model.probabilities(vectors[test]) + (1 - LINEAR_WEIGHT) * shares
        for i, row in zip(test, probs, strict=True):
            root = model.classes[int(np.argmax(row))]
            scores[i], right[i], event[i] = row.max(), root == roots[i], root != NONE
    return scores, right, event


def isotonic_steps(scores: np.ndarray, right: np.ndarray, *, bins: int = 10) -> list[tuple]:
    """Return (score_min, p_right, n) steps: equal-count bins made monotone by pooling."""
    order = np.argsort(scores, kind="stable")
    blocks = [
        [float(scores[c[0]]), float(right[c].sum()), len(c)]
        for c in np.array_split(order, bins)
        if len(c)
    ]
    merged: list[list[float]] = []
    for block in blocks:
        merged.append(block)
        while len(merged) > 1 and merged[-2][1] / merged[-2][2] > merged[-1][1] / merged[-1][2]:
            last = merged.pop()
            merged[-1][1] += last[1]
            merged[-1][2] += last[2]
    merged[0][0] = 0.0
    return [(round(s, 3), round(r / n, 3), int(n)) for s, r, n in merged]


def calibration_text(bank: list[Exemplar], vectors: np.ndarray) -> str:
    """Cross-validate the model on the bank and return the calibration TSV text."""
    scores, right, event = cross_validate(bank, vectors)
    logger.info("cross-validated root accuracy %.3f", right.mean())
    steps = isotonic_steps(scores[event], right[event])
    head = [
        "# generated by scripts/build_backoff.py from 5-fold cross-validation on backoff_bank.tsv",
        "# (folds by pattern group); score_min: the mixed top probability; p_correct: share of",
        "# event guesses in the step whose root was right",
        f"# neighbours: {NEIGHBOURS}",
        f"# temperature: {TEMPERATURE}",
        f"# linear_weight: {LINEAR_WEIGHT}",
        f"# cv_root_accuracy: {right.mean():.3f} over {len(bank)} exemplars",
        "score_min\tp_correct\tn",
    ]
    return "\n".join(head + ["\t".join(map(str, s)) for s in steps]) + "\n"


def model_text(model: LinearModel, encoder_digest: str) -> str:
    """Return the weights TSV text: one row per class (class, bias, weights)."""
    head = [
        "# generated by scripts/build_backoff.py: softmax regression over the MiniLM vectors of",
        "# backoff_bank.tsv (no corpus or evaluation text); change the sources, not this file",
        f"# encoder: {encoder_digest}",
        "\t".join(["class", "bias"] + [f"w{i}" for i in range(model.weights.shape[0])]),
    ]
    rows = [
        "\t".join([c, f"{model.bias[j]:.5f}"] + [f"{w:.5f}" for w in model.weights[:, j]])
        for j, c in enumerate(model.classes)
    ]
    return "\n".join(head + rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write backoff_bank.tsv and (unless --bank-only) backoff_model.tsv and the calibration."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA, help="output folder")
    parser.add_argument("--bank-only", action="store_true", help="skip model and calibration")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    bank = build_bank()
    (args.out / BANK_FILE).write_text(bank_text(bank), encoding="utf-8")
    logger.info("%d exemplars -> %s", len(bank), args.out / BANK_FILE)
    if args.bank_only:
        return 0
    from realpolitik.coder.embedding import Encoder
    from realpolitik.settings import Settings

    settings = Settings()
    encoder = Encoder.from_specs(settings.backoff_model, settings.backoff_tokenizer, threads=2)
    bank = read_bank(args.out / BANK_FILE)
    vectors = encoder.encode([e.phrase for e in bank])
    (args.out / CALIBRATION_FILE).write_text(calibration_text(bank, vectors), encoding="utf-8")
    model = fit_softmax(vectors, [e.root for e in bank])
    (args.out / MODEL_FILE).write_text(model_text(model, encoder.digest), encoding="utf-8")
    logger.info("model and calibration -> %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
