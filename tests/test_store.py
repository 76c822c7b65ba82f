import hashlib
import sqlite3
import threading

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from gis import schema
from gis._errors import StoreError
from gis.store import ParkStore, store_path
from tests.tiny_park import tiny_park


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path) -> ParkStore:
    return ParkStore.open(tmp_path / "park.gpkg", create=tiny_park, meta={"sample": "true"})


def test_missing_file_is_created_with_every_layer(tmp_path):
    path = tmp_path / "sub" / "park.gpkg"
    store = ParkStore.open(path, create=tiny_park)
    assert path.exists()
    assert {name for name, _ in pyogrio.list_layers(path)} >= set(schema.LAYERS_BY_NAME)
    assert store.data_version() == 1
    assert not store.is_sample()
    assert sorted(p.name for p in path.parent.iterdir()) == ["park.gpkg", "park.gpkg.lock"]


def test_layers_round_trip_with_crs_and_values(store):
    parcels = store.read("parcels")
    assert isinstance(parcels, gpd.GeoDataFrame)
    assert parcels.crs.to_epsg() == 4490
    assert list(parcels.columns) == [*schema.PARCELS.column_names, "geometry"]
    p3 = parcels.set_index("code").loc["P3"]
    assert p3["name"] == "<b>测试</b>&P3"
    assert p3["sale_status"] == "LISTED"
    assert p3["listing_start"] == "2021-03-01"
    assert parcels.set_index("code").loc["P1", "area_m2_cert"] == 30_000.0
    events = store.read("status_events")
    assert not isinstance(events, gpd.GeoDataFrame)
    assert events.loc[0, "author"] == "测试员"
    assert store.is_sample()


def test_every_spatial_layer_is_registered_in_4490(store):
    # What QGIS reads: gpkg_contents and gpkg_geometry_columns, with our CRS.
    con = sqlite3.connect(store.path)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        geometry = dict(
            con.execute("SELECT table_name, srs_id FROM gpkg_geometry_columns").fetchall()
        )
    finally:
        con.close()
    spatial = {s.name for s in schema.LAYERS if s.geometry_type}
    assert set(geometry) == spatial
    assert set(geometry.values()) == {4490}


def test_store_path_comes_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PARK_DB", str(tmp_path / "x.gpkg"))
    assert store_path() == tmp_path / "x.gpkg"
    monkeypatch.delenv("PARK_DB")
    assert str(store_path()) == "data/park.gpkg"


def test_missing_file_without_creator_is_an_error(tmp_path):
    with pytest.raises(StoreError) as info:
        ParkStore.open(tmp_path / "none.gpkg")
    assert info.value.key == "store_missing"


@pytest.mark.parametrize(
    "content", [b"", b"hello, not a database", b"SQLite format 3\x00" + b"\x01" * 200]
)
def test_corrupt_file_is_named_and_never_overwritten(tmp_path, content):
    path = tmp_path / "park.gpkg"
    path.write_bytes(content)
    with pytest.raises(StoreError) as info:
        ParkStore.open(path, create=tiny_park)
    assert info.value.key == "store_corrupt"
    assert info.value.params["path"] == str(path)
    assert path.read_bytes() == content


def test_geopackage_that_is_not_ours_is_refused_and_untouched(tmp_path):
    path = tmp_path / "roads.gpkg"
    gpd.GeoDataFrame(
        {"name": ["路"]}, geometry=[shapely.LineString([(0, 0), (1, 1)])], crs=4490
    ).to_file(path, layer="roads")
    before = digest(path)
    with pytest.raises(StoreError) as info:
        ParkStore.open(path, create=tiny_park)
    assert info.value.key == "store_foreign"
    assert digest(path) == before


def test_write_replaces_layer_and_bumps_version(store):
    parcels = store.read("parcels")
    parcels.loc[parcels["code"] == "P2", "sale_status"] = "BANKED"
    assert store.write({"parcels": parcels}, expected_version=1) == 2
    assert store.data_version() == 2
    again = store.read("parcels").set_index("code")
    assert again.loc["P2", "sale_status"] == "BANKED"
    assert len(store.read("buildings")) == 2, "other layers are kept"


def test_stale_write_is_refused_and_nothing_changes(store):
    parcels = store.read("parcels")
    store.write({"parcels": parcels}, expected_version=1)
    before = digest(store.path)
    with pytest.raises(StoreError) as info:
        store.write({"parcels": parcels}, expected_version=1)
    assert info.value.key == "store_stale"
    assert info.value.params == {"path": str(store.path), "expected": 1, "current": 2}
    assert digest(store.path) == before


def test_invalid_write_leaves_store_unchanged(store):
    parcels = store.read("parcels")
    dupes = gpd.GeoDataFrame(
        __import__("pandas").concat([parcels, parcels.iloc[:1]]), crs=parcels.crs
    )
    before = digest(store.path)
    with pytest.raises(StoreError) as info:
        store.write({"parcels": dupes})
    assert info.value.key == "layer_duplicate_keys"
    assert "P1" in info.value.params["values"]
    missing = parcels.drop(columns=["sale_status"])
    with pytest.raises(StoreError, match="layer_columns_missing"):
        store.write({"parcels": missing})
    no_crs = parcels.set_crs(None, allow_override=True)
    with pytest.raises(StoreError, match="layer_without_crs"):
        store.write({"parcels": no_crs})
    assert digest(store.path) == before
    assert store.data_version() == 1


def test_two_handles_one_wins_one_is_told(tmp_path):
    path = tmp_path / "park.gpkg"
    first = ParkStore.open(path, create=tiny_park)
    second = ParkStore(path)  # another browser session on the same file
    base = second.data_version()
    first.write({"parcels": first.read("parcels")}, expected_version=base)
    with pytest.raises(StoreError, match="store_stale"):
        second.write({"parcels": second.read("parcels")}, expected_version=base)


