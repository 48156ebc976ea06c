"""Link mentions to unique events inside a store write, incrementally (rule: ``clusters.py``).

A batch touches some groups (source key, target key, root) on some days. Events that end
before the earliest touched day cannot change: the greedy split from the earliest day only
depends on earlier days. So for each group the stored mentions from ``window`` days before
its earliest touched day are read, the split is redone from the last event that starts
before that day, and it goes on until it starts an event on a day where one already started
(everything after is unchanged) or runs out of days. Old events of the region are replaced by
the new ones and their difference goes into the event-view columns of the dyad aggregates.
"""

from __future__ import annotations

import json
import logging
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from realpolitik.store.backends import Backend
from realpolitik.store.clusters import (
    CLUSTER_COLUMNS,
    MENTION_FIELDS,
    Group,
    Mention,
    cluster_id,
    cluster_row,
    iso_day,
    link_span,
    ordinal,
    singleton_row,
    spans,
)
from realpolitik.store.deltas import Deltas
from realpolitik.store.rows import EVENT_COLUMNS

logger = logging.getLogger(__name__)

SCAN_DAYS = 62
"""Most days a batch's stored mentions are read by one range scan each; beyond, by probes."""
PROBE_KEYS = 300
"""(day, source, target) probes per statement."""

_PICK = itemgetter(
    *(EVENT_COLUMNS.index(f) for f in MENTION_FIELDS if not f.startswith("cluster_"))
)
_IN_AGGREGATE = EVENT_COLUMNS.index("in_aggregate")
_S, _T, _R, _D, _PLACE = map(
    EVENT_COLUMNS.index, ("source_key", "target_key", "root", "day", "location_country")
)
_SINGLE = itemgetter(
    *map(
        EVENT_COLUMNS.index,
        ("source_key", "target_key", "root", "location_country", "cameo", "quad_class"),
    )
)
_SINGLE_TAIL = itemgetter(
    *map(EVENT_COLUMNS.index, ("goldstein", "source_code", "target_code", "day", "event_id"))
)
_CONFIDENCE, _SEEN = EVENT_COLUMNS.index("confidence"), EVENT_COLUMNS.index("seen")
_CID, _CDAY = EVENT_COLUMNS.index("cluster_id"), EVENT_COLUMNS.index("cluster_day")
_GROUP_KEY = "source_key || char(31) || target_key || char(31) || root"
"""A group as one text (a key that only looks alike is dropped by ``_keep``)."""
_SELECT = f"SELECT {', '.join(MENTION_FIELDS)} FROM events WHERE in_aggregate = 1"
_C = {name: i for i, name in enumerate(CLUSTER_COLUMNS)}


def _cluster_insert(columns: Sequence[str]) -> str:
    marks = ", ".join("?" for _ in columns)
    return (
        f"INSERT INTO event_clusters ({', '.join(columns)}) VALUES ({marks}) "
        "ON CONFLICT (day, cluster_id) DO NOTHING"
    )


_CLUSTER_INSERT = _cluster_insert(CLUSTER_COLUMNS)
_PLACELESS_INSERT = _cluster_insert([c for c in CLUSTER_COLUMNS if c != "place"])
_PLACELESS = itemgetter(*(i for i, c in enumerate(CLUSTER_COLUMNS) if c != "place"))
"""Rows without a place leave the column out (NULL by default): binding a None costs more
than picking the other values. The other columns are bound as they are (usually none of them
is empty: cheaper to bind than to test for)."""
EVENT_VIEW = 7
"""Offset of the event-view counts in a :class:`Deltas` accumulator."""


def row_mention(row: Sequence[Any], *, link: Sequence[Any] = (None, None)) -> Mention:
    """Return the Mention of an ``events`` row tuple (EVENT_COLUMNS order).

    link: the (cluster id, cluster day) it is known by, if any
    """
    return Mention(*_PICK(row), *link)


_DELTA = (_C["source_key"], _C["target_key"], _C["day"], _C["quad_class"], _C["goldstein"])
_COUNTED = _C["in_aggregate"]


def _single(key: Group, r: list[Any]) -> tuple[Any, ...]:
    """Link one counted mention alone in its span (its link set in place); return its event
    row (``clusters._single_row`` inline)."""
    day = r[_D]
    r[_CID] = cid = cluster_id(key, day, r[_PLACE] or "")
    r[_CDAY] = day
    seen = r[_SEEN] or day
    confidence = round(1 - (1 - min(max(r[_CONFIDENCE], 0.0), 1.0)), 4)
    return (cid, day, *_SINGLE(r), *_SINGLE_TAIL(r), 1, 1, 1, seen, seen, confidence, 1)


