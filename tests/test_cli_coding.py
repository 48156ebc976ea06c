"""The code, schema, evaluate, explain and demo commands, including bad input."""

from __future__ import annotations

import json

import jsonschema
import pytest

import realpolitik
from realpolitik.cli import app
from realpolitik.models import event_json_schema

GOOD = "Russia sharply criticised the United States on Tuesday."


def jsonl_events(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module", autouse=True)
def _warm(pipeline):
    """Load the pipeline once so each command's own load is quick (spaCy caches the model)."""


def test_cli_code_text_file_emits_schema_valid_jsonl(runner, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(GOOD + "\n", encoding="utf-8")
    result = runner.invoke(app, ["code", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    events = jsonl_events(result.stdout)
    assert events
    for event in events:
        jsonschema.validate(event, event_json_schema())
    assert any(e["source"]["country"] == "RUS" and e["root"] == "11" for e in events)


def test_cli_code_bad_inputs_are_named_and_the_rest_is_coded(runner, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    binary = tmp_path / "junk.bin"
    binary.write_bytes(bytes(range(256)) * 40)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    broken = tmp_path / "rows.jsonl"
    broken.write_text(
        json.dumps({"id": "r1", "date": "2024-02-01", "text": "China praised Brazil."})
        + "\n{not json\n",
        encoding="utf-8",
    )
    missing = tmp_path / "nowhere.txt"
    args = ["code", str(good), str(binary), str(empty), str(broken), str(missing)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    events = jsonl_events(result.stdout)
    assert {e["doc_id"] for e in events} >= {"good.txt", "r1"}
    messages = result.stderr
    for name in ("junk.bin", "empty.txt", "nowhere.txt"):
        assert name in messages
    assert "rows.jsonl" in messages and "line 2" in messages
    assert "Traceback" not in result.output


def test_cli_code_fails_only_when_nothing_could_be_read(runner, tmp_path):
    result = runner.invoke(app, ["code", str(tmp_path / "nothing-here.txt")])
    assert result.exit_code != 0
    assert "E901" in result.stderr and "nothing-here.txt" in result.stderr


def test_cli_code_reads_stdin_and_prints_a_table(runner):
    result = runner.invoke(app, ["code", "-", "--format", "table"], input=GOOD)
    assert result.exit_code == 0, result.output
    assert "RUS" in result.stdout and "111" in result.stdout


def test_cli_schema_prints_the_event_schema(runner):
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "evidence" in schema["required"]


def test_cli_evaluate_ends_with_the_figures(runner, tmp_path):
    gold = tmp_path / "gold.jsonl"
    rows = [
        {
            "id": "g1",
            "date": "2024-01-01",
            "text": GOOD,
            "events": [{"source": ["RUS"], "target": ["USA"], "root": ["11"]}],
        },
        {"id": "g2", "date": "2024-01-01", "text": "The weather was mild.", "events": []},
    ]
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold), "-v"])
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last == "precision=1.0000 recall=1.0000 f1=1.0000"


def test_cli_evaluate_penta_tsv(runner, tmp_path):
    gold = tmp_path / "penta.tsv"
    gold.write_text("Russian troops shelled the Ukrainian town of Bakhmut.\t4\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "accuracy=1.0000 macro_f1=1.0000"


def test_cli_evaluate_missing_gold_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(app, ["evaluate", str(tmp_path / "absent.jsonl")])
    assert result.exit_code != 0 and "absent.jsonl" in result.stderr


def test_cli_explain_shows_pattern_and_event(runner):
    result = runner.invoke(app, ["explain", GOOD, "--date", "2024-01-01"])
    assert result.exit_code == 0, result.output
    assert "pattern" in result.stdout and "EVENT" in result.stdout


def test_cli_demo_codes_the_samples(runner, tmp_path):
    result = runner.invoke(app, ["demo", "--db", str(tmp_path / "demo.db")])
    assert result.exit_code == 0, result.output
    assert "14 articles" in result.stdout
    assert "dyads" in result.stdout
    stored = realpolitik.open(str(tmp_path / "demo.db"))
    assert len(stored.events()) > 20


def test_cli_code_with_a_user_lexicon_and_a_bad_one(runner, tmp_path):
    user = tmp_path / "my_verbs.yaml"
    user.write_text(
        "# version: 1\n"
        "patterns:\n"
        "  - id: my_blockade_port\n"
        '    code: "191"\n'
        "    verbs: [blockade]\n"
        "    object_class: port\n"
        "    prep: [of]\n"
        "noun_classes:\n"
        "  port: [port, harbour, harbor]\n",
        encoding="utf-8",
    )
    text = "Russia blockaded the Ukrainian port of Odesa."
    result = runner.invoke(app, ["code", "-", "--lexicon", str(user)], input=text)
    assert result.exit_code == 0, result.output
    events = jsonl_events(result.stdout)
    assert any(e["evidence"]["pattern"] == "my_blockade_port" for e in events)
    bad = tmp_path / "bad.yaml"
    bad.write_text('patterns:\n  - id: broken\n    code: "999"\n    verbs: [x]\n', encoding="utf-8")
    result = runner.invoke(app, ["code", "-", "--lexicon", str(bad)], input=text)
    assert result.exit_code != 0
    assert "bad.yaml" in result.stderr and "E402" in result.stderr


def test_cli_code_says_why_articles_are_not_coded(runner, tmp_path):
    english = "Russia sharply criticised the United States on Tuesday over its new sanctions."
    french = (
        "La Russie a vivement critiqué les États-Unis mardi au sujet de leurs nouvelles "
        "sanctions, a déclaré le porte-parole du ministère."
    )
    feed = tmp_path / "mixed.jsonl"
    records = [
        {"id": "en1", "text": english},
        {"id": "en2", "text": english},
        {"id": "fr1", "text": french},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = runner.invoke(app, ["code", str(feed)])
    assert result.exit_code == 0, result.output
    assert {e["doc_id"] for e in jsonl_events(result.stdout)} == {"en1"}
    assert "[W202] Article en2 duplicates en1" in result.stderr
    assert "[W201] Article fr1: language 'fr'" in result.stderr


def test_cli_code_table_prints_markup_in_ids_and_text_as_is(runner, tmp_path):
    feed = tmp_path / "marked.jsonl"
    record = {"id": "[/b] odd [red]", "text": GOOD}
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["code", str(feed), "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "[/b] odd [red]" in result.stdout
