"""Merging reports into incidents: the drafts of one strike, from several documents, become one row.

An archive reports most incidents more than once: two outlets the same evening, a wire story
the next morning that says only "yesterday", a monitor's summary that names the governorate
where a local outlet names the town. This module decides which drafts (`mapper.extract`
Incidents, one per document and strike, with their document's id) are one incident, and
reconciles them into one Incident. It is pure: records in, records out; `mapper.corpus`
runs it on a Dask cluster block by block.

When two reports may be one incident (`may_be_one`), all of these hold:

- **other documents**: a document that reports two strikes has told them apart already;
- **type family**: the same TYPE_FAMILIES entry (air: air strikes and drones; fire: rockets,
  missiles and shelling; ground: IEDs and clashes); "other" (an unspecified attack) fits any;
- **place**: the same place id; or points no farther apart than the larger of their radii
  (at least PLACE_TOLERANCE_KM) and in the same governorate when both say one; a governorate
  holds every place of its own (a governorate-level report fits a town-level one there);
- **time**: on the same day, parts of the day no more than TIME_TOLERANCE_HOURS apart (a
  report that gives no part of the day fits any); on days DATE_WINDOW_DAYS apart only
  across midnight, both parts given ("late on the 2nd" and "before dawn on the 3rd"). A
  date the extractor only assumed (WEAK_DATE_NOTE: the publication date, for a text that
  gave none) fits the same day or the DATE_WINDOW_DAYS before it. A date known only to the
  month fits any day of that month.

How reports are grouped (`merge_reports`): in the order of PRIORITY (day dates the text
stated first, then assumed dates, then months; within each, the most specific place first:
site, settlement, region, district, governorate), each report joins the one incident all of
whose reports it may be one with. When there is none it starts an incident; when there are
several it starts one too, noted as possibly the same as another row: a report that fits
two strikes (a base hit in the morning and again in the evening, and a third report that
gives no time) is not guessed into either. So daily attacks on one base stay apart (their
dates differ and no part of the day bridges midnight), and two strikes on one base on one
day stay apart when their type families or their parts of the day differ.

How an incident row is reconciled (`reconcile`):

- place: the most specific report's (then the smallest radius, then the most reports);
- date and time: the day most reports state (assumed dates count last), the earliest on a tie;
  the part of the day most reports give;
- type: the most reported specific type ("other" only when no report is more precise), on a
  tie the type of the report whose place the incident takes;
- outcome: the one most reports give among hit and intercepted; a tie is "unknown", and
  the notes say that the sources disagree;
- tolls: the highest reported (`fatalities`, `injuries`), with the lowest kept beside it
  (`fatalities_min`, `injuries_min`): the range of what was reported;
- sources: every source URL (`source_urls`) and document id (`document_ids`), in the order of
  the reports' documents; `source_url` is the first, `source` the outlets' host names.

Partitioning: an incident's reports lie within DATE_WINDOW_DAYS of one another (within the
month for month-level reports), so the merge runs by calendar month (`block_of`): each block's
task reads its month's reports and those within HALO_DAYS of it, groups them all, and keeps
the incidents whose first report (in PRIORITY order) is of its own month. The union of the
blocks' rows is exactly what `merge_reports` gives over the whole table.

>>> a = Incident(id="d1#1", document_id="d1", date="2024-01-02", place_id="site:x", event_type="rocket")
>>> b = Incident(id="d2#1", document_id="d2", date="2024-01-02", place_id="site:x", event_type="missile")
>>> [incident.document_ids for incident in merge_reports([a, b])]
[('d1', 'd2')]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gazetteer import distance_km

from .errors import InputError
from .model import MERGED_COLUMNS, SCHEMA, Incident
from .vocabulary import EVENT_TYPES, OTHER

__all__ = ["DATE_WINDOW_DAYS", "HALO_DAYS", "MERGED_COLUMNS", "PLACE_TOLERANCE_KM",
           "TIME_TOLERANCE_HOURS", "TYPE_FAMILIES", "WEAK_DATE_NOTE", "block_of",
           "blocks_of", "merge_block", "merge_reports", "may_be_one", "reconcile", "reports_from_rows"]

# Reports of one incident give dates at most this many days apart (across midnight only).
DATE_WINDOW_DAYS = 1
# Parts of the day that are one moment: "evening" and "night", "dawn" and "morning".
TIME_TOLERANCE_HOURS = 4
# Two points of one place, written from different sources, may lie this far apart.
PLACE_TOLERANCE_KM = 2.0
# A month's merge task also reads the reports this many days before and after the month.
HALO_DAYS = 3

# Event types that reports of one strike confuse with each other.
TYPE_FAMILIES: dict[str, str] = {
    "airstrike": "air", "drone": "air",
    "rocket": "fire", "missile": "fire", "artillery": "fire",
    "ied": "ground", "clash": "ground",
    # The datasets' classes beyond strikes, each a family of its own.
    "chemical": "chemical", "civilians": "civilians", "demonstration": "demonstration",
    "strategic": "strategic",
}
# The hour each part of the day (as `extract` writes it) stands for.
HOURS_OF_DAY: dict[str, int] = {
    "before dawn": 3, "dawn": 5, "morning": 9, "noon": 12, "afternoon": 15, "evening": 19,
    "night": 23,
}
# How specific a place kind is: the most specific report gives the incident its place.
SPECIFICITY: dict[str, int] = {"site": 5, "settlement": 4, "region": 3, "admin2": 2, "admin1": 1}
# The note `extract` writes on a draft whose date it assumed: the document gave none.
WEAK_DATE_NOTE = "date assumed (publication date)"

_AREAS = ("admin1", "admin2", "region")


# --- what the merge reads of a report ---------------------------------------------------------

def weak_date(r: Incident) -> bool:
    """True when the date is the publication date, assumed for want of one in the text."""
    return WEAK_DATE_NOTE in r.notes


def day_of(r: Incident) -> int | None:
    """The date as a day number, when it is known to the day."""
    if r.date_precision != "day":
        return None
    try:
        return dt.date.fromisoformat(r.date[:10]).toordinal()
    except ValueError:
        return None


def month_of(r: Incident) -> str:
    """"YYYY-MM", or "" when not even the month is known."""
    return r.date[:7] if r.date_precision in ("day", "month") and len(r.date) >= 7 else ""


def hour_of(r: Incident) -> int | None:
    """The hour the part of the day stands for ("before evening": two hours before it)."""
    time = r.time.strip().lower()
    if time in HOURS_OF_DAY:
        return HOURS_OF_DAY[time]
    if time.startswith("before ") and time[7:] in HOURS_OF_DAY:
        return HOURS_OF_DAY[time[7:]] - 2
    return None


def specificity(r: Incident) -> int:
    return SPECIFICITY.get(r.place_kind, 0)


def _radius(r: Incident) -> float:
    return r.radius_km or 0.0


# The fields a drafts table may give, read as their kind of value (the field table's).
_READ = {f.name: f.kind for f in SCHEMA if f.kind in ("text", "int", "float", "texts")}
_NUMBERS: dict[str, type[float] | type[int]] = {"int": int, "float": float}


def reports_from_rows(rows: Iterable[Mapping[str, object]], origin: str = "drafts") -> list[Incident]:
    """Reports (drafts as Incidents) from rows of a drafts table (dicts of the columns
    `mapper.corpus` writes; missing columns take their defaults). Raises InputError naming
    `origin` and the row when a row has no id, document id or date, or a coordinate, radius
    or count that is not a number."""
    reports = []
    for number, row in enumerate(rows, start=1):
        values: dict[str, Any] = {}   # each converted to its field's kind below
        for name, kind in _READ.items():
            value = row.get(name)
            if value is None or isinstance(value, float) and math.isnan(value):
                continue
            if kind in _NUMBERS:
                values[name] = _number(value, _NUMBERS[kind], origin, f"record {number}: {name}")
            elif kind == "texts":
                values[name] = tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else (str(value),)
            else:
                values[name] = str(value)
        missing = [c for c in ("id", "document_id", "date") if not values.get(c)]
        if missing:
            raise InputError(origin, f"record {number}: no {', '.join(missing)} (a draft needs them to be merged)")
        reports.append(Incident(**values))
    return reports


def _number(value: object, kind: type[float] | type[int], origin: str, where: str) -> float | int:
    """A draft's number as `kind`; InputError (a ValueError) when it is none."""
    if not isinstance(value, (int, float, str)):
        raise InputError(origin, f"{where} is {value!r}, not a number")
    try:
        return kind(value)
    except ValueError:
        raise InputError(origin, f"{where} is {value!r}, not a number") from None


