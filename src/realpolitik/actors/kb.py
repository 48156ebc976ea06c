"""The actor knowledge base: load the shipped tables and user files into one alias index.

Every name the resolver can match is an alias of one or more ``Entry`` records: a country, a
demonym, a capital, a seat of government (metonym), a city, a person with dated roles, an IGO,
an armed group or a generic agent. ``KnowledgeBase.lookup(key)`` returns the entries of an alias
key (``names.alias_key``); ``Entry.actor_on(date)`` gives the CAMEO actor valid on a date.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from realpolitik.actors.lexicon import cameo_codes
from realpolitik.actors.mention import KINDS, PLACE_KINDS
from realpolitik.actors.names import alias_key
from realpolitik.errors import ActorError, Errors, SettingsError

logger = logging.getLogger(__name__)

__all__ = ["KINDS", "PLACE_KINDS", "Entry", "KnowledgeBase", "Role", "load_tables", "read_table"]


@dataclass(frozen=True, slots=True)
class Role:
    """A dated CAMEO code of a person or named actor: valid on [start, end); "" = unbounded."""

    code: str
    title: str = ""
    start: str = ""
    end: str = ""
    source: str = ""

    def valid_on(self, day: str) -> bool:
        """Return whether the role holds on ISO date ``day``."""
        return (not self.start or self.start <= day) and (not self.end or day < self.end)


@dataclass(slots=True, eq=False)
class Entry:
    """One actor the knowledge base knows, with the static code or the dated roles it carries.

    kind: one of KINDS
    code: CAMEO code for entries without dated roles (RUS, RUSGOV, IGOWSTNAT, YEMREB)
    role: for agents, the role appended to a country (GOV, MIL, COP...)
    roles: for people and named actors, the dated codes
    tags: what role nouns may refer to this entry ("island", "kingdom")
    needs_entity: match only where the parser's NER also sees an entity (ambiguous names)
    """

    id: str
    kind: str
    name: str
    code: str | None = None
    country: str | None = None
    org: str | None = None
    role: str | None = None
    roles: tuple[Role, ...] = ()
    gender: str = ""
    tags: frozenset[str] = frozenset()
    source: str = ""
    needs_entity: bool = False
    members: frozenset[str] = field(default_factory=frozenset)

    def role_on(self, day: str | None) -> tuple[Role | None, bool]:
        """Return the role valid on ``day`` (the latest if ``day`` is None) and whether it holds."""
        if not self.roles:
            return None, True
        if day is None:
            return max(self.roles, key=lambda r: (r.end == "", r.start)), True
        valid = [r for r in self.roles if r.valid_on(day)]
        if valid:
            return max(valid, key=lambda r: r.start), True
        before = [r for r in self.roles if r.end and r.end <= day]
        return (max(before, key=lambda r: r.end) if before else None), False


@dataclass(slots=True)
class Alias:
    """A name of one or more entries; ``exact`` aliases must match case (US, AU).

    forms: every surface spelling that folds to this alias key ("Türkiye", "Turkiye")
    """

    text: str
    entries: list[Entry]
    exact: bool = False
    forms: set[str] = field(default_factory=set)


class KnowledgeBase:
    """All actor entries and the alias index the resolver matches against."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.aliases: dict[str, Alias] = {}
        self.countries: dict[str, Entry] = {}
        self.orgs_by_code: dict[str, str] = {}
        self.surnames: dict[str, list[Entry]] = defaultdict(list)
        self.tokens: dict[str, list[str]] = {}
        self.transnational: frozenset[str] = frozenset()
        self.regions: frozenset[str] = frozenset()
        self.historic: dict[str, tuple[str, str]] = {}
        self._curated_orgs: set[str] = set()

    # --- building -------------------------------------------------------------------------
    def add(self, entry: Entry, aliases: Iterable[str], *, override: bool = False) -> None:
        """Add ``entry`` under each alias; ``override`` replaces what the aliases meant before."""
        old = self.entries.get(entry.id)
        if old is not None and old is not entry:
            self.remove(entry.id)
        self.entries[entry.id] = entry
        if entry.kind == "country":
            self.countries[entry.code or entry.id] = entry
        if entry.kind == "igo" and entry.code and entry.org:
            trusted = entry.source.startswith(("curated", "user"))
            if entry.code not in self.orgs_by_code or (
                trusted and entry.code not in self._curated_orgs
            ):
                self.orgs_by_code[entry.code] = entry.org  # the first curated short name wins
                if trusted:
                    self._curated_orgs.add(entry.code)
        for text in aliases:
            self.add_alias(text, entry, override=override)

    def add_alias(self, text: str, entry: Entry, *, override: bool = False) -> None:
        """Index ``entry`` under the surface form ``text``."""
        text = text.strip()
        if not text:
            return
        key = alias_key(text)
        alias = self.aliases.get(key)
        if alias is None or override:
            self.aliases[key] = Alias(text, [entry], exact=_is_exact(text), forms={text})
        else:
            if text not in alias.forms:
                alias.exact = alias.exact and _is_exact(text)
                alias.forms.add(text)
            if not any(e is entry for e in alias.entries):
                alias.entries.append(entry)
        if entry.kind == "person" and " " not in key:
            self.surnames[key].append(entry)

    def remove(self, entry_id: str) -> None:
        """Remove an entry and its aliases (a rare operation: it scans the index)."""
        entry = self.entries.pop(entry_id, None)
        if entry is None:
            return
        for key, alias in list(self.aliases.items()):
            if any(e is entry for e in alias.entries):
                alias.entries = [e for e in alias.entries if e is not entry]
                if not alias.entries:
                    del self.aliases[key]
        for key, people in list(self.surnames.items()):
            if any(e is entry for e in people):
                self.surnames[key] = [e for e in people if e is not entry]

    # --- reading --------------------------------------------------------------------------
    def lookup(self, key: str) -> list[Entry]:
        """Return the entries of an alias key (empty when unknown)."""
        alias = self.aliases.get(key)
        return alias.entries if alias else []

    def dated(self, code: str | None, day: str | None) -> str | None:
        """Return ``code`` as it stands on ``day``: a historic state's code passes to its successor.

        code: a CAMEO code ("SUNMIL" on 1995-01-01 -> "RUSMIL"); None and unknown prefixes pass
        """
        if not code or not day:
            return code
        ended = self.historic.get(code[:3])
        if ended is None or day < ended[0]:
            return code
        return ended[1] + code[3:]

    def expired(self, entry: Entry, day: str | None) -> bool:
        """Return whether a name of a historic state is, on ``day``, only a historical reference.

        "the Soviet Union" and "Soviet" after 1991-12-26 name no actor ("the former Soviet
        Union", "Soviet-era tanks"); the state's organs pass to the successor instead (``dated``).
        """
        ended = self.historic.get(entry.country or "")
        return (
            ended is not None
            and day is not None
            and day >= ended[0]
            and entry.kind in ("country", "demonym", "capital")
        )

    def code_on(self, entry: Entry, day: str | None) -> str | None:
        """Return the code of a non-person entry on ``day``: its dated code, then succession."""
        code = entry.code
        if entry.roles:
            role, valid = entry.role_on(day)
            if role is not None and (valid or day is None):
                code = role.code
        return self.dated(code, day)

    def country_name(self, code: str | None) -> str | None:
        """Return the canonical name of a country code."""
        entry = self.countries.get(code or "")
        return entry.name if entry else None

    def split_code(self, code: str | None) -> tuple[str | None, str | None, str | None]:
        """Split a CAMEO code into (country, org, role)."""
        if not code:
            return None, None, None
        head = code[:3]
        if head in self.countries:
            return head, None, code[3:6] or None
        org = self.orgs_by_code.get(code)
        if org is None:
            for n in range(len(code) - 3, 2, -3):
                if code[:n] in self.orgs_by_code:
                    org = self.orgs_by_code[code[:n]]
                    return None, org, code[n : n + 3] or None
        if org is None and (head in self.transnational or head in self.regions):
            org = code
        return None, org, None

    def __len__(self) -> int:
        return len(self.entries)


