"""The map's data block of located incidents held as columns (columns.LocatedColumns).

The same block as `encode.encode` makes of Located objects (the tests hold the two equal),
written a column at a time with no object per row: numbers are printed by NumPy, a text column
of few values as indices into the string table, a column of mostly unique texts (descriptions,
ids, addresses) escaped by Arrow. A deflated block is made of pieces compressed side by side
(zlib lets go of the GIL), each ended on a byte boundary and not final, then one final empty
block: one raw deflate stream, as pigz makes one, which the browser inflates as before.

>>> encode_located(located_columns, color_by="actor")   # doctest: +SKIP
"""

from __future__ import annotations

import base64
import functools
import itertools
import json
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columns import EXTRA_OUTCOME, EXTRA_TYPE, NONE_COUNT, LocatedColumns, distinct
from .encode import (
    COMPRESS_ABOVE_ROWS,
    COMPRESS_LEVEL,
    TEXT_FIELDS,
    UNIQUE_SHARE,
    DataBlock,
    _escape_script,
    date_span,
)
from .model import field_spec
from .style import EVENT_STYLES, OTHER_ACTORS, color_key, color_label, color_table

__all__ = ["encode_located", "json_ints", "json_strings"]

PIECE_ROWS = 1 << 15      # rows of a text column per piece (compressed side by side)
WORKERS = 2               # pieces made and compressed at once
_SAMPLE = 500             # the rows that decide whether a text column is stored as indices
_RANGE = "\u2013"         # between the first and last day of a range


def json_ints(values: np.ndarray) -> bytes:
    """Integers as the inside of a JSON array ("3,-1,12"), printed by NumPy: each at the width
    of the widest, led by spaces (white space JSON allows), so that printing is one gather of
    bytes (from a table of the numbers, when they are few: the indices of a text column).

    >>> json_ints(np.array([3, -1, 12, 0]))
    b' 3,-1,12, 0'
    """
    values = np.asarray(values, dtype=np.int64)
    if not len(values):
        return b""
    low, high = int(values.min()), int(values.max())
    width = max(len(str(low)), len(str(high)))
    if high - low < 1 << 16:   # few values (days, indices): print each once, gather the rows'
        table = _printed(np.arange(low, high + 1, dtype=np.int64), width)
        return table[values - low].ravel()[:-1].tobytes()
    return _printed(values, width).ravel()[:-1].tobytes()


