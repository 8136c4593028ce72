"""Where places come from: the bundled tables, GeoNames dumps and a user's own CSV of sites.

Every source ends up as `Place` rows. Rows from large sources are stored with their folded
keys precomputed so that loading them costs no folding: imports as TSV (`write_index` /
`read_index`), the bundled populated places as a columnar layer read lazily (`Layer`).
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import io
import math
import os
import re
import sys
import zipfile
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import IO, BinaryIO, NamedTuple

from .errors import DataError, ImportFailed
from .files import replaced, write_cache
from .fold import (
    ARABIC_LETTERS,
    FOLD_VERSION,
    fold_words,
    normalize,
    skeleton_words,
    split_generic_words,
)
from .place import KINDS, Place

# airports.csv first: a curated row with the same id enriches the generated one.
CURATED_FILES = ("airports.csv", "admin.csv", "sites_syria.csv", "sites_iraq_jordan.csv")
GEONAMES_FILE = "geonames.layer.z"  # the layer, zlib-compressed (2.9 MB, not 5.3; 17 ms to open)
PLACE_COLUMNS = ("id", "name", "name_ar", "aliases", "kind", "feature", "country", "admin1",
                 "lat", "lon", "radius_km", "source")
INDEX_COLUMNS = (*PLACE_COLUMNS, "population", "fold_keys", "skel_keys")
ENV_DATA_DIR = "INCIDENT_MAPPER_DATA"
ENV_CACHE_DIR = "INCIDENT_MAPPER_CACHE"


class Keys(NamedTuple):
    """The lookup keys of one place (a tuple: there is one per place). Exact matches need no
    key of their own: names that normalize alike also fold alike."""

    fold: tuple[str, ...]
    skel: tuple[str, ...]


def place_keys(place: Place) -> Keys:
    """Keys of every name of a place, and of each name without its generic words."""
    folded: dict[str, None] = {}
    skel: dict[str, None] = {}
    for name in _name_forms(place.names):
        whole = normalize(name).translate(ARABIC_LETTERS).split()
        if not whole:
            continue
        core, _, directed = split_generic_words(whole)
        # A direction is part of a name ("North Rumaila", "جنوب المنطقة الوسطى"): what is left
        # without it and the generic words ("الوسطى") names something else.
        for variant in (whole, core) if core != whole and not directed else (whole,):
            f = fold_words(variant)
            if f:
                folded[f] = None
            s = skeleton_words(variant)
            if s:
                skel[s] = None
    return Keys(tuple(folded), tuple(skel))


_BRACKETS = re.compile(r"\([^)]*\)")


def _name_forms(names: Iterable[str]) -> Iterator[str]:
    """Each name, and "Green Zone" for "Green Zone (Baghdad)". What the brackets hold is often
    where the place is ("Hamdan Airport (Albu Kamal)"), not another of its names."""
    for name in names:
        yield name
        if "(" in name:
            yield _BRACKETS.sub(" ", name)


# --- bundled data ----------------------------------------------------------------------------

def data_file(name: str):
    """A bundled data file, found through importlib.resources so it works from a wheel."""
    try:
        return resources.files("gazetteer.data").joinpath(name)
    except ModuleNotFoundError:  # running from a source checkout that is not installed
        return Path(__file__).resolve().parent.parent / "data" / name


def admin1_codes() -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1 code) -> ISO 3166-2 code, for Syria and Iraq."""
    with data_file("admin1_codes.csv").open(encoding="utf-8") as fh:
        return {(r["country"], r["geonames_code"]): r["iso_code"] for r in csv.DictReader(fh)}


