"""Static maps for printed reports: PNG, SVG and PDF, drawn with matplotlib, no browser.

The same incidents look the same as on the HTML map: event type -> marker shape and colour
by actor, outcome or type all come from `mapper.style`. Layers, bottom to top:

- an optional tile background (`tiles=True`, fetched with a short timeout; offline it is left
  out and the map says so);
- country outlines from Natural Earth through the pinned `world-atlas` package, the very
  source of the self-contained HTML map's outlines (`mapper.assets`); when it is neither
  cached nor downloadable the map is drawn without outlines and says so;
- with `areas`, the governorates or districts filled in the HTML map's choropleth classes and
  colours (mapper.choropleth, from the bundled boundaries);
- the governorates of Syria and Iraq as a point at their gazetteer position (`kind ==
  "admin1"` rows) with their name, where the name fits and does not repeat a site's;
- the incidents, one collection per marker shape (a PNG of 100k incidents takes seconds),
  co-located ones spread in a small ring so that each is seen;
- the names of at most 40 struck places, those with most incidents (the label rule, at
  LABELLED_PLACES): a name is written once within 30 km and never over another name; Arabic
  shaped with arabic-reshaper and put in visual order with python-bidi (matplotlib neither
  joins Arabic letters nor lays them right to left), or English;
- the legend, in the first corner of the map where it covers no marker, else outside the
  frame on the right.

Matplotlib is used through `Figure` and the Agg canvas directly, never pyplot: nothing global
changes in the caller's process (a notebook keeps its backend).

Not run as a doctest: it reads an incident table and writes an image.

>>> render_static(locate(read_incidents("seed_incidents.csv"), gaz), "map.png")  # doctest: +SKIP
StaticMap(path=PosixPath('map.png'), ...)
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import urllib.request
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import arabic_reshaper
import matplotlib
import numpy as np
from bidi.algorithm import get_display
from matplotlib import ft2font, patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import EllipseCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox

from gazetteer import Gazetteer
from gazetteer.fold import fold

from . import assets, choropleth
from .errors import OutputError
from .model import Located
from .output import atomic_write, strip_bidi
from .style import (
    EVENT_STYLES,
    FATALITY_CAP,
    SIZE_MIN_PX,
    check_color_by,
    color_keys,
    color_label,
    color_table,
    event_style,
    legend_key,
    marker_size,
)

__all__ = ["EXTENTS", "FORMATS", "LABELS", "StaticMap", "parse_extent", "render_static",
           "shape_text", "write_pdf_brief"]

FORMATS = (".png", ".svg", ".pdf")
LABELS = ("ar", "en", "none")
Box = tuple[float, float, float, float]      # minlon, minlat, maxlon, maxlat
EXTENTS: dict[str, Box] = {
    "syria": (35.5, 32.2, 42.6, 37.5),
    "iraq": (38.6, 28.9, 48.8, 37.5),
}
KM_PER_DEGREE = 111.32          # along a meridian; along a parallel times cos(latitude)
ATTRIBUTION = ("Places: GeoNames (CC-BY 4.0), OurAirports, incident-mapper curated tables \u00b7 "
               "Outlines: Natural Earth (public domain)")
TILE_TIMEOUT_S = 4.0
MAX_TILES = 48
# Where the outlines package is fetched from when it is not cached (tests point it nowhere).
OUTLINE_REGISTRY = assets.REGISTRY
FONT = "DejaVu Sans"    # ships with matplotlib and has the Arabic presentation forms
LAND, SEA, BORDER = "#f3f1ea", "#d7e6ef", "#7a7a7a"
# matplotlib with libraqm shapes and orders complex text itself (see shape_text).
NATIVE_BIDI = bool(getattr(ft2font, "__libraqm_version__", None))
_T = TypeVar("_T")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


@dataclass(frozen=True, slots=True)
class StaticMap:
    """What `render_static` wrote: the file, the extent drawn and the notes shown on the map
    (layers left out and why)."""

    path: Path
    extent: Box
    notes: tuple[str, ...]
    governorates: str           # how governorates were drawn: "points" (gazetteer admin1 rows)


def shape_text(text: str) -> str:
    """Arabic text as matplotlib must be given it: letters joined into their presentation
    forms (arabic-reshaper), and, when this matplotlib lays text out left to right glyph by
    glyph, the line put in visual order (python-bidi). A matplotlib built with libraqm (3.11 and
    later) runs the bidi algorithm itself: visual order would then come out reversed, so the
    text stays in logical order, which is also what an SVG viewer expects. Bidi embedding,
    override and isolate controls are dropped first; text without Arabic is otherwise returned
    as it is.

    >>> shape_text("abc")
    'abc'
    >>> shape_text("كناكر") in ("\ufedb\ufee8\ufe8e\ufedb\ufeae", "\ufeae\ufedb\ufe8e\ufee8\ufedb")
    True
    """
    text = strip_bidi(text)   # an override in the data would draw it backwards
    if not _ARABIC.search(text):
        return text
    shaped = arabic_reshaper.reshape(text)
    return shaped if NATIVE_BIDI else get_display(shaped)


def parse_extent(value: str | Sequence[float]) -> str | Box:
    """`auto`, a named extent (syria, iraq) or minlon,minlat,maxlon,maxlat; raises ValueError
    naming the accepted forms."""
    if isinstance(value, str):
        key = value.strip().lower()
        if key == "auto" or key in EXTENTS:
            return key
        parts: Sequence[str | float] = key.split(",")
    else:
        parts = list(value)
    try:
        box = tuple(float(p) for p in parts)
    except (TypeError, ValueError):
        box = ()
    if len(box) != 4:
        raise ValueError(f"extent must be auto, {', '.join(EXTENTS)} or "
                         f"minlon,minlat,maxlon,maxlat, not {value!r}")
    minlon, minlat, maxlon, maxlat = box
    if not (-180 <= minlon < maxlon <= 180 and -90 <= minlat < maxlat <= 90):
        raise ValueError(f"extent {value!r} is not minlon,minlat,maxlon,maxlat with min < max "
                         "and longitudes in -180..180, latitudes in -90..90")
    return box


# --- extent and scale --------------------------------------------------------------------------

def _auto_extent(located: Sequence[Located]) -> Box:
    if not located:
        return (35.5, 29.0, 48.8, 37.5)    # Syria and Iraq
    lons = [r.lon for r in located]
    lats = [r.lat for r in located]
    w, e, s, n = min(lons), max(lons), min(lats), max(lats)
    pad_x = max(0.6, (e - w) * 0.12)
    pad_y = max(0.5, (n - s) * 0.12)
    return (w - pad_x, s - pad_y, e + pad_x, n + pad_y)


def _fit_aspect(box: Box, width_in: float, height_in: float
                ) -> Box:
    """Grow `box` in one direction so that it fills an axes of the given size at a true
    east-west scale (longitudes shrink by cos(latitude))."""
    w, s, e, n = box
    coslat = math.cos(math.radians((s + n) / 2))
    span_x, span_y = (e - w) * coslat, n - s
    want = width_in / height_in
    if span_x / span_y < want:
        grow = (span_y * want / coslat - (e - w)) / 2
        w, e = w - grow, e + grow
    else:
        grow = (span_x / want - span_y) / 2
        s, n = s - grow, n + grow
    return (max(w, -180.0), max(s, -85.0), min(e, 180.0), min(n, 85.0))


def _nice_length(km: float) -> float:
    """The largest 1, 2 or 5 x 10^k not above `km`."""
    base = 10 ** math.floor(math.log10(km))
    return max(m * base for m in (1, 2, 5) if m * base <= km)


# --- dates -------------------------------------------------------------------------------------

def _span(date: str) -> tuple[dt.date, dt.date] | None:
    try:
        parts = [int(p) for p in date.split("-")]
        if len(parts) == 3:
            day = dt.date(*parts)
            return day, day
        if len(parts) == 2:
            nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return dt.date(parts[0], parts[1], 1), nxt - dt.timedelta(days=1)
        if len(parts) == 1:
            return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    except ValueError:
        return None
    return None


def date_range_text(located: Sequence[Located]) -> str:
    """ "25 Dec 2023 – 2 Jan 2024", or "" without dates."""
    spans = [s for s in (_span(r.incident.date) for r in located) if s]
    if not spans:
        return ""
    first, last = min(s[0] for s in spans), max(s[1] for s in spans)

    def fmt(d: dt.date) -> str:
        return f"{d.day} {d:%b %Y}"
    return fmt(first) if first == last else f"{fmt(first)} \u2013 {fmt(last)}"


def summary_parts(located: Sequence[Located]) -> list[str]:
    """The dates, the incidents mapped and the killed among them: the line under a map's title
    (the static map and the brief)."""
    dates = date_range_text(located)
    parts = [dates] if dates else []
    parts.append(f"{len(located)} incident{'s' if len(located) != 1 else ''} mapped")
    killed = sum(r.incident.fatalities or 0 for r in located)
    if killed:
        parts.append(f"{killed} killed")
    return parts


# --- layers ------------------------------------------------------------------------------------

def _outlines(cache_dir: Path | None) -> dict | None:
    """Natural Earth country outlines of the region, or None when they cannot be had."""
    try:
        return assets.region_outlines(cache_dir, OUTLINE_REGISTRY)
    except (assets.AssetError, OSError, ValueError):
        return None


def _draw_outlines(ax: Any, outlines: dict, extent: Box,
                   coslat: float) -> None:
    import geopandas as gpd
    from shapely.geometry import box as shapely_box
    from shapely.geometry import shape

    frame = gpd.GeoDataFrame(
        {"name": [f["properties"].get("name", "") for f in outlines["features"]]},
        geometry=[shape(f["geometry"]) for f in outlines["features"]], crs="EPSG:4326")
    frame.plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.8, zorder=1)
    view = shapely_box(*extent)
    for name, geom in zip(frame["name"], frame.geometry):
        inside = geom.intersection(view)
        if inside.is_empty or inside.area < 0.02 * view.area:
            continue
        point = inside.representative_point()
        ax.text(point.x, point.y, name.upper(), fontsize=9, color="#9a968c", ha="center",
                va="center", zorder=2, fontweight="bold", alpha=0.9)


def _draw_borders(ax: Any, outlines: dict) -> None:
    """The country borders alone, over a tile background."""
    import geopandas as gpd
    from shapely.geometry import shape

    gpd.GeoSeries([shape(f["geometry"]) for f in outlines["features"]]).plot(
        ax=ax, facecolor="none", edgecolor=BORDER, linewidth=0.8, zorder=1)


def _draw_governorates(ax: Any, gazetteer: Gazetteer, extent: Box,
                       labels: str) -> list[tuple[float, float, str]]:
    """A small cross at each governorate's gazetteer point; returns their label anchors.

    Circles of the gazetteer radius were tried and read as invented boundaries, overlapping
    each other across the whole map: points and names say what we know and no more.
    """
    w, s, e, n = extent
    anchors = []
    for place in gazetteer:
        if place.kind != "admin1" or place.country not in ("SY", "IQ"):
            continue
        if not (w <= place.lon <= e and s <= place.lat <= n):
            continue
        ax.plot([place.lon], [place.lat], marker="+", color="#a09a8c", markersize=5,
                markeredgewidth=0.9, zorder=2)
        name = place.name_ar if labels == "ar" and place.name_ar else place.name
        anchors.append((place.lon, place.lat, name))
    return anchors


def _tiles(ax_extent: Box, width_px: int
           ) -> tuple[np.ndarray, str] | None:
    """An OpenStreetMap background resampled to the map's lon/lat grid, or None offline.
    (CARTO's tiles, the HTML map's default, now ask xyzservices for an API key.)"""
    import xyzservices.providers as xyz
    from PIL import Image

    provider = xyz.OpenStreetMap.Mapnik
    w, s, e, n = ax_extent

    def tile_xy(lon: float, lat: float, z: int) -> tuple[float, float]:
        x = (lon + 180) / 360 * 2 ** z
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2 ** z
        return x, y

    zoom = max(1, min(12, round(math.log2(width_px * 360 / (256 * (e - w))))))
    while True:
        x0, y0 = tile_xy(w, n, zoom)
        x1, y1 = tile_xy(e, s, zoom)
        count = (int(x1) - int(x0) + 1) * (int(y1) - int(y0) + 1)
        if count <= MAX_TILES or zoom == 1:
            break
        zoom -= 1
    mosaic = Image.new("RGB", ((int(x1) - int(x0) + 1) * 256, (int(y1) - int(y0) + 1) * 256))
    for tx in range(int(x0), int(x1) + 1):
        for ty in range(int(y0), int(y1) + 1):
            url = provider.build_url(x=tx, y=ty, z=zoom)
            try:
                request = urllib.request.Request(url, headers={"User-Agent": "incident-mapper"})
                with urllib.request.urlopen(request, timeout=TILE_TIMEOUT_S) as response:  # noqa: S310
                    tile = Image.open(io.BytesIO(response.read())).convert("RGB")
            except (OSError, ValueError):
                return None
            mosaic.paste(tile, ((tx - int(x0)) * 256, (ty - int(y0)) * 256))
    pixels = np.asarray(mosaic)
    # Web Mercator rows -> evenly spaced latitudes, so the image lies on the lon/lat axes.
    rows = 600
    lats = np.linspace(n, s, rows)
    ys = (1 - np.arcsinh(np.tan(np.radians(lats))) / np.pi) / 2 * 2 ** zoom
    src_rows = np.clip(((ys - int(y0)) * 256).astype(int), 0, pixels.shape[0] - 1)
    xs = np.linspace(x0, x1, pixels.shape[1] if x1 - x0 > 1 else 256)
    src_cols = np.clip(((xs - int(x0)) * 256).astype(int), 0, pixels.shape[1] - 1)
    image = pixels[src_rows][:, src_cols]
    return image, provider.get("attribution", "(C) OpenStreetMap contributors")


# --- labels ------------------------------------------------------------------------------------

LABEL_STEPS_PT = (9, 16, 26, 38)            # a label's distances from its point, in points
LABEL_DIRECTIONS = np.array([(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)],
                            dtype=float)


def _overlaps(candidates: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """How many of `boxes` each of `candidates` overlaps (rows x0 y0 x1 y1, touching counts):
    Bbox.overlaps for all pairs at once."""
    if not len(boxes):
        return np.zeros(len(candidates), dtype=np.int64)
    c, b = candidates[:, None, :], boxes[None, :, :]
    return ((c[..., 0] <= b[..., 2]) & (b[..., 0] <= c[..., 2])
            & (c[..., 1] <= b[..., 3]) & (b[..., 1] <= c[..., 3])).sum(axis=1)


def _place_labels(fig: Figure, ax: Any, renderer: Any, items: list[tuple[float, float, str, dict]],
                  blocked: np.ndarray, optional: bool) -> np.ndarray:
    """Put each label, in the order given, at the first of 8 directions x 4 distances around
    its point where it overlaps no marker or label already placed (screen boxes x0 y0 x1 y1 in
    `blocked`), with a leader line when it sits far off. Where no spot is free, the one inside
    the frame with fewest markers under it is taken (the frame clips a label that crosses it,
    while a marker under a label's light box still shows); but a label is never put over
    another label: one that
    could only go over another is left out, as is an optional label (a governorate) that fits
    nowhere. Returns the boxes of the labels placed, padded.

    The candidates are tested against every box at once (NumPy), and only against the boxes
    within reach of the point, so that a hundred thousand markers cost an array, not a loop.
    """
    axes_box = ax.get_window_extent(renderer)
    scale = fig.dpi / 72
    placed = np.zeros((0, 4))
    for lon, lat, text, style in items:
        x, y = ax.transData.transform((lon, lat))
        artist = ax.text(lon, lat, shape_text(text), zorder=6, **style)
        box = artist.get_window_extent(renderer)
        bw, bh = box.width, box.height
        reach_x, reach_y = LABEL_STEPS_PT[-1] * scale + bw, LABEL_STEPS_PT[-1] * scale + bh
        near = blocked[(blocked[:, 0] <= x + reach_x) & (blocked[:, 2] >= x - reach_x)
                       & (blocked[:, 1] <= y + reach_y) & (blocked[:, 3] >= y - reach_y)]
        best: tuple[tuple, np.ndarray] | None = None
        for dist in LABEL_STEPS_PT:
            gap = dist * scale
            cx = x + LABEL_DIRECTIONS[:, 0] * (gap + bw / 2)
            cy = y + LABEL_DIRECTIONS[:, 1] * (gap + bh / 2)
            cands = np.column_stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2])
            covers = _overlaps(cands, placed)
            hits = _overlaps(cands, near) + covers
            inside = ((cands[:, 0] >= axes_box.x0) & (cands[:, 2] <= axes_box.x1)
                      & (cands[:, 1] >= axes_box.y0) & (cands[:, 3] <= axes_box.y1))
            for k in range(len(cands)):
                score = (bool(covers[k]), not inside[k], bool(hits[k]), int(hits[k]), dist)
                if best is None or score < best[0]:
                    best = (score, cands[k])
            if best is not None and not best[0][1] and not best[0][2]:
                break
        if best is None:   # no distances: cannot happen
            continue
        (cover, outside, clash, _, dist), cand = best
        if cover or (optional and (clash or outside)):
            artist.remove()
            continue
        cand_box = Bbox.from_extents(*cand)
        cx, cy = ax.transData.inverted().transform((cand_box.x0 + bw / 2, cand_box.y0 + bh / 2))
        artist.set_position((cx, cy))
        artist.set_ha("center")
        artist.set_va("center")
        if dist > 16 and not optional:
            ex, ey = ax.transData.inverted().transform(
                (min(max(x, cand_box.x0), cand_box.x1), min(max(y, cand_box.y0), cand_box.y1)))
            ax.plot([lon, ex], [lat, ey], color="#555555", linewidth=0.6, zorder=5)
        placed = np.vstack([placed, cand_box.padded(4 * scale).extents])
    return placed


# --- the figure --------------------------------------------------------------------------------

MARKER_PT = 11                              # incident marker size, in points
RING_MAX = 12   # a ring of co-located markers grows with them up to this many, then holds


@dataclass(frozen=True, slots=True)
class _Canvas:
    """A figure and its map axes, set to `box` at a true east-west scale."""

    fig: Figure
    ax: Any
    renderer: Any
    box: Box                                # as drawn, grown to fill the axes
    rect: Box                               # the axes, in fractions of the figure
    width_in: float
    height_in: float
    dpi: int

    @property
    def coslat(self) -> float:
        return math.cos(math.radians((self.box[1] + self.box[3]) / 2))


@dataclass(frozen=True, slots=True)
class _Marks:
    """The incidents as drawn: each one's event type and colour key, the colour table, and
    the screen boxes of the markers, a row x0 y0 x1 y1 each (which labels must not cover)."""

    types: list[str]
    keys: list[str]
    table: dict[str, str]
    blocked: np.ndarray


def _site_names(located: Sequence[Located], gazetteer: Gazetteer | None, labels: str
                ) -> dict[tuple, tuple[float, float, str, int]]:
    """One label per struck site: (place or point) -> (lon, lat, name, incidents there)."""
    sites: dict[tuple, tuple[float, float, str, int]] = {}
    for r in located:
        key = (r.place_id,) if r.place_id else (round(r.lat, 4), round(r.lon, 4))
        if key in sites:
            lon, lat, name, n = sites[key]
            sites[key] = (lon, lat, name, n + 1)
            continue
        place = gazetteer.get(r.place_id) if gazetteer and r.place_id else None
        reported = r.incident.location
        if labels == "ar":
            name = (place.name_ar if place and place.name_ar else
                    reported if _ARABIC.search(reported) else r.place_name or reported)
        else:
            name = (place.name if place else r.place_name) or reported
        sites[key] = (r.lon, r.lat, name or f"{r.lat:.3f}, {r.lon:.3f}", 1)
    return sites


def _check_options(labels: str, size: tuple[float, float], dpi: int, areas: str | None,
                   measure: str, size_by: str | None) -> tuple[float, float]:
    """The page size in inches; a ValueError naming the accepted values for a bad option."""
    if labels not in LABELS:
        raise ValueError(f"labels must be one of {', '.join(LABELS)}, not {labels!r}")
    if areas is not None and areas not in choropleth.LEVELS:
        raise ValueError(f"areas must be one of {', '.join(choropleth.LEVELS)}, not {areas!r}")
    if measure not in choropleth.MEASURES:
        raise ValueError(f"measure must be one of {', '.join(choropleth.MEASURES)}, not {measure!r}")
    if size_by not in (None, "fatalities"):
        raise ValueError(f"size_by must be fatalities or None, not {size_by!r}")
    width_in, height_in = (float(v) for v in size)
    if not (1 <= width_in <= 60 and 1 <= height_in <= 60):
        raise ValueError(f"size must be two numbers of inches between 1 and 60, not {size!r}")
    if not 30 <= int(dpi) <= 1200:
        raise ValueError(f"dpi must be between 30 and 1200, not {dpi!r}")
    return width_in, height_in


def _wanted_box(located: Sequence[Located], extent: Any) -> Box:
    wanted = parse_extent(extent)
    if wanted == "auto":
        return _auto_extent(located)
    return EXTENTS[wanted] if isinstance(wanted, str) else wanted


def _new_canvas(box: Box, width_in: float, height_in: float, dpi: int,
                legend_in: float = 0.0) -> _Canvas:
    """A white page with the map axes in it, leaving room for the heading and the credits,
    and `legend_in` inches on the right for a legend outside the frame."""
    fig = Figure(figsize=(width_in, height_in), dpi=dpi)
    agg = FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    top_in, bottom_in, side_in = 0.85, 0.45, 0.25
    rect = (side_in / width_in, bottom_in / height_in,
            1 - (2 * side_in + legend_in) / width_in, 1 - (top_in + bottom_in) / height_in)
    ax = fig.add_axes(rect)
    w, s, e, n = box = _fit_aspect(box, rect[2] * width_in, rect[3] * height_in)
    ax.set_xlim(w, e)
    ax.set_ylim(s, n)
    ax.set_aspect(1 / math.cos(math.radians((s + n) / 2)), adjustable="box")
    ax.set_facecolor(SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#444444")
        spine.set_linewidth(0.8)
    return _Canvas(fig, ax, agg.get_renderer(), box, rect, width_in, height_in, dpi)


def _draw_background(canvas: _Canvas, tiles: bool, cache_dir: Path | None,
                     notes: list[str]) -> str:
    """Tiles (when asked for and reachable), then the country outlines over or instead of
    them; a note for each that could not be had. Returns the tiles' credit, or ""."""
    ax, box = canvas.ax, canvas.box
    w, s, e, n = box
    tile_credit = ""
    if tiles:
        got = _tiles(box, int(canvas.rect[2] * canvas.width_in * canvas.dpi))
        if got is None:
            notes.append("Tile background unavailable (offline): drawn on country outlines")
        else:
            image, tile_credit = got
            ax.imshow(image, extent=(w, e, s, n), aspect="auto", zorder=0,
                      interpolation="bilinear")
    outlines = _outlines(cache_dir)
    if outlines is None:
        notes.append("Country outlines unavailable: Natural Earth data not cached and "
                     "could not be downloaded")
        ax.set_facecolor(LAND)
    elif not (tiles and tile_credit):
        _draw_outlines(ax, outlines, box, canvas.coslat)
    else:
        _draw_borders(ax, outlines)
    ax.set_xlim(w, e)
    ax.set_ylim(s, n)
    ax.set_xlabel("")   # geopandas labels the axes in degrees; a map needs no axis titles
    ax.set_ylabel("")
    return tile_credit


def _marker_keys(located: Sequence[Located], color_by: str
                 ) -> tuple[list[str], list[str], dict[str, str]]:
    """Each incident's event type and colour key, and the colour table (as on the HTML map)."""
    types = [r.incident.event_type if r.incident.event_type in EVENT_STYLES else "other"
             for r in located]
    keys = color_keys(located, color_by)
    table = color_table(color_by, keys)
    return types, [legend_key(table, k, color_by) for k in keys], table


def _ring_points(canvas: _Canvas, located: Sequence[Located]) -> np.ndarray:
    """Each incident's screen point (a row x y each): its place itself when it is alone there,
    else a small ring round the place (incidents at one point to 4 decimals), so that each is
    seen. The ring grows with its incidents up to RING_MAX of them, then holds."""
    n = len(located)
    if not n:
        return np.zeros((0, 2))
    lat = np.round(np.fromiter((r.lat for r in located), dtype=float, count=n), 4)
    lon = np.round(np.fromiter((r.lon for r in located), dtype=float, count=n), 4)
    # one integer per point: 4-decimal longitudes take fewer than 4e6 values, so none meet
    point = (np.rint(lat * 1e4).astype(np.int64) * 4_000_000
             + np.rint(lon * 1e4).astype(np.int64))
    _, group, sizes = np.unique(point, return_inverse=True, return_counts=True)
    group = group.reshape(-1)
    order = np.argsort(group, kind="stable")     # each group's rows in table order
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    count = sizes[group]
    centre = canvas.ax.transData.transform(np.column_stack([lon, lat]))
    radius = MARKER_PT * canvas.dpi / 72 * (0.55 + 0.12 * np.minimum(count, RING_MAX))
    angle = math.pi / 2 + 2 * math.pi * rank / count
    alone = count == 1
    return np.column_stack([np.where(alone, centre[:, 0], centre[:, 0] + radius * np.cos(angle)),
                            np.where(alone, centre[:, 1], centre[:, 1] + radius * np.sin(angle))])


def _marker_pts(located: Sequence[Located], size_by: str | None) -> np.ndarray:
    """Each marker's size in points: MARKER_PT, or by fatalities on the HTML map's scale
    (mapper.style.marker_size, pixels at 96 per inch)."""
    if size_by != "fatalities":
        return np.full(len(located), float(MARKER_PT))
    return np.array([MARKER_PT * marker_size(r.incident.fatalities) / SIZE_MIN_PX
                     for r in located], dtype=float).reshape(-1)


def _marker_boxes(canvas: _Canvas, located: Sequence[Located], size_by: str | None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each marker goes: its screen point (x y), its size in points, and its screen box
    (x0 y0 x1 y1), which labels and the legend must not cover."""
    points = _ring_points(canvas, located)
    size_pt = _marker_pts(located, size_by)
    half = (size_pt * canvas.dpi / 72 * 0.6)[:, None]
    return points, size_pt, np.hstack([points - half, points + half]).reshape(-1, 4)


def _draw_uncertainty(canvas: _Canvas, located: Sequence[Located], colors: np.ndarray) -> None:
    """Under the markers, the uncertainty of each imprecise location (precision 2 or more) as
    a circle of its radius, as on the HTML map: one collection, one circle per place, radius
    and colour (a hundred alike on one spot would otherwise be opaque)."""
    radius = np.array([r.radius_km if r.precision >= 2 else 0.0 for r in located], dtype=float)
    wide = np.flatnonzero(radius > 0)
    if not len(wide):
        return
    lon = np.array([r.lon for r in located], dtype=float)[wide]
    lat = np.array([r.lat for r in located], dtype=float)[wide]
    colour = np.unique(colors[wide], return_inverse=True)[1].reshape(-1)
    _, first = np.unique(np.column_stack([lon, lat, radius[wide], colour]), axis=0,
                         return_index=True)
    keep = np.sort(first)
    ry = radius[wide][keep] / KM_PER_DEGREE
    canvas.ax.add_collection(EllipseCollection(
        2 * ry / max(canvas.coslat, 0.1), 2 * ry, np.zeros(len(keep)), units="xy",
        offsets=np.column_stack([lon[keep], lat[keep]]), offset_transform=canvas.ax.transData,
        facecolors=colors[wide][keep], alpha=0.12, edgecolors="none", zorder=3))


def _draw_incidents(canvas: _Canvas, located: Sequence[Located], plan: _Marks,
                    size_by: str | None) -> _Marks:
    """A marker per incident (shape by event type, colour by the plan's keys, size by
    fatalities when asked) and, under it, the uncertainty of an imprecise location as on the
    HTML map. The markers are one collection per shape, so that a hundred thousand incidents
    draw in seconds."""
    types, keys, table = plan.types, plan.keys, plan.table
    ax = canvas.ax
    points, size_pt, blocked = _marker_boxes(canvas, located, size_by)
    if not len(located):
        return _Marks(types, keys, table, blocked)
    colors = np.array([table[k] for k in keys])
    _draw_uncertainty(canvas, located, colors)
    where = ax.transData.inverted().transform(points)
    shapes = np.array([event_style(t).mpl_marker for t in types])
    for shape in dict.fromkeys(shapes.tolist()):   # in order of first appearance
        these = shapes == shape
        ax.scatter(where[these, 0], where[these, 1], marker=shape, s=size_pt[these] ** 2,
                   c=list(colors[these]), edgecolors="#222222", linewidths=0.8, zorder=4)
    return _Marks(types, keys, table, blocked)


LABEL_MERGE_KM = 30.0   # labels of one name closer than this are one place, labelled once


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance between two (lon, lat) points: plenty for 30 km."""
    x = (a[0] - b[0]) * math.cos(math.radians((a[1] + b[1]) / 2))
    return KM_PER_DEGREE * math.hypot(x, a[1] - b[1])


def _one_label_per_name(sites: list[tuple[float, float, str, int]]
                        ) -> list[tuple[float, float, str, int]]:
    """The site labels with repeats taken out: a name (folded, so "Al-Hasakah" and "Hasakah"
    are one) within LABEL_MERGE_KM of the same name already kept is not written again, and
    its incidents count to the one kept. The label with the most incidents is kept, at its
    point."""
    kept: list[list] = []
    by_key: dict[str, list[list]] = {}
    for lon, lat, name, count in sorted(sites, key=lambda s: -s[3]):
        key = fold(name) or name
        same = next((k for k in by_key.get(key, ())
                     if _distance_km((k[0], k[1]), (lon, lat)) < LABEL_MERGE_KM), None)
        if same is not None:
            same[3] += count
            continue
        site = [lon, lat, name, count]
        kept.append(site)
        by_key.setdefault(key, []).append(site)
    return [(lon, lat, name, count) for lon, lat, name, count in kept]


# The label rule. A static map names at most LABELLED_PLACES struck places: those with most
# incidents (a name written again within LABEL_MERGE_KM counts as the same place and adds its
# incidents to it), ties going north to south. They are placed in that order, so that the
# busiest get the spots beside their markers; a name that could only go over another name is
# left out (see _place_labels). The governorates' names come last, only where they still fit.
LABELLED_PLACES = 40


def _labelled_sites(sites: list[tuple[float, float, str, int]]
                    ) -> list[tuple[float, float, str, int]]:
    """The sites to name, in the order they are placed: the label rule above."""
    return sorted(sites, key=lambda v: (-v[3], -v[1]))[:LABELLED_PLACES]


def _draw_labels(canvas: _Canvas, located: Sequence[Located], gazetteer: Gazetteer,
                 labels: str, blocked: np.ndarray,
                 governorates: list[tuple[float, float, str]]) -> None:
    """The struck sites' names by the label rule (LABELLED_PLACES), once each, then the
    governorates' where they still fit and do not repeat a named site's name nearby (a
    governorate's point is often its capital's)."""
    # a light box, not a stroked halo: matplotlib writes stroked text to SVG as paths,
    # and an SVG's labels should stay text (searchable, editable, checked by the tests)
    site_style = {"fontsize": 9, "color": "#111111", "fontweight": "bold", "family": FONT,
                  "bbox": {"boxstyle": "round,pad=0.12", "facecolor": "white", "alpha": 0.78,
                           "edgecolor": "none"}}
    sites = _labelled_sites(_one_label_per_name(list(_site_names(located, gazetteer, labels).values())))
    placed = _place_labels(canvas.fig, canvas.ax, canvas.renderer,
                           [(lon, lat, name, site_style) for lon, lat, name, _ in sites],
                           blocked, optional=False)
    gov_style = {"fontsize": 7.5, "color": "#8a8474", "family": FONT}
    named = [(lon, lat, fold(name)) for lon, lat, name, _ in sites]
    governorates = [g for g in governorates if not any(
        key == fold(g[2]) and _distance_km((lon, lat), g[:2]) < LABEL_MERGE_KM
        for lon, lat, key in named)]
    _place_labels(canvas.fig, canvas.ax, canvas.renderer,
                  [(lon, lat, name, gov_style) for lon, lat, name in governorates],
                  np.vstack([blocked, placed]), optional=True)


LEGEND_HEADINGS = {"event_type": "Event type", "actor": "Actor", "outcome": "Outcome"}


@dataclass(frozen=True, slots=True)
class _Legend:
    """The legend's rows: handles, texts, and which texts are headings."""

    handles: list[Any]
    texts: list[str]
    headings: frozenset[str]


def _area_entries(figures: tuple[list[choropleth.AreaFigure], list[tuple[float, float]]],
                  level: str, measure: str) -> tuple[list[Any], list[str], str]:
    """The choropleth's classes: a square of its colour and its bounds each."""
    from matplotlib.patches import Patch

    _, bounds = figures
    heading = f"{choropleth.LEVEL_LABELS[level]}s \u00b7 {measure}"
    colors = choropleth.ramp(len(bounds))
    handles: list[Any] = [Line2D([], [], linestyle="none", marker="none")]
    texts = [heading]
    for (low, high), colour in zip(bounds, colors):
        handles.append(Patch(facecolor=colour, edgecolor="#555555", linewidth=0.5))
        texts.append(f"{low:g}" if low == high else f"{low:g}\u2013{high:g}")
    if not bounds:
        handles.append(Patch(facecolor=choropleth.NO_DATA, edgecolor="#555555", linewidth=0.5))
        texts.append("none")
    return handles, texts, heading


def _legend_entries(marks: _Marks, color_by: str, located: Sequence[Located],
                    areas: tuple[Any, Any, str] | None, size_by: str | None) -> _Legend:
    """Handles and texts: the areas' classes (with `areas`), the event types present (white
    shapes unless coloured by type), then the colours, each with its count and fatalities,
    under a heading; the marker scale when sized by fatalities."""
    blank = Line2D([], [], linestyle="none", marker="none")
    handles: list[Any] = []
    texts: list[str] = []
    headings = {LEGEND_HEADINGS["event_type"]}
    if areas is not None:
        area_handles, area_texts, heading = _area_entries(*areas)
        handles += area_handles
        texts += area_texts
        headings.add(heading)
    deaths: Counter[str] = Counter()
    key_deaths: Counter[str] = Counter()
    for r, t, k in zip(located, marks.types, marks.keys):
        deaths[t] += r.incident.fatalities or 0
        key_deaths[k] += r.incident.fatalities or 0
    killed = sum(deaths.values()) > 0

    def counted(label: str, n: int, dead: int) -> str:
        return f"{label}  ({n}" + (f", {dead} killed)" if killed else ")")

    type_counts = Counter(marks.types)
    handles.append(blank)
    texts.append(LEGEND_HEADINGS["event_type"])
    for t, style in EVENT_STYLES.items():
        if type_counts[t]:
            face = style.color if color_by == "event_type" else "#ffffff"
            handles.append(Line2D([], [], linestyle="none", marker=style.mpl_marker,
                                  markersize=9, markerfacecolor=face,
                                  markeredgecolor="#222222", markeredgewidth=0.8))
            texts.append(counted(style.label, type_counts[t], deaths[t]))
    if color_by != "event_type" and marks.table:
        key_counts = Counter(marks.keys)
        heading = LEGEND_HEADINGS.get(color_by, color_by)
        headings.add(heading)
        handles.append(blank)
        texts.append(shape_text(heading))
        for key, colour in marks.table.items():
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=9,
                                  markerfacecolor=colour, markeredgecolor="#222222",
                                  markeredgewidth=0.8))
            label = _clip(color_label(color_by, key), 34)
            texts.append(shape_text(counted(label, key_counts[key], key_deaths[key])))
    if size_by == "fatalities":
        handles.append(blank)
        texts.append(f"Size: fatalities (\u221a, capped at {FATALITY_CAP})")
    return _Legend(handles, texts, frozenset(shape_text(h) for h in headings))