def _printed(values: np.ndarray, width: int) -> np.ndarray:
    """Each value as `width` characters, right-aligned, then a comma: an (n, width + 1) array."""
    out = np.full((len(values), width + 1), ord(" "), dtype=np.uint8)
    out[:, width] = ord(",")
    size = np.abs(values)
    for j in range(width):
        column = width - 1 - j
        digit = (size // 10 ** j) % 10
        shown = (size >= 10 ** j) | (j == 0)
        out[:, column] = np.where(shown, digit + ord("0"), out[:, column])
    negative = values < 0
    if negative.any():   # the sign just before the first digit
        digits = np.ones(len(values), dtype=np.int64)
        for j in range(1, width):
            digits += size >= 10 ** j
        rows = np.flatnonzero(negative)
        out[rows, width - 1 - digits[rows]] = ord("-")
    return out


def json_strings(column: pa.Array | pa.ChunkedArray) -> bytes | pa.Buffer:
    """Strings as the inside of a JSON array ('"a","b\\"c"'), escaped as JSON requires
    (backslash, quote, control characters; `<`, `>` and `&` are the page's to escape, when it
    is not deflated). Texts with nothing to escape, as most are, are joined by Arrow at once."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if not len(column):
        return b""
    if _needs_escape(column):
        text = column
        for plain, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
            text = pc.replace_substring(text, plain, escaped)
        if _needs_escape(text, quotes=False):   # rare: control characters only json can write
            return json.dumps(column.to_pylist(), ensure_ascii=False, separators=(",", ":"))[1:-1].encode()
        column = text
    whole = pc.binary_join(pa.LargeListArray.from_arrays(pa.array([0, len(column)], pa.int64()),
                                                         column.cast(pa.large_string())),
                           pa.scalar('","', pa.large_string()))
    return b'"' + whole[0].as_buffer().to_pybytes() + b'"' if len(column) < 4096 else \
        _quoted(whole[0].as_buffer())


def _quoted(buffer: pa.Buffer) -> pa.Buffer:
    """'"' + buffer + '"' with one copy."""
    out = np.empty(buffer.size + 2, dtype=np.uint8)
    out[0] = out[-1] = ord('"')
    out[1:-1] = np.frombuffer(buffer, dtype=np.uint8)
    return pa.py_buffer(out)


def _needs_escape(column: pa.Array, quotes: bool = True) -> bool:
    """Whether any text holds a character JSON escapes: a look at the bytes themselves."""
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32 if column.type == pa.string()
                            else np.int64)[column.offset:column.offset + len(column) + 1]
    data = np.frombuffer(column.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]] \
        if column.buffers()[2] is not None else np.zeros(0, dtype=np.uint8)
    if (data < 32).any():
        return True
    return quotes and bool((data == ord('"')).any() or (data == ord("\\")).any())


@dataclass(frozen=True, slots=True)
class _Text:
    """A text column of the located rows: distinct values and each row's index into them, or
    (for mostly unique texts) the strings themselves."""

    values: Sequence[str] | None
    codes: np.ndarray | None
    strings: pa.Array | None = None

    def empty(self) -> bool:
        if self.strings is not None:
            return not pc.any(pc.not_equal(self.strings, "")).as_py()
        return not any(self.values[c] for c in _used(self.codes, len(self.values)).tolist())

    def sample(self) -> list[str]:
        if self.strings is not None:
            return self.strings.slice(0, _SAMPLE).to_pylist()
        return [self.values[c] for c in self.codes[:_SAMPLE].tolist()]


def _coded(values: Sequence[str], codes: np.ndarray) -> _Text:
    return _Text(list(values), np.asarray(codes, dtype=np.int64))


def _of(column: pa.Array | pa.ChunkedArray, rows: np.ndarray | None) -> _Text:
    """The located rows (`rows`: their positions; None or every row: all) of a text column."""
    if rows is not None and len(rows) == len(column):
        rows = None   # every row is located (positions are in order): no copy
    if pa.types.is_dictionary(column.type):
        values, codes = distinct(column)
        return _coded(values, codes[rows] if rows is not None else codes)
    taken = column.take(pa.array(rows)) if rows is not None else column
    sample = taken.slice(0, _SAMPLE)
    if len(sample) and pc.count_distinct(sample).as_py() > UNIQUE_SHARE * len(sample):
        return _Text(None, None, taken)
    return _coded(*distinct(taken))


def _used(codes: np.ndarray, size: int) -> np.ndarray:
    """The codes that occur, in order."""
    return np.flatnonzero(np.bincount(codes, minlength=size)) if len(codes) else codes[:0]


def _unique(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(keys, return_inverse=True) of keys in range(size): by counting, when the
    range is small (a pair of codes of few values each), else by hashing."""
    if size <= 4 * len(keys) + 1024:
        present = np.bincount(keys, minlength=size) > 0
        unique = np.flatnonzero(present)
        lookup = np.cumsum(present) - 1
        return unique, lookup[keys]
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, inverse.reshape(-1)


class _Block:
    """The pieces of one block, in the order of encode._pieces."""

    def __init__(self, rows: LocatedColumns, color_by: str) -> None:
        self.rows = rows
        self.incidents = rows.incidents
        self.at = rows.positions
        self.n = len(rows)
        self.strings: dict[str, int] = {"": 0}
        self.color_by = color_by
        self.meta: tuple = ((), (), None, None)

    def text(self, name: str) -> _Text:
        return _of(self.incidents.text[name], self.at)

    # -- the index: types, colours, days --

    def index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple, tuple, int | None,
                             int | None]:
        """Each row's type and colour index and first and last day; the type and colour
        tables; the first and last day of all (see encode._index). A type's legend entry is
        the table's own name of it (ACLED's sub_event_type) where it gives one."""
        type_values, type_codes = self._coded(self.text("event_type"))
        keys = [t if t in EVENT_STYLES else "other" for t in type_values]
        label_values, label_codes = self._coded(self.text("event_label"))
        width = len(label_values) + 1
        unique, inverse = _unique(type_codes * width + label_codes, (len(type_values) + 1) * width)
        entries = []
        for p in unique.tolist():
            t, lab = divmod(p, len(label_values) + 1)
            key = keys[t]
            entries.append((key, label_values[lab] or EVENT_STYLES[key].label))
        order = sorted(set(entries), key=lambda e: (list(EVENT_STYLES).index(e[0]), e[1]))
        slot = {e: k for k, e in enumerate(order)}
        t_index = np.array([slot[e] for e in entries], dtype=np.int64)[inverse]
        type_table = tuple({"key": key, "label": label, "shape": EVENT_STYLES[key].shape,
                            "color": EVENT_STYLES[key].color} for key, label in order)
        c_index, colors = self._colors(type_codes, keys)
        d0, d1, first, last = self._days()
        return t_index, c_index, d0, d1, type_table, colors, first, last

    def _coded(self, column: _Text) -> tuple[list[str], np.ndarray]:
        if column.strings is not None:
            return distinct(column.strings)
        return list(column.values), column.codes

    def _colors(self, type_codes: np.ndarray, type_keys: list[str]) -> tuple[np.ndarray, tuple]:
        actor_values, actor_codes = self._coded(self.text("actor"))
        outcome_values, outcome_codes = self._coded(self.text("outcome"))
        width_o, width_t = len(outcome_values) + 1, len(type_keys) + 1
        combo = (actor_codes * width_o + outcome_codes) * width_t + type_codes
        unique, inverse = _unique(combo, (len(actor_values) + 1) * width_o * width_t)
        counts = np.bincount(inverse, minlength=len(unique))
        keys = []
        for p in unique.tolist():
            rest, t = divmod(p, width_t)
            a, o = divmod(rest, width_o)
            keys.append(color_key(self.color_by, actor_values[a], outcome_values[o], type_keys[t]))
        table = color_table(self.color_by, itertools.chain.from_iterable(
            itertools.repeat(k, c) for k, c in zip(keys, counts.tolist())))
        index = {k: n for n, k in enumerate(table)}
        other = index.get(OTHER_ACTORS, 0)
        c_of = np.array([index.get(k, other) for k in keys], dtype=np.int64)
        colors = tuple({"key": k, "label": color_label(self.color_by, k), "color": c}
                       for k, c in table.items())
        return c_of[inverse], colors

    def _days(self) -> tuple[np.ndarray, np.ndarray, int | None, int | None]:
        dates, date_codes = self._coded(self.text("date"))
        ends, end_codes = self._coded(self.text("date_end"))
        unique, inverse = _unique(date_codes * (len(ends) + 1) + end_codes, (len(dates) + 1) * (len(ends) + 1))
        spans = []
        for p in unique.tolist():
            d, e = divmod(p, len(ends) + 1)
            first, last = date_span(dates[d])
            if ends[e]:
                last = date_span(ends[e])[1]
            spans.append((first, last))
        if not spans:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), None, None
        table = np.array(spans, dtype=np.int64)
        return (table[inverse, 0], table[inverse, 1], int(table[:, 0].min()), int(table[:, 1].max()))

    # -- the text columns of the popups (encode.TEXT_FIELDS, in its order) --

    def fields(self) -> list[tuple[str, Callable[[], _Text]]]:
        rows = self.rows
        own: dict[str, Callable[[], _Text]] = {
            "date": self._dates,
            "place_name": lambda: _of(rows.place_name, None),
            "place_id": lambda: _of(rows.place_id, None),
            "method": lambda: _of(rows.method, None),
            "score": self._scores,
            "admin1": self._admin1,
            "admin2": lambda: _of(rows.admin2_name, None),
        }
        return [(name, own.get(name) or self._field(name)) for name, _ in TEXT_FIELDS]

    def _field(self, name: str) -> Callable[[], _Text]:
        """An incident field's column: a count (fatalities, injuries) or a text."""
        if field_spec(name).kind == "int":
            return lambda: self._counts(getattr(self.incidents, name))
        return lambda: self.text(name)

    def _dates(self) -> _Text:
        dates, date_codes = self._coded(self.text("date"))
        ends, end_codes = self._coded(self.text("date_end"))
        if not any(ends):
            return _coded(dates, date_codes)
        unique, inverse = _unique(date_codes * (len(ends) + 1) + end_codes, (len(dates) + 1) * (len(ends) + 1))
        shown = []
        for p in unique.tolist():
            d, e = divmod(p, len(ends) + 1)
            shown.append(f"{dates[d]} {_RANGE} {ends[e]}" if ends[e] else dates[d])
        return _coded(shown, inverse)

    def _scores(self) -> _Text:
        methods, method_codes = self._coded(_of(self.rows.method, None))
        given = np.array([m == "given" for m in methods], dtype=bool)[method_codes]
        if given.all():
            return _coded([""], np.zeros(self.n, dtype=np.int64))
        scores, score_codes = np.unique(self.rows.score, return_inverse=True)
        width = len(methods) + 1
        unique, inverse = _unique(score_codes.reshape(-1) * width + method_codes, (len(scores) + 1) * width)
        shown = []
        for p in unique.tolist():
            s, m = divmod(p, width)
            shown.append(f"{scores[s]:.2f}" if methods[m] != "given" else "")
        return _coded(shown, inverse)

    def _counts(self, counts: np.ndarray) -> _Text:
        unique, inverse = np.unique(counts[self.at], return_inverse=True)
        return _coded(["" if c == NONE_COUNT else str(c) for c in unique.tolist()], inverse.reshape(-1))

    def _admin1(self) -> _Text:
        codes, code_of = self._coded(_of(self.rows.admin1, None))
        names = self.rows.admin1_name
        name_values = names.dictionary.to_pylist() if pa.types.is_dictionary(names.type) else None
        if name_values is None:
            pairs = list(zip(self.rows.admin1.to_pylist(), names.to_pylist()))
            return _coded(*_pairs([f"{nm} ({c})" if nm else c for c, nm in pairs]))
        name_codes = names.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        width = len(name_values) + 1
        unique, inverse = _unique(code_of * width + name_codes, (len(codes) + 1) * width)
        shown = []
        for p in unique.tolist():
            c, nm = divmod(p, width)
            shown.append(f"{name_values[nm]} ({codes[c]})" if name_values[nm] else codes[c])
        return _coded(shown, inverse)

    def extras(self) -> list[tuple[str, Callable[[], _Text]]]:
        """The extra columns: a later column of a name already seen replaces it (as
        encode._extra_columns has it), then the originals of types and outcomes read as other
        and unknown, in the order their first rows come."""
        if self.incidents.objects:
            return self._object_extras()
        named: dict[str, Callable[[], _Text]] = {}
        for name, column in self.incidents.extra:
            named[name] = (lambda column: lambda: _of(column, self.at))(column)  # noqa: B023 (bound by the outer lambda)
        firsts = []
        for name, column in ((EXTRA_TYPE, self.incidents.type_original),
                             (EXTRA_OUTCOME, self.incidents.outcome_original)):
            if column is None:
                continue
            given = np.flatnonzero(_nonempty(column)[self.at])
            if len(given):
                firsts.append((int(given[0]), name, column))
        out = list(named.items())
        for _, name, column in sorted(firsts, key=lambda f: f[0]):
            out.append((name, (lambda column: lambda: _of(column, self.at))(column)))  # noqa: B023 (bound by the outer lambda)
        return out

    def _object_extras(self) -> list[tuple[str, Callable[[], _Text]]]:
        extra: dict[str, list[str]] = {}
        for k, position in enumerate(self.at.tolist()):
            for name, value in self.incidents.incident(position).extra:
                col = extra.get(name)
                if col is None:
                    col = extra[name] = [""] * self.n
                col[k] = value
        return [(name, (lambda values: lambda: _coded(*_pairs(values)))(values))  # noqa: B023 (bound by the outer lambda)
                for name, values in extra.items()]

    # -- printing --

    def column(self, column: _Text) -> bytes:
        """A text column as JSON: null when empty throughout, the strings themselves when most
        are unique, else indices into the string table."""
        if not self.n or column.empty():
            return b"null"
        sample = column.sample()
        if len(set(sample)) > UNIQUE_SHARE * len(sample):
            if column.strings is not None:
                return b"[" + json_strings(column.strings) + b"]"
            strings = pa.array(column.values, type=pa.string()).take(pa.array(column.codes))
            return b"[" + json_strings(strings) + b"]"
        values, codes = (column.values, column.codes) if column.strings is None else \
            self._coded(column)
        remap = np.zeros(max(len(values), 1), dtype=np.int64)
        for c in _used(codes, len(values)).tolist():
            remap[c] = self.strings.setdefault(values[c], len(self.strings))
        return b"[" + json_ints(remap[codes]) + b"]"


