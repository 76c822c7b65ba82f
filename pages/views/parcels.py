"""地块查询 Parcels: search, parcel card, dated history, status updates, deadlines, Excel.

Deep link: ``?parcel=<code>`` opens the card of that parcel with the map zoomed to it.
"""

from functools import partial

import streamlit as st

from gis import vocabulary
from gis.i18n import t
from layers.deadlines import deadline_extras, deadline_extras_key
from ui import mapview, missing
from ui.deadline_warnings import warnings_section
from ui.parcel_card import card, timeline
from ui.parcel_excel import excel_section
from ui.parcel_search import follow_link, on_map_click, search_section, selected_code
from ui.parcel_state import ParcelPage

page = ParcelPage.read()
lang, as_of = page.lang, page.as_of
link_unknown = follow_link(page)

st.header(t("parcels_heading", lang))
missing.show_missing("parcels")
missing.show_as_of_gaps(as_of)
missing.show_problems()
if link_unknown:
    st.warning(t("deep_link_unknown", lang, code=link_unknown))
search_section(page)
selected = selected_code(page)

left, right = st.columns([5, 6])
with right:  # the map
    field = st.radio(
        t("colour_by", lang),
        list(vocabulary.STATUS_FIELDS),
        horizontal=True,
        key="parcels_field",
        format_func=lambda f: vocabulary.field_label(f, lang),
    )
    m = mapview.park_map(
        field,
        as_of=as_of,
        focus_codes=(selected,) if selected else (),
        extras=partial(deadline_extras, as_of=as_of),
        extras_key=deadline_extras_key(as_of),
    )
    clicked = mapview.show(m, key="parcel_map", returned_objects=("last_object_clicked",)) or {}
    on_map_click(page, clicked.get("last_object_clicked"))
with left:  # the card
    if link_unknown is None and selected is None:
        st.info(t("pick_hint", lang))
    if selected:
        card(page, selected)
if selected:  # below both columns, full width: every column readable (#11, 6d)
    timeline(page, selected)
warnings_section(page)
excel_section(page)
