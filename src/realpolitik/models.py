"""The records realpolitik passes between stages: Article, Actor, Event and their parts.

Every record is a plain dataclass with ``to_dict``/``from_dict`` and ``to_json``/``from_json``;
``event_json_schema()`` returns the JSON Schema of the Event record (DESIGN.md).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

logger = logging.getLogger(__name__)

Modality = Literal["asserted", "intended", "hypothetical", "reported"]
MODALITIES: tuple[str, ...] = ("asserted", "intended", "hypothetical", "reported")

#: Characters no stage downstream can take: lone surrogates (from ``\ud800`` JSON escapes or
#: undecodable file names) cannot be encoded as UTF-8; NUL is refused by PostgreSQL.
UNSAFE_CHARS = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def scrub(text: str) -> tuple[str, int]:
    """Return ``text`` with lone surrogates and NULs replaced by U+FFFD, and how many there were."""
    if UNSAFE_CHARS.search(text) is None:
        return text, 0
    return UNSAFE_CHARS.subn(REPLACEMENT, text)


def stable_hash(*parts: object, length: int = 16) -> str:
    """Return a short sha1 hex digest of ``parts`` joined as compact JSON.

    The same parts always give the same id, so re-coding an article is idempotent.
    """
    payload = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:length]


class _Record:
    """Mixin: dict and JSON round trip for the dataclasses below."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str):  # noqa: ANN206 - returns cls
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_dict(cls, data: dict[str, Any]):  # noqa: ANN206
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class DroppedLine(_Record):
    """A line removed from an article by the cleaner, with the reason it was dropped."""

    text: str
    reason: str
    line: int = 0


@dataclass
class Article(_Record):
    """A cleaned news article, ready to be coded.

    id: stable identifier (given by the source, else a hash of the text)
    date: ISO date (YYYY-MM-DD) of publication, if known
    dropped: lines the cleaner removed, with reasons
    duplicate_of: id of an earlier article this one duplicates (then it is not coded)
    """

    id: str
    text: str
    url: str | None = None
    title: str | None = None
    date: str | None = None
    language: str | None = "en"
    source: str | None = None
    dropped: list[DroppedLine] = field(default_factory=list)
    duplicate_of: str | None = None

    def __post_init__(self) -> None:
        """Apply the one text policy at the boundary: no lone surrogate or NUL gets past here."""
        for name in ("id", "text", "url", "title", "date", "source", "duplicate_of"):
            value = getattr(self, name)
            if isinstance(value, str) and UNSAFE_CHARS.search(value) is not None:
                setattr(self, name, scrub(value)[0])

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        data = dict(data)
        data["dropped"] = [
            d if isinstance(d, DroppedLine) else DroppedLine.from_dict(d)
            for d in data.get("dropped") or []
        ]
        return super().from_dict(data)

    @staticmethod
    def make_id(text: str) -> str:
        """Return a content-hash id for an article that arrived without one."""
        return "sha1:" + stable_hash(" ".join(scrub(text)[0].split()), length=20)


@dataclass
class Actor(_Record):
    """A resolved actor: what the text said and the CAMEO actor it stands for.

    code: CAMEO actor code, country or IGO first, then role (RUSGOV, USAMIL, IGOWSTNAT)
    country: ISO 3166-1 alpha-3 (TWN for Taiwan), or None for IGOs and unknowns
    org: short name of an IGO or group (NATO, EU, UN...), else None
    role: CAMEO role code (GOV, MIL, REB, OPP, COP...), else None
    """

    text: str
    name: str | None = None
    code: str | None = None
    country: str | None = None
    org: str | None = None
    role: str | None = None
    confidence: float = 1.0

    @property
    def key(self) -> str | None:
        """The actor's identity for dyads and scoring: its country, else its org."""
        return self.country or self.org

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "name": self.name,
            "code": self.code,
            "country": self.country,
            "org": self.org,
            "role": self.role,
            "confidence": self.confidence,
        }


@dataclass
class Location(_Record):
    """Where an event took place."""

    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass
class Amount(_Record):
    """A sum of money named in the event's clause ("$567 million")."""

    value: float
    currency: str
    text: str


@dataclass
class Evidence(_Record):
    """Why the coder chose this event: the pattern and the words that matched.

    pattern: id of the lexicon pattern that fired
    trigger: the trigger words as they appear in the sentence
    trigger_span: character offsets of the trigger within the article text
    source_span, target_span: character offsets of the actor mentions within the article text
    rule: a short human-readable account of the clause (subject, verb, object)
    """

    pattern: str
    trigger: str
    trigger_span: list[int] | None = None
    source_span: list[int] | None = None
    target_span: list[int] | None = None
    rule: str | None = None


