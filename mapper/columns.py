"""Incidents as columns: a table of a million rows without a million Python objects.

`IncidentColumns` holds validated incidents as Arrow and NumPy columns (what the reader makes
of a table); `LocatedColumns` is the sequence of Located of a locate over them, which makes
each Located, and its Incident, only when it is asked for, and only once (so that a review
item and the map's row share one Incident). The map's data block (mapper/encode_columns.py)
and the located writers read the columns themselves.

>>> cols = IncidentColumns.from_incidents([Incident(row=2, date="2024-01-02",
...                                                 date_precision="day", location="Kanaker")])
>>> cols.incident(0).location, len(cols)
('Kanaker', 1)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

import numpy as np
import pyarrow as pa

from .model import SCHEMA, Incident, Located

T = TypeVar("T")

__all__ = ["TEXT_FIELDS", "IncidentColumns", "LazySequence", "LocatedColumns", "dictionary", "distinct",
           "lean_memory", "strings", "take_rows"]

# The text fields of an Incident a table gives (the field table's), each an Arrow string (or
# dictionary) column of no nulls.
TEXT_FIELDS = tuple(f.name for f in SCHEMA if f.aliases and f.kind == "text")
NONE_COUNT = -1          # a count not given
# Blocks of memory past this size are mapped on their own, and given back when freed (glibc
# raises its threshold as big blocks are freed, and keeps what it then hands out).
_MMAP_THRESHOLD = 4 << 20
# How long jemalloc keeps freed pages for reuse before it gives them back: a quarter of a
# second spares a third of the page faults of none (0.2-0.3 s of a million rows) and raises
# their peak by a few MB; a second raises it by ~25 MB, ten (jemalloc's own) to ~1 GB.
_DECAY_MS = 250
EXTRA_TYPE = "event_type_original"      # kept for a type read as "other"
EXTRA_OUTCOME = "outcome_original"      # kept for an outcome read as "unknown"


def lean_memory() -> None:
    """Let freed memory go back to the system soon: a million rows read a batch at a time
    free as much as they keep, and the map's block is made in pieces on two threads; allocators
    that hold on to freed memory (Arrow's default, glibc's malloc once it has raised its mmap
    threshold, its arenas per thread) double the peak. Arrow on jemalloc with a short decay,
    where this build of Arrow has it; glibc's mmap threshold held at its default."""
    try:
        if pa.default_memory_pool().backend_name != "jemalloc":
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        pa.jemalloc_set_decay_ms(_DECAY_MS)
    except (NotImplementedError, pa.ArrowNotImplementedError):   # a build without jemalloc
        pass
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, _MMAP_THRESHOLD)   # M_MMAP_THRESHOLD: large blocks mapped, unmapped when freed
    except (OSError, AttributeError):   # not glibc
        pass


def strings(values: Sequence[str]) -> pa.Array:
    """An Arrow string column of Python strings."""
    return pa.array(values, type=pa.string())


def dictionary(codes: np.ndarray, values: Sequence[str]) -> pa.Array:
    """A text column of few distinct values: `values[codes[i]]` for row i."""
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(codes, dtype=np.int32)),
                                          pa.array(list(values), type=pa.string()))


def distinct(column: pa.Array | pa.ChunkedArray) -> tuple[list[str], np.ndarray]:
    """The distinct values of a text column (in order of first appearance, unless it is a
    dictionary already) and each row's index into them (int64), with no copy of the texts."""
    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    if isinstance(column, pa.ChunkedArray):
        if column.num_chunks == 0:
            return [], np.zeros(0, dtype=np.int64)
        column = column.unify_dictionaries().combine_chunks()
    return column.dictionary.to_pylist(), column.indices.to_numpy(zero_copy_only=False).astype(np.int64)


def _pylist(column: pa.Array | pa.ChunkedArray) -> list[Any]:
    """A column as Python values; a dictionary's values made once, not once a row."""
    if pa.types.is_dictionary(column.type):
        values, codes = distinct(column)
        return [values[c] for c in codes.tolist()]
    return column.to_pylist()


def _none_where(values: np.ndarray, missing: np.ndarray) -> list[Any]:
    """The values as Python numbers, None where `missing`."""
    out = values.astype(object)
    out[missing] = None
    return out.tolist()


