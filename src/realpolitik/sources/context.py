"""What every reader is handed: the settings and the warning sink of one run."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from realpolitik.errors import Errors
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
