"""gazetteer.files: the one helper that writes a file whole or not at all (imports, caches, outputs)."""

from __future__ import annotations

import os

import pytest

from gazetteer.files import TempFile, replaced, write_cache


def test_a_file_replaced_whole_keeps_no_temporary_file(tmp_path):
    target = tmp_path / "index.tsv"
    target.write_text("old\n", encoding="utf-8")
    with replaced(target, "w", newline="\n") as out:
        out.write("new\n")
        assert target.read_text(encoding="utf-8") == "old\n"   # not before the block ends
    assert target.read_text(encoding="utf-8") == "new\n"
    assert os.listdir(tmp_path) == ["index.tsv"]


def test_an_error_leaves_the_earlier_file_and_no_trace(tmp_path):
    target = tmp_path / "cache.layer"
    target.write_bytes(b"earlier")
    with pytest.raises(ValueError, match="half way"), replaced(target, "wb", suffix=".part") as out:
        out.write(b"partial")
        raise ValueError("half way")
    assert target.read_bytes() == b"earlier"
    assert os.listdir(tmp_path) == ["cache.layer"]


def test_permissions_are_set_on_the_new_file(tmp_path):
    target = tmp_path / "SY.tsv"
    with replaced(target, permissions=0o640) as out:
        out.write("x")
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_named_temporary_file_is_renamed_and_a_discarded_one_removed(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)   # as where unnamed files do not exist
    target = tmp_path / "out.csv"
    kept = TempFile.beside(target, suffix=".part")
    assert kept.name is not None and kept.name.name.startswith(".out.csv.") and kept.name.suffix == ".part"
    with kept.open("w") as out:
        out.write("a,b\n")
    kept.commit()
    assert target.read_text(encoding="utf-8") == "a,b\n" and os.listdir(tmp_path) == ["out.csv"]
    dropped = TempFile.beside(target)
    dropped.discard()
    assert os.listdir(tmp_path) == ["out.csv"]
    with pytest.raises(OSError):
        dropped.open("w")


def test_a_cache_written_replaces_the_earlier_entries_of_its_kind_only(tmp_path):
    (tmp_path / "curated-aaa.tsv").write_text("old", encoding="utf-8")
    (tmp_path / "districts-aaa.tsv").write_text("other kind", encoding="utf-8")
    write_cache(tmp_path / "curated-bbb.tsv", "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curated-bbb.tsv", "districts-aaa.tsv"]
    assert (tmp_path / "curated-bbb.tsv").read_text(encoding="utf-8") == "new"


def test_a_cache_that_cannot_be_written_costs_nothing_but_speed(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    write_cache(blocked / "curated-x.tsv", "data")   # its folder is a file: no error
    assert blocked.read_text(encoding="utf-8") == ""
