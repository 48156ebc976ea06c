"""A slice of the Python API fuzz: generated strings raise nothing but coded errors."""

from __future__ import annotations

from harness import api_strings, fuzz_api

SLICE = 600
SEED = 14


def test_fuzz_api_strings_are_seeded_and_nasty() -> None:
    calls = api_strings(SLICE, seed=SEED)
    assert calls == api_strings(SLICE, seed=SEED)
    texts = "".join(text for text, _, _ in calls)
    for char in ("\x00", "\ud800", "\u202e", "\u200b"):
        assert char in texts
    assert any(len(text) > 100_000 for text, _, _ in calls)


def test_fuzz_api_raises_only_coded_errors(pipeline) -> None:
    report = fuzz_api(pipeline, count=SLICE, seed=SEED)
    assert report.calls == SLICE
    assert report.uncoded == []
    assert set(report.coded) <= {"E303"} and report.coded["E303"] > 0
    assert report.events > 0
