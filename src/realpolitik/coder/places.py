"""The gazetteer of places used to locate events: name -> country and coordinates.

Built by ``scripts/build_places.py`` from GeoNames (CC BY 4.0, credited in the data file).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources

from realpolitik.errors import Errors, LexiconError

logger = logging.getLogger(__name__)

DATA_FILE = "places.tsv"


@dataclass(frozen=True)
class Place:
    """A populated place with its country and coordinates."""

    name: str
    country: str
    lat: float
    lon: float
    population: int


class Gazetteer:
    """Look places up by name, case-insensitively; the most populous wins unless a country
    is given."""

    def __init__(self, places: list[Place], aliases: dict[str, list[Place]]) -> None:
        self.places = places
        self.by_name = aliases

    @classmethod
    def load(cls) -> Gazetteer:
        """Read the shipped table.

        Raises: LexiconError E002 naming the line of a malformed row.
        """
        text = (resources.files("realpolitik.coder.data") / DATA_FILE).read_text("utf-8")
        places: list[Place] = []
        aliases: dict[str, list[Place]] = {}
        header_seen = False
        for number, line in enumerate(text.splitlines(), start=1):
            if not line or line.startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                continue
            try:
                name, alternates, country, lat, lon, population = line.split("\t")
                place = Place(name, country, float(lat), float(lon), int(population))
            except ValueError as exc:
                raise LexiconError(
                    Errors.E002.format(path=DATA_FILE, line=number, detail=exc)
                ) from exc
            places.append(place)
            for alias in [name, *filter(None, alternates.split("|"))]:
                aliases.setdefault(alias.lower(), []).append(place)
        return cls(places, aliases)

    def find(self, name: str, *, country: str | None = None) -> Place | None:
        """Return the place called ``name`` (in ``country`` when given), else None."""
        candidates = self.by_name.get(name.lower().removeprefix("the "), [])
        if country:
            candidates = [p for p in candidates if p.country == country] or []
        return candidates[0] if candidates else None

    def __len__(self) -> int:
        return len(self.places)
