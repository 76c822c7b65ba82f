"""Park One-Map (园区一张图): the entry point — page config, sign-in, shared sidebar, navigation."""

import streamlit as st

from ui import first_paint, login, shell
from ui.errors import incident_guard
from ui.navigation import streamlit_pages

st.set_page_config(page_title="园区一张图 · Park One-Map", page_icon="🗺️", layout="wide")
with incident_guard(shell.lang):  # an error shows an incident number, never a traceback
    actor = login.gate()  # signed out: a redirect to /auth/login and nothing of the park
    page = st.navigation(streamlit_pages(shell.lang(), actor))

    def sidebar() -> None:
        shell.sidebar()
        login.sidebar_user(actor)

    if not first_paint.defer_sidebar(page, sidebar):  # a session opening on the map: after it
        sidebar()
    page.run()
    first_paint.finish()
