"""A tiny OpenID Connect provider for the tests: discovery, ``/authorize``, ``/token``,
``/jwks``, in a thread on 127.0.0.1 with a fresh RSA key.

``/authorize`` signs nobody in: it sends the browser straight back with a code for
:attr:`FakeProvider.user`. ``/token`` checks what a real provider checks (the client's
secret, the code once only, its redirect URI, the PKCE verifier against the S256
challenge). :attr:`FakeProvider.misbehave` makes the ID token wrong in one way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

#: The ways :attr:`FakeProvider.misbehave` can spoil the ID token.
MISBEHAVIOURS = (
    "wrong_aud",  # issued for another client
    "wrong_iss",  # names another issuer
    "expired",  # exp an hour ago
    "future_iat",  # issued an hour from now
    "wrong_nonce",  # not the nonce of this sign-in
    "no_nonce",
    "unsigned",  # alg=none
    "other_key",  # signed by a key the JWKS does not hold (same kid)
    "hs256_public_key",  # HS256 keyed with the public key (algorithm confusion)
    "multi_aud_no_azp",  # two audiences, no azp
)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class FakeProvider:
    """Start with ``with FakeProvider() as op:``; ``op.issuer`` is its address."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        client_id: str = "park-one-map",
        client_secret: str = "s3cret:&=",
        auth_methods: tuple[str, ...] = ("client_secret_basic",),
    ) -> None:
        self.host = host  # the name in the issuer (the server listens on 127.0.0.1)
        self.client_id, self.client_secret = client_id, client_secret
        self.auth_methods = auth_methods
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
        self.user = "zhao"
        self.misbehave = ""
        self.deny = False  # /authorize answers error=access_denied
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        return f"http://{self.host}:{self._server.server_address[1]}"

    def env(self, **extra: str) -> dict[str, str]:
        """The ``PARK_OIDC_*`` variables that point the app at this provider."""
        return {
            "PARK_OIDC_ISSUER": self.issuer,
            "PARK_OIDC_CLIENT_ID": self.client_id,
            "PARK_OIDC_CLIENT_SECRET": self.client_secret,
            **extra,
        }

    def __enter__(self) -> FakeProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # ------------------------------------------------------------------ endpoints
    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": list(self.auth_methods),
            "code_challenge_methods_supported": ["S256"],
        }

    def authorize(self, query: dict[str, str]) -> str:
        """The address the browser is sent back to."""
        back = query["redirect_uri"]
        if self.deny:
            return f"{back}?{urlencode({'error': 'access_denied', 'state': query['state']})}"
        assert query["client_id"] == self.client_id
        assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
        assert "openid" in query["scope"].split()
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**query, "user": self.user}
        return f"{back}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict]:
        self.token_requests.append({**form, "authorization": authorization})
        if not self._client_ok(form, authorization):
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # a code is good once
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        if _b64(hashlib.sha256(verifier.encode()).digest()) != grant["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        return 200, {"access_token": "at", "token_type": "Bearer", "id_token": self.id_token(grant)}

    def _client_ok(self, form: dict[str, str], authorization: str) -> bool:
        if "client_secret_basic" in self.auth_methods and authorization.startswith("Basic "):
            pair = base64.b64decode(authorization[6:]).decode()
            cid, _, secret = pair.partition(":")
            return (unquote_plus(cid), unquote_plus(secret)) == (
                self.client_id,
                self.client_secret,
            )
        if "client_secret_post" in self.auth_methods:
            return (form.get("client_id"), form.get("client_secret")) == (
                self.client_id,
                self.client_secret,
            )
        return False

    def claims(self, grant: dict) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": f"sub-{grant['user']}",
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "preferred_username": grant["user"],
            "email": f"{grant['user']}@example.org",
        }
        bad = self.misbehave
        if bad == "wrong_aud":
            claims["aud"] = "another-client"
        elif bad == "wrong_iss":
            claims["iss"] = "https://evil.example"
        elif bad == "expired":
            claims |= {"iat": now - 3600, "exp": now - 1800}
        elif bad == "future_iat":
            claims |= {"iat": now + 3600, "exp": now + 7200}
        elif bad == "wrong_nonce":
            claims["nonce"] = "not-" + grant["nonce"]
        elif bad == "no_nonce":
            del claims["nonce"]
        elif bad == "multi_aud_no_azp":
            claims["aud"] = [self.client_id, "another-client"]
        return claims

    def id_token(self, grant: dict) -> str:
        claims = self.claims(grant)
        bad = self.misbehave
        if bad == "unsigned":
            return _compact({"alg": "none", "typ": "JWT"}, claims, b"")
        if bad == "hs256_public_key":
            header = {"alg": "HS256", "typ": "JWT", "kid": "k1"}
            secret = self.key.as_pem(private=False)
            return _compact(header, claims, secret, sign=True)
        key = self.key
        if bad == "other_key":
            key = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)

    def public_jwks(self) -> dict:
        return {"keys": [self.key.as_dict(private=False)]}


def _compact(header: dict, claims: dict, secret: bytes, *, sign: bool = False) -> str:
    """A JWT put together by hand: how an attacker would make the spoiled ones."""
    head = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
    mac = hmac.new(secret, head.encode(), hashlib.sha256).digest() if sign else b""
    return head + "." + _b64(mac)


def _handler(op: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, status: int, body: dict | None = None, location: str = "") -> None:
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            data = json.dumps(body).encode() if body is not None else b""
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._send(200, op.discovery())
            elif url.path == "/jwks":
                self._send(200, op.public_jwks())
            elif url.path == "/authorize":
                self._send(302, location=op.authorize(query))
            else:
                self._send(404, {"error": "not_found"})

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/token":
                self._send(404, {"error": "not_found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            status, body = op.token(form, self.headers.get("Authorization", ""))
            self._send(status, body)

    return Handler
