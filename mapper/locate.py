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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np

from gazetteer import MIN_SCORE, Gazetteer, HintError, Match, Place

from .columns import IncidentColumns, LazySequence, distinct, take_rows
from .errors import OutputError
from .model import SCHEMA, Incident, Located, ReviewItem
from .output import atomic_write, write_csv, write_text
from .profiles import PRECISION_RADIUS_KM
from .validate import REGION

__all__ = ["INCIDENT_COLUMNS", "LOCATED_COLUMNS", "LOW_SCORE", "REASON_IMPLAUSIBLE",
           "REASON_UNREADABLE", "REVIEW_COLUMNS", "LocateResult", "Resolution", "geo_precision",
           "implausible", "locate", "located_records", "resolve_row", "write_located",
           "write_review"]

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
# A row the reader could not read (kept with on_bad_rows="review"): review only, its problems said.
REASON_UNREADABLE = "unreadable"
EARLIEST_YEAR = 1900
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")

# The incident's own columns of the located and review files (the field table's `written`).
INCIDENT_FIELDS = tuple(f.name for f in SCHEMA if f.written)
# The input's own admin columns are kept beside the ones found from the point.
GIVEN = {"admin1": "admin1_given", "admin2": "admin2_given"}
INCIDENT_COLUMNS = tuple(GIVEN.get(f, f) for f in INCIDENT_FIELDS)
LOCATED_COLUMNS = ("lat", "lon", "place_id", "place_name", "method", "score", "radius_km",
                   "precision", "admin1", "admin1_name", "admin2_name")
REVIEW_COLUMNS = ("row", "location", "reason", "mapped", "candidates", "place_id", "place_name",
                  "lat", "lon")


class ReviewList(LazySequence[ReviewItem]):
    """The review items of a locate over columns, in order: each item (and its Incident) is
    made only when it is asked for, and once; its reason, whether it is mapped and where are
    known without it. A map of a million rows by name sends a third of them to review
    (ambiguous), and needs no more of them than how many there are and why.

    `positions`: each item's row position in `incidents`; `located_at`: its index among the
    located rows (-1: none).
    """

    def __init__(self, incidents: IncidentColumns, positions: Sequence[int], reasons: Sequence[str],
                 mapped: Sequence[bool], located_at: Sequence[int],
                 candidates: Sequence[tuple[str, ...]]) -> None:
        self.incidents = incidents
        self.positions = list(positions)
        self.reasons = list(reasons)
        self.on_map = list(mapped)
        self.located_at = list(located_at)
        self.candidates = list(candidates)
        self._made: dict[int, ReviewItem] = {}
        self.placed: dict[int, int] = {}   # id of a made item's incident -> its located index

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, i: int) -> ReviewItem: ...

    @overload
    def __getitem__(self, i: slice) -> list[ReviewItem]: ...

    def __getitem__(self, i: int | slice) -> ReviewItem | list[ReviewItem]:
        if isinstance(i, slice):
            return self._items(range(*i.indices(len(self))))
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._items([i])[0]

    def __iter__(self) -> Iterator[ReviewItem]:
        return iter(self._items(range(len(self))))

    def __repr__(self) -> str:
        return f"ReviewList({len(self)} review items)"

    def mapped(self, i: int) -> bool:
        """Whether item i's incident is on the map too (without making the item)."""
        return self.on_map[i]

    def _items(self, wanted: Iterable[int]) -> list[ReviewItem]:
        wanted = list(wanted)
        new = [i for i in wanted if i not in self._made]
        if new:   # their incidents made at once: far faster than one by one
            incidents = self.incidents.incidents_at([self.positions[i] for i in new])
            for i, incident in zip(new, incidents):
                self._made[i] = ReviewItem(incident, self.reasons[i], self.on_map[i], self.candidates[i])
                if self.located_at[i] >= 0:
                    self.placed[id(incident)] = self.located_at[i]
        return [self._made[i] for i in wanted]


