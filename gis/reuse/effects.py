"""A matching's effects: the spaces offered with their parcels' figures, per-parcel and
park totals after entry, predicted 亩均 classes and the progress towards the targets.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from gis._errors import ValidationError
from gis.efficiency import classes, evaluation, scores
from gis.efficiency.config import FIGURES as EFFICIENCY_FIGURES
from gis.efficiency.config import EfficiencyConfig
from gis.parcels.tables import parcel_mu_by_code
from gis.reuse.config import ABOVE_SCALE_WAN, division
from gis.targets import counting, tracking
from gis.values import is_finite


def prepare_spaces(frames: Mapping[str, pd.DataFrame], *, year: int | None = None) -> pd.DataFrame:
    """The vacant spaces with what the engine needs about their parcel.

    Adds ``block_id``, ``leading_industry``, ``parcel_mu`` (certified area, GIS area as
    fallback) and ``parcel_tax_wan`` (the parcel's firms' tax in ``year``, default the
    latest year with figures; 0 while the store holds no yearly figures). Geometry is dropped.
    """
    spaces = pd.DataFrame(frames["vacant_spaces"]).drop(columns=["geometry"], errors="ignore")
    parcels = frames["parcels"]
    mu = parcel_mu_by_code(parcels)
    blocks = frames["blocks"].set_index("block_id")["leading_industry"]
    block_of = parcels.set_index("code")["block_id"]
    taxes = parcel_figures(frames, year=year)["tax_wan"]
    out = spaces.copy()
    out["block_id"] = out["parcel_code"].map(block_of)
    out["leading_industry"] = out["block_id"].map(blocks)
    out["parcel_mu"] = out["parcel_code"].map(mu).astype(float)
    out["parcel_tax_wan"] = out["parcel_code"].map(taxes).fillna(0.0).astype(float)
    return out.reset_index(drop=True)


def figures_year(enterprise_years: pd.DataFrame) -> int | None:
    """The latest year with enterprise figures, or None when there are none yet."""
    years = pd.to_numeric(enterprise_years["year"], errors="coerce").dropna()
    return None if years.empty else int(years.max())


def evaluation_year(enterprise_years: pd.DataFrame) -> int:
    """The latest year with enterprise figures (``reuse_no_figures`` when there are none)."""
    year = figures_year(enterprise_years)
    if year is None:
        raise ValidationError("reuse_no_figures")
    return year


FIGURES = ("revenue_wan", "output_wan", "tax_wan", "employees")


def parcel_figures(frames: Mapping[str, pd.DataFrame], *, year: int | None = None) -> pd.DataFrame:
    """Per parcel: the summed ``revenue_wan``, ``output_wan``, ``tax_wan``, ``employees`` of
    its enterprises in ``year`` (owners and tenants merged), and ``firms``.

    ``year`` defaults to the latest year with figures; without any, the figures are 0 (a
    park whose yearly figures are not imported yet still has its firms and vacant space).
    """
    years = frames["enterprise_years"]
    year = figures_year(years) if year is None else year
    rows = years[pd.to_numeric(years["year"], errors="coerce") == year]
    firms = pd.DataFrame(frames["enterprises"])[["enterprise_id", "parcel_code"]]
    merged = firms.merge(rows, on="enterprise_id", how="left")
    for col in FIGURES:
        merged[col] = pd.to_numeric(merged[col], errors="coerce").fillna(0.0)
    grouped = merged.groupby("parcel_code")
    out = grouped[list(FIGURES)].sum()
    out["firms"] = grouped["enterprise_id"].nunique()
    return out


def parcel_effects(
    frames: Mapping[str, pd.DataFrame],
    placements: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    year: int | None = None,
) -> pd.DataFrame:
    """Per parcel receiving tenants: figures before and after, tenants merged into the parcel.

    Columns: ``parcel_code``, ``parcel_mu``, ``tenants``, ``area_m2``, ``tax_before`` /
    ``tax_after`` (万元), ``output_before`` / ``output_after`` (万元),
    ``tax_per_mu_before`` / ``_after`` and ``output_per_mu_before`` / ``_after``
    (万元/亩), ``jobs_added``, ``occupancy_before`` / ``_after`` (share of the parcel's
    floor area in use), ``revenue_before`` / ``revenue_after``.
    """
    columns = [
        "parcel_code",
        "parcel_mu",
        "tenants",
        "area_m2",
        "revenue_before",
        "revenue_after",
        "tax_before",
        "tax_after",
        "output_before",
        "output_after",
        "tax_per_mu_before",
        "tax_per_mu_after",
        "output_per_mu_before",
        "output_per_mu_after",
        "jobs_added",
        "occupancy_before",
        "occupancy_after",
    ]
    if placements.empty:
        return pd.DataFrame(columns=columns)
    wanted = ["expected_tax_wan", "expected_output_wan", "expected_revenue_wan", "expected_jobs"]
    cand = candidates.set_index("candidate_id")[wanted]
    joined = placements[["candidate_id", "parcel_code", "area_m2"]].join(cand, on="candidate_id")
    for col in ("expected_tax_wan", "expected_output_wan", "expected_revenue_wan", "expected_jobs"):
        joined[col] = pd.to_numeric(joined[col], errors="coerce").fillna(0.0)
    added = joined.groupby("parcel_code").agg(
        tenants=("candidate_id", "size"),
        area_m2=("area_m2", "sum"),
        tax=("expected_tax_wan", "sum"),
        output=("expected_output_wan", "sum"),
        revenue=("expected_revenue_wan", "sum"),
        jobs=("expected_jobs", "sum"),
    )
    before = parcel_figures(frames, year=year).reindex(added.index).fillna(0.0)
    parcels = frames["parcels"]
    mu = parcel_mu_by_code(parcels)
    mu = mu.reindex(added.index)
    buildings = pd.DataFrame(frames["buildings"])
    floor = buildings.groupby("parcel_code")[["gfa_m2", "vacant_gfa_m2"]].sum()
    floor = floor.reindex(added.index).fillna(0.0)
    gfa = floor["gfa_m2"].where(floor["gfa_m2"] > 0)
    out = pd.DataFrame(
        {
            "parcel_mu": mu,
            "tenants": added["tenants"].astype(int),
            "area_m2": added["area_m2"],
            "revenue_before": before["revenue_wan"],
            "revenue_after": before["revenue_wan"] + added["revenue"],
            "tax_before": before["tax_wan"],
            "tax_after": before["tax_wan"] + added["tax"],
            "output_before": before["output_wan"],
            "output_after": before["output_wan"] + added["output"],
            "jobs_added": added["jobs"].astype(int),
            "occupancy_before": 1 - floor["vacant_gfa_m2"] / gfa,
            "occupancy_after": 1 - (floor["vacant_gfa_m2"] - added["area_m2"]).clip(lower=0) / gfa,
        }
    )
    out["tax_per_mu_before"] = out["tax_before"] / out["parcel_mu"]
    out["tax_per_mu_after"] = out["tax_after"] / out["parcel_mu"]
    out["output_per_mu_before"] = out["output_before"] / out["parcel_mu"]
    out["output_per_mu_after"] = out["output_after"] / out["parcel_mu"]
    return out.rename_axis("parcel_code").reset_index()[columns]


def park_totals(
    frames: Mapping[str, pd.DataFrame],
    placements: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    year: int | None = None,
) -> dict[str, float]:
    """Park-wide figures after the placements (domain.md §3.3 item 5).

    Deltas: ``firms_placed``, ``new_above_scale`` (tenants expecting revenue ≥ 2000万),
    ``delta_tax_wan``, ``delta_output_wan``, ``delta_revenue_wan``, ``jobs_added``,
    ``area_let_m2``. Levels: ``idle_before_m2`` / ``idle_after_m2`` (all vacant floor
    area of the park), ``park_tax_wan`` / ``park_output_wan`` (all firms, after) and
    ``park_tax_per_mu`` (after, over the land of parcels with firms or vacant space).
    """
    chosen = candidates.set_index("candidate_id").reindex(placements["candidate_id"])

    def total(col: str) -> float:
        return float(pd.to_numeric(chosen[col], errors="coerce").fillna(0).sum())

    revenue = pd.to_numeric(chosen["expected_revenue_wan"], errors="coerce").fillna(0.0)
    figures = parcel_figures(frames, year=year)
    idle = float(pd.to_numeric(frames["vacant_spaces"]["gfa_m2"], errors="coerce").sum())
    let = float(placements["area_m2"].sum()) if len(placements) else 0.0
    parcels = frames["parcels"]
    mu = parcel_mu_by_code(parcels)
    in_use = set(figures.index) | set(frames["vacant_spaces"]["parcel_code"])
    land = float(mu[mu.index.isin(in_use)].sum())
    tax_after = float(figures["tax_wan"].sum()) + total("expected_tax_wan")
    return {
        "firms_placed": float(len(placements)),
        "new_above_scale": float((revenue >= ABOVE_SCALE_WAN).sum()),
        "delta_tax_wan": total("expected_tax_wan"),
        "delta_output_wan": total("expected_output_wan"),
        "delta_revenue_wan": float(revenue.sum()),
        "jobs_added": total("expected_jobs"),
        "area_let_m2": let,
        "idle_before_m2": idle,
        "idle_after_m2": idle - let,
        "park_tax_wan": tax_after,
        "park_output_wan": float(figures["output_wan"].sum()) + total("expected_output_wan"),
        "park_tax_per_mu": tax_after / land if land else 0.0,
    }


#: Figures a tenant brings that the pipeline does not record are estimated from the
#: evaluated firms of its division (the park's when the division has none): ratio → median.
_INTENSITIES = {
    "value_added_wan": "revenue_wan",
    "energy_tce": "revenue_wan",
    "emission_t": "value_added_wan",
    "rd_wan": "revenue_wan",
    "kwh": "revenue_wan",
}


def predict_parcels(
    frames: Mapping[str, pd.DataFrame],
    placements: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    year: int | None = None,
    efficiency_config: Any = None,
) -> pd.DataFrame:
    """Per parcel receiving tenants: the 亩均 class and key-supervision flags before and after.

    Tenants merge into the parcel (遂昌 [S5]): the parcel's firms and its new tenants are
    scored as one firm on the parcel's land, with :func:`gis.efficiency.scores.score_of` against
    the benchmarks of the current evaluation of ``year``, and classed with
    :func:`gis.efficiency.classes.predict_class` against its cut-offs. A tenant's revenue, tax
    and jobs are its expected figures; value added, energy, emissions, R&D and power are
    estimated at the median intensity of evaluated firms of its division (else the park).
    KS-1 compares with the park's medians. Columns: ``parcel_code``, ``score_before`` /
    ``score_after``, ``class_before`` / ``class_after`` (None when not graded),
    ``ks_before`` / ``ks_after`` (e.g. ``"KS2,KS3"``), ``ks_cleared``.
    """
    columns = [
        "parcel_code",
        "score_before",
        "score_after",
        "class_before",
        "class_after",
        "ks_before",
        "ks_after",
        "ks_cleared",
    ]
    if placements.empty:
        return pd.DataFrame(columns=columns)
    year = figures_year(frames["enterprise_years"]) if year is None else year
    if year is None:
        # No yearly figures yet: nothing to grade against, so no class and no KS flag.
        codes = sorted(placements["parcel_code"].astype(str).unique())
        ungraded = {"score_before": np.nan, "score_after": np.nan}
        ungraded |= {"class_before": None, "class_after": None}
        ungraded |= {"ks_before": "", "ks_after": "", "ks_cleared": ""}
        return pd.DataFrame([{"parcel_code": c, **ungraded} for c in codes], columns=columns)
    config = efficiency_config or EfficiencyConfig()
    ev = evaluation.evaluate(
        frames["enterprises"],
        frames["enterprise_years"],
        year=year,
        config=config,
        adjustments=frames.get("evaluation_adjustments"),
    )
    done = ev[ev["evaluated"].astype(bool)].copy()
    done["division"] = done["industry_code"].map(division)
    medians: dict[str, pd.Series] = {}
    for figure, base in _INTENSITIES.items():
        ratio = done[figure] / done[base].where(done[base] > 0)
        medians[figure] = ratio.groupby(done["division"]).median()
        medians[figure]["*"] = ratio.median()
    users = done[done["kwh"] >= config.ks1_min_kwh]
    park_tax_kwh = users["tax_per_kwh"].median()
    park_sales_kwh = users["sales_per_kwh"].median()

    parcels = frames["parcels"]
    mu = parcel_mu_by_code(parcels)
    cand = candidates.set_index("candidate_id")
    rows = []
    for code, group in placements.groupby("parcel_code", sort=True):
        firms = ev[ev["parcel_code"] == code]
        base = {f: float(firms[f].fillna(0).sum()) for f in EFFICIENCY_FIGURES}
        if firms["emission_t"].notna().sum() == 0:
            base["emission_t"] = np.nan
        after = dict(base)
        for cid in group["candidate_id"]:
            c = cand.loc[cid]
            revenue = _float(c.get("expected_revenue_wan"))
            tenant = {
                "revenue_wan": revenue,
                "tax_wan": _float(c.get("expected_tax_wan")),
                "employees": _float(c.get("expected_jobs")),
            }
            div = division(c.get("industry_code")) or "*"
            for figure, basis in _INTENSITIES.items():
                table = medians[figure]
                r = table.get(div, np.nan)
                r = table["*"] if not is_finite(r) else r
                tenant[figure] = (tenant.get(basis, np.nan) if basis in tenant else np.nan) * r
            tenant["emission_t"] = tenant["value_added_wan"] * (
                medians["emission_t"].get(div, medians["emission_t"]["*"])
            )
            for figure, value in tenant.items():
                # A figure the parcel's firms do not report stays unreported (the
                # evaluation imputes it), rather than becoming the tenant's alone.
                if is_finite(value) and (is_finite(after[figure]) or firms.empty):
                    after[figure] = (after[figure] if is_finite(after[figure]) else 0.0) + value
        years = firms["years_producing"].max() if len(firms) else np.nan
        above_now = (
            bool(firms["above_scale"].any())
            or base["revenue_wan"] >= config.above_scale_revenue_wan
        )
        above_after = above_now or after["revenue_wan"] >= config.above_scale_revenue_wan
        s_before, c_before, k_before = _merged_grade(
            base,
            float(mu[code]),
            above_now,
            years,
            len(firms) > 0,
            ev,
            config,
            (park_tax_kwh, park_sales_kwh),
        )
        s_after, c_after, k_after = _merged_grade(
            after,
            float(mu[code]),
            above_after,
            years if len(firms) else 0.0,
            True,
            ev,
            config,
            (park_tax_kwh, park_sales_kwh),
        )
        rows.append(
            {
                "parcel_code": code,
                "score_before": s_before,
                "score_after": s_after,
                "class_before": c_before,
                "class_after": c_after,
                "ks_before": ",".join(k_before),
                "ks_after": ",".join(k_after),
                "ks_cleared": ",".join(k for k in k_before if k not in k_after),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _merged_grade(
    figures: Mapping[str, float],
    land_mu: float,
    above: bool,
    years: float,
    producing: bool,
    ev: pd.DataFrame,
    config: Any,
    park_kwh: tuple[float, float],
) -> tuple[float | None, str | None, list[str]]:
    """(score, class, KS flags) of a parcel's merged figures."""
    if not producing or not figures["revenue_wan"] > 0:
        return None, None, []
    f = figures

    def ratio(num: float, den: float, scale: float = 1.0) -> float:
        return num * scale / den if is_finite(num) and is_finite(den) and den > 0 else np.nan

    indicators = {
        "tax_per_mu": ratio(f["tax_wan"], land_mu),
        "va_per_mu": ratio(f["value_added_wan"], land_mu),
        "va_per_energy": ratio(f["value_added_wan"], f["energy_tce"]),
        "va_per_emission": ratio(f["value_added_wan"], f["emission_t"]),
        "labour_productivity": ratio(f["value_added_wan"], f["employees"]),
        "rd_ratio": ratio(f["rd_wan"], f["revenue_wan"], 100.0),
        "tax_per_kwh": ratio(f["tax_wan"], f["kwh"], 10_000.0),
        "sales_per_kwh": ratio(f["revenue_wan"], f["kwh"], 10_000.0),
    }
    score, grade = None, None
    try:
        bench = scores.benchmarks_of(ev, above_scale=above, config=config)
        value = scores.score_of(indicators, above_scale=above, benchmarks=bench, config=config)
        if is_finite(value):
            score = float(value)
            grade = classes.predict_class(score, above_scale=above, evaluation=ev, config=config)
    except ValidationError:
        pass  # no firm of that group to compare with: not graded
    flags = []
    seasoned = is_finite(years) and years >= config.min_years_ks13
    tax_kwh, sales_kwh = park_kwh
    if (
        seasoned
        and is_finite(f["kwh"])
        and f["kwh"] >= config.ks1_min_kwh
        and (
            (is_finite(tax_kwh) and indicators["tax_per_kwh"] < config.ks1_alpha * tax_kwh)
            or (is_finite(sales_kwh) and indicators["sales_per_kwh"] < config.ks1_alpha * sales_kwh)
        )
    ):
        flags.append("KS1")
    if (
        land_mu >= config.ks2_min_land_mu
        and is_finite(years)
        and years >= config.ks2_min_years
        and not above
    ):
        flags.append("KS2")
    if seasoned and indicators["tax_per_mu"] <= config.ks3_max_tax_per_mu + 1e-9:
        flags.append("KS3")
    return score, grade, [k for k in flags if k in config.ks_rules]


