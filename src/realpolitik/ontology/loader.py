"""Load and validate the CAMEO event and actor code tables shipped as package data.

The tables are built by ``scripts/build_ontology.py``; ``data/README.md`` gives their provenance.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from realpolitik.errors import Errors, SettingsError

logger = logging.getLogger(__name__)

EVENTS_FILE = "cameo_events.tsv"
ACTORS_FILE = "cameo_actors.tsv"
EVENT_COLUMNS: tuple[str, ...] = (
    "code",
    "level",
    "root",
    "parent",
    "name",
    "name_gdelt",
    "icews_labels",
    "goldstein",
    "goldstein_source",
    "quad_class",
    "penta_class",
    "plover_event",
    "plover_mode",
    "plover_events",
    "plover_contexts",
    "note",
)
ACTOR_COLUMNS: tuple[str, ...] = ("code", "kind", "label", "notes")
LIST_SEPARATOR = "|"

_EVENT_CODE = re.compile(r"\d{2,4}")
_ACTOR_CODE = re.compile(r"[A-Z]{3}")
_KIND = re.compile(r"[a-z]+")
_PLOVER_NAME = re.compile(r"[A-Z]+")

DataPath = Path | Traversable


@dataclass(frozen=True, slots=True)
class EventCode:
    """One CAMEO event code with its labels, scores and PLOVER mapping.

    level: 1 for a two-digit root, 2 for a three-digit code, 3 for a four-digit code
    parent: the code one level up (None for a root)
    name: the CAMEO 0.7b5 label; name_gdelt: GDELT's label, None where GDELT has no such code
    goldstein: Goldstein score (-10..10); goldstein_source says where it comes from
    quad_class: GDELT QuadClass 1-4; penta_class: Phoenix five-way class 0-4
    plover_event, plover_mode: the first PLOVER mapping; plover_events: every mapped event type
    """

    code: str
    level: int
    root: str
    parent: str | None
    name: str
    name_gdelt: str | None
    goldstein: float | None
    quad_class: int
    penta_class: int
    plover_event: str | None
    plover_mode: str | None
    plover_events: tuple[str, ...]
    icews_labels: tuple[str, ...] = ()
    plover_contexts: tuple[str, ...] = ()
    goldstein_source: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class ActorCode:
    """One three-letter CAMEO actor code: a role, sector, group, region, religion or country."""

    code: str
    kind: str
    label: str
    notes: str


class Ontology:
    """Look up CAMEO event codes and actor codes; build it with ``load_ontology()``."""

    def __init__(self, events: Iterable[EventCode], actors: Iterable[ActorCode]) -> None:
        self._events = {event.code: event for event in events}
        self._actors = {actor.code: actor for actor in actors}
        self._children: dict[str, list[EventCode]] = {code: [] for code in self._events}
        for event in self._events.values():
            if event.parent is not None:
                self._children.setdefault(event.parent, []).append(event)

    def __contains__(self, code: object) -> bool:
        return code in self._events

    def __iter__(self) -> Iterator[EventCode]:
        return iter(self._events.values())

    def __len__(self) -> int:
        return len(self._events)

    def event(self, code: str) -> EventCode:
        """Return the event code ``code``.

        Raises: SettingsError E005 if the code is not a CAMEO event code.
        """
        found = self._events.get(code)
        if found is None:
            raise SettingsError(Errors.E005.format(code=code))
        return found

    def get(self, code: str) -> EventCode | None:
        """Return the event code ``code``, or None if it is unknown."""
        return self._events.get(code)

    def codes(self, *, level: int | None = None, root: str | None = None) -> list[EventCode]:
        """Return the event codes in code order, optionally only one level or one root."""
        return [
            event
            for event in self._events.values()
            if (level is None or event.level == level) and (root is None or event.root == root)
        ]

    def roots(self) -> list[EventCode]:
        """Return the 20 two-digit root codes."""
        return self.codes(level=1)

    def children(self, code: str) -> list[EventCode]:
        """Return the codes one level below ``code``.

        Raises: SettingsError E005 if the code is not a CAMEO event code.
        """
        self.event(code)
        return list(self._children[code])

    def actor_code(self, code: str) -> ActorCode | None:
        """Return the actor code ``code``, or None if it is unknown."""
        return self._actors.get(code)

    def actor_codes(self, *, kind: str | None = None) -> list[ActorCode]:
        """Return the actor codes in file order, optionally only one kind (role, sector...)."""
        return [a for a in self._actors.values() if kind is None or a.kind == kind]


def _bad(path: DataPath, line: int, detail: str) -> SettingsError:
    return SettingsError(Errors.E002.format(path=path, line=line, detail=detail))


def read_table(path: DataPath, *, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each data row of a shipped TSV file.

    The file starts with a ``# version:`` line, then more ``#`` lines, then a header row
    equal to ``columns``.

    Raises: SettingsError E002 naming file and line on a malformed file.
    """
    lines = path.read_text(encoding="utf-8").split("\n")
    if not lines[0].startswith("# version:"):
        raise _bad(path, 1, "first line must be '# version: ...'")
    header = 1
    while header < len(lines) and lines[header].startswith("#"):
        header += 1
    if header >= len(lines) or tuple(lines[header].split("\t")) != columns:
        raise _bad(path, header + 1, "header must be " + "\\t".join(columns))
    for number, text in enumerate(lines[header + 1 :], start=header + 2):
        if not text:
            continue
        cells = text.split("\t")
        if len(cells) != len(columns):
            raise _bad(path, number, f"{len(cells)} cells, expected {len(columns)}")
        yield number, dict(zip(columns, cells, strict=True))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part for part in cell.split(LIST_SEPARATOR) if part)


