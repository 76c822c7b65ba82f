"""What a clerk waits for when saving a status change, on both store backends.

For 1,000 / 10,000 / 50,000 synthetic parcels (the generator of ``bench/map_payload.py``,
one status event per parcel), in one run:

* one status change through ``gis.parcels.lifecycle.record_changes``, as the app saves it (only
  the parcel's row and one event row written): p50 and p95 of 20 saves, in the GeoPackage
  and on PostGIS (the park copied into a throw-away cluster, started as the tests start
  theirs: ``tests/pg_server.py``);
* 16 editor processes saving 5 changes each on different parcels at once: changes per
  second, the longest single save, and changes lost (saved but not in the history);
* the baseline: the same change written the way the store did before (copy the whole
  file, rewrite both layers in the copy with GDAL, move the copy into place).

Run: ``cd /work/main && .venv/bin/python bench/edit.py``. The last line is exactly
``n=50000 gpkg_p95_ms=A postgis_p95_ms=B concurrent_per_s=C lost=0`` (C: the GeoPackage's,
the default backend). Targets: A and B under 50 ms, nothing lost.
"""

from __future__ import annotations

import getpass
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pandas as pd
import pyogrio

from bench.map_payload import synthetic_frames
from gis import schema, vocabulary
from gis.auth.access import command_line_actor
from gis.parcels import lifecycle
from gis.store import ParkStore, copy_store
from tests.pg_server import throwaway_cluster

SIZES = (1_000, 10_000, 50_000)
RUNS = 20
BASELINE_RUNS = 3
EDITORS, EDITS_EACH = 16, 5
TODAY = date(2021, 6, 30)
ACTOR = command_line_actor(getpass.getuser())


def build_store(path: Path, n: int) -> ParkStore:
    """n parcels that may all move on from PLANNED, each with its first event."""
    frames = synthetic_frames(n)
    parcels = frames["parcels"]
    parcels["sale_status"] = "PLANNED"
    parcels["construction_status"] = "NOT_STARTED"
    for status in (*vocabulary.SALE_STATUSES[1:], *vocabulary.CONSTRUCTION_STATUSES[1:]):
        parcels[status.date_field] = None  # dates of statuses not reached
    parcels["version"] = 1
    frames["status_events"] = pd.DataFrame(
        {
            "event_id": range(1, n + 1),
            "parcel_code": parcels["code"],
            "field": "sale_status",
            "old_status": None,
            "new_status": "PLANNED",
            "effective_date": "2020-01-01",
            "recorded_at": "2020-01-01T00:00:00Z",
            "author": "基准",
            "note": "",
            "supersedes": pd.array([None] * n, dtype="Int64"),
        }
    )
    return ParkStore.open(path, create=lambda: frames)


def change(code: str) -> lifecycle.StatusChange:
    return lifecycle.StatusChange(
        code=code,
        field="sale_status",
        new_status="BANKED",
        effective_date=date(2021, 5, 1),
        author=ACTOR.author,
    )


def save(store: ParkStore, code: str) -> float:
    start = time.perf_counter()
    lifecycle.record_changes(
        store, [change(code)], actor=ACTOR, expected_versions={code: 1}, today=TODAY
    )
    return time.perf_counter() - start


def saves(store: ParkStore, codes: list[str]) -> tuple[float, float]:
    """p50 and p95 in ms of one save each for ``codes``."""
    times = np.array([save(store, code) for code in codes]) * 1000
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def _editor(args: tuple[str, list[str]]) -> tuple[float, int]:
    location, codes = args
    store = ParkStore(location)
    longest = max(save(store, code) for code in codes)
    return longest, len(codes)


