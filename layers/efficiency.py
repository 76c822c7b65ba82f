"""亩均 classes on the map: parcels filled by class A–D, key-supervision parcels outlined.

**Which class a parcel shows.** Firms are evaluated one by one (a tenant on its pro-rata
share of the land, as the sample records it); a parcel takes the class of its *main
firm* — the evaluated firm with the most land on it (:func:`gis.efficiency.classes.parcel_classes`).
Merging the tenants into the parcel (遂昌's rule, domain.md §1.2) would give a parcel
one class that no firm holds and hide the standard-factory owners of 万洋, who are
graded separately; the tooltip lists every firm on the parcel with its own class, so
nothing is hidden. A parcel with any key-supervision firm gets a purple dashed outline.
Parcels without a graded firm are greyed out over the base map's status colours, so a
status colour is never mistaken for a class (toggle the grey layer off to see them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import geopandas as gpd
import pandas as pd
from branca.element import Element

from gis.efficiency.classes import parcel_classes
from gis.efficiency.config import CLASSES, EfficiencyConfig
from gis.i18n import t
from layers._element import ParkGeoJson
from layers.legend import LegendItem, LegendSection

#: Class colours, A (best) to D: a diverging blue–red scale, readable on a projector and
#: distinct from the construction-status greens and yellows beneath.
CLASS_COLORS = {"A": "#2166ac", "B": "#67a9cf", "C": "#fdae61", "D": "#d7191c"}
KEY_SUPERVISION_COLOR = "#8e24aa"
#: Parcels with no graded firm are greyed out, so status colours cannot be read as classes.
UNGRADED_COLOR = "#e0e0e0"


def class_layer(
    parcels: gpd.GeoDataFrame, classes: pd.DataFrame, *, lang: str, config: EfficiencyConfig
) -> ParkGeoJson:
    """Parcels with a graded main firm, filled by its class.

    ``classes`` is :func:`gis.efficiency.classes.parcel_classes` output; parcels without a class
    are left out (the base parcel layer shows through).
    """
    graded = classes.dropna(subset=["class_code"])
    shown = parcels.merge(graded, left_on="code", right_on="parcel_code", how="inner")
    index = {c: i for i, c in enumerate(CLASSES)}
    props = pd.DataFrame(
        {
            "c": shown["code"].astype(str),
            "k": shown["class_code"].map(index).astype(int),
            "m": shown["main_firm"].fillna("").astype(str),
            "s": shown["score"].round(1),
            "f": shown["firms"].fillna("").astype(str),
            "x": shown["ks_firms"].fillna("").astype(str),
            # A main firm evaluated but not graded (NOT_GRADED) shows as B, and says so.
            "n": [
                "" if g else t("adj_tip_not_graded", lang)
                for g in shown.get("graded", pd.Series(True, index=shown.index))
            ],
        }
    )
    spec = {
        "key": "efficiency",
        "by": "k",
        "colors": [CLASS_COLORS[c] for c in CLASSES],
        "fallback": "#ff00ff",
        "stroke": "#263238",
        "weight": 1,
        "opacity": 0.9,
        "fillOpacity": 0.85,
        "tooltip": [
            [t("tip_code", lang), "c", None, ""],
            [t("tip_class", lang), "k", "classes", ""],
            [t("adj_col_override", lang), "n", None, ""],
            [t("tip_main_firm", lang), "m", None, ""],
            [t("tip_score", lang), "s", None, ""],
            [t("tip_firms", lang), "f", None, ""],
            [t("tip_ks_firms", lang), "x", None, ""],
        ],
        "lookups": {"classes": [f"{c} {config.class_label(c, lang)}" for c in CLASSES]},
    }
    return ParkGeoJson.of(shown, props, name=t("layer_efficiency", lang), spec=spec)


def ungraded_layer(parcels: gpd.GeoDataFrame, classes: pd.DataFrame, *, lang: str) -> ParkGeoJson:
    """Parcels without a graded firm, filled grey over the status colours beneath.

    Not interactive: hovering still shows the base parcel's tooltip (its status).
    """
    graded = set(classes.dropna(subset=["class_code"])["parcel_code"])
    shown = parcels[~parcels["code"].isin(graded)]
    props = pd.DataFrame({"c": shown["code"].astype(str)})
    spec = {
        "key": "efficiency_ungraded",
        "fill": UNGRADED_COLOR,
        "stroke": "#9e9e9e",
        "weight": 1,
        "opacity": 0.8,
        "fillOpacity": 0.92,
        "interactive": False,
    }
    return ParkGeoJson.of(shown, props, name=t("layer_efficiency_ungraded", lang), spec=spec)


def supervision_layer(
    parcels: gpd.GeoDataFrame, classes: pd.DataFrame, *, lang: str
) -> ParkGeoJson:
    """A purple dashed outline around parcels with a key-supervision firm."""
    flagged = classes[classes["key_supervision"].astype(bool)]
    shown = parcels.merge(flagged, left_on="code", right_on="parcel_code", how="inner")
    props = pd.DataFrame({"c": shown["code"].astype(str)})  # not interactive: nothing else
    spec = {
        "key": "key_supervision",
        "stroke": KEY_SUPERVISION_COLOR,
        "weight": 4,
        "opacity": 1,
        "fillOpacity": 0,
        "dash": "6 4",
        "interactive": False,
    }
    return ParkGeoJson.of(shown, props, name=t("layer_key_supervision", lang), spec=spec)


def efficiency_legend(lang: str, config: EfficiencyConfig) -> LegendSection:
    items = tuple(
        LegendItem(f"{c} {config.class_label(c, lang)}", CLASS_COLORS[c]) for c in CLASSES
    )
    return LegendSection(
        t("legend_efficiency", lang),
        (
            *items,
            LegendItem(t("legend_ungraded", lang), UNGRADED_COLOR),
            LegendItem(t("legend_key_supervision", lang), KEY_SUPERVISION_COLOR, "outline"),
        ),
    )


def efficiency_extras(
    evaluation: pd.DataFrame, config: EfficiencyConfig
) -> Callable[[dict, str], tuple[Sequence[Element], Sequence[LegendSection]]]:
    """The ``extras`` function for :func:`ui.mapview.park_map`: class and supervision
    layers for the parcels on the map, with their legend section (built only when the
    map itself is, not on a cached map's rerun)."""

    def extras(frames: dict, lang: str) -> tuple[Sequence[Element], Sequence[LegendSection]]:
        classes = parcel_classes(evaluation)
        parcels = frames["parcels"]
        layers = [
            ungraded_layer(parcels, classes, lang=lang),
            class_layer(parcels, classes, lang=lang, config=config),
            supervision_layer(parcels, classes, lang=lang),
        ]
        return layers, [efficiency_legend(lang, config)]

    return extras
