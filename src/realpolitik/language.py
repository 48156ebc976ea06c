"""Identify the language of article text with py3langid, whose model ships inside its wheel."""

from __future__ import annotations

import logging
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from realpolitik.settings import Settings

logger = logging.getLogger(__name__)


@cache
def _identifier() -> LanguageIdentifier:
    """Load the read-only language model once per process (about a second)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


class LanguageDetector:
    """Detect ISO 639-1 language codes; texts too short or unclear keep a fallback language."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()

    def detect(self, text: str, *, fallback: str | None = None) -> str:
        """Return the language of ``text``.

        fallback: language given by the source, used when the text is too short or unclear
        Returns: a language code such as 'en'; ``fallback`` or ``settings.default_language``
            when detection is not confident.
        """
        default = fallback or self.settings.default_language
        sample = text[: self.settings.language_sample_chars].strip()
        if len(sample) < self.settings.language_min_chars:
            return default
        language, probability = _identifier().classify(sample)
        if probability < self.settings.language_min_confidence:
            return default
        return str(language)
