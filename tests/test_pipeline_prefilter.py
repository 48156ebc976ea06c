"""The stricter pre-filter (issue 17): triggers, tokenise once, exact offsets, same rules."""

from __future__ import annotations

from spacy.attrs import LEMMA, MORPH, POS
from spacy.tokens import Doc

from realpolitik.models import Article
from realpolitik.nlp import FastAttributes
from realpolitik.prefilter import BOUNDARY_COLUMNS, break_punctuation_runs, sentence_starts
from realpolitik.settings import Settings

NO_TRIGGER = "Russia and Ukraine, in the old town of Lviv, on a grey Monday."
TRIGGER = "Russia condemned Ukraine over the shelling."


def _kept(pipeline, text: str) -> list[str]:
    condensed = pipeline.sentence_filter.condense(text)
    return [text[p.original_start : p.original_start + p.end - p.start] for p in condensed.pieces]


def test_prefilter_two_actors_without_trigger_are_not_parsed(pipeline) -> None:
    text = NO_TRIGGER + " " + TRIGGER
    assert _kept(pipeline, text) == [TRIGGER]
    parsed, condensed = pipeline.prepare(Article(id="t", text=text))
    assert parsed.text == TRIGGER and condensed.pieces[0].original_start == len(NO_TRIGGER) + 1


def test_prefilter_trigger_needs_what_its_patterns_need(pipeline) -> None:
    # "be" fires only in a visit by a delegation; the inflected "condemned" is found by lemma
    assert _kept(pipeline, "Russia and Ukraine were in Paris.") == []
    delegation = "A Ukrainian delegation was in Moscow."
    assert _kept(pipeline, delegation) == [delegation]
    triggers = pipeline.sentence_filter.triggers
    assert "condemned" in triggers and "criticises" in triggers and "weather" not in triggers


def test_prefilter_without_triggers_keeps_two_actor_sentences(pipeline) -> None:
    triggers = pipeline.sentence_filter.triggers
    pipeline.sentence_filter.triggers = None
    try:
        assert _kept(pipeline, NO_TRIGGER) == [NO_TRIGGER]
    finally:
        pipeline.sentence_filter.triggers = triggers


def test_tokenise_once_keeps_offsets_and_reuses_matches(pipeline) -> None:
    text = (
        "The weather was nice.\n\n  Putin met Macron in Paris on Monday.  Rain fell. "
        + "He later criticized  Germany. "
        + "Iran"
        + "," * 40
        + " and Iraq signed a deal."
    )
    parsed, condensed = pipeline.prepare(Article(id="o", text=text))
    broken = break_punctuation_runs(text)  # same length: offsets still point into the article
    assert parsed.text == condensed.text
    assert [t.text for t in parsed] == [t.text for t in pipeline.nlp.make_doc(parsed.text)]
    for piece in condensed.pieces:
        original = broken[piece.original_start : piece.original_start + piece.end - piece.start]
        assert parsed.text[piece.start : piece.end] == original
        assert parsed.char_span(piece.start, piece.end) is not None
        assert parsed[parsed.char_span(piece.start, piece.end).start].is_sent_start
    assert condensed.matches == pipeline.resolver.matcher(parsed)
    events = pipeline(text)
    assert {(e.source.country, e.target.country) for e in events} >= {("RUS", "FRA")}
    for event in events:
        start, end = event.evidence.trigger_span  # first to last trigger word ("signed deal")
        words = event.evidence.trigger.split()
        assert text[start:end].startswith(words[0]) and text[start:end].endswith(words[-1])
        assert broken[event.span[0] : event.span[1]] == event.sentence  # runs broken to parse


def test_fast_attributes_equal_spacy_attribute_ruler(pipeline) -> None:
    nlp = pipeline.nlp
    assert "realpolitik_attributes" in nlp.pipe_names
    import spacy

    reference = spacy.load(pipeline.settings.spacy_model)
    ruler = reference.get_pipe("attribute_ruler")
    fast = FastAttributes(ruler)
    text = (
        "There are n't any talks, y' all said; it ain't so. The envoy gave it to them and "
        "they gotta go, but nothing came of what the ministers had done at that summit."
    )
    parsed = reference(text, disable=["attribute_ruler", "lemmatizer", "ner"])
    a = Doc(reference.vocab).from_bytes(parsed.to_bytes())
    b = Doc(reference.vocab).from_bytes(parsed.to_bytes())
    ruler(a)
    fast(b)
    assert (a.to_array([POS, MORPH, LEMMA]) == b.to_array([POS, MORPH, LEMMA])).all()
    assert [t.pos_ for t in b][:2] == ["PRON", "VERB"]


def test_an_opening_quote_starts_the_sentence_it_opens(pipeline) -> None:
    """The sentencizer leaves an opening quote or bracket at the end of the sentence before;
    the filter gives it to the sentence it opens, as the parser of the whole text does."""
    text = 'Greece is open to join. "We do not exclude anyone," he said. (Cyprus agreed.) Done.'
    sentences = [s.text for s in pipeline.sentence_filter.sentences(text).sents]
    assert sentences == [
        "Greece is open to join.",
        '"We do not exclude anyone," he said.',
        "(Cyprus agreed.)",
        "Done.",
    ]
    closing = 'He said "no." Then he left.'
    assert [s.text for s in pipeline.sentence_filter.sentences(closing).sents] == [
        'He said "no."',
        "Then he left.",
    ]