def country_codes() -> dict[str, str]:
    """ISO2, ISO3 and ISO numeric codes of the countries the data covers -> ISO2."""
    with data_file("countries.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {code: r["iso2"] for r in rows for code in (r["iso2"], r["iso3"], r["numeric"])}


def read_places_csv(text: Iterable[str], origin: str) -> Iterator[Place]:
    """Places from a curated table (see data/README.md); errors name the file and row."""
    reader = csv.DictReader(text)
    missing = {"name", "lat", "lon"} - set(reader.fieldnames or ())
    if missing:
        raise DataError(f"{origin}: missing column(s) {', '.join(sorted(missing))}")
    for row in reader:
        yield _place_from_row(row, origin, reader.line_num)


def _place_from_row(row: dict, origin: str, line: int) -> Place:
    def number(column: str, low: float, high: float, default: float | None = None) -> float:
        raw = (row.get(column) or "").strip()
        if not raw and default is not None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise DataError(f"{origin}, row {line}, column {column}: not a number: {raw!r}") from None
        if not (low <= value <= high) or math.isnan(value):
            raise DataError(f"{origin}, row {line}, column {column}: {value} is out of range")
        return value

    name = (row.get("name") or "").strip()
    if not name:
        raise DataError(f"{origin}, row {line}, column name: empty")
    kind = (row.get("kind") or "site").strip()
    if kind not in KINDS:
        raise DataError(f"{origin}, row {line}, column kind: {kind!r} is not one of {', '.join(KINDS)}")
    aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
    return Place(
        id=(row.get("id") or "").strip() or f"user:{normalize(name).replace(' ', '-')}",
        name=name,
        name_ar=(row.get("name_ar") or "").strip(),
        aliases=aliases,
        kind=kind,
        feature=(row.get("feature") or "").strip(),
        country=(row.get("country") or "").strip().upper(),
        admin1=(row.get("admin1") or "").strip(),
        lat=number("lat", -90, 90),
        lon=number("lon", -180, 180),
        radius_km=number("radius_km", 0, 5000, default=1.0),
        population=int(number("population", 0, 1e10, default=0)),
        source=(row.get("source") or "").strip(),
    )


def _curated_tables() -> list[tuple[str, str]]:
    """(file name, text) of each curated table the package ships."""
    return [(n, data_file(n).read_text(encoding="utf-8")) for n in CURATED_FILES if data_file(n).is_file()]


def curated_places() -> list[Place]:
    """Every row of the curated tables, read afresh (for checks of the data itself)."""
    return [p for name, text in _curated_tables() for p in read_places_csv(io.StringIO(text), f"data/{name}")]


def curated_keyed(cache_dir: Path | None = None) -> list[tuple[Place, Keys]]:
    """Curated places with their keys, read from a cache keyed by the tables' content.

    Folding every name of the curated tables costs more than the rest of loading together, so
    the result is kept in the user's cache folder; editing a table simply makes a new entry.
    """
    texts = _curated_tables()
    digest = hashlib.sha256(str(FOLD_VERSION).encode())
    for name, text in texts:
        digest.update(name.encode() + b"\0" + text.encode())
    cache = (cache_dir or user_cache_dir()) / f"curated-{digest.hexdigest()[:20]}.tsv"
    try:
        with open(cache, encoding="utf-8") as fh:
            return list(read_index(fh, str(cache)))
    except (OSError, DataError):
        pass
    places = [p for name, text in texts for p in read_places_csv(io.StringIO(text), f"data/{name}")]
    index = io.StringIO()
    write_index(places, index)
    # Read back as every later start reads the cache: the same points (five decimals) and
    # keys, so that the first run answers as the others do.
    keyed = list(read_index(io.StringIO(index.getvalue()), f"{cache} (new)"))
    write_cache(cache, index.getvalue())
    return keyed


# --- precomputed index files -----------------------------------------------------------------

def write_index(places: Iterable[Place], out: IO[str]) -> int:
    """Write places with their keys as a TSV index; returns the row count."""
    out.write(f"# incident-mapper index, fold version {FOLD_VERSION}\n")
    out.write("\t".join(INDEX_COLUMNS) + "\n")
    count = 0
    for place in places:
        keys = place_keys(place)
        cells = (place.id, place.name, place.name_ar, "|".join(place.aliases), place.kind,
                 place.feature, place.country, place.admin1, f"{place.lat:.5f}", f"{place.lon:.5f}",
                 f"{place.radius_km:g}", place.source, str(place.population),
                 "|".join(keys.fold), "|".join(keys.skel))
        out.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells) + "\n")
        count += 1
    return count


def read_index(lines: Iterable[str], origin: str) -> Iterator[tuple[Place, Keys]]:
    """Places and keys from a file written by `write_index`; keys are refolded if stale."""
    it = iter(lines)
    header = next(it, "")
    if not header.startswith("# incident-mapper index"):
        raise DataError(f"{origin}: not an incident-mapper index file")
    stale = not header.rstrip().endswith(f"fold version {FOLD_VERSION}")
    columns = next(it, "").rstrip("\n").split("\t")
    if tuple(columns) != INDEX_COLUMNS:
        raise DataError(f"{origin}: written by another version of incident-mapper; import "
                        "the original file again")
    width = len(INDEX_COLUMNS)
    for line_no, line in enumerate(it, start=3):
        c = line.rstrip("\n").split("\t")
        if len(c) != width:
            raise DataError(f"{origin}, row {line_no}: expected {width} columns")
        # Positional, in Place's field order: this loop is most of the load time.
        place = Place(c[0], c[1], float(c[8]), float(c[9]), c[4], c[2],
                      tuple(c[3].split("|")) if c[3] else (), c[5], c[6], c[7], float(c[10]),
                      int(c[12]), c[11])
        if stale:
            yield place, place_keys(place)
        else:
            yield place, Keys(tuple(c[13].split("|")) if c[13] else (),
                              tuple(c[14].split("|")) if c[14] else ())


