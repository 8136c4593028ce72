"""The data block encoder (mapper/encode.py): pure, decodable, compact, and safe inside <script>."""

from __future__ import annotations

import functools
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapper.encode import (
    BASE85,
    COMPRESS_ABOVE_ROWS,
    BlockColumns,
    TextColumn,
    base85,
    block_header,
    date_span,
    decode_block,
    encode,
    finish,
    unbase85,
    write_block,
)
from mapper.model import Incident, Located

HOSTILE = '</script><script>alert(1)</script>&amp;<!--'
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def row(k: int, **fields) -> Located:
    values = {"event_type": "drone", "actor": "IRI", "location": "حقل العمر",
              "description": f"event {k}", "date": "2024-01-02"}
    values.update(fields)
    method = values.pop("method", "exact")
    incident = Incident(row=k + 2, date_precision="day", **values)
    return Located(incident=incident, lat=35.05 + k / 1000, lon=40.55, place_id="site:omar",
                   place_name="Al-Omar oil field", method=method, score=0.934,
                   radius_km=2.5, precision=2)


def test_columns_decode_back_to_the_incidents():
    rows = [row(0, fatalities=3, time="14:30"), row(1, fatalities=2.5, method="given"),
            row(2, date="2023-12", event_type="rocket", actor="US forces")]
    block = encode(rows, color_by="actor", compress=False)
    data = decode_block(block.text, block.compressed)
    assert data["n"] == 3 and data["row"] == [2, 3, 4]
    assert data["lat"] == [3505000, 3505100, 3505200] and data["lon"] == [4055000] * 3
    assert data["p"] == [2, 2, 2] and data["r"] == [25, 25, 25]
    assert data["d0"] == [date_span("2024-01-02")[0]] * 2 + [date_span("2023-12")[0]]
    assert data["d1"][2] == date_span("2023-12-31")[0]
    f = data["f"]
    assert f["location"] == ["حقل العمر"] * 3
    assert f["date"] == ["2024-01-02", "2024-01-02", "2023-12"]
    assert f["fatalities"] == ["3", "2.5", ""] and data["k"] == [3, 2, 0]
    assert f["score"] == ["0.93", "", "0.93"]
    assert f["time"][0] == "14:30" and f["notes"] is None   # empty throughout
    assert [block.types[t]["key"] for t in data["t"]] == ["drone", "drone", "rocket"]
    assert [block.colors[c]["key"] for c in data["c"]] == ["IRI", "IRI", "US forces"]
    assert (block.first_day, block.last_day) == (date_span("2023-12")[0],
                                                 date_span("2024-01-02")[1])


def test_repeated_text_is_stored_once_and_numbered_text_as_its_numbers():
    rows = [row(k) for k in range(20)]
    block = encode(rows, compress=False)
    head = block_header(block.text, False)
    assert head["f"]["place_name"]["k"] == "dict" and head["f"]["place_name"]["s"] == ["Al-Omar oil field"]
    assert head["f"]["description"] == {**head["f"]["description"], "k": "num", "s": [["event ", ""]]}
    assert decode_block(block.text, False)["f"]["description"] == [f"event {k}" for k in range(20)]


def test_day_dates_are_read_from_the_first_day_and_counts_are_numbers():
    rows = [row(k, date=f"2024-01-{k % 28 + 1:02d}", fatalities=k % 4 or None) for k in range(40)]
    rows.append(row(40, date="2024-02", date_end="2024-03"))
    block = encode(rows, compress=False)
    head = block_header(block.text, False)
    assert head["f"]["date"]["k"] == "date" and head["f"]["date"]["s"] == ["2024-02 \u2013 2024-03"]
    assert head["f"]["fatalities"]["k"] == "count" and "k" not in head["c"]   # the map reads k there
    data = decode_block(block.text, False)
    assert data["f"]["date"][:2] == ["2024-01-01", "2024-01-02"]
    assert data["f"]["date"][40] == "2024-02 \u2013 2024-03"
    assert data["f"]["fatalities"][:5] == ["", "1", "2", "3", ""] and data["k"][:5] == [0, 1, 2, 3, 0]


