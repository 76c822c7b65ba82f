"""What tests compare stores by."""

from __future__ import annotations

import hashlib
import os

import geopandas as gpd

from gis.store import ParkStore


def digest(store: ParkStore | str | os.PathLike[str]) -> str:
    """A digest of a store's rows and meta (a GeoPackage path or a store): equal exactly
    when the data is the same. (A file's bytes are no measure: SQLite's backups and WAL
    change them without changing the data.)"""
    if not isinstance(store, ParkStore):
        store = ParkStore(store)
    parts = [repr(sorted(store.meta().items()))]
    for name, frame in store.read_all().items():
        if isinstance(frame, gpd.GeoDataFrame):
            frame = frame.to_wkt()
        parts.append(name + frame.to_json())
    return hashlib.sha256("".join(parts).encode()).hexdigest()
