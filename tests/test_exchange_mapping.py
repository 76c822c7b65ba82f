"""Field-name suggestions and cell conversion for imports."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from gis import schema
from gis.exchange.mapping import (
    convert,
    land_use_code,
    shapefile_names,
    status_code,
    suggest_mapping,
    unit_factor,
)


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
