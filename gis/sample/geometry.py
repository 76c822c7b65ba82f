"""The sample park's ground: the local river frame, blocks cut into parcels, roads,
buildings on their site plans and the vacant spaces in them (EPSG:4549, then EPSG:4490).
"""

from __future__ import annotations

import math
from datetime import date
from functools import cache
from random import Random

import shapely
from pyproj import Transformer
from shapely.affinity import affine_transform
from shapely.geometry import LineString, Polygon, box

from gis import vocabulary as voc
from gis.crs import AREA_CRS, STORAGE_CRS
from gis.sample.plan import (
    BLOCK_PLANS,
    PRODUCING,
    REF,
    SALE_CHAIN,
    BlockPlan,
    Box,
    Row,
    _iso,
    _Parcel,
    _rand_date,
)

# --- geography (domain.md §5, rough [I]) ----------------------------------------------------
RIVER_LONLAT = (
    (119.735, 28.290),
    (119.790, 28.325),
    (119.850, 28.380),
    (119.890, 28.425),
    (119.920, 28.440),
    (119.980, 28.430),
)


FRAME_ORIGIN, FRAME_TOWARDS = RIVER_LONLAT[1], RIVER_LONLAT[2]  # the s axis follows this reach


SETBACK_M = 8.0  # buildings keep this far from the parcel's edge


#: Main roads in frame coordinates (s, t), laid in the gaps between blocks.
MAIN_ROADS = (
    ("road", "龙丽线(示意)", 24.0, ((-1500, 1580), (5500, 1580))),
    ("road", "丽浦线(示意)", 20.0, ((2690, -1700), (2690, 3000))),
    ("road", "碧湖大道(示意)", 20.0, ((1450, 300), (1450, 1580))),
    ("road", "滨江路(示意)", 16.0, ((-200, 300), (4300, 300))),
    ("expressway", "龙丽温高速(示意)", 26.0, ((-1000, 2750), (6000, 2750))),
)


CODE_PREFIX = {"BH": "D", "NS": "A", "CC": "C", "LQ": "L"}


#: Street blocks whose parcel count the story fixes: 万洋 12A-12C, and 3号 (商住) + 03B.
FORCED_PARTS = {("WY", 12): 3, ("WY", 3): 2}


#: Deal prices in 万元/亩 by land use (莲都 industrial land ≈ 15-35 万元/亩 [I]).
PRICE_PER_MU = {
    "INDUSTRIAL": (15, 35),
    "M0": (25, 45),
    "WAREHOUSE": (18, 35),
    "COMMERCIAL_RESIDENTIAL": (300, 600),
}


N_VACANT_BUILDINGS = (28, 36)


@cache
def _frame() -> tuple[float, ...]:
    """The affine matrix from the river frame (s, t) to EPSG:4549 metres."""
    to_xy = Transformer.from_crs(STORAGE_CRS, AREA_CRS, always_xy=True)
    (ox, oy), (ax, ay) = to_xy.transform(*FRAME_ORIGIN), to_xy.transform(*FRAME_TOWARDS)
    n = math.hypot(ax - ox, ay - oy)
    ux, uy = (ax - ox) / n, (ay - oy) / n
    return (ux, -uy, uy, ux, ox, oy)  # t runs along (-uy, ux): towards the north-west bank


def _world(geom: shapely.Geometry) -> shapely.Geometry:
    """A frame geometry in EPSG:4549."""
    return affine_transform(geom, _frame())


def _split_row(
    s0: float, s1: float, t0: float, t1: float, k: int, rng: Random
) -> list[tuple[Polygon, Box]]:
    """Cut a row [s0, s1] × [t0, t1] into ``k`` quadrilaterals by slightly slanted cuts."""
    w = (s1 - s0) / k
    low = [s0, *[s0 + w * (i + rng.uniform(-0.05, 0.05)) for i in range(1, k)], s1]
    high = [s0, *[x + rng.uniform(-6, 6) for x in low[1:-1]], s1]
    return [
        (
            Polygon([(low[i], t0), (low[i + 1], t0), (high[i + 1], t1), (high[i], t1)]),
            (max(low[i], high[i]), t0, min(low[i + 1], high[i + 1]), t1),
        )
        for i in range(k)
    ]


