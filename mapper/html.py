"""The interactive HTML map: a folium shell, the incidents as one data block, and our script.

folium makes the map itself (tile layers with their attribution, layer control), through its
public API only. The incidents do not become folium Markers, which cost ~1.5 ms each to write
and far more to show: they go in as one compact data block (mapper/encode.py), and the map
script (mapper/js, ours) makes the markers, clusters, popups, legend and date filter in the
browser, with the analysis layers and tools: the choropleth of governorates or districts
(mapper/choropleth.py), heat, the per-day strip with play, search, export of the incidents
shown, full screen. Pages and fragments come from the templates in mapper/templates
(mapper/pages.py).

Every text from the data reaches the page in the incidents' block (base 85, which holds no
`<`, `>`, `&` or quote) or as JSON with `<`, `>` and `&` escaped, and from there only through
textContent: hostile text is shown, never run.

Not run as a doctest: it writes a file, from a located table.

>>> m = IncidentMap(located, title="Strikes, January 2024")   # doctest: +SKIP
>>> m.save("map.html")                                          # doctest: +SKIP
>>> m = IncidentMap.from_frame(frame, areas="admin1", measure="fatalities")  # doctest: +SKIP
>>> folium.plugins.MiniMap().add_to(m.folium_map)               # doctest: +SKIP
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import folium
import numpy as np
import xyzservices.providers as xyz
from branca.element import Figure

from . import assets, choropleth, pages
from .columns import LocatedColumns
from .encode import DataBlock, Packed, date_span, encode, pack, script_json
from .folding import fold_rules
from .model import Located
from .output import atomic_write
from .style import (
    COLOR_BY,
    FATALITY_CAP,
    SHAPE_PATHS,
    SIZE_MAX_PX,
    SIZE_MIN_PX,
    check_color_by,
)

__all__ = ["BASEMAPS", "IncidentMap", "Shell", "date_span", "folium_map", "folium_shell",
           "render_map", "script_json"]

BASEMAPS = ("light", "street", "satellite", "none")
_TILES = {   # basemap name -> (xyzservices provider, label in the layer control)
    "light": (xyz.CartoDB.Positron, "Light (CARTO Positron)"),
    "street": (xyz.OpenStreetMap.Mapnik, "Street (OpenStreetMap)"),
    "satellite": (xyz.Esri.WorldImagery, "Satellite (Esri World Imagery)"),
}
CREDITS = (
    'Places: <a href="https://www.geonames.org/">GeoNames</a> '
    '(<a href="https://creativecommons.org/licenses/by/4.0/">CC-BY 4.0</a>), '
    '<a href="https://ourairports.com/">OurAirports</a>, '
    '<a href="https://whosonfirst.org/">Who\'s On First</a> (places and boundaries, CC-BY); '
    'outlines: <a href="https://www.naturalearthdata.com/">Natural Earth</a>'
)
PRECISIONS = {1: "1 \u00b7 the site or town itself", 2: "2 \u00b7 near it, or a district",
              3: "3 \u00b7 a governorate or region"}
LABELS = {
    "location": "Location as reported", "place": "Resolved to", "precision": "Precision",
    "method": "Match", "coordinates": "Coordinates", "actor": "Actor", "target": "Target",
    "outcome": "Outcome", "fatalities": "Fatalities", "injuries": "Injuries",
    "country": "Country", "admin1": "Governorate", "admin2": "District", "description": "Description",
    "source": "Source", "source_url": "Source URL", "notes": "Notes", "id": "ID",
    "row": "Row in file", "legend_types": "Event type", "legend_colors": "Colour",
    "dates": "Dates", "date_from": "From", "date_to": "To", "all_dates": "All dates",
    "incidents": "incidents shown", "uncertainty": "Location uncertainty",
    "sites": "Struck sites", "incidents_here": "incidents here",
    "outlines": "Country outlines",
    "fatalities_shown": "fatalities", "killed": "killed", "heat": "Heat (incidents)",
    "areas_admin1": "Governorates", "areas_admin2": "Districts",
    "measure_incidents": "incidents", "measure_fatalities": "fatalities",
    "no_incidents": "none", "play": "Play", "pause": "Pause", "step": "Step",
    "step_day": "day", "step_week": "week", "step_month": "month",
    "search": "Find a place or area", "no_match": "No match",
    "export_csv": "CSV", "export_geojson": "GeoJSON", "export": "Export shown",
    "fullscreen": "Full screen", "clicked": "Clicked", "per_day": "Incidents per day",
    "size_by": "Marker size: fatalities", "all_marks": "All marks",
}
MIN_ZOOM = 4                     # the whole region; clustering below this would be wasted
MAX_ZOOM = 19                    # also when no tile layer says (--basemap none)
UNCLUSTER_AT_ZOOM = 13           # markers stand alone from this zoom on (see js/grid.js)
CIRCLES_ON_UP_TO = 2000          # uncertainty circles start shown when there are this few
REGION_BOUNDS = [[29.0, 35.5], [37.5, 48.7]]   # Syria and Iraq: the view of an empty map
_DATA_HOLE = "\u2063im-data-block\u2063"   # where `save` writes the data block itself
_SLICE = 1 << 20


def _tile_url(provider: Any) -> str:
    """The provider's URL for Leaflet: variant filled in, {s} and {r} left to Leaflet."""
    url = provider["url"].replace("?key={apikey}", "")
    for name, value in provider.items():
        if name not in ("url", "subdomains") and isinstance(value, str):
            url = url.replace("{" + name + "}", value)
    return url


