"""界址点坐标 TXT (domain.md §4.6): the sample file, tolerant parsing, the writer."""

from __future__ import annotations

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gis._errors import ValidationError
from gis.crs import area_mu
from gis.exchange import boundary_txt, crs_detect, readers
from gis.exchange.import_prepare import prepare
from gis.exchange.mapping import suggest_mapping

# The sample of domain.md §4.6, verbatim.
SAMPLE = """[属性描述]
格式版本号=1.01
数据产生单位=XX市自然资源局
数据产生日期=2025-6-15
坐标系=2000国家大地坐标系
几度分带=3
投影类型=高斯克吕格
计量单位=米
带号=40
精度=0.001
转换参数=,,,,,,
[地块坐标]
5,3.0000,D07,碧湖区块D07地块,面,,工业用地,,@
J1,1,3136137.543,40480389.696
J2,1,3136137.543,40480589.696
J3,1,3136287.543,40480589.696
J4,1,3136287.543,40480389.696
J1,1,3136137.543,40480389.696
"""


def import_txt(text: str, *, encoding: str = "gbk"):
    source = readers.read_upload("界址点.txt", text.encode(encoding))
    placed = crs_detect.place(source.frame, declared=source.declared_crs)
    mapping = suggest_mapping("parcels", list(source.frame.columns.drop("geometry")))
    return (
        source,
        placed,
        prepare(
            placed.frame, layer="parcels", mapping=mapping, stated_area_m2=source.stated_area_m2
        ),
    )


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig"])
def test_sample_imports_as_one_parcel_of_45_mu(encoding):
    source, placed, prepared = import_txt(SAMPLE, encoding=encoding)
    assert source.header["带号"] == "40" and source.header["转换参数"] == ",,,,,,"
    assert source.declared_crs == "EPSG:4528" and placed.crs == "EPSG:4528"
    assert placed.outside == 0
    assert not prepared.problems
    parcel = prepared.features.iloc[0]
    assert (parcel["code"], parcel["name"], parcel["land_use"]) == (
        "D07",
        "碧湖区块D07地块",
        "INDUSTRIAL",
    )
    assert parcel["area_m2_cert"] == pytest.approx(30_000.0)  # 3.0000 公顷
    assert float(area_mu(prepared.features).iloc[0]) == pytest.approx(45.0, abs=1e-6)
    # Near 碧湖 (119.80°E, 28.34°N): X is the northing, Y the easting with zone 40.
    x0, y0, _, _ = parcel.geometry.bounds
    assert (x0, y0) == pytest.approx((119.80, 28.34), abs=1e-4)


def test_tolerant_parsing_full_width_commas_spaces_and_no_j_prefix():
    text = SAMPLE.replace("J1,1,3136137.543,40480389.696", "1， 1， 3136137.543， 40480389.696")
    text = text.replace("J2,", "2,").replace("J3,", "3, ").replace(",@", "， @")
    text = text.replace("\n[地块坐标]", "\n\n[地块坐标]\n")
    _, _, prepared = import_txt(text)
    assert float(area_mu(prepared.features).iloc[0]) == pytest.approx(45.0, abs=1e-6)


def test_several_parcels_with_a_hole_and_a_second_part():
    body = SAMPLE + (
        "10,0.9600,D08,带洞地块,面,,工业用地,,@\n"
        "J1,1,3136400,40480400\nJ2,1,3136400,40480500\nJ3,1,3136500,40480500\n"
        "J4,1,3136500,40480400\nJ1,1,3136400,40480400\n"
        "J5,2,3136420,40480420\nJ6,2,3136420,40480440\nJ7,2,3136440,40480440\n"
        "J8,2,3136440,40480420\nJ5,2,3136420,40480420\n"
    )
    parsed = boundary_txt.parse(body)
    assert list(parsed.frame[boundary_txt.COL_CODE]) == ["D07", "D08"]
    hole = parsed.frame.geometry.iloc[1]
    assert hole.geom_type == "Polygon" and len(hole.interiors) == 1
    assert hole.area == pytest.approx(100 * 100 - 20 * 20)
    two_parts = SAMPLE.replace(
        "J1,1,3136137.543,40480389.696\n",
        "J1,1,3136137.543,40480389.696\n",
    ) + (
        "J5,2,3130000,40470000\nJ6,2,3130000,40470010\nJ7,2,3130010,40470010\nJ5,2,3130000,40470000\n"
    )
    geom = boundary_txt.parse(two_parts).frame.geometry.iloc[0]
    assert geom.geom_type == "MultiPolygon" and len(geom.geoms) == 2


