"""The data block encoder (mapper/encode.py): pure, decodable, and safe inside <script>."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mapper.encode import COMPRESS_ABOVE_ROWS, date_span, decode, encode
from mapper.model import Incident, Located

HOSTILE = '</script><script>alert(1)</script>&amp;<!--'


def row(k: int, **fields) -> Located:
    values = {"event_type": "drone", "actor": "IRI", "location": "حقل العمر",
              "description": f"event {k}", "date": "2024-01-02"}
    values.update(fields)
    method = values.pop("method", "exact")
    incident = Incident(row=k + 2, date_precision="day", **values)
    return Located(incident=incident, lat=35.05 + k / 1000, lon=40.55, place_id="site:omar",
                   place_name="Al-Omar oil field", method=method, score=0.934,
                   radius_km=2.5, precision=2)


def text(data: dict, column, i: int) -> str:
    value = column[i]
    return data["S"][value] if isinstance(value, int) else value


def test_columns_decode_back_to_the_incidents():
    rows = [row(0, fatalities=3, time="14:30"), row(1, fatalities=2.5, method="given"),
            row(2, date="2023-12", event_type="rocket", actor="US forces")]
    block = encode(rows, color_by="actor", compress=False)
    data = decode(block.text, block.compressed)
    assert data["n"] == 3 and data["row"] == [2, 3, 4]
    assert data["lat"] == [3505000, 3505100, 3505200] and data["lon"] == [4055000] * 3
    assert data["p"] == [2, 2, 2] and data["r"] == [25, 25, 25]
    assert data["d0"] == [date_span("2024-01-02")[0]] * 2 + [date_span("2023-12")[0]]
    assert data["d1"][2] == date_span("2023-12-31")[0]
    f = data["f"]
    assert [text(data, f["location"], i) for i in range(3)] == ["حقل العمر"] * 3
    assert [text(data, f["fatalities"], i) for i in range(3)] == ["3", "2.5", ""]
    assert [text(data, f["score"], i) for i in range(3)] == ["0.93", "", "0.93"]
    assert text(data, f["time"], 0) == "14:30" and f["notes"] is None   # empty throughout
    assert [block.types[t]["key"] for t in data["t"]] == ["drone", "drone", "rocket"]
    assert [block.colors[c]["key"] for c in data["c"]] == ["IRI", "IRI", "US forces"]
    assert (block.first_day, block.last_day) == (date_span("2023-12")[0],
                                                 date_span("2024-01-02")[1])


def test_repeated_text_is_stored_once_and_unique_text_as_it_is():
    rows = [row(k) for k in range(20)]
    data = decode(*_plain(encode(rows, compress=False)))
    assert all(isinstance(v, int) for v in data["f"]["place_name"])     # one string, indexed
    assert data["S"].count("Al-Omar oil field") == 1
    assert data["f"]["description"] == [f"event {k}" for k in range(20)]  # each unique


def test_extra_columns_keep_their_first_order_and_fill_missing_cells():
    rows = [row(0, extra=(("unit", "u1"),)), row(1, extra=(("source_id", "s9"), ("unit", "u2"))),
            row(2)]
    data = decode(*_plain(encode(rows, compress=False)))
    names = [name for name, _ in data["x"]]
    assert names == ["unit", "source_id"]
    columns = {name: [text(data, col, i) for i in range(3)] for name, col in data["x"]}
    assert columns == {"unit": ["u1", "u2", ""], "source_id": ["", "s9", ""]}


def test_hostile_text_cannot_end_the_script_element_and_round_trips():
    rows = [row(0, description=HOSTILE, actor=HOSTILE, extra=((HOSTILE, HOSTILE),))]
    block = encode(rows, compress=False)
    assert not set("<>&") & set(block.text)
    data = decode(block.text, False)
    assert text(data, data["f"]["description"], 0) == HOSTILE
    assert data["x"][0][0] == HOSTILE and block.colors[0]["key"] == HOSTILE


def test_deflated_block_decodes_to_the_same_columns():
    rows = [row(k, description=f"event {k % 7}") for k in range(COMPRESS_ABOVE_ROWS + 1)]
    deflated = encode(rows)
    assert deflated.compressed and deflated.media_type == "application/octet-stream"
    assert not set("<>&") & set(deflated.text)
    plain = encode(rows, compress=False)
    assert plain.media_type == "application/json"
    assert decode(deflated.text, True) == decode(plain.text, False)
    assert len(deflated.text) < len(plain.text) / 5


def test_an_empty_block_has_no_dates():
    block = encode([])
    assert decode(block.text, block.compressed)["n"] == 0
    assert block.first_day is None and block.last_day is None and block.types == ()


def test_the_encoder_does_not_import_folium():
    code = "import sys, mapper.encode; print('folium' in sys.modules, 'jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.split() == ["False", "False"]


def _plain(block) -> tuple[str, bool]:
    assert not block.compressed
    return block.text, block.compressed


def test_fatalities_areas_and_undated_rows():
    from dataclasses import replace

    from mapper.encode import UNDATED, AreaIndex

    rows = [replace(row(0, fatalities=3), admin1="SY-HA", admin2_name="Al-Hasakah District"),
            replace(row(1), admin1="SY-DY", admin2_name=""),
            row(2, date="")]
    areas = AreaIndex({"SY-HA": 0, "SY-DY": 1}, {("SY-HA", "Al-Hasakah District"): 5})
    block = encode(rows, compress=False, areas=areas)
    data = decode(block.text, block.compressed)
    assert data["k"] == [3, 0, 0]
    assert data["a1"] == [0, 1, -1] and data["a2"] == [5, -1, -1]
    assert (data["d0"][2], data["d1"][2]) == (-UNDATED, UNDATED)   # kept by every window
    assert block.first_day == block.last_day == date_span("2024-01-02")[0]
    plain = decode(encode(rows, compress=False).text, False)
    assert "a1" not in plain and "a2" not in plain


def test_colour_by_an_extra_column():
    rows = [row(k, extra=(("unit", f"u{k % 2}"),)) for k in range(3)] + [row(3)]
    block = encode(rows, color_by="unit", compress=False)
    data = decode(block.text, False)
    assert [block.colors[c]["key"] for c in data["c"]] == ["u0", "u1", "u0", "(blank)"]
