"""The incidents of an HTML map as one compact data block, the only form in which they reach it.

Pure: located incidents in, text out; no folium, no page. The block is a JSON object of columns
(`encode` documents them); strings that repeat are stored once in a table. Past
COMPRESS_ABOVE_ROWS incidents it is deflated (raw, no header) and base64-encoded, which the
browser inflates with DecompressionStream, so 100k incidents with long descriptions stay far
under 20 MB. Either way the text holds no `<`, `>` or `&`: it cannot end the <script>
element it is put in.

>>> block = encode([], color_by="actor")
>>> decode(block.text, block.compressed)["n"]
0
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from .model import SCHEMA, FieldSpec, Incident, Located
from .style import EVENT_STYLES, color_keys, color_label, color_table, other_key

__all__ = ["COMPRESS_ABOVE_ROWS", "UNDATED", "AreaIndex", "DataBlock", "Packed", "date_span",
           "decode", "encode", "pack", "script_json"]

COMPRESS_ABOVE_ROWS = 1000       # incidents past which the data block is deflated
COMPRESS_LEVEL = 1               # zlib level: 1 is ~5x faster than 6 and ~20% larger here
UNIQUE_SHARE = 0.7               # a text column this unique is stored as is, not as indices
_EPOCH = dt.date(1970, 1, 1).toordinal()
# An incident without a date spans every day: its first day is -UNDATED and its last +UNDATED,
# so that no date window hides it (a place mention of `geoparse --html` has no date).
UNDATED = 10_000_000


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
        return "application/octet-stream" if self.compressed else "application/json"


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
# only a hint): the block's columns of each Located itself.
LOCATED_TEXT_FIELDS: tuple[tuple[str, Column], ...] = (
    ("place_name", _of_location("place_name")),
    ("place_id", _of_location("place_id")),
    ("method", _of_location("method")),
    ("score", lambda rows, _: [f"{r.score:.2f}" if r.method != "given" else "" for r in rows]),
    ("admin1", lambda rows, _: [f"{r.admin1_name} ({r.admin1})" if r.admin1_name else r.admin1
                                for r in rows]),
    ("admin2", _of_location("admin2_name")),
)
# The text columns: name -> (rows, incidents) -> column. The incident's are the field table's
# `on_map` fields; the map's popups and exports read them by name.
TEXT_FIELDS: tuple[tuple[str, Column], ...] = (
    *((spec.name, _of_incident_spec(spec)) for spec in SCHEMA if spec.on_map),
    *LOCATED_TEXT_FIELDS,
)


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


def _pieces(rows: Sequence[Located], index: _Index, areas: AreaIndex | None) -> Iterator[str]:
    """The block's JSON, a column at a time, so that no copy of it all is ever held.

    Columns: n (rows); lat and lon (x 1e5); d0 and d1 (first and last day, +-UNDATED for
    none); t (type index); c (colour index); p (precision); r (radius x 10 km); row (in the
    input file); k (fatalities, 0 when not given); a1 and a2 (governorate and district: indices
    of the AreaIndex, -1 for none; only with an AreaIndex);
    f: a column per text field of TEXT_FIELDS, each null when empty throughout, else either
    indices into the string table S (for values that repeat) or the strings themselves (for
    mostly unique ones); x: [name, column] for the extra columns; S: the string table.
    """
    incidents = [r.incident for r in rows]
    strings: dict[str, int] = {"": 0}

    def column(values: list[str]) -> str:
        if not any(values):
            return "null"
        sample = values[:500]
        if len(set(sample)) > UNIQUE_SHARE * len(sample):   # a table would not pay
            return _dumps(values)
        return _dumps([strings.setdefault(v, len(strings)) for v in values])

    yield f'{{"n":{len(rows)}'
    yield ',"lat":' + _dumps([round(r.lat * 1e5) for r in rows])
    yield ',"lon":' + _dumps([round(r.lon * 1e5) for r in rows])
    for name in ("d0", "d1", "t", "c"):
        yield f',"{name}":' + _dumps(getattr(index, name))
    yield ',"p":' + _dumps([r.precision for r in rows])
    yield ',"r":' + _dumps([round(r.radius_km * 10) for r in rows])
    yield ',"row":' + _dumps([i.row for i in incidents])
    yield ',"k":' + _dumps([i.fatalities or 0 for i in incidents])
    if areas is not None:
        a1, a2 = _area_columns(rows, areas)
        yield ',"a1":' + _dumps(a1) + ',"a2":' + _dumps(a2)
    sep = '"f":{'
    for name, read in TEXT_FIELDS:
        yield f',{sep}"{name}":' + column(read(rows, incidents))
        sep = ""
    yield "}"
    yield ',"x":['
    for k, (name, values) in enumerate(_extra_columns(incidents).items()):
        yield ("," if k else "") + f"[{_dumps(name)}," + column(values) + "]"
    yield '],"S":['
    table = list(strings)
    step = 20_000
    for k in range(0, len(table), step):
        yield ("," if k else "") + _dumps(table[k:k + step])[1:-1]
    yield "]}"


def encode(located: Sequence[Located], color_by: str = "actor",
           compress: bool | None = None, areas: AreaIndex | None = None) -> DataBlock:
    """The data block of `located`, colour indices by `color_by` (actor, outcome, event_type
    or any column: see `style.color_keys`); deflated when `compress`, or by default past
    COMPRESS_ABOVE_ROWS rows; with the governorate and district of each row when `areas`."""
    from .columns import LocatedColumns

    if isinstance(located, LocatedColumns) and areas is None and color_by in ("actor", "outcome", "event_type"):
        from .encode_columns import encode_located

        return encode_located(located, color_by, compress)
    index = _index(located, color_by)
    if compress is None:
        compress = len(located) > COMPRESS_ABOVE_ROWS
    if compress:
        deflate = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
        out = [deflate.compress(piece.encode()) for piece in _pieces(located, index, areas)]
        out.append(deflate.flush())
        text = base64.b64encode(b"".join(out)).decode("ascii")
    else:
        text = _escape_script("".join(_pieces(located, index, areas)))
    return DataBlock(text, compress, index.types, index.colors, index.first, index.last)


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


def decode(text: str, compressed: bool) -> dict[str, Any]:
    """The JSON object of a data block's text, inflated first when it is compressed."""
    if compressed:
        return json.loads(zlib.decompress(base64.b64decode(text), -15))
    return json.loads(text)
