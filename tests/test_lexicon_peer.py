"""The lexicon generated from the peer verb dictionaries: conversion, loading, priority."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from realpolitik.coder.lexicon import load_lexicon
from realpolitik.ontology import load_ontology

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT.parent / "shared" / "peer"

# A small dictionary in the PETRARCH-2 format, written for these tests.
DICT_V2 = """\
####### SYNONYM SETS #######

&ENVOY
+ENVOY
+EMISSARY
+GO_BETWEEN

####### VERB PATTERNS #######

---  DISPATCH   [042]  ---
DISPATCH
SHUTTLE [043]
+HURRY_OFF [042]
EXPEDITE
EXPEDITED
- * &ENVOY                                    [036]      # DISPATCH
- * (TO +)                                    [042:043]  # DISPATCH
- * {PEACE ENVOY}                             [036]      # DISPATCH
- MINISTERS *                                 [042]      # DISPATCH
- * (WITH ASSURANCES) (TO CAPITAL)            [031]      # DISPATCH
- * BACK                                      [---]      # DISPATCH

---  BLAME   [---]  ---
BLAME
FAULT
- * (FOR SHORTAGES)                           [112]      # BLAME
- * WRECKAGE                                  [999]      # BLAME

---  STAGE   [---]  ---
STAGE
HOLD
MOUNT
- * SKIRMISHES                                [190]      # STAGE
- * SIT

