"""数据 Data: import with preview and validation report (geodata, and the enterprises'
economic figures), export as shown, backup and restore."""

import hashlib

import geopandas as gpd
import pandas as pd
import streamlit as st

from gis import schema, vocabulary
from gis._errors import ParkError
from gis.auth import admin
from gis.crs import area_mu
from gis.excel import XLSX_MIME, labelled_columns
from gis.exchange import (
    crs_detect,
    figures,
    figures_fields,
    figures_prepare,
    figures_preview,
    figures_read,
    figures_suggest,
    readers,
    writers,
)
from gis.exchange.encoding import ENCODINGS
from gis.exchange.import_merge import MODES, merge, run_import
from gis.exchange.import_prepare import prepare
from gis.exchange.limits import DEFAULT_LIMITS
from gis.exchange.mapping import IMPORT_LAYERS, suggest_mapping
from gis.i18n import error_text, t
from gis.parcels import lifecycle
from layers._element import ParkGeoJson, encode_features
from layers.legend import LegendItem, LegendSection
from ui import basemap as ui_basemap
from ui import dates, mapview, onboarding, roles, shell
from ui.session import current_actor
from ui.text import error_md, message_md

FEEDBACK = "ex_feedback"  # a success message shown once after a rerun
UPLOADS = "ex_upload_round"  # bumped after an import so the uploader starts empty
DIGEST = "ex_digest"  # the file the mapping widgets were set up for
MAP_PREFIX = "ex_map_"
PREVIEW_COLOR = "#d81b60"
PREVIEW_ROWS = 200
TABS_KEY = "data_tabs"  # + language: the open tab's label
FIG_UPLOADS = "fig_upload_round"  # bumped after a figures import: a fresh uploader
FIG_DIGEST = "fig_digest"  # the figures file the widgets below were set up for
FIG_FILE_KEYS = ("fig_map_", "fig_year", "fig_months", "fig_sheet", "fig_encoding", "fig_kind")

lang = shell.lang()
store = shell.store()


def layer_label(name: str) -> str:
    spec = schema.layer_spec(name)
    return spec.label_zh if lang == "zh" else spec.label_en


def encoding_choice(key: str) -> str | None:
    """The text encoding the user picks for an upload (None: detect it)."""
    choice = st.selectbox(
        t("import_encoding", lang),
        ["auto", *ENCODINGS],
        key=key,
        format_func=lambda e: t("import_encoding_auto", lang) if e == "auto" else e,
    )
    return None if choice == "auto" else choice


def show_error(exc: ParkError) -> None:
    st.error(error_text(exc, lang))


def show_safe_error(exc: ParkError) -> None:
    st.error(error_md(exc, lang))


@st.cache_data(show_spinner=False, max_entries=4)
def read_cached(name: str, data: bytes, encoding: str | None, layer: str | None):
    return readers.read_upload(name, data, encoding=encoding, layer=layer)


def preview_extras(features: gpd.GeoDataFrame, key: str):
    """The features about to be imported, outlined on the park map."""

    def extras(frames: dict, lang_: str):
        props = pd.DataFrame({"c": features[key].astype(str)})
        spec = {
            "key": "import_preview",
            "stroke": PREVIEW_COLOR,
            "fill": PREVIEW_COLOR,
            "weight": 3,
            "opacity": 1.0,
            "fillOpacity": 0.25,
            "radius": 7,
            "tooltip": [[t("col_code", lang_), "c", None, ""]],
            "lookups": {},
            "label": "c",
            "labelMinZoom": 14,
        }
        layer = ParkGeoJson(
            encode_features(features, props), name=t("layer_import_preview", lang_), spec=spec
        )
        legend = LegendSection(
            t("import_preview", lang_),
            (LegendItem(t("layer_import_preview", lang_), PREVIEW_COLOR, "outline"),),
        )
        return [layer], [legend]

    return extras


def reset_mapping_if_new_file(digest: str) -> None:
    if st.session_state.get(DIGEST) != digest:
        stale = [k for k in st.session_state if str(k).startswith(MAP_PREFIX) or k == "ex_layer"]
        for k in stale:
            del st.session_state[k]
        st.session_state[DIGEST] = digest


