"""Roles in the real app (#13): a viewer sees no edit controls; an editor's change carries
the account's name in the parcel's timeline and in the audit trail."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from gis.store import ParkStore
from tests.browser_kit import map_frame
from tests.conftest import browser_username
from tests.test_browser_parcels import TIMEOUT_S, VIEWPORT, save_change

SHOTS = Path("/tmp/shots")


def open_card(browser, server, role: str, code: str = "D07"):
    context = browser.new_context(role=role, viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_S * 1000)
    page.goto(f"{server.url}/parcels?parcel={code}", wait_until="domcontentloaded")
    map_frame(page, "() => !!(window.parkLayers && window.parkLayers.parcels)")
    page.get_by_role("heading", name=f"{code} · ", exact=False).first.wait_for()
    return context, page


def test_a_viewer_reads_the_card_but_has_no_edit_controls(browser, fresh_app_server):
    context, page = open_card(browser, fresh_app_server, "viewer")
    try:
        # the timeline is there to read
        page.get_by_test_id("stDataFrame").filter(has_text="记录时间").last.wait_for()
        page.get_by_text("需要编辑权限").first.wait_for()
        assert page.get_by_role("button", name="保存").count() == 0
        assert page.get_by_test_id("stForm").filter(has_text="生效日期").count() == 0
        assert page.get_by_test_id("stException").count() == 0
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "roles-viewer-card.png"))
    finally:
        context.close()


def test_an_editors_change_carries_the_account_in_timeline_and_audit(browser, fresh_app_server):
    server = fresh_app_server
    editor = browser_username("editor")
    context, page = open_card(browser, server, "editor")
    try:
        save_change(page, "建设状态：未开工 → 下一阶段", "开工", date(2021, 6, 28), "开工仪式")
        page.get_by_text("已保存：D07 建设状态 → 开工(生效 2021-06-28)。").wait_for()
        timeline = page.get_by_test_id("stDataFrame").filter(has_text="记录时间").last
        timeline.scroll_into_view_if_needed()
        page.get_by_text(f"当前用户：{editor}", exact=False).first.wait_for()  # the sidebar
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "roles-editor-timeline.png"))
    finally:
        context.close()
    store = ParkStore(server.store_path)
    events = store.read("status_events")
    last = events.sort_values("event_id").iloc[-1]
    assert (last["parcel_code"], last["new_status"]) == ("D07", "STARTED")
    assert editor in last["author"]
    trail = store.audit_trail()
    change = trail[trail["event"] == "status_change"].iloc[-1]
    assert (change["username"], change["role"], change["outcome"]) == (editor, "editor", "ok")
    details = json.loads(change["details"])
    d07 = next(c for c in details["changes"]["parcels"]["changed"] if c["key"] == "D07")
    assert d07["values"]["construction_status"] == ["NOT_STARTED", "STARTED"]
    assert details["changes"]["status_events"]["added"] == [str(last["event_id"])]
