"""Large layers sent as files: compressed once, fetched by the map from the app's origin.

A district's 50,000 parcels as GeoJSON inside the map's HTML were 19.6 MB over Streamlit's
websocket on every page load, and were parsed as script. Instead a layer of more than
:data:`layers._element.INLINE_MAX_FEATURES` features is published here under a random
token made when its map is built, and encoded when first fetched; the map fetches
``<base>/park-data/<token>`` (route in ``scripts/serve.py``, signed-in sessions only),
gzip-compressed, and the browser keeps it: a new map (new data) gets a new token, so the
address is cached as immutable.

In memory of the server process, like Streamlit's own caches: a server restart or an
evicted entry is rebuilt the next time a page builds the map.
"""

from __future__ import annotations

import gzip
import secrets
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable

ROUTE = "park-data"
#: Compressed bytes kept; the oldest entries go first. A 50,000-parcel park is ~2 MB.
MAX_BYTES = 200_000_000

_published: OrderedDict[str, bytes] = OrderedDict()
_pending: dict[str, Callable[[], str]] = {}
_lock = threading.Lock()


def publish_later(build: Callable[[], str], owner: object) -> str:
    """Publish what ``build()`` returns when it is first fetched; return its token.

    The map is sent first and the browser fetches the layer while it loads Leaflet, so a
    district's parcels (a second of encoding at 50,000) do not delay the first paint.
    The token is random, so its address stays new for new content; ``build`` is kept as
    long as ``owner`` (the layer element, cached with its map) lives.
    """
    token = secrets.token_hex(20)
    with _lock:
        _pending[token] = build
    weakref.finalize(owner, _forget, token)
    return token


def _forget(token: str) -> None:
    with _lock:
        _pending.pop(token, None)


def published(digest: str) -> bytes | None:
    """The gzip-compressed JSON published under ``digest``, or None."""
    with _lock:
        body, build = _published.get(digest), _pending.get(digest)
    if body is not None or build is None:
        return body
    body = _compress(build())  # outside the lock: two first fetches may both build
    with _lock:
        _pending.pop(digest, None)
        _keep(digest, body)
    return body


def _compress(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def _keep(digest: str, body: bytes) -> None:
    """Store ``body`` (under the lock), dropping the oldest entries beyond :data:`MAX_BYTES`."""
    _published[digest] = body
    _published.move_to_end(digest)
    total = sum(len(v) for v in _published.values())
    while total > MAX_BYTES and len(_published) > 1:
        total -= len(_published.popitem(last=False)[1])
