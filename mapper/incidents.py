"""Reading and validating incident tables: CSV/TSV, Excel .xlsx, GeoJSON, JSON Lines and Parquet.

>>> incidents = read_incidents("data/samples/seed_incidents.csv")   # doctest: +SKIP
>>> incidents[0].location, incidents[0].date, incidents[0].event_type   # doctest: +SKIP
('حقل العمر', '2024-01-02', 'rocket')

Every problem in a file is collected and raised as one InputError naming file, row and column,
so that a user fixes a table in one pass rather than one error at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from gazetteer import normalize

from .errors import InputError, Problem
from .model import Incident
from .vocabulary import event_type_of, outcome_of

__all__ = ["FIELDS", "HEADER_ALIASES", "REGION", "InputError", "normalize_event_type",
           "normalize_outcome", "parse_date", "read_incidents"]

# Canonical column -> the headers that mean it (compared after `_header_key`).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "event_id", "incident_id", "event_id_cnty", "uid", "ref", "reference"),
    "date": ("date", "event_date", "incident_date", "day", "datetime"),
    "time": ("time", "event_time", "time_of_day", "hour"),
    "location": ("location", "place", "site", "locality", "place_name", "location_name",
                 "placename", "toponym", "town", "village", "الموقع", "المكان"),
    "lat": ("lat", "latitude", "y", "lat_dd", "latitude_dd"),
    "lon": ("lon", "lng", "long", "longitude", "x", "lon_dd", "longitude_dd"),
    "event_type": ("event_type", "type", "event", "incident_type", "attack_type", "eventtype",
                   "weapon", "sub_event_type"),
    "actor": ("actor", "actor1", "perpetrator", "attacker", "claimed_by", "claimant", "by"),
    "target": ("target", "targets", "target_type", "objective"),
    "outcome": ("outcome", "result"),
    "fatalities": ("fatalities", "killed", "deaths", "dead", "death_toll", "kia"),
    "injuries": ("injuries", "injured", "wounded", "wia"),
    "country": ("country", "country_code", "iso2", "iso"),
    "admin1": ("admin1", "admin_1", "governorate", "province", "muhafaza", "admin1_code"),
    "description": ("description", "desc", "summary", "details", "text"),
    "source": ("source", "sources", "publisher", "outlet"),
    "source_url": ("source_url", "url", "link", "source_link", "href", "source_urls"),
    "notes": ("notes", "note", "comment", "comments", "remarks"),
}
FIELDS: tuple[str, ...] = tuple(HEADER_ALIASES)

# The part of the world this tool maps (lon 25..65 E, lat 12..45 N): a point outside it whose
# swap falls inside is far more likely a swapped pair than a strike in the Indian Ocean.
REGION = (25.0, 65.0, 12.0, 45.0)   # lon_min, lon_max, lat_min, lat_max

_EXTENSIONS = {".csv": "table", ".tsv": "table", ".tab": "table", ".txt": "table",
               ".xlsx": "xlsx", ".xlsm": "xlsx", ".geojson": "geojson", ".json": "json",
               ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
_EMPTY_NUMBERS = {"", "-", "n/a", "na", "none", "null", "unknown", "?", "غير معروف"}

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}:\d{2}(?::\d{2})?)\S*)?)?)?$")


@dataclass(frozen=True, slots=True)
class Table:
    """A file read into raw rows, before validation: the same shape for every format."""

    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]   # (row number, cells aligned with headers)
    unit: str = "row"
    problems: tuple[Problem, ...] = ()              # rows that could not even be split


def read_incidents(path: str | Path) -> list[Incident]:
    """Read and validate an incident table (.csv, .tsv, .xlsx, .geojson, .json, .jsonl, .parquet).

    Headers are matched in any case with common aliases (see HEADER_ALIASES); columns that
    are none of the standard fields are kept, in file order, in `Incident.extra`. Raises
    InputError listing every problem found, each with its row and column.
    """
    path = Path(path)
    return _validate(path, read_table(path))


def read_table(path: str | Path) -> Table:
    """Any supported table file as headers and raw rows, before validation (also used by
    `incident-map resolve --input`); raises InputError when the file cannot be read."""
    path = Path(path)
    kind = _EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(_EXTENSIONS))
        raise InputError(path, f"unsupported file type {path.suffix or '(none)'!r}; expected one of {known}")
    if kind == "parquet":
        return _read_parquet(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    if kind == "xlsx":
        table = _read_xlsx(path, data)
    else:
        text = _decode(path, data)
        if kind == "json":
            kind = "jsonl" if _looks_like_json_lines(text) else "geojson"
        if kind == "table":
            table = _read_delimited(path, text)
        elif kind == "jsonl":
            table = _read_json_lines(path, text)
        else:
            table = _read_geojson(path, text)
    return table


# --- validation --------------------------------------------------------------------------------

def _validate(path: Path, table: Table) -> list[Incident]:
    headers = tuple(h or f"column_{i + 1}" for i, h in enumerate(table.headers))
    columns = _map_columns(headers)
    header_problems = []
    if "date" not in columns:
        header_problems.append(Problem(f"no date column (expected one of: {', '.join(HEADER_ALIASES['date'])})"))
    if "location" not in columns and not ("lat" in columns and "lon" in columns):
        if "lat" in columns or "lon" in columns:
            have, need = ("lat", "lon") if "lat" in columns else ("lon", "lat")
            header_problems.append(Problem(
                f"a {have} column but no {need} column, and no location column", column=need))
        else:
            header_problems.append(Problem(
                "no location column and no lat/lon columns (expected e.g. location, place, site; "
                "or lat and lon)", column="location"))
    if header_problems:
        raise InputError(path, header_problems)
    problems = list(table.problems)
    incidents = []
    for number, cells in table.rows:
        row_problems: list[Problem] = []
        incident = _incident(number, cells, headers, columns, row_problems, table.unit)
        problems.extend(row_problems)
        if incident is not None and not row_problems:
            incidents.append(incident)
    if problems:
        problems.sort(key=lambda p: (p.row or 0))
        raise InputError(path, problems)
    return incidents


def _header_key(header: str) -> str:
    return re.sub(r"[\s\-./]+", "_", str(header).strip().lstrip("\ufeff").casefold()).strip("_")


def _map_columns(headers: Iterable[str]) -> dict[str, int]:
    """Canonical field -> column index; the first column that fits a field wins."""
    lookup = {alias: field for field, aliases in HEADER_ALIASES.items() for alias in aliases}
    columns: dict[str, int] = {}
    for i, header in enumerate(headers):
        field = lookup.get(_header_key(header))
        if field and field not in columns:
            columns[field] = i
    return columns


def _incident(number: int, cells: tuple[Any, ...], headers: tuple[str, ...],
              columns: dict[str, int], problems: list[Problem], unit: str) -> Incident | None:
    def cell(field: str) -> Any:
        i = columns.get(field)
        return cells[i] if i is not None and i < len(cells) else None

    def text(field: str) -> str:
        return _text(cell(field))

    def problem(field: str, message: str) -> None:
        problems.append(Problem(message, number, headers[columns[field]], unit))

    values: dict[str, Any] = {f: text(f) for f in FIELDS if f in columns and f not in
                              ("date", "lat", "lon", "fatalities", "injuries", "event_type", "outcome")}
    extra = [(headers[i], _text(v)) for i, v in enumerate(cells) if i not in columns.values()
             and i < len(headers)]

    date, precision, time = "", "day", ""
    try:
        date, precision, time = parse_date(cell("date"))
    except ValueError as exc:
        problem("date", str(exc))
    if time and not values.get("time"):
        values["time"] = time

    lat = lon = None
    for field in ("lat", "lon"):
        if field in columns:
            try:
                value = _number(cell(field))
            except ValueError:
                problem(field, f"not a number: {text(field)!r}")
                continue
            if field == "lat":
                lat = value
            else:
                lon = value
    if "lat" in columns and "lon" in columns and (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        if not any(p.column == headers[columns[missing]] for p in problems):
            problem(missing, f"{'lat' if missing == 'lon' else 'lon'} given but {missing} is empty")
    if lat is not None and lon is not None:
        _check_point(lat, lon, problem)
    if lat is None or lon is None:
        lat = lon = None
        coordinate_problem = any(p.column in (_header(columns, headers, "lat"),
                                              _header(columns, headers, "lon")) for p in problems)
        if not values.get("location") and not coordinate_problem:
            problem("location" if "location" in columns else "lat",
                    "neither a location nor coordinates")

    for field in ("fatalities", "injuries"):
        if field in columns:
            try:
                count = _count(cell(field))
            except ValueError as exc:
                problem(field, str(exc))
            else:
                values[field] = count

    raw_type = text("event_type")
    event_type = normalize_event_type(raw_type)
    if event_type == "other" and raw_type and normalize(raw_type) != "other":
        extra.append(("event_type_original", raw_type))
    raw_outcome = text("outcome")
    outcome = normalize_outcome(raw_outcome)
    if outcome == "unknown" and raw_outcome and normalize(raw_outcome) not in ("unknown", ""):
        extra.append(("outcome_original", raw_outcome))

    if problems:
        return None
    return Incident(row=number, date=date, date_precision=precision, lat=lat, lon=lon,
                    event_type=event_type, outcome=outcome, extra=tuple(extra), **values)


def _header(columns: dict[str, int], headers: tuple[str, ...], field: str) -> str | None:
    return headers[columns[field]] if field in columns else None


def _check_point(lat: float, lon: float, problem: Callable[[str, str], None]) -> None:
    lon_min, lon_max, lat_min, lat_max = REGION

    def inside(la: float, lo: float) -> bool:
        return lat_min <= la <= lat_max and lon_min <= lo <= lon_max

    if not -90 <= lat <= 90:
        problem("lat", f"latitude {lat} out of range -90..90")
    elif not -180 <= lon <= 180:
        problem("lon", f"longitude {lon} out of range -180..180")
    elif not inside(lat, lon) and inside(lon, lat):
        problem("lat", f"lat and lon look swapped: ({lat}, {lon}) is far outside Syria and Iraq, "
                       f"({lon}, {lat}) is inside")


def parse_date(value: Any) -> tuple[str, str, str]:
    """(ISO date, precision, time) from "YYYY-MM-DD", "YYYY-MM", "YYYY" or an Excel date cell.

    >>> parse_date("2024-01")
    ('2024-01', 'month', '')
    """
    if isinstance(value, dt.datetime):
        time = value.strftime("%H:%M") if (value.hour, value.minute, value.second) != (0, 0, 0) else ""
        return value.date().isoformat(), "day", time
    if isinstance(value, dt.date):
        return value.isoformat(), "day", ""
    if isinstance(value, bool):
        raise ValueError(f"bad date {value!r} (expected YYYY-MM-DD, YYYY-MM or YYYY)")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _parse_date_text(_text(value))


@lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> tuple[str, str, str]:
    if not text:
        raise ValueError("missing date (expected YYYY-MM-DD, YYYY-MM or YYYY)")
    m = _DATE.match(text)
    if m:
        year, month, day, time = m.groups()
        try:
            if day:
                return dt.date(int(year), int(month), int(day)).isoformat(), "day", (time or "")[:5]
            if month:
                dt.date(int(year), int(month), 1)
                return f"{year}-{int(month):02d}", "month", ""
            return year, "year", ""
        except ValueError:
            pass
    raise ValueError(f"bad date {text!r} (expected YYYY-MM-DD, YYYY-MM or YYYY)")


@lru_cache(maxsize=4096)
def normalize_event_type(value: str) -> str:
    """One of model.EVENT_TYPES for a type as written ("Air strike", "UAV", "غارة جوية", ...),
    read with the words of mapper.vocabulary, as the text extractor reads them.

    >>> normalize_event_type("Drone strike"), normalize_event_type("قصف مدفعي")
    ('drone', 'artillery')
    """
    return event_type_of(value)


@lru_cache(maxsize=4096)
def normalize_outcome(value: str) -> str:
    """One of model.OUTCOMES for an outcome as written ("Intercepted", "shot down", "claimed hit")."""
    return outcome_of(value, cell=True)


def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = _text(value)
        if text.casefold() in _EMPTY_NUMBERS:
            return None
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")   # a decimal comma, as European spreadsheets write it
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _count(value: Any) -> int | None:
    try:
        number = _number(value)
    except ValueError:
        number = math.nan
    if number is None:
        return None
    if not math.isfinite(number) or not number.is_integer() or number < 0:
        raise ValueError(f"not a whole number of people: {_text(value)!r}")
    return int(number)


# --- formats -----------------------------------------------------------------------------------

def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(path, [Problem(
            "not UTF-8 text (save it as 'CSV UTF-8' or convert it, e.g. from windows-1256)",
            row=line, unit="line")]) from exc


def _read_delimited(path: Path, text: str) -> Table:
    if not text.strip():
        raise InputError(path, "the file is empty")
    delimiter = _sniff_delimiter(text, path.suffix.lower())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: tuple[str, ...] | None = None
    rows = []
    problems = []
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(c.strip() for c in cells):
                continue
            if headers is None:
                headers = tuple(c.strip().lstrip("\ufeff") for c in cells)
                continue
            if len(cells) > len(headers):
                if any(c.strip() for c in cells[len(headers):]):
                    problems.append(Problem(
                        f"{len(cells)} cells but the header has {len(headers)} columns", start))
                    continue
                cells = cells[:len(headers)]
            rows.append((start, tuple(cells) + ("",) * (len(headers) - len(cells))))
    except csv.Error as exc:
        raise InputError(path, [Problem(f"cannot split the table: {exc}", reader.line_num)]) from exc
    if headers is None:
        raise InputError(path, "the file holds no header row, only blank cells")
    return Table(headers, tuple(rows), "row", tuple(problems))


def _sniff_delimiter(text: str, suffix: str) -> str:
    """The delimiter that splits the first lines into the most, equally long, rows."""
    sample = "\n".join(text.splitlines()[:50])
    best, best_key = ("\t" if suffix in (".tsv", ".tab") else ","), (0, 0)
    for delimiter in ("\t", ",", ";", "|"):
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(len(r) == width for r in rows)
        key = (consistent, width)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _read_xlsx(path: Path, data: bytes) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors alike
        raise InputError(path, f"cannot read the workbook: {exc}") from exc
    try:
        if not book.worksheets:
            raise InputError(path, "the workbook has no sheets")
        sheet = book.worksheets[0]
        headers: tuple[str, ...] | None = None
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not any(_text(v) for v in values):
                continue
            if headers is None:
                headers = tuple(_text(v) for v in values)
                while headers and not headers[-1]:
                    headers = headers[:-1]
                continue
            cells = tuple(values[:len(headers)]) + (None,) * (len(headers) - len(values))
            rows.append((number, cells))
    finally:
        book.close()
    if headers is None:
        raise InputError(path, f"the first sheet ({sheet.title!r}) is empty")
    return Table(headers, tuple(rows), "row")


def _looks_like_json_lines(text: str) -> bool:
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return False
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return True   # several objects, one a line
    return False


def _records_table(records: Iterator[tuple[int, dict[str, Any]]], unit: str,
                   problems: list[Problem]) -> Table:
    headers: dict[str, None] = {}
    kept = []
    for number, record in records:
        for key in record:
            headers.setdefault(str(key), None)
        kept.append((number, record))
    names = tuple(headers)
    rows = tuple((n, tuple(r.get(h) for h in names)) for n, r in kept)
    return Table(names, rows, unit, tuple(problems))


def _read_json_lines(path: Path, text: str) -> Table:
    problems: list[Problem] = []

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(Problem(f"not JSON: {exc.msg}", number, unit="line"))
                continue
            if not isinstance(record, dict):
                problems.append(Problem("not a JSON object", number, unit="line"))
                continue
            yield number, record

    table = _records_table(records(), "line", problems)
    if not table.rows and not problems:
        raise InputError(path, "the file holds no records")
    return table


def _read_parquet(path: Path) -> Table:
    """A Parquet file or folder of part files (as `extract --corpus` writes incidents), a record
    a row numbered from 1; a list cell (the sources of a merged incident) becomes its items
    joined by "; "."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except FileNotFoundError as exc:
        raise InputError(path, "cannot read the file: no such file or folder") from exc
    except Exception as exc:  # pyarrow raises OSError and its own ArrowInvalid alike
        raise InputError(path, f"cannot read as Parquet: {exc}") from exc
    if not table.num_rows:
        raise InputError(path, "the file holds no records")
    columns = [[_joined(v) for v in table.column(i).to_pylist()] for i in range(table.num_columns)]
    rows = tuple((n, cells) for n, cells in enumerate(zip(*columns), start=1))
    return Table(tuple(table.column_names), rows, "record")


