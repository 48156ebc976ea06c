"""Load and index the verb/phrase lexicon (YAML data) that maps clauses to CAMEO codes."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from realpolitik.errors import Errors, LexiconError, Warnings

logger = logging.getLogger(__name__)

DATA_PACKAGE = "realpolitik.coder.data"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster
DEFAULT_TARGET_PREPS: tuple[str, ...] = (
    "with",
    "to",
    "against",
    "on",
    "at",
    "into",
    "for",
    "from",
    "toward",
    "towards",
    "over",
)
EMPTY: frozenset[str] = frozenset()
GENERATED_FILE = "verbs_peer.yaml"  # built by scripts/build_lexicon.py
MODALITIES = {"asserted", "intended", "hypothetical", "reported"}
#: what a pattern needs besides its lemma: one of its particles, of its object lemmas, of its
#: complement lemmas, of its subject lemmas (an empty set: nothing)
Need = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]


class PatternSpec(BaseModel):
    """The schema of one lexicon entry, validated at load."""

    model_config = ConfigDict(extra="forbid")

    id: str
    code: str = Field(pattern=r"^\d{2,4}$")
    verbs: list[str] = Field(default_factory=list)
    verb_class: str | None = None
    nouns: list[str] = Field(default_factory=list)
    object: list[str] = Field(default_factory=list)
    object_class: str | list[str] | None = None
    prep: list[str] = Field(default_factory=list)
    particle: list[str] = Field(default_factory=list)
    xcomp: list[str] = Field(default_factory=list)
    negated_code: str | None = Field(default=None, pattern=r"^\d{2,4}$")
    modality: str | None = None
    passive_by: bool = True
    inverse: bool = False
    fallback: bool = False
    note: str | None = None

    @field_validator("verbs", "nouns", "object", "prep", "particle", "xcomp", mode="before")
    @classmethod
    def _as_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [value]
        return value

    @field_validator("modality")
    @classmethod
    def _known_modality(cls, value: str | None) -> str | None:
        if value is not None and value not in MODALITIES:
            raise ValueError(f"modality must be one of {sorted(MODALITIES)}")
        return value


@dataclass(frozen=True)
class Pattern:
    """A compiled lexicon entry."""

    id: str
    code: str
    verbs: frozenset[str]
    nouns: frozenset[str]
    objects: frozenset[str]
    prep: tuple[str, ...]
    particle: frozenset[str]
    xcomp: frozenset[str]
    negated_code: str | None
    modality: str | None
    source_file: str
    inverse: bool = False
    fallback: bool = False
    generated: bool = False  # from the peer-dictionary lexicon: tried after hand-written ones
    # rank: more constraints beat fewer ("impose sanctions on" beats "impose"); set at creation
    specificity: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        rank = 3 * bool(self.objects) + 2 * bool(self.particle) + 2 * bool(self.xcomp)
        object.__setattr__(self, "specificity", rank + bool(self.prep))


@dataclass
class Lexicon:
    """All patterns, indexed by predicate lemma (verbs) and by event noun."""

    patterns: list[Pattern] = field(default_factory=list)
    by_verb: dict[str, list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    by_noun: dict[str, list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    intent_verbs: frozenset[str] = frozenset()
    intent_map: dict[str, str] = field(default_factory=dict)
    speech_verbs: frozenset[str] = frozenset()
    report_verbs: frozenset[str] = frozenset()
    hypothetical_markers: frozenset[str] = frozenset()
    implied_event_verbs: frozenset[str] = frozenset()
    threat_verbs: frozenset[str] = frozenset()
    reciprocal_verbs: frozenset[str] = frozenset()
    negation_map: dict[str, str] = field(default_factory=dict)
    fallback: dict[str, list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    anaphoric_nouns: frozenset[str] = frozenset()
    anaphoric_determiners: frozenset[str] = frozenset()
    violent_roots: frozenset[str] = frozenset()
    disabled_ids: set[str] = field(default_factory=set)
    disabled_verbs: set[str] = field(default_factory=set)

    def add(self, pattern: Pattern) -> None:
        self.patterns.append(pattern)
        if pattern.fallback:  # used only when nothing else in the sentence is coded
            for verb in pattern.verbs:
                self.fallback[verb].append(pattern)
            return
        for verb in pattern.verbs:
            self.by_verb[verb].append(pattern)
        for noun in pattern.nouns:
            self.by_noun[noun].append(pattern)

    def finish(self) -> None:
        """Drop disabled generated patterns; sort each index so hand-written patterns come
        before generated ones and, within each group, the most specific is tried first."""
        if self.disabled_ids or self.disabled_verbs:
            self._drop_disabled()
        for index in (self.by_verb, self.by_noun):
            for patterns in index.values():
                patterns.sort(key=lambda p: (p.generated, -p.specificity))
        for patterns in self.fallback.values():
            patterns.sort(key=lambda p: p.generated)

    def _drop_disabled(self) -> None:
        def off(pattern: Pattern, word: str | None = None) -> bool:
            return pattern.generated and (
                pattern.id in self.disabled_ids or word in self.disabled_verbs
            )

        self.patterns = [p for p in self.patterns if not off(p)]
        for index in (self.by_verb, self.by_noun, self.fallback):
            for word in list(index):
                index[word] = [p for p in index[word] if not off(p, word)]
                if not index[word]:
                    del index[word]

    @property
    def verbs(self) -> frozenset[str]:
        return frozenset(self.by_verb)

    def trigger_needs(
        self, *, subjects: Callable[[str, Pattern], frozenset[str]] | None = None
    ) -> dict[str, tuple[Need, ...] | None]:
        """Return every lemma a pattern can fire on (predicate verbs, fallback statement verbs,
        event nouns; anaphoric nouns, which take up an earlier event) with what else a sentence
        must hold for one of its patterns to fit: per pattern its particles, object lemmas,
        complement lemmas and subject lemmas (each set, when not empty, needs one of its words);
        None when some pattern needs nothing more. The pre-filter parses only sentences that
        meet one.

        subjects: (lemma, pattern) -> the subject lemmas the coder requires of that pattern
          beyond the lexicon (a delegation "is in" a capital); empty when none
        """
        needs: dict[str, set[Need] | None] = dict.fromkeys(self.anaphoric_nouns)
        for index in (self.by_verb, self.fallback, self.by_noun):
            for lemma, patterns in index.items():
                for p in patterns:
                    who = subjects(lemma, p) if subjects is not None else EMPTY
                    need = (p.particle, p.objects, EMPTY if "*" in p.xcomp else p.xcomp, who)
                    if not any(need):
                        needs[lemma] = None
                    elif lemma not in needs:
                        needs[lemma] = {need}
                    elif needs[lemma] is not None:
                        needs[lemma].add(need)
        return {k: None if v is None else tuple(v) for k, v in needs.items()}


def _read_yaml(path: Path | str, text: str) -> dict:
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise LexiconError(Errors.E002.format(path=path, line=line, detail=exc)) from exc
    if not isinstance(data, dict):
        raise LexiconError(Errors.E002.format(path=path, line=1, detail="expected a mapping"))
    return data


def _read_data(path: str, text: str, *, generated: bool = False) -> dict:
    """Read a lexicon file; the generated one is JSON under comment lines (valid YAML), which
    the json module reads ten times faster than libyaml."""
    if generated:
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
    return _read_yaml(path, text)


def _noun_classes(data: dict, path: str) -> dict[str, frozenset[str]]:
    classes = data.get("classes", data)
    if not isinstance(classes, dict):
        raise LexiconError(
            Errors.E002.format(path=path, line=1, detail="classes must be a mapping")
        )
    return {name: frozenset(w.lower() for w in words or []) for name, words in classes.items()}


def _compile(
    spec: PatternSpec,
    classes: dict[str, frozenset[str]],
    path: str,
    *,
    verb_classes: dict[str, frozenset[str]],
    generated: bool = False,
) -> Pattern:
    objects = frozenset(w.lower() for w in spec.object)
    names = [spec.object_class] if isinstance(spec.object_class, str) else spec.object_class or []
    for name in names:
        if name not in classes:
            detail = f"unknown object_class {name!r}"
            raise LexiconError(Errors.E401.format(path=path, pattern=spec.id, detail=detail))
        objects = objects | classes[name] if objects else classes[name]
    verbs = frozenset(v.lower() for v in spec.verbs)
    if spec.verb_class is not None:
        if spec.verb_class not in verb_classes:
            detail = f"unknown verb_class {spec.verb_class!r}"
            raise LexiconError(Errors.E401.format(path=path, pattern=spec.id, detail=detail))
        verbs = verbs | verb_classes[spec.verb_class] if verbs else verb_classes[spec.verb_class]
    if not verbs and not spec.nouns:
        detail = "needs verbs or nouns"
        raise LexiconError(Errors.E401.format(path=path, pattern=spec.id, detail=detail))
    return Pattern(
        id=spec.id,
        code=spec.code,
        verbs=verbs,
        nouns=_lower_set(spec.nouns),
        objects=objects,
        prep=tuple(p.lower() for p in spec.prep),
        particle=_lower_set(spec.particle),
        xcomp=_lower_set(spec.xcomp),
        negated_code=spec.negated_code,
        modality=spec.modality,
        source_file=path,
        inverse=spec.inverse,
        fallback=spec.fallback,
        generated=generated,
    )


def _lower_set(words: list[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words) if words else EMPTY


def _words(data: dict, key: str) -> frozenset[str]:
    return frozenset(w.lower() for w in data.get(key) or [])


def load_lexicon(
    extra_files: list[Path] | None = None,
    *,
    known_codes: set[str] | None = None,
    generated: bool = True,
) -> Lexicon:
    """Load the built-in lexicon, then each user file in order; validate every entry.

    known_codes: CAMEO codes every pattern's code must belong to
    generated: also load the lexicon generated from the peer dictionaries (verbs_peer.yaml);
      its patterns are tried after the hand-written ones, and any non-generated file can
      switch them off with `disable:` (pattern ids) or `disable_verbs:` (lemmas)
    Raises: LexiconError E002 (bad YAML), E401 (bad entry), E402 (unknown CAMEO code).
    """
    base = resources.files(DATA_PACKAGE)
    names = ("modality.yaml", "verbs.yaml") + ((GENERATED_FILE,) if generated else ())
    sources: list[tuple[str, str, bool]] = [
        (name, (base / name).read_text("utf-8"), name == GENERATED_FILE) for name in names
    ]
    for extra in extra_files or []:
        try:
            sources.append((str(extra), Path(extra).read_text("utf-8"), False))
        except OSError as exc:
            raise LexiconError(Errors.E002.format(path=extra, line=0, detail=exc)) from exc
    lexicon = Lexicon()
    seen: set[str] = set()
    classes: dict[str, frozenset[str]] = {}  # built-in classes stay visible to user files
    for path, text, is_generated in sources:
        data = _read_data(path, text, generated=is_generated)
        classes_file = data.get("noun_classes_file")
        if classes_file:
            classes_text = (base / classes_file).read_text("utf-8")
            classes = _noun_classes(_read_yaml(classes_file, classes_text), classes_file)
        classes.update(_noun_classes(data.get("noun_classes") or {}, path))
        verb_classes = _noun_classes(data.get("verb_classes") or {}, path)  # this file's own
        _load_settings(lexicon, data)
        if not is_generated:
            lexicon.disabled_ids |= {str(i) for i in data.get("disable") or []}
            lexicon.disabled_verbs |= _words(data, "disable_verbs")
        for number, raw in enumerate(data.get("patterns") or [], start=1):
            try:
                spec = PatternSpec.model_validate(raw)
            except ValidationError as exc:
                name = raw.get("id", f"#{number}") if isinstance(raw, dict) else f"#{number}"
                detail = "; ".join(
                    e["msg"] + f" ({'.'.join(map(str, e['loc']))})" for e in exc.errors()
                )
                raise LexiconError(
                    Errors.E401.format(path=path, pattern=name, detail=detail)
                ) from exc
            if known_codes is not None and spec.code not in known_codes:
                raise LexiconError(Errors.E402.format(path=path, code=spec.code, pattern=spec.id))
            if spec.id in seen and path == "verbs.yaml":
                detail = "duplicate id"
                raise LexiconError(Errors.E401.format(path=path, pattern=spec.id, detail=detail))
            seen.add(spec.id)
            pattern = _compile(
                spec, classes, path, verb_classes=verb_classes, generated=is_generated
            )
            lexicon.add(pattern)
    unknown = sorted(lexicon.disabled_ids - {p.id for p in lexicon.patterns if p.generated})
    if generated and unknown:
        ids = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        logger.warning(Warnings.W403.format(count=len(unknown), ids=ids))
    lexicon.finish()
    return lexicon


def _load_settings(lexicon: Lexicon, data: dict) -> None:
    """Merge the file's word lists for modality and reported speech into the lexicon."""
    lexicon.intent_verbs |= _words(data, "intent_verbs")
    lexicon.speech_verbs |= _words(data, "speech_verbs")
    lexicon.report_verbs |= _words(data, "report_verbs")
    lexicon.hypothetical_markers |= _words(data, "hypothetical_markers")
    lexicon.implied_event_verbs |= _words(data, "implied_event_verbs")
    lexicon.threat_verbs |= _words(data, "threat_verbs")
    lexicon.reciprocal_verbs |= _words(data, "reciprocal_verbs")
    lexicon.anaphoric_nouns |= _words(data, "anaphoric_nouns")
    lexicon.anaphoric_determiners |= _words(data, "anaphoric_determiners")
    lexicon.violent_roots |= _words(data, "violent_roots")
    lexicon.intent_map.update({str(k): str(v) for k, v in (data.get("intent_map") or {}).items()})
    negations = data.get("negation_map") or {}
    lexicon.negation_map.update({str(k): str(v) for k, v in negations.items()})
