"""The API's routes, one module per resource; ``ROUTERS`` lists them in mounting order."""

from __future__ import annotations

import logging

from realpolitik.api.routes import alerts, analysis, code, events, feeds, meta, web

logger = logging.getLogger(__name__)

ROUTERS = [
    meta.router,
    events.router,
    analysis.router,
    code.router,
    feeds.router,
    alerts.router,
    web.router,
]

__all__ = ["ROUTERS"]
