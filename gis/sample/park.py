"""The deterministic sample park (示意数据, illustrative, not survey data).

The park lies on the flat land on the north bank of the 瓯江 near 碧湖, with 南山区块
across the river (domain.md §5), and tells the seed report's story (domain.md §0): four
parcels sold in 2021 H1 (万洋 12B and 12C, 碧湖 D07, 南山 A3), two batches of firms
admitted to 万洋, and the idle plants of 碧湖 F地块 and 诚远电机 revitalised in 2021 H1.

Geometry is built in EPSG:4549 in a local frame (``s`` metres downstream along the river,
``t`` metres away from it, towards the north bank), converted to EPSG:4490 at the end and
rounded to 1e-7°. Each parcel gets a *profile* ("mature", "idle", ...): the date of the
profile's anchor status is drawn in a window, earlier statuses are stepped backwards and
later ones forwards with the gaps of domain.md §2.2, stopping at the profile's cap and at
:data:`SAMPLE_REFERENCE_DATE`. Only ``random.Random(seed)`` draws, so a seed gives the same
park on every machine, whatever today's date.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from random import Random

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.affinity import affine_transform
from shapely.geometry import LineString, Polygon, box

from gis import schema
from gis import vocabulary as voc
from gis.crs import AREA_CRS, M2_PER_MU, STORAGE_CRS

SAMPLE_SEED: int = 20210724
#: The seed report's half-year date; nothing in the sample happens after it.
SAMPLE_REFERENCE_DATE: date = date(2021, 6, 30)
REF = SAMPLE_REFERENCE_DATE
H1_START = date(2021, 1, 1)
EARLIEST = date(2013, 1, 1)  # no plan date before this: the park's history starts ~2014

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


@dataclass(frozen=True)
class BlockPlan:
    """One block (区块): a grid of street blocks, each cut into rows of parcels."""

    block_id: str
    name: str
    name_en: str
    leading_industry: str
    origin: tuple[float, float]  # (s, t) of the grid's corner nearest the river origin, m
    grid: tuple[int, int]  # street blocks along s, along t
    street_block: tuple[float, float]  # street-block size along s and t, m
    road_m: float
    halves: bool  # two rows of parcels back to back in each street block
    parts: tuple[int, ...]  # parcels per row, drawn from these


BLOCK_PLANS: tuple[BlockPlan, ...] = (
    BlockPlan(
        "WY",
        "万洋区块",
        "Wanyang",
        "智能装备制造",
        (1500, 420),
        (4, 4),
        (270, 230),
        18,
        False,
        (2, 2, 2, 3),
    ),  # ≈ 120 ha, standard-factory plots of 30-50 mu
    BlockPlan(
        "BH",
        "碧湖区块",
        "Bihu",
        "智能装备制造",
        (150, 420),
        (4, 4),
        (300, 230),
        18,
        True,
        (1, 2, 2, 2, 3, 3),
    ),
    BlockPlan(
        "NS",
        "南山区块",
        "Nanshan",
        "新型建设材料",
        (2900, -1500),
        (3, 2),
        (300, 250),
        20,
        False,
        (2, 3),
    ),  # across the river, ≈ 2.5 km from 万洋
    BlockPlan(
        "CC",
        "长川区块",
        "Changchuan",
        "生命健康",
        (2800, 420),
        (4, 4),
        (290, 220),
        18,
        True,
        (1, 2, 2, 2, 3),
    ),
    BlockPlan(
        "LQ",
        "朗奇区块",
        "Langqi",
        "时尚轻工",
        (600, 1720),
        (5, 3),
        (280, 240),
        18,
        True,
        (1, 2, 2, 3),
    ),
)
CODE_PREFIX = {"BH": "D", "NS": "A", "CC": "C", "LQ": "L"}
#: Street blocks whose parcel count the story fixes: 万洋 12A-12C, and 3号 (商住) + 03B.
FORCED_PARTS = {("WY", 12): 3, ("WY", 3): 2}

# --- parcel life cycles (domain.md §2) -------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How a parcel's dates are drawn and which statuses it may end in."""

    anchor: str  # the status whose date is drawn in [start, end]
    start: str  # 'YYYY-MM' (first day) or 'YYYY-MM-DD'
    end: str  # 'YYYY-MM' (last day) or 'YYYY-MM-DD'
    sale_cap: str = "DELIVERED"
    cons_cap: str = "NOT_STARTED"
    need_sale: tuple[str, ...] = ()  # accepted current statuses; empty: any
    need_cons: tuple[str, ...] = ()
    on_time: bool = False  # no late start or late completion draws
    idle_days: int = 0  # not started, and the agreed start this many days past at REF
    late_completion: bool = False  # started, and the agreed completion past at REF
    gaps: tuple[tuple[str, tuple[int, int]], ...] = ()  # overrides of GAP_DAYS


