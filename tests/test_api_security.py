"""The API's security defaults: loopback hosts, tokens, rate and size limits, headers, no CORS."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api_helpers import fixture_store
from realpolitik.api import create_app
from realpolitik.api.assets import WEB_DIR
from realpolitik.api.ratelimit import RateLimiter
from realpolitik.api.security import CSP, host_name, is_loopback
from realpolitik.cli.api_cmds import serve_settings
from realpolitik.errors import APIError
from realpolitik.settings import Settings

LOCAL = ("127.0.0.1", 50000)
REMOTE = ("203.0.113.9", 50000)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_store(tmp_path_factory.mktemp("api_security") / "fixture.db")


def _client(db: Path, *, client=LOCAL, base="http://127.0.0.1", **settings) -> TestClient:
    app = create_app(Settings(**settings), db=str(db))
    return TestClient(app, base_url=base, client=client)


@pytest.fixture(scope="module")
def local(db: Path) -> Iterator[TestClient]:
    with _client(db, rate_limit_per_second=0) as c:
        yield c


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("127.8.0.1", True), ("0.0.0.0", False), ("10.0.0.1", False), ("example.org", False),
     ("", False), (None, False)],
)
def test_api_security_is_loopback(host: str | None, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_api_security_host_name_strips_ports() -> None:
    assert host_name("127.0.0.1:8000") == "127.0.0.1"
    assert host_name("[::1]:8000") == "::1"
    assert host_name("LOCALHOST") == "localhost"


def test_api_security_headers_on_every_response(local: TestClient) -> None:
    paths = ("/", "/api/health", "/api/events/nope", "/static/app.css", "/vendor/plotly.min.js")
    for path in paths:
        response = local.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "access-control-allow-origin" not in response.headers
    assert "connect-src 'self'" in CSP and "script-src 'self';" in CSP


def test_api_security_no_cors(local: TestClient) -> None:
    preflight = local.options("/api/events", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET",
    })
    assert "access-control-allow-origin" not in preflight.headers
    cross = local.get("/api/events", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in cross.headers


def test_api_security_foreign_host_header_refused(db: Path) -> None:
    with _client(db, base="http://rebind.example") as c:
        response = c.get("/api/health")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "E610"
    with _client(db, base="http://localhost:8000") as c:
        assert c.get("/api/health").status_code == 200


def test_api_security_remote_client_needs_token(db: Path) -> None:
    with _client(db, client=REMOTE) as c:
        refused = c.get("/api/health")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "E606"
    assert refused.headers["www-authenticate"] == "Bearer"
    with _client(db, client=REMOTE, api_token="s3cret") as c:
        assert c.get("/api/health").status_code == 401
        assert c.get("/api/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/health", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_api_security_token_in_link_becomes_cookie(db: Path) -> None:
    with _client(db, client=REMOTE, api_token="s3cret") as c:
        redirect = c.get("/?token=s3cret", follow_redirects=False)
        assert redirect.status_code == 303
        assert redirect.headers["location"] == "/"
        cookie = redirect.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert c.get("/api/health").status_code == 200  # the client kept the cookie
    with _client(db, client=REMOTE, api_token="s3cret") as c:
        assert c.get("/?token=wrong", follow_redirects=False).status_code == 401
        assert c.get("/api/health?token=s3cret").status_code == 401  # only the page takes it


def test_api_security_serve_refuses_open_bind_without_token() -> None:
    with pytest.raises(APIError) as info:
        serve_settings(db=None, host="0.0.0.0", port=None, token=None)
    assert info.value.code == "E607"
    settings = serve_settings(db=None, host="0.0.0.0", port=8080, token="t")
    assert (settings.host, settings.port, settings.api_token) == ("0.0.0.0", 8080, "t")
    assert serve_settings(db=None, host=None, port=None, token=None).host == "127.0.0.1"


def test_api_security_rate_limit_answers_429(db: Path) -> None:
    with _client(db, rate_limit_per_second=0.001, rate_limit_burst=3) as c:
        codes = [c.get("/api/health").status_code for _ in range(5)]
        refused = c.get("/api/health")
    assert codes == [200, 200, 200, 429, 429]
    assert refused.json()["error"]["code"] == "E605"
    assert int(refused.headers["retry-after"]) >= 1


def test_api_security_rate_limiter_refills_per_client() -> None:
    now = [100.0]
    limiter = RateLimiter(rate=2.0, burst=2, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(2)] == [0.0, 0.0]
    assert limiter.take("a") == pytest.approx(0.5)
    assert limiter.take("b") == 0.0
    now[0] += 0.5
    assert limiter.take("a") == 0.0
    assert RateLimiter(rate=0, burst=1).take("a") == 0.0


def test_api_security_rate_limiter_is_thread_safe() -> None:
    limiter = RateLimiter(rate=1e-9, burst=100, clock=lambda: 0.0)
    allowed = []

    def hammer() -> None:
        allowed.extend(1 for _ in range(50) if limiter.take("c") == 0.0)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(allowed) == 100


def test_api_security_request_size_limit(db: Path) -> None:
    with _client(db, max_request_bytes=1000, rate_limit_per_second=0) as c:
        declared = c.post("/api/code", content=b"x" * 1001,
                          headers={"content-type": "application/json"})

        def chunks() -> Iterator[bytes]:
            for _ in range(5):
                yield b"y" * 400

        json_type = {"content-type": "application/json"}
        streamed = c.post("/api/code", content=chunks(), headers=json_type)
        small = c.post("/api/code", json={"text": ""} | {"date": "2024-01-01x"})
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "E602"
    assert streamed.status_code == 413
    assert small.status_code == 422  # within the limit, so it reached validation


def test_api_security_query_time_limit(db: Path) -> None:
    app = create_app(Settings(api_query_ms=50), db=str(db))
    state = app.state.api
    endless = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"
    )
    with pytest.raises(APIError) as info, state.reading() as store:
        store.backend.query(endless)
    assert info.value.code == "E612"
    with state.reading() as store:
        assert store.backend.query("SELECT COUNT(*) FROM events")[0][0] == 10
    state.close()


def test_api_security_store_is_opened_read_only(db: Path, local: TestClient) -> None:
    from realpolitik.errors import StoreError

    store = local.app.state.api.store()
    with pytest.raises(StoreError):
        store.backend.execute("DELETE FROM events")
    assert local.get("/api/stats").json()["events"] == 10


def test_api_security_web_code_never_writes_markup() -> None:
    for script in WEB_DIR.glob("*.js"):
        text = script.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in text, f"{script.name} uses {sink}"
    page = (WEB_DIR / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "http://" not in page and "https://" not in page


@pytest.mark.parametrize(
    ("host", "status"),
    [("evil.example", 400), ("evil.example:8000", 400), ("localhost:8000", 200),
     ("127.0.0.1", 200), ("192.0.2.7:8000", 200), ("[2001:db8::1]:8000", 200),
     ("events.example.org", 200), ("", 400)],
)
def test_api_security_open_bind_keeps_host_check(db: Path, host: str, status: int) -> None:
    """Bound to every interface with a token, a rebinding page on this machine is still refused."""
    settings = dict(host="0.0.0.0", api_token="T", api_allowed_hosts=["Events.Example.org"])
    with _client(db, **settings) as c:
        response = c.get("/api/stats", headers={"host": host})
    assert response.status_code == status
    if status == 400:
        assert response.json()["error"]["code"] == "E610"


def test_api_security_token_cookie_is_secure_behind_tls(db: Path) -> None:
    for base, secure in (("https://127.0.0.1", True), ("http://127.0.0.1", False)):
        with _client(db, client=REMOTE, base=base, api_token="s3cret") as c:
            cookie = c.get("/?token=s3cret", follow_redirects=False).headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert ("Secure" in cookie) is secure


@pytest.mark.parametrize("path", ["/api/events?q=%00", "/api/events?dyad=RUS%00,IRN",
                                  "/api/events/abc%00", "/api/actors?q=R%00"])
def test_api_security_nul_characters_refused(local: TestClient, path: str) -> None:
    response = local.get(path)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "E608"
