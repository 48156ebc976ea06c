"""Build the generated lexicon (src/realpolitik/coder/data/verbs_peer.yaml) from peer dictionaries.

Inputs, read here and nowhere at run time (both MIT-licensed, Open Event Data Alliance):
- ../shared/peer/petrarch2/dictionaries/CAMEO.2.0.txt            PETRARCH-2 verb patterns
- ../shared/peer/petrarch/dictionaries/CAMEO.verbpatterns.150430.txt  PETRARCH-1 verb patterns
- src/realpolitik/coder/data/peer_policy.yaml   our conversion policy (particles, generic verbs)
- the CAMEO code table of realpolitik.ontology (codes a pattern may carry)

A pattern converts when it fits the engine's constraints: a verb lemma (+ particle), one
direct-object head noun (or a synset of them), or one prepositional phrase whose object is a
noun constraint or the target. Everything else (word order, several phrases, subject words,
multiword noun phrases, null codes) is dropped and counted by reason. TABARI (GPL) is not read.

Run `.venv/bin/python scripts/build_lexicon.py [--peer ../shared/peer]`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "realpolitik" / "coder" / "data"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from peer_verbs import (  # noqa: E402
    Block,
    Dictionary,
    Policy,
    Shape,
    Verb,
    convert_body,
    event_code,
    read_dictionary,
)

from realpolitik.ontology import load_ontology  # noqa: E402

logger = logging.getLogger("build_lexicon")

VERSION = "2026.12.03"
SOURCES = (
    ("petrarch2", "petrarch2/dictionaries/CAMEO.2.0.txt"),
    ("petrarch", "petrarch/dictionaries/CAMEO.verbpatterns.150430.txt"),
)
MAX_INLINE = 4  # longer verb/object lists are written once as named classes


# --- merging ------------------------------------------------------------------------------
Key = tuple[str, str | None, frozenset[str], str | None]  # verb, particle, objects, prep


@dataclass
class Collected:
    """Converted patterns keyed by their constraints, each with its codes and origins."""

    codes: dict[Key, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    lines: Counter = field(default_factory=Counter)  # pattern lines: converted / dropped reasons
    drops: Counter = field(default_factory=Counter)
    literal: set[str] = field(default_factory=set)  # light verbs' objects named as words

    def add(self, key: Key, code: str, origin: str) -> None:
        self.codes[key][code].append(origin)


def _shared_code(codes: Iterable[str]) -> str | None:
    """Return the one code standing for several of one root: their common 3-digit parent or
    the root's X0 code; None when the codes fall in different roots."""
    codes = sorted(set(codes))
    if len(codes) == 1:
        return codes[0]
    if len({c[:2] for c in codes}) > 1:
        return None
    if len({c[:3] for c in codes}) == 1:
        return codes[0][:3]
    return codes[0][:2] + "0"


def _combine(verb: Verb, shape: Shape) -> Shape | str:
    """Add a multiword verb's own particle or object to a block pattern's shape."""
    particle, objects = shape.particle, shape.objects
    if verb.particle:
        if particle and particle != verb.particle:
            return "particle clash with a multiword verb"
        particle = verb.particle
    if verb.obj:
        if objects:
            return "object clash with a multiword verb"
        objects = frozenset({verb.obj})
    return Shape(particle, objects, shape.prep)


def _bare_reason(verb: Verb, shape: Shape, code: str, policy: Policy) -> str | None:
    """Return why a pattern with no object is too loose for this verb, else None."""
    if shape.objects:
        return None
    if verb.lemma in policy.generic:
        return "generic verb without an object"
    if shape.particle:
        return None
    if verb.lemma in policy.polysemous:
        return "polysemous bare verb"
    if len(code) == 3 and code.endswith("0") and code != "010":
        return "bare verb with only a root-level code"
    return None


def _names_block(verb: Verb, block: Block) -> bool:
    """Return True when a bare verb carries its own code or heads its block ("--- BOOST"):
    the other members of a WordNet synonym block share the block's patterns, but alone they
    are too loose ("intensify", "serve" under 060 material cooperation)."""
    head = block.name.lower().split("_")[0]
    return verb.code is not None or verb.lemma == head


