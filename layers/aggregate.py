"""A district seen from afar: its parcels summed on a square grid.

At district zoom 50,000 parcel outlines drown the status colours in a grey texture, and
drawing them all is what made the page slow. Below :data:`DETAIL_ZOOM` a large park
(more than :data:`DISTRICT_PARCELS` parcels) is drawn as grid cells instead: each cell is
split into vertical stripes, one per status present, as wide as that status's share of
the cell's parcel area (count when the areas are unknown), in the legend's order. Nothing
is hidden: every parcel with a geometry falls in exactly one cell (by its centroid), and
a cell's tooltip gives its parcel count, area and each share.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import vocabulary
from gis.crs import AREA_CRS
from gis.i18n import t
from layers._element import ParkGeoJson

#: Parks with more parcels than this are drawn as districts: aggregate from afar,
#: parcels without outlines, codes only for the parcels in view.
DISTRICT_PARCELS = 3000
#: From this zoom on, a district's parcels are drawn one by one; below it, the grid.
DETAIL_ZOOM = 14
#: From this zoom on, a district's parcels get their outlines.
OUTLINE_ZOOM = 15
#: Cell sides tried, smallest first: the first that covers the park in at most
#: :data:`MAX_CELLS_ACROSS` cells along its longer side.
CELL_SIZES_M = (250, 500, 1000, 2000, 3000, 5000, 10000, 20000, 50000)
MAX_CELLS_ACROSS = 30
#: Part of the cell left blank around the stripes, so neighbouring cells read apart.
MARGIN = 0.06


def is_district(parcels: pd.DataFrame) -> bool:
    """True when ``parcels`` are too many to draw one by one from afar."""
    return len(parcels) > DISTRICT_PARCELS


def cell_size_m(bounds: tuple[float, float, float, float]) -> int:
    """The grid's cell side in metres for a park spanning ``bounds`` (in :data:`AREA_CRS`)."""
    span = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 0.0)
    for size in CELL_SIZES_M:
        if span / size <= MAX_CELLS_ACROSS:
            return size
    return CELL_SIZES_M[-1]


def size_label(size_m: int) -> str:
    """``500 m`` or ``2 km``."""
    return f"{size_m // 1000} km" if size_m >= 1000 and size_m % 1000 == 0 else f"{size_m} m"


def cell_stripes(
    parcels: gpd.GeoDataFrame, field: str, projected: gpd.GeoSeries | None = None
) -> tuple[gpd.GeoDataFrame, int]:
    """The stripes of every cell with parcels, and the cell size in metres.

    Columns: ``cell`` (a cell number), ``status`` (index into
    :func:`gis.vocabulary.statuses`, -1 for a code outside it), ``count``, ``mu``
    (parcel area in the cell with that status), ``share`` (of the cell), and the stripe
    geometry in :data:`AREA_CRS`. ``parcels`` is :func:`gis.parcels.enrich_parcels` output;
    ``projected``, if the caller has it, their geometry in :data:`AREA_CRS`.
    """
    geoms = (parcels.geometry.to_crs(AREA_CRS) if projected is None else projected).to_numpy()
    drawn = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    geoms = geoms[drawn]
    empty = gpd.GeoDataFrame(
        {"cell": [], "status": [], "count": [], "mu": [], "share": []},
        geometry=gpd.GeoSeries([], crs=AREA_CRS),
    )
    if not len(geoms):
        return empty, CELL_SIZES_M[0]
    left, bottom, right, top = shapely.total_bounds(geoms)
    size = cell_size_m((left, bottom, right, top))
    centres = shapely.get_coordinates(shapely.centroid(geoms))
    columns = np.floor((centres[:, 0] - left) / size).astype(np.int64)
    rows = np.floor((centres[:, 1] - bottom) / size).astype(np.int64)
    index = {s.code: i for i, s in enumerate(vocabulary.statuses(field))}
    status = parcels.loc[drawn, field].map(index).fillna(-1).astype(int).to_numpy()
    mu = pd.to_numeric(parcels.loc[drawn, "area_mu"], errors="coerce").fillna(0).to_numpy()
    table = (
        pd.DataFrame({"col": columns, "row": rows, "status": status, "mu": mu, "count": 1})
        .groupby(["col", "row", "status"], as_index=False)[["mu", "count"]]
        .sum()
        .sort_values(["col", "row", "status"], kind="stable")
    )
    cell = table.groupby(["col", "row"], sort=False)
    total_mu, total_count = cell["mu"].transform("sum"), cell["count"].transform("sum")
    # Shares by area; by count in a cell whose parcels have no known area.
    weight = np.where(total_mu > 0, table["mu"], table["count"])
    table["share"] = weight / np.where(total_mu > 0, total_mu, total_count)
    # Unknown statuses (index -1) sort first; keep the legend's order after them.
    cell = table.groupby(["col", "row"], sort=False)
    before = cell["share"].cumsum() - table["share"]
    inner = size * (1 - 2 * MARGIN)
    x0 = left + table["col"] * size + size * MARGIN + before * inner
    y0 = bottom + table["row"] * size + size * MARGIN
    boxes = shapely.box(x0, y0, x0 + table["share"] * inner, y0 + inner)
    table["cell"] = cell.ngroup()
    out = gpd.GeoDataFrame(
        table[["cell", "status", "count", "mu", "share"]].reset_index(drop=True),
        geometry=gpd.GeoSeries(boxes, crs=AREA_CRS),
    )
    return out, size


