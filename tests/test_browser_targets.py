"""The 目标与亩均 page in headless Chromium: the 亩均 class layer draws every graded parcel.

Takes ``docs/screenshot-classes.png``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gis.efficiency import classes as efficiency_classes
from gis.efficiency import evaluation
from gis.parcels import history
from gis.store import ParkStore
from tests.browser_kit import (
    MAP_IFRAME,
    foreign_requests,
    map_frame,
    new_page,
    open_app,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "screenshot-classes.png"
AS_OF = date(2021, 6, 30)  # the sample's report date, the sidebar's default
CLASS_READY_JS = "() => !!(window.parkLayers && window.parkLayers.efficiency)"
CLASS_COUNT_JS = "() => window.parkLayers.efficiency.getLayers().length"
KS_COUNT_JS = "() => window.parkLayers.key_supervision.getLayers().length"


def expected_counts(store_path: Path) -> tuple[int, int]:
    """Parcels with a graded main firm, and parcels with a key-supervision firm."""
    frames = ParkStore(store_path).read_all()
    years = frames["enterprise_years"]
    ev = evaluation.evaluate(
        frames["enterprises"], years, year=evaluation.default_year(years, AS_OF)
    )
    classes = efficiency_classes.parcel_classes(ev)
    on_map = set(history.statuses_as_of(frames["parcels"], frames["status_events"], AS_OF)["code"])
    classes = classes[classes["parcel_code"].isin(on_map)]
    return int(classes["class_code"].notna().sum()), int(classes["key_supervision"].sum())


def test_class_map(browser, app_server):
    graded, flagged = expected_counts(app_server.store_path)
    assert graded > 0 and flagged > 0
    # The first run after a server start is special (see tests/test_browser.py): visit once.
    context, page = new_page(browser)
    try:
        open_app(page, app_server)
    finally:
        context.close()

    context, page = new_page(browser)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(app_server.url + "/targets", wait_until="domcontentloaded")
        page.get_by_text("年度目标与亩均评价").wait_for()
        page.get_by_test_id("stMetric").first.wait_for()
        page.get_by_test_id("stRadio").locator("label").filter(has_text="亩均评价").click()
        frame = map_frame(page, CLASS_READY_JS)
        assert frame.evaluate(CLASS_COUNT_JS) == graded
        assert frame.evaluate(KS_COUNT_JS) == flagged
        legend = frame.locator(".park-legend")
        legend.wait_for(state="visible")
        text = legend.inner_text()
        assert "亩均评价分类" in text and "优先发展" in text and "有重点监管企业" in text

        page.evaluate("() => document.fonts.ready.then(() => true)")
        frame.evaluate("() => document.fonts.ready.then(() => true)")
        # .first: a rerun may briefly leave the replaced iframe beside the new one.
        page.locator(MAP_IFRAME).first.evaluate("e => e.scrollIntoView({block: 'end'})")
        page.wait_for_timeout(1500)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))  # the viewport: Streamlit scrolls inside it

        foreign = foreign_requests(requests, app_server.url)
        assert not foreign, f"requests left the app's origin: {foreign}"
    finally:
        context.close()
