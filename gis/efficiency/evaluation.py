"""亩均论英雄: per-mu efficiency evaluation, classes A–D, key supervision and 小升规.

Everything follows domain.md §1 and every number is configuration
(:class:`EfficiencyConfig`, stored in the ``settings`` layer as JSON under
:data:`SETTINGS_KEY`):

- **Who is evaluated** (§1.2). A firm is evaluated in year ``Y`` when it was producing by
  31 December of ``Y``, has a row of figures for ``Y``, is 规上 (above designated size) or
  holds at least ``min_land_mu_small`` mu (3, inclusive), and has every figure its
  weighted indicators need. Otherwise it is listed with an ``exclusion_reason`` — it is
  never silently scored as zero. Firms that moved in later and report figures from their
  old site (the sample's two revitalisation firms) are therefore excluded as not yet
  producing.
- **Indicators** (§1.3): ``tax_per_mu`` and ``va_per_mu`` (万元/亩), ``va_per_energy``
  (万元/吨标煤), ``va_per_emission`` (万元/吨), ``labour_productivity`` (万元/人),
  ``rd_ratio`` (% of main revenue: 黄岩's 0.0302 is 3.02 here), ``tax_per_kwh`` and
  ``sales_per_kwh`` (元/kWh). Land is the firm's own ``land_mu`` (the certificate area;
  a tenant's share of its parcel, pro rata to the floor space it uses).
- **Score** (§1.4): ``Σ w_k · min(x_k / b_k, cap)`` over the group's indicators; 规上 firms
  on six indicators (黄岩 weights 30/20/20/10/10/10), 规下 firms on tax per mu and tax per
  kWh (50/50). A benchmark ``b_k`` left empty is the mean over the group's evaluated
  firms, so an average firm scores about 100. A 规上 firm without emission figures gets
  the mean of the other 规上 firms' emission terms (黄岩's rule).
- **Classes** (§1.5): by percentile of the rank within the group (规上 and 规下 ranked
  separately; A = top 25 % inclusive, B to 70 %, C to 95 %, D the rest) or by absolute
  score thresholds.
- **Adjustments** (§1.4, §1.5; the ``evaluation_adjustments`` layer): 加分 and 减分 move
  the score (``score = base_score + bonus − deduction``, within the configured caps, each
  row backed by a documented reason); an override ``FORCE_D`` (e.g. a serious safety or
  environmental accident, a banned process) makes the class D while the firm is ranked as
  usual; ``NOT_GRADED`` (公益性 firms, start-ups, firms building a major project) keeps the
  firm evaluated but out of the ranking, managed as class B [S9].
- **Key supervision** (§1.7): KS-1 power out of line with tax or sales, KS-2 large, long
  in production and still below size, KS-3 low tax per mu; combined with ``any`` or
  ``all``. Boundaries follow Chinese drafting: 以上/以下 include the number.
- **小升规 pool** (§1.8): 规下 firms with revenue in [1000, 2000) 万元 and growth ≥ 15 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from gis.efficiency.adjustments import _year_adjustments
from gis.efficiency.classes import _class_of
from gis.efficiency.config import (
    FIGURES,
    FORCE_D,
    INDICATOR_UNITS,
    INDICATORS,
    NOT_GRADED,
    NOT_GRADED_CLASS,
    OVERRIDES,
    EfficiencyConfig,
    _num,
)
from gis.efficiency.scores import _above_scale, _benchmarks, _eligibility, _scores
from gis.efficiency.supervision import _key_supervision, _pool
from gis.parcels.deadlines import add_years
from gis.parcels.lifecycle import safe_date


# ---------------------------------------------------------------- evaluation
def years_between(start: date, end: date) -> float:
    """Years from ``start`` to ``end``: whole anniversaries plus the rest in days / 365.

    Anniversaries make "投产三年" exact: 2017-12-31 → 2020-12-31 is 3.0 years.
    """
    whole = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        whole -= 1
    anniversary = add_years(start, whole)
    return whole + (end - anniversary).days / 365.0


def evaluate(
    enterprises: pd.DataFrame,
    enterprise_years: pd.DataFrame,
    *,
    year: int,
    config: EfficiencyConfig = EfficiencyConfig(),
    adjustments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Evaluate every enterprise on its figures of ``year``.

    Returns one row per enterprise (in the order of ``enterprises``) with: identity
    (``enterprise_id``, ``name``, ``parcel_code``, ``industry_code``, ``land_mu``,
    ``above_scale``, ``tenant``, ``production_start``, ``years_producing`` at 31 December
    of ``year``), the year's figures (:data:`FIGURES`), the indicators (:data:`INDICATORS`,
    NaN where a divisor is missing), ``evaluated`` and ``exclusion_reason`` /
    ``exclusion_detail`` (None when evaluated), ``emission_imputed``, ``score``,
    ``class_code``, ``rank`` (1 = best in its group), ``group_size``, ``percentile``, the
    flags ``ks1``, ``ks2``, ``ks3``, ``key_supervision``, and the 小升规 columns
    ``revenue_growth_pct``, ``gap_to_above_scale_wan`` and ``pool``.

    ``adjustments`` (the ``evaluation_adjustments`` layer; rows of other years are
    ignored) adds, per firm: ``bonus_points`` and ``deduction_points`` (0 without a row,
    and where a value is empty), ``override`` (``FORCE_D``, ``NOT_GRADED`` or None) and
    ``adjustment_reason``. For an evaluated firm ``base_score`` is the indicator score and
    ``score = base_score + bonus_points − deduction_points``; ranks, percentiles and
    classes come from ``score``. ``class_computed`` is the class before any override and
    ``class_code`` the final one:

    - ``FORCE_D``: ranked as usual (``class_computed`` from its rank), ``class_code`` D.
    - ``NOT_GRADED``: evaluated (indicators and score shown) but not ranked — it does not
      count in its group's ranks, ``group_size`` or percentiles; ``rank``, ``percentile``
      and ``class_computed`` are empty, ``class_code`` is B (managed as B) and ``graded``
      is False.

    ``graded`` is True for evaluated firms that take part in the grading. Benchmarks (the
    group means) stay over every evaluated firm, graded or not. An adjustment never
    makes an excluded firm evaluated: it keeps its exclusion reason, an empty score and
    class, and its recorded adjustment is still listed. The values are trusted as stored
    (:func:`validate_adjustments` checked them); an empty value counts as 0.

    No input is modified.
    """
    config.validate()
    year_end = date(year, 12, 31)
    firms = pd.DataFrame(enterprises).drop(columns=["geometry"], errors="ignore").copy()
    figures = pd.DataFrame(enterprise_years)
    this = figures[_num(figures["year"]) == year].drop_duplicates("enterprise_id", keep="last")
    prev = figures[_num(figures["year"]) == year - 1].drop_duplicates("enterprise_id", keep="last")

    out = pd.DataFrame(
        {
            "enterprise_id": firms["enterprise_id"].astype(str),
            "name": firms["name"],
            "parcel_code": firms["parcel_code"],
            "industry_code": firms["industry_code"],
            "land_mu": _num(firms["land_mu"]),
            "tenant": firms["tenant"].fillna(False).astype(bool),
            "production_start": firms["production_start"],
        }
    ).reset_index(drop=True)
    fig = this.set_index(this["enterprise_id"].astype(str))
    has_figures = out["enterprise_id"].isin(fig.index)
    for col in FIGURES:
        out[col] = out["enterprise_id"].map(
            _num(fig[col]) if col in fig else pd.Series(dtype=float)
        )
        out[col] = out[col].astype(float)
    prev_rev = _num(prev.set_index(prev["enterprise_id"].astype(str))["revenue_wan"])
    out["revenue_prev_wan"] = out["enterprise_id"].map(prev_rev).astype(float)

    # 规上 in the evaluated year: in the statistics register by 31 December where the
    # register date is known (a firm registered later was 规下 that year), else the
    # register's flag, and the revenue line only where neither is known.
    flag = firms["is_above_scale"].reset_index(drop=True)
    since = (
        firms["above_scale_since"].reset_index(drop=True)
        if "above_scale_since" in firms
        else pd.Series([None] * len(firms))
    )
    by_revenue = out["revenue_wan"] >= config.above_scale_revenue_wan
    out["above_scale"] = [
        _above_scale(safe_date(s), f, bool(r), year_end)
        for s, f, r in zip(since, flag, by_revenue, strict=True)
    ]

    starts = [safe_date(v) for v in out["production_start"]]
    out["years_producing"] = [
        years_between(s, year_end) if s is not None and s <= year_end else np.nan for s in starts
    ]
    producing = pd.Series([s is not None and s <= year_end for s in starts])

    # Indicators: NaN wherever a divisor is missing or not positive.
    def ratio(num: pd.Series, den: pd.Series, scale: float = 1.0) -> pd.Series:
        return (num * scale / den.where(den > 0)).astype(float)

    out["tax_per_mu"] = ratio(out["tax_wan"], out["land_mu"])
    out["va_per_mu"] = ratio(out["value_added_wan"], out["land_mu"])
    out["va_per_energy"] = ratio(out["value_added_wan"], out["energy_tce"])
    out["va_per_emission"] = ratio(out["value_added_wan"], out["emission_t"])
    out["labour_productivity"] = ratio(out["value_added_wan"], out["employees"])
    out["rd_ratio"] = ratio(out["rd_wan"], out["revenue_wan"], 100.0)
    out["tax_per_kwh"] = ratio(out["tax_wan"], out["kwh"], 10_000.0)
    out["sales_per_kwh"] = ratio(out["revenue_wan"], out["kwh"], 10_000.0)

    # Who is evaluated, and why not.
    reasons: list[str | None] = []
    details: list[str | None] = []
    imputed: list[bool] = []
    for i, row in out.iterrows():
        reason, detail, imp = _eligibility(
            row, bool(producing[i]), bool(has_figures[i]), config, year
        )
        reasons.append(reason)
        details.append(detail)
        imputed.append(imp)
    out["exclusion_reason"] = pd.Series(reasons, dtype=object)
    out["exclusion_detail"] = pd.Series(details, dtype=object)
    out["evaluated"] = out["exclusion_reason"].isna()
    out["emission_imputed"] = pd.Series(imputed, dtype=bool) & out["evaluated"]

    # Adjustments of the year: 加分/减分 and overrides (domain.md §1.4, §1.5).
    adj = _year_adjustments(adjustments, year)
    ids = out["enterprise_id"]
    out["bonus_points"] = ids.map(adj["bonus_points"]).fillna(0.0).astype(float)
    out["deduction_points"] = ids.map(adj["deduction_points"]).fillna(0.0).astype(float)
    out["override"] = pd.Series(list(ids.map(adj["override"])), dtype=object).where(
        lambda s: s.isin(OVERRIDES), None
    )
    out["adjustment_reason"] = pd.Series(list(ids.map(adj["reason"])), dtype=object).where(
        lambda s: s.notna(), None
    )
    out["graded"] = (out["evaluated"] & (out["override"] != NOT_GRADED)).astype(bool)

    # Scores, ranks and classes per group: benchmarks over every evaluated firm, ranks
    # over the graded ones.
    out["base_score"] = np.nan
    out["score"] = np.nan
    out["class_computed"] = pd.Series([None] * len(out), dtype=object)
    out["rank"] = pd.Series([pd.NA] * len(out), dtype="Int64")
    out["group_size"] = pd.Series([pd.NA] * len(out), dtype="Int64")
    out["percentile"] = np.nan
    for above in (True, False):
        members = out["evaluated"] & (out["above_scale"] == above)
        if not members.any():
            continue
        group = out[members]
        bench = _benchmarks(group, above=above, config=config)
        base = _scores(group, above=above, benchmarks=bench, config=config)
        out.loc[members, "base_score"] = base
        out.loc[members, "score"] = base + group["bonus_points"] - group["deduction_points"]
        ranked = members & out["graded"]
        if not ranked.any():
            continue
        scores = out.loc[ranked, "score"]
        ranks = scores.rank(ascending=False, method="min").astype(int)
        n = len(scores)
        out.loc[ranked, "rank"] = ranks.astype("Int64")
        out.loc[ranked, "group_size"] = n
        out.loc[ranked, "percentile"] = ranks / n
        out.loc[ranked, "class_computed"] = [
            _class_of(s, p, config) for s, p in zip(scores, ranks / n, strict=True)
        ]
    out["class_code"] = out["class_computed"].where(out["graded"], None)
    out.loc[out["graded"] & (out["override"] == FORCE_D), "class_code"] = "D"
    out.loc[out["evaluated"] & ~out["graded"], "class_code"] = NOT_GRADED_CLASS

    _key_supervision(out, producing, has_figures, config)
    _pool(out, producing, has_figures, config)
    return out


