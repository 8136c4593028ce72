"""Static maps: PNG checked as pixels, SVG as text, PDF through pdftoppm; the API's tables."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import arabic_reshaper
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import EllipseCollection, PathCollection
from PIL import Image

import mapper
from mapper import static
from mapper.errors import InputError, OutputError
from mapper.incidents import read_incidents
from mapper.locate import locate
from mapper.model import Incident, Located
from mapper.static import NATIVE_BIDI, parse_extent, render_static, shape_text
from mapper.style import color_table

SEED = Path(__file__).resolve().parents[1] / "data" / "samples" / "seed_incidents.csv"
IN_CI = os.environ.get("CI") == "true"
PRESENTATION_FORMS = re.compile(r"[\ufb50-\ufdff\ufe70-\ufeff]")
ARABIC_BASE = re.compile(r"[\u0621-\u064a]")


@pytest.fixture(scope="module")
def seed(gazetteer):
    return locate(read_incidents(SEED), gazetteer)


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _pdftoppm() -> str:
    exe = shutil.which("pdftoppm")
    if exe is None:
        if IN_CI:
            pytest.fail("pdftoppm is missing: CI must install Debian's poppler-utils")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    return exe


def _svg_texts(path: Path) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text(encoding="utf-8"))


def test_png_has_the_asked_size_is_not_blank_and_shows_the_legend_colours(seed, gazetteer,
                                                                          tmp_path):
    out = render_static(seed, tmp_path / "map.png", title="Seed", size=(8, 6), dpi=100,
                        gazetteer=gazetteer)
    image = Image.open(out.path).convert("RGB")
    assert image.size == (800, 600)
    pixels = np.asarray(image).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 50            # a drawing, not a flat page
    assert (pixels.min(axis=1) < 100).mean() > 0.005      # dark ink: borders, text, edges
    keys = [(r.incident.actor.strip() or "unknown") for r in seed.located]
    legend = color_table("actor", keys)
    assert set(legend) == {"Islamic Resistance in Iraq", "Israel", "unknown"}
    for key, colour in legend.items():
        hits = np.all(pixels == _hex(colour), axis=1).sum()
        assert hits >= 20, f"legend colour {colour} of {key!r} is drawn on {hits} pixels only"


def test_png_marker_colours_follow_color_by(seed, gazetteer, tmp_path):
    out = render_static(seed, tmp_path / "types.png", size=(6, 5), dpi=100,
                        color_by="event_type", gazetteer=gazetteer)
    pixels = np.asarray(Image.open(out.path).convert("RGB")).reshape(-1, 3)
    for event_type in ("airstrike", "drone", "rocket", "artillery"):
        colour = mapper.EVENT_STYLES[event_type].color
        assert np.all(pixels == _hex(colour), axis=1).sum() >= 20, event_type


def test_svg_labels_are_shaped_arabic_text(seed, gazetteer, tmp_path):
    if not NATIVE_BIDI:
        pytest.skip("this matplotlib lays glyphs out left to right; SVG labels become paths")
    out = render_static(seed, tmp_path / "map.svg", labels="ar", gazetteer=gazetteer)
    texts = _svg_texts(out.path)
    arabic = [t for t in texts if PRESENTATION_FORMS.search(t)]
    # every struck site is labelled: Kanaker as joined letters (initial kaf, medial noon, ...)
    assert arabic_reshaper.reshape("كناكر") in arabic
    assert arabic_reshaper.reshape("حقل العمر") in arabic
    assert arabic_reshaper.reshape("كناكر") == "\ufedb\ufee8\ufe8e\ufedb\ufeae"
    # no label left as unjoined base letters, which a viewer without shaping shows apart
    assert not [t for t in texts if ARABIC_BASE.search(t)]


def test_shape_text_orders_for_the_renderer():
    shaped = arabic_reshaper.reshape("حقل العمر")
    expected = shaped if NATIVE_BIDI else shaped[::-1]
    assert shape_text("حقل العمر") == expected
    assert shape_text("Al-Omar (2)") == "Al-Omar (2)"


def test_english_labels_name_the_resolved_places(seed, gazetteer, tmp_path):
    if not NATIVE_BIDI:
        pytest.skip("SVG text is written only where matplotlib lays out text itself")
    out = render_static(seed, tmp_path / "en.svg", labels="en", gazetteer=gazetteer)
    texts = _svg_texts(out.path)
    for name in ("Kanaker", "Al-Omar oil field", "Rmelan Landing Zone (Abu Hajar airfield)", "Yarmouk Basin"):
        assert name in texts
    none = render_static(seed, tmp_path / "none.svg", labels="none", gazetteer=gazetteer)
    assert "Kanaker" not in _svg_texts(none.path)


def test_pdf_is_one_non_blank_page(seed, gazetteer, tmp_path):
    exe = _pdftoppm()
    out = render_static(seed, tmp_path / "map.pdf", title="Seed", gazetteer=gazetteer)
    subprocess.run([exe, "-r", "40", "-png", str(out.path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    pixels = np.asarray(Image.open(pages[0]).convert("L"))
    assert pixels.std() > 10 and (pixels < 128).mean() > 0.005


def test_without_outlines_offline_the_map_is_drawn_with_a_note(seed, gazetteer, tmp_path,
                                                               monkeypatch):
    monkeypatch.setattr(static, "OUTLINE_REGISTRY", "http://127.0.0.1:9")   # refused at once
    out = render_static(seed, tmp_path / "bare.png", size=(6, 5), dpi=80, gazetteer=gazetteer,
                        cache_dir=tmp_path / "empty-cache")
    assert any("outlines unavailable" in n.lower() for n in out.notes)
    assert Image.open(out.path).size == (480, 400)


def test_tiles_offline_fall_back_to_outlines_with_a_note(seed, gazetteer, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(static.urllib.request, "urlopen", refuse)
    out = render_static(seed, tmp_path / "tiles.png", size=(6, 5), dpi=80, tiles=True,
                        gazetteer=gazetteer)
    assert any("tile background unavailable" in n.lower() for n in out.notes)


def test_named_and_explicit_extents_are_kept_and_grown_to_the_page(seed, gazetteer, tmp_path):
    iraq = render_static(seed, tmp_path / "iraq.png", extent="iraq", size=(6, 6), dpi=60,
                         gazetteer=gazetteer)
    w, s, e, n = iraq.extent
    assert w <= 38.6 and s <= 28.9 and e >= 48.8 and n >= 37.5
    box = render_static(seed, tmp_path / "box.png", extent="35.5,32.5,37,34", size=(6, 6),
                        dpi=60, gazetteer=gazetteer)
    w, s, e, n = box.extent
    assert w <= 35.5 and s <= 32.5 and e >= 37 and n >= 34 and e - w < 3


def test_auto_extent_holds_every_incident(seed, gazetteer, tmp_path):
    out = render_static(seed, tmp_path / "auto.png", size=(5, 4), dpi=60, gazetteer=gazetteer)
    w, s, e, n = out.extent
    assert all(w < r.lon < e and s < r.lat < n for r in seed.located)


def test_bad_options_are_refused_with_the_accepted_forms(seed, gazetteer, tmp_path):
    with pytest.raises(OutputError, match=r"\.png, \.svg, \.pdf"):
        render_static(seed, tmp_path / "map.gif", gazetteer=gazetteer)
    with pytest.raises(ValueError, match="auto, syria, iraq"):
        parse_extent("mars")
    with pytest.raises(ValueError, match="min < max"):
        parse_extent("42,37,35,32")
    with pytest.raises(ValueError, match="labels must be one of ar, en, none"):
        render_static(seed, tmp_path / "map.png", labels="fr", gazetteer=gazetteer)
    assert parse_extent("35,32,42,37.5") == (35.0, 32.0, 42.0, 37.5)


# --- areas, fatalities, legend and labels -----------------------------------------------------

def test_areas_png_fills_each_governorate_in_its_class_colour(seed, gazetteer, tmp_path):
    from mapper import choropleth

    out = render_static(seed, tmp_path / "areas.png", areas="admin1", gazetteer=gazetteer,
                        size=(8, 6), dpi=80, labels="none")
    pixels = np.asarray(Image.open(out.path).convert("RGB")).reshape(-1, 3)
    figures, bounds = choropleth.area_figures(seed.located, "admin1")
    # Hasakah 4, Deir ez-Zor 3, Rif Dimashq 2, Daraa 1: four classes, each its own colour
    by_code = {f.code: f for f in figures}
    assert [by_code[c].klass for c in ("SY-DR", "SY-RD", "SY-DY", "SY-HA")] == [0, 1, 2, 3]
    assert bounds == [(1, 1), (2, 2), (3, 3), (4, 4)]
    for colour in choropleth.ramp(len(bounds)):
        exact = np.all(pixels == _hex(colour), axis=1).sum()
        assert exact > 200, colour       # the fill, and the legend's square
    # a governorate without incidents is not coloured: no fifth colour of the ramp
    unused = set(choropleth.RAMP) - set(choropleth.ramp(len(bounds)))
    assert all(np.all(pixels == _hex(c), axis=1).sum() < 20 for c in unused)


def test_areas_by_fatalities_and_markers_sized_by_fatalities(seed, gazetteer):
    fig, _, _ = static.map_figure(seed, areas="admin2", measure="fatalities", size_by="fatalities",
                                  gazetteer=gazetteer, dpi=60, labels="none")
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Districts \u00b7 fatalities" in texts and "1" in texts      # one class: 1 killed
    assert any(t.startswith("Size: fatalities") for t in texts)
    sides = sorted({float(side) for c in _marker_collections(fig)
                    for side in np.sqrt(c.get_sizes())})
    assert sides[0] == static.MARKER_PT and sides[-1] > static.MARKER_PT   # Mousavi's strike


def _marker_collections(fig) -> list[PathCollection]:
    """The incident markers: the map's scatter collections (outlines and areas are patches)."""
    return [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]


