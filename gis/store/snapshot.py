"""Snapshots of the store's layers on local disk: a restarted server reads a district in a
fraction of a second (#15).

A server's first visitor after a restart waited for the whole store to be read (0.9 s for
50,000 parcels on an idle 2-core machine, 3.5 s while the server and the browser start
beside it) and for the statuses to be replayed to the as-of date (0.8 s, 1.2 s). Both are
the same on every start until the data changes. So :func:`read_all` keeps what it read in
Arrow files (a few tenths of a second to load) under a key that names exactly what they
hold: the store's location, its whole ``park_meta`` (the data version raised by every write,
in the app or in QGIS; the creation time, so another park at the same path never matches),
the schema, and this code and its libraries (a reader that changes makes new snapshots).
:func:`derived_layer` does the same for one layer computed from those (the replay).

A snapshot is written only when the data version did not move while the store was read,
into a temporary folder renamed into place: a reader sees a whole snapshot or none. One
that cannot be read is deleted and the store is read instead; one that cannot be written
is logged and skipped. Nothing here is ever the only copy of anything: the folder may be
deleted at any time. Where it lives: ``PARK_CACHE_DIR`` (``off`` for no snapshots), else
``.park-cache/`` beside a GeoPackage, ``data/.park-cache/`` for PostGIS. Only the layers of
:data:`gis.schema.LAYERS` are kept (never accounts, sessions or the audit trail); the
folder is created readable by its owner only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Hashable, Mapping
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from gis import collector
from gis.store.base import Frame, ParkStore

_LOG = logging.getLogger(__name__)

ENV_VAR = "PARK_CACHE_DIR"
OFF = "off"
#: Snapshots kept per folder, least recently used dropped first: the layers and a few
#: as-of dates of the current data version, and the previous version's while it goes.
KEEP = 8
#: Raised when the files' layout changes.
FORMAT = 1
_MANIFEST = "manifest.json"
_TEMP_PREFIX = ".tmp-"
_STALE_TEMP_S = 3600
_LIBRARIES = ("pandas", "geopandas", "pyarrow", "shapely", "numpy")

_saving: list[threading.Thread] = []
_saving_lock = threading.Lock()

#: The key, folder and dict id of each frames dict :func:`read_all` handed out, by the id
#: of its parcels frame (a dict cannot be weakly referenced; the entry goes with that frame).
_snapshots: dict[int, tuple[str, Path, int]] = {}


def cache_dir(store: ParkStore) -> Path | None:
    """Where ``store``'s snapshots go, or None when switched off."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured.lower() == OFF:
        return None
    if configured:
        return Path(configured)
    file = _file(store)
    return (file.parent if file else Path("data")) / ".park-cache"


def read_all(store: ParkStore) -> dict[str, Frame]:
    """Every layer of ``store`` (as :meth:`ParkStore.read_all`), from a snapshot when one
    holds its current data."""
    directory = cache_dir(store)
    if directory is None:
        return store.read_all()
    meta = store.meta()
    key = _key("layers", _identity(store), sorted(meta.items()))
    frames = _load(directory, key)
    if frames is None:
        frames = store.read_all()
        if store.meta() == meta:  # nothing written meanwhile: the frames are this version
            _save_later(directory, key, frames)
    _remember(frames, key, directory)
    return frames


def derived_layer(
    frames: Mapping[str, Frame], name: Hashable, compute: Callable[[], Frame]
) -> Frame:
    """``compute()``, a layer computed from ``frames`` alone (``name`` says what and with
    which options, e.g. ``("as_of", "2021-06-30")``), kept beside the snapshot of
    ``frames`` when they are the very dict :func:`read_all` returned; computed as is
    otherwise (a dict made from it, with some layers changed, is another input)."""
    found_base = _snapshots.get(id(frames.get("parcels")))
    if found_base is None or found_base[2] != id(frames):
        return compute()
    base, directory, _ = found_base
    key = _key("derived", base, repr(name))
    found = _load(directory, key)
    if found is not None:
        return found["layer"]
    layer = compute()
    _save_later(directory, key, {"layer": layer})
    return layer