# --- the bundled place layer -----------------------------------------------------------------

LAYER_HEADER = "# incident-mapper layer 2"
LAYER_COLUMNS = (*PLACE_COLUMNS, "population", "admin2")
LAYER_TABLES = ("fold", "skel")  # in the order of Keys' fields
LAYER_BLOCK = 32  # rows compressed together: small enough to inflate for one lookup
LAYER_STRIDE = 32  # lines of a sorted section between two entries of its table of starts
_KEY_WIDTH = 3  # a key's line starts with its length, so the keys of one length are together


def write_layer(places: Iterable[Place], out: BinaryIO, admin2: Mapping[str, str] | None = None,
                boundaries: str = "") -> int:
    """Write places as a layer file (read by `Layer`); returns the place count.

    `admin2` gives every place's district name by id ("" for none), worked out from the
    boundaries file whose digest is `boundaries` (see `gazetteer.districts`); without it the
    layer stores no districts, and they are looked up in the polygons when asked for.

    Layout: a text header line; the sections; a directory line (`name:offset:count` with the
    offset of the section's table of starts; `places:n`; `spaces:n`, the most spaces in a
    fold key; `districts:digest` when the rows hold districts); the directory's length.
    Tables of starts are little-endian uint32 file offsets. Sections:

    - ids: `id<TAB>` for every place, sorted (a place's row is its id's line number);
    - fold, skel: `LLLkey<TAB>` for every key of the table, LLL its length in letters, one a
      line, sorted (so by length, then key: the keys of one length are one slice);
    - fold-rows, skel-rows: `row,row,...`, the rows of the key on the same line of the table;
    - rows: blocks of LAYER_BLOCK rows (LAYER_COLUMNS, tab-separated, one a line), each zlib.

    A section of lines has a table of where every LAYER_STRIDE-th line starts (and where the
    section ends): a sorted one is searched by bisecting the first lines of the strides, then
    that one stride. A block table holds where every block starts, and where the last ends.
    """
    by_id: dict[str, Place] = {}
    for place in places:
        if place.id in by_id:
            raise DataError(f"two places with the id {place.id}")
        by_id[place.id] = place
    ordered = [by_id[i] for i in sorted(by_id)]
    if admin2 is not None and (not boundaries or any(p.id not in admin2 for p in ordered)):
        raise DataError("stored districts need the boundaries' digest and a district for every place")
    tables: tuple[dict[str, list[int]], ...] = ({}, {})
    lines = []
    for row, place in enumerate(ordered):
        for table, keys in zip(tables, place_keys(place)):
            for key in keys:
                table.setdefault(_key_cell(key), []).append(row)
        cells = (place.id, place.name, place.name_ar, "|".join(place.aliases), place.kind,
                 place.feature, place.country, place.admin1, f"{place.lat:.5f}", f"{place.lon:.5f}",
                 f"{place.radius_km:g}", place.source, str(place.population),
                 admin2[place.id] if admin2 is not None else "")
        lines.append("\t".join(_CONTROL.sub(" ", c) for c in cells))
    sections = {"ids": [_CONTROL.sub(" ", p.id) + "\t" for p in ordered]}
    for name, table in zip(LAYER_TABLES, tables):
        ordered_keys = sorted(table)
        sections[name] = [f"{cell}\t" for cell in ordered_keys]
        sections[f"{name}-rows"] = [",".join(map(str, table[cell])) for cell in ordered_keys]
    header = f"{LAYER_HEADER}, fold version {FOLD_VERSION}\n".encode()
    out.write(header)
    at = len(header)
    spaces = max((k.count(" ") for k in tables[0]), default=0)
    directory = [f"places:{len(ordered)}", f"spaces:{spaces}"]
    if admin2 is not None:
        directory.append(f"districts:{boundaries}")

    def section(name: str, items: list[bytes], step: int) -> None:
        nonlocal at
        starts = array("I")
        for i, item in enumerate(items):
            if i % step == 0:
                starts.append(at)
            out.write(item)
            at += len(item)
        starts.append(at)
        if sys.byteorder == "big":
            starts.byteswap()
        directory.append(f"{name}:{at}:{len(items)}")
        out.write(starts.tobytes())
        at += 4 * len(starts)

    for name, items in sections.items():
        section(name, [f"{item}\n".encode() for item in items], LAYER_STRIDE)
    section("rows", [zlib.compress("\n".join(lines[b:b + LAYER_BLOCK]).encode(), 9)
                     for b in range(0, len(lines), LAYER_BLOCK)], 1)
    # The tables are binary and may hold any byte: the directory's length closes the file.
    trailer = f"{' '.join(directory)}\n".encode()
    out.write(trailer + f"{len(trailer):010d}\n".encode())
    return len(ordered)


