"""The command line contract of DESIGN.md: JSON shapes and exit codes."""

from __future__ import annotations

import csv
import errno
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from gazetteer import Gazetteer, distance_km
from mapper.cli import main

MATCH_KEYS = {"id", "name", "name_ar", "kind", "feature", "country", "admin1", "lat", "lon",
              "radius_km", "score", "method", "ambiguous", "admin2"}


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_resolve_json_is_one_array_in_query_order():
    result = run("resolve", "حقل العمر", "Shaddadi", "Xyzzyville", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["query"] for d in data] == ["حقل العمر", "Shaddadi", "Xyzzyville"]
    omar, shaddadi, unknown = data
    assert set(omar["match"]) == MATCH_KEYS
    assert omar["match"]["feature"] == "oil_field" and omar["match"]["method"] == "exact"
    assert distance_km(36.0576, 40.7348, shaddadi["match"]["lat"], shaddadi["match"]["lon"]) < 5
    assert unknown["match"] is None and isinstance(unknown["candidates"], list)
    for item in data:
        assert all(set(c) == MATCH_KEYS for c in item["candidates"])


def test_resolve_country_hint_and_ambiguity_in_json():
    data = json.loads(run("resolve", "Tanf", "--country", "SY", "--json").output)
    assert data[0]["match"]["country"] == "SY"
    assert data[0]["match"]["ambiguous"] is True and data[0]["candidates"]


def test_unknown_name_exits_0_and_1_under_strict():
    assert run("resolve", "Xyzzyville").exit_code == 0
    assert run("resolve", "Xyzzyville", "--strict").exit_code == 1
    assert run("resolve", "Kanaker", "--strict").exit_code == 0