P, PRODUCING = Profile, ("IN_PRODUCTION", "AT_CAPACITY")
PROFILES: dict[str, Profile] = {
    "planned": P("PLANNED", "2016-03", "2021-05", sale_cap="PLANNED"),
    "acquiring": P("ACQUIRING", "2019-06", "2021-05", sale_cap="ACQUIRING"),
    "banked": P("BANKED", "2018-06", "2021-04", sale_cap="BANKED"),
    "supply": P("IN_SUPPLY_PLAN", "2021-01-10", "2021-04", sale_cap="IN_SUPPLY_PLAN"),
    "listed": P("LISTED", "2021-06-04", "2021-06-25", sale_cap="LISTED"),
    "contracted": P("SOLD", "2020-08", "2020-12-15", "CONTRACTED", need_sale=("CONTRACTED",)),
    "paid": P("SOLD", "2020-06", "2020-12-15", "PAID", need_sale=("PAID",)),
    "delivered": P("SOLD", "2019-10", "2020-10", need_sale=("DELIVERED",)),
    "idle": P("SOLD", "2018-01", "2019-06", need_sale=("DELIVERED",), idle_days=365),
    "late_build": P(
        "SOLD",
        "2016-06",
        "2018-03",
        cons_cap="STARTED",
        need_cons=("STARTED",),
        late_completion=True,
    ),
    "building": P(
        "SOLD",
        "2017-09",
        "2019-12",
        cons_cap="AT_CAPACITY",
        need_cons=("STARTED", "COMPLETED", "IN_PRODUCTION"),
    ),
    "shell": P("COMPLETED", "2018-06", "2021-05", cons_cap="COMPLETED"),
    "mature": P("SOLD", "2014-07", "2017-03", cons_cap="AT_CAPACITY", need_cons=PRODUCING),
    "chengyuan": P(
        "SOLD", "2014-06", "2015-06", cons_cap="AT_CAPACITY", need_cons=PRODUCING, on_time=True
    ),
    # the seed's F地块: completed ~2017, idle four years, a new firm moved in in 2021 H1
    "revitalised": P(
        "IN_PRODUCTION",
        "2021-03",
        "2021-05-20",
        cons_cap="IN_PRODUCTION",
        on_time=True,
        gaps=(("IN_PRODUCTION", (1400, 1700)),),
    ),
    "wy_batch1": P("IN_PRODUCTION", "2021-01-11", "2021-02-08", cons_cap="IN_PRODUCTION"),
    "wy_batch2": P("IN_PRODUCTION", "2021-04-26", "2021-05-28", cons_cap="IN_PRODUCTION"),
    "wy_start21": P("STARTED", "2021-01-15", "2021-06-10", cons_cap="STARTED", on_time=True),
    "wy_build": P(
        "SOLD", "2019-01", "2020-06", cons_cap="COMPLETED", need_cons=("STARTED", "COMPLETED")
    ),
    "h1_delivered": P("SOLD", "2021-01-05", "2021-01-29", need_sale=("DELIVERED",)),
    "h1_paid": P("SOLD", "2021-03", "2021-03", "PAID", need_sale=("PAID",)),
    "h1_contracted": P("SOLD", "2021-05-06", "2021-05", "CONTRACTED", need_sale=("CONTRACTED",)),
    "h1_sold": P("SOLD", "2021-06-18", "2021-06-28", "SOLD"),
}
#: Parcels the seed names; 诚远电机's parcel is one of 碧湖's "mature" ones.
FORCED_PROFILES = {
    ("WY", "12B"): "h1_paid",
    ("WY", "12C"): "h1_contracted",
    ("BH", "D07"): "h1_delivered",
    ("NS", "A3"): "h1_sold",
    ("BH", "F"): "revitalised",
    ("WY", "3号"): "supply",
}
#: Relative weight of each profile per block; the counts follow the block's size.
PROFILE_MIX: dict[str, dict[str, int]] = {
    "WY": dict(
        wy_batch1=5,
        wy_batch2=5,
        wy_start21=5,
        wy_build=9,
        delivered=3,
        paid=1,
        contracted=1,
        listed=2,
        supply=1,
        banked=2,
        planned=1,
    ),
    "BH": dict(
        mature=28,
        building=10,
        shell=2,
        idle=5,
        late_build=3,
        delivered=3,
        paid=1,
        contracted=1,
        listed=1,
        supply=3,
        banked=4,
        acquiring=2,
        planned=3,
    ),
    "NS": dict(planned=3, acquiring=4, banked=3, supply=2, mature=2),
    "CC": dict(
        mature=20,
        building=14,
        shell=3,
        idle=5,
        late_build=4,
        delivered=4,
        paid=1,
        contracted=1,
        listed=1,
        supply=3,
        banked=5,
        acquiring=3,
        planned=3,
    ),
    "LQ": dict(
        mature=6,
        building=16,
        shell=2,
        idle=3,
        late_build=2,
        delivered=6,
        paid=2,
        contracted=1,
        listed=2,
        supply=4,
        banked=7,
        acquiring=6,
        planned=5,
    ),
}
SALE_CHAIN = tuple(s.code for s in voc.statuses(voc.SALE_FIELD))
CONS_CHAIN = tuple(s.code for s in voc.statuses(voc.CONSTRUCTION_FIELD))
SKIP_CHANCE = {"ACQUIRING": 0.25, "IN_SUPPLY_PLAN": 0.2, "PAID": 0.2}  # optional steps
#: Days from the previous step (domain.md §2.2). SOLD is drawn as listing days + 0-2,
#: PAID counts from the deal (paid in full within 30 days), STARTED is 6 months ± slack.
GAP_DAYS = {
    "ACQUIRING": (30, 150),
    "BANKED": (90, 300),
    "IN_SUPPLY_PLAN": (20, 150),
    "LISTED": (50, 150),
    "CONTRACTED": (3, 14),
    "PAID": (15, 30),
    "DELIVERED": (20, 150),
    "STARTED": (183 - 45, 183 + 60),
    "COMPLETED": (365, 670),
    "IN_PRODUCTION": (30, 240),
    "AT_CAPACITY": (365, 900),
}
LATE_GAP_DAYS = {"STARTED": (183 + 90, 183 + 300), "COMPLETED": (760, 980)}
LATE_CHANCE = 0.15
#: Deal prices in 万元/亩 by land use (莲都 industrial land ≈ 15-35 万元/亩 [I]).
PRICE_PER_MU = {
    "INDUSTRIAL": (15, 35),
    "M0": (25, 45),
    "WAREHOUSE": (18, 35),
    "COMMERCIAL_RESIDENTIAL": (300, 600),
}
WANYANG_DEVELOPER = "丽水万洋众创城投资发展有限公司"
CHENGYUAN = "诚远电机有限公司"
CLERKS = ("张敏", "李强", "王芳", "陈磊", "刘洋")
EVENT_NOTES = dict(
    PLANNED="纳入控规工业用地",
    ACQUIRING="启动征收与房屋拆迁",
    BANKED="净地入库储备",
    IN_SUPPLY_PLAN="列入年度供地计划",
    LISTED="发布出让公告并挂牌",
    SOLD="挂牌成交，签订成交确认书",
    CONTRACTED="签订国有建设用地使用权出让合同",
    PAID="出让价款缴清",
    DELIVERED="签订交地确认书",
    STARTED="取得施工许可证并开工",
    COMPLETED="竣工验收备案",
    IN_PRODUCTION="企业投产",
    AT_CAPACITY="达产复核通过",
)