def add_cluster_deltas(deltas: Deltas, rows: Iterable[Sequence[Any]], *, sign: int) -> None:
    """Add (``sign`` 1) or subtract (-1) counted event rows in the event view of ``deltas``."""
    deltas.add_rows(rows, columns=_DELTA, flag=_COUNTED, sign=sign, offset=EVENT_VIEW)


class _Region:
    """One group's stored mentions by day, and how far they have been read."""

    def __init__(self, group: Group, lo: int, hi: int) -> None:
        self.group = group
        self.lo = lo
        self.hi = hi
        self.days: dict[int, list[Mention]] = {}

    def add(self, m: Mention) -> None:
        self.days.setdefault(m.ordinal, []).append(m)


class Linker:
    """Relinks the groups a store write touches; see the module docstring."""

    def __init__(self, backend: Backend, *, window: int) -> None:
        self.backend = backend
        self.window = window

    def link(
        self, rows: list[list[Any]], removed: Sequence[Mention], deltas: Deltas
    ) -> list[list[Any]]:
        """Link the pending ``rows`` (not yet inserted; their ``cluster_id`` and
        ``cluster_day`` are set in place) and relink what they and the ``removed`` mentions
        (no longer stored) touch; return the rows."""
        w = self.window
        new_rows: list[tuple[Any, ...]] = []
        groups = _group(rows, new_rows)
        bounds = _bounds(rows, groups)
        old_keys: set[tuple[str, str]] = set()
        unlinked = _unlink(removed, bounds, old_keys)
        regions = self._load({g: (lo - w, hi + 2 * w) for g, (lo, hi) in bounds.items()})
        links: dict[str, tuple[str, str]] = {}
        updates: list[tuple[str, str, str, str]] = []
        slow = regions.keys() | unlinked.keys()
        for key, (lo, hi) in bounds.items():
            idx = groups.get(key, ())
            if len(idx) == 1 and key not in slow:
                new_rows.append(_single(key, rows[idx[0]]))
                continue
            region = regions.get(key) or _Region(key, lo - w, hi + 2 * w)
            pending = _pending(rows, idx)
            self._relink(region, lo, hi, pending, old_keys, new_rows, links, updates)
            for i in idx:
                r = rows[i]
                r[_CID], r[_CDAY] = links[r[0]]
        self._store(old_keys, new_rows, updates, deltas)
        return rows

    def _store(
        self,
        old_keys: set[tuple[str, str]],
        new_rows: list[tuple[Any, ...]],
        updates: list[tuple[str, str, str, str]],
        deltas: Deltas,
    ) -> None:
        """Replace the unique events ``old_keys`` by ``new_rows``, move the mentions whose
        event changed (``updates``) and count the difference in ``deltas``."""
        old_rows = self._clusters(old_keys)
        add_cluster_deltas(deltas, old_rows, sign=-1)
        add_cluster_deltas(deltas, new_rows, sign=1)
        self.backend.executemany(
            "DELETE FROM event_clusters WHERE day = ? AND cluster_id = ?", sorted(old_keys)
        )
        place = _C["place"]
        self.backend.executemany(_CLUSTER_INSERT, [r for r in new_rows if r[place] is not None])
        self.backend.executemany(
            _PLACELESS_INSERT, [_PLACELESS(r) for r in new_rows if r[place] is None]
        )
        self.backend.executemany(
            "UPDATE events SET cluster_id = ?, cluster_day = ? WHERE day = ? AND event_id = ?",
            updates,
        )

    def _relink(
        self,
        region: _Region,
        first: int,
        last: int,
        pending: dict[int, list[Mention]],
        old_keys: set[tuple[str, str]],
        new_rows: list[tuple[Any, ...]],
        links: dict[str, tuple[str, str]],
        updates: list[tuple[str, str, str, str]],
    ) -> None:
        """Redo the split of one group from its earliest touched day (module docstring)."""
        w = self.window
        if not region.days or _fresh(region, first, w):
            self._link_new(region.group, pending, new_rows, links)
            return
        kept = _kept(region, first)
        start = kept if kept is not None and kept + w >= first else first
        days = sorted({*region.days, *pending})
        i = bisect_left(days, start)
        x = days[i] if i < len(days) else None
        while x is not None:
            if region.hi < x + 2 * w:
                self._extend(region, x + 2 * w + 16)
                days = sorted({*region.days, *pending})
            stored = region.days.get(x, [])
            if x > last and stored and all(m.cluster_day == m.day for m in stored):
                break
            members: list[Mention] = []
            for d in range(x, x + w + 1):
                members += region.days.get(d, [])
                members += pending.get(d, [])
            for m in members:
                if m.cluster_id:
                    old_keys.add((m.cluster_day or m.day, m.cluster_id))
            day = iso_day(x)
            for cid, place, part in link_span(region.group, day, members):
                new_rows.append(cluster_row(cid, day, region.group, place, part, counted=True))
                for m in part:
                    links[m.event_id] = (cid, day)
                    if m.cluster_id is not None and (m.cluster_id, m.cluster_day) != (cid, day):
                        updates.append((cid, day, m.day, m.event_id))
            i = bisect_right(days, x + w)
            x = days[i] if i < len(days) and days[i] <= region.hi else None

    def _link_new(
        self,
        group: Group,
        pending: dict[int, list[Mention]],
        new_rows: list[tuple[Any, ...]],
        links: dict[str, tuple[str, str]],
    ) -> None:
        """Link the ``pending`` mentions of a group that has no stored event they could join
        and no stored mention from their first day on: they are split alone, and nothing
        stored changes."""
        for span in spans(pending, self.window):
            day = iso_day(span[0])
            members = [m for d in span for m in pending[d]]
            for cid, place, part in link_span(group, day, members):
                new_rows.append(cluster_row(cid, day, group, place, part, counted=True))
                for m in part:
                    links[m.event_id] = (cid, day)

    def _load(self, bounds: dict[Group, tuple[int, int]]) -> dict[Group, _Region]:
        """Read the stored, counted mentions of each group within its (lo, hi) day ordinals;
        return the regions of the groups that have any."""
        regions: dict[Group, _Region] = {}
        if bounds:
            self._read(regions, bounds)
        return regions

    def _read(self, regions: dict[Group, _Region], bounds: dict[Group, tuple[int, int]]) -> None:
        """Fill ``regions`` from the groups' ``bounds``: one range scan per run of days, or
        (day, dyad) probes."""
        runs = _runs(bounds.values())
        if sum(hi - lo + 1 for lo, hi in runs) <= SCAN_DAYS:
            self._scan(regions, bounds, runs)
            return
        keys = sorted(
            {(iso_day(d), g[0], g[1]) for g, (lo, hi) in bounds.items() for d in range(lo, hi + 1)}
        )
        for i in range(0, len(keys), PROBE_KEYS):
            chunk = keys[i : i + PROBE_KEYS]
            values = ", ".join("(?, ?, ?)" for _ in chunk)
            cols = ", ".join(f"e.{c}" for c in MENTION_FIELDS)
            sql = (
                f"WITH k (d, s, t) AS (VALUES {values}) SELECT {cols} FROM k CROSS JOIN events e "
                "WHERE e.day = k.d AND e.source_key = k.s AND e.target_key = k.t "
                "AND e.in_aggregate = 1"
            )
            params = [v for key in chunk for v in key]
            self._keep(regions, bounds, self.backend.query(sql, params))

    def _scan(
        self,
        regions: dict[Group, _Region],
        bounds: dict[Group, tuple[int, int]],
        runs: list[tuple[int, int]],
    ) -> None:
        """Read the groups' stored mentions by one range scan per run of days. On SQLite the
        scan keeps only the batch's groups (one JSON list of keys, so the statement stays the
        same and prepared): the other groups' rows (most of a busy day's) never become tuples.
        """
        sql = f"{_SELECT} AND day >= ? AND day <= ?"
        extra: list[str] = []
        if self.backend.name == "sqlite":
            sql += f" AND {_GROUP_KEY} IN (SELECT value FROM json_each(?))"
            extra.append(json.dumps(["\x1f".join(g) for g in bounds]))
        for lo, hi in runs:
            self._keep(regions, bounds, self.backend.query(sql, [iso_day(lo), iso_day(hi), *extra]))

    @staticmethod
    def _keep(
        regions: dict[Group, _Region],
        bounds: dict[Group, tuple[int, int]],
        rows: Iterable[Sequence[Any]],
    ) -> None:
        """Add the rows (MENTION_FIELDS) that fall in their group's (lo, hi) ``bounds`` to
        the group's region (made on its first row)."""
        for r in rows:
            group = (r[3] or "", r[4] or "", r[5])
            found = bounds.get(group)
            if found is not None:
                m = Mention(*r)
                lo, hi = found
                if lo <= m.ordinal <= hi:
                    region = regions.get(group)
                    if region is None:
                        region = regions[group] = _Region(group, lo, hi)
                    region.add(m)

    def _extend(self, region: _Region, hi: int) -> None:
        """Read more of one group's stored mentions, up to day ordinal ``hi``."""
        s, t, root = region.group
        sql = (
            f"{_SELECT} AND day > ? AND day <= ? AND source_key = ? AND target_key = ? AND root = ?"
        )
        old_hi, region.hi = region.hi, hi
        for r in self.backend.query(sql, [iso_day(old_hi), iso_day(hi), s, t, root]):
            region.add(Mention(*r))

    def _clusters(self, keys: set[tuple[str, str]]) -> list[tuple[Any, ...]]:
        """Return the stored ``event_clusters`` rows of (day, cluster id) ``keys``."""
        out: list[tuple[Any, ...]] = []
        ordered = sorted(keys)
        for i in range(0, len(ordered), PROBE_KEYS):
            chunk = ordered[i : i + PROBE_KEYS]
            values = ", ".join("(?, ?)" for _ in chunk)
            cols = ", ".join(f"c.{c}" for c in CLUSTER_COLUMNS)
            sql = (
                f"WITH k (d, i) AS (VALUES {values}) SELECT {cols} FROM k "
                "CROSS JOIN event_clusters c WHERE c.day = k.d AND c.cluster_id = k.i"
            )
            out += self.backend.query(sql, [v for key in chunk for v in key])
        return out