def _marker_and_legend_boxes(fig):
    """The map's frame, the legend's box and each marker's screen box (its shape's own extent
    at its drawn size)."""
    from matplotlib.transforms import Bbox

    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    markers = []
    for c in _marker_collections(fig):
        shape = c.get_paths()[0].get_extents()
        reach = max(abs(shape.x0), abs(shape.x1), abs(shape.y0), abs(shape.y1))
        points = ax.transData.transform(c.get_offsets())
        halves = np.broadcast_to(np.sqrt(c.get_sizes()) * reach * fig.dpi / 72, len(points))
        markers += [Bbox.from_extents(x - h, y - h, x + h, y + h)
                    for (x, y), h in zip(points, halves)]
    markers = [m for m in markers if m.overlaps(ax.get_window_extent(renderer))]
    assert markers                          # the test has something to test
    return ax.get_window_extent(renderer), legend, markers


def test_the_legend_covers_no_marker_inside_the_frame_when_a_corner_is_free(seed, gazetteer):
    fig, _, _ = static.map_figure(seed, gazetteer=gazetteer, dpi=60, labels="none")
    frame, legend, markers = _marker_and_legend_boxes(fig)
    assert frame.contains(legend.x0 + 1, legend.y0 + 1) and frame.contains(legend.x1 - 1, legend.y1 - 1)
    assert not any(legend.overlaps(m) for m in markers)


