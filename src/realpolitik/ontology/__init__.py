"""CAMEO event codes, CAMEO actor codes and the CAMEO-to-PLOVER map, loaded from package data."""

from __future__ import annotations

import logging

from realpolitik.ontology.loader import (
    ActorCode,
    EventCode,
    Ontology,
    load_ontology,
    penta_class,
    quad_class,
)

logger = logging.getLogger(__name__)

__all__ = ["ActorCode", "EventCode", "Ontology", "load_ontology", "penta_class", "quad_class"]
