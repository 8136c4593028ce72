"""The HTML map in a real headless Chromium, with every network request refused.

Run with `pytest -m browser`. Needs Debian's /usr/bin/chromium (never a downloaded browser):
skipped without it, except under CI=true, where a missing browser fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mapper.html import IncidentMap
from mapper.model import Incident, Located

pytestmark = pytest.mark.browser

SEED = Path(__file__).resolve().parents[1] / "data" / "samples" / "seed_incidents.csv"

HOSTILE = ('<script>window.__pwned=1;alert("s")</script><img src=x onerror="window.__pwned=2;'
           'alert(1)"><svg onload=alert(3)> javascript:alert(4) <b <a href="javascript:alert(5)">'
           '\u202egnp.exe\u202c </textarea></title>')


class Session:
    """One page with the network cut off, its console errors and any dialogs recorded."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1200, "height": 800})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.blocked: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_dialog(dialog):
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)

    def open(self, path: Path) -> str:
        self.page.goto(path.as_uri())
        root = self.page.wait_for_selector(
            ".im-root[data-state=ready], .im-root[data-state=error]")
        assert root.get_attribute("data-state") == "ready", self.errors
        return root.get_attribute("id")

    def shown(self, root: str) -> int:
        """Incidents drawn: single markers plus the counts on the clusters."""
        return self.page.evaluate(
            """root => {
                const r = document.getElementById(root);
                let n = r.querySelectorAll('.im-mk').length;
                for (const c of r.querySelectorAll('.im-cluster-n')) n += +c.textContent;
                return n;
            }""", root)

    def legend(self, root: str) -> dict[str, int]:
        return self.page.evaluate(
            """root => Object.fromEntries([...document.querySelectorAll(
                   '#' + root + ' .im-legend-row[data-type]')].map(r =>
                   [r.dataset.type, +r.querySelector('.im-legend-count').textContent]))""", root)

    def open_popup(self, root: str, i: int) -> str:
        self.page.evaluate(
            """([root, i]) => new Promise(done =>
                   document.getElementById(root).incidentMap.openPopup(i, done))""", [root, i])
        return self.page.wait_for_selector(f"#{root} .leaflet-popup-content .im-popup")

    def open_tooltip(self, root: str, i: int):
        self.page.evaluate(
            """([root, i]) => new Promise(done =>
                   document.getElementById(root).incidentMap.openTooltip(i, done))""", [root, i])
        return self.page.wait_for_selector(f"#{root} .leaflet-tooltip .im-tip")

    def set_dates(self, root: str, start: str, end: str) -> None:
        self.page.evaluate(
            """([root, a, b]) => {
                const r = document.getElementById(root);
                r.querySelector('.im-date-from').value = a;
                const to = r.querySelector('.im-date-to');
                to.value = b;
                to.dispatchEvent(new Event('change'));
            }""", [root, start, end])
        self.page.wait_for_selector(f"#{root}[data-state=ready]")

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def session(browser):
    s = Session(browser)
    yield s
    s.close()


@pytest.fixture(scope="module")
def seed_located(gazetteer):
    if not SEED.exists():
        pytest.skip("the seed sample is not written yet")
    from mapper.incidents import read_incidents
    from mapper.locate import locate

    result = locate(read_incidents(SEED), gazetteer)
    assert result.located, "the seed sample maps no incident"
    return result


