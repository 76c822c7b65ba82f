"""Python's cyclic garbage collector, paused while long-lived data is built in bulk (#15).

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
from collections.abc import Iterator


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
