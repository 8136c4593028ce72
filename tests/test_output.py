"""Files under faults: written whole or not at all, a command's outputs together or none, no
output over an input, spreadsheet cells that cannot run, and exit 2 with one line for every
file the user named that cannot be written."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from mapper import output
from mapper.cli import main
from mapper.errors import WriteError
from mapper.extract import drafts_csv, write_drafts
from mapper.model import Incident
from mapper.output import all_or_nothing, atomic_write, csv_cell, write_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "seed_incidents.csv"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("incident-map: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


# --- whole or not at all -------------------------------------------------------------------------

def test_a_failed_write_leaves_the_earlier_file_and_no_temporary_one(tmp_path):
    path = tmp_path / "map.html"
    path.write_text("earlier", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(path) as out:
        out.write("half a map")
        raise RuntimeError("assets unavailable")
    assert path.read_text(encoding="utf-8") == "earlier"
    assert os.listdir(tmp_path) == ["map.html"]


def test_interrupt_leaves_the_earlier_file(tmp_path):
    path = tmp_path / "located.csv"
    path.write_text("earlier", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_write(path) as out:
        out.write("x" * 100_000)
        raise KeyboardInterrupt
    assert path.read_text(encoding="utf-8") == "earlier" and os.listdir(tmp_path) == ["located.csv"]


def test_a_complete_write_replaces_the_file_keeping_its_mode(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("earlier", encoding="utf-8")
    path.chmod(0o640)
    write_text(path, "new")
    assert path.read_text(encoding="utf-8") == "new" and (path.stat().st_mode & 0o777) == 0o640
    assert os.listdir(tmp_path) == ["out.csv"]


def test_a_link_to_a_file_stays_a_link(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("earlier", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    write_text(link, "new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"


def test_all_or_nothing_puts_every_file_in_place_or_none(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("a0", encoding="utf-8")
    with pytest.raises(ValueError), all_or_nothing():
        write_text(a, "a1")
        write_text(b, "b1")
        assert a.read_text(encoding="utf-8") == "a0" and not b.exists()   # nothing in place yet
        raise ValueError("the map failed")
    assert a.read_text(encoding="utf-8") == "a0" and not b.exists()
    assert os.listdir(tmp_path) == ["a.txt"]
    with all_or_nothing():
        write_text(a, "a1")
        write_text(b, "b1")
    assert (a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")) == ("a1", "b1")
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt"]


@pytest.mark.parametrize("target, words", [
    ("missing/out.csv", "no such folder"),
    (".", "it is a folder"),
])
def test_a_file_that_cannot_be_written_is_a_write_error_naming_it(tmp_path, target, words):
    path = tmp_path / target
    with pytest.raises(WriteError) as caught:
        write_text(path, "x")
    assert str(caught.value).startswith(f"{path}: cannot write") and words in str(caught.value)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_device_is_a_write_error_and_no_file_is_made_in_dev():
    before = set(os.listdir("/dev"))
    with pytest.raises(WriteError, match="/dev/full: cannot write: No space left"):
        write_text("/dev/full", "x")
    assert set(os.listdir("/dev")) == before


# --- the command line ----------------------------------------------------------------------------

def test_render_that_fails_replaces_none_of_its_outputs(tmp_path, monkeypatch):
    from mapper import assets

    def unavailable(*args, **kwargs):
        raise assets.AssetsUnavailable("no assets in the cache and no network")

    monkeypatch.setattr(assets, "load_bundle", unavailable)
    files = {name: f"earlier {name}" for name in ("map.html", "located.csv", "review.csv")}
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    result = run("render", SAMPLE, "-o", tmp_path / "map.html", "--self-contained",
                 "--located", tmp_path / "located.csv", "--review", tmp_path / "review.csv")
    assert "no assets in the cache" in one_line_error(result)
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == files


def test_a_located_file_that_cannot_be_written_is_named_and_the_map_is_kept(tmp_path):
    (tmp_path / "map.html").write_text("earlier", encoding="utf-8")
    located = tmp_path / "missing" / "located.csv"
    message = one_line_error(run("render", SAMPLE, "-o", tmp_path / "map.html", "--located", located))
    assert message.startswith(f"incident-map: {located}: cannot write")
    assert (tmp_path / "map.html").read_text(encoding="utf-8") == "earlier"


@pytest.mark.parametrize("make_args", [
    lambda src, tmp: ["render", src, "-o", tmp / "m.html", "--located", src],
    lambda src, tmp: ["render", src, "-o", tmp / "m.html", "--review", src],
    lambda src, tmp: ["report", src, "-o", tmp / "b.html", "--located", tmp / "link.csv"],
    lambda src, tmp: ["resolve", "--input", src, "--column", "location", "--output", tmp / "hard.csv"],
    lambda src, tmp: ["extract", src, "--date", "2024-01-03", "-o", src],
    lambda src, tmp: ["geoparse", src, "--html", src],
])
def test_an_output_that_is_also_the_input_is_a_usage_error(tmp_path, make_args):
    source = tmp_path / "in.csv"
    source.write_bytes(SAMPLE.read_bytes())
    (tmp_path / "link.csv").symlink_to(source)
    os.link(source, tmp_path / "hard.csv")
    assert "is also the input" in one_line_error(run(*make_args(source, tmp_path)))
    assert source.read_bytes() == SAMPLE.read_bytes()
    assert not (tmp_path / "m.html").exists() and not (tmp_path / "b.html").exists()


def test_two_outputs_of_one_file_are_a_usage_error(tmp_path):
    out = tmp_path / "x.csv"
    message = one_line_error(run("render", SAMPLE, "-o", tmp_path / "m.html", "--located", out,
                                 "--review", tmp_path / "." / "x.csv"))
    assert "named as an output twice" in message and not out.exists()


@pytest.mark.parametrize("args, named", [
    (["resolve", "--input", SAMPLE, "--column", "location", "--output", "{tmp}/missing/out.csv"],
     "{tmp}/missing/out.csv"),
    (["resolve", "--input", SAMPLE, "--column", "location", "--output", "/proc/out.csv"],
     "/proc/out.csv"),
    (["resolve", "--input", SAMPLE, "--column", "location", "--output", "{tmp}/missing/out.xlsx"],
     "{tmp}/missing/out.xlsx"),
    (["geoparse", "{tmp}/a.txt", "--html", "{tmp}/missing/g.html"], "{tmp}/missing/g.html"),
    (["extract", "{tmp}/a.txt", "--date", "2024-01-03", "-o", "{tmp}/missing/d.csv"],
     "{tmp}/missing/d.csv"),
    (["report", SAMPLE, "-o", "{tmp}/missing/brief.pdf", "--dpi", "60"], "{tmp}/missing/brief.pdf"),
])
def test_unwritable_outputs_exit_2_with_one_line_naming_them(tmp_path, args, named):
    (tmp_path / "a.txt").write_text("سقطت أربعة صواريخ على قاعدة الشدادي مساء أمس.", encoding="utf-8")
    args = [str(a).replace("{tmp}", str(tmp_path)) for a in args]
    message = one_line_error(run(*args))
    assert message.startswith(f"incident-map: {named.replace('{tmp}', str(tmp_path))}: cannot write")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_resolve_onto_a_full_device_exits_2():
    message = one_line_error(run("resolve", "--input", SAMPLE, "--column", "location", "--output",
                                 "/dev/full"))
    assert message == "incident-map: /dev/full: cannot write: No space left on device"


@pytest.mark.parametrize("day, words", [("0001-01-01", "is before 1900-01-01"),
                                        ("9999-12-31", "is in the future")])
def test_extract_date_out_of_range_is_a_usage_error(tmp_path, day, words):
    article = tmp_path / "a.txt"
    article.write_text("سقطت أربعة صواريخ على قاعدة الشدادي أمس.", encoding="utf-8")
    assert words in one_line_error(run("extract", article, "--date", day))


# --- spreadsheet cells ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, cell", [
    ("=1+2", "'=1+2"), ("+1+2", "'+1+2"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("-35.5", "-35.5"), ("+1e3", "+1e3"), ("-", "'-"),
    ("\u202eevil", "evil"), ("a\u2066b\u2069", "ab"), ("\u200fmark", "\u200fmark"),
    (-35.5, -35.5), (None, None), ("plain", "plain"),
])
def test_csv_cells_cannot_start_a_formula(value, cell):
    assert csv_cell(value) == cell
    assert csv_cell(value, raw=True) == value


HOSTILE = ("date,location,actor,notes,=cmd|' /C calc'!A0\n"
           "2024-01-02,Kanaker,=cmd|' /C calc'!A0,@SUM(A1),+1+2\n"
           "2024-01-02,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-2+3,\u202eevil,\t=1\n"
           "2024-01-02,Shaddadi,\u202eevil actor,x,-35.5\n")


def live_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet program would run as formulas."""
    return [c for row in rows for c in row if c.startswith(FORMULA_START)
            and not output._NUMBER.match(c)]


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("raw", [False, True])
def test_every_csv_output_is_neutralised_unless_raw_cells(tmp_path, raw):
    table = tmp_path / "hostile.csv"
    table.write_text(HOSTILE, encoding="utf-8")
    flag = ["--raw-cells"] if raw else []
    located, review, resolved = (tmp_path / n for n in ("located.csv", "review.csv", "resolved.csv"))
    result = run("render", table, "-o", tmp_path / "map.html", "--located", located, "--review", review,
                 *flag)
    assert result.exit_code == 0, result.output
    assert run("resolve", "--input", table, "--column", "location", "--output", resolved,
               *flag).exit_code == 0
    stdout = run("resolve", "--input", table, "--column", "location", *flag).stdout
    outputs = {"located": csv_rows(located), "review": csv_rows(review),
               "resolved": csv_rows(resolved), "stdout": list(csv.reader(io.StringIO(stdout)))}
    for name, rows in outputs.items():
        text = "\n".join("\x1f".join(r) for r in rows)
        if raw:
            assert live_cells(rows), name
            assert "\u202e" in text, name
        else:
            assert live_cells(rows) == [], (name, live_cells(rows))
            assert "\u202e" not in text and "\u2066" not in text, name
            assert "'=cmd|' /C calc'!A0" in text, name   # shown, not run
    assert "-35.5" in [c for row in outputs["resolved"] for c in row]   # numbers stay numbers


