"""The server's warm-up (#15, ``ui.warmup``): the first visitor after a start finds the 一张图,
地块查询 and 会议 pages' work done, and a warm-up that fails never stops anything."""

from __future__ import annotations

import gc
import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gis.meeting import pack
from gis.parcels import changes as parcel_changes
from tests.apptest_kit import assert_no_exception, counting, signed_in
from ui import ahead, mapview, memo, parcel_state, warmup

ROOT = Path(__file__).resolve().parents[1]
RUN_TIMEOUT = 120


@pytest.fixture
def cold_caches():
    """Every cache empty, as in a server that has just started (and after the test)."""
    st.cache_resource.clear()
    st.cache_data.clear()
    memo._entries.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()
    memo._entries.clear()


def in_own_thread(work) -> object:
    """``work()`` in a new thread, as the server runs the warm-up: outside any script run
    (a thread that ran an AppTest script keeps its script context)."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(work()))
    thread.start()
    thread.join(timeout=RUN_TIMEOUT)
    return result[0]


def test_first_visit_after_warm_up_builds_nothing(store_copy, cold_caches, monkeypatch):
    assert in_own_thread(warmup.data) is True
    assert in_own_thread(warmup.first_map) is True
    assert in_own_thread(warmup.views) is True
    maps = counting(monkeypatch, mapview, "build_park_map")
    indexes = counting(monkeypatch, parcel_state, "ParcelIndex")
    at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=RUN_TIMEOUT))
    summaries = counting(monkeypatch, mapview, "status_summary")
    at.run()
    assert_no_exception(at)
    assert maps == []  # the 一张图 page's map came from the warm-up
    assert summaries == []  # and so did its summary below the map
    at.switch_page("pages/views/parcels.py").run()
    assert_no_exception(at)
    assert (maps, indexes) == ([], [])  # so did the 地块查询 page's map and search index
    meeting_work = _counting_meeting_work(monkeypatch)
    at.switch_page(MEETING).run()
    assert_no_exception(at)
    assert maps == []  # and the 会议 page's map, its key figures and the changes listed
    assert meeting_work == {"figures": [], "changes": []}


def test_without_warm_up_the_first_visit_builds_its_map(store_copy, cold_caches, monkeypatch):
    """The checks above can fail: with cold caches each page does the work itself."""
    maps = counting(monkeypatch, mapview, "build_park_map")
    summaries = counting(monkeypatch, mapview, "status_summary")
    at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=RUN_TIMEOUT))
    at.run()
    assert_no_exception(at)
    assert maps == ["build_park_map"]
    assert summaries == ["status_summary"]
    meeting_work = _counting_meeting_work(monkeypatch)
    at.switch_page(MEETING).run()
    assert_no_exception(at)
    assert maps == ["build_park_map"] * 3  # the view's map, the changes' map
    assert meeting_work == {"figures": ["key_figures"], "changes": ["changes_since"]}


MEETING = "pages/views/meeting.py"


def _counting_meeting_work(monkeypatch) -> dict[str, list]:
    """Count the 会议 page's own work: the other saved views' work ahead is left out."""
    monkeypatch.setattr(ahead, "ahead", lambda jobs: None)
    return {
        "figures": counting(monkeypatch, pack, "key_figures"),
        "changes": counting(monkeypatch, parcel_changes, "changes_since"),
    }


def test_warm_up_ends_with_a_full_collection():
    generations: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(seen)  # the interpreter's own list: replacing it is not seen
    try:
        warmup.settle()
    finally:
        gc.callbacks.remove(seen)
    assert 2 in generations  # the oldest generation: every object


def test_warm_up_does_streamlits_first_time_work():
    """In a fresh interpreter, as in a new server: before, neither the emoji table is loaded
    nor the interactive-interpreter check made (a visitor's first run would do both)."""
    probe = (
        "import sys\n"
        "from streamlit import delta_generator\n"
        "from ui import warmup\n"
        "before = ('streamlit.emojis' in sys.modules,"
        " delta_generator._use_warning_has_been_displayed)\n"
        "warmup.streamlit_once()\n"
        "after = ('streamlit.emojis' in sys.modules,"
        " delta_generator._use_warning_has_been_displayed)\n"
        "print(before, after)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "(False, False) (True, True)"


def test_warm_up_of_a_broken_store_is_logged_not_raised(tmp_path, cold_caches, monkeypatch, caplog):
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(b"not a geopackage at all")
    monkeypatch.setenv("PARK_DB", str(broken))
    with caplog.at_level(logging.ERROR, logger="ui.warmup"):
        assert in_own_thread(warmup.data) is False
        assert in_own_thread(warmup.first_map) is False
        assert in_own_thread(warmup.views) is False
    assert [r.message for r in caplog.records] == [
        "warm-up (data) failed",
        "warm-up (map) failed",
        "warm-up (views) failed",
    ]
    assert broken.read_bytes() == b"not a geopackage at all"  # nothing written to it
