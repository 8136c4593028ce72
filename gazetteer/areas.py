"""Governorates and districts of Syria and Iraq as polygons, and the regions made from them.

>>> from gazetteer.areas import Areas
>>> areas = Areas.bundled()
>>> areas.locate(36.05, 40.73).admin1          # Shaddadi
'SY-HA'
>>> areas.part("SY-HL", "north", exclude_city=(36.2, 37.16, 12)).name
'northern Aleppo countryside'

The polygons are `data/boundaries.json`, built by `scripts/build_boundaries.py` from Who's On
First / Mesoshapes (geometry CC0; names and codes CC-BY, credit "Who's On First"), simplified
with the topology kept: boundaries lie a median 0.1-0.2 km and at most 0.9 km from the source
(one district keeps 2.5 km, a sliver metres wide in the source; `Areas.hausdorff_km`). Governorates are stored as the union of their districts, so the two
levels always agree. Codes: a governorate is its ISO 3166-2 code (`SY-HL`; Halabja, which has
none, `IQ-HALABJA`); a district is its gazetteer id (`adm2:SY-al-mayadin`), the curated row's
where one matched, else a slug of Who's On First's name.

Importing this module loads nothing: the file is read by `Areas.bundled()`, and shapely and
numpy are imported on the first call that needs geometry.

The rules, so that a result can be explained:

- `locate`: the district whose polygon holds the point. A point on an edge shared by two
  districts gets the one listed first (districts are kept sorted by code), so every point gets
  one answer. A point in no polygon (the coast, the UNDOF strip of the Golan, just across an
  international border) gets the nearest district if it lies within SNAP_KM (2 km) of it, with
  `inside` False; farther out, None.
- `part(code, direction)`: the area cut by a 90° sector centred on the compass direction
  (north = bearings 315°..45°, northeast = 0°..90°, ...; neighbouring sectors overlap by half,
  as "north" and "northeast" do in speech). The sector's apex is the area's centroid, or the
  excluded city's centre when `exclude_city` is given ("ريف حلب الشمالي" is north of Aleppo
  city). "central" is the area within a disc around the centroid holding a quarter of the
  area's size (radius half the radius of a circle of the same area). `exclude_city=(lat, lon,
  radius_km)` removes the city's disc first. The region's point is the pole of inaccessibility
  of the part's largest piece (always inside it), and its radius reaches the part's farthest
  point.
- `desert(code)`: the build script's rule, stated here because it is a rule of thumb and not a
  survey: for the governorates that hold part of the Syrian Desert, the Jazira steppe or Iraq's
  Western and Southern Deserts (a fixed list: SY-HI, SY-DY, SY-RA, SY-HA, SY-RD, SY-SU, SY-HM,
  SY-HL, IQ-AN, IQ-NI, IQ-SD, IQ-KA, IQ-NA, IQ-MU, IQ-BA), the governorate minus 15 km around
  every bundled populated place (GeoNames places of 500 people or more, any country, and the
  curated district seats), keeping pieces of 500 km² or more, and only when that leaves at
  least 2,000 km² and 30 % of the governorate (SY-HL does not). GeoNames lists few Iraqi and
  north-east Syrian villages, so some farmland far from a listed town counts as desert; the
  point (pole of inaccessibility) lies deep in the steppe, which is what "بادية X" means.
- `border(name)`: the shared edge of the two countries' polygons; its point is the middle of
  the line and its radius reaches both ends.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataError, GazetteerError
from .fold import normalize
from .sources import data_file

if TYPE_CHECKING:  # only for annotations: importing them here would load them at import
    import numpy
    import shapely

BOUNDARIES_FILE = "boundaries.json"
FORMAT = "incident-mapper boundaries"
SNAP_KM = 2.0
LEVELS = ("admin1", "admin2")
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON = 111.320  # times cos(latitude)
EARTH_RADIUS_KM = 6371.0088

# The words for each direction: English adjective, Arabic adjective agreeing with ريف, Arabic
# noun ("شمال حلب"); and the compass bearing of each but "central".
DIRECTIONS: dict[str, tuple[str, str, str]] = {
    "north": ("northern", "الشمالي", "شمال"),
    "northeast": ("northeastern", "الشمالي الشرقي", "شمال شرق"),
    "east": ("eastern", "الشرقي", "شرق"),
    "southeast": ("southeastern", "الجنوبي الشرقي", "جنوب شرق"),
    "south": ("southern", "الجنوبي", "جنوب"),
    "southwest": ("southwestern", "الجنوبي الغربي", "جنوب غرب"),
    "west": ("western", "الغربي", "غرب"),
    "northwest": ("northwestern", "الشمالي الغربي", "شمال غرب"),
    "central": ("central", "الأوسط", "وسط"),
}
BEARINGS = {"north": 0.0, "northeast": 45.0, "east": 90.0, "southeast": 135.0, "south": 180.0,
            "southwest": 225.0, "west": 270.0, "northwest": 315.0}
SECTOR_HALF_ANGLE = 45.0
CENTRAL_SHARE = 0.25  # the central disc holds this share of the area's size


class UnknownArea(GazetteerError, LookupError):
    """No area, desert or border by that code or name; the message lists the valid ones."""


class EmptyRegion(GazetteerError, ValueError):
    """The requested part of an area is empty (e.g. the excluded city covers all of it)."""


@dataclass(frozen=True, slots=True)
class Area:
    """A governorate (`level` "admin1") or district ("admin2"), with a point inside it and the
    radius of a disc around that point that covers it."""

    code: str
    level: str
    country: str
    admin1: str
    name: str
    name_ar: str
    lat: float
    lon: float
    radius_km: float
    area_km2: float
    curated: bool
    source: str

    @property
    def id(self) -> str:
        """The gazetteer id: `adm1:SY-HL` or `adm2:SY-al-mayadin`."""
        return f"adm1:{self.code}" if self.level == "admin1" else self.code


@dataclass(frozen=True, slots=True)
class AreaHit:
    """Where a point lies: its governorate and district, by code and name. `inside` is False
    when the point lies in no polygon and was given the nearest district (within SNAP_KM)."""

    admin1: str
    admin1_name: str
    admin1_name_ar: str
    admin2: str
    admin2_name: str
    admin2_name_ar: str
    country: str
    inside: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "admin1": self.admin1, "admin1_name": self.admin1_name,
            "admin1_name_ar": self.admin1_name_ar, "admin2": self.admin2,
            "admin2_name": self.admin2_name, "admin2_name_ar": self.admin2_name_ar,
            "country": self.country, "inside": self.inside,
        }


@dataclass(frozen=True, slots=True)
class Region:
    """A named area on the map: a governorate's part, desert or border line.

    `lat`/`lon` is a representative point inside it (on it, for a line) and `radius_km` the
    radius of a disc around that point that covers it. `kind` is "area", "part", "desert" or
    "border"; `code` the area's code or the border's. `admin1` and `country` are empty for a
    border, which belongs to two countries."""

    code: str
    kind: str
    name: str
    name_ar: str
    lat: float
    lon: float
    radius_km: float
    admin1: str
    country: str
    geometry: Any = field(compare=False, repr=False)  # a shapely geometry, longitude/latitude

    def geojson(self) -> dict[str, Any]:
        """The region as a GeoJSON Feature (geometry and the fields above), for maps."""
        import shapely.geometry

        return {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(self.geometry),
            "properties": {
                "code": self.code, "kind": self.kind, "name": self.name, "name_ar": self.name_ar,
                "lat": self.lat, "lon": self.lon, "radius_km": self.radius_km,
                "admin1": self.admin1, "country": self.country,
            },
        }


def _libs():
    """numpy and shapely, imported on first use (see the module docstring)."""
    import numpy
    import shapely
    import shapely.ops

    return numpy, shapely


class Areas:
    """The bundled boundaries: point lookup, area records, and regions cut from the polygons.

    Builds its geometry lazily and keeps it (each instance its own): the first `locate` decodes
    the polygons and indexes them (tens of milliseconds); the first `locate_many` of 20,000
    points or more also classifies a lookup grid (under a second). Later calls reuse them."""

    def __init__(self, data: dict[str, Any], origin: str = BOUNDARIES_FILE) -> None:
        if data.get("format") != FORMAT:
            raise DataError(f"{origin}: not an incident-mapper boundaries file")
        self._data = data
        self._scale = float(data["scale"])
        self._areas: dict[str, Area] = {}
        for level in LEVELS:
            for row in data[level]:
                area = Area(
                    code=row["code"], level=level, country=row["country"], admin1=row["admin1"],
                    name=row["name"], name_ar=row["name_ar"], lat=row["lat"], lon=row["lon"],
                    radius_km=row["radius_km"], area_km2=row["area_km2"], curated=row["curated"],
                    source=row["source"],
                )
                self._areas[area.code] = area
        self._districts = tuple(a for a in self._areas.values() if a.level == "admin2")
        self._position = {d.code: i for i, d in enumerate(self._districts)}
        self._deserts = {row["admin1"]: row for row in data["deserts"]}
        self._lines = {row["code"]: row for row in data["lines"]}
        self._geometry: dict[str, Any] = {}
        self._cells: Any = None
        self._tree: Any = None
        self._lookup: _Lookup | None = None
        self._hits: tuple[AreaHit | None, ...] | None = None

    @classmethod
    def bundled(cls) -> Areas:
        """The boundaries shipped with the package (`data/boundaries.json`)."""
        with data_file(BOUNDARIES_FILE).open(encoding="utf-8") as fh:
            return cls(json.load(fh))

    @classmethod
    def from_file(cls, path: str | Path) -> Areas:
        """Boundaries from a file written by `scripts/build_boundaries.py`."""
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh), str(path))

    @property
    def hausdorff_km(self) -> dict[str, float]:
        """How far the simplified boundaries stray from the source at worst, per level."""
        return dict(self._data["hausdorff_km"])

    # --- records -----------------------------------------------------------------------------

    def areas(self, level: str | None = None) -> tuple[Area, ...]:
        """Every governorate, then every district (or those of one level), each sorted by code."""
        if level is not None and level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
        return tuple(a for a in self._areas.values() if level is None or a.level == level)

    def area(self, code: str) -> Area | None:
        """The area of an ISO 3166-2 code (`SY-HL`), a gazetteer id (`adm1:SY-HL`,
        `adm2:SY-al-mayadin`) or a district code without its prefix (`SY-al-mayadin`)."""
        code = code.strip()
        for key in (code, code.removeprefix("adm1:"), f"adm2:{code}", code.upper()):
            if key in self._areas:
                return self._areas[key]
        return None

    def _require(self, code: str) -> Area:
        area = self.area(code)
        if area is None:
            governorates = ", ".join(a.code for a in self.areas("admin1"))
            raise UnknownArea(f"no area {code!r}: governorates are {governorates}; districts are"
                              f" their gazetteer ids (adm2:SY-al-mayadin, ...)")
        return area

    # --- geometry ----------------------------------------------------------------------------

    def geometry(self, code: str) -> shapely.Geometry:
        """The polygon of an area (longitude/latitude); a governorate's is its districts' union."""
        area = self._require(code)
        if area.code not in self._geometry:
            _, shapely = _libs()
            if area.level == "admin2":
                self._geometry[area.code] = self._district_cells()[self._position[area.code]]
            else:
                cells = self._district_cells()
                mine = [i for i, d in enumerate(self._districts) if d.admin1 == area.code]
                self._geometry[area.code] = shapely.coverage_union_all(cells[mine])
        return self._geometry[area.code]

    def distance_km(self, code: str, lat: float, lon: float) -> float:
        """How far a point lies outside an area, in km (0 inside it)."""
        _, shapely = _libs()
        frame = _Frame(lat, lon)
        point = frame.to_km(shapely.Point(lon, lat))
        return float(shapely.distance(frame.to_km(self.geometry(code)), point))

    def feature_collection(self, level: str) -> dict[str, Any]:
        """Every area of a level as a GeoJSON FeatureCollection (for choropleths): properties
        code, name, name_ar, admin1, country."""
        import shapely.geometry

        features = [{
            "type": "Feature", "id": a.code,
            "geometry": shapely.geometry.mapping(self.geometry(a.code)),
            "properties": {"code": a.code, "name": a.name, "name_ar": a.name_ar,
                           "admin1": a.admin1, "country": a.country},
        } for a in self.areas(level)]
        return {"type": "FeatureCollection", "features": features}

    def _decode_polygons(self, polygons: list[list[list[int]]]) -> shapely.Geometry:
        np, shapely = _libs()
        parts = []
        for rings in polygons:
            coords = [np.asarray(r, dtype=np.int64).reshape(-1, 2).cumsum(axis=0) / self._scale
                      for r in rings]
            coords = [np.vstack([c, c[:1]]) for c in coords]
            parts.append(shapely.Polygon(coords[0], coords[1:]))
        return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)

    def _decode_lines(self, paths: list[list[int]]) -> shapely.Geometry:
        np, shapely = _libs()
        lines = [np.asarray(p, dtype=np.int64).reshape(-1, 2).cumsum(axis=0) / self._scale
                 for p in paths]
        return shapely.LineString(lines[0]) if len(lines) == 1 else shapely.MultiLineString(lines)

    def _district_cells(self) -> numpy.ndarray:
        if self._cells is None:
            np, shapely = _libs()
            rows = {row["code"]: row for row in self._data["admin2"]}
            cells = np.array([self._decode_polygons(rows[d.code]["polygons"]) for d in self._districts],
                             dtype=object)
            shapely.prepare(cells)
            self._cells = cells
        return self._cells

    def _index(self) -> shapely.STRtree:
        if self._tree is None:
            _, shapely = _libs()
            self._tree = shapely.STRtree(self._district_cells())
        return self._tree

    # --- point lookup ------------------------------------------------------------------------

    def _hit_table(self) -> tuple[AreaHit | None, ...]:
        """One shared AreaHit per district inside, one per district snapped, and None last, so
        that a district index (n + index when snapped, -1 for none) picks the answer."""
        if self._hits is None:
            inside, snapped = [], []
            for d in self._districts:
                gov = self._areas[d.admin1]
                hit = AreaHit(gov.code, gov.name, gov.name_ar, d.code, d.name, d.name_ar, d.country)
                inside.append(hit)
                snapped.append(replace(hit, inside=False))
            self._hits = (*inside, *snapped, None)
        return self._hits

    def locate(self, lat: float, lon: float) -> AreaHit | None:
        """The governorate and district of a point (see the module docstring for edges and
        points just outside every polygon); None outside Syria and Iraq."""
        return self.locate_many([lat], [lon])[0]

    def locate_many(self, lats: Sequence[float] | numpy.ndarray,
                    lons: Sequence[float] | numpy.ndarray) -> list[AreaHit | None]:
        """`locate` for many points at once (arrays or sequences of equal length), vectorised:
        about a million points a second once warm. Non-finite coordinates give None."""
        hits = self._hit_table()
        return [hits[i] for i in self._district_index(lats, lons).tolist()]

    def _district_index(self, lats, lons) -> numpy.ndarray:
        """Per point: the district index, n + index when snapped, -1 for none."""
        np, _ = _libs()
        lat = np.asarray(lats, dtype=float).ravel()
        lon = np.asarray(lons, dtype=float).ravel()
        if lat.shape != lon.shape:
            raise ValueError(f"{lat.size} latitudes but {lon.size} longitudes")
        if self._lookup is None:
            self._lookup = _Lookup(self._district_cells(), self._index())
        return self._lookup.index(lat, lon)

    # --- regions -----------------------------------------------------------------------------

    def part(self, code: str, direction: str | None = None, *,
             exclude_city: tuple[float, float, float] | None = None) -> Region:
        """The part of an area in a compass direction (north, northeast, ..., central; None for
        all of it), optionally without a city's disc `(lat, lon, radius_km)`: "ريف حلب الشمالي"
        is `part("SY-HL", "north", exclude_city=(36.2, 37.16, 12))`. See the module docstring
        for the rule."""
        area = self._require(code)
        if direction is not None and direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)} or None, "
                             f"not {direction!r}")
        _, shapely = _libs()
        geom = self.geometry(area.code)
        frame = _Frame(geom.centroid.y, geom.centroid.x)
        shape = frame.to_km(geom)
        apex = shape.centroid
        if exclude_city is not None:
            clat, clon, radius = (float(v) for v in exclude_city)
            if not (-90 <= clat <= 90 and -180 <= clon <= 180 and radius > 0):
                raise ValueError(f"exclude_city must be (lat, lon, radius_km > 0), "
                                 f"not {exclude_city!r}")
            apex = frame.to_km(shapely.Point(clon, clat))
            shape = shapely.difference(shape, shapely.buffer(apex, radius, quad_segs=32))
        if direction == "central":
            whole = frame.to_km(geom)
            disc_km = math.sqrt(CENTRAL_SHARE * whole.area / math.pi)
            shape = shapely.intersection(shape, shapely.buffer(whole.centroid, disc_km, quad_segs=32))
        elif direction is not None:
            shape = shapely.intersection(shape, _sector(apex, BEARINGS[direction], 4000.0))
        shape = _polygonal(shape)
        if shape is None:
            raise EmptyRegion(f"the {direction or 'whole'} part of {area.code} is empty"
                              + (f" once {exclude_city} is removed" if exclude_city else ""))
        name, name_ar = _part_names(area, direction, exclude_city is not None)
        return self._region(area.code, "part" if direction or exclude_city else "area", name,
                            name_ar, frame.from_km(shape), area)

    def desert(self, code: str) -> Region | None:
        """The desert ("بادية X", "the X desert") of a governorate, or None when it has none by
        the rule of the module docstring (and for districts)."""
        area = self._require(code)
        row = self._deserts.get(area.code) if area.level == "admin1" else None
        if row is None:
            return None
        geom = self._decode_polygons(row["polygons"])
        return Region(area.code, "desert", f"{area.name} desert", f"بادية {area.name_ar}",
                      row["lat"], row["lon"], row["radius_km"], area.code, area.country, geom)

    def borders(self) -> tuple[str, ...]:
        """The codes of the line regions (`SY-IQ`)."""
        return tuple(self._lines)

    def border(self, name: str) -> Region:
        """A border line by code (`SY-IQ`, either order) or name ("Syria–Iraq border",
        "الحدود السورية العراقية"); raises UnknownArea listing the valid names."""
        key = normalize(name)
        for row in self._lines.values():
            a, b = row["countries"]
            keys = {normalize(row["code"]), normalize(f"{b}-{a}"), normalize(row["name"]),
                    normalize(row["name_ar"])}
            if key in keys:
                return Region(row["code"], "border", row["name"], row["name_ar"], row["lat"],
                              row["lon"], row["radius_km"], "", "", self._decode_lines(row["paths"]))
        valid = "; ".join(f"{r['code']} ({r['name']}, {r['name_ar']})" for r in self._lines.values())
        raise UnknownArea(f"no border {name!r}: borders are {valid}")

    def _region(self, code: str, kind: str, name: str, name_ar: str, geom, area: Area) -> Region:
        _, shapely = _libs()
        largest = max(shapely.get_parts(geom), key=shapely.area)
        frame = _Frame(largest.centroid.y, largest.centroid.x)
        point = frame.from_km(shapely.ops.polylabel(frame.to_km(largest), tolerance=0.2))
        xy = shapely.get_coordinates(geom)
        radius = float(_haversine_km(point.y, point.x, xy[:, 1], xy[:, 0]).max())
        return Region(code, kind, name, name_ar, round(point.y, 5), round(point.x, 5),
                      round(radius, 1), area.admin1, area.country, geom)


# --- point lookup --------------------------------------------------------------------------

class _Lookup:
    """Point-in-district for many points at once.

    Few points go straight to the spatial index. For many, a grid of GRID_DEG squares over the
    districts is classified once: a square lying strictly inside one district answers at once,
    one farther than SNAP_KM from every district answers None, and only points in the remaining
    squares (on a boundary) are tested against the districts their square touches (prepared
    polygons, no Point objects)."""

    GRID_DEG = 0.05
    GRID_MIN_POINTS = 20_000  # below this, building the grid costs more than it saves

    def __init__(self, cells: numpy.ndarray, tree: shapely.STRtree) -> None:
        self.cells, self.tree = cells, tree
        self._grid: tuple[Any, Any, Any] | None = None
        self._segments: tuple[Any, Any] | None = None

    def index(self, lat: numpy.ndarray, lon: numpy.ndarray) -> numpy.ndarray:
        """Per point: the district index, n + index when snapped, -1 for none."""
        np, _ = _libs()
        result = np.full(lat.size, -1, dtype=np.int64)
        ok = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
        if ok.size < self.GRID_MIN_POINTS:
            result[ok] = self._direct(lat[ok], lon[ok])
        else:
            result[ok] = self._gridded(lat[ok], lon[ok])
        return result

    # --- the grid ----------------------------------------------------------------------------

    def _build_grid(self) -> tuple[Any, Any, Any]:
        np, shapely = _libs()
        xmin, ymin, xmax, ymax = shapely.total_bounds(self.cells)
        step = self.GRID_DEG
        self.x0 = math.floor(xmin / step) * step - step
        self.y0 = math.floor(ymin / step) * step - step
        self.nx = math.ceil((xmax - self.x0) / step) + 2
        self.ny = math.ceil((ymax - self.y0) / step) + 2
        ix, iy = np.meshgrid(np.arange(self.nx), np.arange(self.ny))
        return self._classify(ix.ravel(), iy.ravel(), step)

    def _classify(self, ix, iy, step: float):
        """Codes of the squares (column ix, row iy) of side `step`: >= 0 the one district that
        holds the square strictly inside, -2 nothing within SNAP_KM, -1 a boundary; and the
        (square, district) pairs of the boundary squares, sorted."""
        np, shapely = _libs()
        boxes = shapely.box(self.x0 + ix * step, self.y0 + iy * step,
                            self.x0 + (ix + 1) * step, self.y0 + (iy + 1) * step)
        codes = np.full(boxes.size, -1, dtype=np.int64)
        near = shapely.buffer(shapely.coverage_union_all(self.cells), _snap_deg(), quad_segs=4)
        shapely.prepare(near)
        codes[~shapely.intersects(near, boxes)] = -2
        box, cell = self.tree.query(boxes)  # envelopes only: the predicates follow, prepared
        touches = np.zeros(box.size, dtype=bool)
        for k in np.unique(cell):  # the prepared polygon first: the fast direction
            mine = np.flatnonzero(cell == k)
            touches[mine] = shapely.intersects(self.cells[k], boxes[box[mine]])
            inner = mine[shapely.contains_properly(self.cells[k], boxes[box[mine]])]
            codes[box[inner]] = k
        keep = touches & (codes[box] == -1)
        box, cell = box[keep], cell[keep]
        order = np.lexsort((cell, box))
        return codes, box[order], cell[order]

    def _gridded(self, lat: numpy.ndarray, lon: numpy.ndarray) -> numpy.ndarray:
        np, shapely = _libs()
        if self._grid is None:
            self._grid = self._build_grid()
        codes, cand_box, cand_cell = self._grid
        result = np.full(lat.size, -1, dtype=np.int64)
        ix = np.floor((lon - self.x0) / self.GRID_DEG).astype(np.int64)
        iy = np.floor((lat - self.y0) / self.GRID_DEG).astype(np.int64)
        at = np.flatnonzero((ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny))
        square = iy[at] * self.nx + ix[at]
        code = codes[square]
        result[at] = np.where(code >= 0, code, -1)
        todo, square = at[code == -1], square[code == -1]
        if not todo.size:
            return result
        # Every (point, candidate district) pair of the boundary squares.
        lo = np.searchsorted(cand_box, square, side="left")
        hi = np.searchsorted(cand_box, square, side="right")
        counts = hi - lo
        point = np.repeat(np.arange(todo.size), counts)
        pair = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        cell = cand_cell[pair]
        inside = np.zeros(point.size, dtype=bool)
        for k in np.unique(cell):
            mine = np.flatnonzero(cell == k)
            where = todo[point[mine]]
            inside[mine] = shapely.contains_xy(self.cells[k], lon[where], lat[where])
        # Pairs are ordered by district within a point: the first hit is the lowest district.
        hit_point, first = np.unique(point[inside], return_index=True)
        result[todo[hit_point]] = cell[inside][first]
        # contains_xy leaves points on an edge out: they, and points just outside, go direct.
        miss = todo[result[todo] < 0]
        if miss.size:
            result[miss] = self._direct(lat[miss], lon[miss])
        return result

    # --- the spatial index -------------------------------------------------------------------

    def _direct(self, lat: numpy.ndarray, lon: numpy.ndarray) -> numpy.ndarray:
        """The district holding each point (the lowest one for a point on an edge), else n + the
        nearest district within SNAP_KM, else -1."""
        np, shapely = _libs()
        out = np.full(lat.size, -1, dtype=np.int64)
        if not lat.size:
            return out
        points = shapely.points(lon, lat)
        p, c = self.tree.query(points, predicate="intersects")
        if p.size:
            order = np.lexsort((c, p))
            p, c = p[order], c[order]
            first = np.ones(p.size, dtype=bool)
            first[1:] = p[1:] != p[:-1]
            out[p[first]] = c[first]
        rest = np.flatnonzero(out < 0)
        if rest.size:
            out[rest] = self._snap(points[rest])
        return out

    def _snap(self, points: numpy.ndarray) -> numpy.ndarray:
        """n + the district whose boundary is nearest, when within SNAP_KM; else -1. Searched
        among boundary segments: a distance to a whole polygon costs a scan of its vertices."""
        np, shapely = _libs()
        if self._segments is None:
            lines, owner = [], []
            for k, cell in enumerate(self.cells):
                for ring in shapely.get_rings(shapely.get_parts(cell)):
                    xy = shapely.get_coordinates(ring)
                    lines.append(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))
                    owner.append(np.full(len(xy) - 1, k))
            self._segments = (shapely.STRtree(np.concatenate(lines)), np.concatenate(owner))
        tree, owner = self._segments
        out = np.full(points.size, -1, dtype=np.int64)
        q, s = tree.query_nearest(points, max_distance=_snap_deg(), all_matches=True)
        if not q.size:
            return out
        cell = owner[s]
        order = np.lexsort((cell, q))  # equally near districts: the lowest
        q, s, cell = q[order], s[order], cell[order]
        first = np.ones(q.size, dtype=bool)
        first[1:] = q[1:] != q[:-1]
        q, s, cell = q[first], s[first], cell[first]
        xy = shapely.get_coordinates(shapely.shortest_line(points[q], tree.geometries[s]))
        km = _haversine_km(xy[0::2, 1], xy[0::2, 0], xy[1::2, 1], xy[1::2, 0])
        close = km <= SNAP_KM
        out[q[close]] = self.cells.size + cell[close]
        return out


def _snap_deg() -> float:
    """SNAP_KM in degrees, generously: a degree of longitude is at least 87 km in Syria and
    Iraq (latitude <= 38.5), and the exact distance decides after this bound."""
    return SNAP_KM / (KM_PER_DEG_LON * math.cos(math.radians(38.5)))


# --- helpers ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Frame:
    """A local equirectangular frame in km around (lat0, lon0): good to about 1 % over an area
    the size of a governorate, which is all the cutting and measuring here needs."""

    lat0: float
    lon0: float

    @property
    def _k(self) -> tuple[float, float]:
        return KM_PER_DEG_LON * math.cos(math.radians(self.lat0)), KM_PER_DEG_LAT

    def to_km(self, geom):
        _, shapely = _libs()
        kx, ky = self._k
        return shapely.transform(geom, lambda xy: (xy - (self.lon0, self.lat0)) * (kx, ky))

    def from_km(self, geom):
        _, shapely = _libs()
        kx, ky = self._k
        return shapely.transform(geom, lambda xy: xy / (kx, ky) + (self.lon0, self.lat0))


def _sector(apex, bearing: float, reach_km: float):
    """A 2 x SECTOR_HALF_ANGLE wedge from the apex towards a compass bearing (0 = north)."""
    _, shapely = _libs()
    steps = [bearing - SECTOR_HALF_ANGLE + i * 2 * SECTOR_HALF_ANGLE / 18 for i in range(19)]
    arc = [(apex.x + reach_km * math.sin(math.radians(b)),
            apex.y + reach_km * math.cos(math.radians(b))) for b in steps]
    return shapely.Polygon([(apex.x, apex.y), *arc])


def _polygonal(geom):
    """The polygons of an overlay result (dropping lines and points it may leave), or None."""
    _, shapely = _libs()
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and g.area > 0]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _part_names(area: Area, direction: str | None, countryside: bool) -> tuple[str, str]:
    if direction is None:
        if countryside:
            return f"{area.name} countryside", f"ريف {area.name_ar}"
        return area.name, area.name_ar
    adjective, adjective_ar, noun_ar = DIRECTIONS[direction]
    if countryside:
        return f"{adjective} {area.name} countryside", f"ريف {area.name_ar} {adjective_ar}"
    return f"{adjective} {area.name}", f"{noun_ar} {area.name_ar}"


def _haversine_km(lat1, lon1, lat2, lon2):
    np, _ = _libs()
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))

