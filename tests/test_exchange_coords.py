"""GCJ-02 / BD-09 conversions (domain.md §4.3), implemented from the formulas."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gis.exchange import coords

LISHUI = np.array([[119.918, 28.455]])


def test_gcj_offset_in_liandu_is_about_575_m_to_the_south_east():
    shifted = coords.wgs84_to_gcj02(LISHUI)
    dlon, dlat = (shifted - LISHUI)[0]
    assert dlon == pytest.approx(0.0044, abs=0.0004)
    assert dlat == pytest.approx(-0.0034, abs=0.0004)
    metres = np.hypot(dlon * 111_320 * np.cos(np.radians(28.455)), dlat * 110_574)
    assert 500 < metres < 650


def test_bd09_is_about_1_1_km_from_wgs_in_liandu():
    shifted = coords.wgs84_to_bd09(LISHUI)
    dlon, dlat = (shifted - LISHUI)[0]
    metres = np.hypot(dlon * 111_320 * np.cos(np.radians(28.455)), dlat * 110_574)
    assert 900 < metres < 1300


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.floats(min_value=73.0, max_value=135.0),
    st.floats(min_value=4.0, max_value=53.0),
)
def test_round_trips_inside_china_are_below_1e_6_degrees(lon, lat):
    point = np.array([[lon, lat]])
    back = coords.gcj02_to_wgs84(coords.wgs84_to_gcj02(point))
    assert np.abs(back - point).max() < 1e-6
    back = coords.bd09_to_wgs84(coords.wgs84_to_bd09(point))
    assert np.abs(back - point).max() < 1e-6


@pytest.mark.parametrize("point", [(2.35, 48.85), (-74.0, 40.7), (151.2, -33.9), (139.7, 56.5)])
def test_points_outside_china_are_unchanged_by_gcj(point):
    array = np.array([point])
    assert np.array_equal(coords.wgs84_to_gcj02(array), array)
    assert np.array_equal(coords.gcj02_to_wgs84(array), array)


def test_known_published_pair():
    # Tiananmen, WGS 84 → GCJ-02, as given by the common reference implementations.
    got = coords.wgs84_to_gcj02(np.array([[116.391305, 39.907714]]))[0]
    assert got == pytest.approx([116.397549, 39.909113], abs=2e-5)


def test_shape_is_checked():
    with pytest.raises(ValueError, match="shape"):
        coords.wgs84_to_gcj02(np.array([1.0, 2.0, 3.0]))
