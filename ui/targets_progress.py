"""The year's targets against progress computed from the data (目标 section of the targets
page): one card per target, the progress table, its charts, the blocks' figures, the Excel
export and the editor of the targets table."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import streamlit as st

from gis._errors import ParkError
from gis.excel import XLSX_MIME, to_xlsx
from gis.i18n import error_text, t
from gis.targets import definitions, tracking
from ui import roles
from ui.context import PageContext
from ui.session import current_actor

#: Session-state key of the targets page's one-shot success message.
FLASH_KEY = "tg_flash"
#: Exports go to the committee's files: Chinese headers and units whatever the UI language.
XLSX_LANG = "zh"
#: Units the targets table writes in Chinese, as an English reader knows them.
_UNITS_EN = {"亩": "mu", "家": "firms"}
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


def error(exc: ParkError, lang: str) -> str:
    """The error in the UI language, with a group code ('above'/'below') put in words."""
    params = dict(exc.params)
    if params.get("group") in ("above", "below"):
        params["group"] = t(f"efficiency_group_{params['group']}", lang)
    return t(exc.key, lang, **params) if params else error_text(exc, lang)


def fmt(value: float, digits: int = 1) -> str:
    """A figure with thousands separators; "—" where there is none."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{digits}f}"


@st.cache_data(show_spinner=False, max_entries=16)
def _progress(path: str, data_version: int, year: int, day, _frames: dict) -> pd.DataFrame:
    return tracking.progress(_frames, year=year, as_of=day)


@st.cache_data(show_spinner=False, max_entries=16)
def _by_block(path: str, data_version: int, year: int, day, _frames: dict) -> pd.DataFrame:
    return tracking.progress_by_block(_frames, year=year, as_of=day)


def _unit(unit: object, lg: str) -> str:
    text = "" if unit is None or (isinstance(unit, float) and math.isnan(unit)) else str(unit)
    return _UNITS_EN.get(text, text) if lg == "en" else text


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


def _block_names(ctx: PageContext, blocks: pd.DataFrame, lg: str) -> pd.Series:
    """Each row's block name in ``lg`` (English names where the data has them)."""
    table = ctx.frames["blocks"].set_index("block_id")
    names = table["name"] if lg == "zh" else table["name_en"].fillna(table["name"])
    return blocks["block_id"].map(names).fillna(t("targets_no_block", lg))


def _block_table(
    ctx: PageContext, blocks: pd.DataFrame, prog: pd.DataFrame, lg: str
) -> pd.DataFrame:
    """Blocks × targets ("label(unit)") in language ``lg``."""
    info = prog.set_index("target_id")
    named = blocks.assign(
        block=_block_names(ctx, blocks, lg),
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


def targets_section(ctx: PageContext) -> None:
    """The 目标 section: the chosen year's progress, its charts and export, then the editor."""
    lang, as_of = ctx.lang, ctx.as_of
    table = ctx.frames["targets"]
    years = sorted({int(y) for y in pd.to_numeric(table["year"], errors="coerce").dropna()})
    if not years:
        st.info(t("targets_none", lang))
        targets_editor(ctx, table)
        return
    default = years.index(as_of.year) if as_of.year in years else len(years) - 1
    year = st.selectbox(t("targets_year", lang), years, index=default, key="tg_year")
    st.caption(t("targets_as_of", lang, date=as_of.isoformat()))
    prog = _progress(ctx.store.location, ctx.version, year, as_of, ctx.frames)
    prog = prog.assign(
        unit_shown=[_unit(u, lang) for u in prog["unit"]],
        label=prog.apply(_label, axis=1, lg=lang),
        status=prog.apply(_status, axis=1, lg=lang),
        note=prog.apply(_note, axis=1, lg=lang),
    )
    _cards(prog, lang)
    _progress_table(prog, lang)
    ok = prog[prog["computable"]]
    if len(ok):
        _progress_chart(ok, lang)
        pick, unit = _monthly_chart(ctx, ok, year)
        blocks = _block_figures(ctx, prog, year, pick, unit)
        _download(ctx, prog, blocks, year)
    targets_editor(ctx, table)


def _cards(prog: pd.DataFrame, lang: str) -> None:
    """At a glance: one card per target, four to a row."""
    columns = st.columns(4)
    for i, row in prog.reset_index(drop=True).iterrows():
        with columns[i % 4]:
            with st.container(border=True):
                value = fmt(row["value"]) if row["computable"] else "—"
                st.metric(row["label"], f"{value} {row['unit_shown']}")
                if row["computable"] and _period(row, lang):
                    st.caption(_period(row, lang))
                if row["computable"] and row["target_value"] > 0:
                    share = max(0.0, min(1.0, row["value"] / row["target_value"]))
                    st.progress(
                        share,
                        text=f"{fmt(row['progress_pct'])}% · {t('targets_col_goal', lang)} "
                        f"{fmt(row['target_value'])} {row['unit_shown']} · {row['status']}",
                    )
                else:
                    colon = "：" if lang == "zh" else ": "
                    st.caption(f"{t('targets_not_computable', lang)}{colon}{row['note']}")


def _progress_table(prog: pd.DataFrame, lang: str) -> None:
    """The progress table, one row per target."""
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
        shown[column] = [fmt(v, 2) for v in shown[column]]
    st.dataframe(shown, hide_index=True, width="stretch", key="tg_progress_table")


def _progress_chart(ok: pd.DataFrame, lang: str) -> None:
    """Bars of progress per computable target, with the expected pace as a tick."""
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


def _monthly_chart(ctx: PageContext, ok: pd.DataFrame, year: int) -> tuple[str, str]:
    """The month-by-month line of the target picked; returns its id and shown unit."""
    lang = ctx.lang
    labels = dict(zip(ok["target_id"], ok["label"], strict=True))
    pick = st.selectbox(
        t("targets_chart_pick", lang),
        list(ok["target_id"]),
        format_func=labels.get,
        key=f"tg_pick_{lang}",
    )
    series = tracking.monthly(ctx.frames, pick, year=year, as_of=ctx.as_of)
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
                x=alt.X("date:T", title=t("targets_month", lang), axis=alt.Axis(format="%Y-%m")),
                y=alt.Y("value:Q", title=unit),
                color=alt.Color("series:N", title=None),
                strokeDash=alt.StrokeDash("series:N", title=None),
                tooltip=["date:T", "series:N", alt.Tooltip("value:Q", format=",.2f")],
            )
        )
        st.altair_chart(line.properties(height=320), width="stretch")
    return pick, unit


