"""The brief: its parts and escaping as HTML text, the PDF brief, and the page in Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import IN_CI
from PIL import Image

from mapper.errors import OutputError
from mapper.incidents import read_incidents
from mapper.locate import locate
from mapper.report import timeline_svg, write_report

SEED = Path(__file__).resolve().parents[1] / "data" / "samples" / "seed_incidents.csv"
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


@pytest.fixture(scope="module")
def seed(gazetteer):
    return locate(read_incidents(SEED), gazetteer)


@pytest.fixture
def hostile(gazetteer, tmp_path):
    """Two rows: one mapped with hostile text and a javascript: link, one not mapped."""
    path = tmp_path / "hostile.csv"
    path.write_text(
        "date,location,event_type,actor,description,source,source_url\n"
        f'2024-01-02,Kanaker,airstrike,"{HOSTILE.replace(chr(34), chr(34) * 2)}",x,'
        "Bad source,javascript:alert(1)\n"
        "2024-01-03,Qwxzzy Nowhere,drone,,y,Good source,https://example.org/a?b=1&c=2\n",
        encoding="utf-8")
    return locate(read_incidents(path), gazetteer)


def test_brief_has_every_part_and_a_row_per_mapped_incident(seed, gazetteer, tmp_path):
    page = write_report(seed, tmp_path / "brief.html", title="Seed brief",
                        gazetteer=gazetteer).read_text(encoding="utf-8")
    for part in ('id="map"', 'id="timeline"', 'id="totals"', 'id="incidents"', 'id="review"',
                 'id="sources"', "@media print", "Natural Earth", "GeoNames"):
        assert part in page
    assert len(re.findall(r'<tr data-row="\d+">', page)) == len(seed.located) == 10
    # totals: 5 drones, and the governorates named from the gazetteer
    assert re.search(r"Drone</td><td class=\"n\">5<", page)
    assert "Al-Hasakah (SY-HA)" in page and "Deir ez-Zor (SY-DY)" in page
    assert 'rel="noopener noreferrer"' in page


def _totals_of(page: str) -> dict[str, dict[str, tuple[int, int]]]:
    """caption -> key -> (incidents, fatalities), read back from the totals tables."""
    section = page.split('<section id="totals">', 1)[1].split("</section>", 1)[0]
    out = {}
    tables = re.findall(r"<thead><tr><th>([^<]+)</th>.*?<tbody>(.*?)</tbody>", section, re.DOTALL)
    for caption, body in tables:
        rows = re.findall(r'<tr(?: class="total")?><td[^>]*>(?:<span[^>]*></span>)?([^<]*)</td>'
                          r'<td class="n">(\d+)</td><td class="n">(\d+)</td></tr>', body)
        out[caption] = {key: (int(n), int(k)) for key, n, k in rows}
    return out


def test_brief_totals_of_incidents_and_fatalities_agree_with_the_table(seed, gazetteer, tmp_path):
    page = write_report(seed, tmp_path / "brief.html", gazetteer=gazetteer, areas="admin2",
                        measure="fatalities").read_text(encoding="utf-8")
    totals = _totals_of(page)
    located = seed.located
    killed = sum(r.incident.fatalities or 0 for r in located)
    for caption in ("Event type", "Actor", "Governorate"):
        assert totals[caption]["All"] == (len(located), killed) == (10, 1)
    assert totals["Event type"]["Air strike"] == (2, 1)
    assert totals["Actor"]["Israel"] == (2, 1)
    assert totals["Governorate"]["Rif Dimashq (SY-RD)"] == (2, 1)
    districts = totals["District (fatalities)"]
    # every district with incidents, the nine incidents placed in one (not the Yarmouk basin)
    assert districts["All"] == (9, 1)
    first = next(iter(districts))
    assert districts[first] == (1, 1)           # the highest toll first: Mousavi's district
    assert "1 killed" in page.split('<p class="sub">', 1)[1].split("</p>", 1)[0]
    assert '"areas":{"level":"admin2","measure":"fatalities"' in page   # the map's layer


def test_brief_escapes_text_and_links_only_http(hostile, gazetteer, tmp_path):
    page = write_report(hostile, tmp_path / "brief.html",
                        gazetteer=gazetteer).read_text(encoding="utf-8")
    body = page.split('<section id="timeline">', 1)[1]   # past the map's own data block
    assert "<script>window.__pwned" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in body
    assert 'href="javascript:' not in page
    assert 'href="https://example.org/a?b=1&amp;c=2"' in page
    assert "Qwxzzy Nowhere" in body.split('<section id="review">', 1)[1]   # in the review list
    assert len(re.findall(r'<tr data-row="\d+">', page)) == len(hostile.located) == 1


def test_timeline_stacks_incidents_per_day_by_type(seed):
    svg = timeline_svg(seed.located)
    bars = re.findall(r"<title>(\d{4}-\d{2}-\d{2}): (\d+) ([a-z ]+)</title>", svg)
    total = sum(int(n) for _, n, _ in bars)
    assert total == 10
    assert ("2024-01-02", "3", "drone") in bars and ("2023-12-25", "1", "air strike") in bars
    assert "31 Dec" in svg


def test_pdf_brief_is_a_map_page_and_a_table_page(seed, gazetteer, tmp_path):
    exe = shutil.which("pdftoppm")
    if exe is None:
        if IN_CI:
            pytest.fail("pdftoppm is missing: CI must install Debian's poppler-utils")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    path = write_report(seed, tmp_path / "brief.pdf", title="Seed brief", gazetteer=gazetteer)
    subprocess.run([exe, "-r", "30", "-png", str(path), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p*.png"))
    assert len(pages) == 2
    for page in pages:
        assert np.asarray(Image.open(page).convert("L")).std() > 5


def test_brief_refuses_other_formats(seed, gazetteer, tmp_path):
    with pytest.raises(OutputError, match=r"\.html, \.htm, \.pdf"):
        write_report(seed, tmp_path / "brief.docx", gazetteer=gazetteer)


# --- in a browser ----------------------------------------------------------------------------

@pytest.mark.browser
def test_brief_opens_offline_in_chromium_without_errors(seed, gazetteer, asset_cache, browser,
                                                        tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    path = write_report(seed, tmp_path / "brief.html", title="Seed brief", self_contained=True,
                        basemap="none", gazetteer=gazetteer, cache_dir=asset_cache)
    context = browser.new_context()
    try:
        refused: list[str] = []

        def route(r):
            if r.request.url.startswith("file:"):
                return r.continue_()
            refused.append(r.request.url)
            return r.abort()

        context.route("**/*", route)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri(), wait_until="load")
        try:
            page.wait_for_function(
                "document.querySelectorAll('.leaflet-marker-icon').length > 0", timeout=60000)
        except sync_api.TimeoutError:
            pytest.fail(f"no marker drawn; console: {errors}; refused: {refused}")
        assert errors == [] and refused == []
        rows = page.locator("#incidents tbody tr")
        assert rows.count() == len(seed.located)
        # sorting: actor descending puts "US..."/"Israel"/... first; ascending the blanks
        actor = page.locator("#incidents thead th", has_text="Actor").locator("button")
        actor.click()
        first = page.locator("#incidents tbody tr td:nth-child(8)").all_inner_texts()
        assert first[:5] == ["unknown"] * 5 and first[-1] == "Israel"
        actor.click()
        again = page.locator("#incidents tbody tr td:nth-child(8)").all_inner_texts()
        assert again == first[::-1] or again[0] == "Israel"
        fatal = page.locator("#incidents thead th", has_text="Fatalities").locator("button")
        fatal.click()
        fatal.click()   # descending: the one incident with a count comes first
        assert page.locator("#incidents tbody tr td:nth-child(11)").first.inner_text() == "1"
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("command, output", [("render", "map.png"), ("render", "map.html"),
                                             ("report", "brief.html"), ("report", "brief.pdf")])
def test_one_command_loads_the_gazetteer_once(command, output, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from gazetteer import Gazetteer
    from mapper.cli import main

    loads = []
    bundled = Gazetteer.bundled.__func__

    def counted(cls):
        loads.append(cls)
        return bundled(cls)

    monkeypatch.setattr(Gazetteer, "bundled", classmethod(counted))
    result = CliRunner().invoke(main, [command, str(SEED), "-o", str(tmp_path / output),
                                       "--located", str(tmp_path / "located.csv")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / output).stat().st_size > 0
    assert len(loads) == 1
