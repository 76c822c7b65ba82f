"""目标与亩均 Targets & efficiency: the year's targets against progress computed from the data,
the 亩均 evaluation (classes, map, key supervision, 小升规 pool) and its one configuration."""

import hashlib
import math

import altair as alt
import pandas as pd
import streamlit as st

from gis._errors import ParkError
from gis.efficiency import classes as efficiency_classes
from gis.efficiency import config as efficiency_config
from gis.efficiency import evaluation, supervision
from gis.efficiency.config import CLASSES, EfficiencyConfig
from gis.excel import XLSX_MIME, to_xlsx
from gis.i18n import error_text, t
from gis.targets import definitions, tracking
from layers.efficiency import efficiency_extras
from ui import mapview, missing, roles, shell
from ui.adjustments import adjustments_editor
from ui.session import current_actor
from ui.text import md

lang = shell.lang()
as_of = shell.as_of()
frames = shell.frames()
store = shell.store()
version = store.data_version()
FLASH_KEY = "tg_flash"
#: Exports go to the committee's files: Chinese headers and units whatever the UI language.
XLSX_LANG = "zh"


def _error(exc: ParkError) -> str:
    """The error in the UI language, with a group code ('above'/'below') put in words."""
    params = dict(exc.params)
    if params.get("group") in ("above", "below"):
        params["group"] = t(f"efficiency_group_{params['group']}", lang)
    return t(exc.key, lang, **params) if params else error_text(exc, lang)


def _fmt(value: float, digits: int = 1) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{digits}f}"


@st.cache_data(show_spinner=False, max_entries=16)
def _progress(path: str, data_version: int, year: int, day, _frames: dict) -> pd.DataFrame:
    return tracking.progress(_frames, year=year, as_of=day)


@st.cache_data(show_spinner=False, max_entries=16)
def _by_block(path: str, data_version: int, year: int, day, _frames: dict) -> pd.DataFrame:
    return tracking.progress_by_block(_frames, year=year, as_of=day)


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


def _config() -> EfficiencyConfig:
    try:
        return efficiency_config.config_from_settings(frames["settings"])
    except ParkError as exc:
        st.error(t("eval_config_stored_invalid", lang, reason=_error(exc)))
        return EfficiencyConfig()


# ---------------------------------------------------------------- targets
#: Units the targets table writes in Chinese, as an English reader knows them.
_UNITS_EN = {"亩": "mu", "家": "firms"}


def _unit(unit: object, lg: str) -> str:
    text = "" if unit is None or (isinstance(unit, float) and math.isnan(unit)) else str(unit)
    return _UNITS_EN.get(text, text) if lg == "en" else text


#: Status → bar colour: blues and greens where a target is where it should be, reds and
#: oranges where it is not (the chart's colours must not depend on which statuses occur).
STATUS_COLOURS = {
    "achieved": "#1565c0",
    "on_track": "#64b5f6",
    "rate_met": "#2e7d32",
    "on_course": "#81c784",
    "behind": "#e53935",
    "rate_below": "#fb8c00",
    "off_course": "#ef9a9a",
    "na": "#9e9e9e",
}


def _status_code(row: pd.Series) -> str:
    """One of :data:`STATUS_COLOURS`' keys for a progress row."""
    if not row["computable"]:
        return "na"
    pace = definitions.DEFINITIONS[row["target_id"]].pace
    if pace == "rate":
        return "rate_met" if row["on_track"] else "rate_below"
    if row["value"] >= row["target_value"]:
        return "achieved"
    if pace == "none":
        return "on_course" if row["on_track"] else "off_course"
    return "on_track" if row["on_track"] else "behind"


def _status(row: pd.Series, lg: str) -> str:
    return t(f"targets_status_{_status_code(row)}", lg)


def _period(row: pd.Series, lg: str) -> str:
    """'1–6月累计' for a target computed from year-to-date reports, else ''."""
    months = row["period_months"]
    return "" if pd.isna(months) else t("targets_period", lg, months=int(months))


def _note(row: pd.Series, lg: str) -> str:
    key = row["note_key"]
    return t(key, lg, **row["note_params"]) if isinstance(key, str) else ""


def _label(row: pd.Series, lg: str) -> str:
    return str(row["label_zh"] if lg == "zh" else row["label_en"])