def _block_figures(
    ctx: PageContext, prog: pd.DataFrame, year: int, pick: str, unit: str
) -> pd.DataFrame:
    """Blocks × targets, and a bar per block for the target picked; returns the blocks."""
    lang = ctx.lang
    st.subheader(t("targets_by_block", lang))
    blocks = _by_block(ctx.store.location, ctx.version, year, ctx.as_of, ctx.frames)
    if len(blocks):
        block_table = _block_table(ctx, blocks, prog, lang)
        for column in block_table.columns[1:]:  # "—" on screen where a value is missing
            block_table[column] = [fmt(v, 2) for v in block_table[column]]
        st.dataframe(block_table, hide_index=True, width="stretch", key="tg_block_table")
        mine = blocks[blocks["target_id"] == pick]
        mine = mine.assign(block=_block_names(ctx, mine, lang))
        label = str(prog.loc[prog["target_id"] == pick, "label"].iloc[0])
        bar = (
            alt.Chart(mine)
            .mark_bar()
            .encode(
                x=alt.X("block:N", title=t("targets_block", lang), sort=None),
                y=alt.Y("value:Q", title=f"{label}({unit})"),
                tooltip=["block", alt.Tooltip("value:Q", format=",.2f")],
            )
        )
        st.altair_chart(bar.properties(height=240), width="stretch")
    return blocks


def _download(ctx: PageContext, prog: pd.DataFrame, blocks: pd.DataFrame, year: int) -> None:
    """The Excel file of the progress table and the blocks' figures."""
    sheets = {t("section_targets", XLSX_LANG): _targets_table(prog, XLSX_LANG)}
    if len(blocks):
        sheets[t("targets_by_block", XLSX_LANG)] = _block_table(ctx, blocks, prog, XLSX_LANG)
    day = ctx.as_of.isoformat()
    st.download_button(
        t("download_xlsx", ctx.lang),
        roles.audited(  # built (and recorded in the audit trail) when clicked
            ctx.store,
            lambda: to_xlsx(sheets),
            target=f"targets-{year}-{day}.xlsx",
            rows=sum(len(frame) for frame in sheets.values()),
        ),
        file_name=f"targets-{year}-{day}.xlsx",
        mime=XLSX_MIME,
        key="tg_download_targets",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )


def targets_editor(ctx: PageContext, table: pd.DataFrame) -> None:
    """The expander with the editable targets table and its save button."""
    lang = ctx.lang
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
                    ctx.store, edited, actor=current_actor(), expected_version=ctx.version
                )
            except ParkError as exc:
                st.error(error(exc, lang))
            else:
                st.session_state[FLASH_KEY] = t("targets_saved", lang)
                st.rerun()
