"""The uvicorn server of ``realpolitik serve``: connection timeouts that uvicorn lacks.

uvicorn closes a keep-alive connection once it has been idle ``timeout_keep_alive`` seconds
after a response, but never one that connects and sends nothing, or sends a request a byte
at a time. :class:`TimedH11Protocol` gives each request ``api_header_timeout_s`` seconds from
the connection (or the previous response) to arrive whole, headers and body; slower
connections are closed, so idle sockets cannot pile up. Requests h11 cannot parse (a garbled
request line, headers over ``MAX_HEADER_BYTES``) get the API's JSON error body (E608), like
every other refusal.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from realpolitik.api.security import error_body
from realpolitik.errors import Errors
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)

MAX_HEADER_BYTES = 16_384
"""Largest request line plus headers h11 buffers before answering 400."""


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each whole request (``read_timeout``)."""

    read_timeout = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._read_timer: asyncio.TimerHandle | None = None
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """Answer a request h11 cannot parse with the API's JSON error body, then close."""
        body = error_body("E608", Errors.E608.format(detail=msg))
        headers = [(b"content-type", b"application/json"), (b"connection", b"close"),
                   (b"content-length", str(len(body)).encode())]
        try:
            self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers)))
            self.transport.write(self.conn.send(h11.Data(data=body)))
            self.transport.write(self.conn.send(h11.EndOfMessage()))
        except h11.LocalProtocolError:  # the response had already begun
            logger.debug("could not answer an unparsable request", exc_info=True)
        self.transport.close()

    def _arm(self) -> None:
        self._disarm()
        self._read_timer = self.loop.call_later(self.read_timeout, self._read_timed_out)

    def _disarm(self) -> None:
        timer = getattr(self, "_read_timer", None)
        if timer is not None:
            timer.cancel()
            self._read_timer = None

    def _read_timed_out(self) -> None:
        """Close the connection when its request has not fully arrived in time."""
        self._read_timer = None
        waiting = self.conn.their_state in (h11.IDLE, h11.SEND_BODY)
        if waiting and not self.transport.is_closing():
            logger.info("closing a connection from %s: no whole request in %ss",
                        self.client, self.read_timeout)
            self.transport.close()


def protocol_class(settings: Settings) -> type[TimedH11Protocol]:
    """Return the protocol class with the settings' request deadline."""
    return type(
        "TimedH11Protocol", (TimedH11Protocol,), {"read_timeout": settings.api_header_timeout_s}
    )


def server_config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """Return the uvicorn configuration serving ``app`` at the settings' host and port.

    options: more ``uvicorn.Config`` arguments (``log_level``, ``lifespan``)
    """
    options.setdefault("log_level", "warning")
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=protocol_class(settings),
        timeout_keep_alive=settings.api_keep_alive_s,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        server_header=False,
        **options,
    )
