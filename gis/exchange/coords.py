"""GCJ-02 ("火星坐标") and BD-09 lon/lat conversions (domain.md §4.3).

Chinese web maps (高德/腾讯: GCJ-02; 百度: BD-09) publish lon/lat deliberately offset
from WGS 84 / CGCS2000 — in 莲都 by about 575 m (GCJ-02) and 1.1 km (BD-09). Users paste
such coordinates; they are converted here to WGS 84, which the app treats as EPSG:4490
(PROJ's 4490 → 4326 step is a null shift).

Implemented from the published formulas: the Krasovsky ellipsoid (``a = 6378245``,
``ee = 0.00669342162296594323``) with the offset polynomials centred on (105°E, 35°N),
applied only inside the China box; BD-09 adds a rotation and the +0.0065 / +0.006
offsets. The inverses have no closed form and are found by fixed-point iteration to
better than 1e-9°.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
#: The box inside which GCJ-02 offsets are applied (lon_min, lat_min, lon_max, lat_max).
CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)
_ITERATIONS = 40
_TOLERANCE = 1e-10

Coords = np.ndarray  # shape (n, 2): lon, lat in degrees


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = CHINA_BOX
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def _offset_lat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    out = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    out += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    out += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    out += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return out


def _offset_lon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    out = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    out += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    out += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    out += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return out


def _as_array(coords: Coords) -> np.ndarray:
    array = np.asarray(coords, dtype=float)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"'coords' should have shape (n, 2), got {array.shape}")
    return array


def wgs84_to_gcj02(coords: Coords) -> np.ndarray:
    """WGS 84 (≈ CGCS2000) lon/lat to GCJ-02; points outside China are returned unchanged."""
    c = _as_array(coords)
    lon, lat = c[:, 0], c[:, 1]
    dlat = _offset_lat(lon - 105.0, lat - 35.0)
    dlon = _offset_lon(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    inside = _in_china(lon, lat)
    return np.column_stack([np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)])


def gcj02_to_bd09(coords: Coords) -> np.ndarray:
    """GCJ-02 lon/lat to BD-09 (百度)."""
    c = _as_array(coords)
    x, y = c[:, 0], c[:, 1]
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return np.column_stack([z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006])


def wgs84_to_bd09(coords: Coords) -> np.ndarray:
    """WGS 84 lon/lat to BD-09 (via GCJ-02)."""
    return gcj02_to_bd09(wgs84_to_gcj02(coords))


def _invert(forward: Callable[[np.ndarray], np.ndarray], target: Coords) -> np.ndarray:
    """Solve ``forward(x) = target`` by fixed-point iteration (the offsets are smooth)."""
    goal = _as_array(target)
    guess = goal.copy()
    for _ in range(_ITERATIONS):
        error = forward(guess) - goal
        guess = guess - error
        if not len(error) or np.nanmax(np.abs(error)) < _TOLERANCE:
            break
    return guess


def gcj02_to_wgs84(coords: Coords) -> np.ndarray:
    """GCJ-02 lon/lat to WGS 84 (iterative inverse, better than 1e-9°)."""
    return _invert(wgs84_to_gcj02, coords)


def bd09_to_wgs84(coords: Coords) -> np.ndarray:
    """BD-09 lon/lat to WGS 84 (iterative inverse)."""
    return _invert(wgs84_to_bd09, coords)


#: Conversions to WGS 84 by the name the UI offers.
TO_WGS84: dict[str, Callable[[Coords], np.ndarray]] = {
    "GCJ02": gcj02_to_wgs84,
    "BD09": bd09_to_wgs84,
}


def transform_geometries(geoms: np.ndarray, func: Callable[[Coords], np.ndarray]) -> np.ndarray:
    """Apply a lon/lat conversion to every vertex of an array of shapely geometries."""
    return shapely.transform(np.asarray(geoms, dtype=object), func)
