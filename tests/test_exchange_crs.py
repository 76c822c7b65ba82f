"""Which CRS uploaded coordinates are in: .prj first, else the magnitude (domain.md §4.1)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gis._errors import ValidationError
from gis.crs import LIANDU_BBOX
from gis.exchange import coords
from gis.exchange.crs_detect import CoordinateGuess, crs_for, guess_coordinates, place

# (119.92°E, 28.45°N) in EPSG:4549 and 4528 (domain.md §4.1, verified values).
E, N = 492_163.98, 3_148_314.74
LON, LAT = 119.92, 28.45


def box(x: float, y: float, size: float) -> tuple[float, float, float, float]:
    return (x, y, x + size, y + size)


@pytest.mark.parametrize(
    ("bounds", "datum", "kind", "swapped", "crs"),
    [
        (box(LON, LAT, 0.01), "CGCS2000", "lonlat", False, "EPSG:4490"),
        (box(LON, LAT, 0.01), "WGS84", "lonlat", False, "EPSG:4326"),
        (box(LON, LAT, 0.01), "GCJ02", "lonlat", False, "GCJ02"),
        (box(LON, LAT, 0.01), "BD09", "lonlat", False, "BD09"),
        (box(LAT, LON, 0.01), "CGCS2000", "lonlat", True, "EPSG:4490"),
        (box(E, N, 500), "CGCS2000", "gk_cm", False, "EPSG:4549"),
        (box(E, N, 500), "XIAN80", "gk_cm", False, "EPSG:2385"),
        (box(E, N, 500), "BEIJING54", "gk_cm", False, "EPSG:2437"),
        (box(40_000_000 + E, N, 500), "CGCS2000", "gk_zone", False, "EPSG:4528"),
        (box(40_000_000 + E, N, 500), "XIAN80", "gk_zone", False, "EPSG:2364"),
        (box(40_000_000 + E, N, 500), "BEIJING54", "gk_zone", False, "EPSG:2416"),
        (box(N, 40_000_000 + E, 500), "CGCS2000", "gk_zone", True, "EPSG:4528"),
        (box(N, E, 500), "CGCS2000", "gk_cm", True, "EPSG:4549"),
        (box(39_000_000 + E, N, 500), "CGCS2000", "gk_zone", False, "EPSG:4527"),
        (box(20_000_000 + E, N, 500), "CGCS2000", "gk_zone", False, "EPSG:4498"),
    ],
)
def test_detection_table(bounds, datum, kind, swapped, crs):
    guess = guess_coordinates(bounds)
    assert (guess.kind, guess.swapped) == (kind, swapped)
    assert crs_for(guess, datum) == crs


@pytest.mark.parametrize(
    "bounds",
    [(1.0, 2.0, 3.0e9, 4.0), (5e6, 9e6, 5.1e6, 9.1e6), (np.nan, 0, 1, 1), (1000, 1000, 2000, 2000)],
)
def test_unrecognisable_numbers_ask_the_user(bounds):
    guess = guess_coordinates(bounds)
    assert guess.kind == "unknown"
    with pytest.raises(ValidationError) as info:
        crs_for(guess)
    assert info.value.key == "exchange_crs_unknown"


def frame(*geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"n": range(len(geoms))}, geometry=list(geoms))


def test_zone_prefixed_northing_first_lands_at_the_sample_point():
    placed = place(frame(shapely.Point(N, 40_000_000 + E)))
    assert placed.crs == "EPSG:4528" and placed.swapped and placed.reason == "detected"
    point = placed.frame.geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx((LON, LAT), abs=1e-7)
    assert placed.outside == 0


def test_declared_prj_wins_and_user_choice_wins_over_it():
    gk = frame(shapely.Point(E, N))
    assert place(gk, declared="EPSG:4549").reason == "declared"
    chosen = place(gk, declared="EPSG:4549", choice="EPSG:2385")
    assert chosen.crs == "EPSG:2385" and chosen.reason == "chosen"
    # Xian 1980 vs CGCS2000: the same numbers are tens of metres apart, not kilometres.
    a = place(gk).frame.to_crs(3857).geometry.iloc[0]
    b = chosen.frame.to_crs(3857).geometry.iloc[0]
    assert 1 < a.distance(b) < 300


def test_geojson_default_wgs84_on_projected_numbers_is_overruled():
    placed = place(frame(shapely.Point(E, N)), declared="EPSG:4326")
    assert placed.crs == "EPSG:4549" and placed.reason == "detected"
    assert placed.notes == [("exchange_crs_declared_ignored", {"crs": "EPSG:4326"})]


def test_gcj02_lonlat_is_shifted_back():
    gcj = coords.wgs84_to_gcj02(np.array([[LON, LAT]]))[0]
    placed = place(frame(shapely.Point(*gcj)), datum="GCJ02")
    point = placed.frame.geometry.iloc[0]
    assert placed.frame.crs.to_epsg() == 4490
    assert (point.x, point.y) == pytest.approx((LON, LAT), abs=1e-8)


def test_outside_the_district_is_counted():
    beijing = frame(shapely.Point(116.4, 39.9), shapely.Point(LON, LAT))
    assert place(beijing).outside == 1
    # A 3-degree easting read with the wrong zone lands hundreds of km away.
    wrong = place(frame(shapely.Point(39_000_000 + E, N)))
    assert wrong.crs == "EPSG:4527" and wrong.outside == 1
    x0, _y0, x1, _y1 = LIANDU_BBOX
    assert not (x0 <= wrong.frame.geometry.iloc[0].x <= x1)


def test_swap_can_be_forced_off():
    placed = place(frame(shapely.Point(LAT, LON)), swap=False)
    assert not placed.swapped and placed.outside == 1


def test_guess_dataclass_defaults():
    assert CoordinateGuess("lonlat") == CoordinateGuess("lonlat", swapped=False, zone=None)
