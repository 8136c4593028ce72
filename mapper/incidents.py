"""Reading incident tables: CSV/TSV, Excel .xlsx, GeoJSON, JSON Lines and (Geo)Parquet.

>>> incidents = read_incidents("data/samples/seed_incidents.csv")   # doctest: +SKIP
>>> incidents[0].location, incidents[0].date, incidents[0].event_type   # doctest: +SKIP
('حقل العمر', '2024-01-02', 'rocket')

Each format has a reader that makes a raw table; one validator (mapper/validate.py) makes the
incidents of any of them, a column at a time, with the column profile the headers show (ACLED,
UCDP GED, or any table's aliases: mapper/profiles.py). A large CSV is split by Arrow (with the
Python reader as the reference whenever a file is irregular) and Parquet is read as Arrow
columns, so that a million rows read in seconds. Every problem in a file is collected and
raised as one InputError naming file, row and column, so that a user fixes a table in one pass
rather than one error at a time.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .columns import IncidentColumns, take_rows
from .errors import InputError, Problem
from .model import Incident
from .profiles import FIELDS, HEADER_ALIASES, header_key
from .validate import (
    REGION,
    RawTable,
    ReadOptions,
    cell_text,
    normalize_event_type,
    normalize_outcome,
    parse_date,
    raw_table,
    validate,
)

__all__ = ["FIELDS", "HEADER_ALIASES", "REGION", "InputError", "ReadOptions", "normalize_event_type",
           "normalize_outcome", "parse_date", "read_incident_columns", "read_incidents",
           "read_raw", "read_table"]

_EXTENSIONS = {".csv": "table", ".tsv": "table", ".tab": "table", ".txt": "table",
               ".xlsx": "xlsx", ".xlsm": "xlsx", ".geojson": "geojson", ".json": "json",
               ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet",
               ".geoparquet": "parquet"}

# The largest cell a delimited table may hold (Python's csv module stops at 128 kB by default):
# a long description or a pasted article is data, not an attack.
MAX_CELL_CHARS = 64 * 1024 * 1024

_text = cell_text
_header_key = header_key


@dataclass(frozen=True, slots=True)
class Table:
    """A file read into raw rows, before validation: the same shape for every format."""

    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]   # (row number, cells aligned with headers)
    unit: str = "row"
    problems: tuple[Problem, ...] = ()              # rows that could not even be split


def read_incidents(path: str | Path, options: ReadOptions | None = None) -> list[Incident]:
    """Read and validate an incident table (.csv, .tsv, .xlsx, .geojson, .json, .jsonl,
    .parquet).

    Headers are matched in any case with common aliases (see HEADER_ALIASES), or by the
    profile of the dataset they show (ACLED, UCDP GED; see mapper/profiles.py), or as
    `options.columns` names them; columns that are none of the fields are kept, in file order,
    in `Incident.extra`. Raises InputError listing every problem found, each with its row and
    column (with options.on_bad_rows == "review", bad rows are returned with their `problems`).
    """
    return read_incident_columns(path, options).incidents()


def read_incident_columns(path: str | Path, options: ReadOptions | None = None) -> IncidentColumns:
    """`read_incidents` as columns, with no object made per row (a million rows in seconds)."""
    path = Path(path)
    return validate(path, read_raw(path), options)


def read_raw(path: str | Path) -> RawTable:
    """Any supported file as a raw table of text columns, before validation; raises
    InputError when the file cannot be read."""
    path = Path(path)
    kind = _kind(path)
    if kind == "parquet":
        from .parquet import read_parquet_raw

        return read_parquet_raw(path)
    if kind == "table":
        fast = _read_delimited_fast(path)
        if fast is not None:
            return fast
    table = _parsed(path, kind, _bytes(path))
    return raw_table(table.headers, table.rows, table.unit, table.problems)


def read_table(path: str | Path) -> Table:
    """Any supported table file as headers and raw rows, before validation (also used by
    `incident-map resolve --input`); raises InputError when the file cannot be read."""
    path = Path(path)
    kind = _kind(path)
    if kind == "parquet":
        from .parquet import read_parquet_table

        return read_parquet_table(path)
    return _parsed(path, kind, _bytes(path))


def _kind(path: Path) -> str:
    kind = _EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(_EXTENSIONS))
        raise InputError(path, f"unsupported file type {path.suffix or '(none)'!r}; expected one of {known}")
    return kind


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror or exc}") from exc


def _parsed(path: Path, kind: str, data: bytes) -> Table:
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


# Rows per batch of the Arrow CSV reader, and the share of distinct values in a column's first
# batch under which its cells are kept as a dictionary (a date, a type, a place: a few hundred
# values for a million rows).
_BLOCK_BYTES = 1 << 22
_DICTIONARY_SHARE = 0.5




def _read_delimited_fast(path: Path) -> RawTable | None:
    """A delimited UTF-8 table split by Arrow, each row numbered by the line it starts on, or
    None when the file is anything but regular (UTF-16, NUL bytes, a lone carriage return, a
    header spread over lines, a row of more or fewer cells than the header, blank lines between
    rows, a cell too long, bytes that are not UTF-8): the Python reader then reads it, and
    reports what is wrong with it, as it always has. Both split cells alike (the tests check).
    The file is streamed, never held whole: its columns are all the memory it takes."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    try:
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
    except OSError:
        return None   # the Python reader says why
    if _utf16(head):
        return None
    start = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    text = _first_lines(head, start, 50).decode("utf-8", errors="replace")
    if not text.strip():
        return None
    delimiter = _sniff_delimiter(text, path.suffix.lower())
    scan = _scan(path, delimiter)
    if scan is None:
        return None
    size, breaks, irregular = scan
    if irregular:
        return None
    header = _header_line(head, start, delimiter)
    if header is None:
        return None
    line, end, headers = header
    names = [f"c{i}" for i in range(len(headers))]
    parse = pa_csv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                escape_char=False, newlines_in_values=True, ignore_empty_lines=True)

    def convert(coded: list[bool]) -> Any:
        # a column whose values repeat (a date, a type, a place) is read as a dictionary
        return pa_csv.ConvertOptions(
            column_types={n: pa.dictionary(pa.int32(), pa.string()) if c else pa.string()
                          for n, c in zip(names, coded)},
            strings_can_be_null=False, quoted_strings_can_be_null=False)

    read = pa_csv.ReadOptions(column_names=names, block_size=_BLOCK_BYTES)
    coded = _repeating(head, end, read, parse, convert([False] * len(names)))
    try:
        source = pa.OSFile(str(path))
        source.seek(end)
        reader = pa_csv.open_csv(source, read_options=read, parse_options=parse,
                                 convert_options=convert(coded or [False] * len(names)))
        batches = []
        for batch in reader:
            if coded is None:   # the start of the file said nothing: its first batch says
                coded = [_repeats(batch.column(i)) for i in range(len(names))]
            batches.append([batch.column(i).dictionary_encode()
                            if coded[i] and not pa.types.is_dictionary(batch.column(i).type)
                            else batch.column(i) for i in range(len(names))])
    except (OSError, pa.ArrowInvalid, pa.ArrowNotImplementedError, StopIteration):
        return None   # no row, or a row Arrow would not split as the header says
    columns = [_joined_chunks([b[i] for b in batches], pa.string()) for i in range(len(names))]
    count = sum(len(b[0]) for b in batches) if batches else 0
    rows = _row_numbers(breaks - (line - 1) - 1, line, columns, count)
    if rows is None:
        return None
    if size > MAX_CELL_CHARS and any(_longest(c) > MAX_CELL_CHARS for c in columns):
        return None
    blank = np.ones(count, dtype=bool)
    for column in sorted(columns, key=lambda c: not pa.types.is_dictionary(c.type)):
        if not blank.any():
            break
        rows_left = np.flatnonzero(blank)   # only the rows still blank in every column so far
        blank[rows_left] = _blank(take_rows(column, rows_left))
    if blank.any():   # rows of blank cells only (",,,"): skipped, as the Python reader skips them
        keep = np.flatnonzero(~blank)
        columns = [take_rows(c, keep) for c in columns]
        rows = rows[~blank]
    return RawTable(tuple(headers), tuple(columns), rows, (), "row", ())


