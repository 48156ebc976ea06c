"""The `realpolitik actor` command."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from realpolitik.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "actors"


def test_actors_cli_prints_json_best_first() -> None:
    result = CliRunner().invoke(
        app,
        [
            "actor",
            "Moscow and Russian Foreign Minister Sergei Lavrov criticised NATO.",
            "--date",
            "2024-10-14",
        ],
    )
    assert result.exit_code == 0, result.output
    actors = json.loads(result.stdout)
    assert [a["code"] for a in actors] == ["RUSGOV", "IGOWSTNAT", "RUSGOV"]
    assert set(actors[0]) == {"text", "name", "code", "country", "org", "role", "confidence"}
    assert actors[1]["org"] == "NATO"


def test_actors_cli_user_file_and_bad_input() -> None:
    runner = CliRunner()
    ok = runner.invoke(
        app,
        [
            "actor",
            "Varnholt spoke.",
            "--date",
            "2024-01-01",
            "--actors",
            str(FIXTURES / "user_actors.yaml"),
        ],
    )
    assert ok.exit_code == 0 and json.loads(ok.stdout)[0]["code"] == "DNKGOV"
    bad = runner.invoke(
        app, ["actor", "Varnholt spoke.", "--actors", str(FIXTURES / "bad_type.yaml")]
    )
    assert bad.exit_code == 5 and "E302" in bad.output and "bad_type.yaml" in bad.output
    bad_date = runner.invoke(app, ["actor", "Moscow spoke.", "--date", "14/10/2024"])
    assert bad_date.exit_code == 5 and "E303" in bad_date.output