# --- firms (domain.md §1, §3.3, §6; synthetic defaults [I]) -----------------------------------
INDUSTRY_GROUPS = {
    "智能装备制造": ("C34", "C35", "C38", "C39", "C40"),
    "生命健康": ("C27", "C14", "C26"),
    "时尚轻工": ("C18", "C19", "C21", "C24", "C29"),
    "新型建设材料": ("C30",),
}
DIVISIONS = (
    "C34",
    "C35",
    "C38",
    "C39",
    "C40",
    "C27",
    "C14",
    "C26",
    "C18",
    "C19",
    "C21",
    "C24",
    "C29",
    "C30",
    "C33",
)
_EQUIPMENT = ((0.8, 1.5), (0.04, 0.06), (15, 25), (0.02, 0.04))
_LIGHT = ((0.4, 0.8), (0.02, 0.04), (30, 60), (0.02, 0.05))
#: division → (output 万元/m²·yr, tax / output, jobs per 1000 m², tce per 万元 of output)
PRODUCTIVITY = {
    "C34": _EQUIPMENT,
    "C35": _EQUIPMENT,
    "C39": _EQUIPMENT,
    "C40": _EQUIPMENT,
    "C38": ((0.8, 1.3), (0.04, 0.05), (15, 25), (0.02, 0.04)),
    "C27": ((1.0, 2.5), (0.06, 0.10), (10, 20), (0.03, 0.06)),
    "C14": ((0.8, 1.6), (0.04, 0.07), (15, 30), (0.03, 0.06)),
    "C26": ((0.8, 1.8), (0.05, 0.08), (12, 25), (0.03, 0.06)),
    "C18": _LIGHT,
    "C19": _LIGHT,
    "C21": _LIGHT,
    "C24": _LIGHT,
    "C29": _LIGHT,
    "C30": ((0.3, 0.6), (0.03, 0.05), (5, 10), (0.15, 0.40)),
    "C33": ((0.5, 1.0), (0.03, 0.05), (20, 35), (0.03, 0.06)),
}
#: Firms use their floor space at a lognormal share of the table's output (median, sigma).
PERFORMANCE = (0.3, 0.6)
TRADE_CHARS = "恒瑞鑫华达泰欣宏博康盛源永嘉丰润德信通佳海天力精新众汇安捷驰科创中凯正金宝立明远"
INDUSTRY_WORDS = {
    "C34": ("阀门", "泵业", "机械"),
    "C35": ("智能装备", "专用设备"),
    "C38": ("电机", "电气", "电器"),
    "C39": ("电子", "光电"),
    "C40": ("仪表", "仪器"),
    "C27": ("药业", "生物医药"),
    "C14": ("食品", "保健食品"),
    "C26": ("日化", "化妆品"),
    "C18": ("服饰", "服装"),
    "C19": ("鞋业", "羽绒制品"),
    "C21": ("家具", "木业"),
    "C24": ("制笔", "文具"),
    "C29": ("塑业", "橡塑制品"),
    "C30": ("新型建材", "建材"),
    "C33": ("五金", "金属制品"),
}
KWH_PER_TCE = 8137  # 0.1229 kgce per kWh
ABOVE_SCALE_WAN = 2000  # 规上: main revenue ≥ 2000万元 (domain.md §1.2)
YEARS = (2018, 2019, 2020)
N_VACANT_BUILDINGS = (28, 36)
N_CANDIDATES = 45
TARGETS = (  # the seed's 2021 targets: its values are masked, these are made up
    ("LAND_SOLD_MU", "工业用地出让", "Industrial land sold", "亩", 300.0),
    (
        "FLOOR_AREA_STARTED_WAN_M2",
        "万洋累计开工建筑面积",
        "Wanyang floor area started",
        "万m²",
        150.0,
    ),
    ("FIRMS_IN_PRODUCTION", "累计投产企业", "Firms in production", "家", 40.0),
    ("NEW_ABOVE_SCALE_FIRMS", "新增规上企业", "New above-size firms", "家", 10.0),
    ("EFFECTIVE_INVESTMENT_YI", "有效投资", "Effective investment", "亿元", 20.0),
    ("TAX_GROWTH_PCT", "税费增长", "Tax and fee growth", "%", 12.0),
    ("VA_GROWTH_PCT", "规上工业增加值增长", "Above-size industrial value-added growth", "%", 12.0),
    (
        "BILLION_YUAN_FIRMS",
        "培育亿元企业",
        "New firms with revenue ≥ 100 million yuan",
        "家",
        3.0,
    ),
)

Row = dict[str, object]
Box = tuple[float, float, float, float]


@dataclass
class _Timeline:
    """The dates a parcel entered each status it passed through."""

    dates: dict[str, date]
    notice: date | None = None
    listing_end: date | None = None

    @property
    def sale(self) -> str:
        return [c for c in SALE_CHAIN if c in self.dates][-1]

    @property
    def cons(self) -> str:
        return [c for c in CONS_CHAIN if c in self.dates or c == "NOT_STARTED"][-1]

    @property
    def agreed_start(self) -> date | None:  # contract: start within 6 months of delivery
        return _add_months(self.dates["DELIVERED"], 6) if "DELIVERED" in self.dates else None

    @property
    def agreed_completion(self) -> date | None:  # and complete within 24 months of that
        return _add_months(self.agreed_start, 24) if self.agreed_start else None


@dataclass
class _Parcel:
    """A parcel while the park is being generated (geometry in the river frame)."""

    block: BlockPlan
    code: str
    local: Polygon
    core: Box  # the largest frame-aligned box inside the parcel
    land_use: str = "INDUSTRIAL"
    profile: str = ""
    tl: _Timeline = field(default_factory=lambda: _Timeline({}))
    planning: Row = field(default_factory=dict)

    @property
    def mu(self) -> float:
        return self.local.area / M2_PER_MU


# --- small helpers ---------------------------------------------------------------------------


def _add_months(d: date, n: int) -> date:
    """``d`` plus ``n`` calendar months (contracts say "交地后6个月内开工")."""
    y, m = divmod(d.month - 1 + n, 12)
    y, m = d.year + y, m + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _day(text: str, *, last: bool = False) -> date:
    """'YYYY-MM-DD', or 'YYYY-MM' as the month's first (or ``last``) day."""
    if len(text) > 7:
        return date.fromisoformat(text)
    y, m = map(int, text.split("-"))
    return date(y, m, calendar.monthrange(y, m)[1] if last else 1)


def _rand_date(rng: Random, lo: date, hi: date) -> date:
    """A uniformly drawn date in [lo, hi]."""
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def _iso(d: date | None) -> str | None:
    """ISO 'YYYY-MM-DD' or None."""
    return d.isoformat() if d else None


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


