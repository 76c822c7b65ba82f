"""Chromium: the meeting page lists the changes since the last meeting and outlines the
changed parcels on its own map (issue #17, 2)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from gis.meeting import annotations as meeting_annotations
from gis.parcels import changes
from gis.store import ParkStore
from tests import browser_kit
from tests.actors import ACTOR
from tests.conftest import serve_app

AS_OF = date(2021, 6, 30)  # the sample's report date, the sidebar's default
SINCE = date(2021, 3, 31)
SHOT = Path("/tmp/shots/changes-meeting.png")


def test_meeting_page_shows_the_changes_and_outlines_them(sample_store_path, tmp_path, browser):
    path = tmp_path / "park.gpkg"
    path.write_bytes(sample_store_path.read_bytes())
    store = ParkStore(path)
    parcels = store.read("parcels")
    meeting_annotations.add_annotation(
        store,
        parcels.geometry.iloc[0].centroid,
        meeting_annotations.AnnotationInput("一季度推进会", SINCE.isoformat(), "规划科"),
        actor=ACTOR,
    )
    frames = store.read_all()
    found = changes.changes_since(frames, SINCE, AS_OF)
    # Every parcel with an event in force effective in the period is outlined.
    events = frames["status_events"]
    dated = events[
        (events["effective_date"] > SINCE.isoformat())
        & (events["effective_date"] <= AS_OF.isoformat())
    ]
    assert set(dated["parcel_code"]) <= set(found.changed_codes())
    expected = len(set(found.changed_codes()) | set(found.noted_codes()))
    assert expected > 0
    with serve_app(path, tmp_path) as server:
        context, page = browser_kit.new_page(browser, {"width": 1600, "height": 1000})
        try:
            errors = browser_kit.record_foreign_requests(page, server.url)
            page.goto(server.url + "/meeting", wait_until="domcontentloaded")
            page.get_by_text("自上次会议以来的变化", exact=True).wait_for()
            page.get_by_text("挂牌 → 成交：", exact=False).first.wait_for()
            ready = (
                "() => !!(window.parkLayers && window.parkLayers.changes &&"
                f" window.parkLayers.changes.getLayers().length === {expected} &&"
                " !!window.parkLayers.changes._map)"
            )
            frame = browser_kit.map_frame(page, ready)
            stroke = frame.evaluate("() => window.parkLayers.changes.getLayers()[0].options.color")
            assert stroke.lower() in ("#111111", "#546e7a")
            legend = frame.locator(".park-legend").inner_text()
            assert "变化地块" in legend
            link = page.locator(f'a[href="/parcels?parcel={found.changed_codes()[0]}"]')
            assert link.count() >= 1
            page.get_by_text("自上次会议以来的变化", exact=True).scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=str(SHOT.with_name("changes-list.png")))
            iframe = page.locator(browser_kit.MAP_IFRAME).last
            iframe.scroll_into_view_if_needed()
            page.wait_for_timeout(800)
            SHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOT), full_page=False)
            assert errors == []
        finally:
            context.close()


def test_report_draft_downloads_from_the_meeting_page(app_server, browser, tmp_path):
    # The clerk's path to the draft: meeting page → expander → period → download. The file
    # is a Word document whose land paragraph carries the store's own figures.
    from docx import Document

    from gis.i18n import t
    from gis.report_draft import figures

    store = ParkStore(app_server.store_path)
    period = figures.parse_period("2021H1")
    data = figures.compute(store.read_all(), period, AS_OF, is_sample=True)
    sold = data.figures["land_sold"].params
    assert sold["count"] > 0
    sold_text = f"完成{sold['count']}宗土地出让"
    sold_mu = f"{sold['mu']:.1f}亩"
    context = browser.new_context(
        viewport={"width": 1600, "height": 1000}, locale="zh-CN", accept_downloads=True
    )
    try:
        page = context.new_page()
        page.set_default_timeout(browser_kit.MAP_TIMEOUT_S * 1000)
        errors = browser_kit.record_foreign_requests(page, app_server.url)
        page.goto(app_server.url + "/meeting", wait_until="domcontentloaded")
        # The map's first value reruns the page once it is drawn; a click on the download
        # button during that rerun is lost with the button (its file is the old run's).
        browser_kit.map_frame(page)
        browser_kit.rerun_done(page)
        page.get_by_text(t("rd_section_title", "zh"), exact=True).click()
        button = page.get_by_role("button", name=t("rd_section_download", "zh"))
        with page.expect_download(timeout=60_000) as got:
            button.click()
        path = tmp_path / "report.docx"
        got.value.save_as(path)
        text = "\n".join(p.text for p in Document(str(path)).paragraphs)
        assert "示意数据" in text
        assert "2021年上半年" in text
        flat = text.replace(" ", "")
        assert sold_text in flat and sold_mu in flat, (sold_text, sold_mu)
        assert errors == []
    finally:
        context.close()
