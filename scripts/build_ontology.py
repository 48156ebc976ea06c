"""Build the shipped CAMEO tables in src/realpolitik/ontology/data/ from ../shared/peer.

Usage: python scripts/build_ontology.py [--shared PATH] [--out DIR]

Reads peer/cameo/cameo_event_codes.tsv, peer/plover/CAMEO2PLOVER-2021.txt,
peer/plover/plover_event_types.tsv, peer/plover/plover_modes.tsv and
peer/actors/cameo/cameo_actor_codes.tsv; writes cameo_events.tsv and cameo_actors.tsv.
The output is deterministic: the same sources give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from realpolitik.ontology.loader import (
    ACTOR_COLUMNS,
    ACTORS_FILE,
    EVENT_COLUMNS,
    EVENTS_FILE,
    LIST_SEPARATOR,
    parse_actors,
    parse_events,
)

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
DATA_VERSION = "1.0"
EVENTS_SOURCE = "peer/cameo/cameo_event_codes.tsv"
PLOVER_MAP_SOURCE = "peer/plover/CAMEO2PLOVER-2021.txt"
PLOVER_TYPES_SOURCE = "peer/plover/plover_event_types.tsv"
PLOVER_MODES_SOURCE = "peer/plover/plover_modes.tsv"
ACTORS_SOURCE = "peer/actors/cameo/cameo_actor_codes.tsv"
PEER_LIST_SEPARATOR = " | "

EVENTS_PREAMBLE = (
    "# origin: CAMEO (Schrodt et al.) event codes; name = CAMEO 0.7b5 label (TABARI"
    " CAMEO.09b5.options); name_gdelt and goldstein from the GDELT CAMEO lookup files (cite"
    " GDELT); icews_labels from openeventdata/text_to_CAMEO (MIT)",
    "# licence: the plover_* columns derive from the PLOVER project (openeventdata/PLOVER"
    " @ 5e0c24fb, CAMEO2PLOVER table of 2021-09-17, Open Event Data Alliance) and are"
    " CC BY-SA 4.0; share derivatives of them alike",
    "# classes: quad_class is GDELT's QuadClass (1 verbal cooperation .. 4 material"
    " conflict); penta_class is the Phoenix five-way class (0-4)",
    "# goldstein_source: gdelt, or derived:CODE where GDELT has no value and the parent"
    " code's value is used",
    f"# lists: cells holding several values separate them with '{LIST_SEPARATOR}'",
    "# built by scripts/build_ontology.py: change the sources or the script, not this file",
)
ACTORS_PREAMBLE = (
    "# origin: CAMEO actor codebook code lists as published in GDELT's lookup files"
    " (CAMEO.type, CAMEO.knowngroup, CAMEO.country, CAMEO.religion); notes compare them"
    " with the Phoenix/PETRARCH dictionaries (MIT)",
    "# built by scripts/build_ontology.py: change the sources or the script, not this file",
)


@dataclass(frozen=True)
class PloverEntry:
    """One line of the CAMEO2PLOVER table."""

    event: str
    mode: str
    contexts: tuple[str, ...]


def read_peer_tsv(path: Path) -> list[dict[str, str]]:
    """Read a tab-separated peer file with a header row and no quoting."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def parse_plover_map(path: Path) -> dict[str, list[PloverEntry]]:
    """Return CAMEO code -> PLOVER entries, in file order, from CAMEO2PLOVER text.

    Lines read ``CODE: EVENT, mode, context; context # CAMEO name``; root lines carry only EVENT.
    """
    mapping: dict[str, list[PloverEntry]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        body = line.split("#", 1)[0].strip()
        if not body or body.startswith("~") or ":" not in body:
            continue
        code, rest = (part.strip() for part in body.split(":", 1))
        fields = [part.strip() for part in rest.split(",")] + ["", ""]
        contexts = tuple(c.strip() for c in fields[2].split(";") if c.strip())
        entry = PloverEntry(event=fields[0], mode=fields[1], contexts=contexts)
        entries = mapping.setdefault(code, [])
        if entry not in entries:
            entries.append(entry)
    return mapping


def unique(values: list[str]) -> list[str]:
    """Return the non-empty values without repeats, in first-seen order."""
    return list(dict.fromkeys(value for value in values if value))


def plover_cells(
    code: str, entries: list[PloverEntry], *, modes: set[tuple[str, str]]
) -> tuple[dict[str, str], list[str]]:
    """Return the PLOVER cells of one code and notes on modes the PLOVER manual does not list."""
    events = unique([entry.event for entry in entries])
    contexts = unique([c for entry in entries for c in entry.contexts])
    notes = [
        f"PLOVER mode {entry.mode!r} is not listed for {entry.event} in the PLOVER 0.8 manual"
        for entry in entries
        if entry.mode and (entry.event, entry.mode) not in modes
    ]
    cells = {
        "plover_event": entries[0].event if entries else "",
        "plover_mode": entries[0].mode if entries else "",
        "plover_events": LIST_SEPARATOR.join(events),
        "plover_contexts": LIST_SEPARATOR.join(contexts),
    }
    return cells, notes


def goldstein_cells(row: dict[str, str], by_code: dict[str, dict[str, str]]) -> dict[str, str]:
    """Return GDELT's Goldstein value, or the nearest ancestor's value marked as derived."""
    code = row["code"]
    ancestor = code
    while not by_code[ancestor]["goldstein_gdelt"]:
        if len(ancestor) == 2:
            raise SystemExit(f"{EVENTS_SOURCE}: no Goldstein value for {code} or its ancestors")
        ancestor = ancestor[:-1]
    source = "gdelt" if ancestor == code else f"derived:{ancestor}"
    return {"goldstein": by_code[ancestor]["goldstein_gdelt"], "goldstein_source": source}


def check_peer_plover(row: dict[str, str], cells: dict[str, str]) -> None:
    """Stop if our reading of CAMEO2PLOVER differs from the peer table's PLOVER column."""
    peer = unique([part.strip() for part in row["plover_event"].split(PEER_LIST_SEPARATOR.strip())])
    ours = cells["plover_events"].split(LIST_SEPARATOR) if cells["plover_events"] else []
    if peer != ours:
        raise SystemExit(f"{row['code']}: CAMEO2PLOVER gives {ours}, peer table gives {peer}")


def event_rows(shared: Path) -> list[dict[str, str]]:
    """Return the output rows of the event table, in code order."""
    peer_rows = read_peer_tsv(shared / EVENTS_SOURCE)
    by_code = {row["code"]: row for row in peer_rows}
    mapping = parse_plover_map(shared / PLOVER_MAP_SOURCE)
    unknown = sorted(set(mapping) - set(by_code))
    if unknown:
        raise SystemExit(f"{PLOVER_MAP_SOURCE}: codes not in the CAMEO table: {unknown}")
    event_types = {row["event_type"] for row in read_peer_tsv(shared / PLOVER_TYPES_SOURCE)}
    modes = {(r["event_type"], r["mode"]) for r in read_peer_tsv(shared / PLOVER_MODES_SOURCE)}
    rows = []
    for row in sorted(peer_rows, key=lambda r: r["code"]):
        code = row["code"]
        plover, notes = plover_cells(code, mapping.get(code, []), modes=modes)
        check_peer_plover(row, plover)
        bad = set(plover["plover_events"].split(LIST_SEPARATOR)) - event_types - {""}
        if bad:
            raise SystemExit(f"{code}: PLOVER event types {sorted(bad)} are not in PLOVER 0.8")
        goldstein = goldstein_cells(row, by_code)
        if goldstein["goldstein_source"] != "gdelt":
            ancestor = goldstein["goldstein_source"].removeprefix("derived:")
            notes.insert(0, f"GDELT has no Goldstein value; the value of {ancestor} is used")
        labels = [label.strip() for label in row["icews_text_labels"].split(PEER_LIST_SEPARATOR)]
        rows.append(
            {
                "code": code,
                "level": row["level"],
                "root": row["root_code"],
                "parent": "" if len(code) == 2 else code[:-1],
                "name": row["name_cameo_0_7b5"] or row["name_gdelt"],
                "name_gdelt": row["name_gdelt"],
                "icews_labels": LIST_SEPARATOR.join(unique(labels)),
                "quad_class": row["quadclass_gdelt"],
                "penta_class": row["quadclass_phoenix"],
                "note": "; ".join(notes),
                **goldstein,
                **plover,
            }
        )
    return rows


def actor_rows(shared: Path) -> list[dict[str, str]]:
    """Return the output rows of the actor table, in source order."""
    return [
        {column: row[column].strip() for column in ACTOR_COLUMNS}
        for row in read_peer_tsv(shared / ACTORS_SOURCE)
    ]


def source_line(shared: Path, relative: str) -> str:
    """Return a ``# source:`` line naming a peer file and the start of its sha256."""
    digest = hashlib.sha256((shared / relative).read_bytes()).hexdigest()[:16]
    return f"# source: shared/{relative} sha256:{digest}"


def render(rows: list[dict[str, str]], *, columns: tuple[str, ...], header: list[str]) -> str:
    """Return the TSV text: comment lines, a header row, one line per row."""
    for row in rows:
        for column in columns:
            if "\t" in row[column] or "\n" in row[column]:
                raise SystemExit(f"{row['code']}: {column} holds a tab or newline")
    body = ["\t".join(columns)] + ["\t".join(row[c] for c in columns) for row in rows]
    return "\n".join(header + body) + "\n"


def build(*, shared: Path, out: Path) -> list[Path]:
    """Write both tables under ``out`` and check that the loader accepts them.

    Returns: the paths written.
    """
    version = f"# version: {DATA_VERSION}"
    events_header = [version]
    events_header += [
        source_line(shared, s)
        for s in (EVENTS_SOURCE, PLOVER_MAP_SOURCE, PLOVER_TYPES_SOURCE, PLOVER_MODES_SOURCE)
    ]
    actors_header = [version, source_line(shared, ACTORS_SOURCE)]
    out.mkdir(parents=True, exist_ok=True)
    events_path, actors_path = out / EVENTS_FILE, out / ACTORS_FILE
    events_text = render(
        event_rows(shared), columns=EVENT_COLUMNS, header=events_header + list(EVENTS_PREAMBLE)
    )
    actors_text = render(
        actor_rows(shared), columns=ACTOR_COLUMNS, header=actors_header + list(ACTORS_PREAMBLE)
    )
    events_path.write_text(events_text, encoding="utf-8", newline="\n")
    actors_path.write_text(actors_text, encoding="utf-8", newline="\n")
    logger.info(
        "wrote %d events, %d actor codes",
        len(parse_events(events_path)),
        len(parse_actors(actors_path)),
    )
    return [events_path, actors_path]


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and build the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="the shared folder holding peer/ (default: ../shared)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "src/realpolitik/ontology/data",
        help="folder to write the TSV files to",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not (args.shared / "peer").is_dir():
        parser.error(f"{args.shared / 'peer'} not found; pass --shared PATH")
    for path in build(shared=args.shared, out=args.out):
        logger.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
