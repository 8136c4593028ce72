"""The incidents of an HTML map as one compact data block, the only form in which they reach it.

Pure: located incidents in, text out; no folium, no page. The block is binary (`write_block`
documents its layout, `decode_block` reads it back as js/data.js does): a JSON header, then each column as an array of integers, its bytes laid
out plane by plane so that deflate finds the runs. A text that repeats is stored once per
column and indexed; a date is the incident's first day unless it says more; a mostly unique
text is a prefix and a number (ids, addresses), or words from the column's vocabulary (free
text), or else its UTF-8 bytes. Past COMPRESS_ABOVE_ROWS incidents the block is deflated (raw,
no header), which the browser inflates with DecompressionStream. Either way it reaches the
page in base 85, whose alphabet holds no `<`, `>`, `&` or quote: it cannot end the <script>
element it is put in.

>>> block = encode([], color_by="actor")
>>> decode_block(block.text, block.compressed)["n"]
0
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .model import SCHEMA, FieldSpec, Incident, Located
from .style import EVENT_STYLES, color_keys, color_label, color_table, other_key

__all__ = ["COMPRESS_ABOVE_ROWS", "UNDATED", "AreaIndex", "BlockColumns", "DataBlock", "Packed",
           "TextColumn", "base85", "block_header", "date_span", "decode", "decode_block", "encode",
           "finish", "pack", "script_json", "unbase85", "write_block"]

COMPRESS_ABOVE_ROWS = 1000       # incidents past which the data block is deflated
COMPRESS_LEVEL = 1               # zlib level of packed JSON (the areas): 1 is ~5x faster than 6
BLOCK_LEVEL = 4                  # zlib level of the block's texts (integers: Z_RLE, see
                                 # Buffer): as fast as 1 there and 3% smaller; 6 is 4x slower
UNIQUE_SHARE = 0.7               # a text column this unique is stored per row, not indexed
NUMBERED_SHARE = 0.1             # ...as a prefix and a number, when its prefixes are this few
WORDS_SHARE = 0.5                # ...as words, when its distinct words are this few of all
SAMPLE_ROWS = 500                # the first rows, which decide how a text column is stored
REPEAT_ROWS = 1 << 14            # ...and those that tell a column of many repeated values
PIECE_BYTES = 1 << 20            # bytes of the block deflated at once, side by side
WORKERS = 2                      # pieces deflated at once (zlib lets go of the GIL)
_EPOCH = dt.date(1970, 1, 1).toordinal()
# An incident without a date spans every day: its first day is -UNDATED and its last +UNDATED,
# so that no date window hides it (a place mention of `geoparse --html` has no date).
UNDATED = 10_000_000
# Base 85 (four bytes in five characters): printable ASCII but < > & " ' \ ` ] and space.
BASE85 = (b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
          b"!#$%()*+-./:;=?@[^_{|}~")
_DIGITS = np.frombuffer(BASE85, dtype=np.uint8)
# A text's last number (0 or no leading zero, at most 15 digits: exact as a double) and what
# stands either side of it; [0-9], not \d, which takes Arabic-Indic digits too. The sample's
# texts are split by this, the column's by _shaped_numbers and _last_numbers, alike.
_NUMBERED_RE = re.compile(r"(?P<pre>(?:.*[^0-9])?)(?P<num>0|[1-9][0-9]{0,14})(?P<post>[^0-9]*)\Z",
                          re.DOTALL)


@dataclass(frozen=True, slots=True)
class AreaIndex:
    """Where the areas of the map's area tables are: governorate code -> index, and
    (governorate code, district name) -> index. The block's `a1` and `a2` columns index
    these tables (-1: in none)."""

    admin1: dict[str, int]
    admin2: dict[tuple[str, str], int]


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&` can close or open a tag.

    >>> script_json({"a": "</script><b>"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    return _escape_script(_dumps(value))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _escape_script(text: str) -> str:
    # Inside JSON `<`, `>` and `&` occur only in strings, where \uXXXX means the same.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def date_span(date: str) -> tuple[int, int]:
    """The first and last day (days since 1970-01-01) of an ISO date of day, month or year.

    >>> date_span("1970-02")
    (31, 58)
    """
    parts = [int(p) for p in date.split("-")] if date else []
    if len(parts) == 3:
        day = dt.date(*parts).toordinal() - _EPOCH
        return day, day
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first.toordinal() - _EPOCH, following.toordinal() - _EPOCH - 1
    if len(parts) == 1:
        return (dt.date(parts[0], 1, 1).toordinal() - _EPOCH,
                dt.date(parts[0], 12, 31).toordinal() - _EPOCH)
    raise ValueError(f"not an ISO date: {date!r}")


def iso_day(day: int) -> str:
    """The ISO date of a day since 1970-01-01, as the map script writes it (js/dom.js isoOf):
    "" outside the years 1000 to 9999, where the two would not agree.

    >>> iso_day(31)
    '1970-02-01'
    """
    if not -354_285 <= day <= 2_932_896:
        return ""
    return dt.date.fromordinal(day + _EPOCH).isoformat()


@dataclass(frozen=True, slots=True)
class DataBlock:
    """The data block's text and what the map's legend and date filter are set up from.

    `types`: the event types present, in style order ({key, label, shape, color}); the
    block's `t` column indexes it. `colors`: the colour table ({key, label, color}); `c`
    indexes it. `first_day`, `last_day`: the date range, days since 1970-01-01 (None when
    there are no incidents).
    """

    text: str
    compressed: bool
    types: tuple[dict[str, str], ...]
    colors: tuple[dict[str, str], ...]
    first_day: int | None
    last_day: int | None

    @property
    def media_type(self) -> str:
        """The type of the <script> element that holds it (never run by the browser)."""
        return "application/x-incidents-deflated" if self.compressed else "application/x-incidents"


# --- text columns --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TextColumn:
    """A text column of the block's rows: `values[codes[i]]` for row i (few distinct values),
    or `strings` itself (an Arrow string array: mostly unique texts)."""

    values: Sequence[str] | None = None
    codes: np.ndarray | None = None
    strings: pa.Array | None = None

    @classmethod
    def of(cls, values: Sequence[str]) -> TextColumn:
        """The column of Python strings."""
        return cls(strings=pa.array(values, type=pa.string()))

    def empty(self) -> bool:
        """Whether every cell is ""."""
        if self.strings is not None:
            return not pc.any(pc.not_equal(self.strings, "")).as_py()
        values, codes = self.coded()
        return not any(values[c] for c in _used(codes, len(values)).tolist())

    def sample(self) -> list[str]:
        """The first SAMPLE_ROWS texts."""
        if self.strings is not None:
            return self.strings.slice(0, SAMPLE_ROWS).to_pylist()
        values, codes = self.coded()
        return [values[c] for c in codes[:SAMPLE_ROWS].tolist()]

    def repeats(self) -> bool:
        """Whether the column holds at most half as many distinct texts as rows (a look at its
        first REPEAT_ROWS rows, when it is not coded already)."""
        if self.strings is None:
            values, codes = self.coded()
            return 2 * len(_used(codes, len(values))) <= len(codes)
        head = self.strings.slice(0, REPEAT_ROWS)
        return 2 * pc.count_distinct(head).as_py() <= len(head)

    def coded(self) -> tuple[Sequence[str], np.ndarray]:
        """The distinct values and each row's index into them (int64)."""
        if self.strings is None:
            if self.values is None or self.codes is None:
                raise ValueError("a text column holds values and codes, or strings")
            return self.values, self.codes
        encoded = self.strings.dictionary_encode()
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.unify_dictionaries().combine_chunks() if encoded.num_chunks else \
                pa.array([], type=pa.string()).dictionary_encode()
        return (encoded.dictionary.to_pylist(),
                encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64))

    def pieces(self, rows: int) -> Iterator[pa.Array]:
        """The texts as Arrow string arrays of at most `rows` rows each, in order (slices of
        the column as it is held: no copy of its texts)."""
        if self.strings is None:
            values, codes = self.coded()
            table = pa.array(list(values), type=pa.string())
            for start in range(0, len(codes), rows):
                yield table.take(pa.array(codes[start:start + rows]))
            return
        chunks = self.strings.chunks if isinstance(self.strings, pa.ChunkedArray) else [self.strings]
        for chunk in chunks:
            for start in range(0, len(chunk), rows):
                yield chunk.slice(start, rows)


