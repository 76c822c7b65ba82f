"""The parcels page's Excel section: the parcels exported, the status-update template,
and status updates uploaded, checked row by row and applied in one transaction."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gis import excel, schema
from gis._errors import ParkError
from gis.i18n import t
from gis.parcels import bulk_update, lifecycle
from ui import roles
from ui.parcel_state import ParcelPage, lookup
from ui.session import current_actor


def parcels_xlsx(parcels: pd.DataFrame, lang: str) -> bytes:
    """The parcels, labelled, as .xlsx."""
    export = excel.labelled_columns(bulk_update.parcel_export(parcels, lang), schema.PARCELS, lang)
    export = export.rename(columns={"area_mu": f"{t('card_area', lang)}({t('unit_mu', lang)})"})
    label = schema.PARCELS.label_zh if lang == "zh" else schema.PARCELS.label_en
    return excel.to_xlsx({label: export})


@st.cache_data(show_spinner=False, max_entries=4)
def _export_xlsx(path: str, version: int, lang: str) -> bytes:
    return parcels_xlsx(lookup(path, version)[1], lang)


@st.cache_data(show_spinner=False, max_entries=1)
def _template_xlsx() -> bytes:
    return excel.to_xlsx({"updates": bulk_update.update_template()})


def excel_section(page: ParcelPage) -> None:
    """The expander: export and template for everyone, the upload for editors only
    (for the others the run stops here: it is the page's last section)."""
    lang, store = page.lang, page.store
    # The files are built before the buttons (cached per data version), not when clicked: a
    # deferred file is dropped by the next rerun, and the click then spins on a disabled
    # button with no download (#11, 6a).
    with st.expander(t("excel_heading", lang)):
        c1, c2 = st.columns(2)
        c1.download_button(
            t("excel_export", lang),
            data=roles.exported(  # recorded in the audit trail once per session and version
                store,
                _export_xlsx(store.location, store.data_version(), lang),
                target="parcels.xlsx",
                rows=len(page.now_frames["parcels"]),
                once=f"{store.data_version()}:{lang}",
            ),
            file_name="parcels.xlsx",
            mime=excel.XLSX_MIME,
            key="excel_export",
            on_click="ignore",  # no rerun: the file stays served (#11, 6a)
        )
        c2.download_button(
            t("excel_template", lang),
            data=_template_xlsx(),
            file_name="status-updates-template.xlsx",
            mime=excel.XLSX_MIME,
            key="excel_template",
            on_click="ignore",  # no rerun: the file stays served (#11, 6a)
        )
        if not roles.allowed("edit_status", lang):
            st.stop()  # the page's last section: the upload below is for editors only
        _upload(page)


def _upload(page: ParcelPage) -> None:
    """The uploaded updates checked row by row; applied when every row is right."""
    lang, parcels = page.lang, page.now_frames["parcels"]
    actor = current_actor()
    upload = st.file_uploader(t("excel_upload", lang), type=["xlsx"], key="excel_upload")
    done = st.session_state.get("excel_done")
    if upload is not None and done and done[0] == upload.file_id:
        st.success(t("excel_applied", lang, rows=done[1]))  # not re-checked against itself
        return
    if upload is None:
        return
    try:
        sheet = excel.read_xlsx(upload.getvalue())
        checks = bulk_update.check_update_rows(
            sheet, parcels, page.now_frames["status_events"], author=actor.author
        )
    except ParkError as exc:
        st.error(lifecycle.error_message(exc, lang))
        return
    preview = pd.DataFrame([c.values for c in checks], columns=list(bulk_update.TEMPLATE_HEADERS))
    preview.insert(0, t("excel_row", lang), [c.row for c in checks])
    preview[t("excel_check", lang)] = [
        lifecycle.error_message(c.error, lang) if c.error else t("excel_ok", lang) for c in checks
    ]
    st.dataframe(preview, hide_index=True, width="stretch", key="excel_preview")
    errors = sum(c.error is not None for c in checks)
    if errors:
        st.error(t("excel_errors", lang, errors=errors))
        return
    st.success(t("excel_ready", lang, rows=len(checks)))
    if st.button(t("excel_apply", lang, rows=len(checks)), key="excel_apply"):
        changes = [c.change for c in checks if c.change is not None]
        touched = {ch.code for ch in changes}
        versions = {
            c: int(v)
            for c, v in zip(parcels["code"], parcels["version"], strict=True)
            if c in touched
        }
        try:
            lifecycle.record_changes(page.store, changes, actor=actor, expected_versions=versions)
        except ParkError as exc:
            st.error(lifecycle.error_message(exc, lang))
        else:
            st.session_state["excel_done"] = (upload.file_id, len(changes))
            st.rerun()