def _make_legend(ax: Any, legend: _Legend, **place: Any) -> Any:
    artist = ax.legend(legend.handles, legend.texts, fontsize=8, frameon=True,
                       framealpha=0.93, edgecolor="#999999", borderpad=0.7,
                       handletextpad=0.5, labelspacing=0.45, prop={"family": FONT, "size": 8},
                       **place)
    artist.set_zorder(10)
    for text, label in zip(artist.get_texts(), legend.texts):
        if label in legend.headings:
            text.set_fontweight("bold")
            text.set_x(-18)
    return artist


# Corners tried for the legend, in order; the lower left one sits above the scale bar.
LEGEND_CORNERS = ({"loc": "lower right"}, {"loc": "upper right", "bbox_to_anchor": (1, 0.94)},
                  {"loc": "lower left", "bbox_to_anchor": (0, 0.1)},
                  {"loc": "upper left"})
LEGEND_GAP_IN = 0.12


def _legend_place(canvas: _Canvas, legend: _Legend, blocked: np.ndarray) -> dict[str, Any] | None:
    """The first corner of the map where the legend covers no marker (screen boxes x0 y0 x1
    y1), or None: then it goes outside the frame, to the right."""
    pad = 4 * canvas.dpi / 72
    for place in LEGEND_CORNERS:
        artist = _make_legend(canvas.ax, legend, **place)
        box = artist.get_window_extent(canvas.renderer).padded(pad)
        artist.remove()
        if not _overlaps(np.array([box.extents]), blocked)[0]:
            return place
    return None


