"""The Gazetteer: every source merged into one index, and name resolution over it.

Ranking, in order of weight:

1. match quality: exact (the normalized name, quality 1.0); variant (the folded name, 0.97;
   the place's name without its generic words when the query has none, 0.9, so that "Albu
   Kamal" is the town before the "Albu Kamal crossing"; a consonant skeleton across scripts,
   0.88); then, only when none of these found anything, names written joined (0.97), a
   three-consonant skeleton (0.75) and fuzzy matching (edit ratio >= 85 on folded names,
   0.9 x ratio);
2. hints, as factors: a country that differs (x0.5), a governorate that differs (x0.7), a
   feature or kind word ("field", "ريف") the place does not fit (x0.75), distance from `near`;
3. prominence: curated sites, admin areas and populous towns before hamlets (x0.85 .. x1.0).

score = quality x hints x prominence, in 0..1. What the numbers mean:
- >= 0.85: the name as printed, or a spelling variant, of a place that fits every hint;
- 0.65 .. 0.85: a skeleton or fuzzy match, or a place that contradicts one hint;
- < MIN_SCORE (0.5): not returned by `resolve`, only listed by `candidates`.

A match is `ambiguous` when a runner-up is a namesake (found by exact, variant or skeleton key,
not by fuzzy matching), fits the hints just as well, and lies far away (beyond both radii plus
10 km): only prominence, not evidence, picked the winner.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Iterator
from pathlib import Path

from .fold import Generic, fold, fold_words, normalize, readings, skeleton, split_generic
from .place import Match, Place, distance_km
from .sources import (
    Keys, bundled_geonames, curated_keyed, imported_index_files, place_keys, read_index,
    user_data_dir,
)

MIN_SCORE = 0.5
QUALITY_EXACT = 1.0
QUALITY_VARIANT = 0.97
QUALITY_CORE = 0.9
QUALITY_SKELETON = 0.88
QUALITY_WEAK_SKELETON = 0.75
STRONG_SKELETON = 4
FUZZY_CUTOFF = 85.0
FUZZY_WEIGHT = 0.9
SAME_PLACE_KM = 10.0
_CACHE_SIZE = 1 << 16

Near = tuple[float, float]


class Gazetteer:
    """Places from every source, indexed by folded name keys.

    >>> gaz = Gazetteer.bundled()
    >>> gaz.resolve("حقل العمر").place.feature
    'oil_field'
    """

    def __init__(self, places: Iterable[Place] = ()) -> None:
        self._places: list[Place] = []
        self._keys: list[Keys] = []
        self._ids: dict[str, int] = {}
        self._fold: dict[str, list[int]] = {}
        self._skel: dict[str, list[int]] = {}
        self._fuzzy: dict[str, tuple[list[str], list[int]]] | None = None
        self._joined_keys: dict[str, list[int]] | None = None
        self._cache: dict[tuple, tuple[Match, ...]] = {}
        self.sources: list[tuple[str, int]] = []
        self.add(places, label="given")

    # --- building ----------------------------------------------------------------------------

    @classmethod
    def bundled(cls) -> "Gazetteer":
        """The data shipped with the package: curated tables and the GeoNames subset."""
        gaz = cls()
        gaz.add_keyed(curated_keyed(), label="curated (data/*.csv)")
        gaz.add_keyed(bundled_geonames(), label="GeoNames cities500 subset (data/geonames.tsv)")
        return gaz

    @classmethod
    def default(cls, data_dir: Path | None = None) -> "Gazetteer":
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
        places, ids, all_keys = self._places, self._ids, self._keys
        tables = (self._fold, self._skel)  # in the order of Keys' fields
        for place, keys in keyed:
            i = ids.get(place.id)
            if i is None:
                i = ids[place.id] = len(places)
                places.append(place)
                all_keys.append(keys)
            else:
                places[i] = place
                old = all_keys[i]
                keys = Keys(tuple(dict.fromkeys(old.fold + keys.fold)),
                            tuple(dict.fromkeys(old.skel + keys.skel)))
                all_keys[i] = keys
            for table, ks in zip(tables, keys):
                for k in ks:
                    bucket = table.get(k)
                    if bucket is None:
                        table[k] = [i]
                    elif bucket[-1] != i:
                        bucket.append(i)
            count += 1
        if label and count:
            self.sources.append((label, count))
        self._fuzzy = self._joined_keys = None
        self._cache.clear()

    # --- reading -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places)

    def keyed(self) -> Iterator[tuple[Place, Keys]]:
        """Every place with its name keys (for multi-pattern matching over text)."""
        return zip(self._places, self._keys)

    def get(self, place_id: str) -> Place | None:
        """The place with this id, or None."""
        i = self._ids.get(place_id)
        return None if i is None else self._places[i]

    # --- resolving ---------------------------------------------------------------------------

    def resolve(self, name: str, *, country: str | None = None, admin1: str | None = None,
                near: Near | None = None) -> Match | None:
        """The best place for a name as printed, or None when nothing scores MIN_SCORE.

        `country` (ISO2 or name) and `admin1` (ISO 3166-2 code or governorate name) are hints,
        not filters; `near` is a (lat, lon) the place is likely close to.
        """
        found = self.candidates(name, country=country, admin1=admin1, near=near)
        return found[0] if found and found[0].score >= MIN_SCORE else None

    def candidates(self, name: str, *, country: str | None = None, admin1: str | None = None,
                   near: Near | None = None, limit: int = 10) -> list[Match]:
        """Places the name may mean, best first; the first carries the runners-up and ambiguity."""
        key = (name, country, admin1, near, limit)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            cached = self._cache[key] = tuple(self._rank(name, country, admin1, near, limit))
        return list(cached)

    def _rank(self, name: str, country: str | None, admin1: str | None, near: Near | None,
              limit: int) -> list[Match]:
        hits, generic, core = self._lookup(name)
        if not hits:
            return []
        country = self._country_code(country)
        admin1 = self._admin1_code(admin1, country)
        scored = []
        said = fold(name).replace(" ", "")
        for i, (quality, method) in hits.items():
            place = self._places[i]
            if quality == QUALITY_VARIANT and not generic and not any(
                    fold(n).replace(" ", "") == said for n in place.names):
                # Only the place's name without its generic word matched ("Albu Kamal" for
                # "Albu Kamal border crossing"): the text did not say "crossing".
                quality = QUALITY_CORE
            hint = self._hint_factor(place, country, admin1, generic, near)
            scored.append((quality * hint * (0.85 + 0.15 * _prominence(place)), quality, hint, place, method))
        scored.sort(key=lambda s: (-s[0], s[3].id))
        _, best_quality, best_hint, best, _ = scored[0]
        # Skeletons meet across borders by chance (Qamishli, Kamışlı): within one country only.
        ambiguous = any(
            _tier(quality) == _tier(best_quality) and hint >= best_hint - 1e-9
            and (quality > QUALITY_SKELETON or p.country == best.country)
            and distance_km(best.lat, best.lon, p.lat, p.lon) > max(best.radius_km, p.radius_km) + SAME_PLACE_KM
            for _, quality, hint, p, _ in scored[1:]
        )
        top = scored[:limit]
        matches = [Match(name, p, round(s, 4), method, self._matched_name(p, name, core))
                   for s, _, _, p, method in top]
        matches[0] = Match(name, best, matches[0].score, matches[0].method, matches[0].matched_name,
                           candidates=tuple(matches[1:]), ambiguous=ambiguous)
        return matches

    def _lookup(self, name: str) -> tuple[dict[int, tuple[float, str]], Generic, str]:
        """Place index -> (quality, method), from the strictest level that finds anything,
        with the hints of the generic words the matching reading took off, and its core."""
        hits: dict[int, tuple[float, str]] = {}
        exact = normalize(name)
        for i in self._fold.get(fold(name), ()):
            if any(normalize(n) == exact for n in self._places[i].names):
                hits[i] = (QUALITY_EXACT, "exact")
        options = readings(name)
        core_words, generic, _ = options[-1]
        for reading in options:
            found = self._fold.get(fold_words(list(reading[0])), ())
            for i in found:
                hits.setdefault(i, (QUALITY_VARIANT, "variant"))
            if found:
                core_words, generic, _ = reading
                break
        if not hits:
            # "Albukamal", "Deirezzor": names written joined meet the names written apart.
            for i in self._joined().get(fold(name).replace(" ", ""), ()):
                hits[i] = (QUALITY_VARIANT, "variant")
        core = " ".join(core_words)
        # Skeletons meet across scripts and vowel spellings (Kanaker, Kanakir, كناكر). Four
        # consonants rarely meet by chance, so such namesakes always join the candidates; a
        # three-consonant skeleton is only a fallback, and two meet far too many names.
        found_by_name = bool(hits)
        for key in {skeleton(name), skeleton(core)}:
            consonants = len(key.replace(" ", ""))
            if consonants >= STRONG_SKELETON or (consonants >= 3 and not found_by_name):
                quality = QUALITY_SKELETON if consonants >= STRONG_SKELETON else QUALITY_WEAK_SKELETON
                for i in self._skel.get(key, ()):
                    hits.setdefault(i, (quality, "variant"))
        if not hits:
            hits = self._fuzzy_lookup(fold(core))
        return hits, generic, core

    def _joined(self) -> dict[str, list[int]]:
        """Folded keys with their spaces taken out, built on first use (a rare fallback)."""
        if self._joined_keys is None:
            joined: dict[str, list[int]] = {}
            for key, found in self._fold.items():
                if " " in key:
                    joined.setdefault(key.replace(" ", ""), []).extend(found)
            self._joined_keys = joined
        return self._joined_keys

    def _fuzzy_lookup(self, key: str) -> dict[int, tuple[float, str]]:
        if len(key) < 4:
            return {}
        from rapidfuzz import fuzz, process

        if self._fuzzy is None:
            buckets: dict[str, list[str]] = {}
            for k in self._fold:
                buckets.setdefault(k[:1], []).append(k)
                buckets.setdefault(k[:2], []).append(k)
            self._fuzzy = {c: (sorted(ks, key=len), sorted(map(len, ks))) for c, ks in buckets.items()}
        # A ratio of 85 needs lengths within a factor of 0.74 (2·shorter / sum >= 0.85), and a
        # misspelling seldom touches the first letters: compare keys that begin alike, first
        # the two letters, then the one (on 1,000 misspelt names the best match changed twice).
        n = len(key)
        found = []
        for prefix in (key[:2], key[:1]):
            keys, lengths = self._fuzzy.get(prefix, ((), ()))
            pool = keys[bisect.bisect_left(lengths, math.ceil(n * 0.74)):bisect.bisect_right(lengths, n / 0.74)]
            found = process.extract(key, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=20)
            if found:
                break
        hits: dict[int, tuple[float, str]] = {}
        for k, ratio, _ in found:
            for i in self._fold[k]:
                quality = FUZZY_WEIGHT * ratio / 100
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

    def _country_code(self, country: str | None) -> str | None:
        if not country:
            return None
        if len(country) == 2 and country.isalpha():
            return country.upper()
        places = [self._places[i] for i in self._fold.get(fold(country), ())]
        return next((p.country for p in places if p.kind == "country"), country)

    def _admin1_code(self, admin1: str | None, country: str | None) -> str | None:
        if not admin1:
            return None
        if self.get(f"adm1:{admin1.upper()}"):
            return admin1.upper()
        core = split_generic(admin1)[0]
        areas = [self._places[i] for i in self._fold.get(fold(core), ())
                 if self._places[i].kind == "admin1"]
        areas.sort(key=lambda p: p.country != country)
        return areas[0].admin1 if areas else admin1

    def _matched_name(self, place: Place, query: str, core: str) -> str:
        n, f, fc = normalize(query), fold(query), fold(core)
        for name in place.names:
            if normalize(name) == n:
                return name
        for name in place.names:
            if fold(name) in (f, fc) or fold(split_generic(name)[0]) in (f, fc):
                return name
        return place.name


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
