"""The Data page in headless Chromium: a 界址点 TXT upload previews on the park map.

Takes ``docs/screenshot-import.png``. Nothing is imported (the shared app's store stays as
it is); no request may leave the app's origin.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gis.store import ParkStore
from tests.browser_kit import MAP_TIMEOUT_S, map_frame, record_foreign_requests
from tests.test_browser import served_app  # noqa: F401 (a fixture)
from tests.test_data_page import UPLOAD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "screenshot-import.png"
PREVIEW_READY_JS = "() => !!(window.parkLayers && window.parkLayers.import_preview)"
PREVIEW_COUNT_JS = "() => window.parkLayers.import_preview.getLayers().length"
# Tall enough for the whole import flow: upload, detection, mapping, preview table and map.
VIEWPORT = {"width": 1600, "height": 2400}


def test_import_preview_in_chromium(browser, served_app):  # noqa: F811
    version = ParkStore(served_app.store_path).data_version()
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(MAP_TIMEOUT_S * 1000)
    foreign = record_foreign_requests(page, served_app.url)
    try:
        page.goto(served_app.url + "/data", wait_until="domcontentloaded")
        page.get_by_text("数据导入、导出与备份").wait_for()
        page.locator('input[type="file"]').set_input_files(
            files=[{"name": "界址点.txt", "mimeType": "text/plain", "buffer": UPLOAD}]
        )
        frame = map_frame(page, PREVIEW_READY_JS)
        assert frame.evaluate(PREVIEW_COUNT_JS) == 1
        assert frame.evaluate("() => window.parkLayers.parcels.getLayers().length") > 0
        page.get_by_text("面积核对通过").wait_for()
        page.wait_for_timeout(1500)  # let the tiles-free canvas settle before the picture
        page.screenshot(path=str(SCREENSHOT))
    finally:
        context.close()
    assert foreign == []
    assert SCREENSHOT.stat().st_size > 20_000
    assert ParkStore(served_app.store_path).data_version() == version  # a preview writes nothing


def test_figures_import_moves_the_targets_in_chromium(browser, fresh_app_server):
    """Import one firm's January–June investment (in 元) and see 有效投资 follow."""
    from datetime import date

    from gis.targets import tracking
    from tests.browser_kit import choose_selectbox, open_app

    store = ParkStore(fresh_app_server.store_path)
    frames = store.read_all()
    periods = frames["period_figures"]
    h1 = periods[(periods["year"] == 2021) & (periods["months"] == 6)]
    firm = h1[h1["subject_kind"] == "enterprise"].sort_values("subject_id").iloc[0]
    before = tracking.progress(frames, year=2021, as_of=date(2021, 6, 30)).set_index("target_id")
    before_yi = float(before.loc["EFFECTIVE_INVESTMENT_YI", "value"])
    # The firm's 1–6月 investment becomes 100,000,000 元 = 1亿元; its other figures stay.
    expected_yi = before_yi - float(firm["investment_wan"]) / 10_000 + 1.0
    csv = f"企业编号,年份,月份,固定资产投资(元)\n{firm['subject_id']},2021,1-6月,100000000\n"

    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(MAP_TIMEOUT_S * 1000)
    foreign = record_foreign_requests(page, fresh_app_server.url)
    try:
        open_app(page, fresh_app_server)  # past the server's first run
        page.goto(fresh_app_server.url + "/data", wait_until="domcontentloaded")
        page.get_by_role("tab", name="企业经济数据").click()
        page.get_by_text("下载导入模板").wait_for()
        choose_selectbox(page, "数据表", "月度累计数据")
        page.wait_for_function(
            "() => document.querySelector('input[aria-label=\"数据表\"]').value === '月度累计数据'"
        )
        page.wait_for_timeout(1500)  # let the rerun the choice started finish
        page.locator('input[type="file"][accept$=".xls"]').set_input_files(
            files=[{"name": "投资月报.csv", "mimeType": "text/csv", "buffer": csv.encode("gbk")}]
        )
        page.get_by_text("已读取“投资月报.csv”").wait_for()
        button = page.get_by_role("button", name="导入经济数据")
        button.wait_for()
        page.wait_for_function(
            "() => [...document.querySelectorAll('button')].some("
            "b => b.innerText.includes('导入经济数据') && !b.disabled)"
        )
        button.click()
        page.get_by_text("导入完成").wait_for()
        page.goto(fresh_app_server.url + "/targets", wait_until="domcontentloaded")
        card = page.get_by_test_id("stMetric").filter(has_text="有效投资")
        card.wait_for()
        shown = card.get_by_test_id("stMetricValue").inner_text()
    except Exception:
        page.screenshot(path=str(fresh_app_server.store_path.parent / "figures-failure.png"))
        raise
    finally:
        context.close()
    assert foreign == []
    after = ParkStore(fresh_app_server.store_path).read("period_figures")
    row = after[(after["subject_id"] == firm["subject_id"]) & (after["year"] == 2021)]
    row = row[row["months"] == 6].iloc[0]
    assert row["investment_wan"] == 10_000.0  # 元 → 万元
    assert row["revenue_wan"] == firm["revenue_wan"]  # "update": the rest is kept
    assert shown == f"{expected_yi:,.1f} 亿元"
