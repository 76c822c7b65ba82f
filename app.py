"""Park One-Map (园区一张图): the entry point — page config, shared sidebar, navigation."""

import streamlit as st

from gis.i18n import t
from ui import shell

st.set_page_config(page_title="园区一张图 · Park One-Map", page_icon="🗺️", layout="wide")
shell.sidebar()
lang = shell.lang()
navigation = st.navigation(
    [
        st.Page(
            "pages/views/map.py", title=t("page_map", lang), icon="🗺️", url_path="map", default=True
        ),
    ]
)
navigation.run()
