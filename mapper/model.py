"""The records that flow from an incident table to a map: Incident, Located, ReviewItem.

`Incident` is the one record of an incident: a row of a table, a draft read from an article
(`mapper.extract`) or the drafts of several reports merged (`mapper.merge`). Its fields, each
with the headers that hold it and where it is written, are the one field table (`SCHEMA`):
the readers' header aliases (`profiles.HEADER_ALIASES`), the text columns of incidents held as
columns, the located and review files (`locate`), the map's data block (`encode`), and the
columns and types of drafts and merged incidents (CSV and Parquet) are all taken from it.

>>> [f.name for f in SCHEMA if f.written][:5]
['row', 'id', 'date', 'date_precision', 'date_end']
>>> field_spec("fatalities").kind, field_spec("source_urls").kind, field_spec("lat").aliases[:2]
('int', 'texts', ('lat', 'latitude'))
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from .vocabulary import EVENT_TYPES  # noqa: F401  (the rows of the event vocabulary, and "other")

__all__ = ["DATE_PRECISIONS", "DRAFT_COLUMNS", "EVENT_TYPES", "MERGED_COLUMNS", "OUTCOMES", "SCHEMA",
           "FieldSpec", "Incident", "Located", "ReviewItem", "field_spec"]

OUTCOMES = ("hit", "intercepted", "unknown")
# "week": a date the table says is known to the week only (ACLED's time_precision 2).
DATE_PRECISIONS = ("day", "week", "month", "year")


def _spec(*aliases: str, written: bool = False, on_map: bool = False) -> dict[str, Any]:
    return {"aliases": aliases, "written": written, "on_map": on_map}


def _field(default: Any, *aliases: str, written: bool = False, on_map: bool = False) -> Any:
    """An Incident field and its row of the field table (see FieldSpec): the headers that hold
    it in a table of no known dataset, whether it is written with each incident into the
    located and review files, whether it is a text column of the map's data block."""
    return field(default=default, metadata=_spec(*aliases, written=written, on_map=on_map))


@dataclass(frozen=True, slots=True, kw_only=True)
class Incident:
    """One incident: a table's row, validated (`row` its line in the file, header = 1), a
    draft read from an article (`row` 0) or the drafts of several reports merged into one.

    Each field is a row of the field table (SCHEMA): its aliases (the headers that hold it),
    and whether it is written to the located and review files and to the map's data block.
    """

    row: int = _field(0, written=True)
    id: str = _field("", "id", "event_id", "incident_id", "event_id_cnty", "uid", "ref",
                     "reference", written=True, on_map=True)
    document_id: str = _field("")          # the report a draft was read from (`mapper.corpus`)
    # ISO, as precise as given: "2024-01-02", "2024-01" or "2024"
    date: str = field(metadata=_spec("date", "event_date", "incident_date", "day", "datetime",
                                     "date_start", "start_date", written=True, on_map=True))
    date_precision: str = _field("day", "date_precision", written=True)   # day, week, month or year
    # the last day, when the table gives a range (UCDP's date_end)
    date_end: str = _field("", "date_end", "end_date", "last_date", written=True)
    time: str = _field("", "time", "event_time", "time_of_day", "hour", written=True, on_map=True)
    location: str = _field("", "location", "place", "site", "locality", "place_name", "location_name",
                           "placename", "toponym", "town", "village", "الموقع", "المكان",
                           written=True, on_map=True)   # the place as reported
    lat: float | None = _field(None, "lat", "latitude", "y", "lat_dd", "latitude_dd")
    lon: float | None = _field(None, "lon", "lng", "long", "longitude", "x", "lon_dd", "longitude_dd")
    place_id: str = _field("")             # the gazetteer's place of a draft ...
    place_name: str = _field("")
    place_kind: str = _field("")           # ... and its kind (site, settlement, admin1 ...)
    # how precise the table says its point is (1..3, see Located), and how far its place may
    # lie from it
    precision: int | None = _field(None, "precision", "geo_precision", "location_precision")
    radius_km: float | None = _field(None, "radius_km", "uncertainty_km")
    event_type: str = _field("other", "event_type", "type", "event", "incident_type", "attack_type",
                             "eventtype", "weapon", "sub_event_type", written=True)
    # the table's own name of the type (ACLED's sub_event_type)
    event_label: str = _field("", "event_label", written=True)
    actor: str = _field("", "actor", "actor1", "perpetrator", "attacker", "claimed_by", "claimant",
                        "by", written=True, on_map=True)
    target: str = _field("", "target", "targets", "target_type", "objective", written=True, on_map=True)
    outcome: str = _field("unknown", "outcome", "result", written=True, on_map=True)
    fatalities: int | None = _field(None, "fatalities", "killed", "deaths", "dead", "death_toll", "kia",
                                    written=True, on_map=True)
    fatalities_min: int | None = _field(None)   # merged: the lowest toll reported (the highest above)
    injuries: int | None = _field(None, "injuries", "injured", "wounded", "wia", written=True, on_map=True)
    injuries_min: int | None = _field(None)
    count: int | None = _field(None)       # rockets, drones, shells ... as a draft's text gives it
    country: str = _field("", "country", "country_code", "iso2", "iso", written=True, on_map=True)  # a hint
    admin1: str = _field("", "admin1", "admin_1", "governorate", "province", "muhafaza", "admin1_code",
                         written=True)      # a hint for resolution
    description: str = _field("", "description", "desc", "summary", "details", "text", written=True,
                              on_map=True)
    # the sentence a draft was read from, and its code-point offsets in the text given to extract
    evidence: str = _field("")
    evidence_start: int = _field(0)
    evidence_end: int = _field(0)
    source: str = _field("", "source", "sources", "publisher", "outlet", written=True, on_map=True)
    source_url: str = _field("", "source_url", "url", "link", "source_link", "href", "source_urls",
                             written=True, on_map=True)
    published: str = _field("")            # the day a draft's report was published
    # merged: every report's address and document id, the drafts merged, and how many
    source_urls: tuple[str, ...] = _field(())
    document_ids: tuple[str, ...] = _field(())
    draft_ids: tuple[str, ...] = _field(())
    reports: int = _field(0)
    notes: str = _field("", "notes", "note", "comment", "comments", "remarks", written=True, on_map=True)
    extra: tuple[tuple[str, str], ...] = _field(())   # other columns, in file order, never dropped
    # What the reader found suspect in the row (a coordinate that is no number, an ambiguous
    # "35,500"): such a row is kept, but goes to review rather than onto the map.
    doubts: tuple[str, ...] = _field(())
    # Why the row could not be read (with --on-bad-rows review): it goes to review only, with
    # every cell that could be read.
    problems: tuple[str, ...] = _field(())


