"""The Data page in headless Chromium: a 界址点 TXT upload previews on the park map.

Takes ``docs/screenshot-import.png``. Nothing is imported (the shared app's store stays as
it is); no request may leave the app's origin.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gis.store import ParkStore
from tests.browser_kit import LOCAL_SCHEMES, MAP_TIMEOUT_S, map_frame
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
    origin = urlsplit(served_app.url).netloc
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if urlsplit(r.url).scheme not in LOCAL_SCHEMES and urlsplit(r.url).netloc != origin
            else None
        ),
    )
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
