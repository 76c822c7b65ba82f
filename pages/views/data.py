"""数据 Data: import with preview and validation report (geodata, and the enterprises'
economic figures), export as shown, backup and restore."""

import streamlit as st

from gis.i18n import t
from ui import basemap as ui_basemap
from ui import onboarding, shell
from ui.export_backup import backup_tab, export_tab
from ui.figures_import import figures_tab
from ui.import_wizard import import_tab
from ui.upload_widgets import FEEDBACK

TABS_KEY = "data_tabs"  # + language: the open tab's label

lang = shell.lang()
store = shell.store()

st.header(t("data_heading", lang))
shell.show_flash(FEEDBACK)
onboarding.overview(store, shell.frames(), lang, shell.as_of().year)
# The tabs track which one is open (one state per language: the state is the label), so the
# figures tab runs only when opened: its uploader then never sits beside the import tab's.
tab_import, tab_figures, tab_export, tab_backup, tab_park, tab_basemap = st.tabs(
    [
        t("tab_import", lang),
        t("tab_figures", lang),
        t("tab_export", lang),
        t("tab_backup", lang),
        t("tab_park", lang),
        t("tab_basemap", lang),
    ],
    key=f"{TABS_KEY}_{lang}",
    on_change="rerun",
)
with tab_import:
    import_tab(store, lang)
with tab_figures:
    if tab_figures.open:
        figures_tab(store, lang)
with tab_export:
    export_tab(store, lang)
with tab_backup:
    backup_tab(store, lang)
with tab_park:
    if tab_park.open:
        onboarding.park_tab(store, lang)
with tab_basemap:  # administrators only (the section says so to the others)
    if tab_basemap.open:
        ui_basemap.settings_section(store, lang)