_KEY_PREFIXES = [f"{n:0{_KEY_WIDTH}d}".encode() for n in range(10 ** _KEY_WIDTH)]


def _key_cell(key: str) -> str:
    if len(key) >= 10 ** _KEY_WIDTH:
        raise DataError(f"a name key of {len(key)} letters: {key[:40]}...")
    return f"{len(key):0{_KEY_WIDTH}d}{key}"


# Ids and keys hold no control character, so "cell<TAB>" sorts where its cell does and a
# cell's line is found by bisection for that probe.
_CONTROL = re.compile("[\x00-\x1f]")


def _starts(data: bytes, at: int, entries: int, origin: str) -> array:
    starts = array("I")
    table = data[at:at + 4 * entries]
    if starts.itemsize != 4 or len(table) != 4 * entries:
        raise DataError(f"{origin}: truncated; rebuild it with scripts/build_geonames.py")
    starts.frombytes(table)
    if sys.byteorder == "big":
        starts.byteswap()
    if entries and not (starts[0] <= starts[-1] <= at):
        raise DataError(f"{origin}: damaged table of starts; rebuild it")
    return starts


def _section(field: str) -> tuple[int, int]:
    """`at:count` of a layer's directory; ValueError unless exactly two integers (a damaged
    directory must become a DataError, not a TypeError from a short unpacking)."""
    at, count = map(int, field.split(":"))
    return at, count


