"""Shared fixtures: an empty user data folder and a cache of the test session's own, so that
nothing a user imported or cached on this machine leaks into a test, and no test writes there."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gazetteer import Gazetteer
from gazetteer.sources import import_file, user_cache_dir

# The user's cache as it was before the session, read once (never written): its pinned assets
# spare the session a download.
_USER_ASSETS = user_cache_dir() / "assets"


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory) -> Path:
    cache = tmp_path_factory.mktemp("cache")
    if _USER_ASSETS.is_dir():
        shutil.copytree(_USER_ASSETS, cache / "assets")
    return cache


@pytest.fixture(scope="session", autouse=True)
def _isolated_user_folders(tmp_path_factory, _session_cache):
    # Session-wide and first of all, so that session fixtures (the bundled gazetteer) and
    # subprocesses see them too.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INCIDENT_MAPPER_DATA", str(tmp_path_factory.getbasetemp() / "user-data"))
        patch.setenv("INCIDENT_MAPPER_CACHE", str(_session_cache))
        yield


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
def asset_cache(_session_cache) -> Path:
    """The session's cache with the pinned assets in it (fetched once when the user's cache did
    not hold them)."""
    from mapper import assets

    cache = _session_cache
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
