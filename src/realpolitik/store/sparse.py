"""Insert rows whose often-empty columns are written as NULL literals (Python's sqlite3
module spends about 0.4 µs binding each None)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat
from operator import itemgetter
from types import NoneType
from typing import Any


class SparseInsert:
    """An ``INSERT`` whose often-empty columns are written as NULL literals where a row leaves
    them empty, one statement per pattern of empty columns: Python's sqlite3 module binds a
    None in about 0.4 µs (its adapter lookup), ten times an int or a short text.

    table, columns: what is inserted; sparse: the columns often None; tail: an ``ON CONFLICT``
    clause, if any
    """

    def __init__(
        self, table: str, columns: Sequence[str], sparse: Sequence[str], tail: str = ""
    ) -> None:
        self.head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        self.tail = tail
        self.width = len(columns)
        self.sparse = tuple(columns.index(c) for c in sparse)
        self._check = itemgetter(*self.sparse) if len(self.sparse) > 1 else _one(self.sparse[0])
        self._shapes: dict[tuple[type, ...], tuple[str, Callable[[Any], Any] | None]] = {}

    def batches(self, rows: Sequence[Sequence[Any]]) -> list[tuple[str, list[Any]]]:
        """Return (statement, rows with only its bound values) pairs, rows in their order
        within a pattern, patterns in the order first seen (a pattern is the types of the
        sparse values: ``map(type)`` is the cheapest test for None)."""
        out = []
        for group in self._patterns(rows):
            sql, pick = self._shape(tuple(map(type, self._check(group[0]))))
            out.append((sql, list(group) if pick is None else list(map(pick, group))))
        return out

    def _patterns(self, rows: Sequence[Sequence[Any]]) -> list[Sequence[Sequence[Any]]]:
        """Split ``rows`` by pattern. A column empty in every row or in none is the same in
        all patterns: it is counted once for the batch (by ``map``), and rows are told apart
        by the other sparse columns only (often none: one pattern, no loop in Python)."""
        total = len(rows)
        mixed = [j for j in self.sparse if 0 < list(map(itemgetter(j), rows)).count(None) < total]
        if not mixed:
            return [rows] if rows else []
        pick = itemgetter(*mixed) if len(mixed) > 1 else _one(mixed[0])
        groups: dict[tuple[type, ...], list[Sequence[Any]]] = {}
        for key, r in zip(map(tuple, map(map, repeat(type), map(pick, rows))), rows, strict=True):
            found = groups.get(key)
            if found is None:
                groups[key] = [r]
            else:
                found.append(r)
        return list(groups.values())

    def _shape(self, key: tuple[type, ...]) -> tuple[str, Callable[[Any], Any] | None]:
        """The statement and value picker of one pattern of empty columns (remembered)."""
        found = self._shapes.get(key)
        if found is None:
            if len(self._shapes) >= SHAPES_KEPT:
                self._shapes.clear()
            nulls = {i for i, kind in zip(self.sparse, key, strict=True) if kind is NoneType}
            keep = [i for i in range(self.width) if i not in nulls]
            values = ", ".join("NULL" if i in nulls else "?" for i in range(self.width))
            pick = None if not nulls else itemgetter(*keep) if len(keep) > 1 else _one(keep[0])
            found = self._shapes[key] = (f"{self.head}({values}){self.tail}", pick)
        return found


SHAPES_KEPT = 4096
"""Most patterns of empty columns a :class:`SparseInsert` remembers."""


def _one(index: int) -> Callable[[Any], tuple[Any]]:
    """A picker of one value as a 1-tuple (``itemgetter`` of one index gives the bare value)."""
    return lambda row: (row[index],)
