"""Reading incident tables: every format, header aliases, dates, and errors that name file, row and column."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from mapper.errors import InputError, MapperError
from mapper.incidents import normalize_event_type, normalize_outcome, parse_date, read_incidents

HEADER = "id,date,location,lat,lon,event_type,actor,outcome,fatalities,admin1,country,notes"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def error_of(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_incidents(path)
    return caught.value


# --- formats -----------------------------------------------------------------------------------

def test_csv_reads_every_standard_field(tmp_path):
    path = write(tmp_path, "a.csv", HEADER + "\n"
                 "e1,2024-01-02,حقل العمر,,,rocket,Islamic Resistance in Iraq,hit,2,SY-DY,SY,claimed\n"
                 "e2,2024-01-01,,35.15,40.57,drone,,intercepted,,,,\n")
    first, second = read_incidents(path)
    assert (first.row, first.id, first.date, first.date_precision) == (2, "e1", "2024-01-02", "day")
    assert (first.location, first.lat, first.lon) == ("حقل العمر", None, None)
    assert (first.event_type, first.actor, first.outcome, first.fatalities) == (
        "rocket", "Islamic Resistance in Iraq", "hit", 2)
    assert (first.admin1, first.country, first.notes) == ("SY-DY", "SY", "claimed")
    assert (second.row, second.lat, second.lon, second.outcome, second.fatalities) == (
        3, 35.15, 40.57, "intercepted", None)


def test_csv_with_byte_order_mark_reads_first_header(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffid,date,location\nx1,2024-01-02,كناكر\n".encode("utf-8"))
    (incident,) = read_incidents(path)
    assert (incident.id, incident.location) == ("x1", "كناكر")
    assert incident.extra == ()


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_csv_delimiter_is_sniffed(tmp_path, delimiter):
    rows = ["date", "location", "description"], ["2024-01-02", "Shaddadi", "rockets, then drones"]
    path = write(tmp_path, "sniff.csv", "\n".join(delimiter.join(r) for r in rows) + "\n")
    (incident,) = read_incidents(path)
    assert (incident.location, incident.description) == ("Shaddadi", "rockets, then drones")


def test_tsv_with_commas_in_cells(tmp_path):
    path = write(tmp_path, "a.tsv", "date\tlocation\tnotes\n2024-01\tAl-Omar, Deir ez-Zor\ta, b, c\n")
    (incident,) = read_incidents(path)
    assert (incident.location, incident.notes, incident.date_precision) == (
        "Al-Omar, Deir ez-Zor", "a, b, c", "month")


def test_quoted_multiline_cell_keeps_file_line_numbers(tmp_path):
    path = write(tmp_path, "ml.csv", 'date,location,description\n'
                 '2024-01-02,Shaddadi,"two\nlines"\n'
                 '2024-01-02x,Kanaker,one\n')
    err = error_of(path)
    assert "row 4, column 'date'" in str(err)


def test_xlsx_first_sheet_with_date_cells(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Event Date", "Place", "Latitude", "Longitude", "Type", "Killed", "Reporter"])
    sheet.append([dt.datetime(2024, 1, 2), "Kanaker", None, None, "Air strike", 3, "AFP"])
    sheet.append(["2024-01", None, 36.05, 40.73, "UAV", None, None])
    sheet.append([2023, "Rmelan", None, None, "rockets", 0, "local"])
    other = book.create_sheet("ignored")
    other.append(["nothing", "here"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    a, b, c = read_incidents(path)
    assert (a.row, a.date, a.date_precision, a.event_type, a.fatalities) == (
        2, "2024-01-02", "day", "airstrike", 3)
    assert a.extra == (("Reporter", "AFP"),)
    assert (b.row, b.date, b.date_precision, b.lat, b.lon, b.event_type) == (
        3, "2024-01", "month", 36.05, 40.73, "drone")
    assert (c.date, c.date_precision, c.event_type, c.fatalities) == ("2023", "year", "rocket", 0)


def test_xlsx_errors_name_sheet_rows(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "location"])
    sheet.append(["2024-01-02", "Kanaker"])
    sheet.append(["02/01/2024", "Kanaker"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    err = error_of(path)
    assert str(err).startswith(str(path))
    assert "row 3, column 'date': bad date '02/01/2024'" in str(err)


def test_geojson_points_and_properties(tmp_path):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [40.57, 35.15]},
         "properties": {"Date": "2024-01-02", "Type": "rockets", "colour": "red"}},
        {"type": "Feature", "geometry": None,
         "properties": {"Date": "2024-01-01", "Place": "حقل كونيكو", "colour": "blue"}},
    ]}
    path = write(tmp_path, "a.geojson", json.dumps(doc, ensure_ascii=False))
    first, second = read_incidents(path)
    assert (first.row, first.lat, first.lon, first.event_type) == (1, 35.15, 40.57, "rocket")
    assert first.extra == (("colour", "red"),)
    assert (second.row, second.lat, second.location, second.extra) == (
        2, None, "حقل كونيكو", (("colour", "blue"),))


def test_geojson_non_point_geometry_names_the_feature(tmp_path):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [40.57, 35.15]},
         "properties": {"date": "2024-01-02"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[40, 35], [41, 36]]},
         "properties": {"date": "2024-01-02"}},
    ]}
    err = error_of(write(tmp_path, "line.geojson", json.dumps(doc)))
    assert "feature 2, column 'geometry'" in str(err) and "LineString" in str(err)


def test_json_lines_with_blank_line(tmp_path):
    lines = [json.dumps({"date": "2024-01-02", "site": "Shaddadi", "fatalities": 1, "tag": ["a"]}), "",
             json.dumps({"date": "2024", "lat": 33.27, "lng": 36.1, "fatalities": None})]
    first, second = read_incidents(write(tmp_path, "a.jsonl", "\n".join(lines) + "\n"))
    assert (first.row, first.location, first.fatalities, first.extra) == (
        1, "Shaddadi", 1, (("tag", '["a"]'),))
    assert (second.row, second.date_precision, second.lat, second.lon) == (3, "year", 33.27, 36.1)


def test_json_lines_bad_line_is_named(tmp_path):
    text = json.dumps({"date": "2024-01-02", "location": "Rmelan"}) + "\n{not json\n[1]\n"
    err = error_of(write(tmp_path, "bad.jsonl", text))
    assert "line 2: not JSON" in str(err) and "line 3: not a JSON object" in str(err)


def test_json_extension_holding_records_or_geojson(tmp_path):
    records = write(tmp_path, "list.json", json.dumps([{"date": "2024-01-02", "location": "Kanaker"}]))
    assert read_incidents(records)[0].location == "Kanaker"
    lines = write(tmp_path, "lines.json", '{"date": "2024", "location": "A"}\n{"date": "2024", "location": "B"}\n')
    assert [i.location for i in read_incidents(lines)] == ["A", "B"]


# --- columns and values --------------------------------------------------------------------------

def test_header_aliases_in_any_case(tmp_path):
    header = ("Event_ID,EVENT DATE,Site,Latitude,LNG,Event,Perpetrator,Result,Deaths,Wounded,"
              "Governorate,Country,Summary,Publisher,Link,Remarks,Time")
    row = ("7,2024-01-02,,35.1,40.5,Shelling,Unknown,struck,1,4,SY-DY,SY,text,Outlet,"
           "https://example.org/a,n,dawn")
    (incident,) = read_incidents(write(tmp_path, "alias.csv", header + "\n" + row + "\n"))
    assert (incident.id, incident.date, incident.lat, incident.lon) == ("7", "2024-01-02", 35.1, 40.5)
    assert (incident.event_type, incident.actor, incident.outcome) == ("artillery", "Unknown", "hit")
    assert (incident.fatalities, incident.injuries, incident.admin1, incident.country) == (1, 4, "SY-DY", "SY")
    assert (incident.description, incident.source, incident.source_url) == (
        "text", "Outlet", "https://example.org/a")
    assert (incident.notes, incident.time, incident.extra) == ("n", "dawn", ())


def test_x_and_y_columns_are_lon_and_lat(tmp_path):
    (incident,) = read_incidents(write(tmp_path, "xy.csv", "date,x,y\n2024-01-02,40.5,35.1\n"))
    assert (incident.lat, incident.lon) == (35.1, 40.5)


def test_extra_columns_kept_in_file_order(tmp_path):
    path = write(tmp_path, "extra.csv", "zeta,date,location,alpha,,notes,notes\n"
                 "z,2024-01-02,Kanaker,a,blank header,first,second\n")
    (incident,) = read_incidents(path)
    assert incident.notes == "first"
    assert incident.extra == (("zeta", "z"), ("alpha", "a"), ("column_5", "blank header"),
                              ("notes", "second"))


@pytest.mark.parametrize("text, expected", [
    ("2024-01-02", ("2024-01-02", "day", "")),
    ("2024-1-2", ("2024-01-02", "day", "")),
    ("2024-01", ("2024-01", "month", "")),
    ("2024", ("2024", "year", "")),
    ("2024-01-02T05:30:00", ("2024-01-02", "day", "05:30")),
    (dt.date(2024, 1, 2), ("2024-01-02", "day", "")),
    (dt.datetime(2024, 1, 2, 18, 0), ("2024-01-02", "day", "18:00")),
    (2024, ("2024", "year", "")),
])
def test_date_precision_is_kept(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["02/01/2024", "2024-13", "2024-02-30", "Jan 2024", "", "24"])
def test_non_iso_dates_are_rejected(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("text, expected", [
    ("Air strike", "airstrike"), ("airstrike", "airstrike"), ("غارة جوية", "airstrike"),
    ("UAV", "drone"), ("Drone strike", "drone"), ("طائرة مسيّرة", "drone"), ("مسيرة", "drone"),
    ("rockets", "rocket"), ("رشقة صاروخية", "rocket"), ("Ballistic missile", "missile"),
    ("shelling", "artillery"), ("قصف مدفعي", "artillery"), ("mortars", "artillery"),
    ("VBIED", "ied"), ("عبوة ناسفة", "ied"), ("Armed clash", "clash"), ("", "other"),
    ("claimed attack", "other"), ("بطائرات مسيرة", "drone"), ("Rockets/Mortars", "rocket"),
    ("air_strike", "airstrike"), ("Air/drone strike", "airstrike"), ("عبوات ناسفة", "ied"),
    ("طائرة بدون طيار", "drone"), ("كاتيوشا", "rocket"), ("shelled", "artillery"),
    ("غارة بطائرة مسيرة", "drone"), ("الدفاعات الجوية", "other"), ("مدفع رشاش", "other"),
])
def test_event_type_synonyms(text, expected):
    assert normalize_event_type(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Intercepted", "intercepted"), ("shot down", "intercepted"), ("تم اعتراضها", "intercepted"),
    ("claimed hit", "hit"), ("HIT", "hit"), ("", "unknown"), ("not known", "unknown"),
    ("white flag", "unknown"), ("unconfirmed hit", "unknown"), ("إصابة", "hit"),
    ("أسقطتها الدفاعات", "intercepted"),
])
def test_outcome_synonyms(text, expected):
    assert normalize_outcome(text) == expected


def test_unknown_event_type_and_outcome_keep_original(tmp_path):
    path = write(tmp_path, "odd.csv", "date,location,type,outcome,src\n"
                 "2024-01-02,Kanaker,sniper fire,missed,x\n")
    (incident,) = read_incidents(path)
    assert (incident.event_type, incident.outcome) == ("other", "unknown")
    assert incident.extra == (("src", "x"), ("event_type_original", "sniper fire"),
                              ("outcome_original", "missed"))


def test_decimal_comma_in_semicolon_table(tmp_path):
    (incident,) = read_incidents(write(tmp_path, "eu.csv", "date;lat;lon\n2024-01-02;35,15;40,57\n"))
    assert (incident.lat, incident.lon) == (35.15, 40.57)


# --- errors ------------------------------------------------------------------------------------

def test_input_error_is_a_value_error_and_a_mapper_error():
    assert issubclass(InputError, MapperError) and issubclass(InputError, ValueError)


def test_missing_file_is_an_input_error_naming_it(tmp_path):
    path = tmp_path / "nowhere.csv"
    err = error_of(path)
    assert str(err).startswith(str(path)) and "cannot read" in str(err)


def test_directory_is_unreadable(tmp_path):
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert "cannot read" in str(error_of(folder))


def test_unsupported_extension_lists_the_known_ones(tmp_path):
    err = error_of(write(tmp_path, "table.xls", "x"))
    assert "unsupported file type '.xls'" in str(err) and ".xlsx" in str(err)


def test_corrupt_workbook_is_an_input_error(tmp_path):
    err = error_of(write(tmp_path, "broken.xlsx", "not a zip"))
    assert "cannot read the workbook" in str(err)


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "cp1256.csv"
    path.write_bytes(b"date,location\n2024-01-02," + "كناكر\n".encode("cp1256"))
    err = error_of(path)
    assert "line 2" in str(err) and "not UTF-8" in str(err)


def test_empty_file_is_an_input_error(tmp_path):
    assert "empty" in str(error_of(write(tmp_path, "empty.csv", "\n\n")))


def test_no_location_and_no_coordinate_columns(tmp_path):
    err = error_of(write(tmp_path, "nocols.csv", "date,actor\n2024-01-02,X\n"))
    assert "no location column and no lat/lon columns" in str(err)
    assert "column 'location'" in str(err)


def test_lat_column_without_lon_column_and_no_location(tmp_path):
    err = error_of(write(tmp_path, "half.csv", "date,lat\n2024-01-02,35\n"))
    assert "a lat column but no lon column" in str(err)


def test_no_date_column(tmp_path):
    err = error_of(write(tmp_path, "nodate.csv", "location\nKanaker\n"))
    assert "no date column" in str(err)


@pytest.mark.parametrize("row, column, words", [
    ("2024-01-02,,,", "location", "neither a location nor coordinates"),
    ("2024-01-32,Kanaker,,", "date", "bad date '2024-01-32'"),
    (",Kanaker,,", "date", "missing date"),
    ("2024-01-02,,95,40", "lat", "latitude 95.0 out of range"),
    ("2024-01-02,,35,200", "lon", "longitude 200.0 out of range"),
    ("2024-01-02,,48.0,30.5", "lat", "lat and lon look swapped"),
    ("2024-01-02,,thirty,40", "lat", "not a number: 'thirty'"),
    ("2024-01-02,,35,", "lon", "lat given but lon is empty"),
])
def test_row_errors_name_file_row_and_column(tmp_path, row, column, words):
    path = write(tmp_path, "bad.csv", "date,location,lat,lon\n2024-01-02,Kanaker,,\n" + row + "\n")
    err = error_of(path)
    assert len(err.problems) == 1
    (problem,) = err.problems
    assert (problem.row, problem.column) == (3, column)
    assert words in problem.message
    assert str(err) == f"{path}: row 3, column {column!r}: {problem.message}"


def test_a_point_outside_the_region_is_kept_when_its_swap_is_not_inside(tmp_path):
    (incident,) = read_incidents(write(tmp_path, "far.csv", "date,lat,lon\n2024-01-02,51.5,-0.12\n"))
    assert (incident.lat, incident.lon) == (51.5, -0.12)


def test_bad_counts_are_errors(tmp_path):
    path = write(tmp_path, "counts.csv", "date,location,killed,injured\n"
                 "2024-01-02,Kanaker,two,-1\n2024-01-02,Kanaker,1.5,\n2024-01-02,Kanaker,n/a,3.0\n")
    err = error_of(path)
    assert [(p.row, p.column) for p in err.problems] == [(2, "killed"), (2, "injured"), (3, "killed")]


def test_every_row_error_is_collected_in_one_error(tmp_path):
    rows = "\n".join(f"2024-01-{d:02d}x,Kanaker" for d in range(1, 31))
    path = write(tmp_path, "many.csv", "date,location\n" + rows + "\n")
    err = error_of(path)
    assert len(err.problems) == 30
    message = str(err)
    assert message.splitlines()[0] == f"{path}: 30 problems"
    assert "row 2, column 'date'" in message and "row 21, column 'date'" in message
    assert "row 22," not in message and "... and 10 more" in message


def test_row_with_too_many_cells_is_an_error(tmp_path):
    err = error_of(write(tmp_path, "wide.csv", "date,location\n2024-01-02,Kanaker,surplus\n"))
    assert "row 2: 3 cells but the header has 2 columns" in str(err)


def test_trailing_empty_cells_are_not_an_error(tmp_path):
    (incident,) = read_incidents(write(tmp_path, "trail.csv", "date,location\n2024-01-02,Kanaker,,\n"))
    assert incident.location == "Kanaker"


# --- faults: odd files read right, or refused naming file, row and column --------------------

@pytest.mark.parametrize("doc, words", [
    ({"type": "FeatureCollection", "features": 5}, "'features' is a number, not an array"),
    ({"type": "FeatureCollection", "features": {}}, "'features' is an object, not an array"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None,
                                                 "properties": [1, 2]}]},
     "feature 1, column 'properties': 'properties' is an array, not an object"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None,
                                                 "properties": "str"}]},
     "feature 1, column 'properties': 'properties' is a string, not an object"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": "POINT (40 35)",
                                                 "properties": {"date": "2024-01-02"}}]},
     "feature 1, column 'geometry': geometry is a string, not a Point object"),
])
def test_malformed_geojson_is_refused_naming_what_is_wrong(tmp_path, doc, words):
    for name in ("a.geojson", "a.json"):
        err = error_of(write(tmp_path, name, json.dumps(doc)))
        assert str(err).splitlines()[0].startswith(f"{tmp_path / name}: ")
        assert words in str(err) and "no date column" not in str(err)


def test_geojson_nested_thousands_deep_is_an_input_error(tmp_path):
    err = error_of(write(tmp_path, "deep.geojson", "[" * 100_000 + "]" * 100_000))
    assert "nested too deeply" in str(err)


def test_broken_json_feature_collection_names_the_line(tmp_path):
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "date": "2024-01-02", "location": "Kanaker"}, "geometry": None}]}
    text = json.dumps(doc, indent=1)[:-3]
    err = error_of(write(tmp_path, "broken.json", text))
    (problem,) = err.problems
    assert problem.unit == "line" and problem.row == text.count("\n") + 1
    assert problem.message.startswith("not JSON")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_byte_order_mark_is_read(tmp_path, encoding):
    path = tmp_path / "u16.csv"
    path.write_bytes("date\tlocation\n2024-01-02\tكناكر\n2024-01-03\tShaddadi\n".encode(encoding))
    assert [(i.row, i.location) for i in read_incidents(path)] == [(2, "كناكر"), (3, "Shaddadi")]


def test_nul_bytes_in_utf8_are_an_input_error_naming_the_line(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"date,location\n2024-01-02,Kan\x00aker\n")
    err = error_of(path)
    assert "line 2: holds NUL characters" in str(err)


def test_cells_of_megabytes_are_read(tmp_path):
    text = "x" * 5_000_000
    (incident,) = read_incidents(write(tmp_path, "big.csv", f"date,location,description\n"
                                                          f"2024-01-02,Kanaker,{text}\n"))
    assert len(incident.description) == 5_000_000


def test_xlsx_cell_beyond_the_last_header_is_an_error_naming_the_cell(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["date", "location"])
    book.active.append(["2024-01-02", "Kanaker", None, "lost?"])
    path = tmp_path / "beyond.xlsx"
    book.save(path)
    (problem,) = error_of(path).problems
    assert problem.row == 2 and "cell D2 holds 'lost?'" in problem.message


def test_xlsx_formula_without_a_stored_value_is_an_error_naming_the_cell(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["date", "location"])
    book.active.append(["2024-01-02", '="Kan"&"aker"'])
    book.active.append(["2024-01-03", "Shaddadi"])
    path = tmp_path / "formula.xlsx"
    book.save(path)
    (problem,) = error_of(path).problems
    assert problem.row == 2 and "cell B2 holds the formula" in problem.message


def test_xlsx_rows_are_numbered_as_the_sheet_numbers_them(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A3"], sheet["B3"] = "date", "location"
    sheet["A5"], sheet["B5"] = "2024-01-02", "Kanaker"
    path = tmp_path / "late.xlsx"
    book.save(path)
    assert [i.row for i in read_incidents(path)] == [5]


@pytest.mark.parametrize("text, lat, doubt", [
    ('2024-01-02,"35,500",40.1', None, "lat '35,500' is ambiguous"),
    ('2024-01-02,"35,5",40.1', 35.5, None),
    ('2024-01-02,"35,1234",40.1', 35.1234, None),
])
def test_a_comma_before_three_digits_is_a_doubt_not_a_decimal(tmp_path, text, lat, doubt):
    (incident,) = read_incidents(write(tmp_path, "c.csv", "date,lat,lon\n" + text + "\n"))
    assert incident.lat == lat
    if doubt:
        assert len(incident.doubts) == 1 and doubt in incident.doubts[0]
    else:
        assert incident.doubts == ()


def test_boolean_coordinates_are_kept_as_doubts(tmp_path):
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "date": "2024-01-02"}, "geometry": {"type": "Point", "coordinates": [True, True]}}]}
    (incident,) = read_incidents(write(tmp_path, "b.geojson", json.dumps(doc)))
    assert (incident.lat, incident.lon) == (None, None)
    assert incident.doubts == ("lat 'true' is not a number", "lon 'true' is not a number")


def test_counts_with_thousands_separators(tmp_path):
    (incident,) = read_incidents(write(tmp_path, "k.csv", 'date,location,killed\n2024-01-02,Kanaker,"1,200"\n'))
    assert incident.fatalities == 1200
