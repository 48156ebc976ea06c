"""The HTTP API over a hand-written fixture store: filters, cursors, evidence, analytics, coding."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api_helpers import FIXTURE_EVENTS, MARKUP, fixture_event, fixture_store
from realpolitik.api import create_app
from realpolitik.api.queries import decode_cursor, encode_cursor, like_escape
from realpolitik.api.serialize import event_json, marks, record_dict
from realpolitik.errors import APIError
from realpolitik.settings import Settings


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_store(tmp_path_factory.mktemp("api") / "fixture.db")


def _client(app) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000))


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    settings = Settings(network_min_events=1, rate_limit_per_second=0, page_limit=100)
    with _client(create_app(settings, db=str(db))) as c:
        yield c


def _key(actor: dict) -> str:
    return actor["country"] or actor["org"]


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [e["event_id"] for e in response.json()["events"]]


def test_api_health_and_stats(client: TestClient) -> None:
    health = client.get("/api/health").json()
    assert health["status"] == "ok"
    assert health["database"].endswith("fixture.db")
    stats = client.get("/api/stats").json()
    assert stats["events"] == len(FIXTURE_EVENTS) + 1
    assert stats["first_day"] == "2024-01-10"
    assert stats["last_day"] == "2024-05-01"


def test_api_events_newest_first_with_record_fields(client: TestClient) -> None:
    events = client.get("/api/events").json()["events"]
    days = [e["day"] for e in events]
    assert days == sorted(days, reverse=True)
    first = events[0]
    assert first["sentence"] == MARKUP
    assert first["cameo_name"] == "Praise or endorse"
    for key in ("event_id", "doc_id", "source", "target", "evidence", "quad_class", "article_id"):
        assert key in first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("actor=TWN", {("USA", "TWN"), ("CHN", "TWN")}),
        ("source=RUS&target=USA", {("RUS", "USA")}),
        ("dyad=RUS,CHN", {("RUS", "CHN"), ("CHN", "RUS")}),
        ("country=USA", {("RUS", "USA"), ("USA", "TWN"), ("USA", "RUS")}),
        ("org=NATO", {("NATO", "RUS")}),
        ("root=11", {("RUS", "USA"), ("NATO", "RUS"), ("USA", "RUS")}),
        ("cameo=11", {("RUS", "USA"), ("NATO", "RUS"), ("USA", "RUS")}),
        ("cameo=112", {("USA", "RUS")}),
        ("quad_class=2", {("USA", "TWN")}),
        ("quad_class=2&quad_class=4", {("USA", "TWN")}),
        ("since=2024-03-01&until=2024-03-31", {("USA", "TWN"), ("CHN", "TWN"), ("NATO", "RUS")}),
        ("since=2024-04&until=2024-04", {("USA", "RUS"), ("RUS", "CHN")}),
        ("q=SENT+WEAPONS", {("USA", "TWN")}),
        ("q=onerror", {("RUS", "CHN")}),
    ],
)
def test_api_events_filters(client: TestClient, query: str, expected: set) -> None:
    response = client.get("/api/events?" + query)
    assert response.status_code == 200, response.text
    found = {(_key(e["source"]), _key(e["target"])) for e in response.json()["events"]}
    assert found == expected


def test_api_events_text_search_is_literal(client: TestClient) -> None:
    assert _ids(client.get("/api/events", params={"q": "%"})) == []
    assert _ids(client.get("/api/events", params={"q": "_"})) == []
    assert like_escape("50%_a\\b") == "50\\%\\_a\\\\b"


def test_api_events_cursor_walks_every_event_once(client: TestClient) -> None:
    everything = _ids(client.get("/api/events", params={"limit": 100}))
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/events", params=params).json()
        seen += [e["event_id"] for e in body["events"]]
        cursor = body["next_cursor"]
        pages += 1
        if cursor is None:
            break
    assert seen == everything
    assert pages == 4
    assert len(set(seen)) == len(FIXTURE_EVENTS) + 1


def test_api_events_cursor_round_trip_and_refusal() -> None:
    assert decode_cursor(encode_cursor("2024-01-01", "abc")) == ("2024-01-01", "abc")
    assert decode_cursor(encode_cursor(None, "abc")) == (None, "abc")
    forged = (encode_cursor("2024-13-45", "abc"), encode_cursor("not a day", "abc"))
    for bad in ("zzz", encode_cursor("x", "y")[:-3] + "!!!", "WzEsMl0", *forged):
        with pytest.raises(APIError) as info:
            decode_cursor(bad)
        assert info.value.code == "E603"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("cursor=notacursor", "E603"),
        ("since=2024-02-31", "E507"),
        ("since=yesterday", "E608"),
        ("quad_class=5", "E608"),
        ("limit=101", "E608"),
        ("limit=0", "E608"),
        ("dyad=RUS", "E608"),
        ("country=usa", "E608"),
        ("actor=RUS%3B+DROP+TABLE+events", "E608"),
        ("q=" + "x" * 201, "E608"),
    ],
)
def test_api_events_bad_parameters_are_clean_errors(
    client: TestClient, query: str, code: str
) -> None:
    response = client.get("/api/events?" + query)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"].startswith(f"[{code}]")


def test_api_sql_metacharacters_are_only_data(client: TestClient, db: Path) -> None:
    hostile = "RUS' OR '1'='1"
    response = client.get("/api/events", params={"q": hostile})
    assert _ids(response) == []
    assert client.get("/api/stats").json()["events"] == len(FIXTURE_EVENTS) + 1


def test_api_event_detail_has_evidence_marks_and_article(client: TestClient) -> None:
    event_id = _ids(client.get("/api/events", params={"q": "sent weapons"}))[0]
    body = client.get(f"/api/events/{event_id}").json()
    event, article = body["event"], body["article"]
    assert event["evidence"]["trigger"] == "sent weapons to"
    sentence = event["sentence"]
    spans = {m["kind"]: sentence[m["start"]:m["end"]] for m in event["marks"]}
    assert spans == {"source": "Washington", "trigger": "sent weapons to", "target": "Taiwan"}
    assert article["url"].startswith("https://example.org/fixture/")
    assert sentence in article["text"]


def test_api_event_detail_unknown_is_404(client: TestClient) -> None:
    response = client.get("/api/events/0000000000000000")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "E604"
    assert client.get("/api/events/bad%20id").status_code == 422


def test_api_dyad_series_counts_both_directions(client: TestClient) -> None:
    body = client.get("/api/dyads/RUS/CHN/series").json()
    assert [p["period"] for p in body["periods"]] == [
        "2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01",
    ]
    assert [p["events"] for p in body["periods"]] == [2, 1, 0, 1, 1]
    assert body["summary"]["events"] == 5
    assert body["summary"]["tone"] == "cooperation"
    assert body["periods"][2]["goldstein_mean"] is None
    directed = client.get("/api/dyads/RUS/CHN/series", params={"directed": "true"}).json()
    assert directed["summary"]["events"] == 4


def test_api_dyad_series_window_and_freq(client: TestClient) -> None:
    body = client.get("/api/dyads/RUS/CHN/series",
                      params={"freq": "week", "since": "2024-01-01", "until": "2024-01-31"}).json()
    assert body["freq"] == "week"
    assert sum(p["events"] for p in body["periods"]) == 2
    assert all(p["period"] <= "2024-01-31" for p in body["periods"])
    assert client.get("/api/dyads/RUS/CHN/series?freq=year").status_code == 422


def test_api_dyad_series_unknown_actor(client: TestClient) -> None:
    response = client.get("/api/dyads/RUS/XYZ/series")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "E601", "message": "[E601] Unknown actor 'XYZ'"}


def test_api_network_nodes_edges_and_blocs(client: TestClient) -> None:
    body = client.get("/api/network").json()
    nodes = {n["id"]: n for n in body["nodes"]}
    assert set(nodes) == {"RUS", "CHN", "USA", "TWN", "NATO"}
    assert nodes["RUS"]["volume"] == 8
    edges = {(e["source"], e["target"]): e for e in body["edges"]}
    assert edges[("CHN", "RUS")]["volume"] == 5
    assert edges[("CHN", "RUS")]["goldstein_mean"] > 0
    assert edges[("RUS", "USA")]["goldstein_mean"] < 0
    assert nodes["RUS"]["bloc"] == nodes["CHN"]["bloc"]
    members = [m for bloc in body["blocs"]["blocs"] for m in bloc]
    assert sorted(members) == sorted(nodes)
    busy = client.get("/api/network", params={"min_events": 3}).json()
    assert [(e["source"], e["target"]) for e in busy["edges"]] == [("CHN", "RUS")]


def test_api_blocs_match_network(client: TestClient) -> None:
    blocs = client.get("/api/blocs").json()
    network = client.get("/api/network").json()
    assert blocs == network["blocs"]
    assert "signed spectral" in blocs["method"]


def test_api_shifts_answer_a_list(client: TestClient) -> None:
    body = client.get("/api/shifts", params={"freq": "month", "actor": "RUS"}).json()
    assert isinstance(body["shifts"], list)
    for shift in body["shifts"]:
        assert "RUS" in (shift["source"], shift["target"])
    assert client.get("/api/shifts?since=2024-13-01").status_code == 422


def test_api_actors_search_by_key_and_name(client: TestClient) -> None:
    everyone = client.get("/api/actors").json()["actors"]
    assert {a["key"] for a in everyone} == {"RUS", "CHN", "USA", "TWN", "NATO"}
    assert everyone[0]["key"] == "RUS"
    by_name = client.get("/api/actors", params={"q": "united"}).json()["actors"]
    assert [a["key"] for a in by_name] == ["USA"]
    assert by_name[0]["name"] == "United States"
    assert client.get("/api/actors", params={"q": "nat"}).json()["actors"][0]["key"] == "NATO"


def test_api_serialize_matches_event_record() -> None:
    _, event = fixture_event(1, *FIXTURE_EVENTS[0])
    assert record_dict(event) == event.to_dict()
    data = event_json(event, article_id="a", day="2024-01-10")
    assert data["marks"] == [
        {"kind": "source", "start": 0, "end": 6},
        {"kind": "trigger", "start": 7, "end": 14},
        {"kind": "target", "start": 15, "end": 20},
    ]


def test_api_marks_fall_back_to_whole_words_when_spans_are_missing() -> None:
    _, event = fixture_event(1, "2024-01-10", "RUS", "praised", "CHN", "051", "05", 1, 3.4)
    event.evidence.trigger_span = None
    event.evidence.target_span = [9999, 10005]
    event.sentence = "Russia, not Russian officials, praised China over the talks."
    event.evidence.source_span = None
    found = {m["kind"]: (m["start"], m["end"]) for m in marks(event)}
    assert found == {"source": (0, 6), "trigger": (31, 38), "target": (39, 44)}


class _FakePipeline:
    """Stands in for the spaCy pipeline: returns one fixture event per call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def __call__(self, text: str, *, date: str | None = None, doc_id: str | None = None):
        self.calls.append((text, date))
        _, event = fixture_event(0, *FIXTURE_EVENTS[0])
        return [event]


