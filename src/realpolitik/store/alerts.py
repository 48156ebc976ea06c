"""Stored alerts: the ``alerts`` table (one row per alert, with a sequence number for streams),
the ``alert_state`` table (the watermark of the last check), and their reads and writes.

An alert's ``alert_id`` is a hash of its rule, subject and period, so storing the same alert
again (a re-evaluation after a restart) changes nothing. ``seq`` grows with every stored alert
(SQLite ``AUTOINCREMENT``, a PostgreSQL identity), so a reader that remembers the last ``seq``
it saw (the SSE stream's ``Last-Event-ID``) reads exactly the alerts stored after it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from realpolitik.store.backends import Backend
    from realpolitik.store.store import Store

logger = logging.getLogger(__name__)

DELIVERY_STATES = ("off", "pending", "delivered", "failed")
"""off: no webhook configured; pending: to send (again) at the next check; delivered;
failed: given up after the webhook's ``max_attempts``."""

ALERT_COLUMNS = (
    "seq",
    "alert_id",
    "rule",
    "subject",
    "period",
    "period_start",
    "figures",
    "events",
    "message",
    "created_at",
    "delivery",
    "attempts",
    "last_error",
    "delivered_at",
)

_TABLE = """CREATE TABLE alerts (
    seq {seq},
    alert_id TEXT NOT NULL UNIQUE,
    rule TEXT NOT NULL,
    subject TEXT NOT NULL,
    period TEXT NOT NULL,
    period_start TEXT NOT NULL,
    figures TEXT NOT NULL,
    events TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    delivery TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    delivered_at TEXT)"""

_SEQ = {
    "sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT",
    "postgresql": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
}


