"""The one place API errors become HTTP responses: ``{"error": {"code", "message"}}``."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from realpolitik.errors import Errors, RealpolitikError

logger = logging.getLogger(__name__)

STATUS: dict[str, int] = {
    "E505": 503,
    "E506": 503,
    "E502": 503,
    "E507": 422,
    "E601": 404,
    "E602": 413,
    "E603": 422,
    "E604": 404,
    "E605": 429,
    "E606": 401,
    "E608": 422,
    "E609": 413,
    "E610": 400,
    "E611": 404,
    "E612": 400,
}
"""HTTP status per error code; codes not listed are server errors (500)."""


def status_of(code: str) -> int:
    """Return the HTTP status for an error code."""
    return STATUS.get(code, 500)


def error_response(status: int, code: str, message: str) -> JSONResponse:
    """Return the API's JSON error response."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _describe(exc: RequestValidationError) -> str:
    """Return a one-line account of what was wrong with a request's parameters or body."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into JSON error responses."""

    @app.exception_handler(RealpolitikError)
    async def realpolitik_error(request: Request, exc: RealpolitikError) -> JSONResponse:
        status = status_of(exc.code)
        if status >= 500:
            logger.error("%s %s: %s", request.method, request.url.path, exc)
        return error_response(status, exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "E608", Errors.E608.format(detail=_describe(exc)))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = f"HTTP{exc.status_code}"
        return error_response(exc.status_code, code, str(exc.detail))