def test_condensed_pieces_keep_the_whitespace_before_them(pipeline) -> None:
    """Pieces are joined by the whitespace that precedes each in the article: a space where
    sentences ran on, a line-break token where a paragraph began (the parser's features reach
    across a sentence boundary)."""
    text = (
        "Russia condemned Ukraine. The weather was mild. France praised Germany. It rained.\n\n"
        "Egypt urged Israel to open the crossing."
    )
    parsed, condensed = pipeline.prepare(Article(id="g", text=text))
    assert parsed.text == (
        "Russia condemned Ukraine. France praised Germany.\n\n"
        "Egypt urged Israel to open the crossing."
    )
    assert [t.text for t in parsed] == [t.text for t in pipeline.nlp.make_doc(parsed.text)]
    assert [t.text for t in parsed if t.is_space] == ["\n\n"]
    for piece in condensed.pieces:
        span = parsed.char_span(piece.start, piece.end)
        assert span is not None and span[0].is_sent_start
        assert condensed.piece_at(span.start_char) is piece
        assert condensed.piece_at(span.end_char) is piece  # its trailing whitespace
    assert [p.sentence_index for p in condensed.pieces] == [0, 2, 4]


def test_filtered_events_equal_the_full_parse_at_sentence_edges(pipeline) -> None:
    """A kept sentence after an opening quote, or after a dropped sentence in the same
    paragraph, parses as in the whole text: the same events both ways."""
    import realpolitik

    full = realpolitik.load(Settings(prefilter=False))
    text = (
        "Mitsotakis said the EastMed project, which involves Greece, Cyprus and Israel, is open "
        'to others. "We do not seek to exclude Turkey from energy cooperation," he said. The '
        "weather was mild. Biden still made stops in Pennsylvania, Georgia and Florida. Iran"
        + "," * 40
        + " and Iraq signed a deal."
    )

    def keys(events: list) -> set[tuple]:
        return {(e.source.code, e.cameo, e.target.code, tuple(e.span)) for e in events}

    filtered = keys(pipeline(text, date="2024-01-02"))
    assert filtered == keys(full(text, date="2024-01-02"))
    assert ("GRCGOV", "160", "TUR") in {k[:3] for k in filtered} and len(filtered) >= 2


def test_fast_components_equal_spacy_on_news(pipeline, shared_dir) -> None:
    """FastAttributes, FastLemmatizer and numpy's matrix products give spaCy's own tags, heads,
    dependencies, parts of speech, morphology, lemmas and entities on real news: 12 Wikinews
    articles, every token."""
    import json

    import spacy
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, TAG

    from realpolitik.blas import numpy_ops
    from realpolitik.nlp import FastLemmatizer

    lemmatizer = pipeline.nlp.get_pipe("lemmatizer")
    assert isinstance(lemmatizer, FastLemmatizer)
    index = lemmatizer.lemmatizer.lookups.get_table("lemma_index")
    assert isinstance(index.get("noun"), frozenset) and "minister" in index.get("noun")
    for name in ("tok2vec", "parser", "ner"):
        assert pipeline.nlp.get_pipe(name).model.ops is numpy_ops()
    lines = (shared_dir / "corpus" / "wikinews.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"][:4000] for line in lines[:12]]
    reference = spacy.load(pipeline.settings.spacy_model)
    assert reference.get_pipe("ner").model.ops is not numpy_ops()
    attrs = [TAG, HEAD, DEP, POS, MORPH, LEMMA, ENT_IOB, ENT_TYPE]
    ours = [d.to_array(attrs) for d in pipeline.nlp.pipe(texts)]
    theirs = [d.to_array(attrs) for d in reference.pipe(texts)]
    assert sum(len(a) for a in ours) > 5000
    for a, b in zip(ours, theirs, strict=True):
        assert (a == b).all()


def _reference_starts(doc: Doc) -> list[int]:
    """spaCy's Sentencizer, then each start moved back over opening marks, token by token."""
    from spacy.pipeline import Sentencizer

    sents = list(Sentencizer()(doc).sents)
    starts = [0] if sents else []
    for before, sent in zip(sents, sents[1:], strict=False):
        first = sent.start
        while (
            first - 1 > before.start
            and doc[first - 1].is_left_punct
            and not doc[first - 1].whitespace_
            and bool(doc[first - 2].whitespace_ or doc[first - 2].is_space)
        ):
            first -= 1
        starts.append(first)
    return starts


