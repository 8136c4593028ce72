"""Areas by incidents or fatalities (mapper/choropleth.py): classes, colours, figures, shapes."""

from __future__ import annotations

import random

import pytest

from mapper import choropleth
from mapper.choropleth import class_bounds, class_of, quantile_breaks, ramp
from mapper.model import Incident, Located


def test_quantile_classes_of_the_figures_above_zero():
    assert quantile_breaks([1, 1, 2, 3, 5, 8, 13, 21, 34, 55]) == [1, 3, 8, 21, 55]
    assert quantile_breaks([0, 0, 4, 4, 4, 4]) == [4]              # repeated bounds merge
    assert quantile_breaks([0, 0]) == [] and quantile_breaks([]) == []
    assert quantile_breaks([7, 1, 3], classes=3) == [1, 3, 7]
    breaks = [1, 3, 8, 21, 55]
    assert [class_of(v, breaks) for v in (0, 1, 2, 3, 4, 55, 99)] == [-1, 0, 1, 1, 2, 4, 4]
    assert class_bounds(breaks) == [(1, 1), (2, 3), (4, 8), (9, 21), (22, 55)]


def test_every_class_falls_in_its_bounds_and_classes_hold_about_as_many_areas():
    rnd = random.Random(3)
    for _ in range(200):
        values = [rnd.choice((0, 0, rnd.randint(1, 9), rnd.randint(1, 400))) for _ in range(60)]
        breaks = quantile_breaks(values)
        bounds = class_bounds(breaks)
        assert breaks == sorted(set(breaks))
        for v in values:
            k = class_of(v, breaks)
            assert (k == -1) == (v == 0)
            if k >= 0:
                assert bounds[k][0] <= v <= bounds[k][1]


def test_the_ramp_keeps_its_ends_for_fewer_classes():
    assert ramp(5) == choropleth.RAMP
    assert ramp(2) == (choropleth.RAMP[0], choropleth.RAMP[-1])
    assert ramp(3) == (choropleth.RAMP[0], choropleth.RAMP[2], choropleth.RAMP[-1])
    assert ramp(1) == (choropleth.RAMP[-1],) and ramp(0) == ()


def located(lat, lon, fatalities=None, **areas) -> Located:
    return Located(Incident(row=2, date="2024-01-02", date_precision="day",
                            fatalities=fatalities), lat=lat, lon=lon, **areas)


def test_figures_count_incidents_and_fatalities_by_area_and_place_rows_without_areas():
    rows = [located(36.05, 40.73, 2),                       # Shaddadi: placed by its point
            located(36.05, 40.73, None, admin1="SY-HA", admin1_name="Al-Hasakah",
                    admin2_name="Al-Hasakah District"),
            located(33.27, 36.10, 5),                       # Kanaker, Rif Dimashq
            located(10.0, 10.0, 9)]                         # in no area
    figures, bounds = choropleth.area_figures(rows, "admin1", "fatalities")
    by_code = {f.code: f for f in figures}
    assert (by_code["SY-HA"].incidents, by_code["SY-HA"].fatalities) == (2, 2)
    assert (by_code["SY-RD"].incidents, by_code["SY-RD"].fatalities) == (1, 5)
    assert sum(f.incidents for f in figures) == 3
    assert bounds == [(1, 2), (3, 5)]
    assert by_code["SY-HA"].color == choropleth.RAMP[0] and by_code["SY-RD"].color == choropleth.RAMP[-1]
    assert by_code["SY-DY"].klass == -1 and by_code["SY-DY"].color == choropleth.NO_DATA
    districts, _ = choropleth.area_figures(rows, "admin2")
    assert sum(f.incidents for f in districts) == 3
    with pytest.raises(ValueError, match="measure must be one of incidents, fatalities"):
        choropleth.area_figures(rows, "admin1", "deaths")
    with pytest.raises(ValueError, match="areas must be one of admin1, admin2"):
        choropleth.area_figures(rows, "admin3")


def test_page_polygons_hold_their_area_points_and_share_their_edges():
    from shapely.geometry import Point, Polygon
    from shapely.ops import unary_union

    records = choropleth.area_records("admin1")
    shapes = []
    for rec, polys in zip(records, choropleth.polygons("admin1")):
        parts = []
        for rings in polys:
            decoded = []
            for flat in rings:
                lat = lon = 0
                ring = []
                for k in range(0, len(flat), 2):
                    lat += flat[k]
                    lon += flat[k + 1]
                    ring.append((lon / 1000, lat / 1000))
                decoded.append(ring)
            parts.append(Polygon(decoded[0], decoded[1:]))
        shape = unary_union(parts)
        assert shape.buffer(0.02).contains(Point(rec.lon, rec.lat)), rec.code
        shapes.append(shape)
    # simplified together: neighbours neither overlap nor leave gaps between them
    total = sum(s.area for s in shapes)
    assert unary_union(shapes).area == pytest.approx(total, rel=0.002)
