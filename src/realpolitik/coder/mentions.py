"""Index a Doc's actor mentions by token: which tokens stand for actors, and which for places."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

from spacy.tokens import Span, Token

PLACE_KINDS = frozenset({"city", "capital", "country", "place", "region"})
PAIR = "pair"  # a mention of two actors at once ("both countries", "the two sides")


class MentionIndex:
    """Map tokens of a Doc to the actor mentions covering them."""

    def __init__(self, mentions: Iterable) -> None:
        self.by_token: dict[int, object] = {}
        for mention in mentions:
            for i in range(mention.start, mention.end):
                self.by_token[i] = mention
        self._covered = sorted(self.by_token)  # token indices with a mention, for span lookups

    def _covered_in(self, span: Span) -> list[int]:
        """Return the span's token indices that a mention covers, in order (a bisection of the
        covered indices instead of a dict lookup per token of the span)."""
        covered = self._covered
        return covered[bisect_left(covered, span.start) : bisect_left(covered, span.end)]

    def at(self, token: Token, *, places: bool = False):  # noqa: ANN201 - Mention | None
        """Return the actor mention covering ``token``; cities count only when ``places``."""
        mention = self.by_token.get(token.i)
        if mention is None or mention.actor.key is None:
            return None
        if not places and not _is_actor(mention):
            return None
        return mention

    def keys_in(self, span: Span) -> set:
        """Return the keys of the actors a span names, both members of "both countries" too."""
        keys = {m.actor.key for m in self.in_span(span)}
        for i in self._covered_in(span):
            mention = self.by_token[i]
            if mention.kind == PAIR:
                keys |= {member.key for member in mention.members}
        return keys

    def in_span(self, span: Span) -> list:
        """Return the actor mentions (not places) with a token in the span, in token order."""
        seen: dict[int, object] = {}
        for i in self._covered_in(span):
            mention = self.by_token[i]
            if _is_actor(mention):
                seen[id(mention)] = mention
        return list(seen.values())


def _is_actor(mention) -> bool:  # noqa: ANN001
    return mention.actor.key is not None and mention.kind not in PLACE_KINDS - {
        "country",
        "capital",
    }


def actor_key(mention) -> str | None:  # noqa: ANN001
    return mention.actor.key