def test_sentence_starts_are_the_sentencizers_with_opening_marks_moved(
    pipeline, shared_dir
) -> None:
    """The array splitter gives spaCy's Sentencizer's sentences (opening marks moved) on real
    news, odd punctuation included."""
    import json

    lines = (shared_dir / "corpus" / "wikinews.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines[:40]]
    texts += ['"Stop!" he said. (Yes.) ... ?! "No," she said. \'Go.\'', "", "...", "a"]
    moved = 0
    for text in texts:
        doc = pipeline.nlp.make_doc(text)
        ours = sentence_starts(
            doc.to_array(BOUNDARY_COLUMNS), pipeline.sentence_filter.sentence_ends
        )
        reference = _reference_starts(doc)
        assert (ours if len(doc) else []) == (reference if len(doc) else [])
        moved += len(set(ours) - {s.start for s in _sentencized(pipeline, text)})
    assert moved >= 3


def _sentencized(pipeline, text: str) -> list:
    from spacy.pipeline import Sentencizer

    return list(Sentencizer()(pipeline.nlp.make_doc(text)).sents)


def test_a_line_without_final_punctuation_is_a_sentence_of_its_own(pipeline) -> None:
    """A headline or subheading does not run into the next line's sentence; a hard-wrapped
    sentence stays whole."""
    text = (
        "Ambassador ordered to leave Cairo\nEgypt expelled Ethiopia's ambassador on Monday.\n\n"
        "background\n\nThe talks with\nthe minister ended."
    )
    sents = [s.text for s in pipeline.sentence_filter.sentences(text).sents]
    assert [s.strip() for s in sents] == [
        "Ambassador ordered to leave Cairo",
        "Egypt expelled Ethiopia's ambassador on Monday.",
        "background",
        "The talks with\nthe minister ended.",
    ]
    events = pipeline("Ambassador ordered to leave Cairo\nEgypt expelled Ethiopia's ambassador.")
    assert [e.sentence for e in events] == ["Egypt expelled Ethiopia's ambassador."]


def test_a_word_inside_an_actor_name_is_not_a_trigger(pipeline) -> None:
    """"United" in "United States" and "State" in "State Department" are names, not the
    verbs "unite" and "state": a sentence whose only trigger candidates lie inside actor names
    is not parsed, while the same actors with a real trigger are."""
    from spacy.attrs import LOWER

    keep = pipeline.sentence_filter
    names_only = [
        "The United States and the United Kingdom have large economies.",
        "The State Department and Russia's Foreign Ministry are large offices.",
    ]
    for text in names_only:
        ids = pipeline.nlp.make_doc(text).to_array(LOWER).tolist()
        assert keep.triggers.holds(ids)  # without the names' mask, "unite"/"state" would do
        assert keep.condense(text).pieces == []
    signed = "The United States and the United Kingdom signed a treaty."
    assert keep.condense(signed).text == signed


def test_prefilter_counts_the_actor_keys_names_may_have(pipeline) -> None:
    """The coder needs two different actors (``may_hold_event``), or one with a pronoun, a role
    noun or an anaphoric noun to take the other from; the filter counts the keys the names
    may resolve to, not their aliases: two names of one country, or agent nouns that name no
    country, are not two actors, while a two-country compound is."""
    keep = pipeline.sentence_filter
    parsed = [
        "Russia condemned Ukraine.",
        "Russia criticized them.",  # one key and a pronoun
        "Iran rejected the proposal.",  # one key and an earlier event's anaphor
        "Officials signed the U.S.-Soviet grain agreement.",  # one token, two countries
        "Sino-Soviet negotiators signed an agreement.",  # a combining form
        "Minneapolis police arrested a Canadian diplomat.",  # a city naming an agent
    ]
    skipped = [
        "Donald Trump criticized the American press.",  # one key twice
        "The police arrested the mayor.",  # agents of no country
        "In Minneapolis, the Canadian minister signed a treaty.",  # a city alone is a place
        "Iran rejected the weather.",
        "Iran rejected those who were in the car.",  # "who" and "car" are not WHO and CAR
    ]
    for text in parsed:
        assert keep.condense(text).text == text, text
    for text in skipped:
        assert keep.condense(text).pieces == [], text
    names = pipeline._name_keys()
    assert names.of_compound("U.S.-Soviet") == {"USA", "SUN"} | names.named["soviet"]
    assert names.of_compound("u.s.-soviet") == names.of_compound("Well-Known") == frozenset()
    assert not names.written("who", "who") and names.written("who", "WHO")
    assert "police" not in names.named and "minneapolis" in names.cities


def test_word_flags_ask_once_per_word_and_answer_in_order() -> None:
    import numpy as np

    from realpolitik.prefilter import WordFlags

    asked: list[int] = []

    def even(key: int) -> bool:
        asked.append(key)
        return key % 2 == 0

    flags = WordFlags(even)
    assert flags(np.array([7, 4, 7], dtype=np.uint64)).tolist() == [False, True, False]
    assert flags(np.array([2, 4, 9, 7], dtype=np.uint64)).tolist() == [True, True, False, False]
    assert flags(np.array([], dtype=np.uint64)).tolist() == []
    assert sorted(asked) == [2, 4, 7, 9]  # each word once, whatever doc it came in
