"""The data page's 导出 and 备份 tabs: a layer exported as shown (format, coordinate system,
encoding, blocks), and backups made and restored."""

from __future__ import annotations

import streamlit as st

from gis import schema
from gis._errors import ParkError
from gis.auth import admin
from gis.exchange import writers
from gis.i18n import error_text, t
from gis.store import ParkStore
from ui import roles, shell
from ui.session import current_actor
from ui.upload_widgets import FEEDBACK, layer_label


def export_tab(store: ParkStore, lang: str) -> None:
    """Layer, blocks and format chosen; the file built (and audited) when downloaded."""
    frames = shell.frames_as_of(shell.frames(), shell.as_of())
    left, middle, right = st.columns(3)
    layer = left.selectbox(
        t("export_layer", lang),
        list(writers.EXPORT_LAYERS),
        key="ex_out_layer",
        format_func=lambda name: layer_label(name, lang),
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
    crs, encoding = _format_options(layer, fmt, lang)
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


def _format_options(layer: str, fmt: str, lang: str) -> tuple[str | None, str]:
    """The coordinate system and encoding the format offers, with notes on its values."""
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
    return crs, encoding


def backup_tab(store: ParkStore, lang: str) -> None:
    """A backup made now, the list of backups, and a confirmed restore of one."""
    if not roles.allowed("backup", lang):
        return
    if st.button(t("backup_now", lang), key="ex_backup_now"):
        try:
            path = admin.backup(store, actor=current_actor(), reason="manual")
        except ParkError as exc:
            st.error(error_text(exc, lang))
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
            st.error(error_text(exc, lang))
            return
        st.session_state[FEEDBACK] = t("backup_restored", lang, name=picked)
        st.rerun()
