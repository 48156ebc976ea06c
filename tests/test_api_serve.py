"""The served API under load: coding off the reading threads, bounded coding, connection
deadlines, and settings errors at start-up."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api_helpers import fixture_store, free_port
from realpolitik.api import create_app
from realpolitik.api.server import server_config
from realpolitik.errors import SettingsError
from realpolitik.models import Actor, Event, Evidence
from realpolitik.settings import Settings

WAIT = 60.0
"""Seconds a test waits for something that should happen at once; never reached when it works."""


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_store(tmp_path_factory.mktemp("api_serve") / "fixture.db")


@dataclass
class Reply:
    """A response: status, lower-case headers and the JSON body."""

    status_code: int
    headers: dict[str, str]
    body: Any

    def json(self) -> Any:
        return self.body


def _request(port: int, method: str, path: str, payload: Any = None) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        body = None if payload is None else json.dumps(payload)
        headers = {"content-type": "application/json"} if body else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                     json.loads(data))
    finally:
        conn.close()


class HeldPipeline:
    """A coder that reports each text it starts and holds it until released."""

    def __init__(self) -> None:
        self.started = threading.Semaphore(0)
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, text: str, *, date: str | None = None, doc_id: str = "x") -> list[Event]:
        self.calls += 1
        self.started.release()
        assert self.release.wait(WAIT), "the test never released the coder"
        actor = Actor(text="Chile", name="Chile", code="CHL", country="CHL")
        other = Actor(text="Peru", name="Peru", code="PER", country="PER")
        return [Event(event_id=f"held-{self.calls}", doc_id=doc_id, date=date, sentence_index=0,
                      sentence=text, span=[0, len(text)], source=actor, target=other,
                      cameo="051", root="05", quad_class=1, goldstein=3.4, plover=None,
                      evidence=Evidence(pattern="test.held", trigger="praised"))]


class Served:
    """The app served by uvicorn (with ``server_config``) on a free loopback port."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.settings = settings.model_copy(update={"port": free_port()})
        self.url = f"http://127.0.0.1:{self.settings.port}"
        self.server = uvicorn.Server(server_config(app, self.settings, lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        ready = threading.Event()
        while not self.server.started and self.thread.is_alive():
            ready.wait(0.02)
        assert self.server.started, "uvicorn did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=WAIT)


def _serve(db: Path, held: HeldPipeline, **options: Any) -> Served:
    settings = Settings(rate_limit_per_second=0, **options)
    return Served(create_app(settings, db=str(db), load_pipeline=lambda s: held), settings)


def _code(port: int, text: str = "Chile praised Peru.") -> Reply:
    return _request(port, "POST", "/api/code", {"text": text})


def _post_in_thread(port: int, results: list[Reply]) -> threading.Thread:
    def post() -> None:
        results.append(_code(port))

    thread = threading.Thread(target=post, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def held() -> Iterator[HeldPipeline]:
    pipeline = HeldPipeline()
    yield pipeline
    pipeline.release.set()


def test_api_serve_reads_answer_while_coding_is_in_flight(db: Path, held: HeldPipeline) -> None:
    """45 texts wait for one held coder, more than the 40 threads that serve reads."""
    with _serve(db, held, api_code_workers=1, api_code_queue=50) as served:
        results: list[Reply] = []
        posts = [_post_in_thread(served.settings.port, results) for _ in range(45)]
        assert held.started.acquire(timeout=WAIT)  # one text is being coded, the others wait
        for _ in range(50):
            stats = _request(served.settings.port, "GET", "/api/stats")
            assert stats.status_code == 200 and stats.json()["events"] > 0
        assert results == [] and held.calls == 1  # every read finished while all coding waited
        held.release.set()
        for post in posts:
            post.join(WAIT)
    assert len(results) == 45 and {r.status_code for r in results} == {200}
    assert results[0].json()["events"][0]["source"]["country"] == "CHL"


def test_api_serve_coding_is_bounded(db: Path, held: HeldPipeline) -> None:
    options = dict(api_code_workers=1, api_code_queue=1, api_code_budget_ms=300)
    with _serve(db, held, **options) as served:
        first: list[Reply] = []
        _post_in_thread(served.settings.port, first).join(WAIT)  # past its budget, still coding
        assert held.started.acquire(timeout=WAIT)
        over = first[0]
        assert over.status_code == 503 and over.json()["error"]["code"] == "E618"
        assert int(over.headers["retry-after"]) >= 1
        queued: list[Reply] = []
        waiting = _post_in_thread(served.settings.port, queued)  # admitted, waits for the worker
        refused = _code(served.settings.port, "x")
        while refused.status_code != 503 or refused.json()["error"]["code"] != "E617":
            refused = _code(served.settings.port, "x")  # until the second text is admitted
        assert "retry-after" in refused.headers
        held.release.set()
        waiting.join(WAIT)
        assert queued[0].status_code in (200, 503)
        after = _code(served.settings.port)
        assert after.status_code == 200 and len(after.json()["events"]) == 1


def _closed_by_server(sock: socket.socket) -> bool:
    """Return True when the server closes the connection (recv gives b"")."""
    sock.settimeout(WAIT)
    while True:
        try:
            data = sock.recv(4096)
        except (ConnectionResetError, TimeoutError):
            return False
        if not data:
            return True


def test_api_serve_closes_silent_and_trickling_connections(db: Path, held: HeldPipeline) -> None:
    with _serve(db, held, api_header_timeout_s=0.3, api_keep_alive_s=0.3) as served:
        port = served.settings.port
        with socket.create_connection(("127.0.0.1", port)) as silent:
            assert _closed_by_server(silent)
        with socket.create_connection(("127.0.0.1", port)) as partial:
            partial.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            assert _closed_by_server(partial)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        for path in ("/api/health", "/api/stats"):  # one kept-alive connection, two requests
            conn.request("GET", path)
            response = conn.getresponse()
            assert response.status == 200 and json.loads(response.read())
        conn.close()


def test_api_serve_invalid_settings_are_coded(monkeypatch, runner, db: Path) -> None:
    from realpolitik.cli import app

    monkeypatch.setenv("REALPOLITIK_PORT", "eighty")
    result = runner.invoke(app, ["serve", "--db", str(db), "--get", "/api/health"])
    assert result.exit_code != 0 and "[E001]" in result.output and "port" in result.output
    assert "Traceback" not in result.output and "validation error" not in result.output
    with pytest.raises(SettingsError) as err:
        create_app(db=str(db))
    assert err.value.code == "E001"
    monkeypatch.delenv("REALPOLITIK_PORT")
    monkeypatch.setenv("REALPOLITIK_BATCH_SIZE", "0")
    import realpolitik

    with pytest.raises(SettingsError) as err:
        realpolitik.load()
    assert err.value.code == "E001" and "batch_size" in str(err.value)


def test_api_serve_unexpected_error_is_a_coded_json_500(db: Path) -> None:
    """A bug surfaces as the documented JSON body (E616), not as plain text."""
    from fastapi.testclient import TestClient

    def broken(settings: Settings) -> Any:
        def code(text: str, **options: Any) -> list[Event]:
            raise ValueError("a bug in a coder")

        return code

    app = create_app(Settings(rate_limit_per_second=0), db=str(db), load_pipeline=broken)
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000),
                    raise_server_exceptions=False) as client:
        response = client.post("/api/code", json={"text": "Chile praised Peru."})
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "E616" and "ValueError" in error["message"]
    assert "a bug in a coder" not in error["message"]  # details stay in the server log


@pytest.mark.parametrize(
    "request_bytes",
    [b"GARBLED\r\n\r\n", b"GET /api/stats HTTP/1.1\r\nHost: \x00\r\n\r\n",
     b"GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 17_000],
)
def test_api_serve_unparsable_requests_get_json_errors(
    db: Path, held: HeldPipeline, request_bytes: bytes
) -> None:
    """A garbled request line, a NUL in a header, headers past 16 KiB (no end sent yet)."""
    with _serve(db, held) as served, socket.create_connection(
        ("127.0.0.1", served.settings.port), timeout=WAIT
    ) as sock:
        sock.sendall(request_bytes)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert json.loads(body)["error"]["code"] == "E608"

