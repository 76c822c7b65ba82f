"""Key supervision (重点监管): the rules that flag a firm, and the pool of firms the
evaluation compares against.
"""

from __future__ import annotations

import pandas as pd

from gis.efficiency.config import KS_RULES, EfficiencyConfig
from gis.values import is_finite


# ---------------------------------------------------------------- key supervision
def _key_supervision(
    out: pd.DataFrame, producing: pd.Series, has_figures: pd.Series, config: EfficiencyConfig
) -> None:
    """Add ``ks1``, ``ks2``, ``ks3`` and ``key_supervision`` (domain.md §1.7)."""
    active = producing & has_figures
    years = out["years_producing"]
    seasoned = active & (years >= config.min_years_ks13)

    # KS-1: tax or sales per kWh below alpha × the peer median; peers = same 2-digit
    # division (when it has enough firms), else the park; tiny power users exempt.
    users = active & (out["kwh"] >= config.ks1_min_kwh)
    division = out["industry_code"].fillna("").astype(str).str[:3]
    peer_frame = out[users]
    park_tax = peer_frame["tax_per_kwh"].median()
    park_sales = peer_frame["sales_per_kwh"].median()
    by_division = peer_frame.groupby(division[users])
    sizes = by_division.size()
    div_tax = by_division["tax_per_kwh"].median()
    div_sales = by_division["sales_per_kwh"].median()
    ks1 = []
    for i in out.index:
        if not (users[i] and seasoned[i]):
            ks1.append(False)
            continue
        d = division[i]
        local = sizes.get(d, 0) >= max(config.ks1_min_peers, 1)
        med_tax = div_tax[d] if local else park_tax
        med_sales = div_sales[d] if local else park_sales
        low_tax = is_finite(med_tax) and out.at[i, "tax_per_kwh"] < config.ks1_alpha * med_tax
        low_sales = (
            is_finite(med_sales) and out.at[i, "sales_per_kwh"] < config.ks1_alpha * med_sales
        )
        ks1.append(bool(low_tax or low_sales))
    out["ks1"] = pd.Series(ks1, index=out.index, dtype=bool)

    # KS-2 大而不规: land ≥ L (以上, inclusive), producing ≥ 3 years, not above size.
    out["ks2"] = (
        active
        & (out["land_mu"] >= config.ks2_min_land_mu)
        & (years >= config.ks2_min_years)
        & ~out["above_scale"].astype(bool)
    ).astype(bool)

    # KS-3 低亩均税收: tax per mu ≤ 3 万元 (以下, inclusive). A tiny tolerance absorbs
    # float division (36 / 12 must be exactly on the line).
    out["ks3"] = (
        (seasoned & (out["tax_per_mu"] <= config.ks3_max_tax_per_mu + 1e-9))
        .fillna(False)
        .astype(bool)
    )

    rules = [r for r in KS_RULES if r in config.ks_rules]
    if not rules:
        out["key_supervision"] = False
        return
    flags = out[[r.lower() for r in rules]]
    combined = flags.any(axis=1) if config.ks_combinator == "any" else flags.all(axis=1)
    out["key_supervision"] = combined.astype(bool)


def _pool(
    out: pd.DataFrame, producing: pd.Series, has_figures: pd.Series, config: EfficiencyConfig
) -> None:
    """小升规 pool (§1.8): growth, the distance to the 规上 line and membership."""
    prev = out["revenue_prev_wan"]
    out["revenue_growth_pct"] = ((out["revenue_wan"] / prev.where(prev > 0) - 1) * 100).astype(
        float
    )
    below = ~out["above_scale"].astype(bool)
    out["gap_to_above_scale_wan"] = (
        (config.above_scale_revenue_wan - out["revenue_wan"]).clip(lower=0).where(below)
    )
    out["pool"] = (
        (
            producing
            & has_figures
            & below
            & (out["revenue_wan"] >= config.pool_min_revenue_wan)
            & (out["revenue_wan"] < config.above_scale_revenue_wan)
            # growth from a ratio: a tiny tolerance keeps "+15 %" on the inclusive line
            & (out["revenue_growth_pct"] >= config.pool_min_growth_pct - 1e-9)
        )
        .fillna(False)
        .astype(bool)
    )


# ---------------------------------------------------------------- tables for people
#: The columns of the key-supervision list and of the 小升规 pool on screen.
SUPERVISION_COLUMNS = (
    "enterprise_id",
    "name",
    "parcel_code",
    "group",
    "land_mu",
    "years_producing",
    "revenue_wan",
    "tax_wan",
    "kwh",
    "tax_per_mu",
    "tax_per_kwh",
    "sales_per_kwh",
    "ks1",
    "ks2",
    "ks3",
    "class_code",
    "exclusion",
)


POOL_COLUMNS = (
    "enterprise_id",
    "name",
    "parcel_code",
    "land_mu",
    "years_producing",
    "revenue_wan",
    "revenue_growth_pct",
    "gap_to_above_scale_wan",
    "tax_per_mu",
    "ks2",
    "class_code",
)
