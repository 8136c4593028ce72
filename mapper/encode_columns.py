"""The map's data block of located incidents held as columns (columns.LocatedColumns).

The same block as `encode.encode` makes of Located objects (the tests hold the two equal),
made a column at a time with no object per row: types, colours and days from the distinct
values of the columns they come from, text columns handed on as they are held (a dictionary's
values and codes, or Arrow strings), for `encode.write_block` to lay out.

>>> encode_located(located_columns, color_by="actor")   # doctest: +SKIP
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columns import EXTRA_OUTCOME, EXTRA_TYPE, NONE_COUNT, LocatedColumns, distinct, take_rows
from .encode import (
    COMPRESS_ABOVE_ROWS,
    SAMPLE_ROWS,
    TEXT_FIELDS,
    UNIQUE_SHARE,
    BlockColumns,
    DataBlock,
    TextColumn,
    date_span,
    finish,
    write_block,
)
from .model import field_spec
from .style import EVENT_STYLES, OTHER_ACTORS, color_key, color_label, color_table

__all__ = ["encode_located"]

_RANGE = "\u2013"         # between the first and last day of a range
Legend = tuple[dict[str, str], ...]


def _coded(values: Sequence[str], codes: np.ndarray) -> TextColumn:
    return TextColumn(list(values), np.asarray(codes, dtype=np.int64))


def _of(column: pa.Array | pa.ChunkedArray, rows: np.ndarray | None) -> TextColumn:
    """The located rows (`rows`: their positions; None or every row: all) of a text column."""
    if rows is not None and len(rows) == len(column):
        rows = None   # every row is located (positions are in order): no copy
    if pa.types.is_dictionary(column.type):
        values, codes = distinct(column)
        return _coded(values, codes[rows] if rows is not None else codes)
    taken = take_rows(column, rows) if rows is not None else column
    sample = taken.slice(0, SAMPLE_ROWS)
    if len(sample) and pc.count_distinct(sample).as_py() > UNIQUE_SHARE * len(sample):
        return TextColumn(strings=taken)
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
        self.color_by = color_by

    def text(self, name: str) -> TextColumn:
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

    def _coded(self, column: TextColumn) -> tuple[list[str], np.ndarray]:
        if column.strings is not None:
            return distinct(column.strings)
        values, codes = column.coded()
        return list(values), codes

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
        tally: Counter[str] = Counter()
        for key, count in zip(keys, counts.tolist()):   # counted once per key, not once a row
            tally[key] += count
        table = color_table(self.color_by, tally)
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

    def fields(self) -> list[tuple[str, Callable[[], TextColumn | np.ndarray]]]:
        rows = self.rows
        own: dict[str, Callable[[], TextColumn | np.ndarray]] = {
            "date": self._dates,
            "place_name": lambda: _of(rows.place_name, None),
            "place_id": lambda: _of(rows.place_id, None),
            "method": lambda: _of(rows.method, None),
            "score": self._scores,
            "admin1": self._admin1,
            "admin2": lambda: _of(rows.admin2_name, None),
        }
        return [(name, own.get(name) or self._field(name)) for name, _ in TEXT_FIELDS]

    def _field(self, name: str) -> Callable[[], TextColumn | np.ndarray]:
        """An incident field's column: a count (fatalities, injuries: the numbers, NONE_COUNT
        for none) or a text."""
        if field_spec(name).kind == "int":
            return lambda: getattr(self.incidents, name)[self.at]
        return lambda: self.text(name)

    def _dates(self) -> TextColumn:
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

    def _scores(self) -> TextColumn:
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

    def _admin1(self) -> TextColumn:
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

    def extras(self) -> list[tuple[str, Callable[[], TextColumn]]]:
        """The extra columns: a later column of a name already seen replaces it (as
        encode._extra_columns has it), then the originals of types and outcomes read as other
        and unknown, in the order their first rows come."""
        if self.incidents.objects:
            return self._object_extras()
        named: dict[str, Callable[[], TextColumn]] = {}
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

    def _object_extras(self) -> list[tuple[str, Callable[[], TextColumn]]]:
        extra: dict[str, list[str]] = {}
        for k, position in enumerate(self.at.tolist()):
            for name, value in self.incidents.incident(position).extra:
                col = extra.get(name)
                if col is None:
                    col = extra[name] = [""] * self.n
                col[k] = value
        return [(name, (lambda values: lambda: _coded(*_pairs(values)))(values))  # noqa: B023 (bound by the outer lambda)
                for name, values in extra.items()]

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


def encode_located(rows: LocatedColumns, color_by: str = "actor",
                   compress: bool | None = None) -> DataBlock:
    """The data block of located incidents held as columns (see `encode.encode`)."""
    if compress is None:
        compress = len(rows) > COMPRESS_ABOVE_ROWS
    block = _Block(rows, color_by)
    t, c, d0, d1, types, colors, first, last = block.index()
    ints = {"lat": np.round(rows.lat * 1e5).astype(np.int64), "lon": np.round(rows.lon * 1e5).astype(np.int64),
            "d0": d0, "d1": d1, "t": t, "c": c, "p": rows.precision.astype(np.int64),
            "r": np.round(rows.radius_km * 10).astype(np.int64), "row": block.incidents.row[block.at],
            "k": _killed(block.incidents.fatalities[block.at])}
    del t, c, d0, d1
    pieces = write_block(BlockColumns(block.n, ints, block.fields(), block.extras()))
    del ints   # the columns as written are all that is needed now
    return DataBlock(finish(pieces, compress), compress, types, colors, first, last)
