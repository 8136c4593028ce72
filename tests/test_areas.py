"""Boundaries: points get their governorate and district, and region expressions become shapes."""

from __future__ import annotations

import csv
import itertools
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely

from gazetteer import GazetteerError, distance_km
from gazetteer.areas import SNAP_KM, Areas, EmptyRegion, UnknownArea

REPO = Path(__file__).resolve().parents[1]
BOUNDARIES = REPO / "data" / "boundaries.json"
SHARED_BOUNDARIES = REPO.parent / "shared" / "data" / "boundaries"
ALEPPO = (36.2021, 37.1343)
DEIR_EZ_ZOR = (35.3359, 40.1408)


@pytest.fixture(scope="module")
def areas() -> Areas:
    return Areas.bundled()


def _bearing(lat1, lon1, lat2, lon2) -> float:
    """Compass bearing in degrees from point 1 to point 2 (small distances, flat enough)."""
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.degrees(math.atan2(dx, lat2 - lat1)) % 360


def _off(bearing: float, wanted: float) -> float:
    """Signed difference of two bearings, -180..180."""
    return (bearing - wanted + 180) % 360 - 180


def _farthest_km(geom, lat, lon) -> float:
    xy = shapely.get_coordinates(geom)
    return max(distance_km(lat, lon, y, x) for x, y in xy)


# --- locate ----------------------------------------------------------------------------------

def test_seed_places_get_their_governorate_and_district(areas):
    shaddadi = areas.locate(36.05, 40.73)
    assert shaddadi.admin1 == "SY-HA" and shaddadi.inside
    assert (shaddadi.admin1_name, shaddadi.admin1_name_ar) == ("Al-Hasakah", "الحسكة")
    omar = areas.locate(35.05, 40.55)
    assert (omar.admin1, omar.admin2) == ("SY-DY", "adm2:SY-al-mayadin")
    assert omar.admin2_name == "Al-Mayadin District" and omar.admin2_name_ar == "الميادين"
    kanaker = areas.locate(33.27, 36.10)
    assert (kanaker.admin1, kanaker.admin2, kanaker.country) == ("SY-RD", "adm2:SY-qatana", "SY")


@pytest.mark.parametrize("city,lat,lon,admin1", [
    ("Baghdad", 33.3152, 44.3661, "IQ-BG"),
    ("Mosul", 36.3350, 43.1189, "IQ-NI"),
    ("Erbil", 36.1912, 44.0092, "IQ-AR"),
    ("Basra", 30.5085, 47.7804, "IQ-BA"),
    ("Ramadi", 33.4206, 43.3078, "IQ-AN"),
    ("Kirkuk", 35.4681, 44.3922, "IQ-KI"),
    ("Halabja", 35.1778, 45.9861, "IQ-HALABJA"),
    ("Darbandikhan", 35.1121, 45.6866, "IQ-SU"),  # Who's On First put it under Halabja
    ("Aleppo", *ALEPPO, "SY-HL"),
    ("Damascus", 33.5102, 36.2913, "SY-DI"),
    ("Homs", 34.7324, 36.7137, "SY-HI"),
    ("Deir ez-Zor", *DEIR_EZ_ZOR, "SY-DY"),
    ("Qamishli", 37.0522, 41.2314, "SY-HA"),
    ("Latakia", 35.5312, 35.7909, "SY-LA"),
])
def test_cities_fall_in_their_governorates(areas, city, lat, lon, admin1):
    hit = areas.locate(lat, lon)
    assert hit is not None and hit.admin1 == admin1, city
    assert areas.area(hit.admin2).admin1 == admin1


