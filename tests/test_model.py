"""The one field table (mapper.model.SCHEMA): readers, writers, drafts, merges and the map's block
take an incident's fields from it, so what one writes the others read."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pyarrow as pa
import pytest

from mapper.corpus import schema_of
from mapper.encode import TEXT_FIELDS
from mapper.extract import extract, write_drafts
from mapper.incidents import read_incidents
from mapper.locate import locate, write_located, write_review
from mapper.merge import reports_from_rows
from mapper.model import DRAFT_COLUMNS, MERGED_COLUMNS, SCHEMA, Incident, field_spec
from mapper.profiles import HEADER_ALIASES

HERE = Path(__file__).resolve().parent
ENGLISH = HERE / "data" / "english_report.txt"
TOOLS_JS = HERE.parent / "mapper" / "js" / "tools.js"

# A value for each field a table may give, under the field's first alias (its own name).
CELLS = {"id": "ev-7", "date": "2024-01-02", "date_precision": "week", "date_end": "2024-01-03",
         "time": "evening", "location": "Kanaker", "lat": "33.2696", "lon": "36.0991",
         "precision": "1", "radius_km": "2", "event_type": "drone", "event_label": "Drone strike",
         "actor": "Unknown drone", "target": "a checkpoint", "outcome": "hit", "fatalities": "2",
         "injuries": "3", "country": "SY", "admin1": "Rif Dimashq", "description": "a strike",
         "source": "Local outlet", "source_url": "https://example.org/a", "notes": "checked"}


def test_every_field_a_table_gives_has_a_test_cell():
    assert set(CELLS) == set(HEADER_ALIASES) == {f.name for f in SCHEMA if f.aliases}


def test_a_draft_written_and_read_back_is_the_same_incident(gazetteer, tmp_path):
    drafts = extract(ENGLISH.read_text(encoding="utf-8"), dt.date(2024, 1, 3), gazetteer=gazetteer)
    assert len(drafts) >= 5
    path = tmp_path / "drafts.csv"
    write_drafts(drafts, path)
    back = read_incidents(path)
    shared = [c for c in DRAFT_COLUMNS if field_spec(c).aliases]
    assert set(shared) >= {"id", "date", "date_precision", "time", "location", "lat", "lon", "event_type",
                           "actor", "target", "outcome", "fatalities", "injuries", "notes"}
    for draft, incident in zip(drafts, back, strict=True):
        for name in shared:
            want, got = getattr(draft, name), getattr(incident, name)
            assert got == (pytest.approx(want, abs=1e-6) if isinstance(want, float) else want), name
        # the draft's own columns (its place, count, evidence) stay beside it, by name
        kept = dict(incident.extra)
        assert set(kept) == set(DRAFT_COLUMNS) - set(shared)
        assert kept["place_id"] == draft.place_id and kept["evidence_start"] == str(draft.evidence_start)


def test_the_located_and_review_files_carry_every_field_a_table_gives(gazetteer, tmp_path):
    table = tmp_path / "every.csv"
    with table.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CELLS)
        writer.writerow(CELLS.values())
        writer.writerow({**CELLS, "id": "ev-8", "location": "Qwxzzy Nowhere", "lat": "", "lon": ""}.values())
    result = locate(read_incidents(table), gazetteer)
    assert len(result.located) == 1 and len(result.unmapped) == 1
    write_located(result, tmp_path / "located.csv")
    write_review(result, tmp_path / "review.csv")
    (located,) = csv.DictReader((tmp_path / "located.csv").open(encoding="utf-8-sig"))
    review = next(r for r in csv.DictReader((tmp_path / "review.csv").open(encoding="utf-8-sig"))
                  if r["id"] == "ev-8")
    for name, cell in CELLS.items():
        if name in ("lat", "lon", "precision", "radius_km"):
            continue   # the point drawn, and how precise it is, are the Located's own columns
        column = "admin1_given" if name == "admin1" else name   # beside the admin1 found
        expected = "Qwxzzy Nowhere" if name == "location" else "ev-8" if name == "id" else cell
        assert (located[column], review[column]) == (cell, expected), name
    assert (float(located["lat"]), float(located["lon"]), located["precision"]) == (33.2696, 36.0991, "1")


def test_drafts_of_a_corpus_are_read_by_the_merge_with_every_kind_of_value():
    rows = [{"id": "d1#1", "document_id": "d1", "date": "2024-01-02", "lat": 35.0, "lon": 40.0,
             "count": 4, "fatalities": None, "source_urls": ["https://a.example/1"], "evidence": "x",
             "evidence_start": 3, "published": "2024-01-03", "place_kind": "site"}]
    (report,) = reports_from_rows(rows)
    assert report == Incident(id="d1#1", document_id="d1", date="2024-01-02", lat=35.0, lon=40.0, count=4,
                              source_urls=("https://a.example/1",), evidence="x", evidence_start=3,
                              published="2024-01-03", place_kind="site")


def test_parquet_types_of_drafts_and_merged_incidents_are_the_fields_kinds():
    types = schema_of(MERGED_COLUMNS)
    assert types.field("source_urls").type == pa.list_(pa.string())
    assert types.field("fatalities_min").type == pa.int64() and types.field("reports").type == pa.int64()
    assert types.field("radius_km").type == pa.float64() and types.field("place_kind").type == pa.string()
    assert schema_of(("count", "evidence_start", "lat")).types == [pa.int64(), pa.int64(), pa.float64()]


def test_the_maps_export_names_every_text_column_of_the_block():
    # The page's export of the incidents shown lists the block's text columns by name.
    listed = re.search(r"var EXPORT_FIELDS = \[(.*?)\];", TOOLS_JS.read_text(encoding="utf-8"), re.S)
    assert listed is not None
    assert set(re.findall(r'"(\w+)"', listed.group(1))) == {name for name, _ in TEXT_FIELDS}
    assert {f.name for f in SCHEMA if f.on_map} <= {name for name, _ in TEXT_FIELDS}


def test_a_name_that_is_no_field_is_refused_naming_the_fields():
    with pytest.raises(KeyError, match=r"'place' is no field of Incident; the fields are: row, id, "):
        field_spec("place")
    assert field_spec("date").kind == "text" and field_spec("extra").kind == "pairs"
