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
(``ui.data_route``; #15). On a store
with no accounts the first start creates ``admin`` and prints its one-time password.

Usage: ``python scripts/serve.py [streamlit run options]`` (run.sh and the tests use it).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from starlette.responses import Response
from starlette.routing import Route
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli
from streamlit.web.server.starlette import starlette_app, starlette_gzip_middleware

APP = Path(__file__).resolve().parent.parent / "app.py"
sys.path.insert(0, str(APP.parent))  # the app's own packages, as the app script sees them

from gis.basemap import tiles  # noqa: E402  (the same module the app publishes its files in)
from ui import auth_routes, data_route, oidc_routes  # noqa: E402


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
        return [Route(path, _tile), *auth, layer_data, *create(runtime)]

    return routes


def _compress_static_files() -> None:
    """Let Streamlit's gzip middleware compress its own JavaScript and CSS too.

    Streamlit serves its bundles uncompressed, expecting a reverse proxy to compress them
    (see ``starlette_gzip_middleware._should_bypass_gzip``). A committee's office server
    usually has none, and a first visit then downloads 4 MB of script that gzip makes 1.2
    MB (#15). The bundles are content-hashed and cached for a year, so each browser pays
    the compression once. Only the root document stays as Streamlit serves it.
    """
    original = starlette_gzip_middleware._should_bypass_gzip

    def bypass_root_only(path: str, base_url: str = "") -> bool:
        return original(path, base_url) and not path.endswith((".js", ".css", ".svg"))

    starlette_gzip_middleware._should_bypass_gzip = bypass_root_only


def _preload() -> None:
    """Import the app's domain and map modules before the server answers: the first visitor
    after a start would otherwise wait for them (about a second and a half on a 2-core
    machine). Not ``ui``: its Streamlit caches must be made once the runtime exists."""
    for package in ("gis", "layers"):
        root = importlib.import_module(package)
        for found in pkgutil.walk_packages(root.__path__, f"{package}."):
            try:
                importlib.import_module(found.name)
            except Exception as exc:  # never stop the server for it: the page will say
                print(f"preload {found.name}: {exc}", file=sys.stderr)


def main(argv: list[str]) -> None:
    # app.py declares its pages with st.navigation; nothing is read from the pages/ folder.
    PagesManager.uses_pages_directory = False
    starlette_app.create_streamlit_routes = _with_tile_route(starlette_app.create_streamlit_routes)
    _compress_static_files()
    _preload()
    auth_routes.announce_first_admin()
    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
