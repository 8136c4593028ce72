"""Imports: GeoNames dumps and a user's sites join the index, persist, and keep ranking honest."""

from __future__ import annotations

import http.server
import threading
import zipfile
from pathlib import Path

import pytest

from gazetteer import DataError, Gazetteer, ImportFailed, distance_km
from gazetteer.sources import download_dump, import_file

from conftest import LOOKALIKES

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
def test_lookalikes_resolve_right_with_a_hint_and_are_flagged_without(with_lookalikes, name, hint,
                                                                       true_point):
    bare = with_lookalikes.resolve(name)
    assert bare.ambiguous, f"{name}: namesakes far apart must be reported"
    assert len(bare.candidates) >= 1
    hinted = with_lookalikes.resolve(name, admin1=hint)
    assert distance_km(*true_point, hinted.place.lat, hinted.place.lon) <= 5
    assert not hinted.ambiguous


def test_rumeilan_base_wins_over_villages_of_the_same_name(with_lookalikes):
    bare = with_lookalikes.resolve("الرميلان")
    assert bare.ambiguous
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