def _int(cell: str, *, low: int, high: int, column: str) -> int:
    if not cell.isdigit() or not low <= int(cell) <= high:
        raise ValueError(f"{column} {cell!r} is not an integer in {low}..{high}")
    return int(cell)


def _goldstein(cell: str) -> float | None:
    if not cell:
        return None
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(f"goldstein {cell!r} is not a number") from None
    if not -10.0 <= value <= 10.0:
        raise ValueError(f"goldstein {value} is outside -10..10")
    return value


def _expected_parent(code: str) -> str | None:
    return None if len(code) == 2 else code[:-1]


def _event_from_row(row: dict[str, str]) -> EventCode:
    code = row["code"]
    if not _EVENT_CODE.fullmatch(code):
        raise ValueError(f"code {code!r} is not 2 to 4 digits")
    level = _int(row["level"], low=1, high=3, column="level")
    if level != len(code) - 1:
        raise ValueError(f"level {level} does not fit code {code!r}")
    if row["root"] != code[:2]:
        raise ValueError(f"root {row['root']!r} does not fit code {code!r}")
    parent = row["parent"] or None
    if parent != _expected_parent(code):
        raise ValueError(f"parent {parent!r} does not fit code {code!r}")
    if not row["name"]:
        raise ValueError("name is empty")
    events = _split(row["plover_events"])
    primary = row["plover_event"] or None
    if primary != (events[0] if events else None):
        raise ValueError(f"plover_event {primary!r} is not the first of plover_events")
    if any(not _PLOVER_NAME.fullmatch(name) for name in events):
        raise ValueError(f"plover_events {row['plover_events']!r} are not upper-case names")
    return EventCode(
        code=code,
        level=level,
        root=row["root"],
        parent=parent,
        name=row["name"],
        name_gdelt=row["name_gdelt"] or None,
        goldstein=_goldstein(row["goldstein"]),
        quad_class=_int(row["quad_class"], low=1, high=4, column="quad_class"),
        penta_class=_int(row["penta_class"], low=0, high=4, column="penta_class"),
        plover_event=primary,
        plover_mode=row["plover_mode"] or None,
        plover_events=events,
        icews_labels=_split(row["icews_labels"]),
        plover_contexts=_split(row["plover_contexts"]),
        goldstein_source=row["goldstein_source"],
        note=row["note"],
    )


def _check_tree(path: DataPath, events: dict[str, EventCode], lines: dict[str, int]) -> None:
    for code, event in events.items():
        if event.parent is not None and event.parent not in events:
            raise _bad(path, lines[code], f"parent {event.parent!r} of {code!r} is not listed")
        root = events.get(event.root)
        if root is None:
            raise _bad(path, lines[code], f"root {event.root!r} of {code!r} is not listed")
        if (event.quad_class, event.penta_class) != (root.quad_class, root.penta_class):
            raise _bad(path, lines[code], f"classes of {code!r} differ from root {root.code!r}")


def parse_events(path: DataPath) -> list[EventCode]:
    """Parse and validate a CAMEO event table.

    Returns: the event codes in file order.
    Raises: SettingsError E002 naming file and line on a bad row.
    """
    events: dict[str, EventCode] = {}
    lines: dict[str, int] = {}
    for line, row in read_table(path, columns=EVENT_COLUMNS):
        try:
            event = _event_from_row(row)
        except ValueError as exc:
            raise _bad(path, line, str(exc)) from None
        if event.code in events:
            raise _bad(path, line, f"code {event.code!r} repeats line {lines[event.code]}")
        events[event.code] = event
        lines[event.code] = line
    _check_tree(path, events, lines)
    return list(events.values())


def parse_actors(path: DataPath) -> list[ActorCode]:
    """Parse and validate a CAMEO actor code table.

    Returns: the actor codes in file order.
    Raises: SettingsError E002 naming file and line on a bad row.
    """
    actors: dict[str, ActorCode] = {}
    for line, row in read_table(path, columns=ACTOR_COLUMNS):
        actor = ActorCode(**row)
        if not _ACTOR_CODE.fullmatch(actor.code):
            raise _bad(path, line, f"code {actor.code!r} is not three capital letters")
        if not _KIND.fullmatch(actor.kind) or not actor.label:
            raise _bad(path, line, f"kind {actor.kind!r} or label {actor.label!r} is invalid")
        if actor.code in actors:
            raise _bad(path, line, f"code {actor.code!r} is listed twice")
        actors[actor.code] = actor
    return list(actors.values())


def data_file(name: str) -> Traversable:
    """Return the shipped data file ``name``.

    Raises: SettingsError E003 if the file is missing from the installed package.
    """
    found = resources.files("realpolitik.ontology").joinpath("data", name)
    if not found.is_file():
        raise SettingsError(Errors.E003.format(path=found))
    return found


@functools.cache
def load_ontology() -> Ontology:
    """Return the shipped ontology, parsed and validated once per process.

    Raises: SettingsError E002 on a bad row, E003 if a data file is missing.
    """
    ontology = Ontology(parse_events(data_file(EVENTS_FILE)), parse_actors(data_file(ACTORS_FILE)))
    logger.debug("loaded %d CAMEO event codes", len(ontology))
    return ontology


def quad_class(root: str) -> int:
    """Return the QuadClass (1-4) of a root, or of the root of any CAMEO code.

    Raises: SettingsError E005 if the code is not a CAMEO event code.
    """
    return load_ontology().event(root).quad_class


def penta_class(root: str) -> int:
    """Return the Phoenix five-way class (0-4) of a root, or of the root of any CAMEO code.

    Raises: SettingsError E005 if the code is not a CAMEO event code.
    """
    return load_ontology().event(root).penta_class
