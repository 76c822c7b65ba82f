"""The meeting pack (会议材料): a PDF and an Excel file of the view on screen, with the
scenarios and the meeting's decisions chosen, made on a click and offered for download."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from gis._errors import ParkError
from gis.excel import XLSX_MIME
from gis.i18n import error_text, t
from gis.meeting import annotations as meeting_annotations
from gis.meeting import pack_files, pack_style
from ui import basemap as ui_basemap
from ui import roles
from ui.meeting_state import PACK, MeetingPage


def _make_pack(page: MeetingPage, title: str, chosen: tuple[str, ...], meeting_day: str) -> None:
    # A callback: the pack exists before the page is drawn, so its section opens with it.
    ss, store = st.session_state, page.store
    options = pack_style.PackOptions(
        as_of=page.as_of,
        lang=page.lang,
        title=title.strip() or None,
        field=page.state.field,
        block_ids=page.state.block_ids,
        is_sample=store.is_sample(),
        meeting_date=date.fromisoformat(meeting_day) if meeting_day else None,
        scenario_ids=chosen,
        imagery=ui_basemap.print_imagery(),  # a local tiles file under the parcels (#18)
    )
    try:
        pdf = pack_files.meeting_pack_pdf(page.now_frames, options)
        xlsx = pack_files.meeting_pack_xlsx(page.now_frames, options)
    except ParkError as exc:
        ss["mtg_pack_error"] = error_text(exc, page.lang)
    else:
        day = page.as_of.isoformat()
        rows = len(page.now_frames["parcels"])
        for name in (f"meeting-pack-{day}.pdf", f"meeting-pack-{day}.xlsx"):
            roles.exported(store, None, target=name, rows=rows, once=str(store.data_version()))
        ss[PACK] = (pdf, xlsx, day)


def pack_section(page: MeetingPage) -> None:
    """Title, scenarios and meeting chosen; the make button; the files once made."""
    lang, ss = page.lang, st.session_state
    scenarios = page.now_frames["scenarios"]
    a, b, c = st.columns([3, 3, 2])
    title = a.text_input(
        t("mtg_pack_title", lang), value=t("mtg_pack_default_title", lang), key="mtg_pack_title"
    )
    if scenarios.empty:
        b.caption(t("mtg_pack_no_scenarios", lang))
        chosen: list[str] = []
    else:
        names = dict(zip(scenarios["scenario_id"], scenarios["name"], strict=True))
        chosen = b.multiselect(
            t("mtg_pack_scenario", lang),
            list(names),
            format_func=lambda i: f"{names[i]} ({i})",
            max_selections=3,
            key="mtg_pack_scenarios",
        )
    days = meeting_annotations.meeting_dates(page.now_frames["annotations"])
    meeting_day = c.selectbox(
        t("mtg_log_meeting", lang),
        ["", *days],
        format_func=lambda d: d or t("mtg_log_all_meetings", lang),
        key="mtg_pack_day",
    )
    st.button(
        t("mtg_pack_make", lang),
        type="primary",
        key="mtg_pack_make",
        on_click=partial(_make_pack, page),
        args=(title, tuple(chosen), meeting_day),
    )
    if "mtg_pack_error" in ss:
        st.error(ss.pop("mtg_pack_error"))
    if PACK in ss:
        _pack_files(*ss[PACK], lang=lang)


def _pack_files(pdf: bytes, xlsx: bytes, day: str, *, lang: str) -> None:
    """The two download buttons of the pack made."""
    st.success(t("mtg_pack_ready", lang, pages=pack_files.pdf_page_count(pdf)))
    p, x = st.columns(2)
    p.download_button(
        t("mtg_pack_pdf", lang),
        pdf,
        file_name=f"meeting-pack-{day}.pdf",
        mime="application/pdf",
        key="mtg_pack_pdf",
        type="primary",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )
    x.download_button(
        t("mtg_pack_xlsx", lang),
        xlsx,
        file_name=f"meeting-pack-{day}.xlsx",
        mime=XLSX_MIME,
        key="mtg_pack_xlsx",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )
