"""The single sign-on routes (OpenID Connect, :mod:`gis.auth.oidc`), beside ``/auth/login``.

``/auth/oidc/start`` asks the provider where to sign in (discovery), keeps the attempt's
state, nonce and PKCE verifier in an HttpOnly cookie and sends the browser there.
``/auth/oidc/callback`` is where the provider sends it back: the server exchanges the code
for the ID token, checks it and the account (:func:`gis.auth.oidc.complete`) and sets the same
session cookie as a password sign-in; any refusal shows the login page with its reason.

The attempt's cookie is SameSite=Lax, not Strict: the provider's redirect back is a
navigation from another site, which a Strict cookie would not come with. The session
cookie stays Strict. No streamlit here: these run in the server, outside any script run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gis.auth import oidc
from gis.i18n import error_text
from gis.store import open_park_store
from ui.auth_routes import (
    _NO_STORE,
    SSO_CALLBACK,
    SSO_START,
    _client,
    _lang,
    _secure,
    _set_session,
    login_page,
    safe_next,
)

ATTEMPT_COOKIE = "park_oidc"


def _redirect_uri(request: Request, base: str, config: oidc.OidcConfig) -> str:
    """Where the provider sends the browser back: as configured, else this server's own
    address (behind a TLS proxy, its ``X-Forwarded-Proto`` says https)."""
    if config.redirect_uri:
        return config.redirect_uri
    scheme = "https" if _secure(request) else request.url.scheme
    host = request.headers.get("host") or request.url.netloc
    return f"{scheme}://{host}{base}/{SSO_CALLBACK}"


def make_routes(
    base: str, open_store: Callable = open_park_store, env: Mapping[str, str] | None = None
) -> list[Route]:
    """The two routes, or none when ``PARK_OIDC_ISSUER`` is not set."""
    config = oidc.OidcConfig.from_env(env)
    if config is None:
        return []
    page = functools.partial(login_page, base, sso=config)
    cookie_path = f"{base}/auth/oidc"

    async def start(request: Request) -> Response:
        q = request.query_params
        lang, next_path = _lang(q.get("lang")), safe_next(q.get("next"), base)
        attempt = oidc.Attempt.new(_redirect_uri(request, base, config), next_path, lang)
        try:
            provider = await run_in_threadpool(oidc.discover, config)
        except oidc.SsoRefused as exc:
            msg = error_text(exc, lang)
            return page(lang, next_path, error=msg, status=502, secure=_secure(request))
        target = oidc.authorization_url(provider, config, attempt)
        response = RedirectResponse(target, status_code=303, headers=_NO_STORE)
        response.set_cookie(
            ATTEMPT_COOKIE,
            attempt.cookie(),
            max_age=oidc.ATTEMPT_SECONDS,
            path=cookie_path,
            httponly=True,
            samesite="lax",
            secure=_secure(request),
        )
        return response

    async def callback(request: Request) -> Response:
        attempt = oidc.Attempt.from_cookie(request.cookies.get(ATTEMPT_COOKIE))
        lang = attempt.lang if attempt else _lang(request.query_params.get("lang"))
        next_path = safe_next(attempt.next_path if attempt else "", base)
        params = dict(request.query_params)
        secure = _secure(request)
        try:
            signed = await run_in_threadpool(
                lambda: oidc.complete(
                    open_store(), config, attempt, params, client=_client(request)
                )
            )
        except oidc.SsoRefused as exc:
            response = page(lang, next_path, error=error_text(exc, lang), status=401, secure=secure)
        else:
            response = RedirectResponse(next_path, status_code=303, headers=_NO_STORE)
            _set_session(response, signed.token, base, secure)
        response.delete_cookie(ATTEMPT_COOKIE, path=cookie_path)  # one use, either way
        return response

    return [
        Route(f"{base}/{SSO_START}", start, methods=["GET"]),
        Route(f"{base}/{SSO_CALLBACK}", callback, methods=["GET"]),
    ]
