"""The district (admin2 name) of each bundled place, worked out ahead of time.

`resolve --json` names the district of every match. Finding it in the polygons means importing
numpy and shapely and decoding every district (about 0.15 s), more than the rest of a cold
`resolve`. So the bundled places carry theirs: `scripts/build_geonames.py` stores the district
of every place of the populated-place layer in the layer, and the districts of the curated
tables' places are worked out once per change of the tables or the boundaries and kept in the
user's cache folder (as their name keys are). Every other place (imports, places given to
`Gazetteer.add`) is looked up in the polygons, as is a bundled one when anything differs.

A stored district answers for a place only when it was worked out from the boundaries file
shipped now (the file's digest is stored with it) and the place has the id, kind and point of
the record it was worked out for: those are all `district_name` reads, so the answer is the
one the polygons would give.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .files import write_cache
from .place import Place
from .sources import data_file, user_cache_dir

if TYPE_CHECKING:  # importing areas is light, but its geometry is not: only on a miss
    from .areas import Areas

BOUNDARIES_FILE = "boundaries.json"  # gazetteer.areas.BOUNDARIES_FILE, read here for its digest
RULE_VERSION = 1  # bump when `district_name` would answer differently for the same inputs
NO_DISTRICT = frozenset({"admin1", "region", "country"})  # kinds larger than a district


def district_name(areas: Areas, place: Place) -> str:
    """The district a place lies in (its own name for a district), by the polygons of `areas`;
    empty for a governorate, a region, a country or a place outside every district."""
    if place.kind in NO_DISTRICT:
        return ""
    own = areas.area(place.id) if place.kind == "admin2" else None
    if own is not None:
        return own.name
    hit = areas.locate(place.lat, place.lon)
    return hit.admin2_name if hit else ""


def same_record(stored: Place, place: Place) -> bool:
    """True when `place` has everything `district_name` reads of `stored`: id, kind, point."""
    return (stored.id == place.id and stored.kind == place.kind and stored.lat == place.lat
            and stored.lon == place.lon)


def boundaries_digest() -> str:
    """The digest of the bundled boundaries file, which stored districts must have been
    worked out from."""
    return hashlib.sha256(data_file(BOUNDARIES_FILE).read_bytes()).hexdigest()[:20]


def curated_districts(places: Iterable[Place], boundaries: str,
                      cache_dir: Path | None = None) -> dict[str, str]:
    """The district of each place by id (a later place of an id replaces an earlier one, as in
    the Gazetteer), from the bundled boundaries whose digest is `boundaries`.

    Kept in the user's cache folder under a digest of every place's id, kind and point, the
    boundaries' digest and RULE_VERSION; a read-only cache only costs the polygons each time.
    """
    latest = {p.id: p for p in places}
    digest = hashlib.sha256(f"{RULE_VERSION}\0{boundaries}".encode())
    for p in latest.values():
        digest.update(f"\0{p.id}\t{p.kind}\t{p.lat!r}\t{p.lon!r}".encode())
    cache = (cache_dir or user_cache_dir()) / f"districts-{digest.hexdigest()[:20]}.tsv"
    try:
        found = dict(line.split("\t") for line in cache.read_text(encoding="utf-8").splitlines())
        if found.keys() == latest.keys():
            return found
    except (OSError, ValueError, UnicodeDecodeError):
        pass
    from .areas import Areas

    areas = Areas.bundled()
    found = {i: district_name(areas, p) for i, p in latest.items()}
    write_cache(cache, "".join(f"{i}\t{name}\n" for i, name in found.items()))
    return found
