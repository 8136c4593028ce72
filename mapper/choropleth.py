"""Incidents and fatalities by governorate or district: the numbers, their classes, the shapes.

One rule for every output (the HTML map's layer, the static map and the brief), so that a
district has the same class colour on screen and on paper:

- an area's figure is the number of incidents whose point lies in it (`measure="incidents"`),
  or the sum of their fatalities (`"fatalities"`; an unknown toll counts as none);
- areas with a figure of 0 are left uncoloured; the others fall into up to CLASSES quantile
  classes of the figures above 0: the upper bound of class k (1-based) is the figure at
  rank ceil(k * n / CLASSES) of the n figures sorted, and classes whose bound repeats the
  one before are merged. The map script (js/areas.js) computes the same from the incidents
  the filters keep;
- the ramp is ColorBrewer's YlOrRd (Cynthia Brewer, colorbrewer2.org), which ColorBrewer lists
  as colour-blind safe, and which leaves the Okabe-Ito marker colours readable on top.

Where an incident lies comes from its `admin1` and `admin2_name` (mapper.locate gives every
located incident both, from the bundled boundaries); a row made without them (a Located
built by hand) is placed by its point, with `gazetteer.areas.Areas.locate_many`.

>>> quantile_breaks([1, 1, 2, 3, 5, 8, 13, 21, 34, 55])
[1, 3, 8, 21, 55]
>>> class_of(4, [1, 3, 8, 21, 55]), class_of(0, [1, 3, 8, 21, 55])
(2, -1)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .encode import AreaIndex
from .model import Located

__all__ = ["CLASSES", "LEVELS", "MEASURES", "NO_DATA", "RAMP", "AreaFigure", "area_figures",
           "area_index", "area_records", "class_bounds", "class_of", "polygons",
           "quantile_breaks", "with_areas"]

LEVELS = ("admin1", "admin2")
MEASURES = ("incidents", "fatalities")
CLASSES = 5
RAMP = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")   # ColorBrewer YlOrRd, 5 classes
NO_DATA = "#ffffff"            # drawn with no fill on the HTML map
LEVEL_LABELS = {"admin1": "Governorate", "admin2": "District"}
COORD_SCALE = 1000             # polygons reach the page in thousandths of a degree (~110 m)
# ... and simplified together (shapely.coverage_simplify: neighbours keep their shared edges,
# no gap or overlap opens between them) with this tolerance in degrees: about 0.6 km, finer
# than the bundled boundaries' own faithfulness (0.9 km at worst), a third of the vertices.
PAGE_SIMPLIFY_DEG = 0.006


def quantile_breaks(values: Sequence[float], classes: int = CLASSES) -> list[float]:
    """The upper bounds of the quantile classes of the figures above 0 (see the module doc)."""
    ranked = sorted(v for v in values if v > 0)
    breaks: list[float] = []
    for k in range(1, classes + 1):
        if not ranked:
            break
        bound = ranked[math.ceil(k * len(ranked) / classes) - 1]
        if not breaks or bound > breaks[-1]:
            breaks.append(bound)
    return breaks


def class_of(value: float, breaks: Sequence[float]) -> int:
    """The class (0-based) of a figure, -1 for 0 or less (uncoloured)."""
    if value <= 0:
        return -1
    for k, bound in enumerate(breaks):
        if value <= bound:
            return k
    return len(breaks) - 1


def class_bounds(breaks: Sequence[float]) -> list[tuple[float, float]]:
    """(lowest, highest) figure of each class: figures are whole numbers."""
    out, low = [], 1.0
    for bound in breaks:
        out.append((low, bound))
        low = bound + 1
    return out


def ramp(classes: int) -> tuple[str, ...]:
    """The colours of `classes` classes: the ramp's ends kept, its middle thinned."""
    if classes >= len(RAMP):
        return RAMP
    if classes <= 1:
        return RAMP[-1:] if classes else ()
    step = (len(RAMP) - 1) / (classes - 1)
    return tuple(RAMP[round(k * step)] for k in range(classes))


