"""Which store the app uses, opening it, starting one, and copying a park between stores."""

from __future__ import annotations

import os
from pathlib import Path

from gis import schema
from gis._errors import StoreError
from gis.store.base import ParkStore, is_database_url, prepare

DEFAULT_PATH = Path("data/park.gpkg")
ENV_VAR = "PARK_DB"


def store_location() -> str:
    """``$PARK_DB`` (a GeoPackage path or a ``postgresql://`` URL), else ``data/park.gpkg``."""
    return os.environ.get(ENV_VAR) or str(DEFAULT_PATH)


def store_path() -> Path:
    """The store's location as a path (for a GeoPackage store)."""
    return Path(store_location())


def open_park_store(location: str | os.PathLike[str] | None = None) -> ParkStore:
    """Open the app's store, creating it from the built-in sample park on first run.

    Only the default ``data/park.gpkg`` (or a path given here) is created from the
    sample; a missing store named by ``PARK_DB`` is an error that tells the user to start
    it with ``python -m gis new``, so a typo never yields a park of made-up data.
    """
    named = location if location is not None else store_location()
    store = ParkStore(named)
    if store._exists():
        return ParkStore.open(named)
    if is_database_url(str(named)) or (location is None and os.environ.get(ENV_VAR)):
        raise StoreError("store_missing_new", path=store.location)
    from gis.sample import (
        park,
        plan,  # imported here: only a first run pays for building the sample
    )

    return ParkStore.open(
        named,
        create=park.build_sample_park,
        meta={
            "sample": "true",
            "reference_date": plan.SAMPLE_REFERENCE_DATE.isoformat(),
            "sample_seed": str(plan.SAMPLE_SEED),
        },
    )


def create_empty_store(location: str | os.PathLike[str], *, name: str | None = None) -> ParkStore:
    """Start a park of one's own: every layer, no rows (a GeoPackage file, or the tables
    in an existing PostgreSQL database). ``name`` (园区名称) is kept in ``park_meta``.
    An existing store is never touched: :class:`StoreError` ``store_exists``."""
    if ParkStore(location)._exists():
        raise StoreError("store_exists", path=ParkStore(location).location)
    meta = {"park_name": name.strip()} if name and name.strip() else {}
    return ParkStore.open(location, create=dict, meta=meta)


def copy_store(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> ParkStore:
    """Copy a whole park (every layer, the meta and sample-rows tables) from ``source``
    to a new store at ``target``, GeoPackage or PostGIS in either direction. An existing
    target is never touched (``store_exists``). Returns the target, opened."""
    src = ParkStore.open(source)
    dst = ParkStore(target)
    if dst._exists():
        raise StoreError("store_exists", path=dst.location)
    frames = {spec.name: prepare(spec, src.read(spec.name)) for spec in schema.ALL_TABLES}
    dst._create(frames, src.meta(), src.sample_keys())
    return ParkStore.open(target)


def store_differences(a: ParkStore, b: ParkStore) -> list[str]:
    """What differs between two stores' data (rows, values, geometries, meta, sample
    rows); empty when they hold the same park. Row order does not matter."""
    from gis.store.delta import layer_delta

    out = []
    for spec in schema.ALL_TABLES:
        delta = layer_delta(spec, a.read(spec.name), prepare(spec, b.read(spec.name)))
        for label, rows in (("-", delta.deleted), ("~", delta.updated), ("+", delta.inserted)):
            if len(rows):
                out.append(f"{spec.name}: {label}{len(rows)}")
    meta_a = {k: v for k, v in a.meta().items() if k != "updated_at"}
    meta_b = {k: v for k, v in b.meta().items() if k != "updated_at"}
    if meta_a != meta_b:
        keys = sorted(k for k in meta_a.keys() | meta_b.keys() if meta_a.get(k) != meta_b.get(k))
        out.append("park_meta: " + ", ".join(keys))
    if a.sample_keys() != b.sample_keys():
        out.append("park_sample_rows")
    return out
