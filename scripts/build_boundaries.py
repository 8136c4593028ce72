"""Build data/boundaries.json: governorate and district polygons of Syria and Iraq.

Why: every located incident needs its governorate (ISO 3166-2) and district from its point, and
region expressions ("ريف حلب الشمالي", "the Homs desert", "the Syria–Iraq border") are parts of
these polygons. `gazetteer/areas.py` reads the file this script writes.

Source: `admin1.geojson` and `admin2.geojson` of `shared/data/boundaries` (the current region and
county records of Who's On First whose geometry is from Mesoshapes; geometry CC0, names and codes
CC-BY, credit "Who's On First"). The desert rule also reads the bundled `data/geonames.layer.z`
(GeoNames, CC-BY 4.0) and the district seats of `data/admin.csv`.

What it does:
1. Cleans the 171 district polygons into one coverage (`shapely.coverage_clean`: shared edges
   made identical, slivers between neighbours narrower than GAP_DEG merged into the neighbour
   with the longest shared border) and simplifies that coverage with its topology kept
   (`shapely.coverage_simplify`, TOLERANCE_DEG), then quantizes to 1e-4 degree (about 11 m).
   Districts tile their governorates (checked on the source: every district lies >= 99.99 %
   inside one governorate), so a governorate is stored without geometry: it is the union of its
   districts, and the two levels can never disagree.
2. Joins each governorate to the project's `adm1:` rows (on ISO 3166-2; Halabja, which has no
   ISO code, on its HASC `IQ.HA`) and each district to the curated `adm2:` rows: the pair with
   the most similar names (folded, "Markaz"/"District" dropped) whose curated seat lies in the
   polygon or within JOIN_KM of it, one to one; JOIN_OVERRIDES records the few joins decided by
   hand. Districts no curated row matches keep Who's On First's name, cleaned (UNJOINED_NAMES).
   A district's governorate is the one holding most of it, except PARENT_OVERRIDES.
3. Derives the Syria–Iraq border as the shared edge of the two countries' polygons.
4. Derives each governorate's desert part ("بادية X"): see desert_of().

Output: one compact JSON file (coordinates as delta-encoded integers in 1e-4 degree), written
deterministically. The script fails when the file would exceed MAX_BYTES.

Run: /work/venv/bin/python scripts/build_boundaries.py [SOURCE_DIR]
     (default SOURCE_DIR: ../shared/data/boundaries next to the repository)
Needs shapely >= 2.2 (coverage_clean, coverage_simplify); the reader needs only shapely 2.0.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from rapidfuzz import fuzz
from shapely.geometry import shape
from shapely.ops import polylabel

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the gazetteer's own folding, from the checkout

from gazetteer.fold import fold, skeleton
from gazetteer.sources import bundled_layer

DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "boundaries"
OUT = REPO / "data" / "boundaries.json"
ADMIN_CSV = REPO / "data" / "admin.csv"
GEONAMES_LAYER = REPO / "data" / "geonames.layer.z"
TOWN_POPULATION = 500  # the cities500 threshold: the layer's Who's On First rows count no one

FORMAT = "incident-mapper boundaries"
VERSION = 1
SCALE = 10_000  # integer coordinates in 1e-4 degree (about 11 m)
# Slivers enclosed between districts narrower than this are closed (merged into the neighbour with
# the longest shared border). The widest in the source are ~0.008 degree, all along the Syria-Iraq
# border, where the two countries' records do not quite meet.
GAP_DEG = 0.01
# Visvalingam-Whyatt tolerance (about the square root of the area of removed triangles): 0.002
# degree keeps the boundaries within about half a kilometre of the source (measured and written
# into the file as hausdorff_km) at about a third of a megabyte.
TOLERANCE_DEG = 0.002
DESERT_TOLERANCE_DEG = 0.01  # the desert is a rough area: coarser is enough
MAX_BYTES = 1_000_000
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON = 111.320  # times cos(latitude)

# A curated district row joins a polygon when its seat lies in it or at most this far outside
# (district seats sit on rivers that are often the district boundary).
JOIN_KM = 15.0
JOIN_MIN_SCORE = 80.0  # name similarity 0..100 needed when the seat is outside the polygon
JOIN_MIN_SCORE_INSIDE = 65.0  # ... and when it is inside

# Joins decided by hand: Who's On First id -> curated id, and why.
JOIN_OVERRIDES: dict[int, tuple[str, str]] = {
    # Who's On First gives "Markaz Rif Dimashq" two records. This small one (about 60 km2 on the
    # western slope of Qasioun, north-west of Damascus) covers Qudsaya and al-Hamah, the two
    # sub-districts of Qudsaya District, and holds the curated seat of Qudsaya.
    1108779143: ("adm2:SY-qudsaya", "Qudsaya District (recorded as a second Markaz Rif Dimashq)"),
    # "al-Thawra" is the former name of Sadr City; Baghdad's Thawra 1 district holds the curated
    # Sadr City point.
    1108562789: ("adm2:IQ-sadr-city", "Sadr City (recorded as Thawra1)"),
}

# Districts without a curated row: Who's On First's name, cleaned (truncations, run-together
# numbers, missing Arabic), keyed by Who's On First id: (slug, name, name_ar).
UNJOINED_NAMES: dict[int, tuple[str, str, str]] = {
    1108779107: ("damascus", "Damascus", "دمشق"),
    1108779141: ("markaz-rif-dimashq", "Markaz Rif Dimashq District", "مركز ريف دمشق"),
    1108779187: ("fiq", "Fiq District", "فيق"),
    1108562729: ("shatt-al-arab", "Shatt al-Arab District", "شط العرب"),
    1108562771: ("adhamiyah", "Adhamiyah District", "الأعظمية"),
    1108562795: ("kadhimiyah", "Kadhimiyah District", "الكاظمية"),
    1108562793: ("karkh", "Karkh District", "الكرخ"),
    1108562739: ("madain", "Mada'in District", "المدائن"),
    1108562785: ("rusafa", "Rusafa District", "الرصافة"),
    1108562791: ("thawra-2", "Thawra 2 District", "الثورة 2"),
    1108562707: ("al-majar-al-kabir", "Al-Majar al-Kabir District", "المجر الكبير"),
    1108562721: ("al-khidhir", "Al-Khidhir District", "الخضر"),
    1108562809: ("al-fares", "Al-Fares District", "الفارس"),
    1108562797: ("al-tharthar", "Al-Tharthar District", "الثرثار"),
}

# Governorates decided by hand: Who's On First id of a district -> governorate, and why.
PARENT_OVERRIDES: dict[int, tuple[str, str]] = {
    # Who's On First puts Darbandikhan under Halabja. Halabja Governorate (2014) was made of the
    # old Halabja District (Halabja, Sirwan, Khurmal, Byara); Darbandikhan District stayed in
    # Sulaymaniyah, as data/admin.csv has it.
    1108562767: ("IQ-SU", "Darbandikhan District belongs to Sulaymaniyah"),
}

# Halabja has no ISO 3166-2 code; the project calls it IQ-HALABJA.
ADMIN1_BY_HASC = {"IQ.HA": "IQ-HALABJA"}

BORDERS = [  # (code, country a, country b, name, name_ar)
    ("SY-IQ", "SY", "IQ", "Syria–Iraq border", "الحدود السورية العراقية"),
]

# The desert rule (see desert_of). Which governorates have a desert at all is geography, not
# something the bundled data can tell: these hold parts of the Syrian Desert (Badiyat al-Sham),
# the Jazira steppe, or Iraq's Western and Southern Deserts, and are written "بادية X" in print.
DESERT_GOVERNORATES = frozenset({
    "SY-HI", "SY-DY", "SY-RA", "SY-HA", "SY-RD", "SY-SU", "SY-HM", "SY-HL",
    "IQ-AN", "IQ-NI", "IQ-SD", "IQ-KA", "IQ-NA", "IQ-MU", "IQ-BA",
})
DESERT_TOWN_BUFFER_KM = 15.0
DESERT_MIN_PIECE_KM2 = 500.0
DESERT_MIN_KM2 = 2_000.0
DESERT_MIN_SHARE = 0.3

_GENERIC = re.compile(r"\b(markaz|district|qada|qadaa)\b|منطقة|قضاء|مركز", re.IGNORECASE)


@dataclass(frozen=True)
class Feature:
    wof_id: int
    country: str
    name: str
    name_ar: str
    iso: str
    hasc: str
    parent_iso: str
    parent_hasc: str
    geometry: shapely.Geometry


def read_features(path: Path) -> list[Feature]:
    """The features of one source file, sorted by Who's On First id (the output must not depend
    on the order the source lists them in)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for f in data["features"]:
        p = f["properties"]
        out.append(Feature(
            int(p["wof_id"]), p["country"], p["name"] or "", p.get("name_ar") or "",
            p.get("iso_3166_2") or "", p.get("hasc") or "", p.get("parent_iso_3166_2") or "",
            p.get("parent_hasc") or "", shape(f["geometry"]),
        ))
    return sorted(out, key=lambda f: f.wof_id)


