"""The bad-input corpus: files a hostile but honest user feeds `incident-map render`, each with
what the tool must answer (exit code, first line, and where the rows went).

Small files live in tests/data/bad/ (run `python tests/bad_inputs.py` to write them again from
this table); large ones and workbooks (whose bytes carry a timestamp) are made at test time.
tests/test_bad_inputs.py runs every case.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "data" / "bad"

GOOD = "2024-01-02,Shaddadi,,\n"   # a row that maps (Shaddadi, Rif Dimashq)
HEAD = "date,location,lat,lon\n"


@dataclass(frozen=True)
class Case:
    """One file and the answer to it. `counts` is (rows read, mapped, only in review) for a
    run that exits 0; `first` the words its first line holds (the error, or the summary)."""

    name: str
    kind: str
    make: Callable[[], bytes]
    exit: int
    first: str
    counts: tuple[int, int, int] | None = None
    generated: bool = False   # made at test time: large, or not byte-for-byte reproducible


def text(s: str, encoding: str = "utf-8") -> Callable[[], bytes]:
    return lambda: s.encode(encoding)


def doc(value: object, **dumps: object) -> Callable[[], bytes]:
    return lambda: json.dumps(value, ensure_ascii=False, **dumps).encode("utf-8")


def lines(*records: object) -> Callable[[], bytes]:
    return lambda: "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                           for r in records).encode("utf-8")


def feature(props: object, geometry: object = None, **extra: object) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry, **extra}


def collection(*features: object) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def point(lon: object, lat: object) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


OK_FEATURE = feature({"date": "2024-01-02", "location": "Shaddadi"})


def workbook(rows: list[list[object]], start_row: int = 1, patch: Callable[[str], str] | None = None
             ) -> Callable[[], bytes]:
    """An .xlsx of `rows` from `start_row`; `patch` edits the sheet's XML (to store a formula's
    value, which openpyxl cannot write)."""
    def make() -> bytes:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        for r, row in enumerate(rows, start=start_row):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(r, c, value)
        out = io.BytesIO()
        book.save(out)
        if patch is None:
            return out.getvalue()
        source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
        patched = io.BytesIO()
        with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as zf:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = patch(data.decode("utf-8")).encode("utf-8")
                zf.writestr(item, data)
        return patched.getvalue()
    return make


def nested(depth: int, record: bool = False) -> Callable[[], bytes]:
    def make() -> bytes:
        inner = "[" * depth + "]" * depth
        if record:
            return ('{"date": "2024-01-02", "location": "Shaddadi", "tags": ' + inner + "}\n").encode()
        return inner.encode()
    return make


CASES: list[Case] = [
    # --- delimited tables: structure ---------------------------------------------------------
    Case("empty.csv", "csv structure", text(""), 2, "the file is empty"),
    Case("blank_lines.csv", "csv structure", text("\n\n  \n"), 2, "the file is empty"),
    Case("commas_only.csv", "csv structure", text(",,,\n,,\n"), 2, "no header row"),
    Case("header_only.csv", "csv structure", text(HEAD), 0, "0 rows read", (0, 0, 0)),
    Case("no_date_column.csv", "csv structure", text("location\nShaddadi\n"), 2, "no date column"),
    Case("no_place_columns.csv", "csv structure", text("date,actor\n2024-01-02,X\n"), 2,
         "no location column and no lat/lon columns"),
    Case("lat_without_lon.csv", "csv structure", text("date,lat\n2024-01-02,35\n"), 2,
         "a lat column but no lon column"),
    Case("too_many_cells.csv", "csv structure", text(HEAD + GOOD + "2024-01-02,Shaddadi,,,surplus\n"), 2,
         "row 3: 5 cells but the header has 4 columns"),
    Case("trailing_empty_cells.csv", "csv structure", text(HEAD + "2024-01-02,Shaddadi,,,,,\n"), 0,
         "1 rows read, 1 mapped", (1, 1, 0)),
    Case("short_rows.csv", "csv structure", text(HEAD + "2024-01-02,Shaddadi\n"), 0,
         "1 rows read, 1 mapped", (1, 1, 0)),
    Case("unterminated_quote.csv", "csv structure", text(HEAD + GOOD + '2024-01-02,"Shaddadi,,\n' + GOOD),
         2, "row 3: cannot split the table: a quoted cell is never closed"),
    Case("text_after_quote.csv", "csv structure", text(HEAD + '2024-01-02,"Kana"ker,,\n'), 2,
         "row 2: cannot split the table: ',' expected after '\"'"),
    # the same faults past the first megabyte, where the fast reader must find them too
    Case("text_after_quote_late.csv", "csv structure",
         text(HEAD + GOOD * 60_000 + '2024-01-02,"Kana"ker,,\n'), 2,
         "row 60002: cannot split the table: ',' expected after '\"'", generated=True),
    Case("unterminated_quote_late.csv", "csv structure",
         text(HEAD + GOOD * 60_000 + '2024-01-02,"Shaddadi,,\n' + GOOD), 2,
         "row 60002: cannot split the table: a quoted cell is never closed", generated=True),
    Case("duplicate_headers.csv", "csv structure",
         text("date,location,notes,notes\n2024-01-02,Shaddadi,a,b\n"), 0, "1 rows read", (1, 1, 0)),
    Case("blank_header_cells.csv", "csv structure", text("date,,location,\n2024-01-02,x,Shaddadi,y\n"),
         0, "1 rows read", (1, 1, 0)),
    Case("long_header.csv", "csv structure", text("date,location," + "h" * 5000 + "\n2024-01-02,Shaddadi,v\n"),
         0, "1 rows read", (1, 1, 0)),
    Case("crlf.csv", "csv structure", text((HEAD + GOOD * 2).replace("\n", "\r\n")), 0, "2 rows read",
         (2, 2, 0)),
    Case("cr_only.csv", "csv structure", text((HEAD + GOOD * 2).replace("\n", "\r")), 0, "2 rows read",
         (2, 2, 0)),
    Case("semicolons_decimal_comma.csv", "csv structure",
         text("date;lat;lon\n2024-01-02;35,15;40,57\n"), 0, "1 rows read, 1 mapped", (1, 1, 0)),
    Case("tabs.tsv", "csv structure", text("date\tlocation\n2024-01-02\tShaddadi\n"), 0, "1 rows read",
         (1, 1, 0)),
    Case("pipes.csv", "csv structure", text("date|location\n2024-01-02|Shaddadi\n"), 0, "1 rows read",
         (1, 1, 0)),
    Case("multiline_cell.csv", "csv structure",
         text('date,location,description\n2024-01-02,Shaddadi,"two\nlines"\n2024-01-32,Shaddadi,x\n'), 2,
         "row 4, column 'date'"),
    Case("many_bad_rows.csv", "csv structure",
         text("date,location\n" + "".join(f"2024-01-{d:02d}x,Shaddadi\n" for d in range(1, 31))), 2,
         "30 problems"),
    Case("cell_5mb.csv", "csv structure",
         lambda: (HEAD.replace("\n", ",description\n") + "2024-01-02,Shaddadi,,," + "x" * 5_000_000
                  + "\n").encode(), 0, "1 rows read, 1 mapped", (1, 1, 0), generated=True),
    Case("cell_over_64mb.csv", "csv structure",
         lambda: (b"date,location,description\n2024-01-02,Shaddadi," + b"x" * (65 * 1024 * 1024) + b"\n"),
         2, "a cell longer than 64 MB", generated=True),
    # --- encodings ----------------------------------------------------------------------------
    Case("utf8_bom.csv", "encoding", lambda: b"\xef\xbb\xbf" + (HEAD + GOOD).encode(), 0, "1 rows read",
         (1, 1, 0)),
    Case("utf16le_bom.csv", "encoding", text(HEAD + GOOD, "utf-16"), 0, "1 rows read", (1, 1, 0)),
    Case("utf16le_no_bom.csv", "encoding", text(HEAD + "2024-01-02,كناكر,,\n", "utf-16-le"), 0,
         "1 rows read, 1 mapped", (1, 1, 0)),
    Case("utf16be_no_bom.csv", "encoding", text(HEAD + GOOD, "utf-16-be"), 0, "1 rows read, 1 mapped",
         (1, 1, 0)),
    Case("utf16_tabs_excel.txt", "encoding", text("date\tlocation\n2024-01-02\tShaddadi\n", "utf-16"),
         0, "1 rows read, 1 mapped", (1, 1, 0)),
    Case("cp1256.csv", "encoding", lambda: (HEAD + "2024-01-02,").encode() + "كناكر,,\n".encode("cp1256"),
         2, "line 2: not UTF-8 text"),
    Case("latin1.csv", "encoding", lambda: (HEAD + "2024-01-02,").encode() + "Kanak\xe9r,,\n".encode("latin-1"),
         2, "line 2: not UTF-8 text"),
    Case("nul_bytes.csv", "encoding", lambda: (HEAD + GOOD).encode() + b"2024-01-02,Kan\x00aker,,\n", 2,
         "line 3: holds NUL characters"),
    Case("binary_png.csv", "encoding", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
         2, "line 1: not UTF-8 text"),
    Case("binary_ascii_nul.csv", "encoding", lambda: b"date,location\n" + bytes(range(128)) * 4, 2,
         "holds NUL characters"),
    # --- hostile cells ------------------------------------------------------------------------
    Case("formula_cells.csv", "hostile cells",
         text('date,location,actor,notes\n2024-01-02,Shaddadi,=cmd|\' /C calc\'!A0,@SUM(A1)\n'
              '2024-01-02,"=HYPERLINK(""http://x"",""y"")",+1+2,-2+3\n'), 0, "2 rows read, 1 mapped",
         (2, 1, 1)),
    Case("bidi_override.csv", "hostile cells",
         text("date,location,actor\n2024-01-02,Shaddadi,\u202eevil actor\n2024-01-02,\u2066Shaddadi\u2069,x\n"),
         0, "2 rows read", (2, 2, 0)),
    Case("html_in_cells.csv", "hostile cells",
         text('date,location,actor,source_url\n2024-01-02,Shaddadi,<script>alert(1)</script>,'
              'javascript:alert(1)\n2024-01-02,"<img src=x onerror=alert(1)>",x,\n'), 0,
         "2 rows read, 1 mapped", (2, 1, 1)),
    Case("mathtext_cells.csv", "hostile cells",
         text("date,location,actor\n2024-01-02,Shaddadi,$\\foo$\n2024-01-02,Shaddadi,$x^2$ group\n"), 0,
         "2 rows read, 2 mapped", (2, 2, 0)),
    Case("control_chars.csv", "hostile cells",
         text("date,location,actor\n2024-01-02,Shaddadi,\x1b[31mred\x07\x08\n"), 0, "1 rows read",
         (1, 1, 0)),
    Case("whitespace_cells.csv", "hostile cells", text(HEAD + " 2024-01-02 , Shaddadi ,  ,  \n"), 0,
         "1 rows read, 1 mapped", (1, 1, 0)),
    # --- values -------------------------------------------------------------------------------
    Case("date_slashes.csv", "values", text(HEAD + "02/01/2024,Shaddadi,,\n"), 2,
         "row 2, column 'date': bad date '02/01/2024'"),
    Case("date_feb_30.csv", "values", text(HEAD + "2024-02-30,Shaddadi,,\n"), 2, "bad date '2024-02-30'"),
    Case("date_month_13.csv", "values", text(HEAD + "2024-13,Shaddadi,,\n"), 2, "bad date '2024-13'"),
    Case("date_missing.csv", "values", text(HEAD + ",Shaddadi,,\n"), 2, "missing date"),
    Case("date_words.csv", "values", text(HEAD + "yesterday,Shaddadi,,\n"), 2, "bad date 'yesterday'"),
    Case("date_2099.csv", "values", text(HEAD + GOOD + "2099-01-02,Shaddadi,,\n"), 0,
         "2 rows read, 1 mapped, 1 sent to review (1 implausible)", (2, 1, 1)),
    Case("date_9999.csv", "values", text(HEAD + GOOD + "9999-12-31,,35.1,40.5\n"), 0,
         "2 rows read, 1 mapped, 1 sent to review (1 implausible)", (2, 1, 1)),
    Case("date_year_2099.csv", "values", text(HEAD + GOOD + "2099,Shaddadi,,\n"), 0, "(1 implausible)",
         (2, 1, 1)),
    Case("date_year_1.csv", "values", text(HEAD + GOOD + "0001-01-01,Shaddadi,,\n"), 0,
         "(1 implausible)", (2, 1, 1)),
    Case("time_25_99.csv", "values", text(HEAD + GOOD + "2024-01-02T25:99,Shaddadi,,\n"), 0,
         "(1 implausible)", (2, 1, 1)),
    Case("time_column_bad.csv", "values", text("date,time,location\n2024-01-02,12:30,Shaddadi\n"
                                               "2024-01-02,23:60,Shaddadi\n"), 0, "(1 implausible)",
         (2, 1, 1)),
    Case("lat_95.csv", "values", text(HEAD + "2024-01-02,,95,40\n"), 2, "latitude 95.0 out of range"),
    Case("lon_200.csv", "values", text(HEAD + "2024-01-02,,35,200\n"), 2, "longitude 200.0 out of range"),
    Case("lat_word.csv", "values", text(HEAD + "2024-01-02,,thirty,40\n"), 2, "not a number: 'thirty'"),
    Case("lat_nan.csv", "values", text(HEAD + "2024-01-02,,nan,40\n"), 2, "not a number: 'nan'"),
    Case("lat_inf.csv", "values", text(HEAD + "2024-01-02,,inf,40\n"), 2, "not a number: 'inf'"),
    Case("lat_1e400.csv", "values", text(HEAD + "2024-01-02,,1e400,40\n"), 2, "not a number: '1e400'"),
    Case("swapped.csv", "values", text(HEAD + "2024-01-02,,48.0,30.5\n"), 2, "lat and lon look swapped"),
    Case("point_5_36.csv", "values", text(HEAD + GOOD + "2024-01-02,,5,36\n"), 0,
         "2 rows read, 1 mapped, 1 sent to review (1 implausible)", (2, 1, 1)),
    Case("point_london.csv", "values", text(HEAD + GOOD + "2024-01-02,,51.5,-0.12\n"), 0,
         "(1 implausible)", (2, 1, 1)),
    Case("thousands_comma_lat.csv", "values", text(HEAD + GOOD + '2024-01-02,,"35,500",40.1\n'), 0,
         "2 rows read, 1 mapped, 1 sent to review (1 implausible)", (2, 1, 1)),
    Case("lat_without_lon_value.csv", "values", text(HEAD + "2024-01-02,,35,\n"), 2,
         "lat given but lon is empty"),
    Case("no_place_in_row.csv", "values", text(HEAD + "2024-01-02,,,\n"), 2,
         "neither a location nor coordinates"),
    Case("killed_word.csv", "values", text("date,location,killed\n2024-01-02,Shaddadi,two\n"), 2,
         "not a whole number of people: 'two'"),
    Case("killed_negative.csv", "values", text("date,location,killed\n2024-01-02,Shaddadi,-1\n"), 2,
         "not a whole number of people: '-1'"),
    Case("killed_fraction.csv", "values", text("date,location,killed\n2024-01-02,Shaddadi,1.5\n"), 2,
         "not a whole number of people: '1.5'"),
    Case("killed_thousands.csv", "values", text('date,location,killed\n2024-01-02,Shaddadi,"1,200"\n'), 0,
         "1 rows read, 1 mapped", (1, 1, 0)),
    Case("unknown_place.csv", "values", text(HEAD + GOOD + "2024-01-02,Xyzzyville,,\n"), 0,
         "2 rows read, 1 mapped, 1 sent to review (1 unresolved)", (2, 1, 1)),
    Case("unknown_hint.csv", "values", text("date,location,admin1\n2024-01-03,Shaddadi,Nowhere\n"), 0,
         "1 rows read, 1 mapped, 1 sent to review (1 unknown hint)", (1, 1, 0)),
    # --- GeoJSON ------------------------------------------------------------------------------
    Case("features_number.geojson", "geojson", doc({"type": "FeatureCollection", "features": 5}), 2,
         "'features' is a number, not an array of features"),
    Case("features_object.json", "geojson", doc({"type": "FeatureCollection", "features": {}}), 2,
         "'features' is an object, not an array of features"),
    Case("features_string.geojson", "geojson", doc({"type": "FeatureCollection", "features": "x"}), 2,
         "'features' is a string"),
    Case("features_missing.geojson", "geojson", doc({"type": "FeatureCollection"}), 2,
         "a FeatureCollection without 'features'"),
    Case("features_empty.geojson", "geojson", doc(collection()), 2, "the file holds no features"),
    Case("properties_list.geojson", "geojson", doc(collection(OK_FEATURE, feature([1, 2]))), 2,
         "feature 2, column 'properties': 'properties' is an array, not an object"),
    Case("properties_string.geojson", "geojson", doc(collection(feature("str"))), 2,
         "feature 1, column 'properties': 'properties' is a string, not an object"),
    Case("geometry_string.json", "geojson",
         doc(collection(feature({"date": "2024-01-02"}, "POINT (40 35)"))), 2,
         "feature 1, column 'geometry': geometry is a string, not a Point object"),
    Case("geometry_linestring.geojson", "geojson",
         doc(collection(feature({"date": "2024-01-02"}, {"type": "LineString",
                                                          "coordinates": [[40, 35], [41, 36]]}))), 2,
         "geometry 'LineString' is not a Point"),
    Case("coordinates_true_true.geojson", "geojson",
         doc(collection(OK_FEATURE, feature({"date": "2024-01-02"}, point(True, True)))), 0,
         "2 rows read, 1 mapped, 1 sent to review (1 implausible)", (2, 1, 1)),
    Case("coordinates_strings.geojson", "geojson",
         doc(collection(feature({"date": "2024-01-02"}, point("40", "35")))), 2,
         'bad Point coordinates ["40", "35"]'),
    Case("coordinates_one_number.geojson", "geojson",
         doc(collection(feature({"date": "2024-01-02"}, {"type": "Point", "coordinates": [40]}))), 2,
         "bad Point coordinates [40]"),
    Case("coordinates_nan.geojson", "geojson",
         lambda: b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
                 b'{"date": "2024-01-02"}, "geometry": {"type": "Point", "coordinates": [NaN, 35]}}]}',
         2, "feature 1, column 'lon': not a number: 'nan'"),
    Case("coordinates_huge.geojson", "geojson",
         lambda: ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
                  '{"date": "2024-01-02"}, "geometry": {"type": "Point", "coordinates": [1' + "0" * 400
                  + ', 35]}}]}').encode(), 2, "bad Point coordinates"),
    Case("coordinates_far.geojson", "geojson",
         doc(collection(OK_FEATURE, feature({"date": "2024-01-02"}, point(36, 5)))), 0,
         "(1 implausible)", (2, 1, 1)),
    Case("nested_100k.geojson", "geojson", nested(100_000), 2, "nested too deeply", generated=True),
    Case("broken_collection.json", "geojson",
         lambda: json.dumps(collection(OK_FEATURE, OK_FEATURE), indent=1).encode()[:-3], 2,
         "not JSON: Expecting"),
    Case("broken_one_line.geojson", "geojson", lambda: json.dumps(collection(OK_FEATURE)).encode()[:-2],
         2, "line 1: not JSON"),
    Case("not_geojson_number.geojson", "geojson", text("42"), 2,
         "not a GeoJSON FeatureCollection or Feature, nor a list of records, but a number"),
    Case("not_geojson_type.geojson", "geojson", doc({"type": "Topology", "objects": {}}), 2,
         "but a 'Topology' object"),
    Case("feature_alone.geojson", "geojson",
         doc(feature({"date": "2024-01-02"}, point(40.57, 35.15))), 0, "1 rows read, 1 mapped",
         (1, 1, 0)),
    Case("feature_not_object.geojson", "geojson", doc(collection(OK_FEATURE, 7)), 2,
         "feature 2: not a GeoJSON feature but a number"),
    Case("empty_array.json", "geojson", doc([]), 2, "the file holds no records"),
    Case("records_array.json", "geojson",
         doc([{"date": "2024-01-02", "location": "Shaddadi"}, {"date": "2024-01-03", "location": "Shaddadi",
                                                              "extra": 1}]),
         0, "2 rows read, 2 mapped", (2, 2, 0)),
    # A record naming its place under another alias than the first record's: the first alias
    # is the column, so this one has no location; refused, not dropped.
    Case("records_mixed_aliases.json", "geojson",
         doc([{"date": "2024-01-02", "location": "Shaddadi"}, {"date": "2024-01-03", "place": "Shaddadi"}]),
         2, "record 2, column 'location': neither a location nor coordinates"),
    Case("geometry_empty_object.geojson", "geojson",
         doc(collection(feature({"date": "2024-01-02", "location": "Shaddadi"}, {}))), 0,
         "1 rows read, 1 mapped", (1, 1, 0)),
    Case("feature_id_object.geojson", "geojson",
         doc(collection(feature({"date": "2024-01-02", "location": "Shaddadi"}, None, id={"a": [1]}))),
         0, "1 rows read, 1 mapped", (1, 1, 0)),
    # --- JSON Lines ---------------------------------------------------------------------------
    Case("bad_line.jsonl", "json lines", lines({"date": "2024-01-02", "location": "Shaddadi"}, "{not json"),
         2, "line 2: not JSON"),
    Case("array_line.jsonl", "json lines", lines({"date": "2024-01-02", "location": "Shaddadi"}, [1, 2]), 2,
         "line 2: not a JSON object but an array"),
    Case("blank_lines_only.jsonl", "json lines", text("\n\n\n"), 2, "the file holds no records"),
    Case("nested_line.jsonl", "json lines", nested(5000, record=True), 2, "line 1: values nested too deeply",
         generated=True),
    Case("boolean_lat.jsonl", "json lines",
         lines({"date": "2024-01-02", "location": "Shaddadi"}, {"date": "2024-01-02", "lat": True, "lon": 40}),
         0, "2 rows read, 1 mapped, 1 sent to review (1 implausible)", (2, 1, 1)),
    Case("lines_in_json.json", "json lines",
         lines({"date": "2024-01-02", "location": "Shaddadi"}, {"date": "2024-01-03", "location": "Shaddadi"}),
         0, "2 rows read, 2 mapped", (2, 2, 0)),
    # JSON's NaN (which Python's json writes for a missing float) is no number: an error where a
    # number is wanted, an empty cell where text is
    Case("lat_nan.jsonl", "json lines",
         text('{"date": "2024-01-02", "location": "Shaddadi"}\n'
              '{"date": "2024-01-02", "location": "Kanaker", "lat": NaN, "lon": 36.1}\n'),
         2, "line 2, column 'lat': not a number: 'nan'"),
    Case("both_nan.jsonl", "json lines",
         text('{"date": "2024-01-02", "location": "Shaddadi", "lat": NaN, "lon": NaN}\n'),
         2, "line 1, column 'lat': not a number: 'nan'"),
    Case("killed_nan.jsonl", "json lines",
         text('{"date": "2024-01-02", "location": "Shaddadi", "fatalities": NaN}\n'),
         2, "line 1, column 'fatalities': not a whole number of people: 'nan'"),
    Case("lon_nan_records.json", "geojson",
         text('[{"date": "2024-01-02", "location": "Shaddadi"},\n'
              ' {"date": "2024-01-03", "lat": 35.1, "lon": NaN}]'),
         2, "record 2, column 'lon': not a number: 'nan'"),
    Case("description_nan.jsonl", "json lines",
         text('{"date": "2024-01-02", "location": "Shaddadi", "description": NaN}\n'),
         0, "1 rows read, 1 mapped", (1, 1, 0)),
    # JSON's "\ud800" escapes half a character: shown as U+FFFD, as a browser shows bad bytes
    Case("lone_surrogate.jsonl", "json lines",
         text('{"date": "2024-01-02", "location": "Shaddadi", "description": "bad \\ud800 half"}\n'),
         0, "1 rows read, 1 mapped", (1, 1, 0)),
    Case("huge_integer.jsonl", "json lines",
         lambda: ('{"date": "2024-01-02", "location": "Shaddadi", "killed": 1' + "0" * 5000 + "}\n").encode(),
         2, "line 1: not JSON this tool can read"),
    # --- workbooks ----------------------------------------------------------------------------
    Case("cell_beyond_header.xlsx", "xlsx", workbook([["date", "location"], ["2024-01-02", "Shaddadi"],
                                                      ["2024-01-02", "Shaddadi", None, "lost?"]]),
         2, "row 3: cell D3 holds 'lost?' but the header has 2 columns", generated=True),
    Case("formula_no_value.xlsx", "xlsx", workbook([["date", "location"], ["2024-01-02", '="Kan"&"aker"']]),
         2, "row 2: cell B2 holds the formula", generated=True),
    Case("formula_with_value.xlsx", "xlsx",
         workbook([["date", "location"], ["2024-01-02", '="Kan"&"aker"']],
                  patch=lambda xml: xml.replace('<c r="B2"><f>"Kan"&amp;"aker"</f><v /></c>',
                                                '<c r="B2" t="str"><f>"Kan"&amp;"aker"</f><v>Shaddadi</v></c>')),
         0, "1 rows read, 1 mapped", (1, 1, 0), generated=True),
    Case("formula_header.xlsx", "xlsx",
         workbook([["date", "=cmd|' /C calc'!A0", "location"], ["2024-01-02", "x", "Shaddadi"]]),
         2, "row 1: cell B1 holds the formula", generated=True),
    Case("not_a_zip.xlsx", "xlsx", text("date,location\n2024-01-02,Shaddadi\n"), 2,
         "cannot read the workbook"),
    Case("empty_sheet.xlsx", "xlsx", workbook([]), 2, "the first sheet ('Sheet') is empty", generated=True),
    Case("header_on_row_3.xlsx", "xlsx", workbook([["date", "location"], ["2024-01-02", "Shaddadi"],
                                                   [None, None], ["2024-01-03", "Shaddadi"]], start_row=3),
         0, "2 rows read, 2 mapped", (2, 2, 0), generated=True),
    Case("future_date.xlsx", "xlsx", workbook([["date", "location"], ["2024-01-02", "Shaddadi"],
                                               ["2099-01-02", "Shaddadi"]]),
         0, "(1 implausible)", (2, 1, 1), generated=True),
    Case("bad_date.xlsx", "xlsx", workbook([["date", "location"], ["02/01/2024", "Shaddadi"]]), 2,
         "row 2, column 'date': bad date '02/01/2024'", generated=True),
    # --- files --------------------------------------------------------------------------------
    Case("spreadsheet.xls", "file", text("not supported"), 2, "unsupported file type '.xls'"),
    Case("no_extension", "file", text(HEAD + GOOD), 2, "unsupported file type '(none)'"),
    Case("document.pdf", "file", text("%PDF-1.4\n"), 2, "unsupported file type '.pdf'"),
]


def write_corpus(folder: Path = CORPUS) -> list[Path]:
    """Write the cases that are not generated at test time into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for case in CASES:
        if not case.generated:
            path = folder / case.name
            path.write_bytes(case.make())
            written.append(path)
    return written


if __name__ == "__main__":
    paths = write_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
    print(f"{len(paths)} files written to {paths[0].parent if paths else CORPUS}")
