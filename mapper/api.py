"""One call from a table to a map: the Python side of `incident-map render` and `report`.

Each function takes the incidents as a path (any format `read_incidents` reads), a pandas
DataFrame or a GeoDataFrame (point geometries give lat/lon), and the gazetteer to resolve
locations with (default: the bundled places plus the user's imports).

>>> import mapper
>>> mapper.render("incidents.csv", "map.png", title="Strikes")        # doctest: +SKIP
>>> mapper.render(frame, "map.html", self_contained=True)              # doctest: +SKIP
>>> located = mapper.locate_table(frame)   # a GeoDataFrame, EPSG:4326  # doctest: +SKIP
>>> located[~located["mapped"]]            # the rows not placed, and why  # doctest: +SKIP
>>> result = mapper.result_from(frame)     # a mapper.LocateResult         # doctest: +SKIP
>>> mapper.brief("incidents.csv", "brief.html")                        # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from gazetteer import Gazetteer

from .errors import InputError, OutputError, Problem
from .incidents import read_incidents
from .locate import LocateResult, locate, located_records
from .model import Incident, Located

__all__ = ["LocateResult", "brief", "incidents_from", "locate_table", "render", "result_from"]

FRAME_NAME = "<DataFrame>"   # how errors name a table given as a DataFrame
# A column added to a DataFrame on its way through a CSV, so that each incident knows the
# frame row it came from (a cell holding a line break makes file lines no guide).
_POSITION = "__incident_mapper_position"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        try:
            import pandas as pd
            if isinstance(value, pd.Timestamp) and pd.isna(value):
                return ""
        except ImportError:  # pragma: no cover - pandas is a dependency
            pass
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    try:
        import pandas as pd
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _frame_incidents(frame: Any) -> list[tuple[Incident, int]]:
    """Validate a DataFrame exactly as a file: it is written to a temporary CSV and read back,
    so that one set of rules (and one kind of error) serves both. Each incident comes with its
    position in the frame."""
    frame = frame.copy()
    if hasattr(frame, "geometry") and getattr(frame, "crs", None) is not None \
            and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    if hasattr(frame, "geometry"):
        lower = {str(c).lower() for c in frame.columns}
        if not {"lat", "lon"} <= lower and not {"latitude", "longitude"} <= lower:
            geometry = frame.geometry
            bad = [i for i, g in enumerate(geometry) if g is not None and not g.is_empty
                   and g.geom_type != "Point"]
            if bad:
                raise InputError(FRAME_NAME, [Problem(
                    f"a {geometry.iloc[bad[0]].geom_type}, not a Point", bad[0] + 2, "geometry")])
            frame["lat"] = [g.y if g is not None and not g.is_empty else None for g in geometry]
            frame["lon"] = [g.x if g is not None and not g.is_empty else None for g in geometry]
        frame = frame.drop(columns=[frame.geometry.name])
    import csv

    with tempfile.TemporaryDirectory(prefix="incident-mapper-") as folder:
        path = Path(folder) / "table.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([str(c) for c in frame.columns] + [_POSITION])
            for position, row in enumerate(frame.itertuples(index=False, name=None)):
                writer.writerow([_cell(v) for v in row] + [position])
        try:
            incidents = read_incidents(path)
        except InputError as exc:
            raise InputError(FRAME_NAME, exc.problems) from exc
    out = []
    for i in incidents:
        extra = tuple((name, value) for name, value in i.extra if name != _POSITION)
        out.append((replace(i, extra=extra), int(dict(i.extra)[_POSITION])))
    return out


def incidents_from(table: Any) -> list[Incident]:
    """The incidents of a path, a DataFrame or a GeoDataFrame; raises InputError naming the
    row and column of every problem (rows count from 2, as in a file with a header)."""
    if isinstance(table, (str, Path)):
        return read_incidents(table)
    if hasattr(table, "columns") and hasattr(table, "itertuples"):
        return [i for i, _ in _frame_incidents(table)]
    raise TypeError(f"expected a path, a DataFrame or a GeoDataFrame, not {type(table).__name__}")


def result_from(table: Any, gazetteer: Gazetteer | None = None) -> LocateResult:
    """Locate a table (see `incidents_from`); a LocateResult is passed through as it is."""
    if isinstance(table, LocateResult):
        return table
    return locate(incidents_from(table), gazetteer or Gazetteer.default())


def _first_day(date: str) -> str | None:
    """The first day of an ISO date of day, month or year precision, or None."""
    parts = date.split("-") if date else []
    return "-".join(parts + ["01"] * (3 - len(parts))) if parts else None


def locate_table(table: Any, gazetteer: Gazetteer | None = None) -> Any:
    """Every row of a table, located, as a GeoDataFrame (EPSG:4326, point geometry).

    The columns are those of `mapper.locate.located_records` (every incident field; where and
    how each was placed, with its governorate and district; the extra columns), then `mapped`
    (False for a row that could not be placed: no geometry, no coordinates) and `review` (why
    a person should look at it, or ""). `date` is a datetime (the first day of a month or
    year; `date_precision` says which). A DataFrame keeps its index, so that the result lines
    up with it; a file's rows are numbered from 0 in table order.
    """
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    if isinstance(table, LocateResult):
        result, incidents, index = table, None, None
    elif hasattr(table, "columns") and hasattr(table, "itertuples"):
        pairs = _frame_incidents(table)
        incidents = [i for i, _ in pairs]
        index = table.index[[p for _, p in pairs]]   # its kind and name kept (MultiIndex too)
        result = locate(incidents, gazetteer or Gazetteer.default())
    else:
        incidents = incidents_from(table)
        index = None
        result = locate(incidents, gazetteer or Gazetteer.default())
    placed = {id(r.incident): r for r in result.located}
    reasons = {id(item.incident): item.reason for item in result.review}
    if incidents is None:   # a LocateResult: its rows, mapped or not, in table order
        incidents = sorted([r.incident for r in result.located] +
                           [item.incident for item in result.unmapped], key=lambda i: i.row)
    rows = [placed.get(id(i)) or Located(i, math.nan, math.nan, method="") for i in incidents]
    columns, records = located_records(LocateResult(rows, [], len(rows)))
    frame = pd.DataFrame(records, columns=columns, index=index)
    mapped = [id(i) in placed for i in incidents]
    for column in ("score", "radius_km", "precision"):
        frame[column] = frame[column].where(mapped)
    frame["precision"] = frame["precision"].astype("Int64")
    frame["date"] = pd.to_datetime([_first_day(i.date) for i in incidents], format="%Y-%m-%d")
    frame["mapped"] = mapped
    frame["review"] = [reasons.get(id(i), "") for i in incidents]
    geometry = [Point(r.lon, r.lat) if ok else None for r, ok in zip(rows, mapped)]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def render(table: Any, path: str | Path, *, gazetteer: Gazetteer | None = None,
           **options: Any) -> Path:
    """Map a table to `path`: .html (the interactive map; options as for IncidentMap) or
    .png, .svg, .pdf (a static map; options as for `render_static`). Returns the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    gazetteer = gazetteer or Gazetteer.default()  # once: locating and labels both use it
    result = result_from(table, gazetteer)
    if suffix in (".png", ".svg", ".pdf"):
        from .static import render_static

        return render_static(result, path, gazetteer=gazetteer, **options).path
    if suffix in (".html", ".htm"):
        from .html import render_map

        if "title" in options and options["title"] is None:
            del options["title"]
        return render_map(result, path, **options)
    raise OutputError(f"{path}: cannot render a map as {suffix or '(no extension)'!r}; "
                      "use .html, .png, .svg or .pdf")


def brief(table: Any, path: str | Path, *, gazetteer: Gazetteer | None = None,
          **options: Any) -> Path:
    """Write the brief of a table (`incident-map report`): .html (one page) or .pdf (static);
    see `write_report`. Not called `report`: `mapper.report` is the module."""
    from .report import write_report

    gazetteer = gazetteer or Gazetteer.default()
    return write_report(result_from(table, gazetteer), path, gazetteer=gazetteer, **options)