def _used(codes: np.ndarray, size: int) -> np.ndarray:
    """The codes that occur, in order."""
    return np.flatnonzero(np.bincount(codes, minlength=size)) if len(codes) else codes[:0]


# --- the block's layout --------------------------------------------------------------------------

class _Writer:
    """The block's columns as they are written: the buffers, and the header that says where
    each one is and how to read it back (see `write_block`)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.buffers: list[Buffer] = []
        self.size = 0
        # the dictionary columns written so far: where (["f", name] or ["x", k]), their
        # indices (in the fewest bytes) and count of values, each a possible "by" of later ones
        self.coded: list[tuple[list[Any], np.ndarray, int]] = []

    def put(self, data: bytes, strategy: int = zlib.Z_DEFAULT_STRATEGY) -> int:
        """Append a buffer (deflated by `strategy`: see Buffer); its offset."""
        self.buffers.append(Buffer(data, strategy))
        self.size += len(data)
        return self.size - len(data)

    def ints(self, values: np.ndarray | Sequence[int], relative: str | None = None) -> dict[str, Any]:
        """Integers: {"o": offset, "w": bytes each (8: float64), "m": added to each, "d": a
        running sum from "b" (the first), "f": read as float64, "r": added to that column}.
        Stored less their least (as differences, when those span less) in the fewest bytes,
        each byte plane after the other."""
        v = np.asarray(values, dtype=np.int64)
        spec: dict[str, Any] = {}
        if relative:
            spec["r"] = relative
        if not len(v):
            spec.update(o=self.put(b""), w=1, m=0)
            return spec
        lo, hi = int(v.min()), int(v.max())
        if lo < -(1 << 31) or hi >= 1 << 31:
            spec["f"] = 1
        stored, base = v, lo
        if len(v) > 1:
            steps = np.diff(v)
            step_lo, step_hi = int(steps.min()), int(steps.max())
            if step_hi - step_lo < hi - lo:
                stored = np.concatenate([[step_lo], steps])
                base = step_lo
                spec.update(d=1, b=int(v[0]))
        span = int(stored.max()) - base
        if span >= 1 << 32:
            spec.update(o=self.put(_planes(v.astype("<f8")), zlib.Z_RLE), w=8, m=0, f=1)
            spec.pop("d", None)
            spec.pop("b", None)
            return spec
        width = 1 if span < 1 << 8 else 2 if span < 1 << 16 else 4
        kind = {1: "<u1", 2: "<u2", 4: "<u4"}[width]
        spec.update(o=self.put(_planes((stored - base).astype(kind)), zlib.Z_RLE), w=width, m=base)
        return spec

    def text(self, column: TextColumn, where: list[Any] | None = None) -> dict[str, Any] | None:
        """A text column (None when empty throughout): "dict" (values, and an index per row,
        or a map from the index of a dictionary column written before, "by", when that
        determines it) when its first rows repeat; else "num" (prefix, number, suffix) when
        their numbers are all that differs, "words" when they share their words, else "text"
        (UTF-8). `where`: how later columns name this one, if it may determine them."""
        if not self.n or column.empty():
            return None
        sample = column.sample()
        if len(set(sample)) <= UNIQUE_SHARE * len(sample) or column.repeats():
            values, codes = column.coded()
            table, remap = _table(values, codes)
            index = remap[codes]
            spec = {"k": "dict", "s": table, **self.index(index, len(table))}
            if where is not None:
                self.coded.append((where, _narrow(index, len(table)), len(table)))
            return spec

        if _numbered_share(sample) <= NUMBERED_SHARE:
            return self._numbered(column)
        if _words_share(sample) <= WORDS_SHARE:
            return self._words(column)
        return self._utf8(column)

    def index(self, index: np.ndarray, size: int) -> dict[str, Any]:
        """An index into `size` values: {"by": a dictionary column written before, "m": its
        index -> this one} when that determines it (the one of fewest values, and only one of
        few values for the rows: the map is in the header), else {"i": the indices}."""
        for where, parent, parent_size in sorted(self.coded, key=lambda c: c[2]):
            if parent_size < size or size < 2 or parent_size > max(len(index) // 8, 256):
                continue
            head = slice(0, SAMPLE_ROWS * 8)
            if not _determines(parent[head], index[head], parent_size):
                continue
            mapping = _determines(parent, index, parent_size)
            if mapping:
                return {"by": where, "m": mapping}
        return {"i": self.ints(index)}

    def dates(self, column: TextColumn, d0: np.ndarray) -> dict[str, Any] | None:
        """The date column: "date", index 0 where a row's date is its first day in ISO (read
        from d0), else 1 + the index of its text."""
        if not self.n or column.empty():
            return None
        values, codes = column.coded()
        named = np.array([_day_named(v) for v in values], dtype=np.int64)
        derived = named[codes] == d0
        table, remap = _table(values, codes[~derived])
        index = np.zeros(self.n, dtype=np.int64)
        index[~derived] = 1 + remap[codes[~derived]]
        return {"k": "date", "s": table, "i": self.ints(index)}

    def counts(self, counts: np.ndarray) -> dict[str, Any] | None:
        """A count column: "count", the numbers themselves, -1 for none."""
        if not self.n or bool((counts < 0).all()):
            return None
        return {"k": "count", "i": self.ints(np.where(counts < 0, -1, counts))}

    def _numbered(self, column: TextColumn) -> dict[str, Any]:
        shapes: dict[tuple[str, str], int] = {}
        index, numbers = [], []
        sample = column.sample()
        size = sum(len(t.encode()) for t in sample) / max(len(sample), 1)
        common = _common_shape(sample)
        for piece in column.pieces(int(min(1 << 16, max(1 << 10, NUMBER_PIECE_BYTES // max(size, 1))))):
            offsets, data = _utf8_parts(piece)
            value = _shaped_numbers(offsets, data, *common) if common else None
            if common and value is not None:   # every text of the piece is of the most common shape
                index.append(np.full(len(value), shapes.setdefault(common, len(shapes)), dtype=np.int64))
                numbers.append(value)
                continue
            value, pre_end, post_start = _last_numbers(offsets, data)
            pre, pre_codes = TextColumn(strings=_slices(data, offsets[:-1], pre_end)).coded()
            post, post_codes = TextColumn(strings=_slices(data, post_start, offsets[1:])).coded()
            width = len(post) + 1
            unique, inverse = np.unique(pre_codes * width + post_codes, return_inverse=True)
            lookup = np.array([shapes.setdefault((pre[a], post[b]), len(shapes))
                               for a, b in (divmod(p, width) for p in unique.tolist())], dtype=np.int64)
            index.append(lookup[inverse.reshape(-1)])
            numbers.append(value)
        return {"k": "num", "s": [list(shape) for shape in shapes], "i": self.ints(np.concatenate(index)),
                "v": self.ints(np.concatenate(numbers))}

    def _words(self, column: TextColumn) -> dict[str, Any]:
        vocabulary, stream, lengths = word_codes(column.pieces(WORD_PIECE_ROWS))
        return {"k": "words", "s": vocabulary, "o": self.put(stream, _strategy(stream)),
                "l": self.ints(lengths)}

    def _utf8(self, column: TextColumn) -> dict[str, Any]:
        start, lengths = self.size, []
        for piece in column.pieces(1 << 16):   # one after the other: one run of bytes
            offsets, data = _utf8_parts(piece)
            self.put(data[offsets[0]:offsets[-1]].tobytes())
            lengths.append(np.diff(offsets))
        return {"k": "text", "o": start, "l": self.ints(np.concatenate(lengths))}


@dataclass(frozen=True, slots=True)
class Buffer:
    """A run of the block's bytes and how deflate should take it: Z_RLE (runs and symbol
    frequencies only, no search for earlier strings) for integers, whose byte planes are runs
    or noise, ~2x faster and smaller than the default there; Z_DEFAULT_STRATEGY for text."""

    data: bytes | memoryview
    strategy: int = zlib.Z_DEFAULT_STRATEGY


def _strategy(stream: bytes) -> int:
    """The better strategy for a stream of word ranks, from a trial of its first piece: free
    text repeats phrases (the default finds them), random words do not (Z_RLE then)."""
    head = stream[:PIECE_BYTES]
    sizes = {strategy: len(_deflated(Buffer(head, strategy))) for strategy in (zlib.Z_DEFAULT_STRATEGY, zlib.Z_RLE)}
    return min(sizes, key=lambda k: sizes[k])


def _narrow(index: np.ndarray, size: int) -> np.ndarray:
    """Indices into `size` values in the fewest bytes."""
    return index.astype(np.uint8 if size <= 1 << 8 else np.uint16 if size <= 1 << 16 else np.int32)


def _determines(parent: np.ndarray, child: np.ndarray, parent_size: int) -> list[int] | None:
    """The child's index for each of the parent's when the parent's index determines the
    child's in every row (an index that no row has maps to 0), else None."""
    mapping = np.zeros(parent_size, dtype=np.int64)
    mapping[parent] = child
    if not np.array_equal(mapping[parent], child):
        return None
    return mapping.tolist()


