"""The park map as a Streamlit element: built once per data version and options."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

import folium
import pandas as pd
import streamlit as st
from branca.element import Element
from streamlit_folium import st_folium

from gis.basemap.sources import Basemap
from gis.parcels.tables import enrich_parcels, filter_blocks, status_summary
from layers.assets import AssetUrls
from layers.basemap import BASEMAPS
from layers.legend import LegendSection
from layers.parkmap import build_park_map
from ui import ahead, memo, shell
from ui import basemap as ui_basemap

MAP_HEIGHT = 660

#: A feature's own map content: (frames, lang) -> (layers, legend sections).
MapExtras = Callable[[dict, str], tuple[Sequence[Element], Sequence[LegendSection]]]


@st.cache_resource(show_spinner=False, max_entries=32)
def _park_map(
    path: str,
    version: int,
    field: str,
    lang: str,
    block_ids: tuple[str, ...],
    assets: AssetUrls,
    is_sample: bool,
    as_of: date | None,
    focus_codes: tuple[str, ...],
    extras_key: str,
    _extras: MapExtras | None,
    basemaps: tuple[Basemap, ...] = (),
) -> folium.Map:
    frames = shell.frames_as_of(shell._frames(path, version), as_of)
    layers, legend = _extras(frames, lang) if _extras else ((), ())
    return build_park_map(
        frames,
        assets=assets,
        field=field,
        lang=lang,
        block_ids=block_ids,
        is_sample=is_sample,
        focus_codes=focus_codes,
        extra_layers=layers,
        extra_legend=legend,
        basemaps=basemaps or BASEMAPS,
    )


def park_map(
    field: str,
    block_ids: tuple[str, ...] = (),
    *,
    as_of: date | None = None,
    focus_codes: tuple[str, ...] = (),
    extras: MapExtras | None = None,
    extras_key: str = "",
) -> folium.Map:
    """The map for the current data version and options.

    ``extras`` adds a feature's layers; ``extras_key`` must change whenever what
    ``extras`` draws changes (it is part of the cache key, the function is not).
    Returns a copy of the cached map: st_folium renames the elements of the map it is
    given, so drawing the cached object itself a second time would break its layer
    references. Copying shares the big GeoJSON strings, so it is cheap.
    """
    return copy.deepcopy(_park_map(*_cache_args(locals())))


def _cache_args(options: Mapping[str, Any]) -> tuple:
    """:func:`_park_map`'s arguments for :func:`park_map`'s ``options`` (by name; those
    left out at their defaults) in this session: its store, language and basemaps."""
    s = shell.store()
    return (
        str(s.path),
        s.data_version(),
        options["field"],
        shell.lang(),
        tuple(options.get("block_ids", ())),
        shell.assets(),
        s.is_sample(),
        options.get("as_of"),
        tuple(options.get("focus_codes", ())),
        options.get("extras_key", ""),
        options.get("extras"),
        ui_basemap.offer().basemaps,  # configured basemaps (#18), none chosen on the map
    )


def prebuild(requests: Iterable[dict]) -> None:
    """Build the maps of these :func:`park_map` keyword arguments in the background
    (:mod:`ui.ahead`), so that a page stepping to one of them finds it built: the meeting
    page's saved views."""
    jobs = []
    for request in requests:
        args = _cache_args(request)
        key = ("map", *args[:10], *args[11:])  # the extras function is not part of the key
        jobs.append((key, partial(_park_map, *args)))
    ahead.ahead(jobs)


def status_summary_of(frames: dict, field: str, block_ids: tuple[str, ...]) -> pd.DataFrame | None:
    """The 一张图 page's summary: parcels and area by status in the chosen blocks (all when
    none), None when they have no parcels. Once per data version, date and choice
    (:mod:`ui.memo`): a rerun that changes nothing is cheap, and the server's warm-up makes
    the default one (it takes ~0.6 s at 50,000 parcels)."""

    def compute() -> pd.DataFrame | None:
        enriched = enrich_parcels(frames["parcels"], frames["blocks"], frames["enterprises"])
        parcels = filter_blocks(enriched, list(block_ids))
        return None if parcels.empty else status_summary(parcels, field)

    return memo.derived(frames, ("map_summary", field, tuple(block_ids)), compute)


def show(
    m: folium.Map,
    *,
    key: str,
    returned_objects: Sequence[str] = (),
    height: int = MAP_HEIGHT,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> dict | None:
    """Draw ``m``. By default nothing is returned to Python, so panning and zooming never
    rerun the page; pass e.g. ``("last_object_clicked",)`` to react to clicks only.
    ``center`` / ``zoom`` move an already drawn map without rebuilding it."""
    return st_folium(
        m,
        height=height,
        use_container_width=True,
        returned_objects=list(returned_objects),
        key=key,
        center=center,
        zoom=zoom,
    )
