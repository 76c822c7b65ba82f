"""The GeoPackage backend: one file, nothing to install (the embedded default).

Every layer and table of :mod:`gis.schema` in one GeoPackage (EPSG:4490), plus
``park_meta`` (key/value, the data version among them) and ``park_sample_rows``.

Writes change only their rows, in one SQLite transaction in the file itself
(``BEGIN IMMEDIATE``, WAL journal, so readers never wait and a crash leaves the file as
before or as after). GDAL's R-tree triggers call ``ST_IsEmpty``/``ST_MinX``/...; the write
connection provides them (:mod:`gis.store.gpkg_sql`), so the spatial index stays right
and QGIS opens the file as it always did. Writers are serialised by an exclusive lock on
``<file>.lock`` too, so the app's checks and its write are one step.

Edits from outside the app (QGIS, ogr2ogr, any SQLite client) are seen: triggers on every
layer raise ``data_version`` on each row inserted, changed or deleted.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from gis import schema
from gis._errors import StoreError
from gis.store import gpkg_read, gpkg_sql, gpkg_watch
from gis.store.base import (
    APP_ID,
    META_LAYER,
    SAMPLE_ROWS_TABLE,
    SCHEMA_VERSION,
    Frame,
    ParkStore,
    RowFilter,
)
from gis.store.delta import LayerDelta


class GpkgStore(ParkStore):
    """A park in one GeoPackage file."""

    backend = "gpkg"

    def __init__(self, location: str | os.PathLike[str]) -> None:
        self.path = Path(location)
        self.location = str(self.path)

    @property
    def backup_dir(self) -> Path:
        return self.path.parent / "backups"

    def _backup_stem(self) -> str:
        return self.path.stem

    def _exists(self) -> bool:
        return self.path.exists()

    def _create_once(self, create, meta) -> None:
        with self._lock():
            if not self.path.exists():  # another process may have won the race
                super()._create_once(create, meta)

    # ----------------------------------------------------------------- checking
    def check(self) -> None:
        # (SQLite reads the file, never open(): closing another descriptor of the file
        # would drop the POSIX locks SQLite holds on it in this process.)
        path = str(self.path)
        try:
            size = self.path.stat().st_size
        except OSError as exc:
            raise StoreError("store_unreadable", path=path, reason=str(exc)) from exc
        if size == 0:  # (SQLite would take it for an empty database)
            raise StoreError("store_corrupt", path=path)
        # Checked once until the next commit or layout change: every page run asks.
        gpkg_watch.watch(self.path).kept("checked", self._check_contents)

    def _check_contents(self) -> bool:
        path = str(self.path)
        try:
            with self._connect() as con:
                tables = gpkg_sql.layer_tables(con)
                meta = dict(con.execute(f"SELECT key, value FROM {META_LAYER}").fetchall())
        except sqlite3.DatabaseError as exc:
            if "no such table" in str(exc):
                raise StoreError("store_foreign", path=path) from exc
            if "unable to open" in str(exc):
                raise StoreError("store_unreadable", path=path, reason=str(exc)) from exc
            raise StoreError("store_corrupt", path=path) from exc
        if meta.get("app") != APP_ID:
            raise StoreError("store_foreign", path=path)
        if int(meta.get("schema_version", 0)) > SCHEMA_VERSION:
            raise StoreError("store_too_new", path=path, version=meta.get("schema_version"))
        missing = sorted({spec.name for spec in schema.ALL_TABLES} - tables)
        with self._connect() as con:
            missing += [f"{name}.{column}" for name, column in gpkg_sql.missing_columns(con)]
        if missing:
            raise StoreError("store_incomplete", path=path, layers=", ".join(missing))
        return True

    def upgrade(self) -> list[str]:
        """Add what the schema has gained since the file was created: whole layers (empty)
        and columns of existing layers (empty values). Returns ``layer`` / ``layer.column``."""
        with self._lock():
            with self._connect() as con:
                tables = gpkg_sql.layer_tables(con)
                columns = gpkg_sql.missing_columns(con)
            missing = [spec for spec in schema.ALL_TABLES if spec.name not in tables]
            for spec in missing:  # GDAL creates the table, its R-tree and its metadata
                gpkg_sql.write_layer(self.path, spec, schema.empty_frame(spec))
            if columns:
                with self._write_connection() as con:
                    con.execute("BEGIN IMMEDIATE")
                    gpkg_sql.add_columns(con, columns)
                    con.commit()
            if missing or columns:
                self._install_triggers()
        return [spec.name for spec in missing] + [f"{layer}.{c}" for layer, c in columns]

    # ----------------------------------------------------------------- reading
    def meta(self) -> dict[str, str]:
        """Read from the file once per committed change (:mod:`gis.store.gpkg_watch`)."""
        return dict(gpkg_watch.watch(self.path).kept("meta", self._read_meta))

    def _read_meta(self) -> dict[str, str]:
        with self._connect() as con:
            return dict(con.execute(f"SELECT key, value FROM {META_LAYER}").fetchall())

    def data_version(self) -> int:
        """From the meta kept since the last committed change: a few µs when unchanged,
        1-3 ms after a change."""
        watch = gpkg_watch.watch(self.path)
        stamp = watch.stamp()
        last = watch.last("meta")
        if (
            last is not None
            and None not in stamp
            and last[0][2:] != stamp[2:]
            and not self._watched()
        ):
            # The schema changed: a layer replaced from outside (ogr2ogr -overwrite) lost
            # its triggers. Put them back, raising the version, so caches see the change.
            self._ensure_watch()
            stamp = watch.stamp()
        # (the kept meta itself, not meta()'s copy: one stamp, nothing copied)
        return int(watch.derived("meta", stamp, self._read_meta).get("data_version", 0))

    def read(self, layer: str) -> Frame:
        """Columns in schema order; dates stay ISO strings."""
        spec = schema.layer_spec(layer)
        try:
            with self._connect() as con:
                return gpkg_read.read_layer(con, spec)
        except sqlite3.Error as exc:
            raise StoreError(
                "store_read_failed", path=str(self.path), layer=layer, reason=str(exc)
            ) from exc

    def row_counts(self) -> dict[str, int]:
        with self._connect() as con:
            return gpkg_sql.row_counts(con)

    def sample_keys(self) -> dict[str, set[str]]:
        with self._connect() as con:
            return gpkg_sql.sample_keys(con)

    def sample_rows(self) -> dict[str, int]:
        """Computed from the rows, kept until the next committed change."""

        def count() -> dict[str, int]:
            with self._connect() as con:
                return gpkg_sql.sample_row_counts(con)

        return dict(gpkg_watch.watch(self.path).kept("sample_rows", count))

    # ----------------------------------------------------------------- writing
    @contextlib.contextmanager
    def _writing(self) -> Iterator[_GpkgWriter]:
        with self._lock():
            with self._write_connection() as con:
                con.execute("BEGIN IMMEDIATE")
                try:
                    # (checked in full when opened; here only that it is still ours)
                    gpkg_sql.check_ours(con, self.location)
                    yield _GpkgWriter(self, con)
                except BaseException:
                    con.rollback()
                    raise
                con.commit()

    def _create(
        self,
        frames: Mapping[str, Frame],
        meta: Mapping[str, str],
        sample_keys: Mapping[str, Iterable[str]],
    ) -> None:
        """Written to a private file, then moved into place: never half a store."""
        if True:
            staged = self._staging_path()
            try:
                for spec in schema.ALL_TABLES:
                    frame = frames[spec.name] if spec.name in frames else schema.empty_frame(spec)
                    gpkg_sql.write_layer(staged, spec, frame)
                gpkg_sql.write_meta_table(staged, meta)
                GpkgStore(staged)._install_triggers()
                with GpkgStore(staged)._write_connection() as con:
                    con.execute("BEGIN IMMEDIATE")
                    gpkg_sql.replace_sample_keys(con, sample_keys)
                    con.commit()
                    # One file until the first write switches to WAL: nothing is left
                    # beside the staged file when it moves.
                    con.execute("PRAGMA journal_mode = DELETE")
                GpkgStore(staged).check()
                os.replace(staged, self.path)
            finally:
                staged.unlink(missing_ok=True)

    def _snapshot(self, target: Path) -> None:
        """SQLite's online backup: a consistent copy even while others write."""
        gpkg_sql.snapshot(self.path, target)

    # ----------------------------------------------------------------- outside edits
    def _ensure_watch(self) -> None:
        """Give a store written by an older version the change triggers, number columns
        declared as numbers and, if it is the sample park, the list of its sample rows.
        Skipped on a read-only file."""
        if self._watched():
            return
        try:
            with self._lock():
                if self._watched():  # another process did it meanwhile
                    return
                with self._write_connection() as con:
                    con.execute("BEGIN IMMEDIATE")
                    gpkg_sql.retype_columns(con)
                    con.commit()
                meta = self.meta()
                with self._connect() as con:
                    legacy = not gpkg_sql.has_table(con, SAMPLE_ROWS_TABLE)
                if meta.get("sample") == "true" and legacy:
                    self._mark_legacy_sample(meta)
                self._install_triggers(bump=True)
        except (OSError, sqlite3.Error):
            return  # a read-only store is still readable; its caches then key on the file

    def _watched(self) -> bool:
        def watched() -> bool:
            with self._connect() as con:
                return gpkg_sql.watched(con)

        return gpkg_watch.watch(self.path).kept("watched", watched)

    def _install_triggers(self, *, bump: bool = False) -> None:
        with self._write_connection() as con:
            con.execute("BEGIN IMMEDIATE")
            gpkg_sql.install_triggers(con, bump=bump)
            con.commit()

    def _mark_legacy_sample(self, meta: Mapping[str, str]) -> None:
        """A sample store made before rows were marked: the sample is generated again
        from its seed, and the rows with the same keys are its rows."""
        from gis.sample import park, plan
        from gis.store.base import row_keys

        seed = int(meta.get("sample_seed") or plan.SAMPLE_SEED)
        frames = park.build_sample_park(seed)
        keys = {
            spec.name: list(row_keys(frames[spec.name], spec))
            for spec in schema.LAYERS
            if spec.name in frames
        }
        with self._write_connection() as con:
            con.execute("BEGIN IMMEDIATE")
            gpkg_sql.replace_sample_keys(con, keys)
            con.commit()

    # ----------------------------------------------------------------- internals
    def _staging_path(self) -> Path:
        # Unique per process and call: threads of one server may stage at once.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self.path.with_name(f".{self.path.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.gpkg")

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """An exclusive inter-process lock for the app's writers (readers never wait)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        try:
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def _write_connection(self) -> Iterator[sqlite3.Connection]:
        con = gpkg_sql.write_connection(self.path)
        try:
            yield con
        finally:
            con.close()


class _GpkgWriter:
    """The write transaction of :class:`GpkgStore` (see :class:`gis.store.base.Writer`)."""

    def __init__(self, store: GpkgStore, con: sqlite3.Connection) -> None:
        self._store = store
        self._con = con

    def data_version(self) -> int:
        return int(self.meta().get("data_version", 0))

    def meta(self) -> dict[str, str]:
        return dict(self._con.execute(f"SELECT key, value FROM {META_LAYER}").fetchall())

    def read(self, layer: str, where: RowFilter | None = None) -> Frame:
        return gpkg_read.read_layer(self._con, schema.layer_spec(layer), where)

    def next_id(self, layer: str, column: str) -> int:
        return gpkg_sql.next_id(self._con, layer, column)

    def values(self, layer: str, column: str, where: RowFilter) -> list:
        return gpkg_read.column_values(self._con, layer, column, where)

    def apply(self, delta: LayerDelta) -> None:
        if not delta.empty:
            gpkg_sql.apply_delta(self._con, delta)

    def set_meta(self, meta: Mapping[str, str]) -> None:
        gpkg_sql.replace_meta(self._con, meta)

    def set_sample_keys(self, keys: Mapping[str, Iterable[str]]) -> None:
        gpkg_sql.replace_sample_keys(self._con, keys)
