"""The ``first_conflict`` rule: the first material-conflict event (QuadClass 4) between two
watched actors, either way, after ``days`` days without one."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from realpolitik.alerts.config import AlertConfig
from realpolitik.alerts.evidence import cluster_rows, with_evidence
from realpolitik.alerts.rules import Touched
from realpolitik.store.alerts import Alert
from realpolitik.store.store import Store

logger = logging.getLogger(__name__)

MATERIAL_CONFLICT = 4


def pair_subjects(subject: str) -> list[str]:
    """Return a dyad subject and its reverse (the rule's condition is the unordered pair)."""
    source, _, target = subject.partition(">")
    return [subject, f"{target}>{source}"]


def first_conflicts(
    store: Store, touched: Touched, cfg: AlertConfig, *, first_day: date
) -> list[Alert]:
    """Return an alert for each watched pair whose touched days hold a QuadClass 4 event with
    none between the pair in the ``days`` days before it.

    first_day: touched days before it are not evaluated (the check's lookback)
    """
    watched = set(cfg.actors)
    pairs = {d for d in touched.dyads if d[0] in watched and d[1] in watched and d[0] != d[1]}
    days = sorted(d for d in touched.days if d >= first_day.isoformat())
    if not pairs or not days:
        return []
    rule = cfg.first_conflict
    lo = (date.fromisoformat(days[0]) - timedelta(days=rule.days)).isoformat()
    found = [
        c
        for c in cluster_rows(store, lo, days[-1], quad_class=MATERIAL_CONFLICT)
        if (c["source_key"], c["target_key"]) in pairs
        or (c["target_key"], c["source_key"]) in pairs
    ]
    out: list[Alert] = []
    touched_days = set(days)
    for event in found:
        if (
            event["day"] not in touched_days
            or (event["source_key"], event["target_key"]) not in pairs
        ):
            continue
        before = _earlier(found, event, rule.days)
        if before:
            continue
        out.append(_alert(store, event, found, cfg))
    return out


def _same_pair(a: dict, b: dict) -> bool:
    return {a["source_key"], a["target_key"]} == {b["source_key"], b["target_key"]}


def _earlier(found: list[dict], event: dict, days: int) -> list[dict]:
    """Return the pair's QuadClass 4 events in the ``days`` days before ``event``'s day."""
    lo = (date.fromisoformat(event["day"]) - timedelta(days=days)).isoformat()
    return [c for c in found if _same_pair(c, event) and lo <= c["day"] < event["day"]]


def _alert(store: Store, event: dict, found: list[dict], cfg: AlertConfig) -> Alert:
    """Return the alert of one first material-conflict event (with that day's others)."""
    same_day = [c for c in found if _same_pair(c, event) and c["day"] == event["day"]]
    events = with_evidence(store, same_day, limit=cfg.max_events)
    subject = f"{event['source_key']}>{event['target_key']}"
    figures = {
        "metric": "material_conflict",
        "value": len(same_day),
        "n_events": len(same_day),
        "days_without": cfg.first_conflict.days,
        "threshold": 1,
    }
    message = (
        f"{subject} {event['day']}: first material conflict between "
        f"{event['source_key']} and {event['target_key']} in {cfg.first_conflict.days} days "
        f"(CAMEO {event['cameo']})"
    )
    return Alert(
        rule="first_conflict",
        subject=subject,
        period=event["day"],
        period_start=event["day"],
        figures=figures,
        events=events,
        message=message,
    )
