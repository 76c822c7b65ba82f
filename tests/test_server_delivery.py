"""How the server hands out what a first visit needs (#15): Streamlit's front-end files
compressed once and kept (``ui.static_route``), and responses sent without Nagle's delay
(``scripts/serve.py``)."""

from __future__ import annotations

import importlib.util
import socket
import tomllib
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from ui import static_route

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "console.log('一张图');\n" * 200  # large enough to be compressed


@pytest.fixture
def front_end(tmp_path: Path) -> Path:
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "js" / "main.abc123.js").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "static" / "media").mkdir()
    (tmp_path / "static" / "media" / "font.woff2").write_bytes(b"\x00woff2" * 300)
    (tmp_path / "secret.txt").write_text("not for browsers", encoding="utf-8")
    return tmp_path


def client_for(directory: Path, base: str = "") -> TestClient:
    return TestClient(Starlette(routes=[static_route.make_route(base, directory)]))


def test_script_is_sent_compressed_with_a_long_cache(front_end: Path):
    client = client_for(front_end)
    response = client.get("/static/js/main.abc123.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"].startswith("text/javascript")
    assert "immutable" in response.headers["cache-control"]
    assert response.text == SCRIPT  # the client decompressed what was sent
    assert int(response.headers["content-length"]) < len(SCRIPT.encode()) / 10


def test_browser_without_gzip_gets_the_plain_file(front_end: Path):
    response = client_for(front_end).get(
        "/static/js/main.abc123.js", headers={"Accept-Encoding": "identity"}
    )
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.content == SCRIPT.encode()


def test_font_is_sent_as_it_is(front_end: Path):
    response = client_for(front_end).get(
        "/static/media/font.woff2", headers={"Accept-Encoding": "gzip"}
    )
    assert "content-encoding" not in response.headers
    assert response.content == b"\x00woff2" * 300


def test_same_file_again_is_not_modified(front_end: Path):
    client = client_for(front_end)
    etag = client.get("/static/js/main.abc123.js").headers["etag"]
    again = client.get("/static/js/main.abc123.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_file_is_read_once(front_end: Path):
    files = static_route.CompressedFiles(front_end / "static")
    first = files.get("js/main.abc123.js")
    (front_end / "static" / "js" / "main.abc123.js").write_text("changed", encoding="utf-8")
    assert files.get("js/main.abc123.js") is first


@pytest.mark.parametrize(
    "path",
    [
        "/static/js/missing.js",
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/js/%2e%2e/%2e%2e/secret.txt",
        "/static/js/..%2f..%2fsecret.txt",
        "/static/",
    ],
)
def test_nothing_outside_the_folder_and_nothing_missing(front_end: Path, path: str):
    response = client_for(front_end).get(path)
    assert response.status_code == 404
    assert "not for browsers" not in response.text


def test_missing_files_are_not_remembered(front_end: Path):
    files = static_route.CompressedFiles(front_end / "static")
    for k in range(50):
        assert files.get(f"js/made-up-{k}.js") is None
    assert files._files == {}


def test_route_under_a_base_path(front_end: Path):
    client = client_for(front_end, "/park")
    assert client.get("/park/static/js/main.abc123.js").text == SCRIPT
    assert client.get("/static/js/main.abc123.js").status_code == 404


def _serve_module():
    spec = importlib.util.spec_from_file_location("park_serve", ROOT / "scripts" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_server_sockets_send_without_delay(monkeypatch: pytest.MonkeyPatch):
    from streamlit.web.server.starlette import starlette_server

    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    plain = starlette_server._bind_socket("127.0.0.1", 0, 8)
    try:  # Streamlit's own socket: the reason for the patch
        assert plain.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
    finally:
        plain.close()
    _serve_module()._send_without_delay()
    listener = starlette_server._bind_socket("127.0.0.1", 0, 8)
    try:
        listener.setblocking(True)
        with socket.create_connection(listener.getsockname()) as _client:
            accepted, _ = listener.accept()
            with accepted:  # what answers the browser inherits the option
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        listener.close()


def test_server_does_not_watch_source_files():
    """A per-session file watcher cost each new browser session ~0.3 s (#15)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"


def test_no_full_collection_after_every_script_run():
    """Streamlit's gc.collect() after each run took 0.3–0.4 s at 50,000 parcels (#15)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
