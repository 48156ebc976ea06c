"""Tests of the coder's token attribute arrays (realpolitik.coder.arrays) and the scans on them."""

from __future__ import annotations

from realpolitik.coder.arrays import ArrayReader, string_id
from realpolitik.coder.clauses import sentence_clauses, verbal_clause

TEXT = (
    "The British relinquished control of Hong Kong to China. Italy is ready to contribute "
    'troops, Moscow said on Monday. "We won\'t go", the Olympics team said after it was beaten.'
)


def test_arrays_hold_the_tokens_attributes(pipeline) -> None:
    doc = pipeline.nlp(TEXT)
    reader = ArrayReader()
    arrays = reader(doc)
    for token in doc:
        i = token.i
        assert arrays.lower[i] == string_id(token.lower_)
        assert arrays.pos[i] == string_id(token.pos_)
        assert arrays.tag[i] == string_id(token.tag_)
        assert arrays.dep[i] == string_id(token.dep_)
        assert arrays.heads[i] == token.head.i
        assert reader.lowered(doc, int(arrays.lemma[i])) == token.lemma_.lower()
    assert reader.lowered_all(doc, arrays.lemma) == {t.lemma_.lower() for t in doc}


def test_reader_reads_each_doc_once(pipeline) -> None:
    first, second = pipeline.nlp("France praised Germany."), pipeline.nlp("Iran warned Israel.")
    reader = ArrayReader()
    arrays = reader(first)
    assert reader(first) is arrays
    assert reader(second) is not arrays and reader(second).doc is second


def _token_scan(sent) -> list[tuple[int, str]]:  # noqa: ANN001
    """The clause scan as it was, one Token at a time: what the array scan must reproduce."""
    found = []
    for token in sent:
        if token.tag_ == "VBD" and token.dep_ == "amod" and token.head.pos_ == "NOUN":
            kind = "misparsed"
        elif token.pos_ == "VERB" or (token.pos_ == "AUX" and token.dep_ == "ROOT"):
            kind = "verb"
        elif token.pos_ == "ADJ" and any(c.dep_ == "xcomp" for c in token.children):
            kind = "adjective"
        else:
            continue
        found.append((token.i, kind))
    return found


def test_sentence_clauses_on_arrays_find_the_same_predicates(pipeline) -> None:
    doc = pipeline.nlp(TEXT)
    arrays = ArrayReader()(doc)
    kinds = {kind for sent in doc.sents for _, kind in _token_scan(sent)}
    assert kinds == {"misparsed", "verb", "adjective"}  # the text exercises every branch
    for sent in doc.sents:
        clauses = sentence_clauses(sent, arrays)
        expected = _token_scan(sent)
        assert [c.predicate.i for c in clauses] == [i for i, _ in expected]
        misparsed = [i for i, kind in expected if kind == "misparsed"]
        assert [c.predicate.i for c in clauses if c.objects == [c.predicate.head]] == misparsed
        assert [c.describe() for c in clauses] == [c.describe() for c in sentence_clauses(sent)]
    ready = [
        c for s in doc.sents for c in sentence_clauses(s, arrays) if c.predicate.lower_ == "ready"
    ]
    assert ready and ready[0].describe() == verbal_clause(ready[0].predicate).describe()