@dataclass(frozen=True, slots=True)
class LocateResult:
    """Where each incident went: `located` (on the map) and `review` (to be looked at).

    `read` is the number of incidents given to `locate`; it always equals
    len(located) + the review items with mapped=False.
    """

    located: Sequence[Located]
    review: Sequence[ReviewItem]
    read: int

    def located_of(self, item: ReviewItem) -> Located | None:
        """The Located of a review item's incident, when it is on the map as well."""
        if isinstance(self.review, ReviewList):
            i = self.review.placed.get(id(item.incident))
        else:
            i = {id(r.incident): k for k, r in enumerate(self.located)}.get(id(item.incident))
        return None if i is None else self.located[i]

    @property
    def unmapped(self) -> list[ReviewItem]:
        """Review items whose incident is not on the map."""
        review = self.review
        if isinstance(review, ReviewList):
            return review._items(i for i in range(len(review)) if not review.mapped(i))
        return [item for item in review if not item.mapped]

    def reasons(self) -> Counter[str]:
        """How many review items give each reason (an item may give several)."""
        review = self.review
        texts = review.reasons if isinstance(review, ReviewList) else [item.reason for item in review]
        counts: Counter[str] = Counter()
        for text, n in Counter(texts).items():   # a reason said by many rows is split once
            for r in text.split("; "):
                counts[r.split(" (")[0]] += n
        return counts

    def summary(self) -> str:
        """One line: "12 rows read, 11 mapped, 2 sent to review (1 unresolved, 1 ambiguous)"."""
        line = f"{self.read} rows read, {len(self.located)} mapped, {len(self.review)} sent to review"
        reasons = self.reasons()
        if reasons:
            order = [REASON_UNREADABLE, REASON_UNRESOLVED, REASON_IMPLAUSIBLE, REASON_AMBIGUOUS,
                     REASON_LOW_SCORE, REASON_HINT, REASON_ADMIN1, REASON_SWAPPED]
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
    country, admin1, bad = _hints(gazetteer, country, admin1)
    return _resolution(gazetteer, name, country, admin1, bad, countries)


def _hints(gazetteer: Gazetteer, country: str | None, admin1: str | None
           ) -> tuple[str | None, str | None, tuple[str, ...]]:
    """A row's country and admin1 hints as codes, and the ones that named nothing."""
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
    return country, admin1, tuple(bad)


def _resolution(gazetteer: Gazetteer, name: str, country: str | None, admin1: str | None,
                bad: tuple[str, ...], countries: Sequence[str] | None) -> Resolution:
    if not name.strip():
        return Resolution(None, (), bad)
    found = gazetteer.candidates(name, country=country, admin1=admin1, countries=countries)
    if found and found[0].score >= MIN_SCORE:
        return Resolution(found[0], found[0].candidates, bad)
    return Resolution(None, tuple(found), bad)


def implausible(incident: Incident, today: dt.date | None = None) -> list[str]:
    """Why a row cannot be what it says: what the reader doubted, a date after `today` (by
    more than a day, for time zones) or before EARLIEST_YEAR, a clock time past 23:59, given
    coordinates outside the region the tool maps (incidents.REGION). Empty when plausible.

    >>> implausible(Incident(row=2, date="2099-01-01", date_precision="day", location="x"))
    ['date 2099-01-01 is in the future']
    """
    reasons = list(incident.doubts)
    today = today or dt.date.today()
    for said in (_date_doubt(incident.date, today + dt.timedelta(days=1)), _time_doubt(incident.time)):
        if said:
            reasons.append(said)
    if incident.lat is not None and incident.lon is not None:
        lon_min, lon_max, lat_min, lat_max = REGION
        if not (lat_min <= incident.lat <= lat_max and lon_min <= incident.lon <= lon_max):
            reasons.append(f"point ({incident.lat:g}, {incident.lon:g}) is far outside the "
                           f"region mapped, lat {lat_min:g}..{lat_max:g} and lon {lon_min:g}..{lon_max:g}")
    return reasons


def locate(incidents: Iterable[Incident] | IncidentColumns, gazetteer: Gazetteer, *,
           countries: Sequence[str] | None = None, today: dt.date | None = None) -> LocateResult:
    """Put each incident on the map: given coordinates as they are, else its location resolved
    with the row's own country and admin1 hints, in the working area `countries` (Syria and
    Iraq by default). Doubtful and unresolved rows go to review; implausible ones (see
    `implausible`; `today` is the date future dates are judged by) and unreadable ones (read
    with on_bad_rows="review") go there only.

    Works on columns (`incidents.read_incident_columns`) as on Incident objects: each name is
    resolved once per distinct (name, country, admin1), and the governorate of every point is
    found in one vectorised call, so that a million rows locate in seconds."""
    columns = incidents if isinstance(incidents, IncidentColumns) else \
        IncidentColumns.from_incidents(list(incidents))
    return _Locator(columns, gazetteer, countries, today or dt.date.today()).run()