def _legend_width_in(canvas: _Canvas, legend: _Legend) -> float:
    artist = _make_legend(canvas.ax, legend, loc="upper left")
    width = artist.get_window_extent(canvas.renderer).width / canvas.dpi
    artist.remove()
    return width + 2 * LEGEND_GAP_IN


def _draw_scale_bar(canvas: _Canvas) -> None:
    """A black and white bar of a round length, lower left, in km along the middle parallel;
    north, upper right."""
    ax = canvas.ax
    w, s, e, n = canvas.box
    km_per_deg = KM_PER_DEGREE * canvas.coslat
    bar_km = _nice_length((e - w) * km_per_deg / 5)
    bar_deg = bar_km / km_per_deg
    bx = w + (e - w) * 0.03
    by = s + (n - s) * 0.04
    ax.add_patch(Rectangle((bx - (e - w) * 0.012, by - (n - s) * 0.018),
                           bar_deg + (e - w) * 0.024, (n - s) * 0.075, facecolor="white",
                           alpha=0.85, edgecolor="none", zorder=8))
    for k in range(2):
        ax.add_patch(Rectangle((bx + k * bar_deg / 2, by), bar_deg / 2, (n - s) * 0.008,
                               facecolor="#222222" if k == 0 else "white",
                               edgecolor="#222222", linewidth=0.6, zorder=9))
    ax.text(bx, by + (n - s) * 0.016, "0", fontsize=7, ha="center", va="bottom", zorder=9)
    ax.text(bx + bar_deg, by + (n - s) * 0.016, f"{bar_km:g} km", fontsize=7, ha="center",
            va="bottom", zorder=9)
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    ax.text(e - (e - w) * 0.015, n - (n - s) * 0.02, "N \u2191", fontsize=9, ha="right", va="top",
            fontweight="bold", zorder=9, path_effects=halo)


