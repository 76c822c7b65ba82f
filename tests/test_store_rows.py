"""Row-level writes in the GeoPackage: in the file itself, only the rows that change,
the spatial index kept right for QGIS, and a killed writer leaving before or after."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from gis.parcels import lifecycle
from gis.store import ParkStore, copy_store, gpkg_sql, store_differences
from gis.store.cli import main as cli_main
from tests.actors import ACTOR
from tests.store_kit import digest
from tests.tiny_park import tiny_park


@pytest.fixture
def store(tmp_path) -> ParkStore:
    return ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)


def fids(path: Path, table: str) -> dict[str, int]:
    key = "code" if table == "parcels" else "event_id"
    with sqlite3.connect(path) as con:
        return {str(k): fid for fid, k in con.execute(f'SELECT fid, "{key}" FROM "{table}"')}


def rtree(path: Path, code: str) -> tuple[float, float, float, float]:
    with sqlite3.connect(path) as con:
        return con.execute(
            "SELECT r.minx, r.maxx, r.miny, r.maxy FROM rtree_parcels_geom r "
            "JOIN parcels p ON p.fid = r.id WHERE p.code = ?",
            (code,),
        ).fetchone()


def change_status(store: ParkStore, code: str, to: str = "BANKED") -> int:
    parcel = store.read("parcels").set_index("code").loc[code]
    return lifecycle.record_changes(
        store,
        [
            lifecycle.StatusChange(
                code=code,
                field="sale_status",
                new_status=to,
                effective_date=date(2021, 5, 1),
                author="测试员",
            )
        ],
        expected_versions={code: int(parcel["version"])},
        today=date(2021, 6, 30),
        actor=ACTOR,
    )


def test_a_status_change_writes_its_rows_in_place(store):
    inode = store.path.stat().st_ino
    parcels_before, events_before = fids(store.path, "parcels"), fids(store.path, "status_events")
    version = store.data_version()
    assert change_status(store, "P2") == version + 1
    assert store.data_version() == version + 1, "one write, one version, whatever the rows"
    assert store.path.stat().st_ino == inode, "the file itself, not a copy moved in place"
    assert fids(store.path, "parcels") == parcels_before, "no parcel row was rewritten"
    events_after = fids(store.path, "status_events")
    assert {k: v for k, v in events_after.items() if k in events_before} == events_before
    assert len(events_after) == len(events_before) + 1
    p2 = store.read("parcels").set_index("code").loc["P2"]
    assert p2["sale_status"] == "BANKED" and p2["banked_date"] == "2021-05-01"
    assert not list(store.path.parent.glob(".park.*")), "no staged copies left"
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_second_change_in_one_session_builds_on_the_first(store):
    change_status(store, "P2", "BANKED")
    with pytest.raises(Exception, match=r"parcel_stale"):
        # the form still holds the version from before the first save
        lifecycle.record_changes(
            store,
            [
                lifecycle.StatusChange(
                    code="P2",
                    field="sale_status",
                    new_status="IN_SUPPLY_PLAN",
                    effective_date=date(2021, 5, 2),
                    author="测试员",
                )
            ],
            expected_versions={"P2": 1},
            today=date(2021, 6, 30),
            actor=ACTOR,
        )
    change_status(store, "P2", "IN_SUPPLY_PLAN")
    assert store.read("parcels").set_index("code").loc["P2", "sale_status"] == "IN_SUPPLY_PLAN"


def test_moved_geometry_keeps_the_spatial_index_right(store):
    parcels = store.read("parcels")
    old = parcels.set_index("code").loc["P2"].geometry
    moved = shapely.affinity.translate(old, xoff=0.01, yoff=0.01)
    parcels.loc[parcels["code"] == "P2", "geometry"] = moved
    store.write({"parcels": parcels})
    minx, miny, maxx, maxy = moved.bounds
    # (the R-tree keeps single-precision bounds, rounded outwards)
    assert rtree(store.path, "P2") == pytest.approx((minx, maxx, miny, maxy), abs=1e-4)
    # What QGIS does: a spatial filter through GDAL, which uses the R-tree.
    found = pyogrio.read_dataframe(store.path, layer="parcels", bbox=moved.bounds)
    assert "P2" in set(found["code"])
    old_only = (old.bounds[0], old.bounds[1], old.bounds[0] + 1e-6, old.bounds[1] + 1e-6)
    assert "P2" not in set(
        pyogrio.read_dataframe(store.path, layer="parcels", bbox=old_only)["code"]
    )
    assert pyogrio.read_info(store.path, layer="parcels")["features"] == len(parcels)


def test_added_and_removed_rows_keep_gdal_counts_and_index(store):
    parcels = store.read("parcels")
    extra = parcels[parcels["code"] == "P4"].copy()
    extra["code"] = "P5"
    extra["geometry"] = extra.geometry.translate(0.02, 0)
    kept = gpd.GeoDataFrame(
        __import__("pandas").concat([parcels[parcels["code"] != "P3"], extra]), crs=parcels.crs
    )
    store.write({"parcels": kept})
    assert sorted(store.read("parcels")["code"]) == ["P1", "P2", "P4", "P5"]
    assert pyogrio.read_info(store.path, layer="parcels")["features"] == 4
    with sqlite3.connect(store.path) as con:
        assert con.execute("SELECT count(*) FROM rtree_parcels_geom").fetchone() == (4,)
    assert rtree(store.path, "P5")[0] == pytest.approx(extra.geometry.iloc[0].bounds[0])


_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import date
    sys.path.insert(0, {root!r})
    from gis.parcels import lifecycle
    from gis.auth.access import Actor
    from gis.store import ParkStore, gpkg_sql

    applied = []
    real = gpkg_sql.apply_delta
    def apply_then_die(con, delta):
        real(con, delta)
        applied.append(delta.spec.name)
        if len(applied) == 2:  # parcels and events written, the meta not yet: die
            os.kill(os.getpid(), signal.SIGKILL)
    gpkg_sql.apply_delta = apply_then_die
    store = ParkStore({path!r})
    lifecycle.record_changes(
        store,
        [lifecycle.StatusChange(code="P2", field="sale_status", new_status="BANKED",
                                effective_date=date(2021, 5, 1))],
        expected_versions={{"P2": 1}},
        today=date(2021, 6, 30),
        actor=Actor("killed", "editor"),
    )
    """
)


