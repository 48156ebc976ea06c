"""What every reader is handed: the settings and the warning sink of one run."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from realpolitik.errors import Errors, Warnings
from realpolitik.settings import Settings
from realpolitik.sources.stream import Warn

logger = logging.getLogger(__name__)


@dataclass
class ReadContext:
    """Settings and warning callback shared by the readers of one ``read_articles`` call."""

    settings: Settings
    warn: Warn

    def cap_text(self, text: str, *, where: str) -> str:
        """Cut ``text`` at ``settings.max_chars``, warning (E115) when it was longer."""
        limit = self.settings.max_chars
        if len(text) <= limit:
            return text
        self.warn(Errors.E115.format(path=where, limit=limit))
        return text[:limit]


@dataclass
class FileWarnings:
    """Pass one file's warnings on: each code ``repeats`` times, the rest counted (W103).

    Call ``close`` when the file is done to print the counts.
    """

    sink: Warn
    path: str
    repeats: int
    counts: Counter[str] = field(default_factory=Counter)

    def __call__(self, message: str) -> None:
        code = message[1:5] if message.startswith("[") else ""
        self.counts[code] += 1
        if self.counts[code] <= self.repeats:
            self.sink(message)

    @property
    def total(self) -> int:
        """Warnings met so far, printed or not."""
        return sum(self.counts.values())

    def close(self) -> None:
        """Print one W103 line per code that was met more than ``repeats`` times."""
        for code, count in self.counts.items():
            extra = count - self.repeats
            if extra > 0:
                self.sink(Warnings.W103.format(path=self.path, count=extra, code=code))