@dataclass
class Event(_Record):
    """One coded event: who did what to whom, when and where, with its evidence."""

    event_id: str
    doc_id: str
    date: str | None
    sentence_index: int
    sentence: str
    span: list[int]
    source: Actor
    target: Actor
    cameo: str
    root: str
    quad_class: int
    goldstein: float | None
    plover: str | None
    negated: bool = False
    modality: str = "asserted"
    location: Location | None = None
    amount: Amount | None = None
    fatalities: int | None = None
    confidence: float = 1.0
    evidence: Evidence = field(default_factory=lambda: Evidence(pattern="", trigger=""))

    @staticmethod
    def make_id(doc_id: str, sentence_index: int, source: str, target: str, cameo: str) -> str:
        """Return the stable event id over the fixed keys of DESIGN.md."""
        return stable_hash(doc_id, sentence_index, source, target, cameo)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["source"] = self.source.to_dict()
        data["target"] = self.target.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        data = dict(data)
        data["source"] = _as(Actor, data["source"])
        data["target"] = _as(Actor, data["target"])
        data["location"] = _as(Location, data.get("location"))
        data["amount"] = _as(Amount, data.get("amount"))
        data["evidence"] = _as(Evidence, data.get("evidence")) or Evidence(pattern="", trigger="")
        return super().from_dict(data)


def _as(cls: type, value: Any) -> Any:
    if value is None or isinstance(value, cls):
        return value
    return cls.from_dict(value)


_ACTOR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["text", "name", "code", "country", "org", "role"],
    "properties": {
        "text": {"type": "string"},
        "name": {"type": ["string", "null"]},
        "code": {"type": ["string", "null"]},
        "country": {"type": ["string", "null"], "pattern": "^[A-Z]{3}$"},
        "org": {"type": ["string", "null"]},
        "role": {"type": ["string", "null"]},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    },
}

_NULLABLE_INT_PAIR = {
    "type": ["array", "null"],
    "items": {"type": "integer", "minimum": 0},
    "minItems": 2,
    "maxItems": 2,
}


def event_json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of one Event record."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "realpolitik Event",
        "type": "object",
        "required": [
            "event_id",
            "doc_id",
            "date",
            "sentence_index",
            "sentence",
            "span",
            "source",
            "target",
            "cameo",
            "root",
            "quad_class",
            "goldstein",
            "plover",
            "negated",
            "modality",
            "location",
            "amount",
            "fatalities",
            "confidence",
            "evidence",
        ],
        "additionalProperties": False,
        "properties": {
            "event_id": {"type": "string", "minLength": 1},
            "doc_id": {"type": "string", "minLength": 1},
            "date": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "sentence_index": {"type": "integer", "minimum": 0},
            "sentence": {"type": "string", "minLength": 1},
            "span": {**_NULLABLE_INT_PAIR, "type": "array"},
            "source": _ACTOR_SCHEMA,
            "target": _ACTOR_SCHEMA,
            "cameo": {"type": "string", "pattern": r"^\d{2,4}$"},
            "root": {"type": "string", "pattern": r"^(0[1-9]|1\d|20)$"},
            "quad_class": {"type": "integer", "minimum": 1, "maximum": 4},
            "goldstein": {"type": ["number", "null"], "minimum": -10, "maximum": 10},
            "plover": {"type": ["string", "null"]},
            "negated": {"type": "boolean"},
            "modality": {"enum": list(MODALITIES)},
            "location": {
                "type": ["object", "null"],
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "country": {"type": ["string", "null"]},
                    "lat": {"type": ["number", "null"]},
                    "lon": {"type": ["number", "null"]},
                },
            },
            "amount": {
                "type": ["object", "null"],
                "required": ["value", "currency", "text"],
                "properties": {
                    "value": {"type": "number"},
                    "currency": {"type": "string"},
                    "text": {"type": "string"},
                },
            },
            "fatalities": {"type": ["integer", "null"], "minimum": 0},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "evidence": {
                "type": "object",
                "required": ["pattern", "trigger"],
                "properties": {
                    "pattern": {"type": "string"},
                    "trigger": {"type": "string"},
                    "trigger_span": _NULLABLE_INT_PAIR,
                    "source_span": _NULLABLE_INT_PAIR,
                    "target_span": _NULLABLE_INT_PAIR,
                    "rule": {"type": ["string", "null"]},
                },
            },
        },
    }