class _Locator:
    """One locate: the steps of `locate`, each over whole columns."""

    def __init__(self, columns: IncidentColumns, gazetteer: Gazetteer,
                 countries: Sequence[str] | None, today: dt.date) -> None:
        self.cols, self.gazetteer, self.countries, self.today = columns, gazetteer, countries, today
        self.n = len(columns)
        # per row position: the review reason and whether the row is mapped all the same
        self.reasons: dict[int, tuple[str, bool, tuple[str, ...]]] = {}
        self.mapped = np.zeros(self.n, dtype=bool)
        self.lat = np.full(self.n, np.nan)
        self.lon = np.full(self.n, np.nan)
        self.score = np.ones(self.n)
        self.radius = np.zeros(self.n)
        self.precision = np.ones(self.n, dtype=np.int8)
        self.method = np.zeros(self.n, dtype=np.int32)       # into self.methods
        self.methods = ["given"]
        self.place = np.full(self.n, -1, dtype=np.int64)      # into self.places
        self.places: list[Place] = []

    def place_code(self, place: Place) -> int:
        if not hasattr(self, "_place_codes"):
            self._place_codes: dict[str, int] = {}
        code = self._place_codes.get(place.id)
        if code is None:
            code = self._place_codes[place.id] = len(self.places)
            self.places.append(place)
        return code

    def method_code(self, method: str) -> int:
        if method not in self.methods:
            self.methods.append(method)
        return self.methods.index(method)

    def run(self) -> LocateResult:
        cols = self.cols
        open_ = np.ones(self.n, dtype=bool)
        for k, problems in cols.problems.items():
            self.reasons[k] = (f"{REASON_UNREADABLE} ({' / '.join(problems)})", False, ())
            open_[k] = False
        for k, doubts in self._implausible(open_).items():
            self.reasons[k] = (f"{REASON_IMPLAUSIBLE} ({' / '.join(doubts)})", False, ())
            open_[k] = False
        given = open_ & ~np.isnan(cols.lat)
        self._given(np.flatnonzero(given))
        self._named(np.flatnonzero(open_ & ~given))
        located = np.flatnonzero(self.mapped)
        areas = self._areas(located)
        result = self._result(located, areas)
        if self.n != len(result.located) + len(result.unmapped):
            raise RuntimeError(f"{self.n} rows in, {len(result.located)} mapped and "
                               f"{len(result.unmapped)} only in review")  # a bug, not the user's
        return result

    # -- review only --

    def _implausible(self, open_: np.ndarray) -> dict[int, list[str]]:
        """`implausible` of every open row, a distinct date or time at a time."""
        cols, found = self.cols, {}
        for k, doubts in cols.doubts.items():
            if open_[k]:
                found[k] = list(doubts)
        late = self.today + dt.timedelta(days=1)
        dates, codes = _distinct_text(cols.text["date"])
        said = [_date_doubt(d, late) for d in dates]
        times, time_codes = _distinct_text(cols.text["time"])
        clock = [_time_doubt(t) for t in times]
        lon_min, lon_max, lat_min, lat_max = REGION
        with np.errstate(invalid="ignore"):
            far = ~np.isnan(cols.lat) & ~((lat_min <= cols.lat) & (cols.lat <= lat_max)
                                           & (lon_min <= cols.lon) & (cols.lon <= lon_max))
        bad_date = np.array([d is not None for d in said], dtype=bool)[codes]
        bad_time = np.array([t is not None for t in clock], dtype=bool)[time_codes]
        for k in np.flatnonzero(open_ & (bad_date | bad_time | far)).tolist():
            reasons = found.setdefault(k, [])
            if bad_date[k]:
                reasons.append(said[codes[k]])
            if bad_time[k]:
                reasons.append(clock[time_codes[k]])
            if far[k]:
                lat, lon = cols.lat[k], cols.lon[k]
                reasons.append(f"point ({lat:g}, {lon:g}) is far outside the region mapped, "
                               f"lat {lat_min:g}..{lat_max:g} and lon {lon_min:g}..{lon_max:g}")
        return dict(sorted(found.items()))

    # -- given coordinates --

    def _given(self, rows: np.ndarray) -> None:
        """Rows with coordinates: as given; a known `place_id` at the point (as `extract` and
        `write_located` write) brings its name, radius and precision; the table's own precision
        and radius (ACLED's geo_precision, UCDP's where_prec) win over both."""
        if not len(rows):
            return
        cols = self.cols
        self.mapped[rows] = True
        self.lat[rows], self.lon[rows] = cols.lat[rows], cols.lon[rows]
        ids = self._place_ids(rows)
        if ids is not None:
            values, codes = ids
            places = [self.gazetteer.get(v) if v else None for v in values]
            known = np.array([p is not None for p in places], dtype=bool)[codes]
            at = rows[known]
            if len(at):
                plat = np.array([p.lat if p else np.nan for p in places])[codes[known]]
                plon = np.array([p.lon if p else np.nan for p in places])[codes[known]]
                near = _haversine_km(plat, plon, cols.lat[at], cols.lon[at]) <= 1.0
                for k, code in zip(at[near].tolist(), codes[known][near].tolist()):
                    place = places[code]
                    self.place[k] = self.place_code(place)
                    self.radius[k] = place.radius_km
                    self.precision[k] = geo_precision(place)
        stated = cols.precision[rows] > 0
        self.precision[rows[stated]] = cols.precision[rows[stated]]
        self.radius[rows[stated]] = _STATED_RADIUS[cols.precision[rows[stated]]]
        radius = cols.radius_km[rows]
        self.radius[rows[~np.isnan(radius)]] = radius[~np.isnan(radius)]
        swapped = _swapped(cols.lat[rows], cols.lon[rows])
        for k in rows[swapped].tolist():
            self.reasons[k] = (REASON_SWAPPED, True, ())

    def _place_ids(self, rows: np.ndarray) -> tuple[list[str], np.ndarray] | None:
        """The place_id column of the rows (distinct values, codes per row), if any."""
        column = self.cols.extra_column("place_id")
        if column is not None:
            values, codes = _distinct_text(column)
            return values, codes[rows]
        if not self.cols.objects:
            return None
        ids = [dict(self.cols.incident(k).extra).get("place_id", "") for k in rows.tolist()]
        if not any(ids):
            return None
        values = sorted(set(ids))
        lookup = {v: i for i, v in enumerate(values)}
        return values, np.array([lookup[v] for v in ids], dtype=np.int64)

    # -- names --

    def _named(self, rows: np.ndarray) -> None:
        """Rows without coordinates: each distinct (location, country, admin1) resolved once."""
        if not len(rows):
            return
        cols = self.cols
        keys = []
        for name in ("location", "country", "admin1"):
            values, codes = _distinct_text(cols.text[name])
            keys.append((values, codes[rows]))
        (places, loc), (countries, country), (admins, admin1) = keys
        key = (loc * (len(countries) + 1) + country) * (len(admins) + 1) + admin1
        unique, inverse = np.unique(key, return_inverse=True)
        inverse = inverse.reshape(-1)
        order = np.argsort(inverse, kind="stable")    # the rows of each key, in input order
        bounds = np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=len(unique)))])
        hints: dict[tuple[str, str], tuple] = {}
        for u, k in enumerate(unique.tolist()):
            rest, a = divmod(k, len(admins) + 1)
            place, c = divmod(rest, len(countries) + 1)
            pair = (countries[c], admins[a])
            if pair not in hints:   # each pair of hints checked once
                hints[pair] = _hints(self.gazetteer, pair[0] or None, pair[1] or None)
            country_code, admin1_code, bad = hints[pair]
            found = _resolution(self.gazetteer, places[place], country_code, admin1_code, bad,
                                self.countries)
            self._resolved(rows[order[bounds[u]:bounds[u + 1]]], found)

    def _resolved(self, rows: np.ndarray, found: Resolution) -> None:
        match = found.match
        if match is None:
            reason = "; ".join([REASON_UNRESOLVED, *found.doubts])
            candidates = tuple(describe(m) for m in found.candidates[:SUGGESTIONS])
            for k in rows.tolist():
                self.reasons[k] = (reason, False, candidates)
            return
        place = match.place
        self.mapped[rows] = True
        self.lat[rows], self.lon[rows] = place.lat, place.lon
        self.place[rows] = self.place_code(place)
        self.method[rows] = self.method_code(match.method)
        self.score[rows] = match.score
        # the table's own precision of the event stands, if it is coarser than the place's
        stated = self.cols.precision[rows]
        self.precision[rows] = np.maximum(stated, geo_precision(place))
        stated_radius = _STATED_RADIUS[stated]
        given_radius = self.cols.radius_km[rows]
        stated_radius = np.where(np.isnan(given_radius), stated_radius, given_radius)
        self.radius[rows] = np.maximum(stated_radius, place.radius_km)
        if found.doubts:
            shown = tuple(describe(m) for m in (match, *match.candidates)[:SUGGESTIONS + 1])
            reason = "; ".join(found.doubts)
            for k in rows.tolist():
                self.reasons[k] = (reason, True, shown)

    # -- governorates and districts --

    def _areas(self, located: np.ndarray) -> dict[str, Any]:
        """The governorate and district of every point, from the bundled boundaries, and the rows
        whose own admin1 names another governorate than the point lies in, beyond its radius."""
        gazetteer = self.gazetteer
        out: dict[str, Any] = {"admin1": np.zeros(len(located), dtype=np.int32), "admin1_name": [""],
               "admin2_name": np.zeros(len(located), dtype=np.int32), "codes": [""], "districts": [""],
               "disagree": {}}
        if not len(located):
            return out
        areas = gazetteer.areas()
        # A resolved name's rows share its place's point: each place is looked up once; given
        # points (nearly all distinct) are looked up as they are.
        place_of_row = self.place[located]
        by_place = place_of_row >= 0
        hit_of_row = np.zeros(len(located), dtype=np.int64)
        hit_list: list[Any] = []
        given = located[~by_place]
        if len(given):
            codes_given, hit_list = _object_codes(areas.locate_many(self.lat[given], self.lon[given]))
            hit_of_row[~by_place] = codes_given
        if by_place.any():
            used = np.unique(place_of_row[by_place])
            hits = areas.locate_many([self.places[p].lat for p in used.tolist()],
                                     [self.places[p].lon for p in used.tolist()])
            lookup = np.zeros(len(self.places), dtype=np.int64)
            lookup[used] = np.arange(len(used)) + len(hit_list)
            hit_list = hit_list + hits
            hit_of_row[by_place] = lookup[place_of_row[by_place]]
        coarse = (self.precision[located] >= 3).astype(np.int64)
        places = len(self.places) + 1
        combo = (hit_of_row * places + place_of_row + 1) * 2 + coarse
        unique, inverse = np.unique(combo, return_inverse=True)
        inverse = inverse.reshape(-1)
        codes, names, districts = {"": 0}, [""], {"": 0}
        admin1 = np.zeros(len(unique), dtype=np.int32)
        district = np.zeros(len(unique), dtype=np.int32)
        for u, key in enumerate(unique.tolist()):
            rest, is_coarse = divmod(key, 2)
            h, p = divmod(rest, places)
            p -= 1
            hit = hit_list[h]
            place = self.places[p] if p >= 0 else None
            code = hit.admin1 if hit else (place.admin1 if place else "")
            if code not in codes:
                area1 = areas.area(code) if code else None
                codes[code] = len(codes)
                names.append(area1.name if area1 else "")
            admin1[u] = codes[code]
            name = ""
            area2 = areas.area(place.id) if place is not None and place.kind == "admin2" else None
            if area2 is not None:
                name = area2.name   # its seat may lie just outside its polygon
            elif hit is not None and not is_coarse:
                name = hit.admin2_name
            district[u] = districts.setdefault(name, len(districts))
        out.update(admin1=admin1[inverse], admin1_name=names, codes=list(codes),
                   admin2_name=district[inverse], districts=list(districts))
        out["disagree"] = self._disagree(located, out["admin1"], out["codes"], areas)
        return out

    def _disagree(self, located: np.ndarray, admin1: np.ndarray, codes: list[str], areas: Any
                  ) -> dict[int, str]:
        hints, hint_codes = _distinct_text(self.cols.text["admin1"])
        given = [_admin1_given(self.gazetteer, h) for h in hints]
        given_code = np.array([codes.index(g) if g in codes else -1 for g in given])[hint_codes[located]]
        has_given = np.array([bool(g) for g in given], dtype=bool)[hint_codes[located]]
        differs = has_given & (admin1 != 0) & (given_code != admin1)
        found = {}
        for i in np.flatnonzero(differs).tolist():
            k = int(located[i])
            hint = hints[hint_codes[k]]
            code = given[hint_codes[k]]
            point = codes[admin1[i]]
            place = int(self.place[k])
            if place >= 0 and self.places[place].admin1 == code:
                # The row agrees with the place's own record; only the boundaries file draws
                # the line elsewhere (camps in disputed districts, the al-Tanf zone): no doubt
                # about the row, and a draft of our own extract is not sent back to review.
                continue
            if areas.area(code) and areas.distance_km(code, self.lat[k], self.lon[k]) > self.radius[k]:
                found[k] = f"{REASON_ADMIN1} (given {hint}, the point lies in {point})"
        return found

    # -- the result --

    def _result(self, located: np.ndarray, areas: dict[str, Any]) -> LocateResult:
        from .columns import LocatedColumns, dictionary

        place_codes = self.place[located]
        ids = [p.id for p in self.places] + [""]
        names = [p.name for p in self.places] + [""]
        blank = len(self.places)
        place_codes = np.where(place_codes < 0, blank, place_codes)
        rows = LocatedColumns(
            incidents=self.cols, positions=located, lat=self.lat[located], lon=self.lon[located],
            score=self.score[located], radius_km=self.radius[located],
            precision=self.precision[located],
            place_id=dictionary(place_codes, ids), place_name=dictionary(place_codes, names),
            method=dictionary(self.method[located], self.methods),
            admin1=dictionary(areas["admin1"], areas["codes"]),
            admin1_name=dictionary(areas["admin1"], areas["admin1_name"]),
            admin2_name=dictionary(areas["admin2_name"], areas["districts"]))
        positions = sorted(self.reasons)
        reasons = [self.reasons[k][0] for k in positions]
        mapped = [self.reasons[k][1] for k in positions]
        candidates = [self.reasons[k][2] for k in positions]
        item_of = {k: i for i, k in enumerate(positions)}
        for k, reason in areas["disagree"].items():   # joined to the row's item, if it has one
            if k in item_of:
                reasons[item_of[k]] = f"{reasons[item_of[k]]}; {reason}"
            else:
                item_of[k] = len(positions)
                positions.append(k)
                reasons.append(reason)
                mapped.append(True)
                candidates.append(())
        at = np.array(positions, dtype=np.int64)
        spot = np.searchsorted(located, at)
        on_map = (spot < len(located)) & (located[np.minimum(spot, max(len(located) - 1, 0))] == at) \
            if len(located) else np.zeros(len(at), dtype=bool)
        located_at = np.where(on_map, spot, -1).tolist()
        return LocateResult(rows, ReviewList(self.cols, positions, reasons, mapped, located_at, candidates),
                            self.n)


