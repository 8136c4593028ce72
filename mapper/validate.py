"""Incident tables validated a column at a time: the rules of a good row, and its errors.

A raw table (`RawTable`: headers, a text column per header, the row numbers) becomes
`columns.IncidentColumns`. A rule that reads one cell (a date, a coordinate, a count, a type
word) runs once per distinct value of its column, through the same function whatever the
format; plain decimals of a coordinate column are read by Arrow in one go. The rules that join
the cells of a row (a lat without a lon, a point out of range or swapped, no place at all) run
on whole columns with NumPy. Every problem still names its row and column, and all of a file's
problems are raised together, so that a table is fixed in one pass; or, with
`on_bad_rows="review"`, each bad row is kept with its problems, to go to the review file.

>>> parse_date("02 January 2024"), parse_date("03/01/2024", dayfirst=True)
(('2024-01-02', 'day', ''), ('2024-01-03', 'day', ''))
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from gazetteer import normalize

from .columns import NONE_COUNT, TEXT_FIELDS, IncidentColumns, distinct, take_rows
from .errors import InputError, Problem
from .profiles import HEADER_ALIASES, ColumnProfile, detect, header_key, with_columns
from .vocabulary import event_type_of, outcome_of

__all__ = ["BAD_ROWS", "REGION", "RawTable", "ReadOptions", "cell_text", "normalize_event_type",
           "normalize_outcome", "parse_date", "raw_table", "validate"]

BAD_ROWS = ("error", "review")

# The part of the world this tool maps (lon 25..65 E, lat 12..45 N): a point outside it whose
# swap falls inside is far more likely a swapped pair than a strike in the Indian Ocean.
REGION = (25.0, 65.0, 12.0, 45.0)   # lon_min, lon_max, lat_min, lat_max

_EMPTY_NUMBERS = {"", "-", "n/a", "na", "none", "null", "unknown", "?", "غير معروف"}
# "35,500": a decimal comma (35.5) or a thousands separator (35500)? Both are written.
_AMBIGUOUS_COMMA = re.compile(r"^[-+]?\d{1,3},\d{3}$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")
# A plain decimal, which Arrow reads exactly as Python's float() does (both round correctly).
_PLAIN_DECIMAL = r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d{1,3})?$"
# What str.strip() strips: Arrow's own trim knows Unicode's white space, not Python's
# (which adds the separators U+001C..U+001F).
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}:\d{2}(?::\d{2})?)\S*)?)?)?$")
# ACLED's "02 January 2024" (and "2 Jan 2024", "02-January-2024"), and "January 2, 2024".
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[ \-/.]+([^\W\d_]{3,})\.?[ \-/.,]+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([^\W\d_]{3,})\.? +(\d{1,2}),? +(\d{4})$")
# 03/01/2024: the 3rd of January or the 1st of March, as the table's writer meant
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_MONTHS = {name: k for k, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
_EXPECTED_DATE = "expected YYYY-MM-DD, YYYY-MM, YYYY or 02 January 2024"
_PRECISION_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3}


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read a table that is not in this tool's columns (the CLI's reader options).

    `columns`: (field, header) pairs, as `--columns date=event_day,location=village` (see
    profiles.parse_columns); `date_format`: a strptime format tried first (`--date-format
    %d.%m.%Y`); `dayfirst`: 03/01/2024 is the 3rd of January (else such a date is an error,
    being ambiguous); `on_bad_rows`: "error" (the default: raise every problem of the file) or
    "review" (keep each bad row, with its problems, for the review file).
    """

    columns: tuple[tuple[str, str], ...] = ()
    date_format: str | None = None
    dayfirst: bool = False
    on_bad_rows: str = "error"

    def __post_init__(self) -> None:
        if self.on_bad_rows not in BAD_ROWS:
            raise ValueError(f"on_bad_rows must be one of {', '.join(BAD_ROWS)}, not {self.on_bad_rows!r}")


@dataclass(frozen=True, slots=True)
class RawTable:
    """A table before validation, a text column per header: cells as text (`cell_text`),
    unstripped, "" when empty; `booleans`: per column, True where a cell was a boolean (JSON
    true), or None; `nans` likewise where a cell was a float NaN (JSON's NaN: empty as text, but
    no number where a number is wanted); `rows`: each row's number in the file; `problems`: rows
    that could not be split into cells at all."""

    headers: tuple[str, ...]
    columns: tuple[pa.Array, ...]
    rows: np.ndarray
    booleans: tuple[np.ndarray | None, ...] = ()
    unit: str = "row"
    problems: tuple[Problem, ...] = ()
    nans: tuple[np.ndarray | None, ...] = ()

    def __len__(self) -> int:
        return len(self.rows)


# --- cells -------------------------------------------------------------------------------------