def concurrent(location: str, codes: list[str]) -> tuple[float, float, int]:
    """16 editors at once: changes per second, the longest save (s), changes lost."""
    store = ParkStore(location)
    events_before = len(store.read("status_events"))
    batches = [(location, codes[i::EDITORS]) for i in range(EDITORS)]
    with multiprocessing.get_context("spawn").Pool(EDITORS) as pool:
        pool.map(abs, range(EDITORS))  # workers started before the clock runs
        start = time.perf_counter()
        results = pool.map(_editor, batches)
        wall = time.perf_counter() - start
    saved = sum(n for _, n in results)
    lost = saved - (len(store.read("status_events")) - events_before)
    return saved / wall, max(t for t, _ in results), lost


def copy_the_file(store: ParkStore, codes: list[str]) -> float:
    """The former write path, p50 in ms: read, change, copy, rewrite both layers, replace."""
    times = []
    for code in codes:
        start = time.perf_counter()
        parcels, events = lifecycle.apply_changes(
            store.read("parcels"),
            store.read("status_events"),
            [change(code)],
            expected_versions={code: 1},
            today=TODAY,
        )
        staged = store.path.with_name(".baseline.gpkg")
        shutil.copyfile(store.path, staged)
        pyogrio.write_dataframe(parcels, staged, layer="parcels", driver="GPKG")
        pyogrio.write_dataframe(
            pd.DataFrame(events[list(schema.STATUS_EVENTS.column_names)]),
            staged,
            layer="status_events",
            driver="GPKG",
        )
        os.replace(staged, store.path)  # (leaves this store spent: measured last)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(n: int, cluster, tmp: Path) -> dict[str, float]:
    store = build_store(tmp / f"park-{n}.gpkg", n)
    codes = list(store.read("parcels")["code"])
    rng = np.random.default_rng(n)
    rng.shuffle(codes)
    batch = EDITORS * EDITS_EACH
    row: dict[str, float] = {"n": n, "mb": store.path.stat().st_size / 1e6}
    row["gpkg_p50"], row["gpkg_p95"] = saves(store, codes[:RUNS])
    row["gpkg_per_s"], row["gpkg_wait_s"], lost = concurrent(
        str(store.path), codes[RUNS : RUNS + batch]
    )
    url = cluster.create_database()
    pg = copy_store(store.path, url)  # copied now: the changes above come along
    row["pg_p50"], row["pg_p95"] = saves(pg, codes[RUNS + batch : 2 * RUNS + batch])
    row["pg_per_s"], row["pg_wait_s"], pg_lost = concurrent(
        url, codes[2 * RUNS + batch : 2 * RUNS + 2 * batch]
    )
    row["lost"] = lost + pg_lost
    row["baseline_p50"] = copy_the_file(store, codes[-BASELINE_RUNS:])
    return row


def main() -> None:
    print(
        f"{'n':>7} {'MB':>5} | {'gpkg p50':>8} {'p95':>6} {'16×/s':>6} {'wait s':>6} | "
        f"{'PostGIS p50':>11} {'p95':>6} {'16×/s':>6} {'wait s':>6} | {'copy-file p50':>13} "
        f"| lost"
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp, throwaway_cluster() as cluster:
        for n in SIZES:
            r = measure(n, cluster, Path(tmp))
            rows.append(r)
            print(
                f"{n:>7,} {r['mb']:>5.1f} | {r['gpkg_p50']:>8.0f} {r['gpkg_p95']:>6.0f} "
                f"{r['gpkg_per_s']:>6.1f} {r['gpkg_wait_s']:>6.2f} | {r['pg_p50']:>11.0f} "
                f"{r['pg_p95']:>6.0f} {r['pg_per_s']:>6.1f} {r['pg_wait_s']:>6.2f} | "
                f"{r['baseline_p50']:>13.0f} | {r['lost']:.0f}",
                flush=True,
            )
    last = rows[-1]
    print(
        f"n={last['n']} gpkg_p95_ms={last['gpkg_p95']:.0f} postgis_p95_ms={last['pg_p95']:.0f} "
        f"concurrent_per_s={last['gpkg_per_s']:.1f} lost={sum(r['lost'] for r in rows):.0f}"
    )


if __name__ == "__main__":
    main()
