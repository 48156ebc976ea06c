"""Tests of the back-off classifier (realpolitik.coder.backoff) and its build script."""

from __future__ import annotations

import ctypes
import importlib.util
import logging
import sys
from pathlib import Path

import numpy as np
import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from realpolitik.blas import single_threaded_blas
from realpolitik.coder.backoff import (
    BANK_FILE,
    CALIBRATION_FILE,
    MODEL_FILE,
    NONE,
    Backoff,
    Exemplar,
    class_members,
    clause_phrase,
    data_path,
    decide,
    neighbour_shares,
    read_bank,
    read_calibration,
    read_model,
)
from realpolitik.coder.embedding import ModelMissing, installed_file
from realpolitik.ontology import load_ontology
from realpolitik.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _model_installed() -> bool:
    settings = Settings()
    try:
        installed_file(settings.backoff_model)
        installed_file(settings.backoff_tokenizer)
    except ModelMissing:
        return False
    return importlib.util.find_spec("onnxruntime") is not None


needs_model = pytest.mark.skipif(
    not _model_installed(),
    reason="the back-off model packages (requirements-model.txt) are not installed",
)


@pytest.fixture(scope="module")
def backoff() -> Backoff:
    found = Backoff.load(Settings(backoff_min_confidence=0.0))
    assert found is not None
    return found


