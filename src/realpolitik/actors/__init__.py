"""Actors: the knowledge base (countries, people with dated roles, IGOs, groups, agents) and the
resolver that turns each mention in a parsed article into a CAMEO actor."""

from __future__ import annotations

import logging

from realpolitik.actors.kb import Entry, KnowledgeBase, Role
from realpolitik.actors.loader import load_kb
from realpolitik.actors.mention import Mention
from realpolitik.actors.resolve import ActorResolver

logger = logging.getLogger(__name__)

__all__ = ["ActorResolver", "Entry", "KnowledgeBase", "Mention", "Role", "load_kb"]
