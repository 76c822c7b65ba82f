"""A district in headless Chromium (#15): 10,000 parcels, seen from afar as the grid, then
parcel by parcel as the map zooms in, with their codes close up; offline, signed-in only.

The store is ``bench/browser_map.build_store``'s (the benchmark's synthetic parcels, each
with one status event). Screenshots of the three zooms go to /tmp/shots/h4-district-z*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.browser_map import build_store
from gis.meeting import views as meeting_views
from gis.store import ParkStore
from layers.aggregate import DETAIL_ZOOM, OUTLINE_ZOOM
from layers.parcels import LABEL_MIN_ZOOM
from tests.actors import ACTOR
from tests.browser_kit import map_frame, new_page, record_foreign_requests
from tests.conftest import serve_app

pytestmark = pytest.mark.browser

N = 10_000
TIMEOUT_S = 180  # 10,000 parcels fetched, decoded and drawn on a busy 2-core machine
SHOTS = Path("/tmp/shots")
MAP_IFRAME = 'iframe[src*="streamlit_folium"]'

MAP_JS = 'window[Object.keys(window).find(k => k.startsWith("map_"))]'
DRAWN_JS = "() => window.parkMapDrawn === true && !!window.parkLayers"
#: The aggregate's parcels: a cell's stripes come one after another, each with the cell's
#: tooltip text ("123 宗 · 456.7 亩：..."), so a run of equal texts is one cell.
GRID_JS = r"""() => {
  const texts = window.parkLayers.aggregate.getLayers().map(l => l.feature.properties.d);
  let parcels = 0, cells = 0;
  texts.forEach((d, i) => {
    if (i > 0 && texts[i - 1] === d) { return; }
    const m = /^(\d+) 宗 · /.exec(d);
    cells += 1;
    parcels += m ? Number(m[1]) : NaN;
  });
  return {stripes: texts.length, cells: cells, parcels: parcels};
}"""
STATE_JS = f"""() => {{
  const map = {MAP_JS};
  const layers = window.parkLayers, agg = layers.aggregate, parcels = layers.parcels;
  const view = map.getBounds();
  let inView = 0, weight = null;
  if (parcels) {{
    parcels.eachLayer(l => {{
      if (view.intersects(l.getBounds())) {{ inView += 1; }}
      weight = l.options.weight;
    }});
  }}
  const labels = Array.from(document.querySelectorAll(".park-label-parcels"));
  return {{
    zoom: map.getZoom(),
    drawn: window.parkMapDrawn === true,
    aggregateShown: !!(agg && agg._map),
    aggregateFeatures: agg ? agg.getLayers().length : 0,
    parcelsBuilt: !!parcels,
    parcelsShown: !!(parcels && parcels._map),
    parcelCount: parcels ? parcels.getLayers().length : 0,
    parcelWeight: weight,
    inView: inView,
    labels: labels.length,
    labelTexts: labels.slice(0, 5).map(e => e.textContent),
    note: (document.querySelector(".park-legend-zoom") || {{}}).textContent || "",
  }};
}}"""
#: Which park layers' groups are on the map.
GROUPS_JS = """() => Object.fromEntries(
  Object.entries(window.parkGroups).map(([k, g]) => [k, !!g._map]))"""
PAINTED_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
#: The largest distance (px) between a code label's centre and its parcel's centre on screen.
LABEL_OFFSETS_JS = f"""() => {{
  const map = {MAP_JS}, byCode = {{}};
  window.parkLayers.parcels.eachLayer(l => {{ byCode[l.feature.properties.c] = l; }});
  const box = map.getContainer().getBoundingClientRect();
  return Array.from(document.querySelectorAll(".park-label-parcels")).map(e => {{
    const r = e.firstElementChild ? e.firstElementChild.getBoundingClientRect()
                                  : e.getBoundingClientRect();
    const at = map.latLngToContainerPoint(byCode[e.textContent].getBounds().getCenter());
    return Math.hypot(r.left + r.width / 2 - box.left - at.x, r.top + r.height / 2 - box.top - at.y);
  }}).reduce((a, b) => Math.max(a, b), 0);
}}"""


@pytest.fixture(scope="module")
def district_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    workdir = tmp_path_factory.mktemp("district")
    store = build_store(workdir / "park.gpkg", N)
    with serve_app(store, workdir) as server:
        yield server


def zoom_to(page, zoom: int, ready_js: str):
    """Set the map's zoom; the frame once ``ready_js`` holds there."""
    frame = map_frame(page, DRAWN_JS, TIMEOUT_S)
    frame.evaluate(f"() => {{ {MAP_JS}.setZoom({zoom}, {{animate: false}}); }}")
    frame = map_frame(page, ready_js, TIMEOUT_S)
    frame.evaluate(PAINTED_JS)
    return frame


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(MAP_IFRAME).screenshot(path=str(SHOTS / name))


