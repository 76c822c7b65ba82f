"""What a person waits for: the 一张图 page in headless Chromium at 1,000 / 10,000 / 50,000 parcels.

For each size the script writes a GeoPackage store of synthetic parcels (the generator of
``bench/map_payload.py``, one status event per parcel), starts the real app on it
(``scripts/serve.py``, as ``run.sh`` does) and measures in Chromium:

- ``first``: navigation until the map has drawn what it shows (every parcel, or at district
  zoom the aggregate of them), on a server started for the first time on the new store,
  in a new browser profile: it reads the whole store (:mod:`gis.store.snapshot` has nothing
  yet; the server writes the snapshot then);
- ``cold``: the same on a server that has just been restarted, as a committee's server is
  (median of 5 restarts: single starts varied by ±0.5–1 s on the development machine);
  the snapshot is there unless the data changed while the server was down;
- ``warm``: the same on the warm server (its start-up warm-up over: ``ui.warmup``), again
  in a new browser profile (median of 5);
- ``complete``: in those warm visits, navigation until the rest of the page is there too
  (the map's controls and the sidebar's date picker): the map comes first (``ui.first_paint``),
  so this is what the pause after it costs;
- ``MB``: what a warm page load received (HTTP bodies as sent, plus websocket frames),
  until the script run has ended and the network has been quiet for a second: a fourth
  load of the page, metered with the DevTools protocol (timed loads are not metered:
  reporting every frame slowed the page being timed by ~0.1 s);
- ``again MB``: a second visit in the same profile (the browser's cache is warm);
- ``rerun MB``: a rerun that changes no data (Streamlit's ``r`` key);
- ``heap MB``: the JavaScript heap once drawn;
- ``zoom-in s`` / ``MB``: zooming that map in to parcel level (:data:`DETAIL_ZOOM`) until
  the parcels are drawn, and what that fetched (a district's parcels come then);
- ``parcels s``: the 地块查询 page on the warm server, in a new profile: navigation until its
  search box is there and its map drawn;
- ``rerun p95 ms``: the server time of a rerun that changes no data, for every page, in
  Streamlit's AppTest (the whole script: sign-in check, sidebar, page), 40 reruns each
  (of 10, the p95 was the slowest single run); the table shows the slowest page's p95.

Beside it, the baseline: a folium map of the same parcels made with
``GeoDataFrame.explore(column="sale_status")`` (Leaflet served locally, so it also works
offline), opened in a new profile: time until loaded and drawn, bytes, heap.

Run: ``cd /work/main && .venv/bin/python bench/browser_map.py [N ...]``. The last line is
``n=50000 first_paint_s=A cold_s=B transfer_mb=C rerun_p95_ms=D`` for the largest size.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench.map_payload import synthetic_frames  # noqa: E402
from gis import collector, schema, vocabulary  # noqa: E402
from gis.store import ParkStore  # noqa: E402
from layers.aggregate import DETAIL_ZOOM  # noqa: E402
from layers.assets import VENDOR_DIR  # noqa: E402
from tests.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    browser_cookie,
    seed_browser_accounts,
    serve_app,
)

SIZES = (1_000, 10_000, 50_000)
#: Warm visits: the first after the warm-up is often the slowest (0.2-0.5 s here), so the
#: median of five rather than of three.
WARM_RUNS = 5
COLD_RUNS = 5
RERUNS = 40
VIEWPORT = {"width": 1600, "height": 1000}
TIMEOUT_S = 120
#: True in the map's frame once what the map shows at its zoom is drawn (``layers/_element``).
DRAWN_JS = "() => window.parkMapDrawn === true"
#: Resolves after two animation frames: what was drawn has been painted.
PAINTED_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
#: Zoom the folium map (a global ``map_<id>``) to the zoom where parcels are drawn.
ZOOM_IN_JS = f"""() => {{
  const map = window[Object.keys(window).find(k => k.startsWith("map_"))];
  map.setZoom(Math.max(map.getZoom(), {DETAIL_ZOOM}));
}}"""
#: The 一张图 page is complete once its controls and the sidebar's date picker are there.
COMPLETE = (
    '[data-testid="stMain"] [data-testid="stRadio"]',
    '[data-testid="stSidebar"] [data-testid="stDateInput"]',
)
PARCELS_SHOWN_JS = "() => !!(window.parkLayers.parcels && window.parkLayers.parcels._map)"
EXPLORE_DRAWN_JS = (
    "() => document.readyState === 'complete' &&"
    " document.querySelectorAll('path.leaflet-interactive').length > 0"
)


def build_store(path: Path, n: int) -> Path:
    """n synthetic parcels, each with one recorded sale-status event (its present status)."""
    frames = synthetic_frames(n)
    parcels = frames["parcels"]
    frames["status_events"] = pd.DataFrame(
        {
            "event_id": range(1, n + 1),
            "parcel_code": parcels["code"],
            "field": vocabulary.SALE_FIELD,
            "old_status": None,
            "new_status": parcels[vocabulary.SALE_FIELD],
            "effective_date": "2020-01-01",
            "recorded_at": "2020-01-01T00:00:00Z",
            "author": "基准",
            "note": "",
            "supersedes": pd.array([None] * n, dtype="Int64"),
        },
        columns=list(schema.STATUS_EVENTS.column_names),
    )
    ParkStore.open(path, create=lambda: frames)
    seed_browser_accounts(path)
    return path


class Meter:
    """Bytes a page receives, counted with the DevTools protocol (HTTP and websocket)."""

    def __init__(self, page) -> None:
        self.received = 0
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.loadingFinished", self._http)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        self.cdp = cdp

    def _http(self, event: dict) -> None:
        self.received += int(event.get("encodedDataLength", 0))

    def _frame(self, event: dict) -> None:
        response = event["response"]
        data = response.get("payloadData", "")
        # Binary frames (Streamlit's protobuf) arrive base64-encoded.
        self.received += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data)

    def heap_mb(self) -> float:
        return self.cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6


def wait_in_frames(page, js: str, name: str = "streamlit_folium") -> object:
    """The first frame whose URL contains ``name`` where ``js`` is true."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        for frame in page.frames:
            if name in frame.url and not frame.is_detached():
                with contextlib.suppress(Exception):
                    if frame.evaluate(js):
                        return frame
        page.wait_for_timeout(25)
    raise TimeoutError(f"{js} did not hold within {TIMEOUT_S} s")


