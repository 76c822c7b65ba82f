"""Work done in the background before a visitor asks for it (#15).

The meeting page steps between saved views; at 50,000 parcels a view with another
colouring or date needs its map built (~0.7 s) and its key figures replayed to its date
(~3 s). While the presenter speaks to one view, the page asks for the others' here, and a
step finds them made. Each piece of work goes to Streamlit's caches, as the page's own
call would: a visitor who arrives while it runs waits for it, never for it twice.

Outside any script run (like :mod:`ui.warmup`): the work must take everything it needs
as arguments, not from ``st.session_state``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Iterable

_LOG = logging.getLogger(__name__)

#: Keys of the work asked for; a key asked for again is skipped.
_asked: set[Hashable] = set()
_threads: list[threading.Thread] = []
_lock = threading.Lock()
#: Beyond this many keys the oldest data versions' keys are long gone: start afresh.
MAX_KEYS = 1000


def ahead(jobs: Iterable[tuple[Hashable, Callable[[], object]]]) -> None:
    """Run each ``(key, work)`` not asked for before, one after the other, in a thread.
    ``key`` must say everything ``work`` depends on (data version, date, language...)."""
    with _lock:
        if len(_asked) > MAX_KEYS:
            _asked.clear()
        todo = []
        for key, work in jobs:
            if key not in _asked:
                _asked.add(key)
                todo.append((key, work))
        if not todo:
            return
        _threads[:] = [t for t in _threads if t.is_alive()]
        thread = threading.Thread(target=_run, args=(todo,), name="park-ahead", daemon=True)
        _threads.append(thread)
        thread.start()


def done(timeout: float | None = None) -> bool:
    """Wait for the work asked for so far (tests, benchmarks); True once it has all run."""
    with _lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(timeout)
    return not any(t.is_alive() for t in threads)


def _run(todo: list[tuple[Hashable, Callable[[], object]]]) -> None:
    for key, work in todo:
        try:
            work()
        except Exception:  # the page does the work itself when shown, and says what is wrong
            _LOG.exception("work ahead failed: %s", key)
            with _lock:
                _asked.discard(key)
