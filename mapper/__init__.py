"""Map reported strikes and attacks: incidents -> located incidents -> maps.

>>> from mapper import IncidentMap
>>> IncidentMap([], title="Nothing yet").to_html()[:15]
'<!DOCTYPE html>'
"""

from .assets import AssetChecksumError, AssetError, AssetsUnavailable
from .html import BASEMAPS, IncidentMap, render_map
from .model import EVENT_TYPES, OUTCOMES, Incident, Located, ReviewItem
from .style import COLOR_BY, EVENT_STYLES, MarkerStyle, color_table, event_style

__all__ = [
    "AssetChecksumError", "AssetError", "AssetsUnavailable", "BASEMAPS", "COLOR_BY",
    "EVENT_STYLES", "EVENT_TYPES", "Incident", "IncidentMap", "Located", "MarkerStyle",
    "OUTCOMES", "ReviewItem", "color_table", "event_style", "render_map",
]

# Static maps, the brief and the one-call API (mapper/static.py, report.py, api.py).
from .api import locate_table, render, report  # noqa: E402
from .report import write_report  # noqa: E402
from .static import StaticMap, render_static  # noqa: E402

__all__ += ["StaticMap", "locate_table", "render", "render_static", "report", "write_report"]
