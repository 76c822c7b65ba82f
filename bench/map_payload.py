"""Map payload benchmark: our 一张图 layers vs ``GeoDataFrame.explore()`` on the same parcels.

Measures, for 1,000 / 10,000 / 50,000 synthetic parcels carrying every column of
``gis.schema.PARCELS`` (what the store really holds), the wall time to build and render
the map HTML, the HTML size in bytes, and the tracemalloc peak. Why: the parcel map is
sent to the browser on every rerun, so its size and build time bound how large a park
the app can show; explore() is the obvious one-liner a developer would write instead.
Run: ``cd /work/main && .venv/bin/python bench/map_payload.py``.
"""

from __future__ import annotations

import gzip
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import schema, vocabulary
from gis.crs import AREA_CRS, STORAGE_CRS
from layers import payloads
from layers.assets import asset_urls
from layers.parkmap import build_park_map

SIZES = (1_000, 10_000, 50_000)
PITCH = 290.0  # grid step in metres: sides of 60-250 m, a 15-25 m offset, 10 m bulges
# Date column -> (status field, order from which it is set), in the order they happen.
DATES = {
    "plan_date": ("s", 0),
    "acq_start": ("s", 1),
    "banked_date": ("s", 2),
    "supply_plan_date": ("s", 3),
    "notice_date": ("s", 4),
    "listing_start": ("s", 4),
    "listing_end": ("s", 4),
    "deal_date": ("s", 5),
    "contract_date": ("s", 6),
    "paid_date": ("s", 7),
    "delivery_date": ("s", 8),
    "agreed_start": ("s", 6),
    "start_date": ("c", 1),
    "agreed_completion": ("s", 6),
    "completion_date": ("c", 2),
    "production_date": ("c", 3),
    "capacity_date": ("c", 4),
}
Frames = dict[str, gpd.GeoDataFrame]


def _gdf(data: dict[str, object], geoms: np.ndarray, spec: schema.LayerSpec) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(data, columns=list(spec.column_names))
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=AREA_CRS).to_crs(STORAGE_CRS)


