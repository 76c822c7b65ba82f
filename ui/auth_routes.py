"""The sign-in and sign-out routes the server adds beside Streamlit's (scripts/serve.py).

Streamlit's own session ends with every page load, so signing in there would mean a login
per reload. Instead ``/auth/login`` is a small page of its own (Chinese, with an English
switch): its POST checks the password (:func:`gis.auth.sessions.sign_in`) and sets a random
session token in an HttpOnly, SameSite=Strict cookie, then sends the browser on to
``next``; the app reads the cookie (``st.context.cookies``) on every page load
(:mod:`ui.login`). ``/auth/logout`` ends the session and clears the cookie.

A double-submit token (a second cookie repeated in the form) keeps other sites from
signing a browser in to an account of theirs. Everything put in the page is escaped.
This module does not import streamlit: it runs in the server, outside any script run.
"""

from __future__ import annotations

import functools
import html
import logging
import secrets
from collections.abc import Callable, Mapping
from string import Template
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from gis._errors import ParkError
from gis.auth import accounts, sessions
from gis.auth.oidc import OidcConfig
from gis.i18n import error_text, t
from gis.store import open_park_store

LOGIN, LOGOUT = "auth/login", "auth/logout"
SSO_START, SSO_CALLBACK = "auth/oidc/start", "auth/oidc/callback"
CSRF_COOKIE = "park_login_form"
LOGGER = logging.getLogger("park.auth")

_PAGE = Template("""<!doctype html>
<html lang="$html_lang"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title · $app</title>
<style>
:root { color-scheme: light; }
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
  background: #f0f2f6; color: #31333f;
  font-family: "Source Sans Pro", "Source Sans 3", "Noto Sans CJK SC", "WenQuanYi Micro Hei",
  "Microsoft YaHei", sans-serif; }
main { background: #fff; width: 22rem; padding: 2rem 2.2rem 1.6rem; border-radius: 0.6rem;
  box-shadow: 0 1px 3px rgba(0,0,0,.12); }
h1 { font-size: 1.5rem; margin: 0 0 0.2rem; font-weight: 700; }
h2 { font-size: 1.05rem; margin: 0 0 1.2rem; font-weight: 400; color: #6b6f7b; }
label { display: block; font-size: 0.875rem; margin: 0.9rem 0 0.3rem; }
input[type=text], input[type=password] { box-sizing: border-box; width: 100%;
  padding: 0.55rem 0.7rem; font-size: 1rem; border: 1px solid #d5d7de; border-radius: 0.5rem;
  background: #f0f2f6; color: inherit; }
input:focus { outline: none; border-color: #ff4b4b; }
button { margin-top: 1.4rem; width: 100%; padding: 0.6rem; font-size: 1rem; color: #fff;
  background: #ff4b4b; border: 0; border-radius: 0.5rem; cursor: pointer; }
button:hover { background: #e03c3c; }
.alert { padding: 0.7rem 0.9rem; border-radius: 0.5rem; font-size: 0.9rem; margin: 0 0 0.6rem; }
.error { background: #ffe1e1; color: #7d1a1a; }
.info { background: #e3effd; color: #0b4586; }
a.sso { display: block; box-sizing: border-box; margin-top: 0.4rem; padding: 0.6rem;
  text-align: center; text-decoration: none; color: #fff; background: #0b4586;
  border-radius: 0.5rem; }
a.sso:hover { background: #08356a; }
p.or { text-align: center; font-size: 0.8rem; color: #808495; margin: 1.1rem 0 -0.4rem; }
footer { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem;
  margin-top: 1.2rem; font-size: 0.8rem; color: #808495; }
footer a { color: #0b4586; white-space: nowrap; }
</style></head>
<body><main>
<h1>$app</h1><h2>$title</h2>
$notice
$sso
$form
<footer><span>$hint</span><a href="$switch_href" id="lang-switch">$switch</a></footer>
</main></body></html>
""")