def _draw_heading(canvas: _Canvas, title: str | None, located: Sequence[Located],
                  unmapped: int, tile_credit: str, areas: str | None = None) -> None:
    """The title, a line of dates and counts above the map, and the credits below it."""
    fig, left, height_in = canvas.fig, canvas.rect[0], canvas.height_in
    top = 1 - 0.18 / height_in
    fig.text(left, top, shape_text(title or "Incidents"), fontsize=15, fontweight="bold",
             va="top", ha="left", family=FONT)
    sub = summary_parts(located)
    if unmapped:
        sub.append(f"{unmapped} not mapped (see the review list)")
    fig.text(left, top - 0.36 / height_in, " \u00b7 ".join(sub), fontsize=10,
             color="#444444", va="top", ha="left", family=FONT)
    credit = ATTRIBUTION + (f" \u00b7 Tiles: {tile_credit}" if tile_credit else "")
    credit += (" \u00b7 Boundaries: Who's On First / Mesoshapes" if areas else
               " \u00b7 Governorates: gazetteer points (not boundaries)")
    fig.text(left, 0.22 / height_in, credit, fontsize=6.5, color="#555555", va="center",
             ha="left", family=FONT)


def _draw_notes(canvas: _Canvas, notes: Sequence[str], right: bool = False) -> None:
    """What was left out and why, in the map's upper left corner (upper right when the
    legend is in the upper left)."""
    if not notes:
        return
    w, s, e, n = canvas.box
    x = e - (e - w) * 0.015 if right else w + (e - w) * 0.015
    canvas.ax.text(x, n - (n - s) * 0.07 if right else n - (n - s) * 0.02,
                   "\n".join(f"Note: {t}" for t in notes), fontsize=8, color="#8a1c00",
                   va="top", ha="right" if right else "left", zorder=11,
                   bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": "#d0a090",
                         "boxstyle": "round"})


