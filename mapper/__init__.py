"""Map reported strikes and attacks: incidents -> located incidents -> maps.

>>> from mapper import IncidentMap
>>> IncidentMap([], title="Nothing yet").to_html()[:15]
'<!DOCTYPE html>'

Names are imported on first use: `incident-map resolve` must not pay for folium and matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "assets": ("AssetChecksumError", "AssetError", "AssetsUnavailable"),
    "html": ("BASEMAPS", "IncidentMap", "render_map"),
    "model": ("EVENT_TYPES", "OUTCOMES", "Incident", "Located", "ReviewItem"),
    "style": ("COLOR_BY", "EVENT_STYLES", "MarkerStyle", "color_table", "event_style"),
    "api": ("brief", "locate_table", "render", "result_from"),
    "locate": ("LocateResult",),
    "report": ("write_report",),
    "static": ("StaticMap", "render_static"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'mapper' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
