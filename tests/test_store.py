import shutil
import sqlite3
import threading
import time
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from gis import schema
from gis._errors import StoreError
from gis.i18n import t
from gis.parcels import history
from gis.store import (
    ParkStore,
    create_empty_store,
    open_park_store,
    problem_text,
    store_path,
    validate_frames,
)
from tests.store_kit import digest
from tests.tiny_park import tiny_park


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
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        ParkStore.open(path, create=tiny_park)
    assert info.value.key == "store_foreign"
    assert path.read_bytes() == before


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
    before = digest(store)
    with pytest.raises(StoreError) as info:
        store.write({"parcels": parcels}, expected_version=1)
    assert info.value.key == "store_stale"
    assert info.value.params == {"path": str(store.path), "expected": 1, "current": 2}
    assert digest(store) == before


def test_invalid_write_leaves_store_unchanged(store):
    parcels = store.read("parcels")
    dupes = gpd.GeoDataFrame(
        __import__("pandas").concat([parcels, parcels.iloc[:1]]), crs=parcels.crs
    )
    before = digest(store)
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
    assert digest(store) == before
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

    before = digest(store)
    with pytest.raises(ValueError):
        store.transaction(["parcels"], refuse)
    assert store.transaction(["parcels"], lambda frames: None) == 2, "nothing to write"
    assert digest(store) == before


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
    before = digest(store)
    with pytest.raises(StoreError, match="store_corrupt"):
        store.restore(foreign)
    assert digest(store) == before


# ------------------------------------------------------------- issue #12: your own park
def sample_copy(sample_store_path, tmp_path) -> ParkStore:
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    return ParkStore.open(path)


def user_parcel(parcels: gpd.GeoDataFrame, code: str) -> gpd.GeoDataFrame:
    """A parcel of the user's own, shaped like the first one, moved 0.05° east."""
    row = parcels.iloc[[0]].copy()
    row["code"] = code
    row["name"] = f"{code}地块"
    row["geometry"] = row.geometry.translate(0.05, 0)
    return row


def user_event(event_id: int, code: str) -> dict:
    return dict(
        event_id=event_id,
        parcel_code=code,
        field="sale_status",
        old_status=None,
        new_status="PLANNED",
        effective_date="2024-03-01",
        recorded_at="2024-03-02T09:00:00",
        author="用户",
        note="",
        supersedes=None,
    )


def test_new_empty_store_has_every_layer_and_no_rows(tmp_path):
    store = create_empty_store(tmp_path / "own.gpkg", name="我的园区")
    again = ParkStore.open(tmp_path / "own.gpkg")
    assert set(again.row_counts()) == set(schema.LAYERS_BY_NAME)
    assert set(again.row_counts().values()) == {0}
    assert not again.is_sample() and again.sample_rows() == {}
    assert again.park_name() == "我的园区"
    assert again.read("parcels").crs.to_epsg() == 4490
    before = digest(store)
    with pytest.raises(StoreError) as info:
        create_empty_store(store.path)
    assert info.value.key == "store_exists"
    assert digest(store) == before


def test_remove_sample_keeps_exactly_the_users_rows(sample_store_path, tmp_path):
    store = sample_copy(sample_store_path, tmp_path)
    assert store.is_sample()
    parcels, events = store.read("parcels"), store.read("status_events")
    sample_parcel = parcels["code"].iloc[3]
    next_id = int(events["event_id"].max()) + 1
    mine = user_parcel(parcels, "U1")
    store.write(
        {
            "parcels": pd.concat([parcels, mine], ignore_index=True),
            "status_events": pd.concat(
                [
                    events,
                    # one on the user's own parcel, one recorded on a sample parcel
                    pd.DataFrame(
                        [user_event(next_id, "U1"), user_event(next_id + 1, sample_parcel)]
                    ),
                ],
                ignore_index=True,
            ),
        }
    )
    assert store.sample_rows()["parcels"] == len(parcels), "the user's parcel is not sample"
    result = store.remove_sample()
    assert result.backup is not None and result.backup.exists()
    assert ParkStore(result.backup).sample_rows()["parcels"] == len(parcels)
    assert list(store.read("parcels")["code"]) == ["U1"]
    kept = store.read("status_events")
    assert list(kept["event_id"]) == [next_id]
    assert list(kept["parcel_code"]) == ["U1"]
    assert not store.is_sample() and store.sample_rows() == {}
    counts = store.row_counts()
    assert counts["parcels"] == 1 and counts["status_events"] == 1
    assert {n for name, n in counts.items() if name not in ("parcels", "status_events")} == {0}
    assert result.removed["parcels"] == len(parcels)
    assert result.removed["status_events"] == len(events) + 1
    assert "reference_date" not in store.meta() and "sample" not in store.meta()
    assert store.remove_sample().backup is None, "nothing left to remove: nothing done"