# The radius of a point by the precision its table states (0: none stated).
_STATED_RADIUS = np.array([0.0] + [PRECISION_RADIUS_KM[p] for p in (1, 2, 3)])


def _distinct_text(column: Any) -> tuple[list[str], np.ndarray]:
    """The distinct values of a text column and each row's index into them."""
    return distinct(column)


def _object_codes(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Each object's index among the distinct objects of a list (by identity: a district's hit
    is one object however many points lie in it), in the order they first come."""
    ids = np.fromiter(map(id, values), dtype=np.int64, count=len(values))
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(first), dtype=np.int64)
    rank[order] = np.arange(len(first))
    return rank[inverse.reshape(-1)], [values[i] for i in first[order].tolist()]


def _date_doubt(date: str, late: dt.date) -> str | None:
    try:
        year, month, day = (int(p) for p in (date.split("-") + ["1", "1"])[:3])
        first = dt.date(year, month, day)
    except ValueError:
        return None   # not a date the reader gave; nothing to say about it here
    if first > late:
        return f"date {date} is in the future"
    if first.year < EARLIEST_YEAR:
        return f"date {date} is before {EARLIEST_YEAR}"
    return None


def _time_doubt(time: str) -> str | None:
    clock = _CLOCK.match(time.strip())
    if clock and (int(clock[1]) > 23 or int(clock[2]) > 59 or int(clock[3] or 0) > 59):
        return f"time {time!r} is no time of day"
    return None


def _haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(a, dtype=float)) for a in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _swapped(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lon_min, lon_max, lat_min, lat_max = CORE
    inside = (lat_min <= lat) & (lat <= lat_max) & (lon_min <= lon) & (lon <= lon_max)
    swap_inside = (lat_min <= lon) & (lon <= lat_max) & (lon_min <= lat) & (lat <= lon_max)
    return ~inside & swap_inside


def _admin1_given(gazetteer: Gazetteer, admin1: str) -> str:
    try:
        return gazetteer.admin1_code(admin1) if admin1 else ""
    except HintError:
        return ""  # already reported as an unknown hint


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


def located_columns(result: LocateResult) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """The columns of `located_records` but lat and lon (Arrow arrays or lists), and the
    points' lat and lon: read from the columns of a locate, with no object per row."""
    import pyarrow as pa

    from .columns import EXTRA_OUTCOME, EXTRA_TYPE, NONE_COUNT, LocatedColumns

    rows = result.located
    if not isinstance(rows, LocatedColumns) or rows.incidents.objects:
        names, records = located_records(result)
        lat = np.array([r["lat"] for r in records], dtype=float)
        lon = np.array([r["lon"] for r in records], dtype=float)
        return ({n: [r[n] for r in records] for n in names if n not in ("lat", "lon")}, lat, lon)
    cols, at = rows.incidents, rows.positions

    def text(column: Any) -> Any:
        return take_rows(column, at)

    def counts(values: np.ndarray) -> Any:
        taken = values[rows.positions]
        return pa.array(taken, mask=taken == NONE_COUNT, type=pa.int64())

    out: dict[str, Any] = {}
    for name in INCIDENT_FIELDS:
        key = GIVEN.get(name, name)
        if name == "row":
            out[key] = pa.array(cols.row[rows.positions])
        elif name in ("fatalities", "injuries"):
            out[key] = counts(getattr(cols, name))
        else:
            out[key] = text(cols.text[name])
    out.update(place_id=rows.place_id, place_name=rows.place_name, method=rows.method,
               score=pa.array(np.round(rows.score, 3)), radius_km=pa.array(rows.radius_km),
               precision=pa.array(rows.precision), admin1=rows.admin1, admin1_name=rows.admin1_name,
               admin2_name=rows.admin2_name)
    taken = [*INCIDENT_COLUMNS, *LOCATED_COLUMNS]
    extras: list[tuple[str, Any]] = []
    for name, column in cols.extra:
        if name not in (e for e, _ in extras):   # the first of two same-named columns wins
            extras.append((name, column))
    firsts = []
    for name, column in ((EXTRA_TYPE, cols.type_original), (EXTRA_OUTCOME, cols.outcome_original)):
        if column is not None:
            given = np.flatnonzero(_not_empty(take_rows(column, at)))
            if len(given):
                firsts.append((int(given[0]), name, column))
    extras += [(name, column) for _, name, column in sorted(firsts, key=lambda f: f[0])]
    for name, column in extras:
        out[_free_key(name, taken)] = text(column)
    return out, rows.lat, rows.lon


