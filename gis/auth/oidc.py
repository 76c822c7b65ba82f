"""Optional single sign-on with an OpenID Connect provider (#13, item 5).

Where an office runs an OpenID Connect provider, the administrator sets ``PARK_OIDC_*``
(:class:`OidcConfig`) and the login page offers "使用统一身份认证登录". The flow is the
authorization code flow with PKCE (S256), ``state`` and ``nonce``; every call to the
provider (discovery, token, keys) is made by the server, with a timeout: the browser only
follows redirects. The ID token's signature is checked by joserfc (a maintained JOSE
library) against the provider's published keys, RS256 only, so ``alg=none`` and an HS256
token keyed with the public key are refused; then ``iss``, ``aud`` (and ``azp``), ``exp``
and ``iat`` (with :data:`SKEW_S` of clock skew) and ``nonce``.

The provider says who the person is; what they may do stays local. The claim
:attr:`OidcConfig.claim` must name an EXISTING, enabled local account, whose role and
block limits the administrator set: no account is created on the fly, none is shared.
An SSO session is an ordinary session (cookie, idle time-out) marked ``oidc``: password
rules (change prompts, lock-out counters) do not apply, the provider owns the password.

Streamlit's own ``st.login`` does not fit: it signs in inside a script run, after the
page and its websocket are up, whereas our gate (``ui.auth_routes``) decides in plain
server routes, before anything of the park is sent.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gis._errors import AccessError, ValidationError
from gis.auth import accounts, sessions
from gis.store import AuditEntry, ParkStore
from gis.store.audit import REFUSED

#: The session method an SSO sign-in records (:attr:`gis.sessions.Session.method`).
METHOD = "oidc"
#: Seconds to wait for the provider.
TIMEOUT_S = 10
#: Clock skew allowed between the provider and this server.
SKEW_S = 60
#: How long a sign-in may take at the provider before its state is forgotten.
ATTEMPT_SECONDS = 600
ALGORITHMS = ["RS256"]
_MAX_BODY = 1 << 20


@dataclass(frozen=True)
class OidcConfig:
    """The provider: :meth:`from_env` reads it; ``None`` there means no SSO at all."""

    issuer: str
    client_id: str
    client_secret: str = ""
    name: str = ""  # the button's label, e.g. the provider's name
    claim: str = "preferred_username"  # which claim names the local account
    only: bool = False  # hide (and refuse) the password form
    redirect_uri: str = ""  # as registered at the provider; else from the request

    ENV: ClassVar[dict[str, str]] = {
        "issuer": "PARK_OIDC_ISSUER",
        "client_id": "PARK_OIDC_CLIENT_ID",
        "client_secret": "PARK_OIDC_CLIENT_SECRET",
        "name": "PARK_OIDC_NAME",
        "claim": "PARK_OIDC_CLAIM",
        "only": "PARK_OIDC_ONLY",
        "redirect_uri": "PARK_OIDC_REDIRECT_URI",
    }

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OidcConfig | None:
        """``None`` unless ``PARK_OIDC_ISSUER`` is set; then the client id is required."""
        env = os.environ if env is None else env
        raw = {name: (env.get(var) or "").strip() for name, var in cls.ENV.items()}
        if not raw["issuer"]:
            return None
        if not raw["client_id"]:
            raise ValidationError("sso_config_missing", name=cls.ENV["client_id"])
        if not raw["issuer"].startswith(("https://", "http://")):
            raise ValidationError("sso_config_issuer", value=raw["issuer"])
        return cls(
            issuer=raw["issuer"].rstrip("/"),
            client_id=raw["client_id"],
            client_secret=raw["client_secret"],
            name=raw["name"],
            claim=raw["claim"] or cls.claim,
            only=raw["only"].lower() in {"1", "true", "yes", "on"},
            redirect_uri=raw["redirect_uri"],
        )


class SsoRefused(AccessError):
    """A single sign-on that did not end signed in; ``reason`` goes to the audit."""

    def __init__(self, key: str, reason: str, **params: Any) -> None:
        super().__init__(key, **params)
        self.reason = reason


# --------------------------------------------------------------------- the provider
@dataclass(frozen=True)
class Provider:
    """What discovery says of the provider."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    auth_methods: tuple[str, ...] = ("client_secret_basic",)


