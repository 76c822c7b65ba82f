"""The sample park's reported figures: monthly firm and project periods of the report year,
registration dates, the efficiency adjustments and the year's targets.
"""

from __future__ import annotations

import calendar
from datetime import date
from random import Random

from gis.sample.enterprises import ABOVE_SCALE_WAN, YEARS
from gis.sample.plan import REF, Row, _add_months, _Parcel

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