def test_the_legend_goes_outside_the_frame_when_markers_fill_every_corner(gazetteer):
    rows = [Located(Incident(row=k + 2, date="2024-01-02", date_precision="day",
                             event_type="drone", actor=f"actor {k % 9}"), lat=lat, lon=lon)
            for k, (lat, lon) in enumerate(
                (lat, lon) for lat in np.linspace(30, 40, 30) for lon in np.linspace(33, 45, 36))]
    fig, _, _ = static.map_figure(rows, gazetteer=gazetteer, dpi=60, labels="none",
                                  extent=(36, 32.5, 42, 37))
    frame, legend, markers = _marker_and_legend_boxes(fig)
    assert legend.x0 >= frame.x1                      # to the right of the map
    assert legend.x1 <= fig.bbox.x1                   # and on the page
    assert not any(legend.overlaps(m) for m in markers)


def test_a_city_is_labelled_once(gazetteer, tmp_path):
    if not NATIVE_BIDI:
        pytest.skip("SVG text is written only where matplotlib lays out text itself")

    def row(k, place_id, lat, lon):
        return Located(Incident(row=k + 2, date="2024-01-02", date_precision="day",
                                location="Hasakah", event_type="drone"),
                       lat=lat, lon=lon, place_id=place_id, place_name="Al-Hasakah")

    rows = [row(0, "gn:1", 36.50, 40.75), row(1, "gn:2", 36.52, 40.74), row(2, "", 36.49, 40.76),
            row(3, "gn:3", 33.5, 36.3)]   # one more far away: a different place of that name
    out = render_static(rows, tmp_path / "once.svg", labels="en", gazetteer=gazetteer)
    texts = _svg_texts(out.path)
    assert texts.count("Al-Hasakah") == 2
    assert "Al-Hasakah" not in [t.strip() for t in texts if "·" in t]