# ---------------------------------------------------------------- helpers for pages
def evaluation_years(enterprise_years: pd.DataFrame) -> list[int]:
    """The years that have figures, newest first."""
    years = _num(enterprise_years["year"]).dropna().astype(int)
    return sorted(set(years), reverse=True)


def default_year(enterprise_years: pd.DataFrame, as_of: date) -> int | None:
    """The latest complete year with figures before ``as_of`` (else the latest year)."""
    years = evaluation_years(enterprise_years)
    complete = [y for y in years if y < as_of.year]
    return complete[0] if complete else (years[0] if years else None)


def _column_specs():
    from gis.schema import ENTERPRISE_YEARS, ENTERPRISES
    from gis.schema import Column as C

    firm = ENTERPRISES.column
    return (
        firm("enterprise_id"),
        firm("name"),
        firm("parcel_code"),
        C("industry_code", "str", "行业代码", "Industry"),
        C("group", "str", "企业类型", "Firm type"),
        firm("land_mu"),
        C("years_producing", "float", "投产年限", "Years producing", "年"),
        *(ENTERPRISE_YEARS.column(c) for c in FIGURES),  # labels and units as stored
        C("tax_per_mu", "float", "亩均税收", "Tax per mu", INDICATOR_UNITS["tax_per_mu"]),
        C("va_per_mu", "float", "亩均增加值", "Value added per mu", INDICATOR_UNITS["va_per_mu"]),
        C(
            "va_per_energy",
            "float",
            "单位能耗增加值",
            "Value added per energy",
            INDICATOR_UNITS["va_per_energy"],
        ),
        C(
            "va_per_emission",
            "float",
            "单位排放增加值",
            "Value added per emission",
            INDICATOR_UNITS["va_per_emission"],
        ),
        C(
            "labour_productivity",
            "float",
            "全员劳动生产率",
            "Labour productivity",
            INDICATOR_UNITS["labour_productivity"],
        ),
        C("rd_ratio", "float", "研发经费占比", "R&D share of revenue", "%"),
        C("tax_per_kwh", "float", "单位电耗税收", "Tax per kWh", INDICATOR_UNITS["tax_per_kwh"]),
        C(
            "sales_per_kwh",
            "float",
            "单位电耗销售",
            "Sales per kWh",
            INDICATOR_UNITS["sales_per_kwh"],
        ),
        C("evaluated", "bool", "参评", "Evaluated"),
        C("exclusion", "str", "未参评原因", "Why not evaluated"),
        C("base_score", "float", "基础得分", "Base score"),
        C("bonus_points", "float", "加分", "Bonus points"),
        C("deduction_points", "float", "减分", "Deduction points"),
        C("score", "float", "综合得分", "Score"),
        C("class_code", "str", "分类", "Class"),
        C("class_label", "str", "分类名称", "Class name"),
        C("class_computed", "str", "按得分分类", "Class by score"),
        C("override", "str", "直接定类", "Override"),
        C("graded", "bool", "参与排名定级", "Ranked and graded"),
        C("adjustment_reason", "str", "加减分与定类依据", "Grounds for adjustment"),
        C("rank", "int", "组内排名", "Rank in group"),
        C("group_size", "int", "组内参评企业数", "Firms in group"),
        C("note", "str", "备注", "Note"),
        C("ks1", "bool", "KS-1 用电与税收销售不符", "KS-1 power vs tax/sales"),
        C("ks2", "bool", "KS-2 大而不规", "KS-2 large, still below size"),
        C("ks3", "bool", "KS-3 低亩均税收", "KS-3 low tax per mu"),
        C("key_supervision", "bool", "重点监管", "Key supervision"),
        C("revenue_growth_pct", "float", "营收增长", "Revenue growth", "%"),
        C("gap_to_above_scale_wan", "float", "距规上标准", "Gap to above size", "万元"),
        C("pool", "bool", "小升规培育库", "小升规 pool"),
    )


