"""Offline Leaflet: the library's files are served by the app itself.

Folium's defaults load Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, so an
offline machine shows a blank map. We ship Leaflet 1.9.3 (the version folium 0.20
targets) from the ``XStatic-Leaflet`` package on PyPI: :func:`install_assets` copies
its files into Streamlit's static folder, served at ``/app/static/``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import xstatic.pkg.leaflet as xstatic_leaflet

from layers import payloads

LEAFLET_VERSION = "1.9.3"
VENDOR_DIR = f"vendor/leaflet-{LEAFLET_VERSION}"
_FILES = (
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)


@dataclass(frozen=True)
class AssetUrls:
    """Where the browser finds Leaflet: same-origin paths by default."""

    leaflet_js: str
    leaflet_css: str
    data_base: str = "/" + payloads.ROUTE  # large layers (layers.payloads), same origin


def install_assets(static_dir: Path) -> Path:
    """Copy Leaflet's files into ``static_dir/vendor/leaflet-<version>/``; return that folder.

    Files already present with the same size are left alone, so this is cheap to call
    at every start.
    """
    source = Path(xstatic_leaflet.BASE_DIR)
    if xstatic_leaflet.VERSION != LEAFLET_VERSION:
        raise RuntimeError(
            f"XStatic-Leaflet {xstatic_leaflet.VERSION} installed, {LEAFLET_VERSION} expected; "
            "install requirements.txt"
        )
    target = static_dir / VENDOR_DIR
    for name in _FILES:
        src, dst = source / name, target / name
        if dst.exists() and dst.stat().st_size == src.stat().st_size:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(dst.name + ".tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)  # atomic, so a concurrent server never serves half a file
    return target


def asset_urls(base_url: str = "/app/static", site: str = "") -> AssetUrls:
    """URLs of the vendored files under ``base_url`` (Streamlit serves ./static there) and
    of published layers under ``site`` (the server's base path, "" at the root)."""
    root = f"{base_url.rstrip('/')}/{VENDOR_DIR}"
    return AssetUrls(
        leaflet_js=f"{root}/leaflet.js",
        leaflet_css=f"{root}/leaflet.css",
        data_base=f"{site.rstrip('/')}/{payloads.ROUTE}",
    )
