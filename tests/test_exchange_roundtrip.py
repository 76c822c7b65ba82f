"""Every format that is both exported and imported reads back to the same features."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import shapely

from gis import schema
from gis.crs import area_m2
from gis.exchange import boundary_txt, crs_detect, readers, writers
from gis.exchange.import_prepare import prepare
from gis.exchange.mapping import suggest_mapping
from tests.tiny_park import tiny_park

ROUND_TRIP_FORMATS = ("gpkg", "geojson", "shp", "kml", "dxf", "xlsx", "txt")
SUFFIX = {"shp": "zip"}


def read_back(export: writers.ExportFile, layer: str, **read_options):
    source = readers.read_upload(export.filename, export.data, **read_options)
    placed = crs_detect.place(source.frame, declared=source.declared_crs)
    mapping = suggest_mapping(layer, [c for c in source.frame.columns if c != "geometry"])
    prepared = prepare(placed.frame, layer=layer, mapping=mapping)
    assert not prepared.problems, prepared.problems
    return source, placed, prepared


BLOCK_NAMES = {"B1": "一号区块", "B2": "二号<区块>"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ROUND_TRIP_FORMATS)
def test_parcels_round_trip(fmt, lang):
    # Shapefile, KML and Excel carry labels (交地 / Delivered) and the block name: the
    # importer still reads them back to the store's codes.
    parcels = tiny_park()["parcels"]
    export = writers.export_layer(parcels, "parcels", fmt, lang=lang, block_names=BLOCK_NAMES)
    assert export.filename == f"parcels.{SUFFIX.get(fmt, fmt)}"
    _source, placed, prepared = read_back(export, "parcels")
    got = prepared.features.set_index("code").sort_index()
    want = parcels.set_index("code").sort_index()
    assert list(got.index) == list(want.index)
    # Geometry: the same area (to 0.05 m²) in the same place (to 0.1 m).
    np.testing.assert_allclose(area_m2(got.geometry), area_m2(want.geometry), atol=0.05)
    shift = got.geometry.to_crs(3857).centroid.distance(want.geometry.to_crs(3857).centroid)
    assert float(shift.max()) < 0.1
    assert placed.outside == 0
    if fmt in ("dxf",):
        return  # a drawing carries the outline and its code label only
    assert list(got["name"]) == list(want["name"])  # '<b>测试</b>&P3' survives as text
    if fmt == "txt":
        assert list(got["land_use"]) == list(want["land_use"])  # 工业用地 → INDUSTRIAL
        return
    for column in ("block_id", "land_use", "sale_status", "construction_status", "plan_date"):
        assert list(got[column]) == list(want[column]), column
    np.testing.assert_allclose(
        got["area_m2_cert"].astype(float), want["area_m2_cert"].astype(float), equal_nan=True
    )
    assert list(got["standard_land"]) == [bool(v) for v in want["standard_land"]]


@pytest.mark.parametrize("fmt", [f for f in ROUND_TRIP_FORMATS if f != "txt"])
@pytest.mark.parametrize("layer", ["blocks", "buildings", "vacant_spaces", "enterprises"])
def test_other_layers_round_trip(fmt, layer):
    frame = tiny_park()[layer]
    spec = schema.layer_spec(layer)
    export = writers.export_layer(frame, layer, fmt, lang="en")
    _, _placed, prepared = read_back(export, layer)
    got = prepared.features.set_index(spec.key).sort_index()
    want = frame.set_index(spec.key).sort_index()
    assert list(got.index) == list(want.index)
    distance = got.geometry.to_crs(3857).distance(want.geometry.to_crs(3857))
    if spec.geometry_type == "Point":
        assert float(distance.max()) < 0.1
    else:
        np.testing.assert_allclose(area_m2(got.geometry), area_m2(want.geometry), atol=0.05)
    if fmt != "dxf" and "name" in spec.column_names:
        assert list(got["name"].fillna("")) == list(want["name"].fillna(""))
    bools = [c.name for c in spec.columns if c.dtype == "bool"]
    if fmt != "dxf" and bools:  # written as Yes/No in Shapefile, KML and Excel
        assert got[bools].astype(bool).to_dict() == want[bools].astype(bool).to_dict()


@pytest.mark.parametrize("encoding", ["UTF-8", "GBK"])
def test_shapefile_export_encoding_cpg_and_short_field_names(encoding):
    parcels = tiny_park()["parcels"]
    export = writers.export_layer(parcels, "parcels", "shp", encoding=encoding)
    with zipfile.ZipFile(io.BytesIO(export.data)) as archive:
        names = sorted(archive.namelist())
        assert names == [
            *(f"parcels.{e}" for e in ("cpg", "dbf", "prj", "shp", "shx")),
            "parcels_fields.csv",
        ]
        assert archive.read("parcels.cpg").decode() == encoding
        dbf = archive.read("parcels.dbf")
    fields = []
    pos = 32
    while dbf[pos] != 0x0D:
        fields.append(dbf[pos : pos + 11].split(b"\x00")[0])
        pos += 32
    assert all(len(f) <= 10 for f in fields)
    assert fields[:4] == [b"DKBH", b"DKMC", b"QKBH", b"DKYT"]
    assert "测试P1地块".encode("gbk" if encoding == "GBK" else "utf-8") in dbf
    source = readers.read_upload("parcels.zip", export.data)
    assert source.encoding.encoding == encoding and source.encoding.source == "cpg"
    assert "测试P1地块" in set(source.frame["DKMC"])


def test_txt_export_is_the_bureau_format():
    parcels = tiny_park()["parcels"]
    export = writers.export_layer(parcels.iloc[:1], "parcels", "txt")
    text = export.data.decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "[属性描述]"
    assert "坐标系=2000国家大地坐标系" in lines and "带号=40" in lines
    assert "转换参数=,,,,,," in lines
    assert lines[lines.index("[地块坐标]") + 1] == "5,3.0000,P1,测试P1地块,面,,工业用地,,@"
    point = lines[lines.index("[地块坐标]") + 2].split(",")
    assert point[0] == "J1" and point[1] == "1"
    assert 3.0e6 < float(point[2]) < 3.2e6  # X = northing
    assert 40_000_000 < float(point[3]) < 41_000_000  # Y = easting with the zone prefix
    assert lines[-1].startswith("J1,1,")  # the ring is closed on its first point
    gbk = writers.export_layer(parcels.iloc[:1], "parcels", "txt", encoding="GBK")
    assert gbk.data.decode("gb18030") == text
    parsed = boundary_txt.parse(text)
    assert parsed.crs == "EPSG:4528"


def test_xlsx_export_has_chinese_headers_and_wkt():
    from gis.excel import read_xlsx

    export = writers.export_layer(tiny_park()["parcels"], "parcels", "xlsx")
    table = read_xlsx(export.data)
    assert {"地块编号", "地块名称", "出让面积(m²)", "WKT"} <= set(table.columns)
    assert shapely.from_wkt(table["WKT"].iloc[0]).geom_type == "Polygon"


def test_export_filter_by_block():
    frames = tiny_park()
    assert list(writers.filter_for_export(frames, "parcels", block_ids=["B1"])["code"]) == [
        "P1",
        "P2",
    ]
    assert list(writers.filter_for_export(frames, "enterprises", block_ids=["B1"])["name"]) == []
    assert len(writers.filter_for_export(frames, "enterprises", block_ids=["B2"])) == 2
    assert list(writers.filter_for_export(frames, "blocks", block_ids=["B2"])["block_id"]) == ["B2"]
    assert len(writers.filter_for_export(frames, "parcels")) == 4
