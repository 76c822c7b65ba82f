"""The GeoPackage store: the one door through which data is read and written.

One GeoPackage holds every layer and table (names in :mod:`gis.schema`), all
geometries in EPSG:4490, plus a ``park_meta`` key/value table that marks the file
as ours and counts data versions. The path comes from ``PARK_DB`` (default
``data/park.gpkg``); a missing file is created from the sample park.

Writes are atomic: the file is copied, the copy is changed and checked, and only
then moved over the original with ``os.replace`` — a crash leaves the old file.
Writers are serialised by an exclusive lock on ``<path>.lock``, and a write based
on a stale ``data_version`` is refused, so nothing is silently overwritten.

Every SQL, GDAL and file detail stays in this module, so a PostGIS backend can
later stand behind the same interface.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from gis import schema
from gis._errors import StoreError
from gis.crs import STORAGE_CRS, to_storage

APP_ID = "park-one-map"
SCHEMA_VERSION = 1
DEFAULT_PATH = Path("data/park.gpkg")
ENV_VAR = "PARK_DB"
META_LAYER = "park_meta"
_SQLITE_MAGIC = b"SQLite format 3\x00"

Frame = gpd.GeoDataFrame | pd.DataFrame


def store_path() -> Path:
    """The store's path: ``$PARK_DB`` if set, else ``data/park.gpkg``."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)