@dataclass(frozen=True, slots=True)
class Shell:
    """What folium makes of the map: its element, its script, and the names that script
    gives the map and the layer control (for our script to be called with)."""

    html: str
    script: str
    map_name: str
    control_name: str


    head: str = ""          # the scripts and styles of folium plugins added to the map


def folium_map(basemap: str) -> folium.Map:
    """The folium map: the three tile layers (`basemap` shown, or none) and a scale."""
    m = folium.Map(location=[34.5, 40.5], zoom_start=6, tiles=None, control_scale=True,
                   prefer_canvas=False)
    for name, (provider, label) in _TILES.items():
        folium.TileLayer(
            tiles=_tile_url(provider), attr=provider["html_attribution"], name=label,
            max_zoom=provider.get("max_zoom", 19),
            subdomains=provider.get("subdomains", "abc"),
            show=(name == basemap), overlay=False, control=True,
        ).add_to(m)
    return m


@functools.cache
def _folium_header_keys() -> frozenset[str]:
    """The names of what a bare folium map puts in its page's head (its own Leaflet, jQuery,
    Bootstrap...): the page templates load Leaflet themselves and leave these out."""
    m = folium.Map(tiles=None)
    m.render()
    return frozenset(cast(Figure, m.get_root()).header._children)


def folium_shell(basemap: str | folium.Map, control: folium.LayerControl | None = None) -> Shell:
    """What folium makes of the map (made by `folium_map` when a basemap name is given), with
    a collapsed layer control (`control`, or a new one) as its last child. Of its page's head
    only what plugins added to the map is kept: folium's own scripts and styles are not used."""
    m = folium_map(basemap) if isinstance(basemap, str) else basemap
    control = control or folium.LayerControl(collapsed=True)
    if m._children.get("im_layer_control") is not control:
        m.add_child(control, name="im_layer_control")
    m.render()
    figure = cast(Figure, m.get_root())   # a folium Map is always made inside a Figure
    own = _folium_header_keys() | {m.get_name()}   # the map's own element: its folium styles
    head = "\n".join(child.render() for key, child in figure.header._children.items()
                     if key not in own and not key.startswith("map_"))
    return Shell(figure.html.render().strip(), figure.script.render().strip(), m.get_name(),
                 control.get_name(), head.strip())


@dataclass(frozen=True, slots=True)
class _Page:
    """Everything the map templates (mapper/templates/map*.html) are filled in from."""

    prefix: str
    title: str
    height: str
    shell: Shell
    data: DataBlock
    areas: Packed
    bundle: assets.Bundle | None
    cdn_css: tuple[str, ...]
    cdn_js: tuple[str, ...]
    css: str
    script: str
    config: dict[str, Any]


AREA_LEVELS = (None, *choropleth.LEVELS)
SIZE_BY = (None, "fatalities")


def _area_names(level: str) -> list[list[Any]]:
    """[code, name, name_ar, south, west, north, east] per area of a level, for the search
    box: the box is the disc of the area's radius round its point (no geometry to decode)."""
    import math

    out = []
    for a in choropleth.area_records(level):
        dlat = a.radius_km / 110.574
        dlon = a.radius_km / (111.320 * max(math.cos(math.radians(a.lat)), 0.2))
        out.append([a.code, a.name, a.name_ar, round(a.lat - dlat, 3), round(a.lon - dlon, 3),
                    round(a.lat + dlat, 3), round(a.lon + dlon, 3)])
    return out