def test_a_writer_killed_mid_transaction_leaves_the_store_as_before(store):
    before = digest(store)
    script = _KILLER.format(root=str(Path(__file__).parents[1]), path=str(store.path))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == -9, done.stderr.decode()[-2000:]
    reopened = ParkStore.open(store.path)
    assert digest(reopened) == before
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # and the next write goes through
    assert change_status(reopened, "P2") == 2


def test_a_store_whose_number_columns_were_made_as_text_is_retyped_on_open(tmp_path):
    # An empty store made by an older version: GDAL declared empty columns as TEXT.
    store = ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)
    con = gpkg_sql.write_connection(store.path)  # the R-tree triggers' functions
    con.execute('ALTER TABLE parcels ADD COLUMN "far_min_text" TEXT')
    con.execute("UPDATE parcels SET far_min_text = CAST(far_min AS TEXT)")
    con.execute('ALTER TABLE parcels DROP COLUMN "far_min"')
    con.execute('ALTER TABLE parcels RENAME COLUMN "far_min_text" TO "far_min"')
    con.close()
    expected = sorted(tiny_park()["parcels"]["far_min"].dropna())
    reopened = ParkStore.open(store.path)
    with sqlite3.connect(store.path) as con:
        declared = {r[1]: r[2] for r in con.execute("PRAGMA table_info(parcels)")}
    assert declared["far_min"] == "REAL"
    values = reopened.read("parcels")["far_min"].dropna()
    assert sorted(values) == expected and all(isinstance(v, float) for v in values)
    change_status(reopened, "P2")
    assert reopened.read("parcels")["far_min"].dtype.kind == "f"


def test_copy_between_stores_is_checked_identical(store, tmp_path, capsys):
    change_status(store, "P2")
    target = tmp_path / "copy.gpkg"
    assert cli_main(["copy", str(store.path), str(target)]) == 0
    out = capsys.readouterr().out
    assert "核对一致" in out and str(target) in out
    copied = ParkStore.open(target)
    assert store_differences(store, copied) == []
    assert digest(copied) == digest(store)
    # a different park is told apart, and an existing target is never overwritten
    change_status(copied, "P3", "SOLD")
    assert store_differences(store, copied) == [
        "parcels: ~1",
        "status_events: +1",
        "park_audit: +1",  # the status change's audit row (#13)
        "park_meta: data_version",
    ]
    assert cli_main(["copy", str(store.path), str(target)]) == 1
    assert "已存在" in capsys.readouterr().err
    with pytest.raises(Exception, match="store_exists"):
        copy_store(store.path, target)