def _credit_code(rng: Random) -> str:
    """An 18-character 统一社会信用代码 in 莲都 (331102) with a valid GB 32100 check char."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91331102" + "".join(rng.choice(chars) for _ in range(9))
    total = sum(chars.index(ch) * pow(3, i, 31) for i, ch in enumerate(body))
    return body + chars[(31 - total % 31) % 31]


class _Names:
    """Unique plausible company names such as 丽水恒瑞阀门有限公司."""

    def __init__(self, rng: Random) -> None:
        self.rng, self.used = rng, {CHENGYUAN, WANYANG_DEVELOPER}

    def firm(self, industry: str, place: str | None = None) -> str:
        """A new name for a firm of ``industry`` (from ``place``, else 丽水/浙江/莲都)."""
        rng = self.rng
        while True:
            a, b = rng.sample(TRADE_CHARS, 2)
            where = place or rng.choice(("丽水", "丽水", "浙江", "莲都"))
            tail = rng.choice(("有限公司", "有限公司", "科技有限公司"))
            name = f"{where}{a}{b}{rng.choice(INDUSTRY_WORDS[industry])}{tail}"
            if name not in self.used:
                self.used.add(name)
                return name


# --- layout ----------------------------------------------------------------------------------


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


# --- statuses and dates ----------------------------------------------------------------------


def _steps(prof: Profile, path: list[str], rng: Random) -> tuple[dict[str, int], int]:
    """Days between consecutive steps of ``path``, and the listing period."""
    gaps, listing_days = dict(GAP_DAYS, **dict(prof.gaps)), rng.randint(10, 20)
    step = {}
    for c in path[1:]:
        late = c in LATE_GAP_DAYS and not prof.on_time and rng.random() < LATE_CHANCE
        step[c] = (
            rng.randint(*(LATE_GAP_DAYS if late else gaps)[c])
            if c != "SOLD"
            else (listing_days + rng.randint(0, 2))
        )  # the deal closes the listing
    if "PAID" in step:  # within 30 days of the deal, after the contract
        step["PAID"] = max(1, step["PAID"] - step["CONTRACTED"])
    return step, listing_days


def _draw_timeline(prof: Profile, rng: Random) -> _Timeline:
    """Dates for one parcel: the anchor in its window, then steps backwards and forwards."""
    keep = {prof.anchor, prof.sale_cap}
    path = [c for c in SALE_CHAIN if c in keep or rng.random() >= SKIP_CHANCE.get(c, 0.0)]
    path += CONS_CHAIN[1:]
    step, listing_days = _steps(prof, path, rng)
    i0 = path.index(prof.anchor)
    dates = {prof.anchor: _rand_date(rng, _day(prof.start), _day(prof.end, last=True))}
    for i in range(i0 - 1, -1, -1):
        dates[path[i]] = dates[path[i + 1]] - timedelta(days=step[path[i + 1]])
    caps = {
        **dict.fromkeys(SALE_CHAIN[SALE_CHAIN.index(prof.sale_cap) + 1 :]),
        **dict.fromkeys(CONS_CHAIN[CONS_CHAIN.index(prof.cons_cap) + 1 :]),
    }
    for prev, c in zip(path[i0:], path[i0 + 1 :], strict=False):
        d = dates[prev] + timedelta(days=step[c])
        if c in caps or d > REF:
            break
        dates[c] = d
    tl = _Timeline(dates)
    if "LISTED" in dates:  # the notice comes ≥ 20 days before the listing, which runs ≥ 10
        tl.notice = dates["LISTED"] - timedelta(days=rng.randint(20, 35))
        tl.listing_end = dates["LISTED"] + timedelta(days=listing_days)
    return tl


def _fits(tl: _Timeline, prof: Profile) -> bool:
    """Does a drawn timeline tell the profile's story (and keep the seed's H1 sales four)?"""
    deal = tl.dates.get("SOLD")
    return (
        min(tl.dates.values()) >= EARLIEST
        and (not deal or deal < H1_START or _day(prof.start) >= H1_START)
        and tl.sale in (prof.need_sale or SALE_CHAIN)
        and tl.cons in (prof.need_cons or CONS_CHAIN)
        and (
            not prof.idle_days
            or (
                tl.cons == "NOT_STARTED"
                and tl.sale == "DELIVERED"
                and (REF - tl.agreed_start).days >= prof.idle_days
            )
        )
        and (not prof.late_completion or tl.agreed_completion < REF)
    )


def _timeline(prof: Profile, rng: Random) -> _Timeline:
    """Draw until the timeline fits the profile (a few tries at most)."""
    for _ in range(500):
        tl = _draw_timeline(prof, rng)
        if _fits(tl, prof):
            return tl
    raise RuntimeError(f"no timeline fits {prof}")  # pragma: no cover


def _quotas(mix: dict[str, int], n: int) -> list[str]:
    """``n`` profile names in the mix's proportions (largest remainder)."""
    raw = {name: w * n / sum(mix.values()) for name, w in mix.items()}
    counts = {name: int(x) for name, x in raw.items()}
    for name in sorted(raw, key=lambda k: int(raw[k]) - raw[k])[: n - sum(counts.values())]:
        counts[name] += 1
    return [name for name in mix for _ in range(counts[name])]


def _assign_profiles(parcels: list[_Parcel], rng: Random) -> None:
    """Profiles, land uses, timelines and planning indicators for every parcel."""
    for plan in BLOCK_PLANS:
        mine = [p for p in parcels if p.block is plan]
        free = [p for p in mine if (plan.block_id, p.code) not in FORCED_PROFILES]
        rng.shuffle(free)
        for p, name in zip(free, _quotas(PROFILE_MIX[plan.block_id], len(free)), strict=True):
            p.profile = name
        for p in mine:
            p.profile = FORCED_PROFILES.get((plan.block_id, p.code), p.profile)
        if plan.block_id == "BH":
            rng.choice([p for p in free if p.profile == "mature"]).profile = "chengyuan"
    pool = [
        p
        for p in parcels
        if p.block.block_id != "WY"
        and p.profile != "chengyuan"
        and (p.block.block_id, p.code) not in FORCED_PROFILES
    ]
    for use, n, profiles in (
        ("PUBLIC_UTILITY", 2, {"planned", "banked"}),
        ("WAREHOUSE", 3, {"mature", "building", "delivered"}),
        ("M0", 3, {"building", "delivered", "banked", "supply"}),
    ):
        fit = [p for p in pool if p.profile in profiles and p.land_use == "INDUSTRIAL"]
        for p in rng.sample(fit, n):
            p.land_use = use
    next(p for p in parcels if p.code == "3号").land_use = "COMMERCIAL_RESIDENTIAL"
    for p in parcels:
        p.tl = _timeline(PROFILES[p.profile], rng)
        p.planning = _planning(p, rng)


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


