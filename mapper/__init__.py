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