def test_remove_sample_is_all_or_nothing(store, monkeypatch):
    # The tiny park, created as a sample: every row is a sample row.
    assert store.sample_rows()["parcels"] == 4
    before = digest(store)

    def broken(*args, **kwargs):
        raise StoreError("store_read_failed", path="x", layer="parcels", reason="disk full")

    monkeypatch.setattr("gis.store.gpkg_sql.apply_delta", broken)
    with pytest.raises(StoreError):
        store.remove_sample()
    assert digest(store) == before
    assert store.sample_rows()["parcels"] == 4
    assert store.backups(), "the backup was made first"


def test_sample_store_from_before_row_marks_is_recognised(sample_store_path, tmp_path):
    store = sample_copy(sample_store_path, tmp_path)
    expected = store.sample_rows()
    con = sqlite3.connect(store.path)
    con.execute("DROP TABLE park_sample_rows")
    con.execute("DELETE FROM gpkg_contents WHERE table_name = 'park_sample_rows'")
    con.commit()
    con.close()
    assert ParkStore(store.path).sample_rows() == {}
    assert ParkStore.open(store.path).sample_rows() == expected


def test_explicit_park_db_that_is_missing_is_not_filled_with_the_sample(tmp_path, monkeypatch):
    target = tmp_path / "typo.gpkg"
    monkeypatch.setenv("PARK_DB", str(target))
    with pytest.raises(StoreError) as info:
        open_park_store()
    assert info.value.key == "store_missing_new"
    assert "python -m gis new" in t("store_missing_new", "zh", **info.value.params)
    assert not target.exists()


