"""Coordinate reference systems and land units.

Storage is CGCS2000 geographic (EPSG:4490); areas and lengths are computed in
CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549), which covers all of 莲都;
the map displays EPSG:4326 (PROJ treats 4490 -> 4326 as a null shift, the real
difference is centimetres). Land is reported in 亩 (mu) and 公顷 (ha).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from gis._errors import CRSError

STORAGE_CRS = "EPSG:4490"
AREA_CRS = "EPSG:4549"
DISPLAY_CRS = "EPSG:4326"

#: One mu is exactly 10000/15 m² (15 mu = 1 hectare).
M2_PER_MU = 10000 / 15
M2_PER_HECTARE = 10000.0

#: The 莲都 district bounding box (lon/lat), expanded by 0.01° for sanity checks.
LIANDU_BBOX = (119.605, 28.093, 120.151, 28.748)


def m2_to_mu(m2: float | pd.Series) -> float | pd.Series:
    """Square metres to mu (亩): m² × 15 / 10000."""
    return m2 * 15 / 10000


def m2_to_hectares(m2: float | pd.Series) -> float | pd.Series:
    """Square metres to hectares (公顷)."""
    return m2 / M2_PER_HECTARE


def require_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, name: str = "data") -> None:
    """Refuse a GeoDataFrame or GeoSeries that has no CRS.

    A frame without a CRS cannot be placed on the map or measured, and guessing is
    how parcels end up 500 km away, so the caller must say what the coordinates are.
    """
    if not isinstance(gdf, (gpd.GeoDataFrame, gpd.GeoSeries)):
        raise TypeError(f"'{name}' should be a GeoDataFrame or GeoSeries, got {type(gdf)}")
    if gdf.crs is None:
        raise CRSError("crs_missing", name=name)


def to_storage(gdf: gpd.GeoDataFrame, *, name: str = "data") -> gpd.GeoDataFrame:
    """Return ``gdf`` in the storage CRS (EPSG:4490)."""
    require_crs(gdf, name=name)
    return gdf if gdf.crs.equals(STORAGE_CRS) else gdf.to_crs(STORAGE_CRS)


def to_display(gdf: gpd.GeoDataFrame, *, name: str = "data") -> gpd.GeoDataFrame:
    """Return ``gdf`` in the display CRS (EPSG:4326)."""
    require_crs(gdf, name=name)
    return gdf if gdf.crs.equals(DISPLAY_CRS) else gdf.to_crs(DISPLAY_CRS)


def area_m2(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, name: str = "data") -> pd.Series:
    """Planar area in m², computed in EPSG:4549 whatever CRS the data is stored in."""
    require_crs(gdf, name=name)
    geoms = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    return geoms.to_crs(AREA_CRS).area


def area_mu(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, name: str = "data") -> pd.Series:
    """Area in mu, computed in EPSG:4549."""
    return m2_to_mu(area_m2(gdf, name=name))


def length_m(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, name: str = "data") -> pd.Series:
    """Length in metres, computed in EPSG:4549."""
    require_crs(gdf, name=name)
    geoms = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    return geoms.to_crs(AREA_CRS).length
