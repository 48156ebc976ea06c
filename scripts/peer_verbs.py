"""Read PETRARCH verb dictionaries and convert pattern bodies into the engine's constraints.

Used by scripts/build_lexicon.py. Formats: PETRARCH-2 (`CAMEO.2.0.txt`: noun phrases in {...},
prepositional phrases in (...)) and PETRARCH-1 (`CAMEO.verbpatterns.150430.txt`: words in order
after the verb `*`); both have `&SYNSET` word lists, `--- NAME [code] ---` verb blocks, verb lines
(`SAY {SAID} [010]`, `+STIR_UP`) and pattern lines (`- $ * NOUN (PREP +) [code] # ORIGIN`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[1] / "src" / "realpolitik" / "coder" / "data"
HEADER = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]\s+---")
CODE = re.compile(r"\[([^\]]*)\]\s*$")
ELEMENT = re.compile(r"\{[^}]*\}|\([^)]*\)|\S+")
WORD = re.compile(r"^[a-z][a-z']*$")


@dataclass(frozen=True)
class Policy:
    """Conversion policy read from peer_policy.yaml."""

    generic: frozenset[str]
    polysemous: frozenset[str]
    particles: frozenset[str]
    preps: frozenset[str]
    function: frozenset[str]
    irregular: dict[str, str]
    not_plural: frozenset[str]
    ed_nouns: frozenset[str]
    code_map: dict[str, str]
    light: frozenset[str]
    origin_only: frozenset[str]
    noun_min: int
    noun_share: float

    @classmethod
    def load(cls, path: Path = DATA / "peer_policy.yaml") -> Policy:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        words = {k: frozenset(v) for k, v in data.items() if isinstance(v, list)}
        return cls(
            generic=words["generic_verbs"],
            polysemous=words["polysemous_verbs"],
            particles=words["particles"],
            preps=words["prepositions"],
            function=words["function_words"],
            irregular=dict(data["irregular_plurals"]),
            not_plural=words["not_plurals"],
            ed_nouns=words["ed_nouns"],
            code_map={str(k): str(v) for k, v in (data.get("code_map") or {}).items()},
            light=words["light_verbs"],
            origin_only=frozenset(str(c) for c in data["origin_only_block_codes"]),
            noun_min=int(data["event_noun_min_patterns"]),
            noun_share=float(data["event_noun_dominance"]),
        )


@dataclass(frozen=True)
class Verb:
    """One verb of a block: its lemma, an optional particle or object, and its own code."""

    lemma: str
    particle: str | None
    obj: str | None
    code: str | None


@dataclass
class Block:
    """A verb synonym block with its patterns (raw text) and where it came from."""

    source: str
    line: int
    name: str
    code: str
    verbs: list[Verb] = field(default_factory=list)
    patterns: list[tuple[int, str, str, frozenset[str]]] = field(default_factory=list)
    # each: line, body, code, the verbs its comment names as where it was found
    dropped_verbs: list[str] = field(default_factory=list)
    forms: set[str] = field(default_factory=set)  # the irregular forms given in {...}


@dataclass(frozen=True)
class Shape:
    """A pattern body converted to the engine's constraints."""

    particle: str | None = None
    objects: frozenset[str] = frozenset()
    prep: str | None = None  # the preposition whose object is the target
    literal: bool = False  # the object is a word of the pattern, not a synset's member


@dataclass
class Dictionary:
    """A parsed peer dictionary."""

    synsets: dict[str, frozenset[str]]
    blocks: list[Block]


# --- lemmas -------------------------------------------------------------------------------
def noun_lemmas(word: str, policy: Policy, *, plural: bool = True) -> set[str]:
    """Return the spaCy-style lemmas a dictionary noun may have (the word and its singular)."""
    word = word.lower()
    out = {word}
    if word in policy.irregular:
        return {word, policy.irregular[word]}
    if not plural or word in policy.not_plural or len(word) < 4:
        return out
    if word.endswith("ies"):
        out.add(word[:-3] + "y" if len(word) > 5 else word[:-1])
    elif word.endswith(("sses", "ches", "shes", "xes", "zes")):
        out.add(word[:-2])
    elif word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        out.add(word[:-1])
    return out


def _plain_word(word: str, policy: Policy) -> str | None:
    """Return a drop reason for a word that cannot stand as a noun constraint, else None."""
    low = word.lower()
    if "_" in low or " " in low:
        return "multiword noun phrase"
    if "-" in low:
        return "hyphenated word"
    if not WORD.match(low):
        return "not a word"
    if low in policy.function or low in policy.preps:
        return "function word (clause or word order)"
    if low.endswith("ly") and len(low) > 4:
        return "adverb"
    if low.endswith("ed") and low not in policy.ed_nouns:
        return "verb form in object position"
    return None


# --- reading ------------------------------------------------------------------------------
def _strip_comment(line: str) -> tuple[str, str]:
    text, _, comment = line.partition("#")
    return text.rstrip(), comment.strip()


