"""The API's guard: one ASGI middleware for hosts, tokens, rate limits, body size and headers.

In order, each request is checked for: a Host header the server answers to (loopback names
when bound to loopback; else also IP addresses, this machine's names and
``api_allowed_hosts``: a DNS-rebinding page always names its own host, so it is refused even
when its requests come from this machine, which needs no token), a path and query without NUL
characters (no store can hold them), a token when the client is not on this machine, the
client's rate limit, and a body no larger than ``max_request_bytes``. Every
response carries a Content-Security-Policy that lets pages load and fetch from this origin
only, so the dashboard cannot reach another host even by mistake. No CORS headers are sent.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import math
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from realpolitik.errors import Errors
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_COOKIE = "rp_token"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def is_loopback(host: str | None) -> bool:
    """Return True when ``host`` is a loopback address or ``localhost``."""
    if not host:
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_ip_address(host: str) -> bool:
    """Return True when ``host`` is an IPv4 or IPv6 address (no DNS name can rebind it)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def own_names(settings: Settings) -> frozenset[str]:
    """Return the host names an open server answers to: the bound name, this machine's names
    and ``api_allowed_hosts`` (lower case)."""
    names = {settings.host, socket.gethostname(), socket.getfqdn(), *settings.api_allowed_hosts}
    return frozenset(n.strip().lower().rstrip(".") for n in names if n and n.strip())


def host_name(header: str) -> str:
    """Return the host part of a Host header (``[::1]:8000`` gives ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def error_body(code: str, message: str) -> bytes:
    """Return the API's JSON error body."""
    return json.dumps({"error": {"code": code, "message": message}}).encode()


def _has_nul(scope: Scope) -> bool:
    """Return True when the request's path or query string holds a NUL, raw or %-encoded."""
    raw = (scope.get("raw_path") or b"") + b"?" + (scope.get("query_string") or b"")
    return b"%00" in raw or b"\x00" in raw or "\x00" in scope.get("path", "")


class Guard:
    """ASGI middleware enforcing the API's security defaults (see the module docstring).

    limiter: a RateLimiter (``take(client) -> seconds to wait``)
    """

    def __init__(self, app: ASGIApp, *, settings: Settings, limiter: Any) -> None:
        self.app = app
        self.settings = settings
        self.limiter = limiter
        self.local_only = is_loopback(settings.host)
        self.names = frozenset() if self.local_only else own_names(settings)

    def host_allowed(self, host: str) -> bool:
        """Return True when the server answers to the Host header's name ``host``."""
        if is_loopback(host):
            return True
        if self.local_only:
            return False
        return is_ip_address(host) or host.rstrip(".") in self.names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        client = (scope.get("client") or ("", 0))[0] or "unknown"
        refusal = self._refusal(scope, headers, client)
        if refusal:
            await self._reply(send, *refusal)
            return
        if self._token_in_query(scope):
            await self._set_cookie(send, secure=scope.get("scheme") == "https")
            return
        receive = await self._bounded(receive, headers, send)
        if receive is not None:
            await self.app(scope, receive, self._with_headers(send))

    def _refusal(
        self, scope: Scope, headers: dict[str, str], client: str
    ) -> tuple[int, str, str, list[tuple[bytes, bytes]]] | None:
        """Return (status, code, message, extra headers) when the request is refused."""
        host = host_name(headers.get("host", ""))
        if not self.host_allowed(host):
            return 400, "E610", Errors.E610.format(host=host, port=self.settings.port), []
        if _has_nul(scope):
            detail = "NUL characters (%00) are not accepted in paths or parameters"
            return 422, "E608", Errors.E608.format(detail=detail), []
        if not is_loopback(client) and not self._authorised(headers, scope):
            message = Errors.E606.format(client=client)
            return 401, "E606", message, [(b"www-authenticate", b"Bearer")]
        wait = self.limiter.take(client)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            message = Errors.E605.format(client=client, seconds=seconds)
            return 429, "E605", message, [(b"retry-after", str(seconds).encode())]
        return None

    def _authorised(self, headers: dict[str, str], scope: Scope) -> bool:
        """Return True when the request carries the configured token."""
        token = self.settings.api_token
        if not token:
            return False
        offered = [headers.get("authorization", "").removeprefix("Bearer ").strip()]
        cookie = SimpleCookie(headers.get("cookie", ""))
        if TOKEN_COOKIE in cookie:
            offered.append(cookie[TOKEN_COOKIE].value)
        offered += self._query_tokens(scope)
        return any(hmac.compare_digest(o.encode(), token.encode()) for o in offered if o)

    @staticmethod
    def _query_tokens(scope: Scope) -> list[str]:
        if scope.get("path") != "/":
            return []
        return parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])

    def _token_in_query(self, scope: Scope) -> bool:
        """True for ``GET /?token=...`` with the right token: answered by setting a cookie."""
        token = self.settings.api_token
        return bool(token) and any(
            hmac.compare_digest(t.encode(), token.encode()) for t in self._query_tokens(scope)
        )

    async def _set_cookie(self, send: Send, *, secure: bool) -> None:
        cookie = f"{TOKEN_COOKIE}={self.settings.api_token}; HttpOnly; SameSite=Strict; Path=/"
        if secure:
            cookie += "; Secure"
        headers = [(b"location", b"/"), (b"set-cookie", cookie.encode()), *SECURITY_HEADERS]
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    async def _bounded(
        self, receive: Receive, headers: dict[str, str], send: Send
    ) -> Receive | None:
        """Read the body (at most ``max_request_bytes``) and return a receive that replays it.

        Answers 413 and returns None when the body is larger.
        """
        limit = self.settings.max_request_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._reply(send, 413, "E602", Errors.E602.format(size=declared, limit=limit), [])
            return None
        if not declared and "transfer-encoding" not in headers:
            return receive
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return receive
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                message = Errors.E602.format(size=f">{limit}", limit=limit)
                await self._reply(send, 413, "E602", message, [])
                return None
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay

    def _with_headers(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in SECURITY_HEADERS if h[0] not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        return wrapped

    async def _reply(
        self, send: Send, status: int, code: str, message: str, extra: list[tuple[bytes, bytes]]
    ) -> None:
        body = error_body(code, message)
        headers = [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            *extra, *SECURITY_HEADERS,
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
