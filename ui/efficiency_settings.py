"""The 评价参数 section of the targets page: the form of the one 亩均 evaluation
configuration (weights, benchmarks, classes, scope, key supervision, adjustments, class
names), its save and reset buttons, and the configuration as JSON."""

from __future__ import annotations

import streamlit as st

from gis._errors import ParkError
from gis.efficiency import config as efficiency_config
from gis.efficiency.config import CLASSES, EfficiencyConfig
from gis.i18n import t
from ui import roles
from ui.context import PageContext
from ui.session import current_actor
from ui.targets_progress import FLASH_KEY, error


def settings_section(ctx: PageContext, config: EfficiencyConfig) -> None:
    """The configuration form (read-only JSON for the roles that may not change it)."""
    lang = ctx.lang
    st.subheader(t("cfg_heading", lang))
    st.caption(t("cfg_help", lang))
    if not roles.allowed("edit_evaluation", lang):
        with st.expander(t("cfg_current_json", lang)):
            st.json(config.to_dict())
        return
    with st.form("tg_cfg_form"):
        c1, c2, c3 = st.columns(3)
        fields = _weights(c1, config, lang) | _benchmarks(c2, config, lang)
        fields |= _classes(c3, config, lang)
        d1, d2, d3 = st.columns(3)
        fields |= _scope(d1, config, lang) | _supervision(d2, config, lang)
        fields |= _limits(d3, config, lang) | _class_labels(config, lang)
        submitted = st.form_submit_button(t("cfg_save", lang), key="tg_cfg_save")
    if submitted:
        try:
            new = EfficiencyConfig(**fields)
            _save(ctx, new)
        except ParkError as exc:
            st.error(error(exc, lang))
    if st.button(t("cfg_reset", lang), key="tg_cfg_reset"):
        try:
            _save(ctx, EfficiencyConfig())
        except ParkError as exc:
            st.error(error(exc, lang))
    with st.expander(t("cfg_current_json", lang)):
        st.json(config.to_dict())


def _save(ctx: PageContext, config: EfficiencyConfig) -> None:
    """Store ``config``, leave the flash message and rerun (raises ParkError if refused)."""
    efficiency_config.save_config(
        ctx.store, config, actor=current_actor(), expected_version=ctx.version
    )
    st.session_state[FLASH_KEY] = t("cfg_saved", ctx.lang)
    st.rerun()


def _weights(col, config: EfficiencyConfig, lang: str) -> dict:
    """The indicator weights of both groups."""
    col.markdown(f"**{t('cfg_weights_above', lang)}**")
    w_above = {
        k: col.number_input(t(f"ind_{k}", lang), value=float(v), step=1.0, key=f"tg_cfg_wa_{k}")
        for k, v in config.weights_above.items()
    }
    col.markdown(f"**{t('cfg_weights_below', lang)}**")
    w_below = {
        k: col.number_input(t(f"ind_{k}", lang), value=float(v), step=1.0, key=f"tg_cfg_wb_{k}")
        for k, v in config.weights_below.items()
    }
    return {"weights_above": w_above, "weights_below": w_below}


def _benchmark_inputs(col, values: dict, lang: str, prefix: str) -> dict:
    return {
        k: col.number_input(
            f"{t(f'ind_{k}', lang)}({efficiency_config.INDICATOR_UNITS[k]})",
            value=None if v is None else float(v),
            format="%.4f",
            key=f"{prefix}{k}",
        )
        for k, v in values.items()
    }


def _benchmarks(col, config: EfficiencyConfig, lang: str) -> dict:
    """The indicator benchmarks of both groups."""
    col.markdown(f"**{t('cfg_benchmarks', lang)}** · {t('eval_group_above', lang)}")
    b_above = _benchmark_inputs(col, config.benchmarks_above, lang, "tg_cfg_ba_")
    col.markdown(f"**{t('cfg_benchmarks', lang)}** · {t('eval_group_below', lang)}")
    b_below = _benchmark_inputs(col, config.benchmarks_below, lang, "tg_cfg_bb_")
    return {"benchmarks_above": b_above, "benchmarks_below": b_below}


def _classes(col, config: EfficiencyConfig, lang: str) -> dict:
    """How classes are drawn: mode, percentile cuts, absolute thresholds, indicator cap."""
    col.markdown(f"**{t('cfg_classes', lang)}**")
    modes = {m: t(f"eval_mode_{m}", lang) for m in efficiency_config.MODES}
    mode = col.radio(
        t("cfg_mode", lang),
        list(modes),
        index=list(modes).index(config.class_mode),
        format_func=modes.get,
        key="tg_cfg_mode",
        horizontal=True,
    )
    cuts = [
        col.number_input(
            t(f"cfg_cut_{c}", lang), value=float(v), step=0.05, format="%.2f", key=f"tg_cfg_cut_{c}"
        )
        for c, v in zip("abc", config.percentile_cuts, strict=True)
    ]
    thresholds = [
        col.number_input(t(f"cfg_thr_{c}", lang), value=float(v), step=5.0, key=f"tg_cfg_thr_{c}")
        for c, v in zip("abc", config.absolute_thresholds, strict=True)
    ]
    cap = col.number_input(
        t("cfg_cap", lang), value=float(config.indicator_cap or 0.0), step=0.5, key="tg_cfg_cap"
    )
    return {
        "class_mode": mode,
        "percentile_cuts": tuple(cuts),
        "absolute_thresholds": tuple(thresholds),
        "indicator_cap": cap if cap else None,
    }