# --- when two reports may be one incident ------------------------------------------------------

def family(event_type: str) -> str:
    """The type family of an event type; "other" for an unspecified attack."""
    return TYPE_FAMILIES.get(event_type, OTHER)


def same_family(a: Incident, b: Incident) -> bool:
    fa, fb = family(a.event_type), family(b.event_type)
    return fa == fb or OTHER in (fa, fb)


def same_place(a: Incident, b: Incident) -> bool:
    """One place: the same id, a governorate and a place in it, or points within the larger
    radius (same governorate when both name one)."""
    if a.place_id and a.place_id == b.place_id:
        return True
    if a.admin1 and b.admin1 and a.admin1 != b.admin1:
        return False
    if (a.place_kind == "admin1" and a.admin1) or (b.place_kind == "admin1" and b.admin1):
        return bool(a.admin1 and b.admin1)   # equal, by the test above
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return False
    reach = max(_radius(a), _radius(b), PLACE_TOLERANCE_KM)
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= reach


def same_time(a: Incident, b: Incident) -> bool:
    """Dates and parts of the day that may be one moment (see the module's rules)."""
    da, db = day_of(a), day_of(b)
    if da is None or db is None:
        if a.date_precision == "year" or b.date_precision == "year":
            return False   # a year says too little to merge on
        return bool(month_of(a)) and month_of(a) == month_of(b)
    gap = db - da
    if weak_date(a) or weak_date(b):
        if weak_date(a) and weak_date(b):
            return abs(gap) <= DATE_WINDOW_DAYS
        weak_day, firm_day = (da, db) if weak_date(a) else (db, da)
        back = weak_day - firm_day   # the event is on or before the day it was published
        if not 0 <= back <= DATE_WINDOW_DAYS:
            return False
        return back != 0 or _hours_fit(hour_of(a), hour_of(b), 0)
    if gap == 0:
        return _hours_fit(hour_of(a), hour_of(b), 0)
    if abs(gap) <= DATE_WINDOW_DAYS:
        ha, hb = hour_of(a), hour_of(b)
        return ha is not None and hb is not None and _hours_fit(ha, hb, gap)
    return False