_HEAD_BYTES = 1 << 20     # the start of a file: what the delimiter and header are read from
_SCAN_BYTES = 1 << 24


def _scan(path: Path, delimiter: str) -> tuple[int, int, bool] | None:
    """One pass over a file, a block at a time: its size, its line breaks (the
    last, and blank lines at the end, not counted), and whether it is irregular anywhere: a NUL
    byte, a carriage return not followed by a line feed, an odd number of quotes (a quoted cell
    never closed), or a quote with text on both sides ('"Kana"ker', which Arrow would read
    quietly and the Python reader refuses). None when it cannot be read (the Python reader then
    says why)."""
    edges = np.zeros(256, dtype=bool)
    edges[[ord(delimiter), ord('"'), 10, 13]] = True
    try:
        with path.open("rb") as f:
            size, breaks, quotes, irregular = 0, 0, 0, False
            block, trailing, carried = f.read(_SCAN_BYTES), 0, False
            while block and not irregular:
                size += len(block)
                octets = np.frombuffer(block, dtype=np.uint8)
                breaks += int(np.count_nonzero(octets == 10))   # NumPy counts ~10x bytes.count
                irregular = b"\x00" in block or (carried and octets[0] != 10)
                if b"\r" in block:
                    returns = np.flatnonzero(octets == 13)
                    inside = returns[returns < len(octets) - 1]
                    irregular = irregular or bool((octets[inside + 1] != 10).any())
                if b'"' in block:
                    irregular = irregular or _stray_quote(octets, edges)
                    quotes += block.count(b'"')
                carried = block.endswith(b"\r")
                last = len(block)
                while last and block[last - 1] in b"\r\n":
                    last -= 1
                trailing = (trailing + block.count(b"\n")) if not last else block.count(b"\n", last)
                block = f.read(_SCAN_BYTES)
    except OSError:
        return None
    return size, breaks - trailing, irregular or carried or quotes % 2 == 1


