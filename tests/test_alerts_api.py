"""``GET /api/alerts`` (filters, cursor) and the ``/api/alerts/stream`` Server-Sent Events
stream (a new alert arrives; ``Last-Event-ID`` resumes), and the ``realpolitik alerts`` CLI."""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from pathlib import Path

import httpx2
from fastapi.testclient import TestClient

from alerts_helpers import THREATEN, Builder, new_store, steady
from api_helpers import LiveServer
from realpolitik.alerts import AlertConfig, check_alerts
from realpolitik.api import create_app
from realpolitik.cli import app
from realpolitik.settings import Settings
from realpolitik.store import open_store
from realpolitik.store.alerts import Alert, insert_alerts

TODAY = date(2026, 12, 1)
SHIFT_ONLY = AlertConfig.from_mapping(
    {"rules": {"first_conflict": False, "bloc_change": False, "volume_spike": False}}
)


def _store_with_alerts(tmp_path: Path) -> str:
    """Return a store holding two dyad-shift alerts (RUS>CHN and USA>GBR)."""
    store = new_store(tmp_path)
    b = Builder()
    for source, target in (("RUS", "CHN"), ("USA", "GBR")):
        steady(b, source, target, range(8))
        steady(b, source, target, range(8, 9), code=THREATEN)
    b.write(store)
    assert len(check_alerts(store, SHIFT_ONLY, today=TODAY)) == 2
    store.close()
    return str(tmp_path / "alerts.db")


def _client(db: str) -> TestClient:
    """Return a test client that calls from this machine, as a browser here would."""
    return TestClient(create_app(db=db), base_url="http://127.0.0.1", client=("127.0.0.1", 50000))


def _extra(subject: str, n: int) -> Alert:
    return Alert(
        rule="volume_spike",
        subject=subject,
        period=f"2026-W4{n}",
        period_start=f"2026-10-0{n}",
        figures={"z": 4.0, "n_events": 12},
        events=[],
        message=f"{subject} spike {n}",
        created_at="2026-10-10T00:00:00Z",
    )


