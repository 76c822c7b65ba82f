"""The sample park's plan: its dates, blocks and parcel profiles, and the draw helpers
every other part of the sample shares (timelines, random dates, row types).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from shapely.geometry import Polygon

from gis import vocabulary as voc
from gis.crs import M2_PER_MU

SAMPLE_SEED: int = 20210724


#: The seed report's half-year date; nothing in the sample happens after it.
SAMPLE_REFERENCE_DATE: date = date(2021, 6, 30)


REF = SAMPLE_REFERENCE_DATE


H1_START = date(2021, 1, 1)


EARLIEST = date(2013, 1, 1)  # no plan date before this: the park's history starts ~2014


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


SALE_CHAIN = tuple(s.code for s in voc.statuses(voc.SALE_FIELD))


CONS_CHAIN = tuple(s.code for s in voc.statuses(voc.CONSTRUCTION_FIELD))


WANYANG_DEVELOPER = "丽水万洋众创城投资发展有限公司"


CHENGYUAN = "诚远电机有限公司"


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
