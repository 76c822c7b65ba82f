"""The data page's figures import wizard (经济数据 tab): the enterprises' and projects'
economic figures from an Excel or CSV table, with a template, column mapping, period
defaults, a preview per period and the import button."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from gis import schema
from gis._errors import ParkError
from gis.excel import XLSX_MIME
from gis.exchange import (
    figures,
    figures_fields,
    figures_prepare,
    figures_preview,
    figures_read,
    figures_suggest,
)
from gis.exchange.limits import DEFAULT_LIMITS
from gis.i18n import t
from gis.store import ParkStore
from ui import onboarding, roles, shell, upload_widgets
from ui.session import current_actor
from ui.text import error_md, message_md
from ui.upload_widgets import FEEDBACK, PREVIEW_ROWS, encoding_choice, layer_label, mapping_grid

FIG_UPLOADS = "fig_upload_round"  # bumped after a figures import: a fresh uploader
FIG_DIGEST = "fig_digest"  # the figures file the widgets below were set up for
FIG_FILE_KEYS = ("fig_map_", "fig_year", "fig_months", "fig_sheet", "fig_encoding", "fig_kind")


@st.cache_data(show_spinner=False, max_entries=4)
def read_figures_cached(name: str, data: bytes, encoding: str | None, sheet: str | None):
    return figures_read.read_figure_table(name, data, encoding=encoding, sheet=sheet)


@st.cache_data(show_spinner=False, max_entries=8)
def figures_template_cached(layer: str, lang_: str) -> bytes:
    return figures.figures_template(layer, lang_)


def reset_figures_if_new_file(digest: str) -> None:
    """Forget the widgets' choices for the previous file when another is uploaded."""
    if st.session_state.get(FIG_DIGEST) != digest:
        stale = [k for k in st.session_state if str(k).startswith(FIG_FILE_KEYS)]
        for k in stale:
            del st.session_state[k]
        st.session_state[FIG_DIGEST] = digest


def figure_mapping_widgets(layer: str, columns: list[str], lang: str) -> dict[str, str | None]:
    """One selectbox per field of ``layer``; folded away once a firm column is found."""
    suggested = figures_suggest.suggest_figure_mapping(layer, columns)
    options = ["", *columns]
    fields = figures_fields.fields(layer)
    found = sum(1 for v in suggested.values() if v)
    identified = any(
        suggested[f]
        for f in ("enterprise_id", "subject_id", "credit_code", "firm_name")
        if f in suggested
    )
    with st.expander(
        f"{t('import_mapping', lang)} ({found}/{len(fields)})", expanded=not identified
    ):
        st.caption(t("fig_mapping_help", lang))
        return mapping_grid(
            fields, options, suggested, f"fig_map_{layer}_", lang=lang, mark_required=False
        )


def figures_preview_table(
    preview: figures_preview.FiguresPreview, prepared, lang: str
) -> pd.DataFrame:
    """The rows to import with the user's column names, figures the file maps only."""
    rows = preview.rows
    spec = schema.layer_spec(preview.layer)
    id_field = "enterprise_id" if preview.layer == "enterprise_years" else "subject_id"
    table = pd.DataFrame({t("fig_col_row", lang): rows["row"]})
    if "subject_kind" in rows:
        kinds = {k: t(f"fig_subject_{k}", lang) for k in figures_fields.SUBJECT_KINDS}
        table[spec.column("subject_kind").label(lang)] = rows["subject_kind"].map(kinds)
    table[t("fig_col_subject", lang)] = rows[id_field]
    table[t("fig_col_name", lang)] = rows["name"]
    table[t("fig_col_matched_by", lang)] = rows["matched_by"].map(
        lambda m: t(f"fig_matched_{m}", lang) if isinstance(m, str) else None
    )
    for name in ("year", "months"):
        if name in rows:
            table[spec.column(name).label(lang)] = rows[name]
    for name in prepared.mapped:
        column = spec.column(name)
        label = column.label(lang) + (f"({column.unit})" if column.unit else "")
        table[label] = pd.to_numeric(rows[name], errors="coerce")
    if "action" in rows:
        table[t("fig_col_action", lang)] = rows["action"].map(lambda a: t(f"fig_action_{a}", lang))
    return table


