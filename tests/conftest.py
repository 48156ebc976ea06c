"""Shared fixtures: the ../shared folder, a session-wide Pipeline, and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """Return ../shared beside the checkout, or skip when it is absent (a lone clone)."""
    if not SHARED.is_dir():
        pytest.skip(
            f"{SHARED} is absent: this test needs the project's shared data beside the checkout"
        )
    return SHARED


@pytest.fixture(scope="session")
def pipeline():
    """Return one loaded Pipeline for the whole session (loading spaCy costs about a second)."""
    import realpolitik

    return realpolitik.load()


@pytest.fixture
def runner():
    """Return a typer CLI runner."""
    from typer.testing import CliRunner

    return CliRunner()
