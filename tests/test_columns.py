"""The columnar path: Arrow's CSV split agrees with the Python reader row for row, the
validator reads every cell as hand-checked, and the map's block made from columns equals the
one made from Located objects."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mapper.incidents as incidents
from mapper.columns import IncidentColumns, LocatedColumns
from mapper.encode import decode_block, encode
from mapper.errors import InputError
from mapper.incidents import read_incident_columns, read_incidents, read_raw
from mapper.locate import locate
from mapper.model import Incident, Located

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def outcome(path: Path):
    """What reading a file gives: its incidents, or the problems it is refused with."""
    try:
        return [i for i in read_incidents(path)]
    except InputError as exc:
        return ("refused", [str(p) for p in exc.problems])


def python_only(monkeypatch) -> None:
    monkeypatch.setattr(incidents, "_read_delimited_fast", lambda path: None)


# --- the CSV split: Arrow and the Python reader --------------------------------------------------

CELL = st.lists(st.sampled_from(list('ab 7.,;"\n\t-') + ["\r\n", "\u00a0", "ك", "٣", "\u2003", "\x1c",
                                                         "2024-01-02", "35.5", "40,1", "Kanaker"]),
                max_size=5).map("".join)


@SETTINGS
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=8),
       header=st.sampled_from(["date,location,lat,lon,notes", "date;location;x", "location,date",
                               "date,lat,lon", " date , place ,extra"]),
       ending=st.sampled_from(["\n", "\r\n"]), blank=st.booleans(), quote_all=st.booleans(),
       ragged=st.booleans())
def test_arrow_and_python_readers_agree_row_for_row_on_messy_csv(tmp_path_factory, monkeypatch,
                                                                 rows, header, ending, blank,
                                                                 quote_all, ragged):
    delimiter = ";" if ";" in header else ","
    width = header.count(delimiter) + 1
    if not ragged:   # as wide as the header: the tables Arrow splits
        rows = [(row + [""] * width)[:width] for row in rows]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=ending,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow(row)
    text = header + ending + ("\n" if blank else "") + out.getvalue()
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    fast = outcome(path)
    with monkeypatch.context() as m:
        python_only(m)
        reference = outcome(path)
    assert fast == reference


def test_a_regular_table_is_split_by_arrow_and_numbered_by_its_lines(tmp_path):
    path = tmp_path / "r.csv"
    rows = [f'2024-01-{d:02d},"Kanaker\nnorth",{d}' for d in range(1, 6)]
    path.write_text("\n\ndate,location,killed\n" + "\n".join(rows) + "\n\n", encoding="utf-8")
    raw = incidents._read_delimited_fast(path)
    assert raw is not None   # the fast reader took it, multi-line cells and all
    assert raw.rows.tolist() == [4, 6, 8, 10, 12]
    assert [i.row for i in read_incidents(path)] == [4, 6, 8, 10, 12]


@pytest.mark.parametrize("text", [
    "date,location\n2024-01-02,Kanaker\n\n2024-01-03,Shaddadi\n",     # a blank line between rows
    "date,location\n2024-01-02,Kanaker,extra\n",                      # a row too wide
    "date,location\r2024-01-02,Kanaker\r",                            # old Mac line ends
    "date,location\n2024-01-02\n",                                    # a row too short
])
def test_an_irregular_table_goes_to_the_python_reader(tmp_path, text):
    path = tmp_path / "i.csv"
    path.write_bytes(text.encode())
    assert incidents._read_delimited_fast(path) is None
    read_raw(path)   # and is read (or refused) by the reference reader


# --- the validator: cells read as hand-checked ---------------------------------------------------

# Each cell as some table writes it, and what it means.
DATES = [("2024-01-02", "2024-01-02", "day"), ("2 January 2024", "2024-01-02", "day"),
         ("02-Jan-2024", "2024-01-02", "day"), ("January 2, 2024", "2024-01-02", "day"),
         ("2024-03", "2024-03", "month"), ("2023", "2023", "year"), (" 2024-1-5 ", "2024-01-05", "day")]
NUMBERS = [("35.5", 35.5), (" 35.5", 35.5), ("35,5", 35.5), ("+36", 36.0), ("36.25e0", 36.25),
           ("", None), ("n/a", None), ("٣٦٫٥", None)]
COUNTS = [("3", 3), ("1,200", 1200), ("", None), ("unknown", None), ("0", 0), ("4.0", 4)]
TYPES = [("Air strike", "airstrike"), ("UAV", "drone"), ("قصف مدفعي", "artillery"), ("", "other"),
         ("sniper fire", "other")]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(DATES), st.sampled_from(NUMBERS[:5]),
                          st.sampled_from(NUMBERS[:5]), st.sampled_from(COUNTS),
                          st.sampled_from(TYPES), st.text(alphabet="ab كن ", max_size=5)),
                min_size=1, max_size=30))
def test_every_cell_reads_as_hand_checked(tmp_path_factory, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "lat", "lon", "killed", "type", "location", "notes"])
    for (date, _, _), (lat, _), (lon, _), (count, _), (kind, _), notes in rows:
        writer.writerow([date, lat, str(float(lon.replace(",", ".").replace(" ", "")) + 4),
                         count, kind, "Kanaker", notes])
    path = tmp_path_factory.mktemp("cells") / "c.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    read = read_incidents(path)
    assert [i.row for i in read] == list(range(2, len(rows) + 2))
    for incident, ((_, date, precision), (_, lat), (_, lon), (_, count), (_, kind), notes) in zip(read, rows):
        assert (incident.date, incident.date_precision) == (date, precision)
        assert incident.lat == pytest.approx(lat) and incident.lon == pytest.approx(lon + 4)
        assert (incident.fatalities, incident.event_type, incident.notes) == (count, kind, notes.strip())


def test_columns_made_once_hand_back_the_same_incidents(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("date,location,lat,lon\n2024-01-02,Kanaker,,\n2024-01-03,,35.1,40.5\n")
    columns = read_incident_columns(path)
    assert columns.incident(1) is columns.incidents()[1]
    assert (columns.incident(1).lat, columns.incident(0).lat) == (35.1, None)


# --- the map's block: from columns as from objects -----------------------------------------------

TEXT = st.text(alphabet='ab<>&"\\\n\t\x01ك ', max_size=8)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["2024-01-02", "2024-02", "2023"]), TEXT, TEXT,
                          st.sampled_from(["rocket", "drone", "civilians", "other"]),
                          st.sampled_from(["", "Air/drone strike", "Attack"]),
                          st.one_of(st.none(), st.integers(0, 99)), st.sampled_from(["", "2024-03-09"])),
                min_size=1, max_size=40),
       st.sampled_from(["actor", "outcome", "event_type"]), st.booleans())
def test_the_block_from_columns_equals_the_block_from_objects(gazetteer, rows, color_by, compress):
    made = [Incident(row=k + 2, date=date, date_precision="day", location=location or "x",
                     lat=35 + k / 100, lon=40.5, description=text, actor=location,
                     event_type=kind, event_label=label, fatalities=deaths,
                     date_end=end if date == "2024-01-02" else "",
                     extra=(("unit", text[:2]),))
            for k, (date, text, location, kind, label, deaths, end) in enumerate(rows)]
    result = locate(made, gazetteer, today=dt.date(2025, 1, 1))
    assert isinstance(result.located, LocatedColumns)
    objects = list(result.located)
    a, b = encode(result.located, color_by, compress), encode(objects, color_by, compress)
    assert decode_block(a.text, a.compressed) == decode_block(b.text, b.compressed)
    assert (a.types, a.colors, a.first_day, a.last_day) == (b.types, b.colors, b.first_day, b.last_day)


def test_the_block_of_a_read_table_equals_the_block_of_its_objects(gazetteer):
    sample = Path(__file__).resolve().parent.parent / "data" / "samples" / "acled_sample.csv"
    result = locate(read_incident_columns(sample), gazetteer)
    a = encode(result.located, "actor", True)
    b = encode(list(result.located), "actor", True)
    assert decode_block(a.text, True) == decode_block(b.text, True)
    labels = {t["label"] for t in a.types}
    assert {"Air/drone strike", "Armed clash", "Peaceful protest", "Arrests"} <= labels


def test_incident_columns_of_objects_keep_them():
    made = [Incident(row=2, date="2024-01-02", date_precision="day", location="Kanaker")]
    columns = IncidentColumns.from_incidents(made)
    assert columns.incident(0) is made[0] and columns.objects
    located = Located(made[0], 33.2, 36.1)
    assert located.incident is columns.incidents()[0]


def test_a_text_is_looked_at_for_every_space_strip_takes_and_no_other():
    import pyarrow as pa

    from mapper.validate import _WHITESPACE, _outer_space

    for space in _WHITESPACE:
        assert _outer_space(pa.array(["x", f"{space}x"])) and _outer_space(pa.array([f"x{space}", "x"]))
    # letters whose last byte is a space's last byte (م is D9 85, as U+0085 is C2 85), a zero
    # width space (not a space to str.strip), and texts of one character
    assert not _outer_space(pa.array(["قصف م", "ؠ", "a\u200b", "\u200bb", "é", "", "x"]))


def test_a_lone_surrogate_in_json_reads_as_the_replacement_character(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"date": "2024-01-02", "location": "Kanaker", "notes": "a \\ud800 b \\ud83d\\ude00"}\n',
                    encoding="utf-8")
    assert read_incidents(path)[0].notes == "a \ufffd b \U0001f600"   # a whole pair is kept
