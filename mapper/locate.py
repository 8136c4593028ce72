"""Incidents + gazetteer -> located incidents and the review report; and the files they go to.

Every incident ends up on the map (`LocateResult.located`), in the review report only
(`review` items with `mapped=False`), or both (mapped with doubt): rows in = rows mapped +
rows only in review, always.

>>> result = locate(read_incidents("seed_incidents.csv"), Gazetteer.bundled())   # doctest: +SKIP
>>> result.summary()                                                               # doctest: +SKIP
'10 rows read, 10 mapped, 0 sent to review'
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from gazetteer import MIN_SCORE, Gazetteer, HintError, Match, Place, distance_km

from .errors import OutputError
from .incidents import REGION
from .model import Incident, Located, ReviewItem
from .output import atomic_write, write_csv, write_text

__all__ = ["LOW_SCORE", "REASON_IMPLAUSIBLE", "LocateResult", "implausible", "Resolution", "geo_precision", "locate", "located_records",
           "resolve_row", "write_located",
           "write_review", "INCIDENT_COLUMNS", "LOCATED_COLUMNS", "REVIEW_COLUMNS"]

LOW_SCORE = 0.75
SUGGESTIONS = 5

# Syria and Iraq with a margin: a given point outside it whose swap falls inside is mapped as
# given, but sent to review (the table may be right, e.g. a strike in southern Turkey).
CORE = (35.4, 48.9, 29.0, 37.6)   # lon_min, lon_max, lat_min, lat_max

REASON_UNRESOLVED = "unresolved"
REASON_AMBIGUOUS = "ambiguous"
REASON_LOW_SCORE = "low score"
REASON_SWAPPED = "lat and lon may be swapped"
REASON_HINT = "unknown hint"
REASON_ADMIN1 = "admin1 disagrees"
# A value no report of a strike can hold (a date to come, 25:99, a point in the Atlantic, a
# coordinate that is no number): the row is kept for review, never drawn.
REASON_IMPLAUSIBLE = "implausible"
EARLIEST_YEAR = 1900
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")

INCIDENT_FIELDS = ("row", "id", "date", "date_precision", "time", "location", "event_type",
                   "actor", "target", "outcome", "fatalities", "injuries", "country", "admin1",
                   "description", "source", "source_url", "notes")
# The input's own admin columns are kept beside the ones found from the point.
GIVEN = {"admin1": "admin1_given", "admin2": "admin2_given"}
INCIDENT_COLUMNS = tuple(GIVEN.get(f, f) for f in INCIDENT_FIELDS)
LOCATED_COLUMNS = ("lat", "lon", "place_id", "place_name", "method", "score", "radius_km",
                   "precision", "admin1", "admin1_name", "admin2_name")
REVIEW_COLUMNS = ("row", "location", "reason", "mapped", "candidates", "place_id", "place_name",
                  "lat", "lon")


@dataclass(frozen=True, slots=True)
class LocateResult:
    """Where each incident went: `located` (on the map) and `review` (to be looked at).

    `read` is the number of incidents given to `locate`; it always equals
    len(located) + the review items with mapped=False.
    """

    located: list[Located]
    review: list[ReviewItem]
    read: int

    @property
    def unmapped(self) -> list[ReviewItem]:
        """Review items whose incident is not on the map."""
        return [item for item in self.review if not item.mapped]

    def reasons(self) -> Counter[str]:
        """How many review items give each reason (an item may give several)."""
        return Counter(r.split(" (")[0] for item in self.review for r in item.reason.split("; "))

    def summary(self) -> str:
        """One line: "12 rows read, 11 mapped, 2 sent to review (1 unresolved, 1 ambiguous)"."""
        line = f"{self.read} rows read, {len(self.located)} mapped, {len(self.review)} sent to review"
        reasons = self.reasons()
        if reasons:
            order = [REASON_UNRESOLVED, REASON_IMPLAUSIBLE, REASON_AMBIGUOUS, REASON_LOW_SCORE,
                     REASON_HINT, REASON_ADMIN1, REASON_SWAPPED]
            ranked = sorted(reasons, key=lambda r: (order.index(r) if r in order else len(order), r))
            line += " (" + ", ".join(f"{reasons[r]} {r}" for r in ranked) + ")"
        return line


def geo_precision(place: Place) -> int:
    """ACLED-style geo-precision of a point drawn at a place.

    1 the site or town itself (a settlement or site of radius <= 5 km); 2 near it or a
    district (admin2, or radius 5..25 km); 3 a governorate, region or country.
    """
    if place.kind in ("admin1", "region", "country") or place.radius_km > 25:
        return 3
    if place.kind == "admin2" or place.radius_km > 5:
        return 2
    return 1


@dataclass(frozen=True, slots=True)
class Resolution:
    """A name resolved with a row's hints: the match (None when no place is an answer), the
    candidates, and the hints that named nothing and were left out."""

    match: Match | None
    candidates: tuple[Match, ...]
    bad_hints: tuple[str, ...] = ()

    @property
    def doubts(self) -> list[str]:
        """Why a mapped row needs a look: ambiguous, low score, an unknown hint."""
        reasons = []
        if self.match is not None and self.match.ambiguous:
            reasons.append(REASON_AMBIGUOUS)
        if self.match is not None and self.match.score < LOW_SCORE:
            reasons.append(REASON_LOW_SCORE)
        if self.bad_hints:
            details = " / ".join(h.replace("; ", ", ") for h in self.bad_hints)
            reasons.append(f"{REASON_HINT} ({details})")
        return reasons


def resolve_row(gazetteer: Gazetteer, name: str, *, country: str | None = None,
                admin1: str | None = None, countries: Sequence[str] | None = None) -> Resolution:
    """Resolve a row's place name with its hints. A hint that names no known country or
    governorate is left out and reported, so that one odd cell never stops a table."""
    bad = []
    try:
        country = gazetteer.country_code(country) if country else None
    except HintError as exc:
        bad.append(str(exc))
        country = None
    try:
        admin1 = gazetteer.admin1_code(admin1, country) if admin1 else None
    except HintError as exc:
        bad.append(str(exc))
        admin1 = None
    if not name.strip():
        return Resolution(None, (), tuple(bad))
    found = gazetteer.candidates(name, country=country, admin1=admin1, countries=countries)
    if found and found[0].score >= MIN_SCORE:
        return Resolution(found[0], found[0].candidates, tuple(bad))
    return Resolution(None, tuple(found), tuple(bad))


def implausible(incident: Incident, today: dt.date | None = None) -> list[str]:
    """Why a row cannot be what it says: what the reader doubted, a date after `today` (by
    more than a day, for time zones) or before EARLIEST_YEAR, a clock time past 23:59, given
    coordinates outside the region the tool maps (incidents.REGION). Empty when plausible.

    >>> implausible(Incident(row=2, date="2099-01-01", date_precision="day", location="x"))
    ['date 2099-01-01 is in the future']
    """
    reasons = list(incident.doubts)
    today = today or dt.date.today()
    try:
        year, month, day = (int(p) for p in (incident.date.split("-") + ["1", "1"])[:3])
        first = dt.date(year, month, day)
    except ValueError:
        first = None   # not a date the reader gave; nothing to say about it here
    if first is not None and first > today + dt.timedelta(days=1):
        reasons.append(f"date {incident.date} is in the future")
    elif first is not None and first.year < EARLIEST_YEAR:
        reasons.append(f"date {incident.date} is before {EARLIEST_YEAR}")
    clock = _CLOCK.match(incident.time.strip())
    if clock and (int(clock[1]) > 23 or int(clock[2]) > 59 or int(clock[3] or 0) > 59):
        reasons.append(f"time {incident.time!r} is no time of day")
    if incident.lat is not None and incident.lon is not None:
        lon_min, lon_max, lat_min, lat_max = REGION
        if not (lat_min <= incident.lat <= lat_max and lon_min <= incident.lon <= lon_max):
            reasons.append(f"point ({incident.lat:g}, {incident.lon:g}) is far outside the "
                           f"region mapped, lat {lat_min:g}..{lat_max:g} and lon {lon_min:g}..{lon_max:g}")
    return reasons


def locate(incidents: Iterable[Incident], gazetteer: Gazetteer, *,
           countries: Sequence[str] | None = None, today: dt.date | None = None) -> LocateResult:
    """Put each incident on the map: given coordinates as they are, else its location resolved
    with the row's own country and admin1 hints, in the working area `countries` (Syria and
    Iraq by default). Doubtful and unresolved rows go to review; implausible ones (see
    `implausible`; `today` is the date future dates are judged by) go there only."""
    located: list[Located] = []
    review: list[ReviewItem] = []
    read = 0
    today = today or dt.date.today()
    for incident in incidents:
        read += 1
        doubts = implausible(incident, today)
        if doubts:
            review.append(ReviewItem(incident, f"{REASON_IMPLAUSIBLE} ({' / '.join(doubts)})", False))
            continue
        if incident.lat is not None and incident.lon is not None:
            located.append(_given(incident, gazetteer))
            if _looks_swapped(incident.lat, incident.lon):
                review.append(ReviewItem(incident, REASON_SWAPPED, True))
            continue
        found = resolve_row(gazetteer, incident.location, country=incident.country or None,
                            admin1=incident.admin1 or None, countries=countries)
        match = found.match
        if match is None:
            reasons = [REASON_UNRESOLVED, *found.doubts]
            review.append(ReviewItem(incident, "; ".join(reasons), False,
                                     tuple(describe(m) for m in found.candidates[:SUGGESTIONS])))
            continue
        place = match.place
        located.append(Located(incident, place.lat, place.lon, place.id, place.name, match.method,
                               match.score, place.radius_km, geo_precision(place)))
        if found.doubts:
            shown = (match, *match.candidates)[:SUGGESTIONS + 1]
            review.append(ReviewItem(incident, "; ".join(found.doubts), True,
                                     tuple(describe(m) for m in shown)))
    located, disagree = _in_areas(located, gazetteer)
    for incident, reason in disagree:
        review = _with_reason(review, incident, reason)
    result = LocateResult(located, review, read)
    if read != len(located) + len(result.unmapped):
        raise RuntimeError(f"{read} rows in, {len(located)} mapped and "
                           f"{len(result.unmapped)} only in review")  # a bug, not the user's
    return result


def _in_areas(located: list[Located], gazetteer: Gazetteer
              ) -> tuple[list[Located], list[tuple[Incident, str]]]:
    """The governorate and district of every point, from the bundled boundaries, and the rows
    whose own admin1 names another governorate than the point lies in, beyond its radius."""
    if not located:
        return located, []
    areas = gazetteer.areas()
    hits = areas.locate_many([r.lat for r in located], [r.lon for r in located])
    out, disagree = [], []
    for r, hit in zip(located, hits):
        place = gazetteer.get(r.place_id) if r.place_id else None
        admin1 = hit.admin1 if hit else (place.admin1 if place else "")
        area1 = areas.area(admin1) if admin1 else None
        own = areas.area(place.id) if place is not None and place.kind == "admin2" else None
        district = ""
        if own is not None:
            district = own.name  # a district's seat may lie just outside its polygon
        elif hit is not None and r.precision < 3:
            district = hit.admin2_name
        out.append(replace(r, admin1=admin1, admin1_name=area1.name if area1 else "",
                           admin2_name=district))
        given = _admin1_given(gazetteer, r.incident.admin1)
        if given and admin1 and given != admin1 and areas.area(given) \
                and areas.distance_km(given, r.lat, r.lon) > r.radius_km:
            disagree.append((r.incident, f"{REASON_ADMIN1} (given {r.incident.admin1}, "
                                         f"the point lies in {admin1})"))
    return out, disagree


def _admin1_given(gazetteer: Gazetteer, admin1: str) -> str:
    try:
        return gazetteer.admin1_code(admin1) if admin1 else ""
    except HintError:
        return ""  # already reported as an unknown hint


def _with_reason(review: list[ReviewItem], incident: Incident, reason: str) -> list[ReviewItem]:
    """`review` with one more reason for a mapped incident (joined to its item, if it has one)."""
    for k, item in enumerate(review):
        if item.incident is incident:
            review[k] = replace(item, reason=f"{item.reason}; {reason}")
            return review
    review.append(ReviewItem(incident, reason, True))
    return review


def _given(incident: Incident, gazetteer: Gazetteer) -> Located:
    """A row with coordinates. When it also names a known `place_id` at that point (as
    `extract` and `write_located` write), the place's name, radius and precision come along."""
    if incident.lat is None or incident.lon is None:
        raise ValueError(f"row {incident.row} has no coordinates")  # a bug: callers check
    lat, lon = incident.lat, incident.lon
    place_id = dict(incident.extra).get("place_id", "")
    place = gazetteer.get(place_id) if place_id else None
    if place is None or distance_km(place.lat, place.lon, lat, lon) > 1.0:
        return Located(incident, lat, lon)
    return Located(incident, lat, lon, place.id, place.name, "given", 1.0,
                   place.radius_km, geo_precision(place))