def read_curated(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as fh:
        return {r["id"]: r for r in csv.DictReader(fh) if r["kind"] in ("admin1", "admin2")}


# --- geometry helpers ------------------------------------------------------------------------

def to_km(geom, lat0: float, lon0: float = 0.0):
    """A local equirectangular frame in km (good to about 1 % over a governorate)."""
    kx = KM_PER_DEG_LON * math.cos(math.radians(lat0))
    return shapely.transform(geom, lambda xy: (xy - (lon0, lat0)) * (kx, KM_PER_DEG_LAT))


def from_km(geom, lat0: float, lon0: float = 0.0):
    kx = KM_PER_DEG_LON * math.cos(math.radians(lat0))
    return shapely.transform(geom, lambda xy: xy / (kx, KM_PER_DEG_LAT) + (lon0, lat0))


def quantize(geom):
    """Coordinates rounded to the file's grid; identical input vertices stay identical."""
    return shapely.transform(geom, lambda xy: np.round(xy * SCALE) / SCALE)


def hausdorff_km(a, b) -> float:
    """The discrete Hausdorff distance (vertices to the other's boundary, both ways) in km, as
    GEOS computes it but through a segment index: GEOS scans every pair, minutes here."""
    lat0 = a.centroid.y
    a, b = to_km(a, lat0), to_km(b, lat0)
    return max(_directed_km(a, b), _directed_km(b, a))


def _directed_km(a, b) -> float:
    segments = []
    for ring in shapely.get_parts(shapely.get_rings(shapely.get_parts(b))):
        xy = shapely.get_coordinates(ring)
        segments.append(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))
    tree = shapely.STRtree(np.concatenate(segments))
    _, dist = tree.query_nearest(shapely.points(shapely.get_coordinates(a)), return_distance=True,
                                 all_matches=False)
    return float(dist.max())


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(h))


