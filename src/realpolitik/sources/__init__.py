"""Read news as it comes (text, HTML, RSS/Atom, JSONL, WARC, directories, stdin) as clean Articles.

``read_articles`` is the one entry point: it opens each path, sniffs its kind from content,
runs the matching reader, then cleans each article's lines, identifies its language and links
duplicates to their original. Bad input never raises: it is reported through ``on_warning``
with a coded message that names the file and line or record, and the rest is still read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from realpolitik.dedupe import Deduper
from realpolitik.errors import Errors
from realpolitik.language import LanguageDetector
from realpolitik.models import Article
from realpolitik.settings import Settings
from realpolitik.sources.context import FileWarnings, ReadContext
from realpolitik.sources.feed import read_feed
from realpolitik.sources.html import read_html
from realpolitik.sources.ids import IdKeeper
from realpolitik.sources.jsonl import read_jsonl
from realpolitik.sources.stream import (
    CORRUPT_ERRORS,
    NotRegularFile,
    Source,
    detail,
    display_name,
    open_source,
)
from realpolitik.sources.text import read_text
from realpolitik.sources.warc import read_warc

logger = logging.getLogger(__name__)

Reader = Callable[[Source, ReadContext], Iterator[Article]]

READERS: dict[str, Reader] = {
    "text": read_text,
    "html": read_html,
    "jsonl": read_jsonl,
    "feed": read_feed,
    "warc": read_warc,
}

__all__ = ["READERS", "read_articles", "read_source", "iter_files"]


def read_articles(
    paths: Iterable[str | Path],
    *,
    settings: Settings | None = None,
    clean: bool = True,
    dedupe: bool = True,
    on_warning: Callable[[str], None] | None = None,
    deduper: Deduper | None = None,
) -> Iterator[Article]:
    """Yield cleaned Articles from files, directories (walked recursively) or '-' (stdin).

    clean: drop furniture lines, recording them in ``Article.dropped``
    dedupe: set ``duplicate_of`` on exact and near-duplicates of an earlier article of this call
    on_warning: receives each coded warning (E1xx, W1xx); default ``logger.warning``
    deduper: a Deduper to share across calls (a resumed ingest); default a new one per call
    Yields: Articles with ``language`` set and ids unique in the call (an id reused with other
    text is keyed by content, W102; an exact repeat is skipped, W202); duplicates and
    non-English articles are kept, flagged.
    """
    # clean.py reads its rules through this package, so it is imported here, not at the top
    from realpolitik.clean import LineCleaner, clean_article

    settings = settings or Settings()
    ctx = ReadContext(settings=settings, warn=on_warning or logger.warning)
    cleaner = LineCleaner(settings) if clean else None
    detector = LanguageDetector(settings)
    if dedupe and deduper is None:
        deduper = Deduper(settings)
    elif not dedupe:
        deduper = None
    ids = IdKeeper()
    for read in _read_all(paths, ctx):
        article = ids.admit(read, warn=ctx.warn)
        if article is None:
            continue
        if cleaner is not None:
            article = clean_article(article, cleaner)
            if not article.text.strip():
                ctx.warn(Errors.E116.format(path=article.source or article.id, id=article.id))
                continue
        article.language = detector.detect(article.text, fallback=article.language)
        if deduper is not None:
            article.duplicate_of = deduper.check(article.id, article.text)
        yield article


def _read_all(paths: Iterable[str | Path], ctx: ReadContext) -> Iterator[Article]:
    for path in paths:
        if str(path) == "-":
            yield from read_source("-", ctx=ctx)
            continue
        path = Path(path)
        if path.is_dir():
            for file, stem in iter_files(path, on_skip=ctx.warn):
                yield from read_source(file, ctx=ctx, stem=stem)
        elif path.exists():
            yield from read_source(path, ctx=ctx)
        else:
            ctx.warn(Errors.E101.format(path=display_name(str(path))))


def iter_files(
    root: Path, *, on_skip: Callable[[str], None] | None = None
) -> Iterator[tuple[Path, str]]:
    """Yield (file, id stem) for every file under ``root``, sorted, skipping hidden entries.

    on_skip: receives E117 for each pipe, device or socket passed over
    Returns: the stem is the path relative to ``root`` ('site/a.html'), stable across runs.
    """
    for file in sorted(root.rglob("*")):
        relative = file.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or file.is_dir():
            continue
        if not file.is_file():
            if on_skip is not None and file.exists():
                on_skip(Errors.E117.format(path=display_name(str(file))))
            continue
        yield file, relative.as_posix()


def read_source(
    path: str | Path, *, ctx: ReadContext, stem: str | None = None
) -> Iterator[Article]:
    """Yield the raw (uncleaned) Articles of one file or '-', by the kind sniffed from content.

    While the file is read, ``ctx.warn`` prints each warning code ``settings.warn_repeats``
    times and counts the rest (W103, when the file is done); a file that gives no article
    and no warning is named (E118).
    """
    name = display_name(str(path))
    try:
        source = open_source(path, stem=stem)
    except NotRegularFile:
        ctx.warn(Errors.E117.format(path=name))
        return
    except OSError as exc:
        ctx.warn(Errors.E114.format(path=name, detail=exc.strerror or type(exc).__name__))
        return
    sink = ctx.warn
    warnings = FileWarnings(sink, source.name, ctx.settings.warn_repeats)
    ctx.warn = warnings
    count = 0
    try:
        for article in _dispatch(source, ctx):
            count += 1
            yield article
        damage = source.damage()
        if damage is not None:
            ctx.warn(Errors.E107.format(path=source.name, detail=detail(damage)))
    except CORRUPT_ERRORS as exc:
        ctx.warn(Errors.E107.format(path=source.name, detail=detail(exc)))
    except Exception as exc:  # a reader's parser failing on one file must not end the run
        ctx.warn(Errors.E108.format(path=source.name, kind=source.kind, detail=detail(exc)))
    finally:
        ctx.warn = sink
        source.close()
        warnings.close()
    if count == 0 and warnings.total == 0:
        ctx.warn(Errors.E118.format(path=source.name))


def _dispatch(source: Source, ctx: ReadContext) -> Iterator[Article]:
    if source.kind == "empty":
        ctx.warn(Errors.E103.format(path=source.name))
        return
    if source.kind == "binary":
        ctx.warn(Errors.E102.format(path=source.name))
        return
    reader = READERS.get(source.kind)
    if reader is None:
        ctx.warn(Errors.E109.format(path=source.name, kind=source.kind))
        return
    yield from reader(source, ctx)
