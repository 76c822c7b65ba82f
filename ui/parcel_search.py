"""The parcels page's ways to a parcel: the ``?parcel=`` deep link, the search box with its
hits as buttons, and a click on the map."""

from __future__ import annotations

import pandas as pd
import shapely
import streamlit as st

from gis.crs import to_display
from gis.i18n import t
from gis.parcels.search import ParcelIndex, normalise
from ui.parcel_state import LAST_CLICK, LINK_SEEN, SELECTED, ParcelPage, select

MAX_HITS = 12


def follow_link(page: ParcelPage) -> str | None:
    """Open the card the URL names (once per link); returns a link that names no parcel."""
    link = st.query_params.get("parcel")
    if not link or link == st.session_state.get(LINK_SEEN):
        return None
    st.session_state[LINK_SEEN] = link
    wanted = normalise(link)
    match = next((c for c in page.parcels_now["code"] if normalise(c) == wanted), None)
    if match:
        select(match)
        return None
    return link


def _on_search(index: ParcelIndex) -> None:
    hits = index.search(st.session_state.get("parcel_query", ""), limit=1)
    if hits:
        select(hits[0].code)


def search_section(page: ParcelPage) -> None:
    """The search box (Enter opens the best hit) and up to MAX_HITS hits as buttons."""
    lang = page.lang
    st.text_input(
        t("search_label", lang),
        key="parcel_query",
        placeholder=t("search_placeholder", lang),
        on_change=_on_search,
        args=(page.index,),
    )
    query = st.session_state.get("parcel_query", "")
    if not query.strip():
        return
    hits, total = page.index.search_counted(query, limit=MAX_HITS)
    if not hits:
        st.info(t("search_none", lang, query=query))
        return
    st.caption(
        t("search_count", lang, count=total)
        + (" · " + t("search_more", lang, limit=MAX_HITS) if total > MAX_HITS else "")
    )
    by_code = page.parcels_now.set_index("code")
    cols = st.columns(4)
    for i, hit in enumerate(hits):
        row = by_code.loc[hit.code]
        firms, buyer = row["enterprise_names"], row["buyer"]
        extra = firms or ("" if pd.isna(buyer) else str(buyer))
        label = f"{hit.code} · {row['block_name']}" + (f" · {extra}" if extra else "")
        cols[i % 4].button(
            label,
            key=f"hit_{hit.code}",
            on_click=select,
            args=(hit.code,),
            type="primary" if hit.code == st.session_state.get(SELECTED) else "secondary",
            width="stretch",
        )


def selected_code(page: ParcelPage) -> str | None:
    """The parcel whose card is open, kept in the URL (None if it is no longer there)."""
    selected = st.session_state.get(SELECTED)
    if selected not in page.codes:
        return None
    if st.query_params.get("parcel") != selected:  # back from another page: keep the link
        st.session_state[LINK_SEEN] = selected
        st.query_params["parcel"] = selected
    return selected


def on_map_click(page: ParcelPage, clicked: dict | None) -> None:
    """Open the card of the parcel clicked on the map (once per click)."""
    if not clicked or clicked == st.session_state.get(LAST_CLICK):
        return
    st.session_state[LAST_CLICK] = clicked
    point = shapely.Point(float(clicked["lng"]), float(clicked["lat"]))
    shown = to_display(page.frames["parcels"])
    inside = shown[shown.geometry.contains(point)]
    if len(inside):
        select(str(inside["code"].iloc[0]))
        st.rerun()
    else:
        st.info(t("map_click_none", page.lang))
