"""Basemaps in headless Chromium (#18): the layer control lists the configured choices with
"no basemap" chosen and nothing leaving the origin; a local tiles file is served by the app
itself and lines up with the parcels to the pixel; an unreachable service is said so while
the parcels still draw, and its requests go to its own host only.

The tiles file is made by the test (:func:`tests.test_basemap.make_mbtiles`): a magenta
marker centred on a parcel's corner.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
import shapely
from PIL import Image

from gis.basemap import sources
from gis.basemap.sources import BasemapConfig
from gis.store import ParkStore
from tests.actors import ADMINISTRATOR
from tests.browser_kit import (
    MAP_IFRAME,
    foreign_requests,
    map_frame,
    new_page,
    open_app,
    record_foreign_requests,
)
from tests.conftest import _free_port, _private_copy, serve_app
from tests.test_basemap import make_mbtiles, marker_centre

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
ZOOM = 17
SERVICE_NAME = "内网影像"
FILE_NAME = "测试影像"

MAP_JS = "window.parkLayers.parcels._map"
BASE_LABELS_JS = """() => Array.from(document.querySelectorAll(
    '.leaflet-control-layers-base label')).map(l => [l.textContent.trim(),
    l.querySelector('input').checked])"""
# The container point of the drawn parcel vertex at (lat, lng), or null if none is there.
VERTEX_JS = """([lat, lng]) => {
  const map = window.parkLayers.parcels._map;
  let hit = null;
  const walk = (items) => items.forEach((p) => {
    if (Array.isArray(p)) { walk(p); return; }
    if (Math.abs(p.lat - lat) < 1e-9 && Math.abs(p.lng - lng) < 1e-9) { hit = p; }
  });
  window.parkLayers.parcels.getLayers().forEach((layer) => walk(layer.getLatLngs()));
  if (!hit) { return null; }
  const rect = map.getContainer().getBoundingClientRect();
  const pt = map.latLngToContainerPoint(hit);
  return [rect.left + pt.x, rect.top + pt.y];
}"""
TILES_READY_JS = """(code) => {
  const group = window.parkBasemaps && window.parkBasemaps[code];
  if (!group || !window.parkLayers.parcels._map.hasLayer(group)) { return false; }
  const tiles = group.getLayers()[0];
  return !tiles.isLoading() && Object.values(tiles._tiles).some((t) => t.loaded);
}"""
HIDE_ALL_BUT_TILES = """() => { const s = document.createElement('style'); s.id = 'only-tiles';
  s.textContent = '.leaflet-pane:not(.leaflet-map-pane):not(.leaflet-tile-pane),'
    + ' .leaflet-control-container { visibility: hidden !important; }';
  document.head.appendChild(s); }"""


def corner(store_path: Path) -> tuple[float, float]:
    """A parcel corner (lon, lat) as the map ships it (rounded to 1e-6°)."""
    parcels = ParkStore(store_path).read("parcels").sort_values("code")
    lon, lat = shapely.get_coordinates(parcels.geometry.iloc[0])[0]
    return round(float(lon), 6), round(float(lat), 6)


@pytest.fixture(scope="module")
def basemap_app(sample_store_path, tmp_path_factory) -> Iterator:
    """The app with a local tiles file (in the settings layer) and an unreachable service
    (in the environment)."""
    workdir = tmp_path_factory.mktemp("basemap_app")
    store_path = _private_copy(sample_store_path, workdir)
    mark = corner(store_path)
    minx, miny, maxx, maxy = ParkStore(store_path).read("parcels").total_bounds
    tiles_path = workdir / "imagery.mbtiles"
    whole = (minx - 0.003, miny - 0.003, maxx + 0.003, maxy + 0.003)
    near = (mark[0] - 0.004, mark[1] - 0.003, mark[0] + 0.004, mark[1] + 0.003)
    make_mbtiles(tiles_path, whole, marker=mark, zooms=range(13, 17), name=FILE_NAME)
    make_mbtiles(tiles_path, near, marker=mark, zooms=range(17, 18))
    sources.save_config(
        ParkStore(store_path), BasemapConfig(file_path=str(tiles_path)), actor=ADMINISTRATOR
    )
    closed = f"127.0.0.1:{_free_port()}"  # nothing listens there: the service is down
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(sources.ENV_URL, f"http://{closed}/tiles/{{z}}/{{x}}/{{y}}.png")
        mp.setenv(sources.ENV_NAME, SERVICE_NAME)
        mp.delenv(sources.ENV_TIANDITU_KEY, raising=False)
        mp.delenv(sources.ENV_FILE, raising=False)
        with serve_app(store_path, workdir) as server:
            yield server, mark, closed


@pytest.fixture
def page(browser, basemap_app):
    context, page = new_page(browser)
    try:
        yield page
    finally:
        context.close()


def choose_basemap(frame, text: str) -> None:
    frame.locator(".leaflet-control-layers-base label", has_text=text).click()


def test_local_file_lines_up_with_a_parcel_corner_and_stays_offline(page, basemap_app):
    server, (lon, lat), _ = basemap_app
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    foreign = record_foreign_requests(page, server.url)
    frame = open_app(page, server)

    # The layer control lists every choice, "no basemap" chosen, remote ones marked.
    assert frame.evaluate(BASE_LABELS_JS) == [
        ["无底图(离线)", True],
        [f"{SERVICE_NAME}(需联网)", False],
        [f"{FILE_NAME}(本地文件)", False],
    ]
    SHOTS.mkdir(exist_ok=True)
    frame.locator(".leaflet-control-layers").screenshot(path=str(SHOTS / "basemap-control.png"))
    assert not any("/park-tiles/" in u for u in requests)  # nothing asked for by default

    choose_basemap(frame, "本地文件")
    frame.evaluate(f"() => {{ {MAP_JS}.setView([{lat}, {lon}], {ZOOM}, {{animate: false}}); }}")
    frame = map_frame(page, f"() => ({TILES_READY_JS})('file')")
    page.wait_for_timeout(500)
    page.locator(MAP_IFRAME).screenshot(path=str(SHOTS / "basemap-local-imagery.png"))

    expected = frame.evaluate(VERTEX_JS, [lat, lon])
    assert expected is not None, "the parcel corner is not among the drawn vertices"
    frame.evaluate(HIDE_ALL_BUT_TILES)
    page.wait_for_timeout(200)
    shot = Image.open(io.BytesIO(page.locator(MAP_IFRAME).screenshot())).convert("RGB")
    cx, cy = marker_centre(np.asarray(shot))
    off = math.hypot(cx - expected[0], cy - expected[1])
    assert off <= 2.0, f"marker at ({cx:.1f}, {cy:.1f}), corner at {expected}: {off:.1f} px"

    assert foreign == [], f"requests left the app's origin with a local file: {foreign}"
    assert any("/park-tiles/" in u for u in requests), "no tile came from the app's route"


def test_unreachable_service_says_so_and_asks_only_its_host(page, basemap_app):
    server, _, host = basemap_app
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    frame = open_app(page, server)
    expected = len(ParkStore(server.store_path).read("parcels"))
    assert foreign_requests(requests, server.url) == []  # default: no basemap, offline

    choose_basemap(frame, "需联网")
    note = frame.locator(".park-basemap-note")
    note.wait_for(state="visible")
    assert note.inner_text() == f"底图暂不可用(无法连接 {host})，地块照常显示。"
    assert frame.evaluate("() => window.parkLayers.parcels.getLayers().length") == expected
    page.locator(MAP_IFRAME).screenshot(path=str(SHOTS / "basemap-unreachable.png"))
    outside = foreign_requests(requests, server.url)
    assert outside, "the service was never asked"
    assert {urlsplit(u).netloc for u in outside} == {host}

    # Back to no basemap: the note goes.
    choose_basemap(frame, "无底图")
    note.wait_for(state="hidden")