class IncidentMap:
    """An interactive map of located incidents, as a page, a fragment or a notebook cell.

    `located` is a LocateResult (anything with `.located`, and `.review` for the note of rows
    not mapped) or a sequence of Located. `color_by` is actor, outcome, event_type or any
    other column of the table (its most frequent values get colours, the rest share grey);
    `basemap` one of light, street, satellite, none. A `self_contained` map inlines every
    script and style (see mapper.assets) and draws country outlines under the tiles.
    `compress`: deflate the data block (default: past encode.COMPRESS_ABOVE_ROWS incidents).
    `areas` admin1|admin2 adds a choropleth layer of the governorates or districts, by
    `measure` incidents|fatalities (mapper.choropleth); `size_by="fatalities"` sizes the
    markers by their toll (mapper.style.marker_size).

    `folium_map` is the folium.Map the page is built on: folium plugins added to it are
    drawn too (their scripts load from their CDN, also in a self-contained map).

    >>> IncidentMap([], title="Nothing yet").to_html().startswith("<!DOCTYPE html>")
    True
    """

    def __init__(self, located: Any, *, title: str = "Incidents", color_by: str = "actor",
                 basemap: str = "light", self_contained: bool = False, height: str = "600px",
                 cache_dir: Path | None = None, compress: bool | None = None,
                 areas: str | None = None, measure: str = "incidents",
                 size_by: str | None = None) -> None:
        if basemap not in BASEMAPS:
            raise ValueError(f"basemap must be one of {', '.join(BASEMAPS)}, not {basemap!r}")
        if areas not in AREA_LEVELS:
            raise ValueError(f"areas must be one of {', '.join(choropleth.LEVELS)}, not {areas!r}")
        if measure not in choropleth.MEASURES:
            raise ValueError(f"measure must be one of {', '.join(choropleth.MEASURES)}, "
                             f"not {measure!r}")
        if size_by not in SIZE_BY:
            raise ValueError(f"size_by must be fatalities or None, not {size_by!r}")
        review = getattr(located, "review", None)
        rows: Sequence[Located] = getattr(located, "located", located)
        # a locate's result is held as columns: a million rows are never made into objects
        self.located: Sequence[Located] = rows if isinstance(rows, LocatedColumns) else tuple(rows)
        self.color_by = check_color_by(self.located, color_by)
        unmapped = getattr(located, "unmapped", None)   # a LocateResult's: its other review items not made
        self.unmapped = len(unmapped) if unmapped is not None else sum(1 for r in review or () if not r.mapped)
        self.title = title
        self.basemap = basemap
        self.self_contained = self_contained
        self.height = height
        self.cache_dir = cache_dir
        self.compress = compress
        self.areas = areas
        self.measure = measure
        self.size_by = size_by
        self.prefix = "im" + secrets.token_hex(6)
        self._folium: folium.Map | None = None
        self._control: folium.LayerControl | None = None

    @classmethod
    def from_frame(cls, frame: Any, *, gazetteer: Any = None, **options: Any) -> IncidentMap:
        """The map of a pandas DataFrame or GeoDataFrame, located as `incident-map render`
        locates a file (see mapper.api.incidents_from); options as for IncidentMap."""
        from .api import result_from

        return cls(result_from(frame, gazetteer), **options)

    @property
    def folium_map(self) -> folium.Map:
        """The underlying folium.Map (tile layers and scale), to add folium plugins to."""
        if self._folium is None:
            self._folium = folium_map(self.basemap)
            self._control = folium.LayerControl(collapsed=True)
        return self._folium

    def _bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]] of the incidents; Syria and Iraq when there are none.
        The page fits it itself, unanimated, before it says it is ready."""
        if not self.located:
            return REGION_BOUNDS
        if isinstance(self.located, LocatedColumns):
            la, lo = self.located.lat, self.located.lon
            return [[float(la.min()), float(lo.min())], [float(la.max()), float(lo.max())]]
        lats = [r.lat for r in self.located]
        lons = [r.lon for r in self.located]
        return [[min(lats), min(lons)], [max(lats), max(lons)]]

    def _config(self, data: DataBlock, outlines: bool) -> dict[str, Any]:
        """What the map script is called with (besides the map and its layer control)."""
        imprecise: Any
        if isinstance(self.located, LocatedColumns):
            rows = self.located
            wide = rows.precision >= 2
            imprecise = np.unique(np.stack([rows.lat[wide], rows.lon[wide], rows.radius_km[wide]],
                                           axis=1), axis=0)
        else:
            imprecise = {(r.lat, r.lon, r.radius_km) for r in self.located if r.precision >= 2}
        return {
            "prefix": self.prefix, "compressed": data.compressed, "types": data.types,
            "colors": data.colors, "colorBy": self.color_by,
            "colorTitle": LABELS["legend_colors"] if self.color_by in COLOR_BY else self.color_by,
            "shapes": SHAPE_PATHS,
            "labels": LABELS, "precisions": {str(k): v for k, v in PRECISIONS.items()},
            "title": self.title, "dateMin": data.first_day, "dateMax": data.last_day,
            "circlesOn": len(imprecise) <= CIRCLES_ON_UP_TO,
            "reviewNote": f" \u00b7 {self.unmapped} not mapped (see the review file)"
                          if self.unmapped else "",
            "outlinesId": f"{self.prefix}-outlines" if outlines else None,
            "credits": CREDITS, "unclusterAt": UNCLUSTER_AT_ZOOM,
            "minZoom": MIN_ZOOM, "maxZoom": MAX_ZOOM, "bounds": self._bounds(),
            "areas": None if self.areas is None else {
                "level": self.areas, "measure": self.measure, "ramp": choropleth.RAMP,
                "classes": choropleth.CLASSES},
            "sizeBy": self.size_by, "sizeMin": SIZE_MIN_PX, "sizeMax": SIZE_MAX_PX,
            "fatalityCap": FATALITY_CAP, "fold": fold_rules(),
        }

    def _areas_block(self, compressed: bool) -> Packed:
        """The areas' names and boxes (both levels, for the search box) and, with `areas`,
        the polygons of that level."""
        value: dict[str, Any] = {"names": {lv: _area_names(lv) for lv in choropleth.LEVELS}}
        if self.areas is not None:
            value["polygons"] = choropleth.polygons(self.areas)
        return pack(value, compressed)

    def _page(self, inline: bool | None = None) -> _Page:
        bundle = None
        if inline is None:
            inline = self.self_contained
        if inline or self.basemap == "none":
            bundle = assets.load_bundle(self.cache_dir)
        rows = choropleth.with_areas(self.located) if self.areas else self.located
        data = encode(rows, self.color_by, self.compress,
                      choropleth.area_index() if self.areas else None)
        shell = folium_shell(self.folium_map, self._control)
        return _Page(
            prefix=self.prefix, title=self.title, height=self.height,
            shell=shell, data=data, areas=self._areas_block(data.compressed), bundle=bundle,
            cdn_css=tuple(url for _, url in assets.CDN_CSS),
            cdn_js=tuple(url for _, url in assets.CDN_JS),
            css=pages.map_css().replace(".im-root", f"#{self.prefix}-root"),
            script=pages.map_script(), config=self._config(data, bundle is not None),
        )

    def to_html(self) -> str:
        """The map as a complete HTML document."""
        return pages.render("map.html", m=self._page())

    def to_fragment(self) -> str:
        """The map as a piece of HTML for an existing page: no html, head or body elements,
        styles scoped to this map's id, and ids unique to this map."""
        return pages.render("map_fragment.html", m=self._page())

    def save(self, path: str | Path) -> Path:
        """Write the map as an HTML document (UTF-8), whole or not at all (a failure leaves an
        earlier file as it was: `mapper.output`), and return the path. The data block is
        written a slice at a time into its place: a million incidents' block is ~35 MB of
        text, which the template would otherwise copy twice more."""
        path = Path(path)
        page = self._page()
        text = page.data.text
        hole = replace(page, data=replace(page.data, text=_DATA_HOLE))
        with atomic_write(path, "w", encoding="utf-8") as out:
            for chunk in pages.generate("map.html", m=hole):
                if _DATA_HOLE not in chunk:
                    out.write(chunk)
                    continue
                before, after = chunk.split(_DATA_HOLE, 1)
                out.write(before)
                for k in range(0, len(text), _SLICE):
                    out.write(text[k:k + _SLICE])
                out.write(after)
        return path

    def _repr_html_(self) -> str:
        """For Jupyter: the page in an iframe (srcdoc), so its scripts cannot touch the
        notebook; with every script and style inlined, so that it shows with no network
        (when the pinned assets cannot be had, they load from their CDN instead)."""
        try:
            page = self._page(inline=True)
        except assets.AssetError:
            page = self._page()
        return pages.render("notebook.html", page=pages.render("map.html", m=page),
                            height=self.height)


def render_map(located: Any, path: str | Path, **options: Any) -> Path:
    """Write the map of `located` to `path`; options as for IncidentMap."""
    return IncidentMap(located, **options).save(path)
