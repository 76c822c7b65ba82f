"""Parcels filled by land-sale or construction status."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from gis import vocabulary
from gis.i18n import t
from layers._element import ParkGeoJson
from layers.aggregate import DETAIL_ZOOM, OUTLINE_ZOOM, is_district
from layers.legend import LegendItem, LegendSection

#: From this zoom on, parcels carry their code as a label.
LABEL_MIN_ZOOM = 16


def parcel_layer(parcels: gpd.GeoDataFrame, *, field: str, lang: str) -> ParkGeoJson:
    """Parcels coloured by ``field`` ('sale_status' or 'construction_status').

    ``parcels`` is the output of :func:`gis.parcels.tables.enrich_parcels`. Each feature ships
    its code, indexes into the block, land-use and status tables (sent once), its area in
    mu and its enterprises — the tooltip's fields and nothing else.
    """
    statuses = vocabulary.statuses(field)
    status_index = {s.code: i for i, s in enumerate(statuses)}
    uses = vocabulary.LAND_USES
    use_index = {u.code: i for i, u in enumerate(uses)}
    # The block's English name in English (the Chinese one only when it has none).
    block_column = "block_name" if lang == "zh" else "block_name_en"
    blocks = parcels[block_column if block_column in parcels else "block_name"].astype(str)
    block_names = sorted(blocks.unique())
    block_index = {name: i for i, name in enumerate(block_names)}
    props = pd.DataFrame(
        {
            "c": parcels["code"].astype(str),
            "b": blocks.map(block_index),
            "u": parcels["land_use"].map(use_index),
            "s": parcels[field].map(status_index),
            "a": parcels["area_mu"].round(1),
            "e": parcels["enterprise_names"].fillna(""),
        }
    )
    # A code outside the vocabulary would be drawn in the fallback colour; say so.
    props = props.astype({"b": "Int64", "u": "Int64", "s": "Int64"}).astype(object)
    props = props.where(props.notna(), None)
    spec = {
        "key": "parcels",
        "by": "s",
        "colors": [s.color for s in statuses],
        "fallback": "#ff00ff",
        "stroke": "#455a64",
        "weight": 1,
        "opacity": 0.9,
        "fillOpacity": 0.78,
        "tooltip": [
            [t("tip_code", lang), "c", None, ""],
            [t("tip_block", lang), "b", "blocks", ""],
            [t("tip_land_use", lang), "u", "uses", ""],
            [t("tip_status", lang), "s", "statuses", ""],
            [t("tip_area", lang), "a", None, " " + t("unit_mu", lang)],
            [t("tip_enterprise", lang), "e", None, ""],
        ],
        "lookups": {
            "blocks": block_names,
            "uses": [u.label(lang) for u in uses],
            "statuses": [s.label(lang) for s in statuses],
        },
        "label": "c",
        "labelMinZoom": LABEL_MIN_ZOOM,
    }
    if is_district(parcels):  # drawn from close up only, outlined closer, codes in view
        spec |= {"minZoom": DETAIL_ZOOM, "outlineMinZoom": OUTLINE_ZOOM, "viewLabels": True}
    return ParkGeoJson.of(parcels, props, name=t("layer_parcels", lang), spec=spec)


def parcel_legend(field: str, lang: str) -> LegendSection:
    """The legend section for the parcel colouring."""
    title = vocabulary.field_label(field, lang)
    items = tuple(LegendItem(s.label(lang), s.color) for s in vocabulary.statuses(field))
    return LegendSection(title, items)


FOCUS_COLOR = "#00e5ff"


def focus_layer(parcels: gpd.GeoDataFrame, *, lang: str) -> ParkGeoJson:
    """A thick cyan outline around the parcels in focus (the one a clerk looked up)."""
    props = pd.DataFrame({"c": parcels["code"].astype(str)})
    spec = {
        "key": "focus",
        "stroke": FOCUS_COLOR,
        "weight": 5,
        "opacity": 1,
        "fillOpacity": 0,
        "interactive": False,
    }
    return ParkGeoJson.of(parcels, props, name=t("layer_focus", lang), spec=spec, control=False)