def _hours_fit(ha: int | None, hb: int | None, gap_days: int) -> bool:
    if ha is None or hb is None:
        return True
    return abs(hb + 24 * gap_days - ha) <= TIME_TOLERANCE_HOURS


def may_be_one(a: Incident, b: Incident) -> bool:
    """True when two reports may be of one incident (the module's rules)."""
    return (a.document_id != b.document_id and same_family(a, b) and same_time(a, b)
            and same_place(a, b))


# --- grouping ----------------------------------------------------------------------------------

def priority(r: Incident) -> tuple:
    """The order in which reports are grouped: stated days, then assumed ones, then months and
    years; the most specific place first; then by date and id, so that the result never
    depends on the order of the input."""
    day = day_of(r)
    firmness = 0 if day is not None and not weak_date(r) else 1 if day is not None else 2
    return firmness, -specificity(r), r.date, r.document_id, r.id


@dataclass(slots=True)
class _Group:
    reports: list[Incident]
    ambiguous: int = 0             # how many incidents the first report fitted (it joined none)


# Where a report looks for the incidents it may join: points in a grid of CELL_DEGREES cells
# (the 3 x 3 cells around a point hold every point within CELL_REACH_KM of it), anything wider
# (an area, a place larger than CELL_REACH_KM, a place without coordinates) by governorate.
CELL_DEGREES = 0.5
CELL_REACH_KM = 40.0


def _cell(r: Incident) -> tuple[int, int] | None:
    """The grid cell of a point report, or None for a wide one (see CELL_REACH_KM)."""
    if (r.lat is None or r.lon is None or r.place_kind in _AREAS or _radius(r) > CELL_REACH_KM
            or abs(r.lat) > 44):   # farther north a cell is narrower than CELL_REACH_KM
        return None
    return math.floor(r.lat / CELL_DEGREES), math.floor(r.lon / CELL_DEGREES)