def _scope(col, config: EfficiencyConfig, lang: str) -> dict:
    """Who is evaluated (land, the 规上 line) and who enters the 小升规 pool."""
    col.markdown(f"**{t('cfg_scope', lang)}**")
    min_land = col.number_input(
        t("cfg_min_land", lang), value=float(config.min_land_mu_small), key="tg_cfg_min_land"
    )
    above_line = col.number_input(
        t("cfg_above_line", lang),
        value=float(config.above_scale_revenue_wan),
        step=100.0,
        key="tg_cfg_above_line",
    )
    col.markdown(f"**{t('cfg_pool', lang)}**")
    pool_revenue = col.number_input(
        t("cfg_pool_revenue", lang),
        value=float(config.pool_min_revenue_wan),
        step=100.0,
        key="tg_cfg_pool_revenue",
    )
    pool_growth = col.number_input(
        t("cfg_pool_growth", lang),
        value=float(config.pool_min_growth_pct),
        step=1.0,
        key="tg_cfg_pool_growth",
    )
    return {
        "min_land_mu_small": min_land,
        "above_scale_revenue_wan": above_line,
        "pool_min_revenue_wan": pool_revenue,
        "pool_min_growth_pct": pool_growth,
    }


def _supervision(col, config: EfficiencyConfig, lang: str) -> dict:
    """The key-supervision rules, how they combine, and their first two parameters."""
    col.markdown(f"**{t('cfg_ks', lang)}**")
    rules = col.multiselect(
        t("cfg_ks_rules", lang),
        list(efficiency_config.KS_RULES),
        default=list(config.ks_rules),
        key="tg_cfg_rules",
    )
    combinators = {c: t(f"ks_{c}", lang) for c in efficiency_config.COMBINATORS}
    combinator = col.radio(
        t("cfg_ks_combinator", lang),
        list(combinators),
        index=list(combinators).index(config.ks_combinator),
        format_func=combinators.get,
        key="tg_cfg_combinator",
        horizontal=True,
    )
    min_years = col.number_input(
        t("cfg_min_years", lang), value=float(config.min_years_ks13), key="tg_cfg_min_years"
    )
    alpha = col.number_input(
        t("cfg_ks1_alpha", lang), value=float(config.ks1_alpha), step=0.05, key="tg_cfg_alpha"
    )
    return {
        "ks_rules": tuple(rules),
        "ks_combinator": combinator,
        "min_years_ks13": min_years,
        "ks1_alpha": alpha,
    }


def _limits(col, config: EfficiencyConfig, lang: str) -> dict:
    """The key-supervision rules' other parameters and the adjustments' caps."""
    col.markdown("&nbsp;")
    min_kwh = col.number_input(
        t("cfg_ks1_min_kwh", lang),
        value=float(config.ks1_min_kwh),
        step=10_000.0,
        key="tg_cfg_min_kwh",
    )
    min_peers = col.number_input(
        t("cfg_ks1_min_peers", lang),
        value=int(config.ks1_min_peers),
        step=1,
        key="tg_cfg_min_peers",
    )
    ks2_land = col.number_input(
        t("cfg_ks2_land", lang), value=float(config.ks2_min_land_mu), key="tg_cfg_ks2_land"
    )
    ks2_years = col.number_input(
        t("cfg_ks2_years", lang), value=float(config.ks2_min_years), key="tg_cfg_ks2_years"
    )
    ks3_tax = col.number_input(
        t("cfg_ks3_tax", lang), value=float(config.ks3_max_tax_per_mu), key="tg_cfg_ks3_tax"
    )
    col.markdown(f"**{t('cfg_adjustments', lang)}**")
    max_bonus = col.number_input(
        t("adj_cfg_max_bonus", lang),
        value=float(config.max_bonus_points),
        step=1.0,
        key="tg_cfg_max_bonus",
    )
    max_deduction = col.number_input(
        t("adj_cfg_max_deduction", lang),
        value=float(config.max_deduction_points),
        step=1.0,
        key="tg_cfg_max_deduction",
    )
    return {
        "ks1_min_kwh": min_kwh,
        "ks1_min_peers": int(min_peers),
        "ks2_min_land_mu": ks2_land,
        "ks2_min_years": ks2_years,
        "ks3_max_tax_per_mu": ks3_tax,
        "max_bonus_points": max_bonus,
        "max_deduction_points": max_deduction,
    }


def _class_labels(config: EfficiencyConfig, lang: str) -> dict:
    """The classes' names in both languages, one column per class."""
    st.markdown(f"**{t('cfg_class_labels', lang)}**")
    label_columns = st.columns(len(CLASSES))
    labels_zh = tuple(
        col.text_input(f"{code} · 中文", value=text, key=f"tg_cfg_label_zh_{code}")
        for col, code, text in zip(label_columns, CLASSES, config.class_labels_zh, strict=True)
    )
    labels_en = tuple(
        col.text_input(f"{code} · English", value=text, key=f"tg_cfg_label_en_{code}")
        for col, code, text in zip(label_columns, CLASSES, config.class_labels_en, strict=True)
    )
    return {
        "class_labels_zh": tuple(x.strip() for x in labels_zh),
        "class_labels_en": tuple(x.strip() for x in labels_en),
    }