def _looks_swapped(lat: float, lon: float) -> bool:
    lon_min, lon_max, lat_min, lat_max = CORE
    inside = lat_min <= lat <= lat_max and lon_min <= lon <= lon_max
    swap_inside = lat_min <= lon <= lat_max and lon_min <= lat <= lon_max
    return not inside and swap_inside


def describe(match: Match) -> str:
    """ "name (id, score)", the form candidates take in the review report."""
    return f"{match.place.name} ({match.place.id}, {match.score:.2f})"


# --- files -------------------------------------------------------------------------------------

def located_records(result: LocateResult) -> tuple[list[str], list[dict[str, object]]]:
    """The located incidents as records: every incident field (the input's admin1 as
    admin1_given), where and how each was placed, and the extra columns under their own
    names (prefixed `extra.` where one would clash); with the column order."""
    extra = _extra_columns(item.incident for item in result.located)
    columns = [*INCIDENT_COLUMNS, *LOCATED_COLUMNS]
    renamed = {key: _free_key(key, columns) for key in extra}
    records = []
    for item in result.located:
        record = _located_row(item)
        values = dict(reversed(item.incident.extra))   # the first of two same-named columns wins
        record.update((renamed[key], values.get(key, "")) for key in extra)
        records.append(record)
    return [*columns, *renamed.values()], records