# ----------------------------------------------------------------- keys
def _key(*parts: object) -> str:
    text = json.dumps([FORMAT, _code_fingerprint(), *parts], default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


@cache
def _code_fingerprint() -> str:
    """This package's source and the libraries' versions: what decides the frames' form."""
    import importlib.metadata

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    for library in _LIBRARIES:
        digest.update(f"{library}={importlib.metadata.version(library)}".encode())
    return digest.hexdigest()


def _identity(store: ParkStore) -> str:
    file = _file(store)
    return f"{store.backend}:{file or store.location}"


def _file(store: ParkStore) -> Path | None:
    """A GeoPackage store's file, resolved; None for a database (its ``path`` is a URL)."""
    path = getattr(store, "path", None)
    return path.resolve() if isinstance(path, Path) else None


def _remember(frames: dict[str, Frame], key: str, directory: Path) -> None:
    parcels = frames.get("parcels")
    if parcels is not None:
        _snapshots[id(parcels)] = (key, directory, id(frames))
        weakref.finalize(parcels, _snapshots.pop, id(parcels), None)


# ----------------------------------------------------------------- files
def _load(directory: Path, key: str) -> dict[str, Frame] | None:
    folder = directory / key
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # no snapshot (or a damaged one: written again below)
    try:
        with collector.paused():
            frames = {
                name: _as_saved(
                    (gpd.read_feather if kind == "geo" else pd.read_feather)(
                        folder / f"{index}.arrow"
                    ),
                    object_columns,
                )
                for index, (name, kind, object_columns) in enumerate(manifest["layers"])
            }
        os.utime(folder)  # recently used: pruned last
    except Exception:  # a damaged snapshot is never worse than none
        _LOG.warning("snapshot %s unreadable; reading the store", folder, exc_info=True)
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return frames


def _as_saved(frame: Frame, object_columns: list[str]) -> Frame:
    """Text columns that were Python objects (as the replay makes them) as objects again:
    Arrow brings text back as pandas' ``str`` type. Missing values come back as None."""
    for column in object_columns:
        if column in frame.columns and not pd.api.types.is_object_dtype(frame[column]):
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame


def _save_later(directory: Path, key: str, frames: Mapping[str, Frame]) -> None:
    """:func:`_save` in a thread of its own: whoever asked for the frames has them now
    and does not wait for the files (the frames are never modified: see ui.shell). Not a
    daemon: a process that exits meanwhile finishes the snapshot first."""
    thread = threading.Thread(
        target=_save, args=(directory, key, dict(frames)), name="park-snapshot", daemon=False
    )
    with _saving_lock:
        _saving.append(thread)
    thread.start()


def wait_for_saves(timeout: float | None = None) -> None:
    """Until the snapshots being written are on disk (for the tests: the server never
    waits for them)."""
    with _saving_lock:
        threads, _saving[:] = list(_saving), []
    for thread in threads:
        thread.join(timeout)


def _save(directory: Path, key: str, frames: Mapping[str, Frame]) -> None:
    folder = directory / key
    temp = directory / f"{_TEMP_PREFIX}{uuid.uuid4().hex}"
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp.mkdir(mode=0o700)
        layers = []
        for index, (name, frame) in enumerate(frames.items()):
            frame.to_feather(temp / f"{index}.arrow")
            kind = "geo" if isinstance(frame, gpd.GeoDataFrame) else "plain"
            object_columns = [c for c in frame.columns if pd.api.types.is_object_dtype(frame[c])]
            layers.append((name, kind, object_columns))
        (temp / _MANIFEST).write_text(json.dumps({"layers": layers}), encoding="utf-8")
        try:
            temp.rename(folder)
        except OSError:  # another process saved the same snapshot first
            shutil.rmtree(temp, ignore_errors=True)
        _prune(directory)
    except Exception:  # the snapshot is a convenience: the page goes on without it
        _LOG.warning("snapshot %s not written", folder, exc_info=True)
        shutil.rmtree(temp, ignore_errors=True)


def _prune(directory: Path) -> None:
    """Keep the :data:`KEEP` most recently used snapshots; drop abandoned temporary ones."""
    now = time.time()
    kept = []
    for entry in directory.iterdir():
        if not entry.is_dir():
            continue
        if entry.name.startswith(_TEMP_PREFIX):
            if now - entry.stat().st_mtime > _STALE_TEMP_S:
                shutil.rmtree(entry, ignore_errors=True)
            continue
        kept.append(entry)
    kept.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
    for entry in kept[KEEP:]:
        shutil.rmtree(entry, ignore_errors=True)
