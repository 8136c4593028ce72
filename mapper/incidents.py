"""Reading and validating incident tables: CSV/TSV, Excel .xlsx, GeoJSON, JSON Lines and Parquet.

>>> incidents = read_incidents("data/samples/seed_incidents.csv")   # doctest: +SKIP
>>> incidents[0].location, incidents[0].date, incidents[0].event_type   # doctest: +SKIP
('حقل العمر', '2024-01-02', 'rocket')

Every problem in a file is collected and raised as one InputError naming file, row and column,
so that a user fixes a table in one pass rather than one error at a time.
"""

from __future__ import annotations

import codecs
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

# The largest cell a delimited table may hold (Python's csv module stops at 128 kB by default):
# a long description or a pasted article is data, not an attack.
MAX_CELL_CHARS = 64 * 1024 * 1024
# "35,500": a decimal comma (35.5) or a thousands separator (35500)? Both are written.
_AMBIGUOUS_COMMA = re.compile(r"^[-+]?\d{1,3},\d{3}$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")

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
    try:
        return _read_kind(path, kind, data)
    except RecursionError as exc:   # JSON nested thousands deep: no table is shaped like that
        raise InputError(path, "values nested too deeply to be a table (JSON arrays or objects "
                               "within each other hundreds of levels deep)") from exc


def _read_kind(path: Path, kind: str, data: bytes) -> Table:
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
        # Rows that could not be split or were no records come first: when every record was
        # bad there are no headers, and "no date column" alone would mislead.
        raise InputError(path, [*table.problems, *(header_problems if table.headers
                                                   or not table.problems else [])])
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
    doubts: list[str] = []
    for field in ("lat", "lon"):
        if field in columns:
            raw = cell(field)
            if isinstance(raw, bool) or _AMBIGUOUS_COMMA.match(text(field)):
                # Kept for review, not mapped: [true, true] is no point, and "35,500" may be
                # 35.5 or 35500.
                why = ("is not a number" if isinstance(raw, bool) else
                       "is ambiguous: a decimal comma or a thousands separator?")
                doubts.append(f"{headers[columns[field]]} {text(field)!r} {why}")
                continue
            try:
                value = _number(raw)
            except ValueError:
                problem(field, f"not a number: {text(field) or str(raw)!r}")   # NaN reads as ""
                continue
            if field == "lat":
                lat = value
            else:
                lon = value
    if doubts:
        lat = lon = None
    if "lat" in columns and "lon" in columns and (lat is None) != (lon is None) and not doubts:
        missing = "lon" if lon is None else "lat"
        if not any(p.column == headers[columns[missing]] for p in problems):
            problem(missing, f"{'lat' if missing == 'lon' else 'lon'} given but {missing} is empty")
    if lat is not None and lon is not None:
        _check_point(lat, lon, problem)
    if lat is None or lon is None:
        lat = lon = None
        coordinate_problem = any(p.column in (_header(columns, headers, "lat"),
                                              _header(columns, headers, "lon")) for p in problems)
        if not values.get("location") and not coordinate_problem and not doubts:
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
                    event_type=event_type, outcome=outcome, extra=tuple(extra),
                    doubts=tuple(doubts), **values)


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
    try:
        if isinstance(value, (int, float)):
            number = float(value)
        else:
            text = _text(value)
            if text.casefold() in _EMPTY_NUMBERS:
                return None
            if text.count(",") == 1 and "." not in text:
                text = text.replace(",", ".")   # a decimal comma, as European spreadsheets write it
            number = float(text)
    except OverflowError:   # an integer of hundreds of digits
        raise ValueError(value) from None
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _count(value: Any) -> int | None:
    if isinstance(value, str) and _THOUSANDS.match(value.strip()):
        return int(value.strip().replace(",", ""))   # "1,200" people: a count has no decimals
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
    """The text of a table file: UTF-8 (with or without BOM), or UTF-16 (Excel's "Unicode
    text"), with or without BOM; anything else is an error naming the first bad line."""
    encoding = _utf16(data) or "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n" if encoding == "utf-8-sig" else "\n".encode(encoding)) + 1
        what = "not UTF-8 text" if encoding == "utf-8-sig" else "broken UTF-16 text"
        raise InputError(path, [Problem(
            f"{what} (save it as 'CSV UTF-8' or convert it, e.g. from windows-1256)",
            row=line, unit="line")]) from exc
    if encoding != "utf-8-sig":
        text = text.lstrip("\ufeff")
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(path, [Problem(
            "holds NUL characters: not a text table (a binary file, or an encoding other than "
            "UTF-8 and UTF-16)", row=text.count("\n", 0, nul) + 1, unit="line")])
    return text


