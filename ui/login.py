"""The sign-in gate every page load passes first (app.py), and the user box in the sidebar.

Who is signed in comes from the session cookie the server's ``/auth/login`` set
(:mod:`ui.auth_routes`), read through ``st.context.cookies`` and checked against the
store's sessions (:func:`gis.auth.sessions.resume_session`: idle time-out, disabled accounts).
The check is repeated at most once per :attr:`AuthConfig.touch_seconds` within one browser
session, so a rerun does not write. Tests sign in by putting an :class:`Actor` in the
session state (:data:`ui.session.ACTOR_KEY`), which a browser cannot do.

Signed out, the run sends nothing of the park: no sidebar, no map, no store path — only a
redirect to the login page and a plain link. An account that must change its password
sees only the change-password form.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st

from gis._errors import ParkError
from gis.auth import accounts, passwords, sessions
from gis.auth.access import ROLE_LABELS, Actor
from gis.i18n import t
from ui import shell
from ui.auth_routes import LOGIN, LOGOUT, base_path
from ui.errors import report_incident
from ui.session import ACTOR_KEY, current_actor
from ui.text import error_md, md

_CHECK_KEY = "park_session_check"
_FLASH_KEY = "park_password_flash"
_DIALOG_KEY = "park_password_dialog"  # the change-password dialog is open


@dataclass(frozen=True)
class _Check:
    digest: str  # the cookie's token hash ("" for an actor put there by a test)
    at: float  # time.monotonic() of the check
    actor: Actor
    account: accounts.Account | None
    method: str = "password"  # "oidc": single sign-on, where the provider owns the password


def _base() -> str:
    return base_path(st.get_option("server.baseUrlPath"))


def _client() -> str:
    try:
        return st.context.ip_address or "localhost"
    except Exception:  # outside a browser session (AppTest)
        return ""


def _cookie() -> str:
    try:
        value = st.context.cookies.get(accounts.COOKIE, "")
    except Exception:  # no browser session (AppTest)
        return ""
    return value if isinstance(value, str) else ""


def resolve(config: accounts.AuthConfig | None = None) -> tuple[Actor | None, bool]:
    """The signed-in actor (or ``None``) and whether a session just ended (time-out)."""
    config = config or accounts.AuthConfig.from_env()
    token = _cookie()
    digest = sessions.token_hash(token) if token else ""
    cached = st.session_state.get(_CHECK_KEY)
    fresh = isinstance(cached, _Check) and time.monotonic() - cached.at < config.touch_seconds
    if token:
        if fresh and cached.digest == digest:
            return cached.actor, False
        session = sessions.resume_session(shell.store(), token, client=_client(), config=config)
        if session is None:
            st.session_state.pop(ACTOR_KEY, None)
            st.session_state.pop(_CHECK_KEY, None)
            return None, True
        actor = session.account.actor(_client())
        st.session_state[ACTOR_KEY] = actor
        st.session_state[_CHECK_KEY] = _Check(
            digest, time.monotonic(), actor, session.account, session.method
        )
        return actor, False
    actor = current_actor()
    if actor is None:
        return None, False
    if not (fresh and cached.actor == actor):
        try:  # an account of that name (tests of the password form) has its flags
            account = accounts.find_account(shell.store(), actor.username)
        except ParkError:
            account = None  # the sidebar reports the store's problem
        st.session_state[_CHECK_KEY] = _Check("", time.monotonic(), actor, account)
    return actor, False


def _account() -> accounts.Account | None:
    """The signed-in account, for its password rules: none in a single sign-on session."""
    cached = st.session_state.get(_CHECK_KEY)
    if not isinstance(cached, _Check) or cached.method != "password":
        return None
    return cached.account


def gate() -> Actor:
    """The signed-in actor; otherwise the run stops after a redirect to the login page
    (signed out) or the change-password form (a new or reset password)."""
    try:
        actor, expired = resolve()
    except ParkError as exc:  # the store cannot be read: nobody can be let in
        report_incident(exc, shell.lang())
        st.stop()
    if actor is None:
        redirect_to_login(expired)
        st.stop()
    account = _account()
    if account is not None and account.must_change:
        st.title(t("pw_change_title", shell.lang()))
        st.info(t("pw_change_first", shell.lang()))
        password_form(actor, "first")
        _sign_out_link()
        st.stop()
    shell.show_flash(_FLASH_KEY)  # "password changed", on the page the user goes on to
    return actor


def redirect_to_login(expired: bool = False) -> None:
    """Send the browser to the login page, back here afterwards; a plain link as well."""
    lang = shell.lang()
    extra = "&expired=1" if expired else ""
    login = f"{_base()}/{LOGIN}"
    script = (
        "<script>(function(){var w=window.parent||window;var n=w.location.pathname+"
        f"w.location.search;w.location.replace({login!r}+'?next='+encodeURIComponent(n)+"
        f"{extra!r});}})();</script>"
    )
    st.html(script, unsafe_allow_javascript=True)
    # The link (for a browser that blocks the script) does not repeat the address: the run
    # echoes nothing the visitor sent, not even a parcel code typed into a link.
    href = login + ("?expired=1" if expired else "")
    st.html(
        f"<p>{html.escape(t('login_redirect', lang))} "
        f'<a href="{html.escape(href)}" target="_self">{html.escape(t("login_title", lang))}</a></p>'
    )


def password_form(actor: Actor, key: str) -> None:
    """Current password, the new one twice; on success the next run goes on."""
    lang = shell.lang()
    with st.form(f"password_{key}", clear_on_submit=True):
        old = st.text_input(t("pw_current", lang), type="password", key=f"pw_old_{key}")
        new = st.text_input(
            t("pw_new", lang),
            type="password",
            key=f"pw_new_{key}",
            help=t("pw_rule", lang, min=passwords.PASSWORD_MIN_LENGTH),
        )
        again = st.text_input(t("pw_repeat", lang), type="password", key=f"pw_again_{key}")
        submitted = st.form_submit_button(t("pw_submit", lang), type="primary")
    if not submitted:
        return
    if new != again:
        st.error(t("pw_mismatch", lang))
        return
    try:
        accounts.change_password(shell.store(), actor.username, old, new, client=_client())
    except ParkError as exc:
        st.error(error_md(exc, lang))
        return
    st.session_state.pop(_CHECK_KEY, None)
    _close_dialog()
    st.session_state[_FLASH_KEY] = t("pw_changed", lang)
    st.rerun()


def _sign_out_link() -> None:
    lang = shell.lang()
    href = f"{_base()}/{LOGOUT}?lang={lang}"
    st.html(
        f'<a href="{html.escape(href)}" target="_self" data-testid="park-sign-out">'
        f"{html.escape(t('sign_out', lang))}</a>"
    )


def sidebar_user(actor: Actor) -> None:
    """Who is signed in, in which role; the password prompt when due; sign out."""
    lang = shell.lang()
    role = ROLE_LABELS.get(actor.role, (actor.role, actor.role))[0 if lang == "zh" else 1]
    account = _account()
    with st.sidebar:
        st.caption(md(t("signed_in_as", lang, user=actor.author, role=role)))
        now = datetime.now(UTC)
        config = accounts.AuthConfig.from_env()
        due = account is not None and account.password_due(now, config)
        if due:
            st.warning(t("pw_change_due", lang, days=config.password_max_days))
        if account is not None and due:
            with st.expander(t("pw_change_title", lang), expanded=True):
                password_form(actor, "sidebar")
        elif account is not None:
            _password_dialog(actor, lang)
        _sign_out_link()


def _password_dialog(actor: Actor, lang: str) -> None:
    """A button that opens the change-password form in a dialog. Not three fields in an
    expander: in the sidebar of every page they held up the map's first paint by ~0.3 s
    (#15). Open until dismissed or the password is changed (a flag, so the form's own
    reruns find it open)."""
    title = t("pw_change_title", lang)
    if st.button(title, key="pw_open", icon=":material/key:", type="tertiary"):
        st.session_state[_DIALOG_KEY] = True
    if st.session_state.get(_DIALOG_KEY):
        st.dialog(title, on_dismiss=_close_dialog)(password_form)(actor, "sidebar")


def _close_dialog() -> None:
    st.session_state.pop(_DIALOG_KEY, None)
