"""Our own front-end files: the page templates, the map script in its parts, the map's styles.

Pages come from the Jinja2 templates in `mapper/templates` with autoescaping on, so that text
from the data is escaped wherever it lands; JSON reaches <script> elements only through the
`script_json` filter, whose output holds no `<`, `>` or `&`. What is markup or code of
ours (folium's map element and script, the map script, the styles) is marked `|safe` where it
is put in, and nowhere else.

The map script is `mapper/js/*.js` in SCRIPT_PARTS order, inside one function of the map,
its layer control and its configuration: each part holds top-level named functions that
take the map's state as an argument, and `start` (build.js) wires them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from .encode import script_json

__all__ = ["SCRIPT_PARTS", "generate", "map_css", "map_script", "render"]

SCRIPT_PARTS = ("dom.js", "data.js", "grid.js", "markers.js", "popups.js", "overlays.js",
                "areas.js", "heat.js", "controls.js", "time.js", "search.js", "find.js", "tools.js",
                "filter.js", "build.js")
# The wrapper's parameters are named unlike anything the parts use, so that a part that
# reached for one of them instead of its `im` argument fails in the browser tests.
_SCRIPT_HEAD = '(function (foliumMap, foliumLayerControl, mapConfig) {\n"use strict";\n'
_SCRIPT_TAIL = "start(foliumMap, foliumLayerControl, mapConfig);\n})"


@functools.cache
def _environment() -> jinja2.Environment:
    # One per process: the templates are package files, which do not change while it runs.
    env = jinja2.Environment(loader=jinja2.PackageLoader("mapper", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["script_json"] = lambda value: Markup(script_json(value))
    env.filters["fixed"] = lambda value, digits=1: f"{value:.{digits}f}"   # SVG coordinates
    return env


def render(name: str, **context: Any) -> str:
    """The template `name` (in mapper/templates) filled in with `context`, autoescaped."""
    return _environment().get_template(name).render(**context)


def generate(name: str, **context: Any) -> Iterator[str]:
    """As `render`, a piece at a time (for writing a large page without one copy of it all)."""
    return _environment().get_template(name).generate(**context)


def script_part(name: str) -> str:
    """One part of the map script, as shipped in mapper/js."""
    return resources.files("mapper").joinpath("js", name).read_text(encoding="utf-8")


def map_script() -> str:
    """The map script: a function expression of (map, layerControl, cfg), to be called."""
    return _SCRIPT_HEAD + "\n".join(script_part(n) for n in SCRIPT_PARTS) + _SCRIPT_TAIL


def map_css() -> str:
    """The map's styles, every rule under `.im-root` (replaced by a map's own root id)."""
    return resources.files("mapper").joinpath("map.css").read_text(encoding="utf-8")