def _codes(plan: BlockPlan, street_blocks: list[int], rng: Random) -> list[str]:
    """Parcel codes as the seed writes them: 12B and 3号 in 万洋, D07 and F in 碧湖, A3..."""
    if plan.block_id == "WY":  # street-block number + letter
        codes = [
            f"{no:02d}{'ABCD'[street_blocks[:i].count(no)]}" for i, no in enumerate(street_blocks)
        ]
        return ["3号" if c == "03A" else c for c in codes]
    n, prefix = len(street_blocks), CODE_PREFIX[plan.block_id]
    if plan.block_id == "BH":  # D01, D02, ... and one parcel coded F
        f_at, numbers = rng.choice([i for i in range(n) if i != 6]), iter(range(1, n))
        return ["F" if i == f_at else f"D{next(numbers):02d}" for i in range(n)]
    return [
        f"{prefix}{i}" if plan.block_id == "NS" else f"{prefix}{i:02d}" for i in range(1, n + 1)
    ]


def _block_parcels(plan: BlockPlan, rng: Random) -> list[_Parcel]:
    """The parcels of one block, numbered row by row from the row farthest from the river."""
    (s_org, t_org), (ncol, nrow), (w, h) = plan.origin, plan.grid, plan.street_block
    pieces: list[tuple[int, Polygon, Box]] = []
    for r in range(nrow):
        t0 = t_org + (nrow - 1 - r) * (h + plan.road_m)
        for c in range(ncol):
            s0, no = s_org + c * (w + plan.road_m), r * ncol + c + 1
            tm = t0 + h * rng.uniform(0.45, 0.55)
            for ta, tb in [(tm, t0 + h), (t0, tm)] if plan.halves else [(t0, t0 + h)]:
                k = FORCED_PARTS.get((plan.block_id, no)) or rng.choice(plan.parts)
                pieces += [
                    (no, poly, core) for poly, core in _split_row(s0, s0 + w, ta, tb, k, rng)
                ]
    codes = _codes(plan, [no for no, _, _ in pieces], rng)
    return [
        _Parcel(plan, code, poly, core) for code, (_, poly, core) in zip(codes, pieces, strict=True)
    ]


def _block_rect(plan: BlockPlan) -> Polygon:
    """The block outline in the frame: its street grid plus the perimeter road."""
    (s, t), (ncol, nrow), (w, h), r = plan.origin, plan.grid, plan.street_block, plan.road_m
    return box(s - r, t - r, s + ncol * (w + r), t + nrow * (h + r))


def _internal_roads(plan: BlockPlan) -> list[tuple[str, str, float, LineString]]:
    """The centre lines between a block's street blocks, named 万洋纵一路, 万洋横一路, ..."""
    (s, t), (ncol, nrow), (w, h), r = plan.origin, plan.grid, plan.street_block, plan.road_m
    x0, y0, x1, y1 = _block_rect(plan).bounds
    short, cn = plan.name.removesuffix("区块"), "一二三四五六七八九"
    roads = [
        ("road", f"{short}纵{cn[c]}路", r, LineString([(x, y0), (x, y1)]))
        for c, x in enumerate(s + (c + 1) * (w + r) - r / 2 for c in range(ncol - 1))
    ]
    return roads + [
        ("road", f"{short}横{cn[k]}路", r, LineString([(x0, y), (x1, y)]))
        for k, y in enumerate(t + (k + 1) * (h + r) - r / 2 for k in range(nrow - 1))
    ]


def _planning(p: _Parcel, rng: Random) -> Row:
    """Plot control indicators (domain.md §2.3, §2.4) for the parcel's land use."""
    if p.land_use == "PUBLIC_UTILITY":
        return {"standard_land": False}
    if p.land_use == "COMMERCIAL_RESIDENTIAL":
        return {
            "far_min": 1.5,
            "far_max": 2.8,
            "height_max_m": 60.0,
            "standard_land": False,
            "floor_area_m2": round(p.local.area * 2.8, 1),
        }
    heavy, wy = p.block.block_id == "NS", p.block.block_id == "WY"
    far_max = 3.5 if p.land_use == "M0" else 3.0 if wy else rng.choice((2.0, 2.5, 3.0))
    deal = p.tl.dates.get("SOLD")
    return {
        "far_min": 0.7 if heavy else rng.choice((1.0, 1.2)),
        "far_max": far_max,
        "density_min": 35.0 if heavy else 40.0,
        "green_max": rng.choice((10.0, 15.0)),
        "height_max_m": 40.0 if wy else float(rng.choice((24, 30, 40))),
        "invest_intensity_min": float(rng.choice((180, 200, 220, 250))),
        # 标准地 since the 2018 reform (浙政办发〔2018〕73号)
        "standard_land": p.land_use != "WAREHOUSE" and (not deal or deal.year >= 2018),
        "floor_area_m2": round(p.local.area * far_max, 1),
    }


