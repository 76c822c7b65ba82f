"""一张图 Map: blocks, parcels coloured by status, buildings, context; legend and summary."""

import pandas as pd
import streamlit as st

from gis import vocabulary
from gis.i18n import t
from ui import mapview, missing, shell

if "parcel" in st.query_params:  # a deep link (/?parcel=D07) opens that parcel's card
    st.switch_page("pages/views/parcels.py", query_params={"parcel": st.query_params["parcel"]})

MU_DECIMALS, HA_DECIMALS = 1, 2

lang = shell.lang()
as_of = shell.as_of()
frames = shell.frames_as_of(shell.frames(), as_of)
st.header(t("map_heading", lang))
# What is missing or wrong is written above the map but worked out after it: at district
# scale these checks take seconds the first time, and the map need not wait for them.
notes = st.container()

blocks = frames["blocks"]
block_names = dict(
    zip(blocks["block_id"], blocks["name" if lang == "zh" else "name_en"], strict=True)
)
left, right = st.columns([1, 2])
field = left.radio(
    t("colour_by", lang),
    list(vocabulary.STATUS_FIELDS),
    horizontal=True,
    key="map_field",
    format_func=lambda f: vocabulary.field_label(f, lang),
)
block_ids = right.multiselect(
    t("block_filter", lang),
    list(block_names),
    key="map_blocks",
    format_func=block_names.__getitem__,
    placeholder=t("all_blocks", lang),
)

mapview.show(mapview.park_map(field, tuple(block_ids), as_of=as_of), key="park_map")
with notes:
    missing.show_missing("map")
    missing.show_as_of_gaps(as_of)
    missing.show_problems()


st.subheader(t("summary_heading", lang))
st.caption(t("summary_as_of", lang, date=as_of.isoformat()))
summary = mapview.status_summary_of(frames, field, tuple(block_ids))
if summary is None:
    st.info(t("no_parcels", lang))
else:
    summary = summary.copy()  # shared by every session: the total row is added to a copy
    summary.loc[len(summary)] = [
        "",
        summary["count"].sum(),
        summary["area_mu"].sum(),
        summary["area_ha"].sum(),
    ]
    labels = {s.code: s.label(lang) for s in vocabulary.statuses(field)}
    count, mu, ha = t("summary_count", lang), t("summary_area_mu", lang), t("summary_area_ha", lang)
    table = pd.DataFrame(
        {
            t("summary_status", lang): [
                labels.get(c, t("summary_total", lang)) for c in summary["code"]
            ],
            count: summary["count"].astype(int),
            mu: summary["area_mu"].round(MU_DECIMALS),
            ha: summary["area_ha"].round(HA_DECIMALS),
        }
    )
    # One fixed format per quantity, every row alike (12.0, never 12 beside 12.35): counts
    # whole, 亩 to 0.1 as in the map tooltip, 公顷 to 0.01. A static table, not st.dataframe:
    # the data grid's code (35 files) held up the map's first paint by ~0.25 s (#15).
    formats = {count: "{:d}", mu: f"{{:.{MU_DECIMALS}f}}", ha: f"{{:.{HA_DECIMALS}f}}"}
    st.table(table.style.format(formats), hide_index=True, width="content")
