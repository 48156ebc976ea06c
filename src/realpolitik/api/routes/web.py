"""The dashboard page, its static files, the vendor scripts from installed packages, and /docs."""

from __future__ import annotations

import html
import logging
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, HTMLResponse

from realpolitik.api.assets import WEB_DIR, Assets
from realpolitik.errors import APIError, Errors

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

_SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>realpolitik API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/vendor/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/vendor/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script></body></html>
"""


PAGE_SCRIPTS = ("plotly.min.js", "cytoscape.min.js")
"""Vendor scripts the dashboard loads, in order, when installed."""


def dashboard_page(assets: Assets) -> str:
    """Return the dashboard HTML with script tags for the installed vendor scripts only."""
    tags = "\n".join(
        f'<script src="/vendor/{name}"></script>' for name in PAGE_SCRIPTS if assets.has(name)
    )
    page = (WEB_DIR / "index.html").read_text(encoding="utf-8")
    return page.replace("<!--vendor-scripts-->", tags)


@router.get("/")
def index(request: Request) -> HTMLResponse:
    """Serve the dashboard."""
    page = dashboard_page(request.app.state.assets)
    return HTMLResponse(page, headers={"cache-control": "no-cache"})


@router.get("/vendor/{name}")
def vendor(request: Request, name: Annotated[str, Path(pattern=r"^[a-z0-9.-]+$")]) -> FileResponse:
    """Serve a third-party script from its installed package (404 when not installed).

    Raises: APIError E611 (404) for an asset that is not installed.
    """
    assets: Assets = request.app.state.assets
    if not assets.has(name):
        raise APIError(Errors.E611.format(name=name))
    return FileResponse(assets.files[name], headers={"cache-control": "max-age=3600"})


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    """Serve the OpenAPI docs: Swagger UI when installed, else a plain list of the endpoints."""
    if request.app.state.assets.has("swagger-ui-bundle.js"):
        return HTMLResponse(_SWAGGER_PAGE)
    return HTMLResponse(plain_docs(request.app.openapi()))


def plain_docs(spec: dict) -> str:
    """Return an HTML page listing every operation of an OpenAPI spec with its parameters."""
    esc = html.escape
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(spec['info']['title'])}</title></head><body>",
        f"<h1>{esc(spec['info']['title'])} {esc(spec['info']['version'])}</h1>",
        '<p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p>',
    ]
    for path, operations in spec.get("paths", {}).items():
        for method, op in operations.items():
            parts.append(f"<h2>{esc(method.upper())} {esc(path)}</h2>")
            parts.append(f"<p>{esc(op.get('summary', ''))}</p>")
            params = op.get("parameters", [])
            if params:
                items = "".join(
                    f"<li><code>{esc(p['name'])}</code> ({esc(p['in'])}): "
                    f"{esc(p.get('description', ''))}</li>"
                    for p in params
                )
                parts.append(f"<ul>{items}</ul>")
    parts.append("</body></html>")
    return "".join(parts)