def _parcel_row(p: _Parcel, buyer: str | None, rng: Random) -> Row:
    """The parcels-layer attributes of one parcel."""
    tl = p.tl
    row: Row = {
        "code": p.code,
        "name": f"{p.block.name}{p.code}地块",
        "block_id": p.block.block_id,
        "land_use": p.land_use,
        "sale_status": tl.sale,
        "construction_status": tl.cons,
        "area_m2_cert": round(p.local.area * (1 + rng.uniform(-0.003, 0.003)), 2),
        "notice_date": _iso(tl.notice),
        "listing_end": _iso(tl.listing_end),
        "agreed_start": _iso(tl.agreed_start),
        "agreed_completion": _iso(tl.agreed_completion),
        "extension_days": 0,
        "gov_cause_delay": False,
        "version": 1,
        "buyer": buyer,
        **p.planning,
    }
    for code, d in tl.dates.items():
        fld = voc.SALE_FIELD if code in SALE_CHAIN else voc.CONSTRUCTION_FIELD
        row[voc.status(fld, code).date_field] = d.isoformat()
    if "SOLD" in tl.dates:
        lo, hi = PRICE_PER_MU[p.land_use]
        inflation = 1 + 0.04 * (tl.dates["SOLD"].year - 2015)
        row["deal_price_wan"] = round(p.mu * rng.uniform(lo, hi) * inflation, 1)
    return row


def _site_plan(p: _Parcel, rng: Random) -> list[tuple[str, Polygon, int]]:
    """An office (and a dormitory) along one edge, factories or a warehouse behind."""
    s0, t0, s1, t1 = p.core
    s0, t0, s1, t1 = s0 + SETBACK_M, t0 + SETBACK_M, s1 - SETBACK_M, t1 - SETBACK_M
    w, h = s1 - s0, t1 - t0
    fd, ow, dw = min(max(0.18 * h, 14), 22), min(max(0.3 * w, 20), 50), min(max(0.3 * w, 20), 45)
    out = [("办公", box(s0, t0, s0 + ow, t0 + fd), rng.randint(4, 6))]
    if w > ow + dw + 15 and rng.random() < 0.5:
        out.append(("宿舍", box(s1 - dw, t0, s1, t0 + fd), rng.randint(5, 6)))
    tb, n = t0 + fd + 12, 1 if w < 100 else 2 if w < 200 else 3
    depth, fw = (t1 - tb) * rng.uniform(0.75, 0.95), (w - 12 * (n - 1)) / n
    for i in range(n):
        foot = box(s0 + i * (fw + 12), tb, s0 + i * (fw + 12) + fw, tb + depth)
        if p.land_use == "WAREHOUSE" or (n > 1 and i == n - 1 and rng.random() < 0.35):
            out.append(("仓库", foot, rng.randint(1, 2)))
        else:  # 万洋's standard factories are multi-storey; building materials stay low
            floors = {"WY": rng.randint(4, 5), "NS": 1}.get(p.block.block_id)
            out.append(("厂房", foot, floors or rng.choice((1, 2, 2, 3, 3, 4))))
    limit = p.planning.get("far_max", 9.9) * p.local.area  # keep within the plot ratio
    while sum(f.area * k for _, f, k in out) > limit and max(k for _, _, k in out) > 1:
        i = max(range(len(out)), key=lambda j: out[j][1].area * (out[j][2] > 1))
        out[i] = (out[i][0], out[i][1], out[i][2] - 1)
    return out


def _buildings(parcels: list[_Parcel], rng: Random) -> list[Row]:
    """Buildings on every parcel whose construction has started."""
    return [
        {
            "building_id": f"{p.code}-B{i}",
            "parcel_code": p.code,
            "name": f"{p.code}地块{i}号楼",
            "use": use,
            "floors": floors,
            "gfa_m2": round(foot.area * floors, 1),
            "vacant_gfa_m2": 0.0,
            "is_vacant": False,
            "_geom": foot,
            "_parcel": p,
        }
        for p in parcels
        if p.tl.cons != "NOT_STARTED"
        for i, (use, foot, floors) in enumerate(_site_plan(p, rng), start=1)
    ]


