"""Place and Match: the gazetteer's small immutable records."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

KINDS = ("settlement", "site", "admin1", "admin2", "country", "region")


@dataclass(frozen=True, slots=True)
class Place:
    """One named thing on the ground, with how far it extends (`radius_km`) and where its row came from."""

    id: str
    name: str
    lat: float
    lon: float
    kind: str
    name_ar: str = ""
    aliases: tuple[str, ...] = ()
    feature: str = ""
    country: str = ""
    admin1: str = ""
    radius_km: float = 1.0
    population: int = 0
    source: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of the place, English first."""
        return tuple(n for n in (self.name, self.name_ar, *self.aliases) if n)

    @property
    def curated(self) -> bool:
        """True for rows the project wrote itself (ids `site:`, `adm1:`, ...), not GeoNames,
        Who's On First (`wof:`) or the user's rows."""
        return not self.id.startswith(("gn:", "wof:", "user:"))

    def as_dict(self) -> dict:
        """The JSON shape of DESIGN.md (without score and method)."""
        return {
            "id": self.id,
            "name": self.name,
            "name_ar": self.name_ar,
            "kind": self.kind,
            "feature": self.feature,
            "country": self.country,
            "admin1": self.admin1,
            "lat": self.lat,
            "lon": self.lon,
            "radius_km": self.radius_km,
        }


@dataclass(frozen=True, slots=True)
class Match:
    """A place found for a query: how well (`score` 0..1), how (`method`), by which name, and the runners-up."""

    query: str
    place: Place
    score: float
    method: str
    matched_name: str
    candidates: tuple[Match, ...] = field(default=(), compare=False)
    ambiguous: bool = False

    def as_dict(self) -> dict:
        """The `match` object of the JSON contract."""
        return {
            **self.place.as_dict(),
            "score": round(self.score, 3),
            "method": self.method,
            "ambiguous": self.ambiguous,
        }


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))
