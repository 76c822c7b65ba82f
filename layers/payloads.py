"""Large layers sent as files: compressed once, fetched by the map from the app's origin.

A district's 50,000 parcels as GeoJSON inside the map's HTML were 19.6 MB over Streamlit's
websocket on every page load, and were parsed as script. Instead a layer of more than
:data:`layers._element.INLINE_MAX_FEATURES` features is published here under the digest
of its content; the map fetches ``<base>/park-data/<digest>`` (route in
``scripts/serve.py``, signed-in sessions only), gzip-compressed, and the browser keeps it:
the address changes exactly when the content does, so it is cached as immutable.

In memory of the server process, like Streamlit's own caches: a server restart or an
evicted entry is rebuilt the next time a page builds the map.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict

ROUTE = "park-data"
#: Compressed bytes kept; the oldest entries go first. A 50,000-parcel park is ~2 MB.
MAX_BYTES = 200_000_000

_published: OrderedDict[str, bytes] = OrderedDict()
_lock = threading.Lock()


def publish(text: str) -> str:
    """Keep ``text`` (JSON) gzip-compressed; return its digest, the last part of its URL."""
    raw = text.encode("utf-8")
    digest = hashlib.sha256(raw).hexdigest()[:40]
    with _lock:
        if digest in _published:
            _published.move_to_end(digest)
            return digest
    body = gzip.compress(raw, compresslevel=6, mtime=0)
    with _lock:
        _published[digest] = body
        total = sum(len(v) for v in _published.values())
        while total > MAX_BYTES and len(_published) > 1:
            total -= len(_published.popitem(last=False)[1])
    return digest


def published(digest: str) -> bytes | None:
    """The gzip-compressed JSON published under ``digest``, or None."""
    with _lock:
        return _published.get(digest)