def collect(path: Path, source: str, policy: Policy, known: set[str], out: Collected) -> None:
    """Convert every verb and pattern of one dictionary into ``out``."""
    dictionary = read_dictionary(path, source, policy, out.drops)
    name = path.name
    for block in dictionary.blocks:
        default = event_code(block.code, known, policy)
        for verb in block.verbs:
            code = event_code(verb.code, known, policy) if verb.code else default
            shape = _combine(verb, Shape())
            reason = "null code" if code is None else _bare_reason(verb, shape, code, policy)
            if reason is None and not shape.objects and not _names_block(verb, block):
                reason = "synonym without a code of its own"
            if reason:
                out.drops[f"verb: {reason}"] += 1
            else:
                out.add(
                    (verb.lemma, shape.particle, shape.objects, None), code, f"{name}:{block.line}"
                )
        for number, body, raw_code, found_in in block.patterns:
            origin = f"{name}:{number}"
            line = (body, raw_code, found_in)
            reason = _convert_line(block, line, dictionary, policy, known, origin, out)
            out.lines[reason or "converted"] += 1


def _convert_line(
    block: Block,
    line: tuple[str, str, frozenset[str]],
    dictionary: Dictionary,
    policy: Policy,
    known: set[str],
    origin: str,
    out: Collected,
) -> str | None:
    """Convert one pattern line for every verb of its block; return why it dropped, or None.

    A pattern that constrains nothing ("* +") is kept only for the verbs its comment names.
    """
    body, raw_code, found_in = line
    if "*" not in body:
        return "no verb position"
    code = event_code(raw_code, known, policy)
    if code is None:
        parts = [p for p in raw_code.split(":") if p.strip()]
        return "null code" if not parts or parts[0].strip() == "---" else "code not in CAMEO"
    upper, lower = body.split("*", 1)
    shape = convert_body(
        upper, lower, dictionary.synsets, policy, linear=block.source == "petrarch"
    )
    if isinstance(shape, str):
        return shape
    added = 0
    reasons: Counter = Counter()
    for verb in block.verbs:
        if verb.lemma not in found_in:
            if not (shape.objects or shape.particle):
                reasons["unconstrained pattern for another verb of the block"] += 1
                continue
            if block.code in policy.origin_only:
                reasons["speech-verb pattern for another verb of the block"] += 1
                continue
        combined = _combine(verb, shape)
        reason = (
            combined if isinstance(combined, str) else _bare_reason(verb, combined, code, policy)
        )
        if reason:
            reasons[reason] += 1
            continue
        key = (verb.lemma, combined.particle, combined.objects, combined.prep)
        out.add(key, code, origin)
        if shape.literal and verb.lemma in policy.light:
            out.literal |= shape.objects
        added += 1
    return None if added else (reasons.most_common(1)[0][0] if reasons else "block has no verbs")


@dataclass(frozen=True)
class Entry:
    """One generated lexicon entry (a PatternSpec), grouping verbs of identical constraints."""

    code: str
    verbs: tuple[str, ...]
    particle: str | None
    objects: tuple[str, ...]
    prep: str | None
    fallback: bool
    origins: tuple[str, ...]

    @property
    def id(self) -> str:
        key = "|".join(
            [
                self.code,
                ",".join(self.verbs),
                self.particle or "",
                ",".join(self.objects),
                self.prep or "",
            ]
        )
        digest = hashlib.sha1(key.encode()).hexdigest()[:6]
        particle = f"_{self.particle}" if self.particle else ""
        return f"peer_{self.code}_{self.verbs[0]}{particle}_{digest}"

    def spec(self) -> dict:
        data: dict = {"id": self.id, "code": self.code, "verbs": list(self.verbs)}
        if self.objects:
            data["object"] = list(self.objects)
        if self.particle:
            data["particle"] = [self.particle]
        if self.prep:
            data["prep"] = [self.prep]
        if self.fallback:
            data["fallback"] = True
        shown = ", ".join(self.origins[:3])
        more = f" +{len(self.origins) - 3} more" if len(self.origins) > 3 else ""
        data["note"] = f"{self.code} from {shown}{more}"
        return data


def resolve(collected: Collected) -> dict[Key, tuple[str, list[str]]]:
    """Pick one code per constraint key; keys whose codes span several roots are dropped."""
    out: dict[Key, tuple[str, list[str]]] = {}
    for key, codes in collected.codes.items():
        code = _shared_code(codes)
        if code is None:
            collected.drops["conflicting roots for one pattern"] += 1
            continue
        out[key] = (code, sorted({o for origins in codes.values() for o in origins}))
    return out


