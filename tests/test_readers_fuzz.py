"""Random tables in every format: the readers return incidents or raise the tool's own
InputError, never anything else; and every incident read is mapped or sent to review."""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from mapper.errors import InputError
from mapper.incidents import read_incidents
from mapper.locate import locate

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

HEADERS = ["date", "location", "lat", "lon", "time", "killed", "type", "actor", "outcome",
           "admin1", "country", "id", "notes", "Date", "LAT", "x", "y", "", "الموقع", "date"]
# Cells a hostile or careless table holds: real values, near misses, separators and quotes,
# formulas, bidi controls, numbers of every form.
CELLS = st.one_of(
    st.sampled_from(["2024-01-02", "2024-01", "2024", "2099-12-31", "9999-12-31", "0001-01-01",
                     "2024-01-02T25:99", "2024-02-30", "Kanaker", "حقل العمر", "Shaddadi", "",
                     "35.15", "40.57", "35,500", "35,5", "-0", "1e400", "nan", "inf", "true",
                     "1,200", "=1+2", "@SUM(A1)", "+1", "-1", "\u202eevil", '"', "a,b", "a;b",
                     "a\tb", "line\nbreak", "\r", "n/a", "unknown", "25:99", "12:30"]),
    st.text(max_size=12),
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def _read_and_locate(path: Path, gazetteer) -> None:
    try:
        incidents = read_incidents(path)
    except InputError as exc:
        assert str(exc).startswith(str(path))
        return
    result = locate(incidents, gazetteer)
    assert result.read == len(incidents) == len(result.located) + len(result.unmapped)


@SETTINGS
@given(header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6),
       rows=st.lists(st.lists(CELLS, max_size=7), max_size=6),
       delimiter=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le"]))
def test_random_delimited_tables_read_or_raise_input_error(header, rows, delimiter, encoding,
                                                           gazetteer):
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(out.getvalue().encode(encoding))
        _read_and_locate(path, gazetteer)


@SETTINGS
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".tsv", ".json", ".geojson",
                                                             ".jsonl", ".xlsx"]))
def test_random_bytes_read_or_raise_input_error(data, suffix, gazetteer):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t{suffix}"
        path.write_bytes(data)
        _read_and_locate(path, gazetteer)


XLSX_CELLS = st.one_of(
    CELLS, st.none(), st.booleans(), st.integers(-10**15, 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["=1+1", '="Kan"&"aker"', "=A1", "=1/0"]),
)


@SETTINGS
@given(header=st.lists(st.one_of(st.sampled_from(HEADERS), st.none()), min_size=1, max_size=6),
       rows=st.lists(st.lists(XLSX_CELLS, max_size=8), max_size=6),
       skip=st.integers(0, 2))
def test_random_workbooks_read_or_raise_input_error(header, rows, skip, gazetteer):
    book = openpyxl.Workbook()
    sheet = book.active
    for _ in range(skip):
        sheet.append([])
    sheet.append(header)
    for row in rows:   # XML cannot hold most control characters: spreadsheets never do
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.xlsx"
        book.save(path)
        _read_and_locate(path, gazetteer)


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
                         st.sampled_from(["2024-01-02", "Kanaker", "35.1", "40.5", "2099-01-01"]))
JSON = st.recursive(JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=12)
PROPERTIES = st.one_of(
    st.dictionaries(st.sampled_from(HEADERS + ["geometry", "properties"]), JSON_SCALARS, max_size=6),
    JSON)
GEOMETRY = st.one_of(
    st.none(), JSON,
    st.fixed_dictionaries({"type": st.just("Point"), "coordinates": st.one_of(
        st.lists(st.one_of(st.floats(), st.integers(), st.booleans(), JSON_SCALARS), max_size=4),
        JSON)}))
FEATURE = st.one_of(JSON, st.fixed_dictionaries(
    {"type": st.just("Feature"), "properties": PROPERTIES, "geometry": GEOMETRY},
    optional={"id": JSON}))
DOCUMENT = st.one_of(
    JSON, st.lists(PROPERTIES, max_size=5), FEATURE,
    st.fixed_dictionaries({"type": st.just("FeatureCollection"),
                           "features": st.one_of(JSON, st.lists(FEATURE, max_size=5))}))


@SETTINGS
@given(doc=DOCUMENT, suffix=st.sampled_from([".geojson", ".json"]), cut=st.integers(0, 3))
def test_random_geojson_reads_or_raises_input_error(doc, suffix, cut, gazetteer):
    text = json.dumps(doc, allow_nan=True)
    if cut:
        text = text[:-cut]   # a document broken off
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t{suffix}"
        path.write_text(text, encoding="utf-8")
        _read_and_locate(path, gazetteer)


@SETTINGS
@given(lines=st.lists(st.one_of(PROPERTIES, JSON, st.text(max_size=10)), max_size=6),
       suffix=st.sampled_from([".jsonl", ".json"]))
def test_random_json_lines_read_or_raise_input_error(lines, suffix, gazetteer):
    text = "\n".join(line if isinstance(line, str) and not line.startswith(("{", "["))
                     else json.dumps(line) for line in lines)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _read_and_locate(path, gazetteer)


def test_numbers_of_every_width_never_escape_as_overflow(tmp_path, gazetteer):
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"date": "2024-01-02", "lat": 10**400, "lon": 40}) + "\n"
                    + json.dumps({"date": "2024-01-02", "location": "Kanaker",
                                  "killed": 10**400}) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_incidents(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, "lat"), (2, "killed")]