def _pairs(values: list[str]) -> tuple[list[str], np.ndarray]:
    lookup: dict[str, int] = {}
    codes = np.fromiter((lookup.setdefault(v, len(lookup)) for v in values), dtype=np.int64,
                        count=len(values))
    return list(lookup), codes


def _nonempty(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if pa.types.is_dictionary(column.type):
        values, codes = distinct(column)
        return np.array([bool(v) for v in values], dtype=bool)[codes] if values else \
            np.zeros(len(column), dtype=bool)
    return np.asarray(pc.not_equal(column, ""), dtype=bool)


def _killed(counts: np.ndarray) -> np.ndarray:
    """Fatalities for the map's sizes and totals: 0 where none was given."""
    return np.where(counts == NONE_COUNT, 0, counts)


def _string_piece(head: bytes, tail: bytes, part: pa.Array, first: bool, last: bool) -> list[bytes]:
    return [head + b"[" if first else b",", json_strings(part), b"]" + tail if last else b""]


def _pieces(block: _Block) -> Iterator[Callable[[], list[bytes | pa.Buffer]]]:
    """The block's JSON (encode._pieces documents it), as tasks that each make one piece.
    The text columns' indices into the string table are fixed in order, as they are made."""
    rows = block.rows
    index = block.index()
    t, c, d0, d1 = index[:4]
    block.meta = index[4:]
    ints = [("lat", np.round(rows.lat * 1e5)), ("lon", np.round(rows.lon * 1e5)), ("d0", d0),
            ("d1", d1), ("t", t), ("c", c), ("p", rows.precision), ("r", np.round(rows.radius_km * 10)),
            ("row", block.incidents.row[block.at]), ("k", _killed(block.incidents.fatalities[block.at]))]
    yield lambda: [f'{{"n":{block.n}'.encode()]
    for name, values in ints:
        yield (lambda name, values: lambda: [f',"{name}":['.encode(), json_ints(values), b"]"])(name, values)  # noqa: B023 (bound by the outer lambda)
    # Text columns in order: each must take its string-table indices before the next.
    sep = '"f":{'
    for name, make in block.fields():
        head = f',{sep}"{name}":'.encode()
        sep = ""
        yield from _ordered(block, head, make)
    yield lambda: [b"}", b',"x":[']
    for k, (name, make) in enumerate(block.extras()):
        head = ("," if k else "").encode() + b"[" + json.dumps(name, ensure_ascii=False).encode() + b","
        yield from _ordered(block, head, make, b"]")
    yield lambda: [b'],"S":[', json.dumps(list(block.strings), ensure_ascii=False,
                                          separators=(",", ":"))[1:-1].encode(), b"]}"]


def _ordered(block: _Block, head: bytes, make: Callable[[], _Text], tail: bytes = b""
             ) -> list[Callable[[], list[bytes | pa.Buffer]]]:
    """A text column's pieces: indices into the string table are taken now, in column
    order; mostly unique texts are printed by the tasks, a slice of rows each, side by side."""
    column = make()
    if not block.n or column.empty():
        return [lambda: [head, b"null", tail]]
    sample = column.sample()
    if len(set(sample)) <= UNIQUE_SHARE * len(sample):
        printed = block.column(column)   # fixes the indices, in order
        return [lambda: [head, printed, tail]]
    strings = column.strings if column.strings is not None else \
        pa.array(column.values, type=pa.string()).take(pa.array(column.codes))
    tasks = []
    for k in range(0, block.n, PIECE_ROWS):
        first, last = k == 0, k + PIECE_ROWS >= block.n
        part = strings.slice(k, PIECE_ROWS)
        tasks.append(functools.partial(_string_piece, head, tail, part, first, last))
    return tasks


def _deflated(task: Callable[[], list[bytes | pa.Buffer]]) -> bytes:
    """One piece compressed on its own, ended on a byte boundary and not final."""
    deflate = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
    out = [deflate.compress(part) for part in task()]
    out.append(deflate.flush(zlib.Z_SYNC_FLUSH))
    return b"".join(out)


def _deflated_pieces(block: _Block) -> Iterator[bytes]:
    """The block deflated: its pieces made and compressed two at a time, a few in flight
    (the index columns are printed here meanwhile, in order), then the final empty block."""
    with ThreadPoolExecutor(WORKERS) as pool:
        waiting: deque = deque()
        for task in _pieces(block):
            waiting.append(pool.submit(_deflated, task))
            while len(waiting) > 2 * WORKERS:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()
    yield zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)


def _base64(pieces: Iterator[bytes]) -> str:
    """Base64 of the pieces joined, made as they come (what is left of a piece past a multiple
    of three bytes goes on with the next), so that the bytes are never held twice."""
    text, carry = [], b""
    for piece in pieces:
        piece = carry + piece if carry else piece
        cut = len(piece) - len(piece) % 3
        text.append(base64.b64encode(piece[:cut]).decode("ascii"))
        carry = piece[cut:]
    text.append(base64.b64encode(carry).decode("ascii"))
    return "".join(text)


def encode_located(rows: LocatedColumns, color_by: str = "actor",
                   compress: bool | None = None) -> DataBlock:
    """The data block of located incidents held as columns (see `encode.encode`)."""
    if compress is None:
        compress = len(rows) > COMPRESS_ABOVE_ROWS
    block = _Block(rows, color_by)
    if compress:
        text = _base64(_deflated_pieces(block))
    else:
        text = _escape_script(b"".join(bytes(part) for task in _pieces(block) for part in task()).decode())
    types, colors, first, last = block.meta
    return DataBlock(text, compress, types, colors, first, last)