def _draw_areas(canvas: _Canvas, figures: list[choropleth.AreaFigure]) -> None:
    """The choropleth: every area of the level, opaque in its class colour (white for none),
    so that its colour reads the same on paper as in the legend."""
    import geopandas as gpd

    areas = choropleth._areas()
    frame = gpd.GeoDataFrame({"color": [f.color for f in figures]},
                             geometry=[areas.geometry(f.code) for f in figures], crs="EPSG:4326")
    frame.plot(ax=canvas.ax, color=frame["color"], edgecolor="#8c8c8c", linewidth=0.35,
               zorder=1.5)
    w, s, e, n = canvas.box
    canvas.ax.set_xlim(w, e)
    canvas.ax.set_ylim(s, n)
    canvas.ax.set_xlabel("")   # geopandas labels the axes in degrees; a map needs no axis titles
    canvas.ax.set_ylabel("")


def _plain_text(draw: Callable[..., _T]) -> Callable[..., _T]:
    """Draw with every text taken as it is written: "$x^2$ group" or an actor "$\\foo$" from
    the data is shown as such, never read as matplotlib mathtext or TeX (which could abort the
    render). Text artists read these settings when they are made."""
    @functools.wraps(draw)
    def plain(*args: Any, **kwargs: Any) -> _T:
        with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
            return draw(*args, **kwargs)
    return plain