---  COLLABORATE   [060]  ---
COLLABORATE
- * (WITH +)                                  [060]      # COLLABORATE
- * +                                         [061]      # TEAM
"""

# The same ideas in the PETRARCH-1 (linear) format.
DICT_V1 = """\
--- SCOLD [111] ---
SCOLD
REPROACH
- * + FOR PROVOKING [112]
- * OUTBURST AGAINST + [111]
- $ * OVER + [111]
- WOULD * [---]
- MUST * POLICY [100]
"""


@pytest.fixture(scope="module")
def build():
    """Import scripts/build_lexicon.py as a module (it puts scripts/ on sys.path)."""
    spec = importlib.util.spec_from_file_location(
        "build_lexicon", ROOT / "scripts" / "build_lexicon.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_lexicon"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def peer(build):
    """Return scripts/peer_verbs.py (the dictionary reader), importable once build is loaded."""
    return importlib.import_module("peer_verbs")


@pytest.fixture(scope="module")
def known() -> set[str]:
    return {c.code for c in load_ontology()}


def _convert(build, tmp_path: Path, text: str, source: str, known: set[str]):
    path = tmp_path / f"{source}.txt"
    path.write_text(text, encoding="utf-8")
    collected = build.Collected()
    build.collect(path, source, build.Policy.load(), known, collected)
    return build.resolve(collected), collected


def test_lexicon_peer_parses_blocks_synsets_and_phrases(build, tmp_path, known):
    patterns, collected = _convert(build, tmp_path, DICT_V2, "petrarch2", known)
    codes = {key: code for key, (code, _origins) in patterns.items()}
    envoys = next(k[2] for k in codes if k[0] == "dispatch" and k[2])
    assert envoys == {"envoy", "emissary"}
    # the multiword member GO_BETWEEN is left out: the engine checks one head noun
    assert codes[("dispatch", None, envoys, None)] == "036"
    assert codes[("dispatch", None, frozenset(), None)] == "042"  # bare verb, block default
    assert codes[("shuttle", None, frozenset(), None)] == "043"  # the verb's own code
    assert codes[("hurry", "off", frozenset(), None)] == "042"  # +HURRY_OFF: verb + particle
    assert codes[("dispatch", "to", frozenset(), "to")] == "042"  # (TO +): [042:043] -> 042
    assert codes[("fault", "for", frozenset({"shortage", "shortages"}), None)] == "112"
    assert ("hold", None, frozenset({"skirmish", "skirmishes"}), None) in codes
    assert ("expedite", None, envoys, None) in codes  # a synonym shares the block's patterns
    assert ("expedite", None, frozenset(), None) not in codes  # but alone it is too loose
    assert not any(k[0] == "expedited" for k in codes)  # an inflected form is not a lemma
    assert ("collaborate", None, frozenset(), None) not in codes  # only a root-level code
    assert codes[("collaborate", "with", frozenset(), "with")] == "060"
    assert not any(k[0] == "blame" and not k[2] for k in codes)  # null default: no bare verb
    lines = collected.lines
    assert lines["multiword noun phrase"] == 1
    assert lines["words before the verb"] == 1
    assert lines["several prepositional phrases"] == 1
    assert lines["null code"] == 1
    assert lines["code not in CAMEO"] == 1
    assert lines["unconstrained pattern for another verb of the block"] == 1  # "# TEAM"
    assert collected.drops["no code"] == 1  # "- * SIT" has no [code]


def test_lexicon_peer_generic_verbs_need_an_object(build, tmp_path, known):
    patterns, collected = _convert(build, tmp_path, DICT_V2, "petrarch2", known)
    assert ("hold", None, frozenset(), None) not in patterns
    assert collected.drops["verb: null code"] >= 3


def test_lexicon_peer_linear_format(build, tmp_path, known):
    patterns, collected = _convert(build, tmp_path, DICT_V1, "petrarch", known)
    codes = {key: code for key, (code, _origins) in patterns.items()}
    assert codes[("scold", None, frozenset({"outburst"}), "against")] == "111"
    assert codes[("reproach", "over", frozenset(), "over")] == "111"
    assert codes[("scold", None, frozenset(), None)] == "111"
    assert collected.lines["target between words (word order)"] == 1
    assert collected.lines["words before the verb"] == 1
    assert collected.lines["null code"] == 1


def test_lexicon_peer_conflicting_roots_drop(build):
    assert build._shared_code(["0231", "0233"]) == "023"
    assert build._shared_code(["070", "073"]) == "070"
    assert build._shared_code(["043", "036"]) is None


def test_lexicon_peer_noun_lemmas(peer):
    policy = peer.Policy.load()
    assert peer.noun_lemmas("SANCTIONS", policy) == {"sanctions", "sanction"}
    assert peer.noun_lemmas("RALLIES", policy) == {"rallies", "rally"}
    assert peer.noun_lemmas("TIES", policy) == {"ties", "tie"}
    assert peer.noun_lemmas("NEWS", policy) == {"news"}
    assert peer.noun_lemmas("CRISES", policy) == {"crises", "crisis"}


def test_lexicon_peer_pattern_bodies(peer):
    policy = peer.Policy.load()
    synsets = {"ARMY": frozenset({"army", "militia"})}

    def convert(body: str, *, linear: bool = False):
        upper, lower = body.split("*", 1)
        return peer.convert_body(upper, lower, synsets, policy, linear=linear)

    assert convert("* &ARMY") == peer.Shape(None, frozenset({"army", "militia"}), None)
    assert convert("* UP BARRIERS") == peer.Shape(
        "up", frozenset({"barriers", "barrier"}), None, literal=True
    )
    assert convert("* (AGAINST)") == peer.Shape("against", frozenset(), "against")
    assert convert("* (UNDER GUARD)") == peer.Shape("under", frozenset({"guard"}), None)
    assert convert("$ * PRAISE (FOR +)") == peer.Shape(None, frozenset({"praise"}), "for")
    assert convert("* TO BORDER WITH +", linear=True) == "several prepositional phrases"
    assert convert("* {NAVAL DRILL}") == "multiword noun phrase"
    assert convert("* BAND (OF REBELS)") == "object and prepositional object both constrained"
    assert convert("SOLDIERS * RIOT") == "words before the verb"
    assert convert("+ * (FROM $)") == "target before the verb"
    assert convert("* &NAVY") == "undefined synset"
    assert peer.event_code("0330", {"033"}, policy) == "033"  # trailing 0: the parent
    assert peer.event_code(":173", {"173"}, policy) == "173"
    assert peer.event_code("---", {"173"}, policy) is None


@pytest.fixture(scope="module")
def lexicon(known):
    return load_lexicon(known_codes=known)


def test_lexicon_peer_loads_and_counts(lexicon):
    generated = [p for p in lexicon.patterns if p.generated]
    roots = Counter(p.code[:2] for p in generated)
    assert len(generated) >= 4500
    assert sum(len(p.verbs) for p in generated) >= 35000
    assert set(roots) == {f"{n:02d}" for n in range(1, 21)}
    assert all(p.source_file == "verbs_peer.yaml" for p in generated)
    assert any(p.generated for p in lexicon.by_noun.get("crackdown", []))


def test_lexicon_peer_hand_written_first(lexicon):
    for lemma in ("condemn", "impose", "attack", "meet"):
        flags = [p.generated for p in lexicon.by_verb[lemma]]
        assert True in flags and False in flags
        assert flags == sorted(flags), lemma  # every hand-written pattern before any generated
    # within the generated group the more specific patterns come first
    spec = [p.specificity for p in lexicon.by_verb["impose"] if p.generated]
    assert spec == sorted(spec, reverse=True)


def test_lexicon_peer_switch_off(known):
    plain = load_lexicon(known_codes=known, generated=False)
    assert not any(p.generated for p in plain.patterns)


def test_lexicon_peer_disable_from_user_file(tmp_path, known, lexicon):
    victim = next(p for p in lexicon.by_verb["impose"] if p.generated)
    user = tmp_path / "site.yaml"
    user.write_text(
        f"disable: [{victim.id}]\ndisable_verbs: [scold]\npatterns: []\n", encoding="utf-8"
    )
    narrowed = load_lexicon([user], known_codes=known)
    assert victim.id not in {p.id for p in narrowed.by_verb["impose"]}
    assert victim.id not in {p.id for p in narrowed.patterns}
    assert not any(p.generated for p in narrowed.by_verb.get("scold", []))
    assert any(not p.generated for p in narrowed.by_verb["impose"])  # hand-written ones stay


def test_lexicon_peer_codes_a_sentence(pipeline):
    assert pipeline.lexicon.by_verb["injure"]
    assert all(p.generated for p in pipeline.lexicon.by_verb["injure"])  # none hand-written
    events = pipeline("Turkish soldiers injured two Greek fishermen near the border.")
    coded = [(e.source.country, e.target.country, e.root) for e in events]
    assert ("TUR", "GRC", "18") in coded
    assert all(e.evidence.pattern.startswith("peer_") for e in events)


def test_lexicon_peer_unknown_disable_id_warns(tmp_path, known, caplog):
    user = tmp_path / "site.yaml"
    user.write_text("disable: [peer_999_nothing_000000]\npatterns: []\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="realpolitik.coder.lexicon"):
        load_lexicon([user], known_codes=known)
    assert "[W403]" in caplog.text and "peer_999_nothing_000000" in caplog.text


@pytest.mark.shared
def test_lexicon_peer_rebuild_is_identical(build, tmp_path):
    if not PEER.is_dir():
        pytest.skip(f"{PEER} is absent: regenerating needs the peer dictionaries")
    build.build(PEER, tmp_path)
    shipped = ROOT / "src" / "realpolitik" / "coder" / "data" / "verbs_peer.yaml"
    assert (tmp_path / "verbs_peer.yaml").read_bytes() == shipped.read_bytes()