def test_api_code_loads_pipeline_once_and_returns_events(db: Path) -> None:
    fake = _FakePipeline()
    loads: list[Settings] = []

    def load(settings: Settings) -> _FakePipeline:
        loads.append(settings)
        return fake

    settings = Settings(rate_limit_per_second=0, api_code_max_chars=50)
    with _client(create_app(settings, db=str(db), load_pipeline=load)) as client:
        first = client.post(
            "/api/code", json={"text": "Russia praised China.", "date": "2024-01-10"}
        )
        second = client.post("/api/code", json={"text": "Again."})
        too_long = client.post("/api/code", json={"text": "x" * 51})
        bad_date = client.post("/api/code", json={"text": "x", "date": "10/01/2024"})
        as_text = client.post("/api/code", content=b'{"text": "x"}',
                              headers={"content-type": "text/plain"})
    assert first.status_code == 200
    assert first.json()["events"][0]["marks"][1]["kind"] == "trigger"
    assert second.status_code == 200
    assert len(loads) == 1
    assert fake.calls == [("Russia praised China.", "2024-01-10"), ("Again.", None)]
    assert too_long.status_code == 413
    assert too_long.json()["error"]["code"] == "E609"
    assert bad_date.status_code == 422
    assert as_text.status_code == 422


def test_api_code_with_the_real_pipeline(db: Path, pipeline) -> None:
    settings = Settings(rate_limit_per_second=0)
    with _client(create_app(settings, db=str(db), load_pipeline=lambda s: pipeline)) as client:
        body = client.post("/api/code", json={
            "text": "Russian Foreign Minister Sergei Lavrov praised China on Monday.",
            "date": "2024-10-14",
        }).json()
    pairs = {(e["source"]["country"], e["target"]["country"]) for e in body["events"]}
    assert ("RUS", "CHN") in pairs
    event = next(e for e in body["events"] if e["target"]["country"] == "CHN")
    assert {m["kind"] for m in event["marks"]} >= {"trigger", "target"}