_NOT_LETTERS = re.compile(r"[\W\d_]+")


def _is_exact(text: str) -> bool:
    """Short all-capital or mixed-case aliases (US, AU, LeT, JeM) must match case exactly."""
    if len(text) > 12 or (not text.isupper() and text[1:] == text[1:].lower()):
        return False
    return 0 < len(_NOT_LETTERS.sub("", text)) <= 5


# --- loading -----------------------------------------------------------------------------

DATA = "realpolitik.actors.data"
Rows = Callable[[str], Iterator[tuple[int, dict[str, str]]]]
TABLES = (
    "countries.tsv",
    "names.tsv",
    "igos.tsv",
    "people.tsv",
    "roles.tsv",
    "agents.tsv",
    "groups.tsv",
    "tokens.tsv",
    "historic.tsv",
    "agencies.tsv",
)


def read_table(name: str, *, path: Path | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) of a shipped TSV table with a header after its comment lines.

    Raises: SettingsError E003 when the table is missing, E002 for a malformed line.
    """
    try:
        text = (
            path.read_text(encoding="utf-8")
            if path
            else resources.files(DATA).joinpath(name).read_text(encoding="utf-8")
        )
    except (FileNotFoundError, OSError) as exc:
        raise SettingsError(Errors.E003.format(path=path or name)) from exc
    header: list[str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        if len(cells) != len(header):
            raise SettingsError(
                Errors.E002.format(
                    path=path or name,
                    line=number,
                    detail=f"{len(cells)} cells, header has {len(header)}",
                )
            )
        yield number, dict(zip(header, cells, strict=True))


def load_tables(*, data: Path | None = None) -> KnowledgeBase:
    """Load the shipped tables (or those of the folder ``data``) into a new knowledge base.

    data: a folder of tables to read instead of the shipped ones (the build script's output)

    Raises: SettingsError E002/E003 for a broken table.
    """
    kb = KnowledgeBase()

    def rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
        return read_table(name, path=data / name if data else None)

    codes = cameo_codes()
    kb.transnational, kb.regions = codes["transnational"], codes["regions"]
    _load_countries(kb, rows)
    kb.historic = {row["code"]: (row["ended"], row["successor"]) for _, row in rows("historic.tsv")}
    _load_agencies(kb, rows)
    _load_igos(kb, rows)
    _load_people(kb, rows)
    _load_groups(kb, rows)
    _load_agents(kb, rows)
    if data is None or (data / "tokens.tsv").is_file():
        kb.tokens = {row["text"]: row["tokens"].split(" ") for _, row in rows("tokens.tsv")}
    return kb


def alias_phrases(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Return (surface text, alias key) for every spelling the matcher must find."""
    phrases: list[tuple[str, str]] = []
    for key, alias in kb.aliases.items():
        for form in alias.forms:
            phrases.append((form, key))
            if "'" in form:
                phrases.append((form.replace("'", "\u2019"), key))
        if not key.isascii() or not all(f.isascii() for f in alias.forms):
            phrases.append((key, key))
    return phrases


def alias_actor_keys(
    kb: KnowledgeBase,
) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], dict[str, str]]:
    """Return what each alias can name before any parse: the actor keys (country, else org)
    of its entries that are actors on their own, the countries of city aliases, which name
    an actor only as the modifier of an agent beside them ("Minneapolis police"), and the
    spelling of the aliases that must match case ("US", not "us"). An agent noun alone
    ("the government") has no key: it takes one only from such a modifier.
    """
    keys: dict[str, frozenset[str]] = {}
    cities: dict[str, frozenset[str]] = {}
    exact: dict[str, str] = {}
    for name, alias in kb.aliases.items():
        named = {e.country or e.org for e in alias.entries if e.kind not in ("agent", "city")}
        places = {e.country for e in alias.entries if e.kind == "city"}
        named.discard(None)
        places.discard(None)
        if named:
            keys[name] = frozenset(named)
        if places:
            cities[name] = frozenset(places)
        if alias.exact:
            exact[name] = alias.text
    return keys, cities, exact


