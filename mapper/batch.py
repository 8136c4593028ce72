"""Resolve a column of place names in a CSV or XLSX table, keeping every row."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from gazetteer import Gazetteer

from .errors import InputError
from .incidents import read_table
from .locate import describe, resolve_row
from .output import atomic_write, write_csv, write_xlsx

RESULT_COLUMNS = ("place_id", "place_name", "lat", "lon", "radius_km", "score", "method",
                  "ambiguous", "reason", "suggestions")


def resolve_table(gaz: Gazetteer, path: Path, column: str, output: Path | None, *,
                  country: str | None = None, admin1: str | None = None,
                  countries: Sequence[str] | None = None, raw_cells: bool = False) -> int:
    """Append resolution columns to every row; returns how many rows stayed unresolved.
    The table may be CSV, XLSX or Parquet, and so may the output (Parquet as GeoParquet).

    Row-level `country` and `admin1` columns, when present, are used as hints. The table goes
    to `output` (CSV, or XLSX by its extension; whole or not at all) or to stdout as CSV; its
    cells are made safe to open in a spreadsheet unless `raw_cells` (see `mapper.output`).
    """
    table = read_table(path)
    if table.problems:  # rows that could not even be split: refuse rather than drop them
        raise InputError(path, list(table.problems))
    header = list(table.headers)
    rows = [[_cell(v) for v in cells] for _, cells in table.rows]
    lowered = [h.lower() for h in header]
    if column.lower() not in lowered:
        raise InputError(path, f"no column {column!r}; columns are: {', '.join(header)}")
    col = lowered.index(column.lower())
    country_col = lowered.index("country") if "country" in lowered else None
    admin1_col = lowered.index("admin1") if "admin1" in lowered else None
    out_rows = [header + list(RESULT_COLUMNS)]
    unresolved = 0
    for row in _progress(rows, f"resolving {path.name}"):
        row = row + [""] * (len(header) - len(row))
        name = row[col].strip()
        hint_country = (row[country_col].strip() if country_col is not None else "") or country
        hint_admin1 = (row[admin1_col].strip() if admin1_col is not None else "") or admin1
        found = resolve_row(gaz, name, country=hint_country, admin1=hint_admin1, countries=countries)
        match = found.match
        if match:
            p = match.place
            reason = "; ".join(found.doubts)
            others = match.candidates if match.ambiguous else ()
            extra = [p.id, p.name, f"{p.lat:.5f}", f"{p.lon:.5f}", f"{p.radius_km:g}",
                     f"{match.score:.3f}", match.method, str(match.ambiguous).lower(), reason]
        else:
            unresolved += 1
            others = found.candidates
            reason = "; ".join(["empty name" if not name else "no match", *found.doubts])
            extra = ["", "", "", "", "", "", "", "false", reason]
        extra.append("; ".join(describe(m) for m in others[:3]))
        out_rows.append(row + extra)
    _write_table(out_rows, output, raw_cells)
    return unresolved


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _progress(rows: list, label: str):
    if not sys.stderr.isatty() or len(rows) < 200:
        return rows
    from rich.progress import track

    return track(rows, description=label, console=None, transient=True)


def _write_table(rows: list[list[str]], output: Path | None, raw_cells: bool) -> None:
    if output is not None and output.suffix.lower() in (".parquet", ".geoparquet"):
        _write_geoparquet(rows, output)
    elif output is None:
        write_csv(sys.stdout, rows, raw=raw_cells)
    elif output.suffix.lower() == ".xlsx":
        with atomic_write(output, "wb") as out:
            write_xlsx(out, rows, raw=raw_cells)
    else:
        with atomic_write(output, "w", encoding="utf-8", newline="") as out:
            write_csv(out, rows, raw=raw_cells)


def _write_geoparquet(rows: list[list[str]], output: Path) -> None:
    """The table as GeoParquet (EPSG:4326): its columns as text, the resolved point as the
    geometry (none for a row left unresolved)."""
    from .parquet import write_geoparquet

    header, body = rows[0], rows[1:]
    names = [h if h not in header[:i] else f"{h}_{i}" for i, h in enumerate(header)]
    lat_col, lon_col = len(header) - len(RESULT_COLUMNS) + 2, len(header) - len(RESULT_COLUMNS) + 3
    lat = [float(r[lat_col]) if r[lat_col] else float("nan") for r in body]
    lon = [float(r[lon_col]) if r[lon_col] else float("nan") for r in body]
    write_geoparquet({name: [r[i] for r in body] for i, name in enumerate(names)}, lat, lon, output)
