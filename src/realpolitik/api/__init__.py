"""The HTTP API and dashboard: ``create_app(settings, db=...)`` returns a FastAPI app.

Run it with ``realpolitik serve`` (uvicorn, 127.0.0.1 by default) or mount it in any ASGI
server. Routes live in ``routes/`` (one module per resource), security defaults in
``security.py``, read-only queries the store does not offer in ``queries.py``.
"""

from __future__ import annotations

import logging

from realpolitik.api.app import create_app

logger = logging.getLogger(__name__)

__all__ = ["create_app"]
