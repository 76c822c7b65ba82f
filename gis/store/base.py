"""What every store does, whatever holds the data: the interface and its shared logic.

A backend (:mod:`gis.store.gpkg`, :mod:`gis.store.postgis`) implements a few primitives:
reading a layer, the meta table, and a :class:`Writer`, an exclusive write transaction
that applies row-level changes. Everything else is written once, here: the optimistic
checks of a write (:meth:`ParkStore.transaction`), removing the sample park, backups
(GeoPackage snapshots, for every backend) and restore.
"""

from __future__ import annotations

import abc
import contextlib
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd

from gis import collector, schema
from gis._errors import ParkError, StoreError
from gis.store.audit import FAILED, REFUSED, AuditEntry, audit_row, changes_summary
from gis.store.delta import LayerDelta, layer_delta

APP_ID = "park-one-map"
SCHEMA_VERSION = 1
META_LAYER = "park_meta"
#: The keys of the sample park's rows, per layer (written when the sample is generated).
SAMPLE_ROWS_TABLE = "park_sample_rows"
#: park_meta keys that describe the sample; dropped when the sample is removed.
SAMPLE_META_KEYS = ("sample", "reference_date", "sample_seed")
#: URL schemes that select the PostGIS backend.
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

Frame = gpd.GeoDataFrame | pd.DataFrame
#: Rows of a layer picked by one column's values: ``("code", ["D07", "D08"])``.
RowFilter = tuple[str, Sequence[object]]


class Writer(Protocol):
    """One exclusive write transaction of a backend: what it reads, it reads inside it."""

    def data_version(self) -> int: ...
    def meta(self) -> dict[str, str]: ...
    def read(self, layer: str, where: RowFilter | None = None) -> Frame: ...
    def next_id(self, layer: str, column: str) -> int: ...
    def values(self, layer: str, column: str, where: RowFilter) -> list: ...
    def apply(self, delta: LayerDelta) -> None: ...
    def set_meta(self, meta: Mapping[str, str]) -> None: ...
    def set_sample_keys(self, keys: Mapping[str, Iterable[str]]) -> None: ...


