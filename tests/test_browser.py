"""The real app in headless Chromium: the map draws offline, the controls redraw it.

Every layer sets ``window.parkLayers[<key>]`` inside the streamlit-folium iframe
(``layers/_element.py``), so the tests count features there instead of guessing from
pixels; one test also checks the pixels, so a map that is built but not painted fails.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gis import vocabulary
from gis.store import ParkStore
from tests.browser_kit import (
    MAP_IFRAME,
    choose_multiselect,
    choose_radio,
    choose_selectbox,
    css_rgb,
    foreign_requests,
    hex_rgb,
    map_frame,
    new_page,
    open_app,
    wait_legend,
)
from tests.conftest import _free_port, _health

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent

SCREENSHOT = ROOT / "docs" / "screenshot-map.png"
SHOTS = Path("/tmp/shots")  # screenshots of fixed states, for a person to look at

PARCEL_COUNT_JS = "() => window.parkLayers.parcels.getLayers().length"
LEGEND_TEXT_JS = (
    "() => { const e = document.querySelector('.park-legend'); return e ? e.textContent : ''; }"
)
# The Leaflet map the parcels are on: its centre and zoom show a pan or zoom happened.
VIEW_JS = """() => { const m = window.parkLayers.parcels._map;
                     const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"""


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="session")
def served_app(browser, app_server):
    """The shared app, past its first script run.

    The first run after a server start is special (Streamlit's legacy pages-folder mode,
    tested on its own by the first-run tests at the end), so one throwaway visit is made
    first: the other tests then behave the same whichever runs first.
    """
    context, page = new_page(browser)
    try:
        open_app(page, app_server)
    finally:
        context.close()
    return app_server


@pytest.fixture
def page(browser, served_app) -> Iterator:
    """A fresh browser context and page per test, so the tests do not share state."""
    context, page = new_page(browser)
    try:
        yield page
    finally:
        context.close()


def store_parcels(server):
    return ParkStore(server.store_path).read("parcels")


# ---------------------------------------------------------------- tests
def test_map_renders_offline_with_every_parcel(page, served_app):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    frame = open_app(page, served_app)

    expected = len(store_parcels(served_app))
    assert expected > 0
    assert frame.evaluate(PARCEL_COUNT_JS) == expected

    legend = frame.locator(".park-legend")
    legend.wait_for(state="visible")
    legend_text = legend.inner_text()
    assert "出让状态" in legend_text
    assert "示意数据" in legend_text
    label = frame.locator(".park-label-blocks", has_text="万洋区块")
    label.first.wait_for(state="visible")

    # Let the canvas and the fonts settle before taking pictures.
    page.evaluate("() => document.fonts.ready.then(() => true)")
    frame.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_timeout(1000)

    foreign = foreign_requests(requests, served_app.url)
    assert not foreign, f"requests left the app's origin (must work offline): {foreign}"
    assert any("/app/static/vendor/leaflet-" in url for url in requests), (
        "the vendored Leaflet was not loaded from the app"
    )

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # A built but unpainted map (blank canvas) must fail: inspect the map's own pixels.
    shot = Image.open(io.BytesIO(page.locator(MAP_IFRAME).screenshot())).convert("RGB")
    small = (
        np.asarray(shot.resize((shot.width // 4, shot.height // 4), Image.Resampling.NEAREST))
        .reshape(-1, 3)
        .astype(int)
    )
    distinct = len(np.unique(small, axis=0))
    assert distinct > 20, f"the map looks blank: {distinct} distinct colours"

    # Parcels are painted with fillOpacity over the map background: accept the status
    # colours both as they are and blended as the canvas paints them.
    fill_opacity = frame.evaluate(
        "() => window.parkLayers.parcels.getLayers()[0].options.fillOpacity"
    )
    background = np.array(
        css_rgb(
            frame.evaluate(
                "() => getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor"
            )
        )
    )
    targets = []
    for status in vocabulary.SALE_STATUSES:
        rgb = np.array(hex_rgb(status.color))
        targets += [rgb, np.round(fill_opacity * rgb + (1 - fill_opacity) * background)]
    # Chebyshev distance of every pixel to its nearest status colour.
    nearest = np.abs(small[:, None, :] - np.array(targets)[None, :, :]).max(axis=2).min(axis=1)
    share = float((nearest <= 6).mean())
    assert share >= 0.01, f"only {share:.1%} of the map has parcel status colours"


def test_english_switch(page, served_app):
    open_app(page, served_app)
    choose_selectbox(page, "语言 / Language", "English")
    frame = wait_legend(page, "Land-sale status")
    assert frame.evaluate(PARCEL_COUNT_JS) == len(store_parcels(served_app))
    assert "Illustrative data" in frame.evaluate(LEGEND_TEXT_JS)
    frame.locator(".park-label-blocks", has_text="Wanyang").first.wait_for(state="visible")
    assert frame.locator(".park-label-blocks", has_text="万洋区块").count() == 0


def test_choices_stay_selected_across_a_language_switch(page, served_app):
    open_app(page, served_app)
    choose_radio(page, "建设状态")
    wait_legend(page, "开工")
    choose_selectbox(page, "语言 / Language", "English")
    wait_legend(page, "Construction status")
    # The radio still shows the choice under its English label (not an empty radio group).
    checked = page.get_by_test_id("stRadio").get_by_role("radio", name="Construction status")
    checked.wait_for(state="attached")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-testid=stRadio] input'))"
        ".some(i => i.checked)"
    )
    assert checked.is_checked()


def test_construction_colouring(page, served_app):
    frame = open_app(page, served_app)
    before = frame.evaluate(PARCEL_COUNT_JS)
    assert before == len(store_parcels(served_app))
    assert "开工" not in frame.evaluate(LEGEND_TEXT_JS)

    choose_radio(page, "建设状态")
    frame = map_frame(
        page,
        """() => { const e = document.querySelector('.park-legend');
        return !!(window.parkLayers && window.parkLayers.parcels && e &&
                  (e.textContent.includes('开工') || e.textContent.includes('投产'))); }""",
    )
    legend = frame.evaluate(LEGEND_TEXT_JS)
    assert "建设状态" in legend
    assert frame.evaluate(PARCEL_COUNT_JS) == before


def test_pan_does_not_rerun(page, served_app):
    sent: list[str] = []

    def on_websocket(ws) -> None:
        if ws.url.endswith("/_stcore/stream"):  # the app's only channel to the server
            ws.on("framesent", lambda payload: sent.append(ws.url))

    page.on("websocket", on_websocket)
    frame = open_app(page, served_app)
    frame.locator(".park-legend").wait_for(state="visible")
    # Settled: the browser has sent nothing for a second.
    count = -1
    while count != len(sent):
        count = len(sent)
        page.wait_for_timeout(1000)
    assert sent, "the Streamlit websocket was not seen (the test could not detect a rerun)"

    view_before = frame.evaluate(VIEW_JS)
    box = page.locator(MAP_IFRAME).bounding_box()
    x, y = box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 100, y + 50, steps=5)
    page.mouse.move(x + 200, y + 100, steps=5)
    page.mouse.up()
    page.wait_for_timeout(300)
    view_panned = frame.evaluate(VIEW_JS)
    page.keyboard.down("Control")  # a plain wheel scrolls the page (see the wheel test)
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    page.wait_for_timeout(2000)
    view_after = frame.evaluate(VIEW_JS)

    assert view_panned[:2] != view_before[:2], "the drag did not pan the map"
    assert view_after[2] > view_panned[2], "the wheel did not zoom the map"
    assert len(sent) == count, (
        f"panning/zooming sent {len(sent) - count} websocket frame(s) to the server: "
        "the map interaction triggered a Streamlit rerun"
    )


def test_block_filter(page, served_app):
    store = ParkStore(served_app.store_path)
    blocks, parcels = store.read("blocks"), store.read("parcels")
    name = "碧湖区块"
    block_id = blocks.loc[blocks["name"] == name, "block_id"]
    assert len(block_id) == 1, f"the sample park has no block {name}"
    expected = int((parcels["block_id"] == block_id.iloc[0]).sum())
    assert 0 < expected < len(parcels)

    open_app(page, served_app)
    choose_multiselect(page, "区块筛选", name)
    frame = map_frame(
        page,
        f"() => !!(window.parkLayers && window.parkLayers.parcels &&"
        f" window.parkLayers.parcels.getLayers().length === {expected})",
    )
    assert frame.evaluate(PARCEL_COUNT_JS) == expected


# ---------------------------------------------------------------- first run after a start
def test_first_session_after_start_switches_language(browser, fresh_app_server):
    context, page = new_page(browser)
    try:
        open_app(page, fresh_app_server)
        choose_selectbox(page, "语言 / Language", "English")
        # The first run of a server is in Streamlit's legacy pages-folder mode, where the
        # switch has another widget id; the choice must survive into the next run.
        wait_legend(page, "Land-sale status", timeout_s=15)
    finally:
        context.close()


def test_first_visit_to_map_url_after_start_has_the_sidebar(browser, fresh_app_server):
    context, page = new_page(browser)
    try:
        open_app(page, fresh_app_server, "/map")  # a bookmark, right after a restart
        sidebar = page.get_by_test_id("stSidebar")
        # Page scripts sit in pages/views/, out of reach of the legacy pages-folder
        # scan, so even the first run goes through app.py's sidebar and navigation.
        assert sidebar.get_by_test_id("stSelectbox").count() == 1
        assert "示意数据" in sidebar.inner_text()
        # /map is the default page, which Streamlit serves at /: a hidden page at /map
        # hands over to it instead of Streamlit's "Page not found" dialog.
        page.wait_for_url(fresh_app_server.url + "/")
        assert_no_page_not_found(page)
    finally:
        context.close()


def assert_no_page_not_found(page) -> None:
    page.wait_for_timeout(1000)  # the dialog, if any, arrives with the first script run
    dialogs = page.get_by_test_id("stDialog").all_inner_texts()
    assert not dialogs, f"a dialog is open: {dialogs}"
    assert "Page not found" not in page.inner_text("body")


def test_first_deep_link_after_start_shows_no_page_not_found(browser, fresh_app_server):
    # streamlit#8860: a server's first script run treated the app as a legacy pages-folder
    # app (pages/ exists) and sent "Page not found" over the right page. scripts/serve.py
    # (run.sh, serve_app) starts the server without that mode.
    context, page = new_page(browser)
    try:
        page.goto(fresh_app_server.url + "/parcels?parcel=D07", wait_until="domcontentloaded")
        page.get_by_role("heading", name="D07 · 碧湖区块D07地块").wait_for()
        map_frame(page, "() => !!(window.parkLayers && window.parkLayers.focus)")
        assert_no_page_not_found(page)
        assert "/parcels" in page.url and "parcel=D07" in page.url
        page.evaluate("() => document.fonts.ready.then(() => true)")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "shell-first-deep-link.png"))
    finally:
        context.close()


# ---------------------------------------------------------------- the mouse wheel over the map
MAIN_SCROLL_JS = "() => document.querySelector('[data-testid=stMain]').scrollTop"
HINT_ON_JS = "() => !!document.querySelector('.park-wheel-hint.park-wheel-hint-on')"


def test_wheel_scrolls_the_page_unless_ctrl_or_a_click(page, served_app):
    frame = open_app(page, served_app)
    frame.locator(".park-legend").wait_for(state="visible")
    page.wait_for_timeout(1000)
    box = page.locator(MAP_IFRAME).bounding_box()
    x, y = box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4

    # A plain wheel over the map: the map keeps its zoom, the page scrolls, a hint shows.
    page.mouse.move(x, y)
    zoom = frame.evaluate(VIEW_JS)[2]
    scrolled = page.evaluate(MAIN_SCROLL_JS)
    page.mouse.wheel(0, 240)
    frame.wait_for_function(HINT_ON_JS, polling=50, timeout=5000)  # shown for 1.5 s
    hint = frame.locator(".park-wheel-hint").inner_text()
    assert hint == "按住 Ctrl 滚动缩放地图，或先点击地图"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)  # the hint fades in
    page.screenshot(path=str(SHOTS / "shell-map-wheel-hint.png"))
    page.wait_for_timeout(1000)
    assert frame.evaluate(VIEW_JS)[2] == zoom, "a plain wheel zoomed the map"
    assert page.evaluate(MAIN_SCROLL_JS) > scrolled, "the page did not scroll"
    page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    page.wait_for_timeout(300)

    # Ctrl + wheel zooms the map in.
    box = page.locator(MAP_IFRAME).bounding_box()
    x, y = box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4
    page.mouse.move(x, y)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -240)
    page.keyboard.up("Control")
    page.wait_for_timeout(1200)
    zoomed = frame.evaluate(VIEW_JS)[2]
    assert zoomed > zoom, "Ctrl + wheel did not zoom the map"

    # After a click on the map, a plain wheel zooms (out) ...
    page.mouse.click(x, y)
    page.mouse.wheel(0, 240)
    page.wait_for_timeout(1200)
    after_click = frame.evaluate(VIEW_JS)[2]
    assert after_click < zoomed, "a wheel after a click did not zoom the map"

    # ... until the mouse leaves the map.
    page.mouse.move(5, 5)
    page.mouse.move(x, y, steps=5)
    page.mouse.wheel(0, 240)
    page.wait_for_timeout(1200)
    assert frame.evaluate(VIEW_JS)[2] == after_click


# ---------------------------------------------------------------- Streamlit's own widget text
def test_uploader_and_multiselect_speak_the_ui_language(page, served_app):
    page.goto(served_app.url + "/data", wait_until="domcontentloaded")
    zone = page.get_by_test_id("stFileUploaderDropzone").first
    zone.wait_for()
    after = "(e, sel) => getComputedStyle(e.querySelector(sel), '::after').content"
    instructions = zone.evaluate(after, "[data-testid=stFileUploaderDropzoneInstructions] span")
    button = zone.evaluate(after, "button [data-testid=stMarkdownContainer] p")
    assert instructions == '"或拖放文件到此处 · 每个文件不超过 50 MB"'
    assert button == '"选择文件"'
    # The English originals are still in the DOM but drawn at size 0.
    size = zone.evaluate(
        "e => getComputedStyle(e.querySelector("
        "'[data-testid=stFileUploaderDropzoneInstructions] span')).fontSize"
    )
    assert size == "0px"
    SHOTS.mkdir(parents=True, exist_ok=True)
    zone.screenshot(path=str(SHOTS / "shell-uploader.png"))

    open_app(page, served_app)
    box = page.get_by_test_id("stMultiSelect").filter(has_text="区块筛选")
    box.get_by_role("combobox").click()
    option = page.locator("[data-key=__select_all__] [data-item-hl]")
    option.wait_for()
    content = option.evaluate("e => getComputedStyle(e, '::after').content")
    assert content == '"全选"'
    page.screenshot(path=str(SHOTS / "shell-multiselect.png"))
    page.keyboard.press("Escape")


# ---------------------------------------------------------------- an uncaught error
FAILING_SCRIPT = """
import streamlit as st

from ui.errors import incident_guard


def fail_in_callback():
    raise ValueError("callback broke at " + __file__)


st.button("callback", on_click=fail_in_callback)
with incident_guard(lambda: "zh"):
    st.header("一张图")
    raise RuntimeError("cannot open " + __file__)
"""


@contextlib.contextmanager
def serve_script(script: Path, workdir: Path) -> Iterator[str]:
    """``streamlit run script`` from the project folder (its config applies); yields the URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(workdir / "stderr.log", "wb") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.port",
                str(port),
                "--server.headless",
                "true",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 60
        while _health(url) != "ok":
            assert proc.poll() is None and time.monotonic() < deadline, (
                workdir / "stderr.log"
            ).read_text(errors="replace")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_an_uncaught_error_shows_an_incident_number_not_a_traceback(browser, tmp_path):
    script = tmp_path / "failing_page.py"
    script.write_text(FAILING_SCRIPT, encoding="utf-8")
    with serve_script(script, tmp_path) as url:
        context, page = new_page(browser)
        try:
            page.goto(url, wait_until="domcontentloaded")
            notice = page.get_by_test_id("stAlertContentError")
            notice.wait_for()
            text = notice.inner_text()
            incident = re.search(r"事件编号 ([0-9A-F]{8}) ", text)
            assert incident, text
            body = page.inner_text("body")
            for leak in ("Traceback", "RuntimeError", str(tmp_path), "failing_page", ".py"):
                assert leak not in body, f"{leak!r} reached the browser"
            page.screenshot(path=str(SHOTS / "shell-incident.png"))
            log = (tmp_path / "stderr.log").read_text(errors="replace")
            assert f"incident {incident.group(1)}" in log and "Traceback" in log

            # What escapes the guard (a widget callback) gets Streamlit's generic message.
            page.get_by_role("button", name="callback").click()
            page.get_by_test_id("stException").wait_for()
            body = page.inner_text("body")
            for leak in ("Traceback", "ValueError", str(tmp_path), "callback broke"):
                assert leak not in body, f"{leak!r} reached the browser"
        finally:
            context.close()