def synthetic_frames(n: int) -> Frames:
    """n parcels on a grid around lon 119.80 lat 28.34, with the layers the map needs."""
    rng = np.random.default_rng(42)
    centre = gpd.GeoSeries([shapely.Point(119.80, 28.34)], crs=STORAGE_CRS).to_crs(AREA_CRS)[0]
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    left, bottom = centre.x - cols / 2 * PITCH, centre.y - rows / 2 * PITCH
    right, top = left + cols * PITCH, bottom + rows * PITCH
    ix, iy = np.arange(n) % cols, np.arange(n) // cols
    x = left + ix * PITCH + rng.uniform(15, 25, n)
    y = bottom + iy * PITCH + rng.uniform(15, 25, n)
    w, h, nv = rng.uniform(60, 250, n), rng.uniform(60, 250, n), rng.integers(4, 7, n)
    b1, b2 = rng.uniform(2, 10, n), rng.uniform(2, 10, n)  # mid-edge points bulging out
    xy = np.stack(
        [
            np.stack([x, x + w / 2, x + w, x + w, x + w / 2, x], 1),
            np.stack([y, y - b1, y, y + h, y + h + b2, y + h], 1),
        ],
        -1,
    )
    xy += rng.normal(0, 1.5, xy.shape)  # "-ish": corners off square by a metre or two
    xy[nv < 6, 1], xy[nv < 5, 4] = xy[nv < 6, 0], xy[nv < 5, 3]  # 4-6 vertices: drop bulges
    geoms = shapely.remove_repeated_points(shapely.polygons(xy), 0.0)
    block = np.minimum(ix * 5 // cols, 4)
    sale = rng.choice(9, n, p=[0.12, 0.08, 0.12, 0.06, 0.07, 0.05, 0.08, 0.07, 0.35])
    build = np.where(sale == 8, rng.integers(0, 5, n), 0)
    codes = np.char.add("LD-", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    steps = rng.integers(20, 200, (n, len(DATES)))  # days between milestones, from 2012 on
    steps[:, 13] += 600  # agreed completion ~2 years after the start; actual within ±200 days
    steps[:, 14] = rng.integers(-200, 200, n)
    days = np.datetime64("2012-01-01") + np.cumsum(steps, axis=1)
    iso = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)
    sold = sale >= 5
    area = np.round(shapely.area(geoms), 2)
    far_min = rng.choice([1.0, 1.2, 1.5], n)
    data: dict[str, object] = {
        "code": codes,
        "name": np.char.add(codes, " 地块"),
        "block_id": np.char.add("B", (block + 1).astype(str)),
        "land_use": rng.choice(
            [u.code for u in vocabulary.LAND_USES], n, p=[0.6, 0.1, 0.15, 0.05, 0.1]
        ),
        "area_m2_cert": np.where(sold, area, np.nan),
        "sale_status": np.array([s.code for s in vocabulary.SALE_STATUSES])[sale],
        "construction_status": np.array([s.code for s in vocabulary.CONSTRUCTION_STATUSES])[build],
        "deal_price_wan": np.where(
            sold, np.round(area * 0.15 * rng.uniform(0.8, 1.6, n), 1), np.nan
        ),
        "buyer": np.where(
            sold, np.char.add(rng.integers(1, 3000, n).astype(str), "号科技公司"), None
        ),
        "extension_days": np.where(rng.random(n) < 0.1, rng.integers(30, 365, n), 0),
        "gov_cause_delay": rng.random(n) < 0.05,
        "far_min": far_min,
        "far_max": far_min + rng.choice([1.0, 1.5, 2.0], n),
        "density_min": 40.0,
        "green_max": 15.0,
        "height_max_m": rng.choice([24.0, 36.0, 50.0], n),
        "invest_intensity_min": rng.choice([250.0, 300.0, 350.0], n),
        "standard_land": rng.random(n) < 0.7,
        "floor_area_m2": np.round(area * far_min, 1),
        "version": rng.integers(1, 4, n),
    }
    for j, (col, (by, at)) in enumerate(DATES.items()):
        data[col] = np.where((sale if by == "s" else build) >= at, iso[:, j], None)
    parcels = _gdf(data, geoms, schema.PARCELS)
    # Five blocks: vertical strips of grid columns; the boundary: the grid's envelope.
    edges = left + np.ceil(np.arange(6) * cols / 5) * PITCH  # block b: ix * 5 // cols == b
    blocks = _gdf(
        {
            "block_id": [f"B{i}" for i in range(1, 6)],
            "planned_area_mu": 3000.0,
            "name": [f"第{i}区块" for i in range(1, 6)],
            "leading_industry": "装备制造",
            "name_en": [f"Block {i}" for i in range(1, 6)],
        },
        shapely.box(edges[:-1], bottom, edges[1:], top),
        schema.BLOCKS,
    )
    boundary = _gdf(
        {"name": ["莲都工业园区"]}, [shapely.box(left, bottom, right, top)], schema.PARK_BOUNDARY
    )
    firms = rng.choice(np.flatnonzero(sold), min(n // 3, sold.sum()), replace=False)
    ids = np.arange(len(firms)).astype(str)
    enterprises = _gdf(
        {
            "enterprise_id": np.char.add("E", ids),
            "name": np.char.add(np.char.add("丽水", ids), "号制造有限公司"),
            "credit_code": "91331100MA2XXXXXXX",
            "industry_code": "C3411",
            "parcel_code": codes[firms],
            "land_mu": np.round(area[firms] * 0.0015, 2),
            "is_above_scale": True,
            "production_start": "2020-05-01",
            "tenant": False,
        },
        shapely.centroid(geoms[firms]),
        schema.ENTERPRISES,
    )
    context = _gdf(
        {
            "feature_id": ["R1", "X1"],
            "kind": ["river", "expressway"],
            "name": ["瓯江", "丽青线"],
            "width_m": [120.0, 30.0],
        },
        [
            shapely.LineString([(left, bottom), (right, top)]),
            shapely.LineString([(left, centre.y), (right, centre.y)]),
        ],
        schema.CONTEXT,
    )
    buildings = _gdf({}, np.empty(0, dtype=object), schema.BUILDINGS)
    return {
        "parcels": parcels,
        "blocks": blocks,
        "park_boundary": boundary,
        "buildings": buildings,
        "enterprises": enterprises,
        "context": context,
    }


def ours(frames: Frames) -> str:
    """The map's HTML plus the layers it fetches (layers.payloads), uncompressed: all the
    browser receives. Published anew each run, so each run pays for the encoding."""
    payloads._published.clear()
    payloads._pending.clear()
    m = build_park_map(frames, assets=asset_urls(), field="sale_status", lang="zh")
    html = m.get_root().render()
    fetched = [payloads.published(token) or b"" for token in list(payloads._pending)]
    return html + "".join(gzip.decompress(body).decode("utf-8") for body in fetched)


def explore(frames: Frames) -> str:
    # explore()'s default tooltip=True: every column, as a developer would first write it.
    return frames["parcels"].explore(column="sale_status", tiles=None).get_root().render()


def measure(fn: Callable[[Frames], str], frames: Frames, runs: int) -> tuple[float, int, float]:
    """(best wall time s over ``runs``, payload bytes, tracemalloc peak MB in a separate run)."""
    best, html = float("inf"), ""
    for _ in range(runs):
        start = time.perf_counter()
        html = fn(frames)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    fn(frames)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return best, len(html.encode("utf-8")), peak


def main() -> None:
    print(
        "| n | ours build s | explore build s | build ratio | ours MB payload | explore MB "
        "payload | payload ratio | ours peak MB | explore peak MB |\n" + "|---:" * 9 + "|"
    )
    final = ""
    for n in SIZES:
        frames = synthetic_frames(n)
        runs = 3 if n <= 10_000 else 1
        (o_t, o_b, o_p), (e_t, e_b, e_p) = (measure(f, frames, runs) for f in (ours, explore))
        print(
            f"| {n:,} | {o_t:.2f} | {e_t:.2f} | {o_t / e_t:.2f} | {o_b / 1e6:.2f} "
            f"| {e_b / 1e6:.2f} | {o_b / e_b:.2f} | {o_p:.0f} | {e_p:.0f} |",
            flush=True,
        )
        if n == 10_000:
            final = f"n={n} payload_ratio={o_b / e_b:.2f} build_ratio={o_t / e_t:.2f}"
    print(
        "\nBuild = build + render to HTML, best of 3 runs for n <= 10,000, 1 run for 50,000;"
        " peak = tracemalloc peak of one further run. MB = 10^6 bytes of UTF-8 HTML (ours:"
        " with the layers the map fetches, uncompressed; parcels of a district are fetched"
        " only when zoomed in)."
        " explore(column='sale_status', tiles=None) with its default tooltip (all"
        f" {len(schema.PARCELS.columns)} columns)."
    )
    print(final)


if __name__ == "__main__":
    main()
