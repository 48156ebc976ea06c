"""Compose the stages: Article text -> spaCy Doc -> actor mentions -> clauses -> Events."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from importlib import resources

from spacy.tokens import Doc, Span

from realpolitik.actors import ActorResolver
from realpolitik.actors.kb import alias_actor_keys
from realpolitik.actors.resolve import ROLE_NOUN_KEY
from realpolitik.coder.backoff import Backoff
from realpolitik.coder.engine import LIGHT_PRESENCE_VERBS, EventCoder, MentionIndex
from realpolitik.coder.lexicon import Pattern, load_lexicon
from realpolitik.coder.places import Gazetteer
from realpolitik.errors import Errors, RealpolitikError, SourceError, Warnings
from realpolitik.models import Article, Event
from realpolitik.nlp import LemmaGuesser, load_nlp
from realpolitik.ontology import load_ontology
from realpolitik.prefilter import (
    Condensed,
    NameKeys,
    SentenceFilter,
    TriggerWords,
    break_punctuation_runs,
    cap_sentences,
    condensed_doc,
)
from realpolitik.settings import Settings
from realpolitik.sources.dates import iso_day

logger = logging.getLogger(__name__)

CODER_VERSION = "0.1.0"
CODABLE_LANGUAGES = frozenset({"en", None, ""})


class Pipeline:
    """A loaded realpolitik pipeline: call it on a text, or ``pipe`` many Articles.

    The pipeline owns every piece of loaded state (spaCy model, actor knowledge base, lexicon),
    so one object serves a CLI run, an API server or a Spark executor.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.nlp = load_nlp(self.settings)
        self.ontology = load_ontology()
        self.lexicon = load_lexicon(
            list(self.settings.lexicon_files),
            known_codes={c.code for c in self.ontology},
            generated=self.settings.lexicon_generated,
        )
        self.resolver = ActorResolver(self.nlp, settings=self.settings)
        self.coder = EventCoder(
            self.lexicon,
            self.ontology,
            min_confidence=self.settings.min_confidence,
            require_actors=self.settings.require_actors,
            code_hypothetical=self.settings.code_hypothetical,
            gazetteer=Gazetteer.load(),
            backoff=Backoff.load(self.settings),
        )
        guess = LemmaGuesser(self.nlp)  # one cache of candidate lemmas for both word tests
        self.sentence_filter = SentenceFilter(
            self.nlp,
            self.resolver.matcher,
            triggers=self._trigger_words(guess) if self.settings.prefilter_triggers else None,
            context=self.settings.prefilter_context,
            pairs=frozenset(
                ROLE_NOUN_KEY + key
                for key, info in self.resolver.rules.role_nouns.items()
                if isinstance(info, dict) and info.get("pair")
            ),
            keys=self._name_keys(),
            anaphors=TriggerWords(
                dict.fromkeys(self.lexicon.anaphoric_nouns), guess, self.nlp.vocab
            ),
        )
        self.version = f"{CODER_VERSION}+{self._data_digest()}"

    def _name_keys(self) -> NameKeys:
        """Return the actor keys the filter reads names by: the knowledge base's, with the
        combining forms of two-country compounds."""
        named, cities, exact = alias_actor_keys(self.resolver.kb)
        forms = {form: frozenset({c}) for form, c in self.resolver.rules.combining_forms.items()}
        return NameKeys(named, cities, forms, exact)

    def _trigger_words(self, guess: LemmaGuesser) -> TriggerWords:
        """Build the pre-filter's trigger test from the lexicon, with the one subject condition
        the coder adds: a light presence verb codes a visit (042) only with a delegation noun as
        subject ("a Brazilian trade team is in Beijing"), so "is" alone triggers nothing."""
        nouns = self.coder.args.words.delegation_nouns

        def subjects(lemma: str, pattern: Pattern) -> frozenset[str]:
            light = lemma in LIGHT_PRESENCE_VERBS and pattern.code.startswith("042")
            return nouns if light else frozenset()

        needs = self.lexicon.trigger_needs(subjects=subjects)
        return TriggerWords(needs, guess, self.nlp.vocab)

    def _data_digest(self) -> str:
        """Hash the lexicon and user files, so re-coding after a lexicon change is detectable."""
        digest = hashlib.sha1()
        data = resources.files("realpolitik.coder.data")
        names = ("verbs.yaml", "verbs_peer.yaml", "nouns.yaml", "modality.yaml", "attributes.yaml")
        for name in (*names, "places.tsv"):
            entry = data / name
            if entry.is_file():
                digest.update(entry.read_bytes())
        for path in [*self.settings.lexicon_files, *self.settings.actor_files]:
            digest.update(str(path).encode())
        return digest.hexdigest()[:8]

    def __call__(
        self, text: str | Article, *, date: str | None = None, doc_id: str | None = None
    ) -> list[Event]:
        """Code one text (or Article) and return its events.

        An article that fails to code is reported (W401) and gives no events.
        Raises: SourceError E303 when the date is not a real YYYY-MM-DD day.
        """
        article = (
            text
            if isinstance(text, Article)
            else Article(id=doc_id or Article.make_id(text), text=text, date=date)
        )
        if date and not article.date:
            article.date = date
        if article.date is not None and iso_day(article.date) is None:
            raise SourceError(Errors.E303.format(value=article.date))
        if not self.codable(article):
            return []
        try:
            parsed, condensed = self.prepare(article)
            return self.code_doc(self.nlp(parsed), article, condensed)
        except RealpolitikError:
            raise
        except Exception as exc:  # one bad text must not end the caller's run
            logger.warning(Warnings.W401.format(doc_id=article.id, detail=repr(exc)[:200]))
            return []

    @property
    def condensing(self) -> bool:
        """True when only sentences that may hold an event are parsed."""
        return self.settings.prefilter and self.settings.require_actors

    def prepare(self, article: Article) -> tuple[str | Doc, Condensed | None]:
        """Return what to parse for an article: its condensed sentences (a Doc built from the
        filter's tokens, whose sentence starts are fixed) with their map, or its whole text when
        condensing is off."""
        text = break_punctuation_runs(article.text[: self.settings.max_chars])
        if not self.condensing:
            return self.sentence_filter.line_marked(text), None
        condensed, cut = cap_sentences(
            self.sentence_filter.condense(text),
            text,
            limit=self.settings.max_sentence_chars,
            max_total=self.nlp.max_length - 1,
        )
        if cut:
            limit = self.settings.max_sentence_chars
            logger.warning(Warnings.W203.format(doc_id=article.id, count=cut, limit=limit))
        return condensed_doc(condensed, self.nlp.vocab)

    @staticmethod
    def codable(article: Article) -> bool:
        """Return True when the article should be coded (English, not a duplicate, not empty)."""
        return (
            article.duplicate_of is None
            and article.language in CODABLE_LANGUAGES
            and bool(article.text.strip())
        )

    def code_doc(
        self, doc: Doc, article: Article, condensed: Condensed | None = None
    ) -> list[Event]:
        """Code a parsed article: resolve actors over the whole doc, then code each sentence.

        condensed: the map of a condensed doc back to the article (offsets, sentence numbers)
        """
        matches = condensed.matches if condensed is not None else None
        mentions = self.resolver(doc, date=article.date, matches=matches)
        index = MentionIndex(mentions)
        events: list[Event] = []
        history: list = []  # matched clauses so far, for event anaphora ("such proposals")
        for number, sent in enumerate(doc.sents):
            piece = condensed.piece_at(sent.start_char) if condensed is not None else None
            if self.settings.require_actors and not self.may_hold_event(sent, index, history):
                continue
            coded = self.coder.code_sentence(
                sent,
                index,
                doc_id=article.id,
                sentence_index=piece.sentence_index if piece else number,
                date=article.date,
                history=history,
            )
            if piece is not None:
                for event in coded:
                    _shift(event, piece.original_start - piece.start)
            events.extend(coded)
        return events

    def may_hold_event(self, sent: Span, index: MentionIndex, history: list | None = None) -> bool:
        """Cheap pre-filter: an event needs two different actors in its sentence, or one actor
        and an earlier event its reaction may refer to."""
        keys = index.keys_in(sent)
        return len(keys) >= 2 or (len(keys) == 1 and bool(history))

    def pipe(
        self, articles: Iterable[Article], *, batch_size: int | None = None
    ) -> Iterator[tuple[Article, list[Event]]]:
        """Code a stream of Articles in this process; yield each with its events, in input order.

        Several processes: ``realpolitik.distributed.local.code_articles`` (parallel coding sits
        above the pipeline). An article that fails is reported (W401) and yielded with no events.
        """
        failed: set[int] = set()

        def texts() -> Iterator[tuple[str | Doc, tuple[Article, Condensed | None]]]:
            for article in articles:
                if not self.codable(article):
                    yield "", (article, None)
                    continue
                try:
                    text, condensed = self.prepare(article)
                except RealpolitikError:
                    raise
                except Exception as exc:  # one bad article must not sink the batch
                    logger.warning(Warnings.W401.format(doc_id=article.id, detail=repr(exc)[:200]))
                    failed.add(id(article))
                    text, condensed = "", None
                yield text, (article, condensed)

        stream = self.nlp.pipe(
            texts(),
            as_tuples=True,
            batch_size=batch_size or self.settings.batch_size,
            n_process=1,
        )
        for doc, (article, condensed) in stream:
            if not self.codable(article) or id(article) in failed:
                failed.discard(id(article))
                yield article, []
                continue
            try:
                yield article, self.code_doc(doc, article, condensed)
            except RealpolitikError:
                raise
            except Exception as exc:  # one bad article must not sink the batch
                logger.warning(Warnings.W401.format(doc_id=article.id, detail=exc))
                yield article, []


def _shift(event: Event, delta: int) -> None:
    """Move an event's character offsets from the condensed text into the article."""
    event.span = [event.span[0] + delta, event.span[1] + delta]
    evidence = event.evidence
    for name in ("trigger_span", "source_span", "target_span"):
        span = getattr(evidence, name)
        if span is not None:
            setattr(evidence, name, [span[0] + delta, span[1] + delta])
