"""The records that flow from an incident table to a map: Incident, Located, ReviewItem."""

from __future__ import annotations

from dataclasses import dataclass

from .vocabulary import EVENT_TYPES  # noqa: F401  (the rows of the event vocabulary, and "other")

OUTCOMES = ("hit", "intercepted", "unknown")
# "week": a date the table says is known to the week only (ACLED's time_precision 2).
DATE_PRECISIONS = ("day", "week", "month", "year")


@dataclass(frozen=True, slots=True)
class Incident:
    """One row of an incident table, validated; `row` is its line in the file (header = 1)."""

    row: int
    date: str                      # ISO, as precise as given: "2024-01-02", "2024-01" or "2024"
    date_precision: str            # day, week, month or year
    location: str = ""             # the place as reported
    lat: float | None = None
    lon: float | None = None
    id: str = ""
    time: str = ""
    event_type: str = "other"
    actor: str = ""
    target: str = ""
    outcome: str = "unknown"
    fatalities: int | None = None
    injuries: int | None = None
    country: str = ""              # hint for resolution
    admin1: str = ""               # hint for resolution
    description: str = ""
    source: str = ""
    source_url: str = ""
    notes: str = ""
    extra: tuple[tuple[str, str], ...] = ()   # other columns, in file order, never dropped
    # What the reader found suspect in the row (a coordinate that is no number, an ambiguous
    # "35,500"): such a row is kept, but goes to review rather than onto the map.
    doubts: tuple[str, ...] = ()
    date_end: str = ""             # the last day, when the table gives a range (UCDP's date_end)
    event_label: str = ""          # the table's own name of the type (ACLED's sub_event_type)
    precision: int | None = None   # how precise the table says its point is (1..3, see Located)
    radius_km: float | None = None     # and how far its place may lie from it
    # Why the row could not be read (with --on-bad-rows review): it goes to review only, with
    # every cell that could be read.
    problems: tuple[str, ...] = ()


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
