"""The HTML map without a browser: structure, escaping, self-containment, fragments, legend."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mapper import assets
from mapper.encode import decode_block
from mapper.html import IncidentMap, date_span, script_json
from mapper.model import Incident, Located
from mapper.style import EVENT_STYLES, OTHER_ACTORS, PALETTE, color_table

HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)>\u202e<b'


def located(n: int = 3, **fields) -> list[Located]:
    kinds = ("drone", "rocket", "airstrike")
    out = []
    for k in range(n):
        values = {"event_type": kinds[k % 3], "actor": "IRI" if k % 2 else "US",
                  "outcome": "hit", "location": "حقل العمر", "description": f"event {k}"}
        values.update(fields)
        incident = Incident(row=k + 2, date=f"2024-01-0{k % 9 + 1}", date_precision="day",
                            extra=(("unit", f"u{k}"),), **values)
        out.append(Located(incident=incident, lat=35.0 + k / 100, lon=40.5, place_id="site:omar",
                           place_name="Al-Omar oil field", method="exact", score=0.95,
                           radius_km=5.0 if k % 2 else 0.0, precision=2 if k % 2 else 1))
    return out


def data_of(page: str) -> dict:
    """The incidents' data block of a page, its columns as the map script reads them."""
    match = re.search(r'<script type="application/x-incidents(-deflated)?" id="(im[0-9a-f]+)-data">'
                      r"(.*?)</script>", page, re.S)
    assert match, "no data block"
    deflated, _, text = match.groups()
    return decode_block(text, bool(deflated))


def config_of(page: str) -> dict:
    match = re.search(r"\}\)\(map_[0-9a-f]+, layer_control_[0-9a-f]+, (\{.*?\})\);\n", page,
                      re.S)
    assert match, "no call of the map script"
    return json.loads(match.group(1))


@pytest.fixture
def cached_assets(asset_cache):
    return asset_cache


def test_page_has_map_shell_tiles_and_layer_control():
    page = IncidentMap(located(), title="Strikes").to_html()
    assert page.startswith("<!DOCTYPE html>")
    assert "L.control.layers" in page
    assert "basemaps.cartocdn.com/light_all" in page
    assert "tile.openstreetmap.org" in page
    assert "World_Imagery" in page
    assert "openstreetmap.org/copyright" in page and "CARTO" in page and "Esri" in page
    assert "fitBounds" in page
    assert "GeoNames" in page and "CC-BY 4.0" in page and "Natural Earth" in page
    assert "<title>Strikes</title>" in page


def test_only_leaflet_from_the_cdn_when_not_self_contained():
    page = IncidentMap(located()).to_html()
    sources = re.findall(r'<script src="([^"]+)"', page)
    assert sources == [url for _, url in assets.CDN_JS]
    assert "jquery" not in page and "bootstrap" not in page


