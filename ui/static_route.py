"""Streamlit's own front-end files (``/static/...``), compressed once and served from memory.

Streamlit serves its 60-odd script bundles from disk, uncompressed, one after another on the
server's event loop; its gzip middleware, when let at them, compresses every file again on
every request. On a 2-core office server a first visit then waits about a second for files
that never change (#15). Here each file is read and compressed the first time it is asked
for and kept: later visitors get the compressed bytes at once. The file names carry their
content's hash, so browsers may keep them for a year, as Streamlit says too.

Only files inside Streamlit's static folder are served; anything else under ``/static/``
is a 404. Like :mod:`ui.data_route`, this runs in the server, outside any script run.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ROUTE = "static"
_KEEP = "public, immutable, max-age=31536000"
#: Types worth compressing; fonts and images are compressed already.
_TEXT_SUFFIXES = frozenset({".js", ".mjs", ".css", ".svg", ".json", ".map", ".txt", ".html"})


@dataclass(frozen=True)
class StaticFile:
    data: bytes  # gzip-compressed when ``gzipped``; only the one form is kept
    gzipped: bool
    etag: str
    media_type: str

    def body(self, accepts_gzip: bool) -> tuple[bytes, bool]:
        """The bytes to send and whether they are compressed."""
        if self.gzipped and not accepts_gzip:  # rare: every browser accepts gzip
            return gzip.decompress(self.data), False
        return self.data, self.gzipped


class CompressedFiles:
    """The files of one folder, each read and compressed once, on first request."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
        self._files: dict[str, StaticFile | None] = {}
        self._lock = threading.Lock()

    def get(self, relative: str) -> StaticFile | None:
        """The file at ``relative`` inside the folder, or None (missing, or outside it)."""
        found = self._files.get(relative)
        if found is not None:
            return found
        loaded = self._load(relative)
        with self._lock:
            # Missing files are not remembered: a request per made-up name must not grow memory.
            if loaded is not None:
                self._files[relative] = loaded
        return loaded

    def _load(self, relative: str) -> StaticFile | None:
        if "\\" in relative or "\x00" in relative:
            return None
        path = (self.directory / relative).resolve()
        if not path.is_relative_to(self.directory) or not path.is_file():
            return None
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix in (".js", ".mjs"):
            media_type = "text/javascript"
        if path.suffix in _TEXT_SUFFIXES and len(body) > 512:
            return StaticFile(gzip.compress(body, compresslevel=6, mtime=0), True, etag, media_type)
        return StaticFile(body, False, etag, media_type)


def respond(request: Request, found: StaticFile | None) -> Response:
    """The file as this browser wants it: 304 when it has it, gzip when it accepts it."""
    if found is None:
        return Response(status_code=404, headers={"Cache-Control": "no-cache"})
    headers = {"Cache-Control": _KEEP, "ETag": found.etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == found.etag:
        return Response(status_code=304, headers=headers)
    data, gzipped = found.body("gzip" in request.headers.get("accept-encoding", ""))
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(data, media_type=found.media_type, headers=headers)


def make_route(base: str, directory: Path) -> Route:
    """``<base>/static/<path>``: the file ``<path>`` of ``directory/static`` (Streamlit's
    static folder keeps its bundles in a ``static/`` folder of its own)."""
    files = CompressedFiles(directory / ROUTE)

    def static_file(request: Request) -> Response:
        return respond(request, files.get(request.path_params["path"]))

    return Route(f"{base}/{ROUTE}/{{path:path}}", static_file, methods=["GET", "HEAD"])