def read_synset(label: str, members: list[str], policy: Policy) -> frozenset[str]:
    """Expand a synset's single-word members into noun lemmas (multiword members are left out)."""
    plural = not label.endswith("_")
    out: set[str] = set()
    for member in members:
        word = member.strip().lstrip("+").strip()
        keep_plural = plural and not word.endswith("_")
        word = word.rstrip("_")
        if _plain_word(word, policy) is None:
            out |= noun_lemmas(word, policy, plural=keep_plural)
    return frozenset(out)


def parse_verb(entry: str, policy: Policy) -> Verb | str:
    """Parse a verb line ("SAY {SAID} [010]", "+STIR_UP", "+TAKE_NOTE") into a Verb or a reason."""
    code_match = re.search(r"\[([^\]]*)\]", entry)
    code = code_match.group(1).strip() if code_match else None
    name = re.split(r"[\s{\[]", entry.strip(), maxsplit=1)[0]
    if "+" not in name:
        if "_" in name:
            return "multiword verb without a marked verb"
        return Verb(name.lower(), None, None, code)
    if not name.startswith("+"):
        return "multiword verb with a leading word"
    words = [w.lower() for w in name[1:].split("_") if w]
    lemma, rest = words[0], words[1:]
    particle = obj = None
    for word in rest:
        if word in policy.particles or word in policy.preps:
            if particle is not None:
                return "multiword verb with two particles"
            particle = word
        elif obj is None and _plain_word(word, policy) is None:
            obj = word
        else:
            return "multiword verb too long"
    return Verb(lemma, particle, obj, code)


def _origin_verbs(comment: str) -> frozenset[str]:
    """Return the lemmas a pattern comment names as its origin ("# STEP_UP , STEPPED_UP <ab>")."""
    text = comment.split("<", 1)[0]
    return frozenset(w.lower().split("_")[0] for w in re.findall(r"\b[A-Z][A-Z_]+\b", text))


def read_dictionary(path: Path, source: str, policy: Policy, drops: Counter) -> Dictionary:
    """Parse synsets and verb blocks of one PETRARCH verb dictionary."""
    synsets: dict[str, frozenset[str]] = {}
    blocks: list[Block] = []
    label: str | None = None
    members: list[str] = []
    block: Block | None = None

    def close_synset() -> None:
        nonlocal label, members
        if label is not None:
            synsets[label.rstrip("_")] = read_synset(label, members, policy)
        label, members = None, []

    for number, raw in enumerate(
        path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
    ):
        if raw.startswith("#") or "VERB PATTERNS" in raw:
            continue
        text, comment = _strip_comment(raw)
        if not text.strip():
            close_synset()
            continue
        stripped = text.strip()
        header = HEADER.match(stripped)
        if header:
            close_synset()
            block = Block(source, number, header.group(1), header.group(2).strip())
            blocks.append(block)
        elif stripped.startswith("&"):
            close_synset()
            label = stripped.split()[0][1:]
        elif label is not None and stripped.startswith("+"):
            members.append(stripped)
        elif block is None:
            continue
        elif stripped.startswith("-"):
            code = CODE.search(stripped)
            if code is None:
                drops["no code"] += 1
                continue
            body = stripped[1 : code.start()].strip()
            block.patterns.append((number, body, code.group(1).strip(), _origin_verbs(comment)))
        else:
            verb = parse_verb(stripped, policy)
            if isinstance(verb, str):
                drops[f"verb: {verb}"] += 1
                block.dropped_verbs.append(stripped)
            else:
                block.verbs.append(verb)
                block.forms.update(w.lower() for w in re.findall(r"[A-Z]+", _braces(stripped)))
    close_synset()
    for block in blocks:
        kept = [v for v in block.verbs if not _inflected(v, block.forms)]
        drops["verb: an inflected form listed as a verb"] += len(block.verbs) - len(kept)
        block.verbs = kept
    return Dictionary(synsets, blocks)


def _braces(line: str) -> str:
    """Return the irregular forms written in {...} on a verb line."""
    match = re.search(r"\{([^}]*)\}", line)
    return match.group(1) if match else ""


def _inflected(verb: Verb, forms: set[str]) -> bool:
    """Return True for a verb line that lists an inflected form ("WORRIED", "TOURING", or a form
    another verb of its block gives in {...}) rather than a lemma: it never equals a spaCy lemma."""
    lemma = verb.lemma
    if lemma in forms or (lemma.endswith("ing") and len(lemma) > 6):
        return True
    return lemma.endswith("ed") and not lemma.endswith("eed") and len(lemma) > 5


