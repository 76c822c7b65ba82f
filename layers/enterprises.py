"""Enterprises as points, hidden by default (toggle them in the layer control)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from gis.i18n import t
from layers._element import ParkGeoJson
from layers.legend import LegendItem

ENTERPRISE_COLOR = "#1a237e"


def enterprise_layer(enterprises: gpd.GeoDataFrame, *, lang: str) -> ParkGeoJson:
    props = pd.DataFrame(
        {
            "n": enterprises["name"].astype(str),
            "p": enterprises["parcel_code"].fillna("").astype(str),
            "i": enterprises["industry_code"].fillna("").astype(str),
        }
    )
    spec = {
        "key": "enterprises",
        "fill": ENTERPRISE_COLOR,
        "stroke": "#ffffff",
        "weight": 1,
        "opacity": 1,
        "fillOpacity": 0.9,
        "radius": 5,
        "tooltip": [
            [t("tip_enterprise", lang), "n", None, ""],
            [t("tip_code", lang), "p", None, ""],
            ["GB/T 4754", "i", None, ""],
        ],
        "lookups": {},
    }
    return ParkGeoJson.of(
        enterprises,
        props,
        name=t("layer_enterprises", lang),
        spec=spec,
        show=False,
    )


def enterprise_legend_items(lang: str) -> tuple[LegendItem, ...]:
    return (LegendItem(t("legend_enterprise", lang), ENTERPRISE_COLOR, "dot"),)