def group(patterns: dict[Key, tuple[str, list[str]]]) -> list[Entry]:
    """Group verb patterns that share code and constraints into entries, in a stable order."""
    groups: dict[tuple, tuple[list[str], set[str]]] = {}
    for (verb, particle, objects, prep), (code, origins) in patterns.items():
        fallback = code == "010" and not objects
        gkey = (code, particle, tuple(sorted(objects)), prep, fallback)
        verbs, seen = groups.setdefault(gkey, ([], set()))
        verbs.append(verb)
        seen.update(origins)
    entries = [
        Entry(code, tuple(sorted(verbs)), particle, objects, prep, fallback, tuple(sorted(seen)))
        for (code, particle, objects, prep, fallback), (verbs, seen) in groups.items()
    ]
    return sorted(
        entries, key=lambda e: (e.code, e.verbs, e.particle or "", e.objects, e.prep or "")
    )


def event_nouns(
    patterns: dict[Key, tuple[str, list[str]]],
    policy: Policy,
    counts: Counter,
    literal: set[str],
) -> dict[str, tuple[str, int]]:
    """Return noun -> (code, votes) for objects of light verbs that name one kind of event.

    literal: nouns some light-verb pattern names as a word (a synset's other members, such
      as "research" beside "investigation", are not evidence enough on their own)
    """
    votes: dict[str, Counter] = defaultdict(Counter)
    verbs: dict[str, set[str]] = defaultdict(set)
    for (verb, particle, objects, prep), (code, _origins) in patterns.items():
        if verb in policy.light and particle in (None, "out") and prep is None:
            for noun in objects:
                votes[noun][code] += 1
                verbs[noun].add(verb)
    out: dict[str, tuple[str, int]] = {}
    for noun, codes in sorted(votes.items()):
        total = sum(codes.values())
        if noun not in literal:
            counts["noun: only a synset member"] += 1
            continue
        roots = Counter()
        for code, n in codes.items():
            roots[code[:2]] += n
        root, top = roots.most_common(1)[0]
        if len(verbs[noun]) < policy.noun_min:
            counts["noun: too few light-verb patterns"] += 1
        elif top / total < policy.noun_share:
            counts["noun: no dominant root"] += 1
        else:
            in_root = Counter({c: n for c, n in codes.items() if c[:2] == root})
            best = in_root.most_common()
            code = (
                best[0][0]
                if len(best) == 1 or best[0][1] > best[1][1]
                else _shared_code(c for c, n in best if n == best[0][1])
            )
            out[noun] = (code, total)
            counts["noun: kept"] += 1
    return out


def noun_entries(nouns: dict[str, tuple[str, int]]) -> list[dict]:
    """Group event nouns by code into `nouns:` entries."""
    by_code: dict[str, list[str]] = defaultdict(list)
    for noun, (code, _votes) in nouns.items():
        by_code[code].append(noun)
    return [
        {
            "id": f"peer_noun_{code}",
            "code": code,
            "nouns": sorted(words),
            "note": f"{code}: objects of light verbs (hold, launch, impose, sign...) in the peer "
            "dictionaries that name this event",
        }
        for code, words in sorted(by_code.items())
    ]


# --- writing ------------------------------------------------------------------------------
def _header(peer: Path) -> str:
    return (
        f"# version: {VERSION}\n"
        "# GENERATED by scripts/build_lexicon.py: do not edit; override or disable entries from\n"
        "#   verbs.yaml or a user lexicon (`disable:` ids, `disable_verbs:` lemmas).\n"
        "# source: converted from the MIT-licensed Open Event Data Alliance verb dictionaries\n"
        "#   openeventdata/petrarch2 @ 676801cd dictionaries/CAMEO.2.0.txt and\n"
        "#   openeventdata/petrarch @ 7b36d67e dictionaries/CAMEO.verbpatterns.150430.txt\n"
        "#   (as copied to shared/peer on 2026-11-29). Licence and provenance: PEER_LICENSE.md.\n"
        "# Each note names the dictionary file and line of the verb block or pattern it is from.\n"
        "# Written as JSON (one entry a line), which is valid YAML and loads fast.\n"
    )


