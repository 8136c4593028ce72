"""Resolve Syrian and Iraqi place names, in Arabic script or any transliteration, to places.

>>> from gazetteer import Gazetteer
>>> Gazetteer.default().resolve("Shaddadi").place.id
'place:al-shaddadi'
"""

from .errors import DataError, GazetteerError, HintError, ImportFailed
from .fold import fold, normalize, skeleton
from .index import MIN_SCORE, WORKING_AREA, Gazetteer
from .place import Match, Place, distance_km

__all__ = [
    "DataError", "Gazetteer", "GazetteerError", "HintError", "ImportFailed", "MIN_SCORE", "Match",
    "Place", "WORKING_AREA", "distance_km", "fold", "normalize", "skeleton",
]