def mapping_widgets(target: str, columns: list[str]) -> dict[str, str | None]:
    """One selectbox per column of ``target``: required and suggested ones first.

    Folded away once the identifying column is found, so the preview stays in view.
    """
    spec = schema.layer_spec(target)
    suggested = suggest_mapping(target, columns)
    options = ["", *columns]
    first = [c for c in spec.columns if c.required or suggested[c.name]]
    ordered = first + [c for c in spec.columns if c not in first]
    found = sum(1 for v in suggested.values() if v)
    title = f"{t('import_mapping', lang)} ({found}/{len(spec.columns)})"
    with st.expander(title, expanded=not suggested[spec.key]):
        st.caption(t("import_mapping_help", lang))
        return mapping_grid(
            ordered, options, suggested, f"{MAP_PREFIX}{target}_", mark_required=True
        )


def mapping_grid(
    columns, options: list[str], suggested: dict, key_prefix: str, *, mark_required: bool
) -> dict[str, str | None]:
    """Three columns of select boxes: for each of our ``columns``, the source column."""
    mapping: dict[str, str | None] = {}
    grid = st.columns(3)
    for i, column in enumerate(columns):
        label = column.label(lang) + (f"({column.unit})" if column.unit else "")
        label += " *" if mark_required and column.required else ""
        picked = grid[i % 3].selectbox(
            label,
            options,
            index=options.index(suggested[column.name] or ""),
            key=f"{key_prefix}{column.name}",
            format_func=lambda o: o or t("import_unmapped", lang),
        )
        mapping[column.name] = picked or None
    return mapping


def geometry_report_lines(prepared) -> list[str]:
    report = prepared.geometry
    lines = [
        t("import_repaired", lang, row=row + 1, reason=reason, result=result)
        for row, reason, result in report.repaired
    ]
    lines += [
        t("import_dropped", lang, row=row + 1, reason=reason) for row, reason in report.dropped
    ]
    lines += [
        t("import_converted", lang, row=row + 1, source=a, target=b)
        for row, a, b in report.converted
    ]
    return lines


