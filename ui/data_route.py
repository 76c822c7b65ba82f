"""``/park-data/<digest>``: the map's large layers (:mod:`layers.payloads`), for signed-in
browsers only.

A signed-out browser never learns a digest (the map reaches only signed-in sessions),
and the route checks the session cookie as well, so a copied address is no way in. The
body is already gzip-compressed; its address changes with its content, so the browser
may keep it for good. Like :mod:`ui.auth_routes`, this runs in the server, outside any
script run, and does not import streamlit.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gis._errors import ParkError
from gis.auth import accounts, sessions
from gis.store import open_park_store
from layers import payloads

_NO_STORE = {"Cache-Control": "no-store"}
_KEEP = "private, max-age=31536000, immutable"


def make_route(base: str, open_store: Callable = open_park_store) -> Route:
    """The route under ``base`` (the server's base path, "" at the root)."""

    def layer_data(request: Request) -> Response:
        token = request.cookies.get(accounts.COOKIE, "")
        client = request.client.host if request.client else ""
        try:
            session = sessions.resume_session(open_store(), token, client=client) if token else None
        except ParkError:
            session = None
        if session is None:
            return Response(status_code=403, headers=_NO_STORE)
        digest = request.path_params["digest"]
        etag = f'"{digest}"'
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"ETag": etag, "Cache-Control": _KEEP})
        body = payloads.published(digest)
        if body is None:  # evicted, or from before a restart: the page rebuilds its map
            return Response(status_code=404, headers=_NO_STORE)
        headers = {"Content-Encoding": "gzip", "Cache-Control": _KEEP, "ETag": etag}
        return Response(body, media_type="application/json", headers=headers)

    return Route(f"{base}/{payloads.ROUTE}/{{digest}}", layer_data, methods=["GET"])
