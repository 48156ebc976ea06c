"""Explain how a text was coded: parse, actors, clauses, and why each code was chosen."""

from __future__ import annotations

import logging

from rich.console import Group
from rich.table import Table
from rich.text import Text

from realpolitik.coder.clauses import sentence_clauses
from realpolitik.coder.engine import MentionIndex
from realpolitik.models import Article

logger = logging.getLogger(__name__)


def _parse_table(sent) -> Table:  # noqa: ANN001
    table = Table(title=f"parse: {sent.text}", title_justify="left")
    for column in ("i", "token", "lemma", "pos", "dep", "head"):
        table.add_column(column)
    for token in sent:
        table.add_row(
            str(token.i), token.text, token.lemma_, token.pos_, token.dep_, token.head.text
        )
    return table


def _actors_table(mentions: list) -> Table:
    table = Table(title="actors", title_justify="left")
    for column in ("mention", "kind", "code", "country", "org", "role", "confidence"):
        table.add_column(column)
    for m in mentions:
        a = m.actor
        table.add_row(
            a.text,
            m.kind,
            a.code or "-",
            a.country or "-",
            a.org or "-",
            a.role or "-",
            f"{a.confidence:.2f}",
        )
    return table


def explain(pipeline, text: str, *, date: str | None = None) -> Group:  # noqa: ANN001
    """Return a printable account of how ``text`` is coded by ``pipeline``."""
    article = Article(id="explain", text=text, date=date)
    doc = pipeline.nlp(text)
    mentions = pipeline.resolver(doc, date=date)
    index = MentionIndex(mentions)
    parts: list = [_actors_table(mentions)]
    for number, sent in enumerate(doc.sents):
        parts.append(_parse_table(sent))
        if pipeline.settings.prefilter and not pipeline.may_hold_event(sent, index):
            parts.append(Text("pre-filter: fewer than two different actors; sentence skipped"))
            continue
        matches = pipeline.coder.sentence_matches(sent, index)
        matched = {m.clause.predicate.i: m for m in matches}
        for clause in sentence_clauses(sent):
            match = matched.get(clause.predicate.i)
            line = f"clause {clause.describe()}"
            if match is None:
                line += " -> no lexicon pattern"
            else:
                line += (
                    f" -> pattern {match.pattern.id!r} (code {match.code}, "
                    f"file {match.pattern.source_file}); sources "
                    f"{[m.actor.code for m in match.sources]} targets "
                    f"{[m.actor.code for m in match.targets]}; negated={match.negated} "
                    f"modality={match.modality}"
                )
            parts.append(Text(line))
        for match in matches:
            if match.clause.kind == "nominal":
                parts.append(
                    Text(
                        f"event noun {match.clause.describe()} -> pattern "
                        f"{match.pattern.id!r} (code {match.code})"
                    )
                )
        events = pipeline.coder.code_sentence(
            sent, index, doc_id=article.id, sentence_index=number, date=date
        )
        for e in events:
            parts.append(
                Text(
                    f"EVENT {e.source.code} -{e.cameo}-> {e.target.code} "
                    f"[{e.evidence.pattern}: {e.evidence.trigger}] "
                    f"confidence {e.confidence}",
                    style="bold",
                )
            )
    return Group(*parts)
