"""What a server process keeps of a GeoPackage store between page runs (#15,
``gis.store.gpkg_watch``): worked out once for every thread and session, and again after
any change committed to the file, by the app or by another program."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading

import pytest

from gis._errors import StoreError
from gis.store import ParkStore, gpkg_sql, gpkg_watch
from gis.store.gpkg import GpkgStore
from tests.tiny_park import tiny_park


@pytest.fixture
def path(tmp_path):
    store_path = tmp_path / "park.gpkg"
    ParkStore.open(store_path, create=tiny_park, meta={"sample": "true", "park_name": "甲"})
    gpkg_watch.watch(store_path).close()  # as in a server process that has just started
    return store_path


def on_new_thread(work):
    """``work()`` on a thread of its own, as Streamlit runs each page run."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(work()))
    thread.start()
    thread.join(timeout=60)
    return result[0]


@pytest.fixture
def counted(monkeypatch):
    """Counts of the reads behind meta(), check() and sample_rows()."""
    calls = {"meta": 0, "check": 0, "sample": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(GpkgStore, "_read_meta", counting("meta", GpkgStore._read_meta))
    monkeypatch.setattr(GpkgStore, "_check_contents", counting("check", GpkgStore._check_contents))
    monkeypatch.setattr(
        gpkg_sql, "sample_row_counts", counting("sample", gpkg_sql.sample_row_counts)
    )
    return calls


def page_run(path) -> tuple:
    """What every page run asks of the store, through a store object of its own (a new
    session) on a thread of its own."""

    def run():
        store = ParkStore(path)
        store.check()
        return store.data_version(), store.meta()["park_name"], store.is_sample()

    return on_new_thread(run)


def test_runs_on_new_threads_and_sessions_read_nothing_again(path, counted):
    first = page_run(path)
    assert first[1:] == ("甲", True)
    after_first = dict(counted)
    assert after_first == {"meta": 1, "check": 1, "sample": 1}
    for _ in range(3):
        assert page_run(path) == first
    assert counted == after_first


def test_a_commit_by_another_program_is_seen_by_every_thread(path, counted):
    version = page_run(path)[0]
    con = sqlite3.connect(path)
    con.execute("UPDATE park_meta SET value = '乙' WHERE key = 'park_name'")
    con.execute("UPDATE status_events SET note = 'QGIS' WHERE event_id = 1")  # a trigger
    con.commit()
    con.close()
    assert page_run(path)[:2] == (version + 1, "乙")
    assert counted["meta"] == 2 and counted["check"] == 2 and counted["sample"] == 2


def test_the_apps_own_write_is_seen(path):
    store = ParkStore(path)
    before = page_run(path)
    store.remove_sample(expected_version=before[0])
    after = page_run(path)
    assert after[0] > before[0] and after[2] is False


def test_a_file_put_in_the_stores_place_is_seen(path, tmp_path):
    page_run(path)
    other = tmp_path / "other.gpkg"
    ParkStore.open(other, create=tiny_park, meta={"park_name": "丙"})
    staged = tmp_path / "staged.gpkg"
    shutil.copyfile(other, staged)
    os.replace(staged, path)
    assert page_run(path)[1:] == ("丙", False)
    con = sqlite3.connect(path)  # and the new file's own changes after it
    con.execute("UPDATE park_meta SET value = '丁' WHERE key = 'park_name'")
    con.commit()
    con.close()
    assert page_run(path)[1] == "丁"


def test_a_failed_check_is_not_kept(path):
    page_run(path)
    con = sqlite3.connect(path)
    con.execute("UPDATE park_meta SET value = 'someone-else' WHERE key = 'app'")
    con.commit()
    with pytest.raises(StoreError, match="store_foreign"):
        ParkStore(path).check()
    with pytest.raises(StoreError, match="store_foreign"):  # asked again: checked again
        ParkStore(path).check()
    con.execute("UPDATE park_meta SET value = 'park-one-map' WHERE key = 'app'")
    con.commit()
    con.close()
    ParkStore(path).check()


def test_only_the_most_recent_files_are_watched(tmp_path):
    paths = [tmp_path / f"{i}.gpkg" for i in range(gpkg_watch.MAX_FILES + 1)]
    for p in paths:
        ParkStore.open(p, create=tiny_park)
    for p in paths:
        ParkStore(p).data_version()
    watched = {os.path.basename(k) for k in gpkg_watch._WATCHES if k.startswith(str(tmp_path))}
    assert watched == {p.name for p in paths[1:]}
    assert ParkStore(paths[0]).meta()["app"] == "park-one-map"  # watched again when asked


def test_derived_is_not_kept_for_an_unreadable_file(tmp_path):
    watch = gpkg_watch.watch(tmp_path / "missing.gpkg")
    stamp = watch.stamp()
    assert stamp == (None,)
    values = iter([1, 2])
    assert watch.derived("x", stamp, lambda: next(values)) == 1
    assert watch.derived("x", stamp, lambda: next(values)) == 2
