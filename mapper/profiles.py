"""Column profiles: which column of an incident table is which field, and how its codes read.

A profile is data, not a code path: the headers of a dataset's export for each field, and the
meaning of its codes (ACLED's geo_precision 2, UCDP's where_prec 4). Every table is read by
the same reader and validator; the profile only says where each field is.

- GENERIC: any table, through HEADER_ALIASES (any case, common names: "lat", "Latitude", ...).
- ACLED and UCDP_GED: recognised by their columns (`detect`), no option needed.
- `--columns date=event_day,location=village` maps any other table (`with_columns`).

>>> detect(["event_id_cnty", "event_date", "sub_event_type", "actor1", "geo_precision"]).name
'ACLED'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from .model import SCHEMA

__all__ = ["ACLED", "FIELDS", "GENERIC", "HEADER_ALIASES", "PRECISION_RADIUS_KM", "PROFILES",
           "UCDP_GED", "ColumnProfile", "detect", "header_key", "parse_columns", "with_columns"]

# The fields of an incident a table may give, each with the headers that mean it in a table
# of no known dataset (compared after `header_key`): the aliases of the field table.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {f.name: f.aliases for f in SCHEMA if f.aliases}
FIELDS: tuple[str, ...] = tuple(HEADER_ALIASES)

# The uncertainty radius of a point by its precision (locate.geo_precision's scale): 1 the site
# or town itself (drawn as a point), 2 near it or a district (the largest radius of that class),
# 3 a governorate or wider (a Syrian or Iraqi governorate of ~12,000 km2 is a disc of ~60 km).
PRECISION_RADIUS_KM: Mapping[int, float] = MappingProxyType({1: 0.0, 2: 25.0, 3: 60.0})
_PRECISION_CODES = {str(p): (p, r) for p, r in PRECISION_RADIUS_KM.items()}
_DATE_PRECISIONS = {w: w for w in ("day", "week", "month", "year")}


def header_key(header: str) -> str:
    """A header compared in any case, with spaces, dashes, dots and slashes as underscores."""
    return re.sub(r"[\s\-./]+", "_", str(header).strip().lstrip("\ufeff").casefold()).strip("_")


@dataclass(frozen=True, slots=True)
class ColumnProfile:
    """Where a kind of table keeps each field.

    `fields`: field -> the header keys that hold it, the first present wins; a profile of a
    dataset lists every field it has, the rest of its columns are kept as extra columns.
    `generic`: fields it does not list are found by HEADER_ALIASES. `signature`: header keys
    that all appear in the dataset's exports (how `detect` knows it). `codes`: field -> the
    dataset's code -> what it means (precision: (precision, radius_km); date_precision: day,
    week, month; event_label: a name of the dataset's categories). `dataset`: whose category
    names the event type column holds (mapper.vocabulary).
    """

    name: str
    fields: Mapping[str, tuple[str, ...]]
    signature: frozenset[str] = frozenset()
    codes: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    dataset: str | None = None
    generic: bool = False

    def columns(self, headers: Sequence[str]) -> dict[str, int]:
        """Field -> index of the column that holds it, for a table with these headers."""
        keys = [header_key(h) for h in headers]
        columns: dict[str, int] = {}
        for name, wanted in self.fields.items():
            for key in wanted:
                if key in keys:
                    columns[name] = keys.index(key)
                    break
        if self.generic:
            taken = set(columns.values())
            lookup = {alias: f for f, aliases in HEADER_ALIASES.items() for alias in aliases}
            for i, key in enumerate(keys):
                f = lookup.get(key)
                if f and f not in columns and i not in taken:
                    columns[f] = i
                    taken.add(i)
        return columns


GENERIC = ColumnProfile(
    "", fields={}, generic=True,
    codes={"precision": _PRECISION_CODES, "date_precision": _DATE_PRECISIONS},
)

# ACLED's exports (the data export tool and the API, any case): codebook columns.
# geo_precision 1 the town itself, 2 near it or in a part of a region, 3 a larger region (its
# centroid or capital); time_precision 1 the day, 2 a week, 3 a month.
ACLED = ColumnProfile(
    "ACLED",
    signature=frozenset({"event_id_cnty", "event_date", "sub_event_type", "actor1", "geo_precision"}),
    fields={
        "id": ("event_id_cnty",), "date": ("event_date",), "date_precision": ("time_precision",),
        "location": ("location",), "lat": ("latitude",), "lon": ("longitude",),
        "precision": ("geo_precision",), "event_type": ("sub_event_type", "event_type"),
        "event_label": ("sub_event_type", "event_type"), "actor": ("actor1",),
        "fatalities": ("fatalities",), "country": ("country",), "admin1": ("admin1",),
        "description": ("notes",), "source": ("source",),
    },
    codes={"precision": _PRECISION_CODES,
           "date_precision": {"1": "day", "2": "week", "3": "month"}},
    dataset="acled",
)

# UCDP's Georeferenced Event Dataset (GED). where_prec: 1 the exact place, 2 within ~25 km of
# a known point, 3 a district, 4 a province, 5 a larger area or a line (a road, a river), 6 a
# country, 7 international waters or airspace. type_of_violence: 1 state-based, 2 non-state,
# 3 one-sided. `best` is the best estimate of deaths (`low` and `high` are kept as columns).
UCDP_GED = ColumnProfile(
    "UCDP GED",
    signature=frozenset({"date_start", "date_end", "where_prec", "best", "side_a", "side_b"}),
    fields={
        "id": ("id",), "date": ("date_start",), "date_end": ("date_end",),
        "location": ("where_coordinates",), "lat": ("latitude",), "lon": ("longitude",),
        "precision": ("where_prec",), "event_type": ("type_of_violence",),
        "event_label": ("type_of_violence",), "actor": ("side_a",), "fatalities": ("best",),
        "country": ("country",), "admin1": ("adm_1",), "description": ("source_headline",),
        "source": ("source_original",),
    },
    codes={
        "precision": {"1": (1, 0.0), "2": (2, 25.0), "3": (2, 25.0), "4": (3, 60.0),
                      "5": (3, 100.0), "6": (3, 250.0), "7": (3, 250.0)},
        "event_label": {"1": "State-based conflict", "2": "Non-state conflict",
                        "3": "One-sided violence"},
        "event_type": {"1": "State-based conflict", "2": "Non-state conflict",
                       "3": "One-sided violence"},
    },
    dataset="ucdp",
)

PROFILES: tuple[ColumnProfile, ...] = (ACLED, UCDP_GED)


def detect(headers: Iterable[str]) -> ColumnProfile:
    """The profile of a table with these headers: a dataset's whose signature columns are all
    there, else GENERIC."""
    keys = {header_key(h) for h in headers}
    for profile in PROFILES:
        if profile.signature <= keys:
            return profile
    return GENERIC


def parse_columns(text: str) -> tuple[tuple[str, str], ...]:
    """`--columns date=event_day,location=village` as ((field, header), ...); ValueError naming
    the fields when a part is no FIELD=HEADER or names no field.

    >>> parse_columns("date=Event Day, location=village")
    (('date', 'Event Day'), ('location', 'village'))
    """
    pairs = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, header = part.partition("=")
        name, header = name.strip().casefold(), header.strip()
        if not sep or not header:
            raise ValueError(f"{part!r} is not FIELD=COLUMN (e.g. date=event_day)")
        if name not in HEADER_ALIASES:
            raise ValueError(f"{name!r} is no field; the fields are: {', '.join(FIELDS)}")
        pairs.append((name, header))
    if len({n for n, _ in pairs}) != len(pairs):
        raise ValueError(f"a field is mapped twice in {text!r}")
    return tuple(pairs)


def with_columns(profile: ColumnProfile, mapping: Sequence[tuple[str, str]]) -> ColumnProfile:
    """`profile` with some fields taken from the named columns (as `parse_columns` gives);
    a column so named is no longer read as any other field."""
    if not mapping:
        return profile
    named = {f: (header_key(h),) for f, h in mapping}
    taken = {k for keys in named.values() for k in keys}
    fields = {f: tuple(k for k in keys if k not in taken) for f, keys in profile.fields.items()
              if f not in named}
    return replace(profile, fields={**named, **{f: k for f, k in fields.items() if k}},
                   generic=profile.generic)
