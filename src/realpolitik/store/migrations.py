"""The store's schema as named migrations, applied once each and recorded in ``_migrations``.

A migration is a name and a list of SQL statements (with the dialect markers of
``backends.py``). They run in order, each in its own transaction, and a database that records
a migration this version does not know is refused (E503), so an older realpolitik never writes
into a newer schema.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from realpolitik.errors import Errors, StoreError
from realpolitik.store import alerts as store_alerts
from realpolitik.store.backends import Backend
from realpolitik.store.rows import AGG_COLUMNS, EVENT_AGG_COLUMNS

Step = str | Callable[[Backend], None]
"""An SQL statement, or a function that migrates data through the backend."""

logger = logging.getLogger(__name__)

_COUNTS = """
    n_events INTEGER NOT NULL,
    n_q1 INTEGER NOT NULL,
    n_q2 INTEGER NOT NULL,
    n_q3 INTEGER NOT NULL,
    n_q4 INTEGER NOT NULL,
    goldstein_sum {float} NOT NULL,
    n_goldstein INTEGER NOT NULL"""


def _dyad_table(grain: str) -> str:
    """Return the DDL of ``dyad_<grain>``, clustered by period so windows read contiguous rows."""
    return (
        f"CREATE TABLE dyad_{grain} (source TEXT NOT NULL, target TEXT NOT NULL, "
        f"period TEXT NOT NULL,{_COUNTS}, PRIMARY KEY (period, source, target)){{without_rowid}}"
    )


def _pair_index(grain: str) -> str:
    """Return the DDL of the index that finds one dyad's rows in ``dyad_<grain>``."""
    return f"CREATE INDEX dyad_{grain}_pair ON dyad_{grain} (source, target, period)"


def _actor_columns(side: str) -> str:
    return (
        f"{side}_key TEXT, {side}_text TEXT NOT NULL, {side}_name TEXT, {side}_code TEXT, "
        f"{side}_country TEXT, {side}_org TEXT, {side}_role TEXT, {side}_confidence {{float}}"
    )


def _rollup(grain: str, width: int) -> str:
    sums = ", ".join(
        f"SUM({c})"
        for c in ("n_events", "n_q1", "n_q2", "n_q3", "n_q4", "goldstein_sum", "n_goldstein")
    )
    return (
        f"INSERT INTO dyad_{grain} SELECT source, target, substr(period, 1, {width}), {sums} "
        f"FROM dyad_day GROUP BY source, target, substr(period, 1, {width})"
    )


def _events_table(name: str, event_id: str) -> str:
    """Return the DDL of the events table ``name`` with the ``event_id`` column given."""
    return f"""CREATE TABLE {name} (
                {event_id},
                article_id TEXT NOT NULL,
                doc_id TEXT NOT NULL,
                day TEXT,
                date TEXT,
                sentence_index INTEGER NOT NULL,
                sentence TEXT NOT NULL,
                span TEXT,
                {_actor_columns("source")},
                {_actor_columns("target")},
                cameo TEXT NOT NULL,
                root TEXT NOT NULL,
                quad_class INTEGER NOT NULL,
                goldstein {{float}},
                plover TEXT,
                negated INTEGER NOT NULL,
                modality TEXT NOT NULL,
                location_name TEXT,
                location_country TEXT,
                location_lat {{float}},
                location_lon {{float}},
                amount_value {{float}},
                amount_currency TEXT,
                amount_text TEXT,
                fatalities INTEGER,
                confidence {{float}} NOT NULL,
                evidence TEXT NOT NULL,
                in_aggregate INTEGER NOT NULL)"""


_CLUSTERS_TABLE = """CREATE TABLE event_clusters (
    cluster_id TEXT NOT NULL,
    day TEXT NOT NULL,
    source_key TEXT,
    target_key TEXT,
    root TEXT NOT NULL,
    place TEXT,
    cameo TEXT NOT NULL,
    quad_class INTEGER NOT NULL,
    goldstein {float},
    source_code TEXT,
    target_code TEXT,
    best_day TEXT NOT NULL,
    best_id TEXT NOT NULL,
    num_mentions INTEGER NOT NULL,
    num_sources INTEGER NOT NULL,
    num_articles INTEGER NOT NULL,
    first_seen TEXT,
    last_seen TEXT,
    confidence {float} NOT NULL,
    in_aggregate INTEGER NOT NULL,
    PRIMARY KEY (day, cluster_id)){without_rowid}"""


def _event_view_columns(grain: str) -> list[str]:
    """Return the statements adding the unique-event counts to ``dyad_<grain>``."""
    return [
        f"ALTER TABLE dyad_{grain} ADD COLUMN {ev} "
        + ("{float}" if m == "goldstein_sum" else "INTEGER")
        + " NOT NULL DEFAULT 0"
        for m, ev in zip(AGG_COLUMNS, EVENT_AGG_COLUMNS, strict=True)
    ]


def _backfill_clusters(backend: Backend) -> None:
    """Link every stored mention to its unique event and fill the event-view counts."""
    from realpolitik.settings import Settings
    from realpolitik.store.backfill import relink_all

    relink_all(backend, window=Settings().cluster_window_days)


_FEEDS_TABLE = """CREATE TABLE feeds (
    feed_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    every_s {float} NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_fetch TEXT,
    last_status INTEGER,
    last_error TEXT,
    next_due TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    items_seen INTEGER NOT NULL DEFAULT 0,
    items_ingested INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0)"""

_FEED_ITEMS_TABLE = """CREATE TABLE feed_items (
    feed_id TEXT NOT NULL,
    item_key TEXT NOT NULL,
    url TEXT,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    article_id TEXT,
    attempts INTEGER NOT NULL,
    PRIMARY KEY (feed_id, item_key)){without_rowid}"""


