"""What the parcels page keeps between runs (the open card, the editor's base versions)
and reads once per run: the parcels with their blocks and firms, and the search index."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import pandas as pd
import streamlit as st

from gis import vocabulary
from gis.parcels.search import ParcelIndex
from gis.parcels.tables import enrich_parcels
from gis.store import ParkStore
from ui import memo, shell

SELECTED = "parcel_code"  # the parcel whose card is open
LINK_SEEN = "parcel_link_seen"  # the ?parcel= value already acted on
LAST_CLICK = "parcel_last_click"
BASE = "parcel_base_versions"  # code -> the parcel version the editor's form is based on
CHOSEN = "parcel_chosen_actions"  # "code@base version" -> the action chosen in that form
FEEDBACK = "parcel_feedback"


@st.cache_resource(show_spinner=False, max_entries=4)
def lookup(path: str, version: int) -> tuple[ParcelIndex, gpd.GeoDataFrame]:
    """The search index and the parcels with block and firm names, once per data version."""
    data = shell._frames(path, version)
    parcels = enrich_parcels(data["parcels"], data["blocks"], data["enterprises"])
    return ParcelIndex(parcels), parcels


@dataclass(frozen=True)
class ParcelPage:
    """One run's view of the park: ``now_frames`` as stored, ``frames`` as of ``as_of``."""

    lang: str
    as_of: date
    store: ParkStore
    now_frames: Mapping[str, pd.DataFrame]
    frames: Mapping[str, pd.DataFrame]
    index: ParcelIndex
    parcels_now: gpd.GeoDataFrame

    @classmethod
    def read(cls) -> ParcelPage:
        """The page's state for this run, from the sidebar and the session's store."""
        as_of = shell.as_of()
        store = shell.store()
        now_frames = shell.frames()
        index, parcels_now = lookup(store.location, store.data_version())
        return cls(
            lang=shell.lang(),
            as_of=as_of,
            store=store,
            now_frames=now_frames,
            frames=shell.frames_as_of(now_frames, as_of),
            index=index,
            parcels_now=parcels_now,
        )

    @property
    def codes(self) -> set[str]:
        """Every parcel code (once per data version: a district has 50,000)."""
        parcels = self.parcels_now
        return memo.derived(self.now_frames, ("parcel_codes",), lambda: set(parcels["code"]))

    @property
    def block_names(self) -> dict:
        parcels = self.parcels_now
        return memo.derived(
            self.now_frames,
            ("block_names",),
            lambda: dict(zip(parcels["block_id"], parcels["block_name"], strict=True)),
        )


def select(code: str | None) -> None:
    """Open the card of ``code`` (None: close it) and put it in the URL."""
    st.session_state[SELECTED] = code
    if code:
        st.session_state[LINK_SEEN] = code
        st.query_params["parcel"] = code


def status_label(field: str, code: object, lang: str) -> str:
    """A status code's label in ``lang``; an unknown code as it is."""
    try:
        return vocabulary.status(field, str(code)).label(lang)
    except ValueError:
        return "" if pd.isna(code) else str(code)