def test_drafts_csv_is_neutralised_unless_raw_cells(tmp_path):
    draft = Incident(id="draft-001", date="2024-01-02", location="=cmd|' /C calc'!A0", actor="@x",
                     description="\u202eevil", lat=-0.5, lon=40.0)
    rows = list(csv.reader(io.StringIO(drafts_csv([draft]))))
    assert live_cells(rows) == [] and "'=cmd|' /C calc'!A0" in rows[1] and "evil" in rows[1]
    assert "-0.5" in rows[1]
    write_drafts([draft], tmp_path / "d.csv", raw_cells=True)
    assert "=cmd|' /C calc'!A0" in csv_rows(tmp_path / "d.csv")[1]


def test_xlsx_output_holds_text_never_formulas(tmp_path):
    table = tmp_path / "hostile.csv"
    table.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert run("resolve", "--input", table, "--column", "location", "--output", out).exit_code == 0
    sheet = openpyxl.load_workbook(out).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert "=cmd|' /C calc'!A0" in values and '=HYPERLINK("http://x","y")' in values
    assert "evil actor" in values and not [v for v in values if "\u202e" in str(v)]


# --- kills ---------------------------------------------------------------------------------------

def _big_table(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write("date,lat,lon,actor\n")
        for i in range(rows):
            f.write(f"2024-01-{i % 28 + 1:02d},{33 + (i % 400) / 100:.4f},{37 + (i % 500) / 100:.4f},"
                    f"actor {i % 7}\n")


def _writing_into(pid: int, folder: Path) -> bool:
    """True when process `pid` holds a file open in `folder` (its temporary output)."""
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return any(link.startswith(f"{folder}/") for link in links)


def _start_render(tmp_path: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "mapper.cli", "render", str(tmp_path / "big.csv"),
                             "-o", str(out), "--located", str(tmp_path / "out" / "located.csv")],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the write begin")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_render_killed_midway_leaves_the_old_outputs_intact(tmp_path, sig):
    _big_table(tmp_path / "big.csv", 30_000)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "map.html"
    out.write_text("the old map", encoding="utf-8")
    (folder / "located.csv").write_text("the old located", encoding="utf-8")
    process = _start_render(tmp_path, out)
    deadline = time.monotonic() + 120
    while not _writing_into(process.pid, folder):
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "the render never began to write"
        time.sleep(0.01)
    time.sleep(0.05)
    process.send_signal(sig)
    code = process.wait(timeout=60)
    assert code == (-signal.SIGKILL if sig == signal.SIGKILL else 128 + signal.SIGTERM), code
    assert out.read_text(encoding="utf-8") == "the old map"
    assert (folder / "located.csv").read_text(encoding="utf-8") == "the old located"
    assert sorted(os.listdir(folder)) == ["located.csv", "map.html"]   # no temporary file left
