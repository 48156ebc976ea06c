"""realpolitik: turn news into CAMEO/PLOVER-coded political event data with evidence."""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from realpolitik.models import Actor, Article, Event
from realpolitik.settings import Settings

if TYPE_CHECKING:
    from realpolitik.pipeline import Pipeline

logging.getLogger(__name__).addHandler(logging.NullHandler())

try:
    __version__ = version("realpolitik")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

__all__ = ["Actor", "Article", "Event", "Pipeline", "Settings", "load", "code_text", "__version__"]


def load(settings: Settings | None = None, **overrides: object) -> Pipeline:
    """Return a ready Pipeline (loads the spaCy model and the knowledge bases once)."""
    from realpolitik.pipeline import Pipeline

    return Pipeline(settings or Settings(**overrides))


def code_text(text: str, *, date: str | None = None, doc_id: str | None = None) -> list[Event]:
    """Code one text with a freshly loaded pipeline; for repeated use keep ``load()``'s result."""
    return load()(text, date=date, doc_id=doc_id)


def __getattr__(name: str) -> object:
    if name == "Pipeline":
        from realpolitik.pipeline import Pipeline

        return Pipeline
    raise AttributeError(name)


def open(db: str | None = None, **kw: object):  # noqa: A001, ANN201 - returns store.Database
    """Open the event store ``db`` (SQLite path or postgresql:// URL; default ``Settings().db``).

    kw: ``readonly=True``, ``settings=Settings(...)`` or Settings fields such as ``db_timeout``
    Returns: a ``realpolitik.store.Database`` with ``.events()``, ``.dyad()``, ``.network()``...
    """
    from realpolitik.store.handle import open_database

    return open_database(db, **kw)  # type: ignore[arg-type]