# The kind of value of each field type: what a Parquet column or a CSV cell of it holds.
_KINDS = {"str": "text", "int": "int", "int | None": "int", "float | None": "float",
          "tuple[str, ...]": "texts", "tuple[tuple[str, str], ...]": "pairs"}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A row of the field table: an Incident field and who reads and writes it.

    `kind`: text, int, float, texts (a list of texts) or pairs (the extra columns), from the
    field's type. `aliases`: the headers (compared after `profiles.header_key`) that hold it
    in a table of no known dataset; none for a field no table gives. `written`: a column of
    the located and review files. `on_map`: a text column of the map's data block.
    """

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    written: bool = False
    on_map: bool = False


def _schema() -> tuple[FieldSpec, ...]:
    specs = []
    for f in fields(Incident):
        kind = _KINDS.get(str(f.type))
        if kind is None:
            raise TypeError(f"Incident.{f.name}: no kind of value for the type {f.type}")
        specs.append(FieldSpec(f.name, kind, **f.metadata))
    return tuple(specs)


SCHEMA: tuple[FieldSpec, ...] = _schema()
_SPECS = {f.name: f for f in SCHEMA}


def field_spec(name: str) -> FieldSpec:
    """The row of the field table of an Incident field; KeyError naming the fields if none."""
    try:
        return _SPECS[name]
    except KeyError:
        raise KeyError(f"{name!r} is no field of Incident; the fields are: {', '.join(_SPECS)}") from None


def _columns(names: str) -> tuple[str, ...]:
    """Fields of the table, in the order a kind of file has them."""
    return tuple(field_spec(name).name for name in names.split())


# The columns of drafts (`incident-map extract -o drafts.csv`), in the order they have always had.
DRAFT_COLUMNS = _columns(
    "id date time location lat lon place_id place_name event_type actor target outcome fatalities "
    "injuries count country admin1 description source_url evidence evidence_start evidence_end "
    "date_precision notes")
# The columns of merged incidents (`extract --corpus`, `merge`).
MERGED_COLUMNS = _columns(
    "id date date_precision time location lat lon place_id place_name place_kind radius_km country "
    "admin1 event_type actor target outcome fatalities fatalities_min injuries injuries_min "
    "description evidence source source_url source_urls document_ids draft_ids reports notes")


@dataclass(frozen=True, slots=True)
class Located:
    """An incident with the point it is drawn at and how that point was found.

    `precision` follows ACLED's geo-precision: 1 the site or town itself, 2 near it or a
    district, 3 a governorate or wider region.
    """

    incident: Incident
    lat: float
    lon: float
    place_id: str = ""             # empty when the table gave coordinates
    place_name: str = ""
    method: str = "given"          # given, exact, variant, fuzzy, context
    score: float = 1.0
    radius_km: float = 0.0
    precision: int = 1
    admin1: str = ""               # ISO 3166-2 code of the governorate the point lies in
    admin1_name: str = ""
    admin2_name: str = ""          # the district; empty for a point standing for a wider area


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """An incident a person should look at: not mapped, or mapped with doubt, and why."""

    incident: Incident
    reason: str                    # unresolved, ambiguous, low score, ...
    mapped: bool                   # True when it is on the map all the same
    candidates: tuple[str, ...] = ()   # "name (id, score)" of the places it may mean