def test_district_grid_then_parcels_then_codes(browser, district_server):
    context, page = new_page(browser)
    page.set_default_timeout(TIMEOUT_S * 1000)
    foreign = record_foreign_requests(page, district_server.url)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/park-data/" in r.url else None)
    try:
        page.goto(district_server.url + "/", wait_until="domcontentloaded")
        # From afar: the grid is drawn, the parcels are neither fetched nor built. The map
        # says it is drawn only once the grid has arrived (the bench times that signal).
        frame = map_frame(page, DRAWN_JS, TIMEOUT_S)
        frame.evaluate(PAINTED_JS)
        far = frame.evaluate(STATE_JS)
        assert far["zoom"] < DETAIL_ZOOM - 1, far
        assert far["aggregateShown"] and far["aggregateFeatures"] > 0, far
        assert not far["parcelsBuilt"] and not far["parcelsShown"], far
        assert "网格" in far["note"] and f"{DETAIL_ZOOM} 级" in far["note"], far["note"]
        assert far["labels"] == 0
        grid = frame.evaluate(GRID_JS)
        assert grid["parcels"] == N, grid  # every parcel in exactly one cell
        assert grid["cells"] > 1 and grid["stripes"] == far["aggregateFeatures"], grid
        shot(page, f"h4-district-z{far['zoom']}.png")
        fetched_far = len(fetched)  # the grid's own file, if it is too large to ride inline

        # Parcel level: all 10,000 drawn, without outlines; the grid is off the map.
        frame = zoom_to(
            page,
            DETAIL_ZOOM,
            "() => !!(window.parkLayers.parcels && window.parkLayers.parcels._map)"
            " && window.parkMapDrawn === true",
        )
        near = frame.evaluate(STATE_JS)
        assert near["zoom"] == DETAIL_ZOOM and near["parcelCount"] == N, near
        assert near["parcelsShown"] and not near["aggregateShown"], near
        assert near["parcelWeight"] == 0, "outlines from zoom 15 only"
        assert "网格" not in near["note"] and "不画边线" in near["note"], near["note"]
        assert near["labels"] == 0, "codes from zoom 16 only"
        assert len(fetched) == fetched_far + 1, "the parcels were fetched on zooming in, once"
        shot(page, f"h4-district-z{DETAIL_ZOOM}.png")

        # Close up: outlines, and codes for the parcels in view only.
        frame = zoom_to(
            page,
            LABEL_MIN_ZOOM,
            "() => document.querySelectorAll('.park-label-parcels').length > 0",
        )
        close = frame.evaluate(STATE_JS)
        assert close["zoom"] == LABEL_MIN_ZOOM and close["parcelWeight"] == 1, close
        assert 0 < close["labels"] < 2000 and close["labels"] == close["inView"], close
        assert all(re.fullmatch(r"LD-\d{6}", t) for t in close["labelTexts"]), close
        assert close["note"] == "逐地块显示，含地块编号。", close["note"]
        # Each code sits on its parcel: centred, not hanging from the centre by its corner.
        assert frame.evaluate(LABEL_OFFSETS_JS) < 3
        assert OUTLINE_ZOOM < LABEL_MIN_ZOOM
        shot(page, f"h4-district-z{LABEL_MIN_ZOOM}.png")

        # Back out: the grid again, no labels left behind.
        back = zoom_to(
            page,
            far["zoom"],
            "() => !!(window.parkLayers.aggregate && window.parkLayers.aggregate._map)",
        ).evaluate(STATE_JS)
        assert not back["parcelsShown"] and back["labels"] == 0 and "网格" in back["note"], back

        assert foreign == [], foreign
        assert fetched, "a district's parcels come as a file from /park-data"
        digest_url = fetched[-1]
        assert page.request.get(digest_url).status == 200
    finally:
        context.close()

    # A browser without a session cannot fetch the data, even knowing its address.
    signed_out = browser.new_context(signed_in=False)
    try:
        response = signed_out.request.get(digest_url)
        assert response.status == 403
        assert response.body() == b""
    finally:
        signed_out.close()


def test_a_view_without_parcels_hides_their_grid_and_never_fetches_them(browser, district_server):
    """A saved view that leaves the parcels off keeps them off in a district too: the grid
    that sums them goes with them, and zooming in fetches no parcels (a fetched layer's
    group is known before its features arrive)."""
    store = ParkStore.open(district_server.store_path)
    layers = tuple(k for k in meeting_views.DEFAULT_LAYERS if k != "parcels")
    state = meeting_views.ViewState(layers=layers)
    view_id = meeting_views.save_view(store, name="无地块", state=state, actor=ACTOR)
    context, page = new_page(browser)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/park-data/" in r.url else None)
    try:
        page.goto(f"{district_server.url}/meeting?view={view_id}", wait_until="domcontentloaded")
        frame = map_frame(page, DRAWN_JS + " && !!window.parkViewFit", TIMEOUT_S)
        page.wait_for_timeout(500)  # the view's settings run once the map's script has
        shown = frame.evaluate(GROUPS_JS)
        assert shown["blocks"] and shown["context"], shown
        assert not shown["aggregate"] and not shown["parcels"], shown
        before = len(fetched)
        frame.evaluate(f"() => {{ {MAP_JS}.setZoom({DETAIL_ZOOM}, {{animate: false}}); }}")
        page.wait_for_timeout(1500)
        assert frame.evaluate("() => !window.parkLayers.parcels")
        assert len(fetched) == before, fetched
    finally:
        context.close()