def _group(rows: list[list[Any]], new_rows: list[tuple[Any, ...]]) -> dict[Group, list[int]]:
    """Return the indexes of the counted ``rows`` by group; an uncounted row is its own
    event (linked in place and added to ``new_rows``)."""
    groups: dict[Group, list[int]] = {}
    for i, r in enumerate(rows):
        if r[_IN_AGGREGATE]:
            key = (r[_S], r[_T], r[_R])
            found = groups.get(key)
            if found is None:
                groups[key] = [i]
            else:
                found.append(i)
        else:
            r[_CID] = r[0]
            r[_CDAY] = r[_D]
            new_rows.append(singleton_row(row_mention(r)))
    return groups


def _bounds(rows: list[list[Any]], groups: dict[Group, list[int]]) -> dict[Group, tuple[int, int]]:
    """Return each group's first and last day ordinal (ISO days sort as their dates)."""
    bounds: dict[Group, tuple[int, int]] = {}
    ords = {d: ordinal(d) for d in {r[_D] for r in rows if r[_IN_AGGREGATE]}}
    for key, idx in groups.items():
        if len(idx) == 1:
            day = ords[rows[idx[0]][_D]]
            bounds[key] = (day, day)
        else:
            days = [rows[i][_D] for i in idx]
            bounds[key] = (ords[min(days)], ords[max(days)])
    return bounds