class ParkStore:
    """A handle on one GeoPackage store. Cheap to create; holds no open connection."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        create: Callable[[], Mapping[str, Frame]] | None = None,
        meta: Mapping[str, str] | None = None,
    ) -> ParkStore:
        """Open the store at ``path`` (default :func:`store_path`), checking it is ours.

        If the file does not exist and ``create`` is given, the store is created from
        the frames it returns (with ``meta`` added to ``park_meta``). An existing file
        that is not a GeoPackage of ours is never touched: :class:`StoreError` names it.
        """
        store = cls(path if path is not None else store_path())
        if not store.path.exists():
            if create is None:
                raise StoreError("store_missing", path=str(store.path))
            with store._lock():
                if not store.path.exists():  # another process may have won the race
                    store._create(create(), meta or {})
        try:
            store.check()
        except StoreError as exc:
            if exc.key != "store_incomplete":
                raise
            store.upgrade()
            store.check()
        return store

    def check(self) -> None:
        """Raise :class:`StoreError` unless the file is a readable GeoPackage of ours."""
        path = str(self.path)
        try:
            with open(self.path, "rb") as fh:
                header = fh.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise StoreError("store_unreadable", path=path, reason=str(exc)) from exc
        if header != _SQLITE_MAGIC:
            raise StoreError("store_corrupt", path=path)
        try:
            with self._connect() as con:
                tables = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
                meta = dict(con.execute(f"SELECT key, value FROM {META_LAYER}").fetchall())
        except sqlite3.DatabaseError as exc:
            if "no such table" in str(exc):
                raise StoreError("store_foreign", path=path) from exc
            raise StoreError("store_corrupt", path=path) from exc
        if meta.get("app") != APP_ID:
            raise StoreError("store_foreign", path=path)
        if int(meta.get("schema_version", 0)) > SCHEMA_VERSION:
            raise StoreError("store_too_new", path=path, version=meta.get("schema_version"))
        missing = sorted(set(schema.LAYERS_BY_NAME) - tables)
        missing += [f"{name}.{column}" for name, column in self._missing_columns()]
        if missing:
            raise StoreError("store_incomplete", path=path, layers=", ".join(missing))

    def _missing_columns(self) -> list[tuple[str, str]]:
        """(layer, column) pairs the schema has gained since an existing layer was written."""
        out = []
        with self._connect() as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
            for spec in schema.LAYERS:
                if spec.name not in tables:
                    continue
                have = {r[1] for r in con.execute(f'PRAGMA table_info("{spec.name}")')}
                out += [(spec.name, c) for c in spec.column_names if c not in have]
        return out

    def upgrade(self) -> list[str]:
        """Add what the schema has gained since the file was created: whole layers
        (empty) and columns of existing layers (empty values).

        A store made by an older version of the app lacks the layers and columns of newer
        features; they are added atomically. Returns the names added (``layer`` or
        ``layer.column``).
        """
        with self._lock():
            with self._connect() as con:
                tables = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
            missing = [spec for spec in schema.LAYERS if spec.name not in tables]
            columns = self._missing_columns()
            frames: dict[str, Frame] = {s.name: schema.empty_frame(s) for s in missing}
            for name in dict.fromkeys(layer for layer, _ in columns):
                frame = self.read(name)
                for layer, column in columns:
                    if layer == name:
                        frame[column] = pd.Series([None] * len(frame), dtype=object)
                frames[name] = frame
            if frames:
                with self._staged_copy() as staged:
                    _write_frames(staged, frames, {**self.meta(), "updated_at": utc_now()})
        return [spec.name for spec in missing] + [f"{layer}.{c}" for layer, c in columns]

    # ----------------------------------------------------------------- reading
    def meta(self) -> dict[str, str]:
        """The ``park_meta`` key/value pairs."""
        with self._connect() as con:
            return dict(con.execute(f"SELECT key, value FROM {META_LAYER}").fetchall())

    def data_version(self) -> int:
        """A counter raised by every write; use it as a cache key."""
        return int(self.meta().get("data_version", 0))

    def is_sample(self) -> bool:
        """True when the data is the built-in synthetic sample park (示意数据)."""
        return self.meta().get("sample") == "true"

    def read(self, layer: str) -> Frame:
        """One layer as a GeoDataFrame (EPSG:4490), or a table as a DataFrame.

        Columns come back in schema order; dates stay ISO strings.
        """
        spec = schema.layer_spec(layer)
        try:
            frame = pyogrio.read_dataframe(self.path, layer=layer, use_arrow=True)
        except Exception as exc:  # GDAL raises several types for a damaged file
            raise StoreError(
                "store_read_failed", path=str(self.path), layer=layer, reason=str(exc)
            ) from exc
        columns = [c for c in spec.column_names if c in frame.columns]
        if spec.geometry_type is None:
            return pd.DataFrame(frame[columns])
        gdf = gpd.GeoDataFrame(frame[columns], geometry=frame.geometry, crs=frame.crs)
        return gdf.rename_geometry("geometry") if gdf.geometry.name != "geometry" else gdf

    def read_all(self) -> dict[str, Frame]:
        """Every layer of the schema, keyed by name."""
        return {spec.name: self.read(spec.name) for spec in schema.LAYERS}

    # ----------------------------------------------------------------- writing
    def write(
        self,
        frames: Mapping[str, Frame],
        *,
        expected_version: int | None = None,
        meta: Mapping[str, str] | None = None,
    ) -> int:
        """Replace the given layers atomically and return the new data version.

        ``expected_version`` is the version the caller's edit was based on; if the
        store has moved on since, :class:`StoreError` ``store_stale`` is raised and
        nothing is written.
        """
        return self.transaction((), lambda _: frames, expected_version=expected_version, meta=meta)

    def transaction(
        self,
        layers: Sequence[str],
        change: Callable[[dict[str, Frame]], Mapping[str, Frame] | None],
        *,
        expected_version: int | None = None,
        meta: Mapping[str, str] | None = None,
    ) -> int:
        """Read ``layers``, let ``change`` return the layers to replace, write them atomically.

        Runs under the writers' lock, so ``change`` sees the current data and no other
        write can slip in between its checks and the write: this is where per-record
        checks (a parcel's ``version``, an allowed transition) belong. If ``change``
        raises, or returns nothing, the store is left as it was. Returns the data version
        after the call.
        """
        with self._lock():
            self.check()
            current = self.data_version()
            if expected_version is not None and expected_version != current:
                raise StoreError(
                    "store_stale", path=str(self.path), expected=expected_version, current=current
                )
            changed = change({name: self.read(name) for name in layers})
            if not changed:
                return current
            new_meta = {
                **self.meta(),
                **(meta or {}),
                "data_version": str(current + 1),
                "updated_at": utc_now(),
            }
            with self._staged_copy() as staged:
                _write_frames(staged, changed, new_meta)
                ParkStore(staged).check()
            return current + 1

    # ----------------------------------------------------------------- backups
    @property
    def backup_dir(self) -> Path:
        return self.path.parent / "backups"

    def backup(self, *, reason: str = "manual") -> Path:
        """Copy the store to ``backups/<name>-<UTC time>-<reason>.gpkg``; return the copy."""
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in reason)[:40]
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.backup_dir / f"{self.path.stem}-{stamp}-{safe}.gpkg"
        with self._lock():  # a consistent snapshot: no writer mid-way
            self.check()
            shutil.copyfile(self.path, target)
        return target

    def backups(self) -> list[Path]:
        """This store's backups, newest first."""
        if not self.backup_dir.is_dir():
            return []
        return sorted(self.backup_dir.glob(f"{self.path.stem}-*.gpkg"), reverse=True)

    def restore(self, backup: str | os.PathLike[str]) -> int:
        """Replace the store with ``backup`` (after backing up the current state).

        The backup must be a store of ours. The restored data gets a new data version, so
        nothing cached from before is mistaken for it. Returns that version.
        """
        source = ParkStore(backup)
        source.check()
        self.backup(reason="before-restore")
        with self._lock():
            current = self.data_version()
            meta = {
                **source.meta(),
                "data_version": str(current + 1),
                "updated_at": utc_now(),
                "restored_from": Path(backup).name,
            }
            staged = self._staging_path()
            try:
                shutil.copyfile(source.path, staged)
                _write_frames(staged, {}, meta)
                ParkStore(staged).check()
                os.replace(staged, self.path)
            finally:
                staged.unlink(missing_ok=True)
            return current + 1

    # ----------------------------------------------------------------- internals
    def _create(self, frames: Mapping[str, Frame], meta: Mapping[str, str]) -> None:
        # Layers the source does not provide (scenarios, annotations, ...) start empty.
        frames = {
            spec.name: frames[spec.name] if spec.name in frames else schema.empty_frame(spec)
            for spec in schema.LAYERS
        }
        full_meta = {
            "app": APP_ID,
            "schema_version": str(SCHEMA_VERSION),
            "data_version": "1",
            "created_at": utc_now(),
            "updated_at": utc_now(),
            **meta,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staged = self._staging_path()
        try:
            _write_frames(staged, frames, full_meta)
            ParkStore(staged).check()
            os.replace(staged, self.path)
        finally:
            staged.unlink(missing_ok=True)

    def _staging_path(self) -> Path:
        # Unique per process and call: threads of one server may stage at once.
        return self.path.with_name(f".{self.path.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.gpkg")

    @contextlib.contextmanager
    def _staged_copy(self) -> Iterator[Path]:
        """Yield a private copy of the store; move it into place if the block succeeds."""
        staged = self._staging_path()
        shutil.copyfile(self.path, staged)
        try:
            yield staged
            with open(staged, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(staged, self.path)
        finally:
            staged.unlink(missing_ok=True)

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """An exclusive inter-process lock for writers (readers never wait)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            yield con
        finally:
            con.close()


def _write_frames(path: Path, frames: Mapping[str, Frame], meta: Mapping[str, str]) -> None:
    """Write layers and the meta table into the GeoPackage at ``path`` (created if needed)."""
    for name, frame in frames.items():
        spec = schema.layer_spec(name)
        _check_columns(spec, frame)
        if spec.geometry_type is None:
            pyogrio.write_dataframe(
                pd.DataFrame(frame[list(spec.column_names)]), path, layer=name, driver="GPKG"
            )
        else:
            gdf = to_storage(frame, name=name)[[*spec.column_names, "geometry"]]
            # "Geometry" (mixed points, lines, polygons) is OGR's "Unknown" type.
            geometry_type = "Unknown" if spec.geometry_type == "Geometry" else spec.geometry_type
            pyogrio.write_dataframe(
                gdf,
                path,
                layer=name,
                driver="GPKG",
                geometry_type=geometry_type,
                promote_to_multi=False,
            )
    meta_frame = pd.DataFrame({"key": list(meta), "value": [str(v) for v in meta.values()]})
    pyogrio.write_dataframe(meta_frame, path, layer=META_LAYER, driver="GPKG")


def _check_columns(spec: schema.LayerSpec, frame: Frame) -> None:
    missing = [c for c in spec.column_names if c not in frame.columns]
    if missing:
        raise StoreError("layer_columns_missing", layer=spec.name, columns=", ".join(missing))
    if spec.geometry_type is not None:
        if not isinstance(frame, gpd.GeoDataFrame):
            raise StoreError("layer_not_spatial", layer=spec.name)
        if frame.crs is None:
            raise StoreError("layer_without_crs", layer=spec.name)
    identity = list(spec.identity)
    repeated = frame.duplicated(subset=identity)
    if repeated.any():
        rows = frame.loc[repeated, identity].drop_duplicates().head(5)
        dupes = ", ".join("/".join(map(str, r)) for r in rows.itertuples(index=False))
        raise StoreError(
            "layer_duplicate_keys", layer=spec.name, column="+".join(identity), values=dupes
        )


def utc_now() -> str:
    """Now in UTC as ISO text to the second: the time stamp of every record the app writes."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def open_park_store(path: str | os.PathLike[str] | None = None) -> ParkStore:
    """Open the app's store, creating it from the built-in sample park on first run."""
    resolved = Path(path) if path is not None else store_path()
    if resolved.exists():
        return ParkStore.open(resolved)
    from gis import sample  # imported here: only a first run pays for building the sample

    return ParkStore.open(
        resolved,
        create=sample.build_sample_park,
        meta={
            "sample": "true",
            "reference_date": sample.SAMPLE_REFERENCE_DATE.isoformat(),
            "sample_seed": str(sample.SAMPLE_SEED),
        },
    )


__all__ = [
    "APP_ID",
    "DEFAULT_PATH",
    "ENV_VAR",
    "STORAGE_CRS",
    "ParkStore",
    "open_park_store",
    "store_path",
    "utc_now",
]