def _load_countries(kb: KnowledgeBase, rows: Rows) -> None:
    for _, row in rows("countries.tsv"):
        code = row["code"]
        entry = Entry(
            f"country/{code}",
            "country",
            row["name"],
            code=code,
            country=code,
            tags=frozenset(row["tags"].split()),
            source=row["source"],
        )
        kb.add(entry, [row["name"]])
    derived: dict[tuple[str, str], Entry] = {}
    for number, row in rows("names.tsv"):
        kind, country, code = row["kind"], row["country"], row["code"]
        base = kb.countries.get(country)
        if base is None or kind not in PLACE_KINDS:
            raise SettingsError(
                Errors.E002.format(
                    path="names.tsv",
                    line=number,
                    detail=f"unknown country {country!r} or kind {kind!r}",
                )
            )
        if kind == "country":
            kb.add_alias(row["text"], base)
            continue
        ident = (kind, code if kind in ("demonym", "capital") else f"{code}/{row['text']}")
        entry = derived.get(ident)
        if entry is None:
            name = base.name if kind == "demonym" else row["text"]
            entry = derived[ident] = Entry(
                f"{kind}/{ident[1]}",
                kind,
                name,
                code=code,
                country=country,
                role=code[3:6] or None,
                tags=base.tags,
                source=row["source"],
                needs_entity=kind == "city" and not row["source"].startswith("curated"),
            )
            kb.entries[entry.id] = entry
        kb.add_alias(row["text"], entry)