def _joined(value: Any) -> Any:
    return "; ".join(_text(v) for v in value if v is not None) if isinstance(value, list) else value


def _read_geojson(path: Path, text: str) -> Table:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, [Problem(f"not JSON: {exc.msg}", exc.lineno, unit="line")]) from exc
    if isinstance(doc, list) and all(isinstance(r, dict) and r.get("type") != "Feature" for r in doc):
        # a plain JSON array of records: the same as JSON Lines, numbered from 1
        return _records_table(((i, r) for i, r in enumerate(doc, start=1)), "record", [])
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    elif isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features") or []
    else:
        raise InputError(path, "not a GeoJSON FeatureCollection or Feature, nor a list of records")
    problems: list[Problem] = []

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, feature in enumerate(features, start=1):
            if not isinstance(feature, dict):
                problems.append(Problem("not a GeoJSON feature", number, unit="feature"))
                continue
            record = dict(feature.get("properties") or {})
            if "id" in feature and not any(_header_key(k) == "id" for k in record):
                record = {"id": feature["id"], **record}
            geometry = feature.get("geometry")
            if geometry:
                coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
                if not isinstance(geometry, dict) or geometry.get("type") != "Point":
                    kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
                    problems.append(Problem(f"geometry {kind!r} is not a Point", number,
                                            "geometry", "feature"))
                    continue
                if (not isinstance(coords, list) or len(coords) < 2
                        or not all(isinstance(c, (int, float)) for c in coords[:2])):
                    problems.append(Problem(f"bad Point coordinates {coords!r}", number,
                                            "geometry", "feature"))
                    continue
                # The geometry is the point. Columns "lat" and "lon" come first, so they win over
                # any lat/lon properties, which are kept as extra columns under another name.
                props = {(f"properties.{k}" if k in ("lat", "lon") else k): v for k, v in record.items()}
                record = {"lat": float(coords[1]), "lon": float(coords[0]), **props}
            else:
                # No geometry: coordinates may still be properties, under any alias.
                record = {"lat": None, "lon": None, **record}
                for field in ("lat", "lon"):
                    key = next((k for k in record if k not in ("lat", "lon")
                                and _header_key(k) in HEADER_ALIASES[field]), None)
                    if key is not None and record[field] is None:
                        record[field] = record.pop(key)
            yield number, record

    table = _records_table(records(), "feature", problems)
    if not table.rows and not problems:
        raise InputError(path, "the file holds no features")
    return table
