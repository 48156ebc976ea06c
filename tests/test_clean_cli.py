"""`realpolitik clean`: JSONL out, dropped lines with reasons, duplicates and languages marked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from realpolitik.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
STORY = (
    "Argentina and Uruguay signed an agreement on Thursday to dredge the River Plate shipping "
    "channel together, the two transport ministers said in Montevideo."
)


def _records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_clean_cli_writes_jsonl_file(tmp_path: Path, runner) -> None:
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(FIXTURES / "page.html", source / "page.html")
    (source / "story.txt").write_text(f"2024-10-17\n\n{STORY}\n\nShare this article\n")
    (source / "copy.txt").write_text(STORY)
    output = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["clean", str(source), "--output", str(output)])
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in _records(output.read_text(encoding="utf-8"))}
    assert set(records) == {"copy.txt", "page.html", "story.txt"}
    story = records["story.txt"]
    assert story["text"] == STORY and story["date"] == "2024-10-17"
    assert [(d["reason"], d["line"]) for d in story["dropped"]] == [
        ("dateline", 1),
        ("share/follow prompt", 5),
    ]
    assert records["copy.txt"]["duplicate_of"] is None
    assert story["duplicate_of"] == "copy.txt"
    assert set(story) == {
        "id",
        "url",
        "title",
        "date",
        "language",
        "source",
        "duplicate_of",
        "text",
        "dropped",
    }
    assert records["page.html"]["title"] == "Finland and Estonia plan a joint gas terminal"


def test_clean_cli_stdin_to_stdout_and_no_dedupe(runner) -> None:
    text = f"{STORY}\n\n{STORY}\n"
    result = runner.invoke(app, ["clean", "-", "--no-dedupe"], input=text)
    assert result.exit_code == 0, result.output
    [record] = _records(result.stdout)
    assert record["id"] == "stdin" and record["language"] == "en"
    assert [d["reason"] for d in record["dropped"]] == ["repeated line"]


def test_clean_cli_warns_and_fails_when_nothing_read(tmp_path: Path, runner) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = runner.invoke(app, ["clean", str(empty)])
    assert result.exit_code == 1
    assert "E103" in result.output and "E901" in result.output


def test_clean_cli_output_to_a_directory_or_missing_folder_is_coded(tmp_path: Path, runner) -> None:
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    for output in (tmp_path, tmp_path / "missing" / "x.jsonl"):
        result = runner.invoke(app, ["clean", str(story), "-o", str(output)])
        assert result.exit_code == 1
        assert "[E904]" in result.stderr and "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_clean_cli_prints_markup_in_names_and_ids_as_text(tmp_path: Path, runner) -> None:
    folder = tmp_path / "q["
    folder.mkdir()
    path = folder / "b]a.jsonl"  # the path holds "[/b]"
    records = [
        {"id": "[x]", "nope": STORY},
        {"id": "[/b]", "text": STORY},
        {"id": "[/b]", "text": STORY + " Both sides welcomed it."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = runner.invoke(app, ["clean", str(folder), "--no-dedupe"])
    assert result.exit_code == 0, result.output
    assert f"{path} line 1" in result.stderr
    assert "'[/b]'" in result.stderr and "[W102]" in result.stderr
    assert [r["id"][:4] for r in _records(result.stdout)] == ["[/b]", "[/b]"]