def _load_agencies(kb: KnowledgeBase, rows: Rows) -> None:
    """Load state agencies, forces and media as metonyms; several rows of a name are dated codes."""
    by_name: dict[str, list[dict[str, str]]] = defaultdict(list)
    for _, row in rows("agencies.tsv"):
        by_name[row["name"]].append(row)
    for name, group in by_name.items():
        dated = tuple(
            Role(r["code"], name, r["start"], r["end"], r["source"])
            for r in group
            if r["start"] or r["end"]
        )
        code = max(group, key=lambda r: (r["end"] == "", r["start"]))["code"]
        entry = Entry(
            f"metonym/{code}/{name}",
            "metonym",
            name,
            code=code,
            country=code[:3],
            role=code[3:6] or None,
            roles=dated,
            tags=frozenset({group[0]["kind"]}),
            source=group[0]["source"],
        )
        aliases = [a for r in group for a in r["aliases"].split("|") if a]
        kb.add(entry, [name, *dict.fromkeys(aliases)])


def _load_igos(kb: KnowledgeBase, rows: Rows) -> None:
    for _, row in rows("igos.tsv"):
        entry = Entry(
            f"igo/{row['org']}/{row['name']}",
            "igo",
            row["name"],
            code=row["code"],
            org=row["org"],
            source=row["source"],
            members=frozenset(row["members"].split()),
        )
        kb.add(entry, [row["name"], *row["aliases"].split("|")])


def _load_people(kb: KnowledgeBase, rows: Rows) -> None:
    roles: dict[str, list[Role]] = defaultdict(list)
    for _, row in rows("roles.tsv"):
        roles[row["person"]].append(
            Role(row["code"], row["title"], row["start"], row["end"], row["source"])
        )
    for _, row in rows("people.tsv"):
        pid = row["id"]
        entry = Entry(
            f"person/{pid}",
            "person",
            row["name"],
            country=row["country"] or None,
            roles=tuple(roles.get(pid, ())),
            gender=row["gender"],
            source=row["source"],
        )
        kb.add(entry, [row["name"], *filter(None, row["aliases"].split("|"))])


def _load_groups(kb: KnowledgeBase, rows: Rows) -> None:
    for _, row in rows("groups.tsv"):
        if not row["country"] and row["code"][:3] in kb.transnational:
            kb.orgs_by_code.setdefault(row["code"], row["name"])
        country, org, _ = kb.split_code(row["code"])
        entry = Entry(
            f"group/{row['name']}",
            "group",
            row["name"],
            code=row["code"],
            country=row["country"] or country,
            org=org if not row["country"] else None,
            role=row["role"] or None,
            source=row["source"],
        )
        kb.add(entry, [row["name"], *filter(None, row["aliases"].split("|"))])


def _load_agents(kb: KnowledgeBase, rows: Rows) -> None:
    by_role: dict[str, Entry] = {}
    for _, row in rows("agents.tsv"):
        role = row["role"]
        entry = by_role.get(role)
        if entry is None:
            entry = by_role[role] = Entry(
                f"agent/{role}", "agent", role, role=role, source=row["source"]
            )
            kb.entries[entry.id] = entry
        if not kb.aliases.get(alias_key(row["text"])):
            kb.add_alias(row["text"], entry)


def check_user_entry(path: Path, name: str, detail: str) -> ActorError:
    """Return the coded error for a bad user entry (raised by the caller)."""
    return ActorError(Errors.E302.format(path=path, entry=name, detail=detail))
