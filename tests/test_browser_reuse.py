"""The reuse page in headless Chromium: run, save, compare two scenarios on maps side by side.

Takes ``docs/screenshot-reuse.png`` of the comparison.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from gis.reuse import config, scenarios
from gis.reuse import run as reuse_run
from gis.store import ParkStore
from tests.actors import ACTOR
from tests.browser_kit import foreign_requests
from tests.conftest import serve_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "screenshot-reuse.png"
SHOTS = Path("/tmp/shots")
TIMEOUT_S = 90
REUSE_MAPS_JS = "() => !!(window.parkLayers && window.parkLayers.reuse)"
ALL_JS = "() => window.parkLayers.reuse.getLayers().length"
PLACED_JS = """() => window.parkLayers.reuse.getLayers()
    .filter(l => l.feature.properties.k === 0).length"""


def reuse_counts(page, n: int) -> list[tuple[int, int]]:
    """(features, matched) of the reuse layer in each map, once ``n`` maps show it.

    A rerun replaces the component iframes, so frames are looked up afresh on every poll
    and the figures are only returned when two polls in a row agree.
    """
    deadline = time.monotonic() + TIMEOUT_S
    last: list[tuple[int, int]] | None = None
    while True:
        counts = []
        for frame in page.frames:
            if "streamlit_folium" not in frame.url or frame.is_detached():
                continue
            try:
                if frame.evaluate(REUSE_MAPS_JS):
                    counts.append((frame.evaluate(ALL_JS), frame.evaluate(PLACED_JS)))
            except Exception:  # the frame navigated or detached mid-call
                continue
        counts.sort()
        if len(counts) == n and counts == last:
            return counts
        last = counts
        if time.monotonic() > deadline:
            pytest.fail(f"{len(counts)} of {n} reuse maps ready within {TIMEOUT_S} s")
        page.wait_for_timeout(500)


@pytest.fixture
def reuse_server(sample_store_path, tmp_path):
    """The app on a store that already holds the baseline and one saved scenario."""
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    store = ParkStore(path)
    frames = store.read_all()
    scenarios.ensure_baseline(store, frames, actor=ACTOR)
    bihu = frames["vacant_spaces"]["parcel_code"].str.startswith("D")
    run = reuse_run.run_scenario(
        frames, space_ids=list(frames["vacant_spaces"]["space_id"][bihu]), seed=1
    )
    scenarios.save_scenario(store, run, name="碧湖试点", actor=ACTOR)
    with serve_app(path, tmp_path) as server:
        yield server


def test_run_save_and_compare_in_the_browser(browser, reuse_server):
    context = browser.new_context(viewport={"width": 1600, "height": 1900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_S * 1000)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        # The first run after a server start is Streamlit's legacy pages-folder mode (see
        # tests/test_browser.py): visit the home page first, as the other browser tests do.
        page.goto(reuse_server.url + "/", wait_until="domcontentloaded")
        page.get_by_test_id("stSidebar").wait_for()
        page.goto(reuse_server.url + "/reuse", wait_until="domcontentloaded")
        page.get_by_role("heading", name="闲置厂房盘活方案").wait_for()
        page.get_by_role("button", name="运行匹配").click()
        page.get_by_text("匹配结果", exact=True).wait_for()
        page.get_by_text("未匹配及原因").wait_for()
        page.get_by_label("方案名称").fill("全园·允许分割")
        assert page.get_by_label("编制人").count() == 0, "the author is the signed-in account"
        page.get_by_role("button", name="保存方案").click()
        page.get_by_text("已保存方案 S002。").wait_for()

        page.get_by_test_id("stRadio").locator("label").filter(has_text="方案比较").click()
        page.get_by_text("差值 S002−BASELINE").first.wait_for(state="attached")
        counts = reuse_counts(page, 2)
        saved = ParkStore(reuse_server.store_path).read("scenarios")
        assert list(saved["scenario_id"]) == ["BASELINE", "S001", "S002"]
        placed = scenarios.load_scenario(saved, "S002").placements
        n_spaces = len(ParkStore(reuse_server.store_path).read("vacant_spaces"))
        # Every vacant space on both maps; the baseline places nobody.
        assert counts == [(n_spaces, 0), (n_spaces, placed["space_id"].nunique())]

        page.evaluate("() => document.fonts.ready.then(() => true)")
        page.wait_for_timeout(1500)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        foreign = foreign_requests(requests, reuse_server.url)
        assert not foreign, foreign
    finally:
        context.close()


@pytest.fixture
def weights_server(sample_store_path, tmp_path):
    """The baseline and S001, whose match score weighs tax twice as much."""
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    store = ParkStore(path)
    frames = store.read_all()
    scenarios.ensure_baseline(store, frames, actor=ACTOR)
    bihu = frames["vacant_spaces"]["parcel_code"].str.startswith("D")
    run = reuse_run.run_scenario(
        frames,
        space_ids=list(frames["vacant_spaces"]["space_id"][bihu]),
        config=config.ReuseConfig(w_tax=0.5),
        seed=1,
    )
    scenarios.save_scenario(store, run, name="Bihu, tax first", actor=ACTOR)
    with serve_app(path, tmp_path) as server:
        yield server


FOLDED_JS = """() => {
  const legend = document.querySelector('.park-legend');
  const body = legend && legend.querySelector('.park-legend-body');
  const layers = document.querySelector('.leaflet-control-layers');
  return {
    compact: !!(legend && legend.classList.contains('park-legend-compact')),
    bodyHidden: !!body && getComputedStyle(body).display === 'none',
    note: legend ? (legend.querySelector('.park-legend-note') || {}).textContent : null,
    layersOpen: !!layers && layers.classList.contains('leaflet-control-layers-expanded'),
    legendHeight: legend ? legend.getBoundingClientRect().height : null,
  };
}"""


def test_compare_with_different_weights_in_english(browser, weights_server):
    from tests.browser_kit import choose_selectbox

    context = browser.new_context(viewport={"width": 1600, "height": 1400}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_S * 1000)
    try:
        page.goto(weights_server.url + "/", wait_until="domcontentloaded")
        page.get_by_test_id("stSidebar").wait_for()
        choose_selectbox(page, "语言 / Language", "English")
        page.get_by_role("heading", name="Park map").wait_for()
        page.goto(weights_server.url + "/reuse", wait_until="domcontentloaded")
        page.get_by_test_id("stSidebar").wait_for()
        choose_selectbox(page, "语言 / Language", "English")
        page.get_by_test_id("stRadio").locator("label").filter(has_text="Compare").click()
        page.get_by_text("The scenarios use different weights").wait_for()
        page.get_by_text("Difference S001−BASELINE").first.wait_for(state="attached")
        reuse_counts(page, 2)
        states = []
        for frame in page.frames:
            if "streamlit_folium" in frame.url and not frame.is_detached():
                states.append(frame.evaluate(FOLDED_JS))
        assert len(states) == 2, states
        for state in states:
            # Folded legend (the 示意数据 note still shown), collapsed layer control.
            assert state["compact"] and state["bodyHidden"] and not state["layersOpen"], state
            assert state["note"] and "Illustrative" in state["note"]
            assert state["legendHeight"] < 120, state
        page.evaluate("() => document.fonts.ready.then(() => true)")
        page.wait_for_timeout(1500)
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "exports-reuse-compare.png"), full_page=True)
        page.get_by_role("button", name="Re-run and check").scroll_into_view_if_needed()
        page.mouse.move(800, 700)
        page.mouse.wheel(0, 500)
        page.mouse.move(100, 1300)  # off the maps: no scroll-zoom hint over them
        page.wait_for_timeout(2500)
        page.screenshot(path=str(SHOTS / "exports-reuse-maps.png"))
    finally:
        context.close()
