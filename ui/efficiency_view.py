"""The 亩均 evaluation on the targets page: the year's classes (counts, map, filtered table,
export, adjustments) and the key-supervision list with the 小升规 pool."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from gis._errors import ParkError
from gis.efficiency import classes as efficiency_classes
from gis.efficiency import config as efficiency_config
from gis.efficiency import evaluation, supervision
from gis.efficiency.config import CLASSES, EfficiencyConfig
from gis.excel import XLSX_MIME, to_xlsx
from gis.i18n import t
from layers.efficiency import efficiency_extras
from ui import mapview, roles
from ui.adjustments import adjustments_editor
from ui.context import PageContext
from ui.targets_progress import FLASH_KEY, XLSX_LANG, error, fmt
from ui.text import md


@st.cache_data(show_spinner=False, max_entries=16)
def _evaluation(path: str, data_version: int, year: int, config_json: str, _frames: dict):
    config = EfficiencyConfig.from_json(config_json)
    return evaluation.evaluate(
        _frames["enterprises"],
        _frames["enterprise_years"],
        year=year,
        config=config,
        adjustments=_frames["evaluation_adjustments"],
    )


def stored_config(ctx: PageContext) -> EfficiencyConfig:
    """The stored evaluation configuration; the default one (and an error) if it is invalid."""
    try:
        return efficiency_config.config_from_settings(ctx.frames["settings"])
    except ParkError as exc:
        st.error(t("eval_config_stored_invalid", ctx.lang, reason=error(exc, ctx.lang)))
        return EfficiencyConfig()


def _year_picker(ctx: PageContext) -> int | None:
    """The evaluation year's select box; None (and a note) where there are no figures."""
    years = evaluation.evaluation_years(ctx.frames["enterprise_years"])
    if not years:
        st.info(t("eval_no_figures", ctx.lang))
        return None
    default = evaluation.default_year(ctx.frames["enterprise_years"], ctx.as_of)
    return st.selectbox(
        t("eval_year", ctx.lang), years, index=years.index(default), key="tg_eval_year"
    )


def evaluation_section(ctx: PageContext, config: EfficiencyConfig) -> None:
    """The 亩均评价 section: summary, class counts, map, table, export and adjustments."""
    year = _year_picker(ctx)
    if year is None:
        return
    ev = _evaluation(ctx.store.location, ctx.version, year, config.to_json(), ctx.frames)
    counts = _class_counts(ctx, ev, year, config)
    _class_map(ctx, ev, year, config)
    _evaluation_table(ctx, ev, config)
    _evaluation_download(ctx, ev, counts, year, config)
    adjustments_editor(
        store=ctx.store,
        frames=ctx.frames,
        year=year,
        config=config,
        lang=ctx.lang,
        version=ctx.version,
        flash_key=FLASH_KEY,
    )


def _class_counts(
    ctx: PageContext, ev: pd.DataFrame, year: int, config: EfficiencyConfig
) -> pd.DataFrame:
    """The year's summary line and one metric per class; returns the counts."""
    lang = ctx.lang
    done = ev[ev["evaluated"]]
    st.caption(
        t(
            "eval_summary",
            lang,
            year=year,
            evaluated=len(done),
            above=int(done["above_scale"].sum()),
            below=int((~done["above_scale"]).sum()),
            excluded=int((~ev["evaluated"]).sum()),
        )
        + " "
        + t("eval_mode_note", lang, mode=t(f"eval_mode_{config.class_mode}", lang))
    )
    counts = efficiency_classes.class_counts(ev)
    cols = st.columns(len(CLASSES))
    for col, code in zip(cols, CLASSES, strict=True):
        col.metric(
            f"{code} · {md(config.class_label(code, lang))}",  # names are user-edited
            int(counts.loc[code].sum()),
            help=f"{t('eval_group_above', lang)} {counts.loc[code, 'above']} · "
            f"{t('eval_group_below', lang)} {counts.loc[code, 'below']}",
        )
    return counts


def _class_map(ctx: PageContext, ev: pd.DataFrame, year: int, config: EfficiencyConfig) -> None:
    """The park map with the class and key-supervision layers."""
    st.subheader(t("eval_map", ctx.lang))
    st.caption(t("eval_map_note", ctx.lang))
    key = hashlib.sha1(config.to_json().encode()).hexdigest()[:12]
    # Construction status beneath (投产 matters for who is evaluated): toggle the class
    # layers off to see it.
    m = mapview.park_map(
        "construction_status",
        as_of=ctx.as_of,
        extras=efficiency_extras(ev, config),
        extras_key=f"efficiency:{year}:{key}",
    )
    mapview.show(m, key="tg_class_map")