def _utf16(data: bytes) -> str | None:
    """"utf-16" when the data starts with a UTF-16 byte order mark, "utf-16-le" or "-be" when
    it has none but its NUL bytes fall on every other byte, as text of Latin letters, digits
    and punctuation does in UTF-16 (Arabic letters have no NUL byte, but a table's separators,
    digits and line ends do)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE):
        return "utf-16"
    sample = data[:1 << 16]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    sample = sample[:len(sample) // 2 * 2]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    pairs = len(sample) // 2
    if odd >= max(2, pairs // 20) and even <= odd // 50:
        return "utf-16-le"
    if even >= max(2, pairs // 20) and odd <= even // 50:
        return "utf-16-be"
    return None


def _read_delimited(path: Path, text: str) -> Table:
    if not text.strip():
        raise InputError(path, "the file is empty")
    if csv.field_size_limit() < MAX_CELL_CHARS:
        csv.field_size_limit(MAX_CELL_CHARS)
    delimiter = _sniff_delimiter(text, path.suffix.lower())
    # strict: a quote never closed is an error, not the rest of the file read as one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
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
        if "field limit" in str(exc):
            why, row = f"a cell longer than {MAX_CELL_CHARS // (1024 * 1024)} MB", start
        elif "unexpected end of data" in str(exc):
            why, row = "a quoted cell is never closed (a \" missing?)", start
        else:
            why, row = str(exc), reader.line_num
        raise InputError(path, [Problem(f"cannot split the table: {why}", row)]) from exc
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
    """The first sheet: the first row with any text is the header. A cell right of the last
    header, or a formula whose value was never stored (a file written by a program, not saved
    by a spreadsheet), is an error naming the cell: reading either as blank would lose data."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    def load(data_only: bool) -> Any:
        try:
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
        except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors alike
            raise InputError(path, f"cannot read the workbook: {exc}") from exc

    def cells(book: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()   # a writer's stated size may be wrong: read every cell there is
        for number, row in enumerate(sheet.iter_rows(min_row=1), start=1):
            yield number, tuple(row)

    book = load(data_only=False)
    formulas: dict[tuple[int, int], str] = {}
    raw: list[tuple[int, list[Any]]] = []
    try:
        if not book.worksheets:
            raise InputError(path, "the workbook has no sheets")
        title = book.worksheets[0].title
        try:
            for number, row in cells(book):
                values = []
                for i, c in enumerate(row):
                    if getattr(c, "data_type", None) == "f":
                        formulas[(number, i)] = str(c.value)
                    values.append(c.value)
                raw.append((number, values))
        except InputError:
            raise
        except Exception as exc:  # a damaged sheet: openpyxl fails while parsing it
            raise InputError(path, f"cannot read the workbook: {exc}") from exc
    finally:
        book.close()
    problems: list[Problem] = []
    unread: set[int] = set()   # rows with a formula that has no value: reported, not read
    if formulas:
        # The values a spreadsheet program stored beside the formulas (a second reading, only
        # for workbooks that have formulas).
        book = load(data_only=True)
        try:
            stored = {(n, i): row[i].value for n, row in cells(book) for i in range(len(row))
                      if (n, i) in formulas}
        finally:
            book.close()
        for (number, i), formula in formulas.items():
            value = stored.get((number, i))
            if value is None:
                problems.append(Problem(
                    f"cell {get_column_letter(i + 1)}{number} holds the formula {formula[:60]!r} "
                    "with no stored value (open and save the file in a spreadsheet program, or "
                    "paste values)", number))
                unread.add(number)
            raw[number - 1][1][i] = value
    headers: tuple[str, ...] | None = None
    rows = []
    for number, values in raw:
        if not any(_text(v) for v in values):
            continue
        if headers is None:
            headers = tuple(_text(v) for v in values)
            while headers and not headers[-1]:
                headers = headers[:-1]
            continue
        if number in unread:
            continue
        beyond = [i for i in range(len(headers), len(values)) if _text(values[i])]
        if beyond:
            first = beyond[0]
            problems.append(Problem(
                f"cell {get_column_letter(first + 1)}{number} holds {_text(values[first])[:60]!r} "
                f"but the header has {len(headers)} columns (up to {get_column_letter(len(headers))})"
                + (f", and {len(beyond) - 1} more cells beyond it" if len(beyond) > 1 else ""),
                number))
            continue
        cells_ = tuple(values[:len(headers)]) + (None,) * (len(headers) - len(values))
        rows.append((number, cells_))
    if headers is None:
        if problems:
            raise InputError(path, problems)
        raise InputError(path, f"the first sheet ({title!r}) is empty")
    problems.sort(key=lambda p: p.row or 0)
    return Table(headers, tuple(rows), "row", tuple(problems))


def _looks_like_json_lines(text: str) -> bool:
    """JSON Lines when the file is not one JSON document but its first line is one: a broken
    document (a FeatureCollection missing a bracket) is reported as such, with its line."""
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return False
    if _parses(text):
        return False
    return _parses(stripped.split("\n", 1)[0])


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except RecursionError:
        return True   # well-formed as far as it goes; the reader reports the depth
    except ValueError:   # JSONDecodeError, and an integer of more than 4300 digits
        return False
    return True


def _load_json(path: Path, text: str, unit: str = "line") -> Any:
    """A JSON document, or an InputError naming the line where it breaks."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, [Problem(f"not JSON: {exc.msg} (column {exc.colno})", exc.lineno,
                                        unit=unit)]) from exc
    except ValueError as exc:   # e.g. an integer too long to convert
        raise InputError(path, f"not JSON this tool can read: {exc}") from exc


def _json_kind(value: Any) -> str:
    """How JSON calls the type of a parsed value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


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
            except RecursionError:
                problems.append(Problem("values nested too deeply", number, unit="line"))
                continue
            except ValueError as exc:
                problems.append(Problem(f"not JSON this tool can read: {exc}", number, unit="line"))
                continue
            if not isinstance(record, dict):
                problems.append(Problem(f"not a JSON object but {_json_kind(record)}", number,
                                        unit="line"))
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
    doc = _load_json(path, text)
    if isinstance(doc, list) and all(isinstance(r, dict) and r.get("type") != "Feature" for r in doc):
        if not doc:
            raise InputError(path, "the file holds no records (an empty JSON array)")
        # a plain JSON array of records: the same as JSON Lines, numbered from 1
        return _records_table(((i, r) for i, r in enumerate(doc, start=1)), "record", [])
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        features: list[Any] = [doc]
    elif isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        if "features" not in doc:
            raise InputError(path, "a FeatureCollection without 'features'")
        features = doc["features"]
        if not isinstance(features, list):
            raise InputError(path, [Problem(
                f"'features' is {_json_kind(features)}, not an array of features")])
    else:
        what = f"a {doc.get('type')!r} object" if isinstance(doc, dict) and "type" in doc \
            else _json_kind(doc)
        raise InputError(path, f"not a GeoJSON FeatureCollection or Feature, nor a list of "
                               f"records, but {what}")
    problems: list[Problem] = []

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, feature in enumerate(features, start=1):
            if not isinstance(feature, dict):
                problems.append(Problem(f"not a GeoJSON feature but {_json_kind(feature)}",
                                        number, unit="feature"))
                continue
            properties = feature.get("properties")
            if properties is not None and not isinstance(properties, dict):
                problems.append(Problem(f"'properties' is {_json_kind(properties)}, not an object",
                                        number, "properties", "feature"))
                continue
            record = dict(properties or {})
            if "id" in feature and not any(_header_key(k) == "id" for k in record):
                record = {"id": feature["id"], **record}
            geometry = feature.get("geometry")
            if geometry is not None and geometry != {}:
                if not isinstance(geometry, dict) or geometry.get("type") != "Point":
                    why = (f"geometry {geometry.get('type')!r} is not a Point"
                           if isinstance(geometry, dict) else
                           f"geometry is {_json_kind(geometry)}, not a Point object")
                    problems.append(Problem(why, number, "geometry", "feature"))
                    continue
                point = _point(geometry.get("coordinates"))
                if point is None:
                    coords = json.dumps(geometry.get("coordinates"))
                    problems.append(Problem(f"bad Point coordinates {coords[:80]}", number,
                                            "geometry", "feature"))
                    continue
                # The geometry is the point. Columns "lat" and "lon" come first, so they win over
                # any lat/lon properties, which are kept as extra columns under another name.
                props = {(f"properties.{k}" if k in ("lat", "lon") else k): v for k, v in record.items()}
                record = {"lat": point[1], "lon": point[0], **props}
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


def _point(coords: Any) -> tuple[Any, Any] | None:
    """(lon, lat) of a Point's coordinates, or None when the first two are not numbers.
    Booleans are passed on, for the row to go to review ([true, true] is no place)."""
    if not isinstance(coords, list) or len(coords) < 2:
        return None
    if not all(isinstance(c, (int, float)) for c in coords[:2]):
        return None
    lon, lat = coords[:2]
    try:
        return (lon if isinstance(lon, bool) else float(lon),
                lat if isinstance(lat, bool) else float(lat))
    except OverflowError:   # an integer too long for a float
        return None