MIGRATIONS: list[tuple[str, list[Step]]] = [
    (
        "0001_initial",
        [
            """CREATE TABLE articles (
                id TEXT PRIMARY KEY,
                content_hash TEXT NOT NULL,
                url TEXT,
                title TEXT,
                date TEXT,
                source TEXT,
                language TEXT,
                text TEXT NOT NULL,
                dropped TEXT NOT NULL,
                duplicate_of TEXT,
                coder_version TEXT,
                n_events INTEGER NOT NULL,
                ingested_at TEXT NOT NULL)""",
            "CREATE INDEX articles_content_hash ON articles (content_hash)",
            _events_table("events", "event_id TEXT PRIMARY KEY"),
            "CREATE INDEX events_article ON events (article_id)",
            "CREATE INDEX events_dyad ON events (source_key, target_key, day)",
            "CREATE INDEX events_day ON events (day)",
            _dyad_table("day"),
            _pair_index("day"),
        ],
    ),
    (
        "0002_dyad_rollups",
        [
            _dyad_table("month"),
            _dyad_table("year"),
            _rollup("month", 7),
            _rollup("year", 4),
            _pair_index("month"),
            _pair_index("year"),
        ],
    ),
    (
        "0003_dyad_totals",
        [_dyad_table("all"), _rollup("all", 0)],
    ),
    (
        # One dyad's rows are read by probing its (period, source, target) keys period by
        # period, so the second, randomly updated B-tree per grain only slowed every write.
        "0004_drop_pair_indexes",
        [f"DROP INDEX dyad_{grain}_pair" for grain in ("day", "month", "year")],
    ),
    (
        # Every index of events now grows at its end as news arrives in date order: the
        # event_id primary key (a hash, so inserted at a random place) and the index by
        # (source, target, day) (one insertion point per dyad) cost most of each write.
        "0005_events_by_day",
        [
            _events_table("events_by_day", "event_id TEXT NOT NULL"),
            "INSERT INTO events_by_day SELECT * FROM events ORDER BY day, event_id",
            "DROP TABLE events",
            "ALTER TABLE events_by_day RENAME TO events",
            "CREATE INDEX events_article ON events (article_id)",
            "CREATE UNIQUE INDEX events_day_id ON events (day, event_id)",
            "CREATE INDEX events_day_dyad ON events (day, source_key, target_key, event_id)",
        ],
    ),
    (
        # Every events row is a mention; mentions of one real-world event are linked to one
        # row of event_clusters, and the dyad aggregates count both (see store.md).
        "0007_event_clusters",
        [
            *(
                f"ALTER TABLE events ADD COLUMN {c} TEXT"
                for c in ("outlet", "seen", "cluster_id", "cluster_day")
            ),
            _CLUSTERS_TABLE,
            *(s for g in ("day", "month", "year", "all") for s in _event_view_columns(g)),
            _backfill_clusters,
        ],
    ),
    (
        # The feed watcher's state: each feed's validators, schedule and counts, and each
        # item seen with what became of it, so a restart neither loses nor doubles an item.
        "0008_feeds",
        [_FEEDS_TABLE, _FEED_ITEMS_TABLE],
    ),
    (
        # Alerts with their sequence for streams, the check's watermark, and articles found
        # by ingest time so a check reads only what changed (store/alerts.py).
        "0009_alerts",
        [store_alerts.create_tables],
    ),
    (
        # A digest of the last listing fully handled, so a feed that ignores the validators
        # and sends the same listing with a 200 is not parsed and looked up again.
        "0010_feed_listing_hash",
        ["ALTER TABLE feeds ADD COLUMN listing_hash TEXT"],
    ),
]

_CREATE_LOG = (
    "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
)


def applied(backend: Backend) -> list[str]:
    """Return the names of the migrations recorded in the database, in order."""
    if "_migrations" not in backend.table_names():
        return []
    return [r[0] for r in backend.query("SELECT name FROM _migrations ORDER BY name")]


def check(backend: Backend, *, migrations: list[tuple[str, list[Step]]] | None = None) -> list[str]:
    """Return the pending migrations' names; refuse foreign or newer databases.

    Raises: StoreError E501 (tables but no realpolitik schema), E503 (newer schema).
    """
    known = [name for name, _ in (migrations or MIGRATIONS)]
    tables = backend.table_names()
    if tables and "_migrations" not in tables:
        detail = "it has tables " + ", ".join(sorted(tables)[:5]) + " but no _migrations table"
        raise StoreError(Errors.E501.format(path=backend.label, detail=detail))
    done = applied(backend)
    unknown = [n for n in done if n not in known]
    if unknown:
        raise StoreError(
            Errors.E503.format(path=backend.label, found=unknown[-1], expected=known[-1])
        )
    return [n for n in known if n not in done]


def migrate(
    backend: Backend, *, migrations: list[tuple[str, list[Step]]] | None = None
) -> list[str]:
    """Apply the pending migrations, each in one transaction; return the names applied.

    Raises: StoreError E501, E502, E503.
    """
    steps = migrations or MIGRATIONS
    if not check(backend, migrations=steps):
        return []
    done: list[str] = []
    for name, statements in steps:
        with backend.transaction():
            backend.advisory_lock()
            backend.execute(_CREATE_LOG)
            if backend.query("SELECT 1 FROM _migrations WHERE name = ?", (name,)):
                continue
            for statement in statements:
                if callable(statement):
                    statement(backend)
                else:
                    backend.execute(statement)
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            backend.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, stamp)
            )
        logger.info("store %s: applied migration %s", backend.label, name)
        done.append(name)
    return done
