"""The park map as a Streamlit element: built once per data version and options."""

from __future__ import annotations

import copy

import folium
import streamlit as st
from streamlit_folium import st_folium

from layers.assets import AssetUrls
from layers.parkmap import build_park_map
from ui import shell

MAP_HEIGHT = 660


@st.cache_resource(show_spinner=False, max_entries=16)
def _park_map(
    path: str,
    version: int,
    field: str,
    lang: str,
    block_ids: tuple[str, ...],
    assets: AssetUrls,
    is_sample: bool,
) -> folium.Map:
    frames = shell._frames(path, version)
    return build_park_map(
        frames, assets=assets, field=field, lang=lang, block_ids=block_ids, is_sample=is_sample
    )


def park_map(field: str, block_ids: tuple[str, ...]) -> folium.Map:
    """The map for the current data version and options.

    A copy of the cached map: st_folium renames the elements of the map it is given, so
    drawing the cached object itself a second time would break its layer references.
    Copying shares the big GeoJSON strings, so it is cheap.
    """
    s = shell.store()
    cached = _park_map(
        str(s.path), s.data_version(), field, shell.lang(), block_ids, shell.assets(), s.is_sample()
    )
    return copy.deepcopy(cached)


def show(m: folium.Map, *, key: str) -> None:
    """Draw ``m``. Nothing is returned to Python, so panning and zooming never rerun the page."""
    st_folium(m, height=MAP_HEIGHT, use_container_width=True, returned_objects=[], key=key)
