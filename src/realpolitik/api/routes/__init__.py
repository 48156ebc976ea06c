"""The API's routes, one module per resource; ``ROUTERS`` lists them in mounting order."""

from __future__ import annotations

import logging

from realpolitik.api.routes import analysis, code, events, meta, web

logger = logging.getLogger(__name__)

ROUTERS = [meta.router, events.router, analysis.router, code.router, web.router]

__all__ = ["ROUTERS"]
