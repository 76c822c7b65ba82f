"""Text encodings of uploads (domain.md §4.4): GBK shapefiles without .cpg, TXT, CSV, DXF."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gis._errors import ValidationError
from gis.exchange import encoding as enc
from gis.exchange import readers

NAMES = ["碧湖区块D07地块", "万洋众创城", "诚远电机"]


def shapefile_zip(
    tmp_path: Path,
    *,
    codepage: str = "GBK",
    cpg: str | None = None,
    ldid: int = 0,
    prj: bool = True,
    codes: tuple[str, ...] = ("D07", "W01", "C01"),
    origin: tuple[float, float] = (480_000, 3_136_000),
) -> bytes:
    """A zipped shapefile as ArcGIS on Chinese Windows writes it: GBK, no .cpg, LDID 0."""
    folder = tmp_path / "shp"
    folder.mkdir(exist_ok=True)
    frame = gpd.GeoDataFrame(
        {"DKBH": list(codes), "DKMC": NAMES, "用途": ["工业用地"] * 3},
        geometry=[
            shapely.box(origin[0] + i * 300, origin[1], origin[0] + 200 + i * 300, origin[1] + 150)
            for i in range(3)
        ],
        crs="EPSG:4549",
    )
    pyogrio.write_dataframe(frame, folder / "地块.shp", encoding=codepage)
    (folder / "地块.cpg").unlink()
    dbf = bytearray((folder / "地块.dbf").read_bytes())
    dbf[29] = ldid
    (folder / "地块.dbf").write_bytes(bytes(dbf))
    if cpg is not None:
        (folder / "地块.cpg").write_text(cpg, encoding="ascii")
    if not prj:
        (folder / "地块.prj").unlink()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


def test_gbk_shapefile_without_cpg_reads_correct_chinese(tmp_path):
    source = readers.read_upload("地块.zip", shapefile_zip(tmp_path))
    assert source.encoding == enc.EncodingGuess("GB18030", "gb18030")
    assert list(source.frame["DKMC"]) == NAMES
    assert "用途" in source.frame.columns  # a Chinese field name too
    assert source.declared_crs == "EPSG:4549"
    assert source.layers == ("地块",)


def test_ldid_0x4d_is_trusted(tmp_path):
    source = readers.read_upload("a.zip", shapefile_zip(tmp_path, ldid=0x4D))
    assert (source.encoding.encoding, source.encoding.source) == ("GBK", "ldid")
    assert list(source.frame["DKMC"]) == NAMES


@pytest.mark.parametrize("cpg", ["936", "GBK", "GB18030", "cp936\r\n"])
def test_cpg_is_trusted(tmp_path, cpg):
    source = readers.read_upload("a.zip", shapefile_zip(tmp_path, cpg=cpg))
    assert source.encoding.source == "cpg"
    assert list(source.frame["DKMC"]) == NAMES


def test_utf8_shapefile_without_cpg(tmp_path):
    source = readers.read_upload("a.zip", shapefile_zip(tmp_path, codepage="UTF-8"))
    assert (source.encoding.encoding, source.encoding.source) == ("UTF-8", "utf8")
    assert list(source.frame["DKMC"]) == NAMES


def test_user_override_shows_what_it_decodes_to(tmp_path):
    source = readers.read_upload("a.zip", shapefile_zip(tmp_path), encoding="CP1252")
    assert source.encoding.source == "user"
    assert enc.looks_mojibake("".join(source.frame["DKMC"]))


def test_mojibake_is_recognised():
    garbled = "万洋区块".encode("gbk").decode("latin-1")
    assert garbled == "ÍòÑóÇø¿é"
    assert enc.looks_mojibake(garbled)
    assert not enc.looks_mojibake("万洋区块 Café D07")
    guess = enc.guess_text_encoding(garbled.encode("utf-8"))
    assert guess.source == "mojibake"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("地块".encode("gbk"), ("GB18030", "gb18030")),
        ("地块".encode(), ("UTF-8", "utf8")),
        (b"\xef\xbb\xbf" + "地块".encode(), ("UTF-8", "bom")),
        (b"D07,1", ("UTF-8", "utf8")),
    ],
)
def test_text_guess(data, expected):
    guess = enc.guess_text_encoding(data)
    assert (guess.encoding, guess.source) == expected


def test_unknown_encoding_and_undecodable_bytes_are_clear_errors():
    with pytest.raises(ValidationError) as info:
        enc.normalize("klingon-8")
    assert info.value.key == "exchange_encoding_unknown"
    with pytest.raises(ValidationError) as info:
        enc.decode("地块".encode("gbk"), "UTF-8")
    assert info.value.key == "exchange_decode_failed" and info.value.params["position"] == 0


@pytest.mark.parametrize("data", [b"", b"\x03" * 10, b"\x03" + b"\x00" * 40])
def test_broken_dbf_headers(data):
    with pytest.raises(ValidationError) as info:
        enc.guess_dbf_encoding(data)
    assert info.value.key == "exchange_dbf_malformed"


@settings(max_examples=150, deadline=None, database=None)
@given(st.binary(min_size=0, max_size=400))
def test_any_bytes_give_a_guess_or_a_clear_error(data):
    guess = enc.guess_text_encoding(data)
    assert guess.encoding in ("UTF-8", "GB18030", "UTF-16")
    try:
        enc.guess_dbf_encoding(data)
    except ValidationError as exc:
        assert exc.key == "exchange_dbf_malformed"


@settings(max_examples=60, deadline=None, database=None)
@given(st.text(alphabet=st.characters(codec="gbk", min_codepoint=0x4E00), min_size=2, max_size=30))
def test_gbk_chinese_text_is_detected_as_gb18030(text):
    data = text.encode("gbk")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # a few short GBK strings are valid UTF-8 too; strict UTF-8 rightly wins there
        assume(False)
    assert enc.guess_text_encoding(data).encoding == "GB18030"


def test_gbk_csv_with_lon_lat():
    csv = "地块编号,地块名称,经度,纬度\nD07,碧湖地块,119.80,28.34\n".encode("gbk")
    source = readers.read_upload("地块.csv", csv)
    assert source.encoding.encoding == "GB18030"
    assert list(source.frame["地块名称"]) == ["碧湖地块"]
    assert source.frame.geometry.iloc[0].equals(shapely.Point(119.80, 28.34))
    assert "碧湖地块" in source.text_preview


def test_old_dxf_with_ansi_936_codepage():
    import ezdxf

    doc = ezdxf.new("R2000")
    doc.header["$DWGCODEPAGE"] = "ANSI_936"
    doc.layers.add("红线")
    msp = doc.modelspace()
    msp.add_lwpolyline(
        [(0, 0), (100, 0), (100, 100), (0, 100)], close=True, dxfattribs={"layer": "红线"}
    )
    msp.add_text("D07地块", dxfattribs={"layer": "红线", "insert": (50, 50)})
    stream = io.StringIO()
    doc.write(stream)
    # ezdxf writes ANSI_1252; a Chinese CAD writes ANSI_936 and GBK bytes.
    text = stream.getvalue().replace("ANSI_1252", "ANSI_936")
    assert "$DWGCODEPAGE\n  3\nANSI_936" in text
    data = text.encode("gbk")
    source = readers.read_upload("红线.dxf", data)
    assert (source.encoding.encoding, source.encoding.source) == ("GBK", "declared")
    assert list(source.frame[readers.DXF_LAYER_COLUMN]) == ["红线"]
    assert list(source.frame[readers.DXF_LABEL_COLUMN]) == ["D07地块"]