def visit(page, url: str) -> float:
    """Seconds from navigation until the map's frame has drawn and painted (and, on the
    parcels page, its search box is there)."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    frame = wait_in_frames(page, DRAWN_JS)
    if url.endswith("/parcels"):
        search_box = page.locator('[data-testid="stMain"] [data-testid="stTextInput"] input')
        search_box.first.wait_for(timeout=TIMEOUT_S * 1000)
    frame.evaluate(PAINTED_JS)
    return time.perf_counter() - start


def settle(page, meter: Meter, quiet_s: float = 1.0) -> None:
    """Wait until the script run has ended and nothing arrived for ``quiet_s``: the page's
    later parts (tables below the map, their lazily loaded code) are counted too."""
    deadline = time.monotonic() + TIMEOUT_S
    last, since = meter.received, time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        if meter.received != last or running:
            last, since = meter.received, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return


def zoom_in(page) -> float:
    """Seconds from zooming the opened map to parcel level until its parcels are drawn."""
    frame = wait_in_frames(page, DRAWN_JS)
    start = time.perf_counter()
    frame.evaluate(ZOOM_IN_JS)
    wait_in_frames(page, PARCELS_SHOWN_JS)
    frame.evaluate(PAINTED_JS)
    return time.perf_counter() - start


def wait_for_warm_up(server_log: Path) -> None:
    """Until the server says its warm-up (``ui.warmup``) has ended: a warm server is one
    whose start-up work is over, not one still building the other pages' caches."""
    deadline = time.monotonic() + TIMEOUT_S
    while "Warm-up " not in server_log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise TimeoutError("the server did not finish its warm-up")
        time.sleep(0.2)