def label_point(geom) -> tuple[float, float]:
    """(lat, lon) of the pole of inaccessibility of the largest piece, found in km."""
    lat0, lon0 = geom.centroid.y, geom.centroid.x
    km = to_km(geom, lat0, lon0)
    largest = max(getattr(km, "geoms", [km]), key=lambda g: g.area)
    p = from_km(polylabel(largest, tolerance=0.5), lat0, lon0)
    return round(p.y, 4), round(p.x, 4)


def cover_radius_km(geom, lat: float, lon: float) -> float:
    """Distance from the point to the farthest vertex: a disc of this radius covers the shape."""
    xy = shapely.get_coordinates(geom)
    return round(float(haversine_km(lat, lon, xy[:, 1], xy[:, 0]).max()), 1)


def area_km2(geom) -> float:
    return float(to_km(geom, geom.centroid.y).area)


def encode_ring(coords: np.ndarray) -> list[int]:
    """A ring as [x0, y0, dx1, dy1, ...] in 1e-4 degree, the closing vertex left out."""
    q = np.round(coords[:-1] * SCALE).astype(np.int64)
    d = np.vstack([q[:1], np.diff(q, axis=0)])
    return d.ravel().tolist()


def encode_line(coords: np.ndarray) -> list[int]:
    q = np.round(coords * SCALE).astype(np.int64)
    return np.vstack([q[:1], np.diff(q, axis=0)]).ravel().tolist()