def _table(values: Sequence[str], codes: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The distinct texts of the codes that occur (a dictionary may hold a text twice), and
    each code's index into them."""
    table: dict[str, int] = {}
    remap = np.zeros(max(len(values), 1), dtype=np.int64)
    for c in _used(codes, len(values)).tolist():
        remap[c] = table.setdefault(values[c], len(table))
    return list(table), remap


def _day_named(text: str) -> int:
    """The day (since 1970-01-01) that `text` writes as iso_day does, or UNDATED + 1."""
    try:
        day = dt.date.fromisoformat(text).toordinal() - _EPOCH
    except ValueError:
        return UNDATED + 1
    return day if iso_day(day) == text else UNDATED + 1


def _utf8_parts(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string array's offsets (int64, one more than its rows, into `data`) and the bytes
    they point into (no copy)."""
    if strings.type != pa.string():
        strings = strings.cast(pa.string())
    if strings.null_count:
        strings = pc.fill_null(strings, "")
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)[
        strings.offset:strings.offset + len(strings) + 1].astype(np.int64)
    data = strings.buffers()[2]
    return offsets, np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)


NUMBER_PIECE_BYTES = 1 << 21  # bytes of a numbered column looked at at once
_TENS = 10 ** np.arange(15, dtype=np.int64)


def _common_shape(sample: list[str]) -> tuple[str, str] | None:
    """The (prefix, suffix) round the last number of most of the sample's texts, if any."""
    shapes: dict[tuple[str, str], int] = {}
    for text in sample:
        m = _NUMBERED_RE.match(text)
        if m:
            key = (m.group("pre"), m.group("post"))
            shapes[key] = shapes.get(key, 0) + 1
    return max(shapes, key=lambda k: shapes[k]) if shapes else None


def _shaped_numbers(offsets: np.ndarray, data: np.ndarray, pre: str, post: str) -> np.ndarray | None:
    """The numbers of texts that are all `pre`, a number (as _NUMBERED_RE) and `post`; None
    when one is not."""
    head, tail = pre.encode(), post.encode()
    starts, ends = offsets[:-1], offsets[1:]
    size = ends - starts - len(head) - len(tail)
    if not len(starts) or size.min() < 1 or size.max() > 15:
        return None
    for j, byte in enumerate(head):
        if not (data[starts + j] == byte).all():
            return None
    for j, byte in enumerate(tail):
        if not (data[ends - len(tail) + j] == byte).all():
            return None
    first = starts + len(head)
    if ((data[first] == 48) & (size > 1)).any():   # a leading zero
        return None
    value = np.zeros(len(starts), dtype=np.int64)
    for j in range(int(size.max())):
        take = size > j
        digit = data[np.where(take, first + j, first)].astype(np.int64) - 48
        if ((digit < 0) | (digit > 9)).any():
            return None
        value = np.where(take, value * 10 + digit, value)
    return value


def _last_numbers(offsets: np.ndarray, data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each text's last run of digits read as a number (as _NUMBERED_RE: 0 or no leading
    zero, at most 15 digits), where it starts and after where it ends; -1 and the text's end
    for a text with none."""
    lo, hi = int(offsets[0]), int(offsets[-1])
    starts, ends = offsets[:-1], offsets[1:]
    octets = data[lo:hi]
    digit = (octets >= 48) & (octets <= 57)
    digits = np.flatnonzero(digit) + lo
    run = digit.copy()
    run[1:] &= ~digit[:-1]
    first = starts[starts < ends] - lo   # a text's first byte starts a run, whatever ends the one before
    run[first] = digit[first]
    runs = np.flatnonzero(run) + lo
    k = np.searchsorted(digits, ends) - 1
    end = np.where(k >= 0, digits[np.maximum(k, 0)] if len(digits) else 0, -1)
    has = end >= starts
    j = np.searchsorted(runs, end, side="right") - 1
    begin = np.where(has, runs[np.maximum(j, 0)] if len(runs) else 0, 0)
    size = end - begin + 1
    ok = has & (size <= 15)
    ok &= ~((data[np.where(ok, begin, lo)] == 48) & (size > 1))
    value = np.full(len(starts), -1, dtype=np.int64)
    if ok.any():
        rows = np.flatnonzero(ok)
        total = np.zeros(len(rows), dtype=np.int64)
        tail, width = end[rows], size[rows]
        for step in range(int(width.max())):
            take = width > step
            total[take] += (data[tail[take] - step].astype(np.int64) - 48) * _TENS[step]
        value[rows] = total
    return value, np.where(ok, begin, ends), np.where(ok, end + 1, ends)


def _slices(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
    """The texts data[starts[i]:ends[i]] as one Arrow string array (their bytes copied)."""
    sizes = ends - starts
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    gather = np.arange(int(offsets[-1]), dtype=np.int64) - np.repeat(offsets[:-1] - starts, sizes)
    return pa.StringArray.from_buffers(len(starts), pa.py_buffer(offsets.astype(np.int32)),
                                       pa.py_buffer(data[gather]))


def _planes(values: np.ndarray) -> bytes:
    """An array's bytes, the first byte of every value, then the second, and so on."""
    width = values.dtype.itemsize
    if width == 1:
        return values.tobytes()
    return np.ascontiguousarray(values.view(np.uint8).reshape(-1, width).T).tobytes()


def _numbered_share(sample: list[str]) -> float:
    """The share of distinct (prefix, suffix) round the last numbers of the sample's texts."""
    shapes = set()
    for text in sample:
        m = _NUMBERED_RE.match(text)
        shapes.add((m.group("pre"), m.group("post")) if m else (text, None))
    return len(shapes) / max(len(sample), 1)


def _words_share(sample: list[str]) -> float:
    """The share of distinct words among the sample's words (split at single spaces)."""
    words = [w for text in sample for w in text.split(" ")]
    if len(words) < 2 * len(sample):
        return 1.0
    return len(set(words)) / len(words)


WORD_PIECE_ROWS = 1 << 15     # rows split into words at once


def word_codes(pieces: Iterable[pa.Array]) -> tuple[list[str], bytes, np.ndarray]:
    """Texts (pieces of a column, in order) as words (split at single spaces, so that joining
    them gives each text back):
    the vocabulary; each word's index in it as a varint (7 bits a byte, low first, the high
    bit set on all but the last byte); and each row's count of bytes. The words of the first
    rows come first, the most frequent first (they take one byte each), then the others as
    they come: one pass, a piece of rows at a time."""
    vocabulary: dict[str, int] = {}
    stream, lengths = [], []
    with ThreadPoolExecutor(WORKERS) as pool:
        for tokens, per_row in _ahead(pool, _tokens, pieces):
            # a token is a word and the space after it, but for the last of a text
            words = [t[:-1] if t.endswith(" ") else t for t in tokens.dictionary.to_pylist()]
            indices = np.frombuffer(tokens.indices.buffers()[1], dtype=np.int32)[
                tokens.indices.offset:tokens.indices.offset + len(tokens.indices)]
            if not vocabulary:
                seen: dict[str, int] = {}
                for word, count in zip(words, np.bincount(indices, minlength=len(words)).tolist()):
                    seen[word] = seen.get(word, 0) + count
                vocabulary = {w: k for k, w in enumerate(sorted(seen, key=lambda w: -seen[w]))}
            lookup = np.fromiter((vocabulary.setdefault(w, len(vocabulary)) for w in words),
                                 dtype=np.int64, count=len(words))
            data, sizes = _varints(lookup[indices])
            stream.append(data)
            if sizes is None:   # a byte a word
                lengths.append(per_row)
            else:
                lengths.append(np.add.reduceat(sizes, np.cumsum(per_row) - per_row))
    return list(vocabulary), b"".join(stream), \
        np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)


def _ahead(pool: ThreadPoolExecutor, task: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
    """task(item) for each item, in order, made by the pool a few ahead of the one asked for
    (not all at once: their results would all be held)."""
    waiting: deque = deque()
    for item in items:
        waiting.append(pool.submit(task, item))
        while len(waiting) > 2 * WORKERS:
            yield waiting.popleft().result()
    while waiting:
        yield waiting.popleft().result()


def _tokens(strings: pa.Array) -> tuple[pa.DictionaryArray, np.ndarray]:
    """The texts' tokens (each word with the space after it; the last word of a text alone),
    as a dictionary array made with no copy of the texts, and each text's count of tokens."""
    offsets, data = _utf8_parts(strings)
    lo, hi = int(offsets[0]), int(offsets[-1])
    spaces = np.flatnonzero(data[lo:hi] == 32) + lo
    bounds = np.sort(np.concatenate([offsets[:-1], spaces + 1]), kind="stable")
    tokens = pa.StringArray.from_buffers(len(bounds), pa.py_buffer(np.append(bounds, hi).astype(np.int32)),
                                         pa.py_buffer(data))
    per_row = np.diff(np.searchsorted(spaces, offsets)) + 1
    return tokens.dictionary_encode(), per_row


def _varints(values: np.ndarray) -> tuple[bytes, np.ndarray | None]:
    """Non-negative integers as varints, and the bytes each takes (None: one each)."""
    if not len(values) or int(values.max()) < 0x80:
        return values.astype(np.uint8).tobytes(), None
    sizes = np.ones(len(values), dtype=np.int64)
    for bits in (7, 14, 21, 28, 35):
        sizes += values >= 1 << bits
    out = np.zeros(int(sizes.sum()), dtype=np.uint8)
    at = np.cumsum(sizes) - sizes
    for k in range(int(sizes.max())):
        more = sizes > k
        byte = (values[more] >> (7 * k)) & 0x7F
        out[at[more] + k] = byte | np.where(sizes[more] > k + 1, 0x80, 0)
    return out.tobytes(), sizes


@dataclass(frozen=True, slots=True)
class BlockColumns:
    """What a block is written from (both paths make one: `encode` from Located objects,
    encode_columns from columns). `ints`: name -> integers per row, in the order of
    `write_block`; `fields`: the popup's text fields in TEXT_FIELDS order, each made when it
    is written (one at a time): a TextColumn, or the counts (int64, -1 for none) of fatalities
    and injuries; `extras`: (name, column) of the other columns of the table, made likewise."""

    n: int
    ints: dict[str, np.ndarray]
    fields: list[tuple[str, Callable[[], TextColumn | np.ndarray]]]
    extras: list[tuple[str, Callable[[], TextColumn]]]


def write_block(columns: BlockColumns) -> list[Buffer]:
    """The block's bytes, in buffers (joined, they are the block): a header's length (4 bytes,
    little-endian), the header (UTF-8 JSON), then the buffers it points into (offsets "o" from
    the end of the header).

    Header: {"v": 2, "n": rows, "c": {name: integers}, "f": {field: text or null},
    "x": [[name, text or null]]}.

    Integers ({"o", "w", "m", "d", "b", "f", "r"}: see `_Writer.ints`): lat and lon (x 1e5),
    d0 and d1 (first and last day, +-UNDATED for none; d1 relative to d0), t (type index),
    c (colour index; or a map from the index of the column coloured by, {"by": ["f", name]
    or ["x", k], "m": [...]}), p (precision), r (radius x 10 km), row (in the input file),
    k (fatalities, 0 when not given; left out when the fatalities field is a count column,
    which the map reads it from), a1 and a2 (indices of the AreaIndex, -1 for none; only
    with an AreaIndex).

    Texts (`_Writer.text`): {"k": "dict", "s": values, "i": index} (or "by" and "m" in
    place of "i", as c); {"k": "date", "s": values, "i": 0 for the ISO day of d0, else 1 +
    index}; {"k": "count", "i": numbers, -1 for none}; {"k": "num", "s": [[prefix, suffix]],
    "i": index, "v": number, -1 for the prefix alone}; {"k": "words", "s": vocabulary, "o":
    the offset of the words' varint indices, "l": bytes per row; the words of a row joined by
    single spaces}; {"k": "text", "o": the offset of the UTF-8, "l": bytes per row}.
    """
    w = _Writer(columns.n)
    ints = dict(columns.ints)
    head: dict[str, Any] = {"v": 2, "n": columns.n, "c": {}, "f": {}, "x": []}
    fields = [(name, make()) if name == "fatalities" else (name, make) for name, make in columns.fields]
    if isinstance(dict(fields).get("fatalities"), np.ndarray):
        ints.pop("k", None)   # the map reads it from the fatalities
    for name, values in ints.items():
        if name == "d1":
            head["c"][name] = w.ints(values - ints["d0"], relative="d0")
        elif name != "c":
            head["c"][name] = w.ints(values)
    for name, made in fields:
        column = made() if callable(made) else made
        if isinstance(column, np.ndarray):
            head["f"][name] = w.counts(column)
        elif name == "date":
            head["f"][name] = w.dates(column, ints["d0"])
        else:
            head["f"][name] = w.text(column, ["f", name])
    for k, (name, make) in enumerate(columns.extras):
        head["x"].append([name, w.text(make(), ["x", k])])
    if "c" in ints:   # the colours, last: the column coloured by determines them
        colors = ints["c"]
        spec = w.index(colors, int(colors.max()) + 1) if len(colors) and colors.min() >= 0 else \
            {"i": w.ints(colors)}
        head["c"]["c"] = spec.get("i", spec)
    header = _dumps(head).encode("utf-8")
    return [Buffer(len(header).to_bytes(4, "little") + header), *w.buffers]


def _deflated(piece: Buffer) -> bytes:
    """One piece compressed on its own, ended on a byte boundary and not final, and made a
    multiple of four bytes long by empty stored blocks (five bytes each), so that it goes
    into base 85 on its own."""
    deflate = zlib.compressobj(BLOCK_LEVEL, zlib.DEFLATED, -15, 8, piece.strategy)
    out = deflate.compress(piece.data) + deflate.flush(zlib.Z_SYNC_FLUSH)
    return out + _EMPTY_STORED * (-len(out) % 4)


_EMPTY_STORED = b"\x00\x00\x00\xff\xff"   # not final, stored, length 0 (on a byte boundary)


def _deflated_text(piece: Buffer) -> str:
    """A piece deflated (`_deflated`) and in base 85."""
    return _base85_words(_deflated(piece))


def _pieces(buffers: Iterable[Buffer]) -> Iterator[Buffer]:
    """The buffers again in pieces of about PIECE_BYTES: small ones of one strategy joined,
    large ones cut."""
    small: list[bytes | memoryview] = []
    size, strategy = 0, zlib.Z_DEFAULT_STRATEGY
    for buffer in buffers:
        if small and (buffer.strategy != strategy or size >= PIECE_BYTES or len(buffer.data) >= PIECE_BYTES):
            yield Buffer(b"".join(small), strategy)
            small, size = [], 0
        if len(buffer.data) < PIECE_BYTES:
            small.append(buffer.data)
            size, strategy = size + len(buffer.data), buffer.strategy
            continue
        view = memoryview(buffer.data)
        for start in range(0, len(buffer.data), PIECE_BYTES):
            yield Buffer(view[start:start + PIECE_BYTES], buffer.strategy)
    if small:
        yield Buffer(b"".join(small), strategy)


def deflate_pieces(buffers: Iterable[Buffer]) -> Iterator[str]:
    """Raw deflate of the buffers joined, in base 85: pieces compressed and put in base 85
    side by side (each ended on a byte boundary, not final, four bytes a digit group), then
    one final empty block: one stream, as pigz makes one."""
    with ThreadPoolExecutor(WORKERS) as pool:
        yield from _ahead(pool, _deflated_text, _pieces(buffers))
    yield base85(zlib.compressobj(BLOCK_LEVEL, zlib.DEFLATED, -15).flush(zlib.Z_FINISH))


_BASE85_BYTES = 1 << 22       # bytes put in base 85 at once (a multiple of 4)


def base85(data: bytes) -> str:
    """Four bytes (big-endian) in five digits of BASE85, most significant first; the last
    one to three bytes in one more digit than bytes, as Ascii85 ends.

    >>> base85(b"\\x00\\x00\\x00\\x01abc")
    '00001VPaz'
    """
    return "".join(_base85_pieces([data]))


def _base85_pieces(pieces: Iterable[bytes]) -> Iterator[str]:
    """Base 85 of the pieces joined, made as they come (what is left of a piece past a multiple
    of four bytes goes on with the next), so that the bytes are never held twice."""
    carry = b""
    for piece in pieces:
        data = carry + piece if carry else piece
        for start in range(0, len(data) - len(data) % 4, _BASE85_BYTES):
            yield _base85_words(data[start:min(start + _BASE85_BYTES, len(data) - len(data) % 4)])
        carry = data[len(data) - len(data) % 4:]
    if carry:
        short = 4 - len(carry)
        yield _base85_words(carry + b"\0" * short)[:-short]


def _base85_words(data: bytes) -> str:
    """Base 85 of a multiple of four bytes: a word is a * 85**4 + b * 85**2 + c (a < 85, b
    and c < 85**2), so two divisions, the digit of a and the digit pairs of b and c (from a
    table of the 7225 pairs) make it, written as five-byte records."""
    pairs = _DIGITS[np.stack(np.divmod(np.arange(85 * 85), 85), axis=1)].copy().view("<u2").reshape(-1)
    words = np.frombuffer(data, dtype=">u4").astype(np.uint32)
    high, c = np.divmod(words, np.uint32(85 * 85))
    a, b = np.divmod(high, np.uint32(85 * 85))
    out = np.empty(len(words), dtype=_RECORD)
    out["a"] = _DIGITS[a]
    out["b"] = pairs[b]
    out["c"] = pairs[c]
    return out.tobytes().decode("ascii")


_RECORD = np.dtype([("a", "u1"), ("b", "<u2"), ("c", "<u2")])   # five digits, packed


def unbase85(text: str) -> bytes:
    """The bytes of `base85`."""
    raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    lookup = np.zeros(256, dtype=np.int64)
    lookup[_DIGITS] = np.arange(85)
    short = -len(raw) % 5
    digits = np.concatenate([lookup[raw], np.full(short, 84, dtype=np.int64)]).reshape(-1, 5)
    words = np.zeros(len(digits), dtype=np.int64)
    for k in range(5):
        words = words * 85 + digits[:, k]
    data = words.astype(">u4").tobytes()
    return data[:len(data) - short] if short else data


def finish(buffers: list[Buffer], compress: bool) -> str:
    """The block's buffers (`write_block`) as the page's text: deflated or not, in base 85.
    Arrow's allocator is then asked to give back what the block's making freed (its threads
    keep freed pages otherwise: ~100 MB at 100k rows)."""
    if compress:
        text = "".join(deflate_pieces(buffers))
    else:
        text = "".join(_base85_pieces(bytes(b.data) for b in buffers))
    pa.default_memory_pool().release_unused()
    return text


# --- the block of Located objects --------------------------------------------------------------

def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(round(value, 2)) if isinstance(value, float) else str(value)


Column = Callable[[Sequence[Located], Sequence[Incident]], list[str]]


def _of_location(name: str) -> Column:
    get = attrgetter(name)
    return lambda rows, incidents: list(map(get, rows))


def _of_incident_spec(spec: FieldSpec) -> Column:
    """The block's column of an incident field: a date with the last day of its range, a
    count as digits (empty when not given), a text as it is."""
    if spec.name == "date":
        return lambda _, incidents: [f"{i.date} \u2013 {i.date_end}" if i.date_end else i.date
                                     for i in incidents]
    get = attrgetter(spec.name)
    if spec.kind in ("int", "float"):
        return lambda _, incidents: [_number(get(i)) for i in incidents]
    return lambda _, incidents: list(map(get, incidents))


# How the point was found, and where it lies (from the boundaries; the table's own admin1 was
# only a hint): the block's columns of each Located itself. The district before the
# governorate: it determines it, which is then stored as a map from it.
LOCATED_TEXT_FIELDS: tuple[tuple[str, Column], ...] = (
    ("place_name", _of_location("place_name")),
    ("place_id", _of_location("place_id")),
    ("method", _of_location("method")),
    ("score", lambda rows, _: [f"{r.score:.2f}" if r.method != "given" else "" for r in rows]),
    ("admin2", _of_location("admin2_name")),
    ("admin1", lambda rows, _: [f"{r.admin1_name} ({r.admin1})" if r.admin1_name else r.admin1
                                for r in rows]),
)
# The text columns: name -> (rows, incidents) -> column. The incident's are the field table's
# `on_map` fields (the reported place first: it may determine the place found); the map's
# popups and exports read them by name.
TEXT_FIELDS: tuple[tuple[str, Column], ...] = (
    *((spec.name, _of_incident_spec(spec)) for spec in SCHEMA if spec.on_map),
    *LOCATED_TEXT_FIELDS,
)
# whole numbers (fatalities, injuries), kept as numbers when they all are
COUNT_FIELDS = tuple(spec.name for spec in SCHEMA if spec.on_map and spec.kind == "int")


@dataclass(frozen=True, slots=True)
class _Index:
    """Each incident's type and colour index and first and last day, and the tables that
    the indices point into."""

    t: list[int]
    c: list[int]
    d0: list[int]
    d1: list[int]
    types: tuple[dict[str, str], ...]
    colors: tuple[dict[str, str], ...]
    first: int | None
    last: int | None


def _index(rows: Sequence[Located], color_by: str) -> _Index:
    incidents = [r.incident for r in rows]
    type_keys = [i.event_type if i.event_type in EVENT_STYLES else "other" for i in incidents]
    # a legend entry per type and the table's own name of it (ACLED's sub_event_type), if any
    entries = [(t, i.event_label or EVENT_STYLES[t].label) for i, t in zip(incidents, type_keys)]
    order = list(EVENT_STYLES)
    types = sorted(set(entries), key=lambda e: (order.index(e[0]), e[1]))
    type_index = {e: k for k, e in enumerate(types)}
    keys = color_keys(rows, color_by)
    table = color_table(color_by, keys)
    color_index = {k: n for n, k in enumerate(table)}
    other = color_index.get(other_key(color_by), 0)   # keys past the palette
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    for i in incidents:
        if (i.date, i.date_end) not in spans:   # a range ends on the last day of date_end
            first, last = date_span(i.date) if i.date else (-UNDATED, UNDATED)
            spans[i.date, i.date_end] = (first, date_span(i.date_end)[1] if i.date_end else last)
    dated = [s for s in spans.values() if s[0] != -UNDATED]
    return _Index(
        t=[type_index[e] for e in entries],
        c=[color_index.get(k, other) for k in keys],
        d0=[spans[i.date, i.date_end][0] for i in incidents],
        d1=[spans[i.date, i.date_end][1] for i in incidents],
        types=tuple({"key": t, "label": label, "shape": EVENT_STYLES[t].shape,
                     "color": EVENT_STYLES[t].color} for t, label in types),
        colors=tuple({"key": k, "label": color_label(color_by, k), "color": c}
                     for k, c in table.items()),
        first=min((a for a, _ in dated), default=None),
        last=max((b for _, b in dated), default=None),
    )


def _extra_columns(incidents: Sequence[Incident]) -> dict[str, list[str]]:
    """The extra columns, in the order they first appear; a row may lack some."""
    extra: dict[str, list[str]] = {}
    for k, i in enumerate(incidents):
        for name, value in i.extra:
            col = extra.get(name)
            if col is None:
                col = extra[name] = [""] * len(incidents)
            col[k] = value
    return extra


def _area_columns(rows: Sequence[Located], areas: AreaIndex) -> tuple[list[int], list[int]]:
    a1 = [areas.admin1.get(r.admin1, -1) for r in rows]
    a2 = [areas.admin2.get((r.admin1, r.admin2_name), -1) if r.admin2_name else -1 for r in rows]
    return a1, a2


def _counts(values: Iterable[Any]) -> np.ndarray | None:
    """Whole numbers (None: -1) as int64, or None when a value is anything else."""
    out = []
    for v in values:
        if v is None:
            out.append(-1)
        elif type(v) is int and 0 <= v < 1 << 53:
            out.append(v)
        else:
            return None
    return np.array(out, dtype=np.int64)


def _columns(rows: Sequence[Located], index: _Index, areas: AreaIndex | None) -> BlockColumns:
    incidents = [r.incident for r in rows]
    ints = {
        "lat": np.array([round(r.lat * 1e5) for r in rows], dtype=np.int64),
        "lon": np.array([round(r.lon * 1e5) for r in rows], dtype=np.int64),
        "d0": np.array(index.d0, dtype=np.int64), "d1": np.array(index.d1, dtype=np.int64),
        "t": np.array(index.t, dtype=np.int64), "c": np.array(index.c, dtype=np.int64),
        "p": np.array([r.precision for r in rows], dtype=np.int64),
        "r": np.array([round(r.radius_km * 10) for r in rows], dtype=np.int64),
        "row": np.array([i.row for i in incidents], dtype=np.int64),
        "k": np.array([i.fatalities or 0 for i in incidents], dtype=np.float64).round().astype(np.int64),
    }
    if areas is not None:
        a1, a2 = _area_columns(rows, areas)
        ints["a1"] = np.array(a1, dtype=np.int64)
        ints["a2"] = np.array(a2, dtype=np.int64)
    def field(name: str, read: Column) -> Callable[[], TextColumn | np.ndarray]:
        def make() -> TextColumn | np.ndarray:   # when it is written: one column at a time
            counts = _counts(getattr(i, name) for i in incidents) if name in COUNT_FIELDS else None
            return counts if counts is not None else TextColumn.of(read(rows, incidents))
        return make

    fields = [(name, field(name, read)) for name, read in TEXT_FIELDS]
    extras = [(name, (lambda values: lambda: TextColumn.of(values))(values))  # noqa: B023 (bound by the outer lambda)
              for name, values in _extra_columns(incidents).items()]
    return BlockColumns(len(rows), ints, fields, extras)


def encode(located: Sequence[Located], color_by: str = "actor",
           compress: bool | None = None, areas: AreaIndex | None = None) -> DataBlock:
    """The data block of `located` (see `write_block`), colour indices by `color_by`
    (actor, outcome, event_type or any column: see `style.color_keys`); deflated when
    `compress`, or by default past COMPRESS_ABOVE_ROWS rows; with the governorate and
    district of each row when `areas`."""
    from .columns import LocatedColumns

    if isinstance(located, LocatedColumns) and areas is None and color_by in ("actor", "outcome", "event_type"):
        from .encode_columns import encode_located

        return encode_located(located, color_by, compress)
    index = _index(located, color_by)
    if compress is None:
        compress = len(located) > COMPRESS_ABOVE_ROWS
    text = finish(write_block(_columns(located, index, areas)), compress)
    return DataBlock(text, compress, index.types, index.colors, index.first, index.last)


# --- reading a block back (what js/data.js does in the page) ------------------------------------

def block_bytes(text: str, compressed: bool) -> bytes:
    """The bytes of a block's text (see `write_block`)."""
    data = unbase85(text)
    return zlib.decompress(data, -15) if compressed else data


def block_header(text: str, compressed: bool) -> dict[str, Any]:
    """The header of a block's text: how each column is stored (see `write_block`)."""
    data = block_bytes(text, compressed)
    return json.loads(data[4:4 + int.from_bytes(data[:4], "little")])


def decode_block(text: str, compressed: bool) -> dict[str, Any]:
    """The columns of a block's text as the map script reads them: "n", the integer columns
    as lists (k as the map makes it, when the block leaves it to the fatalities), "f": field
    -> a list of texts or None, "x": [[name, texts or None]]."""
    data = block_bytes(text, compressed)
    size = int.from_bytes(data[:4], "little")
    head = json.loads(data[4:4 + size])
    body = memoryview(data)[4 + size:]
    n = head["n"]
    out: dict[str, Any] = {"n": n}
    for name, spec in head["c"].items():
        if "by" in spec:
            continue
        values = _read_ints(body, n, spec)
        if "r" in spec:
            values = [a + b for a, b in zip(values, out[spec["r"]])]
        out[name] = values
    indices: dict[str, list[int]] = {}   # of the dictionary columns, for the ones they determine
    out["f"] = {name: _read_text(body, n, spec, out, indices, f"f/{name}") for name, spec in head["f"].items()}
    out["x"] = [[name, _read_text(body, n, spec, out, indices, f"x/{k}")]
                for k, (name, spec) in enumerate(head["x"])]
    for name, spec in head["c"].items():
        if "by" in spec:
            out[name] = _read_index(body, n, spec, indices)
    fatalities = head["f"].get("fatalities")
    if "k" not in out:
        out["k"] = [max(v, 0) for v in _read_ints(body, n, fatalities["i"])] if fatalities else [0] * n
    return out


def _read_ints(body: memoryview, n: int, spec: dict[str, Any]) -> list[int]:
    width, start = spec["w"], spec["o"]
    raw = np.frombuffer(body[start:start + n * width], dtype=np.uint8).reshape(width, n).T.copy()
    if width == 8:
        return [int(v) for v in raw.view("<f8").reshape(-1).tolist()]
    stored = raw.view({1: "<u1", 2: "<u2", 4: "<u4"}[width]).reshape(-1).astype(np.int64) + spec["m"]
    if spec.get("d"):
        stored[0] = spec["b"]
        stored = np.cumsum(stored)
    return stored.tolist()


def _read_index(body: memoryview, n: int, spec: dict[str, Any], indices: dict[str, list[int]]) -> list[int]:
    if "by" in spec:
        mapping = spec["m"]
        return [mapping[i] for i in indices["/".join(map(str, spec["by"]))]]
    return _read_ints(body, n, spec["i"])


def _read_text(body: memoryview, n: int, spec: dict[str, Any] | None, columns: dict[str, Any],
               indices: dict[str, list[int]], where: str) -> list[str] | None:
    if spec is None:
        return None
    kind = spec["k"]
    if kind == "dict":
        index = indices[where] = _read_index(body, n, spec, indices)
        return [spec["s"][i] for i in index]
    if kind == "date":
        return [spec["s"][i - 1] if i else iso_day(d) for i, d in zip(_read_ints(body, n, spec["i"]), columns["d0"])]
    if kind == "count":
        return ["" if v < 0 else str(v) for v in _read_ints(body, n, spec["i"])]
    if kind == "num":
        shapes = spec["s"]
        return [shapes[i][0] if v < 0 else f"{shapes[i][0]}{v}{shapes[i][1]}"
                for i, v in zip(_read_ints(body, n, spec["i"]), _read_ints(body, n, spec["v"]))]
    lengths = _read_ints(body, n, spec["l"])
    data = bytes(body[spec["o"]:spec["o"] + sum(lengths)])
    out, at = [], 0
    for length in lengths:
        piece = data[at:at + length]
        at += length
        out.append(piece.decode("utf-8") if kind == "text" else
                   " ".join(spec["s"][r] for r in _unvarints(piece)))
    return out


def _unvarints(data: bytes) -> list[int]:
    out, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            out.append(value)
            value, shift = 0, 0
    return out


# --- other blocks of the page (the areas) --------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Packed:
    """Any JSON value as a data block's text: deflated and base64-encoded, or escaped JSON."""

    text: str
    compressed: bool

    @property
    def media_type(self) -> str:
        return "application/octet-stream" if self.compressed else "application/json"


def pack(value: Any, compress: bool) -> Packed:
    """`value` as a block the map script reads like the incidents' (js/data.js)."""
    if compress:
        deflate = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
        raw = deflate.compress(_dumps(value).encode()) + deflate.flush()
        return Packed(base64.b64encode(raw).decode("ascii"), True)
    return Packed(script_json(value), False)


def decode(text: str, compressed: bool) -> Any:
    """The JSON value of a packed block's text, inflated first when it is compressed."""
    if compressed:
        return json.loads(zlib.decompress(base64.b64decode(text), -15))
    return json.loads(text)
