"""Stream articles through a coder into the store: batched, idempotent, crash-safe.

Articles already stored with the same text and coder version are skipped before coding; an
article stored under another coder version (or with changed text from the same source) is
re-coded and its events replaced in the same transaction. An id stored for another source's
other text is never overwritten: the newcomer is keyed ``<id>@<content hash>`` (W102). Each
batch of ``settings.ingest_batch`` coded articles is one transaction, so a run killed at any
point loses at most the batch in flight, and rerunning stores it then, once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from realpolitik.errors import Warnings
from realpolitik.models import Article, Event
from realpolitik.settings import Settings
from realpolitik.sources.ids import keyed_id
from realpolitik.store.rows import content_hash
from realpolitik.store.store import Store

logger = logging.getLogger(__name__)


class Coder(Protocol):
    """What ingest needs from a pipeline: a version string and ``pipe``."""

    version: str

    def pipe(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
        """Yield each article with its events, in input order."""
        ...


@dataclass
class IngestReport:
    """Counts of one ingest run.

    read: articles read from the sources
    stored: articles written (new or replaced); replaced: of those, already stored before
    unchanged: skipped, already stored with the same text and coder version
    duplicates: stored as duplicates of another article (not coded)
    """

    read: int = 0
    stored: int = 0
    replaced: int = 0
    unchanged: int = 0
    duplicates: int = 0
    events: int = 0
    skipped_events: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        """Seconds since the run started."""
        return time.monotonic() - self.started

    def to_dict(self) -> dict[str, Any]:
        """Return the counts and the elapsed seconds as a dict."""
        data = asdict(self)
        data.pop("started")
        data["seconds"] = round(self.seconds, 3)
        return data


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _todo(
    articles: Iterable[Article],
    *,
    store: Store,
    version: str,
    size: int,
    force: bool,
    report: IngestReport,
    warn: Callable[[str], None],
) -> Iterator[Article]:
    """Yield the articles that need coding; mark ones whose text is already stored as duplicates."""
    for chunk in _batched(articles, size):
        report.read += len(chunk)
        _key_reused_ids(chunk, store, warn)
        stored = store.lookup_articles([a.id for a in chunk])
        fresh: list[Article] = []
        for article in chunk:
            known = stored.get(article.id)
            if not force and known == (content_hash(article.text), version):
                report.unchanged += 1
            else:
                fresh.append(article)
        _link_duplicates(fresh, store)
        yield from fresh


def _key_reused_ids(articles: Sequence[Article], store: Store, warn: Callable[[str], None]) -> None:
    """Key an article by content (W102) when its id is stored for another source's other text.

    The same source's new text under a stored id is a new version: it replaces the old one.
    """
    stored = store.lookup_articles([a.id for a in articles])
    clashing = [a for a in articles if a.id in stored and stored[a.id][0] != content_hash(a.text)]
    if not clashing:
        return
    meta = store.article_meta([a.id for a in clashing])
    for article in clashing:
        other = meta.get(article.id, {}).get("source")
        if other == article.source:
            continue
        new = keyed_id(article.id, article.text)
        where = article.source or new
        warn(Warnings.W102.format(path=where, id=article.id, other=other, new=new))
        article.id = new


def _link_duplicates(articles: Sequence[Article], store: Store) -> None:
    """Set ``duplicate_of`` on articles whose text is stored (or seen) under another id."""
    hashes = {a.id: content_hash(a.text) for a in articles}
    owners = store.lookup_content(list(hashes.values()))
    for article in articles:
        owner = owners.setdefault(hashes[article.id], article.id)
        if owner != article.id and article.duplicate_of is None:
            article.duplicate_of = owner


def ingest_articles(
    articles: Iterable[Article],
    *,
    store: Store,
    coder: Coder,
    batch: int | None = None,
    force: bool = False,
    progress: Callable[[IngestReport], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> IngestReport:
    """Code and store ``articles``; return the run's counts.

    batch: articles per transaction (default ``settings.ingest_batch``)
    force: re-code articles even when stored with the same text and coder version
    progress: called with the running report after each stored batch
    Raises: StoreError E501, E502.
    """
    size = batch or store.settings.ingest_batch
    report = IngestReport()
    todo = _todo(
        articles,
        store=store,
        version=coder.version,
        size=size,
        force=force,
        report=report,
        warn=on_warning or logger.warning,
    )
    for pairs in _batched(coder.pipe(todo), size):
        stats = store.write(pairs, coder_version=coder.version, on_warning=on_warning)
        report.stored += stats.articles
        report.replaced += stats.replaced
        report.events += stats.events
        report.skipped_events += stats.skipped_events
        report.duplicates += sum(1 for a, _ in pairs if a.duplicate_of)
        if progress:
            progress(report)
    logger.info("ingest into %s: %s", store.label, report.to_dict())
    return report


def ingest(
    sources: Iterable[str | Path],
    *,
    store: Store,
    coder: Coder | None = None,
    settings: Settings | None = None,
    force: bool = False,
    progress: Callable[[IngestReport], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> IngestReport:
    """Read any kind of source (files, directories, '-'), code it and store it.

    coder: a loaded pipeline (default ``realpolitik.load(settings)``)
    on_warning: receives coded warnings about the input (E1xx) and the store (W5xx)
    Raises: StoreError E501, E502; NLPError when the model is missing.
    """
    from realpolitik.sources import read_articles

    settings = settings or store.settings
    if coder is None:
        import realpolitik

        coder = realpolitik.load(settings)
    articles = read_articles(sources, settings=settings, on_warning=on_warning)
    return ingest_articles(
        articles, store=store, coder=coder, force=force, progress=progress, on_warning=on_warning
    )
