"""Geometry checks of imported features: repair, polygonize, empties, overlaps, stated area.

Every change is reported (row, what was wrong, what was done) so the preview can show it
before anything is written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.crs import AREA_CRS, M2_PER_HECTARE, M2_PER_MU

#: Overlaps smaller than this (m²) are digitising noise, not a conflict.
OVERLAP_MIN_M2 = 1.0
#: Stated vs computed area: the larger of 0.5 % and 1 m² (domain.md §4.6).
AREA_REL_TOL = 0.005
AREA_ABS_TOL_M2 = 1.0
#: Units a land-area column may be given in, in m² each, with the name people know them by.
AREA_UNITS: dict[str, float] = {"m²": 1.0, "亩 (mu)": M2_PER_MU, "公顷 (ha)": M2_PER_HECTARE}
#: A column read in one unit is plausible when its median stated / drawn area is in this range;
#: another unit fits better when it brings that ratio into the (narrower) second range.
UNIT_PLAUSIBLE = (0.5, 2.0)
UNIT_FITS = (2 / 3, 1.5)


@dataclass
class GeometryReport:
    """What :func:`clean` did, row by row (rows are 0-based positions in the source)."""

    repaired: list[tuple[int, str, str]] = field(default_factory=list)  # row, reason, result
    dropped: list[tuple[int, str]] = field(default_factory=list)  # row, reason
    converted: list[tuple[int, str, str]] = field(default_factory=list)  # row, from, to

    @property
    def changed(self) -> bool:
        return bool(self.repaired or self.dropped or self.converted)


def clean(
    frame: gpd.GeoDataFrame, *, target: str
) -> tuple[gpd.GeoDataFrame, GeometryReport, np.ndarray]:
    """Make every geometry a valid ``target`` type ('Polygon' or 'Point').

    - missing or empty geometries are dropped;
    - closed lines become polygons, open lines are dropped (polygon targets);
    - invalid polygons are repaired with ``make_valid``; debris (lines, points) is
      discarded, and if a repair leaves several parts only the largest is kept;
    - a polygon given for a point layer becomes its representative point.

    Returns the kept rows, the report and the kept rows' positions in ``frame``.
    """
    report = GeometryReport()
    kept_rows, kept_geoms = [], []
    for row, geom in enumerate(frame.geometry.to_numpy()):
        result = _clean_one(row, geom, target, report)
        if result is not None:
            kept_rows.append(row)
            kept_geoms.append(result)
    positions = np.array(kept_rows, dtype=int)
    out = frame.iloc[positions].copy()
    out = out.set_geometry(gpd.GeoSeries(kept_geoms, index=out.index, crs=frame.crs))
    return out, report, positions


def _clean_one(row: int, geom, target: str, report: GeometryReport):
    if geom is None or shapely.is_missing(geom) or geom.is_empty:
        report.dropped.append((row, "empty"))
        return None
    kind = geom.geom_type
    if target == "Point":
        if kind == "Point":
            return geom
        point = (geom if geom.is_valid else shapely.make_valid(geom)).representative_point()
        report.converted.append((row, kind, "Point"))
        return point
    if kind in ("LineString", "LinearRing"):
        coords = list(geom.coords)
        if len(coords) >= 4 and coords[0] == coords[-1]:
            report.converted.append((row, kind, "Polygon"))
            geom = shapely.Polygon(coords)
        else:
            report.dropped.append((row, "open_line"))
            return None
    elif kind == "MultiLineString":
        faces = shapely.get_parts(shapely.polygonize(list(geom.geoms)))
        if not len(faces):
            report.dropped.append((row, "open_line"))
            return None
        report.converted.append((row, kind, "Polygon"))
        geom = shapely.union_all(faces)
    elif kind not in ("Polygon", "MultiPolygon", "GeometryCollection"):
        report.dropped.append((row, f"type:{kind}"))
        return None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        geom = shapely.make_valid(geom)
        repaired = _polygonal(geom)
        if repaired is None:
            report.dropped.append((row, f"invalid:{reason}"))
            return None
        report.repaired.append((row, reason, repaired.geom_type))
        geom = repaired
    geom = _polygonal(geom)
    if geom is None:
        report.dropped.append((row, "empty"))
        return None
    if isinstance(geom, shapely.MultiPolygon):
        parts = sorted(geom.geoms, key=lambda g: g.area, reverse=True)
        if len(parts) > 1:
            report.repaired.append((row, f"multipart:{len(parts)}", "Polygon"))
        geom = parts[0]
    return geom


def _polygonal(geom):
    """The polygon part of a geometry (None when it has none)."""
    polygons = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polygons:
        return None
    merged = shapely.union_all(polygons)
    return None if merged.is_empty else merged


def overlaps(
    incoming: gpd.GeoDataFrame,
    existing: gpd.GeoDataFrame,
    *,
    key: str,
    ignore_same_key: bool = True,
) -> pd.DataFrame:
    """Pairs (``new``, ``existing``, ``overlap_m2``) of incoming polygons that overlap
    existing ones by more than :data:`OVERLAP_MIN_M2` (areas in EPSG:4549)."""
    columns = ["new", "existing", "overlap_m2"]
    if incoming.empty or existing.empty:
        return pd.DataFrame(columns=columns)
    a = incoming[[key, "geometry"]].to_crs(AREA_CRS).reset_index(drop=True)
    b = existing[[key, "geometry"]].to_crs(AREA_CRS).reset_index(drop=True)
    left, right = b.sindex.query(a.geometry, predicate="intersects")
    rows = []
    for i, j in zip(left, right, strict=True):
        if ignore_same_key and a.at[i, key] == b.at[j, key]:
            continue
        area = a.geometry.iloc[i].intersection(b.geometry.iloc[j]).area
        if area > OVERLAP_MIN_M2:
            rows.append((a.at[i, key], b.at[j, key], round(float(area), 1)))
    return pd.DataFrame(rows, columns=columns)


def area_mismatches(frame: gpd.GeoDataFrame, stated_m2: pd.Series, *, key: str) -> pd.DataFrame:
    """Features whose computed area (EPSG:4549) differs from the stated one by more than
    max(0.5 %, 1 m²): columns ``code``, ``stated_m2``, ``computed_m2``, ``difference_m2``."""
    computed = frame.geometry.to_crs(AREA_CRS).area.to_numpy()
    stated = pd.to_numeric(pd.Series(stated_m2), errors="coerce").to_numpy(dtype=float)
    tolerance = np.maximum(AREA_REL_TOL * np.abs(stated), AREA_ABS_TOL_M2)
    off = ~np.isnan(stated) & (np.abs(computed - stated) > tolerance)
    return pd.DataFrame(
        {
            "code": frame[key].to_numpy()[off],
            "stated_m2": np.round(stated[off], 1),
            "computed_m2": np.round(computed[off], 1),
            "difference_m2": np.round(computed[off] - stated[off], 1),
        }
    )


@dataclass(frozen=True)
class UnitFit:
    """How a land-area column's values compare with the areas computed from the shapes."""

    assumed: str  # the unit the values were read in (a key of AREA_UNITS)
    likely: str | None  # the unit that fits the shapes better, None when ``assumed`` is fine
    ratio: float  # median of value read in ``assumed`` / computed area
    rows: int  # features compared


