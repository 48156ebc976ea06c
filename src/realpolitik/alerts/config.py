"""Alert rules as data: the ``alerts:`` mapping of a feeds file (or a file of its own) laid over
the documented defaults in ``alerts/data/defaults.yaml``, checked into typed records."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from realpolitik.errors import AlertError, Errors

logger = logging.getLogger(__name__)

RULES = ("dyad_shift", "first_conflict", "bloc_change", "volume_spike")
METRICS = ("goldstein", "conflict_share")


@dataclass(frozen=True)
class ShiftRule:
    """``dyad_shift``: a dyad's weekly figures against its own history."""

    enabled: bool
    metrics: tuple[str, ...]
    k: float
    history_weeks: int
    min_history_weeks: int
    min_events: int
    min_spread_goldstein: float
    min_spread_share: float
    cooldown_days: int


@dataclass(frozen=True)
class ConflictRule:
    """``first_conflict``: the first QuadClass 4 event between watched actors in ``days``."""

    enabled: bool
    days: int
    cooldown_days: int


@dataclass(frozen=True)
class BlocRule:
    """``bloc_change``: an actor's bloc in the last window against the one before."""

    enabled: bool
    window_days: int
    min_actors: int
    min_actor_events: int
    min_modularity: float
    cooldown_days: int


@dataclass(frozen=True)
class VolumeRule:
    """``volume_spike``: an actor's weekly unique events against its history."""

    enabled: bool
    k: float
    history_weeks: int
    min_history_weeks: int
    min_events: int
    min_spread: float
    cooldown_days: int


@dataclass(frozen=True)
class Webhook:
    """Where and how new alerts are POSTed; ``url`` None means no webhook."""

    url: str | None
    secret_env: str | None
    timeout: float
    retries: int
    backoff: float
    max_attempts: int


_RULE_TYPES: dict[str, type] = {
    "dyad_shift": ShiftRule,
    "first_conflict": ConflictRule,
    "bloc_change": BlocRule,
    "volume_spike": VolumeRule,
}


@dataclass(frozen=True)
class AlertConfig:
    """Every rule's settings, the watched actors and the webhook.

    path: where the rules were read from (named in errors and in ``realpolitik alerts``)
    """

    actors: tuple[str, ...]
    lookback_weeks: int
    max_events: int
    overlap_seconds: int
    dyad_shift: ShiftRule
    first_conflict: ConflictRule
    bloc_change: BlocRule
    volume_spike: VolumeRule
    webhook: Webhook
    path: str = field(default="<defaults>")

    @classmethod
    def from_mapping(cls, mapping: dict[str, Any] | None, *, path: str = "<alerts>") -> AlertConfig:
        """Return the rules of an ``alerts:`` mapping laid over the defaults (None: defaults).

        Raises: AlertError E740 naming the key that is unknown or invalid.
        """
        if mapping is not None and not isinstance(mapping, dict):
            raise AlertError(Errors.E740.format(path=path, detail="`alerts:` must be a mapping"))
        merged = _merge(_defaults(), mapping or {}, path=path, where="alerts")
        return _build(merged, path)

    @classmethod
    def from_file(cls, path: str | Path) -> AlertConfig:
        """Return the rules of a YAML file: its ``alerts:`` mapping, or the whole file.

        Raises: AlertError E740, E741.
        """
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            detail = " ".join(str(exc).split())[:300]
            raise AlertError(Errors.E741.format(path=path, detail=detail)) from None
        if isinstance(data, dict) and "alerts" in data:
            data = data["alerts"]
        return cls.from_mapping(data, path=str(path))

    def rule(self, name: str) -> Any:
        """Return the settings of rule ``name``."""
        return getattr(self, name)

    def enabled_rules(self) -> list[str]:
        """Return the names of the rules that are switched on."""
        return [name for name in RULES if self.rule(name).enabled]


