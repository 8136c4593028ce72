"""The Gazetteer: every source merged into one index, and name resolution over it.

Resolution finds what a name may mean (evidence), ranks it, then decides whether the best
place is an answer or only a candidate.

Evidence, from strong to weak, each level tried only when the stronger ones found nothing:

- name evidence: the name as printed (exact, quality 1.0); a spelling variant (the folded
  name, 0.97; the place's name without its generic words when the query has none, 0.9, so
  that "Albu Kamal" is the town before the "Albu Kamal crossing"); a name written joined
  ("Albukamal", 0.97); each x0.98 when read behind an attached Arabic clitic ("بالحسكة");
- consonant skeletons, which meet across scripts and vowel spellings (Kanaker, Kanakir,
  كناكر): four or more consonants 0.84 (under any name evidence), three 0.75;
- fuzzy matching: edit ratio >= 85 on folded names, 0.9 x ratio.

score = quality x hints x prominence x area, in 0..1:
- hints, as factors: a country that differs (x0.5), a governorate that differs (x0.7), a
  feature or kind word ("field", "ريف") the place does not fit (x0.75), distance from `near`;
- prominence: curated sites, admin areas and populous towns before hamlets (x0.85 .. x1.0);
- area: at equal evidence, places of the working area (Syria and Iraq unless `countries`
  says otherwise; a country hint joins it) rank before their namesakes abroad (x0.8).

Acceptance. Weak evidence meets names by chance ("asdf" and Adıyaman, "Shad dadi" and Sde
Dawid, "Shuhayl" and "Sahla", one of Zahlé's names), and more often the shorter the name and
the farther from the working area the place lies. So every match has a reach: where its
evidence still counts.

| evidence                                                      | reach        |
| ------------------------------------------------------------- | ------------ |
| name evidence, 4+ Latin or 3+ Arabic letters                  | anywhere     |
| name evidence, shorter ("Van"; Arabic writes no short vowels) | inside       |
| skeleton of 5+ consonants, or of 4 across scripts (Latin and   | inside; never |
|   Arabic), when no place is called by the name as printed     |   otherwise   |
| skeleton of 3 consonants (36k names meet any of them)         | never        |
| fuzzy, 6+ letters and ratio >= 90 (one slip in ten letters)   | inside       |
| any other fuzzy match                                         | never        |

"Inside" is the working area's countries; a place without a country counts as inside when it
lies within a governorate of theirs. Weak evidence is no answer abroad however near: a
random five-letter string meets the skeleton of some Turkish border village five km out.

A match beyond its reach is a candidate, never an answer: its score is multiplied by 0.5,
which puts it under MIN_SCORE. What the numbers then mean:
- >= 0.85: the name as printed, or a spelling variant, of a place that fits every hint (a
  place abroad scores 0.8 at most);
- 0.65 .. 0.85: a skeleton or fuzzy match, or a place that contradicts one hint;
- < MIN_SCORE (0.5): not returned by `resolve`, only listed by `candidates`.

A match is `ambiguous` when a runner-up is another place the name could as well mean:
- a namesake found by name or skeleton key (not by fuzzy matching) whose evidence would answer
  itself, or that bears one of the winner's names (Kanakir in As-Suwayda is كناكر too), or the
  name as printed with one slip in ten letters;
- that fits the hints just as well and lies far away (beyond both radii plus 10 km), in the
  working area or within 100 km of it (Karatepe in Turkey rivals Karatepe in Syria; al-Khums
  in Libya does not rival Homs);
- that is not the country, governorate or district holding the winner (the city and
  governorate of Homs), nor a site named after a winning town (the Mosul Dam for "Mosul");
- that is not outclassed: a hamlet (under 1,000 people, or none counted) beside a country, a
  governorate or a city of 100,000, or a counted town a tenth of the winner's size (Ar Riqqah
  in Kuwait beside Raqqa), unless the winner only lists the name as an alternate and the
  rival is called by it ("Abu Hardub" among Hajin's names). A curated place counts the people
  of its GeoNames twin;
- and that is not a far record listing a curated place's name among its alternates (GeoNames
  lists "Kobanî" for Afrin): the source's slip, not a namesake.

A winner on weak evidence (a skeleton or a fuzzy match) is ambiguous beside any far place
that scored within 0.05 of it before the reach and area factors, whatever that place's
evidence: "Saraqab" is one slip from Saraqa in Hasakah and has the skeleton of Saraqib.

Hints are checked: an unknown country or governorate raises `HintError` naming the closest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .districts import NO_DISTRICT, boundaries_digest, curated_districts, district_name, same_record
from .errors import HintError
from .fold import (
    ARABIC_CLITICS,
    Generic,
    fold,
    fold_words,
    normalize,
    readings,
    skeleton,
    split_generic,
)
from .place import Match, Place, distance_km
from .regions import COUNTRYSIDE, DESERT, RegionQuery, parse_border, parse_region
from .sources import (
    GEONAMES_FILE,
    Keys,
    Layer,
    bundled_layer,
    country_codes,
    curated_keyed,
    imported_index_files,
    place_keys,
    read_index,
    user_data_dir,
)

if TYPE_CHECKING:
    from .geoparse import Geoparser

MIN_SCORE = 0.5
QUALITY_EXACT = 1.0
QUALITY_VARIANT = 0.97
CLITIC = 0.98          # a name read behind an attached clitic
QUALITY_CORE = 0.9
QUALITY_SKELETON = 0.84
QUALITY_WEAK_SKELETON = 0.75
STRONG_SKELETON = 4
FUZZY_CUTOFF = 85.0
FUZZY_WEIGHT = 0.9
SAME_PLACE_KM = 10.0
WEAK_RIVAL_GAP = 0.05    # a weak winner is ambiguous beside a far place scoring this close
RIVAL_KM = 100.0         # a namesake abroad is a rival only this close to the working area
OUTCLASSED_POPULATION = (100_000, 1_000)  # a city this big has no rival in a hamlet this small
OUTCLASSED_RATIO = 10   # nor a town in a counted town a tenth its size
# Acceptance (see the table above).
WORKING_AREA = ("SY", "IQ")
OUTSIDE_AREA = 0.8
BEYOND_REACH = 0.5
SHORT_NAME = 3          # letters of a Latin name; Arabic writes no short vowels: 2 there
ANYWHERE, INSIDE, NEVER = "anywhere", "inside", "never"
_CACHE_SIZE = 1 << 16
MIN_CITY_KM = 5.0       # the least disc taken out of a governorate for its city
COUNTRYSIDE_KM = 15.0   # how far the countryside of a town reaches beyond it
BEARINGS = {"north": 0.0, "northeast": 45.0, "east": 90.0, "southeast": 135.0, "south": 180.0,
            "southwest": 225.0, "west": 270.0, "northwest": 315.0}
_AREA = Generic(kinds=frozenset({"admin1", "admin2", "region", "country"}))

if TYPE_CHECKING:
    from .areas import Areas

Near = tuple[float, float]


class _Evidence(NamedTuple):
    """How a place was found for a query: `quality` 0..1, `method` as the JSON contract names
    it (exact, variant, fuzzy), and `reach`: where it counts (ANYWHERE, INSIDE or NEVER)."""

    quality: float
    method: str
    reach: str


class _Scored(NamedTuple):
    """One place ranked for a query: `base` is the score before the area and reach factors;
    `answer` is whether its evidence may answer there; `whole` is false when only the place's
    name without its generic word matched ("Mosul" and the Mosul Dam)."""

    score: float
    quality: float
    hint: float
    place: Place
    method: str
    base: float
    reach: str
    answer: bool
    whole: bool


class Gazetteer:
    """Places from every source, indexed by folded name keys.

    >>> gaz = Gazetteer.bundled()
    >>> gaz.resolve("حقل العمر").place.feature
    'oil_field'
    """

    def __init__(self, places: Iterable[Place] = ()) -> None:
        # A bundled layer (if any) holds indexes 0 .. len(layer) - 1, read lazily; every place
        # added by `add` or `add_keyed` comes after it, or replaces a layer place of its id.
        self._layer: Layer | None = None
        self._places = _Places()
        self._keys: dict[int, Keys] = {}  # keys of added places (for a layer place: added ones)
        self._ids: dict[str, int] = {}  # ids of added places
        self._fold = _KeyTable("fold")
        self._skel = _KeyTable("skel")
        self._fuzzy: _SegmentIndex | None = None
        self._joined_keys: _JoinedKeys | None = None
        self._admin1: list[Place] | None = None
        self._areas: Areas | None = None
        # Districts worked out ahead (see gazetteer.districts): the curated places by id, their
        # districts once asked for, and the digest of the boundaries shipped now.
        self._curated: dict[str, Place] = {}
        self._curated_districts: dict[str, str] | None = None
        self._boundaries: str | None = None
        self._outside: dict[tuple[str, tuple[str, ...]], float] = {}  # km outside the area, by place
        self._cache: dict[tuple, tuple[Match, ...]] = {}
        self._geoparser: Geoparser | None = None   # built at first use, dropped by any change
        self.sources: list[tuple[str, int]] = []
        self.add(places, label="given")

    # --- building ----------------------------------------------------------------------------

    @classmethod
    def bundled(cls) -> Gazetteer:
        """The data shipped with the package: curated tables and the populated-place layer."""
        gaz = cls()
        layer = bundled_layer()  # refolded (and cached) if folding changed since the build
        if layer is not None:
            gaz._attach(layer)
        curated = curated_keyed()
        gaz.add_keyed(curated, label="curated (data/*.csv)")
        gaz._curated = {place.id: place for place, _ in curated}
        if layer is not None:
            label = f"GeoNames and Who's On First populated places (data/{GEONAMES_FILE})"
            gaz.sources.append((label, len(layer)))
        return gaz

    @classmethod
    def default(cls, data_dir: Path | None = None) -> Gazetteer:
        """Bundled data plus everything the user imported into `data_dir` (see `user_data_dir`)."""
        gaz = cls.bundled()
        for path in imported_index_files(data_dir or user_data_dir()):
            with open(path, encoding="utf-8") as fh:
                gaz.add_keyed(read_index(fh, str(path)), label=f"imported {path.name}")
        return gaz

    def add(self, places: Iterable[Place], label: str = "") -> None:
        """Add places, computing their keys. A place whose id is known replaces the old one."""
        self.add_keyed(((p, place_keys(p)) for p in places), label)

    def add_keyed(self, keyed: Iterable[tuple[Place, Keys]], label: str = "") -> None:
        """Add places whose keys are already computed (from an index file)."""
        count = 0
        places, ids, all_keys, layer = self._places, self._ids, self._keys, self._layer
        tables = (self._fold, self._skel)  # in the order of Keys' fields
        for place, keys in keyed:
            i = ids.get(place.id)
            if i is None and layer is not None:
                i = layer.find(place.id)
            if i is None:
                i = ids[place.id] = len(places)
                places.append(place)
                all_keys[i] = keys
            else:
                # The old keys stay in the tables: a replaced place keeps its old names too.
                places[i] = place
                old = all_keys.get(i)
                if old is not None:
                    keys = Keys(tuple(dict.fromkeys(old.fold + keys.fold)),
                                tuple(dict.fromkeys(old.skel + keys.skel)))
                all_keys[i] = keys
            for table, ks in zip(tables, keys):
                for k in ks:
                    table.add(k, i)
            count += 1
        if label and count:
            self.sources.append((label, count))
        self._fuzzy = self._joined_keys = None
        self._admin1 = None
        self._outside.clear()
        self._cache.clear()
        self._geoparser = None

    def _attach(self, layer: Layer) -> None:
        """Make a layer's places the first of this (empty) gazetteer, read as they are used."""
        if len(self._places) or layer.stale:
            raise ValueError("only a current layer can be attached, to an empty gazetteer")
        self._layer = layer
        self._places.attach(layer)
        self._fold.attach(layer)
        self._skel.attach(layer)
        self._fuzzy = self._joined_keys = None
        self._admin1 = None
        self._outside.clear()
        self._cache.clear()
        self._geoparser = None

    # --- reading -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places)

    def geoparser(self) -> Geoparser:
        """The geoparser of these places (`gazetteer.geoparse`), built at first use and built
        again after places are added."""
        if self._geoparser is None:
            from .geoparse import Geoparser

            self._geoparser = Geoparser(self)
        return self._geoparser

    def keyed(self) -> Iterator[tuple[Place, Keys]]:
        """Every place with its name keys (for multi-pattern matching over text)."""
        places, added = self._places, self._keys
        start = 0
        if self._layer is not None:
            for i, keys in enumerate(self._layer.row_keys()):
                more = added.get(i)
                if more is not None:
                    keys = Keys(tuple(dict.fromkeys(keys.fold + more.fold)),
                                tuple(dict.fromkeys(keys.skel + more.skel)))
                yield places[i], keys
            start = len(self._layer)
        for i in range(start, len(places)):
            yield places[i], added[i]

    def fold_keys(self) -> Iterator[str]:
        """Every fold key of the places, once each, without building the places as `keyed`
        does: what a text parser matches. (35k places built and kept would weigh on every
        later sweep of the garbage collector.)"""
        if self._layer is not None and self._layer.stale:
            return (key for _, keys in self.keyed() for key in keys.fold)
        return iter(self._fold)

    def get(self, place_id: str) -> Place | None:
        """The place with this id, or None."""
        i = self._ids.get(place_id)
        if i is None and self._layer is not None:
            i = self._layer.find(place_id)
        return None if i is None else self._places[i]

    # --- resolving ---------------------------------------------------------------------------

    def resolve(self, name: str, *, country: str | None = None, admin1: str | None = None,
                near: Near | None = None, countries: Iterable[str] | None = None) -> Match | None:
        """The best place for a name as printed, or None when no place is an answer.

        `country` (ISO2, ISO3, ISO numeric or name) and `admin1` (ISO 3166-2 code or
        governorate name, Arabic or English) are hints, not filters; `near` is a (lat, lon) the
        place is likely close to; `countries` (ISO2) is the working area, Syria and Iraq by
        default. An unknown hint raises HintError.
        """
        found = self.candidates(name, country=country, admin1=admin1, near=near, countries=countries)
        return found[0] if found and found[0].score >= MIN_SCORE else None

    def candidates(self, name: str, *, country: str | None = None, admin1: str | None = None,
                   near: Near | None = None, countries: Iterable[str] | None = None,
                   limit: int = 10) -> list[Match]:
        """Places the name may mean, best first; the first carries the runners-up and ambiguity."""
        area = tuple(sorted({self.country_code(c) for c in countries})) if countries else WORKING_AREA
        key = (name, country, admin1, near, area, limit)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            cached = self._cache[key] = tuple(self._rank(name, country, admin1, near, area, limit))
        return list(cached)

    def _rank(self, name: str, country: str | None, admin1: str | None, near: Near | None,
              area: tuple[str, ...], limit: int) -> list[Match]:
        country = self.country_code(country) if country else None
        admin1 = self.admin1_code(admin1, country) if admin1 else None
        border = parse_border(name)
        if border is not None:
            return [self._border(name, border)]
        query = parse_region(name)
        # "ريف دمشق" and "Eastern Ghouta" are names of places; "ريف حلب الشمالي" is a part of one.
        if query is not None and not self._fold.get(fold(name)):
            region = self._region(name, query, country, admin1, near)
            if region is not None:
                others = [m for m in self._rank(query.name, country, admin1, near, area, limit)
                          if m.place.id != region.place.id]
                return [replace(region, candidates=tuple(others[:limit - 1])), *others[:limit - 1]]
        hits, generic, core, read = self._lookup(name)
        if not hits:
            return []
        area_set = {*area, country} if country else set(area)
        scored: list[_Scored] = []
        joined = fold(read).replace(" ", "")
        said = {joined, fold(joined)}
        for i, evidence in hits.items():
            place = self._places[i]
            quality = evidence.quality
            whole = True
            if quality == QUALITY_VARIANT and not generic and not any(
                    fold(n).replace(" ", "") in said for n in place.names):
                # Only the place's name without its generic word matched ("Albu Kamal" for
                # "Albu Kamal border crossing"): the text did not say "crossing".
                quality, whole = QUALITY_CORE, False
            elif evidence.method == "fuzzy" and not generic and all(split_generic(n)[1] for n in place.names):
                quality *= QUALITY_CORE / QUALITY_VARIANT  # the same, for a misspelt bare name
                whole = False
            if read != name:
                quality *= CLITIC
            hint = self._hint_factor(place, country, admin1, generic, near)
            inside = place.country in area_set or (
                not place.country and self._km_outside(place, area_set) == 0)
            answer = evidence.reach == ANYWHERE or (evidence.reach == INSIDE and inside)
            base = quality * hint * (0.85 + 0.15 * _prominence(place))
            score = base * (1.0 if inside else OUTSIDE_AREA) * (1.0 if answer else BEYOND_REACH)
            scored.append(_Scored(score, quality, hint, place, evidence.method, base, evidence.reach, answer, whole))
        scored.sort(key=lambda s: (-s.score, s.place.id))
        best = scored[0]

        ambiguous = self._ambiguous(scored, area_set, read, core)
        matches = [Match(name, r.place, round(r.score, 4), r.method, self._matched_name(r.place, name, core))
                   for r in scored[:limit]]
        matches[0] = Match(name, best.place, matches[0].score, matches[0].method, matches[0].matched_name,
                           candidates=tuple(matches[1:]), ambiguous=ambiguous)
        return matches

    def _ambiguous(self, scored: list[_Scored], area_set: set[str], read: str, core: str) -> bool:
        """True when a runner-up is another place the name could as well mean (the rules are
        in the module's docstring)."""
        best = scored[0]
        if best.score < MIN_SCORE:
            return False
        b = best.place
        names = {fold(n) for n in b.names}
        # A curated place's population is its GeoNames twin's (the same place, nearby).
        population = max([r.place.population for r in scored if not self._apart(b, r.place)],
                         default=b.population)

        def own(place: Place) -> bool:
            """True when the name matched is the place's own (its main Latin or Arabic name),
            not one of the alternate names a source lists."""
            return fold(self._matched_name(place, read, core)) in {fold(place.name), fold(place.name_ar)}

        def far(rival: _Scored) -> bool:
            """A different place, fitting the hints as well, not nested with the winner, not
            outclassed by it, in or near the working area. A tenth of the size does not
            outclass a place called by the name when the winner only lists it as an alternate
            ("Abu Hardub" among Hajin's names)."""
            p = rival.place
            by_size = own(b) or not own(p)
            return (rival.hint >= best.hint - 1e-9 and not _outclassed(b, population, p, by_size)
                    and not _holds(b, p) and not _holds(p, b) and self._apart(b, p)
                    and (p.country in area_set or self._km_outside(p, area_set) <= RIVAL_KM))

        def shares_name(p: Place) -> bool:
            """True when a namesake found only by its skeleton bears one of the winner's names
            (Kanakir in As-Suwayda is كناكر too), not a chance look-alike."""
            return not {fold(n) for n in p.names}.isdisjoint(names)

        def alias(rival: _Scored) -> bool:
            """True when the rival bears the checked place's name only as an alternate name:
            the source's slip (Afrin 'also called' Kobanî), not a namesake."""
            p = rival.place
            return (b.curated and not p.curated and not own(p)
                    and fold(self._matched_name(p, read, core)) in names)

        if best.reach != ANYWHERE:
            # A winner on weak evidence (skeleton, fuzzy) is no answer when another place far
            # away matched as well, even one whose evidence could not answer alone: "Saraqab"
            # meets Saraqa by one slip and Saraqib by its skeleton.
            return any(r.base >= best.base - WEAK_RIVAL_GAP and far(r) for r in scored[1:])
        # Skeletons meet across borders by chance (Qamishli, Kamışlı): within one country only.
        # The working area ranks namesakes (Karatepe in Syria before Karatepe in Turkey) but
        # does not make them less of rivals: the gap is measured without it.
        return any(
            (r.answer or _spelt_alike(read, r.place) or shares_name(r.place))
            and (r.whole or not best.whole or b.kind == "site")
            and r.base >= MIN_SCORE and _tier(r.quality) == _tier(best.quality)
            and (r.quality > QUALITY_SKELETON or r.place.country == b.country)
            and far(r) and not alias(r)
            for r in scored[1:]
        )

    @staticmethod
    def _apart(a: Place, b: Place) -> bool:
        """True when two points are too far apart to be one place."""
        return distance_km(a.lat, a.lon, b.lat, b.lon) > max(a.radius_km, b.radius_km) + SAME_PLACE_KM

    def _lookup(self, name: str) -> tuple[dict[int, _Evidence], Generic, str, str]:
        """Place index -> evidence, from the strictest level that finds anything, with the
        hints of the generic words the matching reading took off, its core, and the name as
        read (without an attached clitic)."""
        hits, generic, core_words = self._name_hits(name)
        if not hits:
            # Text prints prepositions and conjunctions joined to the name: "بالحسكة", "وحقل العمر".
            for rest in _without_clitic(name):
                hits, generic, core_words = self._name_hits(rest)
                if hits:
                    name = rest
                    break
        core = " ".join(core_words)
        # Skeletons meet across scripts and vowel spellings (Kanaker, Kanakir, كناكر). Four
        # consonants rarely meet by chance, so such namesakes always join the candidates; a
        # three-consonant skeleton is only a fallback, and two meet far too many names.
        found_by_name = bool(hits)
        arabic = _is_arabic(name)
        weak: dict[int, _Evidence] = {}
        for key in {skeleton(name), skeleton(core)}:
            consonants = len(key.replace(" ", ""))
            if consonants >= STRONG_SKELETON:
                # Beside places called by the name as printed, a skeleton's namesake is listed
                # but no answer: a wrong hint must not hand the row to a look-alike. Otherwise
                # a skeleton answers when it bridges scripts (its purpose: Kanaker, كناكر), or
                # holds five consonants; among 36k names, four in one script meet by chance.
                for i in self._skel.get(key, ()):
                    answers = not found_by_name and (
                        consonants > STRONG_SKELETON or self._across(i, key, arabic))
                    hits.setdefault(i, _Evidence(QUALITY_SKELETON, "variant", INSIDE if answers else NEVER))
            elif consonants >= 3 and not found_by_name:
                for i in self._skel.get(key, ()):
                    weak.setdefault(i, _Evidence(QUALITY_WEAK_SKELETON, "variant", NEVER))
        if all(e.reach == NEVER for e in hits.values()):
            # Nothing that may answer yet: a close spelling may (and beats a chance skeleton).
            weak.update(hits)
            key = fold(core)
            letters = len(key.replace(" ", ""))
            for i, (quality, method) in self._fuzzy_lookup(key).items():
                ratio = 100 * quality / FUZZY_WEIGHT
                reach = INSIDE if letters >= 6 and ratio >= 90 else NEVER
                new = _Evidence(quality, method, reach)
                if i not in weak or _stronger(new, weak[i]):
                    weak[i] = new
            hits = weak
        return hits, generic, core, name

    def _across(self, i: int, key: str, arabic: bool) -> bool:
        """True when place `i` meets skeleton `key` only through a name in the other script."""
        return not any(_is_arabic(n) == arabic and key in (skeleton(n), skeleton(split_generic(n)[0]))
                       for n in self._places[i].names)

    def _name_hits(self, name: str) -> tuple[dict[int, _Evidence], Generic, tuple[str, ...]]:
        """Name evidence only: exact, variant and joined keys."""
        hits: dict[int, _Evidence] = {}
        folded = fold(name)
        reach = _name_reach(folded)
        exact = normalize(name)
        for i in self._fold.get(folded, ()):
            if any(normalize(n) == exact for n in self._places[i].names):
                hits[i] = _Evidence(QUALITY_EXACT, "exact", reach)
        options = readings(name)
        core_words, generic, directed = options[-1]
        for reading in options:
            key = fold_words(list(reading[0]))
            found = self._fold.get(key, ())
            for i in found:
                hits.setdefault(i, _Evidence(QUALITY_VARIANT, "variant", _name_reach(key)))
            if found:
                core_words, generic, directed = reading
                break
        if directed and not generic:
            generic = _AREA  # "western Anbar" is a part of the governorate, not a site there
        if not hits:
            # "Albukamal", "Deirezzor": names written joined meet the names written apart,
            # and "Shad dadi" (a name broken in two) meets "Shaddadi".
            joined = folded.replace(" ", "")
            for i in (*self._joined().get(joined, ()), *self._fold.get(fold(joined), ())):
                hits.setdefault(i, _Evidence(QUALITY_VARIANT, "variant", reach))
        return hits, generic, core_words

    def areas(self) -> Areas:
        """The bundled governorate and district polygons, loaded on first use."""
        if self._areas is None:
            from .areas import Areas

            self._areas = Areas.bundled()
        return self._areas

    def admin2_of(self, place: Place) -> str:
        """The district a place lies in (its own name for a district), from the bundled
        boundaries; empty for a governorate, a region or a place outside them. A bundled place
        has it stored (see `gazetteer.districts`): the polygons are loaded only for others."""
        if place.kind in NO_DISTRICT:
            return ""
        stored = self._stored_district(place)
        return stored if stored is not None else district_name(self.areas(), place)

    def _stored_district(self, place: Place) -> str | None:
        """The district stored for a bundled place at this point, or None."""
        if self._boundaries is None:
            self._boundaries = boundaries_digest()
        layer = self._layer
        if layer is not None and layer.districts_from == self._boundaries:
            row = layer.find(place.id)
            if row is not None and same_record(layer.place(row), place):
                return layer.district(row)
        own = self._curated.get(place.id)
        if own is not None and same_record(own, place):
            if self._curated_districts is None:
                self._curated_districts = curated_districts(self._curated.values(), self._boundaries)
            return self._curated_districts.get(place.id)
        return None

    def _region(self, name: str, query: RegionQuery, country: str | None, admin1: str | None,
                near: Near | None) -> Match | None:
        """The part of an area a region expression asks for, as a place of kind "region".

        The area is, in this order: the one the countryside word and the name together name
        ("ريف دمشق ..." is Rif Dimashq); the governorate or district the name names, less the
        city of that name for its countryside ("ريف حلب" is Aleppo governorate outside Aleppo);
        else the countryside around a town ("ريف الشدادي"), a disc of COUNTRYSIDE_KM beyond the
        town, moved that far in the direction asked for. A desert is the governorate's desert
        by the rule of `gazetteer.areas` (the whole governorate when it has none).
        """
        from .areas import EmptyRegion, UnknownArea

        forms = [f"ريف {query.name}", f"{query.name} countryside"] if query.part == COUNTRYSIDE else []
        area_place = next(filter(None, (self._area_place(f, country) for f in forms)), None)
        if area_place is None:
            area_place = self._area_place(query.name, country)
        # The countryside is reckoned from the city it is named after, which it leaves out;
        # "ريف دمشق الغربي" is west of Damascus though Damascus is not in Rif Dimashq.
        city = (self._seat(query.name, area_place)
                if area_place is not None and query.part == COUNTRYSIDE else None)
        areas = self.areas()
        area = areas.area(area_place.id) if area_place is not None else None
        if area is None or area_place is None:
            return self._around_town(name, query, country, admin1, near)
        try:
            if query.part == DESERT:
                region = areas.desert(area.code) or areas.part(area.code)
            else:
                region = areas.part(area.code, query.direction or None, exclude_city=city)
        except (EmptyRegion, UnknownArea):
            return None
        place = Place(f"part:{area.code}:{query.part or 'area'}:{query.direction or 'all'}",
                      region.name, region.lat, region.lon, "region", region.name_ar,
                      country=area.country, admin1=area.admin1, radius_km=region.radius_km,
                      source="boundaries: Who's On First / Mesoshapes (data/boundaries.json)")
        score = QUALITY_VARIANT * self._hint_factor(place, country, admin1, Generic(), near)
        return Match(name, place, round(score, 4), "variant", area_place.name)

    def _border(self, name: str, code: str) -> Match:
        line = self.areas().border(code)
        place = Place(f"part:{code}:border", line.name, line.lat, line.lon, "region", line.name_ar,
                      radius_km=line.radius_km,
                      source="boundaries: Who's On First / Mesoshapes (data/boundaries.json)")
        return Match(name, place, QUALITY_VARIANT, "variant", line.name)

    def _area_place(self, words: str, country: str | None) -> Place | None:
        """The governorate (else district) a name names, preferring the hinted country."""
        found = [self._places[i] for i in self._fold.get(fold(words), ())
                 if self._places[i].kind in ("admin1", "admin2")]
        found.sort(key=lambda p: (p.kind != "admin1", country is not None and p.country != country, p.id))
        return found[0] if found else None

    def _seat(self, name: str, area: Place) -> tuple[float, float, float] | None:
        """(lat, lon, radius_km) of the town an area is named after, if it lies in the area."""
        towns = [self._places[i] for i in self._fold.get(fold(name), ())
                 if self._places[i].kind == "settlement"
                 and distance_km(area.lat, area.lon, self._places[i].lat, self._places[i].lon) <= area.radius_km]
        if not towns:
            return None
        town = max(towns, key=lambda p: (p.population, p.curated, p.id))
        return town.lat, town.lon, max(town.radius_km, MIN_CITY_KM)

    def _around_town(self, name: str, query: RegionQuery, country: str | None, admin1: str | None,
                     near: Near | None) -> Match | None:
        if query.part != COUNTRYSIDE:
            return None  # "northern Shaddadi" is no expression of a part; resolve it as written
        town = self.resolve(query.name, country=country, admin1=admin1, near=near)
        if town is None or town.place.kind != "settlement":
            return None
        lat, lon = town.place.lat, town.place.lon
        if query.direction in BEARINGS:
            lat, lon = _moved(lat, lon, BEARINGS[query.direction], COUNTRYSIDE_KM)
        p = town.place
        adjective = "central" if query.direction == "central" else f"{query.direction}ern"
        words = [w for w in (query.direction and adjective, p.name, "countryside") if w]
        place = Place(f"part:{p.id}:countryside:{query.direction or 'all'}", " ".join(words),
                      round(lat, 5), round(lon, 5), "region", f"ريف {p.name_ar}" if p.name_ar else "",
                      country=p.country, admin1=p.admin1, radius_km=p.radius_km + COUNTRYSIDE_KM,
                      source=f"around {p.id} ({p.source})")
        return Match(name, place, round(town.score * CLITIC, 4), town.method, town.matched_name)

    def _km_outside(self, place: Place, area: set[str]) -> float:
        """How far outside the working area a place lies: 0 inside it; otherwise the distance
        to the nearest governorate polygon of the area's countries (Syria and Iraq have them;
        another country of the area counts only by its own places)."""
        if place.country in area:
            return 0.0
        key = (place.id, tuple(sorted(area)))
        if key not in self._outside:
            # A governorate's disc holds it, so the distance to the disc is a lower bound:
            # measure against the polygon only where that bound could be the least.
            areas = self.areas()
            bounds = sorted((max(0.0, distance_km(a.lat, a.lon, place.lat, place.lon) - a.radius_km), a.code)
                            for a in areas.areas("admin1") if a.country in area)
            best = math.inf
            for bound, code in bounds:
                if bound >= best:
                    break
                best = min(best, areas.distance_km(code, place.lat, place.lon))
            self._outside[key] = best
        return self._outside[key]

    def _admin1_places(self) -> list[Place]:
        if self._admin1 is None:
            self._admin1 = self._added("admin1")
        return self._admin1

    def _added(self, kind: str) -> list[Place]:
        """The added places of a kind (the bundled layer holds populated places only): read
        without parsing the whole layer."""
        return [p for p in (self._places[i] for i in self._ids.values()) if p.kind == kind]

    def _joined(self) -> Mapping[str, list[int]]:
        """Folded keys with their spaces taken out (a rare fallback), grouped as needed."""
        if self._joined_keys is None:
            self._joined_keys = _JoinedKeys(self._fold)
        return self._joined_keys

    def _fuzzy_lookup(self, key: str) -> dict[int, tuple[float, str]]:
        """Places with a folded key of edit ratio >= FUZZY_CUTOFF to `key` (at least 4 letters)."""
        if len(key) < 4:
            return {}
        if self._fuzzy is None:
            self._fuzzy = _SegmentIndex(self._fold)
        hits: dict[int, tuple[float, str]] = {}
        for k, ratio in self._fuzzy.lookup(key):
            quality = FUZZY_WEIGHT * ratio / 100
            for i in self._fold.get(k, ()):
                if hits.get(i, (0.0,))[0] < quality:
                    hits[i] = (quality, "fuzzy")
        return hits

    def _hint_factor(self, place: Place, country: str | None, admin1: str | None,
                     generic: Generic, near: Near | None) -> float:
        factor = 1.0
        if country and place.country and place.country != country:
            factor *= 0.5
        if admin1 and place.admin1 != admin1 and place.kind != "country":
            if place.admin1:
                factor *= 0.7
            else:
                area = self.get(f"adm1:{admin1}")
                if area and distance_km(area.lat, area.lon, place.lat, place.lon) > area.radius_km:
                    factor *= 0.7
        if generic.features and place.feature not in generic.features:
            factor *= 0.75
        if generic.kinds and place.kind not in generic.kinds:
            factor *= 0.75
        if near is not None:
            km = distance_km(near[0], near[1], place.lat, place.lon)
            factor *= 1.0 - 0.3 * min(1.0, km / 300)
        return factor

    def country_code(self, country: str) -> str:
        """The ISO2 code of a country given as ISO2, ISO3, ISO numeric or name (any script).

        >>> g = Gazetteer.bundled()
        >>> g.country_code("760"), g.country_code("IRQ"), g.country_code("سوريا")
        ('SY', 'IQ', 'SY')
        """
        codes = country_codes()
        wanted = country.strip()
        if wanted.upper() in codes:
            return codes[wanted.upper()]
        places = [self._places[i] for i in self._fold.get(fold(wanted), ())]
        found = next((p.country for p in places if p.kind == "country"), None)
        if found:
            return found
        names = {p.name: p.country for p in self._added("country")}
        raise HintError(f"unknown country {country!r}; give an ISO code (SY, SYR, 760) or a name"
                        + _closest(wanted, names))

    def admin1_code(self, admin1: str, country: str | None = None) -> str:
        """The ISO 3166-2 code of a governorate given as a code or a name, Arabic or English,
        in the spellings ACLED and the press use ("Rural Damascus", "Idleb", "Al Hasakeh").

        >>> Gazetteer.bundled().admin1_code("Rural Damascus")
        'SY-RD'
        """
        wanted = admin1.strip()
        if self.get(f"adm1:{wanted.upper()}"):
            return wanted.upper()
        areas = self._admin1_places()

        def pick(found: list[Place]) -> str | None:
            found.sort(key=lambda p: (country is not None and p.country != country, p.id))
            return found[0].admin1 if found else None

        # The whole name first: "Rural Damascus" is Rif Dimashq, only its core is Damascus.
        for key in (fold(wanted), fold(split_generic(wanted)[0])):
            code = pick([p for p in areas if key in self._keys[self._ids[p.id]].fold])
            if code:
                return code
        code = pick([p for p in areas if skeleton(wanted) in self._keys[self._ids[p.id]].skel])
        if code:
            return code
        raise HintError(f"unknown governorate {admin1!r}"
                        + _closest(wanted, {p.name: p.admin1 for p in areas}))

    def _matched_name(self, place: Place, query: str, core: str) -> str:
        n, f, fc = normalize(query), fold(query), fold(core)
        for name in place.names:
            if normalize(name) == n:
                return name
        for name in place.names:
            if fold(name) in (f, fc) or fold(split_generic(name)[0]) in (f, fc):
                return name
        return place.name


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in text)


