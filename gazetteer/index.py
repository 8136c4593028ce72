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

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from .fold import Generic, fold, fold_words, normalize, readings, skeleton, split_generic
from .place import Match, Place, distance_km
from .sources import (
    GEONAMES_FILE, Keys, Layer, bundled_layer, curated_keyed, imported_index_files, place_keys,
    read_index, user_data_dir,
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
        self._cache: dict[tuple, tuple[Match, ...]] = {}
        self.sources: list[tuple[str, int]] = []
        self.add(places, label="given")

    # --- building ----------------------------------------------------------------------------

    @classmethod
    def bundled(cls) -> "Gazetteer":
        """The data shipped with the package: curated tables and the populated-place layer."""
        gaz = cls()
        layer = bundled_layer()  # refolded (and cached) if folding changed since the build
        if layer is not None:
            gaz._attach(layer)
        gaz.add_keyed(curated_keyed(), label="curated (data/*.csv)")
        if layer is not None:
            label = f"GeoNames and Who's On First populated places (data/{GEONAMES_FILE})"
            gaz.sources.append((label, len(layer)))
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
        self._cache.clear()

    def _attach(self, layer: Layer) -> None:
        """Make a layer's places the first of this (empty) gazetteer, read as they are used."""
        if len(self._places) or layer.stale:
            raise ValueError("only a current layer can be attached, to an empty gazetteer")
        self._layer = layer
        self._places.attach(layer)
        self._fold.attach(layer)
        self._skel.attach(layer)
        self._fuzzy = self._joined_keys = None
        self._cache.clear()

    # --- reading -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places)

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

    def get(self, place_id: str) -> Place | None:
        """The place with this id, or None."""
        i = self._ids.get(place_id)
        if i is None and self._layer is not None:
            i = self._layer.find(place_id)
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

    def __getitem__(self, i):  # type: ignore[override]
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

    __slots__ = ("_name", "_layer", "_added", "_added_by_length", "_seen")

    def __init__(self, name: str) -> None:
        self._name = name
        self._layer: Layer | None = None
        self._added: dict[str, list[int]] = {}
        self._added_by_length: dict[int, list[str]] | None = None
        # Layer lookups already made: one name is looked up under the same key several times.
        self._seen: dict[str, list[int] | None] = {}

    def attach(self, layer: Layer) -> None:
        self._layer = layer
        self._seen.clear()

    def add(self, key: str, i: int) -> None:
        bucket = self._added.get(key)
        if bucket is None:
            self._added[key] = [i]
            self._added_by_length = None
        elif bucket[-1] != i:
            bucket.append(i)
        if self._seen:
            self._seen.clear()

    def get(self, key: str, default=None):  # type: ignore[override]
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

    def most_spaces(self) -> int:
        """The most spaces in one key."""
        layer = self._layer.spaces if self._layer is not None else 0
        return max(layer, max((k.count(" ") for k in self._added), default=0))


class _JoinedKeys(Mapping):
    """Keys written without their spaces -> place indexes ("deirezzor" finds "dayr zur"). A
    key of n letters written joined comes from keys of n + 1 .. n + most_spaces letters: those
    are grouped the first time a joined key of that length is asked for."""

    __slots__ = ("_table", "_spaces", "_by_length")

    def __init__(self, table: _KeyTable) -> None:
        self._table = table
        self._spaces = table.most_spaces()
        self._by_length: dict[int, dict[str, list[str]]] = {}

    def get(self, key: str, default=None):  # type: ignore[override]
        keys = self._of_length(len(key)).get(key)
        if keys is None:
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

    def _of_length(self, length: int) -> dict[str, list[str]]:
        joined = self._by_length.get(length)
        if joined is None:
            joined = self._by_length[length] = {}
            for spaces in range(1, self._spaces + 1):
                for key in self._table.of_length(length + spaces):
                    if key.count(" ") == spaces:
                        joined.setdefault(key.replace(" ", ""), []).append(key)
        return joined


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
        found = process.extract(key, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None)
        ratios = {k: ratio for k, ratio, _ in found}  # a key found by two segments: once
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
                    elif type(found) is str:
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