# --- converting patterns ------------------------------------------------------------------
def _elements(body: str, policy: Policy, *, linear: bool) -> list[tuple] | str:
    """Split a pattern body after the verb into elements: noun, syn, prt, pp, tgt, src."""
    out: list[tuple] = []
    tokens = ELEMENT.findall(body)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "+":
            out.append(("tgt",))
        elif token == "$":
            out.append(("src",))
        elif token in {"^", "%"} or token.startswith("^"):
            return "skip or compound marker"
        elif token.startswith("{"):
            words = token[1:-1].split()
            if len(words) != 1:
                return "multiword noun phrase"
            out.append(("noun", words[0]))
        elif token.startswith("("):
            inner = token[1:-1].split()
            if not inner or inner[0].lower() not in policy.preps:
                return "prepositional phrase without a preposition"
            rest = _elements(" ".join(inner[1:]), policy, linear=False)
            if isinstance(rest, str):
                return rest
            out.append(("pp", inner[0].lower(), rest))
        elif token.startswith("&"):
            out.append(("syn", token[1:].rstrip("_")))
        elif (
            linear
            and token.lower() in policy.preps
            and (i < len(tokens) or out or token.lower() not in policy.particles)
        ):
            rest: list[tuple] = []
            if i < len(tokens) and tokens[i] in {"+", "$"}:
                rest = [("tgt",) if tokens[i] == "+" else ("src",)]
                i += 1
            elif i < len(tokens) and tokens[i].lower() not in policy.preps:
                nxt = _elements(tokens[i], policy, linear=False)
                if isinstance(nxt, str):
                    return nxt
                rest = nxt
                i += 1
            out.append(("pp", token.lower(), rest))
        elif token.lower() in policy.particles and not out:
            out.append(("prt", token.lower()))
        elif token.lower() in policy.particles or token.lower() in policy.preps:
            return "particle after the object (word order)"
        else:
            reason = _plain_word(token, policy)
            if reason:
                return reason
            out.append(("noun", token))
    return out


def _nouns(element: tuple, synsets: dict[str, frozenset[str]], policy: Policy) -> frozenset[str]:
    if element[0] == "syn":
        return synsets.get(element[1], frozenset())
    return frozenset(noun_lemmas(element[1], policy))


def convert_body(
    upper: str, body: str, synsets: dict[str, frozenset[str]], policy: Policy, *, linear: bool
) -> Shape | str:
    """Convert one pattern (words before and after the verb) to a Shape, or return why not."""
    before = upper.split()
    if any(t != "$" for t in before):
        return "target before the verb" if "+" in before else "words before the verb"
    elements = _elements(body, policy, linear=linear)
    if isinstance(elements, str):
        return elements
    if any(e[0] == "syn" and e[1] not in synsets for e in elements):
        return "undefined synset"
    if elements and elements[-1][0] == "tgt" and len(elements) == 1:
        elements = []  # "* +": the target is the object, as by default
    kinds = [e[0] for e in elements]
    particle = elements[0][1] if kinds[:1] == ["prt"] else None
    if particle:
        elements, kinds = elements[1:], kinds[1:]
    if "src" in kinds or any(e[0] == "pp" and ("src",) in e[2] for e in elements):
        return "source after the verb"
    if kinds.count("pp") > 1:
        return "several prepositional phrases"
    nouns = [e for e in elements if e[0] in {"noun", "syn"}]
    pps = [e for e in elements if e[0] == "pp"]
    if "tgt" in kinds:
        return "target between words (word order)"
    if len(nouns) > 1:
        return "word sequence (several nouns)"
    objects = _nouns(nouns[0], synsets, policy) if nouns else frozenset()
    if nouns and not objects:
        return "empty synset"
    if not pps:
        return Shape(particle, objects, None, literal=bool(nouns) and nouns[0][0] == "noun")
    _, prep, inner = pps[0]
    inner_nouns = [e for e in inner if e[0] in {"noun", "syn"}]
    if len(inner) > 1 or (inner and inner[0][0] not in {"noun", "syn", "tgt"}):
        return "complex prepositional phrase"
    if inner_nouns:
        if nouns:
            return "object and prepositional object both constrained"
        if particle:
            return "particle and prepositional object both constrained"
        pobjs = _nouns(inner_nouns[0], synsets, policy)
        if not pobjs:
            return "empty synset"
        if pps[0] is not elements[-1]:
            return "word after the prepositional phrase"
        return Shape(prep, pobjs, None)  # the engine reads a particle as "prep present"
    if nouns or particle:
        return Shape(particle, objects, prep)
    return Shape(prep, frozenset(), prep)


def event_code(raw: str, known: set[str], policy: Policy) -> str | None:
    """Return the CAMEO event code of a "[code]" or "[src:tgt]" cell, or None (null or unknown)."""
    parts = [p.strip() for p in raw.split(":") if p.strip()]
    if not parts or parts[0] == "---":
        return None
    code = policy.code_map.get(parts[0], parts[0])
    if code not in known and len(code) == 4 and code.endswith("0") and code[:3] in known:
        code = code[:3]
    return code if code in known else None