def test_stated_area_mismatch_is_reported():
    from gis.exchange.geometry import area_mismatches

    wrong = SAMPLE.replace("5,3.0000,", "5,3.1000,")
    _, _, prepared = import_txt(wrong)
    table = area_mismatches(prepared.features, prepared.stated_area_m2, key="code")
    assert list(table["code"]) == ["D07"]
    assert table["difference_m2"].iloc[0] == pytest.approx(-1000.0, abs=0.5)
    # Within max(0.5 %, 1 m²): 3.0140 ha is 140 m² off, 0.47 % — accepted.
    close = SAMPLE.replace("5,3.0000,", "5,3.0140,")
    _, _, prepared = import_txt(close)
    assert area_mismatches(prepared.features, prepared.stated_area_m2, key="code").empty


@pytest.mark.parametrize(
    ("header", "crs"),
    [
        ({"坐标系": "2000国家大地坐标系", "几度分带": "3", "带号": "40"}, "EPSG:4528"),
        ({"坐标系": "1980西安坐标系", "几度分带": "3", "带号": "40"}, "EPSG:2364"),
        ({"坐标系": "1954北京坐标系", "几度分带": "3", "带号": "40"}, "EPSG:2416"),
        ({"坐标系": "2000国家大地坐标系", "几度分带": "6", "带号": "20"}, "EPSG:4498"),
        ({"坐标系": "地方坐标系", "带号": "40"}, None),
        ({"坐标系": "2000国家大地坐标系", "带号": ""}, None),
    ],
)
def test_header_crs(header, crs):
    assert boundary_txt.header_crs(header) == crs


def test_header_crs_without_zone_prefix_is_the_central_meridian_crs():
    text = SAMPLE.replace(",4048", ",48")
    parsed = boundary_txt.parse(text)
    assert parsed.crs == "EPSG:4549"


def test_writer_output_parses_back_to_the_same_polygon():
    polygon = shapely.Polygon(
        [
            (40480389.696, 3136137.543),
            (40480589.696, 3136137.543),
            (40480589.696, 3136287.543),
            (40480389.696, 3136287.543),
        ],
        [[(40480400, 3136150), (40480410, 3136150), (40480410, 3136160), (40480400, 3136160)]],
    )
    text = boundary_txt.write(
        [
            {
                "code": "D07",
                "name": "碧湖,地块",
                "use": "工业用地",
                "area_ha": 2.99,
                "geometry": polygon,
            }
        ]
    )
    assert "碧湖、地块" in text  # a comma in a name would split the field
    parsed = boundary_txt.parse(text)
    assert parsed.frame.geometry.iloc[0].equals_exact(polygon, tolerance=1e-3)
    assert parsed.frame[boundary_txt.COL_AREA_HA].iloc[0] == pytest.approx(2.99)
    assert parsed.frame[boundary_txt.COL_POINTS].iloc[0] == "10"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "txt_no_parcels"),
        ("[属性描述]\n坐标系=2000国家大地坐标系\n", "txt_no_parcels"),
        ("[地块坐标]\nJ1,1,3136137.543,40480389.696\n", "txt_no_parcel_line"),
        (SAMPLE.replace("J3,1,3136287.543,40480589.696", "J3,1,abc,40480589.696"), "txt_bad_line"),
        (SAMPLE.replace("J3,1,3136287.543,40480589.696", "J3;1;3136287.543"), "txt_bad_line"),
        (SAMPLE.replace("5,3.0000,", "5,三公顷,"), "txt_bad_area"),
        (SAMPLE.split("J2")[0], "txt_short_ring"),
        (SAMPLE.split("J1")[0], "txt_no_points"),
        (SAMPLE.replace("J2,1,", "J2,x,"), "txt_bad_line"),
    ],
)
def test_malformed_files_name_the_problem(text, key):
    with pytest.raises(ValidationError) as info:
        readers.read_upload("bad.txt", text.encode("utf-8") or b" ")
    assert info.value.key == key


@settings(max_examples=150, deadline=None, database=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *SAMPLE.splitlines(),
                "@",
                ",,,@",
                "J9,1,1e400,2",
                "[地块坐标]",
                "1,2,3",
                "x=y",
                "，，，",
                "J1,1,-0,0",
            ]
        ),
        max_size=25,
    )
)
def test_any_shuffle_of_lines_parses_or_fails_clearly(lines):
    try:
        boundary_txt.parse("\n".join(lines))
    except ValidationError as exc:
        assert exc.key.startswith("txt_")
