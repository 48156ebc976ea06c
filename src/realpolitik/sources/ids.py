"""Keep article ids unique within a run: an id reused with other text is keyed by its content.

Feeds number their items from 1, so two sources often share an id. The first article keeps
its id; a later one with other text becomes ``<id>@<content hash>`` (W102), the same key on
every run, and an exact repeat of an earlier article (same id, same text) is skipped (W202).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from realpolitik.errors import Warnings
from realpolitik.models import Article, stable_hash
from realpolitik.sources.stream import Warn

logger = logging.getLogger(__name__)

KEY_HASH_CHARS = 12


def text_digest(text: str) -> str:
    """Return the hash of an article's whitespace-normalised text."""
    return stable_hash(" ".join(text.split()), length=20)


def keyed_id(article_id: str, text: str) -> str:
    """Return the id an article gets when its own id already stands for another text."""
    return f"{article_id}@{text_digest(text)[:KEY_HASH_CHARS]}"


@dataclass
class IdKeeper:
    """Remember the ids of one run with the text and the source each first stood for."""

    seen: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def admit(self, article: Article, *, warn: Warn) -> Article | None:
        """Return the article under a unique id, or None (W202) when it repeats an earlier one.

        An id met before with other text is replaced by ``keyed_id`` (W102).
        """
        digest = text_digest(article.text)
        first = self.seen.get(article.id)
        if first is not None and first[0] != digest:
            new = keyed_id(article.id, article.text)
            where = article.source or new
            warn(Warnings.W102.format(path=where, id=article.id, other=first[1], new=new))
            article.id = new
            first = self.seen.get(new)
        if first is not None:
            doc_id = f"{article.id} in {article.source}"
            original = f"the same record in {first[1]}"
            warn(Warnings.W202.format(doc_id=doc_id, original=original))
            return None
        self.seen[article.id] = (digest, article.source)
        return article