def _float(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype(float)


def _targets_table(prog: pd.DataFrame, lg: str) -> pd.DataFrame:
    """The progress table in language ``lg``: one row per target."""
    return pd.DataFrame(
        {
            t("targets_col_target", lg): prog.apply(_label, axis=1, lg=lg),
            t("targets_col_unit", lg): [_unit(u, lg) for u in prog["unit"]],
            t("targets_col_period", lg): prog.apply(_period, axis=1, lg=lg),
            # As floats, so a figure that cannot be computed shows as an empty cell.
            t("targets_col_goal", lg): _float(prog["target_value"]),
            t("targets_col_value", lg): _float(prog["value"].where(prog["computable"])),
            t("targets_col_progress", lg): _float(prog["progress_pct"]).round(1),
            t("targets_col_expected", lg): _float(prog["expected"]).round(2),
            t("targets_col_status", lg): prog.apply(_status, axis=1, lg=lg),
            t("targets_col_note", lg): prog.apply(_note, axis=1, lg=lg),
        }
    )


def _block_names(blocks: pd.DataFrame, lg: str) -> pd.Series:
    """Each row's block name in ``lg`` (English names where the data has them)."""
    table = frames["blocks"].set_index("block_id")
    names = table["name"] if lg == "zh" else table["name_en"].fillna(table["name"])
    return blocks["block_id"].map(names).fillna(t("targets_no_block", lg))


def _block_table(blocks: pd.DataFrame, prog: pd.DataFrame, lg: str) -> pd.DataFrame:
    """Blocks × targets ("label(unit)") in language ``lg``."""
    info = prog.set_index("target_id")
    named = blocks.assign(
        block=_block_names(blocks, lg),
        target=[
            f"{_label(info.loc[tid], lg)}({_unit(info.loc[tid, 'unit'], lg)})"
            for tid in blocks["target_id"]
        ],
    )
    # "first", not "sum": a growth rate a block cannot have (no comparable firms) stays
    # empty instead of becoming 0.
    pivot = named.pivot_table(
        index="block", columns="target", values="value", sort=False, aggfunc="first", dropna=False
    ).round(2)
    pivot.index.name = t("targets_block", lg)
    return pivot.reset_index()


def targets_section() -> None:
    table = frames["targets"]
    years = sorted({int(y) for y in pd.to_numeric(table["year"], errors="coerce").dropna()})
    if not years:
        st.info(t("targets_none", lang))
        targets_editor(table)
        return
    default = years.index(as_of.year) if as_of.year in years else len(years) - 1
    year = st.selectbox(t("targets_year", lang), years, index=default, key="tg_year")
    st.caption(t("targets_as_of", lang, date=as_of.isoformat()))
    prog = _progress(store.location, version, year, as_of, frames)
    prog = prog.assign(
        unit_shown=[_unit(u, lang) for u in prog["unit"]],
        label=prog.apply(_label, axis=1, lg=lang),
        status=prog.apply(_status, axis=1, lg=lang),
        note=prog.apply(_note, axis=1, lg=lang),
    )

    # At a glance: one card per target.
    columns = st.columns(4)
    for i, row in prog.reset_index(drop=True).iterrows():
        with columns[i % 4]:
            with st.container(border=True):
                value = _fmt(row["value"]) if row["computable"] else "—"
                st.metric(row["label"], f"{value} {row['unit_shown']}")
                if row["computable"] and _period(row, lang):
                    st.caption(_period(row, lang))
                if row["computable"] and row["target_value"] > 0:
                    share = max(0.0, min(1.0, row["value"] / row["target_value"]))
                    st.progress(
                        share,
                        text=f"{_fmt(row['progress_pct'])}% · {t('targets_col_goal', lang)} "
                        f"{_fmt(row['target_value'])} {row['unit_shown']} · {row['status']}",
                    )
                else:
                    colon = "：" if lang == "zh" else ": "
                    st.caption(f"{t('targets_not_computable', lang)}{colon}{row['note']}")

    shown = _targets_table(prog, lang)
    numeric = [
        t(key, lang)
        for key in (
            "targets_col_goal",
            "targets_col_value",
            "targets_col_progress",
            "targets_col_expected",
        )
    ]
    # On screen a missing number reads "—" (Streamlit would print "None"); the Excel
    # export keeps real numbers and empty cells.
    for column in numeric:
        shown[column] = [_fmt(v, 2) for v in shown[column]]
    st.dataframe(shown, hide_index=True, width="stretch", key="tg_progress_table")

    ok = prog[prog["computable"]]
    if len(ok):
        st.subheader(t("targets_chart_progress", lang))
        chart_data = pd.DataFrame(
            {
                "target": ok["label"],
                "progress": ok["progress_pct"].round(1),
                "pace": (ok["expected"] / ok["target_value"] * 100).round(1),
                "status": ok["status"],
            }
        )
        base = alt.Chart(chart_data).encode(
            y=alt.Y("target:N", title=None, sort=None, axis=alt.Axis(labelLimit=320))
        )
        shown_codes = [c for c in STATUS_COLOURS if c != "na"]
        bars = base.mark_bar().encode(
            x=alt.X("progress:Q", title=t("targets_col_progress", lang)),
            color=alt.Color(
                "status:N",
                title=t("targets_col_status", lang),
                scale=alt.Scale(
                    domain=[t(f"targets_status_{c}", lang) for c in shown_codes],
                    range=[STATUS_COLOURS[c] for c in shown_codes],
                ),
            ),
            tooltip=["target", "progress", "pace", "status"],
        )
        pace = base.mark_tick(color="#263238", thickness=3, size=22).encode(x="pace:Q")
        full = alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(strokeDash=[4, 3]).encode(x="x:Q")
        st.altair_chart((bars + pace + full).properties(height=40 * len(ok) + 40), width="stretch")

        pick_options = list(ok["target_id"])
        labels = dict(zip(ok["target_id"], ok["label"], strict=True))
        pick = st.selectbox(
            t("targets_chart_pick", lang),
            pick_options,
            format_func=labels.get,
            key=f"tg_pick_{lang}",
        )
        series = tracking.monthly(frames, pick, year=year, as_of=as_of)
        unit = str(ok.loc[ok["target_id"] == pick, "unit_shown"].iloc[0])
        if series is not None:
            st.subheader(t("targets_chart_monthly", lang) + f" · {labels[pick]}")
            names = {
                "actual": t("targets_series_actual", lang),
                "pace": t("targets_series_pace", lang),
            }
            series = series.assign(series=series["series"].map(names))
            line = (
                alt.Chart(series)
                .mark_line(point=True)
                .encode(
                    x=alt.X(
                        "date:T", title=t("targets_month", lang), axis=alt.Axis(format="%Y-%m")
                    ),
                    y=alt.Y("value:Q", title=unit),
                    color=alt.Color("series:N", title=None),
                    strokeDash=alt.StrokeDash("series:N", title=None),
                    tooltip=["date:T", "series:N", alt.Tooltip("value:Q", format=",.2f")],
                )
            )
            st.altair_chart(line.properties(height=320), width="stretch")

        st.subheader(t("targets_by_block", lang))
        blocks = _by_block(store.location, version, year, as_of, frames)
        if len(blocks):
            block_table = _block_table(blocks, prog, lang)
            for column in block_table.columns[1:]:  # "—" on screen where a value is missing
                block_table[column] = [_fmt(v, 2) for v in block_table[column]]
            st.dataframe(
                block_table,
                hide_index=True,
                width="stretch",
                key="tg_block_table",
            )
            mine = blocks[blocks["target_id"] == pick]
            mine = mine.assign(block=_block_names(mine, lang))
            bar = (
                alt.Chart(mine)
                .mark_bar()
                .encode(
                    x=alt.X("block:N", title=t("targets_block", lang), sort=None),
                    y=alt.Y("value:Q", title=f"{labels[pick]}({unit})"),
                    tooltip=["block", alt.Tooltip("value:Q", format=",.2f")],
                )
            )
            st.altair_chart(bar.properties(height=240), width="stretch")
        sheets = {t("section_targets", XLSX_LANG): _targets_table(prog, XLSX_LANG)}
        if len(blocks):
            sheets[t("targets_by_block", XLSX_LANG)] = _block_table(blocks, prog, XLSX_LANG)
        st.download_button(
            t("download_xlsx", lang),
            roles.audited(  # built (and recorded in the audit trail) when clicked
                store,
                lambda: to_xlsx(sheets),
                target=f"targets-{year}-{as_of.isoformat()}.xlsx",
                rows=sum(len(frame) for frame in sheets.values()),
            ),
            file_name=f"targets-{year}-{as_of.isoformat()}.xlsx",
            mime=XLSX_MIME,
            key="tg_download_targets",
            on_click="ignore",  # no rerun: the file stays served (#11, 6a)
        )
    targets_editor(table)


def targets_editor(table: pd.DataFrame) -> None:
    with st.expander(t("targets_edit", lang)):
        st.caption(t("targets_edit_help", lang))
        editable = roles.may("edit_targets")
        edited = st.data_editor(
            table,
            num_rows="dynamic" if editable else "fixed",
            disabled=not editable,
            hide_index=True,
            width="stretch",
            key="tg_editor",
            column_config={
                "target_id": st.column_config.SelectboxColumn(
                    t("targets_col_target", lang), options=list(definitions.KNOWN_TARGET_IDS)
                ),
                "target_value": st.column_config.NumberColumn(t("targets_col_goal", lang)),
            },
        )
        if not roles.allowed("edit_targets", lang):
            return
        if st.button(t("targets_save", lang), key="tg_save_targets"):
            try:
                definitions.save_targets(
                    store, edited, actor=current_actor(), expected_version=version
                )
            except ParkError as exc:
                st.error(_error(exc))
            else:
                st.session_state[FLASH_KEY] = t("targets_saved", lang)
                st.rerun()


# ---------------------------------------------------------------- evaluation
def _year_picker() -> int | None:
    years = evaluation.evaluation_years(frames["enterprise_years"])
    if not years:
        st.info(t("eval_no_figures", lang))
        return None
    default = evaluation.default_year(frames["enterprise_years"], as_of)
    return st.selectbox(t("eval_year", lang), years, index=years.index(default), key="tg_eval_year")


def evaluation_section(config: EfficiencyConfig) -> None:
    year = _year_picker()
    if year is None:
        return
    ev = _evaluation(store.location, version, year, config.to_json(), frames)
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
        + t(
            "eval_mode_note",
            lang,
            mode=t(f"eval_mode_{config.class_mode}", lang),
        )
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

    st.subheader(t("eval_map", lang))
    st.caption(t("eval_map_note", lang))
    key = hashlib.sha1(config.to_json().encode()).hexdigest()[:12]
    # Construction status beneath (投产 matters for who is evaluated): toggle the class
    # layers off to see it.
    m = mapview.park_map(
        "construction_status",
        as_of=as_of,
        extras=efficiency_extras(ev, config),
        extras_key=f"efficiency:{year}:{key}",
    )
    mapview.show(m, key="tg_class_map")

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
    st.download_button(
        t("download_xlsx", lang),
        roles.audited(  # built (and recorded in the audit trail) when clicked
            store,
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
    adjustments_editor(
        store=store,
        frames=frames,
        year=year,
        config=config,
        lang=lang,
        version=version,
        flash_key=FLASH_KEY,
    )


def supervision_section(config: EfficiencyConfig) -> None:
    year = _year_picker()
    if year is None:
        return
    ev = _evaluation(store.location, version, year, config.to_json(), frames)
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
    st.subheader(t("pool_heading", lang))
    st.caption(
        t(
            "pool_note",
            lang,
            low=_fmt(config.pool_min_revenue_wan, 0),
            high=_fmt(config.above_scale_revenue_wan, 0),
            growth=_fmt(config.pool_min_growth_pct, 0),
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
    st.download_button(
        t("download_xlsx", lang),
        roles.audited(  # built (and recorded in the audit trail) when clicked
            store,
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


# ---------------------------------------------------------------- settings
def settings_section(config: EfficiencyConfig) -> None:
    st.subheader(t("cfg_heading", lang))
    st.caption(t("cfg_help", lang))
    if not roles.allowed("edit_evaluation", lang):
        with st.expander(t("cfg_current_json", lang)):
            st.json(config.to_dict())
        return
    with st.form("tg_cfg_form"):
        c1, c2, c3 = st.columns(3)
        c1.markdown(f"**{t('cfg_weights_above', lang)}**")
        w_above = {
            k: c1.number_input(t(f"ind_{k}", lang), value=float(v), step=1.0, key=f"tg_cfg_wa_{k}")
            for k, v in config.weights_above.items()
        }
        c1.markdown(f"**{t('cfg_weights_below', lang)}**")
        w_below = {
            k: c1.number_input(t(f"ind_{k}", lang), value=float(v), step=1.0, key=f"tg_cfg_wb_{k}")
            for k, v in config.weights_below.items()
        }
        c2.markdown(f"**{t('cfg_benchmarks', lang)}** · {t('eval_group_above', lang)}")
        b_above = {
            k: c2.number_input(
                f"{t(f'ind_{k}', lang)}({efficiency_config.INDICATOR_UNITS[k]})",
                value=None if v is None else float(v),
                format="%.4f",
                key=f"tg_cfg_ba_{k}",
            )
            for k, v in config.benchmarks_above.items()
        }
        c2.markdown(f"**{t('cfg_benchmarks', lang)}** · {t('eval_group_below', lang)}")
        b_below = {
            k: c2.number_input(
                f"{t(f'ind_{k}', lang)}({efficiency_config.INDICATOR_UNITS[k]})",
                value=None if v is None else float(v),
                format="%.4f",
                key=f"tg_cfg_bb_{k}",
            )
            for k, v in config.benchmarks_below.items()
        }
        c3.markdown(f"**{t('cfg_classes', lang)}**")
        modes = {m: t(f"eval_mode_{m}", lang) for m in efficiency_config.MODES}
        mode = c3.radio(
            t("cfg_mode", lang),
            list(modes),
            index=list(modes).index(config.class_mode),
            format_func=modes.get,
            key="tg_cfg_mode",
            horizontal=True,
        )
        cuts = [
            c3.number_input(
                t(f"cfg_cut_{c}", lang),
                value=float(v),
                step=0.05,
                format="%.2f",
                key=f"tg_cfg_cut_{c}",
            )
            for c, v in zip("abc", config.percentile_cuts, strict=True)
        ]
        thresholds = [
            c3.number_input(
                t(f"cfg_thr_{c}", lang), value=float(v), step=5.0, key=f"tg_cfg_thr_{c}"
            )
            for c, v in zip("abc", config.absolute_thresholds, strict=True)
        ]
        cap = c3.number_input(
            t("cfg_cap", lang),
            value=float(config.indicator_cap or 0.0),
            step=0.5,
            key="tg_cfg_cap",
        )
        d1, d2, d3 = st.columns(3)
        d1.markdown(f"**{t('cfg_scope', lang)}**")
        min_land = d1.number_input(
            t("cfg_min_land", lang), value=float(config.min_land_mu_small), key="tg_cfg_min_land"
        )
        above_line = d1.number_input(
            t("cfg_above_line", lang),
            value=float(config.above_scale_revenue_wan),
            step=100.0,
            key="tg_cfg_above_line",
        )
        d1.markdown(f"**{t('cfg_pool', lang)}**")
        pool_revenue = d1.number_input(
            t("cfg_pool_revenue", lang),
            value=float(config.pool_min_revenue_wan),
            step=100.0,
            key="tg_cfg_pool_revenue",
        )
        pool_growth = d1.number_input(
            t("cfg_pool_growth", lang),
            value=float(config.pool_min_growth_pct),
            step=1.0,
            key="tg_cfg_pool_growth",
        )
        d2.markdown(f"**{t('cfg_ks', lang)}**")
        rules = d2.multiselect(
            t("cfg_ks_rules", lang),
            list(efficiency_config.KS_RULES),
            default=list(config.ks_rules),
            key="tg_cfg_rules",
        )
        combinators = {c: t(f"ks_{c}", lang) for c in efficiency_config.COMBINATORS}
        combinator = d2.radio(
            t("cfg_ks_combinator", lang),
            list(combinators),
            index=list(combinators).index(config.ks_combinator),
            format_func=combinators.get,
            key="tg_cfg_combinator",
            horizontal=True,
        )
        min_years = d2.number_input(
            t("cfg_min_years", lang), value=float(config.min_years_ks13), key="tg_cfg_min_years"
        )
        alpha = d2.number_input(
            t("cfg_ks1_alpha", lang),
            value=float(config.ks1_alpha),
            step=0.05,
            key="tg_cfg_alpha",
        )
        d3.markdown("&nbsp;")
        min_kwh = d3.number_input(
            t("cfg_ks1_min_kwh", lang),
            value=float(config.ks1_min_kwh),
            step=10_000.0,
            key="tg_cfg_min_kwh",
        )
        min_peers = d3.number_input(
            t("cfg_ks1_min_peers", lang),
            value=int(config.ks1_min_peers),
            step=1,
            key="tg_cfg_min_peers",
        )
        ks2_land = d3.number_input(
            t("cfg_ks2_land", lang), value=float(config.ks2_min_land_mu), key="tg_cfg_ks2_land"
        )
        ks2_years = d3.number_input(
            t("cfg_ks2_years", lang), value=float(config.ks2_min_years), key="tg_cfg_ks2_years"
        )
        ks3_tax = d3.number_input(
            t("cfg_ks3_tax", lang), value=float(config.ks3_max_tax_per_mu), key="tg_cfg_ks3_tax"
        )
        d3.markdown(f"**{t('cfg_adjustments', lang)}**")
        max_bonus = d3.number_input(
            t("adj_cfg_max_bonus", lang),
            value=float(config.max_bonus_points),
            step=1.0,
            key="tg_cfg_max_bonus",
        )
        max_deduction = d3.number_input(
            t("adj_cfg_max_deduction", lang),
            value=float(config.max_deduction_points),
            step=1.0,
            key="tg_cfg_max_deduction",
        )
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
        submitted = st.form_submit_button(t("cfg_save", lang), key="tg_cfg_save")
    if submitted:
        try:
            new = EfficiencyConfig(
                weights_above=w_above,
                weights_below=w_below,
                benchmarks_above=b_above,
                benchmarks_below=b_below,
                indicator_cap=cap if cap else None,
                class_mode=mode,
                percentile_cuts=tuple(cuts),
                absolute_thresholds=tuple(thresholds),
                class_labels_zh=tuple(x.strip() for x in labels_zh),
                class_labels_en=tuple(x.strip() for x in labels_en),
                min_land_mu_small=min_land,
                above_scale_revenue_wan=above_line,
                min_years_ks13=min_years,
                ks1_alpha=alpha,
                ks1_min_kwh=min_kwh,
                ks1_min_peers=int(min_peers),
                ks2_min_land_mu=ks2_land,
                ks2_min_years=ks2_years,
                ks3_max_tax_per_mu=ks3_tax,
                ks_rules=tuple(rules),
                ks_combinator=combinator,
                pool_min_revenue_wan=pool_revenue,
                pool_min_growth_pct=pool_growth,
                max_bonus_points=max_bonus,
                max_deduction_points=max_deduction,
            )
            efficiency_config.save_config(
                store, new, actor=current_actor(), expected_version=version
            )
        except ParkError as exc:
            st.error(_error(exc))
        else:
            st.session_state[FLASH_KEY] = t("cfg_saved", lang)
            st.rerun()
    if st.button(t("cfg_reset", lang), key="tg_cfg_reset"):
        try:
            efficiency_config.save_config(
                store, EfficiencyConfig(), actor=current_actor(), expected_version=version
            )
        except ParkError as exc:
            st.error(_error(exc))
        else:
            st.session_state[FLASH_KEY] = t("cfg_saved", lang)
            st.rerun()
    with st.expander(t("cfg_current_json", lang)):
        st.json(config.to_dict())


# ---------------------------------------------------------------- page
st.header(t("targets_heading", lang))
missing.show_missing("targets", year=as_of.year)
shell.show_flash(FLASH_KEY)
sections = ("targets", "evaluation", "supervision", "settings")
section = st.radio(
    t("section", lang),
    sections,
    horizontal=True,
    key="tg_section",
    format_func=lambda s: t(f"section_{s}", lang),
    label_visibility="collapsed",
)
if section == "targets":
    targets_section()
else:
    config = _config()
    {
        "evaluation": evaluation_section,
        "supervision": supervision_section,
        "settings": settings_section,
    }[section](config)