def _summaries(stripes: pd.DataFrame, field: str, lang: str) -> pd.Series:
    """Per stripe, the tooltip text of its cell."""
    labels = [s.label(lang) for s in vocabulary.statuses(field)]
    # Plain lists over the stripes in cell order (a pandas group per cell cost 0.3 s for a
    # district's 500 cells).
    order = np.argsort(stripes["cell"].to_numpy(), kind="stable")
    columns = ("cell", "status", "share", "count", "mu")
    cell, status, share, count, mu = (stripes[c].to_numpy()[order].tolist() for c in columns)
    texts: dict[int, str] = {}
    start = 0
    for end in range(1, len(cell) + 1):
        if end < len(cell) and cell[end] == cell[start]:
            continue
        shares = "、".join(
            f"{labels[s] if 0 <= s < len(labels) else '?'} {share[k]:.0%}"
            for k, s in zip(range(start, end), status[start:end], strict=True)
        )
        texts[cell[start]] = t(
            "agg_cell_summary",
            lang,
            count=int(sum(count[start:end])),
            mu=f"{sum(mu[start:end]):,.1f}",
            shares=shares,
        )
        start = end
    return stripes["cell"].map(texts)


def aggregate_layer(
    parcels: gpd.GeoDataFrame, *, field: str, lang: str, projected: gpd.GeoSeries | None = None
) -> ParkGeoJson:
    """The grid of ``parcels`` coloured by ``field``, shown below :data:`DETAIL_ZOOM`
    (``projected``: as in :func:`cell_stripes`)."""
    stripes, _ = cell_stripes(parcels, field, projected)
    statuses = vocabulary.statuses(field)
    props = pd.DataFrame(
        {"s": stripes["status"].astype(int), "d": _summaries(stripes, field, lang).astype(str)}
    )
    spec = {
        "key": "aggregate",
        "by": "s",
        "colors": [s.color for s in statuses],
        "fallback": "#ff00ff",
        "stroke": "#ffffff",
        "weight": 0,
        "opacity": 0,
        "fillOpacity": 0.85,
        "tooltip": [[t("agg_tip_cell", lang), "d", None, ""]],
        "lookups": {},
        "maxZoom": DETAIL_ZOOM,
    }
    return ParkGeoJson.of(stripes, props, name=t("layer_aggregate", lang), spec=spec)


def zoom_notes(
    parcels: gpd.GeoDataFrame, lang: str, label_zoom: int, projected: gpd.GeoSeries | None = None
) -> list[tuple]:
    """What the legend says the map shows, per zoom range: ``(from, below, text)``
    (``projected``: as in :func:`cell_stripes`)."""
    geoms = parcels.geometry.to_crs(AREA_CRS) if projected is None else projected
    bounds = tuple(geoms.total_bounds)
    size = cell_size_m(bounds if all(map(math.isfinite, bounds)) else (0, 0, 0, 0))
    return [
        (None, DETAIL_ZOOM, t("agg_zoom_far", lang, size=size_label(size), zoom=DETAIL_ZOOM)),
        (DETAIL_ZOOM, OUTLINE_ZOOM, t("agg_zoom_parcels", lang, zoom=label_zoom)),
        (OUTLINE_ZOOM, label_zoom, t("agg_zoom_outlined", lang, zoom=label_zoom)),
        (label_zoom, None, t("agg_zoom_labelled", lang)),
    ]