def test_free_text_is_stored_as_words_and_other_unique_text_as_it_is():
    rnd = random.Random(3)
    vocabulary = "strike drone near the base on reported killed two three convoy".split()
    texts = [" ".join(rnd.choice(vocabulary) for _ in range(rnd.randint(0, 30))) for _ in range(300)]
    texts[5] = "  two  spaces\nand a line "
    hashes = [f"{rnd.getrandbits(64):x}{k}z" for k in range(300)]
    rows = [row(k, description=texts[k], notes=hashes[k]) for k in range(300)]
    block = encode(rows, compress=True)
    head = block_header(block.text, True)
    assert head["f"]["description"]["k"] == "words" and set(head["f"]["description"]["s"]) <= {
        *vocabulary, "", "two", "spaces\nand", "a", "line"}
    assert head["f"]["notes"]["k"] == "text"
    data = decode_block(block.text, True)
    assert data["f"]["description"] == texts and data["f"]["notes"] == hashes


def test_extra_columns_keep_their_first_order_and_fill_missing_cells():
    rows = [row(0, extra=(("unit", "u1"),)), row(1, extra=(("source_id", "s9"), ("unit", "u2"))),
            row(2)]
    data = decode_block(encode(rows, compress=False).text, False)
    assert dict(data["x"]) == {"unit": ["u1", "u2", ""], "source_id": ["", "s9", ""]}
    assert [name for name, _ in data["x"]] == ["unit", "source_id"]


def test_hostile_text_cannot_end_the_script_element_and_round_trips():
    rows = [row(0, description=HOSTILE, actor=HOSTILE, extra=((HOSTILE, HOSTILE),))]
    for compress in (False, True):
        block = encode(rows, compress=compress)
        assert not set("<>&\"'\\` ") & set(block.text)
        data = decode_block(block.text, compress)
        assert data["f"]["description"] == [HOSTILE] and data["f"]["actor"] == [HOSTILE]
        assert data["x"] == [[HOSTILE, [HOSTILE]]] and block.colors[0]["key"] == HOSTILE


def test_deflated_block_decodes_to_the_same_columns():
    rows = [row(k, description=f"event {k % 7}") for k in range(COMPRESS_ABOVE_ROWS + 1)]
    deflated = encode(rows)
    assert deflated.compressed and deflated.media_type == "application/x-incidents-deflated"
    plain = encode(rows, compress=False)
    assert plain.media_type == "application/x-incidents"
    assert decode_block(deflated.text, True) == decode_block(plain.text, False)
    assert len(deflated.text) < len(plain.text) / 5


def test_an_empty_block_has_no_dates():
    block = encode([])
    assert decode_block(block.text, block.compressed)["n"] == 0
    assert block.first_day is None and block.last_day is None and block.types == ()


def test_the_encoder_does_not_import_folium():
    code = "import sys, mapper.encode; print('folium' in sys.modules, 'jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.split() == ["False", "False"]


def test_fatalities_areas_and_undated_rows():
    from dataclasses import replace

    from mapper.encode import UNDATED, AreaIndex

    rows = [replace(row(0, fatalities=3), admin1="SY-HA", admin2_name="Al-Hasakah District"),
            replace(row(1), admin1="SY-DY", admin2_name=""),
            row(2, date="")]
    areas = AreaIndex({"SY-HA": 0, "SY-DY": 1}, {("SY-HA", "Al-Hasakah District"): 5})
    block = encode(rows, compress=False, areas=areas)
    data = decode_block(block.text, block.compressed)
    assert data["k"] == [3, 0, 0]
    assert data["a1"] == [0, 1, -1] and data["a2"] == [5, -1, -1]
    assert (data["d0"][2], data["d1"][2]) == (-UNDATED, UNDATED)   # kept by every window
    assert data["f"]["date"] == ["2024-01-02", "2024-01-02", ""]
    assert block.first_day == block.last_day == date_span("2024-01-02")[0]
    plain = decode_block(encode(rows, compress=False).text, False)
    assert "a1" not in plain and "a2" not in plain


def test_colour_by_an_extra_column():
    rows = [row(k, extra=(("unit", f"u{k % 2}"),)) for k in range(3)] + [row(3)]
    block = encode(rows, color_by="unit", compress=False)
    data = decode_block(block.text, False)
    assert [block.colors[c]["key"] for c in data["c"]] == ["u0", "u1", "u0", "(blank)"]


