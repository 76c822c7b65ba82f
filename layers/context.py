"""Context layers: the river and the roads, drawn under everything else."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from gis.i18n import t
from layers._element import ParkGeoJson
from layers.legend import LegendItem

#: kind → (colour, line weight in px)
KIND_STYLES: dict[str, tuple[str, int]] = {
    "river": ("#81d4fa", 14),
    "expressway": ("#ffb300", 6),
    "road": ("#b0bec5", 4),
}
_KINDS = list(KIND_STYLES)
_KIND_LABELS = {
    "river": ("河流", "River"),
    "expressway": ("省道/快速路", "Arterial road"),
    "road": ("道路", "Road"),
}


def context_layer(context: gpd.GeoDataFrame, *, lang: str) -> ParkGeoJson:
    """River and roads as lines coloured by kind; the river carries its name."""
    kind_index = context["kind"].map({k: i for i, k in enumerate(_KINDS)})
    props = pd.DataFrame(
        {
            "k": kind_index.fillna(len(_KINDS) - 1).astype(int),
            "n": context["name"].where(context["kind"] == "river").fillna("").astype(str),
        }
    )
    spec = {
        "key": "context",
        "by": "k",
        "strokes": [KIND_STYLES[k][0] for k in _KINDS],
        "weights": [KIND_STYLES[k][1] for k in _KINDS],
        "stroke": "#b0bec5",
        "weight": 4,
        "opacity": 0.95,
        "fillOpacity": 0,
        "interactive": False,
        "label": "n",
        "labelMinZoom": 0,
    }
    return ParkGeoJson.of(context, props, name=t("layer_context", lang), spec=spec)


def context_legend_items(lang: str) -> tuple[LegendItem, ...]:
    return tuple(
        LegendItem(_KIND_LABELS[k][0 if lang == "zh" else 1], KIND_STYLES[k][0], "line")
        for k in _KINDS
    )