@functools.cache
def _areas() -> Any:
    # The bundled boundaries are package data: they do not change while the process runs.
    from gazetteer.areas import Areas

    return Areas.bundled()


def area_records(level: str) -> list[Any]:
    """The gazetteer.areas.Area records of a level, in the order of the map's area tables."""
    if level not in LEVELS:
        raise ValueError(f"areas must be one of {', '.join(LEVELS)}, not {level!r}")
    return list(_areas().areas(level))


def area_index() -> AreaIndex:
    """The encoder's AreaIndex over both levels (mapper.encode)."""
    governorates = area_records("admin1")
    districts = area_records("admin2")
    return AreaIndex({a.code: k for k, a in enumerate(governorates)},
                     {(a.admin1, a.name): k for k, a in enumerate(districts)})


def with_areas(located: Sequence[Located]) -> list[Located]:
    """`located`, with the governorate and district of the rows that lack them found from
    their points (rows that have them are kept as they are)."""
    missing = [k for k, r in enumerate(located) if not r.admin1]
    out = list(located)
    if not missing:
        return out
    hits = _areas().locate_many([located[k].lat for k in missing],
                                [located[k].lon for k in missing])
    for k, hit in zip(missing, hits):
        if hit is not None:
            out[k] = replace(out[k], admin1=hit.admin1, admin1_name=hit.admin1_name,
                             admin2_name=hit.admin2_name)
    return out


@dataclass(frozen=True, slots=True)
class AreaFigure:
    """One area's figures and class under a measure (`klass` -1: none, uncoloured)."""

    code: str
    name: str
    name_ar: str
    incidents: int
    fatalities: int
    klass: int
    color: str


def area_figures(located: Sequence[Located], level: str, measure: str = "incidents"
                 ) -> tuple[list[AreaFigure], list[tuple[float, float]]]:
    """Every area of `level` with its incidents, fatalities and class under `measure`, and
    the classes' (lowest, highest) figures; areas in the order of `area_records`."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    records = area_records(level)
    index = area_index()
    counts = [0] * len(records)
    deaths = [0] * len(records)
    for r in with_areas(located):
        k = (index.admin1.get(r.admin1, -1) if level == "admin1"
             else index.admin2.get((r.admin1, r.admin2_name), -1))
        if k >= 0:
            counts[k] += 1
            deaths[k] += r.incident.fatalities or 0
    figures = counts if measure == "incidents" else deaths
    breaks = quantile_breaks(figures)
    colors = ramp(len(breaks))
    out = []
    for a, n, d, v in zip(records, counts, deaths, figures):
        klass = class_of(v, breaks)
        out.append(AreaFigure(a.code, a.name, a.name_ar, n, d, klass,
                              colors[klass] if klass >= 0 else NO_DATA))
    return out, class_bounds(breaks)


def _ring(coords: Sequence[tuple[float, float]]) -> list[int]:
    """A ring as lat, lon pairs in thousandths of a degree, each relative to the one before,
    the closing point and repeated points left out."""
    flat: list[int] = []
    last = (0, 0)
    for lon, lat in coords[:-1]:
        point = (round(lat * COORD_SCALE), round(lon * COORD_SCALE))
        if point == last and flat:
            continue
        flat += [point[0] - last[0], point[1] - last[1]]
        last = point
    return flat


def polygons(level: str) -> list[list[list[list[int]]]]:
    """Per area of `level` (as in `area_records`): its polygons, simplified for the page (see
    PAGE_SIMPLIFY_DEG), each a list of rings (outer first), each ring as `_ring` writes it.
    js/areas.js reads them back."""
    import shapely

    areas = _areas()
    geoms = shapely.coverage_simplify([areas.geometry(a.code) for a in area_records(level)],
                                      PAGE_SIMPLIFY_DEG)
    out = []
    for geom in geoms:
        parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
        out.append([[_ring(list(ring.coords)) for ring in (p.exterior, *p.interiors)]
                    for p in parts])
    return out
