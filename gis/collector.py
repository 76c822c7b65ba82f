"""Memory for bulk work (#15): Python's cyclic garbage collector paused while long-lived
data is built in bulk, and where Arrow takes its memory from.

A district's store arrives as a million fresh objects (a tuple per row, a value per cell)
that all stay alive. Every few hundred new objects Python runs a collection, and often
enough a full one that walks every object of the process again; in the server (whose heap
holds Streamlit, the maps and the caches) each full collection took 0.1–0.4 s. Reading
the 50,000-parcel store took 1.7 s with them and 1.3 s without. Nothing is lost by pausing:
reference counting frees memory meanwhile as always, and collections resume afterwards.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator

import pyarrow as pa


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector as it was afterwards. Nested or
    overlapping uses (two threads) leave it running once the first user is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def use_system_arrow_memory() -> None:
    """Arrow's buffers (pandas' text columns, the replay's arrays) from the C library's
    allocator instead of pyarrow's default, mimalloc, for the rest of the process. On the
    development machine (a 2-core virtual machine) mimalloc's first allocations in a
    process were slow: the as-of replay at 50,000 parcels took 1.4–1.8 s on a server's
    first run instead of 0.8–1.0 s, and a cold first paint 6.0 s instead of 4.0 s
    (medians of five interleaved starts). The server calls this as it starts
    (``scripts/serve.py``); an administrator's ``ARROW_DEFAULT_MEMORY_POOL`` is kept."""
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pa.set_memory_pool(pa.system_memory_pool())
