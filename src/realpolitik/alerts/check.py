"""``check_alerts``: evaluate the rules on what changed since the last check, store the new
alerts (cool-downs applied, ids stable) and deliver them to the webhook.

What changed is read through a watermark kept in the store (``alert_state``): the newest
``ingested_at`` of the articles the last check saw. Articles ingested since then (less
``overlap_seconds``, for writers that committed late) name the dyads and days that changed;
only those dyads, their actors and their ISO weeks are evaluated, and only weeks within
``lookback_weeks`` of the newest stored event day (never after today). Re-evaluating a week
is harmless: an alert's id is a hash of rule, subject and period, stored once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from realpolitik.alerts.config import AlertConfig
from realpolitik.alerts.conflict import first_conflicts, pair_subjects
from realpolitik.alerts.membership import bloc_changes
from realpolitik.alerts.rules import Touched, dyad_shifts, volume_spikes, weekly_table
from realpolitik.alerts.webhook import deliver_pending
from realpolitik.alerts.weekly import week_of, week_start
from realpolitik.errors import Warnings
from realpolitik.store.alerts import (
    Alert,
    get_state,
    insert_alerts,
    list_alerts,
    recent_condition,
    set_state,
)
from realpolitik.store.store import Store

logger = logging.getLogger(__name__)

WATERMARK = "watermark"


def _stamp(moment: datetime) -> str:
    """Return a UTC time as ``ingested_at`` writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def newest_day(store: Store, today: date) -> date | None:
    """Return the newest day with a counted unique event, not after ``today``."""
    found = store.backend.query(
        "SELECT MAX(day) FROM event_clusters WHERE day <= ? AND in_aggregate = 1",
        [today.isoformat()],
    )[0][0]
    return date.fromisoformat(found) if found else None


def touched_since(store: Store, watermark: str | None, *, overlap: int, first_day: date) -> Touched:
    """Return the dyads and days of counted events from articles ingested at or after
    ``watermark`` less ``overlap`` seconds (everything when None), from ``first_day`` on."""
    lo = ""
    if watermark:
        moment = datetime.strptime(watermark, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        lo = _stamp(moment - timedelta(seconds=overlap))
    sql = (
        "SELECT DISTINCT e.source_key, e.target_key, e.day FROM articles a "
        "JOIN events e ON e.article_id = a.id WHERE a.ingested_at >= ? "
        "AND e.in_aggregate = 1 AND e.day >= ?"
    )
    touched = Touched()
    for source, target, day in store.backend.stream(sql, [lo, first_day.isoformat()]):
        touched.dyads.setdefault((source, target), set()).add(week_of(day))
        touched.days.add(day)
    return touched


def evaluate(
    store: Store,
    cfg: AlertConfig,
    touched: Touched,
    *,
    end: date,
    warn: Callable[[str], None],
) -> list[Alert]:
    """Return every rule's candidate alerts over ``touched`` (a failing rule warns W743)."""
    first = week_start(week_of(end)) - timedelta(weeks=cfg.lookback_weeks - 1)
    out: list[Alert] = []
    weekly = [r for r in ("dyad_shift", "volume_spike") if cfg.rule(r).enabled]
    if weekly:
        table = weekly_table(store, touched, cfg)
        for name in weekly:
            run = dyad_shifts if name == "dyad_shift" else volume_spikes
            out += _guarded(name, warn, lambda run=run: run(store, touched, table, cfg))
    if cfg.first_conflict.enabled and cfg.actors:
        out += _guarded(
            "first_conflict",
            warn,
            lambda: first_conflicts(store, touched, cfg, first_day=first),
        )
    window = cfg.bloc_change.window_days
    recent = (end - timedelta(days=2 * window - 1)).isoformat()
    if cfg.bloc_change.enabled and any(d >= recent for d in touched.days):
        out += _guarded("bloc_change", warn, lambda: bloc_changes(store, cfg, end=end))
    return out


def _guarded(rule: str, warn: Callable[[str], None], run: Callable[[], list[Alert]]) -> list[Alert]:
    """Run one rule; a failure warns W743 and the other rules go on."""
    try:
        return run()
    except Exception as exc:  # one bad rule run never stops a check
        logger.debug("rule %s failed", rule, exc_info=True)
        warn(Warnings.W743.format(rule=rule, subject="all", detail=f"{type(exc).__name__}: {exc}"))
        return []


def condition_subjects(alert: Alert) -> list[str]:
    """Return the subjects that count as the same condition as ``alert``'s for cool-downs."""
    return pair_subjects(alert.subject) if alert.rule == "first_conflict" else [alert.subject]


def cool_down(store: Store, cfg: AlertConfig, candidates: list[Alert]) -> list[Alert]:
    """Return the candidates that are new and outside the cool-down of their condition: no
    alert of the same rule and subject, stored or kept earlier in this check, whose period
    starts fewer than ``cooldown_days`` days before or after theirs."""
    kept: list[Alert] = []
    for alert in sorted(candidates, key=lambda a: (a.period_start, a.rule, a.subject)):
        days = cfg.rule(alert.rule).cooldown_days
        start = date.fromisoformat(alert.period_start)
        subjects = condition_subjects(alert)
        lo = (start - timedelta(days=days - 1)).isoformat()
        hi = (start + timedelta(days=days - 1)).isoformat()
        near = recent_condition(store, alert.rule, subjects, lo, hi)
        near += [
            a
            for a in kept
            if a.rule == alert.rule and a.subject in subjects and lo <= a.period_start <= hi
        ]
        if not near:
            kept.append(alert)
    return kept


def check_alerts(
    store: Store,
    cfg: AlertConfig,
    *,
    today: date | None = None,
    warn: Callable[[str], None] | None = None,
    deliver: bool = True,
) -> list[Alert]:
    """Evaluate the rules on what changed since the last check, store the new alerts and
    deliver pending ones to the webhook; return the new alerts, oldest first.

    today: the last day evaluated (default: the UTC date)
    warn: receives coded warnings (W740-W743; default the log)
    deliver: POST pending alerts when a webhook is configured
    """
    warn = warn or logger.warning
    today = today or datetime.now(UTC).date()
    newest_ingest = store.backend.query("SELECT MAX(ingested_at) FROM articles")[0][0]
    end = newest_day(store, today)
    new: list[Alert] = []
    if end is not None:
        first = week_start(week_of(end)) - timedelta(weeks=cfg.lookback_weeks - 1)
        touched = touched_since(
            store, get_state(store, WATERMARK), overlap=cfg.overlap_seconds, first_day=first
        )
        if touched:
            candidates = evaluate(store, cfg, touched, end=end, warn=warn)
            new = _store_new(store, cfg, cool_down(store, cfg, candidates))
    if newest_ingest:
        set_state(store, WATERMARK, newest_ingest)
    if deliver and cfg.webhook.url:
        deliver_pending(store, cfg.webhook, warn=warn)
        if new:
            fresh = {a.seq: a for a in list_alerts(store, after_seq=new[0].seq - 1, limit=None)}
            new = [fresh.get(a.seq, a) for a in new]
    return new


def _store_new(store: Store, cfg: AlertConfig, alerts: list[Alert]) -> list[Alert]:
    """Stamp and store the alerts; return those stored now (with their ``seq``)."""
    created = _stamp(datetime.now(UTC))
    for alert in alerts:
        alert.created_at = created
        alert.delivery = "pending" if cfg.webhook.url else "off"
    return insert_alerts(store, alerts)
