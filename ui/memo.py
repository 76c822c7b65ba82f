"""Results derived from the cached frames, kept while those frames are current.

:func:`ui.shell.frames` hands out one dict per data version (the same object on every
rerun), so what is computed from it — statuses as of a date, the deadline table — need
not be computed again until the data changes. Entries hold their frames dict, so its id
cannot be reused by another dict while the entry lives. Like the frames, results are
shared by every session: callers must not modify them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

#: Entries kept: a few as-of dates and options per page, for the current data version.
MAX_ENTRIES = 32

_entries: OrderedDict[tuple[int, Hashable], tuple[dict, Any]] = OrderedDict()
_lock = threading.Lock()
#: One lock per slot being computed: a second caller waits for the first one's result
#: (the server's warm-up and the first visitor, ui.warmup) instead of computing it again.
_computing: dict[tuple[int, Hashable], threading.Lock] = {}


def derived(frames: dict, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, computed once per ``frames`` object and ``key`` (least recently used
    entries dropped beyond :data:`MAX_ENTRIES`). ``key`` names what is computed and its
    options, e.g. ``("as_of", date)``."""
    slot = (id(frames), key)
    found = _lookup(slot, frames)
    if found is not None:
        return found[0]
    with _lock:
        slot_lock = _computing.setdefault(slot, threading.Lock())
    with slot_lock:  # not the global lock: another session may compute something else
        found = _lookup(slot, frames)
        if found is not None:
            return found[0]
        try:
            value = compute()
            with _lock:  # stored before the slot's lock is dropped: no caller computes again
                _entries[slot] = (frames, value)
                _entries.move_to_end(slot)
                while len(_entries) > MAX_ENTRIES:
                    _entries.popitem(last=False)
        finally:
            with _lock:
                _computing.pop(slot, None)
    return value


def _lookup(slot: tuple[int, Hashable], frames: dict) -> tuple[Any] | None:
    """(value,) when ``slot`` holds a result for this very ``frames`` object."""
    with _lock:
        found = _entries.get(slot)
        if found is not None and found[0] is frames:
            _entries.move_to_end(slot)
            return (found[1],)
    return None
