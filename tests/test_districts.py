"""Districts worked out ahead (gazetteer.districts): the stored admin2 of every bundled place is
the one the polygons give, it is used only where it applies, and `resolve --json` loads no
polygons for bundled places."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from gazetteer import Gazetteer, Place, districts
from gazetteer.areas import BOUNDARIES_FILE, Areas
from gazetteer.districts import boundaries_digest, curated_districts, district_name
from gazetteer.sources import Layer, bundled_layer, curated_places, write_layer

ROOT = Path(__file__).resolve().parents[1]
# Points of data/boundaries.json's districts (their Area points lie inside them).
SHADDADI = (36.05756, 40.73118)


@pytest.fixture(scope="module")
def areas() -> Areas:
    return Areas.bundled()


@pytest.fixture(scope="module")
def layer() -> Layer:
    found = bundled_layer()
    assert found is not None
    return found


def test_the_digest_is_of_the_boundaries_file_the_areas_read():
    assert districts.BOUNDARIES_FILE == BOUNDARIES_FILE


def test_bundled_layer_stores_districts_of_the_boundaries_shipped_now(layer):
    assert layer.districts_from == boundaries_digest()


def test_stored_districts_of_a_sample_of_layer_places_are_the_polygons_answer(layer, areas):
    rows = random.Random(300).sample(range(len(layer)), 300)
    named = 0
    for row in rows:
        place = layer.place(row)
        assert layer.district(row) == district_name(areas, place), place
        named += bool(layer.district(row))
    assert named >= 250  # nearly all lie in Syria or Iraq: the sample is not of empty answers


def test_stored_districts_of_every_layer_place_are_the_polygons_answer(layer, areas):
    places = list(layer.places())
    hits = areas.locate_many([p.lat for p in places], [p.lon for p in places])
    stored = layer.districts()
    assert len(stored) == len(places)
    wrong = [(p.id, stored[p.id], hit.admin2_name if hit else "")
             for p, hit in zip(places, hits) if stored[p.id] != (hit.admin2_name if hit else "")]
    assert not wrong, wrong[:5]


def test_curated_districts_are_the_polygons_answer_and_come_from_the_cache(tmp_path, areas,
                                                                           monkeypatch):
    places = curated_places()
    found = curated_districts(places, boundaries_digest(), tmp_path)
    latest = {p.id: p for p in places}
    assert found == {i: district_name(areas, p) for i, p in latest.items()}
    omar = latest["site:al-omar-oil-field"]
    assert found[omar.id] == areas.locate(omar.lat, omar.lon).admin2_name != ""
    assert found["adm1:SY-HA"] == ""
    (cached,) = tmp_path.glob("districts-*.tsv")
    # Read back without polygons; a moved place or other boundaries make a new entry.
    monkeypatch.setattr(Areas, "bundled", classmethod(lambda cls: pytest.fail("polygons loaded")))
    assert curated_districts(places, boundaries_digest(), tmp_path) == found
    monkeypatch.undo()
    moved = [replace(p, lat=p.lat + 0.5) if p.id == "site:al-omar-oil-field" else p for p in places]
    curated_districts(moved, boundaries_digest(), tmp_path)
    assert not cached.exists() and len(list(tmp_path.glob("districts-*.tsv"))) == 1


def test_admin2_of_bundled_places_loads_no_polygons(areas):
    gaz = Gazetteer.bundled()  # its own: the session's gazetteer may have loaded them already
    for name in ("حقل العمر", "Baghuz Fawqani", "Shaddaddiyy", "Kafranbelx", "Homs", "الشدادي"):
        match = gaz.resolve(name)
        assert match is not None, name
        for m in (match, *match.candidates):
            assert gaz.admin2_of(m.place) == district_name(areas, m.place), (name, m.place.id)
    assert gaz._areas is None


def test_a_place_moved_or_not_bundled_gets_its_district_from_the_polygons(areas):
    gaz = Gazetteer.bundled()
    baghuz = gaz.get("gn:171943")
    stored = gaz.admin2_of(baghuz)
    assert stored == areas.locate(baghuz.lat, baghuz.lon).admin2_name and stored
    moved = replace(baghuz, lat=SHADDADI[0], lon=SHADDADI[1])
    assert gaz.admin2_of(moved) == areas.locate(*SHADDADI).admin2_name != stored
    new = Place("user:x", "Somewhere", SHADDADI[0], SHADDADI[1], "site")
    gaz.add([new])
    assert gaz.admin2_of(new) == areas.locate(*SHADDADI).admin2_name


def _layer_with_districts(places: list[Place], name: str, boundaries: str) -> Layer:
    out = io.BytesIO()
    write_layer(places, out, {p.id: name for p in places}, boundaries)
    return Layer(out.getvalue(), "test.layer")


def test_districts_stored_from_other_boundaries_are_not_used(areas):
    place = Place("gn:9300001", "Shaddadi Test", SHADDADI[0], SHADDADI[1], "settlement",
                  country="SY", admin1="SY-HA")
    truth = areas.locate(*SHADDADI).admin2_name
    for boundaries, expected in (("0" * 20, truth), (boundaries_digest(), "Stored Name")):
        gaz = Gazetteer()
        gaz._attach(_layer_with_districts([place], "Stored Name", boundaries))
        assert gaz.admin2_of(gaz.get(place.id)) == expected, boundaries


def test_resolve_json_names_districts_without_importing_shapely_or_numpy():
    names = ["حقل العمر", "Baghuz Fawqani", "Shaddaddiyy", "Kafranbelx"]
    code = ("import sys; from mapper.cli import main\n"
            "try:\n    main(['resolve', *sys.argv[1:], '--json'])\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            "print('LOADED', 'numpy' in sys.modules, 'shapely' in sys.modules)")
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONPATH": path}, cwd=ROOT)

    run()  # the first run may work out the curated places' districts into the (session) cache
    out = run().stdout
    body, _, loaded = out.rpartition("LOADED")
    assert loaded.split() == ["False", "False"]
    results = json.loads(body)
    assert [r["query"] for r in results] == names
    assert all(r["match"] and r["match"]["admin2"] for r in results)
