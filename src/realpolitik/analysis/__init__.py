"""Analytics over the event store: dyad series, alignment network, blocs and shifts.

Every function takes an open ``Store`` and reads only its aggregates (and, for the events that
drove a shift, its events); none writes.
"""

from __future__ import annotations

import logging

from realpolitik.analysis.blocs import Blocs, find_blocs
from realpolitik.analysis.dyads import dyad_series, summarize
from realpolitik.analysis.network import alignment_network, dyad_table, edges_frame
from realpolitik.analysis.periods import FREQS, parse_day, parse_until
from realpolitik.analysis.shifts import detect_shifts

logger = logging.getLogger(__name__)

__all__ = [
    "FREQS",
    "Blocs",
    "alignment_network",
    "detect_shifts",
    "dyad_series",
    "dyad_table",
    "edges_frame",
    "find_blocs",
    "parse_day",
    "parse_until",
    "summarize",
]
