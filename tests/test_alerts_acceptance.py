"""Issue 16 acceptance: a dyad turns from cooperation to conflict in a scripted feed, and
exactly one alert fires, with its triggering events; the SSE stream and the webhook get it.

End to end through the real path: a local server's RSS feed changes between polls (a rolling
window of the newest items, as a news site's feed does); the real Watcher fetches each new
page, cleans it, codes it with the real pipeline, ingests it and runs the alert check after
each pass that stored events. The rules are the documented defaults, with only a webhook
added, so the test also shows the other rules stay quiet on this story: ``first_conflict``
watches no actor by default, ``volume_spike`` needs 10 unique events in a week (the conflict
week has 6), and ``bloc_change`` needs 4 actors active in both windows (the story has 2).
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest

from alerts_helpers import Receiver
from alerts_stories import CONFLICT, COOPERATION, dated
from api_helpers import LiveServer
from realpolitik.alerts import Alert, check_alerts, list_alerts
from realpolitik.alerts.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from realpolitik.alerts.weekly import week_of
from realpolitik.api import create_app
from realpolitik.settings import Settings
from realpolitik.store.store import Store, open_store
from realpolitik.watch import EventLog, PassReport, Watcher, load_feeds
from watch_helpers import FeedServer, feeds_yaml, page_html, rss

pytestmark = pytest.mark.slow

SECRET_ENV = "RP_ACCEPTANCE_HOOK_SECRET"
SECRET = "nile-acceptance-secret"
FEED_SIZE = 10
"""Items the feed lists: the newest ten, so older items drop off as the story goes on."""

# Feed contents poll by poll: how many of the story's articles (oldest first) are out.
SCRIPT = [8, 14, 17, 20, 20]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def _serve(server: FeedServer, stories: list[dict[str, Any]], upto: int) -> None:
    """Serve the feed of the newest ``FEED_SIZE`` of the first ``upto`` stories."""
    shown = stories[max(0, upto - FEED_SIZE) : upto]
    server.set("/rss", rss(server.url("/news"), shown[::-1]), content_type="application/rss+xml")


def _watcher(tmp_path: Path, server: FeedServer, store: Store, coder, hook: str):  # noqa: ANN001
    """Return a Watcher of the feed whose alert rules are the defaults plus a webhook."""
    webhook = {"url": hook, "secret_env": SECRET_ENV, "backoff": 0.01}
    path = feeds_yaml(
        tmp_path / "feeds.yaml",
        [{"name": "ledger", "url": server.url("/rss"), "every": "15m"}],
        alerts={"webhook": webhook},
    )
    log = io.StringIO()
    return Watcher(load_feeds(path), store, coder, log=EventLog(log, verbose=True)), log


def _read_alerts(response: httpx2.Response, out: list[dict[str, Any]]) -> None:
    """Collect the stream's alert events ({id, data}) until it ends or one arrives."""
    current: dict[str, Any] = {}
    for line in response.iter_lines():
        if line.startswith("id: "):
            current["id"] = int(line[4:])
        elif line.startswith("data: "):
            current["data"] = json.loads(line[6:])
        elif line == "" and "data" in current:
            out.append(current)
            return


def _coded_roots(store: Store, server: FeedServer) -> dict[str, set[str]]:
    """Return {story slug: CAMEO roots of its counted events}, each as ``SRC>TGT root``."""
    rows = store.backend.query(
        "SELECT a.url, e.source_key || '>' || e.target_key || ' ' || e.root FROM events e "
        "JOIN articles a ON a.id = e.article_id WHERE e.in_aggregate = 1"
    )
    out: dict[str, set[str]] = {}
    for url, root in rows:
        out.setdefault(url.removeprefix(server.url("/news/")), set()).add(root)
    return out


@dataclass
class Played:
    """What playing the story gave: each pass's report, the stored alerts, the coded roots,
    the alerts the SSE client saw live and on a replay from the start, and the watcher's log."""

    reports: list[PassReport]
    alerts: list[Alert]
    roots: dict[str, set[str]]
    streamed: list[dict[str, Any]]
    replay: str
    log: list[dict[str, Any]]
    base: str


