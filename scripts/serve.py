"""Serve Park One-Map: ``streamlit run app.py`` with every page declared by ``st.navigation``.

Why not plain ``streamlit run app.py``: Streamlit 1.67 decides once per process, when the
first browser session starts, whether the app is a legacy pages-folder app — it is whenever
a ``pages/`` folder sits beside the entry script (ours holds ``pages/views/``). That first
script run then resolves the URL against the legacy page list (just ``app.py``), so a first
visit to ``/parcels?parcel=D07`` or ``/map`` after a start sends Streamlit's English "Page not
found" dialog, although ``st.navigation`` goes on to show the right page (streamlit#8860,
#9992). ``st.navigation`` clears that flag, but only from the second run on. Clearing it
before the server starts makes the first run an ordinary one.

It also adds routes: ``/park-tiles/<token>/<z>/<x>/<y>`` serves the tiles of a local
basemap file the app has published (``gis.basemap.tiles.publish``; #18), from the app's own
origin; ``/auth/login`` and ``/auth/logout`` sign in and out (``ui.auth_routes``; #13), and
``/auth/oidc/*`` by single sign-on when it is configured (``ui.oidc_routes``);
``/park-data/<digest>`` serves the map's large layers to signed-in browsers
(``ui.data_route``; #15); ``/static/...`` serves Streamlit's own front-end files compressed
once and kept in memory (``ui.static_route``; #15). On a store
with no accounts the first start creates ``admin`` and prints its one-time password.

Usage: ``python scripts/serve.py [streamlit run options]`` (run.sh and the tests use it).
"""

from __future__ import annotations

import importlib
import pkgutil
import socket
import sys
import threading
import time
from pathlib import Path

from starlette.responses import Response
from starlette.routing import Route
from streamlit import config, file_util
from streamlit.runtime import Runtime, RuntimeState
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import bootstrap, cli
from streamlit.web.server.starlette import starlette_app, starlette_server

APP = Path(__file__).resolve().parent.parent / "app.py"
sys.path.insert(0, str(APP.parent))  # the app's own packages, as the app script sees them

from gis import collector  # noqa: E402
from gis.basemap import tiles  # noqa: E402  (the same module the app publishes its files in)
from ui import auth_routes, data_route, oidc_routes, static_route  # noqa: E402

_RUNNING = (RuntimeState.NO_SESSIONS_CONNECTED, RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED)


def _tile(request) -> Response:
    p = request.path_params
    found = tiles.serve_tile(p["token"], p["z"], p["x"], p["y"])
    if found is None:
        return Response(status_code=404)
    data, media_type = found
    return Response(data, media_type=media_type, headers={"Cache-Control": "max-age=3600"})


def _with_tile_route(create):
    def routes(runtime):
        base = (config.get_option("server.baseUrlPath") or "").strip("/")
        path = f"{'/' + base if base else ''}/{tiles.ROUTE}/{{token}}/{{z:int}}/{{x:int}}/{{y:int}}"
        prefix = auth_routes.base_path(base)
        auth = [*auth_routes.make_routes(prefix), *oidc_routes.make_routes(prefix)]
        layer_data = data_route.make_route(prefix)
        # Before Streamlit's own routes: its front-end files compressed once, from memory.
        front_end = static_route.make_route(prefix, Path(file_util.get_static_dir()))
        return [Route(path, _tile), *auth, layer_data, front_end, *create(runtime)]

    return routes


def _send_without_delay() -> None:
    """Set TCP_NODELAY on the server's listening socket (accepted connections inherit it).

    Streamlit binds its socket itself, as ``socket.socket(family)``: its protocol number is
    0, not ``IPPROTO_TCP``, and asyncio sets TCP_NODELAY only on sockets that name TCP.
    Without it, Nagle's rule holds back every response's second write (the body after the
    headers, the next websocket message after one) until the browser acknowledges the
    first, and browsers delay that acknowledgement by 40 ms: every request and nearly
    every message of a page load waited 40 ms (#15; measured 44 ms per request before,
    under 1 ms after).
    """
    bind = starlette_server._bind_socket

    def bind_without_delay(address: str, port: int, backlog: int) -> socket.socket:
        sock = bind(address, port, backlog)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    starlette_server._bind_socket = bind_without_delay


def _preload() -> None:
    """Import the app's domain and map modules in the warm-up thread: the first visitor
    of a page would otherwise wait for them (about a second and a half on a 2-core
    machine)."""
    for package in ("gis", "layers"):
        root = importlib.import_module(package)
        for found in pkgutil.walk_packages(root.__path__, f"{package}."):
            try:
                importlib.import_module(found.name)
            except Exception as exc:  # never stop the server for it: the page will say
                print(f"preload {found.name}: {exc}", file=sys.stderr)


def _signal_config_loaded() -> threading.Event:
    """An event set once Streamlit has read its configuration (files and command-line
    flags): the warm-up builds the map then, while the server is still starting, not
    after it — the map's URLs depend on ``server.baseUrlPath``, and reading an option
    earlier would read the files without the flags."""
    loaded = threading.Event()
    load = bootstrap.load_config_options

    def load_and_signal(flag_options: dict) -> None:
        load(flag_options=flag_options)
        loaded.set()

    bootstrap.load_config_options = load_and_signal
    return loaded


def _warm_up(config_loaded: threading.Event) -> None:
    """Make what the first visit to the 一张图 page needs (``ui.warmup``), in a thread, while
    the server starts and answers: the park's data at once, its map as soon as Streamlit's
    configuration is read, the rest once its runtime runs. (Time to a cold first paint
    at 50,000 parcels, #15: the map waiting for the runtime cost the first visitor ~0.9 s.)"""

    def run() -> None:
        from ui import warmup  # here: the thread, not the server's start, waits for it

        start = time.perf_counter()
        done = warmup.data()
        config_loaded.wait()
        done = warmup.first_map() and done
        _wait_for_runtime()
        done = warmup.streamlit_once() and done
        _preload()  # here, not before the server starts: the first visitor waits for the map
        done = warmup.views() and done
        warmup.settle()
        outcome = "done" if done else "failed (see above; the pages do the work)"
        print(f"  Warm-up {outcome} in {time.perf_counter() - start:.1f} s.", file=sys.stderr)

    def register() -> None:  # apart: the map may still be building when the server answers
        from ui import warmup

        _wait_for_runtime()
        warmup.map_component()

    threading.Thread(target=run, name="park-warm-up", daemon=True).start()
    threading.Thread(target=register, name="park-map-component", daemon=True).start()


def _wait_for_runtime() -> None:
    while not (Runtime.exists() and Runtime.instance().state in _RUNNING):
        time.sleep(0.05)


def main(argv: list[str]) -> None:
    # app.py declares its pages with st.navigation; nothing is read from the pages/ folder.
    PagesManager.uses_pages_directory = False
    starlette_app.create_streamlit_routes = _with_tile_route(starlette_app.create_streamlit_routes)
    _send_without_delay()
    collector.use_system_arrow_memory()  # before the warm-up reads the store
    auth_routes.announce_first_admin()  # before the warm-up: it may create the store
    # The park's data first (a first visitor waits for it longest), then the map, modules.
    _warm_up(_signal_config_loaded())
    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
