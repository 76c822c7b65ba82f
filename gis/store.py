"""The GeoPackage store: the one door through which data is read and written.

One GeoPackage holds every layer and table (names in :mod:`gis.schema`), all
geometries in EPSG:4490, plus a ``park_meta`` key/value table that marks the file
as ours and counts data versions. The path comes from ``PARK_DB`` (default
``data/park.gpkg``); a missing default file is created from the sample park, a missing
file named by ``PARK_DB`` is an error (``python -m gis new PATH`` starts an empty one).

Edits from outside the app (QGIS, ogr2ogr, any SQLite client) are seen: triggers on every
layer raise ``park_meta.data_version`` on each inserted, changed or deleted row, so caches
keyed by :meth:`ParkStore.data_version` refresh and stale writes are refused.
:func:`validate_frames` lists what such edits may have got wrong, per parcel.

Rows of the built-in sample park are listed in ``park_sample_rows`` (layer, row key) when
the sample is generated; :meth:`ParkStore.sample_rows` counts those still present and
:meth:`ParkStore.remove_sample` deletes them, keeping everything the user added.

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
import math
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gis import schema, vocabulary
from gis._errors import StoreError
from gis.crs import STORAGE_CRS, to_storage
from gis.values import iso_day

APP_ID = "park-one-map"
SCHEMA_VERSION = 1
DEFAULT_PATH = Path("data/park.gpkg")
ENV_VAR = "PARK_DB"
META_LAYER = "park_meta"
#: The keys of the sample park's rows, per layer (written when the sample is generated).
SAMPLE_ROWS_TABLE = "park_sample_rows"
#: park_meta keys that describe the sample; dropped when the sample is removed.
SAMPLE_META_KEYS = ("sample", "reference_date", "sample_seed")
_TRIGGER_PREFIX = "park_dv_"
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
        store._ensure_watch()
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
        """A counter raised by every write, ours or another SQLite/GDAL client's (QGIS):
        use it as a cache key and as the base of a write (``expected_version``).

        Runs on every rerun of every page, so it is read from the file only when the
        file changed (its inode, size, time, SQLite change counter or WAL differ):
        about 20 µs when unchanged, 1-3 ms after a change.
        """
        stamp = self._stamp()
        cached = getattr(self, "_version_cache", None)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        if cached is not None and not self._watched():
            # A layer was replaced from outside (ogr2ogr -overwrite): its triggers went
            # with it. Put them back, raising the version, so caches see the change.
            self._ensure_watch()
            stamp = self._stamp()
        version = int(self.meta().get("data_version", 0))
        self._version_cache = (stamp, version)
        return version

    def park_name(self) -> str | None:
        """The park's name given to ``python -m gis new --name``, if any."""
        return self.meta().get("park_name") or None

    def sample_rows(self) -> dict[str, int]:
        """Per layer, how many rows of the built-in sample park it still holds (only
        layers with some). Computed from the rows, cached per data version."""
        stamp = self._stamp()
        cached = getattr(self, "_sample_cache", None)
        if cached is not None and cached[0] == stamp:
            return dict(cached[1])
        counts: dict[str, int] = {}
        with self._connect() as con:
            if _has_table(con, SAMPLE_ROWS_TABLE):
                for spec in schema.LAYERS:
                    if not _has_table(con, spec.name):
                        continue
                    n = con.execute(
                        f'SELECT count(*) FROM "{spec.name}" WHERE {_key_sql(spec)} IN '
                        f"(SELECT key FROM {SAMPLE_ROWS_TABLE} WHERE layer = ?)",
                        (spec.name,),
                    ).fetchone()[0]
                    if n:
                        counts[spec.name] = int(n)
        self._sample_cache = (stamp, counts)
        return dict(counts)

    def is_sample(self) -> bool:
        """True while rows of the built-in synthetic sample park (示意数据) are present."""
        return bool(self.sample_rows())

    def row_counts(self) -> dict[str, int]:
        """Rows per layer of the schema (0 for a layer the file lacks)."""
        with self._connect() as con:
            return {
                spec.name: (
                    int(con.execute(f'SELECT count(*) FROM "{spec.name}"').fetchone()[0])
                    if _has_table(con, spec.name)
                    else 0
                )
                for spec in schema.LAYERS
            }

    def _stamp(self) -> tuple:
        """What changes with any change to the file: its inode, size and time, SQLite's
        file change counter (header bytes 24-27), and the size and time of its WAL."""
        parts: list = []
        try:
            st = self.path.stat()
            with open(self.path, "rb") as fh:
                header = fh.read(28)[24:28]
            parts += [st.st_ino, st.st_mtime_ns, st.st_size, header]
        except OSError:
            parts.append(None)
        try:
            wal = self.path.with_name(self.path.name + "-wal").stat()
            parts += [wal.st_mtime_ns, wal.st_size]
        except OSError:
            parts.append(None)
        return tuple(parts)

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
        drop_meta: Sequence[str] = (),
    ) -> int:
        """Read ``layers``, let ``change`` return the layers to replace, write them atomically.

        Runs under the writers' lock, so ``change`` sees the current data and no other
        write can slip in between its checks and the write: this is where per-record
        checks (a parcel's ``version``, an allowed transition) belong. If ``change``
        raises, or returns nothing, the store is left as it was. ``meta`` adds to
        ``park_meta``, ``drop_meta`` names keys to remove from it. Returns the data version
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
                **{k: v for k, v in self.meta().items() if k not in drop_meta},
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

    # ----------------------------------------------------------------- the sample
    def remove_sample(self, *, expected_version: int | None = None) -> SampleRemoval:
        """Delete every row of the built-in sample park, all or nothing, after a backup.

        Rows the user added or imported stay, with the status events recorded on them;
        the status events of removed sample parcels (the sample's own and any recorded
        on them later) go with their parcel. The sample's ``park_meta`` keys (its report
        date among them) are dropped, so the as-of date defaults to today afterwards.
        With no sample rows present nothing is written and no backup is made.
        """
        if not self.sample_rows():
            return SampleRemoval(None, {}, self.row_counts(), self.data_version())
        backup = self.backup(reason="before-remove-sample")
        removed: dict[str, int] = {}

        def change(frames: dict[str, Frame]) -> dict[str, Frame]:
            marks = self._sample_keys()
            out: dict[str, Frame] = {}
            gone_parcels: set[str] = set()
            for spec in schema.LAYERS:
                frame = frames[spec.name]
                if not marks.get(spec.name) or frame.empty:
                    continue
                hit = row_keys(frame, spec).isin(marks[spec.name]).to_numpy()
                if spec.name == "parcels":
                    gone_parcels = set(frame.loc[hit, "code"].astype(str))
                if hit.any():
                    out[spec.name] = frame.loc[~hit]
            events = out.get("status_events", frames["status_events"])
            orphan = events["parcel_code"].astype(str).isin(gone_parcels).to_numpy()
            if orphan.any():
                out["status_events"] = events.loc[~orphan]
            for name, kept in out.items():
                removed[name] = len(frames[name]) - len(kept)
            return out

        version = self.transaction(
            [spec.name for spec in schema.LAYERS],
            change,
            expected_version=expected_version,
            meta={"sample_removed_at": utc_now()},
            drop_meta=SAMPLE_META_KEYS,
        )
        return SampleRemoval(backup, removed, self.row_counts(), version)

    def _sample_keys(self) -> dict[str, set[str]]:
        """The recorded keys of the sample's rows, per layer."""
        with self._connect() as con:
            if not _has_table(con, SAMPLE_ROWS_TABLE):
                return {}
            out: dict[str, set[str]] = {}
            for layer, key in con.execute(f"SELECT layer, key FROM {SAMPLE_ROWS_TABLE}"):
                out.setdefault(layer, set()).add(key)
            return out

    def _ensure_watch(self) -> None:
        """Give a store written by an older version the change triggers and, if it is the
        sample park, the list of its sample rows. Skipped on a read-only file."""
        if self._watched():
            return
        try:
            with self._lock():
                if self._watched():  # another process did it meanwhile
                    return
                meta = self.meta()
                with self._staged_copy() as staged:
                    with self._connect() as con:
                        legacy = not _has_table(con, SAMPLE_ROWS_TABLE)
                    if meta.get("sample") == "true" and legacy:
                        _mark_legacy_sample(staged, meta)
                    _install_triggers(staged, bump=True)
        except (OSError, sqlite3.Error):
            return  # a read-only store is still readable; its caches then key on the file

    def _watched(self) -> bool:
        with self._connect() as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
            triggers = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            }
            sample_flag = con.execute(
                f"SELECT value FROM {META_LAYER} WHERE key = 'sample'"
            ).fetchone()
        want = {_trigger(s.name, op) for s in schema.LAYERS if s.name in tables for op in _OPS}
        legacy_sample = sample_flag == ("true",) and SAMPLE_ROWS_TABLE not in tables
        return want <= triggers and not legacy_sample

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
            if full_meta.get("sample") == "true":
                _mark_sample_rows(staged, staged)
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
    _install_triggers(path)