def take_rows(column: pa.Array | pa.ChunkedArray, at: np.ndarray) -> pa.Array | pa.ChunkedArray:
    """The rows `at` of a column (the column itself when they are all of it, in order). A
    column in chunks is taken from chunk by chunk: Arrow's take of a chunked array joins all
    its chunks first (200 MB of descriptions at a million rows, to take two rows)."""
    if len(at) == len(column) and (len(at) == 0 or (at[0] == 0 and at[-1] == len(at) - 1
                                                   and bool((np.diff(at) == 1).all()))):
        return column
    if not isinstance(column, pa.ChunkedArray) or column.num_chunks < 2:
        return column.take(pa.array(at))
    bounds = np.cumsum([0] + [len(c) for c in column.chunks])
    which = np.searchsorted(bounds, at, side="right") - 1
    order = np.argsort(which, kind="stable")
    parts = [column.chunk(c).take(pa.array(at[order][which[order] == c] - bounds[c]))
             for c in np.unique(which).tolist()]
    taken = pa.chunked_array(parts, type=column.type)
    back = np.empty(len(at), dtype=np.int64)
    back[order] = np.arange(len(at))
    return taken.take(pa.array(back)) if len(at) else taken


@dataclass(frozen=True, eq=False)
class IncidentColumns:
    """Validated incidents, a column per field of model.Incident (length `len(self)`).

    `text`: field -> string column ("" for none); `lat`, `lon`, `radius_km`: float64, NaN for
    none; `fatalities`, `injuries`: int64, NONE_COUNT for none; `precision`: int8, 0 for none;
    `row`: the row number in the file. `extra`: the other columns (name, strings), in file
    order; `type_original`, `outcome_original`: the cell as written where the type or outcome
    read as "other" or "unknown" ("" elsewhere). `doubts` and `problems`: row position -> what
    the reader found suspect, or could not read (see model.Incident).
    """

    row: np.ndarray
    text: Mapping[str, pa.Array]
    lat: np.ndarray
    lon: np.ndarray
    fatalities: np.ndarray
    injuries: np.ndarray
    precision: np.ndarray
    radius_km: np.ndarray
    extra: tuple[tuple[str, pa.Array], ...] = ()
    type_original: pa.Array | None = None
    outcome_original: pa.Array | None = None
    doubts: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    problems: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    objects: bool = False          # made from Incident objects, whose extra columns are per row
    _made: dict[int, Incident] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.row)

    def incident(self, k: int) -> Incident:
        """The Incident at position k, made once."""
        made = self._made.get(k)
        if made is None:
            made = self.incidents_at([k])[0]
        return made

    def incidents_at(self, positions: Sequence[int]) -> list[Incident]:
        """The incidents at these positions (each made once), their cells read at once."""
        wanted = [k for k in dict.fromkeys(positions) if k not in self._made]
        if wanted:
            at = np.array(wanted, dtype=np.int64)
            self._make_all(wanted, {name: _pylist(take_rows(col, at)) for name, col in self.text.items()},
                           [(name, _pylist(take_rows(col, at))) for name, col in self.extra], at)
        return [self._made[k] for k in positions]

    def incidents(self) -> list[Incident]:
        """Every incident, in order (each made once)."""
        return self.incidents_at(range(len(self)))

    def _make_all(self, wanted: list[int], texts: dict[str, list[str]],
                  extras: list[tuple[str, list[str]]], at: np.ndarray) -> None:
        n = len(wanted)
        given: dict[str, list[Any]] = {
            "row": self.row[at].tolist(),
            **{name: _none_where(a[at], np.isnan(a[at]))
               for name, a in (("lat", self.lat), ("lon", self.lon), ("radius_km", self.radius_km))},
            **{name: _none_where(a[at], a[at] == NONE_COUNT)
               for name, a in (("fatalities", self.fatalities), ("injuries", self.injuries))},
            "precision": _none_where(self.precision[at], self.precision[at] == 0),
            "doubts": [self.doubts.get(k, ()) for k in wanted] if self.doubts else [()] * n,
            "problems": [self.problems.get(k, ()) for k in wanted] if self.problems else [()] * n,
            **texts,
        }
        # each row's extra cells: the extra columns', then the originals of types and outcomes
        # read as other or unknown, where the row has one
        pairs = [[(name, v) for v in values] for name, values in extras]
        extra = list(zip(*pairs)) if pairs else [()] * n
        for name, column in ((EXTRA_TYPE, self.type_original), (EXTRA_OUTCOME, self.outcome_original)):
            if column is None:
                continue
            for j, value in enumerate(_pylist(take_rows(column, at))):
                if value:
                    extra[j] = (*extra[j], (name, value))
        given["extra"] = extra
        names = tuple(given)   # a field's values a column at a time; the rest keep their defaults
        self._made.update(zip(wanted, (Incident(**dict(zip(names, values)))
                                       for values in zip(*given.values()))))

    @classmethod
    def from_incidents(cls, incidents: Sequence[Incident]) -> IncidentColumns:
        """The columns of Incident objects (which the columns then hand back, the same ones).
        Their extra columns are kept per row as they are."""
        incidents = list(incidents)
        n = len(incidents)

        def floats(name: str) -> np.ndarray:
            return np.array([np.nan if getattr(i, name) is None else getattr(i, name)
                             for i in incidents], dtype=np.float64)

        def counts(name: str) -> np.ndarray:
            return np.array([NONE_COUNT if getattr(i, name) is None else getattr(i, name)
                             for i in incidents], dtype=np.int64)

        made = cls(
            row=np.array([i.row for i in incidents], dtype=np.int64),
            text={name: strings([getattr(i, name) for i in incidents]) for name in TEXT_FIELDS},
            lat=floats("lat"), lon=floats("lon"), radius_km=floats("radius_km"),
            fatalities=counts("fatalities"), injuries=counts("injuries"),
            precision=np.array([i.precision or 0 for i in incidents], dtype=np.int8),
            doubts={k: i.doubts for k, i in enumerate(incidents) if i.doubts},
            problems={k: i.problems for k, i in enumerate(incidents) if i.problems},
            objects=True,
        )
        made._made.update(enumerate(incidents))
        if n and len(made._made) != n:   # pragma: no cover - enumerate gives every position
            raise RuntimeError("incident columns lost a row")
        return made

    def extra_column(self, name: str) -> pa.Array | None:
        """The first extra column of this name, when the table had one (incidents made from
        objects have their extra columns per row: see `objects`)."""
        for key, column in self.extra:
            if key == name:
                return column
        return None


