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
    "E201": 503,
    "E303": 422,
    "E505": 503,
    "E506": 503,
    "E502": 503,
    "E507": 422,
    "E510": 503,
    "E511": 503,
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
    "E613": 404,
    "E614": 405,
    "E615": 400,
    "E617": 503,
    "E618": 503,
}
"""HTTP status per error code; codes not listed are server errors (500)."""
HTTP_CODES: dict[int, str] = {400: "E615", 404: "E613", 405: "E614"}
"""Catalogue code of the HTTP errors the framework raises itself."""


def status_of(code: str) -> int:
    """Return the HTTP status for an error code."""
    return STATUS.get(code, 500)


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """Return the API's JSON error response."""
    body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def http_error_message(request: Request, status: int, detail: object) -> tuple[str, str]:
    """Return the catalogue code and message of an HTTP error raised by the framework."""
    code = HTTP_CODES.get(status, "E619")
    if code == "E613":
        return code, Errors.E613.format(path=request.url.path)
    if code == "E614":
        return code, Errors.E614.format(method=request.method, path=request.url.path)
    if code == "E615":
        return code, Errors.E615.format(detail=detail)
    return code, Errors.E619.format(status=status, detail=detail)


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
        retry = getattr(exc, "retry_after", None)
        if status >= 500:  # load shed on purpose (retry_after) is not a server fault
            level = logging.INFO if retry else logging.ERROR
            logger.log(level, "%s %s: %s", request.method, request.url.path, exc)
        headers = {"retry-after": str(retry)} if retry else None
        return error_response(status, exc.code, str(exc), headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "E608", Errors.E608.format(detail=_describe(exc)))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code, message = http_error_message(request, exc.status_code, exc.detail)
        return error_response(exc.status_code, code, message, exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("%s %s failed", request.method, request.url.path)
        message = Errors.E616.format(kind=type(exc).__name__, path=request.url.path)
        return error_response(500, "E616", message)
