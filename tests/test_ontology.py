"""Tests for the CAMEO/PLOVER ontology: shipped data, loader validation and the build script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from realpolitik.errors import SettingsError
from realpolitik.ontology import Ontology, load_ontology, penta_class, quad_class
from realpolitik.ontology.loader import (
    ACTORS_FILE,
    EVENTS_FILE,
    data_file,
    parse_actors,
    parse_events,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# Roots -> (GDELT QuadClass, Phoenix penta class), as the project defines them.
ROOT_CLASSES = {
    "01": (1, 0), "02": (1, 0), "03": (1, 1), "04": (1, 1), "05": (1, 1),
    "06": (2, 2), "07": (2, 2), "08": (2, 2), "09": (2, 3), "10": (3, 3),
    "11": (3, 3), "12": (3, 3), "13": (3, 3), "14": (3, 4), "15": (4, 4),
    "16": (4, 3), "17": (4, 4), "18": (4, 4), "19": (4, 4), "20": (4, 4),
}  # fmt: skip


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return load_ontology()


def test_ontology_has_all_codes(ontology: Ontology) -> None:
    assert len(list(ontology)) == 313
    assert [root.code for root in ontology.roots()] == sorted(ROOT_CLASSES)
    assert len(ontology.codes(level=2)) == 147
    assert len(ontology.codes(level=3)) == 146


def test_ontology_load_is_cached(ontology: Ontology) -> None:
    assert load_ontology() is ontology


def test_ontology_codes_keep_leading_zeros_and_tree(ontology: Ontology) -> None:
    event = ontology.event("0211")
    assert (event.level, event.root, event.parent) == (3, "02", "021")
    assert ontology.event("010").parent == "01"
    assert ontology.event("01").parent is None
    assert [c.code for c in ontology.children("021")] == ["0211", "0212", "0213", "0214"]
    assert [c.code for c in ontology.codes(root="04")] == [
        "04", "040", "041", "042", "043", "044", "045", "046",
    ]  # fmt: skip


def test_ontology_known_facts(ontology: Ontology) -> None:
    event = ontology.event("190")
    assert event.name == "Use conventional military force"
    assert event.name_gdelt == "Use conventional military force, not specified below"
    assert event.goldstein == -10.0
    assert ontology.event("016").goldstein == -2.0
    assert ontology.event("057").goldstein == 8.0
    assert ontology.event("020").name == "Make an appeal or request"
    assert ontology.event("1056").name == "Demand de-escalation of military engagement"


def test_ontology_goldstein_derived_for_1213_and_1214(ontology: Ontology) -> None:
    parent = ontology.event("121")
    for code in ("1213", "1214"):
        event = ontology.event(code)
        assert event.name_gdelt is None
        assert event.goldstein == parent.goldstein == -4.0
        assert event.goldstein_source == "derived:121"
        assert "121" in event.note
    assert ontology.event("1212").goldstein_source == "gdelt"
    assert all(e.goldstein is not None for e in ontology)


@pytest.mark.parametrize(("root", "classes"), sorted(ROOT_CLASSES.items()))
def test_ontology_root_classes(ontology: Ontology, root: str, classes: tuple[int, int]) -> None:
    assert (quad_class(root), penta_class(root)) == classes
    for event in ontology.codes(root=root):
        assert (event.quad_class, event.penta_class) == classes


def test_ontology_class_of_any_code() -> None:
    assert quad_class("1823") == 4
    assert penta_class("163") == 3
    with pytest.raises(SettingsError) as caught:
        quad_class("21")
    assert caught.value.code == "E005"


def test_ontology_plover_mapping(ontology: Ontology) -> None:
    consult = ontology.event("042")
    assert (consult.plover_event, consult.plover_mode) == ("CONSULT", "visit")
    assert ontology.event("163").plover_event == "COERCE"
    assert ontology.event("1712").plover_event == "ASSAULT"
    assert ontology.event("094").plover_contexts == ("military", "legal")
    yield_root = ontology.event("08")
    assert yield_root.plover_event == "CONCEDE"
    assert yield_root.plover_events == ("CONCEDE", "RETREAT")
    for root in ("01", "02"):
        for event in ontology.codes(root=root):
            assert (event.plover_event, event.plover_mode, event.plover_events) == (None, None, ())
    assert all(e.plover_event for e in ontology if e.root not in ("01", "02"))


def test_ontology_actor_roles(ontology: Ontology) -> None:
    for code in ("GOV", "MIL", "REB", "COP"):
        actor = ontology.actor_code(code)
        assert actor is not None
        assert actor.kind == "role"
    assert ontology.actor_code("EEC").label == "European Union"
    assert "MOS" in {a.code for a in ontology.actor_codes(kind="religion")}
    assert ontology.actor_code("XXX") is None
    assert len(ontology.actor_codes()) == 128


def test_ontology_unknown_code(ontology: Ontology) -> None:
    assert "999" not in ontology
    assert "190" in ontology
    assert ontology.get("999") is None
    for call in (ontology.event, ontology.children):
        with pytest.raises(SettingsError) as caught:
            call("999")
        assert caught.value.code == "E005"
        assert "'999'" in str(caught.value)


def _corrupt(tmp_path: Path, name: str, find: str, replace: str) -> tuple[Path, int]:
    """Write a copy of a shipped file with the first line starting ``find`` edited."""
    lines = data_file(name).read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(find))
    lines[index] = lines[index].replace(find, replace, 1) if replace != "\0" else find
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path, index + 1


@pytest.mark.parametrize(
    ("find", "replace", "detail"),
    [
        ("190\t2\t19\t19\tUse conventional military force\t", "19x\t2\t19\t19\tx\t", "digits"),
        ("1823\t3\t18\t", "1823\t3\t17\t", "root"),
        ("0211\t3\t02\t021\t", "0211\t2\t02\t021\t", "level"),
        ("0211\t3\t02\t021\t", "0211\t3\t02\t022\t", "parent"),
        ("016\t", "\0", "cells"),
        ("1212\t", "1211\t", "repeats"),
    ],
)
def test_ontology_corrupt_events_name_file_and_line(
    tmp_path: Path, find: str, replace: str, detail: str
) -> None:
    path, line = _corrupt(tmp_path, EVENTS_FILE, find, replace)
    with pytest.raises(SettingsError) as caught:
        parse_events(path)
    assert caught.value.code == "E002"
    assert f"{path} line {line}:" in str(caught.value)
    assert detail in str(caught.value)


@pytest.mark.parametrize(
    ("column", "bad", "detail"),
    [
        (7, "-12.5", "-10..10"),
        (7, "high", "not a number"),
        (9, "5", "quad_class"),
        (10, "7", "penta_class"),
        (9, "3", "differ from root"),
    ],
)
def test_ontology_corrupt_values_name_file_and_line(
    tmp_path: Path, column: int, bad: str, detail: str
) -> None:
    lines = data_file(EVENTS_FILE).read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("190\t"))
    cells = lines[index].split("\t")
    cells[column] = bad
    lines[index] = "\t".join(cells)
    path = tmp_path / EVENTS_FILE
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        parse_events(path)
    assert caught.value.code == "E002"
    assert f"{path} line {index + 1}:" in str(caught.value)
    assert detail in str(caught.value)


def test_ontology_missing_version_line(tmp_path: Path) -> None:
    path = tmp_path / EVENTS_FILE
    text = data_file(EVENTS_FILE).read_text(encoding="utf-8")
    path.write_text(text.split("\n", 1)[1], encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        parse_events(path)
    assert caught.value.code == "E002"
    assert f"{path} line 1:" in str(caught.value)


def test_ontology_corrupt_actors_name_file_and_line(tmp_path: Path) -> None:
    path, line = _corrupt(tmp_path, ACTORS_FILE, "REB\t", "Reb\t")
    with pytest.raises(SettingsError) as caught:
        parse_actors(path)
    assert caught.value.code == "E002"
    assert f"{path} line {line}:" in str(caught.value)


def test_ontology_shipped_files_carry_version_and_source() -> None:
    for name in (EVENTS_FILE, ACTORS_FILE):
        lines = data_file(name).read_text(encoding="utf-8").split("\n")
        assert lines[0].startswith("# version: ")
        assert lines[1].startswith("# source: shared/peer/")
    assert "CC BY-SA" in data_file(EVENTS_FILE).read_text(encoding="utf-8")


def test_ontology_build_script_is_reproducible(tmp_path: Path) -> None:
    if not (SHARED / "peer").is_dir():
        pytest.skip(f"needs the peer data in {SHARED / 'peer'} beside the checkout")
    script = REPO / "scripts" / "build_ontology.py"
    command = [sys.executable, str(script), "--shared", str(SHARED), "--out", str(tmp_path)]
    subprocess.run(command, check=True, capture_output=True)
    for name in (EVENTS_FILE, ACTORS_FILE):
        assert (tmp_path / name).read_bytes() == data_file(name).read_bytes(), name