def fresh_page(browser, cookie: dict | None = None, *, metered: bool = True):
    """A page in a new browser profile; with a :class:`Meter` when ``metered``. Timed
    visits go unmetered: the DevTools protocol reporting every frame and response slowed
    the page it watched (~0.1 s at 50,000 parcels), which no person's browser does."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    if cookie:
        context.add_cookies([cookie])
    page = context.new_page()
    return context, page, Meter(page) if metered else None


def timed_visit(browser, url: str, cookie: dict) -> float:
    """Seconds until drawn, in a new unmetered browser profile (:func:`visit`)."""
    return timed_visits(browser, url, cookie)[0]


def timed_visits(browser, url: str, cookie: dict) -> tuple[float, float]:
    """Seconds until drawn (:func:`visit`) and until the page is complete (:data:`COMPLETE`),
    in a new unmetered browser profile."""
    context, page, _ = fresh_page(browser, cookie, metered=False)
    start = time.perf_counter()
    drawn = visit(page, url)
    for selector in COMPLETE:
        page.locator(selector).first.wait_for(timeout=TIMEOUT_S * 1000)
    complete = time.perf_counter() - start
    context.close()
    return drawn, complete


def measure_app(browser, store: Path, workdir: Path) -> dict:
    row: dict = {}
    cookie = browser_cookie()
    with serve_app(store, workdir) as server:  # the first start: no snapshot yet
        row["first"] = timed_visit(browser, server.url + "/", cookie)
    colds = []
    for _ in range(COLD_RUNS - 1):  # a cold start is the noisiest measure: its median
        with serve_app(store, workdir) as server:
            colds.append(timed_visit(browser, server.url + "/", cookie))
    with serve_app(store, workdir) as server:
        colds.append(timed_visit(browser, server.url + "/", cookie))
        row["cold"] = statistics.median(colds)
        row["colds"] = colds
        wait_for_warm_up(workdir / "stderr.log")
        visits = [timed_visits(browser, server.url + "/", cookie) for _ in range(WARM_RUNS)]
        warm = [drawn for drawn, _ in visits]
        row["warm"] = statistics.median(warm)
        row["warms"] = warm
        row["complete"] = statistics.median(complete for _, complete in visits)
        context, page, meter = fresh_page(browser, cookie)  # the same page load, metered
        visit(page, server.url + "/")
        settle(page, meter)
        row["mb"] = meter.received / 1e6
        row["heap"] = meter.heap_mb()
        meter.received = 0
        visit(page, server.url + "/")
        settle(page, meter)
        row["again_mb"] = meter.received / 1e6
        meter.received = 0
        page.locator("body").press("r")  # Streamlit's rerun key
        page.wait_for_timeout(500)
        settle(page, meter)
        row["rerun_mb"] = meter.received / 1e6
        meter.received = 0
        row["zoom_s"] = zoom_in(page)
        settle(page, meter)
        row["zoom_mb"] = meter.received / 1e6
        context.close()
        row["parcels_s"] = timed_visit(browser, server.url + "/parcels", cookie)
    return row


def page_reruns(store: Path) -> dict[str, float]:
    """Per page, the p95 server time (ms) of a rerun that changes no data (AppTest)."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest_kit import signed_in
    from ui.navigation import PAGES

    os.environ["PARK_DB"] = str(store)
    collector.use_system_arrow_memory()  # as the server does (scripts/serve.py)
    result = {}
    for entry in PAGES:
        at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S))
        at.run()
        at.switch_page(entry.script).run()
        at.run()  # caches filled: what follows changes nothing
        times = []
        for _ in range(RERUNS):
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(f"{entry.name}: {at.exception[0].value}")
        result[entry.name] = statistics.quantiles(times, n=20)[-1]
    return result


