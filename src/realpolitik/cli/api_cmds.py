"""``realpolitik serve``: the HTTP API and dashboard, or one request through it with ``--get``."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

import typer
from rich.console import Console

from realpolitik.cli.app import app, run_safely
from realpolitik.errors import APIError, Errors
from realpolitik.settings import Settings

logger = logging.getLogger(__name__)
console = Console()


def serve_settings(
    *, db: str | None, host: str | None, port: int | None, token: str | None
) -> Settings:
    """Return Settings with the command's options laid over; refuse open binds without a token.

    Raises: APIError E607 (non-loopback host and no token).
    """
    from realpolitik.api.security import is_loopback

    overrides: dict[str, Any] = {"host": host, "port": port, "api_token": token, "db": db}
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    if not is_loopback(settings.host) and not settings.api_token:
        raise APIError(Errors.E607.format(host=settings.host))
    return settings


def get_once(settings: Settings, path: str) -> tuple[int, str]:
    """Run one GET through the app in-process (no port opened); return status and body."""
    from fastapi.testclient import TestClient

    from realpolitik.api import create_app

    with TestClient(
        create_app(settings), base_url="http://127.0.0.1", client=("127.0.0.1", 0)
    ) as client:
        response = client.get(path)
    return response.status_code, response.text


@app.command("serve")
def serve_cmd(
    db: Annotated[
        str | None,
        typer.Option("--db", help="SQLite file or postgresql:// URL \\[default: settings.db]."),
    ] = None,
    host: Annotated[
        str | None, typer.Option("--host", help="Address to bind \\[default: 127.0.0.1].")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port \\[default: 8000].")] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", envvar="REALPOLITIK_API_TOKEN",
            help="Bearer token for non-local clients; needed to bind a non-loopback host.",
        ),
    ] = None,
    get: Annotated[
        str | None,
        typer.Option("--get", help="Print the answer to one GET (e.g. /api/health) and exit."),
    ] = None,
) -> None:
    """Serve the HTTP API and dashboard (http://127.0.0.1:8000/ by default)."""

    def run() -> None:
        settings = serve_settings(db=db, host=host, port=port, token=token)
        if get is not None:
            status, body = get_once(settings, get)
            _print_body(body)
            if status >= 400:
                raise typer.Exit(1)
            return
        import uvicorn

        from realpolitik.api import create_app
        from realpolitik.api.server import server_config

        application = create_app(settings)
        console.print(
            f"realpolitik: serving {settings.db} at http://{settings.host}:{settings.port}/ "
            "(Ctrl+C stops)", highlight=False, markup=False,
        )
        uvicorn.Server(server_config(application, settings)).run()

    run_safely(run)


def _print_body(body: str) -> None:
    """Print JSON pretty, anything else as it is."""
    try:
        console.print_json(json.dumps(json.loads(body)))
    except ValueError:
        console.print(body, highlight=False, markup=False, soft_wrap=True)