# --- buildings and vacant space --------------------------------------------------------------


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


# --- enterprises -----------------------------------------------------------------------------


def _industry(plan: BlockPlan, rng: Random) -> str:
    """A GB/T 4754 division: mostly the block's leading industry (and 小五金 in 万洋)."""
    if plan.block_id == "NS":
        return "C30"
    if plan.block_id == "WY" and rng.random() < 0.3:
        return "C33"
    lead = INDUSTRY_GROUPS[plan.leading_industry]
    return rng.choice(lead) if rng.random() < 0.7 else rng.choice(DIVISIONS)


def _occupants(p: _Parcel, rng: Random) -> list[tuple[str | None, bool, float, date, bool]]:
    """Who produces on a parcel: (fixed name, tenant, floor share, since, relocated)."""
    start = p.tl.dates["IN_PRODUCTION"]
    if p.profile == "revitalised":  # 碧湖 F地块: a relocated firm rents the whole idle plant
        return [(None, True, 1.0, start, True)]
    if p.profile == "chengyuan":  # 诚远电机 lets its idle plant to a relocated firm
        return [
            (CHENGYUAN, False, 0.6, start, False),
            (None, True, 0.4, _rand_date(rng, date(2021, 2, 1), date(2021, 5, 31)), True),
        ]
    if p.block.block_id == "WY":  # an admitted batch buys the standard-factory units
        n = rng.randint(2, 3)
        lags = [0] + [rng.randint(0, 20) for _ in range(n - 1)]
        return [(None, False, 1 / n, min(REF, start + timedelta(days=lag)), False) for lag in lags]
    tenants_from = start + timedelta(days=rng.randint(90, 1200))
    if rng.random() >= 0.25 or tenants_from > REF - timedelta(days=30):
        return [(None, False, 1.0, start, False)]
    n, own = rng.randint(1, 2), rng.uniform(0.55, 0.8)
    return [(None, False, own, start, False)] + [
        (None, True, (1 - own) / n, tenants_from, False) for _ in range(n)
    ]


def _enterprises(
    parcels: list[_Parcel], buildings: list[Row], names: _Names, rng: Random
) -> list[Row]:
    """Firms on producing industrial parcels, land pro rata to the floor space they use."""
    firms: list[Row] = []
    for p in parcels:
        if p.tl.cons not in PRODUCING or p.land_use not in ("INDUSTRIAL", "M0"):
            continue
        blds = [b for b in buildings if b["_parcel"] is p]
        used = sum(b["gfa_m2"] - b["vacant_gfa_m2"] for b in blds)
        spots = [b["_geom"].centroid for b in blds if b["use"] == "厂房"] or [p.local.centroid]
        for i, (name, tenant, share, since, relocated) in enumerate(_occupants(p, rng)):
            industry = "C38" if name == CHENGYUAN else _industry(p.block, rng)
            firms.append(
                {
                    "enterprise_id": f"E{len(firms) + 1:04d}",
                    "name": name or names.firm(industry),
                    "credit_code": _credit_code(rng),
                    "industry_code": industry,
                    "parcel_code": p.code,
                    "land_mu": round(p.mu * share, 2),
                    "is_above_scale": False,
                    "production_start": since.isoformat(),
                    "tenant": tenant,
                    "_geom": spots[i % len(spots)],
                    "_gfa": used * share,
                    "_relocated": relocated,
                    "_perf": min(
                        1.5, max(0.05, rng.lognormvariate(math.log(PERFORMANCE[0]), PERFORMANCE[1]))
                    ),
                }
            )
    return firms


def _enterprise_years(firms: list[Row], rng: Random) -> list[Row]:
    """2018-2020 figures from the productivity defaults (domain.md §3.3), units per §1.3."""
    rows = []
    for f in firms:
        out_m2, tax_r, jobs, tce = (rng.uniform(*r) for r in PRODUCTIVITY[f["industry_code"]])
        va_r, g19, g20 = rng.uniform(0.2, 0.3), rng.uniform(0.97, 1.15), rng.uniform(0.85, 1.08)
        rd_r = rng.uniform(0.03, 0.06) if f["industry_code"] == "C27" else rng.uniform(0.003, 0.035)
        # a relocated firm brings its figures from its previous site: the seed's 产值xxxx万以上
        base = rng.uniform(6000, 9000) if f["_relocated"] else f["_gfa"] * out_m2 * f["_perf"]
        since = date.fromisoformat(f["production_start"])
        for y, growth in zip(YEARS, (1.0, g19, g19 * g20), strict=True):
            part = 1.0 if f["_relocated"] else min(1.0, (date(y, 12, 31) - since).days / 365)
            if part < 0.08:
                continue
            output = max(base * part * growth, 5200.0 if f["_relocated"] else 0.0)
            va, energy = output * va_r, output * tce
            rows.append(
                {
                    "enterprise_id": f["enterprise_id"],
                    "year": y,
                    "revenue_wan": round(output * rng.uniform(0.92, 1.03), 1),
                    "output_wan": round(output, 1),
                    "value_added_wan": round(va, 1),
                    "tax_wan": round(output * tax_r, 1),
                    "energy_tce": round(energy, 1),
                    "emission_t": round(va / rng.uniform(2000, 8000), 3),
                    "employees": max(
                        5, round(f["_gfa"] / 1000 * jobs * min(1.0, 1.5 * f["_perf"]))
                    ),
                    "rd_wan": round(output * rd_r, 1),
                    "kwh": float(round(energy * rng.uniform(0.55, 0.85) * KWH_PER_TCE)),
                    "investment_wan": round(output * rng.uniform(0.01, 0.06), 1),
                }
            )
    _inject_cases(firms, rows, rng)
    return rows


