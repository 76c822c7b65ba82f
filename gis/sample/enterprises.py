"""The sample park's firms: names, industries, occupants of the parcels, their yearly
figures with the seed report's cases, and the candidate firms of the reuse pipeline.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from random import Random

from gis.sample.plan import (
    CHENGYUAN,
    PRODUCING,
    REF,
    WANYANG_DEVELOPER,
    BlockPlan,
    Row,
    _Parcel,
    _rand_date,
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


N_CANDIDATES = 45


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
