"""Python's collector paused while long-lived data is built in bulk (gis.collector, #15)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gis import collector
from gis.store import ParkStore


@pytest.fixture(autouse=True)
def _collector_running():
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_running_after():
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_running_again_after_an_error():
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("read failed")
    assert gc.isenabled()


def test_left_off_when_it_was_off():
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_two_threads_leave_it_running():
    inner_started, outer_done = threading.Event(), threading.Event()

    def inner() -> None:
        with collector.paused():
            inner_started.set()
            outer_done.wait(5)

    with collector.paused():
        thread = threading.Thread(target=inner)
        thread.start()
        inner_started.wait(5)
    outer_done.set()
    thread.join(5)
    assert gc.isenabled()


def test_store_read_leaves_it_running(sample_store_path):
    frames = ParkStore(sample_store_path).read_all()
    assert len(frames["parcels"]) > 0
    assert gc.isenabled()


@pytest.mark.parametrize(("chosen", "expected"), [("", "system"), ("jemalloc", "jemalloc")])
def test_arrow_memory_from_the_system_allocator_unless_chosen(chosen: str, expected: str):
    """pyarrow's mimalloc made a server's first replay ~0.5 s slower (#15); an
    administrator's explicit choice stays. In a fresh interpreter: the pool is per process."""
    probe = (
        "import pyarrow as pa\n"
        "before = pa.default_memory_pool().backend_name\n"
        "from gis import collector\n"
        "collector.use_system_arrow_memory()\n"
        "print(before, pa.default_memory_pool().backend_name)\n"
    )
    env = {**os.environ, "ARROW_DEFAULT_MEMORY_POOL": chosen}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr
    before, after = done.stdout.split()
    assert before == (chosen or "mimalloc")  # pyarrow's own default, which this replaces
    assert after == expected
