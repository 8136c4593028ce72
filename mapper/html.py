"""The interactive HTML map: a folium shell and the incidents as one compact data block.

folium makes the map itself (tile layers with their attribution, layer control, view fitted to
the data). The incidents do not become folium Markers, which cost ~1.5 ms each to write and
far more to show: they go in as one JSON block of columns, strings stored once in a table,
and `map.js` (ours) makes the markers, clusters, popups, legend and date filter in the browser.
Large blocks are deflated and base64-encoded (the browser inflates them with
DecompressionStream), so 100k incidents with long descriptions stay far under 20 MB.

Every text from the data reaches the page as JSON with `<`, `>` and `&` escaped, and from
there only through textContent: hostile text is shown, never run.

>>> m = IncidentMap(located, title="Strikes, January 2024")   # doctest: +SKIP
>>> m.save("map.html")                                          # doctest: +SKIP
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
import secrets
import zlib
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import folium
import xyzservices.providers as xyz

from . import assets
from .model import Located
from .style import (
    COLOR_BY, EVENT_STYLES, OTHER_ACTORS, SHAPE_PATHS, color_key, color_label, color_table,
)

BASEMAPS = ("light", "street", "satellite", "none")
_TILES = {   # basemap name -> (xyzservices provider, label in the layer control)
    "light": (xyz.CartoDB.Positron, "Light (CARTO Positron)"),
    "street": (xyz.OpenStreetMap.Mapnik, "Street (OpenStreetMap)"),
    "satellite": (xyz.Esri.WorldImagery, "Satellite (Esri World Imagery)"),
}
CREDITS = (
    'Places: <a href="https://www.geonames.org/">GeoNames</a> '
    '(<a href="https://creativecommons.org/licenses/by/4.0/">CC-BY 4.0</a>), '
    '<a href="https://ourairports.com/">OurAirports</a>; '
    'outlines: <a href="https://www.naturalearthdata.com/">Natural Earth</a>'
)
PRECISIONS = {1: "1 \u00b7 the site or town itself", 2: "2 \u00b7 near it, or a district",
              3: "3 \u00b7 a governorate or region"}
LABELS = {
    "location": "Location as reported", "place": "Resolved to", "precision": "Precision",
    "method": "Match", "coordinates": "Coordinates", "actor": "Actor", "target": "Target",
    "outcome": "Outcome", "fatalities": "Fatalities", "injuries": "Injuries",
    "country": "Country", "admin1": "Governorate", "description": "Description",
    "source": "Source", "source_url": "Source URL", "notes": "Notes", "id": "ID",
    "row": "Row in file", "legend_types": "Event type", "legend_colors": "Colour",
    "dates": "Dates", "date_from": "From", "date_to": "To", "all_dates": "All dates",
    "incidents": "incidents shown", "uncertainty": "Location uncertainty",
    "sites": "Struck sites", "incidents_here": "incidents here",
    "outlines": "Country outlines",
}
COMPRESS_ABOVE_ROWS = 1000       # incidents past which the data block is deflated
COMPRESS_LEVEL = 1               # zlib level: 1 is ~5x faster than 6 and ~20% larger here
MIN_ZOOM = 4                     # the whole region; clustering below this would be wasted
MAX_ZOOM = 19                    # also when no tile layer says (--basemap none)
UNCLUSTER_AT_ZOOM = 13           # markers stand alone from this zoom on (see map.js)
CIRCLES_ON_UP_TO = 2000          # uncertainty circles start shown when there are this few
_EPOCH = dt.date(1970, 1, 1).toordinal()


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&` can close or open a tag.

    >>> script_json({"a": "</script><b>"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    return _escape_script(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _escape_script(text: str) -> str:
    # Inside JSON `<`, `>` and `&` occur only in strings, where \uXXXX means the same.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def date_span(date: str) -> tuple[int, int]:
    """The first and last day (days since 1970-01-01) of an ISO date of day, month or year."""
    parts = [int(p) for p in date.split("-")] if date else []
    if len(parts) == 3:
        day = dt.date(*parts).toordinal() - _EPOCH
        return day, day
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first.toordinal() - _EPOCH, following.toordinal() - _EPOCH - 1
    if len(parts) == 1:
        return (dt.date(parts[0], 1, 1).toordinal() - _EPOCH,
                dt.date(parts[0], 12, 31).toordinal() - _EPOCH)
    raise ValueError(f"not an ISO date: {date!r}")


def _tile_url(provider: Any) -> str:
    """The provider's URL for Leaflet: variant filled in, {s} and {r} left to Leaflet."""
    url = provider["url"].replace("?key={apikey}", "")
    for name, value in provider.items():
        if name not in ("url", "subdomains") and isinstance(value, str):
            url = url.replace("{" + name + "}", value)
    return url


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(round(value, 2)) if isinstance(value, float) else str(value)


