"""会议 Meeting: presentation mode, saved views (slides), decisions sketched on the map, pack.

Deep link: ``?view=<id>`` opens the page on a saved view (add ``&present=1`` to open it in
presentation mode). The page's map state (centre,
zoom, layers, colouring, blocks, as-of date) lives in ``st.session_state[STATE]`` as a
:class:`gis.meeting.ViewState`; stepping to a view replaces it (in a callback, so the
sidebar's as-of date can follow).
"""

import streamlit as st

from gis.i18n import t
from ui import meeting_state, shell
from ui.annotation_forms import record_decision
from ui.changes import changes_section
from ui.meeting_header import header, key_figures
from ui.meeting_log import log_tab
from ui.meeting_map import meeting_map, prepare_steps
from ui.meeting_pack import pack_section
from ui.meeting_state import FEEDBACK, PACK
from ui.meeting_views import views_tab
from ui.report_draft import report_section

page = meeting_state.read()
lang = page.lang
header(page)
key_figures(page)
sketch, sketch_error = meeting_map(page)
shell.show_flash(FEEDBACK)
record_decision(page, sketch, sketch_error)

report_section(page.store, page.now_frames, lang, page.sidebar_as_of)
if page.present:
    with st.expander(t("mtg_pack_heading", lang), expanded=PACK in st.session_state):
        pack_section(page)
else:
    tab_views, tab_log, tab_pack = st.tabs(
        [t("mtg_views_heading", lang), t("mtg_log_heading", lang), t("mtg_pack_heading", lang)]
    )
    with tab_views:
        views_tab(page)
    with tab_log:
        log_tab(page, sketch)
    with tab_pack:
        pack_section(page)
    changes_section(page.store, page.now_frames, lang, page.as_of)
prepare_steps(page)  # the other saved views' maps and figures, for the next step
