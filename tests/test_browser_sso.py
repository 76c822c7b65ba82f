"""Single sign-on in headless Chromium (#13 item 5): the app started with the fake OpenID
provider of tests/fake_oidc.py configured. The login page shows the button; clicking it
goes through the provider and back, signed in as the mapped account (its map, its name in
the sidebar, no password prompt although its local password is a one-time one); a person
the provider knows but the app does not ends on the login page with the message.

The provider's issuer is ``http://localhost:<port>`` and the app ``http://127.0.0.1:<port>``:
two sites, so the redirect back is a cross-site navigation, as with a real provider.
Screenshots go to /tmp/shots/sso-*.png.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gis.auth import accounts
from gis.auth.access import EDITOR, command_line_actor
from gis.i18n import t
from gis.store import ParkStore
from tests.browser_kit import MAP_TIMEOUT_S, VIEWPORT, map_frame
from tests.conftest import AppServer, serve_app
from tests.fake_oidc import FakeProvider

SHOTS = Path("/tmp/shots")
PROVIDER_NAME = "市政务服务统一身份认证"


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with FakeProvider(host="localhost") as op:
        yield op


@pytest.fixture
def sso_app(
    provider: FakeProvider,
    sample_store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[AppServer]:
    """The app with the provider configured; ``zhao`` (editor, one-time password) exists."""
    store_path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, store_path)
    accounts.create_account(
        ParkStore.open(store_path), command_line_actor("pytest"), "zhao", EDITOR
    )
    for name, value in provider.env(PARK_OIDC_NAME=PROVIDER_NAME).items():
        monkeypatch.setenv(name, value)  # serve_app passes its environment on
    with serve_app(store_path, tmp_path) as server:
        yield server


def click_sso(browser, server: AppServer):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", signed_in=False)
    page = context.new_page()
    page.set_default_timeout(MAP_TIMEOUT_S * 1000)
    page.goto(server.url + "/", wait_until="domcontentloaded")
    button = page.locator("#sso")
    button.wait_for()
    assert button.inner_text() == t("sso_button_named", "zh", name=PROVIDER_NAME)
    return context, page


def test_sso_signs_in_the_mapped_account_and_refuses_an_unknown_one(browser, sso_app, provider):
    SHOTS.mkdir(exist_ok=True)
    context, page = click_sso(browser, sso_app)
    try:
        assert page.locator("#password").count() == 1  # local passwords stay
        page.screenshot(path=str(SHOTS / "sso-login.png"))
        page.locator("#sso").click()
        frame = map_frame(page)  # the map page, parcels drawn
        assert frame.evaluate("() => window.parkLayers.parcels.getLayers().length") > 0
        assert page.url == sso_app.url + "/"
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("zhao", exact=False).first.wait_for()
        # The provider owns the password: no prompt to change the one-time one.
        assert page.get_by_text(t("pw_change_first", "zh")).count() == 0
        assert sidebar.get_by_text(t("pw_change_title", "zh")).count() == 0
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SHOTS / "sso-signed-in.png"))
        cookie = next(c for c in context.cookies() if c["name"] == accounts.COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    finally:
        context.close()

    provider.user = "sun"
    context, page = click_sso(browser, sso_app)
    try:
        page.locator("#sso").click()
        message = t("sso_no_account", "zh", user="sun")
        page.get_by_role("alert").filter(has_text=message).wait_for()
        assert "/auth/oidc/callback" in page.url and page.locator("#sso").count() == 1
        page.screenshot(path=str(SHOTS / "sso-unknown.png"))
        assert accounts.COOKIE not in {c["name"] for c in context.cookies()}
    finally:
        context.close()

    trail = ParkStore(sso_app.store_path).audit_trail()
    mine = trail[trail["event"].eq("sign_in") & trail["details"].str.contains('"oidc"')]
    assert list(zip(mine["username"], mine["outcome"], strict=True)) == [
        ("zhao", "ok"),
        ("sun", "refused"),
    ]
