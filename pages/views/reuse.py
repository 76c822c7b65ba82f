"""闲置盘活 Reuse scenarios: pick spaces and candidates, run, see the effects, save, compare."""

import streamlit as st

from gis.i18n import t
from ui import missing, shell
from ui.candidates_editor import candidates_section
from ui.reuse_context import ReusePage
from ui.scenario_compare import compare_section
from ui.scenario_editor import run_section

page = ReusePage.read()
lang = page.lang
st.header(t("reuse_heading", lang))
missing.show_missing("reuse", year=shell.as_of().year)
st.caption(t("reuse_intro", lang))
if page.store.is_sample():
    st.caption("⚠️ " + t("reuse_synthetic_note", lang))

SECTIONS = ("run", "candidates", "compare")
section = st.radio(
    t("reuse_heading", lang),
    SECTIONS,
    horizontal=True,
    key="reuse_section",
    label_visibility="collapsed",
    format_func=lambda s: t(f"reuse_tab_{s}", lang),
)
{"run": run_section, "candidates": candidates_section, "compare": compare_section}[section](page)
