"""Locating incidents: the seed sample maps where it should, and no row of a messy table is lost."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from gazetteer import Place, distance_km
from mapper.errors import InputError, OutputError
from mapper.incidents import read_incidents
from mapper.locate import geo_precision, locate, write_located, write_review
from mapper.model import Incident

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "seed_incidents.csv"

# Where each place of the seed article is, from published coordinates (Wikipedia / GeoNames),
# written here independently of the gazetteer's own rows.
SEED_POINTS = {
    "حقل العمر": (35.15, 40.57),        # Al-Omar oil field, Deir ez-Zor
    "قاعدة الرميلان": (36.90, 42.00),   # Rmelan landing zone (Abu Hajar airfield), Hasakah
    "قاعدة المالكية": (37.17, 42.13),   # the base by Al-Malikiyah (Derik), Hasakah
    "قاعدة الشدادي": (36.05, 40.73),    # Al-Shaddadi, Hasakah
    "حقل كونيكو": (35.33, 40.30),       # Conoco gas field, Deir ez-Zor
    "حوض اليرموك": (32.77, 35.90),      # Yarmouk basin, western Daraa
    "كناكر": (33.27, 36.10),            # Kanaker, Rif Dimashq
    "السيدة زينب": (33.45, 36.33),      # Sayyidah Zaynab, Rif Dimashq
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# --- the seed sample -----------------------------------------------------------------------------

def test_seed_sample_every_row_mapped_near_its_place(gazetteer):
    incidents = read_incidents(SAMPLE)
    result = locate(incidents, gazetteer)
    assert len(incidents) == 10
    assert len(result.located) == 10 and result.review == []
    assert result.summary() == "10 rows read, 10 mapped, 0 sent to review"
    for item in result.located:
        lat, lon = SEED_POINTS[item.incident.location]
        km = distance_km(lat, lon, item.lat, item.lon)
        assert km <= item.radius_km + 5, (item.incident.location, item.place_id, round(km, 1))
        assert item.method in ("exact", "variant") and item.score >= 0.9


def test_seed_sample_records_place_and_precision(gazetteer):
    located = {item.incident.id: item for item in locate(read_incidents(SAMPLE), gazetteer).located}
    assert located["seed-005"].place_id == "site:shaddadi-base"
    assert located["seed-001"].place_id == "site:al-omar-oil-field"
    assert located["seed-007"].place_id == "site:conoco-gas-field"
    assert (located["seed-009"].place_name, located["seed-009"].precision) == ("Kanaker", 1)
    assert located["seed-008"].precision == 3          # the Yarmouk basin is a region
    assert located["seed-001"].precision == 2          # an oil field 8 km across


def test_seed_sample_dates_types_and_outcomes(gazetteer):
    by_id = {i.id: i for i in read_incidents(SAMPLE)}
    assert [by_id[f"seed-{n:03d}"].date for n in (1, 2, 7, 9, 10)] == [
        "2024-01-02", "2024-01-01", "2024-01-01", "2024-01-02", "2023-12-25"]
    assert (by_id["seed-001"].event_type, by_id["seed-001"].time) == ("rocket", "evening")
    assert (by_id["seed-002"].event_type, by_id["seed-002"].outcome) == ("drone", "intercepted")
    assert (by_id["seed-009"].event_type, by_id["seed-009"].actor) == ("airstrike", "Israel")
    assert by_id["seed-010"].fatalities == 1
    assert {i.source_url for i in by_id.values()} == {"https://www.alaraby.co.uk/"}


# --- precision -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, radius, expected", [
    ("settlement", 3.0, 1), ("site", 5.0, 1), ("site", 8.0, 2), ("admin2", 4.0, 2),
    ("settlement", 20.0, 2), ("site", 40.0, 3), ("admin1", 60.0, 3), ("region", 12.0, 3),
    ("country", 300.0, 3),
])
def test_geo_precision_by_kind_and_radius(kind, radius, expected):
    assert geo_precision(Place("x:1", "X", 35.0, 40.0, kind, radius_km=radius)) == expected


# --- nothing lost ----------------------------------------------------------------------------------

MESSY_HEADER = "ID,Date,Place,Lat,Lon,Type,Governorate,Country,Reporter,Confidence"
MESSY_ROWS = [
    "m1,2024-01-02,,35.15,40.57,rockets,,,AFP,high",            # coordinates given
    "m2,2024-01-02,قاعدة الشدادي,,,drone,SY-HA,SY,local,low",     # resolves
    "m2,2024-01-02,قاعدة الشدادي,,,drone,SY-HA,SY,local,low",     # its duplicate, kept
    "m3,2024-01,Qwertzuiopville,,,shelling,,SY,x,",              # unknown place
    "m4,2024,Hamidiyah,,,airstrike,,,y,",                        # several villages, far apart
    "m5,2024-01-02,كناكر,,,airstrike,SY-DI,SY,z,",               # wrong governorate hint
    "m6,2024-01-02,Kanakir,,,air strike,,SY,,",                  # a spelling variant
    "m7,2024-01-03,,40.7,36.3,drone,,,,",                        # lat and lon likely swapped
]
BAD_ROWS = [
    "b1,03/01/2024,Shaddadi,,,drone,,,,",
    "b2,2024-01-02,,,,drone,,,,",
]


def test_messy_table_bad_rows_are_named_errors(tmp_path):
    path = write(tmp_path, "messy.csv", "\n".join([MESSY_HEADER, *MESSY_ROWS, *BAD_ROWS]) + "\n")
    with pytest.raises(InputError) as caught:
        read_incidents(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(10, "Date"), (11, "Place")]
    assert "row 10, column 'Date': bad date '03/01/2024'" in str(caught.value)


def test_a_table_of_the_main_cities_maps_every_row_with_none_sent_to_review(tmp_path, gazetteer):
    rows = ["date,location,event_type"] + [
        f"2024-01-{day:02d},{name},airstrike" for day, name in enumerate(
            ["Mosul", "Ramadi", "Kobani", "Tabqa", "Raqqa", "الرقة", "Erbil", "Kirkuk", "Fallujah",
             "Manbij", "Deir ez-Zor", "Idlib", "Homs", "Tikrit", "Baiji", "Abu Kamal"], start=1)]
    result = locate(read_incidents(write(tmp_path, "cities.csv", "\n".join(rows) + "\n")), gazetteer)
    assert len(result.located) == 16 and not result.review, [(r.incident.location, r.reason) for r in result.review]


def test_a_governorate_that_agrees_with_the_place_record_is_no_doubt_where_boundaries_differ(
        tmp_path, gazetteer):
    # Gawilan camp is filed under Duhok; the bundled boundaries put its point in Nineveh.
    rows = ["date,location,admin1,lat,lon",
            "2024-01-02,Gawilan refugee camp,IQ-DA,,",
            "2024-01-03,,IQ-DA,36.33849,43.61581"]       # a bare point: the check still holds
    result = locate(read_incidents(write(tmp_path, "camps.csv", "\n".join(rows) + "\n")), gazetteer)
    assert len(result.located) == 2
    assert [(r.incident.row, r.reason) for r in result.review] == [
        (3, "admin1 disagrees (given IQ-DA, the point lies in IQ-NI)")]


def test_messy_table_every_row_mapped_or_reviewed_with_reason(tmp_path, gazetteer):
    incidents = read_incidents(write(tmp_path, "messy.csv", "\n".join([MESSY_HEADER, *MESSY_ROWS]) + "\n"))
    result = locate(incidents, gazetteer)
    mapped = {item.incident.row for item in result.located}
    review = {item.incident.row: item for item in result.review}
    only_review = {row for row, item in review.items() if not item.mapped}

    assert len(incidents) == len(MESSY_ROWS) == 8
    assert len(incidents) == len(result.located) + len(only_review) == result.read
    assert mapped | only_review == {i.row for i in incidents} and not mapped & only_review

    assert {2, 3, 4, 8} <= mapped and 2 not in review and 3 not in review and 4 not in review
    assert review[5].reason == "unresolved" and not review[5].mapped
    assert review[6].reason.startswith("ambiguous") and review[6].mapped
    assert len(review[6].candidates) >= 2 and "(gn:" in review[6].candidates[0]
    # The bundled layer holds the other Kanakir (As-Suwayda, GeoNames 168580): rows 7 and 8
    # name a place that really has a far namesake, so both are flagged ambiguous too.
    assert "low score" in review[7].reason and review[7].mapped
    assert "admin1 disagrees (given SY-DI, the point lies in SY-RD)" in review[7].reason
    assert review[7].candidates[0].startswith("Kanaker (place:kanaker, 0.")
    assert review[8].reason == "ambiguous" and review[8].mapped
    assert review[9].reason == "lat and lon may be swapped" and review[9].mapped
    assert result.summary() == ("8 rows read, 7 mapped, 5 sent to review "
                                "(1 unresolved, 3 ambiguous, 1 low score, 1 admin1 disagrees, "
                                "1 lat and lon may be swapped)")

    located = {item.incident.row: item for item in result.located}
    assert located[2].method == "given" and (located[2].lat, located[2].lon) == (35.15, 40.57)
    assert located[3].place_id == located[4].place_id == "site:shaddadi-base"
    assert located[8].place_id == "place:kanaker"
    assert located[3].incident.extra == (("Reporter", "local"), ("Confidence", "low"))
    # Governorate and district come from the point, through the bundled boundaries.
    assert (located[2].admin1, located[2].admin1_name) == ("SY-DY", "Deir ez-Zor")
    assert located[3].admin1 == "SY-HA" and located[3].admin2_name
    assert located[8].admin1 == "SY-RD" and located[8].admin2_name == "Qatana District"


def test_located_geojson_carries_every_field_and_extra_columns(tmp_path, gazetteer):
    incidents = read_incidents(write(tmp_path, "messy.csv", "\n".join([MESSY_HEADER, *MESSY_ROWS]) + "\n"))
    result = locate(incidents, gazetteer)
    out = tmp_path / "located.geojson"
    write_located(result, out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 7
    shaddadi = next(f for f in doc["features"] if f["properties"]["row"] == 3)
    props = shaddadi["properties"]
    assert shaddadi["geometry"]["coordinates"] == [pytest.approx(40.73, abs=0.05), pytest.approx(36.06, abs=0.05)]
    assert (props["Reporter"], props["Confidence"]) == ("local", "low")
    assert (props["location"], props["place_id"], props["method"], props["precision"]) == (
        "قاعدة الشدادي", "site:shaddadi-base", "exact", 1)
    assert {"id", "date", "date_precision", "event_type", "outcome", "score", "radius_km",
            "place_name", "source_url"} <= set(props)


def test_located_csv_reads_back_with_its_extra_columns(tmp_path, gazetteer):
    incidents = read_incidents(write(tmp_path, "messy.csv", "\n".join([MESSY_HEADER, *MESSY_ROWS]) + "\n"))
    result = locate(incidents, gazetteer)
    out = tmp_path / "located.csv"
    write_located(result, out)
    rows = read_csv(out)
    assert len(rows) == 7
    assert list(rows[0])[-2:] == ["Reporter", "Confidence"]
    assert rows[1]["place_id"] == "site:shaddadi-base" and rows[1]["Reporter"] == "local"
    again = read_incidents(out)                        # a located file is itself an input
    assert [(i.lat, i.lon) for i in again] == [
        (pytest.approx(x.lat, abs=1e-6), pytest.approx(x.lon, abs=1e-6)) for x in result.located]
    assert again[1].location == "قاعدة الشدادي"
    assert dict(again[1].extra)["place_id"] == "site:shaddadi-base"


def test_review_csv_lists_reason_candidates_and_fields(tmp_path, gazetteer):
    incidents = read_incidents(write(tmp_path, "messy.csv", "\n".join([MESSY_HEADER, *MESSY_ROWS]) + "\n"))
    out = tmp_path / "review.csv"
    write_review(locate(incidents, gazetteer), out)
    rows = {r["row"]: r for r in read_csv(out)}
    assert set(rows) == {"5", "6", "7", "8", "9"}  # 8: Kanakir has a namesake in As-Suwayda
    assert list(next(iter(rows.values())))[:7] == ["row", "location", "reason", "mapped", "candidates",
                                                   "place_id", "place_name"]
    assert (rows["5"]["location"], rows["5"]["reason"], rows["5"]["mapped"]) == (
        "Qwertzuiopville", "unresolved", "no")
    assert (rows["7"]["reason"], rows["7"]["mapped"], rows["7"]["place_id"]) == (
        "ambiguous; low score; admin1 disagrees (given SY-DI, the point lies in SY-RD)", "yes",
        "place:kanaker")
    assert rows["6"]["candidates"].count(";") >= 1
    assert (rows["9"]["lat"], rows["9"]["lon"], rows["5"]["lat"]) == ("40.7", "36.3", "")
    assert (rows["5"]["id"], rows["5"]["date"], rows["5"]["event_type"], rows["5"]["Reporter"]) == (
        "m3", "2024-01", "artillery", "x")


def test_unresolved_row_lists_the_places_it_may_mean(gazetteer):
    # Every hint contradicts Kanaker, so nothing scores enough to be mapped; it is suggested.
    incident = Incident(row=2, date="2024", date_precision="year", location="Kanaker",
                        country="IQ", admin1="IQ-BA")
    result = locate([incident], gazetteer)
    assert result.located == [] and result.read == 1
    (item,) = result.review
    assert (item.reason, item.mapped) == ("unresolved", False)
    assert item.candidates[0].startswith("Kanaker (place:kanaker, 0.")


def test_writers_refuse_unknown_extensions(tmp_path, gazetteer):
    result = locate([], gazetteer)
    with pytest.raises(OutputError):
        write_located(result, tmp_path / "out.kml")
    with pytest.raises(OutputError):
        write_review(result, tmp_path / "review.geojson")
    assert result.summary() == "0 rows read, 0 mapped, 0 sent to review"


def test_given_coordinates_win_over_the_location(gazetteer):
    incident = Incident(row=2, date="2024-01-02", date_precision="day", location="Kanaker",
                        lat=35.0, lon=40.0)
    (item,) = locate([incident], gazetteer).located
    assert (item.lat, item.lon, item.method, item.place_id, item.precision) == (35.0, 40.0, "given", "", 1)


def test_located_geojson_reads_back_as_given_points(tmp_path, gazetteer):
    result = locate(read_incidents(SAMPLE), gazetteer)
    out = tmp_path / "seed.geojson"
    write_located(result, out)
    again = read_incidents(out)
    assert [(i.id, i.lat, i.lon) for i in again] == [
        (x.incident.id, x.lat, x.lon) for x in result.located]
    assert dict(again[0].extra)["place_id"] == "site:al-omar-oil-field"
    assert again[0].description == result.located[0].incident.description


def test_given_point_of_a_known_place_keeps_its_radius_and_precision(tmp_path, gazetteer):
    result = locate(read_incidents(SAMPLE), gazetteer)
    out = tmp_path / "seed.csv"
    write_located(result, out)
    again = locate(read_incidents(out), gazetteer).located
    assert [(x.place_id, x.radius_km, x.precision) for x in again] == [
        (x.place_id, x.radius_km, x.precision) for x in result.located]
    assert {x.method for x in again} == {"given"}
    moved = Incident(row=2, date="2024-01-02", date_precision="day", lat=36.5, lon=39.0,
                     extra=(("place_id", "site:shaddadi-base"),))
    (item,) = locate([moved], gazetteer).located
    assert item.place_id == "" and item.radius_km == 0  # the point is not the place's


# --- implausible values go to review, never onto the map -----------------------------------------

@pytest.mark.parametrize("row, words", [
    ("2099-01-02,Kanaker,,,", "date 2099-01-02 is in the future"),
    ("9999-12-31,,35.1,40.5,", "date 9999-12-31 is in the future"),
    ("1850-01-01,Kanaker,,,", "date 1850-01-01 is before 1900"),
    ("2024-01-02T25:99,Kanaker,,,", "time '25:99' is no time of day"),
    ("2024-01-02,Kanaker,,,23:60", "time '23:60' is no time of day"),
    ("2024-01-02,,5,36,", "point (5, 36) is far outside the region mapped"),
    ('2024-01-02,,"35,500",40.1,', "lat '35,500' is ambiguous"),
])
def test_implausible_rows_go_to_review_only(tmp_path, gazetteer, row, words):
    path = write(tmp_path, "odd.csv", "date,location,lat,lon,time\n2024-01-02,Shaddadi,,,12:30\n" + row + "\n")
    result = locate(read_incidents(path), gazetteer)
    assert result.read == 2 and len(result.located) == 1
    (item,) = result.review
    assert not item.mapped and item.incident.row == 3
    assert item.reason.startswith("implausible (") and words in item.reason
    assert "1 implausible" in result.summary()


def test_today_is_a_plausible_date(gazetteer):
    import datetime as dt

    today = dt.date(2024, 1, 3)
    rows = [Incident(row=2, date="2024-01-04", date_precision="day", location="Kanaker"),
            Incident(row=3, date="2024-01-05", date_precision="day", location="Kanaker"),
            Incident(row=4, date="2024-02", date_precision="month", location="Kanaker")]
    result = locate(rows, gazetteer, today=today)
    assert [r.incident.row for r in result.located] == [2]
    assert [r.incident.row for r in result.unmapped] == [3, 4]


def test_review_of_columns_is_counted_without_making_its_incidents(tmp_path, gazetteer):
    from mapper.html import IncidentMap
    from mapper.incidents import read_incident_columns

    path = write(tmp_path, "messy.csv", "\n".join([MESSY_HEADER, *MESSY_ROWS * 50]) + "\n")
    result = locate(read_incident_columns(path), gazetteer)
    review = result.review
    assert len(review) == 5 * 50 and result.read == 8 * 50
    assert result.summary() == ("400 rows read, 350 mapped, 250 sent to review (50 unresolved, "
                                "150 ambiguous, 50 low score, 50 admin1 disagrees, "
                                "50 lat and lon may be swapped)")
    assert IncidentMap(result).unmapped == 50
    assert len(review._made) == 50          # only the unmapped ones were made
    items = list(review)
    assert [i.incident.row for i in items[:5]] == [5, 6, 7, 8, 9]
    assert (items[1].reason.startswith("ambiguous"), items[1].mapped, items[0].mapped) == (True, True, False)
    assert result.located_of(items[2]).place_id == "place:kanaker" and result.located_of(items[0]) is None
    assert items[-1] is review[-1] and review[1:3] == items[1:3]