def encode_polygons(geom) -> list[list[list[int]]]:
    """[[exterior, hole, ...], ...], exteriors counter-clockwise, polygons sorted for stability."""
    geom = shapely.orient_polygons(geom) if hasattr(shapely, "orient_polygons") else \
        shapely.geometry.polygon.orient(geom)
    polys = sorted(getattr(geom, "geoms", [geom]), key=lambda p: (-p.area, p.bounds))
    return [[encode_ring(np.asarray(p.exterior.coords))]
            + [encode_ring(np.asarray(r.coords)) for r in p.interiors] for p in polys]


# --- the coverage ----------------------------------------------------------------------------

def build_coverage(districts: list[Feature]) -> np.ndarray:
    """Cleaned, simplified, quantized district polygons that tile without gaps or overlaps."""
    if not hasattr(shapely, "coverage_clean"):
        raise SystemExit(f"shapely {shapely.__version__} lacks coverage_clean: needs >= 2.2")
    raw = np.array([d.geometry for d in districts])
    clean = shapely.coverage_clean(raw, gap_width=GAP_DEG)
    simple = shapely.coverage_simplify(clean, TOLERANCE_DEG)
    cells = snap_to_grid(simple)
    bad = [districts[i].name for i, g in enumerate(cells) if not g.is_valid or g.is_empty]
    if bad or not shapely.coverage_is_valid(cells):
        raise SystemExit(f"the simplified coverage is not valid (districts {bad})")
    return cells


def snap_to_grid(coverage: np.ndarray) -> np.ndarray:
    """The coverage with its vertices on the file's grid, still a valid coverage.

    Rounding each polygon alone can fold a narrow spike over itself, so the shared linework is
    snap-rounded once, cut into faces, and each face given back to the polygon that holds it
    (a face in no polygon, a rounding artefact, to its neighbour with the longest shared edge)."""
    lines = shapely.union_all(shapely.boundary(quantize(coverage)), grid_size=1 / SCALE)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    faces = faces[np.lexsort(np.array([shapely.bounds(faces)[:, i] for i in (1, 0)]))]
    tree = shapely.STRtree(coverage)
    owner = np.full(len(faces), -1)
    for f, c in zip(*tree.query(shapely.point_on_surface(faces), predicate="intersects")):
        if owner[f] < 0:
            owner[f] = c
    for f in np.flatnonzero(owner < 0):
        near = tree.query(faces[f], predicate="intersects")
        shared = [shapely.length(shapely.intersection(faces[f].boundary, coverage[c].boundary))
                  for c in near]
        owner[f] = near[int(np.argmax(shared))] if len(near) else -1
    return np.array([shapely.coverage_union_all(faces[owner == k]) for k in range(len(coverage))])


def source_governorate(districts: list[Feature]):
    """The union of the source's districts of one governorate, pinholes filled (the source's
    districts leave hundreds of sub-metre holes between them): what a governorate that
    PARENT_OVERRIDES changed is measured against."""
    union = shapely.union_all([d.geometry for d in districts])  # holes > ~1 km2 are real (Damascus)
    return shapely.union_all([
        shapely.Polygon(p.exterior, [r for r in p.interiors if shapely.Polygon(r).area > 1e-4])
        for p in getattr(union, "geoms", [union])])


def parent_of(district: Feature, governorates: list[Feature]) -> int:
    """The governorate holding most of the district (the source's parent is missing for two
    Quneitra districts; where both exist they agree)."""
    near = [i for i, g in enumerate(governorates) if shapely.intersects(district.geometry, g.geometry)]
    shares = [shapely.area(shapely.intersection(district.geometry, governorates[i].geometry))
              for i in near]
    return near[int(np.argmax(shares))]


# --- joining the curated rows ----------------------------------------------------------------

def _core(name: str) -> str:
    return " ".join(_GENERIC.sub(" ", name).split())