class _Index:
    """The groups by day and place, so that a report is compared with the groups it may join
    and not with every group of its days: an optimisation only, `_group` decides as if it
    compared all of them (`fits` needs every report of a group to be one with the new one,
    and a point within reach shares or neighbours its cell)."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int, int], list[int]] = {}   # (day, cell) -> groups with a point there
        self.wide: dict[tuple[int, str], list[int]] = {}         # (day, admin1) -> groups with a wide report
        self.admin1: dict[tuple[int, str], list[int]] = {}       # (day, admin1) -> every group
        self.days: dict[int, list[int]] = {}                     # day -> every group
        self.months: dict[tuple[str, str], list[int]] = {}       # (month, admin1) -> groups starting then
        self.month_all: dict[str, list[int]] = {}

    def add(self, g: int, r: Incident, first: bool) -> None:
        day, month = day_of(r), month_of(r)
        if first and month:
            self.months.setdefault((month, r.admin1), []).append(g)
            self.month_all.setdefault(month, []).append(g)
        if day is None:
            return
        cell = _cell(r)
        if cell is None:
            self.wide.setdefault((day, r.admin1), []).append(g)
        else:
            self.cells.setdefault((day, *cell), []).append(g)
        self.admin1.setdefault((day, r.admin1), []).append(g)
        self.days.setdefault(day, []).append(g)

    def near(self, r: Incident) -> set[int]:
        day = day_of(r)
        if day is None:
            month = month_of(r)
            if not (month and r.date_precision == "month"):
                return set()
            if not r.admin1:
                return set(self.month_all.get(month, ()))
            return {*self.months.get((month, r.admin1), ()), *self.months.get((month, ""), ())}
        days = range(day - DATE_WINDOW_DAYS, day + DATE_WINDOW_DAYS + 1)
        if not r.admin1:
            return {g for d in days for g in self.days.get(d, ())}
        cell = _cell(r)
        if cell is None:
            return {g for d in days for a in (r.admin1, "") for g in self.admin1.get((d, a), ())}
        found = {g for d in days for a in (r.admin1, "") for g in self.wide.get((d, a), ())}
        y, x = cell
        for d in days:
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    found.update(self.cells.get((d, y + dy, x + dx), ()))
        return found


def _group(reports: Sequence[Incident]) -> list[_Group]:
    groups: list[_Group] = []
    index = _Index()
    for r in sorted(reports, key=priority):
        fits = [g for g in sorted(index.near(r)) if all(may_be_one(r, m) for m in groups[g].reports)]
        if len(fits) == 1:
            g = fits[0]
            groups[g].reports.append(r)
            index.add(g, r, first=False)
        else:
            g = len(groups)
            groups.append(_Group([r], ambiguous=len(fits)))
            index.add(g, r, first=True)
    return groups


def merge_reports(reports: Sequence[Incident]) -> list[Incident]:
    """The incidents of a set of reports, one each (MERGED_COLUMNS), by date and id."""
    merged = [reconcile(g.reports, g.ambiguous) for g in _group(reports)]
    return sorted(merged, key=_by_date)


def block_of(r: Incident) -> str:
    """The merge block ("YYYY-MM", a calendar month) whose task owns an incident that starts
    with this report; "" for a report known only to the year, which merges with nothing."""
    return month_of(r)


def blocks_of(r: Incident) -> tuple[str, ...]:
    """Every block whose task reads this report: its month, and a neighbouring month when the
    report lies within HALO_DAYS of it."""
    day = day_of(r)
    if day is None:
        return (month_of(r),)
    blocks = {month_of(r)}
    for shift in (-HALO_DAYS, HALO_DAYS):
        blocks.add(dt.date.fromordinal(day + shift).isoformat()[:7])
    return tuple(sorted(blocks))


def merge_block(reports: Sequence[Incident], block: str) -> list[Incident]:
    """The incidents of one block: group every report given (the block's own and its halo's,
    see `blocks_of`) and keep the incidents whose first report is of the block's month."""
    kept = []
    for g in _group(reports):
        if block_of(g.reports[0]) == block:
            kept.append(reconcile(g.reports, g.ambiguous))
    return sorted(kept, key=_by_date)


def _by_date(incident: Incident) -> tuple[str, str]:
    return incident.date, incident.id


# --- reconciling an incident's reports into one --------------------------------------------

