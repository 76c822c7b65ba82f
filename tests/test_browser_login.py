"""Signing in, in headless Chromium (#13): nothing of the park reaches a signed-out browser,
neither in the page nor over the websocket; a deep link survives the login; a reload
keeps the sign-in; five wrong passwords lock; a first sign-in must change the password;
the administrator's accounts and audit page. Screenshots go to /tmp/shots/accounts-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

from gis.auth import accounts, sessions
from gis.auth.access import ADMIN, DATA_MANAGER, command_line_actor
from gis.i18n import t
from gis.store import ParkStore
from tests.browser_kit import MAP_TIMEOUT_S, VIEWPORT
from tests.conftest import browser_username

SHOTS = Path("/tmp/shots")
CLI = command_line_actor("pytest")
#: The seeded test accounts' password (tests/conftest.py, seed_browser_accounts).
DM_PASSWORD = f"Test-{DATA_MANAGER}-Pass1"
#: What a signed-out browser must never receive: parcel and block names, the store's file.
SECRETS = ("碧湖区块D07地块", "碧湖区块", "park.gpkg", "示意数据")


def signed_out_page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", signed_in=False)
    page = context.new_page()
    page.set_default_timeout(MAP_TIMEOUT_S * 1000)
    return context, page


def sign_in(page, username: str, password: str) -> None:
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.get_by_role("button", name=t("login_submit", "zh")).click()


def test_signed_out_sees_only_the_login_on_every_page(browser, app_server):
    SHOTS.mkdir(exist_ok=True)
    context, page = signed_out_page(browser)
    received: list[bytes] = []

    def watch(ws) -> None:
        ws.on("framereceived", lambda p: received.append(p if isinstance(p, bytes) else p.encode()))

    page.on("websocket", watch)
    store_path = str(app_server.store_path)
    try:
        for path in (
            "/?parcel=D07",
            "/parcels?parcel=D07",
            "/map",
            "/targets",
            "/reuse",
            "/data",
            "/meeting",
            "/admin",
        ):
            page.goto(app_server.url + path, wait_until="domcontentloaded")
            page.wait_for_url(re.compile(r"/auth/login\?next="))
            page.locator("#password").wait_for()
            assert page.locator("input[name=next]").input_value() == path
            html = page.content()
            for secret in (*SECRETS, store_path):
                assert secret not in html, (path, secret)
        assert received, "the app's websocket was never used"
        sent = b"".join(received)
        for secret in (*SECRETS, store_path, "D07"):
            assert secret.encode() not in sent, secret
        page.screenshot(path=str(SHOTS / "accounts-login-zh.png"))
        page.locator("#lang-switch").click()
        page.get_by_role("button", name=t("login_submit", "en")).wait_for()
        assert page.locator("input[name=next]").input_value() == "/admin"
        page.screenshot(path=str(SHOTS / "accounts-login-en.png"))
    finally:
        context.close()


def test_sign_in_keeps_the_deep_link_survives_a_reload_and_signs_out(browser, app_server):
    context, page = signed_out_page(browser)
    try:
        page.goto(app_server.url + "/parcels?parcel=D07", wait_until="domcontentloaded")
        page.locator("#password").wait_for()
        sign_in(page, browser_username(DATA_MANAGER), "Wrong-pass-1")
        page.get_by_role("alert").filter(has_text=t("signin_failed", "zh")).wait_for()
        sign_in(page, browser_username(DATA_MANAGER), DM_PASSWORD)
        page.get_by_role("heading", name="D07 · 碧湖区块D07地块").wait_for()
        assert page.url.endswith("/parcels?parcel=D07")
        cookie = next(c for c in context.cookies() if c["name"] == accounts.COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text(browser_username(DATA_MANAGER), exact=False).first.wait_for()

        page.reload(wait_until="domcontentloaded")  # a new Streamlit session, same sign-in
        page.get_by_role("heading", name="D07 · 碧湖区块D07地块").wait_for()
        assert "/auth/login" not in page.url

        page.get_by_test_id("stSidebar").get_by_text(t("sign_out", "zh")).click()
        page.get_by_text(t("login_signed_out", "zh")).wait_for()
        assert accounts.COOKIE not in {c["name"] for c in context.cookies()}
        page.goto(app_server.url + "/parcels?parcel=D07", wait_until="domcontentloaded")
        page.wait_for_url(re.compile(r"/auth/login\?next="))
    finally:
        context.close()
    trail = ParkStore(app_server.store_path).audit_trail()
    mine = trail[
        (trail["username"] == browser_username(DATA_MANAGER))
        & trail["event"].isin(["sign_in", "sign_out"])
    ]
    assert list(mine["event"])[-3:] == ["sign_in", "sign_in", "sign_out"]
    assert list(mine["outcome"])[-3:] == ["refused", "ok", "ok"]


def test_five_wrong_passwords_lock_the_account(browser, app_server):
    store = ParkStore(app_server.store_path)
    accounts.create_account(
        store, CLI, "lockme", DATA_MANAGER, password="Right-Pass-77", must_change=False
    )
    context, page = signed_out_page(browser)
    try:
        page.goto(app_server.url + "/", wait_until="domcontentloaded")
        for i in range(1, 5):
            sign_in(page, "lockme", f"Wrong-pass-{i}")
            page.get_by_role("alert").filter(has_text=t("signin_failed", "zh")).wait_for()
        sign_in(page, "lockme", "Wrong-pass-5")
        page.get_by_role("alert").filter(has_text="已锁定").wait_for()
        sign_in(page, "lockme", "Right-Pass-77")  # the right one, too late
        page.get_by_role("alert").filter(has_text="已锁定").wait_for()
        assert "/auth/login" in page.url
    finally:
        context.close()
    assert accounts.find_account(store, "lockme").locked(accounts.now_utc())


def test_first_sign_in_changes_the_password_then_the_admin_page(browser, app_server):
    store = ParkStore(app_server.store_path)
    one_time = accounts.create_account(store, CLI, "chief", ADMIN)
    context, page = signed_out_page(browser)
    try:
        page.goto(app_server.url + "/", wait_until="domcontentloaded")
        sign_in(page, "chief", one_time)
        page.get_by_text(t("pw_change_first", "zh")).wait_for()
        assert page.get_by_test_id("stSidebar").count() == 0
        page.screenshot(path=str(SHOTS / "accounts-change-password.png"))
        page.get_by_label(t("pw_current", "zh")).fill(one_time)
        page.get_by_label(t("pw_new", "zh"), exact=True).fill("Lotus-Park-2021")
        page.get_by_label(t("pw_repeat", "zh")).fill("Lotus-Park-2021")
        page.get_by_role("button", name=t("pw_submit", "zh")).click()
        page.get_by_text(t("pw_changed", "zh")).wait_for()
        page.goto(app_server.url + "/admin", wait_until="domcontentloaded")
        page.get_by_role("heading", name=t("page_admin", "zh")).wait_for()
        page.get_by_test_id("stDataFrame").first.wait_for()
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SHOTS / "accounts-admin.png"), full_page=True)
        page.get_by_role("tab", name=t("admin_audit", "zh")).click()
        page.get_by_text("完整性校验通过").wait_for()
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SHOTS / "accounts-audit.png"), full_page=True)
    finally:
        context.close()
    assert not accounts.find_account(store, "chief").must_change


def test_password_change_from_the_sidebar_dialog(browser, app_server):
    """The sidebar's button opens the form in a dialog (#15): a wrong current password is
    said inside it; the right one closes it, says so, and the new password signs in."""
    store = ParkStore(app_server.store_path)
    one_time = accounts.create_account(store, CLI, "sun-dialog", DATA_MANAGER)
    accounts.change_password(store, "sun-dialog", one_time, "Lotus-Park-2021")
    context, page = signed_out_page(browser)
    try:
        page.goto(app_server.url + "/", wait_until="domcontentloaded")
        sign_in(page, "sun-dialog", "Lotus-Park-2021")
        title = t("pw_change_title", "zh")
        page.get_by_test_id("stSidebar").get_by_role("button", name=title).click()
        dialog = page.get_by_role("dialog")
        for current in ("Not-The-Password-1", "Lotus-Park-2021"):
            dialog.get_by_label(t("pw_current", "zh")).fill(current)
            dialog.get_by_label(t("pw_new", "zh"), exact=True).fill("Lily-Pond-2022")
            dialog.get_by_label(t("pw_repeat", "zh")).fill("Lily-Pond-2022")
            dialog.get_by_role("button", name=t("pw_submit", "zh")).click()
            if current.startswith("Not"):
                dialog.get_by_test_id("stAlertContentError").wait_for()
        page.get_by_text(t("pw_changed", "zh")).wait_for()
        assert page.get_by_role("dialog").count() == 0
        assert accounts.find_account(store, "sun-dialog") is not None
        assert sessions.sign_in(store, "sun-dialog", "Lily-Pond-2022")
    finally:
        context.close()
