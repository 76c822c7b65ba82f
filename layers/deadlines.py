"""Overdue and idle parcels (逾期 / 闲置), outlined above the status colours; in a district
(:func:`layers.aggregate.is_district`) from parcel level on, like the parcels themselves.

Built from :func:`gis.parcels.deadlines.warnings` for the chosen as-of date; passed to the map
through ``mapview.park_map(..., extras=..., extras_key=...)``.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd

from gis.i18n import t
from gis.parcels import deadlines
from layers._element import ParkGeoJson
from layers.aggregate import DETAIL_ZOOM, is_district
from layers.legend import LegendItem, LegendSection

#: Warning kinds, worst first, and their outline colours.
KINDS: tuple[str, ...] = (
    "warn_idle_2y",
    "warn_idle_1y",
    "warn_start_overdue",
    "warn_completion_overdue",
)
COLORS: tuple[str, ...] = ("#b71c1c", "#e53935", "#ff6f00", "#ffb300")


def warning_frame(parcels: gpd.GeoDataFrame, as_of: date) -> gpd.GeoDataFrame:
    """``parcels`` (statuses as of ``as_of``) that have a warning, with ``kind`` and days."""
    table = deadlines.warnings(parcels, as_of)
    if table.empty:
        out = parcels.iloc[:0].copy()
        out["kind"] = pd.Series(dtype=object)
        out["days"] = pd.Series(dtype="int64")
        return out
    table["kind"] = deadlines.warning_kinds(table)
    table["days"] = table[["start_overdue_days", "completion_overdue_days"]].max(axis=1)
    return parcels[["code", "geometry"]].merge(
        table[["code", "kind", "days", "idle_fee_wan"]], on="code"
    )


def deadline_layer(parcels: gpd.GeoDataFrame, *, as_of: date, lang: str) -> ParkGeoJson:
    """Parcels overdue or idle on ``as_of``: a thick outline coloured by the worst warning."""
    late = warning_frame(parcels, as_of)
    props = pd.DataFrame(
        {
            "c": late["code"].astype(str),
            "k": late["kind"].map({k: i for i, k in enumerate(KINDS)}),
            "d": late["days"].astype("Int64"),
            "f": late["idle_fee_wan"].where(late["idle_fee_wan"] > 0) if len(late) else [],
        }
    )
    props = props.astype(object).where(props.notna(), None)
    spec = {
        "key": "deadlines",
        "by": "k",
        "colors": list(COLORS),
        "strokes": list(COLORS),
        "fallback": COLORS[-1],
        "stroke": COLORS[-1],
        "weight": 3,
        "opacity": 1,
        "fillOpacity": 0.15,
        "dash": "6 4",
        "tooltip": [
            [t("tip_code", lang), "c", None, ""],
            [t("warn_kind", lang), "k", "kinds", ""],
            [t("deadline_days", lang), "d", None, " " + t("unit_day", lang)],
            [t("deadline_idle_fee", lang), "f", None, " " + t("unit_wan", lang)],
        ],
        "lookups": {"kinds": [t(k, lang) for k in KINDS]},
    }
    if is_district(parcels):  # like the parcels they outline: from parcel level on
        spec["minZoom"] = DETAIL_ZOOM
    return ParkGeoJson.of(late, props, name=t("layer_deadlines", lang), spec=spec)


def deadline_legend(lang: str, *, district: bool = False) -> LegendSection:
    """The legend section of :func:`deadline_layer`; a district's says from which zoom."""
    items = tuple(LegendItem(t(k, lang), c, "outline") for k, c in zip(KINDS, COLORS, strict=True))
    if district:
        return LegendSection(t("legend_deadlines_near", lang, zoom=DETAIL_ZOOM), items)
    return LegendSection(t("legend_deadlines", lang), items)


def deadline_extras(
    frames: dict, lang: str, *, as_of: date
) -> tuple[list[ParkGeoJson], list[LegendSection]]:
    """``mapview`` extras: the warning layer and its legend (bind ``as_of`` with partial)."""
    parcels = frames["parcels"]
    return [deadline_layer(parcels, as_of=as_of, lang=lang)], [
        deadline_legend(lang, district=is_district(parcels))
    ]


def deadline_extras_key(as_of: date) -> str:
    """The ``extras_key`` of :func:`deadline_extras` bound to ``as_of``: what it draws
    changes with the date only (the map's cache has the data version already)."""
    return f"deadlines:{as_of.isoformat()}"