@pytest.fixture(scope="module")
def build_script():
    spec = importlib.util.spec_from_file_location(
        "build_backoff", ROOT / "scripts/build_backoff.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_model
@pytest.mark.parametrize(
    ("phrase", "root"),
    [
        ("X shell positions of Y", "19"),
        ("X denounce Y", "11"),
        ("X host delegation of Y", "04"),
        ("X impose fresh sanction on Y", "16"),
        ("X pledge to send aid to Y", "03"),
    ],
)
def test_backoff_classifies_root(backoff: Backoff, phrase: str, root: str) -> None:
    guess = backoff.classify(phrase)
    assert guess is not None
    assert guess.root == root
    assert guess.code in load_ontology()
    assert 0.0 <= guess.confidence <= 1.0
    assert guess.neighbours and all(isinstance(n, str) for n in guess.neighbours)


@needs_model
@pytest.mark.parametrize("phrase", ["X be member of Y", "X live in Y", "X play against Y"])
def test_backoff_abstains_on_non_events(backoff: Backoff, phrase: str) -> None:
    assert backoff.votes([phrase])[0].root == NONE
    assert backoff.classify(phrase) is None


@needs_model
def test_backoff_inverse_direction(backoff: Backoff) -> None:
    guess = backoff.classify("X draw sharp criticism from Y")
    assert guess is not None and guess.root == "11"
    assert guess.inverse


@needs_model
def test_backoff_threshold_and_batch(backoff: Backoff) -> None:
    phrases = ["X denounce Y", "X be member of Y", "X fire artillery round at Y"]
    many = backoff.classify_many(phrases)
    assert [g and g.code for g in many] == [g and g.code for g in map(backoff.classify, phrases)]
    assert backoff.classify_many([]) == []
    strict = Backoff(
        backoff.encoder,
        backoff.model,
        backoff.bank,
        backoff.vectors,
        backoff.calibration,
        min_confidence=1.0,
    )
    assert strict.classify_many(phrases) == [None, None, None]


@needs_model
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_backoff_load_makes_blas_single_threaded(backoff: Backoff) -> None:
    """A threaded OpenBLAS spins after each bank product; the loaded back-off turns it to one."""
    maps = Path("/proc/self/maps").read_text().splitlines()
    paths = sorted({line.split()[-1] for line in maps if "openblas" in line})
    getters = []
    for path in paths:
        library = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads"):
            if hasattr(library, name):
                getters.append(getattr(library, name))
    if not getters:
        pytest.skip("numpy is not linked to OpenBLAS here")
    assert single_threaded_blas()
    assert [get() for get in getters] == [1] * len(getters)


@needs_model
def test_backoff_keeps_answers_by_phrase(backoff: Backoff, monkeypatch: pytest.MonkeyPatch) -> None:
    """A phrase seen before is answered from the memo, the same as a fresh classification."""
    phrases = ["X impose sanction on Y", "X sign treaty with Y", "X impose sanction on Y"]
    first = backoff.classify_many(phrases)
    assert first[0] == first[2] == backoff.classify(phrases[0])

    def no_encoding(texts: list[str]) -> np.ndarray:
        raise AssertionError(f"encoded again: {texts}")

    monkeypatch.setattr(backoff.encoder, "encode", no_encoding)
    assert backoff.classify_many(phrases[1:]) == first[1:]


def test_backoff_load_off_returns_none() -> None:
    assert Backoff.load(Settings(coder_backoff=False)) is None


def test_backoff_load_missing_package_warns(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(backoff_model="no-such-model-package:model.onnx")
    with caplog.at_level(logging.WARNING, logger="realpolitik.coder.backoff"):
        assert Backoff.load(settings) is None
    assert any("[W402]" in r.getMessage() for r in caplog.records)


def test_backoff_shipped_data_agree() -> None:
    bank = read_bank(data_path(BANK_FILE))
    model = read_model(data_path(MODEL_FILE))
    calibration = read_calibration(data_path(CALIBRATION_FILE))
    ontology = load_ontology()
    assert {e.root for e in bank} == set(model.classes)
    assert NONE in model.classes
    assert all(e.code == NONE or e.code in ontology for e in bank)
    assert model.weights.shape == (384, len(model.classes))
    assert list(calibration.probabilities) == sorted(calibration.probabilities)
    assert all(0.0 <= p <= 1.0 for p in calibration.probabilities)
    assert 0.0 <= calibration.linear_weight <= 1.0


def test_backoff_build_bank_deterministic(build_script, tmp_path: Path) -> None:
    for out in ("a", "b"):
        assert build_script.main(["--bank-only", "--out", str(tmp_path / out)]) == 0
    first = (tmp_path / "a" / BANK_FILE).read_bytes()
    assert first == (tmp_path / "b" / BANK_FILE).read_bytes()
    bank = read_bank(tmp_path / "a" / BANK_FILE)
    assert len({e.phrase for e in bank}) == len(bank)
    assert any(e.group.startswith("none:") for e in bank)


def test_backoff_pattern_phrases(build_script) -> None:
    spec = {"id": "t", "code": "163", "verbs": ["impose", "slap"], "object_class": "sanctions"}
    phrases = build_script.pattern_phrases(spec, {"sanctions": ["sanction", "embargo"]})
    assert phrases == [
        "X impose sanction with Y",
        "X impose embargo with Y",
        "X slap sanction with Y",
        "X slap embargo with Y",
    ]
    noun = {"id": "n", "code": "042", "nouns": ["visit"], "prep": ["to"]}
    assert build_script.pattern_phrases(noun, {}) == ["X visit to Y"]


def test_backoff_isotonic_steps_monotone(build_script) -> None:
    scores = np.linspace(0, 1, 100)
    right = np.array([i % 3 == 0 for i in range(50)] + [i % 4 != 0 for i in range(50)])
    steps = build_script.isotonic_steps(scores, right, bins=5)
    probabilities = [p for _, p, _ in steps]
    assert probabilities == sorted(probabilities)
    assert steps[0][0] == 0.0
    assert sum(n for _, _, n in steps) == 100


def test_backoff_decide_code_and_direction() -> None:
    bank = [
        Exemplar("a", "111", False, "g1"),
        Exemplar("b", "111", True, "g1"),
        Exemplar("c", "112", True, "g2"),
        Exemplar("d", NONE, False, "none:x"),
    ]
    classes = ("11", NONE)
    sims = np.array([0.9, 0.95, 0.96, 0.2])
    vote = decide(
        np.array([0.8, 0.2]),
        sims,
        classes,
        bank,
        class_members(bank),
        neighbours=3,
        temperature=0.05,
    )
    assert vote.root == "11"
    assert vote.inverse  # the two nearest (c, b) are inverse
    assert vote.code in {"111", "112", "110"}
    assert vote.neighbours[0] == 2
    shares = neighbour_shares(sims[None, :], np.array([0, 0, 0, 1]), 2, k=2, temperature=0.05)
    assert shares.shape == (1, 2)
    assert shares[0, 0] == pytest.approx(1.0)


def _doc(words, heads, deps, lemmas) -> Doc:
    return Doc(Vocab(), words=words, heads=heads, deps=deps, lemmas=lemmas)


def test_backoff_clause_phrase() -> None:
    doc = _doc(
        ["Russia", "criticised", "the", "economic", "policy", "of", "Ukraine"],
        [1, 1, 4, 4, 1, 4, 5],
        ["nsubj", "ROOT", "det", "amod", "dobj", "prep", "pobj"],
        ["Russia", "criticise", "the", "economic", "policy", "of", "Ukraine"],
    )
    assert clause_phrase(doc[1], doc[0], doc[6]) == "X criticise economic policy of Y"
    doc = _doc(
        ["Iran", "called", "off", "talks", "with", "France"],
        [1, 1, 1, 1, 3, 4],
        ["nsubj", "ROOT", "prt", "dobj", "prep", "pobj"],
        ["Iran", "call", "off", "talk", "with", "France"],
    )
    assert clause_phrase(doc[1], doc[0], doc[5]) == "X call off talk with Y"
    assert clause_phrase(doc[1], doc[0], doc[3]) == "X call off Y"
    assert clause_phrase(doc[3], doc[0], doc[1]) is None  # the verb is not below the noun
