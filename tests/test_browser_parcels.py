"""The parcel page in headless Chromium: a deep link opens the card, zoomed to the parcel;
a click on the map opens a parcel's card; a clerk's session of searches and saves (#11)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from gis import vocabulary
from gis.crs import to_display
from gis.store import ParkStore
from tests.browser_kit import map_frame, rerun_done

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


# ------------------------------------------------------------------ a clerk's session (#11)
def type_date(page, label: str, day) -> None:
    """Type ``day`` into the date field ``label`` as a user does: year, month, day keys."""
    field = page.get_by_test_id("stDateInput").filter(has_text=label)
    field.get_by_role("spinbutton", name="year").click()
    page.keyboard.type(f"{day.year:04d}{day.month:02d}{day.day:02d}")


def shown_date(page, label: str) -> str:
    field = page.get_by_test_id("stDateInput").filter(has_text=label)
    return "".join(field.get_by_role("group").inner_text().split())


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox ``label``; again if a rerun (the map reporting its
    view) closed the list under the click."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    for attempt in range(4):
        rerun_done(page)  # the form of the previous run may still stand beside the new one
        box.get_by_role("combobox").click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            if attempt == 3:
                raise
            continue
        rerun_done(page)  # choosing reruns the page: read the new form, not the old one
        if option in box.inner_text():
            return


def save_change(page, action: str, status: str, day, note: str) -> None:
    """Fill and save the status form (the author is the signed-in account: no box for it)."""
    choose(page, "操作", action)
    form = page.get_by_test_id("stMainBlockContainer").get_by_test_id("stForm")
    form.get_by_test_id("stSelectbox").filter(has_text="新状态").wait_for()
    rerun_done(page)
    if form.get_by_test_id("stSelectbox").filter(has_text="新状态").inner_text().split()[-1] != (
        status
    ):
        choose(page, "新状态", status)
    type_date(page, "生效日期", day)
    assert form.get_by_label("记录人").count() == 0
    form.get_by_label("备注").fill(note)
    form.get_by_role("button", name="保存").click()


def parcel_row(server, code: str):
    return ParkStore(server.store_path).read("parcels").set_index("code").loc[code]


def test_a_clerks_session(browser, fresh_app_server, tmp_path):
    """Search, open a parcel, two status changes in a row, a future date refused, another
    parcel, and the two Excel files — in one browser page, as a clerk works."""
    from datetime import date, timedelta

    from gis.excel import read_xlsx
    from gis.parcels.bulk_update import TEMPLATE_HEADERS
    from tests.browser_kit import record_foreign_requests

    server = fresh_app_server
    shots = Path("/tmp/shots")
    shots.mkdir(exist_ok=True)
    parcels = ParkStore(server.store_path).read("parcels")
    in_block = int(parcels["name"].str.contains("碧湖").sum())
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_S * 1000)
        problems = record_foreign_requests(page, server.url)
        page.goto(server.url + "/parcels", wait_until="domcontentloaded")
        map_frame(page, "() => !!(window.parkLayers && window.parkLayers.parcels)")

        # Search: the real total; the hits; open D07 from its button.
        search = page.get_by_label("查找地块")
        search.fill("碧湖")
        search.press("Enter")
        page.get_by_text(f"找到 {in_block} 个地块 · 显示前 12 个").wait_for()
        page.screenshot(path=str(shots / "clerk-search-total.png"))
        page.get_by_role("button", name="D07 · 碧湖区块", exact=False).first.click()
        page.get_by_role("heading", name="D07 · 碧湖区块D07地块").wait_for()
        # ... and by its code without the zero.
        search.fill("d7")
        search.press("Enter")
        page.get_by_text("找到 1 个地块", exact=True).wait_for()
        page.get_by_role("heading", name="D07 · 碧湖区块D07地块").wait_for()

        # Two status changes in a row on D07.
        save_change(page, "建设状态：未开工 → 下一阶段", "开工", date(2021, 6, 28), "开工")
        page.get_by_text("已保存：D07 建设状态 → 开工(生效 2021-06-28)。").wait_for()
        assert parcel_row(server, "D07")[vocabulary.CONSTRUCTION_FIELD] == "STARTED"
        save_change(page, "建设状态：开工 → 下一阶段", "竣工", date(2021, 6, 29), "竣工")
        page.get_by_text("已保存：D07 建设状态 → 竣工(生效 2021-06-29)。").wait_for()
        assert page.get_by_test_id("stException").count() == 0
        row = parcel_row(server, "D07")
        assert row[vocabulary.CONSTRUCTION_FIELD] == "COMPLETED"
        assert row["completion_date"] == "2021-06-29"
        # The timeline, full width below the card and the map, lists both.
        table = page.get_by_test_id("stDataFrame").filter(has_text="记录时间").last
        table.scroll_into_view_if_needed()
        box = table.bounding_box()
        main = page.get_by_test_id("stMainBlockContainer").bounding_box()
        assert box["width"] > 0.9 * main["width"] - 100, (box, main)
        page.screenshot(path=str(shots / "clerk-two-changes-timeline.png"))

        # A future date typed into 生效日期: the Chinese refusal, nothing saved, kept.
        version = int(row["version"])
        future = date.today() + timedelta(days=45)
        save_change(page, "建设状态：竣工 → 下一阶段", "投产", future, "投产")
        page.get_by_text(f"生效日期 {future.isoformat()} 晚于今天").wait_for()
        assert page.get_by_text("不能登记未来的状态").count() == 1
        assert shown_date(page, "生效日期") == future.strftime("%Y/%m/%d")
        page.get_by_test_id("stMainBlockContainer").get_by_test_id(
            "stForm"
        ).scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "clerk-future-date-refused.png"))
        row = parcel_row(server, "D07")
        assert (row[vocabulary.CONSTRUCTION_FIELD], int(row["version"])) == ("COMPLETED", version)

        # Another parcel: D10, found by its code; a change saved there.
        search.fill("D10")
        search.press("Enter")
        page.get_by_role("heading", name="D10 · 碧湖区块D10地块").wait_for()
        save_change(page, "建设状态：未开工 → 下一阶段", "开工", date(2021, 6, 20), "开工")
        page.get_by_text("已保存：D10 建设状态 → 开工(生效 2021-06-20)。").wait_for()
        assert parcel_row(server, "D10")[vocabulary.CONSTRUCTION_FIELD] == "STARTED"
        assert parcel_row(server, "D07")[vocabulary.CONSTRUCTION_FIELD] == "COMPLETED"

        # The Excel files come at once, each click (they are built with the page).
        page.get_by_text("Excel 批量更新与导出").click()
        for label, check in (
            ("下载模板", lambda f: list(f.columns) == list(TEMPLATE_HEADERS)),
            ("导出地块表(.xlsx)", lambda f: len(f) == len(parcels)),
        ):
            for attempt in range(2):
                with page.expect_download(timeout=20_000) as got:
                    page.get_by_role("button", name=label).click()
                path = tmp_path / f"{label}-{attempt}.xlsx"
                got.value.save_as(path)
                assert check(read_xlsx(path.read_bytes())), label
        assert page.get_by_test_id("stException").count() == 0
        assert problems == []
    finally:
        context.close()