def cell_text(value: Any) -> str:
    """A cell of any reader as text: strings stripped, numbers as written (2.0 as "2"), dates in
    ISO (a datetime at midnight as its date), JSON values as JSON, None as ""."""
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
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")   # shown as U+FFFD, as a browser shows bad bytes


def raw_table(headers: Sequence[str], rows: Sequence[tuple[int, Sequence[Any]]], unit: str = "row",
              problems: Sequence[Problem] = ()) -> RawTable:
    """A RawTable of rows of Python cells (the XLSX, JSON and GeoJSON readers' rows)."""
    width = len(headers)
    columns, booleans, nans = [], [], []
    for i in range(width):
        cells = [cells[i] if i < len(cells) else None for _, cells in rows]
        texts = [cell_text(c) for c in cells]
        try:
            columns.append(pa.array(texts, type=pa.string()))
        except UnicodeEncodeError:   # JSON's "\ud800": a lone surrogate, no character at all
            columns.append(pa.array([_LONE_SURROGATE.sub("\ufffd", t) for t in texts], type=pa.string()))
        flags = np.fromiter((isinstance(c, bool) for c in cells), dtype=bool, count=len(cells))
        booleans.append(flags if flags.any() else None)
        flags = np.fromiter((isinstance(c, float) and math.isnan(c) for c in cells), dtype=bool,
                            count=len(cells))
        nans.append(flags if flags.any() else None)
    return RawTable(tuple(headers), tuple(columns), np.array([n for n, _ in rows], dtype=np.int64),
                    tuple(booleans), unit, tuple(problems), tuple(nans))


def parse_date(value: Any, date_format: str | None = None, dayfirst: bool = False
               ) -> tuple[str, str, str]:
    """(ISO date, precision, time) of a date cell: "YYYY-MM-DD", "YYYY-MM", "YYYY", ACLED's
    "02 January 2024", an Excel date; "03/01/2024" with `dayfirst` (else it is ambiguous, and
    an error); first of all `date_format` (strptime), when given. ValueError when none fits.

    >>> parse_date("2024-01")
    ('2024-01', 'month', '')
    """
    if isinstance(value, bool):
        raise ValueError(f"bad date {value!r} ({_EXPECTED_DATE})")
    if isinstance(value, dt.datetime):
        time = value.strftime("%H:%M") if (value.hour, value.minute, value.second) != (0, 0, 0) else ""
        return value.date().isoformat(), "day", time
    if isinstance(value, dt.date):
        return value.isoformat(), "day", ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _parse_date_text(cell_text(value), date_format, dayfirst)


@lru_cache(maxsize=8192)
def _parse_date_text(text: str, date_format: str | None = None, dayfirst: bool = False
                     ) -> tuple[str, str, str]:
    if not text:
        raise ValueError(f"missing date ({_EXPECTED_DATE})")
    if date_format:
        try:
            when = dt.datetime.strptime(text, date_format)
        except ValueError:
            pass
        else:
            timed = any(d in date_format for d in ("%H", "%I", "%M"))
            return when.date().isoformat(), "day", when.strftime("%H:%M") if timed else ""
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
    m = _DAY_MONTH_YEAR.match(text) or _MONTH_DAY_YEAR.match(text)
    if m:
        day, month, year = m.groups() if m.re is _DAY_MONTH_YEAR else (m[2], m[1], m[3])
        number = _MONTHS.get(month.casefold())
        try:
            if number:
                return dt.date(int(year), number, int(day)).isoformat(), "day", ""
        except ValueError:
            pass
    m = _NUMERIC_DATE.match(text)
    if m and not dayfirst:
        raise ValueError(f"bad date {text!r} (day or month first? give --dayfirst for "
                         f"day/month/year, or --date-format, e.g. %m/%d/%Y)")
    if m:
        try:
            return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat(), "day", ""
        except ValueError:
            pass
    raise ValueError(f"bad date {text!r} ({_EXPECTED_DATE})")


@lru_cache(maxsize=4096)
def normalize_event_type(value: str, dataset: str | None = None) -> str:
    """One of model.EVENT_TYPES for a type as written ("Air strike", "UAV", "غارة جوية", ...),
    read with the words of mapper.vocabulary, as the text extractor reads them; with a
    `dataset` ("acled", "ucdp"), that dataset's category names too.

    >>> normalize_event_type("Drone strike"), normalize_event_type("قصف مدفعي")
    ('drone', 'artillery')
    """
    return event_type_of(value, dataset)


@lru_cache(maxsize=4096)
def normalize_outcome(value: str) -> str:
    """One of model.OUTCOMES for an outcome as written ("Intercepted", "shot down", "claimed hit")."""
    return outcome_of(value, cell=True)