def test_seed_map_offline_markers_popup_legend_and_filter(session, seed_located, asset_cache,
                                                          tmp_path):
    path = IncidentMap(seed_located, title="Seed", self_contained=True, basemap="none",
                       cache_dir=asset_cache).save(tmp_path / "seed.html")
    root = session.open(path)
    located = seed_located.located
    assert session.shown(root) == len(located)

    expected: dict[str, int] = {}
    for r in located:
        expected[r.incident.event_type] = expected.get(r.incident.event_type, 0) + 1
    assert session.legend(root) == expected

    rings = session.page.eval_on_selector_all(f"#{root} .leaflet-imSites-pane path", "ps => ps.length")
    assert rings == len({r.place_id for r in located})   # the struck sites layer

    arabic = next(k for k, r in enumerate(located) if re.search("[\u0600-\u06ff]", r.incident.location))
    popup = session.open_popup(root, arabic)
    assert located[arabic].incident.location in popup.inner_text()
    cell = popup.query_selector("bdi[dir=rtl]")
    assert cell is not None and cell.inner_text() == located[arabic].incident.location
    # Governorate and district of the point, from the bundled boundaries.
    assert f"Governorate\t{located[arabic].admin1_name} ({located[arabic].admin1})" in popup.inner_text()
    assert f"District\t{located[arabic].admin2_name}" in popup.inner_text()

    # The date filter: one day only, then back to all.
    day = located[0].incident.date[:10]
    on_day = sum(1 for r in located if r.incident.date.startswith(day))
    session.set_dates(root, day, day)
    session.page.wait_for_function(
        "([root, n]) => document.getElementById(root).dataset.shown === String(n)",
        arg=[root, on_day])
    # The popup zoomed in on its incident; only incidents in view are drawn.
    session.page.evaluate("r => document.getElementById(r).incidentMap.fitAll()", root)
    assert session.shown(root) == on_day
    assert sum(session.legend(root).values()) == on_day
    session.set_dates(root, "2000-01-01", "2100-01-01")
    assert session.shown(root) == len(located)
    assert session.errors == []
    assert session.blocked == []          # self-contained: not one request leaves the file


def large_rows(n: int) -> list[Located]:
    """Rows of every kind of text column of a deflated block: ids and addresses that differ by
    their numbers, free text of shared words (Arabic, markup and line breaks among them), text
    unique throughout, days, months, ranges and no date, counts given or not."""
    import random

    rnd = random.Random(11)
    words = ["قصف", "على", "the", "base", "<b>", "&amp;", "drone", "near", "", "0", "07", "a\nb"]
    dates = ["2024-01-02", "2024-02", "2023", ""]
    rows = []
    for k in range(n):
        date = dates[k % 4] if k % 10 == 0 else f"2024-{k % 12 + 1:02d}-{k % 28 + 1:02d}"
        incident = Incident(
            row=k + 2, date=date, date_precision="day", date_end="2024-03-05" if k % 50 == 7 else "",
            location=f"place {k % 30}", id=f"SYR{k + 1000}", event_type=("drone", "rocket", "clash")[k % 3],
            actor=("IRI", "US forces", "")[k % 3], fatalities=None if k % 5 == 0 else k % 7,
            injuries=k % 4, description=" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 25))),
            source_url=f"https://example.org/r/{rnd.randint(1, 10 ** 12)}/x",
            notes=f"{rnd.getrandbits(48):x}<{k}>", extra=(("code", f"C{k % 997:04d}"), ("tag", "t" if k % 9 else "")))
        rows.append(Located(incident=incident, lat=33 + (k % 97) / 50, lon=38 + (k % 89) / 40,
                            radius_km=(0, 5)[k % 2], precision=(1, 3)[k % 2]))
    return rows


