import geopandas as gpd
import pytest
import shapely

from gis import crs
from gis._errors import CRSError


def rect_4528(width: float, height: float) -> gpd.GeoDataFrame:
    # Zone-prefixed Gauss-Krüger (EPSG:4528), as in 界址点 files, near 碧湖.
    x, y = 40_480_389.696, 3_136_137.543
    return gpd.GeoDataFrame(geometry=[shapely.box(x, y, x + width, y + height)], crs="EPSG:4528")


def test_200_by_150_m_rectangle_is_45_mu_and_3_hectares():
    gdf = rect_4528(200, 150).to_crs(crs.STORAGE_CRS)  # stored in 4490, measured in 4549
    assert crs.area_m2(gdf).iloc[0] == pytest.approx(30_000, abs=0.05)
    assert crs.area_mu(gdf).iloc[0] == pytest.approx(45.0, abs=1e-4)
    assert crs.m2_to_hectares(crs.area_m2(gdf).iloc[0]) == pytest.approx(3.0, abs=1e-5)


@pytest.mark.parametrize(("m2", "mu"), [(0, 0), (10000 / 15, 1.0), (10_000, 15.0), (666.67, 1.0)])
def test_mu_conversion(m2, mu):
    assert crs.m2_to_mu(m2) == pytest.approx(mu, abs=1e-4)


def test_area_in_degrees_would_be_wrong_so_area_uses_4549():
    gdf = rect_4528(200, 150).to_crs(crs.STORAGE_CRS)
    with pytest.warns(UserWarning, match="geographic CRS"):
        degrees = gdf.area.iloc[0]  # square degrees: meaningless, which is why we reproject
    assert degrees < 1
    assert crs.area_m2(gdf).iloc[0] > 29_990


def test_length_in_metres():
    line = gpd.GeoSeries(
        [shapely.LineString([(480_000, 3_136_000), (480_300, 3_136_400)])], crs="EPSG:4549"
    ).to_crs(crs.STORAGE_CRS)
    assert crs.length_m(line).iloc[0] == pytest.approx(500.0, abs=0.01)


def test_frame_without_crs_is_refused_with_its_name():
    gdf = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)])
    with pytest.raises(CRSError) as info:
        crs.area_mu(gdf, name="上传文件.shp")
    assert info.value.key == "crs_missing"
    assert info.value.params == {"name": "上传文件.shp"}
    with pytest.raises(CRSError):
        crs.to_storage(gdf)
    with pytest.raises(CRSError):
        crs.to_display(gdf)


def test_non_geodataframe_is_a_type_error():
    with pytest.raises(TypeError, match="GeoDataFrame"):
        crs.require_crs([1, 2, 3])


def test_storage_and_display_round_trip_keeps_position():
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(119.92, 28.45)], crs=crs.STORAGE_CRS)
    shown = crs.to_display(gdf)
    assert shown.crs.to_epsg() == 4326
    # PROJ treats 4490 -> 4326 as a null shift ("ballpark"): the point does not move.
    assert shown.geometry.iloc[0].equals_exact(shapely.Point(119.92, 28.45), 1e-9)


def test_projection_of_known_point_in_4549():
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(119.92, 28.45)], crs=crs.STORAGE_CRS)
    p = gdf.to_crs(crs.AREA_CRS).geometry.iloc[0]
    # domain.md §4.1, checked with PROJ: E = 492 163.98 m, N = 3 148 314.74 m.
    assert p.x == pytest.approx(492_163.98, abs=0.01)
    assert p.y == pytest.approx(3_148_314.74, abs=0.01)
