"""Database connections: SQLite (WAL) and PostgreSQL behind one small interface.

Every difference between the two SQL dialects lives here: placeholders, column types, how a
write transaction starts, how errors map to the store's coded errors, and how rows stream.
The rest of ``realpolitik.store`` writes SQL with ``?`` placeholders and ``{float}``,
``{without_rowid}`` markers, which :meth:`Backend.sql` fills in.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from realpolitik.errors import Errors, StoreError
from realpolitik.store.checkpointer import Checkpointer

logger = logging.getLogger(__name__)

STREAM_ROWS = 5000
QUICK_CHECK_ROWS = 3
"""Problems PRAGMA quick_check lists before the store refuses a damaged file."""


def default_quick_check_mb() -> int:
    """Return ``db_quick_check_mb`` as the environment and ``.env`` set it (for callers of
    ``connect`` that pass no value)."""
    from realpolitik.settings import Settings

    return Settings().db_quick_check_mb


def is_postgres_url(db: str) -> bool:
    """Return True when ``db`` names a PostgreSQL server rather than an SQLite file."""
    return db.startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def redact_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``."""
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


class Backend(ABC):
    """One connection to the store's database; thread-safe through a re-entrant lock.

    name: "sqlite" or "postgresql"
    label: the file path or the redacted URL, used in error messages
    """

    name = ""
    markers: dict[str, str] = {}

    def __init__(self, label: str, *, timeout: float, readonly: bool) -> None:
        self.label = label
        self.timeout = timeout
        self.readonly = readonly
        self.lock = threading.RLock()

    def sql(self, text: str) -> str:
        """Return ``text`` with the dialect's markers and placeholders filled in."""
        return text.format(**self.markers) if "{" in text else text

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Translate driver errors raised inside the block into StoreError."""
        yield

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; return the number of rows it changed."""
        with self.lock, self.errors():
            cur = self._conn().execute(self.sql(sql), tuple(params))
            return cur.rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one statement once per row of ``rows``; return the number of rows changed."""
        if not rows:
            return 0
        with self.lock, self.errors():
            cur = self._conn().cursor()
            cur.executemany(self.sql(sql), rows)
            return int(cur.rowcount)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return all its rows."""
        with self.lock, self.errors():
            return list(self._conn().execute(self.sql(sql), tuple(params)).fetchall())

    @abstractmethod
    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """Yield the rows of a query without holding them all in memory."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """Run the block as one write transaction: all of it is stored, or none."""

    @abstractmethod
    def table_names(self) -> set[str]:
        """Return the names of the tables in the database."""

    def advisory_lock(self) -> None:  # noqa: B027 - a no-op where the database locks itself
        """Serialise schema migrations between processes (inside a transaction); SQLite's
        write lock already does, PostgreSQL overrides this."""

    def checkpoint(self) -> None:  # noqa: B027 - nothing to do where there is no WAL
        """Copy the write-ahead log into the database file (SQLite); a no-op elsewhere."""

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self._conn().close()

    @abstractmethod
    def _conn(self) -> Any:
        """Return this thread's connection."""


