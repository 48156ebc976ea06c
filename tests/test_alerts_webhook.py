"""Webhook delivery to a local receiver: a valid HMAC signature, a retry after a 500, pending
alerts sent at the next check (after a restart), coded warnings and never an exception."""

from __future__ import annotations

import json
from datetime import date

import pytest

from alerts_helpers import THREATEN, Builder, Receiver, new_store, steady
from realpolitik.alerts import AlertConfig, check_alerts, list_alerts
from realpolitik.alerts.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

TODAY = date(2026, 12, 1)
SECRET = "s3cret-for-tests"


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def _config(url: str, **hook: object) -> AlertConfig:
    rules = {"first_conflict": False, "bloc_change": False, "volume_spike": False}
    webhook = {"url": url, "secret_env": "RP_TEST_HOOK_SECRET", "backoff": 0.01, **hook}
    return AlertConfig.from_mapping({"rules": rules, "webhook": webhook})


def _shifted_store(tmp_path):
    store = new_store(tmp_path)
    b = Builder()
    steady(b, "RUS", "CHN", range(8))
    steady(b, "RUS", "CHN", range(8, 9), code=THREATEN)
    b.write(store)
    return store


def test_alerts_webhook_signed_and_retried_after_500(tmp_path, receiver, monkeypatch):
    monkeypatch.setenv("RP_TEST_HOOK_SECRET", SECRET)
    receiver.statuses = [500]
    store = _shifted_store(tmp_path)
    warnings: list[str] = []
    new = check_alerts(store, _config(receiver.url), today=TODAY, warn=warnings.append)
    assert [a.subject for a in new] == ["RUS>CHN"]
    assert [r["status"] for r in receiver.requests] == [500, 200]
    assert warnings == []
    ok = receiver.requests[-1]
    headers = {k.lower(): v for k, v in ok["headers"].items()}
    stamp, signature = headers[TIMESTAMP_HEADER.lower()], headers[SIGNATURE_HEADER.lower()]
    assert signature.startswith("sha256=")
    assert verify(SECRET, stamp, ok["body"], signature)
    assert not verify("another secret", stamp, ok["body"], signature)
    assert not verify(SECRET, str(int(stamp) + 1), ok["body"], signature)
    body = json.loads(ok["body"])
    assert body["alert_id"] == new[0].alert_id and body["rule"] == "dyad_shift"
    assert len(body["events"]) == 3 and body["figures"]["n_events"] == 3
    assert new[0].delivery == "delivered" and new[0].attempts == 2
    assert list_alerts(store)[0].delivery == "delivered"


def test_alerts_webhook_pending_survives_restart(tmp_path, receiver, monkeypatch):
    monkeypatch.setenv("RP_TEST_HOOK_SECRET", SECRET)
    receiver.statuses = [500, 503]
    store = _shifted_store(tmp_path)
    warnings: list[str] = []
    cfg = _config(receiver.url, retries=1)
    new = check_alerts(store, cfg, today=TODAY, warn=warnings.append)
    assert len(new) == 1 and new[0].delivery == "pending"
    assert len(warnings) == 1 and warnings[0].startswith("[W740]")
    store.close()
    store = new_store(tmp_path)  # a restart: the pending alert is sent at the next check
    assert check_alerts(store, cfg, today=TODAY, warn=warnings.append) == []
    assert [r["status"] for r in receiver.requests] == [500, 503, 200]
    stored = list_alerts(store)
    assert stored[0].delivery == "delivered" and stored[0].attempts == 3
    assert len(receiver.delivered()) == 1


def test_alerts_webhook_gives_up_and_warns(tmp_path, monkeypatch):
    monkeypatch.setenv("RP_TEST_HOOK_SECRET", SECRET)
    store = _shifted_store(tmp_path)
    warnings: list[str] = []
    cfg = _config("http://127.0.0.1:9/unreachable", retries=1, max_attempts=2, timeout=1)
    new = check_alerts(store, cfg, today=TODAY, warn=warnings.append)
    assert len(new) == 1 and new[0].delivery == "failed"
    assert [w[:6] for w in warnings] == ["[W741]"]
    check_alerts(store, cfg, today=TODAY, warn=warnings.append)
    assert len(warnings) == 1  # a failed alert is not tried again


def test_alerts_webhook_without_secret_stays_pending(tmp_path, receiver, monkeypatch):
    monkeypatch.delenv("RP_TEST_HOOK_SECRET", raising=False)
    store = _shifted_store(tmp_path)
    warnings: list[str] = []
    new = check_alerts(store, _config(receiver.url), today=TODAY, warn=warnings.append)
    assert new[0].delivery == "pending" and receiver.requests == []
    assert warnings and warnings[0].startswith("[W742]")
    monkeypatch.setenv("RP_TEST_HOOK_SECRET", SECRET)
    check_alerts(store, _config(receiver.url), today=TODAY, warn=warnings.append)
    assert len(receiver.delivered()) == 1
