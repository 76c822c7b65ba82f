"""The meeting page in headless Chromium at 1920×1080, as a planner would use it: presentation
mode, three saved views stepped through, a polygon sketched with the mouse and saved with a
note, and the meeting pack downloaded — all without a request leaving the app's origin."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from gis import meeting
from gis.store import ParkStore
from tests import browser_kit
from tests.conftest import serve_app

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
        ("全园概览", meeting.ViewState(center=(round(park.y, 5), round(park.x, 5)), zoom=14)),
        (
            "万洋区块 · 建设进度",
            meeting.ViewState(
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
            meeting.ViewState(
                center=centre("碧湖区块"), zoom=16, block_ids=(blocks.loc["碧湖区块", "block_id"],)
            ),
        ),
    ]
    ids = [meeting.save_view(store, name=n, state=s, author="规划科") for n, s in views]
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
        page.get_by_label("记录人").first.fill("规划科 张")
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
        assert list(saved["author"]) == ["规划科 张"]
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
