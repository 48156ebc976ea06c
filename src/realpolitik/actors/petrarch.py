"""Read PETRARCH/TABARI actor and agent dictionaries (``.actors``, ``.agents``, ``.txt``).

Format: an entry line ``NAME_WORDS_ {PLURAL} [CODE date]``, then ``+SYNONYM`` lines and indented
``[CODE date]`` lines. ``_`` stands for a space (a trailing one is TABARI's no-stemming mark),
``#`` starts a comment, ``!MACRO! = A, B`` defines alternatives used as ``FOREIGN_!MINIST!``.
Dates: ``[CODE]`` always, ``[CODE 20021115-20130314]`` within, ``[CODE >20121115]`` from,
``[CODE <20030101]`` until; six-digit dates are YYMMDD (00-30 -> 20YY, 31-99 -> 19YY).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from realpolitik.actors.names import plural
from realpolitik.errors import ActorError, Errors, Warnings

logger = logging.getLogger(__name__)

_BRACKET = re.compile(r"\[([^\]]*)\]")
_BRACE = re.compile(r"\{([^}]*)\}")
_MACRO = re.compile(r"!([A-Z]+)!")
_CODE = re.compile(r"^~?[A-Z]{3}(?:[A-Z]{3})*~?$")


@dataclass(frozen=True)
class PetrarchCode:
    """One code of an entry with its validity: ISO dates, half-open; empty = unbounded."""

    code: str
    start: str = ""
    end: str = ""


@dataclass
class PetrarchEntry:
    """One dictionary entry: its names (first is the main one), codes and plural forms.

    plurals: None for regular plurals, [] for none ({} in the file), else the irregular forms
    line: line number of the entry in its file
    """

    names: list[str]
    codes: list[PetrarchCode] = field(default_factory=list)
    plurals: list[str] | None = None
    line: int = 0

    def all_forms(self) -> list[str]:
        """Return every surface form: names and their plurals."""
        forms = list(self.names)
        if self.plurals is None:
            forms += [plural(n) for n in self.names]
        else:
            forms += self.plurals
        return list(dict.fromkeys(forms))


def _date(raw: str) -> str:
    """Return an ISO date for a PETRARCH date (YYYYMMDD or YYMMDD); raise ValueError if invalid."""
    if len(raw) == 6:
        yy = int(raw[:2])
        raw = ("20" if yy <= 30 else "19") + raw
    if len(raw) != 8 or not raw.isdigit():
        raise ValueError(f"bad date {raw!r}")
    y, m, d = int(raw[:4]), int(raw[4:6]), int(raw[6:])
    if not (1 <= m <= 12 and 1 <= d <= 31):
        raise ValueError(f"bad date {raw!r}")
    return f"{y:04d}-{m:02d}-{d:02d}"


def parse_code(text: str, *, snapshot: str = "") -> PetrarchCode:
    """Parse the inside of one ``[...]`` group; ``snapshot`` caps open ``>date`` ranges.

    Raises: ValueError for a malformed code or date.
    """
    parts = text.split(None, 1)
    if not parts or not _CODE.match(parts[0]):
        raise ValueError(f"bad code {text!r}")
    code = parts[0]
    if len(parts) == 1:
        return PetrarchCode(code)
    spec = parts[1].replace(" ", "")
    if spec.startswith(">"):
        return PetrarchCode(code, _date(spec[1:]), snapshot)
    if spec.startswith("<"):
        return PetrarchCode(code, "", _date(spec[1:]))
    start, sep, end = spec.partition("-")
    if not sep:
        raise ValueError(f"bad date range {spec!r}")
    return PetrarchCode(code, _date(start), _date(end))


def _phrases(raw: str, macros: dict[str, list[str]]) -> list[str]:
    """Expand macros in a raw dictionary phrase and turn underscores into spaces."""
    forms = [raw]
    while any(_MACRO.search(f) for f in forms):
        nxt = []
        for f in forms:
            m = _MACRO.search(f)
            if not m:
                nxt.append(f)
                continue
            for alt in macros.get(m.group(1), [m.group(1)]):
                nxt.append(f[: m.start()] + alt + f[m.end() :])
        forms = nxt
    out = []
    for f in forms:
        text = re.sub(r"\s+", " ", f.replace("_", " ")).strip(" ,")
        if text:
            out.append(text)
    return out


def read_petrarch(path: Path, *, snapshot: str = "") -> Iterator[PetrarchEntry]:
    """Yield the entries of a PETRARCH dictionary file.

    snapshot: ISO date that caps open-ended ``>date`` codes (the file's as-of date), or ""
    Raises: ActorError E301 when the file cannot be read.
    """
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise ActorError(Errors.E301.format(path=path, detail=exc.strerror or exc)) from exc
    macros: dict[str, list[str]] = {}
    entry: PetrarchEntry | None = None
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].rstrip()
        if not text.strip():
            continue
        if text.startswith("!") and "=" in text:
            name, _, alts = text.partition("=")
            macros[name.strip().strip("!")] = [a.strip() for a in alts.split(",") if a.strip()]
            continue
        if text[0] in " \t[":
            if entry is not None:
                entry.codes += _codes(text, path, number, snapshot)
            continue
        if text.startswith("+"):
            if entry is not None:
                entry.names += _phrases(_BRACKET.sub("", text[1:]), macros)
                entry.codes += _codes(text, path, number, snapshot)
            continue
        if entry is not None:
            yield entry
        entry = _entry(text, path, number, snapshot, macros)
    if entry is not None:
        yield entry


def _entry(
    text: str, path: Path, number: int, snapshot: str, macros: dict[str, list[str]]
) -> PetrarchEntry | None:
    head = _BRACE.sub("", _BRACKET.sub("", text))
    names = _phrases(head, macros)
    if not names:
        return None
    entry = PetrarchEntry(names=names, codes=_codes(text, path, number, snapshot), line=number)
    brace = _BRACE.search(text)
    if brace:
        entry.plurals = _phrases(brace.group(1), macros)
    return entry


def _codes(text: str, path: Path, number: int, snapshot: str) -> list[PetrarchCode]:
    codes = []
    for group in _BRACKET.findall(text):
        try:
            codes.append(parse_code(group.strip(), snapshot=snapshot))
        except ValueError as exc:
            logger.warning(Warnings.W301.format(path=path, line=number, detail=exc))
    return codes