class SQLiteBackend(Backend):
    """An SQLite file in WAL mode: many readers and one writer, across processes."""

    name = "sqlite"
    markers = {"float": "REAL", "without_rowid": " WITHOUT ROWID"}

    def __init__(
        self,
        path: str,
        *,
        timeout: float,
        readonly: bool = False,
        cache_mb: int = 256,
        wal_mb: int = 256,
        background_checkpoints: bool = True,
        quick_check_mb: int | None = None,
    ) -> None:
        super().__init__(path, timeout=timeout, readonly=readonly)
        self.checkpointer: Checkpointer | None = None
        self._background = background_checkpoints and not readonly and path != ":memory:"
        file = Path(path)
        if path != ":memory:" and readonly and not file.exists():
            raise StoreError(Errors.E505.format(path=path))
        if path != ":memory:" and not file.parent.is_dir():
            raise StoreError(Errors.E509.format(path=path, folder=file.parent))
        with self.errors():
            self.conn = sqlite3.connect(
                path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self.conn.execute(f"PRAGMA cache_size = -{cache_mb * 1024}")
            self._set_wal()
            self.conn.execute("PRAGMA synchronous = NORMAL")
            page = self.conn.execute("PRAGMA page_size").fetchone()[0]
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {wal_mb * 2**20 // page}")
            self.conn.execute(f"PRAGMA journal_size_limit = {wal_mb * 2**20}")
            if readonly:
                self.conn.execute("PRAGMA query_only = 1")
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        limit = default_quick_check_mb() if quick_check_mb is None else quick_check_mb
        try:
            self._quick_check(file, limit)
        except StoreError:
            self.conn.close()
            raise

    def _quick_check(self, file: Path, limit_mb: int) -> None:
        """Run PRAGMA quick_check on a file of at most ``limit_mb`` MiB (0: never).

        Raises: StoreError E511 when SQLite reports damage.
        """
        if limit_mb <= 0 or self.label == ":memory:" or not file.is_file():
            return
        if file.stat().st_size > limit_mb * 2**20:
            logger.info("%s is larger than %d MiB; quick_check skipped", self.label, limit_mb)
            return
        try:
            rows = self.conn.execute(f"PRAGMA quick_check({QUICK_CHECK_ROWS})").fetchall()
        except sqlite3.DatabaseError as exc:
            rows = [(str(exc),)]
        problems = [" ".join(str(r[0]).split()) for r in rows if r and r[0] != "ok"]
        if problems:
            raise StoreError(Errors.E511.format(path=self.label, detail="; ".join(problems)))

    def _set_wal(self) -> None:
        mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() != "wal" and self.label != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")

    def _conn(self) -> sqlite3.Connection:
        return self.conn

    @contextmanager
    def errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.IntegrityError:
            raise
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise StoreError(
                    Errors.E502.format(path=self.label, seconds=f"{self.timeout:g}")
                ) from None
            raise StoreError(Errors.E501.format(path=self.label, detail=text)) from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(Errors.E501.format(path=self.label, detail=str(exc))) from None

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        with self.lock, self.errors():
            cur = self.conn.execute(self.sql(sql), tuple(params))
            while rows := cur.fetchmany(STREAM_ROWS):
                yield from rows

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock:
            with self.errors():
                self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            with self.errors():
                self.conn.execute("COMMIT")
            self._after_commit()

    def _after_commit(self) -> None:
        """Wake the background checkpointer (started by the first commit)."""
        if not self._background:
            return
        if self.checkpointer is None:
            self.checkpointer = Checkpointer(self.label)
        self.checkpointer.wake()

    def close(self) -> None:
        with self.lock:
            if self.checkpointer is not None:
                self.checkpointer.stop()
                self.checkpointer = None
            self.conn.close()

    def checkpoint(self) -> None:
        with self.lock, self.errors():
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def table_names(self) -> set[str]:
        rows = self.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {r[0] for r in rows if not r[0].startswith("sqlite_")}


class PostgresBackend(Backend):
    """A PostgreSQL database reached through psycopg 3."""

    name = "postgresql"
    markers = {"float": "DOUBLE PRECISION", "without_rowid": ""}

    def __init__(self, url: str, *, timeout: float, readonly: bool = False) -> None:
        super().__init__(redact_url(url), timeout=timeout, readonly=readonly)
        import psycopg

        self._psycopg = psycopg
        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        try:
            self.conn = psycopg.connect(dsn, autocommit=True, connect_timeout=max(1, int(timeout)))
        except psycopg.Error as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(Errors.E506.format(url=self.label, detail=detail)) from None
        with self.errors():
            self.conn.execute(f"SET lock_timeout = {int(timeout * 1000)}")
            if readonly:
                self.conn.execute("SET default_transaction_read_only = on")

    def sql(self, text: str) -> str:
        return super().sql(text).replace("?", "%s")

    def _conn(self) -> Any:
        return self.conn

    @contextmanager
    def errors(self) -> Iterator[None]:
        errors = self._psycopg.errors
        try:
            yield
        except (errors.LockNotAvailable, errors.QueryCanceled):
            raise StoreError(
                Errors.E502.format(path=self.label, seconds=f"{self.timeout:g}")
            ) from None
        except (errors.UndefinedTable, errors.UndefinedColumn) as exc:
            raise StoreError(Errors.E501.format(path=self.label, detail=str(exc).strip())) from None
        except self._psycopg.OperationalError as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if exc.sqlstate:  # the server answered: deadlock, serialization failure, disk full
                detail = f"{exc.sqlstate} {type(exc).__name__}: {detail}"
                raise StoreError(Errors.E510.format(url=self.label, detail=detail)) from None
            raise StoreError(Errors.E506.format(url=self.label, detail=detail)) from None

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        with self.lock, self.errors(), self.conn.transaction():
            cur = self.conn.cursor(name="rp_stream")
            cur.execute(self.sql(sql), tuple(params))
            while rows := cur.fetchmany(STREAM_ROWS):
                yield from rows
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock, self.errors(), self.conn.transaction():
            yield

    def advisory_lock(self) -> None:
        self.execute("SELECT pg_advisory_xact_lock(7263548)")

    def table_names(self) -> set[str]:
        rows = self.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        return {r[0] for r in rows}


def connect(
    db: str,
    *,
    timeout: float,
    readonly: bool = False,
    cache_mb: int = 256,
    wal_mb: int = 256,
    background_checkpoints: bool = True,
    quick_check_mb: int | None = None,
) -> Backend:
    """Open ``db`` (an SQLite path or a postgresql:// URL).

    quick_check_mb: check SQLite files up to this size with PRAGMA quick_check (0: never;
    default: ``db_quick_check_mb`` from the environment)
    Raises: StoreError E501 (corrupt or foreign file), E502 (locked), E505 (missing, when
    ``readonly``), E506 (PostgreSQL unreachable), E509 (no such folder), E511 (damaged).
    """
    if is_postgres_url(db):
        return PostgresBackend(db, timeout=timeout, readonly=readonly)
    return SQLiteBackend(
        db,
        timeout=timeout,
        readonly=readonly,
        cache_mb=cache_mb,
        wal_mb=wal_mb,
        background_checkpoints=background_checkpoints,
        quick_check_mb=quick_check_mb,
    )
