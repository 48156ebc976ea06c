"""Alerts on alignment shifts: rules as data, evaluated on what changed since the last check,
stored with their figures and triggering events, and delivered to a signed webhook.

``AlertConfig.from_mapping(mapping)`` reads the ``alerts:`` mapping of a feeds file (None: the
documented defaults in ``alerts/data/defaults.yaml``); ``check_alerts(store, cfg)`` evaluates,
stores and delivers, and returns the new alerts. See docs/alerts.md.
"""

from __future__ import annotations

import logging

from realpolitik.alerts.check import check_alerts
from realpolitik.alerts.config import RULES, AlertConfig
from realpolitik.store.alerts import Alert, list_alerts

logger = logging.getLogger(__name__)

__all__ = ["RULES", "Alert", "AlertConfig", "check_alerts", "list_alerts"]
