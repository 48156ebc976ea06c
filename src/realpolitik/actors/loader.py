"""Build the knowledge base a run uses: the shipped tables, then the user files in order."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from realpolitik.actors.kb import KnowledgeBase, load_tables
from realpolitik.actors.userfile import load_actor_file
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)


def load_kb(
    settings: Settings | None = None,
    *,
    files: Iterable[Path] | None = None,
    data: Path | None = None,
) -> KnowledgeBase:
    """Load the shipped tables, then the user files of ``settings.actor_files`` and ``files``.

    data: a folder of tables to read instead of the shipped ones (the build script's output)

    Raises: SettingsError E002/E003 for a broken shipped table; ActorError E301/E302 for a
    user file.
    """
    settings = settings or Settings()
    kb = load_tables(data=data)
    for path in [*settings.actor_files, *(files or [])]:
        load_actor_file(kb, Path(path), snapshot=settings.actor_petrarch_snapshot)
    logger.debug("actor knowledge base: %d entries, %d aliases", len(kb), len(kb.aliases))
    return kb
