"""Read a feeds file (``FEEDS.yaml``) into data classes, with the shipped defaults beneath it.

The file is a mapping: ``feeds:`` (a list of mappings, each with ``url:`` and optional
``every:``, ``name:`` and per-feed keys), optional ``defaults:`` (per-feed keys for all
feeds), ``service:`` (back-off, robots.txt and User-Agent contact) and ``alerts:`` (rules,
read by :mod:`realpolitik.alerts`). Every default lives in ``watch/defaults.yaml``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from realpolitik.errors import Errors, WatchError
from realpolitik.sources.datafile import load_data

logger = logging.getLogger(__name__)

DEFAULTS_FILE = "defaults.yaml"
TOP_KEYS = ("feeds", "defaults", "service", "alerts")
INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class FeedConfig:
    """One feed of a feeds file, every key filled in.

    name: the feed's id in the store and the ``source`` of its articles
    url: an http(s) URL (RSS, Atom, sitemap, JSON Feed) or a local folder (path or file://)
    every: poll interval in seconds
    rate: least seconds between two requests to the feed's host
    fetch_pages: fetch each item's page (else code the listing's own text)
    """

    name: str
    url: str
    every: float
    timeout: float
    max_items: int
    max_bytes: int
    rate: float
    language: str | None
    fetch_pages: bool
    user_agent: str | None
    robots: bool
    max_attempts: int

    @property
    def folder(self) -> Path | None:
        """Return the local folder this feed watches, or None for a web feed."""
        if self.url.startswith("file://"):
            return Path(urlsplit(self.url).path)
        if "://" in self.url:
            return None
        return Path(self.url).expanduser()


@dataclass(frozen=True)
class ServiceConfig:
    """Settings of the watcher as a whole (``service:``)."""

    contact: str | None
    backoff_base: float
    backoff_max: float
    retry_after_max: float
    robots_ttl: float
    sitemap_children: int


@dataclass
class WatchConfig:
    """A whole feeds file: its feeds, the service settings and the alert rules."""

    path: str
    feeds: list[FeedConfig]
    service: ServiceConfig
    alerts: Any = field(default=None)


def parse_interval(value: object, *, path: str, where: str) -> float:
    """Return the seconds of an interval such as ``90s``, ``15m``, ``1h``, ``1d`` or ``30``.

    Raises: WatchError E722 (not an interval, or not above zero).
    """
    match = INTERVAL.match(str(value)) if isinstance(value, str | int | float) else None
    if match is None or isinstance(value, bool):
        raise WatchError(Errors.E722.format(path=path, where=where, value=value))
    seconds = float(match.group(1)) * UNIT_SECONDS[match.group(2).lower()]
    if seconds <= 0:
        raise WatchError(Errors.E722.format(path=path, where=where, value=value))
    return seconds


def load_feeds(path: str | Path) -> WatchConfig:
    """Read and check a feeds file; build its alert rules through ``realpolitik.alerts``.

    Raises: WatchError E720 (unreadable, not YAML), E721 (unknown key, wrong type, missing
    url, two feeds with one name), E722 (bad interval), E723 (no feeds); the alert rules'
    own coded errors.
    """
    from realpolitik.alerts import AlertConfig

    name = str(path)
    data = _read_yaml(Path(path))
    shipped = load_data("realpolitik.watch", DEFAULTS_FILE)
    for key in data:
        if key not in TOP_KEYS:
            _bad(name, "top level", f"unknown key {key!r}; known: {', '.join(TOP_KEYS)}")
    defaults = {**shipped["feed"], **_mapping(data.get("defaults"), name, "defaults")}
    _check_keys(defaults, shipped["feed"], name, "defaults")
    service = {**shipped["service"], **_mapping(data.get("service"), name, "service")}
    _check_keys(service, shipped["service"], name, "service")
    entries = data.get("feeds")
    if not entries:
        raise WatchError(Errors.E723.format(path=name))
    if not isinstance(entries, list):
        _bad(name, "feeds", "must be a list of mappings, each with url:")
    feeds = [_feed(entry, defaults, name, number) for number, entry in enumerate(entries, 1)]
    _check_unique(feeds, name)
    alerts = AlertConfig.from_mapping(data.get("alerts"), path=name)
    return WatchConfig(path=name, feeds=feeds, service=_service(service, name), alerts=alerts)


def _read_yaml(path: Path) -> dict[str, Any]:
    """Return the mapping in the feeds file.

    Raises: WatchError E720, E721.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc)
        raise WatchError(Errors.E720.format(path=path, detail=detail)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = f"invalid YAML at line {mark.line + 1}" if mark else "invalid YAML"
        raise WatchError(Errors.E720.format(path=path, detail=detail)) from None
    if data is None:
        raise WatchError(Errors.E723.format(path=path))
    if not isinstance(data, dict):
        _bad(str(path), "top level", "must be a mapping with feeds:")
    return data


def _bad(path: str, where: str, detail: str) -> None:
    """Raise: WatchError E721."""
    raise WatchError(Errors.E721.format(path=path, where=where, detail=detail))


def _mapping(value: object, path: str, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        _bad(path, where, "must be a mapping")
    return dict(value)  # type: ignore[arg-type]


def _check_keys(given: dict[str, Any], known: dict[str, Any], path: str, where: str) -> None:
    unknown = sorted(set(given) - set(known))
    if unknown:
        _bad(path, where, f"unknown key {unknown[0]!r}; known: {', '.join(known)}")


def _feed(entry: object, defaults: dict[str, Any], path: str, number: int) -> FeedConfig:
    """Return one feed with the defaults filled in.

    Raises: WatchError E721, E722.
    """
    where = f"feed {number}"
    values = {**defaults, **_mapping(entry, path, where)}
    url = values.pop("url", None)
    name = values.pop("name", None)
    _check_keys(values, defaults, path, where)
    if not isinstance(url, str) or not url.strip():
        _bad(path, where, "url: is missing (an RSS, Atom, sitemap or JSON Feed URL, or a folder)")
    url = url.strip()
    scheme = urlsplit(url).scheme.lower() if "://" in url else ""
    if scheme not in ("", "http", "https", "file"):
        _bad(path, where, f"url: scheme {scheme!r} is not http, https or file")
    where = f"feed {name or url}"
    return FeedConfig(
        name=str(name) if name else _default_name(url),
        url=url,
        every=parse_interval(values["every"], path=path, where=where),
        timeout=_number(values["timeout"], path, where, "timeout"),
        max_items=int(_number(values["max_items"], path, where, "max_items")),
        max_bytes=int(_number(values["max_bytes"], path, where, "max_bytes")),
        rate=_number(values["rate"], path, where, "rate", least=0.0),
        language=str(values["language"]) if values["language"] else None,
        fetch_pages=_flag(values["fetch_pages"], path, where, "fetch_pages"),
        user_agent=str(values["user_agent"]) if values["user_agent"] else None,
        robots=_flag(values["robots"], path, where, "robots"),
        max_attempts=int(_number(values["max_attempts"], path, where, "max_attempts")),
    )


def _default_name(url: str) -> str:
    """Return a feed's name when none is given: its URL without the scheme."""
    return re.sub(r"^[a-z]+://", "", url, flags=re.IGNORECASE).rstrip("/") or url


def _number(value: object, path: str, where: str, key: str, *, least: float = 1e-9) -> float:
    """Return ``value`` as a number of at least ``least``.

    Raises: WatchError E721.
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or value < least:
        _bad(path, where, f"{key}: {value!r} is not a number of at least {least:g}")
    return float(value)  # type: ignore[arg-type]


def _flag(value: object, path: str, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        _bad(path, where, f"{key}: {value!r} is not true or false")
    return bool(value)


def _check_unique(feeds: list[FeedConfig], path: str) -> None:
    seen: set[str] = set()
    for feed in feeds:
        if feed.name in seen:
            _bad(path, f"feed {feed.name}", "two feeds share this name; give each a name:")
        seen.add(feed.name)


def _service(values: dict[str, Any], path: str) -> ServiceConfig:
    where = "service"
    return ServiceConfig(
        contact=str(values["contact"]) if values["contact"] else None,
        backoff_base=_number(values["backoff_base"], path, where, "backoff_base"),
        backoff_max=_number(values["backoff_max"], path, where, "backoff_max"),
        retry_after_max=_number(values["retry_after_max"], path, where, "retry_after_max"),
        robots_ttl=_number(values["robots_ttl"], path, where, "robots_ttl"),
        sitemap_children=int(_number(values["sitemap_children"], path, where, "sitemap_children")),
    )