def test_a_deflated_block_reads_in_the_page_as_in_python(session, asset_cache, tmp_path):
    from mapper.encode import block_header, decode_block

    rows = large_rows(2500)
    m = IncidentMap(rows, title="Large", self_contained=True, basemap="none", cache_dir=asset_cache)
    path = m.save(tmp_path / "large.html")
    block = re.search(r'type="application/x-incidents-deflated" id="im[0-9a-f]+-data">(.*?)</script>',
                      path.read_text(encoding="utf-8")).group(1)
    kinds = {name: spec and spec["k"] for name, spec in block_header(block, True)["f"].items()}
    assert {kinds["id"], kinds["description"], kinds["notes"], kinds["date"], kinds["fatalities"],
            kinds["source_url"]} == {"num", "words", "text", "date", "count"}
    data = decode_block(block, True)
    root = session.open(path)
    records = session.page.evaluate(
        """([root, n]) => { const m = document.getElementById(root).incidentMap;
               return Array.from({length: n}, (_, i) => m.record(i)); }""", [root, len(rows)])
    for name, column in list(data["f"].items()) + data["x"]:
        assert [r[name] for r in records] == (column or [""] * len(rows)), name
    assert [r["row"] for r in records] == data["row"] and [r["precision"] for r in records] == data["p"]
    assert [round(r["lat"] * 1e5) for r in records] == data["lat"]
    assert int(session.page.get_attribute(f"#{root}", "data-killed")) == sum(data["k"])
    assert session.shown(root) == len(rows)
    march = sum(1 for a, b in zip(data["d0"], data["d1"]) if a <= 19_797 and b >= 19_783)
    session.set_dates(root, "2024-03-01", "2024-03-15")   # days 19783 to 19797
    session.page.wait_for_function("([r, n]) => document.getElementById(r).dataset.shown === String(n)",
                                   arg=[root, march])
    assert session.errors == []


def test_outlines_show_when_tiles_cannot_load(session, seed_located, asset_cache, tmp_path):
    path = IncidentMap(seed_located, self_contained=True, cache_dir=asset_cache).save(
        tmp_path / "tiles.html")
    root = session.open(path)
    paths = session.page.eval_on_selector_all(
        f"#{root} .leaflet-pane.leaflet-imOutlines-pane path", "ps => ps.length")
    assert paths > 5
    assert all(re.match(r"https://[^/]*(cartocdn|openstreetmap|arcgisonline)", u)
               for u in session.blocked)
    assert [e for e in session.errors if "net::ERR_FAILED" not in e] == []


def hostile_rows() -> list[Located]:
    rows = []
    for k, kind in enumerate(("drone", "rocket", "airstrike", "clash")):
        incident = Incident(
            row=k + 2, date=f"2024-01-0{k + 1}", date_precision="day", location=HOSTILE,
            id=HOSTILE, time=HOSTILE, event_type=kind, actor=HOSTILE, target=HOSTILE,
            outcome=HOSTILE, country=HOSTILE, admin1=HOSTILE, description=HOSTILE, source=HOSTILE,
            source_url=("javascript:alert(6)", " JavaScript:alert(7)", "data:text/html,<script>"
                        "alert(8)</script>", "https://example.org/a?<b>")[k],
            notes=HOSTILE, extra=((HOSTILE, HOSTILE),))
        rows.append(Located(incident=incident, lat=33 + k, lon=38 + k, place_id=HOSTILE,
                            place_name=HOSTILE, method=HOSTILE, radius_km=3, precision=2))
    return rows


def test_hostile_text_is_shown_never_run(session, asset_cache, tmp_path):
    rows = hostile_rows()
    path = IncidentMap(rows, title=HOSTILE, self_contained=True, basemap="none",
                       cache_dir=asset_cache).save(tmp_path / "hostile.html")
    root = session.open(path)
    for k in range(len(rows)):
        popup = session.open_popup(root, k)
        text = popup.inner_text()
        assert '<script>window.__pwned=1;alert("s")</script>' in text
        assert '<img src=x onerror="window.__pwned=2;' in text
        links = popup.query_selector_all("a")
        if k < 3:
            assert links == []           # javascript: and data: URLs are never links
        else:
            assert len(links) == 1
            assert links[0].get_attribute("href") == "https://example.org/a?<b>"
            assert links[0].get_attribute("rel") == "noopener noreferrer"
            assert links[0].get_attribute("target") == "_blank"
        assert popup.query_selector("img, script, svg:not(.im-shape), textarea") is None
        tip = session.open_tooltip(root, k)
        assert "<script>" in tip.inner_text()
    title = session.page.inner_text(f"#{root} .im-title-main")
    assert title == HOSTILE.replace("\u202e", "\u202e")
    legend = session.page.inner_text(f"#{root} .im-legend")
    assert "<img src=x" in legend
    assert session.page.evaluate("() => window.__pwned") is None
    assert session.dialogs == []
    assert session.errors == []