def test_api_missing_store_fails_at_creation(tmp_path: Path) -> None:
    from realpolitik.errors import StoreError

    with pytest.raises(StoreError) as info:
        create_app(Settings(), db=str(tmp_path / "absent.db"))
    assert info.value.code == "E505"


def test_api_openapi_lists_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/health", "/api/stats", "/api/actors", "/api/events", "/api/events/{event_id}",
        "/api/dyads/{a}/{b}/series", "/api/network", "/api/blocs", "/api/shifts", "/api/code",
    } <= paths
    assert "/" not in paths


def test_api_serve_get_runs_one_request_without_a_port(db: Path, runner) -> None:
    from realpolitik.cli import app

    ok = runner.invoke(app, ["serve", "--db", str(db), "--get", "/api/health"])
    assert ok.exit_code == 0, ok.output
    assert '"status": "ok"' in ok.output
    missing = runner.invoke(app, ["serve", "--db", str(db), "--get", "/api/events/nope"])
    assert missing.exit_code == 1
    assert "E604" in missing.output
    open_bind = runner.invoke(app, ["serve", "--db", str(db), "--host", "0.0.0.0", "--get", "/"])
    assert open_bind.exit_code == 8
    assert "E607" in open_bind.output


def test_api_serve_starts_uvicorn_on_loopback(db: Path) -> None:
    import subprocess
    import sys
    import time

    import httpx2

    from api_helpers import free_port

    port = free_port()
    cmd = [sys.executable, "-c", "from realpolitik.cli import main; main()", "serve",
           "--db", str(db), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        body = None
        for _ in range(300):
            try:
                body = httpx2.get(f"http://127.0.0.1:{port}/api/health", timeout=2).json()
                break
            except httpx2.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                time.sleep(0.1)
        assert body is not None and body["status"] == "ok"
        page = httpx2.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert '<script src="/vendor/plotly.min.js"></script>' in page.text
        assert "server" not in page.headers
    finally:
        proc.terminate()
        proc.wait(timeout=30)