def reconcile(reports: Sequence[Incident], ambiguous: int = 0) -> Incident:
    """One incident (its columns MERGED_COLUMNS) from its reports (the module's rules); `ambiguous` counts the
    incidents its first report fitted (and so did not join), for the notes."""
    if not reports:
        raise ValueError("an incident needs at least one report")
    ordered = sorted(reports, key=priority)
    here = _place_report(ordered)
    date, precision = _date(ordered)
    notes: list[str] = []

    outcomes = Counter(r.outcome for r in ordered if r.outcome in ("hit", "intercepted"))
    if not outcomes:
        outcome = "unknown"
    elif len(outcomes) == 1 or outcomes.most_common(2)[0][1] > outcomes.most_common(2)[1][1]:
        outcome = outcomes.most_common(1)[0][0]
    else:
        outcome = "unknown"
        notes.append("sources disagree on the outcome (" + ", ".join(
            f"{k} {v}" for k, v in sorted(outcomes.items())) + ")")
    killed = [r.fatalities for r in ordered if r.fatalities is not None]
    wounded = [r.injuries for r in ordered if r.injuries is not None]
    actors = Counter(r.actor for r in ordered if r.actor)
    if len(actors) > 1:
        notes.append("sources name other actors too: " + ", ".join(
            a for a, _ in actors.most_common()[1:]))
    if ambiguous:
        notes.append(f"a report fits {ambiguous} incidents; kept apart, check for a duplicate")
    if len(reports) > 1:
        notes.append(f"merged from {len(reports)} reports")
    for r in ordered:
        for note in r.notes.split("; "):
            if not note or note in notes or note.startswith("date assumed"):
                continue
            if r is not here and note.startswith("location "):
                continue   # about a place the incident did not take
            notes.append(note)

    documents = list(dict.fromkeys(r.document_id for r in sorted(ordered, key=_source_order)))
    urls = list(dict.fromkeys(r.source_url for r in sorted(ordered, key=_source_order) if r.source_url))
    hosts = list(dict.fromkeys(_host(u) for u in urls if _host(u)))
    ids = sorted(r.id for r in ordered)
    return Incident(
        id="incident-" + hashlib.sha1("\n".join(ids).encode("utf-8")).hexdigest()[:12],
        date=date,
        date_precision=precision,
        time=_most_common([r.time for r in ordered if r.time and r.date == date]),
        location=here.location,
        lat=here.lat,
        lon=here.lon,
        place_id=here.place_id,
        place_name=here.place_name,
        place_kind=here.place_kind,
        radius_km=_radius(here),
        country=here.country,
        admin1=here.admin1 or _most_common([r.admin1 for r in ordered if r.admin1]),
        event_type=_event_type(ordered, here),
        actor=actors.most_common(1)[0][0] if actors else "",
        target=here.target or _most_common([r.target for r in ordered if r.target]),
        outcome=outcome,
        fatalities=max(killed) if killed else None,
        fatalities_min=min(killed) if killed else None,
        injuries=max(wounded) if wounded else None,
        injuries_min=min(wounded) if wounded else None,
        description=here.description,
        evidence=here.evidence,
        source=", ".join(hosts),
        source_url=urls[0] if urls else "",
        source_urls=tuple(urls),
        document_ids=tuple(documents),
        draft_ids=tuple(ids),
        reports=len(reports),
        notes="; ".join(notes),
    )


def _source_order(r: Incident) -> tuple:
    return r.published or r.date, r.document_id, r.id


def _place_report(ordered: Sequence[Incident]) -> Incident:
    """The report whose place the incident takes: the most specific, then the smallest
    radius, then the place most reports name."""
    named = Counter(r.place_id for r in ordered)
    return min(ordered, key=lambda r: (-specificity(r), r.radius_km or math.inf, -named[r.place_id],
                                       r.document_id, r.id))


def _date(ordered: Sequence[Incident]) -> tuple[str, str]:
    """The day most reports state (assumed dates count only when none is stated), the
    earliest on a tie; else the month."""
    stated = [r.date for r in ordered if day_of(r) is not None and not weak_date(r)]
    days = stated or [r.date for r in ordered if day_of(r) is not None]
    if days:
        counts = Counter(days)
        best = max(counts.values())
        return min(d for d, n in counts.items() if n == best), "day"
    first = ordered[0]
    return first.date, first.date_precision


def _event_type(ordered: Sequence[Incident], here: Incident) -> str:
    """The specific type most reports give; on a tie, the place report's, else the first in
    EVENT_TYPES."""
    counts = Counter(r.event_type for r in ordered if r.event_type != OTHER)
    if not counts:
        return OTHER
    best = max(counts.values())
    tied = [t for t, n in counts.items() if n == best]
    if here.event_type in tied:
        return here.event_type
    return min(tied, key=lambda t: EVENT_TYPES.index(t) if t in EVENT_TYPES else len(EVENT_TYPES))


def _most_common(values: Sequence[str]) -> str:
    if not values:
        return ""
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host