def test_hostile_text_cannot_leave_the_data_block():
    page = IncidentMap(located(description=HOSTILE, actor=HOSTILE, location=HOSTILE),
                       title=HOSTILE, compress=False).to_html()
    block = re.search(r'id="im[0-9a-f]+-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block
    assert "alert(1)</script>" not in page
    assert "<img src=x" not in page
    data = data_of(page)
    assert data["f"]["description"][0] == HOSTILE and data["f"]["actor"][0] == HOSTILE
    assert "<title>&lt;/script&gt;" in page


def test_script_json_escapes_markup():
    text = script_json({"a": "</script><!--&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!--&"}


def test_large_data_block_is_deflated_and_round_trips():
    rows = located(1500)
    data = data_of(IncidentMap(rows).to_html())
    assert data["n"] == 1500
    assert data["row"][:3] == [2, 3, 4]
    assert data["lat"][1] == round(35.01 * 1e5)


def test_every_field_and_extra_column_reaches_the_data():
    data = data_of(IncidentMap(located(), compress=False).to_html())
    assert data["f"]["location"][0] == "حقل العمر"
    assert data["f"]["place_name"][0] == "Al-Omar oil field"
    assert data["f"]["description"][2] == "event 2"
    assert data["x"] == [["unit", ["u0", "u1", "u2"]]]
    assert data["p"] == [1, 2, 1] and data["r"] == [0, 50, 0]


def test_legend_counts_types_and_colours():
    rows = located(7)
    cfg = config_of(IncidentMap(rows, color_by="actor").to_html())
    data = data_of(IncidentMap(rows, color_by="actor", compress=False).to_html())
    types = [t["key"] for t in cfg["types"]]
    assert types == ["airstrike", "drone", "rocket"]           # style order, present only
    counts = {types[t]: data["t"].count(t) for t in range(len(types))}
    assert counts == {"drone": 3, "rocket": 2, "airstrike": 2}
    colors = [c["key"] for c in cfg["colors"]]
    assert sorted(colors) == ["IRI", "US"]
    assert sum(1 for c in data["c"] if colors[c] == "US") == 4


def test_actors_past_the_palette_share_one_legend_entry():
    rows = [r for k in range(10) for r in located(1, actor=f"actor {k}")]
    cfg = config_of(IncidentMap(rows).to_html())
    assert len(cfg["colors"]) == len(PALETTE) + 1
    assert cfg["colors"][-1]["key"] == OTHER_ACTORS


def test_color_by_outcome_uses_fixed_colours():
    table = color_table("outcome", ["hit", "intercepted"])
    assert table == {"hit": "#D55E00", "intercepted": "#0072B2"}
    with pytest.raises(ValueError, match=r"no column 'colour'; the table has id, date.* actor"):
        IncidentMap([], color_by="colour")
    with pytest.raises(ValueError, match="light, street, satellite, none"):
        IncidentMap([], basemap="terrain")


def test_every_event_type_has_a_distinct_shape():
    shapes = [s.shape for s in EVENT_STYLES.values()]
    assert len(set(shapes)) == len(shapes)


def test_date_spans_keep_their_precision():
    assert date_span("2024-01-02") == (19724, 19724)
    first, last = date_span("2024-02")
    assert last - first == 28                                   # a leap February
    first, last = date_span("2024")
    assert last - first == 365


def test_dates_and_counts_in_config():
    cfg = config_of(IncidentMap(located(3)).to_html())
    assert cfg["dateMin"] == date_span("2024-01-01")[0]
    assert cfg["dateMax"] == date_span("2024-01-03")[0]


def test_fragments_do_not_clash():
    first = IncidentMap(located()).to_fragment()
    second = IncidentMap(located()).to_fragment()
    for fragment in (first, second):
        assert not re.search(r"<(html|head|body)\b", fragment)
        assert "html, body" not in fragment
        assert "viewport" not in fragment
    ids_first = set(re.findall(r'id="([^"]+)"', first))
    ids_second = set(re.findall(r'id="([^"]+)"', second))
    assert ids_first and not ids_first & ids_second
    # Every style of ours is scoped to the fragment's own root.
    root = re.search(r'<div id="(im[0-9a-f]+-root)"', first).group(1)
    ours = next(s for s in re.findall(r"<style>(.*?)</style>", first, re.S) if ".im-panel" in s)
    ours = re.sub(r"/\*.*?\*/", "", ours, flags=re.S)
    selectors = [s.strip() for s in re.findall(r"([^{}]+)\{", ours)]
    assert selectors and all(s.startswith("#" + root) for s in selectors)
    # Its script runs in its own function: no global `var map_...` to collide with.
    assert "(function () {" in first


def test_repr_html_is_an_iframe_with_the_page():
    html = IncidentMap(located())._repr_html_()
    assert html.startswith("<iframe srcdoc=")
    assert "&lt;!DOCTYPE html&gt;" in html


def test_save_writes_utf8(tmp_path):
    path = IncidentMap(located(), title="خريطة").save(tmp_path / "map.html")
    assert "<title>خريطة</title>" in path.read_text(encoding="utf-8")


def test_empty_map_still_renders():
    page = IncidentMap([]).to_html()
    assert data_of(page)["n"] == 0


def test_self_contained_has_no_remote_scripts_or_styles(cached_assets):
    page = IncidentMap(located(), self_contained=True, cache_dir=cached_assets).to_html()
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page and "code.jquery" not in page
    assert f"Leaflet {assets.PINNED['leaflet'].version}" in page  # inlined, not linked
    outlines = re.search(r'id="im[0-9a-f]+-outlines">(.*?)</script>', page, re.S).group(1)
    names = {f["properties"]["name"] for f in json.loads(outlines)["features"]}
    assert {"Syria", "Iraq", "Jordan", "Turkey"} <= names


def test_basemap_none_has_no_tiles_shown(cached_assets):
    m = IncidentMap(located(), basemap="none", cache_dir=cached_assets)
    page = m.to_html()
    assert ".addTo(map_" in page
    assert not re.search(r"tile_layer_[0-9a-f]+\.addTo", page)
    assert "-outlines" in page


def test_empty_cache_and_no_registry_is_a_named_error(tmp_path):
    with pytest.raises(assets.AssetsUnavailable, match="leaflet 1.9.4"):
        assets.load_bundle(tmp_path / "empty", registry="http://127.0.0.1:9")


def test_asset_errors_are_mapper_errors_and_still_os_errors(tmp_path):
    from mapper.errors import MapperError

    with pytest.raises(MapperError) as caught:
        assets.region_outlines(tmp_path / "empty", registry="http://127.0.0.1:9")
    assert isinstance(caught.value, assets.AssetsUnavailable)
    assert isinstance(caught.value, OSError) and isinstance(caught.value, ConnectionError)
    assert "world-atlas 2.0.2" in str(caught.value)


def test_a_tampered_tarball_is_refused(tmp_path, cached_assets):
    pin = assets.PINNED["leaflet"]
    bad = tmp_path / "assets" / pin.filename
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"not leaflet")
    with pytest.raises(assets.AssetChecksumError, match="sha256"):
        assets.load_bundle(tmp_path, registry="http://127.0.0.1:9")


# --- the render command ------------------------------------------------------------------

def _table(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "incidents.csv"
    path.write_text("date,location,event_type,actor,description\n" + rows, encoding="utf-8")
    return path


def test_render_writes_the_map_and_prints_one_summary_line(tmp_path):
    from click.testing import CliRunner

    from mapper.cli import main

    table = _table(tmp_path, "2024-01-02,حقل العمر,rocket,,four rockets\n"
                             "2024-01-01,Shaddadi,drone,,a drone\n")
    out = tmp_path / "map.html"
    result = CliRunner().invoke(main, ["render", str(table), "-o", str(out), "--title", "Two",
                                       "--color-by", "outcome", "--located",
                                       str(tmp_path / "located.geojson")])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == ["2 rows read, 2 mapped, 0 sent to review"]
    page = out.read_text(encoding="utf-8")
    assert data_of(page)["n"] == 2
    assert config_of(page)["colorBy"] == "outcome"
    assert (tmp_path / "located.geojson").exists()


def test_render_strict_exits_1_on_unresolved_rows(tmp_path):
    from click.testing import CliRunner

    from mapper.cli import main

    table = _table(tmp_path, "2024-01-02,Qwxzzyville Nowhere,rocket,,?\n"
                             "2024-01-01,Shaddadi,drone,,a drone\n")
    out = tmp_path / "map.html"
    args = ["render", str(table), "-o", str(out), "--review", str(tmp_path / "review.csv")]
    assert CliRunner().invoke(main, args).exit_code == 0
    result = CliRunner().invoke(main, [*args, "--strict"])
    assert result.exit_code == 1
    assert "1 mapped" in result.output
    assert (tmp_path / "review.csv").read_text(encoding="utf-8-sig").count("Qwxzzyville") == 1


def test_render_fragment_and_bad_outputs(tmp_path):
    from click.testing import CliRunner

    from mapper.cli import main

    table = _table(tmp_path, "2024-01-01,Shaddadi,drone,,a drone\n")
    frag = tmp_path / "map-fragment.html"
    assert CliRunner().invoke(main, ["render", str(table), "-o", str(frag), "--fragment"]
                              ).exit_code == 0
    assert "<html" not in frag.read_text(encoding="utf-8")
    for name in ("map.txt", "map"):
        result = CliRunner().invoke(main, ["render", str(table), "-o", str(tmp_path / name)])
        assert result.exit_code == 2
        assert "Traceback" not in result.output
    missing = CliRunner().invoke(main, ["render", str(tmp_path / "nope.csv"), "-o",
                                        str(tmp_path / "m.html")])
    assert missing.exit_code == 2 and "nope.csv" in missing.output


# --- analysis options, the CLI's and the Python API's ----------------------------------------

def test_render_areas_measure_size_and_any_column_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from mapper.cli import main

    table = tmp_path / "incidents.csv"
    table.write_text("date,location,event_type,fatalities,unit\n"
                     "2024-01-02,Shaddadi,rocket,3,Brigade 1\n"
                     "2024-01-03,Shaddadi,drone,,Brigade 2\n", encoding="utf-8")
    out = tmp_path / "map.html"
    result = CliRunner().invoke(main, [
        "render", str(table), "-o", str(out), "--areas", "admin2", "--measure", "fatalities",
        "--size-by", "fatalities", "--color-by", "UNIT"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    config = config_of(page)
    assert config["areas"]["level"] == "admin2" and config["areas"]["measure"] == "fatalities"
    assert config["sizeBy"] == "fatalities" and config["colorBy"] == "unit"
    assert [c["key"] for c in config["colors"]] == ["Brigade 1", "Brigade 2"]
    data = data_of(page)
    assert data["k"] == [3, 0] and data["a2"][0] == data["a2"][1] >= 0
    bad = CliRunner().invoke(main, ["render", str(table), "-o", str(out), "--color-by", "nope"])
    assert bad.exit_code == 2
    assert "--color-by: no column 'nope'; the table has" in bad.output and "unit" in bad.output


def test_colour_by_a_column_gives_the_most_frequent_values_colours_and_the_rest_others():
    rows = [Located(Incident(row=k + 2, date="2024-01-02", date_precision="day",
                             target=f"target {k % 10}" if k < 40 else ""), lat=35, lon=40)
            for k in range(45)]
    config = config_of(IncidentMap(rows, color_by="target").to_html())
    keys = [c["key"] for c in config["colors"]]
    assert keys[:len(PALETTE)] == [f"target {k}" for k in range(len(PALETTE))]
    assert keys[len(PALETTE):] == ["(others)", "(blank)"]
    assert config["colorTitle"] == "target"


def test_the_areas_block_names_every_area_and_holds_the_asked_level_polygons():
    from mapper import choropleth
    from mapper.encode import decode

    page = IncidentMap(located(), areas="admin1").to_html()
    match = re.search(r'<script type="application/(json|octet-stream)" id="im[0-9a-f]+-areas">'
                      r"(.*?)</script>", page, re.S)
    block = decode(match.group(2), match.group(1) == "octet-stream")
    assert len(block["names"]["admin1"]) == len(choropleth.area_records("admin1"))
    assert len(block["names"]["admin2"]) == len(choropleth.area_records("admin2"))
    hasakah = next(n for n in block["names"]["admin1"] if n[0] == "SY-HA")
    assert hasakah[2] == "الحسكة" and hasakah[3] < 36.5 < hasakah[5]
    assert len(block["polygons"]) == len(block["names"]["admin1"])
    ring = block["polygons"][0][0][0]
    lat, lon = ring[0] / 1000, ring[1] / 1000
    assert 29 < lat < 38 and 35 < lon < 49
    plain = re.search(r'id="im[0-9a-f]+-areas">(.*?)</script>', IncidentMap(located()).to_html(),
                      re.S).group(1)
    assert "polygons" not in decode(plain, False)        # no layer asked for: names only
    with pytest.raises(ValueError, match="areas must be one of admin1, admin2"):
        IncidentMap([], areas="admin3")
    with pytest.raises(ValueError, match="measure must be one of incidents, fatalities"):
        IncidentMap([], areas="admin1", measure="deaths")


def test_folium_plugins_added_to_the_map_are_drawn():
    from folium import plugins

    m = IncidentMap(located())
    plugins.MiniMap().add_to(m.folium_map)
    page = m.to_html()
    assert "L.Control.MiniMap" in page and "Control.MiniMap" in re.sub(r"\s+", " ", page)
    assert page.count("L.control.layers(") == 1
    assert "jquery" not in page.lower()          # folium's own header stays out
    again = m.to_html()                          # a second page has one layer control too
    assert again.count("L.control.layers(") == 1


def test_from_frame_maps_a_dataframe(gazetteer):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"date": ["2024-01-02", "2024-01-03"], "location": ["Shaddadi", "كناكر"],
                          "event_type": ["drone", "airstrike"]})
    m = IncidentMap.from_frame(frame, gazetteer=gazetteer, title="Frame", areas="admin1")
    assert len(m.located) == 2 and m.located[0].admin1 == "SY-HA"
    assert data_of(m.to_html())["n"] == 2


def test_the_notebook_view_inlines_every_script_when_the_assets_are_cached(cached_assets):
    import html as html_lib

    m = IncidentMap(located(), cache_dir=cached_assets)
    frame = m._repr_html_()
    page = html_lib.unescape(re.search(r'srcdoc="(.*?)" style', frame, re.S).group(1))
    assert "<script src=" not in page and "<link" not in page
    assert "L.Map" in page or "Leaflet" in page
