"""Block outlines with their names, and the park boundary."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from gis.i18n import t
from layers._element import ParkGeoJson
from layers.legend import LegendItem

BLOCK_COLOR = "#37474f"
BOUNDARY_COLOR = "#c62828"


def block_layer(blocks: gpd.GeoDataFrame, *, lang: str) -> ParkGeoJson:
    """Block outlines (not filled, not interactive) labelled with the block name."""
    names = blocks["name"] if lang == "zh" else blocks["name_en"].fillna(blocks["name"])
    props = pd.DataFrame({"n": names.astype(str)})
    spec = {
        "key": "blocks",
        "stroke": BLOCK_COLOR,
        "weight": 3,
        "opacity": 0.9,
        "fillOpacity": 0,
        "dash": "8 4",
        "interactive": False,
        "label": "n",
        "labelMinZoom": 0,
    }
    return ParkGeoJson.of(blocks, props, name=t("layer_blocks", lang), spec=spec)


def boundary_layer(boundary: gpd.GeoDataFrame, *, lang: str) -> ParkGeoJson:
    """The park boundary as a red dashed outline."""
    props = pd.DataFrame({"n": boundary["name"].astype(str)})
    spec = {
        "key": "boundary",
        "stroke": BOUNDARY_COLOR,
        "weight": 2,
        "opacity": 0.8,
        "fillOpacity": 0,
        "dash": "2 6",
        "interactive": False,
    }
    return ParkGeoJson.of(boundary, props, name=t("layer_boundary", lang), spec=spec)


def block_legend_items(lang: str) -> tuple[LegendItem, ...]:
    return (
        LegendItem(t("layer_blocks", lang), BLOCK_COLOR, "outline"),
        LegendItem(t("layer_boundary", lang), BOUNDARY_COLOR, "outline"),
    )
