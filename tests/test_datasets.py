"""ACLED and UCDP GED exports read by their columns, any table by --columns, dates in any of
their forms, unreadable rows kept for review, and Parquet and GeoParquet in and out."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from shapely.geometry import Point

from gazetteer import distance_km
from mapper.cli import main
from mapper.encode import decode_block, encode
from mapper.errors import InputError
from mapper.incidents import ReadOptions, read_incidents
from mapper.locate import locate
from mapper.profiles import ACLED, GENERIC, UCDP_GED, detect, parse_columns

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
ACLED_SAMPLE = SAMPLES / "acled_sample.csv"
UCDP_SAMPLE = SAMPLES / "ucdp_ged_sample.csv"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def rewrite(rows: list[dict[str, str]], path: Path, drop: tuple[str, ...] = (), **changes) -> Path:
    names = [k for k in rows[0] if k not in drop]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=names, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, **{k: fn(row) for k, fn in changes.items()}})
    return path


def iso(acled_date: str) -> str:
    import datetime as dt

    return dt.datetime.strptime(acled_date, "%d %B %Y").date().isoformat()


# --- ACLED ---------------------------------------------------------------------------------------

def test_acled_and_ucdp_exports_are_recognised_by_their_columns():
    assert detect(table(ACLED_SAMPLE)[0]) is ACLED
    assert detect(table(UCDP_SAMPLE)[0]) is UCDP_GED
    assert detect(["date", "location", "event_type"]) is GENERIC


@pytest.mark.parametrize("form", ["export tool", "api"])
def test_acled_sample_renders_in_both_date_forms_with_its_types_tolls_precisions_and_ids(tmp_path, form):
    rows = table(ACLED_SAMPLE)
    source = ACLED_SAMPLE if form == "export tool" else rewrite(
        rows, tmp_path / "api.csv", event_date=lambda r: iso(r["event_date"]))
    located = tmp_path / "located.csv"
    result = run("render", source, "-o", tmp_path / "m.html", "--located", located, "--review",
                 tmp_path / "review.csv")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{len(rows)} rows read, {len(rows)} mapped")
    out = {r["id"]: r for r in table(located)}
    assert set(out) == {r["event_id_cnty"] for r in rows}
    for row in rows:
        got = out[row["event_id_cnty"]]
        assert got["event_label"] == row["sub_event_type"]
        assert got["event_type"] != "other"
        assert got["extra.event_type"] == row["event_type"]      # ACLED's own type kept
        assert int(got["fatalities"]) == int(row["fatalities"])
        assert got["country"] == row["country"] and got["iso"] == row["iso"]
        assert got["actor"] == row["actor1"] and got["actor2"] == row["actor2"]
        assert got["description"] == row["notes"]
        day = iso(row["event_date"])
        want_date = {"1": (day, "day"), "2": (day, "week"), "3": (day[:7], "month")}[row["time_precision"]]
        assert (got["date"], got["date_precision"]) == want_date
        assert int(got["precision"]) == int(row["geo_precision"])
        assert float(got["radius_km"]) == {"1": 0.0, "2": 25.0, "3": 60.0}[row["geo_precision"]]
        assert distance_km(float(got["lat"]), float(got["lon"]), float(row["latitude"]),
                           float(row["longitude"])) < 0.01


def test_acled_types_map_onto_ours_and_the_legend_uses_acleds_words(gazetteer):
    incidents = read_incidents(ACLED_SAMPLE)
    kinds = {(i.event_label, i.event_type) for i in incidents}
    assert ("Air/drone strike", "airstrike") in kinds
    assert ("Shelling/artillery/missile attack", "artillery") in kinds
    assert ("Remote explosive/landmine/IED", "ied") in kinds
    assert ("Armed clash", "clash") in kinds
    assert ("Peaceful protest", "demonstration") in kinds and ("Other", "strategic") in kinds
    assert all(i.event_type != "other" for i in incidents)
    block = encode(locate(incidents, gazetteer).located, "actor")
    legend = {(t["label"], t["key"], t["shape"]) for t in block.types}
    assert ("Air/drone strike", "airstrike", "triangle-down") in legend
    assert ("Arrests", "strategic", "triangle-right") in legend
    assert "Other" not in {t["label"] for t in block.types if t["key"] == "other"}


def test_acled_sample_without_coordinates_maps_nine_rows_in_ten_within_10_km(tmp_path, gazetteer):
    rows = table(ACLED_SAMPLE)
    path = rewrite(rows, tmp_path / "names.csv", drop=("latitude", "longitude"))
    result = locate(read_incidents(path), gazetteer)
    given = {r["event_id_cnty"]: (float(r["latitude"]), float(r["longitude"])) for r in rows}
    near = [r for r in result.located
            if distance_km(r.lat, r.lon, *given[r.incident.id]) <= 10]
    assert len(near) >= 0.9 * len(rows)
    # the precision ACLED gives stands when it is coarser than the place found
    month = next(r for r in result.located if r.incident.id == "SYR30021")
    assert month.precision == 3 and month.radius_km >= 60


# --- UCDP GED ------------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["iso", "day first"])
def test_ucdp_sample_renders_with_ranges_sides_best_estimates_and_precisions(tmp_path, form):
    rows = table(UCDP_SAMPLE)
    source, extra = UCDP_SAMPLE, []
    if form == "day first":
        def dmy(key):
            return lambda r: "/".join(reversed(r[key].split("-")))
        source = rewrite(rows, tmp_path / "dmy.csv", date_start=dmy("date_start"), date_end=dmy("date_end"))
        extra = ["--dayfirst"]
    located = tmp_path / "u.geojson"
    result = run("render", source, "-o", tmp_path / "u.html", "--located", located, *extra)
    assert result.exit_code == 0, result.output
    features = {f["properties"]["id"]: f for f in json.loads(located.read_text())["features"]}
    assert len(features) == len(rows)
    for row in rows:
        got = features[row["id"]]["properties"]
        assert got["fatalities"] == int(row["best"])
        assert (got["low"], got["high"]) == (row["low"], row["high"])
        assert got["actor"] == row["side_a"] and got["side_b"] == row["side_b"]
        assert got["date"] == row["date_start"]
        assert got["date_end"] == ("" if row["date_end"] == row["date_start"] else row["date_end"])
        precision, radius = {"1": (1, 0.0), "2": (2, 25.0), "3": (2, 25.0), "4": (3, 60.0)}[row["where_prec"]]
        assert (got["precision"], got["radius_km"]) == (precision, radius)
        assert got["event_label"] == {"1": "State-based conflict", "2": "Non-state conflict",
                                      "3": "One-sided violence"}[row["type_of_violence"]]
        assert got["event_type"] == ("civilians" if row["type_of_violence"] == "3" else "clash")


def test_a_range_of_days_spans_the_map_filter(gazetteer):
    result = locate(read_incidents(UCDP_SAMPLE), gazetteer)
    block = decode_block(encode(result.located).text, False)
    k = [r.incident.id for r in result.located].index("410006")   # 1 to 31 March 2023
    assert block["d1"][k] - block["d0"][k] == 30
    assert result.located[k].incident.date_precision == "month"


# --- any table -----------------------------------------------------------------------------------

def test_columns_option_maps_any_table(tmp_path):
    path = tmp_path / "own.csv"
    path.write_text("event_day,village,what,iso\n02/01/2024,Kanaker,shelling,760\n", encoding="utf-8")
    with pytest.raises(InputError, match="no date column"):
        read_incidents(path)
    options = ReadOptions(columns=parse_columns("date=event_day,location=village,event_type=what"),
                          dayfirst=True)
    (incident,) = read_incidents(path, options)
    assert (incident.date, incident.location, incident.event_type) == ("2024-01-02", "Kanaker", "artillery")
    result = run("render", path, "-o", tmp_path / "m.html", "--columns",
                 "date=event_day,location=village", "--date-format", "%d/%m/%Y")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value, words", [("date=nowhere", "--columns date=nowhere: no such column"),
                                          ("when=event_day", "'when' is no field"),
                                          ("date", "is not FIELD=COLUMN")])
def test_bad_columns_option_is_a_usage_error_naming_it(tmp_path, value, words):
    path = tmp_path / "own.csv"
    path.write_text("event_day,village\n2024-01-02,Kanaker\n", encoding="utf-8")
    result = run("render", path, "-o", tmp_path / "m.html", "--columns", value)
    assert result.exit_code == 2 and words in result.output


def test_numeric_dates_need_day_first_or_a_format_and_say_so(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["date", "location"])
    book.active.append(["03/01/2024", "Kanaker"])
    book.active.append(["13/01/2024", "Shaddadi"])
    path = tmp_path / "dmy.xlsx"
    book.save(path)
    with pytest.raises(InputError, match="give --dayfirst"):
        read_incidents(path)
    assert [i.date for i in read_incidents(path, ReadOptions(dayfirst=True))] == ["2024-01-03", "2024-01-13"]
    assert [i.date for i in read_incidents(path, ReadOptions(date_format="%d/%m/%Y"))] == [
        "2024-01-03", "2024-01-13"]


def test_bad_rows_go_to_review_and_every_row_is_kept(tmp_path):
    path = tmp_path / "messy.csv"
    path.write_text("date,location,lat,lon,killed\n"
                    "2024-01-02,Kanaker,,,1\n"
                    "2024-13-45,Shaddadi,,,2\n"
                    "2024-01-04,,95,40,\n"
                    "2024-01-05,Tanf,,,two\n"
                    "2024-01-06,Erbil airport,,,0,surplus\n"
                    "2024-01-07,حقل العمر,,,\n", encoding="utf-8")
    refused = run("render", path, "-o", tmp_path / "m.html")
    assert refused.exit_code == 2 and "4 problems" in refused.output
    review = tmp_path / "review.csv"
    result = run("render", path, "-o", tmp_path / "m.html", "--on-bad-rows", "review", "--review", review)
    assert result.exit_code == 0, result.output
    # Kanaker is mapped but ambiguous (a Kanakir lies in As-Suwayda too): the fifth review row.
    assert result.output.startswith("6 rows read, 2 mapped, 5 sent to review (4 unreadable, 1 ambiguous)")
    rows = {r["row"]: r for r in table(review)}
    assert set(rows) == {"2", "3", "4", "5", "6"} and rows["2"]["reason"] == "ambiguous"
    assert "unreadable" in rows["3"]["reason"] and "2024-13-45" in rows["3"]["reason"]
    assert "latitude 95.0 out of range" in rows["4"]["reason"]
    assert "not a whole number of people: 'two'" in rows["5"]["reason"]
    assert "3 cells but the header has 2 columns" not in rows["6"]["reason"]  # 6 cells, 5 columns
    assert "6 cells but the header has 5 columns" in rows["6"]["reason"]
    assert rows["4"]["location"] == "" and rows["5"]["location"] == "Tanf"


# --- Parquet -------------------------------------------------------------------------------------

def test_located_geoparquet_round_trip_keeps_crs_and_columns(tmp_path):
    out = tmp_path / "located.parquet"
    result = run("render", ACLED_SAMPLE, "-o", tmp_path / "m.html", "--located", out)
    assert result.exit_code == 0, result.output
    frame = gpd.read_parquet(out)
    assert frame.crs.to_epsg() == 4326 and len(frame) == len(table(ACLED_SAMPLE))
    first = frame.iloc[0]
    assert (first["id"], first["event_label"], first["fatalities"]) == ("SYR30001", "Air/drone strike", 2)
    assert distance_km(first.geometry.y, first.geometry.x, 35.9306, 36.6339) < 0.01
    # and read back as an incident table: the same points, types and precision
    again = tmp_path / "again.geojson"
    assert run("render", out, "-o", tmp_path / "m2.html", "--located", again).exit_code == 0
    back = {f["properties"]["id"]: f for f in json.loads(again.read_text())["features"]}
    assert back["SYR30001"]["geometry"]["coordinates"] == [36.6339, 35.9306]
    assert back["SYR30021"]["properties"]["precision"] == 3


def test_geoparquet_in_another_crs_is_read_in_wgs84(tmp_path, gazetteer):
    frame = gpd.GeoDataFrame({"date": ["2024-01-02"], "event_type": ["rocket"]},
                             geometry=[Point(40.73, 36.0564)], crs="EPSG:4326").to_crs("EPSG:32637")
    path = tmp_path / "utm.parquet"
    frame.to_parquet(path)
    (incident,) = read_incidents(path)
    assert distance_km(incident.lat, incident.lon, 36.0564, 40.73) < 0.01
    assert incident.event_type == "rocket" and incident.row == 1


def test_plain_parquet_with_typed_columns_reads_like_a_csv(tmp_path):
    table_ = pa.table({"date": pa.array([pa.scalar(1704153600, pa.timestamp("s"))], pa.timestamp("s")),
                       "lat": [35.15], "lon": [40.57], "killed": pa.array([2], pa.int64()),
                       "sources": [["A", None, "B"]]})
    path = tmp_path / "typed.parquet"
    pq.write_table(table_, path)
    (incident,) = read_incidents(path)
    assert (incident.date, incident.lat, incident.fatalities) == ("2024-01-02", 35.15, 2)
    assert incident.source == "A; B"


def test_resolve_reads_and_writes_parquet(tmp_path):
    source = tmp_path / "names.parquet"
    pq.write_table(pa.table({"place": ["الشدادي", "Xyzzyville"], "note": ["a", "b"]}), source)
    out = tmp_path / "resolved.parquet"
    result = run("resolve", "--input", source, "--column", "place", "--output", out)
    assert result.exit_code == 0, result.output
    frame = gpd.read_parquet(out)
    assert frame.crs.to_epsg() == 4326 and list(frame["place"]) == ["الشدادي", "Xyzzyville"]
    assert distance_km(frame.geometry.iloc[0].y, frame.geometry.iloc[0].x, 36.0564, 40.73) < 5
    assert frame.geometry.iloc[1] is None