class ParkStore(abc.ABC):
    """A handle on one park's store. Cheap to create.

    ``ParkStore(location)`` gives the backend the location names: a ``postgresql://``
    URL a :class:`~gis.store.postgis.PostgisStore`, anything else a GeoPackage file
    (:class:`~gis.store.gpkg.GpkgStore`).
    """

    backend: str
    #: Where the data lives, for messages and cache keys (never with a password).
    location: str

    def __new__(cls, location: str | os.PathLike[str]) -> ParkStore:
        if cls is ParkStore:
            if is_database_url(location):
                from gis.store.postgis import PostgisStore

                cls = PostgisStore
            else:
                from gis.store.gpkg import GpkgStore

                cls = GpkgStore
        return super().__new__(cls)

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(
        cls,
        location: str | os.PathLike[str],
        *,
        create: Callable[[], Mapping[str, Frame]] | None = None,
        meta: Mapping[str, str] | None = None,
    ) -> ParkStore:
        """Open the store at ``location``, checking it is ours.

        If it does not exist and ``create`` is given, it is created from the frames
        ``create`` returns (with ``meta`` added to ``park_meta``). A file or database that
        is not a store of ours is never touched: :class:`StoreError` names it.
        """
        store = cls(location)
        if not store._exists():
            if create is None:
                raise StoreError("store_missing", path=store.location)
            store._create_once(create, meta or {})
        try:
            store.check()
        except StoreError as exc:
            if exc.key != "store_incomplete":
                raise
            store.upgrade()
            store.check()
        store._ensure_watch()
        return store

    def _create_once(
        self, create: Callable[[], Mapping[str, Frame]], meta: Mapping[str, str]
    ) -> None:
        frames = create()
        full_meta = {
            "app": APP_ID,
            "schema_version": str(SCHEMA_VERSION),
            "data_version": "1",
            "created_at": utc_now(),
            "updated_at": utc_now(),
            **meta,
        }
        frames = {
            spec.name: prepare(spec, frames[spec.name])
            if spec.name in frames
            else schema.empty_frame(spec)
            for spec in schema.ALL_TABLES
        }
        sample_keys: dict[str, list[str]] = {}
        if full_meta.get("sample") == "true":
            sample_keys = {
                spec.name: list(row_keys(frames[spec.name], spec)) for spec in schema.LAYERS
            }
        self._create(frames, full_meta, sample_keys)

    # ----------------------------------------------------------------- backend primitives
    @abc.abstractmethod
    def check(self) -> None:
        """Raise :class:`StoreError` unless this is a readable, complete store of ours."""

    @abc.abstractmethod
    def upgrade(self) -> list[str]:
        """Add the layers and columns the schema has gained; return their names."""

    @abc.abstractmethod
    def meta(self) -> dict[str, str]:
        """The ``park_meta`` key/value pairs."""

    @abc.abstractmethod
    def data_version(self) -> int:
        """A counter raised by every write, the app's or another client's (QGIS): the
        cache key of everything derived from the data and the base of a write. Cheap."""

    @abc.abstractmethod
    def read(self, layer: str) -> Frame:
        """One layer (a GeoDataFrame in EPSG:4490) or table, columns in schema order."""

    @abc.abstractmethod
    def row_counts(self) -> dict[str, int]:
        """Rows per layer of the schema."""

    @abc.abstractmethod
    def sample_keys(self) -> dict[str, set[str]]:
        """The recorded keys of the sample park's rows, per layer."""

    @abc.abstractmethod
    def sample_rows(self) -> dict[str, int]:
        """Per layer, how many rows of the built-in sample park it still holds."""

    @property
    @abc.abstractmethod
    def backup_dir(self) -> Path:
        """Where :meth:`backup` puts its GeoPackage snapshots."""

    @abc.abstractmethod
    def _exists(self) -> bool: ...

    @abc.abstractmethod
    def _create(
        self,
        frames: Mapping[str, Frame],
        meta: Mapping[str, str],
        sample_keys: Mapping[str, Iterable[str]],
    ) -> None:
        """Make every layer (from ``frames``), the meta and sample-keys tables, atomically."""

    @abc.abstractmethod
    def _ensure_watch(self) -> None:
        """Make sure outside edits raise the data version (triggers)."""

    @abc.abstractmethod
    def _writing(self) -> contextlib.AbstractContextManager[Writer]:
        """An exclusive write transaction: committed if the block ends normally."""

    @abc.abstractmethod
    def _snapshot(self, target: Path) -> None:
        """Write a consistent GeoPackage copy of the whole store to the new file ``target``."""

    # ----------------------------------------------------------------- reading
    def read_all(self) -> dict[str, Frame]:
        """Every layer of the schema, keyed by name."""
        with collector.paused():  # a million long-lived objects made at once (gis.collector)
            return {spec.name: self.read(spec.name) for spec in schema.LAYERS}

    def park_name(self) -> str | None:
        """The park's name given to ``python -m gis new --name``, if any."""
        return self.meta().get("park_name") or None

    def is_sample(self) -> bool:
        """True while rows of the built-in synthetic sample park (示意数据) are present."""
        return bool(self.sample_rows())

    # ----------------------------------------------------------------- writing
    def write(
        self,
        frames: Mapping[str, Frame],
        *,
        expected_version: int | None = None,
        meta: Mapping[str, str] | None = None,
    ) -> int:
        """Replace the given layers' rows in one transaction; return the new data version.

        ``expected_version`` is the version the caller's edit was based on; if the store
        has moved on since, :class:`StoreError` ``store_stale`` is raised, nothing written.
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
        rows: Mapping[str, RowFilter] | None = None,
        audit: AuditEntry | None = None,
    ) -> int:
        """Read ``layers``, let ``change`` return their new contents, write the difference.

        Runs inside one exclusive transaction, so ``change`` sees the current data and no
        other write can slip in between its checks and the write: this is where per-record
        checks (a parcel's ``version``, an allowed transition) belong. Only the rows that
        differ are written (matched by the layer's identity columns). If ``change``
        raises, or returns nothing, the store is left as it was. ``meta`` adds to
        ``park_meta``, ``drop_meta`` removes keys. Returns the data version afterwards.

        ``rows`` limits what is read of a layer to the rows a filter picks (one parcel
        and its events, not the park): ``change`` then returns those rows' new contents
        (a picked row it leaves out is deleted), and is called as ``change(frames,
        next_id)``, where ``next_id(layer, column)`` is one more than the column's largest
        value in the whole layer, for numbering new rows.

        ``audit`` is recorded in the same transaction, with the keys of the rows written
        and each changed value before and after; a refused or failed write is recorded
        too (in a transaction of its own, since the write's is rolled back).
        """
        try:
            return self._transaction(layers, change, expected_version, meta, drop_meta, rows, audit)
        except ParkError as exc:
            if audit is not None:
                self.record(audit.ended(REFUSED, error=exc.key, params=exc.params))
            raise
        except Exception as exc:
            if audit is not None:
                self.record(audit.ended(FAILED, error=type(exc).__name__))
            raise

    def _transaction(
        self,
        layers: Sequence[str],
        change: Callable[..., Mapping[str, Frame] | None],
        expected_version: int | None,
        meta: Mapping[str, str] | None,
        drop_meta: Sequence[str],
        rows: Mapping[str, RowFilter] | None,
        audit: AuditEntry | None,
    ) -> int:
        with self._writing() as writer:
            current = writer.data_version()
            if expected_version is not None and expected_version != current:
                raise StoreError(
                    "store_stale", path=self.location, expected=expected_version, current=current
                )
            picked = rows or {}
            before = {name: writer.read(name, picked.get(name)) for name in layers}
            # change() may edit the frames in place: the rows as stored are kept apart.
            frames = {name: frame.copy() for name, frame in before.items()}
            changed = change(frames, writer.next_id) if rows is not None else change(frames)
            if not changed:
                return current
            written = []
            for name, frame in changed.items():
                spec = schema.layer_spec(name)
                old = before[name] if name in before else writer.read(name)
                delta = layer_delta(spec, old, prepare(spec, frame))
                if name in picked:
                    _refuse_taken_keys(writer, spec, delta)
                writer.apply(delta)
                written.append((old, delta))
            if audit is not None:
                _append_audit(writer, audit.ended(audit.outcome, changes=changes_summary(written)))
            if not (
                meta or drop_meta or any(d.spec.name in schema.LAYERS_BY_NAME for _, d in written)
            ):
                return current  # only system tables (accounts, sessions): the park is unchanged
            writer.set_meta(_next_meta(writer.meta(), current, meta or {}, drop_meta))
            return current + 1

    def replace_all(
        self,
        frames: Mapping[str, Frame],
        meta: Mapping[str, str],
        sample_keys: Mapping[str, Iterable[str]],
    ) -> int:
        """Replace every layer, the meta table and the sample keys in one transaction
        (a restore, a copy into an existing store). The data version moves on from the
        current one, so nothing cached from before is mistaken for the new data."""
        with self._writing() as writer:
            current = writer.data_version()
            for spec in schema.LAYERS:
                frame = frames[spec.name] if spec.name in frames else schema.empty_frame(spec)
                writer.apply(LayerDelta.replacing(spec, prepare(spec, frame)))
            writer.set_sample_keys(sample_keys)
            writer.set_meta(_next_meta(meta, current, {}, ()))
            return current + 1

    def record(self, entry: AuditEntry) -> None:
        """Append ``entry`` to the audit trail in a transaction of its own (a sign-in, an
        export: actions that change no data, so the data version stays)."""
        with self._writing() as writer:
            _append_audit(writer, entry)

    def audit_trail(self) -> pd.DataFrame:
        """The audit trail, oldest first."""
        return self.read(schema.AUDIT.name)

    # ----------------------------------------------------------------- backups
    def backup(self, *, reason: str = "manual") -> Path:
        """A GeoPackage snapshot in :attr:`backup_dir`, named
        ``<name>-<UTC time>-<reason>.gpkg``; returns its path."""
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in reason)[:40]
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.backup_dir / f"{self._backup_stem()}-{stamp}-{safe}.gpkg"
        staged = target.with_name(f".{target.name}.part")
        try:
            self._snapshot(staged)
            os.replace(staged, target)
        finally:
            staged.unlink(missing_ok=True)
        return target

    def backups(self) -> list[Path]:
        """This store's backups, newest first."""
        if not self.backup_dir.is_dir():
            return []
        return sorted(self.backup_dir.glob(f"{self._backup_stem()}-*.gpkg"), reverse=True)

    def restore(self, backup: str | os.PathLike[str]) -> int:
        """Replace the store's data with the GeoPackage ``backup`` (after backing up the
        current state), all or nothing. Returns the new data version."""
        frames, meta, keys = read_snapshot(backup)
        self.backup(reason="before-restore")
        return self.replace_all(frames, {**meta, "restored_from": Path(backup).name}, keys)

    def _backup_stem(self) -> str:
        return "park"

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
        marks = self.sample_keys()

        def change(frames: dict[str, Frame]) -> dict[str, Frame]:
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


@dataclass(frozen=True)
class SampleRemoval:
    """What :meth:`ParkStore.remove_sample` did."""

    backup: Path | None  # the copy made first (None: there was nothing to remove)
    removed: dict[str, int]  # rows removed per layer
    kept: dict[str, int]  # rows per layer afterwards
    version: int  # the data version afterwards


# --------------------------------------------------------------------- helpers
def _append_audit(writer: Writer, entry: AuditEntry) -> None:
    audit_id = writer.next_id(schema.AUDIT.name, "audit_id")
    last = writer.values(schema.AUDIT.name, "row_hash", ("audit_id", [audit_id - 1]))
    previous = str(last[0]) if last else ""
    row = audit_row(entry, audit_id, utc_now(), previous)
    frame = pd.DataFrame([row], columns=list(schema.AUDIT.column_names))
    writer.apply(LayerDelta(schema.AUDIT, frame.iloc[0:0][["audit_id"]], frame.iloc[0:0], frame))


def _refuse_taken_keys(writer: Writer, spec: schema.LayerSpec, delta: LayerDelta) -> None:
    """New rows of a partly read layer must not repeat a key of a row not read."""
    if delta.inserted.empty or len(spec.identity) != 1:
        return
    column = spec.identity[0]
    taken = writer.values(spec.name, column, (column, list(delta.inserted[column])))
    if taken:
        values = ", ".join(map(str, taken[:5]))
        raise StoreError("layer_duplicate_keys", layer=spec.name, column=column, values=values)


def is_database_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


def utc_now() -> str:
    """Now in UTC as ISO text to the second: the time stamp of every record the app writes."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _next_meta(
    meta: Mapping[str, str], current: int, extra: Mapping[str, str], drop: Sequence[str]
) -> dict[str, str]:
    return {
        **{k: v for k, v in meta.items() if k not in drop},
        **extra,
        "data_version": str(current + 1),
        "updated_at": utc_now(),
    }


def prepare(spec: schema.LayerSpec, frame: Frame) -> Frame:
    """``frame`` checked against the layer's schema and cut to its columns, geometries in
    the storage CRS: what a backend writes."""
    from gis.crs import to_storage

    check_columns(spec, frame)
    if spec.geometry_type is None:
        return pd.DataFrame(frame[list(spec.column_names)]).reset_index(drop=True)
    gdf = to_storage(frame, name=spec.name)
    gdf = gdf.rename_geometry("geometry") if gdf.geometry.name != "geometry" else gdf
    return gdf[[*spec.column_names, "geometry"]].reset_index(drop=True)


def check_columns(spec: schema.LayerSpec, frame: Frame) -> None:
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


def _key_text(value: object) -> str:
    if type(value) is str:  # the usual case, first
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        return str(int(value)) if float(value).is_integer() else str(float(value))
    if isinstance(value, bool | np.bool_ | int | np.integer):
        return str(int(value))
    return str(value)


def key_texts(identities: np.ndarray) -> list[str]:
    """The key text of each row of a 2-D array of identity values (see :func:`row_keys`)."""
    return ["\x1f".join(_key_text(v) for v in row) for row in identities]


def row_keys(frame: Frame, spec: schema.LayerSpec) -> pd.Series:
    """Each row's key text (its identity columns joined by U+001F), as recorded for the
    sample's rows: integral numbers as integers, missing values as empty text."""
    columns = [[_key_text(v) for v in frame[c].to_numpy(object)] for c in spec.identity]
    keys = ["\x1f".join(parts) for parts in zip(*columns, strict=True)] if columns else []
    return pd.Series(keys, index=frame.index, dtype=object)


def read_snapshot(
    path: str | os.PathLike[str],
) -> tuple[dict[str, Frame], dict[str, str], dict[str, set[str]]]:
    """The frames, meta and sample keys of a GeoPackage store (a backup), read from a
    private copy so an older file can be upgraded without touching the original."""
    from gis.store.gpkg import GpkgStore

    try:
        GpkgStore(path).check()  # named in the message: not a store of ours
    except StoreError as exc:
        if exc.key != "store_incomplete":  # an older backup: upgraded in the copy below
            raise
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "snapshot.gpkg"
        shutil.copyfile(path, copy)
        source = GpkgStore.open(copy)
        return source.read_all(), source.meta(), source.sample_keys()
