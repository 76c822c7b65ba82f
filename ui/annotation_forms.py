"""The meeting page's annotation forms: a decision recorded on the shape last drawn on the
map (note, meeting date, parcel), and a recorded one edited, re-drawn or deleted."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from gis._errors import ParkError
from gis.i18n import error_text, t
from gis.meeting import annotations as meeting_annotations
from ui import dates, roles
from ui.meeting_state import EDIT_BASE, FEEDBACK, MeetingPage
from ui.session import current_actor


def _parcel_choice(page: MeetingPage, default: str | None, key: str):
    codes = sorted(page.now_frames["parcels"]["code"].astype(str))
    options = ["", *codes]
    return st.selectbox(
        t("mtg_ann_parcel", page.lang),
        options,
        index=options.index(default) if default in options else 0,
        format_func=lambda c: c or t("mtg_ann_parcel_none", page.lang),
        key=key,
    )


def record_decision(page: MeetingPage, sketch, sketch_error: str | None) -> None:
    """The box under the map: a hint, or the form recording a decision on the sketch."""
    lang = page.lang
    with st.container(border=True):
        st.markdown(f"**{t('mtg_sketch_heading', lang)}**")
        if sketch_error:
            st.error(sketch_error)
        if sketch is None:
            st.caption(t("mtg_sketch_hint", lang))
        elif roles.allowed("annotate", lang):
            kind = t(f"mtg_sketch_kind_{sketch.geom_type}", lang)
            st.caption(t("mtg_sketch_ready", lang, kind=kind))
            _new_annotation(page, sketch)


def _new_annotation(page: MeetingPage, sketch) -> None:
    lang = page.lang
    guess = meeting_annotations.parcel_at(page.now_frames["parcels"], sketch)
    with st.form("mtg_new_annotation", clear_on_submit=False, border=False):
        note = st.text_area(t("mtg_ann_note", lang), key="mtg_new_note", height=90)
        a, c = st.columns(2)
        with a:
            meeting_day = dates.date_input(  # any date, never dropped by the browser
                t("mtg_ann_meeting_date", lang), value=date.today(), key="mtg_new_date"
            )
        with c:
            parcel = _parcel_choice(page, guess, f"mtg_new_parcel_{guess}")
        if st.form_submit_button(t("mtg_ann_save", lang), type="primary"):
            try:  # the author is the signed-in account
                new_id = meeting_annotations.add_annotation(
                    page.store,
                    sketch,
                    meeting_annotations.AnnotationInput(
                        note, meeting_day, parcel_code=parcel or None
                    ),
                    actor=current_actor(),
                )
            except ParkError as exc:
                st.error(error_text(exc, lang))
            else:
                st.session_state[FEEDBACK] = t("mtg_ann_saved", lang, annotation_id=new_id)
                st.rerun()


def edit_annotation(page: MeetingPage, log: pd.DataFrame, sketch) -> None:
    """Pick one of the log's annotations and edit or delete it (for its block's editors)."""
    lang, ss = page.lang, st.session_state
    ids = list(log["annotation_id"])
    notes = dict(zip(log["annotation_id"], log["note"], strict=True))
    pick = st.selectbox(
        t("mtg_ann_edit_pick", lang),
        ["", *ids],
        format_func=lambda i: f"{i} · {notes[i][:30]}" if i else t("mtg_ann_edit_none", lang),
        key="mtg_edit_pick",
    )
    if not pick:
        return
    row = log[log["annotation_id"] == pick].iloc[0]
    code = row["parcel_code"] if isinstance(row["parcel_code"], str) else None
    parcels = page.now_frames["parcels"]
    blocks = parcels.loc[parcels["code"] == code, "block_id"].dropna().astype(str)
    if not roles.allowed("annotate", lang, blocks=list(blocks)):
        return
    base = ss.get(EDIT_BASE)
    if base is None or base[0] != pick:
        base = (pick, int(row["version"]))
        ss[EDIT_BASE] = base
    with st.form(f"mtg_edit_{pick}", border=True):
        note = st.text_area(t("mtg_ann_note", lang), value=row["note"], key=f"mtg_edit_note_{pick}")
        a, c = st.columns(2)
        with a:
            day = dates.date_input(  # any date, never dropped by the browser
                t("mtg_ann_meeting_date", lang),
                value=date.fromisoformat(row["meeting_date"]),
                key=f"mtg_edit_date_{pick}",
            )
        with c:
            parcel = _parcel_choice(page, row["parcel_code"] or None, f"mtg_edit_parcel_{pick}")
        replace = st.checkbox(
            t("mtg_ann_replace_geometry", lang),
            value=sketch is not None,
            disabled=sketch is None,
            key=f"mtg_edit_replace_{pick}",
        )
        save, delete = st.columns(2)
        do_save = save.form_submit_button(t("mtg_ann_update", lang), type="primary")
        do_delete = delete.form_submit_button(t("mtg_ann_delete", lang))
    if not (do_save or do_delete):
        return
    item = meeting_annotations.AnnotationInput(note, day, parcel_code=parcel or None)
    _write(page, pick, base[1], item, sketch if replace else None, delete=bool(do_delete))


def _write(page: MeetingPage, pick: str, version: int, item, geometry, *, delete: bool) -> None:
    """Delete or update the annotation; the message, then a rerun."""
    ss, lang = st.session_state, page.lang
    try:
        if delete:
            meeting_annotations.delete_annotation(
                page.store, pick, expected_version=version, actor=current_actor()
            )
            ss.pop(EDIT_BASE, None)
            ss[FEEDBACK] = t("mtg_ann_deleted", lang, annotation_id=pick)
        else:
            new_version = meeting_annotations.update_annotation(
                page.store,
                pick,
                expected_version=version,
                item=item,
                actor=current_actor(),
                geometry=geometry,
            )
            ss[EDIT_BASE] = (pick, new_version)
            ss[FEEDBACK] = t("mtg_ann_saved", lang, annotation_id=pick)
    except ParkError as exc:
        st.error(error_text(exc, lang))
        return
    st.rerun()