def name_score(a: str, b: str) -> float:
    a, b = _core(a), _core(b)
    if not a or not b:
        return 0.0
    score = fuzz.ratio(fold(a), fold(b))
    sa, sb = skeleton(a), skeleton(b)
    if sa and sb:
        score = max(score, fuzz.ratio(sa, sb))
    return float(score)


def join_districts(districts: list[Feature], cells, curated: dict[str, dict]) -> dict[int, str]:
    """Who's On First id -> curated adm2 id, one to one (see the module docstring)."""
    rows = [r for r in curated.values() if r["kind"] == "admin2"]
    joined = {wof: cid for wof, (cid, _) in JOIN_OVERRIDES.items()}
    taken = set(joined.values())
    rows = [r for r in rows if r["id"] not in taken]
    seats = shapely.points([(float(r["lon"]), float(r["lat"])) for r in rows])
    names = [[n for n in (r["name"], r["name_ar"], *r["aliases"].split("|")) if n] for r in rows]
    pairs = []
    for d, cell in zip(districts, cells):
        if d.wof_id in joined:
            continue
        lat0 = cell.centroid.y
        dist = shapely.distance(to_km(cell, lat0), to_km(seats, lat0))
        for k in np.flatnonzero(dist <= JOIN_KM):
            if rows[k]["country"] != d.country:
                continue
            score = max(name_score(a, b) for a in (d.name, d.name_ar) if a for b in names[k])
            if score >= JOIN_MIN_SCORE_INSIDE:
                pairs.append((-score, round(float(dist[k]), 3), d.wof_id, rows[k]["id"]))
    for neg_score, dist, wof, cid in sorted(pairs):
        if wof in joined or cid in taken:
            continue
        if -neg_score >= JOIN_MIN_SCORE or dist == 0:
            joined[wof] = cid
            taken.add(cid)
    return joined


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


# --- derived regions -------------------------------------------------------------------------

def read_towns(curated: dict[str, dict]) -> list[tuple[float, float]]:
    """Populated places for the desert rule: every place of the bundled layer with 500 people or
    more (the GeoNames cities500 rows; any country, since a town across the border also bounds a desert) and every curated
    district seat. Not only towns of 5,000 or more: GeoNames gives Iraq barely a hundred of
    those, which would leave its river valleys looking empty."""
    layer = bundled_layer()
    if layer is None:
        raise SystemExit(f"{GEONAMES_LAYER}: missing; run scripts/build_geonames.py first")
    towns = [(p.lat, p.lon) for p in layer.places() if p.population >= TOWN_POPULATION]
    towns += [(float(r["lat"]), float(r["lon"])) for r in curated.values() if r["kind"] == "admin2"]
    return sorted(set(towns))


def desert_of(code: str, governorate, towns: list[tuple[float, float]]):
    """For a governorate of DESERT_GOVERNORATES: the governorate minus DESERT_TOWN_BUFFER_KM
    around every populated place, keeping pieces of DESERT_MIN_PIECE_KM2 or more; None unless what
    is left is at least DESERT_MIN_KM2 and DESERT_MIN_SHARE of the governorate. A rule of thumb
    for "بادية X": the governorate's land far from towns."""
    lat0, lon0 = governorate.centroid.y, governorate.centroid.x
    gov = to_km(governorate, lat0, lon0)
    pts = to_km(shapely.points([(lon, lat) for lat, lon in towns]), lat0, lon0)
    near = pts[shapely.dwithin(pts, gov, DESERT_TOWN_BUFFER_KM)]
    discs = shapely.buffer(near, DESERT_TOWN_BUFFER_KM, quad_segs=16)
    rest = shapely.difference(gov, shapely.union_all(discs))
    pieces = [p for p in getattr(rest, "geoms", [rest]) if p.area >= DESERT_MIN_PIECE_KM2]
    kept = sum(p.area for p in pieces)
    if code not in DESERT_GOVERNORATES or kept < DESERT_MIN_KM2 or kept < DESERT_MIN_SHARE * gov.area:
        return None, kept, gov.area
    desert = from_km(shapely.MultiPolygon(pieces) if len(pieces) > 1 else pieces[0], lat0, lon0)
    desert = quantize(shapely.simplify(desert, DESERT_TOLERANCE_DEG))
    desert = shapely.make_valid(shapely.intersection(desert, governorate))
    desert = shapely.union_all([g for g in getattr(desert, "geoms", [desert])
                                if g.geom_type in ("Polygon", "MultiPolygon")])
    return desert, kept, gov.area


