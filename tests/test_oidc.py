"""Single sign-on with OpenID Connect (gis.auth.oidc, ui.oidc_routes; #13 item 5), against the
fake provider of tests/fake_oidc.py, through the real Starlette routes.

Each test walks the flow as a browser would: the login page, ``/auth/oidc/start`` (which
sends it to the provider), the provider's ``/authorize`` (which sends it straight back
with a code), ``/auth/oidc/callback``. The provider can be told to spoil the ID token in
each way a verifier must catch; every refusal ends on the login page with its message,
without a session, and in the audit.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gis import schema
from gis._errors import AccessError, ValidationError
from gis.auth import accounts, oidc
from gis.auth import sessions as auth_sessions
from gis.auth.access import EDITOR, VIEWER, command_line_actor
from gis.i18n import t
from gis.store import ParkStore
from tests.fake_oidc import MISBEHAVIOURS, FakeProvider
from tests.tiny_park import tiny_park
from ui import auth_routes, oidc_routes

CLI = command_line_actor("tester")


@pytest.fixture
def store(tmp_path: Path) -> ParkStore:
    store = ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)
    accounts.create_account(store, CLI, "zhao", EDITOR, display_name="赵工")
    return store


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    with FakeProvider() as op:
        yield op


@pytest.fixture(autouse=True)
def well_behaved(provider: FakeProvider) -> None:
    provider.user, provider.misbehave, provider.deny = "zhao", "", False
    provider.auth_methods = ("client_secret_basic",)


def app(store: ParkStore, env: dict[str, str]) -> TestClient:
    routes = [
        *auth_routes.make_routes("", lambda: store, env),
        *oidc_routes.make_routes("", lambda: store, env),
    ]
    return TestClient(Starlette(routes=routes), follow_redirects=False)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def at_provider(location: str) -> str:
    """What the provider's ``/authorize`` sends the browser back to (path and query)."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(location, timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 302, exc.code
        back = urlsplit(exc.headers["Location"])
        return f"{back.path}?{back.query}"
    raise AssertionError("the provider did not redirect")


def sign_on(client: TestClient, next_path: str = "/parcels?parcel=D07"):
    """Start, visit the provider, come back: the callback's response."""
    start = client.get("/auth/oidc/start", params={"next": next_path, "lang": "zh"})
    assert start.status_code == 303, start.text
    return client.get(at_provider(start.headers["location"]))


def trail(store: ParkStore) -> list[dict]:
    rows = store.audit_trail().sort_values("audit_id").to_dict("records")
    for row in rows:
        row["details"] = json.loads(row["details"] or "{}")
    return rows


def sessions(store: ParkStore) -> int:
    return len(store.read(schema.SESSIONS.name))


# --------------------------------------------------------------------- configuration
def test_without_configuration_nothing_changes(store):
    assert oidc.OidcConfig.from_env({}) is None
    assert oidc_routes.make_routes("", lambda: store, {}) == []
    page = app(store, {}).get("/auth/login")
    assert page.status_code == 200
    assert 'id="password"' in page.text and "/auth/oidc/start" not in page.text


def test_configuration_from_the_environment():
    config = oidc.OidcConfig.from_env(
        {
            "PARK_OIDC_ISSUER": "https://id.example.gov.cn/realms/park/",
            "PARK_OIDC_CLIENT_ID": "one-map",
            "PARK_OIDC_ONLY": "true",
        }
    )
    assert config == oidc.OidcConfig(
        "https://id.example.gov.cn/realms/park", "one-map", claim="preferred_username", only=True
    )
    with pytest.raises(ValidationError) as missing:
        oidc.OidcConfig.from_env({"PARK_OIDC_ISSUER": "https://id.example.gov.cn"})
    assert missing.value.key == "sso_config_missing"
    with pytest.raises(ValidationError):
        oidc.OidcConfig.from_env({"PARK_OIDC_ISSUER": "id.example", "PARK_OIDC_CLIENT_ID": "x"})


def test_login_page_offers_the_button_in_both_languages(store, provider):
    client = app(store, provider.env(PARK_OIDC_NAME="市政务统一身份认证"))
    zh = client.get("/auth/login", params={"next": "/map"}).text
    assert "使用统一身份认证登录（市政务统一身份认证）" in zh
    assert 'href="/auth/oidc/start?next=%2Fmap&amp;lang=zh"' in zh
    assert 'id="password"' in zh  # local passwords stay
    unnamed = app(store, provider.env())
    assert ">使用统一身份认证登录</a>" in unnamed.get("/auth/login").text
    assert "Sign in with single sign-on" in unnamed.get("/auth/login", params={"lang": "en"}).text


def test_only_sso_hides_and_refuses_the_password_form(store, provider):
    one_time = accounts.create_account(store, CLI, "qian", VIEWER)
    client = app(store, provider.env(PARK_OIDC_ONLY="1"))
    page = client.get("/auth/login")
    assert 'id="password"' not in page.text and 'id="sso"' in page.text
    posted = client.post(
        "/auth/login", data={"username": "qian", "password": one_time, "form_token": "x"}
    )
    assert posted.status_code == 403
    assert t("sso_only", "zh") in posted.text and accounts.COOKIE not in posted.cookies