def _not_empty(column: Any) -> np.ndarray:
    """Where a text column holds anything."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    return pc.not_equal(column, "").to_numpy(zero_copy_only=False)


def write_located(result: LocateResult, path: str | Path, *, raw_cells: bool = False) -> None:
    """Write the mapped incidents as GeoJSON (.geojson, .json), CSV (.csv, .tsv) or GeoParquet
    (.parquet), with the columns of `located_records` (GeoJSON and GeoParquet carry lat and
    lon as the geometry). CSV is written with a BOM so that spreadsheet programs read the
    Arabic right, and with its cells made safe to open (`output.csv_cell`) unless `raw_cells`.
    Written whole or not at all (`mapper.output`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".geoparquet"):   # GeoParquet, EPSG:4326, read from the columns
        from .parquet import write_geoparquet

        arrays, lats, lons = located_columns(result)
        write_geoparquet(arrays, lats, lons, path)
        return
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
                          "use .geojson, .json, .csv, .tsv or .parquet")


def write_review(result: LocateResult, path: str | Path, *, raw_cells: bool = False) -> None:
    """Write the review report as CSV: row, location, reason, mapped, candidates, the place and
    point it was mapped to (if any), then every incident field and extra column; cells made
    safe to open unless `raw_cells`, and written whole or not at all, as `write_located`."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".tsv"):
        raise OutputError(f"{path}: the review report is written as .csv or .tsv, "
                          f"not {path.suffix or '(no extension)'!r}")
    extra = _extra_columns(item.incident for item in result.review)
    incident_columns = [c for c in INCIDENT_COLUMNS if c not in ("row", "location")]
    columns = [*REVIEW_COLUMNS, *incident_columns]
    rows = []
    for item in result.review:
        at = result.located_of(item)
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