def test_alerts_api_lists_filters_and_pages(tmp_path):
    db = _store_with_alerts(tmp_path)
    with _client(db) as client:
        body = client.get("/api/alerts").json()
        assert [a["subject"] for a in body["alerts"]] == ["USA>GBR", "RUS>CHN"]
        assert body["next_cursor"] is None
        first = body["alerts"][1]
        assert first["rule"] == "dyad_shift" and first["period"] == "2026-W31"
        assert first["figures"]["n_events"] == 3 and len(first["events"]) == 3
        assert first["events"][0]["sentence"]
        only = client.get("/api/alerts", params={"subject": "CHN"}).json()["alerts"]
        assert [a["subject"] for a in only] == ["RUS>CHN"]
        page = client.get("/api/alerts", params={"limit": 1}).json()
        assert [a["subject"] for a in page["alerts"]] == ["USA>GBR"]
        rest = client.get("/api/alerts", params={"limit": 1, "cursor": page["next_cursor"]})
        assert [a["subject"] for a in rest.json()["alerts"]] == ["RUS>CHN"]
        assert client.get("/api/alerts", params={"rule": "volume_spike"}).json()["alerts"] == []
        bad = client.get("/api/alerts", params={"cursor": "abc"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "E603"
        assert client.get("/api/alerts", params={"rule": "nope"}).status_code in (400, 422)


def _read_events(response: httpx2.Response, want: int, out: list[dict]) -> None:
    """Collect ``want`` SSE alert events (id and data) from a streaming response."""
    current: dict = {}
    for line in response.iter_lines():
        if line.startswith("id: "):
            current["id"] = int(line[4:])
        elif line.startswith("event: "):
            current["event"] = line[7:]
        elif line.startswith("data: "):
            current["data"] = json.loads(line[6:])
        elif line == "" and "data" in current:
            out.append(current)
            current = {}
            if len(out) >= want:
                return


def test_alerts_stream_delivers_new_alert_and_resumes(tmp_path):
    db = _store_with_alerts(tmp_path)
    with LiveServer(create_app(db=db)) as server:
        url = f"{server.url}/api/alerts/stream"
        got: list[dict] = []
        with httpx2.Client(timeout=30) as client:
            with client.stream("GET", url, params={"max_seconds": 20}) as response:
                assert response.headers["content-type"].startswith("text/event-stream")
                reader = threading.Thread(target=_read_events, args=(response, 1, got))
                reader.start()
                time.sleep(1.5)  # the stream starts after the stored alerts
                with open_store(db) as store:  # as a watcher in another process would
                    insert_alerts(store, [_extra("IRN", 1)])
                reader.join(timeout=20)
            assert [(e["event"], e["data"]["subject"]) for e in got] == [("alert", "IRN")]
            new_id = got[0]["id"]
            assert new_id == got[0]["data"]["seq"] == 3
            resumed: list[dict] = []
            headers = {"Last-Event-ID": "1"}
            with client.stream("GET", url, params={"max_seconds": 5}, headers=headers) as again:
                _read_events(again, 2, resumed)
            assert [e["id"] for e in resumed] == [2, 3]
            assert [e["data"]["subject"] for e in resumed] == ["USA>GBR", "IRN"]


def test_alerts_stream_ends_after_max_seconds_with_heartbeat_hint(tmp_path):
    db = _store_with_alerts(tmp_path)
    with _client(db) as client:
        text = client.get("/api/alerts/stream", params={"max_seconds": 1, "after": 1}).text
    assert text.startswith("retry: ")
    assert "id: 2\nevent: alert\ndata: " in text
    assert "id: 1\n" not in text


def test_alerts_stream_lifetime_is_capped_by_the_setting(tmp_path):
    """A stream asking for an hour ends at ``api_stream_max_s``, after the stored alerts."""
    db = _store_with_alerts(tmp_path)
    app_ = create_app(Settings(api_stream_max_s=0.2), db=db)
    with TestClient(app_, base_url="http://127.0.0.1", client=("127.0.0.1", 50000)) as client:
        text = client.get("/api/alerts/stream", params={"max_seconds": 3600, "after": 0}).text
    assert [line for line in text.splitlines() if line.startswith("id: ")] == ["id: 1", "id: 2"]


def test_alerts_cli_lists_and_checks(tmp_path, runner):
    db = _store_with_alerts(tmp_path)
    out = runner.invoke(app, ["alerts", "--db", db, "--json"])
    assert out.exit_code == 0, out.output
    assert [a["subject"] for a in json.loads(out.stdout)] == ["USA>GBR", "RUS>CHN"]
    out = runner.invoke(app, ["alerts", "--db", db, "--rule", "dyad_shift", "--subject", "RUS"])
    assert out.exit_code == 0 and "RUS>CHN" in out.stdout and "USA>GBR" not in out.stdout
    assert "RUS did 130 to CHN." in out.stdout  # the triggering events' evidence
    bad = runner.invoke(app, ["alerts", "--db", db, "--rule", "nope"])
    assert bad.exit_code != 0 and "E742" in bad.output
    rules = tmp_path / "rules.yaml"
    rules.write_text("alerts:\n  rules:\n    bloc_change: false\n", encoding="utf-8")
    fresh = str(tmp_path / "fresh" / "alerts.db")
    Path(fresh).parent.mkdir()
    store = open_store(fresh)
    b = Builder()
    steady(b, "RUS", "CHN", range(8))
    steady(b, "RUS", "CHN", range(8, 9), code=THREATEN)
    b.write(store)
    store.close()
    args = ["alerts", "check", str(rules), "--db", fresh, "--today", "2026-12-01", "--json"]
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    assert [a["subject"] for a in json.loads(out.stdout)] == ["RUS>CHN"]
    out = runner.invoke(app, args)
    assert json.loads(out.stdout) == []
    rules.write_text("alerts:\n  rules:\n    dyad_shift: {k: -2}\n", encoding="utf-8")
    bad = runner.invoke(app, args)
    assert bad.exit_code != 0 and "E740" in bad.output