def _pending(rows: list[list[Any]], idx: Iterable[int]) -> dict[int, list[Mention]]:
    """Return the Mentions of ``rows`` at ``idx`` by day ordinal."""
    pending: dict[int, list[Mention]] = {}
    for i in idx:
        m = row_mention(rows[i])
        pending.setdefault(m.ordinal, []).append(m)
    return pending


def _fresh(region: _Region, first: int, window: int) -> bool:
    """Whether a group's pending mentions can be split alone, as if nothing were stored:
    no stored mention lies on day ``first`` or later, and the last stored event that starts
    before ``first`` ends before it, so the split from ``first`` meets no stored mention."""
    if max(region.days) >= first:
        return False
    kept = _kept(region, first)
    return kept is None or kept + window < first


def _kept(region: _Region, first: int) -> int | None:
    """The first day of the last stored event of ``region`` that starts before ``first``."""
    return max(
        (
            ordinal(m.cluster_day)
            for d, ms in region.days.items()
            if d < first
            for m in ms
            if m.cluster_day
        ),
        default=None,
    )


def _unlink(
    removed: Sequence[Mention],
    bounds: dict[Group, tuple[int, int]],
    old_keys: set[tuple[str, str]],
) -> dict[Group, list[Mention]]:
    """Add the events of ``removed`` mentions to ``old_keys`` and widen ``bounds`` to the
    linked ones; return those by group."""
    unlinked: dict[Group, list[Mention]] = {}
    for m in removed:
        if m.cluster_id:
            old_keys.add((m.cluster_day or m.day, m.cluster_id))
        if m.cluster_id and m.cluster_id != m.event_id:
            unlinked.setdefault(m.group, []).append(m)
            lo, hi = bounds.get(m.group, (m.ordinal, m.ordinal))
            bounds[m.group] = (min(lo, m.ordinal), max(hi, m.ordinal))
    return unlinked


def _runs(bounds: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge (lo, hi) day ranges into disjoint runs."""
    runs: list[list[int]] = []
    for lo, hi in sorted(bounds):
        if runs and lo <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], hi)
        else:
            runs.append([lo, hi])
    return [(lo, hi) for lo, hi in runs]