@cache
def _defaults() -> dict[str, Any]:
    """Return the shipped defaults (``alerts/data/defaults.yaml``)."""
    text = resources.files("realpolitik.alerts").joinpath("data/defaults.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _merge(base: dict[str, Any], over: dict[str, Any], *, path: str, where: str) -> dict[str, Any]:
    """Lay ``over`` onto ``base`` key by key (nested mappings merged; a rule may be a bool).

    Raises: AlertError E740 for a key the defaults do not have.
    """
    out = dict(base)
    for key, value in over.items():
        if key not in base:
            known = ", ".join(sorted(base))
            detail = f"{where}: unknown key {key!r}; known: {known}"
            raise AlertError(Errors.E740.format(path=path, detail=detail))
        if isinstance(base[key], dict) and isinstance(value, bool) and where == "alerts.rules":
            out[key] = {**base[key], "enabled": value}
        elif isinstance(base[key], dict):
            if not isinstance(value, dict):
                detail = f"{where}.{key}: expected a mapping, got {value!r}"
                raise AlertError(Errors.E740.format(path=path, detail=detail))
            out[key] = _merge(base[key], value, path=path, where=f"{where}.{key}")
        else:
            out[key] = value
    return out


def _build(data: dict[str, Any], path: str) -> AlertConfig:
    """Check every value and return the typed rules.

    Raises: AlertError E740.
    """
    rules = {
        name: _record(_RULE_TYPES[name], data["rules"][name], path, f"rules.{name}")
        for name in RULES
    }
    shift = rules["dyad_shift"]
    bad = [m for m in shift.metrics if m not in METRICS]
    if bad or not shift.metrics:
        detail = f"rules.dyad_shift.metrics: {bad or 'empty'}; choose from {', '.join(METRICS)}"
        raise AlertError(Errors.E740.format(path=path, detail=detail))
    actors = data["actors"] or []
    if not isinstance(actors, list) or not all(isinstance(a, str) and a for a in actors):
        raise AlertError(Errors.E740.format(path=path, detail="actors: expected a list of keys"))
    top = {k: _number(data[k], int, path, k) for k in ("lookback_weeks", "max_events")}
    return AlertConfig(
        actors=tuple(a.strip() for a in actors),
        lookback_weeks=top["lookback_weeks"],
        max_events=top["max_events"],
        overlap_seconds=_number(data["overlap_seconds"], int, path, "overlap_seconds", low=0),
        webhook=_record(Webhook, data["webhook"], path, "webhook"),
        path=path,
        **rules,
    )


def _record(kind: type, values: dict[str, Any], path: str, where: str) -> Any:
    """Return the record ``kind`` from ``values``, each checked against its field's type.

    Raises: AlertError E740.
    """
    out: dict[str, Any] = {}
    for f in fields(kind):
        value = values.get(f.name)
        name = f"{where}.{f.name}"
        hint = str(f.type)
        if value is None and "None" in hint:
            out[f.name] = None
        elif hint == "bool":
            if not isinstance(value, bool):
                raise AlertError(
                    Errors.E740.format(path=path, detail=f"{name}: expected true/false")
                )
            out[f.name] = value
        elif hint.startswith("tuple"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise AlertError(Errors.E740.format(path=path, detail=f"{name}: expected a list"))
            out[f.name] = tuple(value)
        elif hint.startswith("str"):
            if not isinstance(value, str) or not value:
                raise AlertError(Errors.E740.format(path=path, detail=f"{name}: expected text"))
            out[f.name] = value
        else:
            number = int if hint == "int" else float
            low = 0 if f.name in {"retries", "min_spread", "min_modularity"} else None
            out[f.name] = _number(value, number, path, name, low=low)
    return kind(**out)


def _number(value: Any, kind: type, path: str, name: str, *, low: float | None = None) -> Any:
    """Return ``value`` as ``kind`` when it is a number above zero (at least ``low`` if given).

    Raises: AlertError E740.
    """
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and kind is int and value != int(value):
        ok = False
    if ok:
        ok = value >= low if low is not None else value > 0
    if not ok:
        bound = f"at least {low:g}" if low is not None else "above 0"
        what = "a whole number" if kind is int else "a number"
        detail = f"{name}: expected {what} {bound}, got {value!r}"
        raise AlertError(Errors.E740.format(path=path, detail=detail))
    return kind(value)