def test_concurrent_writers_are_serialised(tmp_path):
    path = tmp_path / "park.gpkg"
    store = ParkStore.open(path, create=tiny_park)
    parcels = store.read("parcels")
    outcomes: list[str] = []

    def write() -> None:
        try:
            ParkStore(path).write({"parcels": parcels}, expected_version=1)
            outcomes.append("ok")
        except StoreError as exc:
            outcomes.append(exc.key)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "store_stale", "store_stale", "store_stale"]
    assert store.data_version() == 2
    store.check()


def test_concurrent_first_runs_create_one_store(tmp_path):
    path = tmp_path / "park.gpkg"
    calls: list[int] = []

    def create():
        calls.append(1)
        return tiny_park()

    threads = [
        threading.Thread(target=ParkStore.open, args=(path,), kwargs={"create": create})
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    ParkStore(path).check()


def test_old_store_gains_new_layers_on_open(tmp_path):
    # A store written before scenarios/annotations existed: drop them, then reopen.
    path = tmp_path / "park.gpkg"
    ParkStore.open(path, create=tiny_park)
    con = sqlite3.connect(path)
    for name in ("scenarios", "annotations"):
        con.execute(f"DROP TABLE {name}")
        con.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (name,))
        con.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = ?", (name,))
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="store_incomplete"):
        ParkStore(path).check()
    store = ParkStore.open(path)
    assert len(store.read("scenarios")) == 0
    assert store.read("annotations").crs.to_epsg() == 4490
    assert len(store.read("parcels")) == 4, "existing data kept"


def test_old_store_gains_new_columns_on_open(tmp_path):
    # A store written before enterprises had `above_scale_since`: drop it, then reopen.
    path = tmp_path / "park.gpkg"
    ParkStore.open(path, create=tiny_park)
    before = ParkStore(path).read("enterprises")
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE enterprises DROP COLUMN above_scale_since")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="store_incomplete"):
        ParkStore(path).check()
    store = ParkStore.open(path)
    after = store.read("enterprises")
    assert "above_scale_since" in after.columns
    assert after["above_scale_since"].isna().all()
    assert list(after["enterprise_id"]) == list(before["enterprise_id"]), "rows kept"
    assert after.crs.to_epsg() == 4490
    store.write({"enterprises": after})  # writable with the schema's columns


def test_composite_identity_is_checked(store):
    rows = pd.DataFrame(
        {
            "subject_kind": ["enterprise", "enterprise", "project"],
            "subject_id": ["E1", "E1", "E1"],
            "year": [2021, 2021, 2021],
            "months": [3, 6, 6],
            **{c: [1.0, 2.0, 3.0] for c in ("revenue_wan", "output_wan", "value_added_wan")},
            **{c: [1.0, 2.0, 3.0] for c in ("tax_wan", "investment_wan")},
        }
    )
    store.write({"period_figures": rows})  # same id, different period or kind: fine
    with pytest.raises(StoreError) as info:
        store.write({"period_figures": pd.concat([rows, rows.iloc[[1]]])})
    assert info.value.key == "layer_duplicate_keys"
    assert "E1/2021/6" in str(info.value.params["values"])


def test_mixed_geometry_layer_round_trips(store):
    notes = gpd.GeoDataFrame(
        {
            "annotation_id": ["A1", "A2"],
            "meeting_date": ["2021-07-01"] * 2,
            "author": ["张敏"] * 2,
            "note": ["点", "面"],
            "parcel_code": [None, "P1"],
            "created_at": ["2021-07-01T10:00:00"] * 2,
            "updated_at": [None, None],
            "version": [1, 1],
        },
        geometry=[shapely.Point(119.8, 28.34), shapely.box(119.8, 28.34, 119.801, 28.341)],
        crs=4490,
    )
    store.write({"annotations": notes})
    back = store.read("annotations")
    assert list(back.geom_type) == ["Point", "Polygon"]


def test_transaction_sees_current_data_and_can_refuse(store):
    def rename_p2(frames):
        parcels = frames["parcels"]
        assert parcels.set_index("code").loc["P2", "version"] == 1
        parcels.loc[parcels["code"] == "P2", ["name", "version"]] = ["新名称", 2]
        return {"parcels": parcels}

    assert store.transaction(["parcels"], rename_p2) == 2
    assert store.read("parcels").set_index("code").loc["P2", "name"] == "新名称"

    def refuse(frames):
        raise ValueError("no")

    before = digest(store.path)
    with pytest.raises(ValueError):
        store.transaction(["parcels"], refuse)
    assert store.transaction(["parcels"], lambda frames: None) == 2, "nothing to write"
    assert digest(store.path) == before


def test_backup_and_restore(store):
    first = store.backup(reason="导入前 import")
    assert first.parent.name == "backups" and first.exists()
    parcels = store.read("parcels")
    store.write({"parcels": parcels[parcels["code"] != "P4"]})
    assert len(store.read("parcels")) == 3
    version = store.restore(first)
    assert version == 3, "restored data gets a new version, never an old cached one"
    assert len(store.read("parcels")) == 4
    assert len(store.backups()) == 2, "the state before the restore was kept too"
    assert store.backups()[0].name.endswith("before-restore.gpkg")


def test_restore_refuses_a_foreign_file(store, tmp_path):
    foreign = tmp_path / "foreign.gpkg"
    foreign.write_bytes(b"hello")
    before = digest(store.path)
    with pytest.raises(StoreError, match="store_corrupt"):
        store.restore(foreign)
    assert digest(store.path) == before