@contextlib.contextmanager
def static_server(folder: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # the bench prints its own table
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def explore_page(n: int, folder: Path) -> Path:
    """explore()'s map of the same parcels, its Leaflet served locally, other CDNs left out."""
    frames = synthetic_frames(n)
    html = frames["parcels"].explore(column="sale_status", tiles=None).get_root().render()
    leaflet = ROOT / "static" / VENDOR_DIR
    lines = []
    for line in html.splitlines():
        if "leaflet.js" in line and "<script" in line:
            line = '<script src="leaflet.js"></script>'
        elif "leaflet.css" in line and "<link" in line:
            line = '<link rel="stylesheet" href="leaflet.css"/>'
        elif ("<script src=" in line or "<link rel=" in line) and "http" in line:
            continue  # jQuery, Bootstrap, Font Awesome: not needed to draw polygons
        lines.append(line)
    for name in ("leaflet.js", "leaflet.css"):
        (folder / name).write_bytes((leaflet / name).read_bytes())
    page = folder / f"explore-{n}.html"
    page.write_text("\n".join(lines), encoding="utf-8")
    return page


def measure_explore(browser, n: int, folder: Path) -> dict[str, float]:
    page_file = explore_page(n, folder)
    with static_server(folder) as url:
        row = {}
        for metered in (False, True):  # timed unmetered, as the app; then its bytes
            context, page, meter = fresh_page(browser, metered=metered)
            start = time.perf_counter()
            page.goto(f"{url}/{page_file.name}", wait_until="commit", timeout=TIMEOUT_S * 1000)
            page.wait_for_function(EXPLORE_DRAWN_JS, timeout=TIMEOUT_S * 1000, polling=25)
            page.evaluate(PAINTED_JS)
            row.setdefault("seconds", time.perf_counter() - start)
            if meter:
                page.wait_for_timeout(300)
                row |= {"mb": meter.received / 1e6, "heap": meter.heap_mb()}
            context.close()
    return row


def main(sizes: tuple[int, ...]) -> None:
    print(
        f"{'n':>7} | {'first s':>7} {'cold s':>6} {'warm s':>6} {'MB':>6} {'again MB':>8} "
        f"{'rerun MB':>8} {'heap MB':>7} {'zoom-in s':>9} {'MB':>5} {'parcels s':>9} "
        f"{'rerun p95 ms':>12} {'(page)':>9} | "
        f"{'explore() s':>11} {'MB':>6} {'heap MB':>7}"
    )
    last: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        for n in sizes:
            workdir = Path(tmp) / str(n)
            workdir.mkdir()
            store = build_store(workdir / "park.gpkg", n)
            app = measure_app(browser, store, workdir)
            reruns = page_reruns(store)
            slowest = max(reruns, key=reruns.__getitem__)
            base = measure_explore(browser, n, workdir)
            print(
                f"{n:>7,} | {app['first']:>7.2f} {app['cold']:>6.2f} {app['warm']:>6.2f} "
                f"{app['mb']:>6.2f} {app['again_mb']:>8.2f} {app['rerun_mb']:>8.3f} "
                f"{app['heap']:>7.0f} "
                f"{app['zoom_s']:>9.2f} {app['zoom_mb']:>5.2f} {app['parcels_s']:>9.2f} "
                f"{reruns[slowest]:>12.0f} {slowest:>9} | {base['seconds']:>11.2f} "
                f"{base['mb']:>6.2f} {base['heap']:>7.0f}",
                flush=True,
            )
            print(
                "        per page, rerun p95 ms: "
                + ", ".join(f"{k} {v:.0f}" for k, v in reruns.items())
                + "; cold starts s: "
                + ", ".join(f"{c:.2f}" for c in app["colds"])
                + "; warm visits s: "
                + ", ".join(f"{w:.2f}" for w in app["warms"])
                + f"; warm page complete s: {app['complete']:.2f}",
                flush=True,
            )
            last = {"n": n, **app, "rerun": reruns[slowest]}
        browser.close()
    print(
        f"n={last['n']} first_paint_s={last['warm']:.2f} cold_s={last['cold']:.2f} "
        f"transfer_mb={last['mb']:.2f} rerun_p95_ms={last['rerun']:.0f}"
    )


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