def test_every_point_of_a_grid_over_both_countries_gets_exactly_one_admin1(areas):
    governorates = areas.areas("admin1")
    lon, lat = np.meshgrid(np.arange(35.55, 48.8, 0.07), np.arange(29.05, 37.4, 0.07))
    lon, lat = lon.ravel(), lat.ravel()
    holders = np.zeros(lon.size, dtype=int)
    for g in governorates:
        holders += shapely.contains_xy(areas.geometry(g.code), lon, lat)
    assert holders.max() == 1  # no overlaps
    inside = holders == 1
    assert inside.sum() > 9000  # the grid covers both countries (~19,500 points in the box)
    hits = areas.locate_many(lat, lon)
    by_polygon = np.full(lon.size, "", dtype=object)
    for g in governorates:
        by_polygon[shapely.contains_xy(areas.geometry(g.code), lon, lat)] = g.code
    got = np.array([h.admin1 if h else "" for h in hits], dtype=object)
    assert (got[inside] == by_polygon[inside]).all()
    assert all(h is None or not h.inside for h, i in zip(hits, inside, strict=True) if not i)


def test_point_on_a_shared_edge_gets_one_answer_the_first_code(areas):
    a, b = "adm2:SY-al-mayadin", "adm2:SY-deir-ez-zor"
    edge = shapely.intersection(areas.geometry(a).boundary, areas.geometry(b).boundary)
    x, y = shapely.get_coordinates(edge)[len(shapely.get_coordinates(edge)) // 2]
    hits = areas.locate_many([y, y], [x, x])
    assert hits[0] == hits[1] and hits[0].admin2 == min(a, b) and hits[0].inside


def test_points_just_outside_snap_to_the_nearest_area_within_2_km(areas):
    latakia = areas.geometry("SY-LA")
    x, y = min(shapely.get_coordinates(latakia.exterior), key=lambda c: c[0])  # on the coast
    per_km = 1 / (111.32 * math.cos(math.radians(y)))
    near, far = areas.locate_many([y, y], [x - 1.0 * per_km, x - (SNAP_KM + 3) * per_km])
    assert near.admin1 == "SY-LA" and not near.inside
    assert far is None
    assert areas.locate(48.0, 20.0) is None  # far away


def test_bulk_lookup_grid_agrees_with_the_spatial_index(areas):
    rng = np.random.default_rng(8)
    lat, lon = rng.uniform(29, 37.5, 60_000), rng.uniform(35.5, 48.7, 60_000)
    xy = shapely.get_coordinates(areas.geometry("SY-DY"))[:500]  # vertices: on edges
    lat, lon = np.r_[lat, xy[:, 1]], np.r_[lon, xy[:, 0]]
    bulk = areas.locate_many(lat, lon)  # one call: the grid
    by_chunks = [h for i in range(0, lat.size, 5_000)  # small calls: the index alone
                 for h in areas.locate_many(lat[i:i + 5_000], lon[i:i + 5_000])]
    assert bulk == by_chunks
    assert sum(h is not None and not h.inside for h in bulk) > 100  # some snapped, too


def test_locate_many_matches_locate_and_skips_bad_coordinates(areas):
    lats = [36.05, float("nan"), 35.05, 91.0]
    lons = [40.73, 40.0, 40.55, 40.0]
    hits = areas.locate_many(np.array(lats), lons)
    assert hits == [areas.locate(36.05, 40.73), None, areas.locate(35.05, 40.55), None]
    with pytest.raises(ValueError):
        areas.locate_many([1.0, 2.0], [3.0])


# --- records ---------------------------------------------------------------------------------

def test_areas_carry_the_projects_codes_and_names(areas):
    assert len(areas.areas("admin1")) == 33 and len(areas.areas("admin2")) == 171
    with (REPO / "data" / "admin.csv").open(encoding="utf-8") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    for g in areas.areas("admin1"):
        assert (g.name, g.name_ar) == (rows[g.id]["name"], rows[g.id]["name_ar"])
    districts = areas.areas("admin2")
    assert len({d.code for d in districts}) == 171
    assert all(d.name and d.name_ar and d.admin1 in {g.code for g in areas.areas("admin1")}
               for d in districts)
    joined = [d for d in districts if d.curated]
    assert len(joined) >= 150
    for d in joined:  # a joined district's curated seat lies in it or within 15 km of it
        seat = shapely.Point(float(rows[d.code]["lon"]), float(rows[d.code]["lat"]))
        near = shapely.get_coordinates(shapely.shortest_line(seat, areas.geometry(d.code)))[1]
        assert distance_km(seat.y, seat.x, near[1], near[0]) <= 15, d.code
        assert d.name == rows[d.code]["name"]


def test_area_lookup_by_code_or_id(areas):
    assert areas.area("SY-HL").name == "Aleppo"
    assert areas.area("adm1:IQ-KI").name_ar == "كركوك"
    assert areas.area("adm2:SY-al-mayadin").admin1 == "SY-DY"
    assert areas.area("SY-al-mayadin") == areas.area("adm2:SY-al-mayadin")
    assert areas.area("IQ-HALABJA").id == "adm1:IQ-HALABJA"
    assert areas.area("XX-YY") is None


def test_area_point_lies_inside_and_radius_covers_it(areas):
    for a in areas.areas():
        geom = areas.geometry(a.code)
        assert shapely.contains_xy(geom, a.lon, a.lat), a.code
        assert _farthest_km(geom, a.lat, a.lon) <= a.radius_km + 0.2, a.code


# --- regions ---------------------------------------------------------------------------------

def test_northern_aleppo_lies_north_of_the_city_inside_the_governorate(areas):
    north = areas.part("SY-HL", "north")
    assert north.lat > ALEPPO[0] + 0.1
    assert areas.locate(north.lat, north.lon).admin1 == "SY-HL"
    assert shapely.covers(shapely.buffer(areas.geometry("SY-HL"), 1e-9), north.geometry)
    assert (north.name, north.name_ar) == ("northern Aleppo", "شمال حلب")


def test_eastern_deir_ez_zor_lies_east_of_the_city(areas):
    east = areas.part("SY-DY", "east")
    assert shapely.bounds(east.geometry)[0] > DEIR_EZ_ZOR[1]
    assert areas.locate(east.lat, east.lon).admin1 == "SY-DY"


def test_countryside_leaves_the_city_out(areas):
    rif = areas.part("SY-HL", None, exclude_city=(*ALEPPO, 12))
    city = shapely.Point(ALEPPO[1], ALEPPO[0])
    assert not shapely.intersects(rif.geometry, city)
    near = shapely.get_coordinates(shapely.shortest_line(city, rif.geometry))[1]
    assert 11.8 <= distance_km(*ALEPPO, near[1], near[0]) <= 12.2
    assert (rif.name, rif.name_ar) == ("Aleppo countryside", "ريف حلب")
    northern = areas.part("SY-HL", "north", exclude_city=(*ALEPPO, 12))
    assert northern.name_ar == "ريف حلب الشمالي"
    # the sector starts at the city, not at the governorate's centre (which lies east of it)
    assert abs(_off(_bearing(*ALEPPO, northern.lat, northern.lon), 0)) <= 45
    assert northern.lon < areas.geometry("SY-HL").centroid.x


@pytest.mark.parametrize("code", ["SY-HL", "SY-HI", "IQ-AN", "IQ-NI"])
def test_each_direction_points_its_way_from_the_centre(areas, code):
    centre = areas.geometry(code).centroid
    for direction, bearing in [("north", 0), ("northeast", 45), ("east", 90), ("southeast", 135),
                               ("south", 180), ("southwest", 225), ("west", 270), ("northwest", 315)]:
        part = areas.part(code, direction)
        off = _off(_bearing(centre.y, centre.x, part.lat, part.lon), bearing)
        assert abs(off) <= 45, (code, direction, off)
        assert areas.locate(part.lat, part.lon).admin1 == code
        assert _farthest_km(part.geometry, part.lat, part.lon) <= part.radius_km + 0.2


def test_central_part_surrounds_the_centre_with_a_quarter_of_the_area(areas):
    central = areas.part("SY-HI", "central")
    homs = areas.geometry("SY-HI")
    assert shapely.contains(central.geometry, homs.centroid)
    assert 0.1 < central.geometry.area / homs.area <= 0.26


def test_bad_part_requests_raise_named_errors(areas):
    with pytest.raises(ValueError, match="direction"):
        areas.part("SY-HL", "up")
    with pytest.raises(UnknownArea, match="SY-HL") as info:
        areas.part("SY-XX", "north")
    assert isinstance(info.value, GazetteerError) and isinstance(info.value, LookupError)
    with pytest.raises(EmptyRegion):
        areas.part("SY-DI", None, exclude_city=(33.51, 36.29, 60))


def test_homs_desert_is_the_badia_and_tartus_has_none(areas):
    badia = areas.desert("SY-HI")
    assert (badia.name, badia.name_ar, badia.kind) == ("Homs desert", "بادية حمص", "desert")
    assert areas.locate(badia.lat, badia.lon).admin1 == "SY-HI"
    assert distance_km(badia.lat, badia.lon, 34.7324, 36.7137) > 150  # far east of Homs city
    assert shapely.contains_xy(badia.geometry, badia.lon, badia.lat)
    assert areas.desert("IQ-AN") is not None and areas.desert("IQ-MU") is not None
    assert areas.desert("SY-TA") is None and areas.desert("IQ-AR") is None
    assert areas.desert("adm2:SY-palmyra") is None


def test_syria_iraq_border_is_the_shared_edge(areas):
    border = areas.border("Syria–Iraq border")
    assert border == areas.border("SY-IQ") == areas.border("iq-sy")
    assert border == areas.border("الحدود السورية العراقية")
    xy = shapely.get_coordinates(border.geometry)
    length = sum(distance_km(y1, x1, y2, x2) for (x1, y1), (x2, y2) in itertools.pairwise(xy))
    assert 570 <= length <= 630  # 599 km by the CIA World Factbook
    ends = {(round(y, 1), round(x, 1)) for x, y in (xy[0], xy[-1])}
    jordan, turkey = (33.37, 38.79), (37.11, 42.36)  # the tripoints
    assert any(distance_km(*jordan, *e) < 15 for e in ends)
    assert any(distance_km(*turkey, *e) < 15 for e in ends)
    for side in ("SY-DY", "SY-HA", "IQ-AN", "IQ-NI"):  # the governorates along the border
        assert shapely.distance(border.geometry, areas.geometry(side)) < 1e-9
    assert shapely.distance(border.geometry, shapely.Point(border.lon, border.lat)) < 1e-6
    assert _farthest_km(border.geometry, border.lat, border.lon) <= border.radius_km + 0.2
    with pytest.raises(UnknownArea, match="SY-IQ"):
        areas.border("Syria–Turkey border")


def test_region_geojson_for_maps(areas):
    feature = areas.part("SY-HL", "north").geojson()
    assert feature["type"] == "Feature" and feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert feature["properties"]["name_ar"] == "شمال حلب"
    assert areas.border("SY-IQ").geojson()["geometry"]["type"] == "LineString"
    collection = areas.feature_collection("admin1")
    assert len(collection["features"]) == 33
    assert {f["id"] for f in collection["features"]} >= {"SY-HA", "IQ-HALABJA"}


# --- the file and the module -----------------------------------------------------------------

def test_bundled_file_is_small_and_says_how_faithful_it_is(areas):
    assert BOUNDARIES.stat().st_size <= 1_000_000
    assert areas.hausdorff_km["admin1"] <= 1.0 and areas.hausdorff_km["admin2"] <= 3.0


def test_importing_areas_loads_no_geometry_library():
    code = ("import sys; import gazetteer.areas as a; a.Areas.bundled(); "
            "print('shapely' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(REPO), "PATH": ""})
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.skipif(not (SHARED_BOUNDARIES / "admin2.geojson").is_file(),
                    reason="../shared/data/boundaries is not here")
def test_build_script_reproduces_the_bundled_file(tmp_path):
    out = tmp_path / "boundaries.json"
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "build_boundaries.py"),
                          str(SHARED_BOUNDARIES), "-o", str(out)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == BOUNDARIES.read_bytes(), \
        "data/boundaries.json is stale: rerun scripts/build_boundaries.py"