def area_unit_fit(
    values_m2: pd.Series | np.ndarray, geometry: gpd.GeoSeries, *, assumed: str = "m²"
) -> UnitFit | None:
    """Whether stated land areas fit the drawn shapes in the unit they were read in.

    ``values_m2`` are the stated areas as read (converted to m² from ``assumed``);
    ``geometry`` the features (any CRS), measured in EPSG:4549. When the median ratio of
    stated to drawn area is outside :data:`UNIT_PLAUSIBLE` and reading the same numbers
    in another unit of :data:`AREA_UNITS` brings it within :data:`UNIT_FITS`, that unit is
    ``likely`` (e.g. 亩 figures in a column taken for m² are about 0.15 % of the drawn
    area). None when no feature has both a positive value and a positive area.
    """
    stated = pd.to_numeric(pd.Series(np.asarray(values_m2, dtype=object)), errors="coerce")
    computed = pd.Series(np.asarray(geometry.to_crs(AREA_CRS).area, dtype=float))
    usable = (stated > 0) & (computed > 0)
    if not usable.any():
        return None
    ratio = float((stated[usable].astype(float) / computed[usable]).median())
    low, high = UNIT_PLAUSIBLE
    if low <= ratio <= high:
        return UnitFit(assumed, None, ratio, int(usable.sum()))
    per_assumed = AREA_UNITS[assumed]
    best, best_error = None, math.inf
    for unit, m2 in AREA_UNITS.items():
        if unit == assumed:
            continue
        candidate = ratio * m2 / per_assumed
        error = abs(math.log(candidate))
        if UNIT_FITS[0] <= candidate <= UNIT_FITS[1] and error < best_error:
            best, best_error = unit, error
    return UnitFit(assumed, best, ratio, int(usable.sum()))
