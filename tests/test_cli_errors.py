"""The console script answers coded errors in one line, whichever command meets them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

MAIN = "from realpolitik.cli import main; main()"


@pytest.mark.parametrize("argv", [["code", "-"], ["dyad", "RUS", "CHN"]])
def test_invalid_setting_is_one_coded_line(argv: list[str], tmp_path) -> None:  # noqa: ANN001
    env = {**os.environ, "REALPOLITIK_BATCH_SIZE": "many", "REALPOLITIK_DB": str(tmp_path / "x.db")}
    done = subprocess.run(
        [sys.executable, "-c", MAIN, *argv],
        input="France condemned Germany.",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0
    assert "E001" in done.stderr and "Traceback" not in done.stderr, done.stderr
