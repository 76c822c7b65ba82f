"""Field-name suggestions and cell conversion for imports."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from gis import schema
from gis.exchange.import_cells import convert, land_use_code, status_code
from gis.exchange.import_prepare import unit_factor
from gis.exchange.mapping import shapefile_names, suggest_mapping
from tests.actors import ACTOR


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (
            ["地块编号", "地块名称", "面积", "用途"],
            {"code": "地块编号", "name": "地块名称", "area_m2_cert": "面积", "land_use": "用途"},
        ),
        (
            ["DKBH", "DKMC", "MJ", "DKYT"],
            {"code": "DKBH", "name": "DKMC", "area_m2_cert": "MJ", "land_use": "DKYT"},
        ),
        (
            ["dkbh", " 宗地名称 ", "出让面积（m²）", "规划用途", "竞得单位", "成交时间"],
            {
                "code": "dkbh",
                "name": " 宗地名称 ",
                "area_m2_cert": "出让面积（m²）",
                "land_use": "规划用途",
                "buyer": "竞得单位",
                "deal_date": "成交时间",
            },
        ),
        (
            ["code", "name", "block_id", "sale_status"],
            {"code": "code", "name": "name", "block_id": "block_id", "sale_status": "sale_status"},
        ),
        (["编号", "名称", "地块名称"], {"code": "编号", "name": "地块名称"}),
        (
            ["地块编号", "交地时间", "开工日期", "约定竣工日期", "竣工时间", "投产时间"],
            {
                "code": "地块编号",
                "delivery_date": "交地时间",
                "start_date": "开工日期",
                "agreed_completion": "约定竣工日期",
                "completion_date": "竣工时间",
                "production_date": "投产时间",
            },
        ),
    ],
)
def test_parcel_suggestions(columns, expected):
    got = {k: v for k, v in suggest_mapping("parcels", columns).items() if v}
    assert got == expected


def test_shapefile_names_are_unique_short_and_recognised():
    for spec in schema.LAYERS:
        if spec.geometry_type is None:
            continue
        names = shapefile_names(spec)
        assert all(len(n.encode()) <= 10 for n in names.values())
        assert len({n.upper() for n in names.values()}) == len(names)
        got = suggest_mapping(spec.name, list(names.values()))
        assert got == names, spec.name


@pytest.mark.parametrize(
    ("column", "factor"),
    [("面积(公顷)", 10000.0), ("面积（亩）", 10000 / 15), ("MJ", 1.0), ("面积(m²)", 1.0)],
)
def test_area_units_from_the_column_name(column, factor):
    assert unit_factor(column, schema.PARCELS.column("area_m2_cert")) == pytest.approx(factor)


@pytest.mark.parametrize(
    ("value", "dtype", "expected"),
    [
        ("  D07 ", "str", "D07"),
        (7.0, "str", "7"),
        ("30,000.5", "float", 30000.5),
        ("1 200", "int", 1200),
        ("是", "bool", True),
        ("否", "bool", False),
        (1.0, "bool", True),
        ("2021-3-5", "date", "2021-03-05"),
        ("2021/03/05", "date", "2021-03-05"),
        ("2021年3月5日", "date", "2021-03-05"),
        ("20210305", "date", "2021-03-05"),
        (datetime(2021, 3, 5, 10, 0), "date", "2021-03-05"),
        (date(2021, 3, 5), "date", "2021-03-05"),
        (44260, "date", "2021-03-05"),  # an Excel serial day
        ("", "float", None),
        (math.nan, "str", None),
    ],
)
def test_convert(value, dtype, expected):
    assert convert(value, dtype) == expected


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        ("三万", "float"),
        ("1.5", "int"),
        ("maybe", "bool"),
        ("2021-13-01", "date"),
        ("next week", "date"),
        ("inf", "float"),
        (True, "float"),
    ],
)
def test_convert_refuses(value, dtype):
    with pytest.raises(ValueError):
        convert(value, dtype)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("工业用地", "INDUSTRIAL"),
        ("二类工业用地(M2)", "INDUSTRIAL"),
        ("INDUSTRIAL", "INDUSTRIAL"),
        ("Warehousing", "WAREHOUSE"),
        ("物流仓储用地", "WAREHOUSE"),
        ("新型产业用地", "M0"),
        ("商住用地", "COMMERCIAL_RESIDENTIAL"),
    ],
)
def test_land_use_labels(text, code):
    assert land_use_code(text) == code


def test_status_labels():
    assert status_code("sale_status", "挂牌") == "LISTED"
    assert status_code("sale_status", "Land bank") == "BANKED"
    assert status_code("construction_status", "NOT_STARTED") == "NOT_STARTED"
    with pytest.raises(ValueError):
        status_code("sale_status", "卖掉了")
    with pytest.raises(ValueError):
        land_use_code("火星用地")


# ---------------------------------------------------------------- area units vs the shapes
def _boxes():
    import geopandas as gpd
    import shapely

    # Two 200 m × 150 m boxes in EPSG:4549: 30,000 m² = 45 亩 = 3 公顷 each.
    boxes = [
        shapely.box(480_000 + i * 300, 3_136_000, 480_200 + i * 300, 3_136_150) for i in (0, 1)
    ]
    return gpd.GeoSeries(boxes, crs="EPSG:4549")


@pytest.mark.parametrize(
    ("values_m2", "assumed", "likely", "ratio"),
    [
        ([30_000.0, 30_300.0], "m²", None, 1.005),  # fine: median of 1.0 and 1.01
        ([45.0, 45.0], "m²", "亩 (mu)", 45 / 30_000),  # 亩 figures read as m²
        ([3.0, 3.0], "m²", "公顷 (ha)", 3 / 30_000),  # 公顷 figures read as m²
        # m² figures in a column taken for 亩: read as 亩, 30000 亩 = 2e7 m².
        ([30_000.0 * 10_000 / 15] * 2, "亩 (mu)", "m²", 10_000 / 15),
        ([7.0, 7.0], "m²", None, 7 / 30_000),  # no unit fits: nothing to suggest
    ],
)
def test_area_unit_fit_against_the_drawn_area(values_m2, assumed, likely, ratio):
    from gis.exchange.geometry import area_unit_fit

    fit = area_unit_fit(values_m2, _boxes(), assumed=assumed)
    assert fit.likely == likely
    assert fit.ratio == pytest.approx(ratio, rel=1e-6)
    assert fit.rows == 2


def test_area_unit_fit_without_values_is_none():
    from gis.exchange.geometry import area_unit_fit

    assert area_unit_fit([None, 0.0], _boxes()) is None


# ---------------------------------------------------------------- replace a whole layer
def _replace_store(tmp_path):
    from gis.store import ParkStore
    from tests.tiny_park import tiny_park

    return ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)


def _file_of(store, layer: str, codes: list[str]):
    """``prepared`` for a GeoJSON of ``layer`` holding the rows ``codes`` of the store."""
    from gis.exchange import writers
    from tests.test_exchange_import import prepared_from

    frame = store.read(layer)
    key = schema.layer_spec(layer).key
    rows = frame[frame[key].isin(codes)]
    export = writers.export_layer(rows, layer, "geojson")
    return prepared_from(f"{layer}.geojson", export.data, layer=layer)


def test_replace_removes_the_rows_the_file_lacks_after_a_backup(tmp_path):
    from gis.exchange.import_merge import merge, run_import

    store = _replace_store(tmp_path)
    # P3 has no buildings, firms or history: the file without it replaces the layer.
    prepared = _file_of(store, "parcels", ["P1", "P2", "P4"])
    merged = merge(store.read_all(), prepared, mode="replace")
    assert merged.removed == ["P3"] and merged.added == []
    assert sorted(merged.updated) == ["P1", "P2", "P4"]
    assert merged.overlaps.empty
    outcome = run_import(store, prepared, mode="replace", actor=ACTOR)
    assert outcome.removed == ["P3"] and outcome.version == 2
    assert outcome.backup in store.backups()
    assert sorted(store.read("parcels")["code"]) == ["P1", "P2", "P4"]
    assert list(store.read("status_events")["parcel_code"]) == ["P2"]  # history kept
    assert len(store.read("buildings")) == 2


def test_replace_refuses_to_remove_a_parcel_with_history_naming_it(tmp_path):
    from gis._errors import ValidationError
    from gis.exchange.import_merge import run_import

    store = _replace_store(tmp_path)
    version = store.data_version()
    # P2 has a status event, P4 has buildings, a vacant space and two firms.
    prepared = _file_of(store, "parcels", ["P1", "P3"])
    with pytest.raises(ValidationError) as info:
        run_import(store, prepared, mode="replace", actor=ACTOR)
    assert info.value.key == "import_replace_history"
    assert info.value.params["values"] == "P2" and info.value.params["count"] == 1
    assert store.data_version() == version  # nothing written (the backup is made first)
    assert sorted(store.read("parcels")["code"]) == ["P1", "P2", "P3", "P4"]


def test_replace_refuses_to_remove_codes_other_layers_use(tmp_path):
    from gis._errors import ValidationError
    from gis.exchange.import_merge import merge

    store = _replace_store(tmp_path)
    frames = store.read_all()
    with pytest.raises(ValidationError) as info:
        merge(frames, _file_of(store, "parcels", ["P1", "P2", "P3"]), mode="replace")
    assert info.value.key == "import_replace_referenced"
    assert info.value.params["values"] == "P4" and info.value.params["ref_layer"] == "建筑"
    # Blocks: B2 still holds P3 and P4.
    with pytest.raises(ValidationError) as info:
        merge(frames, _file_of(store, "blocks", ["B1"]), mode="replace")
    assert info.value.key == "import_replace_referenced"
    assert info.value.params["values"] == "B2" and info.value.params["count"] == 1
    # The references are satisfied when the file keeps the codes they use.
    merged = merge(frames, _file_of(store, "blocks", ["B1", "B2"]), mode="replace")
    assert merged.removed == [] and sorted(merged.updated) == ["B1", "B2"]
    # A building with a vacant space in it (BLD1 holds S1) cannot go either.
    with pytest.raises(ValidationError) as info:
        merge(frames, _file_of(store, "buildings", ["BLD2"]), mode="replace")
    assert info.value.params["values"] == "BLD1"
    merged = merge(frames, _file_of(store, "buildings", ["BLD1"]), mode="replace")
    assert merged.removed == ["BLD2"]
    assert list(merged.frames["buildings"]["building_id"]) == ["BLD1"]