def _number(text: str) -> float | None:
    if text.casefold() in _EMPTY_NUMBERS:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")   # a decimal comma, as European spreadsheets write it
    try:
        number = float(text)
    except OverflowError:   # pragma: no cover - float() of text gives inf instead
        raise ValueError(text) from None
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _count(text: str) -> int | None:
    if _THOUSANDS.match(text):
        return int(text.replace(",", ""))   # "1,200" people: a count has no decimals
    try:
        number = _number(text)
    except ValueError:
        number = math.nan
    if number is None:
        return None
    if not math.isfinite(number) or not number.is_integer() or number < 0:
        raise ValueError(f"not a whole number of people: {text!r}")
    return int(number)


# --- columns -----------------------------------------------------------------------------------

def _distinct(column: pa.Array | pa.ChunkedArray) -> tuple[list[Any], np.ndarray]:
    return distinct(column)


def _coded(values: Sequence[str], codes: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32, copy=False)),
                                          pa.array(list(values), type=pa.string()))


def _stripped(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A text column as str.strip() leaves it, still a dictionary if it was one; the column
    itself when no cell starts or ends with a space (a million descriptions are not copied)."""
    if pa.types.is_dictionary(column.type):
        if isinstance(column, pa.ChunkedArray):
            column = column.unify_dictionaries().combine_chunks()
        values = [v.strip() for v in column.dictionary.to_pylist()]
        return pa.DictionaryArray.from_arrays(column.indices, pa.array(values, type=pa.string()))
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    if any(_outer_space(chunk) for chunk in chunks):
        return pc.utf8_trim(column, characters=_WHITESPACE)
    return column


# The UTF-8 of every character str.strip() strips: the bytes that may end one (a space of one
# byte, or the last byte of a longer one), and the longer ones whole, as integers.
_SPACE_ENDS = np.zeros(256, dtype=bool)
_SPACE_ENDS[[c.encode()[-1] for c in _WHITESPACE]] = True
_SPACE_STARTS = np.zeros(256, dtype=bool)
_SPACE_STARTS[[c.encode()[0] for c in _WHITESPACE]] = True
_LONG_SPACES = {n: sorted(int.from_bytes(c.encode(), "big") for c in _WHITESPACE if len(c.encode()) == n)
                for n in (2, 3)}


def _outer_space(column: pa.Array) -> bool:
    """Whether any text of a string column starts or ends with a space, by its bytes: a text
    whose first byte may start one, or whose last byte may end one, is looked at closer."""
    if not len(column) or column.buffers()[2] is None:
        return False
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[column.offset:column.offset + len(column) + 1]
    data = np.frombuffer(column.buffers()[2], dtype=np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    starts, ends = starts[filled].astype(np.int64), ends[filled].astype(np.int64)
    first, last = data[starts], data[ends - 1]
    may_start, may_end = _SPACE_STARTS[first], _SPACE_ENDS[last]
    if (may_start & (first < 0x80)).any() or (may_end & (last < 0x80)).any():
        return True   # a space of one byte (ASCII)
    closer = may_start | may_end
    if not closer.any():
        return False
    starts, ends = starts[closer], ends[closer]
    for n, spaces in _LONG_SPACES.items():
        long_enough = ends - starts >= n
        for at in (starts[long_enough], ends[long_enough] - n):
            gram = np.zeros(len(at), dtype=np.int64)
            for k in range(n):
                gram = (gram << 8) | data[at + k]
            if np.isin(gram, spaces).any():
                return True
    return False


def _per_value(column: pa.Array, rule: Callable[[str], Any]) -> tuple[list[Any], np.ndarray]:
    """`rule` of each distinct value of a (stripped) text column, and each row's index into
    the results: a rule of a cell runs once per value, however many rows hold it."""
    values, codes = _distinct(column)
    return [rule(v) for v in values], codes


@dataclass
class _Rows:
    """The problems found so far, row position -> [(column, message)], in the order found."""

    found: dict[int, list[tuple[str | None, str]]]

    def add(self, k: int, column: str | None, message: str) -> None:
        self.found.setdefault(k, []).append((column, message))

    def add_all(self, positions: np.ndarray, column: str | None, message: Callable[[int], str]) -> None:
        for k in positions.tolist():
            self.add(k, column, message(k))

    def has(self, k: int, column: str | None) -> bool:
        return any(c == column for c, _ in self.found.get(k, ()))


def validate(path: str | Path, raw: RawTable, options: ReadOptions | None = None,
             profile: ColumnProfile | None = None) -> IncidentColumns:
    """The incidents of a raw table, validated (see the module docstring); `profile`: where
    each field is (default: the dataset the headers show, else any table's aliases), with
    `options.columns` on top. Raises InputError naming file, row and column of every problem
    (or, with options.on_bad_rows == "review", only those of the file as a whole)."""
    options = options or ReadOptions()
    headers = tuple(h or f"column_{i + 1}" for i, h in enumerate(raw.headers))
    _check_named_columns(path, headers, options.columns)
    profile = with_columns(profile or detect(headers), options.columns)
    columns = profile.columns(headers)
    _check_headers(path, raw, columns)
    return _Validation(path, raw, headers, columns, profile, options).run()


def _check_named_columns(path: str | Path, headers: Sequence[str], named: Sequence[tuple[str, str]]) -> None:
    keys = {header_key(h) for h in headers}
    missing = [f"{f}={h}" for f, h in named if header_key(h) not in keys]
    if missing:
        raise InputError(path, f"--columns {', '.join(missing)}: no such column; the columns "
                               f"are: {', '.join(headers)}")


def _check_headers(path: str | Path, raw: RawTable, columns: dict[str, int]) -> None:
    problems = []
    if "date" not in columns:
        problems.append(Problem(f"no date column (expected one of: {', '.join(HEADER_ALIASES['date'])}; "
                                "or name it with --columns date=COLUMN)"))
    if "location" not in columns and not ("lat" in columns and "lon" in columns):
        if "lat" in columns or "lon" in columns:
            have, need = ("lat", "lon") if "lat" in columns else ("lon", "lat")
            problems.append(Problem(f"a {have} column but no {need} column, and no location column",
                                    column=need))
        else:
            problems.append(Problem("no location column and no lat/lon columns (expected e.g. "
                                    "location, place, site; or lat and lon)", column="location"))
    if problems:
        # Rows that could not be split or were no records come first: when every record was
        # bad there are no headers, and "no date column" alone would mislead.
        raise InputError(path, [*raw.problems, *(problems if raw.headers or not raw.problems else [])])


class _Validation:
    """One table's validation: the fields read a column at a time, then the rows' rules."""

    def __init__(self, path: str | Path, raw: RawTable, headers: tuple[str, ...],
                 columns: dict[str, int], profile: ColumnProfile, options: ReadOptions) -> None:
        self.path, self.raw, self.headers, self.columns = path, raw, headers, columns
        self.profile, self.options = profile, options
        self.n = len(raw)
        self.problems = _Rows({})
        self.text: dict[str, pa.Array] = {}

    def header(self, name: str) -> str | None:
        return self.headers[self.columns[name]] if name in self.columns else None

    def cells(self, name: str) -> pa.Array | None:
        """The stripped text column of a field, None when the table has none."""
        if name not in self.columns:
            return None
        return _stripped(self.raw.columns[self.columns[name]])

    def given(self, name: str) -> pa.Array:
        """The stripped text column of a field the table has (checked before)."""
        column = self.cells(name)
        if column is None:   # pragma: no cover - callers look first
            raise RuntimeError(f"the table has no {name} column")
        return column

    def booleans(self, name: str) -> np.ndarray | None:
        if name not in self.columns or not self.raw.booleans:
            return None
        return self.raw.booleans[self.columns[name]]

    def nans(self, name: str) -> np.ndarray | None:
        """Where a cell of the field was a float NaN, or None when none was."""
        if name not in self.columns or not self.raw.nans:
            return None
        return self.raw.nans[self.columns[name]]

    def empty(self) -> pa.Array:
        return _coded([""], np.zeros(self.n, dtype=np.int32))

    def run(self) -> IncidentColumns:
        for name in TEXT_FIELDS:
            if name not in ("date", "date_precision", "date_end", "event_type", "outcome",
                            "event_label"):
                self.text[name] = self.cells(name) if name in self.columns else self.empty()
        date_time = self._dates()
        if "time" in self.columns:   # a date with a time fills an empty time cell
            times, time_codes = _distinct(self.text["time"])
            stamps, stamp_codes = _distinct(date_time)
            width = len(stamps) + 1
            unique, inverse = np.unique(time_codes * width + stamp_codes, return_inverse=True)
            filled = [times[t] or stamps[d] for t, d in (divmod(p, width) for p in unique.tolist())]
            self.text["time"] = _coded(filled, inverse.reshape(-1))
        else:
            self.text["time"] = date_time
        lat, lon, doubts = self._coordinates()
        fatalities = self._count("fatalities")
        injuries = self._count("injuries")
        type_original, outcome_original = self._types()
        self._date_end()
        precision, radius = self._precision()
        extra = tuple((self.headers[i], _stripped(self.raw.columns[i]))
                      for i in range(len(self.headers)) if i not in self.columns.values())
        made = IncidentColumns(
            row=self.raw.rows, text=self.text, lat=lat, lon=lon, fatalities=fatalities,
            injuries=injuries, precision=precision, radius_km=radius, extra=extra,
            type_original=type_original, outcome_original=outcome_original, doubts=doubts)
        return self._finish(made)

    # -- dates --

    def _dates(self) -> pa.Array:
        """Dates in ISO with their precision (restated as the table states it, if it does);
        returns the times of day the dates carried, for an empty time cell."""
        column = self.given("date")
        header = self.header("date")
        fmt, dayfirst = self.options.date_format, self.options.dayfirst

        def rule(text: str) -> tuple[str, str, str, str | None]:
            try:
                return (*_parse_date_text(text, fmt, dayfirst), None)
            except ValueError as exc:
                return text, "", "", str(exc)

        results, codes = _per_value(column, rule)
        bad = np.array([r[3] is not None for r in results], dtype=bool)
        for k in np.flatnonzero(bad[codes]).tolist():
            self.problems.add(k, header, results[codes[k]][3])
        booleans = self.booleans("date")
        if booleans is not None:   # a JSON true is no date, whatever its text says
            for k in np.flatnonzero(booleans).tolist():
                self.problems.found.pop(k, None)
                self.problems.add(k, header, f"bad date {column[k].as_py() == 'true'} ({_EXPECTED_DATE})")
        times = _coded([r[2] for r in results], codes)
        dates, precisions = [r[0] for r in results], [r[1] for r in results]
        stated = self._stated_precision()
        if stated is not None:
            words, stated_codes = stated
            width = len(words) + 1
            unique, codes = np.unique(codes.astype(np.int64) * width + stated_codes, return_inverse=True)
            restated = [_restated(dates[d], precisions[d], words[s])
                        for d, s in (divmod(p, width) for p in unique.tolist())]
            dates, precisions = [r[0] for r in restated], [r[1] for r in restated]
        self.text["date"] = _coded(dates, codes)
        self.text["date_precision"] = _coded(precisions, codes)
        return times

    def _stated_precision(self) -> tuple[list[str | None], np.ndarray] | None:
        """The precision the table states for its dates (ACLED's time_precision, a
        date_precision column): the words, and each row's index into them."""
        column = self.cells("date_precision")
        if column is None:
            return None
        header = self.header("date_precision")
        table = self.profile.codes.get("date_precision", {})

        def rule(text: str) -> tuple[str | None, str | None]:
            if not text:
                return None, None
            word = table.get(text.casefold()) or table.get(text.removesuffix(".0"))
            if word is None:
                return None, f"not a date precision ({', '.join(table)}): {text!r}"
            return str(word), None

        results, codes = _per_value(column, rule)
        bad = np.array([r[1] is not None for r in results], dtype=bool)
        for k in np.flatnonzero(bad[codes]).tolist():
            self.problems.add(k, header, results[codes[k]][1])
        return [r[0] for r in results], codes

    def _date_end(self) -> None:
        column = self.cells("date_end")
        if column is None:
            self.text["date_end"] = self.empty()
            return
        header = self.header("date_end")
        fmt, dayfirst = self.options.date_format, self.options.dayfirst

        def rule(text: str) -> tuple[str, str | None]:
            if not text:
                return "", None
            try:
                date, precision, _ = _parse_date_text(text, fmt, dayfirst)
            except ValueError as exc:
                return text, str(exc)
            if precision != "day":
                return text, f"the last day of a range must be a day, not {text!r}"
            return date, None

        results, codes = _per_value(column, rule)
        for k in np.flatnonzero(np.array([r[1] is not None for r in results], dtype=bool)[codes]).tolist():
            self.problems.add(k, header, results[codes[k]][1])
        ends = [r[0] for r in results]
        # a range ending on its first day is that day; one ending before it is an error
        starts, start_codes = _distinct(self.text["date"])
        pair = start_codes.astype(np.int64) * (len(ends) + 1) + codes
        unique, inverse = np.unique(pair, return_inverse=True)
        out, wrong = [], []
        for p in unique.tolist():
            s, e = divmod(p, len(ends) + 1)
            start, end = starts[s], ends[e]
            if not end or len(start) != 10 or len(end) != 10 or results[e][1] is not None:
                out.append(end if results[e][1] is None else "")
                wrong.append(False)
            else:
                out.append(end if end > start else "")
                wrong.append(end < start)
        bad = np.array(wrong, dtype=bool)[inverse]
        for k in np.flatnonzero(bad).tolist():
            self.problems.add(k, header, f"the range ends ({ends[codes[k]]}) before it starts "
                                         f"({starts[start_codes[k]]})")
        self.text["date_end"] = _coded(out, inverse.astype(np.int32))
        # a range is as precise as it is long: a week at most, a month, or more
        spans = [_range_precision(starts[divmod(p, len(ends) + 1)[0]], end)
                 for p, end in zip(unique.tolist(), out)]
        ranged = _coded(spans, inverse.astype(np.int32))
        self.text["date_precision"] = pc.if_else(pc.equal(_plain(ranged), ""),
                                                 _plain(self.text["date_precision"]), _plain(ranged))

    # -- coordinates --

    def _coordinates(self) -> tuple[np.ndarray, np.ndarray, dict[int, tuple[str, ...]]]:
        values, errors, doubts = {}, {}, {}
        for name in ("lat", "lon"):
            values[name], errors[name], doubts[name] = self._coordinate(name)
        lat = values["lat"] if "lat" in self.columns else np.full(self.n, np.nan)
        lon = values["lon"] if "lon" in self.columns else np.full(self.n, np.nan)
        for name in ("lat", "lon"):
            for k, message in sorted(errors[name].items()):
                self.problems.add(k, self.header(name), message)
        doubted = {k: tuple(m for m in (doubts["lat"].get(k), doubts["lon"].get(k)) if m)
                   for k in sorted(set(doubts["lat"]) | set(doubts["lon"]))}
        doubt_rows = np.zeros(self.n, dtype=bool)
        doubt_rows[list(doubted)] = True
        lat[doubt_rows] = np.nan
        lon[doubt_rows] = np.nan
        has_lat, has_lon = ~np.isnan(lat), ~np.isnan(lon)
        lat_header, lon_header = self.header("lat"), self.header("lon")
        if "lat" in self.columns and "lon" in self.columns:
            half = (has_lat != has_lon) & ~doubt_rows
            for k in np.flatnonzero(half).tolist():
                missing, given = ("lon", "lat") if has_lat[k] else ("lat", "lon")
                if not self.problems.has(k, self.header(missing)):
                    self.problems.add(k, self.header(missing), f"{given} given but {missing} is empty")
        both = has_lat & has_lon
        with np.errstate(invalid="ignore"):
            self._check_points(lat, lon, both)
        located = both.copy()
        lat[~located] = np.nan
        lon[~located] = np.nan
        location = self.text["location"]
        no_place = ~located & ~doubt_rows & _is_empty(location)
        column = self.header("location") if "location" in self.columns else lat_header
        for k in np.flatnonzero(no_place).tolist():
            if not (self.problems.has(k, lat_header) or self.problems.has(k, lon_header)):
                self.problems.add(k, column, "neither a location nor coordinates")
        return lat, lon, doubted

    def _coordinate(self, name: str) -> tuple[np.ndarray, dict[int, str], dict[int, str]]:
        """A coordinate column read: values (NaN for none), errors and doubts by row."""
        if name not in self.columns:
            return np.full(self.n, np.nan), {}, {}
        column = self.given(name)
        header = self.header(name)
        booleans = self.booleans(name)
        values = np.full(self.n, np.nan)
        if pa.types.is_dictionary(column.type):
            slow = np.ones(self.n, dtype=bool)
        else:
            plain = pc.match_substring_regex(column, _PLAIN_DECIMAL)
            read = pc.cast(pc.if_else(plain, column, "nan"), pa.float64())
            fast = read.to_numpy() if isinstance(read, pa.ChunkedArray) else read.to_numpy(zero_copy_only=False)
            fast = fast.copy()
            fast[~np.isfinite(fast)] = np.nan
            values = fast
            slow = ~np.isfinite(fast) & ~_is_empty(column)
        errors: dict[int, str] = {}
        doubts: dict[int, str] = {}
        if booleans is not None:
            slow |= booleans
        rows = np.flatnonzero(slow)
        if len(rows):
            sub = take_rows(column, rows)
            results, codes = _per_value(sub, lambda text: _coordinate_cell(header, text))
            for k, code in zip(rows.tolist(), codes.tolist()):
                value, error, doubt = results[code]
                if booleans is not None and booleans[k]:
                    value, error, doubt = None, None, f"{header} {column[k].as_py()!r} is not a number"
                values[k] = np.nan if value is None else value
                if error:
                    errors[k] = error
                if doubt:
                    doubts[k] = doubt
        nans = self.nans(name)
        if nans is not None:   # a NaN is no coordinate: empty as text, but not empty
            for k in np.flatnonzero(nans).tolist():
                values[k] = np.nan
                errors[k] = "not a number: 'nan'"
        return values, errors, doubts

    def _check_points(self, lat: np.ndarray, lon: np.ndarray, both: np.ndarray) -> None:
        lon_min, lon_max, lat_min, lat_max = REGION

        def inside(la: np.ndarray, lo: np.ndarray) -> np.ndarray:
            return (lat_min <= la) & (la <= lat_max) & (lon_min <= lo) & (lo <= lon_max)

        bad_lat = both & ~((lat >= -90) & (lat <= 90))
        bad_lon = both & ~bad_lat & ~((lon >= -180) & (lon <= 180))
        swapped = both & ~bad_lat & ~bad_lon & ~inside(lat, lon) & inside(lon, lat)
        lat_header, lon_header = self.header("lat"), self.header("lon")
        self.problems.add_all(np.flatnonzero(bad_lat), lat_header,
                              lambda k: f"latitude {lat[k]} out of range -90..90")
        self.problems.add_all(np.flatnonzero(bad_lon), lon_header,
                              lambda k: f"longitude {lon[k]} out of range -180..180")
        self.problems.add_all(np.flatnonzero(swapped), lat_header, lambda k: (
            f"lat and lon look swapped: ({lat[k]}, {lon[k]}) is far outside Syria and Iraq, "
            f"({lon[k]}, {lat[k]}) is inside"))
        both &= ~(bad_lat | bad_lon | swapped)

    # -- counts, types, precision --

    def _count(self, name: str) -> np.ndarray:
        if name not in self.columns:
            return np.full(self.n, NONE_COUNT, dtype=np.int64)
        header = self.header(name)

        def rule(text: str) -> tuple[int, str | None]:
            try:
                count = _count(text)
            except ValueError as exc:
                return NONE_COUNT, str(exc)
            return NONE_COUNT if count is None else count, None

        results, codes = _per_value(self.cells(name), rule)
        bad = np.array([r[1] is not None for r in results], dtype=bool)[codes]
        nans = self.nans(name)
        if nans is not None:
            bad |= nans
        for k in np.flatnonzero(bad).tolist():
            nan = nans is not None and bool(nans[k])
            self.problems.add(k, header, "not a whole number of people: 'nan'" if nan
                              else results[codes[k]][1])
        counts = np.array([r[0] for r in results], dtype=np.int64)[codes]
        if nans is not None:
            counts[nans] = NONE_COUNT
        return counts

    def _types(self) -> tuple[pa.Array, pa.Array]:
        dataset = self.profile.dataset
        names = self.profile.codes.get("event_type", {})
        labels = self.profile.codes.get("event_label", {})

        def type_rule(text: str) -> tuple[str, str]:
            name = str(names.get(text, text))
            event_type = normalize_event_type(name, dataset)
            keep = event_type == "other" and name and normalize(name) != "other"
            return event_type, name if keep else ""

        column = self.cells("event_type")
        if column is None:
            self.text["event_type"] = _coded(["other"], np.zeros(self.n, dtype=np.int32))
            type_original = self.empty()
        else:
            results, codes = _per_value(column, type_rule)
            self.text["event_type"] = _coded([r[0] for r in results], codes)
            type_original = _coded([r[1] for r in results], codes)
        label = self.cells("event_label")
        if label is None:
            self.text["event_label"] = self.empty()
        else:
            results, codes = _per_value(label, lambda text: str(labels.get(text, text)))
            self.text["event_label"] = _coded(results, codes)

        def outcome_rule(text: str) -> tuple[str, str]:
            outcome = normalize_outcome(text)
            keep = outcome == "unknown" and text and normalize(text) not in ("unknown", "")
            return outcome, text if keep else ""

        column = self.cells("outcome")
        if column is None:
            self.text["outcome"] = _coded(["unknown"], np.zeros(self.n, dtype=np.int32))
            return type_original, self.empty()
        results, codes = _per_value(column, outcome_rule)
        self.text["outcome"] = _coded([r[0] for r in results], codes)
        return type_original, _coded([r[1] for r in results], codes)

    def _precision(self) -> tuple[np.ndarray, np.ndarray]:
        """The table's own precision of its points (a code of its profile: ACLED's
        geo_precision, UCDP's where_prec) and radius, where it gives them."""
        precision = np.zeros(self.n, dtype=np.int8)
        radius = np.full(self.n, np.nan)
        table = self.profile.codes.get("precision", {})
        column = self.cells("precision")
        if column is not None:
            header = self.header("precision")

            def rule(text: str) -> tuple[int, float, str | None]:
                if not text:
                    return 0, math.nan, None
                code = table.get(text) or table.get(text.removesuffix(".0"))
                if code is None:
                    return 0, math.nan, f"not a precision code ({', '.join(table)}): {text!r}"
                p, r = cast(tuple[int, float], code)
                return p, r, None

            results, codes = _per_value(column, rule)
            for k in np.flatnonzero(np.array([r[2] is not None for r in results], dtype=bool)[codes]).tolist():
                self.problems.add(k, header, results[codes[k]][2])
            precision = np.array([r[0] for r in results], dtype=np.int8)[codes]
            radius = np.array([r[1] for r in results], dtype=np.float64)[codes]
        column = self.cells("radius_km")
        if column is not None:
            header = self.header("radius_km")

            def radius_rule(text: str) -> tuple[float, str | None]:
                try:
                    value = _number(text)
                except ValueError:
                    return math.nan, f"not a radius in km: {text!r}"
                if value is not None and value < 0:
                    return math.nan, f"not a radius in km: {text!r}"
                return math.nan if value is None else value, None

            results, codes = _per_value(column, radius_rule)
            for k in np.flatnonzero(np.array([r[1] is not None for r in results], dtype=bool)[codes]).tolist():
                self.problems.add(k, header, results[codes[k]][1])
            given = np.array([r[0] for r in results], dtype=np.float64)[codes]
            radius = np.where(np.isnan(given), radius, given)
        return precision, radius

    # -- the end --

    def _finish(self, made: IncidentColumns) -> IncidentColumns:
        split = list(self.raw.problems)
        if not self.problems.found and not split:
            return made
        if self.options.on_bad_rows == "error":
            problems = [Problem(message, int(self.raw.rows[k]), column, self.raw.unit)
                        for k in sorted(self.problems.found)
                        for column, message in self.problems.found[k]]
            problems = sorted([*split, *problems], key=lambda p: p.row or 0)
            raise InputError(self.path, problems)
        return _with_bad_rows(made, self.problems.found, split)


def _range_precision(start: str, end: str) -> str:
    """The precision of a range of days: "" (none: a single day, or no range), week, month, year."""
    if not end or len(start) != 10:
        return ""
    days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days + 1
    return "week" if days <= 7 else "month" if days <= 31 else "year"


def _restated(date: str, precision: str, stated: str | None) -> tuple[str, str]:
    """A date with the precision its table states, never more precise than the date itself:
    a month-precise date is its month ("2024-01"); a week-precise one keeps its day."""
    if stated is None or not precision or _PRECISION_ORDER[stated] <= _PRECISION_ORDER[precision]:
        return date, precision
    if stated == "month":
        return date[:7], "month"
    if stated == "year":
        return date[:4], "year"
    return date, stated


def _coordinate_cell(header: str | None, text: str) -> tuple[float | None, str | None, str | None]:
    """(value, error, doubt) of a coordinate cell that is no plain decimal."""
    if _AMBIGUOUS_COMMA.match(text):
        # Kept for review, not mapped: "35,500" may be 35.5 or 35500.
        return None, None, f"{header} {text!r} is ambiguous: a decimal comma or a thousands separator?"
    try:
        return _number(text), None, None
    except ValueError:
        return None, f"not a number: {text!r}", None


def _plain(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    if not pa.types.is_dictionary(column.type):
        return column
    return column.cast(column.type.value_type)


def _is_empty(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if pa.types.is_dictionary(column.type):
        if isinstance(column, pa.ChunkedArray):
            column = column.unify_dictionaries().combine_chunks()
        values = np.array([v == "" for v in column.dictionary.to_pylist()], dtype=bool)
        return values[column.indices.to_numpy(zero_copy_only=False)] if len(values) else np.zeros(len(column), bool)
    return pc.equal(column, "").to_numpy(zero_copy_only=False)


def _with_bad_rows(made: IncidentColumns, found: dict[int, list[tuple[str | None, str]]],
                   split: list[Problem]) -> IncidentColumns:
    """`made` with its bad rows kept for review (their problems recorded, their coordinates
    dropped), and the rows that could not even be split added in their place in the file."""
    problems = {k: tuple(f"column {c!r}: {m}" if c else m for c, m in found[k]) for k in found}
    lat, lon = made.lat.copy(), made.lon.copy()
    bad = np.array(sorted(problems), dtype=np.int64)
    lat[bad] = np.nan
    lon[bad] = np.nan
    fixed = IncidentColumns(
        row=made.row, text=made.text, lat=lat, lon=lon, fatalities=made.fatalities,
        injuries=made.injuries, precision=made.precision, radius_km=made.radius_km,
        extra=made.extra, type_original=made.type_original, outcome_original=made.outcome_original,
        doubts=made.doubts, problems=problems)
    if not split:
        return fixed
    return _append_unsplit(fixed, split)


def _append_unsplit(made: IncidentColumns, split: list[Problem]) -> IncidentColumns:
    """Rows that could not be split into cells, as incidents of no cell, in file order."""
    m = len(split)
    rows = np.concatenate([made.row, np.array([p.row or 0 for p in split], dtype=np.int64)])
    order = np.argsort(rows, kind="stable")
    take = pa.array(order)

    def text(column: pa.Array) -> pa.Array:
        tail = pa.array([""] * m, type=pa.string())
        return pa.concat_arrays([_plain(column), tail]).take(take)

    def numbers(values: np.ndarray, none: float) -> np.ndarray:
        return np.concatenate([values, np.full(m, none, dtype=values.dtype)])[order]

    n = len(made)
    problems = {**made.problems, **{n + j: (p.message,) for j, p in enumerate(split)}}
    position = np.empty(n + m, dtype=np.int64)
    position[order] = np.arange(n + m)
    return IncidentColumns(
        row=rows[order], text={k: text(v) for k, v in made.text.items()},
        lat=numbers(made.lat, np.nan), lon=numbers(made.lon, np.nan),
        fatalities=numbers(made.fatalities, NONE_COUNT), injuries=numbers(made.injuries, NONE_COUNT),
        precision=numbers(made.precision, 0), radius_km=numbers(made.radius_km, np.nan),
        extra=tuple((name, text(col)) for name, col in made.extra),
        type_original=text(made.type_original), outcome_original=text(made.outcome_original),
        doubts={int(position[k]): v for k, v in made.doubts.items()},
        problems={int(position[k]): v for k, v in problems.items()})

