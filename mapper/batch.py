"""Resolve a column of place names in a CSV or XLSX table, keeping every row."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from gazetteer import Gazetteer
from gazetteer.errors import DataError, ImportFailed

RESULT_COLUMNS = ("place_id", "place_name", "lat", "lon", "radius_km", "score", "method",
                  "ambiguous", "reason", "suggestions")


def read_table(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    """Header and rows of a CSV (delimiter sniffed) or the first sheet of an XLSX file."""
    if not path.is_file():
        raise ImportFailed(f"{path}: no such file")
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        try:
            sheet = openpyxl.load_workbook(path, read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise ImportFailed(f"{path}: not a readable XLSX workbook: {exc}") from exc
        rows = ([("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True))
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ImportFailed(f"{path}: cannot read as UTF-8 text: {exc}") from exc
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        rows = csv.reader(text.splitlines(), dialect)
    header = next(rows, None)
    if not header:
        raise DataError(f"{path}: empty table")
    return [h.strip() for h in header], rows


def resolve_table(gaz: Gazetteer, path: Path, column: str, output: Path | None, *,
                  country: str | None = None, admin1: str | None = None) -> int:
    """Append resolution columns to every row; returns how many rows stayed unresolved.

    Row-level `country` and `admin1` columns, when present, are used as hints.
    """
    header, rows = read_table(path)
    lowered = [h.lower() for h in header]
    if column.lower() not in lowered:
        raise DataError(f"{path}: no column {column!r}; columns are: {', '.join(header)}")
    col = lowered.index(column.lower())
    country_col = lowered.index("country") if "country" in lowered else None
    admin1_col = lowered.index("admin1") if "admin1" in lowered else None
    rows = list(rows)
    out_rows = [header + list(RESULT_COLUMNS)]
    unresolved = 0
    for row in _progress(rows, f"resolving {path.name}"):
        row = row + [""] * (len(header) - len(row))
        name = row[col].strip()
        hint_country = (row[country_col].strip() if country_col is not None else "") or country
        hint_admin1 = (row[admin1_col].strip() if admin1_col is not None else "") or admin1
        match = gaz.resolve(name, country=hint_country, admin1=hint_admin1) if name else None
        if match:
            p = match.place
            reason = "ambiguous" if match.ambiguous else ""
            others = match.candidates if match.ambiguous else ()
            extra = [p.id, p.name, f"{p.lat:.5f}", f"{p.lon:.5f}", f"{p.radius_km:g}",
                     f"{match.score:.3f}", match.method, str(match.ambiguous).lower(), reason]
        else:
            unresolved += 1
            others = gaz.candidates(name, country=hint_country, admin1=hint_admin1)[:3] if name else []
            extra = ["", "", "", "", "", "", "", "false", "empty name" if not name else "no match"]
        extra.append("; ".join(f"{m.place.name} ({m.place.id}, {m.score:.2f})" for m in others[:3]))
        out_rows.append(row + extra)
    _write_table(out_rows, output)
    return unresolved


def _progress(rows: list, label: str):
    if not sys.stderr.isatty() or len(rows) < 200:
        return rows
    from rich.progress import track

    return track(rows, description=label, console=None, transient=True)


def _write_table(rows: list[list[str]], output: Path | None) -> None:
    if output is not None and output.suffix.lower() == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(output)
        return
    if output is None:
        csv.writer(sys.stdout).writerows(rows)
        return
    with open(output, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
