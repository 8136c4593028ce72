"""Parquet and GeoParquet: incident tables in, located incidents and resolved tables out.

A Parquet file (or a folder of part files) is read as Arrow columns: numbers, dates and
booleans become the text the validator reads from any other format, a list cell its items
joined by "; ". A GeoParquet file's point geometry gives lat and lon, in WGS 84 whatever the
CRS it is stored in. Written files are GeoParquet 1.0 (points in WKB, EPSG:4326 stated), so
that GeoPandas, QGIS and DuckDB read them with their CRS.

>>> write_geoparquet({"id": ["a"]}, [36.1], [40.7], "out.parquet")   # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import InputError, Problem
from .validate import RawTable, cell_text

__all__ = ["GEOPARQUET_VERSION", "read_parquet_raw", "read_parquet_table", "write_geoparquet"]

GEOPARQUET_VERSION = "1.0.0"
UNIT = "record"     # a Parquet table's rows are records, numbered from 1


def _read(path: Path) -> pa.Table:
    try:
        table = pq.read_table(path)
    except FileNotFoundError as exc:
        raise InputError(path, "cannot read the file: no such file or folder") from exc
    except (OSError, pa.ArrowException) as exc:   # pyarrow raises both for a file no Parquet
        raise InputError(path, f"cannot read as Parquet: {exc}") from exc
    if not table.num_rows:
        raise InputError(path, "the file holds no records")
    return table


def _geo(table: pa.Table) -> tuple[str, dict[str, Any]] | None:
    """(geometry column, its GeoParquet metadata), when the file is GeoParquet."""
    meta = (table.schema.metadata or {}).get(b"geo")
    if not meta:
        return None
    try:
        geo = json.loads(meta)
        name = geo["primary_column"]
        return name, geo.get("columns", {}).get(name, {})
    except (ValueError, KeyError, TypeError):
        return None


def _points(path: Path, name: str, column: pa.ChunkedArray, meta: dict[str, Any]
            ) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """lat and lon of a WKB point column in WGS 84 (NaN where empty), and a problem for every
    geometry that is no point."""
    import shapely

    if meta.get("encoding", "WKB").upper() != "WKB":
        raise InputError(path, f"geometry encoded as {meta.get('encoding')!r}; only WKB is read")
    geoms = shapely.from_wkb(column.to_numpy(zero_copy_only=False), on_invalid="ignore")
    kinds = shapely.get_type_id(geoms)
    unread = (geoms == None) & pc.is_valid(column).to_numpy(zero_copy_only=False)  # noqa: E711
    problems = [Problem("geometry is not readable WKB" if geoms[k] is None else
                        f"geometry {geoms[k].geom_type!r} is not a Point", k + 1, name, UNIT)
                for k in np.flatnonzero(((kinds != 0) & (kinds != -1)) | unread).tolist()]
    points = np.where(kinds == 0, geoms, None)
    empty = shapely.is_empty(points) | (points == None)  # noqa: E711 - an array of objects
    x = np.where(empty, np.nan, shapely.get_x(np.where(empty, shapely.Point(0, 0), points)))
    y = np.where(empty, np.nan, shapely.get_y(np.where(empty, shapely.Point(0, 0), points)))
    crs = meta.get("crs")
    if crs is not None and not _is_wgs84(crs):
        from pyproj import CRS, Transformer

        source = CRS.from_user_input(crs if not isinstance(crs, dict) else json.dumps(crs))
        x, y = Transformer.from_crs(source, "EPSG:4326", always_xy=True).transform(x, y)
    return np.asarray(y, dtype=float), np.asarray(x, dtype=float), problems


def _is_wgs84(crs: Any) -> bool:
    if isinstance(crs, dict):
        ids = crs.get("id", {})
        if ids.get("authority") in ("EPSG",) and ids.get("code") == 4326:
            return True
        if ids.get("authority") == "OGC" and ids.get("code") == "CRS84":
            return True
    from pyproj import CRS

    source = CRS.from_user_input(crs if not isinstance(crs, dict) else json.dumps(crs))
    return source.equals(CRS.from_epsg(4326), ignore_axis_order=True)


def _text(column: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray | None]:
    """A column of any type as the text the validator reads, and where it held booleans."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pc.fill_null(column, "").cast(pa.string()).combine_chunks(), None
    if pa.types.is_boolean(kind):
        flags = pc.fill_null(column, False).to_numpy(zero_copy_only=False) & \
            pc.is_valid(column).to_numpy(zero_copy_only=False)
        text = pc.if_else(column, "true", "false")
        return pc.fill_null(text, "").combine_chunks(), flags
    if pa.types.is_integer(kind):
        return pc.fill_null(column.cast(pa.string()), "").combine_chunks(), None
    if pa.types.is_floating(kind):
        text = pc.if_else(pc.is_nan(column), "", column.cast(pa.string()))
        return pc.fill_null(text, "").combine_chunks(), None
    if pa.types.is_timestamp(kind):
        midnight = pc.equal(pc.strftime(column, "%H:%M:%S"), "00:00:00")
        text = pc.if_else(midnight, pc.strftime(column, "%Y-%m-%d"), pc.strftime(column, "%Y-%m-%dT%H:%M:%S"))
        return pc.fill_null(text, "").combine_chunks(), None
    if pa.types.is_date(kind):
        return pc.fill_null(pc.strftime(column, "%Y-%m-%d"), "").combine_chunks(), None
    values = column.to_pylist()
    return pa.array([_cell(v) for v in values], type=pa.string()), None