def _evaluation_table(ctx: PageContext, ev: pd.DataFrame, config: EfficiencyConfig) -> None:
    """The firms' table under four filters (group, status, class, name)."""
    lang = ctx.lang
    st.subheader(t("eval_table", lang))
    f1, f2, f3, f4 = st.columns(4)
    groups = {"all": "eval_group_all", "above": "eval_group_above", "below": "eval_group_below"}
    group = f1.selectbox(
        t("eval_filter_group", lang),
        list(groups),
        format_func=lambda g: t(groups[g], lang),
        key=f"tg_filter_group_{lang}",
    )
    statuses = {
        "all": "eval_status_all",
        "evaluated": "eval_status_evaluated",
        "excluded": "eval_status_excluded",
    }
    status = f2.selectbox(
        t("eval_filter_status", lang),
        list(statuses),
        format_func=lambda s: t(statuses[s], lang),
        key=f"tg_filter_status_{lang}",
    )
    classes = f3.multiselect(
        t("eval_filter_class", lang),
        list(CLASSES),
        key="tg_filter_class",
        placeholder=t("eval_group_all", lang),
    )
    name = f4.text_input(t("eval_filter_name", lang), key="tg_filter_name")
    view = ev
    if group != "all":
        view = view[view["above_scale"] == (group == "above")]
    if status != "all":
        view = view[view["evaluated"] == (status == "evaluated")]
    if classes:
        view = view[view["class_code"].isin(classes)]
    if name.strip():
        view = view[view["name"].astype(str).str.contains(name.strip(), regex=False)]
    # Evaluated firms first, best score first (the excluded, with their reasons, below).
    view = view.sort_values(["evaluated", "score"], ascending=[False, False], na_position="last")
    st.caption(t("eval_rows", lang, shown=len(view), total=len(ev)))
    st.dataframe(
        evaluation.evaluation_table(view, lang=lang, config=config),
        hide_index=True,
        width="stretch",
        key="tg_eval_table",
    )


def _evaluation_download(
    ctx: PageContext, ev: pd.DataFrame, counts: pd.DataFrame, year: int, config: EfficiencyConfig
) -> None:
    """The Excel file of the whole evaluation and the class counts."""
    st.download_button(
        t("download_xlsx", ctx.lang),
        roles.audited(  # built (and recorded in the audit trail) when clicked
            ctx.store,
            lambda: to_xlsx(
                {
                    t("section_evaluation", XLSX_LANG): evaluation.evaluation_table(
                        ev, lang=XLSX_LANG, config=config, for_export=True
                    ),
                    t("eval_class_counts", XLSX_LANG): counts.rename(
                        columns={
                            "above": t("eval_group_above", XLSX_LANG),
                            "below": t("eval_group_below", XLSX_LANG),
                        }
                    )
                    .rename_axis(t("eval_filter_class", XLSX_LANG))
                    .reset_index(),
                }
            ),
            target=f"efficiency-{year}.xlsx",
            rows=len(ev),
        ),
        file_name=f"efficiency-{year}.xlsx",
        mime=XLSX_MIME,
        key="tg_download_eval",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )


def supervision_section(ctx: PageContext, config: EfficiencyConfig) -> None:
    """The 重点监管 section: flagged firms, the 小升规 pool and their Excel file."""
    lang = ctx.lang
    year = _year_picker(ctx)
    if year is None:
        return
    ev = _evaluation(ctx.store.location, ctx.version, year, config.to_json(), ctx.frames)
    st.subheader(t("ks_heading", lang))
    st.caption(
        t(
            "ks_rules_note",
            lang,
            alpha=config.ks1_alpha,
            land=config.ks2_min_land_mu,
            years=config.ks2_min_years,
            tax=config.ks3_max_tax_per_mu,
            combinator=t(f"ks_{config.ks_combinator}", lang),
        )
    )
    flagged = ev[ev["key_supervision"]]
    table = evaluation.evaluation_table(
        flagged, lang=lang, config=config, columns=supervision.SUPERVISION_COLUMNS
    )
    if flagged.empty:
        st.info(t("ks_none", lang))
    else:
        st.dataframe(table, hide_index=True, width="stretch", key="tg_ks_table")
    pool = _pool(ctx, ev, config)
    _supervision_download(ctx, flagged, pool, year, config)


def _pool(ctx: PageContext, ev: pd.DataFrame, config: EfficiencyConfig) -> pd.DataFrame:
    """The 小升规 pool, nearest to the line first; returns it."""
    lang = ctx.lang
    st.subheader(t("pool_heading", lang))
    st.caption(
        t(
            "pool_note",
            lang,
            low=fmt(config.pool_min_revenue_wan, 0),
            high=fmt(config.above_scale_revenue_wan, 0),
            growth=fmt(config.pool_min_growth_pct, 0),
        )
    )
    pool = ev[ev["pool"]].sort_values("gap_to_above_scale_wan")
    pool_table = evaluation.evaluation_table(
        pool, lang=lang, config=config, columns=supervision.POOL_COLUMNS
    )
    if pool.empty:
        st.info(t("pool_none", lang))
    else:
        st.dataframe(pool_table, hide_index=True, width="stretch", key="tg_pool_table")
    return pool


def _supervision_download(
    ctx: PageContext,
    flagged: pd.DataFrame,
    pool: pd.DataFrame,
    year: int,
    config: EfficiencyConfig,
) -> None:
    """The Excel file of the flagged firms and the pool."""
    st.download_button(
        t("download_xlsx", ctx.lang),
        roles.audited(  # built (and recorded in the audit trail) when clicked
            ctx.store,
            lambda: to_xlsx(
                {
                    t("ks_heading", XLSX_LANG): evaluation.evaluation_table(
                        flagged, lang=XLSX_LANG, config=config, for_export=True
                    ),
                    t("pool_heading", XLSX_LANG): evaluation.evaluation_table(
                        pool, lang=XLSX_LANG, config=config, for_export=True
                    ),
                }
            ),
            target=f"key-supervision-{year}.xlsx",
            rows=len(flagged) + len(pool),
        ),
        file_name=f"key-supervision-{year}.xlsx",
        mime=XLSX_MIME,
        key="tg_download_ks",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )
