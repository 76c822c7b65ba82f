"""The meeting page in headless Chromium at 1920×1080, as a planner would use it: presentation
mode, three saved views stepped through, a polygon sketched with the mouse and saved with a
note, and the meeting pack downloaded — all without a request leaving the app's origin."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pypdf import PdfReader

from gis.meeting import views as meeting_views
from gis.store import ParkStore
from tests import browser_kit
from tests.actors import ACTOR
from tests.conftest import browser_username, serve_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "screenshot-meeting.png"
VIEWPORT = {"width": 1920, "height": 1080}
TIMEOUT_S = 60
MAP_IFRAME = browser_kit.MAP_IFRAME
AS_OF = date(2021, 6, 30)
READY = "() => !!(window.parkLayers && window.parkLayers.parcels && window.parkDraw)"
PRESENT_READY = (
    "() => !!(window.parkLayers && window.parkLayers.parcels && window.parkDraw &&"
    " document.querySelector('.park-present'))"
)
VIEW_JS = "() => { const m = window.parkLayers.parcels._map; const c = m.getCenter();"
VIEW_JS += " return [c.lat, c.lng, m.getZoom()]; }"


@pytest.fixture(scope="module")
def meeting_app(sample_store_path, tmp_path_factory, browser):
    """The app on a private copy of the sample with three saved views, past its first run."""
    workdir = tmp_path_factory.mktemp("meeting_app")
    path = workdir / "park.gpkg"
    path.write_bytes(sample_store_path.read_bytes())
    store = ParkStore(path)
    blocks = store.read("blocks").to_crs("EPSG:4326").set_index("name")
    park = store.read("park_boundary").to_crs("EPSG:4326").geometry.union_all().centroid

    def centre(name: str) -> tuple[float, float]:
        point = blocks.loc[name].geometry.centroid
        return (round(point.y, 5), round(point.x, 5))

    views = [
        (
            "全园概览",
            meeting_views.ViewState(center=(round(park.y, 5), round(park.x, 5)), zoom=14),
        ),
        (
            "万洋区块 · 建设进度",
            meeting_views.ViewState(
                center=centre("万洋区块"),
                zoom=16,
                field="construction_status",
                block_ids=(blocks.loc["万洋区块", "block_id"],),
                layers=("parcels", "blocks", "context", "annotations"),
                as_of=AS_OF,
            ),
        ),
        (
            "碧湖区块",
            meeting_views.ViewState(
                center=centre("碧湖区块"), zoom=16, block_ids=(blocks.loc["碧湖区块", "block_id"],)
            ),
        ),
    ]
    ids = [meeting_views.save_view(store, name=n, state=s, actor=ACTOR) for n, s in views]
    with serve_app(path, workdir) as server:
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        try:  # the first run after a start is special (see test_browser.served_app)
            page = context.new_page()
            page.goto(server.url + "/", wait_until="domcontentloaded")
            map_frame(page, "() => !!(window.parkLayers && window.parkLayers.parcels)")
        finally:
            context.close()
        yield server, ids, [n for n, _ in views], [s for _, s in views]


def map_frame(page, ready_js: str = READY, timeout_s: float = TIMEOUT_S):
    return browser_kit.map_frame(page, ready_js, timeout_s)


def settle(page, frame) -> None:
    page.evaluate("() => document.fonts.ready.then(() => true)")
    frame.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_timeout(800)


def test_meeting_flow_at_1920x1080(browser, meeting_app, tmp_path):
    server, ids, names, states = meeting_app
    store = ParkStore(server.store_path)
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_S * 1000)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        # ---- open by link on the first view, then switch to presentation mode
        page.goto(f"{server.url}/meeting?view={ids[0]}", wait_until="domcontentloaded")
        map_frame(page)
        page.get_by_text("演示模式", exact=True).click()
        frame = map_frame(page, PRESENT_READY)
        page.get_by_text(f"会议 · 一张图 · {names[0]}").wait_for()
        assert not page.get_by_test_id("stSidebar").is_visible()  # editing hidden
        lat, lng, zoom = frame.evaluate(VIEW_JS)
        assert zoom == states[0].zoom
        # Within a few pixels (the frame's final resize may nudge the centre).
        assert abs(lat - states[0].center[0]) < 1e-3 and abs(lng - states[0].center[1]) < 1e-3
        legend = frame.locator(".park-legend")
        assert "出让状态" in legend.inner_text() and "示意数据" in legend.inner_text()
        assert float(legend.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 18
        for label in ("已出让地块", "已开工", "已投产", "闲置土地"):
            page.get_by_text(label, exact=True).wait_for()
        settle(page, frame)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))

        # ---- step through the three views like slides
        page.get_by_role("button", name="下一页 ▶").click()
        page.get_by_text(f"会议 · 一张图 · {names[1]}").wait_for()
        wanyang = store.read("parcels")
        block = states[1].block_ids[0]
        expected = int((wanyang["block_id"] == block).sum())
        # The view's colouring, blocks, zoom and layers (buildings hidden, blocks shown).
        map_frame(
            page,
            "() => !!(window.parkLayers && window.parkLayers.parcels &&"
            f" window.parkLayers.parcels.getLayers().length === {expected} &&"
            " document.querySelector('.park-legend').textContent.includes('建设状态') &&"
            f" window.parkLayers.parcels._map.getZoom() === {states[1].zoom} &&"
            " !window.parkLayers.buildings._map && !!window.parkLayers.blocks._map)",
        )

        bihu = int((wanyang["block_id"] == states[2].block_ids[0]).sum())
        third = (
            PRESENT_READY[:-1] + " && !!window.parkLayers.buildings._map &&"
            f" window.parkLayers.parcels.getLayers().length === {bihu} &&"
            " document.querySelector('.park-legend').textContent.includes('出让状态'))"
        )
        page.get_by_role("button", name="下一页 ▶").click()
        page.get_by_text(f"会议 · 一张图 · {names[2]}").wait_for()
        map_frame(page, third)
        page.get_by_role("button", name="◀ 上一页").click()
        page.get_by_text(f"会议 · 一张图 · {names[1]}").wait_for()
        page.get_by_role("button", name="下一页 ▶").click()
        page.get_by_text(f"会议 · 一张图 · {names[2]}").wait_for()
        map_frame(page, third)
        page.wait_for_timeout(1500)  # let the last rerun settle before drawing on the map
        frame = map_frame(page, third)

        # ---- sketch a decision on a parcel with the mouse
        box = frame.frame_element().bounding_box()
        target = frame.evaluate(
            """() => { const m = window.parkLayers.parcels._map;
              const size = m.getSize();
              const inside = window.parkLayers.parcels.getLayers().map(l => {
                  const p = m.latLngToContainerPoint(l.getBounds().getCenter());
                  return {code: l.feature.properties.c, x: p.x, y: p.y};
              }).filter(p => p.x > 400 && p.x < size.x - 400 && p.y > 200 && p.y < size.y - 200);
              return inside[0]; }"""
        )
        assert target, "no parcel near the middle of the map"
        x0, y0 = box["x"] + target["x"], box["y"] + target["y"]
        frame.locator(".park-draw-polygon").click()
        assert frame.evaluate("() => window.parkDraw.mode()") == "polygon"
        for dx, dy in ((-12, -10), (12, -10), (12, 10)):
            page.mouse.click(x0 + dx, y0 + dy)
            page.wait_for_timeout(150)
        page.mouse.dblclick(x0 - 12, y0 + 10)
        assert frame.evaluate("() => window.drawnItems.getLayers().length") == 1
        drawn = frame.evaluate("() => window.drawnItems.toGeoJSON().features[0].geometry")
        assert drawn["type"] == "Polygon" and len(drawn["coordinates"][0]) == 5  # 4 + closing
        page.get_by_text("已勾绘一个面。").wait_for()
        page.get_by_label("决定事项").fill("同意该地块限期开工，三个月后复查")
        assert page.get_by_label("记录人").count() == 0, "the author is the signed-in account"
        page.get_by_role("button", name="保存标注").click()
        page.get_by_text("已保存标注 A0001。").wait_for()
        frame = map_frame(
            page,
            "() => !!(window.parkLayers && window.parkLayers.annotations &&"
            " window.parkLayers.annotations.getLayers().length === 1)",
        )
        settle(page, frame)
        page.screenshot(path=str(tmp_path / "decision.png"))  # kept in pytest's tmp dir
        saved = store.read("annotations")
        assert list(saved["note"]) == ["同意该地块限期开工，三个月后复查"]
        assert list(saved["author"]) == [browser_username("data_manager")]
        assert list(saved["parcel_code"]) == [target["code"]]  # found under the sketch
        assert list(saved.geometry.geom_type) == ["Polygon"]
        stored = saved.to_crs("EPSG:4326").geometry.iloc[0]
        ring = drawn["coordinates"][0]
        assert abs(stored.bounds[0] - min(p[0] for p in ring)) < 1e-6

        # ---- the meeting pack, downloaded
        page.locator("summary").filter(has_text="会议材料").click()
        page.get_by_role("button", name="生成会议材料").click()
        page.get_by_text("会议材料已生成").wait_for(timeout=120_000)
        with page.expect_download() as info:
            page.get_by_role("button", name="下载 PDF").click()
        data = Path(info.value.path()).read_bytes()
        reader = PdfReader(io.BytesIO(data))
        first = reader.pages[0].extract_text()
        assert "园区建设推进会议材料" in first and "示意数据" in first
        everything = "".join(p.extract_text() for p in reader.pages)
        assert "同意该地块限期开工" in everything and "逾期与闲置地块" in everything

        foreign = browser_kit.foreign_requests(requests, server.url)
        assert not foreign, f"requests left the app's origin: {foreign}"
    finally:
        context.close()


# ---------------------------------------------------------------- a planner's session (#11)
SHOTS = Path("/tmp/shots")
#: The map must show this share of a view's box on each side to contain it (Leaflet's
#: pixel rounding may shave a hair off an exact fit).
BOX_SLACK = 0.005


def view_js(box) -> str:
    """JS: the parcel layer's map, whether its bounds contain ``box`` (lon/lat, shrunk by
    BOX_SLACK), how many parcels are drawn and how many of them lie in the viewport."""
    minx, miny, maxx, maxy = (float(v) for v in box)
    dx, dy = (maxx - minx) * BOX_SLACK, (maxy - miny) * BOX_SLACK
    want = [[miny + dy, minx + dx], [maxy - dy, maxx - dx]]
    return (
        "() => { const p = window.parkLayers && window.parkLayers.parcels;"
        " const m = p && p._map; if (!m) { return null; }"
        f" const b = m.getBounds(); const want = L.latLngBounds({want});"
        " const layers = p.getLayers();"
        " return {contains: b.contains(want), drawn: layers.length,"
        " inView: layers.filter(l => b.intersects(l.getBounds())).length,"
        " zoom: m.getZoom(), legend: document.querySelector('.park-legend').textContent,"
        " present: !!document.querySelector('.park-present'),"
        " box: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]}; }"
    )


def wait_view(page, box, parcels: int, *, present: bool = False, timeout_s: float = TIMEOUT_S):
    """The map frame once it shows ``box`` whole with exactly ``parcels`` parcels, all of them
    in the viewport (not a blank map, not another block)."""
    js = view_js(box)
    ready = (
        f"() => {{ const v = ({js})(); return !!(v && v.contains && v.drawn === {parcels}"
        f" && v.inView === {parcels} && v.present === {str(present).lower()}); }}"
    )
    try:
        frame = map_frame(page, ready, timeout_s)
    except BaseException:
        for f in page.frames:
            if "streamlit_folium" in f.url and not f.is_detached():
                print("map at failure:", f.evaluate(js), f.evaluate("() => window.parkViewFit"))
        page.screenshot(path=str(SHOTS / "planner-debug-fail.png"))
        raise
    return frame, frame.evaluate(js)


def test_planner_saves_views_across_block_filters_and_presents_them(
    browser, sample_store_path, tmp_path
):
    """Issue #11, end to end at 1920×1080 in one page: filter 南山 and save view A, switch
    to 长川 (the map fits it: parcels drawn in the viewport), save view B, save the whole
    park as a third view, then present them: each slide's map contains its blocks."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "park.gpkg"
    path.write_bytes(sample_store_path.read_bytes())
    store = ParkStore(path)
    blocks = store.read("blocks").to_crs("EPSG:4326").set_index("name")
    parcels = store.read("parcels")
    park_box = tuple(store.read("park_boundary").to_crs("EPSG:4326").total_bounds)

    def block(name: str):
        row = blocks.loc[name]
        count = int((parcels["block_id"] == row["block_id"]).sum())
        assert 0 < count < len(parcels)
        return tuple(row.geometry.bounds), count

    nanshan_box, nanshan_n = block("南山区块")
    changchuan_box, changchuan_n = block("长川区块")

    def save(name: str) -> None:
        idle()  # a rerun still running (the map reporting its view) would drop the click
        page.get_by_label("视图名称").fill(name)
        page.get_by_role("button", name="保存为新视图").click()
        page.get_by_text(f"已保存视图“{name}”。").wait_for()
        page.get_by_text(f"会议 · 一张图 · {name}", exact=True).wait_for()
        idle()

    def idle() -> None:
        browser_kit.rerun_done(page)

    def blocks_box() -> object:
        return page.get_by_test_id("stMultiSelect").filter(has_text="区块筛选")

    def choose_block(name: str) -> None:
        idle()
        # A rerun (the map reporting where it is) may close the list: open it again.
        for _ in range(5):
            blocks_box().get_by_role("combobox").click()
            option = page.get_by_role("option", name=name, exact=True)
            try:
                option.click(timeout=5000)
                break
            except PlaywrightTimeoutError:
                page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        blocks_box().get_by_text(name, exact=True).wait_for()

    def clear_blocks() -> None:
        idle()
        blocks_box().get_by_role("combobox").click()
        page.keyboard.press("Backspace")  # drops the one block chosen
        page.keyboard.press("Escape")

    with serve_app(path, tmp_path) as server:
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        try:  # the first run after a start is special (see test_browser.served_app)
            first = context.new_page()
            first.goto(server.url + "/", wait_until="domcontentloaded")
            map_frame(first, browser_kit.MAP_READY_JS, 90)
        finally:
            context.close()
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_S * 1000)
        foreign = browser_kit.record_foreign_requests(page, server.url)
        try:
            page.goto(f"{server.url}/meeting", wait_until="domcontentloaded")
            wait_view(page, park_box, len(parcels))
            page.wait_for_timeout(1500)  # the map's first report reruns the page

            # ---- filter 南山 and save view A
            choose_block("南山区块")
            wait_view(page, nanshan_box, nanshan_n)
            page.wait_for_timeout(1000)  # the map reports where it is: let that rerun end
            save("南山A")
            frame, seen = wait_view(page, nanshan_box, nanshan_n)
            page.screenshot(path=str(SHOTS / "planner-1-nanshan-saved.png"))

            # ---- switch the filter to 长川: the map fits 长川, not 南山 at zoom 16
            clear_blocks()
            choose_block("长川区块")
            frame, seen = wait_view(page, changchuan_box, changchuan_n)
            modified = "会议 · 一张图 · 南山A（已修改，未保存）"
            page.get_by_text(modified, exact=True).wait_for()
            idle()
            picker = page.get_by_role("combobox", name="视图", exact=True)
            assert picker.input_value() == "1. 南山A（已修改，未保存）"  # as the heading says
            page.wait_for_timeout(1000)
            settle(page, frame)
            page.get_by_text(modified, exact=True).scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "planner-2-changchuan-fitted.png"))
            save("长川B")

            # ---- the whole park as a third view
            clear_blocks()
            wait_view(page, park_box, len(parcels))
            page.wait_for_timeout(1000)
            save("全园")

            views = meeting_views.list_views(store.read("saved_views"))
            assert [v.name for v in views] == ["南山A", "长川B", "全园"]
            boxes = [nanshan_box, changchuan_box, park_box]
            counts = [nanshan_n, changchuan_n, len(parcels)]
            for view, box in zip(views, boxes, strict=True):
                centre = view.state.center  # where the map was, inside its own blocks
                if centre is not None:
                    assert box[0] < centre[1] < box[2] and box[1] < centre[0] < box[3], view

            # ---- present them: each slide shows its blocks
            page.get_by_text("演示模式", exact=True).click()
            page.get_by_text("会议 · 一张图 · 全园", exact=True).wait_for()
            for n, (view, box, count) in enumerate(zip(views, boxes, counts, strict=True), 1):
                page.get_by_role("button", name="下一页 ▶").click()  # 全园 → 南山A → ...
                page.get_by_text(f"会议 · 一张图 · {view.name}", exact=True).wait_for()
                frame, seen = wait_view(page, box, count, present=True)
                assert seen["contains"] and seen["inView"] == count
                settle(page, frame)
                page.screenshot(path=str(SHOTS / f"planner-slide-{n}.png"))

            # ---- the same page in English: English units, whole counts, the toggle in full
            page.get_by_text("演示模式", exact=True).click()
            idle()
            browser_kit.choose_selectbox(page, "语言 / Language", "English")
            toggle = page.get_by_text("Presentation mode", exact=True)
            toggle.wait_for()
            idle()
            page.get_by_text("Meeting · park map · 全园", exact=True).scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "planner-english.png"))
            cut = toggle.evaluate(
                "e => { for (let n = e, i = 0; n && i < 6; n = n.parentElement, i++) {"
                " if (n.scrollWidth > n.clientWidth + 1) { return n.outerHTML.slice(0, 200); } }"
                " return null; }"
            )
            assert cut is None, f"the toggle's label is cut off: {cut}"
            strip = " ".join(page.get_by_test_id("stProgress").all_inner_texts())
            assert "mu" in strip and "firms" in strip, strip
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in strip), strip
            assert " / 40 firms" in strip and ".0 / 40 firms" not in strip, strip
            assert not foreign, foreign
        finally:
            context.close()