def test_two_fragments_on_one_page_both_work(session, asset_cache, tmp_path):
    rows = hostile_rows()[:2]
    first = IncidentMap(rows, self_contained=True, basemap="none", cache_dir=asset_cache,
                        height="300px").to_fragment()
    second = IncidentMap(rows[:1], self_contained=True, basemap="none", cache_dir=asset_cache,
                         height="300px").to_fragment()
    page = tmp_path / "report.html"
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
                    f"<h1>Report</h1>{first}<p>Between</p>{second}</body></html>",
                    encoding="utf-8")
    session.page.goto(page.as_uri())
    session.page.wait_for_function(
        "() => [...document.querySelectorAll('.im-root')].filter("
        "r => r.dataset.state === 'ready').length === 2")
    roots = session.page.eval_on_selector_all(".im-root", "rs => rs.map(r => r.id)")
    assert len(set(roots)) == 2
    assert session.shown(roots[0]) == 2 and session.shown(roots[1]) == 1
    assert session.errors == [] and session.dialogs == []


def test_clusters_zoom_in_and_twins_at_one_point_are_listed(session, asset_cache, tmp_path):
    rows = []
    for k in range(6):
        spread = k < 3  # three drones around Hasakah, three at one point of the Omar field
        incident = Incident(row=k + 2, date=f"2024-01-0{k + 1}", date_precision="day",
                            location=f"place {k}", event_type="drone")
        lat, lon = (36.5 + 0.02 * k, 40.7 + 0.02 * k) if spread else (35.15, 40.58)
        rows.append(Located(incident=incident, lat=lat, lon=lon))
    path = IncidentMap(rows, self_contained=True, basemap="none", cache_dir=asset_cache).save(
        tmp_path / "clusters.html")
    root = session.open(path)
    page = session.page
    page.evaluate("r => document.getElementById(r).incidentMap.map.setView([35.8, 40.6], 6, "
                  "{animate: false})", root)
    assert session.shown(root) == 6
    counts = page.eval_on_selector_all(f"#{root} .im-cluster-n", "ns => ns.map(n => +n.textContent)")
    assert 3 in counts and sum(counts) + len(page.query_selector_all(f"#{root} .im-mk")) == 6
    # The spread cluster splits when clicked; the twins stay one cluster at every zoom.
    page.evaluate("""r => {
        const m = document.getElementById(r).incidentMap;
        const spread = m.groups.flatMap(g => g.getLayers()).find(
            l => l._imCluster && l.getLatLng().lat > 36);
        spread.fire('click', {latlng: spread.getLatLng()}, true);  // true: up to its layer group
    }""", root)
    page.wait_for_function("r => +document.getElementById(r).dataset.zoom > 6", arg=root)
    page.evaluate("r => document.getElementById(r).incidentMap.map.setView([35.15, 40.58], 19, "
                  "{animate: false})", root)
    page.wait_for_selector(f"#{root}[data-zoom='19']")
    twins = page.wait_for_selector(f"#{root} .im-cluster")
    twins.click()
    listed = page.wait_for_selector(f"#{root} .leaflet-popup-content .im-list")
    assert len(listed.query_selector_all("li")) == 3
    listed.query_selector("a").click()
    page.wait_for_selector(f"#{root} .leaflet-popup-content .im-popup:not(.im-list)")
    assert session.errors == []


# --- analysis: areas, heat, time, search, export ---------------------------------------------

def analysis_page(session, seed_located, asset_cache, tmp_path, **options) -> str:
    path = IncidentMap(seed_located, title="Seed analysis", self_contained=True, basemap="none",
                       cache_dir=asset_cache, **options).save(tmp_path / "analysis.html")
    return session.open(path)


def area_values(session, root: str) -> dict[str, tuple[int, int]]:
    return session.page.evaluate(
        """root => Object.fromEntries([...document.querySelectorAll('#' + root + ' path.im-area')]
               .map(p => [p.dataset.code, [+p.dataset.value, +p.dataset.class]]))""", root)