# --------------------------------------------------------------------- the happy path
def test_sign_on_starts_an_ordinary_session_of_the_mapped_account(store, provider):
    client = app(store, provider.env())
    start = client.get("/auth/oidc/start", params={"next": "/parcels?parcel=D07"})
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert start.headers["location"].startswith(f"{provider.issuer}/authorize?")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"] == ["http://testserver/auth/oidc/callback"]
    assert query["state"][0] and query["nonce"][0] and query["client_id"] == ["park-one-map"]
    assert "samesite=lax" in start.headers["set-cookie"].lower()

    done = client.get(at_provider(start.headers["location"]))
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/parcels?parcel=D07"
    token = done.cookies[accounts.COOKIE]
    session = auth_sessions.resume_session(store, token)
    assert session.account.username == "zhao" and session.method == "oidc"
    # The exchange: secret in the Basic header (form-encoded), the PKCE verifier sent.
    request = provider.token_requests[-1]
    assert request["authorization"].startswith("Basic ") and "client_secret" not in request
    assert len(request["code_verifier"]) >= 43

    row = trail(store)[-1]
    assert (row["username"], row["event"], row["outcome"]) == ("zhao", "sign_in", "ok")
    assert row["details"]["method"] == "oidc" and row["details"]["subject"] == "sub-zhao"
    assert row["details"]["issuer"] == provider.issuer and row["client"] == "testclient"
    assert row["details"]["session"] == session.session_id


def test_sso_ignores_password_rules_and_leaves_the_counters(store, provider):
    # zhao has a one-time password still (must change) and two failed attempts.
    for _ in range(2):
        with pytest.raises(AccessError):
            auth_sessions.sign_in(store, "zhao", "wrong-Password-1")
    done = sign_on(app(store, provider.env()))
    assert done.status_code == 303
    account = accounts.find_account(store, "zhao")
    assert account.must_change and account.failed_count == 2
    assert account.last_sign_in_at is not None


def test_client_secret_post_when_the_provider_offers_only_that(store, provider):
    provider.auth_methods = ("client_secret_post",)
    done = sign_on(app(store, provider.env()))
    assert done.status_code == 303
    request = provider.token_requests[-1]
    assert request["client_secret"] == provider.client_secret and request["authorization"] == ""


# --------------------------------------------------------------------- refusals
def refused(store: ParkStore, response, key: str, **params: str) -> dict:
    """The callback ended on the login page with ``key``'s message, no session: the
    audit row of the refusal."""
    assert response.status_code == 401
    assert t(key, "zh", **params) in response.text
    assert accounts.COOKIE not in response.cookies and sessions(store) == 0
    row = trail(store)[-1]
    assert (row["event"], row["outcome"]) == ("sign_in", "refused")
    assert row["details"]["method"] == "oidc" and row["details"]["error"] == key
    return row


@pytest.mark.parametrize("misbehaviour", MISBEHAVIOURS)
def test_a_spoiled_id_token_is_refused(store, provider, misbehaviour):
    provider.misbehave = misbehaviour
    row = refused(store, sign_on(app(store, provider.env())), "sso_failed")
    assert row["details"]["reason"].startswith("id_token"), row["details"]
    assert row["username"] == "?"  # nothing of an unverified token is believed


def test_an_unknown_account_is_refused_with_its_name(store, provider):
    provider.user = "sun"
    row = refused(store, sign_on(app(store, provider.env())), "sso_no_account", user="sun")
    assert row["username"] == "sun" and row["details"]["reason"] == "unknown_account"
    assert row["details"]["subject"] == "sub-sun"
    assert accounts.find_account(store, "sun") is None  # never created on the fly


def test_a_disabled_account_is_refused(store, provider):
    accounts.set_disabled(store, CLI, "zhao", True)
    row = refused(store, sign_on(app(store, provider.env())), "sso_no_account", user="zhao")
    assert row["details"]["reason"] == "disabled"


def test_a_wrong_state_is_refused_and_the_code_not_redeemed(store, provider):
    client = app(store, provider.env())
    start = client.get("/auth/oidc/start")
    back = at_provider(start.headers["location"])
    asked = len(provider.token_requests)
    forged = back.replace("state=", "state=x")
    row = refused(store, client.get(forged), "sso_failed")
    assert row["details"]["reason"] == "bad_state" and len(provider.token_requests) == asked


def test_a_callback_without_its_attempt_cookie_is_refused(store, provider):
    client = app(store, provider.env())
    start = client.get("/auth/oidc/start")
    back = at_provider(start.headers["location"])
    client.cookies.clear()  # another browser: a code sent to the victim by an attacker
    row = refused(store, client.get(back), "sso_failed")
    assert row["details"]["reason"] == "no_attempt"


def test_a_code_is_good_once(store, provider):
    client = app(store, provider.env())
    start = client.get("/auth/oidc/start")
    back = at_provider(start.headers["location"])
    cookie = client.cookies[oidc_routes.ATTEMPT_COOKIE]
    assert client.get(back).status_code == 303
    auth_sessions.sign_out(store, client.cookies[accounts.COOKIE])
    client.cookies.set(oidc_routes.ATTEMPT_COOKIE, cookie, path="/auth/oidc")
    row = refused(store, client.get(back), "sso_failed")
    assert "invalid_grant" in row["details"]["reason"]


def test_the_provider_saying_no(store, provider):
    provider.deny = True
    row = refused(store, sign_on(app(store, provider.env())), "sso_denied")
    assert row["details"]["reason"] == "provider: access_denied"


def test_an_unreachable_provider(store, provider):
    with FakeProvider() as gone:
        env = gone.env()
    page = app(store, env).get("/auth/oidc/start", params={"lang": "en"})
    assert page.status_code == 502
    assert t("sso_unavailable", "en") in page.text and 'id="password"' in page.text
