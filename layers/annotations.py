"""Meeting annotations: the decisions sketched on the map (points, lines and polygons)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from gis.i18n import t
from layers._element import ParkGeoJson
from layers.legend import LegendItem, LegendSection

ANNOTATION_COLOR = "#d81b60"


def annotation_layer(annotations: gpd.GeoDataFrame, *, lang: str) -> ParkGeoJson:
    """Every annotation in one layer, magenta, with its note, meeting, author and parcel.

    The tooltip is built with ``textContent`` (see :mod:`layers._element`), so a note can
    hold any text, markup included, without it ever becoming markup.
    """
    props = pd.DataFrame(
        {
            "i": annotations["annotation_id"].astype(str),
            "n": annotations["note"].fillna("").astype(str),
            "d": annotations["meeting_date"].fillna("").astype(str),
            "a": annotations["author"].fillna("").astype(str),
            "p": annotations["parcel_code"].fillna("").astype(str),
        }
    )
    spec = {
        "key": "annotations",
        "fill": ANNOTATION_COLOR,
        "stroke": ANNOTATION_COLOR,
        "weight": 4,
        "opacity": 0.95,
        "fillOpacity": 0.22,
        "dash": "8 5",
        "radius": 9,
        "tooltip": [
            [t("mtg_ann_note", lang), "n", None, ""],
            [t("mtg_ann_meeting_date", lang), "d", None, ""],
            [t("mtg_ann_author", lang), "a", None, ""],
            [t("mtg_ann_parcel", lang), "p", None, ""],
            ["ID", "i", None, ""],
        ],
        "lookups": {},
    }
    return ParkGeoJson.of(annotations, props, name=t("mtg_layer_annotations", lang), spec=spec)


def annotation_legend(lang: str) -> LegendSection:
    return LegendSection(
        t("mtg_layer_annotations", lang),
        (LegendItem(t("mtg_legend_annotation", lang), ANNOTATION_COLOR, "outline"),),
    )
