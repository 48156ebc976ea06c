"""Index a Doc's actor mentions by token: which tokens stand for actors, and which for places."""

from __future__ import annotations

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
        for i in range(span.start, span.end):
            mention = self.by_token.get(i)
            if mention is not None and mention.kind == PAIR:
                keys |= {member.key for member in mention.members}
        return keys

    def in_span(self, span: Span) -> list:
        seen: dict[int, object] = {}
        for i in range(span.start, span.end):
            mention = self.by_token.get(i)
            if mention is not None and _is_actor(mention):
                seen[id(mention)] = mention
        return list(seen.values())


def _is_actor(mention) -> bool:  # noqa: ANN001
    return mention.actor.key is not None and mention.kind not in PLACE_KINDS - {
        "country",
        "capital",
    }


def actor_key(mention) -> str | None:  # noqa: ANN001
    return mention.actor.key
