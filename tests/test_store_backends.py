"""The same store tests against both backends: the GeoPackage file and PostGIS.

PostGIS runs in a throw-away cluster the tests start themselves (``pg_cluster`` in
conftest.py, tests/pg_server.py); every test function here runs once per backend.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import psycopg
import pytest
import shapely

from gis import schema
from gis._errors import StoreError
from gis.crs import AREA_CRS
from gis.parcels import lifecycle
from gis.parcels.lifecycle import StatusChange
from gis.store import ParkStore, copy_store, gpkg_sql, store_differences
from gis.store.base import prepare
from gis.store.delta import layer_delta
from tests import store_workers
from tests.actors import ACTOR
from tests.tiny_park import _frame, _rect, tiny_park

SALE = store_workers.SALE
TODAY = store_workers.TODAY
EXTRA_PARCELS = 16


@pytest.fixture(params=["gpkg", "postgis"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a new store goes: a GeoPackage path, or a fresh PostGIS database's URL."""
    if request.param == "gpkg":
        yield str(tmp_path / "park.gpkg")
        return
    url = request.getfixturevalue("pg_url")
    yield url
    from gis.store import postgis

    postgis.close_connections(url)


@pytest.fixture
def any_store(location: str) -> ParkStore:
    return ParkStore.open(location, create=tiny_park)


