"""Helpers shared by the actor tests: one spaCy pipeline and one resolver per test session."""

from __future__ import annotations

from functools import cache
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@cache
def nlp():  # noqa: ANN201 - spacy Language
    """Return the checked spaCy pipeline, loaded once for the session."""
    from realpolitik.nlp import load_nlp

    return load_nlp()


@cache
def resolver():  # noqa: ANN201 - ActorResolver
    """Return the resolver over the shipped knowledge base, built once for the session."""
    from realpolitik.actors import ActorResolver

    return ActorResolver(nlp())


def mentions(text: str, *, date: str | None = None, res=None) -> list[tuple]:  # noqa: ANN001
    """Return (surface text, kind, code, country, org, antecedent) for each mention of ``text``."""
    res = res or resolver()
    doc = res.nlp(text)
    return [
        (
            doc[m.start : m.end].text,
            m.kind,
            m.actor.code,
            m.actor.country,
            m.actor.org,
            m.antecedent,
        )
        for m in res(doc, date=date)
    ]


def find(text: str, surface: str, *, date: str | None = None, res=None):  # noqa: ANN001, ANN201
    """Return the first mention reading ``surface`` (after an optional "the"), with its Doc."""
    res = res or resolver()
    doc = res.nlp(text)
    for m in res(doc, date=date):
        text = doc[m.start : m.end].text
        if surface in (text, text.removeprefix("the ").removeprefix("The ")):
            return m, doc
    raise AssertionError(f"no mention {surface!r} in {mentions(text, date=date, res=res)}")
