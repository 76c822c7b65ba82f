"""The meeting page's 决策记录 tab: the decisions of one meeting (or all), exported as Excel
or GeoJSON, and the form that edits one of them."""

from __future__ import annotations

import streamlit as st

from gis.excel import XLSX_MIME, labelled_columns, to_xlsx
from gis.i18n import t
from gis.meeting import annotations as meeting_annotations
from gis.meeting import pack
from gis.schema import ANNOTATIONS
from ui import roles
from ui.annotation_forms import edit_annotation
from ui.meeting_state import MeetingPage


def log_tab(page: MeetingPage, sketch) -> None:
    """The meeting picked, its decisions, their files and the edit form."""
    lang, store = page.lang, page.store
    annotations = page.now_frames["annotations"]
    if annotations.empty:
        st.info(t("mtg_log_empty", lang))
        return
    days = meeting_annotations.meeting_dates(annotations)
    day = st.selectbox(
        t("mtg_log_meeting", lang),
        ["", *days],
        format_func=lambda d: d or t("mtg_log_all_meetings", lang),
        key="mtg_log_day",
    )
    log = pack.decision_log(annotations, meeting_date=day or None)
    shown = labelled_columns(log, ANNOTATIONS, lang).rename(
        columns={"kind": t("mtg_log_kind", lang)}
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    chosen = annotations[annotations["annotation_id"].isin(log["annotation_id"])]
    x, g = st.columns(2)
    x.download_button(
        t("mtg_export_xlsx", lang),
        roles.audited(  # built (and recorded in the audit trail) when clicked
            store,
            lambda: to_xlsx({t("mtg_log_heading", lang): shown}),
            target=f"decisions-{day or 'all'}.xlsx",
            rows=len(shown),
        ),
        file_name=f"decisions-{day or 'all'}.xlsx",
        mime=XLSX_MIME,
        key="mtg_log_xlsx",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )
    g.download_button(
        t("mtg_export_geojson", lang),
        roles.audited(
            store,
            lambda: meeting_annotations.annotations_geojson(chosen),
            target=f"decisions-{day or 'all'}.geojson",
            rows=len(chosen),
        ),
        file_name=f"decisions-{day or 'all'}.geojson",
        mime="application/geo+json",
        key="mtg_log_geojson",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )
    edit_annotation(page, log, sketch)
