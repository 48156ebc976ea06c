"""Sum the changes a write makes to the dyad aggregates, per (source, target, day), and roll
them up to months, years and all time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import add
from typing import Any

from realpolitik.store.rows import GRAINS, Key


class Deltas:
    """Per-(source, target, day) changes to the dyad aggregates within one transaction: the
    mention view (ALL_AGG_COLUMNS[:7]) then the unique-event view (offset 7)."""

    def __init__(self) -> None:
        self.days: dict[Key, list[float]] = {}
        self.negative = False

    def add(
        self,
        key: Key,
        quad_class: int,
        goldstein: float | None,
        *,
        sign: int = 1,
        offset: int = 0,
    ) -> None:
        """Add (``sign`` 1) or subtract (-1) one mention's (``offset`` 0) or one unique
        event's (``offset`` 7) contribution."""
        acc = self.days.get(key)
        if acc is None:
            acc = self.days[key] = [0, 0, 0, 0, 0, 0.0, 0, 0, 0, 0, 0, 0, 0.0, 0]
        acc[offset] += sign
        if 1 <= quad_class <= 4:
            acc[offset + quad_class] += sign
        if goldstein is not None:
            acc[offset + 5] += sign * goldstein
            acc[offset + 6] += sign
        if sign < 0:
            self.negative = True

    def add_rows(
        self,
        rows: Iterable[Sequence[Any]],
        *,
        columns: tuple[int, int, int, int, int],
        flag: int,
        sign: int,
        offset: int = 0,
    ) -> None:
        """Add the rows whose value at index ``flag`` is true as :meth:`add` does, one loop
        for a batch (the same sums in the same order); ``columns`` are the indexes of source,
        target, day, quad class and goldstein in a row."""
        days = self.days
        added = False
        i_source, i_target, i_day, i_quad, i_gold = columns
        for r in rows:
            if not r[flag]:
                continue
            key = (r[i_source], r[i_target], r[i_day])
            acc = days.get(key)
            if acc is None:
                acc = days[key] = [0, 0, 0, 0, 0, 0.0, 0, 0, 0, 0, 0, 0, 0.0, 0]
            acc[offset] += sign
            quad = r[i_quad]
            if 1 <= quad <= 4:
                acc[offset + quad] += sign
            gold = r[i_gold]
            if gold is not None:
                acc[offset + 5] += sign * gold
                acc[offset + 6] += sign
            added = True
        if added and sign < 0:
            self.negative = True

    def by_grain(self) -> dict[str, list[tuple[Any, ...]]]:
        """Return upsert rows (source, target, period, counts...) per grain, rows of zeros left
        out. Each grain is summed from the finer one before it (day → month → year → all); a
        period with one finer row shares that row's list (none is changed in place)."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        current = self.days
        for grain, width in GRAINS.items():
            if grain != "day":
                coarser: dict[Key, list[float]] = {}
                for (source, target, period), acc in current.items():
                    key = (source, target, period[:width])
                    cur = coarser.get(key)
                    coarser[key] = acc if cur is None else list(map(add, cur, acc))
                current = coarser
            out[grain] = [(*k, *v) for k, v in current.items() if any(v)]
        return out
