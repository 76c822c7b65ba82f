"""Geometry checks of imported features: repair, polygonize, empties, overlaps, stated area.

Every change is reported (row, what was wrong, what was done) so the preview can show it
before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.crs import AREA_CRS

#: Overlaps smaller than this (m²) are digitising noise, not a conflict.
OVERLAP_MIN_M2 = 1.0
#: Stated vs computed area: the larger of 0.5 % and 1 m² (domain.md §4.6).
AREA_REL_TOL = 0.005
AREA_ABS_TOL_M2 = 1.0


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