def switch_overlay(session, root: str, label: str) -> None:
    """Click an overlay's box in the layer control, as a user does."""
    session.page.evaluate(
        """([root, label]) => {
            const rows = [...document.querySelectorAll('#' + root + ' .leaflet-control-layers-overlays label')];
            rows.find(r => r.textContent.trim().startsWith(label)).querySelector('input').click();
        }""", [root, label])


def test_choropleth_draws_every_district_with_its_counts_and_follows_filters(
        session, seed_located, asset_cache, tmp_path):
    from mapper import choropleth

    root = analysis_page(session, seed_located, asset_cache, tmp_path, areas="admin2")
    located = seed_located.located
    figures, bounds = choropleth.area_figures(located, "admin2")
    drawn = area_values(session, root)
    assert len(drawn) == len(choropleth.area_records("admin2")) == len(figures)
    assert drawn == {f.code: [f.incidents, f.klass] for f in figures}
    # A point standing for a wider region (the Yarmouk basin) has a governorate, no district.
    assert sum(v for v, _ in drawn.values()) == sum(1 for r in located if r.admin2_name) == 9
    classes = session.page.eval_on_selector_all(f"#{root} .im-area-class", "rs => rs.length")
    assert classes == len(bounds) >= 2

    day = "2024-01-01"
    on_day = [r for r in located if r.incident.date == day]
    session.set_dates(root, day, day)
    expected, _ = choropleth.area_figures(on_day, "admin2")
    assert area_values(session, root) == {f.code: [f.incidents, f.klass] for f in expected}
    # A type switched off leaves the areas too.
    switch_overlay(session, root, "Drone")
    session.page.wait_for_function("r => document.getElementById(r).dataset.shown === '0'", arg=root)
    assert all(v == 0 for v, _ in area_values(session, root).values())
    assert session.errors == []


def test_choropleth_of_fatalities_by_governorate(session, seed_located, asset_cache, tmp_path):
    root = analysis_page(session, seed_located, asset_cache, tmp_path, areas="admin1",
                         measure="fatalities")
    drawn = area_values(session, root)
    killed = {}
    for r in seed_located.located:
        killed[r.admin1] = killed.get(r.admin1, 0) + (r.incident.fatalities or 0)
    assert {k: v for k, (v, _) in drawn.items() if v} == {k: v for k, v in killed.items() if v}
    tip = session.page.evaluate(
        """root => { const m = document.getElementById(root).incidentMap;
                     const shape = m.areas.getLayers().find(l => l.getElement().dataset.code === 'SY-RD');
                     shape.openTooltip(shape.getBounds().getCenter());
                     return shape.getTooltip().getElement().textContent; }""", root)
    assert "Rif Dimashq" in tip and "ريف دمشق" in tip and "2 incidents" in tip and "1 killed" in tip
    assert session.page.get_attribute(f"#{root}", "data-killed") == "1"
    assert session.errors == []


def read_download(download) -> str:
    return Path(download.path()).read_text(encoding="utf-8-sig")


def test_export_downloads_exactly_the_incidents_shown(session, seed_located, asset_cache, tmp_path):
    import csv
    import io
    import json

    root = analysis_page(session, seed_located, asset_cache, tmp_path)
    located = seed_located.located
    session.set_dates(root, "2024-01-01", "2024-01-02")
    switch_overlay(session, root, "Rocket")
    expected = sorted(r.incident.row for r in located
                      if r.incident.date in ("2024-01-01", "2024-01-02")
                      and r.incident.event_type != "rocket")
    session.page.wait_for_function("([r, n]) => document.getElementById(r).dataset.shown === String(n)",
                                   arg=[root, len(expected)])
    with session.page.expect_download() as got:
        session.page.click(f"#{root} .im-export-csv")
    rows = list(csv.DictReader(io.StringIO(read_download(got.value))))
    assert sorted(int(r["row"]) for r in rows) == expected
    by_row = {r.incident.row: r for r in located}
    for r in rows:
        source = by_row[int(r["row"])]
        assert r["location"] == source.incident.location and r["date"] == source.incident.date
        assert float(r["lat"]) == pytest.approx(source.lat, abs=1e-5)
    with session.page.expect_download() as got:
        session.page.click(f"#{root} .im-export-geojson")
    features = json.loads(read_download(got.value))["features"]
    assert sorted(f["properties"]["row"] for f in features) == expected
    assert all(f["geometry"]["type"] == "Point" for f in features)
    assert session.errors == []


