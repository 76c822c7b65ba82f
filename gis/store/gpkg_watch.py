"""What one process knows of a GeoPackage file, shared by all its threads.

Streamlit runs every script run on a new thread, and every visitor has a store object of
their own, so caches kept per thread or per object were empty on every run: each warm page
run read the meta table again, checked the file again and counted the sample rows again
(~35 ms a run at 50,000 parcels, #15). Here one reading connection per file and process
answers "has anything been committed since?" (SQLite's ``PRAGMA data_version``, which
changes with any other connection's commit: the app's own writers, QGIS, ogr2ogr), and
what was derived from the file is kept until it has.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: Files watched at once per process; the oldest is let go (the test suite opens hundreds).
MAX_FILES = 8

#: What changes with any change committed to a file: its inode (a file put in its place),
#: SQLite's data_version and schema_version. ``(None,)`` when the file cannot be read.
Stamp = tuple


class FileWatch:
    """One file's change stamp and the values derived from it at a stamp."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._reader: sqlite3.Connection | None = None
        self._inode: int | None = None
        self._known: dict[str, tuple[Stamp, object]] = {}

    def stamp(self) -> Stamp:
        """The file's stamp now. (Never open() the file itself: closing it would drop the
        POSIX locks SQLite holds on it in this process.)"""
        try:
            inode = self.path.stat().st_ino
        except OSError:
            return (None,)
        with self._lock:
            if self._reader is None or self._inode != inode:
                self._close()
                # Shared by the threads, one at a time (the lock).
                self._reader = sqlite3.connect(
                    f"file:{self.path}?mode=ro", uri=True, timeout=30, check_same_thread=False
                )
                self._inode = inode
            try:
                changes = self._reader.execute("PRAGMA data_version").fetchone()[0]
                layout = self._reader.execute("PRAGMA schema_version").fetchone()[0]
            except sqlite3.Error:
                return (inode, None)
        return (inode, changes, layout)

    def derived(self, name: str, stamp: Stamp, compute: Callable[[], T]) -> T:
        """``compute()``'s value, kept under ``name`` while the file's stamp is ``stamp``
        (take the stamp before reading: a change committed meanwhile only costs a second
        computation). Not kept when the stamp is incomplete (the file was unreadable)."""
        with self._lock:
            known = self._known.get(name)
        if known is not None and known[0] == stamp:
            return known[1]  # type: ignore[return-value]
        value = compute()
        if None not in stamp:
            with self._lock:
                self._known[name] = (stamp, value)
        return value

    def kept(self, name: str, compute: Callable[[], T]) -> T:
        """:meth:`derived` at the file's stamp now."""
        return self.derived(name, self.stamp(), compute)

    def last(self, name: str) -> tuple[Stamp, object] | None:
        """The stamp and value last kept under ``name``, whatever the stamp now."""
        with self._lock:
            return self._known.get(name)

    def close(self) -> None:
        with self._lock:
            self._close()
            self._known.clear()

    def _close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._reader, self._inode = None, None


_WATCHES: OrderedDict[str, FileWatch] = OrderedDict()
_WATCHES_LOCK = threading.Lock()


def watch(path: Path) -> FileWatch:
    """The process's watch of the file at ``path`` (most recently used kept)."""
    key = os.path.abspath(path)
    with _WATCHES_LOCK:
        found = _WATCHES.pop(key, None) or FileWatch(Path(key))
        _WATCHES[key] = found
        while len(_WATCHES) > MAX_FILES:
            _, oldest = _WATCHES.popitem(last=False)
            oldest.close()
    return found
