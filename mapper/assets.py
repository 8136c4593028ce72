"""Pinned front-end assets for self-contained maps: fetched once, verified, never committed.

A self-contained map inlines Leaflet and an outline basemap of the region's countries
(Natural Earth, through the `world-atlas` package). No third-party code lives
in this repository: each package is pinned below by exact version and the sha256 of its npm
tarball, downloaded once into the user cache (`$INCIDENT_MAPPER_CACHE/assets/`) and checked
against that hash every time it is read.

>>> bundle = load_bundle()            # doctest: +SKIP
>>> bundle.leaflet_js[:40]            # doctest: +SKIP
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import tarfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from gazetteer.sources import user_cache_dir

from .errors import AssetError, WriteError
from .output import write_bytes

__all__ = ["PINNED", "REGION_COUNTRIES", "REGISTRY", "AssetChecksumError", "AssetError",
           "AssetsUnavailable", "Bundle", "Pinned", "assets_dir", "fetch", "fetch_all",
           "load_bundle", "read_members", "region_outlines", "sha256", "topojson_features"]

REGISTRY = "https://registry.npmjs.org"
FETCH_TIMEOUT_S = 30


@dataclass(frozen=True, slots=True)
class Pinned:
    """One npm package at an exact version, and the sha256 of its tarball."""

    package: str
    version: str
    sha256: str

    @property
    def filename(self) -> str:
        return f"{self.package}-{self.version}.tgz"

    def url(self, registry: str = REGISTRY) -> str:
        return f"{registry.rstrip('/')}/{self.package}/-/{self.filename}"


PINNED: dict[str, Pinned] = {
    p.package: p
    for p in (
        Pinned("leaflet", "1.9.4",
               "84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77"),
        Pinned("world-atlas", "2.0.2",
               "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"),
    )
}

# The same versions from a CDN, for maps that are not self-contained.
CDN = "https://cdn.jsdelivr.net/npm"
CDN_JS = (
    ("leaflet", f"{CDN}/leaflet@{PINNED['leaflet'].version}/dist/leaflet.js"),
)
CDN_CSS = (
    ("leaflet_css", f"{CDN}/leaflet@{PINNED['leaflet'].version}/dist/leaflet.css"),
)

# ISO 3166 numeric codes (world-atlas ids): Syria, Iraq and every country within reach of a
# map of them, so that the outline basemap has no hole where a neighbour should be.
REGION_COUNTRIES = {
    "760": "Syria", "368": "Iraq", "792": "Turkey", "422": "Lebanon", "400": "Jordan",
    "376": "Israel", "275": "Palestine", "682": "Saudi Arabia", "364": "Iran", "414": "Kuwait",
    "196": "Cyprus", "818": "Egypt", "051": "Armenia", "031": "Azerbaijan", "268": "Georgia",
    "048": "Bahrain", "634": "Qatar",
}


class AssetsUnavailable(AssetError, ConnectionError):
    """The cache lacks a pinned package and the npm registry could not be reached."""


class AssetChecksumError(AssetError, ValueError):
    """A downloaded or cached tarball does not match its pinned sha256."""


def assets_dir(cache_dir: Path | None = None) -> Path:
    """Where the tarballs are kept: `<user cache>/assets`."""
    return (cache_dir if cache_dir is not None else user_cache_dir()) / "assets"


def sha256(data: bytes) -> str:
    """The hex sha256 of `data`, as pinned in PINNED."""
    return hashlib.sha256(data).hexdigest()


def fetch(pin: Pinned, cache_dir: Path | None = None, registry: str = REGISTRY) -> Path:
    """The cached tarball of `pin`, downloading it first if it is not there yet.

    Raises AssetsUnavailable when it must be downloaded and cannot be, and
    AssetChecksumError when what arrived is not what was pinned.
    """
    path = assets_dir(cache_dir) / pin.filename
    if path.is_file():
        return path
    url = pin.url(registry)
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as response:  # noqa: S310
            data = response.read()
    except (urllib.error.URLError, OSError) as exc:
        raise AssetsUnavailable(
            f"self-contained maps need {pin.package} {pin.version}, which is not in the cache "
            f"({path.parent}) and could not be downloaded from {url}: {exc}. Connect once to "
            f"fetch it, or set INCIDENT_MAPPER_CACHE to a folder that holds {pin.filename}."
        ) from exc
    digest = sha256(data)
    if digest != pin.sha256:
        raise AssetChecksumError(
            f"{url} has sha256 {digest}, but {pin.package} {pin.version} is pinned to "
            f"{pin.sha256}; not using it"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(path.parent, exc) from exc
    # At once, even inside a command's all-or-nothing outputs: a cache, read right after.
    write_bytes(path, data, alone=True)
    return path


def fetch_all(cache_dir: Path | None = None, registry: str = REGISTRY) -> list[Path]:
    """Download every pinned package not yet cached (e.g. before going offline)."""
    return [fetch(pin, cache_dir, registry) for pin in PINNED.values()]


def read_members(pin: Pinned, names: tuple[str, ...], cache_dir: Path | None = None,
                 registry: str = REGISTRY) -> dict[str, bytes]:
    """The files `names` (paths under the tarball's `package/`) of the verified tarball of `pin`,
    fetched into the cache first when needed.

    Raises AssetsUnavailable when it cannot be fetched, AssetChecksumError when the cached
    tarball is not the one pinned, AssetError when a file is not in it.
    """
    path = fetch(pin, cache_dir, registry)
    data = path.read_bytes()
    digest = sha256(data)
    if digest != pin.sha256:
        raise AssetChecksumError(
            f"{path} has sha256 {digest}, but {pin.package} {pin.version} is pinned to "
            f"{pin.sha256}; delete it to download it again"
        )
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for name in names:
            member = tar.extractfile(f"package/{name}")
            if member is None:
                raise AssetError(f"{path} has no file package/{name}")
            out[name] = member.read()
    return out


@dataclass(frozen=True, slots=True)
class Bundle:
    """Everything a self-contained map inlines: scripts, styles and the outline basemap."""

    leaflet_js: str
    leaflet_css: str
    outlines: dict          # GeoJSON FeatureCollection of REGION_COUNTRIES


def load_bundle(cache_dir: Path | None = None, registry: str = REGISTRY) -> Bundle:
    """The verified assets, fetched into the cache on first use.

    Raises AssetsUnavailable when the cache is empty and the registry cannot be reached.
    """
    base = (cache_dir if cache_dir is not None else user_cache_dir()).resolve()
    return _load_bundle(base, registry)


@functools.lru_cache(maxsize=4)
def _load_bundle(cache_dir: Path, registry: str) -> Bundle:
    leaflet = read_members(PINNED["leaflet"], (
        "dist/leaflet.js", "dist/leaflet.css", "dist/images/layers.png",
        "dist/images/layers-2x.png"), cache_dir, registry)
    css = leaflet["dist/leaflet.css"].decode()
    # The layer control's icon is the only image the map uses: inline it as a data URI.
    for image in ("layers-2x.png", "layers.png"):
        uri = "data:image/png;base64," + base64.b64encode(
            leaflet[f"dist/images/{image}"]).decode()
        css = css.replace(f"url(images/{image})", f"url({uri})")
    return Bundle(
        leaflet_js=leaflet["dist/leaflet.js"].decode(),
        leaflet_css=css,
        outlines=region_outlines(cache_dir, registry),
    )


def region_outlines(cache_dir: Path | None = None, registry: str = REGISTRY) -> dict:
    """Natural Earth country outlines (1:50m) of REGION_COUNTRIES as a GeoJSON
    FeatureCollection: the outline basemap of self-contained HTML maps and of static maps.

    Raises AssetError (AssetsUnavailable, AssetChecksumError) as `read_members` does.
    """
    atlas = read_members(PINNED["world-atlas"], ("countries-50m.json",), cache_dir, registry)
    return topojson_features(json.loads(atlas["countries-50m.json"]), "countries",
                             set(REGION_COUNTRIES))


def topojson_features(topology: dict, obj: str, ids: set[str], digits: int = 3) -> dict:
    """Decode the geometries of `topology["objects"][obj]` whose id is in `ids` to GeoJSON.

    A minimal TopoJSON reader (quantized, delta-encoded arcs; Polygon and MultiPolygon), so the
    outline basemap needs no JavaScript of its own. Coordinates are rounded to `digits`.
    """
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    decoded: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((round(x * sx + tx, digits), round(y * sy + ty, digits)))
        decoded.append(points)

    def ring(indices: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indices:
            points = decoded[i] if i >= 0 else decoded[~i][::-1]
            out.extend(points[1:] if out else points)
        return out

    features = []
    for geom in topology["objects"][obj]["geometries"]:
        if str(geom.get("id")) not in ids:
            continue
        if geom["type"] == "Polygon":
            coords: list = [ring(r) for r in geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            coords = [[ring(r) for r in poly] for poly in geom["arcs"]]
        else:
            continue
        features.append({
            "type": "Feature", "id": str(geom["id"]),
            "properties": {"name": (geom.get("properties") or {}).get("name", "")},
            "geometry": {"type": geom["type"], "coordinates": coords},
        })
    return {"type": "FeatureCollection", "features": features}
