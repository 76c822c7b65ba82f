"""Stepping between saved views on the 会议 page at district scale (#15).

A presenter steps through saved views (next, next, next) that differ in what the map
shows: the colouring, the as-of date, the blocks. The script writes a store of N synthetic
parcels (as ``bench/browser_map.py`` does), saves three such views and measures, in
Streamlit's AppTest, the server time of each step (the whole script run, as a person
waits for it), two rounds through the views:

- ``ahead``: as the app runs. While a view is on screen the other views' maps and key
  figures are made in the background (:mod:`ui.ahead`); the script waits for that work
  before each step, as a presenter speaking to the view gives it time (``ahead s``: how
  long it took after opening the page);
- ``baseline``: the same steps with no work ahead, on a second such store (so no cache
  holds its maps): each new colouring, date or set of blocks builds its map (~0.7 s at
  50,000 parcels) and a new date replays the key figures (~3 s).

It also times opening the page (a new session, after the 一张图 page): on the first store
after the server's warm-up (:mod:`ui.warmup`, which makes the page's map, key figures and
changes), on the second without it; and the deadline table of every parcel, column-wise
and as the former row-by-row code (``tests/deadlines_reference.py``).

Run: ``cd /work/main && .venv/bin/python bench/meeting_steps.py [N]`` (default 50,000). The
last line is ``n=N step_max_ms=A baseline_step_max_ms=B open_ms=C baseline_open_ms=D``:
the slowest step of both rounds, and opening the page with and without the warm-up.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from bench.browser_map import build_store  # noqa: E402
from gis import collector, vocabulary  # noqa: E402
from gis.auth.access import DATA_MANAGER, Actor  # noqa: E402
from gis.meeting import views as meeting_views  # noqa: E402
from gis.parcels import deadlines, history  # noqa: E402
from gis.store import ParkStore  # noqa: E402
from tests import deadlines_reference  # noqa: E402
from tests.apptest_kit import signed_in  # noqa: E402
from ui import ahead, warmup  # noqa: E402

TIMEOUT_S = 300
ROUNDS = 2
PAGE = "pages/views/meeting.py"


def save_views(path: Path) -> None:
    """Three views: sale status today; construction status; sale status in an early year,
    on two blocks."""
    store = ParkStore.open(path)
    actor = Actor("bench", DATA_MANAGER, client="bench")
    blocks = tuple(store.read("blocks")["block_id"].astype(str))[:2]
    states = {
        "出让": meeting_views.ViewState(field=vocabulary.SALE_FIELD),
        "建设": meeting_views.ViewState(field=vocabulary.CONSTRUCTION_FIELD),
        "早年": meeting_views.ViewState(block_ids=blocks, as_of=date(2021, 6, 30)),
    }
    for name, state in states.items():
        meeting_views.save_view(store, name=name, state=state, actor=actor)


def warm_up() -> None:
    """The server's warm-up (:mod:`ui.warmup`), in a thread of its own as the server runs
    it: outside any script run, ending with its full collection."""
    parts = (warmup.data, warmup.first_map, warmup.views, warmup.settle)
    thread = threading.Thread(target=lambda: [part() for part in parts])
    thread.start()
    thread.join(TIMEOUT_S)


def steps(path: Path, *, warm: bool) -> tuple[list[float], float, float]:
    """Server time (ms) of each step, how long the work ahead took after opening, and
    the server time (ms) of opening the page (after the 一张图 page)."""
    os.environ["PARK_DB"] = str(path)
    if warm:
        warm_up()
    at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S))
    at.run()
    start = time.perf_counter()
    at.switch_page(PAGE).run()
    open_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    ahead.done(TIMEOUT_S)
    ahead_s = time.perf_counter() - start
    times = []
    for _ in range(ROUNDS * 3):
        start = time.perf_counter()
        at.button(key="mtg_next").click().run()
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
        ahead.done(TIMEOUT_S)  # the presenter speaks to the view
    return times, ahead_s, open_ms


def deadline_tables(path: Path) -> tuple[float, float]:
    """Seconds for the deadline table of every parcel (the key figures' largest part):
    column-wise as now, and row by row as before (tests/deadlines_reference.py)."""
    frames = ParkStore.open(path).read_all()
    day = date.today()
    parcels = history.statuses_as_of(frames["parcels"], frames["status_events"], day)
    start = time.perf_counter()
    deadlines.deadlines(parcels, day)
    now_s = time.perf_counter() - start
    start = time.perf_counter()
    deadlines_reference.deadlines(parcels, day)
    return now_s, time.perf_counter() - start


def main(n: int) -> None:
    collector.use_system_arrow_memory()  # as the server does (scripts/serve.py)
    folder = Path(tempfile.mkdtemp(prefix="bench-meeting-"))
    try:
        path, baseline_path = (build_store(folder / f"{name}.gpkg", n) for name in "ab")
        save_views(path)
        save_views(baseline_path)
        with_ahead, ahead_s, warm_open_ms = steps(path, warm=True)
        real_ahead = ahead.ahead
        ahead.ahead = lambda jobs: None  # the baseline: nothing made in advance
        try:
            baseline, _, cold_open_ms = steps(baseline_path, warm=False)
        finally:
            ahead.ahead = real_ahead
        table_s, former_table_s = deadline_tables(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{'':10} {'steps (ms), two rounds of three':>44} {'median':>8} {'max':>7}")
    for name, times in (("ahead", with_ahead), ("baseline", baseline)):
        shown = " ".join(f"{t:5.0f}" for t in times)
        print(f"{name:10} {shown:>44} {statistics.median(times):8.0f} {max(times):7.0f}")
    print(f"work ahead after opening the page: {ahead_s:.1f} s (in the background)")
    print(
        f"opening the page: {warm_open_ms:.0f} ms after the server's warm-up, "
        f"{cold_open_ms:.0f} ms without it"
    )
    print(
        f"deadline table of {n:,} parcels: {table_s:.2f} s column-wise, "
        f"{former_table_s:.2f} s row by row (the former, tests/deadlines_reference.py)"
    )
    print(
        f"n={n} step_max_ms={max(with_ahead):.0f} baseline_step_max_ms={max(baseline):.0f} "
        f"open_ms={warm_open_ms:.0f} baseline_open_ms={cold_open_ms:.0f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