def _stray_quote(octets: np.ndarray, edges: np.ndarray) -> bool:
    """Whether a block holds a quote with neither the delimiter, a quote nor a line end on
    either side (`edges`: those bytes). A quote on the edge of a block counts as next to a line end: the Python reader checks
    such a file anyway when its rows do not come out as Arrow's."""
    at = np.flatnonzero(octets == 34)
    before = octets[np.maximum(at - 1, 0)]
    after = octets[np.minimum(at + 1, len(octets) - 1)]
    inner = (at > 0) & (at < len(octets) - 1)
    return bool((inner & ~edges[before] & ~edges[after]).any())


def _first_lines(data: bytes, start: int, count: int) -> bytes:
    end = start
    for _ in range(count):
        found = data.find(b"\n", end)
        if found < 0:
            return data[start:]
        end = found + 1
    return data[start:end]


def _header_line(data: bytes, start: int, delimiter: str) -> tuple[int, int, list[str]] | None:
    """(line number, end offset, cells) of the first line with any text: the header, when it
    is one whole line of its own after lines of no quote; None otherwise."""
    offset = start
    for number in range(1, 101):
        found = data.find(b"\n", offset)
        if found < 0:
            return None   # a file of one line, or a header longer than the start read
        end = found + 1
        try:
            text = data[offset:end].decode("utf-8")
        except UnicodeDecodeError:
            return None
        if text.count('"') % 2:
            return None
        cells = next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter), [])
        if any(c.strip() for c in cells):
            return number, end, [c.strip().lstrip("\ufeff") for c in cells]
        if '"' in text:
            return None
        offset = end
    return None


def _repeating(head: bytes, end: int, read: Any, parse: Any, convert: Any) -> list[bool] | None:
    """Which columns repeat their values in the rows of the file's first MB (None when those
    rows cannot be told: a cell longer than that, a quoted line break cut off)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    last = head.rfind(b"\n")
    if last <= end:
        return None
    try:
        sample = pa_csv.read_csv(pa.BufferReader(pa.py_buffer(head)[end:last + 1]),
                                 read_options=read, parse_options=parse, convert_options=convert)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if sample.num_rows < 100:
        return None
    return [_repeats(sample.column(i)) for i in range(sample.num_columns)]


def _repeats(column: Any) -> bool:
    import pyarrow.compute as pc

    n = len(column)
    return n > 0 and pc.count_distinct(column).as_py() < _DICTIONARY_SHARE * n


def _joined_chunks(chunks: list[Any], kind: Any) -> Any:
    """One column of its batches: a dictionary made one (its indices are small), plain text
    left in chunks (copying a million descriptions would double the memory they take)."""
    import pyarrow as pa

    if not chunks:
        return pa.array([], type=kind)
    column = pa.chunked_array(chunks)
    if pa.types.is_dictionary(column.type):
        return column.unify_dictionaries().combine_chunks()
    return column if len(chunks) > 1 else chunks[0]


def _row_numbers(breaks: int, header_line: int, columns: list[Any], count: int) -> np.ndarray | None:
    """The line each row starts on: the header's next line on, each row one line plus the line
    breaks in its cells; `breaks`: the line breaks after the header's, the last row's own not
    counted. None when the count does not come out (blank lines between rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    inner = np.zeros(count, dtype=np.int64)
    if breaks != count - 1:
        for column in columns:
            values = column.dictionary if pa.types.is_dictionary(column.type) else column
            counted = np.asarray(pc.count_substring(values, "\n"), dtype=np.int64)
            inner += counted[column.indices.to_numpy(zero_copy_only=False)] \
                if pa.types.is_dictionary(column.type) else counted
        if breaks != count - 1 + int(inner.sum()):
            return None
    starts = np.arange(count, dtype=np.int64) + header_line + 1
    if inner.any():
        starts[1:] += np.cumsum(inner)[:-1]
    return starts


def _blank(column: Any) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    from .validate import _WHITESPACE

    if pa.types.is_dictionary(column.type):
        values = np.array([not v.strip() for v in column.dictionary.to_pylist()], dtype=bool)
        return values[column.indices.to_numpy(zero_copy_only=False)]
    return pc.equal(pc.utf8_trim(column, characters=_WHITESPACE), "").to_numpy(zero_copy_only=False)


def _longest(column: Any) -> int:
    import pyarrow as pa
    import pyarrow.compute as pc

    values = column.dictionary if pa.types.is_dictionary(column.type) else column
    longest = pc.max(pc.utf8_length(values)).as_py()
    return longest or 0


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
