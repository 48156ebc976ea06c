"""Hostile requests on every route of the API's OpenAPI spec, on SQLite and PostgreSQL: each
answer is below 500, and each refusal is a JSON error with a code of the catalogue."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api_helpers import fixture_store
from realpolitik.api import create_app
from realpolitik.errors import Errors
from realpolitik.settings import Settings

CODES = set(Errors.__members__)

EDGE_DATES = ["9999-12-31", "9999-12", "9999", "0001-01-01", "0001", "1677-09-20", "1677-09-21",
              "2262-04-12", "2024-02-31", "2024-13", "0000-01-01", "2024-1-1"]
"""Window bounds at and beyond the calendar's edges, and impossible days."""
BAD_VALUES = ["", " ", "x", "-1", "0", "1e309", "NaN", "99999999999999999999", "true",
              "%00", "RUS%00,IRN", "%ED%A0%80", "%F0%9F%98%80", "%FF%FE", "[/b]", "a" * 5000,
              "'; DROP TABLE events;--", "..%2F..%2Fetc%2Fpasswd", "%E2%80%AE", "RUS,", ",,"]
"""Query values written for these probes: NULs, an encoded lone surrogate, bad UTF-8, markup,
SQL, traversal, bidi control, huge and empty values."""
PATH_VALUES = ["RUS", "%00", "%ED%A0%80", "a" * 3000, "..%2F..", "%FF", "[x]", "R%20S"]
HOSTS = ["evil.example", "evil.example:8000", "", "a" * 3000, "127.0.0.1:99999", "[::1]",
         "localhost.", "xn--e1afmkfd.example", "127.0.0.1\t"]


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


BODIES: list[tuple[str, bytes]] = [
    ("surrogate", b'{"text": "Chile praised Peru. \\ud800"}'),
    ("surrogate id", b'{"text": "Chile praised Peru.", "doc_id": "\\udfff"}'),
    ("nul", b'{"text": "Chile\\u0000 praised Peru."}'),
    ("deep body", _deep(100_000)),
    ("deep field", b'{"text": ' + _deep(50_000) + b"}"),
    ("not json", b"{text: 'x'"),
    ("array", b'["Chile praised Peru."]'),
    ("number", b"12"),
    ("null", b"null"),
    ("empty", b""),
    ("text number", b'{"text": 12}'),
    ("bad date", b'{"text": "Chile praised Peru.", "date": "2024-02-31"}'),
    ("edge date", b'{"text": "Chile praised Peru.", "date": "9999-12-31"}'),
    ("old date", b'{"text": "Chile praised Peru.", "date": "0001-01-01"}'),
    ("long id", b'{"text": "x", "doc_id": "' + b"i" * 500 + b'"}'),
    ("latin-1", '{"text": "Ch\u00edle"}'.encode("latin-1")),
    ("bidi", '{"text": "Chile \u202epraised\u202c Peru \u200b."}'.encode()),
    ("too big", b'{"text": "' + b"x" * 1_100_000 + b'"}'),
]
"""Request bodies written for these probes."""


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def client(request, tmp_path_factory, pipeline) -> Iterator[TestClient]:
    if request.param == "sqlite":
        db = str(fixture_store(tmp_path_factory.mktemp("probes") / "fixture.db"))
    else:
        from store_helpers import postgres_server

        db = str(fixture_store(postgres_server().create_database("api_probes")))  # type: ignore[arg-type]
    settings = Settings(rate_limit_per_second=0, network_min_events=1, api_code_budget_ms=60_000,
                        api_stream_max_s=0.05)  # a probe of the alert stream ends at once
    app = create_app(settings, db=db, load_pipeline=lambda s: pipeline)
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000),
                    raise_server_exceptions=False) as c:
        yield c