def _intern(words: tuple[str, ...], prefix: str, table: dict[str, list[str]]) -> str:
    """Return the name of a shared word class holding ``words``, adding it to ``table``."""
    name = prefix + hashlib.sha1(",".join(words).encode()).hexdigest()[:8]
    table[name] = list(words)
    return name


def compact(specs: list[dict]) -> dict:
    """Move long verb and object lists into named classes shared by the entries using them."""
    verb_classes: dict[str, list[str]] = {}
    noun_classes: dict[str, list[str]] = {}
    for spec in specs:
        if len(spec.get("verbs", [])) > MAX_INLINE:
            spec["verb_class"] = _intern(tuple(spec.pop("verbs")), "peer_v_", verb_classes)
        if len(spec.get("object", [])) > MAX_INLINE:
            spec["object_class"] = _intern(tuple(spec.pop("object")), "peer_n_", noun_classes)
    return {
        "verb_classes": dict(sorted(verb_classes.items())),
        "noun_classes": dict(sorted(noun_classes.items())),
        "patterns": specs,
    }


def as_json_yaml(data: dict) -> str:
    """Render the data as JSON with one class or pattern per line: valid YAML that the loader
    can also read with the much faster json module."""
    parts = []
    for key, value in data.items():
        if isinstance(value, dict):
            rows = [
                f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in value.items()
            ]
            body = "{\n" + ",\n".join(rows) + "\n }"
        else:
            rows = [f"  {json.dumps(v, ensure_ascii=False)}" for v in value]
            body = "[\n" + ",\n".join(rows) + "\n ]"
        parts.append(f" {json.dumps(key)}: {body}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def write(out_dir: Path, entries: list[Entry], nouns: list[dict], peer: Path) -> Path:
    """Write verbs_peer.yaml (word classes, verb patterns, event nouns) and return its path."""
    data = compact([e.spec() for e in entries] + nouns)
    text = _header(peer) + as_json_yaml(data)
    path = out_dir / "verbs_peer.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def root_table(entries: list[Entry], nouns: list[dict]) -> list[tuple[str, int, int, int]]:
    """Return (root, entries, verb patterns, event nouns) for each CAMEO root."""
    rows = []
    for root in (f"{n:02d}" for n in range(1, 21)):
        mine = [e for e in entries if e.code[:2] == root]
        noun_count = sum(len(n["nouns"]) for n in nouns if n["code"][:2] == root)
        rows.append((root, len(mine), sum(len(e.verbs) for e in mine), noun_count))
    return rows


def build(peer: Path, out_dir: Path) -> dict:
    """Convert both dictionaries and write the generated lexicon; return the counts."""
    policy = Policy.load()
    known = {c.code for c in load_ontology()}
    collected = Collected()
    for source, relative in SOURCES:
        collect(peer / relative, source, policy, known, collected)
    patterns = resolve(collected)
    entries = group(patterns)
    nouns = noun_entries(event_nouns(patterns, policy, collected.drops, collected.literal))
    write(out_dir, entries, nouns, peer)
    return {
        "lines": collected.lines,
        "drops": collected.drops,
        "roots": root_table(entries, nouns),
        "entries": len(entries),
        "verb_patterns": len(patterns),
    }


def report(counts: dict) -> str:
    """Return the counts as Markdown tables."""
    lines = ["| root | entries | verb patterns | event nouns |", "|---|---:|---:|---:|"]
    for root, entries, verb_patterns, nouns in counts["roots"]:
        lines.append(f"| {root} | {entries} | {verb_patterns} | {nouns} |")
    lines.append(
        f"| all | {counts['entries']} | {counts['verb_patterns']} | "
        f"{sum(r[3] for r in counts['roots'])} |"
    )
    lines += ["", "| pattern lines | count |", "|---|---:|"]
    lines += [f"| {reason} | {n} |" for reason, n in counts["lines"].most_common()]
    lines += ["", "| other drops | count |", "|---|---:|"]
    lines += [f"| {reason} | {n} |" for reason, n in sorted(counts["drops"].items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", type=Path, default=ROOT.parent / "shared" / "peer")
    parser.add_argument("--out", type=Path, default=DATA, help="folder for verbs_peer.yaml")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    counts = build(args.peer, args.out)
    print(report(counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
