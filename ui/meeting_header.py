"""The top of the meeting page: its styles (presentation mode for the big screen), the
heading with the view on screen, the previous/picker/next navigation, the presentation
toggle, and the strip of key figures."""

from __future__ import annotations

from datetime import date

import streamlit as st

from gis.i18n import t
from gis.meeting import pack
from gis.meeting import views as meeting_views
from ui import missing, shell
from ui.meeting_state import GEN, PRESENT, MeetingPage, pick, step
from ui.text import md

PRESENT_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"] { display: none !important; }
.block-container { padding-top: 0.6rem !important; padding-bottom: 0.5rem !important;
  max-width: 100% !important; }
[data-testid="stMetricValue"] { font-size: 2.7rem !important; line-height: 1.1; }
[data-testid="stMetricLabel"] p { font-size: 1.35rem !important; }
[data-testid="stMetricDelta"] { font-size: 1.1rem !important; }
h1, h2, h3 { font-size: 2.0rem !important; padding: 0.2rem 0 !important; }
[data-testid="stProgress"] p, [data-testid="stCaptionContainer"] { font-size: 1.15rem !important; }
.stButton button p, [data-testid="stSelectbox"] div { font-size: 1.15rem !important; }
</style>
"""
STRIP_CSS = """
<style>
[data-testid="stMetricValue"] { font-size: 2.0rem; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem; }
</style>
"""


def _view_name(page: MeetingPage, view: meeting_views.SavedView) -> str:
    current = page.current
    if page.modified and current is not None and view.view_id == current.view_id:
        return t("mtg_view_modified", page.lang, name=view.name)
    return view.name


def header(page: MeetingPage) -> None:
    """Styles, heading, navigation between the saved views, and the presentation toggle."""
    lang, views, current = page.lang, page.views, page.current
    st.markdown(PRESENT_CSS if page.present else STRIP_CSS, unsafe_allow_html=True)
    title_col, nav_col, toggle_col = st.columns([5, 6, 3], vertical_alignment="center")
    heading = t("mtg_heading", lang) + (f" · {_view_name(page, current)}" if current else "")
    title_col.subheader(heading)
    toggle_col.toggle(t("mtg_present", lang), key=PRESENT, help=t("mtg_present_help", lang))
    if views:
        prev_col, pick_col, next_col = nav_col.columns([2, 4, 2], vertical_alignment="bottom")
        prev_col.button(
            t("mtg_view_prev", lang),
            key="mtg_prev",
            on_click=step,
            args=(views, -1),
            width="stretch",
        )
        next_col.button(
            t("mtg_view_next", lang),
            key="mtg_next",
            on_click=step,
            args=(views, 1),
            width="stretch",
        )
        ids = [v.view_id for v in views]
        names = {v.view_id: f"{n}. {_view_name(page, v)}" for n, v in enumerate(views, 1)}
        pick_col.selectbox(
            t("mtg_view_pick", lang),
            ids,
            index=ids.index(current.view_id) if current else None,
            format_func=names.__getitem__,
            key=f"mtg_pick_{st.session_state[GEN]}",
            on_change=pick,
            args=(views,),
            placeholder=t("mtg_view_none", lang),
            label_visibility="collapsed",
        )
    else:
        nav_col.caption(t("mtg_no_views", lang))
    if not page.present:  # the big screen shows the park, not the committee's to-do list
        missing.show_missing("meeting", frames=page.now_frames, year=page.as_of.year)


@st.cache_data(show_spinner=False, max_entries=16)
def figures_of(path: str, version: int, day: date) -> pack.KeyFigures:
    """The key figures on ``day``, once per data version and date: a pan in edit mode
    reruns the page. The statuses as of ``day`` are the pages' shared replay."""
    frames = shell._frames(path, version)
    replayed = shell.frames_as_of(frames, day)["parcels"]
    return pack.key_figures(frames, day, parcels=replayed)


def key_figures(page: MeetingPage) -> None:
    """Parcels sold, started, in production and idle, and the first three targets."""
    lang, as_of = page.lang, page.as_of
    figures = figures_of(page.store.location, page.store.data_version(), as_of)
    unit = t("mtg_kf_unit_parcels", lang)
    cells = st.columns([1, 1, 1, 1, 2.2])
    cells[0].metric(t("mtg_kf_sold", lang), f"{figures.sold} {unit}")
    cells[1].metric(t("mtg_kf_started", lang), f"{figures.started} {unit}")
    cells[2].metric(t("mtg_kf_in_production", lang), f"{figures.in_production} {unit}")
    cells[3].metric(t("mtg_kf_idle", lang), f"{figures.idle} {unit}")
    with cells[4]:
        shown = figures.targets.dropna(subset=["actual"])
        st.caption(
            t("mtg_kf_targets", lang) + " · " + t("mtg_kf_as_of", lang, date=as_of.isoformat())
        )
        if shown.empty:
            st.caption(t("mtg_kf_no_targets", lang))
        for row in shown.head(3).itertuples(index=False):
            label = row.label_zh if lang == "zh" else row.label_en
            pct = row.progress_pct if row.progress_pct == row.progress_pct else 0.0
            st.progress(
                min(max(pct / 100, 0.0), 1.0),
                text=md(f"{label}: ")
                + t(
                    "mtg_kf_target_value",
                    lang,
                    actual=pack.format_amount(row.actual, row.unit),
                    target=pack.format_amount(row.target, row.unit),
                    unit=md(pack.unit_label(row.unit, lang)),
                )
                + f" ({pct:.0f}%)",
            )