def _fetch(request: urllib.request.Request | str) -> dict:
    """A JSON object from the provider, or :class:`SsoRefused` (unreachable, not JSON)."""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            body = response.read(_MAX_BODY)
    except urllib.error.HTTPError as exc:
        detail = exc.read(4096).decode("utf-8", "replace")
        raise SsoRefused("sso_failed", f"http_{exc.code}: {detail[:200]}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SsoRefused("sso_unavailable", f"unreachable: {exc}") from exc
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise SsoRefused("sso_unavailable", "not_json") from exc
    if not isinstance(data, dict):
        raise SsoRefused("sso_unavailable", "not_json")
    return data


def discover(config: OidcConfig) -> Provider:
    """``<issuer>/.well-known/openid-configuration``, which must name the same issuer.
    Fetched for each sign-in (they are rare), so a provider's change is seen at once."""
    data = _fetch(f"{config.issuer}/.well-known/openid-configuration")
    try:
        provider = Provider(
            issuer=str(data["issuer"]).rstrip("/"),
            authorization_endpoint=str(data["authorization_endpoint"]),
            token_endpoint=str(data["token_endpoint"]),
            jwks_uri=str(data["jwks_uri"]),
            auth_methods=tuple(
                data.get("token_endpoint_auth_methods_supported") or ("client_secret_basic",)
            ),
        )
    except KeyError as exc:
        raise SsoRefused("sso_unavailable", f"discovery_lacks_{exc.args[0]}") from exc
    if provider.issuer != config.issuer:
        raise SsoRefused("sso_unavailable", f"discovery_issuer: {provider.issuer}")
    return provider


# --------------------------------------------------------------------- one attempt
def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Attempt:
    """One sign-in under way: kept by the browser (an HttpOnly cookie) between the start
    and the provider's redirect back, so any of several app servers can finish it."""

    state: str
    nonce: str
    verifier: str  # PKCE: the provider gets its SHA-256 now, the verifier at the exchange
    redirect_uri: str
    next_path: str = "/"
    lang: str = "zh"
    started: int = 0

    @classmethod
    def new(cls, redirect_uri: str, next_path: str, lang: str) -> Attempt:
        token = secrets.token_urlsafe
        return cls(token(24), token(24), token(48), redirect_uri, next_path, lang, int(time.time()))

    @property
    def challenge(self) -> str:
        return _b64(hashlib.sha256(self.verifier.encode("ascii")).digest())

    def cookie(self) -> str:
        return _b64(json.dumps(asdict(self), separators=(",", ":")).encode("utf-8"))

    @classmethod
    def from_cookie(cls, value: str | None) -> Attempt | None:
        """The attempt of the cookie, or ``None`` (missing, mangled or too old)."""
        try:
            raw = base64.urlsafe_b64decode((value or "") + "=" * (-len(value or "") % 4))
            attempt = cls(**json.loads(raw))
        except (ValueError, TypeError):
            return None
        texts = [v for k, v in asdict(attempt).items() if k != "started"]
        if not all(isinstance(v, str) for v in texts) or not isinstance(attempt.started, int):
            return None
        return attempt if time.time() - attempt.started <= ATTEMPT_SECONDS else None


def authorization_url(provider: Provider, config: OidcConfig, attempt: Attempt) -> str:
    """Where the browser goes to sign in at the provider."""
    query = {
        "response_type": "code",
        "client_id": config.client_id,
        "redirect_uri": attempt.redirect_uri,
        "scope": "openid profile email",
        "state": attempt.state,
        "nonce": attempt.nonce,
        "code_challenge": attempt.challenge,
        "code_challenge_method": "S256",
    }
    joiner = "&" if "?" in provider.authorization_endpoint else "?"
    return provider.authorization_endpoint + joiner + urlencode(query)


def redeem(provider: Provider, config: OidcConfig, attempt: Attempt, code: str) -> str:
    """The ID token the code is exchanged for at the token endpoint (client secret basic
    unless the provider offers only post)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": attempt.redirect_uri,
        "code_verifier": attempt.verifier,
    }
    headers = {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}
    basic = "client_secret_basic" in provider.auth_methods or not config.client_secret
    if basic and config.client_secret:
        # RFC 6749 2.3.1: id and secret are form-encoded before they are joined.
        pair = f"{_form(config.client_id)}:{_form(config.client_secret)}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    else:
        form["client_id"] = config.client_id
        if config.client_secret:
            form["client_secret"] = config.client_secret
    request = urllib.request.Request(
        provider.token_endpoint, data=urlencode(form).encode("ascii"), headers=headers
    )
    tokens = _fetch(request)
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise SsoRefused("sso_failed", "no_id_token")
    return id_token


def _form(value: str) -> str:
    return urlencode({"": value})[1:]


def verify_id_token(
    provider: Provider, config: OidcConfig, id_token: str, nonce: str, *, now: int | None = None
) -> dict[str, Any]:
    """The ID token's claims once its signature (RS256, the provider's keys) and its
    ``iss``, ``aud``/``azp``, ``exp``, ``iat`` and ``nonce`` are right."""
    keys = _fetch(provider.jwks_uri)
    try:
        key_set = KeySet.import_key_set(keys)  # type: ignore[arg-type]
        token = jwt.decode(id_token, key_set, algorithms=ALGORITHMS)
        registry = jwt.JWTClaimsRegistry(
            now=now,
            leeway=SKEW_S,
            iss={"essential": True, "value": config.issuer},
            aud={"essential": True, "value": config.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(token.claims)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise SsoRefused("sso_failed", f"id_token: {type(exc).__name__}: {exc}") from exc
    claims = dict(token.claims)
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != config.client_id:
        raise SsoRefused("sso_failed", "id_token: azp")  # OIDC Core 3.1.3.7, point 4-5
    return claims


# --------------------------------------------------------------------- the account
def complete(
    store: ParkStore,
    config: OidcConfig,
    attempt: Attempt | None,
    params: Mapping[str, str],
    *,
    client: str = "",
) -> sessions.SignedIn:
    """Finish a sign-in from the provider's redirect (``params``: its query): the state,
    the code, the token, the account. Refusals are audited and raised as
    :class:`SsoRefused`."""
    claims: dict[str, Any] = {}
    try:
        if attempt is None:
            raise SsoRefused("sso_failed", "no_attempt")
        if not secrets.compare_digest(str(params.get("state", "")), attempt.state):
            raise SsoRefused("sso_failed", "bad_state")
        if params.get("error"):
            raise SsoRefused("sso_denied", f"provider: {str(params['error'])[:100]}")
        if not params.get("code"):
            raise SsoRefused("sso_failed", "no_code")
        provider = discover(config)
        id_token = redeem(provider, config, attempt, str(params["code"]))
        claims = verify_id_token(provider, config, id_token, attempt.nonce)
        return sign_in(store, config, claims, client=client)
    except SsoRefused as exc:
        _audit_refusal(store, config, exc, claims, client)
        raise


def sign_in(
    store: ParkStore,
    config: OidcConfig,
    claims: Mapping[str, Any],
    *,
    client: str = "",
    now: datetime | None = None,
) -> sessions.SignedIn:
    """Start a session of the enabled local account the verified ``claims`` name."""
    username = _claimed(config, claims)
    account = accounts.find_account(store, username) if username else None
    if account is None or account.disabled:
        reason = "unknown_account" if account is None else "disabled"
        raise SsoRefused("sso_no_account", reason, user=username or "?")
    entry = AuditEntry(
        account.username,
        "sign_in",
        role=account.role,
        target=account.username,
        client=client,
        details=_who(config, claims),
    )
    return sessions.open_session(store, account, entry, method=METHOD, client=client, now=now)


def _claimed(config: OidcConfig, claims: Mapping[str, Any]) -> str:
    value = claims.get(config.claim)
    return value.strip().lower() if isinstance(value, str) else ""


def _who(config: OidcConfig, claims: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "method": METHOD,
        "issuer": config.issuer,
        "subject": str(claims.get("sub", "")),
        "claim": config.claim,
    }


def _audit_refusal(
    store: ParkStore, config: OidcConfig, exc: SsoRefused, claims: Mapping[str, Any], client: str
) -> None:
    username = _claimed(config, claims) if claims else ""
    store.record(
        AuditEntry(
            username or "?",
            "sign_in",
            outcome=REFUSED,
            target=username,
            client=client,
            details={**_who(config, claims), "error": exc.key, "reason": exc.reason[:300]},
        )
    )