@_plain_text
def map_figure(result: Any, *, title: str | None = None, labels: str = "ar", dpi: int = 200,
               size: tuple[float, float] = (10.0, 8.0), extent: Any = "auto",
               tiles: bool = False, color_by: str = "actor", gazetteer: Gazetteer | None = None,
               cache_dir: Path | None = None, areas: str | None = None,
               measure: str = "incidents", size_by: str | None = None
               ) -> tuple[Figure, Box, tuple[str, ...]]:
    """The map as a matplotlib Figure, with the extent drawn and the notes shown on it.

    Drawn bottom to top: background, areas (with `areas`), governorates, incidents, labels,
    legend (in the first corner where it covers no marker, else outside the frame on the
    right), scale bar, then the heading and the notes; options as for `render_static`.
    """
    width_in, height_in = _check_options(labels, size, dpi, areas, measure, size_by)
    located: tuple[Located, ...] = tuple(getattr(result, "located", result))
    color_by = check_color_by(located, color_by)
    review = getattr(result, "review", ()) or ()
    unmapped = sum(1 for item in review if not item.mapped)
    figures = choropleth.area_figures(located, areas, measure) if areas else None
    types, keys, table = _marker_keys(located, color_by)
    legend = _legend_entries(_Marks(types, keys, table, np.zeros((0, 4))), color_by, located,
                             (figures, areas, measure) if figures else None, size_by)
    box = _wanted_box(located, extent)
    canvas = _new_canvas(box, width_in, height_in, dpi)
    place = _legend_place(canvas, legend, _marker_boxes(canvas, located, size_by)[2]) if located else {}
    if place is None:
        canvas = _new_canvas(box, width_in, height_in, dpi, _legend_width_in(canvas, legend))
        place = {"loc": "upper left", "bbox_to_anchor": (1 + LEGEND_GAP_IN / (canvas.rect[2] * width_in), 1)}
    if gazetteer is None:
        gazetteer = Gazetteer.default()
    notes: list[str] = []
    tile_credit = _draw_background(canvas, tiles, cache_dir, notes)
    if figures:
        _draw_areas(canvas, figures[0])
    governorates = _draw_governorates(canvas.ax, gazetteer, canvas.box, labels)
    marks = _draw_incidents(canvas, located, _Marks(types, keys, table, np.zeros((0, 4))), size_by)
    blocked = marks.blocked
    if located:
        artist = _make_legend(canvas.ax, legend, **place)
        blocked = np.vstack([blocked, artist.get_window_extent(canvas.renderer).extents])
    else:
        notes.append("No incidents to map")
    if labels != "none":
        _draw_labels(canvas, located, gazetteer, labels, blocked, governorates)
    _draw_scale_bar(canvas)
    _draw_heading(canvas, title, located, unmapped, tile_credit, areas)
    _draw_notes(canvas, notes, right=place.get("loc") == "upper left" and "bbox_to_anchor" not in place)
    return canvas.fig, canvas.box, tuple(notes)