# --------------------------------------------------------------------- change triggers
_OPS = ("INSERT", "UPDATE", "DELETE")


def _trigger(layer: str, op: str) -> str:
    return f"{_TRIGGER_PREFIX}{layer}_{op.lower()}"


def _install_triggers(path: Path, *, bump: bool = False) -> None:
    """Triggers raising ``data_version`` on every row another client inserts, changes or
    deletes in a layer (a layer we rewrite is recreated, so ours never fire them).
    ``bump``: raise the version once too (some were missing: the data may have changed)."""
    con = sqlite3.connect(path)
    try:
        if bump:
            con.execute(
                f"UPDATE {META_LAYER} SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
                "WHERE key = 'data_version'"
            )
        tables = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
        for spec in schema.LAYERS:
            if spec.name not in tables:
                continue
            for op in _OPS:
                con.execute(
                    f'CREATE TRIGGER IF NOT EXISTS "{_trigger(spec.name, op)}" '
                    f'AFTER {op} ON "{spec.name}" BEGIN '
                    f"UPDATE {META_LAYER} SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
                    "WHERE key = 'data_version'; END"
                )
        con.commit()
    finally:
        con.close()


# --------------------------------------------------------------------- sample rows
@dataclass(frozen=True)
class SampleRemoval:
    """What :meth:`ParkStore.remove_sample` did."""

    backup: Path | None  # the copy made first (None: there was nothing to remove)
    removed: dict[str, int]  # rows removed per layer
    kept: dict[str, int]  # rows per layer afterwards
    version: int  # the data version afterwards