class IncidentMap:
    """An interactive map of located incidents, as a page, a fragment or a notebook cell.

    `located` is a LocateResult (anything with `.located`, and `.review` for the note of rows
    not mapped) or a sequence of Located. `color_by` is one of actor, outcome, event_type;
    `basemap` one of light, street, satellite, none. A `self_contained` map inlines every
    script and style (see mapper.assets) and draws country outlines under the tiles.

    >>> IncidentMap([], title="Nothing yet").to_html().startswith("<!DOCTYPE html>")
    True
    """

    def __init__(self, located: Any, *, title: str = "Incidents", color_by: str = "actor",
                 basemap: str = "light", self_contained: bool = False, height: str = "600px",
                 cache_dir: Path | None = None, compress: bool | None = None) -> None:
        if color_by not in COLOR_BY:
            raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)}, not {color_by!r}")
        if basemap not in BASEMAPS:
            raise ValueError(f"basemap must be one of {', '.join(BASEMAPS)}, not {basemap!r}")
        review = getattr(located, "review", None)
        rows: Sequence[Located] = getattr(located, "located", located)
        self.located: tuple[Located, ...] = tuple(rows)
        self.unmapped = sum(1 for r in review or () if not r.mapped)
        self.title = title
        self.color_by = color_by
        self.basemap = basemap
        self.self_contained = self_contained
        self.height = height
        self.cache_dir = cache_dir
        self.compress = compress
        self.prefix = "im" + secrets.token_hex(6)

    # --- the data block ----------------------------------------------------------------

    def _legend(self) -> dict[str, Any]:
        """What the data block is written from: the incidents' type and colour indices, the
        legend's rows and the date range (first and last day)."""
        incidents = [r.incident for r in self.located]
        type_keys = [i.event_type if i.event_type in EVENT_STYLES else "other" for i in incidents]
        present = set(type_keys)
        types = [t for t in EVENT_STYLES if t in present]
        type_index = {t: k for k, t in enumerate(types)}
        keys = [color_key(self.color_by, i.actor, i.outcome, t)
                for i, t in zip(incidents, type_keys)]
        table = color_table(self.color_by, keys)
        color_index = {k: n for n, k in enumerate(table)}
        other = color_index.get(OTHER_ACTORS, 0)   # keys past the palette (actors only)
        spans: dict[str, tuple[int, int]] = {}
        for i in incidents:
            if i.date not in spans:
                spans[i.date] = date_span(i.date)
        return {
            "incidents": incidents,
            "t": [type_index[t] for t in type_keys],
            "c": [color_index.get(k, other) for k in keys],
            "d0": [spans[i.date][0] for i in incidents],
            "d1": [spans[i.date][1] for i in incidents],
            "types": [{"key": t, "label": EVENT_STYLES[t].label, "shape": EVENT_STYLES[t].shape,
                       "color": EVENT_STYLES[t].color} for t in types],
            "colors": [{"key": k, "label": color_label(self.color_by, k), "color": c}
                       for k, c in table.items()],
            "first": min((a for a, _ in spans.values()), default=None),
            "last": max((b for _, b in spans.values()), default=None),
        }

    def _data_pieces(self, legend: dict[str, Any]) -> Iterator[str]:
        """The data block's JSON, a column at a time, so that no copy of it all is ever held.

        Columns: lat and lon (x 1e5), d0 and d1 (first and last day), t (type index),
        c (colour index), p (precision), r (radius x 10 km), row; f: a column per text field,
        each null when empty throughout, else either indices into the string table S (for
        fields whose values repeat) or the strings themselves (for mostly unique ones);
        x: [name, column] for the extra columns.
        """
        rows = self.located
        incidents = legend["incidents"]
        dumps = _dumps
        strings: dict[str, int] = {"": 0}

        def column(values: list[str]) -> str:
            if not any(values):
                return "null"
            sample = values[:500]
            if len(set(sample)) > 0.7 * len(sample):   # mostly unique: a table would not pay
                return dumps(values)
            return dumps([strings.setdefault(v, len(strings)) for v in values])

        yield f'{{"n":{len(rows)}'
        yield ',"lat":' + dumps([round(r.lat * 1e5) for r in rows])
        yield ',"lon":' + dumps([round(r.lon * 1e5) for r in rows])
        for name in ("d0", "d1", "t", "c"):
            yield f',"{name}":' + dumps(legend[name])
        yield ',"p":' + dumps([r.precision for r in rows])
        yield ',"r":' + dumps([round(r.radius_km * 10) for r in rows])
        yield ',"row":' + dumps([i.row for i in incidents])
        fields = {
            "date": lambda: [i.date for i in incidents],
            "time": lambda: [i.time for i in incidents],
            "id": lambda: [i.id for i in incidents],
            "location": lambda: [i.location for i in incidents],
            "place_name": lambda: [r.place_name for r in rows],
            "place_id": lambda: [r.place_id for r in rows],
            "method": lambda: [r.method for r in rows],
            "score": lambda: [f"{r.score:.2f}" if r.method != "given" else "" for r in rows],
            "actor": lambda: [i.actor for i in incidents],
            "target": lambda: [i.target for i in incidents],
            "outcome": lambda: [i.outcome for i in incidents],
            "fatalities": lambda: [_number(i.fatalities) for i in incidents],
            "injuries": lambda: [_number(i.injuries) for i in incidents],
            "country": lambda: [i.country for i in incidents],
            "admin1": lambda: [i.admin1 for i in incidents],
            "description": lambda: [i.description for i in incidents],
            "source": lambda: [i.source for i in incidents],
            "source_url": lambda: [i.source_url for i in incidents],
            "notes": lambda: [i.notes for i in incidents],
        }
        sep = '"f":{'
        for name, values in fields.items():
            yield f',{sep}"{name}":' + column(values())
            sep = ""
        yield "}"
        # Extra columns, in the order they first appear; a row may lack some.
        extra: dict[str, list[str]] = {}
        for k, i in enumerate(incidents):
            for name, value in i.extra:
                col = extra.get(name)
                if col is None:
                    col = extra[name] = [""] * len(incidents)
                col[k] = value
        yield ',"x":['
        for k, (name, values) in enumerate(extra.items()):
            yield ("," if k else "") + f"[{dumps(name)}," + column(values) + "]"
        del extra
        yield '],"S":['
        table = list(strings)
        step = 20_000
        for k in range(0, len(table), step):
            yield ("," if k else "") + dumps(table[k:k + step])[1:-1]
        yield "]}"

    def _data_block(self, legend: dict[str, Any]) -> tuple[str, bool]:
        """The data block's text and whether it is deflated (base64 text holds no markup)."""
        compress = (self.compress if self.compress is not None
                    else len(self.located) > COMPRESS_ABOVE_ROWS)
        if not compress:
            return _escape_script("".join(self._data_pieces(legend))), False
        deflate = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
        out = [deflate.compress(piece.encode()) for piece in self._data_pieces(legend)]
        out.append(deflate.flush())
        return base64.b64encode(b"".join(out)).decode("ascii"), True

    # --- the page ----------------------------------------------------------------------

    def _folium_map(self) -> folium.Map:
        m = folium.Map(location=[34.5, 40.5], zoom_start=6, tiles=None, control_scale=True,
                       prefer_canvas=False)
        m._name = "map"
        m._id = self.prefix
        for name, (provider, label) in _TILES.items():
            folium.TileLayer(
                tiles=_tile_url(provider), attr=provider["html_attribution"], name=label,
                max_zoom=provider.get("max_zoom", 19),
                subdomains=provider.get("subdomains", "abc"),
                show=(name == self.basemap), overlay=False, control=True,
            ).add_to(m)
        self._layer_control = folium.LayerControl(collapsed=True).add_to(m)
        if self.self_contained:
            m.default_js, m.default_css = [], []
        else:
            m.default_js, m.default_css = list(assets.CDN_JS), list(assets.CDN_CSS)
        return m

    def _parts(self) -> dict[str, str]:
        """The pieces every output is assembled from."""
        bundle = None
        if self.self_contained or self.basemap == "none":
            bundle = assets.load_bundle(self.cache_dir)
        m = self._folium_map()
        m.render()
        figure = m.get_root()
        header = figure.header.render()
        body = figure.html.render()
        script = figure.script.render()
        legend = self._legend()
        block, compressed = self._data_block(legend)
        types, colors = legend["types"], legend["colors"]
        first, last = legend["first"], legend["last"]
        del legend
        cfg = {
            "prefix": self.prefix, "compressed": compressed, "types": types, "colors": colors,
            "colorBy": self.color_by, "shapes": SHAPE_PATHS, "labels": LABELS,
            "precisions": {str(k): v for k, v in PRECISIONS.items()},
            "title": self.title, "dateMin": first, "dateMax": last,
            "circlesOn": len({(r.lat, r.lon, r.radius_km) for r in self.located
                              if r.precision >= 2}) <= CIRCLES_ON_UP_TO,
            "reviewNote": f" \u00b7 {self.unmapped} not mapped (see the review file)"
                          if self.unmapped else "",
            "outlinesId": f"{self.prefix}-outlines" if bundle else None,
            "credits": CREDITS, "unclusterAt": UNCLUSTER_AT_ZOOM,
            "minZoom": MIN_ZOOM, "maxZoom": MAX_ZOOM, "bounds": self._bounds(),
        }
        code = resources.files("mapper").joinpath("map.js").read_text(encoding="utf-8")
        css = resources.files("mapper").joinpath("map.css").read_text(encoding="utf-8")
        scope = f"#{self.prefix}-root"
        styles = f"<style>{css.replace('.im-root', scope)}</style>"
        if bundle:
            head_assets = (
                f"<style>{bundle.leaflet_css}</style>\n"
                f"<script>{bundle.leaflet_js}</script>\n"
            )
            outlines = (f'<script type="application/json" id="{self.prefix}-outlines">'
                        f"{script_json(bundle.outlines)}</script>")
        else:
            head_assets = ""
            outlines = ""
        kind = "application/octet-stream" if compressed else "application/json"
        data_tag = f'<script type="{kind}" id="{self.prefix}-data">{block}</script>'
        call = (f"{code.strip()}({m.get_name()}, {self._layer_control.get_name()}, "
                f"{script_json(cfg)});")
        return {"assets": head_assets, "header": header, "styles": styles, "body": body,
                "data": data_tag + outlines, "script": script, "call": call}

    def _bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]] of the incidents; Syria and Iraq when there are none.
        The page fits it itself, unanimated, before it says it is ready."""
        if not self.located:
            return [[29.0, 35.5], [37.5, 48.7]]
        lats = [r.lat for r in self.located]
        lons = [r.lon for r in self.located]
        return [[min(lats), min(lons)], [max(lats), max(lons)]]

    def _page(self) -> list[str]:
        p = self._parts()
        title = html.escape(self.title)
        return [
            "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title}</title>\n{p['assets']}{p['header']}\n{p['styles']}\n"
            f"<style>html, body {{ height: 100%; margin: 0; }} #{self.prefix}-root "
            "{ height: 100%; }</style>\n</head>\n<body>\n"
            f'<div id="{self.prefix}-root" class="im-root">{p["body"]}</div>\n',
            p["data"],
            f"\n<script>\n{p['script']}\n{p['call']}\n</script>\n</body>\n</html>\n",
        ]

    def to_html(self) -> str:
        """The map as a complete HTML document."""
        return "".join(self._page())

    def to_fragment(self) -> str:
        """The map as a piece of HTML for an existing page: no html, head or body elements,
        styles scoped to this map's id, and ids unique to this map."""
        p = self._parts()
        header = _drop_page_rules(p["header"])
        return (
            f'<div id="{self.prefix}-root" class="im-root" style="height: '
            f'{html.escape(self.height)}">\n{p["assets"]}{header}\n{p["styles"]}\n{p["body"]}\n'
            f"{p['data']}\n<script>\n(function () {{\n{p['script']}\n{p['call']}\n}})();\n"
            "</script>\n</div>\n"
        )

    def save(self, path: str | Path) -> Path:
        """Write the map as an HTML document (UTF-8) and return the path."""
        path = Path(path)
        with path.open("w", encoding="utf-8") as out:
            out.writelines(self._page())
        return path

    def _repr_html_(self) -> str:
        """For Jupyter: the page in an iframe (srcdoc), so its scripts cannot touch the notebook."""
        doc = html.escape(self.to_html(), quote=True)
        return (f'<iframe srcdoc="{doc}" style="width: 100%; height: {html.escape(self.height)}; '
                'border: none" sandbox="allow-scripts allow-popups '
                'allow-popups-to-escape-sandbox" loading="lazy"></iframe>')


def _drop_page_rules(header: str) -> str:
    """folium's header styles the whole page (html, body, #map) and sets a viewport: a
    fragment must not, so those elements are left out."""
    header = re.sub(r"<style>\s*html, body \{.*?</style>", "", header, flags=re.S)
    header = re.sub(r"<style>\s*#map \{.*?</style>", "", header, flags=re.S)
    header = re.sub(r"<meta name=\"viewport\".*?/>", "", header, flags=re.S)
    return re.sub(r"<meta http-equiv=\"content-type\".*?/>", "", header, flags=re.S)


def render_map(located: Any, path: str | Path, **options: Any) -> Path:
    """Write the map of `located` to `path`; options as for IncidentMap."""
    return IncidentMap(located, **options).save(path)


__all__ = ["BASEMAPS", "IncidentMap", "date_span", "render_map", "script_json"]
