"""Accuracy floors of the coder on the project's gold sets (a little below the measured figures).

news_dev is 198 hand-coded passages of real Wikinews and Reuters news; dev_events 25 sentences
written to illustrate CAMEO; the penta TSV scores event types without actors. The figures the
floors guard are in docs/coder.md ("Ablation").
"""

from __future__ import annotations

import pytest

from realpolitik.evaluate import evaluate_file

pytestmark = pytest.mark.shared


def _coder(pipeline):  # noqa: ANN001, ANN202
    def code(items: list[tuple[str, str | None, str]]) -> list[list]:
        return [pipeline(text, date=date, doc_id=doc_id) for text, date, doc_id in items]

    return code


def test_news_dev_floor(pipeline, shared_dir) -> None:  # noqa: ANN001
    report = evaluate_file(shared_dir / "eval/news_dev.jsonl", _coder(pipeline))
    assert report.precision >= 0.85, report.precision
    assert report.f1 >= 0.68, report.f1


def test_dev_events_floor(pipeline, shared_dir) -> None:  # noqa: ANN001
    report = evaluate_file(shared_dir / "eval/dev_events.jsonl", _coder(pipeline))
    assert report.f1 >= 0.88, report.f1


@pytest.mark.slow
def test_penta_floor(shared_dir) -> None:  # noqa: ANN001
    import realpolitik
    from realpolitik.settings import Settings

    pipeline = realpolitik.load(Settings(require_actors=False))
    report = evaluate_file(shared_dir / "eval/conflibert_penta_train.tsv", _coder(pipeline))
    assert report.accuracy >= 0.77, report.accuracy
    assert report.macro_f1 >= 0.79, report.macro_f1
