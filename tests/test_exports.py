"""Exports for people carry labels, one Shapefile naming convention and a field dictionary
(issue #11, 6b); GeoPackage and GeoJSON keep the store's codes for re-import."""

from __future__ import annotations

import io
import re
import zipfile

import geopandas as gpd
import pandas as pd
import pytest

from gis import schema
from gis.excel import read_xlsx
from gis.exchange import writers
from gis.i18n import t
from tests.tiny_park import tiny_park

BLOCK_NAMES = {"B1": "一号区块", "B2": "二号<区块>"}
#: A shapefile field named by pinyin initials: upper-case ASCII letters (RJL_X, RJL_S).
PINYIN_FIELD = re.compile(r"^[A-Z][A-Z_]{0,9}$")


def read_shp_zip(data: bytes, tmp_path, layer: str) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path)
    frame = gpd.read_file(tmp_path / f"{layer}.shp")
    fields = pd.read_csv(tmp_path / f"{layer}_fields.csv", encoding="utf-8-sig", dtype=str)
    return frame, fields.fillna("")


@pytest.mark.parametrize("encoding", ["UTF-8", "GBK"])
def test_parcel_shapefile_has_pinyin_fields_labels_and_a_dictionary(tmp_path, encoding):
    parcels = tiny_park()["parcels"]
    export = writers.export_layer(
        parcels, "parcels", "shp", encoding=encoding, block_names=BLOCK_NAMES
    )
    shp, fields = read_shp_zip(export.data, tmp_path, "parcels")
    names = [c for c in shp.columns if c != "geometry"]
    # One convention: every field is pinyin initials; no truncated English names.
    assert all(PINYIN_FIELD.match(n) for n in names), names
    assert "banked_dat" not in names and "supply_pla" not in names
    assert {"DKBH", "CRZT", "RKCB", "GDJH", "QKMC"} <= set(names)
    rows = shp.set_index("DKBH")
    # P1 is delivered industrial standard land in block B1; P2 is planned, not standard.
    assert rows.loc["P1", "CRZT"] == "交地"
    assert rows.loc["P1", "JSZT"] == "开工"
    assert rows.loc["P1", "DKYT"] == "工业用地"
    assert rows.loc["P1", "QKBH"] == "B1"
    assert rows.loc["P1", "QKMC"] == "一号区块"
    assert rows.loc["P1", "BZD"] == "是"
    assert rows.loc["P2", "CRZT"] == "规划"
    assert rows.loc["P2", "BZD"] == "否"
    assert rows.loc["P3", "QKMC"] == "二号<区块>"
    # The dictionary lists exactly the fields of the .dbf, in order, with labels and units.
    assert list(fields["field"]) == names
    by_field = fields.set_index("field")
    assert by_field.loc["RKCB", "label_zh"] == "入库储备"
    assert by_field.loc["RKCB", "label_en"] == "Banked on"
    assert by_field.loc["MJ", "unit"] == "m²"
    assert by_field.loc["CJJ", "unit"] == "万元"
    assert by_field.loc["QKMC", "label_zh"] == "区块名称"
    assert by_field.loc["CRZT", "column"] == "sale_status"
    assert by_field.loc["CRZT", "type"] == "str"  # a label, not a code


def test_english_export_labels_are_english(tmp_path):
    parcels = tiny_park()["parcels"]
    export = writers.export_layer(
        parcels, "parcels", "shp", lang="en", block_names={"B1": "Block One", "B2": "Two"}
    )
    shp, _ = read_shp_zip(export.data, tmp_path, "parcels")
    p1 = shp.set_index("DKBH").loc["P1"]
    assert (p1["CRZT"], p1["DKYT"], p1["BZD"], p1["QKMC"]) == (
        "Delivered",
        "Industrial",
        "Yes",
        "Block One",
    )


@pytest.mark.parametrize("layer", [s for s in writers.EXPORT_LAYERS])
def test_every_layer_shapefile_uses_pinyin_fields(tmp_path, layer):
    frame = tiny_park()[layer]
    export = writers.export_layer(frame, layer, "shp")
    shp, fields = read_shp_zip(export.data, tmp_path, layer)
    names = [c for c in shp.columns if c != "geometry"]
    assert all(PINYIN_FIELD.match(n) for n in names), names
    assert list(fields["field"]) == names
    spec = schema.layer_spec(layer)
    assert list(fields["label_zh"]) == [c.label_zh for c in spec.columns]


def test_enterprise_yes_no_are_labels(tmp_path):
    export = writers.export_layer(tiny_park()["enterprises"], "enterprises", "shp")
    shp, _ = read_shp_zip(export.data, tmp_path, "enterprises")
    rows = shp.set_index("QYBH")
    assert (rows.loc["E1", "GSQY"], rows.loc["E1", "ZLQY"]) == ("是", "否")
    assert (rows.loc["E2", "GSQY"], rows.loc["E2", "ZLQY"]) == ("否", "是")


def test_excel_export_row_of_a_delivered_parcel_carries_labels():
    export = writers.export_layer(
        tiny_park()["parcels"], "parcels", "xlsx", block_names=BLOCK_NAMES
    )
    table = read_xlsx(export.data).set_index("地块编号")
    assert table.loc["P1", "出让状态"] == "交地"
    assert table.loc["P1", "用地性质"] == "工业用地"
    assert table.loc["P1", "所属区块"] == "B1"
    assert table.loc["P1", "区块名称"] == "一号区块"
    assert table.loc["P1", "标准地"] == "是"
    assert table.loc["P4", "建设状态"] == "投产"
    headers = list(table.reset_index().columns)
    assert headers.index("区块名称") == headers.index("所属区块") + 1


@pytest.mark.parametrize("fmt", writers.CODED_FORMATS)
def test_geopackage_and_geojson_keep_codes_for_reimport(fmt, tmp_path):
    export = writers.export_layer(
        tiny_park()["parcels"], "parcels", fmt, lang="en", block_names=BLOCK_NAMES
    )
    path = tmp_path / export.filename
    path.write_bytes(export.data)
    frame = gpd.read_file(path).set_index("code")
    assert frame.loc["P1", "sale_status"] == "DELIVERED"
    assert frame.loc["P1", "land_use"] == "INDUSTRIAL"
    assert bool(frame.loc["P1", "standard_land"]) is True
    assert writers.BLOCK_NAME_COLUMN not in frame.columns


def test_crs_choices_are_named():
    assert writers.crs_name("EPSG:4549", "zh") == "EPSG:4549 CGCS2000 3度带 CM120E"
    assert writers.crs_name("EPSG:4549", "en") == "EPSG:4549 CGCS2000 3-degree GK CM 120E"
    for options in writers.CRS_OPTIONS.values():
        for code in options:
            for lang in ("zh", "en"):
                name = writers.crs_name(code, lang)
                assert name.startswith(code + " ") and len(name) > len(code) + 5
    assert "40" in t("crs_name_4528", "zh")  # the zone-prefixed one says so
