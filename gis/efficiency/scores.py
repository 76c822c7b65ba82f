"""Indicators and scores: which firms are evaluated, the above-scale flag, the benchmarks
and the weighted score of each firm (domain.md §1.2).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from gis.efficiency.config import EfficiencyConfig
from gis.parcels.lifecycle import safe_date
from gis.values import is_finite, is_missing

#: The figures (columns of ``enterprise_years``, or ``land_mu``) each indicator divides.
_NEEDS = {
    "tax_per_mu": ("tax_wan", "land_mu"),
    "va_per_mu": ("value_added_wan", "land_mu"),
    "va_per_energy": ("value_added_wan", "energy_tce"),
    "va_per_emission": ("value_added_wan", "emission_t"),
    "labour_productivity": ("value_added_wan", "employees"),
    "rd_ratio": ("rd_wan", "revenue_wan"),
    "tax_per_kwh": ("tax_wan", "kwh"),
}


#: Figures that must be positive to divide by (a numerator may be zero).
_DIVISORS = {"land_mu", "energy_tce", "emission_t", "employees", "revenue_wan", "kwh"}


#: Exclusion reasons (message keys ``efficiency_reason_<code>``).
REASON_NOT_PRODUCING = "not_producing"


REASON_NO_FIGURES = "no_figures"


REASON_SMALL_LAND = "small_land"


REASON_MISSING_FIGURES = "missing_figures"


def _above_scale(since: date | None, flag: Any, by_revenue: bool, year_end: date) -> bool:
    if since is not None:
        return since <= year_end
    if not is_missing(flag):
        return bool(flag)
    return by_revenue


def _eligibility(
    row: pd.Series, producing: bool, has_figures: bool, config: EfficiencyConfig, year: int
) -> tuple[str | None, str | None, bool]:
    """(reason, detail, emission imputed) for one firm: reason None = evaluated."""
    if not producing:
        start = row["production_start"]
        return REASON_NOT_PRODUCING, (str(start) if safe_date(start) else None), False
    if not has_figures:
        return REASON_NO_FIGURES, str(year), False
    land = row["land_mu"]
    if not row["above_scale"] and is_finite(land) and 0 <= land < config.min_land_mu_small:
        return REASON_SMALL_LAND, f"{land:g}", False
    weights = config.weights_above if row["above_scale"] else config.weights_below
    missing: list[str] = []
    imputed = False
    for indicator, w in weights.items():
        if w <= 0:
            continue
        for figure in _NEEDS[indicator]:
            value = row[figure]
            bad = not is_finite(value) or (figure in _DIVISORS and value <= 0)
            if not bad:
                continue
            if figure == "emission_t" and row["above_scale"]:
                imputed = True  # 黄岩: no emission data → the 规上 average for that indicator
            elif figure not in missing:
                missing.append(figure)
    if missing:
        return REASON_MISSING_FIGURES, ", ".join(missing), False
    return None, None, imputed


def _benchmarks(group: pd.DataFrame, *, above: bool, config: EfficiencyConfig) -> dict[str, float]:
    """The group's benchmark per weighted indicator: configured, else the group mean."""
    weights = config.weights_above if above else config.weights_below
    fixed = config.benchmarks_above if above else config.benchmarks_below
    out = {}
    for indicator in weights:
        b = fixed.get(indicator)
        if b is None:
            values = group[indicator].dropna()
            b = float(values.mean()) if len(values) else float("nan")
        out[indicator] = float(b)
    return out


def benchmarks_of(
    evaluation: pd.DataFrame,
    *,
    above_scale: bool,
    config: EfficiencyConfig = EfficiencyConfig(),
) -> dict[str, float]:
    """The benchmarks an evaluation used for one group (configured values or group means)."""
    members = evaluation["evaluated"].astype(bool) & (evaluation["above_scale"] == above_scale)
    return _benchmarks(evaluation[members], above=above_scale, config=config)


def _terms(
    frame: pd.DataFrame, *, above: bool, benchmarks: Mapping[str, float], config: EfficiencyConfig
) -> pd.DataFrame:
    """``w · min(x / b, cap)`` per indicator; NaN where the indicator is missing."""
    weights = config.weights_above if above else config.weights_below
    terms = {}
    for indicator, w in weights.items():
        b = benchmarks[indicator]
        if not is_finite(b) or b <= 0:  # e.g. every firm's figure is zero: nobody scores on it
            ratio = frame[indicator] * 0.0
        else:
            ratio = frame[indicator] / b
        if config.indicator_cap is not None:
            ratio = ratio.clip(upper=config.indicator_cap)
        terms[indicator] = w * ratio
    return pd.DataFrame(terms, index=frame.index)


def _scores(
    group: pd.DataFrame, *, above: bool, benchmarks: Mapping[str, float], config: EfficiencyConfig
) -> pd.Series:
    terms = _terms(group, above=above, benchmarks=benchmarks, config=config)
    if above and "va_per_emission" in terms:
        # 黄岩: a 规上 firm without emission data gets the 规上 average for that indicator.
        column = terms["va_per_emission"]
        mean = column.mean()  # NaNs skipped: the mean over firms that have the data
        terms["va_per_emission"] = column.fillna(0.0 if math.isnan(mean) else mean)
    return terms.sum(axis=1, min_count=1).astype(float)


def score_of(
    indicators: Mapping[str, float],
    *,
    above_scale: bool,
    benchmarks: Mapping[str, float],
    config: EfficiencyConfig = EfficiencyConfig(),
) -> float:
    """The score of one firm's ``indicators`` against ``benchmarks`` (see :func:`benchmarks_of`).

    A 规上 firm without ``va_per_emission`` gets the full weight of that indicator (the
    average term when benchmarks are means).
    """
    weights = config.weights_above if above_scale else config.weights_below
    row = pd.DataFrame([{k: indicators.get(k, np.nan) for k in weights}], dtype=float)
    terms = _terms(row, above=above_scale, benchmarks=benchmarks, config=config).iloc[0]
    if above_scale and "va_per_emission" in terms and math.isnan(terms["va_per_emission"]):
        terms["va_per_emission"] = weights["va_per_emission"]
    return float(terms.sum())