def create_tables(backend: Backend) -> None:
    """Create ``alerts``, ``alert_state`` and the index that finds new articles by ingest time
    (migration ``0009_alerts``)."""
    backend.execute(_TABLE.format(seq=_SEQ[backend.name]))
    backend.execute("CREATE INDEX alerts_condition ON alerts (rule, subject, period_start)")
    backend.execute("CREATE INDEX alerts_delivery ON alerts (delivery, seq)")
    backend.execute("CREATE TABLE alert_state (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    backend.execute("CREATE INDEX articles_ingested ON articles (ingested_at)")


def alert_id(rule: str, subject: str, period: str) -> str:
    """Return the stable id of the alert of ``rule`` about ``subject`` in ``period``."""
    key = "\x1f".join((rule, subject, period)).encode("utf-8")
    return "al" + hashlib.sha1(key).hexdigest()[:18]


@dataclass
class Alert:
    """One alert: what fired, about whom, when, the figures and the events behind it.

    subject: a dyad ``SRC>TGT``, an actor key, or a bloc
    period: the ISO week (``2026-W14``) or day the alert is about; period_start: its first day
    figures: value, baseline, spread, z, n_events, threshold and the rule's other numbers
    events: the triggering unique events with their evidence (best mention's sentence, article)
    delivery: one of DELIVERY_STATES; seq: the store's sequence number (0 until stored)
    """

    rule: str
    subject: str
    period: str
    period_start: str
    figures: dict[str, Any]
    events: list[dict[str, Any]]
    message: str
    created_at: str = ""
    delivery: str = "off"
    attempts: int = 0
    last_error: str | None = None
    delivered_at: str | None = None
    seq: int = 0
    alert_id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.alert_id:
            self.alert_id = alert_id(self.rule, self.subject, self.period)

    def to_dict(self) -> dict[str, Any]:
        """Return the alert as a plain JSON-ready dict (the webhook's and the API's body)."""
        return asdict(self)


def _row(alert: Alert) -> tuple[Any, ...]:
    """Return the insert values of ``alert`` (every column but ``seq``)."""
    return (
        alert.alert_id,
        alert.rule,
        alert.subject,
        alert.period,
        alert.period_start,
        json.dumps(alert.figures, sort_keys=True),
        json.dumps(alert.events, ensure_ascii=False),
        alert.message,
        alert.created_at,
        alert.delivery,
        alert.attempts,
        alert.last_error,
        alert.delivered_at,
    )


def row_to_alert(row: Sequence[Any]) -> Alert:
    """Return the Alert of an ``alerts`` row in ALERT_COLUMNS order."""
    data = dict(zip(ALERT_COLUMNS, row, strict=True))
    data["figures"] = json.loads(data["figures"])
    data["events"] = json.loads(data["events"])
    data["seq"] = int(data["seq"])
    return Alert(**data)


def insert_alerts(store: Store, alerts: Sequence[Alert]) -> list[Alert]:
    """Store ``alerts`` in one transaction; return those that were new, with their ``seq``.

    An alert whose id is already stored is left as it is (re-evaluation never doubles one).
    """
    if not alerts:
        return []
    cols = ", ".join(ALERT_COLUMNS[1:])
    marks = ", ".join("?" for _ in ALERT_COLUMNS[1:])
    sql = f"INSERT INTO alerts ({cols}) VALUES ({marks}) ON CONFLICT (alert_id) DO NOTHING"
    new: list[Alert] = []
    with store.backend.transaction():
        for alert in alerts:
            if store.backend.execute(sql, _row(alert)):
                found = store.backend.query(
                    "SELECT seq FROM alerts WHERE alert_id = ?", (alert.alert_id,)
                )
                alert.seq = int(found[0][0])
                new.append(alert)
    return new


def list_alerts(
    store: Store,
    *,
    since: str | None = None,
    rule: str | None = None,
    subject: str | None = None,
    before_seq: int | None = None,
    after_seq: int | None = None,
    limit: int | None = 100,
    oldest_first: bool = False,
) -> list[Alert]:
    """Return stored alerts, newest first (by ``seq``) unless ``oldest_first``.

    since: only alerts whose period starts on or after this ISO day
    subject: a dyad ``SRC>TGT``, an actor key: alerts about it (an actor matches its dyads too)
    before_seq, after_seq: keyset bounds (a page cursor; a stream's last seen ``seq``)
    """
    terms, params = _conditions(since, rule, subject, before_seq, after_seq)
    order = "ASC" if oldest_first else "DESC"
    sql = (
        f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts WHERE {' AND '.join(terms) or '1 = 1'} "
        f"ORDER BY seq {order}"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [row_to_alert(r) for r in store.backend.query(sql, params)]


def _conditions(
    since: str | None,
    rule: str | None,
    subject: str | None,
    before_seq: int | None,
    after_seq: int | None,
) -> tuple[list[str], list[Any]]:
    """Return the WHERE terms and parameters of :func:`list_alerts`' filters."""
    terms: list[str] = []
    params: list[Any] = []
    for sql, value in (
        ("period_start >= ?", since),
        ("rule = ?", rule),
        ("seq < ?", before_seq),
        ("seq > ?", after_seq),
    ):
        if value is not None:
            terms.append(sql)
            params.append(value)
    if subject:
        terms.append("(subject = ? OR subject LIKE ? OR subject LIKE ?)")
        params += [subject, f"{subject}>%", f"%>{subject}"]
    return terms, params


def last_seq(store: Store) -> int:
    """Return the highest stored ``seq`` (0 when no alert is stored)."""
    return int(store.backend.query("SELECT COALESCE(MAX(seq), 0) FROM alerts")[0][0])


def recent_condition(
    store: Store, rule: str, subjects: Sequence[str], lo: str, hi: str
) -> list[Alert]:
    """Return stored alerts of ``rule`` about any of ``subjects`` whose period starts between
    the ISO days ``lo`` and ``hi`` (inclusive): what a cool-down compares against."""
    marks = ", ".join("?" for _ in subjects)
    sql = (
        f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts WHERE rule = ? "
        f"AND subject IN ({marks}) AND period_start >= ? AND period_start <= ?"
    )
    return [row_to_alert(r) for r in store.backend.query(sql, [rule, *subjects, lo, hi])]


def pending_alerts(store: Store, *, limit: int = 100) -> list[Alert]:
    """Return alerts waiting for webhook delivery, oldest first."""
    sql = (
        f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts WHERE delivery = 'pending' "
        f"ORDER BY seq LIMIT {int(limit)}"
    )
    return [row_to_alert(r) for r in store.backend.query(sql)]


def set_delivery(store: Store, alert: Alert) -> None:
    """Store ``alert``'s delivery state, attempts, last error and delivery time."""
    with store.backend.transaction():
        store.backend.execute(
            "UPDATE alerts SET delivery = ?, attempts = ?, last_error = ?, delivered_at = ? "
            "WHERE alert_id = ?",
            (
                alert.delivery,
                alert.attempts,
                alert.last_error,
                alert.delivered_at,
                alert.alert_id,
            ),
        )


def get_state(store: Store, name: str) -> str | None:
    """Return the stored value of the check state ``name`` (the watermark), or None."""
    rows = store.backend.query("SELECT value FROM alert_state WHERE name = ?", (name,))
    return rows[0][0] if rows else None


def set_state(store: Store, name: str, value: str) -> None:
    """Store the check state ``name``."""
    with store.backend.transaction():
        store.backend.execute(
            "INSERT INTO alert_state (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )
