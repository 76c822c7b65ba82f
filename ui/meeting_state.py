"""The meeting page's view state: which saved view is on screen, how the widgets under the
map, the ``?view=`` deep link and the sidebar date change it, and the callbacks that
apply a view (previous, next, picked)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from gis import vocabulary
from gis.i18n import t
from gis.meeting import views as meeting_views
from gis.store import ParkStore
from ui import shell

STATE = "mtg_state"  # the ViewState on screen
CURRENT = "mtg_view_id"  # the saved view it came from (None: not a saved view)
GEN = "mtg_gen"  # bumped when a view is applied: state widgets are re-created with its values
NONCE = "mtg_nonce"  # bumped when a view is applied: makes the map re-centre even if unchanged
LINK_SEEN = "mtg_link_seen"  # the ?view= value already acted on
SIDEBAR_SEEN = "mtg_sidebar_as_of"  # the sidebar date last seen (a change there wins)
EDIT_BASE = "mtg_edit_base"  # (annotation_id, version) the edit form is based on
FEEDBACK = "mtg_feedback"
PACK = "mtg_pack"
PRESENT = "mtg_present"
SEEN = "mtg_seen"  # the map's last report of what it shows (centre, zoom, bounds), or None


@dataclass(frozen=True)
class MeetingPage:
    """One run of the meeting page: the saved views, the view state on screen and its date."""

    lang: str
    store: ParkStore
    now_frames: Mapping[str, pd.DataFrame]
    views: list[meeting_views.SavedView]
    sidebar_as_of: date
    state: meeting_views.ViewState
    as_of: date
    present: bool
    current: meeting_views.SavedView | None
    modified: bool  # the view on screen differs from the saved one it came from


def apply(view: meeting_views.SavedView, *, in_callback: bool = True) -> None:
    """Put ``view`` on screen (and in the URL)."""
    ss = st.session_state
    ss[STATE] = view.state
    ss[CURRENT] = view.view_id
    ss[GEN] += 1
    ss[NONCE] += 1
    ss[LINK_SEEN] = view.view_id
    st.query_params["view"] = view.view_id
    if view.state.as_of is not None:
        st.query_params["as_of"] = view.state.as_of.isoformat()
    if in_callback and view.state.as_of is not None:
        # The sidebar's date widget may only be set before it is drawn: in a callback.
        ss[shell.AS_OF_KEY] = view.state.as_of
        ss[SIDEBAR_SEEN] = view.state.as_of


def step(views: list[meeting_views.SavedView], offset: int) -> None:
    """Callback of the previous/next buttons."""
    target = meeting_views.step_view(views, st.session_state[CURRENT], offset)
    if target is not None:
        apply(target)


def pick(views: list[meeting_views.SavedView]) -> None:
    """Callback of the view picker."""
    ss = st.session_state
    target = meeting_views.find_view(views, ss.get(f"mtg_pick_{ss[GEN]}"))
    if target is not None:
        apply(target)


def _sync_state_widgets(now_frames: Mapping[str, pd.DataFrame]) -> None:
    """Take the colouring, blocks and layers chosen under the map into the view state.

    Read from the widgets' values at the start of every run rather than in on_change
    callbacks: a callback can be lost when a map report's rerun and a widget change
    cross, leaving the widget showing one block and the map another.
    """
    ss = st.session_state
    gen = ss[GEN]
    # Right after a language switch a widget may briefly hold an old label instead of a
    # code: only codes are taken.
    allowed = {
        "field": set(vocabulary.STATUS_FIELDS),
        "block_ids": set(now_frames["blocks"]["block_id"].astype(str)),
        "layers": set(meeting_views.LAYER_KEYS),
    }
    for name, widget in (("field", "field"), ("block_ids", "blocks"), ("layers", "layers")):
        key = f"mtg_{widget}_{gen}"
        if key not in ss:
            continue  # not drawn yet with this generation: it starts from the state
        value = ss[key]
        value = tuple(value) if isinstance(value, list) else value
        codes = value if isinstance(value, tuple) else (value,)
        if getattr(ss[STATE], name) == value or not set(codes) <= allowed[name]:
            continue
        # Keep the map where the user has it; other blocks drop the position (fit them).
        shown = meeting_views.seen_view(ss[STATE], ss.get(SEEN), now_frames)
        new = meeting_views.change_view(shown, **{name: value})
        if new.center is None:
            ss[NONCE] += 1  # a fresh map, fitted to the view's blocks
        ss[STATE] = new


def _follow_link(views: list[meeting_views.SavedView], lang: str) -> None:
    """Apply the view the ``?view=`` link names (once per link); warn if there is none."""
    ss = st.session_state
    link = st.query_params.get("view")
    if link and ss.get(LINK_SEEN) != link:
        ss[LINK_SEEN] = link
        linked = meeting_views.find_view(views, link)
        if linked is None:
            st.warning(t("mtg_view_not_found", lang, view_id=link))
        else:
            apply(linked, in_callback=False)


def _follow_sidebar(now_frames: Mapping[str, pd.DataFrame]) -> date:
    """The sidebar date; a change there wins over the view's date. Returns it."""
    ss = st.session_state
    sidebar_as_of = shell.as_of()
    if ss.get(SIDEBAR_SEEN) is None:
        ss[SIDEBAR_SEEN] = sidebar_as_of
    elif ss[SIDEBAR_SEEN] != sidebar_as_of:  # the user changed the sidebar date: it wins
        ss[SIDEBAR_SEEN] = sidebar_as_of
        shown = meeting_views.seen_view(ss[STATE], ss.get(SEEN), now_frames)
        ss[STATE] = meeting_views.change_view(shown, as_of=sidebar_as_of)
    return sidebar_as_of


def read() -> MeetingPage:
    """The page's state for this run, after the link, the widgets and the sidebar had
    their say (in that order)."""
    ss = st.session_state
    lang, store, now_frames = shell.lang(), shell.store(), shell.frames()
    views = meeting_views.list_views(now_frames["saved_views"])
    ss.setdefault(STATE, meeting_views.ViewState())
    ss.setdefault(CURRENT, None)
    ss.setdefault(GEN, 0)
    ss.setdefault(NONCE, 0)
    _follow_link(views, lang)
    _sync_state_widgets(now_frames)
    if st.query_params.get("present") == "1" and not ss.get("mtg_present_seen"):
        ss["mtg_present_seen"] = True
        ss[PRESENT] = True  # ?view=<id>&present=1 opens straight into presentation mode
    sidebar_as_of = _follow_sidebar(now_frames)
    state: meeting_views.ViewState = ss[STATE]
    current = meeting_views.find_view(views, ss[CURRENT])
    return MeetingPage(
        lang=lang,
        store=store,
        now_frames=now_frames,
        views=views,
        sidebar_as_of=sidebar_as_of,
        state=state,
        as_of=state.as_of or sidebar_as_of,
        present=ss.get(PRESENT, False),
        current=current,
        # The heading and the picker say the same: the view on screen, marked if changed.
        modified=current is not None and meeting_views.is_modified(current.state, state),
    )
