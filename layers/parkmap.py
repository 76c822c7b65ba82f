"""The 一张图 map: every park layer, the legend and the layer control, on one map."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element

from gis import vocabulary
from gis.basemap.sources import Basemap
from gis.crs import AREA_CRS, to_display
from gis.i18n import t
from gis.parcels.tables import enrich_parcels, filter_blocks
from layers._element import MapHelpers
from layers.aggregate import aggregate_layer, is_district, zoom_notes
from layers.assets import AssetUrls
from layers.basemap import BASEMAPS, new_map
from layers.blocks import block_layer, block_legend_items, boundary_layer
from layers.buildings import building_layer, building_legend_items
from layers.context import context_layer, context_legend_items
from layers.enterprises import enterprise_layer, enterprise_legend_items
from layers.legend import Legend, LegendSection
from layers.parcels import LABEL_MIN_ZOOM, focus_layer, parcel_layer, parcel_legend

#: Metres of context kept around parcels the map zooms to.
FOCUS_MARGIN_M = 150.0


def _drawn(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows of ``gdf`` with a geometry to draw (not missing, not empty)."""
    geoms = gdf.geometry
    return gdf[geoms.notna() & ~geoms.is_empty]


def _in(values: pd.Series, wanted: set) -> pd.Series:
    """``values.isin(wanted)``, through Python objects: pandas' Arrow text columns test
    membership element by element, ten times slower for a district's 50,000 codes."""
    return values.astype(object).isin(wanted)


def map_bounds(
    *,
    focus: gpd.GeoDataFrame,
    blocks: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
) -> tuple[float, float, float, float] | None:
    """What the map opens on (lon/lat bounds), or None for :data:`layers.basemap.DEFAULT_CENTER`.

    The first of these that has a geometry: the focused parcels with
    :data:`FOCUS_MARGIN_M` around them, the shown blocks, the park boundary, the parcels.
    A park with none of them (an empty store) opens on 莲都.
    """
    focus = _drawn(focus)
    if len(focus):  # the parcel with its neighbours around it, not filling the screen
        margin = focus.geometry.to_crs(AREA_CRS).buffer(FOCUS_MARGIN_M)
        return tuple(float(v) for v in to_display(margin).total_bounds)
    for frame in (blocks, boundary, parcels):
        drawn = _drawn(frame)
        if len(drawn):
            return tuple(float(v) for v in to_display(drawn).total_bounds)
    return None


def build_park_map(
    frames: Mapping[str, gpd.GeoDataFrame | pd.DataFrame],
    *,
    assets: AssetUrls,
    field: str = vocabulary.SALE_FIELD,
    lang: str = "zh",
    block_ids: Iterable[str] | None = None,
    is_sample: bool = False,
    focus_codes: Sequence[str] = (),
    extra_layers: Sequence[Element] = (),
    extra_legend: Sequence[LegendSection] = (),
    basemaps: Sequence[Basemap] = BASEMAPS,
) -> folium.Map:
    """The park map from the store's frames (see :meth:`gis.store.ParkStore.read_all`).

    ``block_ids`` limits parcels, buildings and enterprises to those blocks and fits
    the view to them; ``is_sample`` puts the 示意数据 mark in the legend.
    ``focus_codes`` outlines those parcels and zooms to them. Any layer may be empty: the
    view is chosen by :func:`map_bounds`. Features add their own
    layers (deadline warnings, 亩均 classes, annotations, ...) through ``extra_layers``,
    drawn above the base layers, with their legend sections in ``extra_legend``.
    ``basemaps`` (:func:`gis.basemap.sources.offered_basemaps`) go into the layer control, none
    chosen (see :func:`layers.basemap.new_map`).
    """
    wanted = list(block_ids or [])
    parcels = filter_blocks(
        enrich_parcels(frames["parcels"], frames["blocks"], frames["enterprises"]), wanted
    )
    codes = set(parcels["code"])
    blocks = frames["blocks"]
    shown_blocks = blocks[blocks["block_id"].isin(wanted)] if wanted else blocks
    buildings = frames["buildings"][_in(frames["buildings"]["parcel_code"], codes)]
    enterprises = frames["enterprises"][_in(frames["enterprises"]["parcel_code"], codes)]

    focus = parcels[parcels["code"].isin(list(focus_codes))]
    bounds = map_bounds(
        focus=focus, blocks=shown_blocks, boundary=frames["park_boundary"], parcels=parcels
    )
    m = new_map(bounds, assets=assets, basemaps=basemaps, lang=lang)
    MapHelpers(data_base=assets.data_base, load_error=t("map_load_error", lang)).add_to(m)
    district = is_district(parcels)
    # Drawing order, bottom to top: context, boundary, parcels, buildings, block outlines,
    # enterprises.
    context_layer(frames["context"], lang=lang).add_to(m)
    boundary_layer(frames["park_boundary"], lang=lang).add_to(m)
    # Projected once for the grid and the legend's cell size (each projection of 50,000
    # polygons costs ~0.1 s).
    projected = parcels.geometry.to_crs(AREA_CRS) if district else None
    if district:  # seen from afar: the grid (layers.aggregate); parcels from close up
        aggregate_layer(parcels, field=field, lang=lang, projected=projected).add_to(m)
    parcel_layer(parcels, field=field, lang=lang).add_to(m)
    building_layer(buildings, lang=lang).add_to(m)
    block_layer(shown_blocks, lang=lang).add_to(m)
    enterprise_layer(enterprises, lang=lang).add_to(m)
    for layer in extra_layers:
        layer.add_to(m)
    if len(focus):
        focus_layer(focus, lang=lang).add_to(m)

    other = LegendSection(
        t("layer_context", lang) + " · " + t("layer_buildings", lang),
        (
            *block_legend_items(lang),
            *building_legend_items(lang),
            *enterprise_legend_items(lang),
            *context_legend_items(lang),
        ),
    )
    note = t("sample_mark", lang) if is_sample else None
    notes = zoom_notes(parcels, lang, LABEL_MIN_ZOOM, projected) if district else ()
    Legend([parcel_legend(field, lang), *extra_legend, other], note=note, zoom_notes=notes).add_to(
        m
    )
    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    return m