def _inject_cases(firms: list[Row], rows: list[Row], rng: Random) -> None:
    """Key-supervision cases (domain.md §1.7), missing emissions, and the 规上 flags."""
    by_firm: dict[str, list[Row]] = {}
    for r in rows:
        by_firm.setdefault(r["enterprise_id"], []).append(r)
    old = [
        f
        for f in firms
        if f["land_mu"] >= 10
        and not f["tenant"]
        and f["name"] != CHENGYUAN
        and f["production_start"] <= "2017-12-31"
    ]
    ks2 = {f["enterprise_id"] for f in rng.sample(old, min(3, len(old)))}
    for eid in sorted(ks2):  # KS-2 大而不规: ≥ 10 mu, ≥ 3 years producing, below 2000万
        k = rng.uniform(1100, 1900) / max(r["revenue_wan"] for r in by_firm[eid])
        for r in by_firm[eid]:
            for col in (
                "revenue_wan",
                "output_wan",
                "value_added_wan",
                "tax_wan",
                "energy_tce",
                "rd_wan",
                "kwh",
                "investment_wan",
            ):
                r[col] = round(r[col] * k, 1)
    for eid in rng.sample(sorted(set(by_firm) - ks2), 2):  # KS-1: power out of line with tax
        for r in by_firm[eid]:
            r["kwh"] = round(r["kwh"] * rng.uniform(4, 6))
            r["tax_wan"] = round(0.4 * r["tax_wan"], 1)
    for eid in rng.sample(sorted(by_firm), 4):  # emissions not reported
        for r in by_firm[eid]:
            r["emission_t"] = None
    for f in firms:
        latest = by_firm.get(f["enterprise_id"], [{"revenue_wan": 0}])[-1]["revenue_wan"]
        f["is_above_scale"] = latest >= ABOVE_SCALE_WAN
    crossed = [
        f
        for f in firms
        if f["is_above_scale"] and by_firm[f["enterprise_id"]][-1]["revenue_wan"] < 2600
    ]
    if crossed:  # crossed the line in 2020 but joins the statistics register later
        rng.choice(crossed)["is_above_scale"] = False


# --- register dates and year-to-date reports ------------------------------------------------