def _cell(value: Any) -> str:
    if isinstance(value, list):   # the sources of a merged incident: its items, joined
        return "; ".join(cell_text(v) for v in value if v is not None)
    if isinstance(value, bytes):
        return value.hex()
    return cell_text(value)


def read_parquet_raw(path: Path) -> RawTable:
    """A Parquet or GeoParquet file (or folder of part files) as a raw table of text columns,
    records numbered from 1; a point geometry gives the columns lat and lon, which come first
    (a property of the same name is kept as properties.lat)."""
    table = _read(path)
    geo = _geo(table)
    names: list[str] = []
    columns: list[pa.Array] = []
    booleans: list[np.ndarray | None] = []
    problems: list[Problem] = []
    if geo is not None and geo[0] in table.column_names:
        lat, lon, problems = _points(path, geo[0], table.column(geo[0]), geo[1])
        for name, values in (("lat", lat), ("lon", lon)):
            names.append(name)
            columns.append(pc.if_else(pc.is_nan(pa.array(values)), "", pa.array(values).cast(pa.string())))
            booleans.append(None)
    for name in table.column_names:
        if geo is not None and name == geo[0]:
            continue
        text, flags = _text(table.column(name))
        names.append(f"properties.{name}" if geo is not None and name in ("lat", "lon") else name)
        columns.append(text)
        booleans.append(flags)
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    if problems:
        bad = np.array([p.row - 1 for p in problems if p.row is not None])
        keep = np.setdiff1d(np.arange(table.num_rows), bad)
        index = pa.array(keep)
        columns = [c.take(index) for c in columns]
        booleans = [None if b is None else b[keep] for b in booleans]
        rows = rows[keep]
    return RawTable(tuple(names), tuple(columns), rows, tuple(booleans), UNIT, tuple(problems))


def read_parquet_table(path: Path):
    """A Parquet file as the rows of Python cells `incidents.read_table` gives (for
    `resolve --input`)."""
    from .incidents import Table

    raw = read_parquet_raw(path)
    columns = [c.to_pylist() for c in raw.columns]
    rows = tuple((int(n), tuple(col[k] for col in columns)) for k, n in enumerate(raw.rows.tolist()))
    return Table(raw.headers, rows, UNIT, raw.problems)


def _crs_json() -> dict[str, Any]:
    from pyproj import CRS

    return CRS.from_epsg(4326).to_json_dict()


def write_geoparquet(columns: Mapping[str, Sequence[Any] | pa.Array], lat: Sequence[float] | np.ndarray,
                     lon: Sequence[float] | np.ndarray, path: str | Path) -> None:
    """Write columns and a point per row (NaN: no geometry) as GeoParquet 1.0, EPSG:4326."""
    import shapely

    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    have = ~(np.isnan(lat) | np.isnan(lon))
    points = np.full(len(lat), None, dtype=object)
    points[have] = shapely.points(lon[have], lat[have])
    wkb = shapely.to_wkb(points, output_dimension=2)
    arrays, names = [], []
    for name, values in columns.items():
        names.append(name)
        arrays.append(values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(list(values)))
    names.append("geometry")
    arrays.append(pa.array(wkb, type=pa.binary()))
    bbox = ([float(lon[have].min()), float(lat[have].min()), float(lon[have].max()),
             float(lat[have].max())] if have.any() else [])
    geo = {"version": GEOPARQUET_VERSION, "primary_column": "geometry",
           "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Point"],
                                    "crs": _crs_json(), **({"bbox": bbox} if bbox else {})}}}
    table = pa.Table.from_arrays(arrays, names=names)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"geo": json.dumps(geo).encode()})
    pq.write_table(table, str(path), compression="zstd")