def test_default_path_that_is_missing_is_created_from_the_sample(tmp_path, monkeypatch):
    monkeypatch.delenv("PARK_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    store = open_park_store()
    assert store.path == Path("data/park.gpkg") and store.is_sample()


def test_parcel_appended_by_another_gdal_client_shows_and_changes_the_version(store):
    version = store.data_version()
    parcels = store.read("parcels")
    pyogrio.write_dataframe(user_parcel(parcels, "Q1"), store.path, layer="parcels", append=True)
    assert store.data_version() > version
    assert "Q1" in set(store.read("parcels")["code"])
    assert "Q1" in set(store.read_all()["parcels"]["code"])


def test_changes_and_deletes_by_sql_clients_change_the_version(store):
    # (Plain sqlite3 cannot UPDATE a spatial layer: GDAL's R-tree triggers need its ST_
    # functions. QGIS goes through GDAL, as the append test above does.)
    version = store.data_version()
    con = sqlite3.connect(store.path)
    con.execute("UPDATE status_events SET note = 'QGIS' WHERE event_id = 1")
    con.commit()
    assert store.data_version() == version + 1
    con.execute("DELETE FROM parcels WHERE code = 'P2'")
    con.commit()
    con.close()
    assert store.data_version() == version + 2
    assert set(store.read("parcels")["code"]) == {"P1", "P3", "P4"}
    # and a write based on the version before the outside edit is refused as stale
    with pytest.raises(StoreError, match="store_stale"):
        store.write({"parcels": store.read("parcels")}, expected_version=version)


def test_shell_frames_cache_key_follows_outside_edits(store, monkeypatch):
    from ui import shell

    monkeypatch.setattr(shell, "store", lambda: store)
    first = shell.frames()
    pyogrio.write_dataframe(
        user_parcel(store.read("parcels"), "Q2"), store.path, layer="parcels", append=True
    )
    assert "Q2" in set(shell.frames()["parcels"]["code"])
    assert "Q2" not in set(first["parcels"]["code"])


def test_data_version_is_cheap_when_nothing_changed(store):
    store.data_version()
    start = time.perf_counter()
    for _ in range(200):
        store.data_version()
        store.is_sample()
    per_call_ms = (time.perf_counter() - start) * 1000 / 200
    assert per_call_ms < 2.0, per_call_ms


def test_bad_values_written_outside_get_warnings_naming_the_parcel(store):
    # Written by another GDAL client (the layer rewritten, as ogr2ogr -overwrite does).
    parcels = store.read("parcels")
    parcels.loc[parcels["code"] == "P2", "sale_status"] = "SOLDD"
    parcels.loc[parcels["code"] == "P1", "deal_date"] = "2019/13/45"
    parcels.loc[parcels["code"] == "P3", "construction_status"] = None
    version = store.data_version()
    pyogrio.write_dataframe(parcels, store.path, layer="parcels", driver="GPKG")
    assert store.data_version() > version, "a layer replaced from outside is seen too"
    assert store._watched(), "and watched again"
    con = sqlite3.connect(store.path)
    con.execute("UPDATE status_events SET new_status = 'XX' WHERE event_id = 1")
    con.commit()
    con.close()
    frames = store.read_all()  # never raises on such rows
    problems = validate_frames(frames)
    found = {(p.parcel, p.key) for p in problems}
    assert ("P2", "problem_status_unknown") in found
    assert ("P1", "problem_date_invalid") in found
    assert ("P3", "problem_value_missing") in found
    assert ("P2", "problem_event_status_unknown") in found
    text = [problem_text(p, "zh") for p in problems if p.parcel == "P2"]
    assert any("P2" in s and "SOLDD" in s and "出让状态" in s for s in text), text
    en = [problem_text(p, "en") for p in problems if p.key == "problem_status_unknown"]
    assert en == [
        "Parcel P2: Land-sale status 'SOLDD' is not a known status code; the map shows it grey."
    ]
    on = history.statuses_as_of(frames["parcels"], frames["status_events"], date(2021, 6, 30))
    assert len(on) == 4, "no parcel silently dropped"


def test_missing_code_and_invalid_geometry_are_named(store):
    parcels = store.read("parcels")
    bow = shapely.Polygon([(119.80, 28.34), (119.81, 28.35), (119.81, 28.34), (119.80, 28.35)])
    parcels.loc[parcels["code"] == "P4", "geometry"] = bow
    parcels.loc[parcels["code"] == "P3", "code"] = None
    problems = validate_frames({"parcels": parcels})
    keys = {(p.parcel, p.key) for p in problems}
    assert ("P4", "problem_geometry_invalid") in keys
    assert (None, "problem_code_missing") in keys
    missing = next(p for p in problems if p.key == "problem_code_missing")
    assert missing.row == 3
    assert "第 3 行" in problem_text(missing, "zh")


def test_status_changed_outside_without_an_event_is_named(store):
    # P2 has a recorded PLANNED event; QGIS sets it to BANKED with a date, no event.
    parcels = store.read("parcels")
    parcels.loc[parcels["code"] == "P2", ["sale_status", "banked_date"]] = ["BANKED", "2020-01-01"]
    problems = validate_frames({"parcels": parcels, "status_events": store.read("status_events")})
    [differs] = [p for p in problems if p.key == "problem_status_differs"]
    assert differs.parcel == "P2" and differs.params["history"] == "PLANNED"
    assert "P2" in problem_text(differs, "en") and "BANKED" in problem_text(differs, "en")


def test_app_rows_have_no_problems(store, sample_store_path):
    assert validate_frames(store.read_all()) == []
    assert validate_frames(ParkStore(sample_store_path).read_all()) == []