class _Lines:
    """A section of a layer file of `count` lines, with where every LAYER_STRIDE-th starts."""

    __slots__ = ("data", "starts", "count")

    def __init__(self, data: bytes, at: int, count: int, origin: str) -> None:
        self.data, self.count = data, count
        self.starts = _starts(data, at, -(-count // LAYER_STRIDE) + 1, origin)

    def line(self, number: int) -> bytes:
        """Line `number` (0 .. count - 1), without its end."""
        stride, skip = divmod(number, LAYER_STRIDE)
        data, at = self.data, self.starts[stride]
        for _ in range(skip):
            at = data.index(b"\n", at) + 1
        return data[at:data.index(b"\n", at)]

    def text(self) -> str:
        """Every line, decoded, without the last one's end ("" if there are none)."""
        first, end = self.starts[0], self.starts[-1]
        return self.data[first:end - 1].decode() if end > first else ""


class _Sorted(_Lines):
    """A sorted section of a layer file: `cell<TAB>...` lines, found by bisecting the first
    line of each stride (held in memory), then searching that one stride."""

    __slots__ = ("firsts",)

    def __init__(self, data: bytes, at: int, count: int, origin: str) -> None:
        super().__init__(data, at, count, origin)
        self.firsts = [data[a:data.index(b"\n", a)] for a in self.starts[:-1]]

    def find(self, cell: bytes) -> bytes | None:
        """The line whose first cell is `cell`, or None."""
        probe = cell + b"\t"
        firsts = self.firsts
        stride = bisect.bisect_right(firsts, probe)
        # The line sorts after the probe: first in this stride, or anywhere in the one before.
        if stride < len(firsts) and firsts[stride].startswith(probe):
            return firsts[stride]
        if stride == 0:
            return None
        data = self.data
        at = data.find(b"\n" + probe, self.starts[stride - 1], self.starts[stride])
        if at >= 0:
            return data[at + 1:data.index(b"\n", at + 1)]
        return firsts[stride - 1] if firsts[stride - 1].startswith(probe) else None

    def line_number(self, line: bytes) -> int:
        """The number of a line `find` returned."""
        stride = bisect.bisect_right(self.firsts, line) - 1
        if self.firsts[stride] == line:
            return stride * LAYER_STRIDE
        begin = self.starts[stride]
        at = self.data.find(b"\n" + line + b"\n", begin, self.starts[stride + 1])
        return stride * LAYER_STRIDE + self.data.count(b"\n", begin, at + 1)

    def offset(self, probe: bytes) -> int:
        """Where the first line >= probe starts (the section's end if there is none)."""
        stride = bisect.bisect_right(self.firsts, probe) - 1
        if stride < 0:
            return self.starts[0]
        data, at, end = self.data, self.starts[stride], self.starts[stride + 1]
        while at < end:
            line_end = data.index(b"\n", at)
            if data[at:line_end] >= probe:
                return at
            at = line_end + 1
        return end


class Layer:
    """A place layer written by `write_layer`: a row becomes a `Place` only when asked for, and
    keys and ids are found by bisection, so loading 35k places costs reading one file.

    Rows (0 .. len - 1) are the places in the order of their ids.
    """

    def __init__(self, data: bytes, origin: str) -> None:
        self.origin = origin
        header, _, _ = data[:200].partition(b"\n")
        if not header.startswith(LAYER_HEADER.encode() + b","):
            raise DataError(f"{origin}: not an incident-mapper layer file (or another version of it)")
        self.stale = not header.endswith(f"fold version {FOLD_VERSION}".encode())
        try:
            size = int(data[-11:])
            fields = dict(f.split(":", 1) for f in data[-11 - size:-11].decode("ascii").split())
            self.size = int(fields.pop("places"))
            self.spaces = int(fields.pop("spaces"))  # the most spaces in one fold key
            # The digest of the boundaries file the rows' districts come from ("": none stored).
            self.districts_from = fields.pop("districts", "")
            at, blocks = map(int, fields.pop("rows").split(":"))
            self._rows = _starts(data, at, blocks + 1, origin)
            self._ids = _Sorted(data, *_section(fields.pop("ids")), origin)
            self._tables = {name: _Sorted(data, *_section(fields.pop(name)), origin)
                            for name in LAYER_TABLES}
            self._table_rows = {name: _Lines(data, *_section(fields.pop(f"{name}-rows")), origin)
                                for name in LAYER_TABLES}
        except (ValueError, KeyError, IndexError, UnicodeDecodeError) as exc:
            raise DataError(f"{origin}: damaged directory ({exc}); rebuild it") from None
        if self._ids.count != self.size or blocks != -(-self.size // LAYER_BLOCK) or any(
                self._tables[t].count != self._table_rows[t].count for t in LAYER_TABLES):
            raise DataError(f"{origin}: section sizes disagree; rebuild it")
        self._data = data
        self._blocks: dict[int, list[str]] = {}
        self._row_keys: list[Keys] | None = None

    def __len__(self) -> int:
        return self.size

    def place(self, row: int) -> Place:
        """The place of one row, parsed afresh."""
        return self._parse(self._line(row), row)

    def district(self, row: int) -> str | None:
        """The district name stored for a row ("" for none), or None when the layer stores no
        districts (see `districts_from`)."""
        if not self.districts_from:
            return None
        return self._line(row).rsplit("\t", 1)[1]

    def districts(self) -> dict[str, str] | None:
        """Every place's stored district by id, or None when the layer stores none."""
        if not self.districts_from:
            return None
        return {line.split("\t", 1)[0]: line.rsplit("\t", 1)[1]
                for block in range(len(self._rows) - 1) for line in self._inflate(block)}

    def find(self, place_id: str) -> int | None:
        """The row of a place id, or None."""
        found = self._ids.find(place_id.encode())
        return None if found is None else self._ids.line_number(found)

    def rows(self, table: str, key: str) -> list[int] | None:
        """Rows of the places that have `key` in a key table ("fold" or "skel"), or None."""
        if len(key) >= len(_KEY_PREFIXES):
            return None
        keys = self._tables[table]
        found = keys.find(_KEY_PREFIXES[len(key)] + key.encode())
        if found is None:
            return None
        return list(map(int, self._table_rows[table].line(keys.line_number(found)).split(b",")))

    def keys(self, table: str, length: int | None = None) -> list[str]:
        """Every key of a key table ("fold" or "skel"), or those of one length, sorted by
        length, then key."""
        keys = self._tables[table]
        if length is None:
            text = keys.text()
            return [line[_KEY_WIDTH:-1] for line in text.split("\n")] if text else []
        if not 0 <= length < len(_KEY_PREFIXES) - 1:
            return []
        return self._between(table, _KEY_PREFIXES[length], _KEY_PREFIXES[length + 1])

    def joined(self, key: str) -> list[str]:
        """The fold keys with spaces that are `key` once their spaces are taken out, sorted by
        length, then key: "dayrzur" -> ["dayr zur"]."""
        if not key:
            return []
        # They start with its first letter, so only that letter's keys of each length are read.
        first, after = key[0].encode(), chr(min(ord(key[0]) + 1, 0x10FFFF)).encode("utf-8", "surrogatepass")
        found = []
        for length in range(len(key) + 1, min(len(key) + self.spaces, len(_KEY_PREFIXES) - 1) + 1):
            prefix = _KEY_PREFIXES[length]
            found += [k for k in self._between("fold", prefix + first, prefix + after)
                      if " " in k and k.replace(" ", "") == key]
        return found

    def _between(self, table: str, low: bytes, high: bytes) -> list[str]:
        """The keys of a table whose cells lie in low <= cell < high; all of them of one length
        (the cells share their first _KEY_WIDTH letters)."""
        keys = self._tables[table]
        first, end = keys.offset(low), keys.offset(high)
        if end <= first:
            return []
        # "LLLa<TAB>\nLLLb<TAB>\n" -> ["a", "b"] in one split: a length may hold 11k keys.
        return keys.data[first + _KEY_WIDTH:end - 2].decode().split("\t\n" + low[:_KEY_WIDTH].decode())

    def table(self, table: str) -> Iterator[tuple[str, list[int]]]:
        """Every key of a key table with its rows, sorted by length, then key."""
        rows = self._table_rows[table].text()
        for key, found in zip(self.keys(table), rows.split("\n") if rows else ()):
            yield key, [int(r) for r in found.split(",")]

    def places(self) -> Iterator[Place]:
        """Every place, in row order."""
        for block in range(len(self._rows) - 1):
            for at, line in enumerate(self._inflate(block)):
                yield self._parse(line, block * LAYER_BLOCK + at)

    def row_keys(self) -> list[Keys]:
        """The keys of every row, from the key tables (which must not be stale); kept once
        made, since each text parser built over the gazetteer asks for them."""
        if self._row_keys is None:
            tables: list[list[list[str]]] = []
            for table in LAYER_TABLES:
                per_row: list[list[str]] = [[] for _ in range(self.size)]
                for key, rows in self.table(table):
                    for r in rows:
                        per_row[r].append(key)
                tables.append(per_row)
            self._row_keys = [Keys(tuple(f), tuple(s)) for f, s in zip(*tables)]
        return self._row_keys

    def keyed(self) -> Iterator[tuple[Place, Keys]]:
        """Every place with its keys: from the tables, or folded afresh when they are stale."""
        if self.stale:
            for place in self.places():
                yield place, place_keys(place)
        else:
            yield from zip(self.places(), self.row_keys())

    def _line(self, row: int) -> str:
        block, at = divmod(row, LAYER_BLOCK)
        lines = self._blocks.get(block)
        if lines is None:  # kept: a name's namesakes are spread over many blocks (9 MB in all)
            lines = self._blocks[block] = self._inflate(block)
        return lines[at]

    def _inflate(self, block: int) -> list[str]:
        try:
            raw = self._data[self._rows[block]:self._rows[block + 1]]
            return zlib.decompress(raw).decode("utf-8").split("\n")
        except (zlib.error, UnicodeDecodeError) as exc:
            raise DataError(f"{self.origin}: damaged block {block}: {exc}; rebuild it") from None

    def _parse(self, line: str, row: int) -> Place:
        c = line.split("\t")
        if len(c) != len(LAYER_COLUMNS):
            raise DataError(f"{self.origin}, row {row}: expected {len(LAYER_COLUMNS)} columns")
        # Positional, in Place's field order (the district, last, is not the place's).
        return Place(c[0], c[1], float(c[8]), float(c[9]), c[4], c[2],
                     tuple(c[3].split("|")) if c[3] else (), c[5], c[6], c[7], float(c[10]),
                     int(c[12]), c[11])


def bundled_layer(cache_dir: Path | None = None) -> Layer | None:
    """The populated places built by scripts/build_geonames.py, or None if not shipped."""
    resource = data_file(GEONAMES_FILE)
    if not resource.is_file():
        return None
    try:
        data = zlib.decompress(resource.read_bytes())
    except zlib.error as exc:
        raise DataError(f"data/{GEONAMES_FILE}: not a compressed layer ({exc}); run scripts/build_geonames.py") from exc
    return current_layer(data, f"data/{GEONAMES_FILE}", cache_dir)


def current_layer(data: bytes, origin: str, cache_dir: Path | None = None) -> Layer:
    """The layer of `data`, its keys folded by today's rules.

    A layer built before the folding rules changed is refolded once (about 20 s for the
    bundled one) and kept in the user's cache folder, keyed by its content and FOLD_VERSION,
    until it is rebuilt; a read-only cache only costs the refolding at every start.
    """
    layer = Layer(data, origin)
    if not layer.stale:
        return layer
    digest = hashlib.sha256(data).hexdigest()[:20]
    cache = (cache_dir or user_cache_dir()) / f"layer-{FOLD_VERSION}-{digest}.layer"
    try:
        kept = Layer(cache.read_bytes(), str(cache))
        if not kept.stale:
            return kept
    except (OSError, DataError):
        pass
    out = io.BytesIO()
    write_layer(layer.places(), out, layer.districts(), layer.districts_from)
    fresh = Layer(out.getvalue(), f"{origin} (refolded)")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with replaced(cache, "wb") as written:
            written.write(out.getvalue())
        for old in cache.parent.glob("layer-*.layer"):  # refoldings of earlier rules or data
            if old != cache:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return fresh


def bundled_geonames() -> Iterator[tuple[Place, Keys]]:
    """Every place of the bundled layer with its keys (for checks of the data itself)."""
    layer = bundled_layer()
    if layer is not None:
        yield from layer.keyed()


# --- GeoNames dumps --------------------------------------------------------------------------

# GeoNames feature codes -> (kind, feature). Classes not listed here are skipped.
_FEATURES = {
    "ADM1": ("admin1", ""), "ADM2": ("admin2", ""), "ADM3": ("admin2", ""),
    "PCLI": ("country", ""), "AIRP": ("site", "airport"), "AIRB": ("site", "airbase"),
    "AIRF": ("site", "airport"), "MILB": ("site", "military_base"), "INSM": ("site", "military_site"),
    "DAM": ("site", "dam"), "DAMSB": ("site", "dam"), "CMP": ("site", "camp"), "CMPRF": ("site", "camp"),
    "OILF": ("site", "oil_field"), "GASF": ("site", "gas_field"), "OILR": ("site", "refinery"),
    "PSTB": ("site", "border_crossing"), "PPLX": ("settlement", "neighbourhood"),
    "MT": ("site", "mountain"), "MTS": ("region", "mountain"), "RGN": ("region", ""),
    "AREA": ("region", ""), "PLN": ("region", ""), "DSRT": ("region", ""), "VAL": ("region", "valley"),
}


def _keep_name(name: str) -> bool:
    """Alternate names worth indexing: Latin or Arabic script, not codes or links."""
    if not name or len(name) > 60 or "http" in name or name.isdigit():
        return False
    return all(ord(c) < 0x0250 or 0x0600 <= ord(c) <= 0x06FF or 0x1E00 <= ord(c) <= 0x1EFF
               or not c.isalpha() for c in name)


# Arabic letters without the Persian, Kurdish and Uyghur ones: the name Arabic media print.
_ARABIC_NAME = re.compile("[\u0621-\u063a\u0641-\u064a\u064b-\u0652 ]+")


def radius_for(kind: str, population: int) -> float:
    """How far a GeoNames place of this kind and population extends, in km."""
    if kind == "admin1":
        return 60.0
    if kind == "admin2":
        return 25.0
    if kind == "country":
        return 300.0
    if kind == "region":
        return 30.0
    if kind == "site":
        return 2.0
    return 1.5 if population < 1000 else 2.5 if population < 10_000 else 5.0 if population < 100_000 \
        else 10.0 if population < 1_000_000 else 20.0


def place_from_geonames(cells: list[str], codes: dict[tuple[str, str], str]) -> Place | None:
    """A Place from one row of a GeoNames dump (19 columns), or None for a feature we skip."""
    fclass, fcode = cells[6], cells[7]
    if fclass == "P":
        kind, feature = _FEATURES.get(fcode, ("settlement", ""))
    elif fcode in _FEATURES:
        kind, feature = _FEATURES[fcode]
    else:
        return None
    country = cells[8]
    # GeoNames writes "01"; dumps converted from other sources write "1".
    code = cells[10].zfill(2) if cells[10].isdigit() else cells[10]
    admin1 = codes.get((country, code), f"{country}.{code}" if code else "")
    name = cells[1]
    alternates = [a for a in cells[3].split(",") if _keep_name(a)] if cells[3] else []
    arabic = [a for a in alternates if _ARABIC_NAME.fullmatch(a)]
    aliases = tuple(dict.fromkeys(a for a in [cells[2], *alternates] if a and a != name))
    population = int(cells[14]) if cells[14].strip().isdigit() else 0
    return Place(
        id=f"gn:{cells[0]}", name=name, name_ar=arabic[0] if arabic else "", aliases=aliases,
        kind=kind, feature=feature, country=country, admin1=admin1,
        lat=float(cells[4]), lon=float(cells[5]), radius_km=radius_for(kind, population),
        population=population, source=f"GeoNames:{cells[0]}",
    )


def read_geonames_dump(path: Path) -> Iterator[Place]:
    """Places of a GeoNames country dump, plain `.txt` or the `.zip` GeoNames serves."""
    codes = admin1_codes()
    try:
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as zf:
                members = [n for n in zf.namelist() if n.endswith(".txt") and "readme" not in n.lower()]
                if not members:
                    raise ImportFailed(f"{path}: the zip holds no GeoNames .txt dump")
                for member in members:
                    with zf.open(member) as raw:
                        yield from _geonames_lines(io.TextIOWrapper(raw, encoding="utf-8"),
                                                   f"{path}:{member}", codes)
        else:
            with open(path, encoding="utf-8") as fh:
                yield from _geonames_lines(fh, str(path), codes)
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise ImportFailed(f"{path}: cannot read: {exc}") from exc


def _geonames_lines(lines: Iterable[str], origin: str, codes) -> Iterator[Place]:
    for line_no, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.rstrip("\n").split("\t")
        if len(cells) != 19:
            raise DataError(f"{origin}, row {line_no}: expected the 19 GeoNames columns, "
                            f"found {len(cells)}")
        try:
            place = place_from_geonames(cells, codes)
        except ValueError as exc:
            raise DataError(f"{origin}, row {line_no}: {exc}") from None
        if place is not None:
            yield place


def is_geonames_dump(path: Path) -> bool:
    """True for a GeoNames dump (.zip, or a tab-separated .txt); False for a CSV of sites."""
    if path.suffix.lower() == ".zip":
        return True
    if path.suffix.lower() == ".csv":
        return False
    try:
        with open(path, encoding="utf-8") as fh:
            first = fh.readline()
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed(f"{path}: cannot read: {exc}") from exc
    return first.count("\t") == 18


# --- the user's data directory ---------------------------------------------------------------

def user_data_dir() -> Path:
    """Where imports are stored: $INCIDENT_MAPPER_DATA, else the platform's user data folder."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("incident-mapper", appauthor=False))


def user_cache_dir() -> Path:
    """Derived files (folded keys, fetched assets): $INCIDENT_MAPPER_CACHE or the platform's."""
    override = os.environ.get(ENV_CACHE_DIR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("incident-mapper", appauthor=False))


def imported_index_files(data_dir: Path) -> list[Path]:
    """The index files that earlier imports stored, in a stable order."""
    folder = data_dir / "imported"
    return sorted(folder.glob("*.tsv")) if folder.is_dir() else []


def imports_state(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """What `data_dir` holds now: each imported index file's name, modification time and size
    (an import replaces its file whole, so any import changes this)."""
    state = []
    for path in imported_index_files(data_dir):
        try:
            info = path.stat()
        except OSError:   # removed since the folder was listed
            continue
        state.append((path.name, info.st_mtime_ns, info.st_size))
    return tuple(state)


def import_file(path: Path, data_dir: Path) -> tuple[Path, int]:
    """Import a GeoNames dump or a CSV of sites into the user's index; returns (stored, count).

    The import is stored under the file's name less its extension (`mysites.2024.csv` as
    `mysites.2024.tsv`); importing a file of that name again replaces the earlier import.
    Imports into one data folder take turns (a lock on the folder), and each index file is
    replaced whole or not at all: a failed or killed import leaves the earlier one as it was
    and no partial file behind. Raises ImportFailed or DataError naming the file.
    """
    if not path.is_file():
        raise ImportFailed(f"{path}: no such file")
    places: Iterable[Place]
    if is_geonames_dump(path):
        places = read_geonames_dump(path)
    else:
        try:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                places = list(read_places_csv(fh, str(path)))
        except (OSError, UnicodeDecodeError) as exc:
            raise ImportFailed(f"{path}: cannot read: {exc}") from exc
    folder = data_dir / "imported"
    stored = folder / f"{path.stem}.tsv"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImportFailed(f"{folder}: cannot make the folder for imports: {exc.strerror or exc}") from exc
    with _ImportLock(folder):
        for stale in folder.glob("*.part"):   # left by an import killed while it renamed
            stale.unlink(missing_ok=True)
        try:
            with replaced(stored, "w", newline="\n", permissions=0o644, suffix=".part") as out:
                count = write_index(places, out)
        except OSError as exc:
            if isinstance(exc, ImportFailed):   # reading failed: it says so already
                raise
            raise ImportFailed(f"{stored}: cannot write the index: {exc.strerror or exc}") from exc
    return stored, count


class _ImportLock:
    """An exclusive lock on the imports of a data folder (flock on `.lock` in it), released
    when the block ends or the process dies. Where flock does not exist, no lock."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / ".lock"
        self.fd: int | None = None

    def __enter__(self) -> None:
        try:
            import fcntl
        except ImportError:   # not a POSIX system
            return
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError as exc:
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None
            raise ImportFailed(f"{self.path}: cannot lock the imports folder: {exc.strerror or exc}") from exc

    def __exit__(self, *exc_info: object) -> None:
        if self.fd is not None:
            os.close(self.fd)   # closing the file releases the lock
            self.fd = None


def download_dump(base_url: str, country: str, folder: Path, timeout: float = 60.0) -> Path:
    """Fetch `<base_url>/<CC>.zip` (a GeoNames country dump) into `folder`."""
    import urllib.error
    import urllib.request

    url = base_url.rstrip("/") + f"/{country}.zip"
    target = folder / f"{country}.zip"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(url, timeout=timeout) as response, open(target, "wb") as out:
            while chunk := response.read(1 << 16):
                out.write(chunk)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ImportFailed(f"{url}: download failed: {exc}") from exc
    return target