def test_search_finds_arabic_and_latin_names_and_zooms_to_them(session, seed_located, asset_cache,
                                                                 tmp_path):
    root = analysis_page(session, seed_located, asset_cache, tmp_path)
    shaddadi = next(r for r in seed_located.located if "الشدادي" in r.incident.location)
    box = session.page.locator(f"#{root} .im-search-input")
    for query in ("الشدادي", "Shaddadi", "ash-Shaddadi", "Chaddadi"):
        box.fill(query)
        first = session.page.wait_for_selector(f"#{root} .im-results .im-result")
        assert "الشدادي" in first.inner_text() or "Shaddadi" in first.inner_text(), query
        session.page.evaluate("r => document.getElementById(r).incidentMap.fitAll()", root)
        first.click()
        inside = session.page.evaluate(
            "([r, lat, lon]) => document.getElementById(r).incidentMap.map.getBounds().contains([lat, lon])",
            [root, shaddadi.lat, shaddadi.lon])
        assert inside, query
        assert session.page.evaluate("r => document.getElementById(r).incidentMap.map.getZoom()", root) >= 9
    # Area names too, in either script: the governorate of Deir ez-Zor.
    names = session.page.evaluate("r => document.getElementById(r).incidentMap.find('دير الزور')", root)
    assert any("Deir ez-Zor" in n for n in names)
    box.fill("Qwxzzy")
    assert session.page.wait_for_selector(f"#{root} .im-results li.im-muted")
    assert session.errors == []


def test_play_steps_the_date_window_forward(session, seed_located, asset_cache, tmp_path):
    root = analysis_page(session, seed_located, asset_cache, tmp_path)
    page = session.page
    page.select_option(f"#{root} .im-step", "day")
    page.click(f"#{root} .im-play")
    page.wait_for_function("r => document.getElementById(r).dataset.from === '2023-12-25'", arg=root)
    assert page.get_attribute(f"#{root}", "data-to") == "2023-12-25"
    page.wait_for_function("r => document.getElementById(r).dataset.from === '2023-12-26'", arg=root)
    page.click(f"#{root} .im-play")        # pause
    assert page.get_attribute(f"#{root}", "data-playing") is None
    # Stepping by hand: a week at a time keeps the window's length.
    page.select_option(f"#{root} .im-step", "week")
    page.evaluate("r => document.getElementById(r).incidentMap.step()", root)
    assert (page.get_attribute(f"#{root}", "data-from"), page.get_attribute(f"#{root}", "data-to")) == (
        "2024-01-02", "2024-01-02")
    shown = int(page.get_attribute(f"#{root}", "data-shown"))
    assert shown == sum(1 for r in seed_located.located if r.incident.date == "2024-01-02")
    assert session.errors == []


def test_the_strip_brushes_the_date_window(session, seed_located, asset_cache, tmp_path):
    root = analysis_page(session, seed_located, asset_cache, tmp_path)
    page = session.page
    strip = page.locator(f"#{root} .im-strip-canvas").bounding_box()
    days = 9   # 2023-12-25 .. 2024-01-02
    def x(day):
        return strip["x"] + (day + 0.5) * strip["width"] / days
    y = strip["y"] + strip["height"] / 2
    page.mouse.move(x(7), y)
    page.mouse.down()
    page.mouse.move(x(8), y)
    page.mouse.up()
    page.wait_for_function("r => document.getElementById(r).dataset.from === '2024-01-01'", arg=root)
    assert page.get_attribute(f"#{root}", "data-to") == "2024-01-02"
    assert page.input_value(f"#{root} .im-date-from") == "2024-01-01"
    assert session.errors == []