def _stronger(new: _Evidence, old: _Evidence) -> bool:
    """Evidence that may answer beats evidence that may not; then the higher quality wins."""
    return (new.reach != NEVER, new.quality) > (old.reach != NEVER, old.quality)


def _name_reach(key: str) -> str:
    """Name evidence counts anywhere, but a short name abroad is too easily met by chance."""
    letters = len(key.replace(" ", ""))
    return ANYWHERE if letters > (SHORT_NAME - 1 if _is_arabic(key) else SHORT_NAME) else INSIDE


def _without_clitic(name: str) -> list[str]:
    """The name without a conjunction or preposition attached to its first word, longest
    clitic first: "بالحسكة" -> "الحسكة", "وحقل العمر" -> "حقل العمر", "للشدادي" -> "الشدادي"."""
    first, _, rest = name.strip().partition(" ")
    if not _is_arabic(first[:1]):
        return []
    out = []
    if first.startswith("لل") and len(first) > 4:  # ل + the article, whose alef is not written
        out.append("ال" + first[2:])
    for clitic in ARABIC_CLITICS:
        if first.startswith(clitic) and len(first) - len(clitic) >= 3:
            out.append(first[len(clitic):])
    return [f"{word} {rest}".strip() for word in out]


def _closest(wanted: str, names: dict[str, str]) -> str:
    """"; closest: A (code), B (code)" from `names` (name -> code), or "" when none is near."""
    from rapidfuzz import fuzz, process

    found = process.extract(fold(wanted), {n: fold(n) for n in names}, scorer=fuzz.WRatio, limit=3,
                            score_cutoff=50)
    shown = [f"{name} ({names[name]})" for _, _, name in found]
    return f"; closest: {', '.join(shown)}" if shown else ""