def _space_attrs(floor: int, single_storey: bool, rng: Random) -> Row:
    """Typical standard-factory values (domain.md §3.2): ground floors higher and stronger."""

    def half(lo: float, hi: float) -> float:  # to the nearest 0.5
        return round(rng.uniform(lo, hi) * 2) / 2

    if floor == 1:
        return {
            "clear_height_m": round(rng.uniform(6, 8), 1),
            "floor_load_kn_m2": half(10, 20),
            "crane_t": float(rng.choice((0, 5, 10, 16) if single_storey else (0, 0, 3, 5))),
            "power_kva": float(rng.randrange(400, 1650, 50)),
            "fire_class_allowed": "乙丙丁戊" if single_storey and rng.random() < 0.3 else "丙丁戊",
            "rent_yuan_m2_month": half(12, 18),
        }
    return {
        "clear_height_m": round(rng.uniform(4.5, 5.5), 1),
        "floor_load_kn_m2": half(5, 8),
        "crane_t": 0.0,
        "power_kva": float(rng.randrange(100, 550, 50)),
        "fire_class_allowed": rng.choice(("丙丁戊", "丁戊")),
        "rent_yuan_m2_month": half(8, 12),
    }


def _vacant_spaces(buildings: list[Row], rng: Random) -> list[Row]:
    """Mark some factories and warehouses (partly) vacant and list their spaces per floor."""

    def eligible(p: _Parcel) -> bool:  # in use, or an empty plant completed over a year ago
        done = p.tl.dates.get("COMPLETED")
        return p.profile not in ("revitalised", "chengyuan") and (
            p.tl.cons in PRODUCING or (p.tl.cons == "COMPLETED" and (REF - done).days > 365)
        )

    pool = [b for b in buildings if b["use"] in ("厂房", "仓库") and eligible(b["_parcel"])]
    spaces: list[Row] = []
    for b in rng.sample(pool, min(len(pool), rng.randint(*N_VACANT_BUILDINGS))):
        p, floors = b["_parcel"], b["floors"]
        area = b["_geom"].area * (rng.choice((0.5, 1.0)) if floors == 1 else 1.0)
        owner = (
            "收储"
            if p.tl.cons == "COMPLETED" and rng.random() < 0.5
            else ("国企平台" if rng.random() < 0.15 else "企业自有")
        )
        mine = []
        for fl in range(floors - rng.randint(1, floors) + 1, floors + 1):  # the top floors
            parts = 2 if area > 5000 else 1  # big floors are offered in two halves
            for j in range(parts):
                mode = {"收储": "转让", "国企平台": "出租"}.get(owner) or (
                    "分割转让"
                    if p.block.block_id == "WY" and fl > 1
                    else rng.choice(("出租", "出租", "转让"))
                )
                mine.append(
                    {
                        "space_id": f"{b['building_id']}-F{fl}"
                        + (f"-{j + 1}" if parts > 1 else ""),
                        "parcel_code": p.code,
                        "building_id": b["building_id"],
                        "floor": fl,
                        "gfa_m2": round(area / parts, 1),
                        **_space_attrs(fl, floors == 1, rng),
                        "env_restrictions": rng.choice(
                            ("无", "禁止电镀、印染", "禁止化工、电镀", "禁止高VOCs排放工艺")
                        ),
                        "owner_type": owner,
                        "mode_allowed": mode,
                        "available_from": _rand_date(rng, date(2019, 1, 1), REF).isoformat(),
                        "_geom": b["_geom"].centroid,
                    }
                )
        b["vacant_gfa_m2"], b["is_vacant"] = round(sum(s["gfa_m2"] for s in mine), 1), True
        spaces += mine
    return spaces


def _context() -> tuple[list[Row], list[shapely.Geometry]]:
    """The river 瓯江 and the roads, with EPSG:4549 geometries."""
    to_xy = Transformer.from_crs(STORAGE_CRS, AREA_CRS, always_xy=True)
    feats = [("river", "瓯江", 350.0, LineString([to_xy.transform(*ll) for ll in RIVER_LONLAT]))]
    feats += [(k, n, w, _world(LineString(pts))) for k, n, w, pts in MAIN_ROADS]
    feats += [(k, n, w, _world(g)) for plan in BLOCK_PLANS for k, n, w, g in _internal_roads(plan)]
    rows = [
        {
            "feature_id": f"{'RV' if k == 'river' else 'RD'}{i:02d}",
            "kind": k,
            "name": n,
            "width_m": w,
        }
        for i, (k, n, w, _) in enumerate(feats, start=1)
    ]
    return rows, [g for *_, g in feats]


def _geoms(rows: list[Row]) -> list[shapely.Geometry]:
    """The EPSG:4549 geometries of rows that carry a frame geometry in ``_geom``."""
    return [_world(r["_geom"]) for r in rows]