def test_heat_layer_draws_the_incidents_shown_and_follows_the_filter(session, seed_located,
                                                                    asset_cache, tmp_path):
    root = analysis_page(session, seed_located, asset_cache, tmp_path)
    switch_overlay(session, root, "Heat")
    lit = session.page.wait_for_selector(f"#{root} canvas.im-heat").get_attribute("data-lit")
    assert int(lit) > 0
    session.set_dates(root, "2023-12-26", "2023-12-31")    # no incident in these days
    assert session.page.get_attribute(f"#{root} canvas.im-heat", "data-lit") == "0"
    session.set_dates(root, "2023-12-25", "2023-12-25")
    assert int(session.page.get_attribute(f"#{root} canvas.im-heat", "data-lit")) > 0
    assert session.errors == []


def test_fold_keys_in_the_page_are_the_gazetteers(session, seed_located, asset_cache, tmp_path,
                                                  gazetteer):
    from gazetteer.fold import fold, skeleton

    root = analysis_page(session, seed_located, asset_cache, tmp_path)
    names = []
    for k, place in enumerate(gazetteer):
        if k % 7 == 0:
            names += [place.name, place.name_ar, *place.aliases[:2]]
    names = [n for n in names if n][:1500]
    names += ["Ra's al-ʿAyn", "Dayr az-Zawr", "Djebel ech-Chaddadi", "الحسكة ١٢", "Qamishli", "Ḥimṣ"]
    got = session.page.evaluate(
        """([r, names]) => { const m = document.getElementById(r).incidentMap;
               return names.map(n => [m.foldKey(n), m.skeletonKey(n)]); }""", [root, names])
    wrong = [(n, g, (fold(n), skeleton(n))) for n, g in zip(names, got) if tuple(g) != (fold(n), skeleton(n))]
    assert wrong == []


def test_popups_wrap_long_words_and_open_clear_of_the_title(session, asset_cache, tmp_path):
    word = "x" * 400
    rows = [Located(Incident(row=2, date="2024-01-02", date_precision="day", location="Kanaker",
                             description=word, event_type="airstrike"), lat=33.27, lon=36.1)]
    path = IncidentMap(rows, title="Long", self_contained=True, basemap="none",
                       cache_dir=asset_cache).save(tmp_path / "long.html")
    root = session.open(path)
    session.page.evaluate("r => document.getElementById(r).incidentMap.map.setView([33.27, 36.1], 13, {animate: false})", root)
    # Put the marker right under the title panel: the popup must pan out from under it.
    session.page.evaluate("""r => { const map = document.getElementById(r).incidentMap.map;
        map.panBy(map.latLngToContainerPoint([33.27, 36.1]).subtract([150, 60]), {animate: false}); }""", root)
    popup = session.open_popup(root, 0)
    cell = popup.query_selector("td:has(bdi)")
    widths = session.page.evaluate(
        """() => [...document.querySelectorAll('.im-popup td')].map(td => td.getBoundingClientRect().width)""")
    assert min(widths) > 120                       # not one character a line
    session.page.wait_for_timeout(400)              # the pan is animated
    title = session.page.eval_on_selector(f"#{root} .im-title", "e => e.getBoundingClientRect().bottom")
    top = session.page.eval_on_selector(f"#{root} .leaflet-popup", "e => e.getBoundingClientRect().top")
    assert top >= title
    assert cell is not None and session.errors == []