def _routes(app: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """Return (method, path template, operation) for every operation of the OpenAPI spec."""
    spec = app.openapi()
    return [(method.upper(), path, op) for path, ops in spec["paths"].items()
            for method, op in ops.items()]


def _fill(path: str, value: str) -> str:
    """Return ``path`` with every {parameter} replaced by ``value``."""
    out, rest = "", path
    while "{" in rest:
        head, _, tail = rest.partition("{")
        out += head + value
        rest = tail.partition("}")[2]
    return out + rest


def _probes(app: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (method, url, request options) for the hostile requests of every route."""
    for method, path, op in _routes(app):
        base = _fill(path, "RUS")
        query = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
        for value in PATH_VALUES if "{" in path else []:
            yield method, _fill(path, value), {}
        for name in query:
            for value in BAD_VALUES + (EDGE_DATES if name in ("since", "until") else []):
                yield method, f"{base}?{name}={value}", {}
            yield method, f"{base}?{name}=1&{name}=2&{name}=", {}
        if {"since", "until"} <= set(query):
            for since in EDGE_DATES[:6]:
                for until in EDGE_DATES[:6]:
                    extra = "&freq=day" if "freq" in query else ""
                    yield method, f"{base}?since={since}&until={until}{extra}", {}
        for freq in ("day", "week", "month") if "freq" in query else ():
            yield method, f"{base}?freq={freq}&since=0001&until=9999-12", {}
        for host in HOSTS:
            yield method, base, {"headers": {"host": host}}
        if method == "POST":
            for _, body in BODIES:
                yield method, base, {"content": body,
                                     "headers": {"content-type": "application/json"}}
            yield method, base, {"content": b'{"text": "x"}',
                                 "headers": {"content-type": "text/plain"}}
        for other in ("PUT", "DELETE", "PATCH"):
            yield other, base, {}
    yield "GET", "/api/no/such/route", {}
    yield "GET", "/api/events/%ED%A0%80/..%2F..%2F", {}


def _check(method: str, url: str, response: Any) -> str:
    """Return the answer's code ("200", "E608"...), failing on a 5xx or an uncoded error."""
    assert response.status_code < 500, (method, url[:120], response.text[:300])
    if response.status_code < 400:
        return str(response.status_code)
    body = json.loads(response.text)
    code = body["error"]["code"]
    assert code in CODES and body["error"]["message"].startswith(f"[{code}]"), (url[:120], body)
    return code


def test_api_probes_answer_with_coded_errors(client: TestClient) -> None:
    seen: Counter[str] = Counter()
    for method, url, options in _probes(client.app):
        seen[_check(method, url, client.request(method, url, **options))] += 1
    total = sum(seen.values())
    print(f"\n{total} probes: {dict(sorted(seen.items()))}")
    assert total >= 600
    assert {"E608", "E610", "E613", "E614", "E615"} <= set(seen)


def test_api_probes_edge_dates_select_the_whole_store(client: TestClient) -> None:
    everything = client.get("/api/network?since=0001-01-01&until=9999-12").json()
    assert everything == client.get("/api/network").json()
    assert client.get("/api/network?since=9999-12-31").json()["nodes"] == []
    series = client.get("/api/dyads/RUS/CHN/series?freq=month&since=0001&until=9999").json()
    assert series["summary"]["events"] > 0 and series["periods"][0]["period"] == "1678-01-01"
    too_long = client.get("/api/dyads/RUS/CHN/series?freq=day&since=0001&until=9999")
    assert too_long.status_code == 422 and too_long.json()["error"]["code"] == "E507"


def test_api_probes_bodies_are_answered(client: TestClient) -> None:
    answers = {}
    for name, body in BODIES:
        response = client.post("/api/code", content=body,
                               headers={"content-type": "application/json"})
        answers[name] = _check("POST", name, response)
    assert answers["surrogate"] == "200" and answers["surrogate id"] == "200"
    assert answers["deep body"] == "E615" and answers["too big"] == "E602"
    assert answers["not json"] == "E608" and answers["array"] == "E608"
    events = client.post("/api/code", content=BODIES[0][1],
                         headers={"content-type": "application/json"}).json()["events"]
    assert events and "\ufffd" not in events[0]["source"]["text"]


def test_api_probes_reads_stop_at_the_query_budget(client: TestClient) -> None:
    """The query budget holds on both stores: PostgreSQL through statement_timeout."""
    from realpolitik.errors import APIError

    st = client.app.state.api
    st.settings = st.settings.model_copy(update={"api_query_ms": 200})
    try:
        if st.store().backend.name == "postgresql":
            slow = "SELECT pg_sleep(5)"
        else:
            slow = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                    "SELECT count(*) FROM n")
        with pytest.raises(APIError) as err, st.reading() as store:
            store.backend.query(slow)
        assert err.value.code == "E612"
    finally:
        st.settings = st.settings.model_copy(update={"api_query_ms": 3000})
