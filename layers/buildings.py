"""Buildings, with those holding vacant floor space marked."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from gis.i18n import t
from layers._element import ParkGeoJson
from layers.legend import LegendItem

BUILDING_COLOR = "#90a4ae"
VACANT_COLOR = "#e53935"


def building_layer(buildings: gpd.GeoDataFrame, *, lang: str) -> ParkGeoJson:
    """Building footprints; vacant ones in red with their vacant floor area."""
    vacant = buildings["is_vacant"].fillna(False).astype(bool)
    props = pd.DataFrame(
        {
            "n": buildings["name"].fillna(buildings["building_id"]).astype(str),
            "p": buildings["parcel_code"].astype(str),
            "g": buildings["gfa_m2"].round(0),
            "v": vacant.astype(int),
            "vg": buildings["vacant_gfa_m2"].where(vacant).round(0),
        }
    )
    props = props.astype(object).where(props.notna(), None)
    spec = {
        "key": "buildings",
        "by": "v",
        "colors": [BUILDING_COLOR, VACANT_COLOR],
        "fallback": BUILDING_COLOR,
        "stroke": "#546e7a",
        "weight": 0.5,
        "opacity": 0.8,
        "fillOpacity": 0.8,
        # Faint at park zoom so parcel statuses read; vacant buildings always stand out.
        "fade": {"belowZoom": 16, "opacity": 0.15, "fillOpacity": 0.12, "keep": "v"},
        "tooltip": [
            [t("tip_building", lang), "n", None, ""],
            [t("tip_code", lang), "p", None, ""],
            [t("tip_gfa", lang), "g", None, " m²"],
            [t("tip_vacant", lang), "vg", None, " m²"],
        ],
        "lookups": {},
    }
    return ParkGeoJson.of(buildings, props, name=t("layer_buildings", lang), spec=spec)


def building_legend_items(lang: str) -> tuple[LegendItem, ...]:
    return (
        LegendItem(t("legend_building", lang), BUILDING_COLOR),
        LegendItem(t("legend_vacant", lang), VACANT_COLOR),
    )