def _play(tmp_path: Path, stories: list[dict[str, Any]], coder, hook: str) -> Played:  # noqa: ANN001
    """Serve the story poll by poll (``SCRIPT``) to a Watcher, with an SSE client listening
    from the first pass that can raise the alert; end with one more check of the rules."""
    db = str(tmp_path / "watch.db")
    with FeedServer() as server, open_store(db, settings=Settings()) as store:
        for story in stories:
            server.set(f"/news/{story['slug']}", page_html(story))
        watcher, log = _watcher(tmp_path, server, store, coder, hook)
        reports = []
        for upto in SCRIPT[:2]:
            _serve(server, stories, upto)
            reports.append(watcher.run(once=True))
        with LiveServer(create_app(db=db)) as api, httpx2.Client(timeout=30) as client:
            streamed: list[dict[str, Any]] = []
            url = f"{api.url}/api/alerts/stream"
            with client.stream("GET", url, params={"max_seconds": 60}) as response:
                reader = threading.Thread(target=_read_alerts, args=(response, streamed))
                reader.start()
                for upto in SCRIPT[2:]:
                    _serve(server, stories, upto)
                    reports.append(watcher.run(once=True))
                reader.join(timeout=30)
            replay = client.get(url, params={"after": 0, "max_seconds": 2}).text
        assert check_alerts(store, watcher.config.alerts) == []  # nothing new: nothing fires
        watcher.close()
        lines = [json.loads(line) for line in log.getvalue().splitlines()]
        return Played(
            reports, list_alerts(store), _coded_roots(store, server), streamed, replay, lines,
            server.url("/news/"),
        )  # fmt: skip


def _check_alert(alert: Alert, conflict: list[dict[str, Any]], base: str) -> None:
    """The alert is the conflict week's dyad shift, with its figures and the events of the
    conflict articles out when it fired (the first three), each with its lead sentence."""
    assert (alert.rule, alert.subject) == ("dyad_shift", "EGY>ETH")
    assert alert.period == week_of(conflict[0]["date"])
    fig = alert.figures
    assert (fig["metric"], fig["value"], fig["baseline"], fig["spread"]) == (
        "conflict_share", 1.0, 0.0, 0.15,
    )  # fmt: skip
    assert fig["z"] == pytest.approx(1 / 0.15, abs=1e-3) and fig["z"] > fig["threshold"] == 3.0
    assert (fig["n_events"], fig["history_weeks"]) == (3, 7)
    gold = fig["metrics"]["goldstein"]
    assert gold["value"] < 0 < gold["baseline"] and gold["z"] < -3.0
    first_three = {base + s["slug"]: s for s in conflict[:3]}
    assert sorted(e["url"] for e in alert.events) == sorted(first_three)
    for event in alert.events:
        story = first_three[event["url"]]
        assert event["quad_class"] == 3 and event["root"] == story["root"]
        # the headline or the lead codes it: both give the event the same confidence, and a
        # tie goes to the smaller event id, which hashes the URL (the test server's port)
        lines = (story["title"], story["text"].split("\n")[0])
        assert any(line in event["sentence"] for line in lines)
        assert (event["source"], event["target"], event["day"]) == ("EGY", "ETH", story["date"])
    assert (alert.delivery, alert.attempts) == ("delivered", 1)


def _check_webhook(receiver: Receiver, alert: Alert) -> None:
    """The receiver got one POST, signed under the secret from the environment, of ``alert``."""
    assert [r["status"] for r in receiver.requests] == [200]
    sent = receiver.requests[0]
    headers = {k.lower(): v for k, v in sent["headers"].items()}
    stamp, signature = headers[TIMESTAMP_HEADER.lower()], headers[SIGNATURE_HEADER.lower()]
    assert verify(SECRET, stamp, sent["body"], signature)
    assert not verify("not-the-secret", stamp, sent["body"], signature)
    assert headers["x-realpolitik-alert"] == alert.alert_id
    body = json.loads(sent["body"])
    assert (body["alert_id"], body["rule"], body["subject"]) == (
        alert.alert_id, "dyad_shift", "EGY>ETH",
    )  # fmt: skip
    assert [e["event_id"] for e in body["events"]] == [e["event_id"] for e in alert.events]


def test_alerts_acceptance_cooperation_turns_to_conflict(tmp_path, pipeline, receiver, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    today = datetime.now(UTC).date()
    stories = dated(COOPERATION, today) + dated(CONFLICT, today)
    played = _play(tmp_path, stories, pipeline, receiver.url)

    assert played.roots == {s["slug"]: {f"EGY>ETH {s['root']}"} for s in stories}
    counts = [(r.ingested, r.alerts) for r in played.reports]
    assert counts == [(8, 0), (6, 0), (3, 1), (3, 0), (0, 0)]  # later passes: cool-down
    assert len(played.alerts) == 1
    alert = played.alerts[0]
    _check_alert(alert, stories[len(COOPERATION) :], played.base)
    said = [line.get("alerts") for line in played.log if line["event"] == "alerts"]
    assert said == [None, None, [alert.alert_id], None]  # one check per pass that stored events
    assert [(e["id"], e["data"]["alert_id"]) for e in played.streamed] == [
        (alert.seq, alert.alert_id)
    ]
    assert played.replay.count("event: alert") == 1 and f"id: {alert.seq}\n" in played.replay
    _check_webhook(receiver, alert)