def _has_table(con: sqlite3.Connection, name: str) -> bool:
    found = con.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return found is not None


def _key_sql(spec: schema.LayerSpec) -> str:
    """SQL for a row's key text: identity values joined by U+001F, integral reals as ints
    (the same text as :func:`row_keys` gives in Python)."""
    parts = [
        f'CASE WHEN typeof("{c}") = \'real\' AND "{c}" = CAST("{c}" AS INTEGER) '
        f'THEN CAST(CAST("{c}" AS INTEGER) AS TEXT) ELSE COALESCE(CAST("{c}" AS TEXT), \'\') END'
        for c in spec.identity
    ]
    return " || char(31) || ".join(parts)


def _key_text(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        return str(int(value)) if float(value).is_integer() else str(float(value))
    if isinstance(value, bool | np.bool_ | int | np.integer):
        return str(int(value))
    return str(value)


def row_keys(frame: Frame, spec: schema.LayerSpec) -> pd.Series:
    """Each row's key text (its identity columns), as recorded for the sample's rows."""
    columns = [frame[c].map(_key_text) for c in spec.identity]
    keys = columns[0]
    for more in columns[1:]:
        keys = keys + "\x1f" + more
    return keys.astype(str)


def _mark_sample_rows(target: Path, source: Path) -> None:
    """Record in ``target`` the keys of every row of every layer in ``source``."""
    con = sqlite3.connect(target)
    try:
        schema_name = "main"
        if Path(source).resolve() != Path(target).resolve():
            con.execute("ATTACH DATABASE ? AS src", (str(source),))
            schema_name = "src"
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {SAMPLE_ROWS_TABLE} ("
            "fid INTEGER PRIMARY KEY AUTOINCREMENT, layer TEXT NOT NULL, key TEXT NOT NULL)"
        )
        con.execute(
            f"CREATE INDEX IF NOT EXISTS {SAMPLE_ROWS_TABLE}_idx "
            f"ON {SAMPLE_ROWS_TABLE} (layer, key)"
        )
        con.execute(
            "INSERT OR IGNORE INTO gpkg_contents "
            "(table_name, data_type, identifier, description, last_change) "
            "VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            (SAMPLE_ROWS_TABLE, SAMPLE_ROWS_TABLE, "Rows of the built-in sample park (示意数据)"),
        )
        present = {
            r[0]
            for r in con.execute(f"SELECT name FROM {schema_name}.sqlite_master WHERE type='table'")
        }
        for spec in schema.LAYERS:
            if spec.name in present:
                con.execute(
                    f"INSERT INTO {SAMPLE_ROWS_TABLE} (layer, key) "
                    f'SELECT ?, {_key_sql(spec)} FROM {schema_name}."{spec.name}"',
                    (spec.name,),
                )
        con.commit()
    finally:
        con.close()


def _mark_legacy_sample(target: Path, meta: Mapping[str, str]) -> None:
    """Mark the sample rows of a sample store made before rows were marked: the sample is
    generated again from its seed and the rows with the same keys are its rows."""
    from gis import sample

    seed = int(meta.get("sample_seed") or sample.SAMPLE_SEED)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "sample.gpkg"
        _write_frames(source, sample.build_sample_park(seed), {"app": APP_ID})
        _mark_sample_rows(target, source)


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
    """Open the app's store, creating it from the built-in sample park on first run.

    Only the default ``data/park.gpkg`` (or a ``path`` given here) is created from the
    sample; a missing file named by ``PARK_DB`` is an error that tells the user to start
    it with ``python -m gis new PATH``, so a typo never yields a park of made-up data.
    """
    resolved = Path(path) if path is not None else store_path()
    if resolved.exists():
        return ParkStore.open(resolved)
    if path is None and os.environ.get(ENV_VAR):
        raise StoreError("store_missing_new", path=str(resolved))
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


def create_empty_store(path: str | os.PathLike[str], *, name: str | None = None) -> ParkStore:
    """Start a park of one's own: a store at ``path`` with every layer and no rows.

    ``name`` (园区名称) is kept in ``park_meta``. An existing file is never touched:
    :class:`StoreError` ``store_exists``.
    """
    target = Path(path)
    if target.exists():
        raise StoreError("store_exists", path=str(target))
    meta = {"park_name": name.strip()} if name and name.strip() else {}
    return ParkStore.open(target, create=dict, meta=meta)


# --------------------------------------------------------------------- checking the data
@dataclass(frozen=True)
class Problem:
    """One problem of a row written from outside the app (QGIS, ogr2ogr, ...).

    ``key`` names a message; ``params`` fill it in (column names are resolved to their
    labels by :func:`problem_text`). ``parcel`` is the parcel's code (``None`` when the
    code itself is missing), ``row`` the row's 1-based position in its layer.
    """

    layer: str
    parcel: str | None
    row: int
    key: str
    params: dict = field(default_factory=dict)


def _blank(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def validate_frames(frames: Mapping[str, Frame]) -> list[Problem]:
    """Problems of the parcels (and their status events) in ``frames``, per parcel.

    Never raises on bad rows: a missing or repeated code, a missing required value, an
    unknown status or land-use code, a status whose date column is empty, a date that is
    not ``YYYY-MM-DD``, a missing, empty or invalid geometry, and status events with an
    unknown status or for a parcel that does not exist. Rows written by the app pass.
    """
    problems: list[Problem] = []
    parcels = frames.get("parcels")
    known_codes: set[str] = set()
    if parcels is not None and not parcels.empty:
        spec = schema.PARCELS
        codes = parcels["code"] if "code" in parcels.columns else pd.Series([None] * len(parcels))
        texts = [None if _blank(c) else str(c) for c in codes]
        known_codes = {c for c in texts if c is not None}
        counts = pd.Series([c for c in texts if c is not None], dtype=object).value_counts()
        records = parcels.to_dict("records")
        geoms = (
            parcels.geometry.to_numpy() if "geometry" in parcels.columns else [None] * len(parcels)
        )
        for i, (row, code, geom) in enumerate(zip(records, texts, geoms, strict=True), start=1):

            def add(key: str, code: str | None = code, row_no: int = i, **params: object) -> None:
                problems.append(Problem("parcels", code, row_no, key, params))

            if code is None:
                add("problem_code_missing", name=str(row.get("name") or ""))
            elif counts.get(code, 0) > 1:
                add("problem_code_repeated", count=int(counts[code]))
            for column in spec.columns:
                if column.required and column.name != "code" and _blank(row.get(column.name)):
                    add("problem_value_missing", column=column.name)
            for fld in vocabulary.STATUS_FIELDS:
                value = row.get(fld)
                if _blank(value):
                    continue
                try:
                    status = vocabulary.status(fld, str(value))
                except ValueError:
                    add("problem_status_unknown", column=fld, value=str(value))
                    continue
                if status.order > 0 and iso_day(row.get(status.date_field)) is None:
                    add(
                        "problem_status_undated",
                        column=fld,
                        status=status.code,
                        date_column=status.date_field,
                    )
            use = row.get("land_use")
            if not _blank(use):
                try:
                    vocabulary.land_use(str(use))
                except ValueError:
                    add("problem_land_use_unknown", value=str(use))
            for column in spec.columns:
                value = row.get(column.name)
                if column.dtype == "date" and not _blank(value) and iso_day(value) is None:
                    add("problem_date_invalid", column=column.name, value=str(value))
            if geom is None or (isinstance(geom, float) and math.isnan(geom)):
                add("problem_geometry_missing")
            elif geom.is_empty:
                add("problem_geometry_missing")
            elif not geom.is_valid:
                add("problem_geometry_invalid", reason=shapely.is_valid_reason(geom))
    events = frames.get("status_events")
    if events is not None and not events.empty:
        for i, row in enumerate(events.to_dict("records"), start=1):
            code = None if _blank(row.get("parcel_code")) else str(row.get("parcel_code"))
            event = str(row.get("event_id"))
            fld = str(row.get("field"))
            if fld not in vocabulary.STATUS_FIELDS:
                problems.append(
                    Problem(
                        "status_events",
                        code,
                        i,
                        "problem_event_field_unknown",
                        {"event": event, "value": fld},
                    )
                )
                continue
            try:
                vocabulary.status(fld, str(row.get("new_status")))
            except ValueError:
                problems.append(
                    Problem(
                        "status_events",
                        code,
                        i,
                        "problem_event_status_unknown",
                        {"event": event, "column": fld, "value": str(row.get("new_status"))},
                    )
                )
            if code is not None and parcels is not None and code not in known_codes:
                problems.append(
                    Problem(
                        "status_events", code, i, "problem_event_parcel_unknown", {"event": event}
                    )
                )
    if parcels is not None and events is not None and not parcels.empty and not events.empty:
        problems += _history_differs(parcels, events)
    return problems


def _history_differs(parcels: Frame, events: pd.DataFrame) -> list[Problem]:
    """Parcels whose recorded status is not where their status history leads (a status
    changed outside the app, without a dated event)."""
    from gis import history

    if "code" not in parcels.columns:
        return []
    recorded = set(events["parcel_code"].dropna().astype(str))
    replayed = history.statuses_as_of(parcels, events, date.max).drop_duplicates("code")
    replayed = replayed.set_index(replayed["code"].astype(str))
    out = []
    for i, row in enumerate(parcels.to_dict("records"), start=1):
        code = None if _blank(row.get("code")) else str(row.get("code"))
        if code is None or code not in recorded or code not in replayed.index:
            continue
        for fld in vocabulary.STATUS_FIELDS:
            have, told = row.get(fld), replayed.loc[code, fld]
            if not _blank(have) and not _blank(told) and str(have) != str(told):
                out.append(
                    Problem(
                        "parcels",
                        code,
                        i,
                        "problem_status_differs",
                        {"column": fld, "value": str(have), "history": str(told)},
                    )
                )
    return out


def problem_text(problem: Problem, lang: str = "zh") -> str:
    """The user-facing text of ``problem`` in ``lang``, naming the parcel."""
    from gis.i18n import t

    params = dict(problem.params)
    for name in ("column", "date_column"):
        if name in params:
            for spec in (schema.layer_spec(problem.layer), schema.PARCELS):
                try:
                    params[name] = spec.column(str(params[name])).label(lang)
                    break
                except KeyError:
                    continue
    if "status" in params and "column" in problem.params:
        params["status"] = vocabulary.status(problem.params["column"], params["status"]).label(lang)
    parcel = (
        problem.parcel if problem.parcel is not None else t("problem_row", lang, row=problem.row)
    )
    return t(problem.key, lang, parcel=parcel, **params)


__all__ = [
    "APP_ID",
    "DEFAULT_PATH",
    "ENV_VAR",
    "STORAGE_CRS",
    "ParkStore",
    "Problem",
    "SampleRemoval",
    "create_empty_store",
    "open_park_store",
    "problem_text",
    "row_keys",
    "store_path",
    "utc_now",
    "validate_frames",
]
