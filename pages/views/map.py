"""一张图 Map: blocks, parcels coloured by status, buildings, context; legend and summary."""

import streamlit as st

from gis import vocabulary
from gis.i18n import t
from ui import first_paint, mapview, missing, shell
from ui.text import markdown_table

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


def controls() -> tuple[str, list[str]]:
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
    return field, block_ids


# A session opening on this page gets its map first, its controls and sidebar after
# (ui.first_paint): the map is drawn with what the controls hold, their defaults.
map_first = first_paint.map_first()
if map_first:
    field = st.session_state.get("map_field", vocabulary.STATUS_FIELDS[0])
    block_ids = [b for b in st.session_state.get("map_blocks", []) if b in block_names]
else:
    field, block_ids = controls()
mapview.show(mapview.park_map(field, tuple(block_ids), as_of=as_of), key="park_map")
if map_first:
    first_paint.after_map()
    controls()
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
    labels = {s.code: s.label(lang) for s in vocabulary.statuses(field)}
    header = [
        t(key, lang)
        for key in ("summary_status", "summary_count", "summary_area_mu", "summary_area_ha")
    ]
    # One fixed format per quantity, every row alike (12.0, never 12 beside 12.35): counts
    # whole, 亩 to 0.1 as in the map tooltip, 公顷 to 0.01. A Markdown table, not st.table or
    # st.dataframe: their code (12 and 35 files) held up the map's first paint (#15).
    rows = [
        [label, f"{int(count):d}", f"{mu:.{MU_DECIMALS}f}", f"{ha:.{HA_DECIMALS}f}"]
        for label, count, mu, ha in [
            *zip(
                summary["code"].map(labels),
                summary["count"],
                summary["area_mu"],
                summary["area_ha"],
                strict=True,
            ),
            (t("summary_total", lang), *summary[["count", "area_mu", "area_ha"]].sum()),
        ]
    ]
    st.markdown(markdown_table(header, rows, right=frozenset({1, 2, 3})))
