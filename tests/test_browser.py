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
