"""The parcel page in headless Chromium: a deep link opens the card, zoomed to the parcel;
a click on the map opens a parcel's card."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gis.crs import to_display
from gis.store import ParkStore
from tests.browser_kit import map_frame

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 60
VIEWPORT = {"width": 1600, "height": 1000}
SCREENSHOT = ROOT / "docs" / "screenshot-parcel.png"
MAP_IFRAME = 'iframe[src*="streamlit_folium"]'

FOCUS_READY_JS = (
    "() => !!(window.parkLayers && window.parkLayers.focus && window.parkLayers.parcels)"
)
# The Leaflet map's view and the focus layer, as plain numbers.
VIEW_JS = """() => { const f = window.parkLayers.focus; const m = f._map;
  const b = m.getBounds(); const fb = f.getBounds();
  return {zoom: m.getZoom(), focus: f.getLayers().length,
          map: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
          parcel: [fb.getWest(), fb.getSouth(), fb.getEast(), fb.getNorth()]}; }"""


@pytest.fixture(scope="module")
def server(browser, app_server):
    """The shared app, past its special first run (see tests/test_browser.py)."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_S * 1000)
        page.goto(app_server.url + "/", wait_until="domcontentloaded")
        map_frame(page, "() => !!(window.parkLayers && window.parkLayers.parcels)")
    finally:
        context.close()
    return app_server


@pytest.fixture
def page(browser, server) -> Iterator:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_S * 1000)
    try:
        yield page
    finally:
        context.close()


def parcel_bounds(server, code: str) -> tuple[float, float, float, float]:
    parcels = ParkStore(server.store_path).read("parcels")
    return tuple(to_display(parcels[parcels["code"] == code]).total_bounds)


def park_bounds(server) -> tuple[float, float, float, float]:
    return tuple(to_display(ParkStore(server.store_path).read("park_boundary")).total_bounds)


def contains(outer, inner, slack: float = 1e-6) -> bool:
    return (
        outer[0] <= inner[0] + slack
        and outer[1] <= inner[1] + slack
        and outer[2] >= inner[2] - slack
        and outer[3] >= inner[3] - slack
    )


@pytest.mark.parametrize("path", ["/?parcel=D07", "/parcels?parcel=D07"])
def test_deep_link_opens_the_card_zoomed_to_the_parcel(page, server, path):
    page.goto(server.url + path, wait_until="domcontentloaded")
    page.get_by_role("heading", name="D07 · 碧湖区块D07地块").wait_for()
    frame = map_frame(page, FOCUS_READY_JS)
    view = frame.evaluate(VIEW_JS)
    assert view["focus"] == 1
    expected = parcel_bounds(server, "D07")
    assert contains(view["map"], expected), (view["map"], expected)
    assert all(abs(a - b) < 1e-5 for a, b in zip(view["parcel"], expected, strict=True))
    # Zoomed to the parcel: the view is far smaller than the whole park.
    park = park_bounds(server)
    view_w, park_w = view["map"][2] - view["map"][0], park[2] - park[0]
    assert view_w < park_w / 3, (view_w, park_w)
    assert "parcel=D07" in page.url
    assert "/parcels" in page.url  # the root link handed over to the parcel page

    if path.startswith("/?"):
        page.evaluate("() => document.fonts.ready.then(() => true)")
        frame.evaluate("() => document.fonts.ready.then(() => true)")
        page.wait_for_timeout(1500)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=False)


def test_unknown_deep_link_says_so(page, server):
    page.goto(server.url + "/parcels?parcel=NOPE", wait_until="domcontentloaded")
    page.get_by_text("链接中的地块编号“NOPE”不存在").wait_for()
    assert page.get_by_test_id("stException").count() == 0


def test_clicking_a_parcel_opens_its_card(page, server):
    page.goto(server.url + "/parcels", wait_until="domcontentloaded")
    frame = map_frame(page, "() => !!(window.parkLayers && window.parkLayers.parcels)")
    page.wait_for_timeout(1000)
    # Where on screen is the centre of parcel A3 (an interior point, as Leaflet draws it)?
    parcels = ParkStore(server.store_path).read("parcels")
    a3 = to_display(parcels[parcels["code"] == "A3"]).geometry.iloc[0].representative_point()
    xy = frame.evaluate(
        """([lat, lng]) => { const m = window.parkLayers.parcels._map;
           m.setView([lat, lng], 17, {animate: false});  // clear of the controls
           const p = m.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }""",
        [a3.y, a3.x],
    )
    box = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    page.get_by_role("heading", name="A3 · 南山区块A3地块").wait_for()
    frame = map_frame(
        page,
        "() => !!(window.parkLayers && window.parkLayers.focus &&"
        " window.parkLayers.focus.getLayers().length === 1)",
    )
    assert "parcel=A3" in page.url


def test_deep_link_as_the_first_visit_after_a_restart(browser, fresh_app_server):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_S * 1000)
        page.goto(fresh_app_server.url + "/parcels?parcel=D07", wait_until="domcontentloaded")
        page.get_by_role("heading", name="D07 · 碧湖区块D07地块").wait_for()
        frame = map_frame(page, FOCUS_READY_JS)
        assert frame.evaluate(VIEW_JS)["focus"] == 1
    finally:
        context.close()