def render_static(result: Any, path: str | Path, *, title: str | None = None,
                  labels: str = "ar", dpi: int = 200, size: tuple[float, float] = (10.0, 8.0),
                  extent: Any = "auto", tiles: bool = False, color_by: str = "actor",
                  gazetteer: Gazetteer | None = None, cache_dir: Path | None = None,
                  areas: str | None = None, measure: str = "incidents",
                  size_by: str | None = None) -> StaticMap:
    """Draw the located incidents of `result` (a LocateResult or a sequence of Located) to
    `path`, as PNG, SVG or PDF by its extension.

    `labels` ar|en|none names the struck sites (at most LABELLED_PLACES, those with most
    incidents); `size` is (width, height) in inches;
    `extent` is auto, syria, iraq or (minlon, minlat, maxlon, maxlat) (grown to fill the
    page). `tiles=True` asks for a tile background; offline the map falls back to outlines
    with a note, never an error. `color_by` as for the HTML map (any column); `areas`
    admin1|admin2 fills the governorates or districts by `measure` incidents|fatalities in
    the HTML map's classes and colours (mapper.choropleth); `size_by="fatalities"` sizes the
    markers on the HTML map's scale. Returns the path, the extent drawn and the notes.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise OutputError(f"{path}: cannot draw a static map as {suffix or '(no extension)'!r}; "
                          f"use {', '.join(FORMATS)}")
    fig, box, notes = map_figure(result, title=title, labels=labels, dpi=dpi, size=size,
                                 extent=extent, tiles=tiles, color_by=color_by,
                                 gazetteer=gazetteer, cache_dir=cache_dir, areas=areas,
                                 measure=measure, size_by=size_by)
    meta = {"Title": title or "Incidents"} if suffix == ".pdf" else None
    # SVG keeps its labels as text (searchable, editable) where the text is in logical order,
    # which SVG viewers expect; otherwise the glyphs are drawn as paths.
    svg_text = "none" if NATIVE_BIDI else "path"
    # Whole or not at all: a failed or killed render leaves an earlier map as it was.
    with matplotlib.rc_context({"svg.fonttype": svg_text, "pdf.fonttype": 42}), \
            atomic_write(path, "wb") as out:
        fig.savefig(out, dpi=dpi, format=suffix[1:], facecolor="white", metadata=meta)
    w, s, e, n = (round(v, 4) for v in box)
    return StaticMap(path, (w, s, e, n), notes, "points")


# --- the PDF brief -----------------------------------------------------------------------------

TABLE_COLUMNS = (("Date", 0.09), ("Type", 0.08), ("Location as reported", 0.17),
                 ("Resolved to", 0.19), ("Actor", 0.17), ("Outcome", 0.08), ("Target", 0.22))
ROWS_PER_PAGE = 34


def _clip(text: str, chars: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[:chars - 1] + "\u2026"


@_plain_text
def _table_pages(result: Any, title: str, size: tuple[float, float]) -> list[Figure]:
    located: Sequence[Located] = tuple(getattr(result, "located", result))
    rows = sorted(located, key=lambda r: (r.incident.date, r.incident.row))
    pages = []
    chunks = [rows[i:i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)] or [[]]
    for number, chunk in enumerate(chunks, 1):
        fig = Figure(figsize=size)
        FigureCanvasAgg(fig)
        fig.text(0.05, 0.96, shape_text(f"{title}: incidents mapped"), fontsize=13,
                 fontweight="bold", va="top", family=FONT)
        fig.text(0.95, 0.96, f"page {number + 1}", fontsize=8, ha="right", va="top",
                 color="#666666")
        y = 0.91
        x = 0.05
        for name, width in TABLE_COLUMNS:
            fig.text(x, y, name, fontsize=7.5, fontweight="bold", va="top", family=FONT)
            x += width * 0.9
        y -= 0.022
        for k, r in enumerate(chunk):
            i = r.incident
            cells = (i.date, event_style(i.event_type).label, i.location,
                     r.place_name or f"{r.lat:.4f}, {r.lon:.4f}", i.actor or "unknown",
                     i.outcome, i.target)
            if k % 2 == 0:
                fig.patches.append(Rectangle((0.045, y - 0.021), 0.91, 0.0235, facecolor="#f1f1f1",
                                             edgecolor="none", transform=fig.transFigure))
            x = 0.05
            for (_, width), cell in zip(TABLE_COLUMNS, cells):
                chars = int(width * 0.9 * size[0] * 72 / 4.3)
                fig.text(x, y, shape_text(_clip(str(cell), chars)), fontsize=7, va="top",
                         family=FONT)
                x += width * 0.9
            y -= 0.0245
        pages.append(fig)
    return pages


def write_pdf_brief(result: Any, path: str | Path, *, title: str | None = None,
                    size: tuple[float, float] = (11.69, 8.27), **options: Any) -> Path:
    """A PDF brief: the map on page one (A4 landscape), the incidents as a table after it."""
    from matplotlib.backends.backend_pdf import PdfPages

    path = Path(path)
    title = title or "Incidents"
    fig, _, _ = map_figure(result, title=title, size=size, **options)
    with matplotlib.rc_context({"pdf.fonttype": 42}), atomic_write(path, "wb") as out, \
            PdfPages(out, metadata={"Title": title}) as pdf:
        pdf.savefig(fig, facecolor="white")
        for page in _table_pages(result, title, size):
            pdf.savefig(page, facecolor="white")
    return path