#: Share of a year's output in each month (Spring Festival in February) [I].
SEASON = (0.07, 0.05, 0.085, 0.085, 0.085, 0.09, 0.085, 0.08, 0.085, 0.09, 0.09, 0.105)
#: 2020's months against a normal year: the epidemic stopped work in February [I].
EPIDEMIC_2020 = (1.0, 0.35, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
#: The months of the year-to-date reports in the sample: January to the seed's June.
REPORTED_MONTHS = range(1, REF.month + 1)
PERIOD_COLUMNS = ("revenue_wan", "output_wan", "value_added_wan", "tax_wan", "investment_wan")
#: Firms below the line that grow into the register during 2021 H1 (小升规 successes).
N_REGISTERED_2021 = 2


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _register_dates(firms: list[Row], years: list[Row], rng: Random) -> set[str]:
    """``above_scale_since``: the January after a firm's first year ≥ 2000万 (统计入库), a
    relocated firm's first day here, and two 规下 firms registered in 2021 H1.

    Returns the ids of the two firms registered in 2021 (their growth must carry them).
    """
    revenue = {(r["enterprise_id"], r["year"]): r["revenue_wan"] for r in years}
    for f in firms:
        if not f["is_above_scale"]:
            continue
        start = date.fromisoformat(str(f["production_start"]))
        first = next(
            y for y in YEARS if (revenue.get((f["enterprise_id"], y)) or 0) >= ABOVE_SCALE_WAN
        )
        if f["_relocated"]:  # its statistics move here with it
            since = start
        elif first == YEARS[0] and start.year < YEARS[0] - 1:  # above the line before 2018
            since = date(start.year + 1, 1, 1)
        else:
            since = date(first + 1, 1, 1)
        f["above_scale_since"] = since.isoformat()
    growing = [
        f
        for f in firms
        if not f["is_above_scale"]
        and not f["tenant"]
        and f["production_start"] <= "2019-12-31"
        and not (f["land_mu"] >= 10 and f["production_start"] <= "2017-12-31")  # KS-2 cases
        and 1400 <= (revenue.get((f["enterprise_id"], YEARS[-1])) or 0) < ABOVE_SCALE_WAN
    ]
    chosen = rng.sample(growing, min(N_REGISTERED_2021, len(growing)))
    for f in chosen:
        f["is_above_scale"] = True
        f["above_scale_since"] = date(2021, rng.choice((3, 4, 5, 6)), 1).isoformat()
    return {str(f["enterprise_id"]) for f in chosen}


def _producing_weights(start: date, year: int, epidemic: tuple[float, ...]) -> list[float]:
    """Each month's share of a full year's figures, for a firm producing from ``start``."""
    return [
        SEASON[m - 1] * epidemic[m - 1] if start <= _month_end(year, m) else 0.0
        for m in range(1, 13)
    ]


def _firm_periods(firms: list[Row], years: list[Row], grown: set[str], rng: Random) -> list[Row]:
    """Firms' reports for January–N of 2020 and 2021 (1–N月累计), N up to June.

    2020 spreads the year's figures over its months; 2021 grows each firm's full-year
    level by a draw (the two firms registered in 2021 by enough to pass 2000万).
    """
    figures = {(r["enterprise_id"], r["year"]): r for r in years}
    normal = (1.0,) * 12
    rows: list[Row] = []
    for f in firms:
        eid, start = f["enterprise_id"], date.fromisoformat(str(f["production_start"]))
        last = figures.get((eid, YEARS[-1]))
        if last is None or start > REF:
            continue
        w20 = _producing_weights(start, 2020, EPIDEMIC_2020)
        full20 = sum(SEASON[m] * EPIDEMIC_2020[m] for m in range(12))
        part20 = sum(w20) / full20
        growth = rng.uniform(0.98, 1.25)
        if eid in grown:
            growth = max(growth, ABOVE_SCALE_WAN * rng.uniform(1.1, 1.3) / last["revenue_wan"])
        tax_drift = rng.uniform(0.94, 1.08)
        w21 = _producing_weights(start, 2021, normal)
        for year, weights, level in (
            (2020, [w / full20 for w in w20], 1.0),
            (2021, w21, growth / part20 if part20 > 0 else growth),
        ):
            if f["_relocated"] and year == 2020:
                continue  # it produced elsewhere in 2020: no report here
            for months in REPORTED_MONTHS:
                share = sum(weights[:months])
                if share <= 0:
                    continue
                row: Row = {
                    "subject_kind": "enterprise",
                    "subject_id": eid,
                    "year": year,
                    "months": months,
                }
                for col in PERIOD_COLUMNS:
                    value = (last[col] or 0.0) * level * share
                    if col == "tax_wan" and year == 2021:
                        value *= tax_drift
                    row[col] = round(value, 1)
                rows.append(row)
    return rows


def _project_periods(parcels: list[_Parcel], parcel_rows: list[Row], rng: Random) -> list[Row]:
    """Construction projects' fixed investment, year to date (项目月报), 2020 and 2021.

    A project invests about its contract's intensity (万元/亩) × area, evenly over the
    months from its start to its completion (or 24 months when still building) [I].
    """
    rows: list[Row] = []
    for p, attrs in zip(parcels, parcel_rows, strict=True):
        started = p.tl.dates.get("STARTED")
        if started is None or started > REF:
            continue
        done = p.tl.dates.get("COMPLETED") or _add_months(started, 24)
        if done < date(2020, 1, 1):
            continue
        intensity = attrs.get("invest_intensity_min") or 200.0
        total = float(intensity) * p.mu * rng.uniform(1.0, 1.4)
        months_building = max(1, (done.year - started.year) * 12 + done.month - started.month + 1)
        monthly = total / months_building
        for year in (2020, 2021):
            spent = 0.0
            for months in REPORTED_MONTHS:
                first_day = date(year, months, 1)
                if started <= _month_end(year, months) and first_day <= done:
                    spent += monthly
                if spent > 0:
                    rows.append(
                        {
                            "subject_kind": "project",
                            "subject_id": p.code,
                            "year": year,
                            "months": months,
                            "investment_wan": round(spent, 1),
                        }
                    )
    return rows


def _adjustments(firms: list[Row], years: list[Row], rng: Random) -> list[Row]:
    """A few 加分/减分 and overrides of the 2020 evaluation, as a county would record them."""
    evaluated = sorted({r["enterprise_id"] for r in years if r["year"] == YEARS[-1]} & _ids(firms))
    bonus, deduction, forced, public = rng.sample(evaluated, 4)
    stamp = "2021-03-15T09:00:00Z"
    common = {"year": YEARS[-1], "author": "经发科(示意)", "recorded_at": stamp}
    return [
        {
            **common,
            "enterprise_id": bonus,
            "bonus_points": 5.0,
            "reason": "2020年认定高新技术企业(示意)",
        },
        {
            **common,
            "enterprise_id": deduction,
            "deduction_points": 3.0,
            "reason": "环保设施整改通报一次(示意)",
        },
        {
            **common,
            "enterprise_id": forced,
            "override": "FORCE_D",
            "reason": "2020年发生一般安全生产事故(示意)",
        },
        {
            **common,
            "enterprise_id": public,
            "override": "NOT_GRADED",
            "reason": "重大技改项目建设期(示意)",
        },
    ]


def _ids(firms: list[Row]) -> set[str]:
    return {str(f["enterprise_id"]) for f in firms}


# --- the other tables ------------------------------------------------------------------------


def _candidates(names: _Names, rng: Random) -> list[Row]:
    """A pipeline of firms with needs; some cannot be placed (size, weight, fire class 甲)."""
    # (name, industry, area range m², height m, load kN/m², crane t, kVA, fire class, stage)
    special = (
        [("浙江碧澄科技有限公司", "C29", (8000, 12000), 8, 15, 5, 1250, "丙", "意向签约")]
        + [
            (names.firm("C30", "浙江"), "C30", (30000, 60000), 10, 30, 20, 3000, "戊", "意向签约")
            for _ in range(4)
        ]  # the seed's four 南山 firms, > 1亿 each
        + [
            (names.firm("C33", "永嘉"), "C33", (800, 2500), 5, 8, 0, 250, "丁", None)
            for _ in range(6)
        ]  # the 永嘉 小五金 park
        + [(names.firm(c), c, (2000, 5000), 6, 10, 0, 630, "甲", None) for c in ("C26", "C27")]
        + [(names.firm(c), c, (3000, 8000), 9, 35, 32, 2000, "丙", None) for c in ("C34", "C35")]
        + [(names.firm(c), c, (25000, 40000), 8, 15, 10, 2500, "丙", None) for c in ("C38", "C29")]
    )
    rows = []
    for i in range(N_CANDIDATES):
        if i < len(special):
            name, ind, (lo, hi), height, load, crane, kva, fire, stage = special[i]
        else:
            ind = rng.choice(DIVISIONS)
            name, lo, hi, height = names.firm(ind), 800, 6000, rng.choice((4.5, 6, 8))
            load, crane, kva = (
                rng.choice((5, 8, 10, 15)),
                rng.choice((0, 0, 0, 5)),
                rng.randrange(100, 1250, 50),
            )
            fire, stage = rng.choice("乙丙丙丁丁戊"), None
        (o_lo, o_hi), (t_lo, t_hi), (j_lo, j_hi), _ = PRODUCTIVITY[ind]
        area = rng.uniform(lo, hi)
        output = area * rng.uniform(o_lo, o_hi) * rng.uniform(0.5, 0.9)
        if ind == "C30" and area >= 30000:
            output = rng.uniform(12000, 30000)
        rows.append(
            {
                "candidate_id": f"CAND{i + 1:03d}",
                "name": name,
                "industry_code": ind,
                "need_area_min_m2": round(area, -1),
                "need_area_max_m2": round(area * rng.uniform(1.3, 1.8), -1),
                "need_height_m": height,
                "need_load_kn_m2": load,
                "need_crane_t": crane,
                "need_power_kva": kva,
                "fire_class": fire,
                "expected_revenue_wan": round(output * rng.uniform(0.92, 1.02), 1),
                "expected_output_wan": round(output, 1),
                "expected_tax_wan": round(output * rng.uniform(t_lo, t_hi), 1),
                "expected_jobs": max(5, round(area / 1000 * rng.uniform(j_lo, j_hi))),
                "stage": stage or rng.choices(("初步接洽", "实地考察", "意向签约"), (9, 7, 4))[0],
            }
        )
    return rows


def _status_events(parcels: list[_Parcel], rng: Random) -> list[Row]:
    """One event per transition each parcel passed through; ids in chronological order."""
    events = []
    for p in parcels:
        prev, last = {voc.SALE_FIELD: None, voc.CONSTRUCTION_FIELD: "NOT_STARTED"}, datetime.min
        for code, eff in sorted(p.tl.dates.items(), key=lambda kv: kv[1]):
            fld = voc.SALE_FIELD if code in SALE_CHAIN else voc.CONSTRUCTION_FIELD
            # recorded a few days later, in office hours, never after the reference date
            lag = min(rng.randint(0, 4), (REF - eff).days)
            at = datetime.combine(eff + timedelta(days=lag), time(8, 30))
            last = max(at + timedelta(minutes=rng.randint(0, 540)), last + timedelta(minutes=7))
            note = EVENT_NOTES[code]
            if p.profile == "revitalised" and code == "IN_PRODUCTION":
                note = "闲置厂房盘活，引进新企业投产"
            events.append(
                {
                    "parcel_code": p.code,
                    "field": fld,
                    "old_status": prev[fld],
                    "new_status": code,
                    "effective_date": eff.isoformat(),
                    "recorded_at": last.isoformat(timespec="seconds"),
                    "author": rng.choice(CLERKS),
                    "note": note,
                    "supersedes": None,
                }
            )
            prev[fld] = code
    events.sort(key=lambda e: (e["effective_date"], e["recorded_at"], e["parcel_code"]))
    return [{"event_id": i, **e} for i, e in enumerate(events, start=1)]


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


# --- assembly --------------------------------------------------------------------------------


def _layer(
    name: str, rows: list[Row], geoms: list[shapely.Geometry] | None = None
) -> pd.DataFrame | gpd.GeoDataFrame:
    """A layer with exactly the schema's columns and dtypes; geometries EPSG:4549 → 4490.

    Text, date and datetime columns hold Python ``str`` or ``None`` (object dtype).
    """
    spec, data = schema.layer_spec(name), {}
    for col in spec.columns:
        vals = [r.get(col.name) for r in rows]
        if col.dtype == "int":
            data[col.name] = pd.Series(vals, dtype="Int64" if col.name == "supersedes" else "int64")
        elif col.dtype == "float":
            data[col.name] = pd.Series([np.nan if v is None else v for v in vals], dtype="float64")
        elif col.dtype == "bool":
            data[col.name] = pd.Series([bool(v) for v in vals], dtype=bool)
        else:
            data[col.name] = pd.Series(vals, dtype=object)
    df = pd.DataFrame(data, columns=list(spec.column_names))
    if spec.geometry_type is None:
        return df
    lonlat = gpd.GeoSeries(geoms, crs=AREA_CRS).to_crs(STORAGE_CRS).to_numpy()
    rounded = shapely.transform(lonlat, lambda xy: np.round(xy, 7))
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(rounded, crs=STORAGE_CRS), crs=STORAGE_CRS)


