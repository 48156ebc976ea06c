"""``create_app``: the FastAPI application over one store, with the dashboard and its guard."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import realpolitik
from realpolitik.api import errors
from realpolitik.api.assets import WEB_DIR, Assets
from realpolitik.api.routes import ROUTERS
from realpolitik.api.security import Guard
from realpolitik.api.state import ApiState
from realpolitik.settings import Settings

if TYPE_CHECKING:
    from realpolitik.pipeline import Pipeline

logger = logging.getLogger(__name__)

DESCRIPTION = (
    "CAMEO-coded political events with their evidence: filtered event pages, dyad series, the "
    "alignment network, blocs, shifts, and coding of pasted text. Errors are JSON objects "
    '`{"error": {"code", "message"}}` with the catalogue code of realpolitik.errors.'
)


def create_app(
    settings: Settings | None = None,
    *,
    db: str | None = None,
    load_pipeline: Callable[[Settings], Pipeline] | None = None,
) -> FastAPI:
    """Return the API and dashboard app reading the store ``db`` (default ``settings.db``).

    load_pipeline: builds the coder for ``POST /api/code`` on first use (default
    ``realpolitik.load``)
    Raises: StoreError E501, E503, E505, E506 when the store cannot be opened.
    """
    settings = settings or Settings()
    state = ApiState(settings, db=db, load_pipeline=load_pipeline)
    state.check()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="realpolitik API", version=realpolitik.__version__, description=DESCRIPTION,
        docs_url=None, redoc_url=None, lifespan=lifespan,
    )
    app.state.api = state
    app.state.assets = Assets.find(settings)
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    app.add_middleware(Guard, settings=settings, limiter=state.limiter)
    return app