def _moved(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    """The point `km` away in the compass `bearing` (degrees), on a sphere."""
    r = km / 6371.0088
    p1, l1, b = math.radians(lat), math.radians(lon), math.radians(bearing)
    p2 = math.asin(math.sin(p1) * math.cos(r) + math.cos(p1) * math.sin(r) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(r) * math.cos(p1), math.cos(r) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def _outclassed(best: Place, population: int, other: Place, by_size: bool) -> bool:
    """True when a settlement `other` cannot rival `best` (of `population` people): a hamlet
    (fewer than 1,000 people, or none counted) beside a country, a governorate or a city of
    100,000, or (`by_size`) a counted town a tenth of its size. "Homs" is not made doubtful by
    a hamlet of that name in Iraq, nor Raqqa by Ar Riqqah in Kuwait; a town of 26,000 is by
    three uncounted villages of its name (al-Malikiyah)."""
    big, small = OUTCLASSED_POPULATION
    if other.kind != "settlement" or other.curated:
        return False
    if other.population < small and (best.kind in ("country", "admin1") or population >= big):
        return True
    return by_size and other.population >= small and population >= OUTCLASSED_RATIO * other.population


def _holds(area: Place, place: Place) -> bool:
    """True when `area` is the country, governorate or district `place` lies in: "Homs" the
    city and Homs the governorate are one name for nested things, not rival places."""
    if area.kind == "country":
        return area.country == place.country
    return area.kind in ("admin1", "admin2") and bool(area.admin1) and area.admin1 == place.admin1


def _spelt_alike(name: str, place: Place) -> bool:
    """True when one of the place's names is the query with a slip in ten letters or fewer
    ("سليمان بيك", "سليمان بك"): then a skeleton-only namesake is a rival of a variant match,
    not a chance look-alike (Qamishli and al-Qamishliyah)."""
    from rapidfuzz import fuzz

    key = fold(name)
    return any(fuzz.ratio(key, fold(n)) >= 90 for n in place.names)


def _tier(quality: float) -> int:
    """Matches of one tier name the place equally well: exact, variant and skeleton are one."""
    return 0 if quality >= QUALITY_SKELETON else 1


def _prominence(place: Place) -> float:
    """0..1: how likely a bare mention means this place rather than a namesake."""
    if place.kind == "country":
        return 0.95
    if place.kind == "admin1":
        return 0.8
    if place.kind in ("admin2", "region"):
        return 0.7
    by_population = min(1.0, math.log10(place.population + 1) / 6.5)
    if place.curated:
        return 1.0 if place.kind == "site" else max(0.85, by_population)
    if place.kind == "site":
        return 0.6
    return by_population


# --- storage: a lazily read layer under the places added to it -------------------------------

class _Places(Sequence):
    """The places by index: a layer's (built into `Place` objects when first asked for), then
    the added ones. Indexing is all the ranking needs, so 35k rows cost nothing until used."""

    __slots__ = ("_layer", "_built", "_added")

    def __init__(self) -> None:
        self._layer: Layer | None = None
        self._built: list[Place | None] = []
        self._added: list[Place] = []

    def attach(self, layer: Layer) -> None:
        self._layer = layer
        self._built = [None] * len(layer)

    def __len__(self) -> int:
        return len(self._built) + len(self._added)

    def __getitem__(self, i):
        built = self._built
        if i < 0:
            i += len(self)
        if i < len(built):
            place = built[i]
            if place is None:
                place = built[i] = self._layer.place(i)  # type: ignore[union-attr]
            return place
        return self._added[i - len(built)]

    def __setitem__(self, i: int, place: Place) -> None:
        if i < len(self._built):
            self._built[i] = place
        else:
            self._added[i - len(self._built)] = place

    def __iter__(self) -> Iterator[Place]:
        for i in range(len(self)):
            yield self[i]

    def append(self, place: Place) -> None:
        self._added.append(place)


class _KeyTable(Mapping):
    """Name key -> place indexes: a layer's sorted key table ("fold" or "skel"), merged with a
    dict of the keys of the places added since (`add`). `get` returns a list the caller must
    not change."""

    __slots__ = ("_name", "_layer", "_added", "_added_by_length", "_added_joined", "_seen")

    def __init__(self, name: str) -> None:
        self._name = name
        self._layer: Layer | None = None
        self._added: dict[str, list[int]] = {}
        self._added_by_length: dict[int, list[str]] | None = None
        self._added_joined: dict[str, list[str]] | None = None
        # Layer lookups already made: one name is looked up under the same key several times.
        self._seen: dict[str, list[int] | None] = {}

    def attach(self, layer: Layer) -> None:
        self._layer = layer
        self._seen.clear()

    def add(self, key: str, i: int) -> None:
        bucket = self._added.get(key)
        if bucket is None:
            self._added[key] = [i]
            self._added_by_length = self._added_joined = None
        elif bucket[-1] != i:
            bucket.append(i)
        if self._seen:
            self._seen.clear()

    def get(self, key: str, default=None):
        if self._layer is None:
            return self._added.get(key, default)
        seen = self._seen
        if key in seen:
            found = seen[key]
        else:
            found = self._layer.rows(self._name, key)
            added = self._added.get(key)
            if added:
                found = found + [i for i in added if i not in found] if found else added
            if len(seen) >= _CACHE_SIZE:
                seen.clear()
            seen[key] = found
        return default if found is None else found

    def __getitem__(self, key: str) -> list[int]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        layer_keys = self._layer.keys(self._name) if self._layer is not None else []
        yield from layer_keys
        if self._added:
            known = set(layer_keys)
            yield from (key for key in self._added if key not in known)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def items(self) -> Iterator[tuple[str, list[int]]]:  # type: ignore[override]
        """Every key with its indexes: the layer's first, then the other added ones."""
        added = self._added
        seen: set[str] = set()
        if self._layer is not None:
            for key, rows in self._layer.table(self._name):
                seen.add(key)
                more = added.get(key)
                yield key, rows + [i for i in more if i not in rows] if more else rows
        for key, found in added.items():
            if key not in seen:
                yield key, found

    def of_length(self, length: int) -> list[str]:
        """The keys of `length` letters (a key both in the layer and added may come twice)."""
        if self._added_by_length is None:
            grouped: dict[int, list[str]] = {}
            for key in self._added:
                grouped.setdefault(len(key), []).append(key)
            self._added_by_length = grouped
        found = self._layer.keys(self._name, length) if self._layer is not None else []
        return found + self._added_by_length.get(length, [])

    def joined(self, key: str) -> list[str]:
        """The keys with spaces that are `key` written without them, by length (the layer's
        first within a length): "dayrzur" -> ["dayr zur"]."""
        if self._added_joined is None:
            grouped: dict[str, list[str]] = {}
            for k in self._added:
                if " " in k:
                    grouped.setdefault(k.replace(" ", ""), []).append(k)
            self._added_joined = grouped
        found = self._layer.joined(key) if self._layer is not None else []
        more = self._added_joined.get(key)
        return sorted(found + more, key=len) if more else found


class _JoinedKeys(Mapping):
    """Keys written without their spaces -> place indexes ("deirezzor" finds "dayr zur"): the
    layer reads the few keys that may be one (of a few lengths, with its first letter); the
    added keys are grouped the first time one is asked for."""

    __slots__ = ("_table",)

    def __init__(self, table: _KeyTable) -> None:
        self._table = table

    def get(self, key: str, default=None):
        keys = self._table.joined(key)
        if not keys:
            return default
        return list(dict.fromkeys(i for k in keys for i in self._table.get(k, ())))

    def __getitem__(self, key: str) -> list[int]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        for key in self._table:
            if " " in key:
                yield key.replace(" ", "")

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _SegmentIndex:
    """Folded keys cut into segments, for fuzzy lookup over the whole index.

    Two keys of lengths n and m with an edit ratio >= FUZZY_CUTOFF differ by at most
    d = 0.15 (n + m) inserted or deleted letters. Cut a key into t + 1 segments: a name within
    t edits of it holds one of them unchanged, shifted by at most t letters (the pigeonhole
    filter of Pass-Join, Li et al., VLDB 2011). So a query probes, for each length m it may
    match, a few of its own substrings against the segments of the keys of length m, and only
    the keys found there are scored by rapidfuzz. `_edits` sets t for a pair of lengths.

    The segment tables of a length are built the first time a query needs them, from the keys
    of that length only (all lengths together: about half a second of CPU for 100k keys). The
    first SCORE_ALL lookups of an index skip them and score every key of the lengths they may
    match, a few milliseconds each: a command resolving one misspelt name builds nothing.
    """

    SCORE_ALL = 8

    __slots__ = ("_keys", "_by_length", "_tables", "_plans", "_lookups", "build_seconds")

    def __init__(self, keys: _KeyTable) -> None:
        self._keys = keys
        self._by_length: dict[int, list[str]] = {}
        self._tables: dict[tuple[int, int], list[dict[str, str | list[str]]]] = {}
        self._plans: dict[int, list[tuple[dict[str, str | list[str]] | None, int, int, int]]] = {}
        self._lookups = 0
        self.build_seconds = 0.0  # time spent building tables, for the benchmark

    def lookup(self, key: str, limit: int = 20) -> list[tuple[str, float]]:
        """Up to `limit` keys with a ratio >= FUZZY_CUTOFF, best first: (key, ratio 0..100)."""
        from rapidfuzz import fuzz, process

        n = len(key)
        self._lookups += 1
        plan = self._plans.get(n)
        if plan is None and self._lookups <= self.SCORE_ALL:
            plan = [(None, m, 0, 0) for m in range(max(1, (n * 7) // 10), n * 2)
                    if self._edits(n, m) is not None and self._of_length(m)]
        elif plan is None:
            plan = self._plan(n)
        pool: list[str] = []
        for table, width, first, last in plan:
            if table is None:  # all keys of length `width` (too short to cut, or early)
                pool += self._by_length[width]
                continue
            get = table.get
            for at in range(first, last + 1):
                found = get(key[at:at + width])
                if found is not None:
                    if type(found) is str:
                        pool.append(found)
                    else:
                        pool += found
        scored = process.extract(key, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None)
        ratios: dict[str, float] = {k: ratio for k, ratio, _ in scored}  # a key found by two segments: once
        return sorted(ratios.items(), key=lambda kr: (-kr[1], kr[0]))[:limit]

    @staticmethod
    def _edits(n: int, m: int) -> int | None:
        """Edits t to allow between keys of lengths n and m, or None if no ratio can reach the
        cutoff. Ratio >= 85 allows d = 0.15 (n + m) letters inserted or deleted; a letter
        replaced in place is one of each, so a pair mostly differs by (d + |n - m|) / 2 edits.
        Two edits are always allowed (a letter dropped here and another added there), and
        never more than d. Only names with three or more scattered changes can escape this
        (none did among 2,000 misspellings compared with scoring every key)."""
        d = int((100 - FUZZY_CUTOFF) * (n + m) // 100)
        if abs(n - m) > d:
            return None
        return min(d, max(2, (d + abs(n - m)) // 2))

    def _plan(self, n: int) -> list[tuple[dict[str, str | list[str]] | None, int, int, int]]:
        """For a query of length n: (segment table, segment width, first and last start of
        the query's substrings to look up) for every length it may match."""
        import time

        started = time.perf_counter()
        plan: list[tuple[dict[str, str | list[str]] | None, int, int, int]] = []
        for m in range(max(1, (n * 7) // 10), n * 2):
            t = self._edits(n, m)
            if t is None or not self._of_length(m):
                continue
            if t + 1 > m:
                plan.append((None, m, 0, 0))
                continue
            shift = n - m
            for i, ((start, width), table) in enumerate(zip(_segments(m, t), self._table(m, t))):
                # Pass-Join's multi-match-aware window: segment i moves by at most i letters,
                # and by no more than the edits left after it allow.
                first = max(start - i, start + shift - (t - i), 0)
                last = min(start + i, start + shift + (t - i), n - width)
                if first <= last:
                    plan.append((table, width, first, last))
        self._plans[n] = plan
        self.build_seconds += time.perf_counter() - started
        return plan

    def _of_length(self, m: int) -> list[str]:
        keys = self._by_length.get(m)
        if keys is None:
            keys = self._by_length[m] = self._keys.of_length(m)
        return keys

    def _table(self, m: int, t: int) -> list[dict[str, str | list[str]]]:
        """Segment -> key (or keys), for each of the t + 1 segments of the keys of length m.
        A segment most keys do not share maps to the key itself, and segments are interned:
        all tables together hold 800k entries."""
        tables = self._tables.get((m, t))
        if tables is None:
            import sys

            intern = sys.intern
            cuts = _segments(m, t)
            tables = [{} for _ in cuts]
            for key in self._of_length(m):
                for table, (start, width) in zip(tables, cuts):
                    segment = key[start:start + width]
                    found = table.get(segment)
                    if found is None:
                        table[intern(segment)] = key
                    elif isinstance(found, str):
                        table[segment] = [found, key]
                    else:
                        found.append(key)
            self._tables[(m, t)] = tables
        return tables


def _segments(m: int, t: int) -> list[tuple[int, int]]:
    """(start, width) of the t + 1 near-equal segments of a length-m key, shorter ones first."""
    parts = t + 1
    narrow, wide_from = m // parts, parts - m % parts
    cuts, start = [], 0
    for i in range(parts):
        width = narrow if i < wide_from else narrow + 1
        cuts.append((start, width))
        start += width
    return cuts