def figures_tab(store: ParkStore, lang: str) -> None:
    """The wizard, step by step; each step stops it where the file cannot go on."""
    st.caption(t("fig_intro", lang))
    if not roles.allowed("edit_figures", lang):
        return
    layer = _layer_and_template(lang)
    round_ = st.session_state.get(FIG_UPLOADS, 0)
    uploaded = st.file_uploader(
        t("fig_upload", lang),
        # .xls is accepted only to explain what to upload instead.
        type=["xlsx", "csv", "xls"],
        key=f"fig_file_{round_}",
        help=t("fig_upload_help", lang, limit_mb=DEFAULT_LIMITS.max_upload_bytes // 2**20),
    )
    if uploaded is None:
        return
    table = _read_table(uploaded, lang)
    if table is None:
        return
    kind = None
    if layer == "period_figures":
        suggested = figures_suggest.suggest_figure_mapping(layer, table.columns)
        st.session_state.setdefault("fig_kind", figures_suggest.suggest_kind(layer, suggested))
        kind = st.radio(
            t("fig_kind", lang),
            list(figures_fields.SUBJECT_KINDS),
            key="fig_kind",
            horizontal=True,
            format_func=lambda k: t(f"fig_kind_{k}", lang),
        )
    mapping = figure_mapping_widgets(layer, table.columns, lang)
    year, months = _period_defaults(table, layer, mapping, lang)
    mode = st.radio(
        t("fig_mode", lang),
        list(figures_fields.FIGURE_MODES),
        key="fig_mode",
        format_func=lambda m: t(f"fig_mode_{m}", lang),
    )
    st.subheader(t("import_preview", lang))
    prepared = figures_prepare.prepare_figures(
        table, layer=layer, mapping=mapping, year=year, months=months, kind=kind
    )
    version = store.data_version()
    preview = figures_preview.preview_figures(shell.frames(), prepared, mode=mode)
    _preview(preview, prepared, layer, lang)
    if st.button(t("fig_button", lang), key="fig_import", type="primary", disabled=not preview.ok):
        try:
            outcome = figures.run_figures_import(
                store,
                layer,
                prepared,
                actor=current_actor(),
                expected_version=version,
                mode=mode,
                source=uploaded.name,
            )
        except ParkError as exc:
            st.error(error_md(exc, lang))
            return
        st.session_state[FEEDBACK] = t(
            "fig_done",
            lang,
            added=outcome.added,
            replaced=outcome.replaced,
            backup=outcome.backup.name,
        )
        st.session_state[FIG_UPLOADS] = round_ + 1
        st.rerun()


def _layer_and_template(lang: str) -> str:
    """The figures layer to import into, beside the download of its template."""
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    layer = left.selectbox(
        t("fig_layer", lang),
        list(figures_fields.FIGURE_LAYERS),
        key="fig_layer",
        format_func=lambda name: layer_label(name, lang),
    )
    onboarding.opened_hint(lang, layer)
    filename = f"{layer_label(layer, lang)}{'导入模板' if lang == 'zh' else ' template'}.xlsx"
    right.download_button(
        t("fig_template", lang),
        data=figures_template_cached(layer, lang),
        file_name=filename,
        mime=XLSX_MIME,
        key="fig_template",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )
    return layer


def _read_table(uploaded, lang: str):
    """The uploaded table read (sheet and encoding chosen); None (and the error) if not."""
    name, data = uploaded.name, uploaded.getvalue()
    reset_figures_if_new_file(hashlib.sha256(data).hexdigest()[:16])
    try:
        fmt = figures_read.file_format(name)
    except ParkError as exc:
        st.error(error_md(exc, lang))
        return None
    encoding = None
    if fmt == "csv":
        encoding = encoding_choice("fig_encoding", lang)
    try:
        sheet = None
        if fmt == "xlsx":
            sheets = figures_read.sheet_names(data)
            if len(sheets) > 1:
                sheet = st.selectbox(t("fig_sheet", lang), list(sheets), key="fig_sheet")
        table = read_figures_cached(name, data, encoding, sheet)
    except ParkError as exc:
        st.error(error_md(exc, lang))
        return None
    st.success(
        message_md(
            "fig_read_ok",
            lang,
            {"name": name, "count": len(table.frame), "header": table.header_row},
        )
    )
    upload_widgets.read_notes(table.encoding, None, lang)
    if table.title:
        st.caption(message_md("fig_title", lang, {"title": table.title}))
    upload_widgets.read_notes(None, table.text_preview, lang)
    return table


def _period_defaults(table, layer: str, mapping: dict, lang: str):
    """The year (and months) for every row where the file maps none: (year, months)."""
    guessed_year, guessed_months = table.period()
    year = months = None
    cells = iter(st.columns(3))
    if not mapping.get("year"):
        st.session_state.setdefault("fig_year", guessed_year or shell.as_of().year)
        year = int(
            next(cells).number_input(
                t("fig_year_default", lang),
                min_value=figures_fields.YEAR_RANGE[0],
                max_value=figures_fields.YEAR_RANGE[1],
                step=1,
                key="fig_year",
            )
        )
    if layer == "period_figures" and not mapping.get("months"):
        st.session_state.setdefault("fig_months", guessed_months or shell.as_of().month)
        months = int(
            next(cells).number_input(
                t("fig_months_default", lang), min_value=1, max_value=12, step=1, key="fig_months"
            )
        )
    return year, months


def _preview(preview: figures_preview.FiguresPreview, prepared, layer: str, lang: str) -> None:
    """Notes, problems, the rows to import and what each period gains or loses."""
    for key, params in preview.notes:
        st.caption(message_md(key, lang, params))
    for problem in preview.problems:
        st.error(error_md(problem, lang))
    if not preview.rows.empty:
        st.dataframe(
            figures_preview_table(preview, prepared, lang).head(PREVIEW_ROWS),
            hide_index=True,
            key="fig_table",
        )
    if not preview.ok:
        st.info(t("import_blocked", lang))
        return
    st.caption(t("fig_preview_caption", lang, added=preview.added, replaced=preview.replaced))
    periods = preview.periods.rename(
        columns={
            "year": schema.layer_spec(layer).column("year").label(lang),
            "months": schema.PERIOD_FIGURES.column("months").label(lang),
            "rows": t("fig_col_rows", lang),
            "added": t("fig_col_added", lang),
            "replaced": t("fig_col_replaced", lang),
        }
    )
    st.dataframe(periods, hide_index=True, key="fig_periods")
    if preview.cleared:
        cleared = "、".join(f"{c}({n})" for c, n in preview.cleared.items())
        st.warning(message_md("fig_cleared", lang, {"columns": cleared}))
