"""Park One-Map (园区一张图): the entry point — page config, shared sidebar, navigation."""

import streamlit as st

from gis.i18n import t
from ui import shell
from ui.navigation import PAGES

st.set_page_config(page_title="园区一张图 · Park One-Map", page_icon="🗺️", layout="wide")
shell.sidebar()
lang = shell.lang()
navigation = st.navigation(
    [
        st.Page(p.script, title=t(p.title_key, lang), icon=p.icon, url_path=p.name, default=i == 0)
        for i, p in enumerate(PAGES)
    ]
)
navigation.run()
