"""Lay user actor files over the knowledge base: YAML (docs/actors.md) or PETRARCH dictionaries.

A user entry with the same id as a built-in one replaces it, and its aliases take over the names
they list; ``disable: true`` removes a built-in entry. Files are applied in order, so a later file
overrides an earlier one.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import yaml

from realpolitik.actors.kb import Entry, KnowledgeBase, Role
from realpolitik.actors.mention import PLACE_KINDS
from realpolitik.actors.names import slug
from realpolitik.actors.petrarch import PetrarchEntry, read_petrarch
from realpolitik.errors import ActorError, Errors

logger = logging.getLogger(__name__)

USER_KINDS = frozenset({"person", "group", "igo", "agent", *PLACE_KINDS})
_CODE = re.compile(r"^[A-Z]{3}(?:[A-Z]{3})*$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PETRARCH_SUFFIXES = (".txt", ".actors", ".agents", ".dict")


def load_actor_file(kb: KnowledgeBase, path: Path, *, snapshot: str = "") -> int:
    """Apply one user actor file to ``kb``; return the number of entries added or changed.

    snapshot: as-of date capping open ``>date`` codes of a PETRARCH dictionary

    Raises: ActorError E301 (unreadable or not a list of entries), E302 (a bad entry).
    """
    if not path.is_file():
        raise ActorError(Errors.E301.format(path=path, detail="no such file"))
    if path.suffix.lower() in PETRARCH_SUFFIXES:
        return import_petrarch(kb, path, snapshot=snapshot)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ActorError(Errors.E301.format(path=path, detail=exc)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise ActorError(Errors.E301.format(path=path, detail=f"{where}invalid YAML")) from exc
    items = data.get("actors") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ActorError(Errors.E301.format(path=path, detail="expected a list under `actors:`"))
    for number, item in enumerate(items, 1):
        apply_entry(kb, item, path=path, number=number)
    return len(items)


def apply_entry(kb: KnowledgeBase, item: Any, *, path: Path, number: int) -> None:
    """Validate one user entry and add, replace or disable it in ``kb``.

    Raises: ActorError E302 naming the file and the entry.
    """
    if not isinstance(item, dict):
        raise _bad(path, f"#{number}", "an entry must be a mapping with at least `name` and `type`")
    name = str(item.get("name") or item.get("id") or "").strip()
    kind = str(item.get("type") or "").strip()
    label = name or f"#{number}"
    if item.get("disable"):
        ident = str(item.get("id") or f"{kind}/{slug(name)}")
        if ident not in kb.entries:
            raise _bad(path, label, f"cannot disable unknown entry id {ident!r}")
        kb.remove(ident)
        return
    if not name:
        raise _bad(path, label, "missing `name`")
    if kind not in USER_KINDS:
        raise _bad(path, label, f"`type` must be one of {sorted(USER_KINDS)}, not {kind!r}")
    aliases = item.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise _bad(path, label, "`aliases` must be a list of strings")
    entry = _entry(kb, item, kind=kind, name=name, path=path)
    kb.add(entry, [name, *aliases], override=True)


def _entry(kb: KnowledgeBase, item: dict, *, kind: str, name: str, path: Path) -> Entry:
    code = _code(item.get("code"), path, name)
    country = item.get("country")
    if country is not None and (
        not isinstance(country, str) or not re.fullmatch(r"[A-Z]{3}", country)
    ):
        raise _bad(path, name, f"`country` must be an ISO 3166-1 alpha-3 code, not {country!r}")
    roles = tuple(_role(r, path, name) for r in item.get("roles") or [])
    if kind == "person" and not roles and not code and not country:
        raise _bad(path, name, "a person needs `roles`, a `code` or a `country`")
    if kind == "agent":
        role = item.get("role") or code
        if not role or not _CODE.match(str(role)):
            raise _bad(path, name, "an agent needs a `role` such as GOV, MIL or COP")
        return Entry(
            f"agent/user/{slug(name)}", "agent", name, role=str(role), source=f"user:{path}"
        )
    c_country, org, role = kb.split_code(code)
    country = country or c_country
    if kind in PLACE_KINDS and not country:
        raise _bad(path, name, f"a {kind} needs a `country` (ISO3) or a `code` starting with one")
    if kind == "igo" and not (item.get("org") or org):
        raise _bad(path, name, "an igo needs `org` (its short name) and `code`")
    ident = str(item.get("id") or f"{kind}/{slug(name)}")
    if kind == "country":
        ident = f"country/{country}"
        code = code or country
    return Entry(
        ident,
        kind,
        name,
        code=code or (country if kind in PLACE_KINDS else None),
        country=country,
        org=item.get("org") or org,
        role=item.get("role") or role,
        roles=roles,
        gender=str(item.get("gender") or ""),
        tags=frozenset(item.get("tags") or ()),
        source=f"user:{item.get('source') or path}",
    )


def _code(value: Any, path: Path, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _CODE.match(value):
        raise _bad(
            path, name, f"`code` must be a CAMEO code of 3-letter chunks (RUSGOV), not {value!r}"
        )
    return value


def _role(value: Any, path: Path, name: str) -> Role:
    if not isinstance(value, dict) or "code" not in value:
        raise _bad(path, name, "each role needs at least a `code`")
    code = _code(value["code"], path, name) or ""
    start, end = str(value.get("start") or ""), str(value.get("end") or "")
    for d in (start, end):
        if d and not _DATE.match(d):
            raise _bad(path, name, f"dates must be YYYY-MM-DD, not {d!r}")
    if start and end and end <= start:
        raise _bad(path, name, f"role {code} ends ({end}) before it starts ({start})")
    return Role(
        code, str(value.get("title") or ""), start, end, f"user:{value.get('source') or path}"
    )


def _bad(path: Path, entry: str, detail: str) -> ActorError:
    return ActorError(Errors.E302.format(path=path, entry=entry, detail=detail))


# --- PETRARCH ----------------------------------------------------------------------------


def import_petrarch(kb: KnowledgeBase, path: Path, *, snapshot: str = "") -> int:
    """Add the entries of a PETRARCH ``.actors`` or ``.agents`` dictionary to ``kb``.

    Agents (``[~GOV]``) become generic agents; other entries become named actors whose codes,
    with their dates, are roles. ``snapshot`` caps open ``>date`` ranges.
    Returns: the number of entries added.
    Raises: ActorError E301 when the file cannot be read.
    """
    count = 0
    for entry in read_petrarch(path, snapshot=snapshot):
        if not entry.codes:
            continue
        if entry.codes[0].code.startswith("~"):
            count += _petrarch_agent(kb, entry, path)
        elif not entry.codes[0].code.endswith("~"):
            count += _petrarch_actor(kb, entry, path)
    logger.info("%s: imported %d PETRARCH entries", path, count)
    return count


def _petrarch_agent(kb: KnowledgeBase, entry: PetrarchEntry, path: Path) -> int:
    role = entry.codes[0].code.lstrip("~")
    agent = kb.entries.get(f"agent/{role}")
    if agent is None:
        agent = Entry(f"agent/{role}", "agent", role, role=role, source=f"user:{path}")
        kb.entries[agent.id] = agent
    for form in entry.all_forms():
        kb.add_alias(form.lower(), agent)
    return 1


def _petrarch_actor(kb: KnowledgeBase, entry: PetrarchEntry, path: Path) -> int:
    name = " ".join(
        w.capitalize() if len(w) > 3 or not w.isupper() else w for w in entry.names[0].split()
    )
    where = f"user:{path.name}:{entry.line}"
    roles = tuple(Role(c.code, "", c.start, c.end, where) for c in entry.codes)
    dated = any(r.start or r.end for r in roles)
    country, org, role = kb.split_code(roles[0].code)
    ident = f"petrarch/{path.name}/{entry.line}"
    if dated or len(roles) > 1:
        item = Entry(ident, "person", name, country=country, roles=roles, source=where)
    else:
        item = Entry(
            ident,
            "group",
            name,
            code=roles[0].code,
            country=country,
            org=org,
            role=role,
            source=where,
        )
    kb.add(item, [_titled(n) for n in entry.names])
    return 1


def _titled(text: str) -> str:
    return " ".join(
        w.capitalize() if not (w.isupper() and len(w) <= 4) else w for w in text.split()
    )