#: Targets a reuse scenario moves (gis.sample TARGETS ids) → the park total that adds to them.
TARGET_DELTAS = {"FIRMS_IN_PRODUCTION": "firms_placed", "NEW_ABOVE_SCALE_FIRMS": "new_above_scale"}


def target_progress(
    frames: Mapping[str, pd.DataFrame],
    totals: Mapping[str, float],
    *,
    placements: pd.DataFrame | None = None,
    as_of: date | None = None,
) -> pd.DataFrame:
    """Progress towards the targets a scenario moves: value now, after, and the target.

    "Now" is :func:`gis.targets.tracking.progress` on ``as_of`` (default: the last day of the
    latest target year), so it reads as on the targets page. "After" adds the scenario:
    for ``FIRMS_IN_PRODUCTION`` the placed firms on parcels the target counts (万洋:
    :func:`gis.targets.counting.counted_parcels`; all placements when ``placements`` is not
    given), for ``NEW_ABOVE_SCALE_FIRMS`` the placed firms expecting ≥ 2000万.
    Columns: ``target_id``, ``label_zh``, ``label_en``, ``unit``, ``target``, ``now``,
    ``after``, ``share_after``.
    """
    columns = ["target_id", "label_zh", "label_en", "unit", "target", "now", "after", "share_after"]
    years = pd.to_numeric(frames["targets"]["year"], errors="coerce").dropna().astype(int)
    if years.empty:
        return pd.DataFrame(columns=columns)
    if as_of is None:
        as_of = date(int(years.max()), 12, 31)
    year = as_of.year if as_of.year in set(years) else int(years.max())
    progress = tracking.progress(frames, year=year, as_of=as_of).set_index("target_id")
    deltas = {key: float(totals.get(key, 0.0)) for key in TARGET_DELTAS.values()}
    scope = counting.counted_parcels(frames, "FIRMS_IN_PRODUCTION")
    if placements is not None and scope is not None:
        deltas["firms_placed"] = float(placements["parcel_code"].astype(str).isin(scope).sum())
    rows = []
    for target_id, delta_key in TARGET_DELTAS.items():
        if target_id not in progress.index:
            continue
        t = progress.loc[target_id]
        goal = float(t["target_value"])
        now = float(t["value"])
        after = now + deltas[delta_key]
        rows.append(
            {
                "target_id": target_id,
                "label_zh": t["label_zh"],
                "label_en": t["label_en"],
                "unit": t["unit"],
                "target": goal,
                "now": now,
                "after": after,
                "share_after": after / goal if goal else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _float(value: Any) -> float:
    number = pd.to_numeric(value, errors="coerce")
    return float(number) if is_finite(number) else 0.0
