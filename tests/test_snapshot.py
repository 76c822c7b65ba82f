"""Snapshots of the store's layers on disk (gis/store/snapshot.py, #15): what comes back is
exactly what the store holds, a write makes a new snapshot, and a damaged or switched-off
cache never stands between a page and its data."""

from __future__ import annotations

import shutil
import stat
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from gis import schema
from gis.parcels import history
from gis.store import ParkStore, snapshot

AS_OF = date(2021, 6, 30)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(snapshot.ENV_VAR, str(folder))
    return folder


@pytest.fixture
def store(sample_store_path: Path, tmp_path: Path) -> ParkStore:
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    return ParkStore.open(path)


def snapshots(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def read(store: ParkStore) -> dict:
    frames = snapshot.read_all(store)
    snapshot.wait_for_saves()
    return frames


def assert_same_frames(got: dict, expected: dict) -> None:
    assert list(got) == list(expected)
    for name, frame in expected.items():
        assert type(got[name]) is type(frame), name
        pd.testing.assert_frame_equal(got[name], frame, check_exact=True)
        if isinstance(frame, gpd.GeoDataFrame):
            assert got[name].crs == frame.crs, name


def test_a_snapshot_holds_exactly_what_the_store_holds(store, cache, monkeypatch):
    expected = store.read_all()
    first = read(store)
    assert_same_frames(first, expected)
    assert len(snapshots(cache)) == 1
    # The second read comes from the files: the store is not read again.
    monkeypatch.setattr(type(store), "read_all", lambda self: pytest.fail("store read"))
    assert_same_frames(read(store), expected)
    assert len(expected["parcels"]) > 100  # the sample park, not an empty store


def test_a_write_makes_a_new_snapshot(store, cache):
    read(store)
    old = snapshots(cache)
    events = store.read(schema.STATUS_EVENTS.name)
    code = events["parcel_code"].iloc[0]
    store.write({"parcels": _renamed(store.read("parcels"), code, "改过的名字")})
    frames = read(store)
    named = frames["parcels"].set_index("code").loc[code, "name"]
    assert named == "改过的名字"
    assert len(snapshots(cache)) == 2 and old[0] in snapshots(cache)


def _renamed(parcels: pd.DataFrame, code: str, name: str) -> pd.DataFrame:
    parcels = parcels.copy()
    parcels.loc[parcels["code"] == code, "name"] = name
    return parcels


def test_nothing_is_kept_when_the_data_changed_while_it_was_read(store, cache, monkeypatch):
    real_meta = type(store).meta
    calls = {"n": 0}

    def meta_moving(self):  # another writer commits between the two looks at the meta
        calls["n"] += 1
        meta = dict(real_meta(self))
        meta["data_version"] = str(int(meta["data_version"]) + calls["n"])
        return meta

    monkeypatch.setattr(type(store), "meta", meta_moving)
    read(store)
    assert not cache.exists() or snapshots(cache) == []


def test_a_damaged_snapshot_is_dropped_and_the_store_read(store, cache):
    expected = store.read_all()
    read(store)
    (folder,) = snapshots(cache)
    parcels_file = sorted(folder.glob("*.arrow"))[2]  # parcels: the third layer
    parcels_file.write_bytes(parcels_file.read_bytes()[:100])
    assert_same_frames(read(store), expected)
    # Dropped, then written again whole by that read.
    (again,) = snapshots(cache)
    assert (again / parcels_file.name).stat().st_size > 1000
    assert_same_frames(read(store), expected)


def test_switched_off_writes_nothing(store, tmp_path, monkeypatch):
    monkeypatch.setenv(snapshot.ENV_VAR, "off")
    assert_same_frames(read(store), store.read_all())
    assert snapshot.cache_dir(store) is None
    assert not (store.path.parent / ".park-cache").exists()


def test_the_default_folder_is_beside_the_geopackage_and_private(store, monkeypatch):
    monkeypatch.delenv(snapshot.ENV_VAR, raising=False)
    read(store)
    folder = store.path.parent / ".park-cache"
    assert snapshots(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_two_stores_never_share_a_snapshot(store, cache, tmp_path):
    other_path = tmp_path / "other.gpkg"
    shutil.copyfile(store.path, other_path)  # same meta, same version, another file
    other = ParkStore.open(other_path)
    other.write(
        {"parcels": _renamed(other.read("parcels"), other.read("parcels")["code"].iloc[0], "乙")}
    )
    read(store)
    read(other)
    assert len(snapshots(cache)) == 2
    assert "乙" not in set(read(store)["parcels"]["name"])
    assert "乙" in set(read(other)["parcels"]["name"])


def test_the_replay_is_kept_per_date(store, cache, monkeypatch):
    frames = read(store)
    replay = history.statuses_as_of
    expected = replay(frames["parcels"], frames["status_events"], AS_OF)

    def as_of(day):
        layer = snapshot.derived_layer(
            frames,
            ("as_of", day.isoformat()),
            lambda: replay(frames["parcels"], frames["status_events"], day),
        )
        snapshot.wait_for_saves()
        return layer

    pd.testing.assert_frame_equal(as_of(AS_OF), expected, check_exact=True)
    monkeypatch.setattr(history, "statuses_as_of", lambda *a: pytest.fail("replayed"))
    kept = snapshot.derived_layer(frames, ("as_of", AS_OF.isoformat()), lambda: pytest.fail())
    pd.testing.assert_frame_equal(kept, expected, check_exact=True)
    # The text columns the replay makes are Python objects again, missing ones None.
    text_columns = [c for c in expected.columns if pd.api.types.is_object_dtype(expected[c])]
    assert text_columns  # the statuses, as the replay makes them
    for column in text_columns:
        assert pd.api.types.is_object_dtype(kept[column])
        assert kept[column].isna().tolist() == [v is None for v in kept[column]]
    monkeypatch.setattr(history, "statuses_as_of", replay)
    assert len(as_of(date(2020, 1, 1))) < len(expected)  # another date: computed, not reused
    assert len(snapshots(cache)) == 3


def test_frames_not_read_through_it_are_computed_every_time(store, cache):
    frames = store.read_all()
    calls = []
    for _ in range(2):
        snapshot.derived_layer(frames, ("x",), lambda: calls.append(1) or frames["parcels"])
    snapshot.wait_for_saves()
    assert len(calls) == 2
    assert not cache.exists()
    # A dict made from read_all's, with another layer in it, is another input too.
    read_frames = read(store)
    changed = {**read_frames, "status_events": read_frames["status_events"].iloc[0:0]}
    for _ in range(2):
        snapshot.derived_layer(changed, ("x",), lambda: calls.append(1) or frames["parcels"])
    snapshot.wait_for_saves()
    assert len(calls) == 4
    assert len(snapshots(cache)) == 1  # the layers' snapshot only


def test_old_snapshots_are_pruned(tmp_path, cache):
    frame = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4490")
    for index in range(snapshot.KEEP + 3):
        snapshot._save(cache, f"key{index:02d}", {"parcels": frame})
    kept = [p.name for p in snapshots(cache)]
    assert len(kept) == snapshot.KEEP
    assert "key00" not in kept and f"key{snapshot.KEEP + 2:02d}" in kept


def test_an_unwritable_folder_is_no_error(store, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(snapshot.ENV_VAR, str(blocker / "cache"))
    assert_same_frames(read(store), store.read_all())