def write_located(result: LocateResult, path: str | Path, *, raw_cells: bool = False) -> None:
    """Write the mapped incidents as GeoJSON (.geojson, .json) or CSV (.csv, .tsv), with the
    columns of `located_records`. CSV is written with a BOM so that spreadsheet programs read
    the Arabic right, and with its cells made safe to open (`output.csv_cell`) unless
    `raw_cells`. Written whole or not at all (`mapper.output`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    columns, records = located_records(result)
    if suffix in (".geojson", ".json"):
        features = []
        for record in records:
            lat, lon = record.pop("lat"), record.pop("lon")
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                             "properties": record})
        # One feature a line: readable in a diff, and json's fast (non-indenting) encoder.
        lines = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
        write_text(path, '{"type": "FeatureCollection", "features": [\n' + lines + "\n]}\n")
    elif suffix in (".csv", ".tsv"):
        _write_csv(path, columns, [[r[c] for c in columns] for r in records],
                   "\t" if suffix == ".tsv" else ",", raw_cells)
    else:
        raise OutputError(f"{path}: cannot write located incidents as {suffix or '(no extension)'!r}; "
                          "use .geojson, .json, .csv or .tsv")


def write_review(result: LocateResult, path: str | Path, *, raw_cells: bool = False) -> None:
    """Write the review report as CSV: row, location, reason, mapped, candidates, the place and
    point it was mapped to (if any), then every incident field and extra column; cells made
    safe to open unless `raw_cells`, and written whole or not at all, as `write_located`."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".tsv"):
        raise OutputError(f"{path}: the review report is written as .csv or .tsv, "
                          f"not {path.suffix or '(no extension)'!r}")
    mapped_to = {id(item.incident): item for item in result.located}
    extra = _extra_columns(item.incident for item in result.review)
    incident_columns = [c for c in INCIDENT_COLUMNS if c not in ("row", "location")]
    columns = [*REVIEW_COLUMNS, *incident_columns]
    rows = []
    for item in result.review:
        at = mapped_to.get(id(item.incident))
        fields = _incident_row(item.incident)
        rows.append([item.incident.row, item.incident.location, item.reason,
                     "yes" if item.mapped else "no", "; ".join(item.candidates),
                     at.place_id if at else "", at.place_name if at else "",
                     round(at.lat, 6) if at else "", round(at.lon, 6) if at else "",
                     *(fields[c] for c in incident_columns), *_extra_cells(item.incident, extra)])
    _write_csv(path, [*columns, *(_free_key(k, columns) for k in extra)], rows,
               "\t" if path.suffix.lower() == ".tsv" else ",", raw_cells)


