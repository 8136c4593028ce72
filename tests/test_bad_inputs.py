"""The bad-input corpus (tests/bad_inputs.py, files in tests/data/bad/) through `incident-map
render`: every file gets its exit code and first line, and no row is lost."""

from __future__ import annotations

import collections
import csv
from pathlib import Path

import pytest
from bad_inputs import CASES, CORPUS, Case
from click.testing import CliRunner

from mapper.cli import main


def corpus_file(case: Case, tmp_path: Path) -> Path:
    if case.generated:
        path = tmp_path / case.name
        path.write_bytes(case.make())
        return path
    return CORPUS / case.name


def test_corpus_is_large_and_committed_as_generated():
    assert len(CASES) >= 80 and len({c.name for c in CASES}) == len(CASES)
    for case in CASES:
        if not case.generated:
            assert (CORPUS / case.name).read_bytes() == case.make(), \
                f"{case.name} differs from tests/bad_inputs.py: run python tests/bad_inputs.py"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path):
    path = corpus_file(case, tmp_path)
    review = tmp_path / "review.csv"
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(tmp_path / "map.html"),
                                       "--review", str(review)])
    assert result.exit_code == case.exit, result.output
    assert "Traceback" not in result.output
    if case.exit == 2:
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"incident-map: {path}: "), first
        assert case.first in result.stderr, result.stderr
        assert not (tmp_path / "map.html").exists() and not review.exists()
        return
    first = result.stdout.splitlines()[0]
    assert case.first in first, first
    read, mapped, in_review = (int(first.split(" rows read, ")[0]),
                               int(first.split(", ")[1].split()[0]), None)
    with review.open(encoding="utf-8-sig", newline="") as f:
        only_in_review = collections.Counter(r["mapped"] for r in csv.DictReader(f))["no"]
    in_review = only_in_review
    assert read == mapped + in_review
    assert (read, mapped, in_review) == case.counts