def _geoms(rows: list[Row]) -> list[shapely.Geometry]:
    """The EPSG:4549 geometries of rows that carry a frame geometry in ``_geom``."""
    return [_world(r["_geom"]) for r in rows]


def build_sample_park(seed: int = SAMPLE_SEED) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """Generate the sample park: one frame per layer of :data:`gis.schema.LAYERS`.

    Spatial layers are GeoDataFrames in EPSG:4490, tables are DataFrames, both with
    exactly the schema's columns. The same ``seed`` always gives identical frames.
    """
    rng = Random(seed)
    names = _Names(rng)
    parcels = [p for plan in BLOCK_PLANS for p in _block_parcels(plan, rng)]
    _assign_profiles(parcels, rng)
    buildings = _buildings(parcels, rng)
    spaces = _vacant_spaces(buildings, rng)
    firms = _enterprises(parcels, buildings, names, rng)
    years = _enterprise_years(firms, rng)
    owners = {f["parcel_code"]: f["name"] for f in firms if not f["tenant"]}
    buyers = [
        None
        if "SOLD" not in p.tl.dates
        else WANYANG_DEVELOPER
        if p.block.block_id == "WY"
        else owners.get(p.code) or names.firm(_industry(p.block, rng))
        for p in parcels
    ]
    parcel_rows = [_parcel_row(p, b, rng) for p, b in zip(parcels, buyers, strict=True)]
    ext, gov = rng.sample([i for i, p in enumerate(parcels) if p.profile == "idle"], 2)
    parcel_rows[ext]["extension_days"] = 180  # a one-off extension, applied for in time
    parcel_rows[gov]["gov_cause_delay"] = True  # e.g. the land was handed over late
    blocks = [
        {
            "block_id": b.block_id,
            "name": b.name,
            "name_en": b.name_en,
            "planned_area_mu": round(_block_rect(b).area / M2_PER_MU, 1),
            "leading_industry": b.leading_industry,
        }
        for b in BLOCK_PLANS
    ]
    block_geoms = [_world(_block_rect(b)) for b in BLOCK_PLANS]
    boundary = shapely.convex_hull(shapely.union_all(block_geoms)).buffer(120, join_style="mitre")
    context_rows, context_geoms = _context()
    # Drawn from their own generator, so adding them left the rest of the park unchanged.
    extra = Random(f"{seed}/periods")
    grown = _register_dates(firms, years, extra)
    periods = _firm_periods(firms, years, grown, extra) + _project_periods(
        parcels, parcel_rows, extra
    )
    adjustments = _adjustments(firms, years, extra)
    targets = [
        {
            "target_id": t,
            "year": 2021,
            "label_zh": zh,
            "label_en": en,
            "unit": u,
            "target_value": v,
            "source": "seed 2021 (masked; illustrative value)",
        }
        for t, zh, en, u, v in TARGETS
    ]
    return {
        "park_boundary": _layer("park_boundary", [{"name": "莲都工业园区(示意)"}], [boundary]),
        "blocks": _layer("blocks", blocks, block_geoms),
        "parcels": _layer("parcels", parcel_rows, [_world(p.local) for p in parcels]),
        "buildings": _layer("buildings", buildings, _geoms(buildings)),
        "vacant_spaces": _layer("vacant_spaces", spaces, _geoms(spaces)),
        "enterprises": _layer("enterprises", firms, _geoms(firms)),
        "enterprise_years": _layer("enterprise_years", years),
        "period_figures": _layer("period_figures", periods),
        "evaluation_adjustments": _layer("evaluation_adjustments", adjustments),
        "candidates": _layer("candidates", _candidates(names, rng)),
        "status_events": _layer("status_events", _status_events(parcels, rng)),
        "targets": _layer("targets", targets),
        "context": _layer("context", context_rows, context_geoms),
    }
