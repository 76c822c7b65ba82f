"""Vacant spaces of a reuse scenario: matched ones in green with their tenant, others in orange."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import geopandas as gpd
import pandas as pd
from branca.element import Element

from gis.i18n import t
from layers._element import ParkGeoJson
from layers.legend import LegendItem, LegendSection

PLACED_COLOR = "#2e7d32"
OPEN_COLOR = "#ff8f00"
OTHER_COLOR = "#9e9e9e"


def reuse_layer(
    spaces: gpd.GeoDataFrame,
    placements: pd.DataFrame,
    *,
    candidates: pd.DataFrame,
    lang: str,
    selected: Sequence[str] | None = None,
    key: str = "reuse",
) -> ParkGeoJson:
    """Vacant spaces as points: 0 matched (tenant in the tooltip), 1 selected but not
    matched, 2 not in the scenario. Spaces on one building are spread by floor."""
    names = candidates.set_index("candidate_id")["name"].astype(str).to_dict()
    tenants = (
        placements.assign(
            n=placements["candidate_id"].map(names).fillna(placements["candidate_id"])
        )
        .groupby("space_id")["n"]
        .agg(lambda s: "、".join(s))
    )
    chosen = set(spaces["space_id"] if selected is None else selected)
    state = [0 if sid in tenants.index else 1 if sid in chosen else 2 for sid in spaces["space_id"]]
    props = pd.DataFrame(
        {
            "s": spaces["space_id"].astype(str),
            "p": spaces["parcel_code"].astype(str),
            "f": spaces["floor"],
            "g": pd.to_numeric(spaces["gfa_m2"], errors="coerce").round(0),
            "h": spaces["clear_height_m"],
            "l": spaces["floor_load_kn_m2"],
            "fc": spaces["fire_class_allowed"],
            "e": spaces["env_restrictions"],
            "m": spaces["mode_allowed"],
            "k": state,
            "tn": spaces["space_id"].map(tenants),
        }
    )
    props = props.astype(object).where(props.notna(), None)
    # Spread the spaces of one building (same point) a few metres apart, by floor.
    geoms = spaces.geometry.to_crs("EPSG:4549")
    rank = spaces.groupby(geoms.to_wkb()).cumcount().to_numpy()
    shifted = gpd.GeoSeries(
        [g if r == 0 else _offset(g, r) for g, r in zip(geoms, rank, strict=True)],
        crs="EPSG:4549",
    )
    spec = {
        "key": key,
        "by": "k",
        "colors": [PLACED_COLOR, OPEN_COLOR, OTHER_COLOR],
        "fallback": OTHER_COLOR,
        "stroke": "#ffffff",
        "weight": 1,
        "opacity": 1,
        "fillOpacity": 0.95,
        "radius": 6,
        "tooltip": [
            [t("reuse_tip_space", lang), "s", None, ""],
            [t("tip_code", lang), "p", None, ""],
            [t("reuse_tip_tenant", lang), "tn", None, ""],
            [t("reuse_tip_floor", lang), "f", None, ""],
            [t("tip_vacant", lang), "g", None, " m²"],
            [t("reuse_tip_height", lang), "h", None, " m"],
            [t("reuse_tip_load", lang), "l", None, " kN/m²"],
            [t("reuse_tip_fire", lang), "fc", None, ""],
            [t("reuse_tip_env", lang), "e", None, ""],
            [t("reuse_tip_mode", lang), "m", None, ""],
        ],
        "lookups": {},
    }
    frame = gpd.GeoDataFrame(geometry=shifted.to_crs(spaces.crs).to_numpy(), crs=spaces.crs)
    return ParkGeoJson.of(frame, props, name=t("reuse_layer", lang), spec=spec)


def _offset(point, rank: int):
    from shapely.affinity import translate

    return translate(point, xoff=9.0 * rank, yoff=-9.0 * rank)


def reuse_legend(lang: str) -> LegendSection:
    return LegendSection(
        t("reuse_layer", lang),
        (
            LegendItem(t("reuse_legend_placed", lang), PLACED_COLOR, "dot"),
            LegendItem(t("reuse_legend_open", lang), OPEN_COLOR, "dot"),
            LegendItem(t("layer_vacant", lang), OTHER_COLOR, "dot"),
        ),
    )


def scenario_extras(
    placements: pd.DataFrame, candidates: pd.DataFrame, selected: Sequence[str] | None = None
) -> Callable[[dict, str], tuple[Sequence[Element], Sequence[LegendSection]]]:
    """A ``mapview.park_map`` extras function drawing one scenario's spaces."""

    def extras(frames: dict, lang: str) -> tuple[Sequence[Element], Sequence[LegendSection]]:
        layer = reuse_layer(
            frames["vacant_spaces"],
            placements,
            candidates=candidates,
            lang=lang,
            selected=selected,
        )
        return [layer], [reuse_legend(lang)]

    return extras
