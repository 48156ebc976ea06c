"""Choose the sentences worth parsing before the expensive step, and keep their offsets.

An event needs two actors and a word a lexicon pattern can fire on. Before tagging and parsing,
the article is tokenized, split into sentences by punctuation and scanned with the actor matcher
alone (lower-case phrase lookup, no model). A sentence is kept when it holds an event trigger (a
word whose possible lemmas include a pattern's verb or event noun, ``TriggerWords``) and its names
may resolve to two different actor keys (``NameKeys``), or to one beside a pronoun or role noun
("he", "the minister") that may refer to another, or to one beside an anaphoric noun ("rejected
the proposal"); the nearest earlier sentence naming an actor is kept with it as context for
coreference.
The kept sentences are joined into a condensed text whose pieces remember where they came from, so
events point back into the original text. The parser gets a Doc built from the filter's own
tokens (``condensed_doc``), with the actor matches mapped onto it: the article is tokenized once.

The package's modules, down the data flow: ``words`` (what a word may be: actor keys,
triggers), ``sentences`` (the punctuation split), ``condense`` (the condensed text and the Doc
to parse), ``filter`` (the choice, ``SentenceFilter``).
"""

from realpolitik.prefilter.condense import (
    RUN_LIMIT,
    SEPARATOR,
    Condensed,
    Match,
    Piece,
    break_punctuation_runs,
    cap_sentences,
    condensed_doc,
)
from realpolitik.prefilter.filter import SentenceFilter
from realpolitik.prefilter.sentences import BOUNDARY_COLUMNS, line_starts, sentence_starts
from realpolitik.prefilter.words import NO_KEYS, NameKeys, TriggerWords, WordFlags

__all__ = [
    "BOUNDARY_COLUMNS",
    "NO_KEYS",
    "RUN_LIMIT",
    "SEPARATOR",
    "Condensed",
    "Match",
    "NameKeys",
    "Piece",
    "SentenceFilter",
    "TriggerWords",
    "WordFlags",
    "break_punctuation_runs",
    "cap_sentences",
    "condensed_doc",
    "line_starts",
    "sentence_starts",
]