# --- the layout, column by column ---------------------------------------------------------------

def _round_trip(ints: dict[str, list[int]], texts: list[list[str]], compress: bool = False) -> dict:
    n = len(texts[0]) if texts else len(next(iter(ints.values())))
    columns = BlockColumns(n, {name: np.array(v, dtype=np.int64) for name, v in ints.items()}, [],
                           [(f"x{k}", functools.partial(TextColumn.of, t)) for k, t in enumerate(texts)])
    return decode_block(finish(write_block(columns), compress), compress)


@SETTINGS
@given(st.lists(st.integers(-(1 << 53), 1 << 53), min_size=1, max_size=60), st.booleans())
def test_integers_round_trip_in_every_width(values, compress):
    steps = np.cumsum(values[:1] + [v % 7 for v in values[1:]]).tolist()   # small steps: stored as steps
    data = _round_trip({"a": values, "b": [v % 300 for v in values], "s": steps}, [], compress)
    assert data["a"] == values and data["b"] == [v % 300 for v in values] and data["s"] == steps


CELL = st.one_of(
    st.text(max_size=12),                                                   # anything
    st.builds(lambda a, n, b: f"{a}{n}{b}", st.sampled_from(["", "SYR", "ev-", "a b ", "٣"]),
              st.integers(0, 10 ** 16), st.sampled_from(["", "x", "/", " ", "0"])),   # numbered
    st.lists(st.sampled_from(["a", "bb", "", "ك", "\n", "0", "01"]), max_size=8).map(" ".join),  # words
)


@SETTINGS
@given(st.lists(CELL, min_size=1, max_size=80), st.booleans())
def test_any_text_column_round_trips(values, compress):
    shapes = [values, [f"ev-{k}" for k in range(len(values))], [v or "" for v in values[::-1]]]
    data = _round_trip({}, shapes, compress)
    assert [column for _, column in data["x"]] == [c if any(c) else None for c in shapes]


def test_numbers_keep_their_leading_zeros_and_their_digits():
    values = ["SYR007", "SYR10", "IRQ0", "x9007199254740993", "٣4", "a12b", "", "5", "12 ", "1.5"] * 60
    data = _round_trip({}, [values])
    assert data["x"][0][1] == values


def test_base85_round_trips_and_holds_no_markup():
    assert len(BASE85) == len(set(BASE85)) == 85
    assert not set(b"<>&\"'\\` ]") & set(BASE85)
    rnd = random.Random(5)
    for size in range(12):
        data = rnd.randbytes(size)
        assert unbase85(base85(data)) == data and len(base85(data)) == size + (size + 3) // 4


def test_a_column_another_determines_is_stored_as_a_map_from_it():
    from dataclasses import replace

    districts = [("SY-HA", "Al-Hasakah", "Al-Hasakah District"), ("SY-HA", "Al-Hasakah", "Qamishli District"),
                 ("SY-DY", "Deir ez-Zor", "Al-Mayadin District")]
    rows = [replace(row(k, actor=("IRI", "US forces", "", "SDF")[k % 4]), admin1=districts[k % 3][0],
                    admin1_name=districts[k % 3][1], admin2_name=districts[k % 3][2]) for k in range(36)]
    block = encode(rows, compress=False)
    head = block_header(block.text, False)
    assert head["f"]["admin1"]["by"] == ["f", "admin2"] and "i" not in head["f"]["admin1"]
    assert head["c"]["c"]["by"] == ["f", "actor"]          # colours by actor: the actor's map
    data = decode_block(block.text, False)
    assert data["f"]["admin1"][:3] == ["Al-Hasakah (SY-HA)", "Al-Hasakah (SY-HA)", "Deir ez-Zor (SY-DY)"]
    assert [block.colors[c]["key"] for c in data["c"][:3]] == ["IRI", "US forces", "unknown"]
    # a district in two governorates no longer determines the governorate
    rows[3] = replace(rows[3], admin1="SY-RA", admin1_name="Ar-Raqqa")
    head = block_header(encode(rows, compress=False).text, False)
    assert "by" not in head["f"]["admin1"]