def raw(location: str, query: str, params: tuple = ()) -> list[tuple]:
    """Run SQL as another client would (QGIS, psql, sqlite3), committed; its rows."""
    if location.startswith("postgresql://"):
        with psycopg.connect(location) as conn:
            cur = conn.execute(query.replace("?", "%s"), params)
            return cur.fetchall() if cur.description else []
    # A plain sqlite3 connection plus the SQL functions GDAL's R-tree triggers call, as
    # QGIS has them.
    con = gpkg_sql.write_connection(Path(location))
    try:
        rows = con.execute(query, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def row_ids(store: ParkStore, location: str) -> dict[str, tuple]:
    """Each parcel's physical identity: its fid, and on PostGIS its tuple id (which any
    UPDATE of the row changes); in a GeoPackage the file's inode (a copy moved into place
    changes it)."""
    if store.backend == "postgis":
        return {r[0]: r[1:] for r in raw(location, "SELECT code, fid, ctid::text FROM parcels")}
    inode = Path(location).stat().st_ino
    return {r[0]: (r[1], inode) for r in raw(location, "SELECT code, fid FROM parcels")}


def change(code: str, new: str, day: date, **kw) -> StatusChange:
    return StatusChange(code, SALE, new, day, kw.pop("author", "测试员"), **kw)


def parcel(store: ParkStore, code: str) -> pd.Series:
    return store.read("parcels").set_index("code").loc[code]


# --------------------------------------------------------------------- round trip
def test_values_types_and_geometries_come_back(any_store: ParkStore):
    park = tiny_park()
    for spec in schema.LAYERS:
        stored = any_store.read(spec.name)
        assert list(stored.columns) == [
            *spec.column_names,
            *(["geometry"] if spec.geometry_type else []),
        ]
        if spec.name not in park:
            assert len(stored) == 0
            continue
        delta = layer_delta(spec, stored, prepare(spec, park[spec.name]))
        assert delta.empty, spec.name  # same rows, values and (exactly) geometries
    parcels = any_store.read("parcels").set_index("code")
    assert str(parcels["version"].dtype) == "int64"
    assert str(parcels["area_m2_cert"].dtype) == "float64"
    assert str(parcels["gov_cause_delay"].dtype) == "bool"
    assert parcels.loc["P1", "area_m2_cert"] == 30_000.0
    assert pd.isna(parcels.loc["P3", "area_m2_cert"])
    assert parcels.loc["P1", "plan_date"] == "2018-01-01"
    assert bool(parcels.loc["P1", "standard_land"]) is True
    assert parcels.loc["P3", "name"] == "<b>测试</b>&P3"
    assert any_store.read("parcels").crs.to_epsg() == 4490
    # P1 was drawn as a 200 m × 150 m rectangle in EPSG:4549.
    area = any_store.read("parcels").set_index("code").to_crs(AREA_CRS).area
    assert area["P1"] == pytest.approx(30_000.0, rel=1e-9)
    assert any_store.read("vacant_spaces").geometry.iloc[0].geom_type == "Point"
    assert any_store.read("context").geometry.iloc[0].geom_type == "LineString"
    assert any_store.row_counts()["parcels"] == 4
    assert any_store.meta()["app"] == "park-one-map"


# --------------------------------------------------------------------- row-level writes
def test_a_status_change_writes_only_its_rows(any_store: ParkStore, location: str):
    before_ids = row_ids(any_store, location)
    before = any_store.read("parcels").set_index("code")
    version = any_store.data_version()
    new_version = lifecycle.record_changes(
        any_store, [change("P2", "BANKED", date(2021, 2, 1))], today=TODAY, actor=ACTOR
    )
    assert new_version == version + 1 == any_store.data_version()
    after_ids = row_ids(any_store, location)
    assert {k: v for k, v in after_ids.items() if k != "P2"} == {
        k: v for k, v in before_ids.items() if k != "P2"
    }
    assert after_ids["P2"][0] == before_ids["P2"][0]  # updated in place: same fid
    after = any_store.read("parcels").set_index("code")
    assert after.loc["P2", SALE] == "BANKED" and after.loc["P2", "banked_date"] == "2021-02-01"
    assert int(after.loc["P2", "version"]) == 2
    pd.testing.assert_frame_equal(after.drop(index="P2"), before.drop(index="P2"))
    events = any_store.read("status_events")
    assert len(events) == 2 and list(events["new_status"]) == ["PLANNED", "BANKED"]


def test_a_stale_write_is_refused(any_store: ParkStore):
    version = any_store.data_version()
    lifecycle.record_changes(
        any_store, [change("P2", "BANKED", date(2021, 2, 1))], today=TODAY, actor=ACTOR
    )
    parcels = any_store.read("parcels")
    parcels.loc[parcels["code"] == "P1", "name"] = "改名"
    with pytest.raises(StoreError) as exc:
        any_store.write({"parcels": parcels}, expected_version=version)
    assert exc.value.key == "store_stale"
    assert exc.value.params["current"] == version + 1
    assert parcel(any_store, "P1")["name"] == "测试P1地块"
    assert any_store.data_version() == version + 1
    # Based on the current version, the same write goes through.
    assert any_store.write({"parcels": parcels}, expected_version=version + 1) == version + 2
    assert parcel(any_store, "P1")["name"] == "改名"


def test_an_outside_edit_raises_the_data_version(any_store: ParkStore, location: str):
    version = any_store.data_version()
    raw(location, "UPDATE parcels SET name = ? WHERE code = ?", ("QGIS改名", "P1"))
    assert any_store.data_version() == version + 1
    assert parcel(any_store, "P1")["name"] == "QGIS改名"
    raw(location, "DELETE FROM status_events")
    assert any_store.data_version() == version + 2
    assert len(any_store.read("status_events")) == 0
    # A write based on what was seen before the outside edits is refused.
    with pytest.raises(StoreError) as exc:
        any_store.write({"settings": any_store.read("settings")}, expected_version=version)
    assert exc.value.key == "store_stale"


def test_backup_and_restore(any_store: ParkStore, location: str, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PARK_BACKUP_DIR", str(tmp_path / "pg-backups"))
    backup = any_store.backup(reason="test")
    assert backup.exists() and backup.suffix == ".gpkg"
    assert backup.parent == any_store.backup_dir
    lifecycle.record_changes(
        any_store, [change("P2", "BANKED", date(2021, 2, 1))], today=TODAY, actor=ACTOR
    )
    changed_version = any_store.data_version()
    snapshot = ParkStore.open(str(backup))  # a GeoPackage store of its own
    assert snapshot.backend == "gpkg"
    assert parcel(snapshot, "P2")[SALE] == "PLANNED"
    version = any_store.restore(backup)
    assert version == changed_version + 1 == any_store.data_version()
    assert parcel(any_store, "P2")[SALE] == "PLANNED"
    assert len(any_store.read("status_events")) == 1
    assert any_store.meta()["restored_from"] == backup.name
    # The audit trail is not restored: the status change's row stays (#13).
    assert store_differences(snapshot, any_store) == [
        "park_audit: +1",
        "park_meta: data_version, restored_from",
    ]
    assert len(any_store.backups()) == 2  # the one made before the restore too


# --------------------------------------------------------------------- moving a park
def test_copy_gpkg_to_postgis_and_back_is_identical(
    sample_store_path: Path, pg_url: str, tmp_path: Path
):
    source = ParkStore.open(str(sample_store_path))
    in_db = copy_store(str(sample_store_path), pg_url)
    assert in_db.backend == "postgis"
    back = copy_store(pg_url, str(tmp_path / "back.gpkg"))
    assert store_differences(source, in_db) == []
    assert store_differences(source, back) == []
    assert in_db.row_counts() == source.row_counts() == back.row_counts()
    assert in_db.sample_rows() == source.sample_rows() and source.sample_rows()
    for name in ("parcels", "buildings", "context"):
        a = source.read(name).sort_values(schema.layer_spec(name).key, ignore_index=True)
        b = back.read(name).sort_values(schema.layer_spec(name).key, ignore_index=True)
        assert shapely.equals_exact(a.geometry.values, b.geometry.values, tolerance=0).all()
    with pytest.raises(StoreError) as exc:
        copy_store(str(sample_store_path), pg_url)
    assert exc.value.key == "store_exists"


# --------------------------------------------------------------------- concurrency
def many_parcels() -> dict:
    """tiny_park plus parcels G01..G16: PLANNED, no status events yet, 100 m squares."""
    park = tiny_park()
    rows = [
        dict(
            code=f"G{i:02d}",
            name=f"并发测试{i}",
            block_id="B1",
            land_use="INDUSTRIAL",
            sale_status="PLANNED",
            construction_status="NOT_STARTED",
            plan_date="2020-01-01",
            extension_days=0,
            gov_cause_delay=False,
            standard_land=False,
            version=1,
        )
        for i in range(1, EXTRA_PARCELS + 1)
    ]
    extra = _frame(
        schema.PARCELS, rows, [_rect(700 + 120 * i, 0, 100, 100) for i in range(len(rows))]
    )
    park["parcels"] = pd.concat([park["parcels"], extra], ignore_index=True)
    return park


def _pool(processes: int):
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.store_workers"])
    return ctx, ctx.Pool(processes)


def test_sixteen_editors_on_different_parcels_lose_nothing(location: str):
    store = ParkStore.open(location, create=many_parcels)
    version = store.data_version()
    codes = [f"G{i:02d}" for i in range(1, EXTRA_PARCELS + 1)]
    _ctx, pool = _pool(len(codes))
    with pool:
        outcomes = pool.starmap(
            store_workers.edit, [(location, code, f"编辑{code}", 20) for code in codes]
        )
    assert outcomes == [["saved"] * 20] * len(codes)
    assert store.data_version() == version + 20 * len(codes)
    events = store.read("status_events")
    assert len(events) == 1 + 20 * len(codes)
    assert events["event_id"].is_unique
    per_parcel = events["parcel_code"].value_counts()
    assert all(per_parcel[code] == 20 for code in codes)
    parcels = store.read("parcels").set_index("code")
    assert all(int(parcels.loc[code, "version"]) == 21 for code in codes)
    # 20 changes: ACQUIRING, then 19 corrections alternating BANKED / ACQUIRING.
    assert all(parcels.loc[code, SALE] == "BANKED" for code in codes)


def test_sixteen_editors_racing_on_one_parcel(location: str):
    store = ParkStore.open(location, create=many_parcels)
    version = store.data_version()
    rounds, racers = 3, 16
    ctx, pool = _pool(racers)
    barrier = ctx.Manager().Barrier(racers)
    with pool:
        outcomes = pool.starmap(
            store_workers.edit,
            [(location, "G01", f"编辑{i}", rounds, barrier) for i in range(racers)],
        )
    flat = [o for per in outcomes for o in per]
    saved = flat.count("saved")
    # Each round everyone read the same version: exactly one write wins, the rest are
    # refused with the stale-edit message; nothing else happens.
    assert saved == rounds
    assert sorted(set(flat) - {"saved"}) == ["parcel_stale"]
    assert len(flat) == rounds * racers
    events = store.read("status_events")
    assert (events["parcel_code"] == "G01").sum() == saved
    assert int(parcel(store, "G01")["version"]) == 1 + saved
    assert store.data_version() == version + saved


# --------------------------------------------------------------------- PostGIS specifics
def test_a_database_password_never_shows(pg_url: str):
    # The test cluster trusts local connections, so any password is accepted.
    secret = "s3cr3t-Pw"
    with_password = pg_url.replace("postgres@", f"postgres:{secret}@")
    store = ParkStore.open(with_password, create=tiny_park)
    assert store.location == pg_url
    assert secret not in repr(store)
    wrong = with_password.replace("/park_test", "/no_such_db_park_test") + f"&password={secret}"
    with pytest.raises(StoreError) as exc:
        ParkStore.open(wrong)
    assert exc.value.key == "store_unreadable"
    assert secret not in str(exc.value) and "password=" not in exc.value.params["path"]
    assert "no_such_db" in str(exc.value)


def test_a_bulk_edit_updates_rows_in_place(sample_store_path: Path, location: str):
    store = copy_store(str(sample_store_path), location)
    parcels = store.read("parcels")
    assert len(parcels) > 64  # more rows than one statement each: the bulk path
    before_ids = row_ids(store, location)
    version = store.data_version()
    parcels["name"] = parcels["name"] + "·改"
    parcels.loc[parcels.index[:3], "far_max"] = 2.5
    assert store.write({"parcels": parcels}, expected_version=version) == version + 1
    after = store.read("parcels")
    assert list(after["name"]) == list(parcels["name"])
    assert list(after["far_max"].iloc[:3]) == [2.5, 2.5, 2.5]
    assert {k: v[0] for k, v in row_ids(store, location).items()} == {
        k: v[0] for k, v in before_ids.items()
    }
    assert shapely.equals_exact(after.geometry.values, parcels.geometry.values, tolerance=0).all()


def test_postgis_upgrades_and_rewatches_an_edited_database(pg_url: str):
    store = ParkStore.open(pg_url, create=tiny_park)
    raw(pg_url, "ALTER TABLE parcels DROP COLUMN floor_area_m2")
    raw(pg_url, "DROP TABLE settings")
    raw(pg_url, "DROP TRIGGER park_dv_blocks ON blocks")
    with pytest.raises(StoreError) as exc:
        store.check()
    assert exc.value.key == "store_incomplete"
    assert "settings" in exc.value.params["layers"]
    assert "parcels.floor_area_m2" in exc.value.params["layers"]
    version = store.data_version()
    store = ParkStore.open(pg_url)  # upgraded, triggers back
    store.check()
    assert store.data_version() > version
    assert "floor_area_m2" in store.read("parcels").columns
    assert store.read("parcels")["floor_area_m2"].isna().all()
    assert store.row_counts()["settings"] == 0
    for table in ("blocks", "settings"):
        version = store.data_version()
        raw(pg_url, f"DELETE FROM {table}")
        assert store.data_version() == version + 1, table


def test_postgis_refuses_a_wrong_geometry_type_and_changes_nothing(pg_url: str):
    from gis.i18n import error_text

    store = ParkStore.open(pg_url, create=tiny_park)
    version = store.data_version()
    parcels = store.read("parcels")
    square = parcels.geometry.iloc[0]
    parcels.loc[0, "name"] = "两块"
    parcels.loc[[0], "geometry"] = shapely.MultiPolygon([square, square.buffer(-1e-5)])
    with pytest.raises(StoreError) as exc:
        store.write({"parcels": parcels})
    assert exc.value.key == "postgis_write_failed"
    assert "MultiPolygon" in exc.value.params["reason"]
    assert "写入数据库" in error_text(exc.value, "zh") and "nothing was changed" in error_text(
        exc.value, "en"
    )
    assert store.data_version() == version
    assert parcel(store, "P1")["name"] == "测试P1地块"


# --------------------------------------------------------------------- the audit trail
def rename(code: str, name: str):
    def change(frames: dict) -> dict:
        parcels = frames["parcels"]
        parcels.loc[parcels["code"] == code, "name"] = name
        return {"parcels": parcels}

    return change


def test_a_write_is_audited_with_its_rows_before_and_after(any_store):
    from gis.store import AuditEntry

    version = any_store.data_version()
    entry = AuditEntry("zhangsan", "parcel_edit", role="editor", target="P2", client="10.0.0.7")
    assert any_store.transaction(["parcels"], rename("P2", "新名称"), audit=entry) == version + 1
    trail = any_store.audit_trail()
    assert len(trail) == 1
    row = trail.iloc[0]
    assert (row["username"], row["role"], row["event"], row["outcome"], row["target"]) == (
        "zhangsan",
        "editor",
        "parcel_edit",
        "ok",
        "P2",
    )
    details = __import__("json").loads(row["details"])
    assert details["changes"] == {
        "parcels": {"changed": [{"key": "P2", "values": {"name": ["测试P2地块", "新名称"]}}]}
    }
    assert row["client"] == "10.0.0.7" and row["at"].endswith("Z")


def test_refused_writes_and_sign_ins_are_audited_without_a_new_version(any_store):
    from gis.store import AuditEntry
    from gis.store.audit import broken_links

    version = any_store.data_version()
    entry = AuditEntry("lisi", "parcel_edit", role="editor", target="P2")
    with pytest.raises(StoreError, match="store_stale"):
        any_store.transaction(
            ["parcels"], rename("P2", "x"), expected_version=version - 1, audit=entry
        )
    any_store.record(AuditEntry("lisi", "sign_in", role="editor", client="10.0.0.8"))
    assert any_store.data_version() == version, "nothing of the park's data changed"
    trail = any_store.audit_trail()
    assert list(trail["event"]) == ["parcel_edit", "sign_in"]
    assert list(trail["outcome"]) == ["refused", "ok"]
    assert '"error": "store_stale"' in trail["details"].iloc[0]
    assert broken_links(trail) == []
    forged = trail.copy()
    forged.loc[0, "username"] = "wangwu"  # a row altered outside the app
    assert broken_links(forged) == [1]
    assert broken_links(trail.iloc[1:]) == [2], "a row removed: the next one says so"


def test_the_audit_trail_cannot_be_changed_or_deleted(any_store, location):
    from gis.store import AuditEntry

    any_store.record(AuditEntry("lisi", "sign_in"))
    for query in ("UPDATE park_audit SET username = 'x'", "DELETE FROM park_audit"):
        with pytest.raises((psycopg.Error, __import__("sqlite3").Error), match="append-only"):
            raw(location, query)
    assert list(any_store.audit_trail()["username"]) == ["lisi"]


def test_a_restore_keeps_the_audit_trail_and_accounts(any_store):
    from gis.store import AuditEntry

    backup = any_store.backup(reason="test")
    any_store.record(AuditEntry("admin", "backup", target=backup.name))
    any_store.transaction(["parcels"], rename("P2", "改名后"), audit=AuditEntry("a", "edit"))
    any_store.restore(backup)
    assert any_store.read("parcels").set_index("code").loc["P2", "name"] == "测试P2地块"
    assert list(any_store.audit_trail()["event"]) == ["backup", "edit"]
