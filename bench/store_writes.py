"""What a clerk waits for when saving a status change, on a store of 50,000 parcels.

Builds a GeoPackage of 50,000 synthetic parcels (the generator of ``bench/map_payload.py``)
with one status event per parcel, then measures, in one run:

* ``row``: one status change through ``gis.lifecycle.record_changes`` as the app does it
  now (only the parcel's row and one event row written, in the file itself);
* ``baseline``: the same change written the way the store did before (copy the whole
  file, rewrite the two layers in the copy with GDAL, move the copy into place);
* ``queue``: 16 editor processes saving 5 changes each on different parcels at once —
  the longest any one save waited, and whether every change arrived.

Run: ``cd /work/main && .venv/bin/python bench/store_writes.py [N]``. The last line is
machine-readable: ``n=50000 change_ms=A baseline_ms=B queue_max_s=C lost=D``.
"""

from __future__ import annotations

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

import pandas as pd
import pyogrio

from bench.map_payload import synthetic_frames
from gis import lifecycle, schema, vocabulary
from gis.store import ParkStore

RUNS = 20
BASELINE_RUNS = 3
EDITORS, EDITS_EACH = 16, 5
TODAY = date(2021, 6, 30)


def build_store(path: Path, n: int) -> ParkStore:
    frames = synthetic_frames(n)
    parcels = frames["parcels"]
    parcels["sale_status"] = "PLANNED"  # every parcel can move on to BANKED
    parcels["construction_status"] = "NOT_STARTED"
    for status in (*vocabulary.SALE_STATUSES[1:], *vocabulary.CONSTRUCTION_STATUSES[1:]):
        parcels[status.date_field] = None  # dates of statuses not reached
    parcels["version"] = 1
    events = pd.DataFrame(
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
    frames["status_events"] = events
    return ParkStore.open(path, create=lambda: frames)


def change(code: str, to: str = "BANKED") -> lifecycle.StatusChange:
    return lifecycle.StatusChange(
        code=code,
        field="sale_status",
        new_status=to,
        effective_date=date(2021, 5, 1),
        author="基准",
    )


def row_level(store: ParkStore, codes: list[str]) -> list[float]:
    times = []
    for code in codes:
        start = time.perf_counter()
        lifecycle.record_changes(store, [change(code)], expected_versions={code: 1}, today=TODAY)
        times.append(time.perf_counter() - start)
    return times


def whole_file(store: ParkStore, codes: list[str]) -> list[float]:
    """The former write path: read, change, copy the file, rewrite both layers, replace."""
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
        os.replace(staged, store.path)  # (the copy lacks WAL: this store is spent after)
        times.append(time.perf_counter() - start)
    return times


def _editor(args: tuple[str, list[str]]) -> tuple[float, int]:
    path, codes = args
    store = ParkStore(path)
    longest, saved = 0.0, 0
    for code in codes:
        start = time.perf_counter()
        lifecycle.record_changes(store, [change(code)], expected_versions={code: 1}, today=TODAY)
        longest = max(longest, time.perf_counter() - start)
        saved += 1
    return longest, saved


def queue(path: Path, codes: list[str]) -> tuple[float, int]:
    """16 editors at once; returns the longest single save and the changes lost."""
    store = ParkStore(path)
    events_before = len(store.read("status_events"))
    batches = [(str(path), codes[i::EDITORS]) for i in range(EDITORS)]
    with multiprocessing.get_context("spawn").Pool(EDITORS) as pool:
        results = pool.map(_editor, batches)
    saved = sum(n for _, n in results)
    arrived = len(store.read("status_events")) - events_before
    return max(t for t, _ in results), saved - arrived


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    assert vocabulary.allowed_next("sale_status", "PLANNED")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        store = build_store(Path(tmp) / "park.gpkg", n)
        size_mb = store.path.stat().st_size / 1e6
        print(f"store: {n} parcels, {size_mb:.1f} MB, built in {time.perf_counter() - start:.1f} s")
        codes = list(store.read("parcels")["code"])
        rows = row_level(store, codes[:RUNS])
        print(
            f"row-level change:   median {statistics.median(rows) * 1000:7.0f} ms  "
            f"max {max(rows) * 1000:7.0f} ms  ({RUNS} saves)"
        )
        longest, lost = queue(store.path, codes[RUNS : RUNS + EDITORS * EDITS_EACH])
        print(
            f"16 editors × {EDITS_EACH}: longest save {longest:.1f} s, "
            f"changes lost {lost} (of {EDITORS * EDITS_EACH})"
        )
        base = whole_file(store, codes[-BASELINE_RUNS:])
        print(
            f"baseline (copy and rewrite the file): median "
            f"{statistics.median(base) * 1000:7.0f} ms  ({BASELINE_RUNS} saves)"
        )
    print(
        f"n={n} change_ms={statistics.median(rows) * 1000:.0f} "
        f"baseline_ms={statistics.median(base) * 1000:.0f} queue_max_s={longest:.2f} lost={lost}"
    )


if __name__ == "__main__":
    main()
