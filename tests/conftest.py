"""Shared fixtures: an empty user data folder, so no import on this machine leaks into a test."""

from __future__ import annotations

import os
from pathlib import Path


import pytest

from gazetteer.sources import import_file

from gazetteer import Gazetteer



@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAPPER_DATA", str(tmp_path_factory.getbasetemp() / "user-data"))


def geonames_row(gid, name, lat, lon, admin1, alternates="", fcode="PPL", population=0, cc="SY"):
    fclass = "A" if fcode.startswith("ADM") else "P"
    return "\t".join([str(gid), name, name, alternates, str(lat), str(lon), fclass, fcode, cc, "",
                      admin1, "", "", "", str(population), "", "", "Asia/Damascus", "2024-01-01"])


# Look-alikes as GeoNames lists them: villages called Rumaylan near Shaddadi (Hasakah, "01"),
# Malikiyah villages in Aleppo ("09") and Rif Dimashq ("08"), Ras al-Ayn in Latakia and Hama.
LOOKALIKES = [
    geonames_row(385463, "Rumaylan", 36.16750, 40.47806, "01", "رميلان"),
    geonames_row(8264230, "Rumaylan", 35.94309, 40.71368, "01"),
    geonames_row(9000001, "Rumaylan", 36.30000, 37.90000, "09", "رميلان"),
    geonames_row(166898, "Al Malikiyah", 36.54303, 36.99218, "09", "المالكية"),
    geonames_row(8412632, "Al Malikiyah", 33.34926, 36.23807, "08", "المالكية"),
    geonames_row(7674722, "Al Malikiyah", 36.09204, 37.27927, "09"),
    geonames_row(8695144, "Ra's al `Ayn", 35.32356, 36.00025, "02", "رأس العين"),
    geonames_row(165511, "Ra's al `Ayn", 35.30000, 37.08333, "10", "رأس العين"),
    geonames_row(168580, "Kanakir", 32.66517, 36.50958, "05", "كناكر"),
    geonames_row(9000002, "Hasakah District", 36.5, 40.7, "01", fcode="ADM2"),
]


@pytest.fixture
def lookalike_dump(tmp_path) -> Path:
    path = tmp_path / "SY.txt"
    path.write_text("\n".join(LOOKALIKES) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def with_lookalikes(lookalike_dump, tmp_path) -> Gazetteer:
    import_file(lookalike_dump, tmp_path / "data")
    return Gazetteer.default(tmp_path / "data")


IN_CI = os.environ.get("CI") == "true"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def asset_cache(tmp_path_factory) -> Path:
    """The user cache when it holds the pinned assets; else fetch them once into a temp one."""
    from mapper import assets

    env = os.environ.get("INCIDENT_MAPPER_CACHE")
    cache = Path(env) if env else tmp_path_factory.mktemp("assets-cache")
    try:
        assets.fetch_all(cache)
    except assets.AssetsUnavailable as exc:
        if IN_CI:
            raise
        pytest.skip(f"pinned assets not available: {exc}")
    return cache


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium through Playwright: never a downloaded browser."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded once."""
    return Gazetteer.bundled()