def evaluation_spec():
    """The evaluation table's columns with Chinese/English labels and units (a
    :class:`gis.schema.LayerSpec`, for :func:`gis.excel.labelled_columns`)."""
    from gis.schema import LayerSpec

    return LayerSpec(
        "efficiency_evaluation",
        None,
        "enterprise_id",
        _column_specs(),
        "亩均评价",
        "Efficiency evaluation",
    )


def evaluation_table(
    evaluation: pd.DataFrame,
    *,
    lang: str,
    config: EfficiencyConfig = EfficiencyConfig(),
    for_export: bool = False,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """``evaluation`` for people: reasons and classes in words, headers with units.

    Numbers stay numbers (sortable); flags stay booleans, or become 是/yes and empty for
    an export. Indicators are rounded to 4 decimals. ``columns`` picks and orders a
    subset of :func:`evaluation_spec`'s columns (default: all).
    """
    from gis.excel import labelled_columns
    from gis.i18n import t

    ev = evaluation
    out = pd.DataFrame(index=ev.index)
    spec = evaluation_spec()
    for column in spec.columns:
        if column.name in ev:
            out[column.name] = ev[column.name]
    out["group"] = [
        t("efficiency_group_above" if a else "efficiency_group_below", lang)
        for a in ev["above_scale"]
    ]
    out["exclusion"] = [
        t(f"efficiency_reason_{r}", lang, detail=d if d is not None else "—")
        if isinstance(r, str)
        else ""
        for r, d in zip(ev["exclusion_reason"], ev["exclusion_detail"], strict=True)
    ]
    out["class_label"] = [
        config.class_label(c, lang) if isinstance(c, str) else "" for c in ev["class_code"]
    ]
    out["note"] = [t("eval_emission_imputed", lang) if i else "" for i in ev["emission_imputed"]]
    out["rank"] = ev["rank"].astype("Int64")
    out["group_size"] = ev["group_size"].astype("Int64")
    if "override" in ev:
        out["override"] = [
            t(f"adj_override_{o.lower()}", lang) if o in OVERRIDES else "" for o in ev["override"]
        ]
    rounded = (*INDICATORS, "score", "base_score", "bonus_points", "deduction_points")
    for name in (*rounded, "years_producing", "revenue_growth_pct"):
        if name in ev:
            out[name] = ev[name].astype(float).round(4 if name in INDICATORS else 2)
    out = out[list(columns) if columns else [c.name for c in spec.columns if c.name in out]]
    if for_export:
        for column in spec.columns:
            if column.dtype == "bool" and column.name in out:
                out[column.name] = [
                    t("eval_yes", lang) if bool(v) else "" for v in out[column.name]
                ]
    return labelled_columns(out, spec, lang)