def one_line_error(result) -> str:
    """The message of a user error: exit 2, one line on stderr, nothing on stdout."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("incident-map: "), result.stderr
    return lines[0]


@pytest.mark.parametrize("args, words", [
    (["resolve"], "give one or more NAMES"),
    (["resolve", "--input", "missing.csv", "--column", "place"], "missing.csv"),
    (["--no-such-option", "resolve", "x"], "No such option '--no-such-option'"),
    (["no-such-command"], "No such command 'no-such-command'"),
    (["render"], "Missing argument 'INCIDENTS'"),
    (["extract", "article.txt"], "Missing option '--date'"),
])
def test_bad_usage_exits_2_with_one_line(args, words):
    assert words in one_line_error(run(*args))


def test_unwritable_outputs_exit_2_naming_the_file(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("سقطت أربعة صواريخ على قاعدة الشدادي مساء أمس.", encoding="utf-8")
    missing = tmp_path / "no-such-folder"
    for args, name in [
        (["render", str(SAMPLE), "-o", str(missing / "map.html")], "map.html"),
        (["render", str(SAMPLE), "-o", str(missing / "map.png"), "--dpi", "60"], "map.png"),
        (["render", str(SAMPLE), "-o", str(tmp_path / "map.html"), "--located",
          str(missing / "located.geojson")], "located.geojson"),
        (["report", str(SAMPLE), "-o", str(missing / "brief.html")], "brief.html"),
        (["extract", str(article), "--date", "2024-01-03", "-o", str(missing / "drafts.csv")], "drafts.csv"),
        (["geoparse", str(article), "--html", str(missing / "g.html")], "g.html"),
        (["resolve", "--input", str(SAMPLE), "--column", "location", "--output",
          str(missing / "out.csv")], "out.csv"),
    ]:
        message = one_line_error(run(*args))
        assert str(missing / name) in message and "cannot write" in message, message


def test_a_bug_shows_its_traceback_and_exits_70(monkeypatch):
    def broken(self, name, **hints):
        raise ValueError("an internal check failed")

    monkeypatch.setattr(Gazetteer, "candidates", broken)
    result = run("resolve", "Kanaker")
    assert result.exit_code == 70
    assert "Traceback (most recent call last)" in result.stderr
    assert "ValueError: an internal check failed" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("incident-map: internal error (ValueError)")


def test_an_os_error_about_another_file_is_a_bug_not_the_users(monkeypatch, tmp_path):
    from mapper.html import IncidentMap

    out = tmp_path / "map.html"

    def fails_on(filename):
        def save(self, path):
            raise PermissionError(errno.EACCES, "Permission denied", filename)
        return save

    monkeypatch.setattr(IncidentMap, "save", fails_on(str(out)))
    assert str(out) in one_line_error(run("render", str(SAMPLE), "-o", str(out)))
    monkeypatch.setattr(IncidentMap, "save", fails_on("/usr/share/somewhere/else.css"))
    result = run("render", str(SAMPLE), "-o", str(out))
    assert result.exit_code == 70 and "PermissionError" in result.stderr


def test_batch_resolve_keeps_every_row(tmp_path):
    table = tmp_path / "places.csv"
    table.write_text("id;place;admin1\n1;كناكر;\n2;Nowhereville;\n3;;\n4;المالكية;SY-HA\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("resolve", "--input", str(table), "--column", "place", "--output", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["place_id"] and float(rows[0]["lat"]) > 33
    assert rows[1]["place_id"] == "" and rows[1]["reason"] == "no match"
    assert rows[2]["reason"] == "empty name"
    assert distance_km(37.177, 42.140, float(rows[3]["lat"]), float(rows[3]["lon"])) < 5


def test_batch_resolve_reads_and_writes_xlsx(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["location", "note"])
    book.active.append(["الشدادي", "x"])
    source = tmp_path / "in.xlsx"
    book.save(source)
    out = tmp_path / "out.xlsx"
    assert run("resolve", "--input", str(source), "--column", "Location", "--output", str(out)).exit_code == 0
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("location", "note", "place_id") and rows[1][2]


def test_batch_with_unknown_column_names_the_columns(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("resolve", "--input", str(table), "--column", "place")
    assert "columns are: a, b" in one_line_error(result)


def test_gazetteer_import_then_info_and_resolve(tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text("name,lat,lon\nOutpost Kilo,35.5,40.5\n", encoding="utf-8")
    data_dir = tmp_path / "data"
    assert run("--data-dir", str(data_dir), "gazetteer", "import", str(sites)).exit_code == 0
    info = run("--data-dir", str(data_dir), "gazetteer", "info")
    assert "imported sites.tsv" in info.output and "GeoNames" in info.output
    data = json.loads(run("--data-dir", str(data_dir), "resolve", "Outpost Kilo", "--json").output)
    assert data[0]["match"]["id"] == "user:outpost-kilo"


def test_gazetteer_import_of_a_bad_file_exits_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nX,200,1\n", encoding="utf-8")
    result = run("--data-dir", str(tmp_path / "d"), "gazetteer", "import", str(bad))
    assert "row 2, column lat" in one_line_error(result)


SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "seed_incidents.csv"


def test_render_writes_static_maps_by_extension(tmp_path):
    for name in ("map.png", "map.svg", "map.pdf"):
        result = run("render", str(SAMPLE), "-o", str(tmp_path / name), "--labels", "en", "--dpi", "60")
        assert result.exit_code == 0, result.output
        assert "10 rows read, 10 mapped, 0 sent to review" in result.output
    assert (tmp_path / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "map.pdf").read_bytes()[:5] == b"%PDF-"
    assert "<svg" in (tmp_path / "map.svg").read_text(encoding="utf-8")[:500]


def test_report_writes_a_brief_and_the_located_file(tmp_path):
    result = run("report", str(SAMPLE), "-o", str(tmp_path / "brief.html"),
                 "--located", str(tmp_path / "located.geojson"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert page.count("<tr") >= 10 and "كناكر" in page
    located = json.loads((tmp_path / "located.geojson").read_text(encoding="utf-8"))
    assert len(located["features"]) == 10


@pytest.mark.parametrize("args,message", [
    (["-o", "map.gif"], "map.gif"),
    (["-o", "map.png", "--size", "abc"], "--size"),
    (["-o", "map.png", "--extent", "1,2"], "--extent"),
    (["-o", "map.png", "--size", "80,80"], "between 1 and 60 inches"),
])
def test_render_rejects_bad_output_options_with_exit_2(tmp_path, args, message):
    assert message in one_line_error(run("render", str(SAMPLE), *args))


@pytest.mark.parametrize("option,value,named", [
    ("--country", "XX", "XX"), ("--admin1", "Nowhere", "Nowhere"), ("--countries", "SY,ZZ", "ZZ"),
])
def test_unknown_hint_is_a_usage_error_naming_it(option, value, named):
    result = run("resolve", "Kanaker", option, value)
    assert result.exit_code == 2 and named in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("country", ["SY", "SYR", "760", "Syria", "سوريا"])
def test_country_hint_takes_iso2_iso3_numeric_and_names(country):
    data = json.loads(run("resolve", "Malikiyah", "--country", country, "--json").output)
    assert data[0]["match"]["country"] == "SY"


def test_lookalike_abroad_is_unresolved_under_strict():
    result = run("resolve", "Shuhayl", "asdf", "Shad\u00addadi", "--json", "--strict")
    assert result.exit_code == 1
    shuhayl, asdf, shaddadi = json.loads(result.output)
    # al-Shuhayl is a town of Deir ez-Zor (the bundled layer holds it), never Zahlé in Lebanon.
    assert (shuhayl["match"]["country"], shuhayl["match"]["admin1"]) == ("SY", "SY-DY")
    assert asdf["match"] is None
    assert distance_km(36.0576, 40.7348, shaddadi["match"]["lat"], shaddadi["match"]["lon"]) < 5


def test_render_sends_doubtful_rows_to_review_and_strict_counts_them(tmp_path):
    table = tmp_path / "incidents.csv"
    table.write_text("date,location,admin1\n2024-01-02,Manbij,\n2024-01-02,Xyzzyville,\n"
                     "2024-01-03,Shaddadi,Nowhere\n", encoding="utf-8")
    review = tmp_path / "review.csv"
    result = run("render", str(table), "-o", str(tmp_path / "map.html"), "--basemap", "none",
                 "--review", str(review), "--strict")
    assert result.exit_code == 1, result.output
    assert "3 rows read, 2 mapped, 2 sent to review" in result.output
    rows = list(csv.DictReader(review.open(encoding="utf-8-sig")))
    reasons = {r["location"]: r["reason"] for r in rows}
    assert reasons["Xyzzyville"] == "unresolved"
    assert reasons["Shaddadi"].startswith("unknown hint") and "Nowhere" in reasons["Shaddadi"]