class LazySequence(Sequence[T]):
    """A sequence whose items are made when read: equal to any sequence of equal items."""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, eq=False)
class LocatedColumns(LazySequence[Located]):
    """The located incidents of a locate over IncidentColumns, in input order.

    `positions`: the position in `incidents` of each located row; `lat`, `lon`, `score`,
    `radius_km` (float64) and `precision` (int8) per row; `place_id`, `place_name`, `method`,
    `admin1`, `admin1_name`, `admin2_name`: string or dictionary columns. Indexing makes the
    Located (and its Incident) once.
    """

    incidents: IncidentColumns
    positions: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    score: np.ndarray
    radius_km: np.ndarray
    precision: np.ndarray
    place_id: pa.Array
    place_name: pa.Array
    method: pa.Array
    admin1: pa.Array
    admin1_name: pa.Array
    admin2_name: pa.Array
    _made: dict[int, Located] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, i: int) -> Located: ...

    @overload
    def __getitem__(self, i: slice) -> list[Located]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        made = self._made.get(i)
        if made is None:
            made = self._made[i] = Located(
                self.incidents.incident(int(self.positions[i])), float(self.lat[i]), float(self.lon[i]),
                self.place_id[i].as_py(), self.place_name[i].as_py(), self.method[i].as_py(),
                float(self.score[i]), float(self.radius_km[i]), int(self.precision[i]),
                self.admin1[i].as_py(), self.admin1_name[i].as_py(), self.admin2_name[i].as_py())
        return made

    def __iter__(self) -> Iterator[Located]:
        if len(self._made) == len(self):
            yield from (self._made[i] for i in range(len(self)))
            return
        self.incidents.incidents()   # every Incident at once: far faster than one by one
        columns = [_pylist(c) for c in (self.place_id, self.place_name, self.method, self.admin1,
                                        self.admin1_name, self.admin2_name)]
        lat, lon, score, radius = (a.tolist() for a in (self.lat, self.lon, self.score, self.radius_km))
        precision, index = self.precision.tolist(), self.positions.tolist()
        for i in range(len(self)):
            made = self._made.get(i)
            if made is None:
                made = self._made[i] = Located(
                    self.incidents.incident(index[i]), lat[i], lon[i], columns[0][i], columns[1][i],
                    columns[2][i], score[i], radius[i], precision[i], columns[3][i], columns[4][i],
                    columns[5][i])
            yield made

    def __repr__(self) -> str:
        return f"LocatedColumns({len(self)} located incidents)"
