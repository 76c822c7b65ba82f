"""The meeting page's 视图 tab: the colouring, blocks and layers of the view on screen, the
view saved or overwritten, moved up or down, deleted, and the list of saved views with
their links."""

from __future__ import annotations

import streamlit as st

from gis import vocabulary
from gis._errors import ParkError
from gis.i18n import error_text, t
from gis.meeting import views as meeting_views
from ui import roles
from ui.meeting_state import CURRENT, FEEDBACK, GEN, LINK_SEEN, SEEN, STATE, MeetingPage
from ui.session import current_actor
from ui.text import md


def views_tab(page: MeetingPage) -> None:
    """The state widgets, then the save form and the buttons for those who may save."""
    lang = page.lang
    st.caption(t("mtg_view_state_caption", lang))
    _state_widgets(page)
    # What the map shows right now (the browser reports centre and zoom after a pan).
    seen = meeting_views.seen_view(page.state, st.session_state[SEEN], page.now_frames)
    now_state = meeting_views.with_view(seen, as_of=page.as_of)
    if not roles.allowed("save_view", lang):
        view_list(page)
        return
    _save_form(page, now_state)
    if page.current is not None:
        _order_buttons(page, page.current)
    view_list(page)


def _state_widgets(page: MeetingPage) -> None:
    """Colouring, blocks and layers; read into the view state at the next run's start."""
    lang, state, gen = page.lang, page.state, st.session_state[GEN]
    blocks = page.now_frames["blocks"]
    block_names = dict(
        zip(blocks["block_id"], blocks["name" if lang == "zh" else "name_en"], strict=True)
    )
    a, b, c = st.columns([2, 3, 4])
    a.radio(
        t("colour_by", lang),
        list(vocabulary.STATUS_FIELDS),
        index=list(vocabulary.STATUS_FIELDS).index(state.field),
        key=f"mtg_field_{gen}",
        format_func=lambda f: vocabulary.field_label(f, lang),
    )
    b.multiselect(
        t("block_filter", lang),
        list(block_names),
        default=[b for b in state.block_ids if b in block_names],
        key=f"mtg_blocks_{gen}",
        format_func=block_names.__getitem__,
        placeholder=t("all_blocks", lang),
    )
    c.multiselect(
        t("mtg_view_layers", lang),
        list(meeting_views.LAYER_KEYS),
        default=list(state.layers),
        key=f"mtg_layers_{gen}",
        format_func=lambda k: t(meeting_views.LAYER_LABEL_KEYS[k], lang),
    )


def _save_form(page: MeetingPage, now_state: meeting_views.ViewState) -> None:
    """Save what the map shows as a new view, or over the view it came from."""
    lang, current, ss = page.lang, page.current, st.session_state
    with st.form("mtg_view_form", border=False):
        name = st.text_input(t("mtg_view_name", lang), key="mtg_view_name")
        save, overwrite = st.columns(2)
        do_save = save.form_submit_button(t("mtg_view_save", lang), type="primary")
        do_overwrite = overwrite.form_submit_button(
            t("mtg_view_update", lang), disabled=current is None
        )
    if not (do_save or do_overwrite):
        return
    try:
        view_id = meeting_views.save_view(
            page.store,
            name=name or (current.name if do_overwrite and current else ""),
            state=now_state,
            actor=current_actor(),
            view_id=current.view_id if do_overwrite and current else None,
        )
    except ParkError as exc:
        st.error(error_text(exc, lang))
    else:
        ss[CURRENT] = view_id
        ss[STATE] = now_state
        ss[GEN] += 1  # the picker (keyed by GEN) is drawn anew on the saved view
        ss[LINK_SEEN] = view_id
        st.query_params["view"] = view_id
        ss[FEEDBACK] = t("mtg_view_saved", lang, name=name or view_id)
        st.rerun()


def _order_buttons(page: MeetingPage, current: meeting_views.SavedView) -> None:
    """Move the current view up or down the list, or delete it."""
    lang, store, ss = page.lang, page.store, st.session_state
    up, down, delete = st.columns(3)
    if up.button(t("mtg_view_up", lang), key="mtg_view_up"):
        meeting_views.move_view(store, current.view_id, -1, actor=current_actor())
        st.rerun()
    if down.button(t("mtg_view_down", lang), key="mtg_view_down"):
        meeting_views.move_view(store, current.view_id, 1, actor=current_actor())
        st.rerun()
    if delete.button(t("mtg_view_delete", lang), key="mtg_view_delete"):
        meeting_views.delete_view(store, current.view_id, actor=current_actor())
        ss[CURRENT] = None
        ss[GEN] += 1
        st.query_params.pop("view", None)
        ss[FEEDBACK] = t("mtg_view_deleted", lang)
        st.rerun()


def view_list(page: MeetingPage) -> None:
    """The saved views, numbered, each with its link."""
    for n, v in enumerate(page.views, 1):
        link = meeting_views.view_link(v.view_id, as_of=v.state.as_of)
        st.markdown(
            f"{n}. {md(v.name)} — `{v.view_id}` · [{t('mtg_view_link', page.lang)} {link}]({link})"
        )
