"""Changes since a date (#17, 2): the parcels whose status changed, outlined on the map."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from gis.i18n import t
from gis.parcels.changes import Changes, field_label, transition_label
from layers._element import ParkGeoJson
from layers.legend import LegendItem, LegendSection

CHANGED_COLOR = "#111111"
NOTED_COLOR = "#546e7a"


def changes_layer(parcels: gpd.GeoDataFrame, found: Changes, *, lang: str) -> ParkGeoJson:
    """The changed parcels (thick black outline) and those with only a late entry or a
    correction (grey dashed); the tooltip (built with ``textContent``) lists the changes."""
    changed, noted = set(found.changed_codes()), set(found.noted_codes())
    codes = parcels["code"].astype(str)
    shown = parcels[codes.isin(changed | noted).to_numpy()]
    texts: dict[str, list[str]] = {}
    for r in found.changes.itertuples(index=False):
        line = f"{r.effective_date} {field_label(r.field, lang)}: " + transition_label(
            r.field, r.old_status, r.new_status, lang
        )
        texts.setdefault(r.parcel_code, []).append(line)
    shown_codes = shown["code"].astype(str)
    props = pd.DataFrame(
        {
            "c": shown_codes.to_numpy(),
            "n": shown["name"].fillna("").astype(str).to_numpy(),
            "t": ["；".join(texts.get(c, [])) for c in shown_codes],
            "k": [0 if c in changed else 1 for c in shown_codes],
        }
    )
    spec = {
        "key": "changes",
        "by": "k",
        "colors": [CHANGED_COLOR, NOTED_COLOR],
        "fallback": NOTED_COLOR,
        "strokes": [CHANGED_COLOR, NOTED_COLOR],
        "weights": [4, 2.5],
        "stroke": CHANGED_COLOR,
        "weight": 4,
        "opacity": 0.95,
        "fillOpacity": 0.08,
        "tooltip": [
            [t("chg_tip_code", lang), "c", None, ""],
            [t("chg_tip_name", lang), "n", None, ""],
            [t("chg_tip_changes", lang), "t", None, ""],
        ],
        "lookups": {},
    }
    return ParkGeoJson.of(shown, props, name=t("chg_layer", lang), spec=spec)


def changes_legend(lang: str) -> LegendSection:
    return LegendSection(
        t("chg_layer", lang),
        (
            LegendItem(t("chg_legend_changed", lang), CHANGED_COLOR, "outline"),
            LegendItem(t("chg_legend_noted", lang), NOTED_COLOR, "outline"),
        ),
    )
