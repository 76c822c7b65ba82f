"""Which coordinate system uploaded coordinates are in (domain.md §4.1).

A ``.prj`` (or a GeoPackage's own CRS) is used when present. Without one the magnitude
of the coordinates tells the family:

- lon/lat: |x| ≤ 180 and |y| ≤ 90 (and swapped when x looks like a Chinese latitude and
  y like a Chinese longitude);
- Gauss-Krüger with the zone prefix: easting ≈ 40 xxx xxx → 3-degree zone 40, EPSG:4528;
- Gauss-Krüger without prefix: easting 100 000–900 000, northing 1–6.5 million → the
  3-degree zone with central meridian 120°E, EPSG:4549 (莲都);
- northing in the first column (x ≈ 3.1e6): the columns are swapped (surveyors write
  X = northing, Y = easting).

The datum cannot be told from numbers: the user picks CGCS2000 (default), Xian 1980,
Beijing 1954, WGS 84 or — for lon/lat copied from web maps — GCJ-02 / BD-09. The result
is checked against the 莲都 box, and a clear warning is given when it falls outside.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from gis._errors import ValidationError
from gis.crs import LIANDU_BBOX, STORAGE_CRS
from gis.exchange.coords import TO_WGS84, transform_geometries

#: Datums the user can choose for coordinates without a .prj.
DATUMS: tuple[str, ...] = ("CGCS2000", "XIAN80", "BEIJING54", "WGS84", "GCJ02", "BD09")

#: Explicit CRS choices the UI offers besides "auto" (GCJ02 / BD09 are lon/lat on those datums).
CRS_CHOICES: tuple[str, ...] = (
    "EPSG:4490",
    "EPSG:4326",
    "GCJ02",
    "BD09",
    "EPSG:4549",
    "EPSG:4528",
    "EPSG:2385",
    "EPSG:2364",
    "EPSG:2437",
    "EPSG:2416",
    "EPSG:4498",
)

# EPSG code = base + zone (3-degree zones 25–45 with the zone prefix in the easting).
_ZONE3_BASE = {"CGCS2000": 4488, "XIAN80": 2324, "BEIJING54": 2376}
# Central meridian 120°E without prefix.
_CM120 = {"CGCS2000": 4549, "XIAN80": 2385, "BEIJING54": 2437}
_GEOGRAPHIC = {
    "CGCS2000": "EPSG:4490",
    "WGS84": "EPSG:4326",
    "XIAN80": "EPSG:4610",
    "BEIJING54": "EPSG:4214",
    "GCJ02": "GCJ02",
    "BD09": "BD09",
}


@dataclass(frozen=True)
class CoordinateGuess:
    """What the numbers look like: ``kind`` is ``lonlat``, ``gk_zone`` (easting carries the
    zone number ``zone``), ``gk_cm`` (plain easting) or ``unknown``; ``swapped`` when the
    first column holds latitude / northing."""

    kind: str
    swapped: bool = False
    zone: int | None = None


@dataclass
class Placement:
    """Features moved into the storage CRS, and how."""

    frame: gpd.GeoDataFrame
    crs: str  # the source CRS used, e.g. "EPSG:4528" or "GCJ02"
    reason: str  # "declared" | "detected" | "chosen"
    guess: CoordinateGuess
    swapped: bool
    outside: int  # features whose representative point lies outside the 莲都 box
    notes: list[tuple[str, dict]] = field(default_factory=list)


def guess_coordinates(bounds: tuple[float, float, float, float]) -> CoordinateGuess:
    """Classify coordinates by their bounding box ``(minx, miny, maxx, maxy)``."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not np.all(np.isfinite([minx, miny, maxx, maxy])):
        return CoordinateGuess("unknown")
    # Latitude first: x looks like a Chinese latitude, y like a Chinese longitude.
    if 0.8 <= minx and maxx <= 56 and 72 <= miny and maxy <= 138:
        return CoordinateGuess("lonlat", swapped=True)
    if -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90:
        return CoordinateGuess("lonlat")
    for (e0, e1), (n0, n1), swapped in (
        ((minx, maxx), (miny, maxy), False),
        ((miny, maxy), (minx, maxx), True),
    ):
        if not (1e6 <= n0 and n1 <= 6.5e6):
            continue
        if 1e5 <= e0 and e1 <= 9e5:
            return CoordinateGuess("gk_cm", swapped=swapped)
        zone_lo, zone_hi = int(e0 // 1e6), int(e1 // 1e6)
        if zone_lo == zone_hi and 13 <= zone_lo <= 45:
            return CoordinateGuess("gk_zone", swapped=swapped, zone=zone_lo)
    return CoordinateGuess("unknown")


def crs_for(guess: CoordinateGuess, datum: str = "CGCS2000") -> str:
    """The CRS id (``EPSG:nnnn``, ``GCJ02`` or ``BD09``) for a guess and a datum."""
    if datum not in DATUMS:
        raise ValueError(f"unknown datum {datum!r}; expected one of {DATUMS}")
    if guess.kind == "lonlat":
        return _GEOGRAPHIC[datum]
    projected_datum = datum if datum in _CM120 else "CGCS2000"  # WGS84/GCJ mean CGCS2000 here
    if guess.kind == "gk_cm":
        return f"EPSG:{_CM120[projected_datum]}"
    if guess.kind == "gk_zone" and guess.zone is not None:
        if 25 <= guess.zone <= 45:
            return f"EPSG:{_ZONE3_BASE[projected_datum] + guess.zone}"
        if 13 <= guess.zone <= 23 and projected_datum == "CGCS2000":
            return f"EPSG:{4478 + guess.zone}"  # 6-degree zones
    raise ValidationError("exchange_crs_unknown")


def _swap_xy(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda c: c[:, ::-1])


def _is_geographic(crs: str) -> bool:
    if crs in TO_WGS84:
        return True
    return pyproj.CRS.from_user_input(crs).is_geographic


def place(
    frame: gpd.GeoDataFrame,
    *,
    declared: str | None = None,
    choice: str = "auto",
    datum: str = "CGCS2000",
    swap: bool | None = None,
) -> Placement:
    """Move ``frame`` (raw coordinates, CRS ignored) into EPSG:4490.

    ``declared`` is the CRS the file states (``.prj``, GeoPackage); ``choice`` a CRS the
    user picked (``auto``: declared, else detected with ``datum``); ``swap`` forces the
    axis swap on or off (None: as detected). Raises ``ValidationError`` when the CRS
    cannot be determined or the transformation fails.
    """
    geoms = np.asarray(frame.geometry.to_numpy(), dtype=object)
    valid = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    if not valid.any():
        raise ValidationError("exchange_no_geometry")
    bounds = shapely.total_bounds(geoms[valid])
    guess = guess_coordinates(tuple(bounds))
    notes: list[tuple[str, dict]] = []
    if choice != "auto":
        crs, reason = choice, "chosen"
    elif declared is not None and not _declared_contradicted(declared, guess):
        crs, reason = declared, "declared"
    else:
        if declared is not None:
            notes.append(("exchange_crs_declared_ignored", {"crs": declared}))
        if guess.kind == "unknown":
            raise ValidationError("exchange_crs_unknown")
        crs, reason = crs_for(guess, datum), "detected"
    swapped = guess.swapped if swap is None else swap
    if swapped:
        geoms = _swap_xy(geoms)
    try:
        if crs in TO_WGS84:
            geoms = transform_geometries(geoms, TO_WGS84[crs])
            out = gpd.GeoDataFrame(
                frame.drop(columns=frame.geometry.name), geometry=list(geoms), crs=STORAGE_CRS
            )
        else:
            source = pyproj.CRS.from_user_input(crs)
            out = gpd.GeoDataFrame(
                frame.drop(columns=frame.geometry.name), geometry=list(geoms), crs=source
            ).to_crs(STORAGE_CRS)
    except (pyproj.exceptions.CRSError, ValueError) as exc:
        raise ValidationError("exchange_crs_failed", crs=str(crs), reason=str(exc)[:120]) from exc
    out = out.rename_geometry("geometry") if out.geometry.name != "geometry" else out
    finite = np.isfinite(shapely.get_coordinates(out.geometry.to_numpy())).all()
    if not finite:
        raise ValidationError("exchange_crs_failed", crs=str(crs), reason="inf")
    return Placement(out, str(crs), reason, guess, bool(swapped), outside_count(out), notes)


def _declared_contradicted(declared: str, guess: CoordinateGuess) -> bool:
    """A declared geographic CRS on projected-looking numbers (GeoJSON defaults to WGS 84)."""
    try:
        geographic = _is_geographic(declared)
    except pyproj.exceptions.CRSError:
        return True
    return geographic and guess.kind in ("gk_cm", "gk_zone")


def outside_count(frame: gpd.GeoDataFrame, bbox: tuple[float, ...] = LIANDU_BBOX) -> int:
    """How many features (EPSG:4490) have their representative point outside ``bbox``."""
    geoms = frame.geometry.to_numpy()
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    points = shapely.centroid(geoms[present])
    inside = shapely.contains_xy(shapely.box(*bbox), shapely.get_x(points), shapely.get_y(points))
    return int((~inside).sum())