# --- at scale: the label rule, markers in collections -------------------------------------------

@pytest.fixture(scope="module")
def places(gazetteer):
    """Eighty settlements of Syria and Iraq from the bundled gazetteer."""
    found = [p for p in gazetteer if p.country in ("SY", "IQ") and p.kind == "settlement"]
    return sorted(found, key=lambda p: p.id)[:80]


def _incidents_at(places, n: int) -> list[Located]:
    """About `n` incidents, place k taking a share growing with k (the last the busiest)."""
    weights = [k + 1 for k in range(len(places))]
    total = sum(weights)
    out, row = [], 2
    for place, weight in zip(places, weights):
        for _ in range(max(1, n * weight // total)):
            incident = Incident(row=row, date="2024-01-02", date_precision="day",
                                location=place.name, event_type=("rocket", "drone", "airstrike")[row % 3])
            out.append(Located(incident, place.lat, place.lon, place.id, place.name, "exact", 0.9,
                               place.radius_km, 1))
            row += 1
    return out


def _site_labels(fig) -> list:
    """The struck places' names (boxed; the governorates' names are not)."""
    return [t for t in fig.axes[0].texts if t.get_bbox_patch() is not None and t.get_text().strip()]


def test_the_busiest_places_are_named_and_no_name_covers_another(places, gazetteer):
    located = _incidents_at(places, 3000)
    fig, _, _ = static.map_figure(located, labels="en", dpi=100, gazetteer=gazetteer)
    labels = _site_labels(fig)
    assert 0 < len(labels) <= static.LABELLED_PLACES < len(places)
    named = {t.get_text() for t in labels}
    busiest = [name for name, _ in Counter(r.place_name for r in located).most_common(10)]
    assert sum(name in named for name in busiest) >= 8
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_label_rule_takes_the_most_incidents_then_north_to_south():
    # 45 places: place k has k incidents, except five with 30 at latitudes 30..34
    sites = [(40.0, 35.0 + k / 100, f"p{k}", k) for k in range(45)]
    sites += [(38.0, 30.0 + k, f"tie{k}", 30) for k in range(5)]
    chosen = static._labelled_sites(sites)
    assert len(chosen) == static.LABELLED_PLACES == 40
    assert [s[2] for s in chosen[:14]] == [f"p{k}" for k in range(44, 30, -1)]
    assert [s[2] for s in chosen[14:20]] == ["p30", "tie4", "tie3", "tie2", "tie1", "tie0"]
    assert min(s[3] for s in chosen) == 10            # p5 .. p9 and the rest left out


def test_a_name_repeated_nearby_counts_its_incidents_to_one_label():
    sites = [(40.75, 36.50, "Al-Hasakah", 3), (40.74, 36.52, "Hasakah", 2),
             (36.30, 33.50, "Al-Hasakah", 4)]            # 400 km away: another place
    kept = static._one_label_per_name(sites)
    assert sorted((name, n) for _, _, name, n in kept) == [("Al-Hasakah", 4), ("Al-Hasakah", 5)]


def test_a_name_beside_the_frame_stays_inside_it_over_markers(gazetteer):
    # the busiest place 0.1 degree from the right edge, markers all around it: the only free
    # spots lie past the frame, which would cut the name, so it goes over markers instead
    def row(k, lat, lon, **where):
        return Located(Incident(row=k + 2, date="2024-01-02", date_precision="day",
                                event_type="drone"), lat=lat, lon=lon, **where)

    rows = [row(k, 35.0, 40.9, place_id="site:test", place_name="A long site name")
            for k in range(5)]
    rows += [row(5 + k, lat, lon) for k, (lat, lon) in enumerate(
        (lat, lon) for lat in np.arange(34.4, 35.61, 0.05) for lon in np.arange(40.3, 41.0, 0.05)
        if abs(lat - 35.0) > 0.02 or abs(lon - 40.9) > 0.02)]
    fig, (w, s, e, n), _ = static.map_figure(rows, labels="en", dpi=60, size=(6, 6),
                                             extent=(39.0, 34.5, 41.0, 35.5), gazetteer=gazetteer)
    assert e == 41.0                        # the frame's right edge is where the test needs it
    renderer = fig.canvas.get_renderer()
    frame = fig.axes[0].get_window_extent(renderer)
    label = next(t for t in _site_labels(fig) if t.get_text() == "A long site name")
    box = label.get_window_extent(renderer)
    assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1


def test_markers_are_one_collection_per_shape(places, gazetteer):
    located = _incidents_at(places, 2000)
    fig, _, _ = static.map_figure(located, labels="none", dpi=80, gazetteer=gazetteer)
    collections = _marker_collections(fig)
    assert len(collections) == 3   # rocket, drone, air strike
    assert sum(len(c.get_offsets()) for c in collections) == len(located)


def test_a_ring_of_markers_at_one_place_stops_growing(gazetteer):
    def ring(count: int) -> float:
        rows = [Located(Incident(row=k + 2, date="2024-01-02", date_precision="day",
                                 event_type="drone"), lat=35.0, lon=40.0) for k in range(count)]
        fig, _, _ = static.map_figure(rows, labels="none", dpi=72, extent=(38, 33, 42, 37),
                                      gazetteer=gazetteer)
        ax = fig.axes[0]
        points = ax.transData.transform(_marker_collections(fig)[0].get_offsets())
        assert len(points) == count
        return float(np.hypot(*(points - ax.transData.transform((40.0, 35.0))).T).max())

    six, twelve, five_hundred = ring(6), ring(static.RING_MAX), ring(500)
    assert six < twelve == pytest.approx(five_hundred)    # in points at 72 dpi
    assert twelve == pytest.approx(static.MARKER_PT * (0.55 + 0.12 * static.RING_MAX))


def test_uncertainty_is_one_circle_per_place_radius_and_colour(gazetteer):
    def row(k, actor, radius):
        return Located(Incident(row=k + 2, date="2024-01-02", date_precision="day",
                                event_type="drone", actor=actor),
                       lat=35.0, lon=40.0, place_id="adm2:x", place_name="X", radius_km=radius,
                       precision=2)

    rows = [row(k, "A", 20.0) for k in range(50)] + [row(50, "B", 20.0), row(51, "A", 40.0)]
    fig, _, _ = static.map_figure(rows, labels="none", dpi=60, gazetteer=gazetteer)
    circles = [c for c in fig.axes[0].collections if isinstance(c, EllipseCollection)]
    assert len(circles) == 1 and len(circles[0].get_offsets()) == 3


def test_scale_bar_lengths_are_round():
    assert static._nice_length(137) == 100
    assert static._nice_length(260) == 200
    assert static._nice_length(61) == 50


def test_date_range_covers_day_month_and_year_precision(seed):
    assert static.date_range_text(seed.located) == "25 Dec 2023 \u2013 2 Jan 2024"


# --- the API ---------------------------------------------------------------------------------

def test_locate_table_takes_a_dataframe_and_returns_points(gazetteer):
    frame = pd.read_csv(SEED)
    frame["date"] = pd.to_datetime(frame["date"])
    located = mapper.locate_table(frame, gazetteer)
    assert type(located).__name__ == "GeoDataFrame"
    assert len(located) == 10 and located.crs.to_epsg() == 4326
    omar = located[located["id"] == "seed-001"].iloc[0]
    assert omar["place_id"] and omar["date"] == pd.Timestamp("2024-01-02")
    assert omar.geometry.x == pytest.approx(omar["lon"]) and omar.geometry.y == pytest.approx(omar["lat"])


def test_locate_table_keeps_the_index_gives_dates_and_the_rows_not_mapped(gazetteer):
    frame = pd.DataFrame({
        "date": ["2024-01-02", "2024-01", "2023", "2024-01-05"],
        "location": ["Shaddadi", "Qwxzzy Nowhere", "كناكر", "حقل العمر"],
        "description": ["two\nlines", "", "", "'quoted', with commas"],
        "unit": ["a", "b", "c", "d"]}, index=pd.Index([10, 20, 30, 40], name="event"))
    located = mapper.locate_table(frame, gazetteer)
    assert list(located.index) == [10, 20, 30, 40] and located.index.name == "event"
    assert list(located["mapped"]) == [True, False, True, True]
    assert located.loc[20, "review"].startswith("unresolved") and located.loc[10, "review"] == ""
    assert located.loc[20, "geometry"] is None and np.isnan(located.loc[20, "lat"])
    assert str(located["date"].dtype).startswith("datetime64")
    assert list(located["date"]) == [pd.Timestamp(d) for d in
                                     ("2024-01-02", "2024-01-01", "2023-01-01", "2024-01-05")]
    assert list(located["date_precision"]) == ["day", "month", "year", "day"]
    assert list(located["unit"]) == ["a", "b", "c", "d"]          # extra columns, no helper one
    assert located.loc[10, "description"] == "two\nlines"
    assert located.loc[40, "admin1"] == "SY-DY"
    # it lines up with the frame it came from
    assert list(frame.join(located[["mapped"]])["mapped"]) == [True, False, True, True]


def test_locate_table_reads_points_of_a_geodataframe(gazetteer):
    gpd = pytest.importorskip("geopandas")
    frame = gpd.GeoDataFrame({"date": ["2024-01-05"], "event_type": ["drone"]},
                             geometry=gpd.points_from_xy([40.5], [35.0]), crs="EPSG:4326")
    located = mapper.locate_table(frame, gazetteer)
    assert (located["lat"].iloc[0], located["lon"].iloc[0]) == (35.0, 40.5)
    assert located.index.equals(frame.index)
    assert located["method"].iloc[0] == "given"


def test_a_bad_dataframe_row_is_named_like_a_file_row(gazetteer):
    with pytest.raises(InputError, match=r"<DataFrame>: row 2, column 'date'"):
        mapper.locate_table(pd.DataFrame({"date": ["yesterday"], "location": ["Kanaker"]}),
                            gazetteer)


def test_render_chooses_the_output_by_extension(gazetteer, tmp_path):
    png = mapper.render(SEED, tmp_path / "map.png", gazetteer=gazetteer, size=(5, 4), dpi=60)
    assert Image.open(png).size == (300, 240)
    page = mapper.render(pd.read_csv(SEED), tmp_path / "map.html", gazetteer=gazetteer)
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(OutputError):
        mapper.render(SEED, tmp_path / "map.docx", gazetteer=gazetteer)


def test_brief_is_one_call_from_a_table(gazetteer, tmp_path):
    import mapper.report  # noqa: F401  (the module must not hide the API's function)

    page = mapper.brief(SEED, tmp_path / "brief.html", gazetteer=gazetteer)
    assert page.read_text(encoding="utf-8").count('<tr data-row="') == 10


# --- text from the data, and failures ------------------------------------------------------------

def _hostile(gazetteer):
    from mapper.model import Incident

    rows = [Incident(row=2, date="2024-01-02", date_precision="day", location="Kanaker",
                     actor="$\\foo$"),
            Incident(row=3, date="2024-01-02", date_precision="day", location="Shaddadi",
                     actor="$x^2$ group"),
            Incident(row=4, date="2024-01-03", date_precision="day", location="Shaddadi",
                     actor="\u202eevil actor")]
    return locate(rows, gazetteer)


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_dollar_signs_and_bidi_overrides_in_the_data_are_drawn_as_plain_text(gazetteer, tmp_path,
                                                                             suffix):
    out = render_static(_hostile(gazetteer), tmp_path / f"map{suffix}", labels="en", dpi=60,
                        title="$cost$ \u202ereport", gazetteer=gazetteer)
    assert out.path.stat().st_size > 1000
    if suffix == ".svg" and NATIVE_BIDI:
        texts = _svg_texts(out.path)
        assert "$\\foo$  (1)" in texts and "$x^2$ group  (1)" in texts
        assert "evil actor  (1)" in texts and "$cost$ report" in texts
        assert not [t for t in texts if "\u202e" in t]


def test_the_pdf_brief_table_draws_dollar_signs_as_written(gazetteer, tmp_path):
    path = static.write_pdf_brief(_hostile(gazetteer), tmp_path / "brief.pdf", labels="en", dpi=60,
                                  gazetteer=gazetteer)
    assert path.read_bytes().rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_a_failed_static_render_leaves_the_earlier_map(seed, gazetteer, tmp_path, monkeypatch,
                                                       suffix):
    from matplotlib.figure import Figure

    path = tmp_path / f"map{suffix}"
    path.write_bytes(b"the earlier map")

    def fails_half_way(self, fname, **kwargs):
        fname.write(b"<svg half a map")
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(Figure, "savefig", fails_half_way)
    with pytest.raises(RuntimeError):
        render_static(seed, path, dpi=60, gazetteer=gazetteer)
    assert path.read_bytes() == b"the earlier map"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