_FORM = Template("""<form method="post" action="$action" autocomplete="on">
<input type="hidden" name="next" value="$next">
<input type="hidden" name="lang" value="$lang">
<input type="hidden" name="form_token" value="$form_token">
<label for="username">$username_label</label>
<input type="text" id="username" name="username" value="$username" autocomplete="username"
  autocapitalize="none" spellcheck="false" required autofocus>
<label for="password">$password_label</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">$submit</button>
</form>""")


def base_path(base_url: str | None) -> str:
    """``server.baseUrlPath`` as a path prefix: ``""`` or ``"/park"``."""
    base = (base_url or "").strip("/")
    return f"/{base}" if base else ""


def safe_next(value: str | None, base: str = "") -> str:
    """Where to go after signing in: a path of this site only (never another origin)."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return f"{base}/"
    return value


def login_url(base: str, next_path: str = "", **params: str) -> str:
    query = {"next": next_path} if next_path else {}
    return f"{base}/{LOGIN}" + (f"?{urlencode({**query, **params})}" if query or params else "")


def _lang(value: str | None) -> str:
    return "en" if value == "en" else "zh"


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


def _secure(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"


def login_page(
    base: str,
    lang: str,
    next_path: str,
    *,
    error: str = "",
    info: str = "",
    username: str = "",
    status: int = 200,
    secure: bool = False,
    sso: OidcConfig | None = None,
) -> HTMLResponse:
    """The sign-in form (with a fresh form token in its cookie); with ``sso`` the single
    sign-on button too, alone if the password form is turned off."""
    token = secrets.token_urlsafe(16)
    other = "en" if lang == "zh" else "zh"
    notice = ""
    if error:
        notice = f'<p class="alert error" role="alert">{html.escape(error)}</p>'
    elif info:
        notice = f'<p class="alert info">{html.escape(info)}</p>'
    esc = html.escape
    form = "" if sso and sso.only else _password_form(base, lang, next_path, token, username)
    body = _PAGE.substitute(
        html_lang="zh-CN" if lang == "zh" else "en",
        title=esc(t("login_title", lang)),
        app=esc(t("login_app", lang)),
        notice=notice,
        sso=sso_button(base, sso, lang, next_path) if sso else "",
        form=form,
        hint=esc(t("sso_only_hint" if sso and sso.only else "login_hint", lang)),
        switch_href=esc(login_url(base, next_path, lang=other)),
        switch=esc(t("login_switch", lang)),
    )
    response = HTMLResponse(body, status_code=status, headers=_NO_STORE)
    response.set_cookie(
        CSRF_COOKIE, token, path=f"{base}/{LOGIN}", httponly=True, samesite="strict", secure=secure
    )
    return response


_NO_STORE = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}


def _password_form(base: str, lang: str, next_path: str, token: str, username: str) -> str:
    esc = html.escape
    return _FORM.substitute(
        action=esc(f"{base}/{LOGIN}"),
        next=esc(next_path),
        lang=esc(lang),
        form_token=esc(token),
        username_label=esc(t("login_username", lang)),
        username=esc(username),
        password_label=esc(t("login_password", lang)),
        submit=esc(t("login_submit", lang)),
    )


def sso_button(base: str, sso: OidcConfig, lang: str, next_path: str) -> str:
    """The link that starts a single sign-on (``ui.oidc_routes``), styled as a button."""
    href = f"{base}/{SSO_START}?{urlencode({'next': next_path, 'lang': lang})}"
    if sso.name:
        label = t("sso_button_named", lang, name=sso.name)
    else:
        label = t("sso_button", lang, name=t("sso_default_name", lang))
    link = f'<a class="sso" id="sso" href="{html.escape(href)}">{html.escape(label)}</a>'
    return link if sso.only else f'{link}\n<p class="or">{html.escape(t("sso_or", lang))}</p>'


def _set_session(response: Response, token: str, base: str, secure: bool) -> None:
    response.set_cookie(
        accounts.COOKIE, token, path=f"{base}/", httponly=True, samesite="strict", secure=secure
    )


def make_routes(
    base: str, open_store: Callable = open_park_store, env: Mapping[str, str] | None = None
) -> list[Route]:
    """``/auth/login`` (GET: the form; POST: sign in) and ``/auth/logout``. With single
    sign-on configured (``PARK_OIDC_*`` in ``env``) the form offers it; the routes of the
    sign-on itself are :func:`ui.oidc_routes.make_routes`."""
    sso = OidcConfig.from_env(env)
    page = functools.partial(login_page, sso=sso)

    def login(request: Request) -> Response:
        q = request.query_params
        lang, next_path = _lang(q.get("lang")), safe_next(q.get("next"), base)
        token = request.cookies.get(accounts.COOKIE, "")
        if token:  # already signed in: straight on
            try:
                if sessions.resume_session(open_store(), token, client=_client(request)):
                    return RedirectResponse(next_path, status_code=303, headers=_NO_STORE)
            except ParkError:
                pass
        info = ""
        if q.get("signed_out"):
            info = t("login_signed_out", lang)
        elif q.get("expired"):
            info = t("login_expired", lang)
        return page(base, lang, next_path, info=info, secure=_secure(request))

    async def login_post(request: Request) -> Response:
        form = await request.form()
        lang = _lang(str(form.get("lang", "")))
        next_path = safe_next(str(form.get("next", "")), base)
        username = str(form.get("username", ""))[:64]
        password = str(form.get("password", ""))[:256]
        secure = _secure(request)
        if sso and sso.only:  # the form is hidden; a hand-made POST is refused too
            return page(base, lang, next_path, error=t("sso_only", lang), status=403, secure=secure)
        sent, expected = str(form.get("form_token", "")), request.cookies.get(CSRF_COOKIE, "")
        if not expected or not secrets.compare_digest(sent, expected):
            return page(
                base,
                lang,
                next_path,
                error=t("login_bad_form", lang),
                username=username,
                status=400,
                secure=secure,
            )
        from starlette.concurrency import run_in_threadpool

        try:
            signed = await run_in_threadpool(
                lambda: sessions.sign_in(open_store(), username, password, client=_client(request))
            )
        except ParkError as exc:
            return page(
                base,
                lang,
                next_path,
                error=error_text(exc, lang),
                username=username,
                status=401,
                secure=secure,
            )
        response = RedirectResponse(next_path, status_code=303, headers=_NO_STORE)
        _set_session(response, signed.token, base, secure)
        response.delete_cookie(CSRF_COOKIE, path=f"{base}/{LOGIN}")
        return response

    def logout(request: Request) -> Response:
        token = request.cookies.get(accounts.COOKIE, "")
        lang = _lang(request.query_params.get("lang"))
        if token:
            try:
                sessions.sign_out(open_store(), token, client=_client(request))
            except ParkError as exc:  # the cookie goes anyway
                LOGGER.warning("sign-out: %s", exc)
        target = login_url(base, signed_out="1", lang=lang)
        response = RedirectResponse(target, status_code=303, headers=_NO_STORE)
        response.delete_cookie(accounts.COOKIE, path=f"{base}/")
        return response

    return [
        Route(f"{base}/{LOGIN}", login, methods=["GET"]),
        Route(f"{base}/{LOGIN}", login_post, methods=["POST"]),
        Route(f"{base}/{LOGOUT}", logout, methods=["GET", "POST"]),
    ]


def announce_first_admin(open_store: Callable = open_park_store) -> str | None:
    """On a store without accounts, create ``admin`` and print its one-time password to
    the console (as Jupyter prints its token). A store that cannot be opened is left to
    the app, which shows why."""
    try:
        password = accounts.ensure_first_admin(open_store())
    except ParkError as exc:
        LOGGER.warning("accounts: %s", error_text(exc, "en"))
        return None
    if password:
        line = "=" * 72
        print(
            f"\n{line}\n{t('first_admin_banner', 'zh', password=password)}\n"
            f"{t('first_admin_banner', 'en', password=password)}\n{line}\n",
            flush=True,
        )
    return password
