"""`gazetteer import` under faults: imports at once, failures and kills leave one complete index
and no partial file; each file is imported under its own full name."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import geonames_row

from gazetteer import DataError, Gazetteer, ImportFailed
from gazetteer.sources import import_file, read_index
from mapper.cli import main

ROOT = Path(__file__).resolve().parents[1]


def dump(path: Path, first_id: int, rows: int, cc: str = "SY", name: str = "Qaryat") -> Path:
    """A GeoNames-format dump of `rows` villages, ids from `first_id`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for k in range(rows):
            f.write(geonames_row(first_id + k, f"{name} {first_id + k}", 33 + (k % 500) / 100,
                                 36 + (k % 600) / 100, "01", cc=cc) + "\n")
    return path


def index_rows(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [place.id for place, _ in read_index(fh, str(path))]


def imported(data_dir: Path) -> list[str]:
    return sorted(os.listdir(data_dir / "imported"))


def test_four_imports_at_once_leave_one_complete_index(tmp_path):
    sources = [dump(tmp_path / "a" / "SY.txt", 1_000_000, 15_000),
               dump(tmp_path / "b" / "SY.txt", 2_000_000, 12_000),
               dump(tmp_path / "IQ.txt", 3_000_000, 15_000, cc="IQ"),
               tmp_path / "sites.2024.csv"]
    sources[3].write_text("name,lat,lon\nOutpost Kilo,35.5,40.5\n", encoding="utf-8")
    data_dir = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen([sys.executable, "-m", "mapper.cli", "--data-dir", str(data_dir),
                                   "gazetteer", "import", str(source)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for source in sources]
    results = [(p.wait(timeout=300), p.stderr.read().decode()) for p in processes]
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    assert imported(data_dir) == [".lock", "IQ.tsv", "SY.tsv", "sites.2024.tsv"]
    sy = index_rows(data_dir / "imported" / "SY.tsv")
    # whichever SY.txt came last, all of it and nothing of the other
    assert sy in ([f"gn:{1_000_000 + k}" for k in range(15_000)],
                  [f"gn:{2_000_000 + k}" for k in range(12_000)])
    assert len(index_rows(data_dir / "imported" / "IQ.tsv")) == 15_000
    gaz = Gazetteer.default(data_dir)
    assert gaz.resolve("Outpost Kilo").place.id == "user:outpost-kilo"
    assert gaz.get("gn:3000000") is not None


def test_files_keep_their_full_name(tmp_path):
    for year, name in (("2024", "Alpha Post"), ("2025", "Bravo Post")):
        path = tmp_path / f"mysites.{year}.csv"
        path.write_text(f"name,lat,lon\n{name},35.5,40.5\n", encoding="utf-8")
        stored, _ = import_file(path, tmp_path / "data")
        assert stored.name == f"mysites.{year}.tsv"
    gaz = Gazetteer.default(tmp_path / "data")
    assert gaz.resolve("Alpha Post") is not None and gaz.resolve("Bravo Post") is not None


def test_a_bad_zip_is_a_reading_error_not_a_writing_one(tmp_path):
    bad = tmp_path / "SY.zip"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ImportFailed, match="SY.zip: cannot read"):
        import_file(bad, tmp_path / "data")
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "gazetteer", "import",
                                       str(bad)])
    assert result.exit_code == 2 and "cannot write" not in result.output
    assert imported(tmp_path / "data") == [".lock"]


def test_a_failed_import_keeps_the_earlier_one_and_leaves_no_part(tmp_path):
    data_dir = tmp_path / "data"
    good = dump(tmp_path / "v1" / "SY.txt", 1, 50)
    import_file(good, data_dir)
    before = (data_dir / "imported" / "SY.tsv").read_bytes()
    bad = dump(tmp_path / "v2" / "SY.txt", 100, 5000)
    with bad.open("a", encoding="utf-8") as f:
        f.write("123\tBroken\trow\n")
    with pytest.raises(DataError, match="row 5001"):
        import_file(bad, data_dir)
    assert (data_dir / "imported" / "SY.tsv").read_bytes() == before
    assert imported(data_dir) == [".lock", "SY.tsv"]


def test_a_stale_part_is_swept_by_the_next_import(tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "imported").mkdir(parents=True)
    (data_dir / "imported" / "SY.part").write_text("left by an old version", encoding="utf-8")
    import_file(dump(tmp_path / "SY.txt", 1, 5), data_dir)
    assert imported(data_dir) == [".lock", "SY.tsv"]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the write begin")
def test_a_killed_import_leaves_the_earlier_one_and_no_part(tmp_path):
    data_dir = tmp_path / "data"
    import_file(dump(tmp_path / "v1" / "SY.txt", 1, 50), data_dir)
    before = (data_dir / "imported" / "SY.tsv").read_bytes()
    big = dump(tmp_path / "v2" / "SY.txt", 100, 120_000)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "mapper.cli", "--data-dir", str(data_dir),
                                "gazetteer", "import", str(big)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    folder = data_dir / "imported"
    deadline = time.monotonic() + 120
    while True:   # until it holds its index file open (the lock file is not it)
        try:
            links = [os.readlink(f"/proc/{process.pid}/fd/{fd}")
                     for fd in os.listdir(f"/proc/{process.pid}/fd")]
        except OSError:
            links = []
        if any(link.startswith(f"{folder}/") and not link.endswith(".lock") for link in links):
            break
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL
    assert (folder / "SY.tsv").read_bytes() == before
    assert imported(data_dir) == [".lock", "SY.tsv"]
    import_file(dump(tmp_path / "v3" / "SY.txt", 7, 3), data_dir)   # the lock died with it
    assert index_rows(folder / "SY.tsv") == ["gn:7", "gn:8", "gn:9"]
