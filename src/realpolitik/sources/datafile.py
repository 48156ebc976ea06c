"""Load the YAML rule files that ship with ingest and cleaning, checking their version line."""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources
from typing import Any

import yaml

from realpolitik.errors import Errors, SettingsError

logger = logging.getLogger(__name__)


@cache
def load_data(package: str, name: str) -> dict[str, Any]:
    """Return the mapping in YAML data file ``name`` of ``package``; read once per process.

    Raises:
        SettingsError: E003 when the file is missing, E002 when it lacks a ``# version:`` line
            or is not a YAML mapping.
    """
    ref = resources.files(package).joinpath(name)
    if not ref.is_file():
        raise SettingsError(Errors.E003.format(path=f"{package}/{name}"))
    text = ref.read_text(encoding="utf-8")
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if not first.startswith("# version:"):
        raise SettingsError(Errors.E002.format(path=name, line=1, detail="no '# version:' line"))
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise SettingsError(Errors.E002.format(path=name, line=line, detail=str(exc))) from None
    if not isinstance(data, dict):
        raise SettingsError(Errors.E002.format(path=name, line=1, detail="not a mapping"))
    return data
