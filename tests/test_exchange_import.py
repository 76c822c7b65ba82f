"""Importing into the store: all or nothing, backed up, history kept consistent; and every
kind of bad upload refused with a message key while the store stays byte-for-byte the same."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gis._errors import ValidationError
from gis.crs import area_mu
from gis.exchange import crs_detect, readers, writers
from gis.exchange.import_merge import merge, run_import
from gis.exchange.import_prepare import prepare
from gis.exchange.limits import Limits
from gis.exchange.mapping import suggest_mapping
from gis.i18n import MESSAGES, error_text
from gis.parcels import history
from gis.store import ParkStore
from tests.actors import ACTOR
from tests.store_kit import digest
from tests.test_exchange_txt import SAMPLE
from tests.tiny_park import ORIGIN, tiny_park


@pytest.fixture
def store(tmp_path) -> ParkStore:
    return ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)


def prepared_from(name: str, data: bytes, layer: str = "parcels", **read_options):
    source = readers.read_upload(name, data, **read_options)
    placed = crs_detect.place(source.frame, declared=source.declared_crs)
    mapping = suggest_mapping(layer, [c for c in source.frame.columns if c != "geometry"])
    return prepare(placed.frame, layer=layer, mapping=mapping, stated_area_m2=source.stated_area_m2)


# ---------------------------------------------------------------- the good path
def test_txt_sample_imports_with_backup_and_a_status_event(store):
    before = digest(store.path)
    prepared = prepared_from("d07.txt", SAMPLE.encode("gbk"))
    outcome = run_import(
        store,
        prepared,
        defaults={"block_id": "B1"},
        actor=ACTOR,
        effective_date=date(2021, 3, 1),
        note="导入 d07.txt",
    )
    assert outcome.added == ["D07"] and outcome.updated == [] and outcome.version == 2
    assert outcome.backup in store.backups() and digest(outcome.backup) == before
    parcels = store.read("parcels").set_index("code")
    d07 = parcels.loc["D07"]
    assert (d07["name"], d07["block_id"], d07["land_use"]) == (
        "碧湖区块D07地块",
        "B1",
        "INDUSTRIAL",
    )
    assert (d07["sale_status"], d07["construction_status"], d07["version"]) == (
        "PLANNED",
        "NOT_STARTED",
        1,
    )
    assert d07["plan_date"] == "2021-03-01" and d07["area_m2_cert"] == 30_000.0
    assert float(area_mu(parcels.loc[["D07"]].set_geometry("geometry")).iloc[0]) == pytest.approx(
        45.0
    )
    events = store.read("status_events")
    event = events[events["parcel_code"] == "D07"].iloc[0]
    assert (event["field"], event["new_status"], event["effective_date"]) == (
        "sale_status",
        "PLANNED",
        "2021-03-01",
    )
    assert event["author"] == ACTOR.author and int(event["event_id"]) == 2
    # History: the parcel exists from its effective date on, not before.
    frames = store.read_all()
    assert "D07" in set(history.statuses_as_of(frames["parcels"], events, date(2021, 3, 1))["code"])
    assert "D07" not in set(
        history.statuses_as_of(frames["parcels"], events, date(2021, 2, 28))["code"]
    )
    # Restoring the automatic backup undoes the import.
    store.restore(outcome.backup)
    assert "D07" not in set(store.read("parcels")["code"])


def test_block_comes_from_the_containing_block(store, tmp_path):
    frame = gpd.GeoDataFrame(
        {"地块编号": ["N1"], "地块名称": ["新地块"], "用途": ["仓储用地"]},
        geometry=[shapely.box(ORIGIN[0] + 10, ORIGIN[1] + 410, ORIGIN[0] + 60, ORIGIN[1] + 460)],
        crs="EPSG:4549",
    )
    frame.to_file(tmp_path / "new.gpkg", layer="地块", driver="GPKG")
    prepared = prepared_from("new.gpkg", (tmp_path / "new.gpkg").read_bytes())
    merged = merge(store.read_all(), prepared)
    new = merged.frames["parcels"].set_index("code").loc["N1"]
    assert new["block_id"] == "B2" and new["land_use"] == "WAREHOUSE"
    # It overlaps P3 (0..300 × 400..500) by 50 m × 50 m.
    assert list(merged.overlaps["existing"]) == ["P3"]
    assert merged.overlaps["overlap_m2"].iloc[0] == pytest.approx(2500.0, abs=0.5)


def test_update_by_code_changes_mapped_columns_and_version_only(store):
    parcels = store.read("parcels")
    edited = parcels[parcels["code"] == "P2"].copy()
    edited["name"] = "改名P2"
    edited["sale_status"] = "LISTED"  # status changes need their own dated event
    edited["geometry"] = edited.to_crs("EPSG:4549").buffer(5, join_style="mitre").to_crs(4490)
    export = writers.export_layer(edited, "parcels", "geojson")
    prepared = prepared_from("p2.geojson", export.data)
    with pytest.raises(ValidationError) as info:
        run_import(store, prepared, mode="add", actor=ACTOR)
    assert info.value.key == "import_keys_exist"
    outcome = run_import(store, prepared, mode="update", actor=ACTOR)
    assert outcome.updated == ["P2"] and outcome.added == []
    p2 = store.read("parcels").set_index("code").loc["P2"]
    assert p2["name"] == "改名P2" and p2["sale_status"] == "PLANNED" and p2["version"] == 2
    assert p2["plan_date"] == "2018-01-01"
    assert len(store.read("status_events")) == 1  # no event invented


@pytest.mark.parametrize("layer", ["blocks", "buildings", "vacant_spaces", "enterprises"])
def test_other_layers_import_into_the_store(store, layer):
    frame = store.read(layer)
    key = {
        "blocks": "block_id",
        "buildings": "building_id",
        "vacant_spaces": "space_id",
        "enterprises": "enterprise_id",
    }[layer]
    copy = frame.iloc[:1].copy()
    copy[key] = "NEW1"
    export = writers.export_layer(copy, layer, "xlsx")
    prepared = prepared_from(f"{layer}.xlsx", export.data, layer=layer)
    outcome = run_import(store, prepared, actor=ACTOR)
    assert outcome.added == ["NEW1"]
    again = store.read(layer).set_index(key)
    assert len(again) == len(frame) + 1
    assert again.loc["NEW1"].geometry.distance(copy.geometry.iloc[0]) < 1e-7


def test_a_point_firm_gets_its_parcel_from_the_map(store):
    csv = f"企业编号,企业名称,X,Y\nE9,新企业,{ORIGIN[0] + 50},{ORIGIN[1] + 50}\n".encode()
    prepared = prepared_from("firms.csv", csv, layer="enterprises")
    merged = merge(store.read_all(), prepared)
    assert merged.frames["enterprises"].set_index("enterprise_id").loc["E9", "parcel_code"] == "P1"


# ---------------------------------------------------------------- refusals in merge
def test_merge_problems_are_clear_and_nothing_is_written(store):
    before = digest(store.path)
    dup = SAMPLE + SAMPLE.split("[地块坐标]\n")[1]
    prepared = prepared_from("dup.txt", dup.encode("utf-8"))
    with pytest.raises(ValidationError) as info:
        run_import(store, prepared, defaults={"block_id": "B1"}, actor=ACTOR)
    assert info.value.key == "import_duplicate_keys"
    # No block contains D07 and no default block: the required block is missing.
    prepared = prepared_from("d07.txt", SAMPLE.encode("utf-8"))
    with pytest.raises(ValidationError) as info:
        run_import(store, prepared, actor=ACTOR)
    assert info.value.key == "import_required_missing" and "D07" in info.value.params["values"]
    with pytest.raises(ValidationError) as info:
        run_import(store, prepared, defaults={"block_id": "NOPE"}, actor=ACTOR)
    assert info.value.key == "import_unknown_reference"
    assert digest(store.path) == before
    # Only backups were made; the store itself is unchanged.
    assert [p.name for p in store.path.parent.iterdir() if p.suffix == ".gpkg"] == ["park.gpkg"]


def test_bad_values_and_inconsistent_statuses(store):
    csv = (
        "地块编号,地块名称,用途,出让面积,出让状态,建设状态,WKT\n"
        'X1,甲,工业,三万,PLANNED,STARTED,"POLYGON((119.8 28.34,119.801 28.34,119.801 28.341,119.8 28.34))"\n'
        'X2,乙,火星用地,100,成交,未开工,"POLYGON((119.81 28.34,119.811 28.34,119.811 28.341,119.81 28.34))"\n'
    ).encode()
    prepared = prepared_from("x.csv", csv)
    keys = [p.key for p in prepared.problems]
    assert keys == ["import_bad_values", "import_bad_values"]
    assert (
        prepared.problems[0].params["rows"] == "2"
        and "火星用地" in prepared.problems[0].params["values"]
    )
    assert prepared.problems[1].params["values"] == "三万"
    fixed = csv.replace("火星用地".encode(), "工业用地".encode()).replace("三万".encode(), b"30000")
    prepared = prepared_from("x.csv", fixed)
    assert not prepared.problems
    with pytest.raises(ValidationError) as info:
        merge(store.read_all(), prepared, defaults={"block_id": "B1"})
    assert info.value.key == "import_status_inconsistent"


# ---------------------------------------------------------------- limits
def zip_of(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("members", "key"),
    [
        ({"../../etc/evil.shp": b"x"}, "exchange_zip_unsafe_path"),
        ({"/abs/evil.shp": b"x"}, "exchange_zip_unsafe_path"),
        ({"a\\..\\..\\evil.shp": b"x"}, "exchange_zip_unsafe_path"),
        ({"C:/evil.shp": b"x"}, "exchange_zip_unsafe_path"),
        ({"bomb.dbf": b"\0" * (3 * 1024 * 1024)}, "exchange_zip_ratio"),
        ({"readme.txt": b"hello"}, "exchange_zip_no_shp"),
        ({"a.shp": b"x", "a.dbf": b"x"}, "exchange_shp_part_missing"),
    ],
)
def test_unsafe_zips_are_refused(tmp_path, members, key):
    with pytest.raises(ValidationError) as info:
        readers.read_upload("upload.zip", zip_of(members))
    assert info.value.key == key
    assert not any(tmp_path.parent.glob("etc/evil*"))


def test_total_uncompressed_size_is_limited():
    data = zip_of({f"part{i}.bin": bytes(range(256)) * 400 for i in range(5)})
    with pytest.raises(ValidationError) as info:
        readers.read_upload("big.zip", data, limits=Limits(max_unzipped_bytes=300_000))
    assert info.value.key == "exchange_zip_bomb"


def test_lying_zip_header_is_caught_while_extracting(tmp_path):
    data = bytearray(zip_of({"a.shp": b"\0" * 200_000}))
    # Patch the declared sizes in the central directory down to 10 bytes.
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    with pytest.raises(ValidationError) as info:
        readers.safe_extract(bytes(data), tmp_path / "x", limits=Limits(max_unzipped_bytes=100_000))
    assert info.value.key in ("exchange_zip_bomb", "exchange_zip_unreadable")


def test_symlinks_in_zips_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("link.shp")
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(ValidationError) as info:
        readers.read_upload("l.zip", buffer.getvalue())
    assert info.value.key == "exchange_zip_unsafe_path"


def test_gbk_member_names_from_chinese_windows_are_repaired(tmp_path):
    export = writers.export_layer(tiny_park()["parcels"], "parcels", "shp")
    with zipfile.ZipFile(io.BytesIO(export.data)) as src:
        members = {m: src.read(m) for m in src.namelist()}

    class GbkName(zipfile.ZipInfo):
        # What Windows' built-in zip does on a Chinese system: GBK bytes, no UTF-8 flag.
        def _encodeFilenameFlags(self):
            return self.filename.encode("gbk"), self.flag_bits

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(GbkName(name.replace("parcels", "地块")), data)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as check:
        assert "地块.shp" not in check.namelist()  # Python alone shows cp437 mojibake
    source = readers.read_upload("地块.zip", buffer.getvalue())
    assert source.layer == "地块"


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("big.geojson", b"x" * 2048, "exchange_too_large"),
        ("empty.gpkg", b"", "exchange_empty_file"),
        ("a.shp", b"x", "exchange_shp_not_zipped"),
        ("a.dwg", b"AC1027", "exchange_dwg"),
        ("a.pdf", b"%PDF", "exchange_format_unsupported"),
    ],
)
def test_size_and_type_refusals(name, data, key):
    with pytest.raises(ValidationError) as info:
        readers.read_upload(name, data, limits=Limits(max_upload_bytes=1024))
    assert info.value.key == key


# ---------------------------------------------------------------- malformed files of every kind
GOOD_GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "A"},
                "geometry": {"type": "Point", "coordinates": [119.8, 28.34]},
            }
        ],
    }
).encode()

MALFORMED = [
    ("bad.gpkg", b"SQLite format 3\x00" + b"\x00" * 200),
    ("bad.gpkg", b"not a geopackage at all"),
    ("bad.geojson", b'{"type": "FeatureCollection", "features": [{"type": '),
    ("bad.geojson", b"[1, 2, 3]"),
    ("bad.geojson", GOOD_GEOJSON[: len(GOOD_GEOJSON) // 2]),
    ("bad.zip", b"PK\x03\x04 truncated"),
    ("bad.zip", zip_of({"a.shp": b"garbage", "a.shx": b"garbage", "a.dbf": b"garbage"})),
    ("bad.kml", b"<kml><Document><Placemark><Polygon><coordinates>1,2"),
    ("bad.kml", b"\x00\x01\x02"),
    ("bad.dxf", b"0\nSECTION\n2\nENTITIES\n0\nLWPOLYLINE\n"),
    ("bad.dxf", b"\xff\xfe garbage"),
    ("bad.csv", "编号,名称\nA,甲\n".encode()),
    ("bad.csv", b"wkt,code\nPOLYGON((1 2,,\n"),
    ("bad.csv", b"lon,lat\nabc,28\n"),
    ("bad.xlsx", b"PK\x03\x04 not really a workbook"),
    ("bad.txt", "坐标 1 2 3".encode()),
    ("blank.csv", "地块编号,经度,纬度\nD07,,\n".encode()),
]


@pytest.mark.parametrize(("name", "data"), MALFORMED)
def test_malformed_files_give_a_message_key_and_leave_the_store_alone(store, name, data):
    before = digest(store.path)
    with pytest.raises(ValidationError) as info:
        prepared_from(name, data)
    assert info.value.key in MESSAGES, info.value.key
    for lang in ("zh", "en"):
        text = error_text(info.value, lang)
        assert text and "Traceback" not in text and "{" not in text
    assert digest(store.path) == before


FORMAT_SEEDS = {
    "gpkg": writers.export_layer(tiny_park()["blocks"], "blocks", "gpkg").data,
    "geojson": GOOD_GEOJSON,
    "zip": writers.export_layer(tiny_park()["blocks"], "blocks", "shp").data,
    "kml": writers.export_layer(tiny_park()["blocks"], "blocks", "kml").data,
    "dxf": writers.export_layer(tiny_park()["blocks"], "blocks", "dxf").data,
    "csv": "区块编号,区块名称,经度,纬度\nB9,九号,119.8,28.34\n".encode("gbk"),
    "xlsx": writers.export_layer(tiny_park()["blocks"], "blocks", "xlsx").data,
    "txt": SAMPLE.encode("gbk"),
}


@settings(
    max_examples=25,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the repository
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    suffix=st.sampled_from(sorted(FORMAT_SEEDS)),
    cut=st.floats(min_value=0.0, max_value=1.0),
    noise=st.binary(max_size=64),
    at=st.floats(min_value=0.0, max_value=1.0),
)
def test_damaged_files_of_every_format_never_raise_anything_else(store, suffix, cut, noise, at):
    """Truncate a good file and splice in random bytes: the result imports or is refused
    with a message key — never another exception — and the store is untouched."""
    before = digest(store.path)
    seed = FORMAT_SEEDS[suffix]
    data = seed[: max(1, int(len(seed) * cut))]
    pos = int(len(data) * at)
    data = data[:pos] + noise + data[pos + len(noise) :]
    try:
        prepared = prepared_from(f"file.{suffix}", data, layer="blocks")
        if not prepared.problems:
            merge(store.read_all(), prepared, mode="update")
    except ValidationError as exc:
        assert exc.key in MESSAGES
    assert digest(store.path) == before


def test_missing_columns_and_empty_tables():
    with pytest.raises(ValidationError) as info:
        readers.read_upload("a.csv", b"code,name\n")
    assert info.value.key == "exchange_table_empty"
    table = pd.DataFrame({"x": ["119.8"], "y": ["28.34"], "备注": ["A"]})
    data = table.to_csv(index=False).encode()
    prepared = prepared_from("a.csv", data, layer="enterprises")
    assert [p.key for p in prepared.problems] == ["import_key_unmapped"]
    # Points cannot be parcels: they are skipped and reported, leaving nothing to import.
    prepared = prepared_from("a.csv", data, layer="parcels")
    assert prepared.geometry.dropped == [(0, "type:Point")]
    assert "import_nothing" in [p.key for p in prepared.problems]


# ---------------------------------------------------------------- issue #12 item 6
def _three_parcel_shapefile(tmp_path) -> dict[str, bytes]:
    """The parts of a hand-built shapefile of three 200 m × 150 m parcels (EPSG:4549)."""
    folder = tmp_path / "shp"
    folder.mkdir()
    frame = gpd.GeoDataFrame(
        {"DKBH": ["A1", "A2", "A3"]},
        geometry=[
            shapely.box(ORIGIN[0] + i * 300, ORIGIN[1], ORIGIN[0] + i * 300 + 200, ORIGIN[1] + 150)
            for i in range(3)
        ],
        crs="EPSG:4549",
    )
    frame.to_file(folder / "dk.shp", engine="pyogrio")
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_whole_shapefile_reads_all_three_parcels(tmp_path):
    parts = _three_parcel_shapefile(tmp_path)
    prepared = prepared_from("dk.zip", zip_of(parts))
    assert not prepared.problems
    assert list(prepared.features["code"]) == ["A1", "A2", "A3"]


@pytest.mark.parametrize("keep_records", [0, 1, 2])
def test_a_shapefile_cut_short_is_refused_as_damaged(tmp_path, store, keep_records):
    # Each polygon record of a box is 8 (header) + 4 + 32 + 4 + 4 + 5 × 16 = 136 bytes after
    # the 100-byte file header; cutting inside record keep_records + 1 leaves keep_records
    # whole records. Before the check, GDAL read the rest as features without geometry,
    # dropped as "empty", and the whole records were imported.
    parts = _three_parcel_shapefile(tmp_path)
    shp = parts["dk.shp"]
    assert len(shp) == 100 + 3 * 136
    parts["dk.shp"] = shp[: 100 + keep_records * 136 + 50]
    before = digest(store.path)
    with pytest.raises(ValidationError) as info:
        readers.read_upload("dk.zip", zip_of(parts))
    assert info.value.key == "exchange_shp_damaged"
    assert info.value.params["broken"] == 3 - keep_records
    assert info.value.params["total"] == 3
    assert info.value.params["declared"] == len(shp)
    text = error_text(info.value, "en")
    assert f"{3 - keep_records} of 3 features" in text and "Nothing was imported" in text
    assert "损坏" in error_text(info.value, "zh")
    assert digest(store.path) == before


def _parcels_geojson(column: str, values: list[float]) -> bytes:
    """Three 200 m × 150 m parcels (30,000 m² = 45 亩 each) with an area column."""
    frame = gpd.GeoDataFrame(
        {"DKBH": ["A1", "A2", "A3"], column: values},
        geometry=[
            shapely.box(ORIGIN[0] + i * 300, ORIGIN[1], ORIGIN[0] + i * 300 + 200, ORIGIN[1] + 150)
            for i in range(3)
        ],
        crs="EPSG:4549",
    ).to_crs("EPSG:4326")
    return frame.to_json().encode()


@pytest.mark.parametrize("column", ["MJ", "面积"])
def test_an_area_column_in_mu_taken_for_m2_is_pointed_out_in_the_preview(store, column):
    # 45 亩 read as 45 m² is 45 / 30000 = 0.15 % of the drawn area; read as 亩 it fits.
    prepared = prepared_from("dk.geojson", _parcels_geojson(column, [45.0, 45.0, 44.9]))
    assert not prepared.problems
    assert prepared.features["area_m2_cert"].tolist() == [45.0, 45.0, 44.9]
    assert prepared.warnings == [
        (
            "import_area_unit_mismatch",
            {
                "column": "出让面积",
                "source": column,
                "assumed": "m²",
                "likely": "亩 (mu)",
                "renamed": f"{column}(亩)",
                "ratio": "0.15%",
            },
        )
    ]
    # The data page shows the merge's notes in the preview, before anything is written.
    before = digest(store.path)
    merged = merge(store.read_all(), prepared, defaults={"block_id": "B1", "land_use": "M0"})
    assert merged.notes[0] == prepared.warnings[0]
    assert digest(store.path) == before
    key, params = prepared.warnings[0]
    assert "fit 亩 (mu) better" in MESSAGES[key][1].format(**params)


@pytest.mark.parametrize(
    ("column", "values", "m2"),
    [
        ("MJ", [30_000.0, 30_000.0, 29_990.0], [30_000.0, 30_000.0, 29_990.0]),
        ("面积(亩)", [45.0, 45.0, 45.0], [30_000.0, 30_000.0, 30_000.0]),  # 45 × 10000 / 15
    ],
)
def test_an_area_column_in_its_unit_gives_no_warning(column, values, m2):
    prepared = prepared_from("dk.geojson", _parcels_geojson(column, values))
    assert not prepared.problems and prepared.warnings == []
    assert prepared.features["area_m2_cert"].tolist() == pytest.approx(m2)


def test_a_park_boundary_can_be_imported(tmp_path):
    frames = {**tiny_park(), "park_boundary": tiny_park()["park_boundary"].iloc[:0]}
    store = ParkStore.open(tmp_path / "park.gpkg", create=lambda: frames)
    boundary = tiny_park()["park_boundary"].copy()
    boundary["name"] = "新园区"
    export = writers.export_layer(boundary, "park_boundary", "geojson")
    prepared = prepared_from("boundary.geojson", export.data, layer="park_boundary")
    assert not prepared.problems, prepared.problems
    outcome = run_import(store, prepared, actor=ACTOR)
    assert outcome.added == ["新园区"]
    stored = store.read("park_boundary")
    assert list(stored["name"]) == ["新园区"]
    assert stored.geometry.iloc[0].equals_exact(boundary.geometry.iloc[0], 1e-7)