def _incident_row(incident: Incident) -> dict[str, object]:
    return {GIVEN.get(f, f): ("" if getattr(incident, f) is None else getattr(incident, f))
            for f in INCIDENT_FIELDS}


def _located_row(item: Located) -> dict[str, object]:
    return {**_incident_row(item.incident), "lat": round(item.lat, 6), "lon": round(item.lon, 6),
            "place_id": item.place_id, "place_name": item.place_name, "method": item.method,
            "score": round(item.score, 3), "radius_km": item.radius_km,
            "precision": item.precision, "admin1": item.admin1, "admin1_name": item.admin1_name,
            "admin2_name": item.admin2_name}


def _extra_columns(incidents: Iterable[Incident]) -> list[str]:
    """The extra column names of all incidents, in order of first appearance."""
    seen: dict[str, None] = {}
    for incident in incidents:
        for key, _ in incident.extra:
            seen.setdefault(key, None)
    return list(seen)


def _extra_cells(incident: Incident, columns: Sequence[str]) -> list[str]:
    values = dict(reversed(incident.extra))   # the first of two same-named columns wins
    return [values.get(c, "") for c in columns]


def _free_key(key: str, taken: Sequence[str]) -> str:
    """An extra column's name, prefixed when it would clash with a standard one."""
    key = GIVEN.get(key.lower(), key)
    return f"extra.{key}" if key in taken else key


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]],
               delimiter: str, raw_cells: bool) -> None:
    with atomic_write(path, "w", encoding="utf-8-sig", newline="") as f:
        write_csv(f, itertools.chain([header], rows), raw=raw_cells, delimiter=delimiter)