def test_full_screen_and_click_coordinates(session, seed_located, asset_cache, tmp_path):
    root = analysis_page(session, seed_located, asset_cache, tmp_path)
    page = session.page
    page.click(f"#{root} .im-fullscreen")
    page.wait_for_function(
        "r => document.fullscreenElement === document.getElementById(r) || "
        "document.getElementById(r).classList.contains('im-full')", arg=root)
    size = page.evaluate("r => document.getElementById(r).getBoundingClientRect().height", root)
    assert size >= 790
    page.click(f"#{root} .im-fullscreen")
    page.evaluate("""r => { const m = document.getElementById(r).incidentMap.map;
        m.fire('click', {latlng: L.latLng(35.12345, 40.54321)}); }""", root)
    assert page.inner_text(f"#{root} .im-readout") == "Clicked: 35.12345, 40.54321"
    assert session.errors == []


def test_geoparse_view_has_no_date_filter_and_no_other_type(session, asset_cache, tmp_path,
                                                           monkeypatch):
    from gazetteer.geoparse import Mention
    from gazetteer.place import Match, Place
    from mapper.geoparse_html import write_geoparse_html

    monkeypatch.setenv("INCIDENT_MAPPER_CACHE", str(asset_cache))
    omar = Place(id="site:omar", name="Al-Omar oil field", name_ar="حقل العمر", aliases=(),
                 kind="site", feature="oil_field", country="SY", admin1="SY-DY", lat=35.05,
                 lon=40.55, radius_km=3.0, population=0, source="test")
    text = "Rockets hit Omar; al-Omar again."
    mentions = [Mention(12, 16, "Omar", Match("Omar", omar, 0.97, "exact", "Omar")),
                Mention(18, 25, "al-Omar", Match("al-Omar", omar, 0.9, "exact", "al-Omar",
                                                 ambiguous=True))]
    path = write_geoparse_html(text, mentions, tmp_path / "view.html", title="t")
    root = session.open(path)
    page = session.page
    assert page.query_selector(f"#{root} .im-date-from") is None
    assert page.query_selector(f"#{root} .im-strip") is None
    legend = page.inner_text(f"#{root} .im-legend")
    assert "Other" not in legend and "resolved" in legend and "ambiguous" in legend
    popup = session.open_popup(root, 0)
    assert popup.query_selector(".im-popup-head").inner_text() == "Omar"
    assert [e for e in session.errors if "net::ERR_FAILED" not in e] == []   # tiles, offline


def test_the_page_makes_the_same_classes_as_python(session, seed_located, asset_cache, tmp_path):
    import random

    from mapper.choropleth import CLASSES, quantile_breaks

    root = analysis_page(session, seed_located, asset_cache, tmp_path)
    rnd = random.Random(5)
    samples = [[rnd.choice((0, rnd.randint(1, 12), rnd.randint(1, 900))) for _ in range(rnd.randint(0, 80))]
               for _ in range(300)]
    got = session.page.evaluate(
        """([r, samples, k]) => samples.map(v => document.getElementById(r).incidentMap.quantileBreaks(v, k))""",
        [root, samples, CLASSES])
    assert got == [quantile_breaks(v) for v in samples]


def test_colour_by_any_column_shows_cut_names_in_full_on_hover(session, asset_cache, tmp_path):
    long = ("Brigade of the very long name that no legend can hold on one line, " * 2).strip()
    rows = [Located(Incident(row=k + 2, date="2024-01-02", date_precision="day",
                             extra=(("unit", long if k % 2 else "short"),)), lat=35 + k / 50, lon=40)
            for k in range(6)]
    path = IncidentMap(rows, color_by="unit", self_contained=True, basemap="none",
                       cache_dir=asset_cache).save(tmp_path / "unit.html")
    root = session.open(path)
    labels = session.page.eval_on_selector_all(
        f"#{root} .im-legend-row[data-color] .im-legend-label",
        "ls => ls.map(l => [l.textContent, l.title, l.scrollWidth > l.clientWidth])")
    assert [label[0] for label in labels] == [long, "short"]
    assert labels[0][1] == long and labels[0][2]          # cut on screen, whole on hover
    assert session.page.inner_text(f"#{root} .im-legend").count("unit") == 1   # the heading
    assert session.errors == []