def shared_edge(a, b):
    """The boundary two adjacent shapes share, merged into as few lines as possible."""
    common = shapely.intersection(a.boundary, b.boundary)
    lines = [g for g in getattr(common, "geoms", [common])
             if g.geom_type in ("LineString", "MultiLineString")]
    return shapely.line_merge(shapely.union_all(lines))


# --- main ------------------------------------------------------------------------------------

def build(source: Path) -> dict:
    governorates = read_features(source / "admin1.geojson")
    districts = read_features(source / "admin2.geojson")
    curated = read_curated(ADMIN_CSV)
    cells = build_coverage(districts)

    admin1_code = []
    for g in governorates:
        code = g.iso or ADMIN1_BY_HASC.get(g.hasc, "")
        if f"adm1:{code}" not in curated:
            raise SystemExit(f"governorate {g.name} ({g.hasc}) has no adm1 row in {ADMIN_CSV.name}")
        admin1_code.append(code)

    parents = [parent_of(d, governorates) for d in districts]
    for k, d in enumerate(districts):
        if d.wof_id in PARENT_OVERRIDES:
            parents[k] = admin1_code.index(PARENT_OVERRIDES[d.wof_id][0])
    joined = join_districts(districts, cells, curated)

    areas2 = []
    for d, cell, parent in zip(districts, cells, parents):
        if d.wof_id in joined:
            row = curated[joined[d.wof_id]]
            code, name, name_ar = row["id"], row["name"], row["name_ar"]
        elif d.wof_id in UNJOINED_NAMES:
            s, name, name_ar = UNJOINED_NAMES[d.wof_id]
            code = f"adm2:{d.country}-{s}"
        else:
            raise SystemExit(f"district {d.name} ({d.wof_id}) is neither joined nor named in "
                             "UNJOINED_NAMES")
        if d.wof_id in joined and row["admin1"] != admin1_code[parent]:
            print(f"  note: {code} is in {row['admin1']} in {ADMIN_CSV.name}, "
                  f"in {admin1_code[parent]} by the polygons")
        lat, lon = label_point(cell)
        areas2.append({
            "code": code, "level": "admin2", "country": d.country, "admin1": admin1_code[parent],
            "name": name, "name_ar": name_ar, "curated": d.wof_id in joined,
            "source": f"wof:{d.wof_id}", "lat": lat, "lon": lon,
            "radius_km": cover_radius_km(cell, lat, lon), "area_km2": round(area_km2(cell)),
            "polygons": encode_polygons(cell), "_geom": cell, "_raw": d.geometry,
        })
    codes = [a["code"] for a in areas2]
    if len(set(codes)) != len(codes):
        raise SystemExit(f"duplicate district codes: {sorted(c for c in codes if codes.count(c) > 1)}")
    areas2.sort(key=lambda a: a["code"])

    towns = read_towns(curated)
    moved = {PARENT_OVERRIDES[d.wof_id][0] for d in districts if d.wof_id in PARENT_OVERRIDES}
    moved |= {admin1_code[parent_of(d, governorates)]
              for d in districts if d.wof_id in PARENT_OVERRIDES}
    areas1, deserts, worst = [], [], {}
    for g, code in sorted(zip(governorates, admin1_code), key=lambda t: t[1]):
        row = curated[f"adm1:{code}"]
        geom = shapely.coverage_union_all([a["_geom"] for a in areas2 if a["admin1"] == code])
        lat, lon = label_point(geom)
        areas1.append({
            "code": code, "level": "admin1", "country": g.country, "admin1": code,
            "name": row["name"], "name_ar": row["name_ar"], "curated": True,
            "source": f"wof:{g.wof_id}", "lat": lat, "lon": lon,
            "radius_km": cover_radius_km(geom, lat, lon), "area_km2": round(area_km2(geom)),
            "_geom": geom,
            "_raw": g.geometry if code not in moved else
            source_governorate([d for d, p in zip(districts, parents) if admin1_code[p] == code]),
        })
        desert, kept, total = desert_of(code, geom, towns)
        print(f"  desert {code:11} {kept:9.0f} of {total:9.0f} km2 far from towns"
              f" -> {'kept' if desert is not None else 'none'}")
        if desert is not None:
            dlat, dlon = label_point(desert)
            deserts.append({
                "admin1": code, "lat": dlat, "lon": dlon,
                "radius_km": cover_radius_km(desert, dlat, dlon), "area_km2": round(area_km2(desert)),
                "polygons": encode_polygons(desert),
            })

    for level, areas in (("admin1", areas1), ("admin2", areas2)):
        worst[level] = sorted(((hausdorff_km(a["_raw"], a["_geom"]), a["code"]) for a in areas),
                              reverse=True)

    country = {cc: shapely.coverage_union_all([a["_geom"] for a in areas2 if a["country"] == cc])
               for cc in ("SY", "IQ")}
    lines = []
    for code, a, b, name, name_ar in BORDERS:
        edge = shared_edge(country[a], country[b])
        parts = sorted(getattr(edge, "geoms", [edge]), key=lambda g: -g.length)
        mid = parts[0].interpolate(0.5, normalized=True)
        lat, lon = round(mid.y, 4), round(mid.x, 4)
        length = sum(float(to_km(p, p.centroid.y).length) for p in parts)
        print(f"  border {code}: {len(parts)} line(s), {length:.0f} km")
        lines.append({
            "code": code, "countries": [a, b], "name": name, "name_ar": name_ar,
            "lat": lat, "lon": lon, "radius_km": cover_radius_km(edge, lat, lon),
            "length_km": round(length), "paths": [encode_line(np.asarray(p.coords)) for p in parts],
        })

    for a in areas1 + areas2:
        del a["_geom"], a["_raw"]
    return {
        "format": FORMAT, "version": VERSION,
        "credit": "Who's On First (names and codes, CC-BY); Mesoshapes (geometry, CC0)",
        "source": "whosonfirst-data-admin-sy and -iq, current region and county records with "
                  "Mesoshapes geometry, cleaned and simplified by scripts/build_boundaries.py",
        "scale": SCALE, "tolerance_deg": TOLERANCE_DEG,
        "hausdorff_km": {lvl: round(w[0][0], 2) for lvl, w in worst.items()},
        "desert_rule": {"governorates": sorted(DESERT_GOVERNORATES),
                        "town_buffer_km": DESERT_TOWN_BUFFER_KM, "min_piece_km2": DESERT_MIN_PIECE_KM2,
                        "min_km2": DESERT_MIN_KM2, "min_share": DESERT_MIN_SHARE},
        "admin1": areas1, "admin2": areas2, "deserts": deserts, "lines": lines,
        "_worst": worst,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE,
                        help="folder holding admin1.geojson and admin2.geojson")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not (args.source / "admin2.geojson").is_file():
        raise SystemExit(f"no admin1.geojson / admin2.geojson in {args.source}")
    started = time.perf_counter()
    data = build(args.source)
    worst = data.pop("_worst")
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise SystemExit(f"{size} bytes is over the {MAX_BYTES} budget: raise TOLERANCE_DEG")
    args.output.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.output} ({size / 1e6:.3f} MB, {len(data['admin1'])} governorates, "
          f"{len(data['admin2'])} districts, {len(data['deserts'])} deserts, "
          f"{len(data['lines'])} line(s)) in {time.perf_counter() - started:.1f} s")
    for level, w in worst.items():
        top = ", ".join(f"{h:.2f} km ({code})" for h, code in w[:3])
        print(f"  Hausdorff distance to the source, {level}: median {w[len(w) // 2][0]:.2f} km,"
              f" worst {top}")


if __name__ == "__main__":
    main()
