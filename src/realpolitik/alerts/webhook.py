"""Webhook delivery: each new alert POSTed as JSON, signed with HMAC-SHA256 of the body under a
shared secret read from the environment, retried with exponential backoff.

Headers: ``X-Realpolitik-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp + "." +
body)>``, ``X-Realpolitik-Timestamp: <unix seconds>`` and ``X-Realpolitik-Alert: <alert id>``.
Signing the timestamp with the body lets a receiver refuse replays of old deliveries. The
delivery state is stored with the alert, so an alert still pending when the process stops is
sent at the next check; failures are coded warnings (W740-W742), never an exception.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx2

import realpolitik
from realpolitik.alerts.config import Webhook
from realpolitik.errors import Warnings
from realpolitik.store.alerts import Alert, pending_alerts, set_delivery
from realpolitik.store.store import Store

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Realpolitik-Signature"
TIMESTAMP_HEADER = "X-Realpolitik-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the signature header value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Return True when ``signature`` is the one :func:`sign` gives (constant-time)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def payload(alert: Alert) -> bytes:
    """Return the JSON body of ``alert`` (its dict without the delivery bookkeeping)."""
    data = alert.to_dict()
    for key in ("delivery", "attempts", "last_error", "delivered_at"):
        data.pop(key, None)
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")


def deliver_pending(
    store: Store,
    hook: Webhook,
    *,
    warn: Callable[[str], None],
    client: httpx2.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """POST every pending alert, oldest first; return how many were delivered.

    Each alert gets ``1 + hook.retries`` tries with backoff ``hook.backoff * 2**n`` seconds;
    one that still fails stays pending (W740) until ``hook.max_attempts`` tries in all
    (then ``failed``, W741).
    """
    if not hook.url:
        return 0
    secret = os.environ.get(hook.secret_env or "") if hook.secret_env else None
    if hook.secret_env and not secret:
        if pending_alerts(store, limit=1):
            warn(Warnings.W742.format(name=hook.secret_env))
        return 0
    own = client is None
    client = client or httpx2.Client(timeout=hook.timeout, follow_redirects=False)
    delivered = 0
    try:
        for alert in pending_alerts(store):
            delivered += _deliver(store, hook, alert, secret, client, warn, sleep)
    finally:
        if own:
            client.close()
    return delivered


def _deliver(
    store: Store,
    hook: Webhook,
    alert: Alert,
    secret: str | None,
    client: httpx2.Client,
    warn: Callable[[str], None],
    sleep: Callable[[float], None],
) -> int:
    """Try one alert up to ``1 + retries`` times; store the outcome; return 1 if delivered."""
    body = payload(alert)
    detail = ""
    for attempt in range(hook.retries + 1):
        if attempt:
            sleep(hook.backoff * 2 ** (attempt - 1))
        alert.attempts += 1
        detail = _post(client, hook.url or "", alert, body, secret)
        if not detail:
            alert.delivery = "delivered"
            alert.last_error = None
            alert.delivered_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            set_delivery(store, alert)
            return 1
        if alert.attempts >= hook.max_attempts:
            break
    alert.last_error = detail
    if alert.attempts >= hook.max_attempts:
        alert.delivery = "failed"
        warn(
            Warnings.W741.format(
                url=hook.url, alert_id=alert.alert_id, attempts=alert.attempts, detail=detail
            )
        )
    else:
        warn(
            Warnings.W740.format(
                url=hook.url, alert_id=alert.alert_id, attempt=alert.attempts, detail=detail
            )
        )
    set_delivery(store, alert)
    return 0


def _post(client: httpx2.Client, url: str, alert: Alert, body: bytes, secret: str | None) -> str:
    """POST one body; return "" on a 2xx answer, else what went wrong."""
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"realpolitik/{realpolitik.__version__} (alerts webhook)",
        TIMESTAMP_HEADER: stamp,
        "X-Realpolitik-Alert": alert.alert_id,
    }
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, stamp, body)
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx2.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    if 200 <= response.status_code < 300:
        return ""
    return f"HTTP {response.status_code}"
