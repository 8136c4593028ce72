"""The comparison for `bench/render.py --cli`: a table's points on a folium FastMarkerCluster map.

What an analyst would write to put a CSV of incidents with coordinates on a map with folium:
read the two coordinate columns with pandas, hand them to FastMarkerCluster, save. It carries
the points only (no popups, types, dates or legend).

    /work/venv/bin/python bench/folium_fast.py incidents.csv map.html
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/ holds scripts named like the packages (bench/gazetteer.py): keep them off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def main(source: str, out: str) -> None:
    import folium
    import pandas as pd
    from folium.plugins import FastMarkerCluster

    points = pd.read_csv(source, usecols=["lat", "lon"])
    m = folium.Map(location=[34.5, 40.5], zoom_start=6)
    FastMarkerCluster(points[["lat", "lon"]].values.tolist()).add_to(m)
    m.save(out)


if __name__ == "__main__":
    main(*sys.argv[1:3])