def import_tab() -> None:
    if not roles.allowed("import", lang):
        return
    actor = current_actor()
    # The target layer comes first: the onboarding's 去导入 buttons preselect it (#12).
    target = st.selectbox(
        t("import_target", lang), list(IMPORT_LAYERS), key="ex_target", format_func=layer_label
    )
    onboarding.opened_hint(lang, target)
    round_ = st.session_state.get(UPLOADS, 0)
    uploaded = st.file_uploader(
        t("import_upload", lang),
        # .shp and .dwg are accepted only to explain what to upload instead.
        type=[*(s.lstrip(".") for s in readers.FORMATS), "shp", "dwg"],
        key=f"ex_file_{round_}",
        help=t("import_upload_help", lang, limit_mb=DEFAULT_LIMITS.max_upload_bytes // 2**20),
    )
    if uploaded is None:
        return
    name, data = uploaded.name, uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    reset_mapping_if_new_file(digest)
    try:
        fmt = readers.file_format(name)
    except ParkError as exc:
        show_error(exc)
        return
    encoding = None
    if fmt in readers.TEXT_FORMATS:
        encoding = encoding_choice("ex_encoding")
    try:
        source = read_cached(name, data, encoding, None)
        if len(source.layers) > 1:
            layer = st.selectbox(t("import_layer", lang), list(source.layers), key="ex_layer")
            if layer != source.layer:
                source = read_cached(name, data, encoding, layer)
    except ParkError as exc:
        show_error(exc)
        return
    st.success(t("import_read_ok", lang, name=name, fmt=fmt, count=len(source.frame)))
    if source.encoding is not None:
        st.caption(
            t(
                "import_encoding_found",
                lang,
                encoding=source.encoding.encoding,
                source=t(f"enc_source_{source.encoding.source}", lang),
            )
        )
    for key, params in source.notes:
        st.caption(t(key, lang, **params))
    if source.text_preview:
        with st.expander(t("import_text_preview", lang)):
            st.code(source.text_preview, language=None)

    left, middle, right = st.columns(3)
    crs_choice = left.selectbox(
        t("import_crs", lang),
        ["auto", *crs_detect.CRS_CHOICES],
        key="ex_crs",
        format_func=lambda c: t("import_crs_auto", lang) if c == "auto" else c,
    )
    datum = middle.selectbox(t("import_datum", lang), list(crs_detect.DATUMS), key="ex_datum")
    swap_choice = right.radio(
        t("import_swap", lang),
        ["auto", "yes", "no"],
        key="ex_swap",
        horizontal=True,
        format_func=lambda s: t(f"import_swap_{s}", lang),
    )
    swap = None if swap_choice == "auto" else swap_choice == "yes"
    try:
        placed = crs_detect.place(
            source.frame, declared=source.declared_crs, choice=crs_choice, datum=datum, swap=swap
        )
    except ParkError as exc:
        show_error(exc)
        return
    st.caption(
        t(
            "import_crs_found",
            lang,
            crs=placed.crs,
            reason=t(f"crs_reason_{placed.reason}", lang),
            swapped=t("import_swapped_note", lang) if placed.swapped else "",
        )
    )
    for key, params in placed.notes:
        st.caption(t(key, lang, **params))
    if placed.outside:
        st.warning(t("import_outside", lang, count=placed.outside))

    mapping = mapping_widgets(target, [str(c) for c in source.frame.columns if c != "geometry"])

    mode = st.radio(
        t("import_mode", lang),
        list(MODES),
        key="ex_mode",
        horizontal=True,
        format_func=lambda m: t(f"mode_{m}", lang),
    )
    frames = shell.frames()
    defaults: dict[str, object] = {}
    grid = st.columns(4)
    if target == "parcels":
        blocks = frames["blocks"]
        names = dict(zip(blocks["block_id"], blocks["name"], strict=True))
        block = grid[0].selectbox(
            t("import_default_block", lang),
            ["", *names],
            key="ex_default_block",
            format_func=lambda b: names.get(b, t("import_no_default", lang)),
        )
        uses = {u.code: u.label(lang) for u in vocabulary.LAND_USES}
        land_use = grid[1].selectbox(
            t("import_default_land_use", lang),
            list(uses),
            key="ex_default_land_use",
            format_func=uses.__getitem__,
        )
        defaults = {"block_id": block or None, "land_use": land_use}
    author = actor.author  # the signed-in account, never a name typed in
    grid[2].caption(t("import_author", lang) + "：" + author)
    # Any typed date reaches the server; one after today is refused below (#11, 2).
    effective = dates.date_input(
        t("import_effective", lang), value=shell.as_of(), key="ex_effective", container=grid[3]
    )

    st.subheader(t("import_preview", lang))
    prepared = prepare(
        placed.frame, layer=target, mapping=mapping, stated_area_m2=source.stated_area_m2
    )
    for line in geometry_report_lines(prepared):
        st.caption(line)
    for key, params in prepared.warnings:  # shown even when the import is blocked
        st.warning(message_md(key, lang, params))
    problems: list[ParkError] = list(prepared.problems)
    if (late := lifecycle.future_date_error(effective)) is not None:  # the effective date
        problems.append(late)
    merged = None
    if not problems:
        try:
            merged = merge(
                frames,
                prepared,
                mode=mode,
                defaults=defaults,
                author=author,
                effective_date=effective,
                note=f"导入 {name}",
            )
        except ParkError as exc:
            problems.append(exc)
    for problem in problems:
        show_error(problem)
    spec = schema.layer_spec(target)
    features = prepared.features
    if not features.empty:
        table = pd.DataFrame(features.drop(columns="geometry"))
        if "land_use" in table.columns:  # codes shown as the labels the user knows
            uses = {u.code: u.label(lang) for u in vocabulary.LAND_USES}
            table["land_use"] = table["land_use"].map(lambda c: uses.get(c, c))
        for field in vocabulary.STATUS_FIELDS:
            if target == "parcels" and field in table.columns:
                labels = {s.code: s.label(lang) for s in vocabulary.statuses(field)}
                table[field] = table[field].map(lambda c, m=labels: m.get(c, c))
        if spec.geometry_type == "Polygon":
            table[t("col_area_mu", lang)] = area_mu(features).round(2).to_numpy()
        st.dataframe(
            labelled_columns(table.head(PREVIEW_ROWS), spec, lang), hide_index=True, key="ex_table"
        )
    if merged is not None:
        counts = {"added": len(merged.added), "updated": len(merged.updated)}
        if mode == "replace":
            counts["removed"] = len(merged.removed)
        caption = "import_replace_caption" if mode == "replace" else "import_preview_caption"
        st.caption(t(caption, lang, layer=layer_label(target), **counts))
        if merged.removed:
            codes = "、".join(merged.removed) if lang == "zh" else ", ".join(merged.removed)
            st.warning(
                message_md(
                    "import_replace_removed", lang, {"count": len(merged.removed), "codes": codes}
                )
            )
        for key, params in merged.notes:
            if (key, params) not in prepared.warnings:  # those are shown above
                st.info(t(key, lang, **params))
        if not merged.overlaps.empty:
            st.warning(t("import_overlaps", lang))
            st.dataframe(
                merged.overlaps.rename(
                    columns={c: t(f"col_{c}", lang) for c in merged.overlaps.columns}
                ),
                hide_index=True,
            )
        if prepared.stated_area_m2 is not None:
            if merged.area_mismatches.empty:
                st.success(t("import_area_ok", lang, count=len(features)))
            else:
                st.warning(t("import_area_mismatch", lang))
                st.dataframe(
                    merged.area_mismatches.rename(
                        columns={c: t(f"col_{c}", lang) for c in merged.area_mismatches.columns}
                    ),
                    hide_index=True,
                )
    if not features.empty and spec.key in features.columns:
        preview_key = hashlib.sha256(
            (digest + target + str(sorted(mapping.items())) + placed.crs).encode()
        ).hexdigest()[:16]
        m = mapview.park_map(
            vocabulary.SALE_FIELD,
            as_of=shell.as_of(),
            extras=preview_extras(features, spec.key),
            extras_key=f"import-{preview_key}",
        )
        mapview.show(m, key="ex_preview_map")
    if problems:
        st.info(t("import_blocked", lang))
    if st.button(
        t("import_button", lang), key="ex_import", type="primary", disabled=bool(problems)
    ):
        try:
            outcome = run_import(
                store,
                prepared,
                mode=mode,
                defaults=defaults,
                actor=actor,
                effective_date=effective,
                note=f"导入 {name}",
                source=name,
            )
        except ParkError as exc:
            show_error(exc)
            return
        counts = {"added": len(outcome.added), "updated": len(outcome.updated)}
        if mode == "replace":
            counts["removed"] = len(outcome.removed)
        st.session_state[FEEDBACK] = t(
            "import_done_replace" if mode == "replace" else "import_done",
            lang,
            backup=outcome.backup.name,
            **counts,
        )
        st.session_state[UPLOADS] = round_ + 1
        st.rerun()


@st.cache_data(show_spinner=False, max_entries=4)
def read_figures_cached(name: str, data: bytes, encoding: str | None, sheet: str | None):
    return figures_read.read_figure_table(name, data, encoding=encoding, sheet=sheet)


@st.cache_data(show_spinner=False, max_entries=8)
def figures_template_cached(layer: str, lang_: str) -> bytes:
    return figures.figures_template(layer, lang_)


def reset_figures_if_new_file(digest: str) -> None:
    if st.session_state.get(FIG_DIGEST) != digest:
        stale = [k for k in st.session_state if str(k).startswith(FIG_FILE_KEYS)]
        for k in stale:
            del st.session_state[k]
        st.session_state[FIG_DIGEST] = digest


def figure_mapping_widgets(layer: str, columns: list[str]) -> dict[str, str | None]:
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
        return mapping_grid(fields, options, suggested, f"fig_map_{layer}_", mark_required=False)


def figures_preview_table(preview: figures_preview.FiguresPreview, prepared) -> pd.DataFrame:
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


def figures_tab() -> None:
    st.caption(t("fig_intro", lang))
    if not roles.allowed("edit_figures", lang):
        return
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    layer = left.selectbox(
        t("fig_layer", lang),
        list(figures_fields.FIGURE_LAYERS),
        key="fig_layer",
        format_func=layer_label,
    )
    onboarding.opened_hint(lang, layer)
    filename = f"{layer_label(layer)}{'导入模板' if lang == 'zh' else ' template'}.xlsx"
    right.download_button(
        t("fig_template", lang),
        data=figures_template_cached(layer, lang),
        file_name=filename,
        mime=XLSX_MIME,
        key="fig_template",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )
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
    name, data = uploaded.name, uploaded.getvalue()
    reset_figures_if_new_file(hashlib.sha256(data).hexdigest()[:16])
    try:
        fmt = figures_read.file_format(name)
    except ParkError as exc:
        show_safe_error(exc)
        return
    encoding = None
    if fmt == "csv":
        encoding = encoding_choice("fig_encoding")
    try:
        sheet = None
        if fmt == "xlsx":
            sheets = figures_read.sheet_names(data)
            if len(sheets) > 1:
                sheet = st.selectbox(t("fig_sheet", lang), list(sheets), key="fig_sheet")
        table = read_figures_cached(name, data, encoding, sheet)
    except ParkError as exc:
        show_safe_error(exc)
        return
    st.success(
        message_md(
            "fig_read_ok",
            lang,
            {"name": name, "count": len(table.frame), "header": table.header_row},
        )
    )
    if table.encoding is not None:
        st.caption(
            t(
                "import_encoding_found",
                lang,
                encoding=table.encoding.encoding,
                source=t(f"enc_source_{table.encoding.source}", lang),
            )
        )
    if table.title:
        st.caption(message_md("fig_title", lang, {"title": table.title}))
    if table.text_preview:
        with st.expander(t("import_text_preview", lang)):
            st.code(table.text_preview, language=None)

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
    mapping = figure_mapping_widgets(layer, table.columns)
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
    for key, params in preview.notes:
        st.caption(message_md(key, lang, params))
    for problem in preview.problems:
        show_safe_error(problem)
    if not preview.rows.empty:
        st.dataframe(
            figures_preview_table(preview, prepared).head(PREVIEW_ROWS),
            hide_index=True,
            key="fig_table",
        )
    if preview.ok:
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
    else:
        st.info(t("import_blocked", lang))
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
            show_safe_error(exc)
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


def export_tab() -> None:
    frames = mapview.frames_as_of(shell.frames(), shell.as_of())
    left, middle, right = st.columns(3)
    layer = left.selectbox(
        t("export_layer", lang),
        list(writers.EXPORT_LAYERS),
        key="ex_out_layer",
        format_func=layer_label,
    )
    blocks = frames["blocks"]
    names = dict(
        zip(blocks["block_id"], blocks["name" if lang == "zh" else "name_en"], strict=True)
    )
    block_ids = middle.multiselect(
        t("export_blocks", lang),
        list(names),
        key="ex_out_blocks",
        format_func=names.__getitem__,
        placeholder=t("all_blocks", lang),
    )
    fmt = right.selectbox(
        t("export_format", lang),
        list(writers.EXPORT_FORMATS),
        key="ex_out_format",
        format_func=lambda f: t(f"fmt_{f}", lang),
    )
    spec = schema.layer_spec(layer)
    if fmt == "txt" and spec.geometry_type != "Polygon":
        st.info(t("export_txt_polygons", lang))
        return
    crs = None
    options = st.columns(3)
    if fmt in writers.CRS_OPTIONS:
        crs = options[0].selectbox(
            t("export_crs", lang),
            list(writers.CRS_OPTIONS[fmt]),
            key="ex_out_crs",
            format_func=lambda c: writers.crs_name(c, lang),
        )
    encoding = "UTF-8"
    if fmt in ("shp", "txt"):
        encoding = options[1].radio(
            t("export_encoding", lang),
            list(writers.SHP_ENCODINGS),
            key="ex_out_encoding",
            horizontal=True,
            help=t("export_encoding_help", lang),
        )
    if fmt in writers.LABELLED_FORMATS:
        st.caption(t("export_values_labels", lang))
    elif fmt in writers.CODED_FORMATS:
        st.caption(t("export_values_codes", lang))
    if fmt == "shp":
        st.caption(t("export_shp_fields", lang, filename=writers.field_dictionary_filename(layer)))
    selection = writers.filter_for_export(frames, layer, block_ids=block_ids)
    st.caption(t("export_count", lang, count=len(selection)))
    if selection.empty:
        st.info(t("export_empty", lang))
        return
    filename = writers.export_filename(layer, fmt)
    shown = blocks["name"] if lang == "zh" else blocks["name_en"].fillna(blocks["name"])
    block_names = dict(zip(blocks["block_id"], shown, strict=True))
    st.download_button(
        t("export_download", lang, filename=filename),
        # Built when clicked: writing a DXF or a Shapefile on every rerun of the page is slow.
        # Recorded in the audit trail then: what data left the system, and to whom.
        data=roles.audited(
            store,
            lambda: (
                writers.export_layer(
                    selection,
                    layer,
                    fmt,
                    crs=crs,
                    encoding=encoding,
                    lang=lang,
                    block_names=block_names,
                ).data
            ),
            target=f"{layer} {fmt} {filename}",
            rows=len(selection),
            crs=str(crs),
        ),
        file_name=filename,
        mime=writers.export_mime(fmt),
        key="ex_download",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )


def backup_tab() -> None:
    if not roles.allowed("backup", lang):
        return
    if st.button(t("backup_now", lang), key="ex_backup_now"):
        try:
            path = admin.backup(store, actor=current_actor(), reason="manual")
        except ParkError as exc:
            show_error(exc)
            return
        st.success(t("backup_done", lang, name=path.name))
    backups = store.backups()
    if not backups:
        st.info(t("backup_none", lang))
        return
    by_name = {p.name: p for p in backups}
    picked = st.selectbox(t("backup_list", lang), list(by_name), key="ex_backup_pick")
    if not roles.allowed("restore", lang):
        return
    confirm = st.checkbox(t("backup_confirm", lang), key="ex_restore_confirm")
    if st.button(t("backup_restore", lang), key="ex_restore", disabled=not confirm):
        try:
            admin.restore(store, by_name[picked], actor=current_actor())
        except ParkError as exc:
            show_error(exc)
            return
        st.session_state[FEEDBACK] = t("backup_restored", lang, name=picked)
        st.rerun()


st.header(t("data_heading", lang))
shell.show_flash(FEEDBACK)
onboarding.overview(store, shell.frames(), lang, shell.as_of().year)
# The tabs track which one is open (one state per language: the state is the label), so the
# figures tab runs only when opened: its uploader then never sits beside the import tab's.
tab_import, tab_figures, tab_export, tab_backup, tab_park, tab_basemap = st.tabs(
    [
        t("tab_import", lang),
        t("tab_figures", lang),
        t("tab_export", lang),
        t("tab_backup", lang),
        t("tab_park", lang),
        t("tab_basemap", lang),
    ],
    key=f"{TABS_KEY}_{lang}",
    on_change="rerun",
)
with tab_import:
    import_tab()
with tab_figures:
    if tab_figures.open:
        figures_tab()
with tab_export:
    export_tab()
with tab_backup:
    backup_tab()
with tab_park:
    if tab_park.open:
        onboarding.park_tab(store, lang)
with tab_basemap:  # administrators only (the section says so to the others)
    if tab_basemap.open:
        ui_basemap.settings_section(store, lang)
