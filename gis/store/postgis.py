"""The PostgreSQL/PostGIS backend of the store (``PARK_DB=postgresql://...``).

Tables carry the same names and columns as the GeoPackage (:mod:`gis.schema`: ``str`` is
``text``, ``int`` ``bigint``, ``float`` ``double precision``, ``bool`` ``boolean``, dates and
times ISO ``text``), plus a ``fid bigserial`` PRIMARY KEY — the single integer key QGIS and
ArcGIS want — and a UNIQUE constraint on the layer's identity columns. Spatial layers have a
``geom geometry(<type>, 4490)`` column with a GiST index.

``park_meta(key, value)`` holds ``data_version``. A statement-level trigger on every layer
raises it in the same transaction as any insert, update or delete made by another client
(QGIS), so every app server sees every change on its next run. The app's own writes run
in one transaction that first takes an advisory lock (writers serialise; readers never
wait), read the current data inside it, and set ``data_version`` once at the end; the
triggers stand aside for them (a transaction-local setting).

Every SQL and psycopg detail of the PostGIS backend stays in this module.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

import numpy as np
import psycopg
from psycopg import sql

from gis import schema
from gis._errors import StoreError
from gis.store.base import (
    APP_ID,
    META_LAYER,
    SAMPLE_ROWS_TABLE,
    SCHEMA_VERSION,
    Frame,
    ParkStore,
    RowFilter,
)
from gis.store.delta import LayerDelta, db_column
from gis.store.postgis_sql import (
    _AUDIT_GUARD,
    _WRITER_SETTING,
    _bump,
    _column_type,
    _copy_rows,
    _create_layer,
    _data_version,
    _delete_keys,
    _ident,
    _install_watch,
    _key_sql,
    _meta,
    _missing_columns,
    _read,
    _rows_of,
    _sample_keys,
    _tables,
    _update_rows,
    _write_meta,
    _write_sample_keys,
)

T = TypeVar("T")


#: pg_advisory_xact_lock key of the app's writers (any fixed bigint; "park-one-map").
_WRITER_LOCK = 0x7061726B_6F6D6170


# --------------------------------------------------------------------- locations
def public_location(url: str) -> str:
    """``url`` without its password (user info and ``password=`` query parameter)."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{host}"
    query = urllib.parse.urlencode(
        [
            (k, v)
            for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() != "password"
        ],
        safe="/",
    )
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _reason(exc: BaseException, url: str) -> str:
    """An error's text with no password in it (libpq messages rarely carry one; make sure)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    parts = urllib.parse.urlsplit(url)
    secrets = [parts.password or ""]
    secrets += [v for k, v in urllib.parse.parse_qsl(parts.query) if k.lower() == "password" and v]
    for secret in filter(None, secrets):
        text = text.replace(secret, "***")
    return re.sub(r"(password\s*=\s*)\S+", r"\1***", text, flags=re.I)


# --------------------------------------------------------------------- connections
_CONNECTIONS: dict[tuple[str, int, int], psycopg.Connection] = {}


_CONNECTIONS_LOCK = threading.Lock()


#: Connections inherited through fork(): never used nor closed by the child (closing would
#: end the parent's session), only kept referenced so their finaliser never runs.
_INHERITED: list[psycopg.Connection] = []


def _connect(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, application_name="park-one-map")


def _thread_connection(url: str, *, fresh: bool = False) -> psycopg.Connection:
    """This thread's connection to ``url`` (autocommit; kept open for cheap version checks).

    Streamlit runs sessions in several threads; a psycopg connection is not to be shared
    by threads at once, so each thread has its own. Connections of finished threads are
    closed when a new one is opened.
    """
    pid, ident = os.getpid(), threading.get_ident()
    key = (url, pid, ident)
    with _CONNECTIONS_LOCK:
        conn = _CONNECTIONS.get(key)
        if conn is not None and not fresh and not conn.closed:
            return conn
        if conn is not None:
            del _CONNECTIONS[key]
            with contextlib.suppress(psycopg.Error):
                conn.close()
        alive = {t.ident for t in threading.enumerate()}
        for other in list(_CONNECTIONS):
            if other[1] != pid:
                _INHERITED.append(_CONNECTIONS.pop(other))
            elif other[2] not in alive:
                with contextlib.suppress(psycopg.Error):
                    _CONNECTIONS.pop(other).close()
    conn = _connect(url)
    with _CONNECTIONS_LOCK:
        _CONNECTIONS[key] = conn
    return conn


def close_connections(url: str | None = None) -> None:
    """Close this process's kept connections (to ``url``, or all)."""
    pid = os.getpid()
    with _CONNECTIONS_LOCK:
        for key in list(_CONNECTIONS):
            if key[1] == pid and (url is None or key[0] == url):
                with contextlib.suppress(psycopg.Error):
                    _CONNECTIONS.pop(key).close()


atexit.register(close_connections)


class PostgisStore(ParkStore):
    """A park store in a PostgreSQL database with PostGIS (a ``postgresql://`` URL)."""

    backend = "postgis"

    def __init__(self, location: str | os.PathLike[str]) -> None:
        self._url = str(location)
        self.location = public_location(self._url)

    def __repr__(self) -> str:
        return f"PostgisStore({self.location!r})"

    @property
    def path(self) -> str:
        """The location (no password), for code written when every store was a file:
        its cache keys and "data source" captions use ``str(store.path)``."""
        return self.location

    @property
    def backup_dir(self) -> Path:
        return Path(os.environ.get("PARK_BACKUP_DIR") or "data/backups")

    def _backup_stem(self) -> str:
        """Backups are named after the database (``park-...gpkg`` for database ``park``)."""
        name = urllib.parse.unquote(urllib.parse.urlsplit(self._url).path.lstrip("/"))
        return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name) or "park"

    # ----------------------------------------------------------------- connections
    def _unreadable(self, exc: BaseException) -> StoreError:
        return StoreError("store_unreadable", path=self.location, reason=_reason(exc, self._url))

    def _run(self, work: Callable[[psycopg.Connection], T]) -> T:
        """``work(conn)`` on this thread's connection; once more on a new connection if
        the server had dropped the kept one (a restart). Errors become StoreError."""
        for attempt in (0, 1):
            try:
                conn = _thread_connection(self._url, fresh=attempt == 1)
            except psycopg.Error as exc:
                raise self._unreadable(exc) from exc
            try:
                return work(conn)
            except psycopg.OperationalError as exc:
                if attempt == 1 or not conn.closed:
                    raise self._unreadable(exc) from exc
            except psycopg.Error as exc:
                raise self._unreadable(exc) from exc
        raise AssertionError("unreachable")

    # ----------------------------------------------------------------- backend methods
    def _exists(self) -> bool:
        return self._run(lambda conn: META_LAYER in _tables(conn))

    def check(self) -> None:
        def look(conn: psycopg.Connection) -> tuple[set[str], dict[str, str] | None, list]:
            tables = _tables(conn)
            if META_LAYER not in tables:
                return tables, None, []
            meta = _meta(conn)
            have: dict[str, set[str]] = {}
            for table, column in conn.execute(
                "SELECT c.relname, a.attname FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid "
                "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' "
                "AND a.attnum > 0 AND NOT a.attisdropped"
            ):
                have.setdefault(table, set()).add(column)
            columns = [
                f"{spec.name}.{c}"
                for spec in schema.ALL_TABLES
                if spec.name in tables
                for c in spec.column_names
                if c not in have.get(spec.name, set())
            ]
            return tables, meta, columns

        tables, meta, columns = self._run(look)
        path = self.location
        if meta is None or meta.get("app") != APP_ID:
            raise StoreError("store_foreign", path=path)
        if int(meta.get("schema_version", 0)) > SCHEMA_VERSION:
            raise StoreError("store_too_new", path=path, version=meta.get("schema_version"))
        missing = sorted({spec.name for spec in schema.ALL_TABLES} - tables) + columns
        if missing:
            raise StoreError("store_incomplete", path=path, layers=", ".join(missing))

    def upgrade(self) -> list[str]:
        with self._writing() as writer:
            conn = writer._conn
            tables = _tables(conn)
            added: list[str] = []
            for spec in schema.ALL_TABLES:
                if spec.name not in tables:
                    _create_layer(conn, spec)
                    added.append(spec.name)
                    continue
                for column in _missing_columns(conn, spec):
                    col = spec.column(column)
                    conn.execute(
                        sql.SQL("ALTER TABLE {} ADD COLUMN {} {}").format(
                            _ident(spec.name), _ident(column), sql.SQL(_column_type(col))
                        )
                    )
                    added.append(f"{spec.name}.{column}")
            if added:
                _install_watch(conn)
                writer._dirty = True
        return added

    def meta(self) -> dict[str, str]:
        return self._run(_meta)

    def data_version(self) -> int:
        """``park_meta.data_version``: one indexed row on this thread's kept connection
        (about 0.1 ms on a local socket)."""
        return self._run(_data_version)

    def read(self, layer: str) -> Frame:
        spec = schema.layer_spec(layer)
        try:
            return self._run(lambda conn: _read(conn, spec))
        except StoreError as exc:
            raise StoreError(
                "store_read_failed", path=self.location, layer=layer, reason=exc.params["reason"]
            ) from exc

    def row_counts(self) -> dict[str, int]:
        def count(conn: psycopg.Connection) -> dict[str, int]:
            tables = _tables(conn)
            present = [s.name for s in schema.LAYERS if s.name in tables]
            counts: dict[str, int] = {}
            if present:
                query = sql.SQL(" UNION ALL ").join(
                    sql.SQL("SELECT {}, count(*) FROM {}").format(sql.Literal(n), _ident(n))
                    for n in present
                )
                counts = {name: int(n) for name, n in conn.execute(query)}
            return {spec.name: counts.get(spec.name, 0) for spec in schema.LAYERS}

        return self._run(count)

    def sample_keys(self) -> dict[str, set[str]]:
        return self._run(_sample_keys)

    def sample_rows(self) -> dict[str, int]:
        def count(conn: psycopg.Connection) -> dict[str, int]:
            tables = _tables(conn)
            if SAMPLE_ROWS_TABLE not in tables:
                return {}
            parts = [
                sql.SQL(
                    "SELECT {name}, count(*) FROM {table} WHERE {key} IN "
                    "(SELECT key FROM {marks} WHERE layer = {name})"
                ).format(
                    name=sql.Literal(spec.name),
                    table=_ident(spec.name),
                    key=_key_sql(spec),
                    marks=_ident(SAMPLE_ROWS_TABLE),
                )
                for spec in schema.LAYERS
                if spec.name in tables
            ]
            if not parts:
                return {}
            rows = conn.execute(sql.SQL(" UNION ALL ").join(parts)).fetchall()
            return {name: int(n) for name, n in rows if n}

        return self._run(count)

    def _create(
        self,
        frames: Mapping[str, Frame],
        meta: Mapping[str, str],
        sample_keys: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """Every layer (empty where ``frames`` has none), park_meta, park_sample_rows and
        the change triggers, in one transaction. Two processes creating the same store at
        once: the second finds it made and leaves it."""
        prepared = {
            spec.name: _rows_of(frames[spec.name], spec) if spec.name in frames else []
            for spec in schema.ALL_TABLES
        }
        try:
            with _connect(self._url) as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITER_LOCK])
                if META_LAYER in _tables(conn):
                    return
                if not conn.execute(
                    "SELECT 1 FROM pg_extension WHERE extname = 'postgis'"
                ).fetchone():
                    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                conn.execute(f"CREATE TABLE {META_LAYER} (key text PRIMARY KEY, value text)")
                conn.execute(
                    f"CREATE TABLE {SAMPLE_ROWS_TABLE} (fid bigserial PRIMARY KEY, "
                    "layer text NOT NULL, key text NOT NULL)"
                )
                conn.execute(
                    f"CREATE INDEX {SAMPLE_ROWS_TABLE}_idx ON {SAMPLE_ROWS_TABLE} (layer, key)"
                )
                for spec in schema.ALL_TABLES:
                    _create_layer(conn, spec)
                    _copy_rows(conn, spec, prepared[spec.name])
                _write_meta(conn, meta)
                _write_sample_keys(conn, sample_keys or {})
                _install_watch(conn)
        except psycopg.Error as exc:
            raise StoreError(
                "postgis_write_failed", path=self.location, reason=_reason(exc, self._url)
            ) from exc

    def _ensure_watch(self) -> None:
        def ensure(conn: psycopg.Connection) -> None:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITER_LOCK])
                if _install_watch(conn):
                    _bump(conn)  # triggers were missing: the data may have changed

        def watched(conn: psycopg.Connection) -> bool:
            tables = _tables(conn)
            rows = conn.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relnamespace = current_schema()::regnamespace "
                "AND t.tgname = 'park_dv_' || c.relname"
            ).fetchone()
            guard = conn.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relnamespace = current_schema()::regnamespace AND t.tgname = %s",
                [_AUDIT_GUARD],
            ).fetchone()
            layers = sum(1 for s in schema.LAYERS if s.name in tables)
            return int(rows[0]) >= layers and (schema.AUDIT.name not in tables or guard[0] > 0)

        if self._run(watched):
            return
        try:
            self._run(ensure)
        except StoreError:
            return  # a read-only role still reads; its caches then miss outside edits

    @contextlib.contextmanager
    def _writing(self) -> Iterator[PostgisWriter]:
        """One transaction under the writers' advisory lock (other writers wait, readers
        never do); commit on normal exit, rollback on an exception."""
        for attempt in (0, 1):
            try:
                conn = _thread_connection(self._url, fresh=attempt == 1)
            except psycopg.Error as exc:
                raise self._unreadable(exc) from exc
            tx = conn.transaction()
            try:
                tx.__enter__()
            except psycopg.OperationalError as exc:
                if attempt == 1 or not conn.closed:
                    raise self._unreadable(exc) from exc
                continue
            break
        writer = PostgisWriter(self, conn)
        try:
            conn.execute("SELECT set_config(%s, 'on', true)", [_WRITER_SETTING])
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITER_LOCK])
            yield writer
            writer._finish()
        except BaseException as exc:
            with contextlib.suppress(psycopg.Error):
                tx.__exit__(type(exc), exc, exc.__traceback__)
            if isinstance(exc, psycopg.Error):
                raise self._write_failed(exc) from exc
            raise
        try:
            tx.__exit__(None, None, None)
        except psycopg.Error as exc:
            raise self._write_failed(exc) from exc

    def _write_failed(self, exc: BaseException) -> StoreError:
        return StoreError(
            "postgis_write_failed", path=self.location, reason=_reason(exc, self._url)
        )

    def _snapshot(self, target: Path) -> None:
        """A GeoPackage copy of the whole store as of one moment (a repeatable-read
        transaction), written by the GeoPackage backend's own create."""
        from gis.store.gpkg import GpkgStore

        def read_all(conn: psycopg.Connection):
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                frames = {spec.name: _read(conn, spec) for spec in schema.LAYERS}
                return frames, _meta(conn), _sample_keys(conn)

        frames, meta, keys = self._run(read_all)
        GpkgStore(target)._create(frames, meta, keys)


class PostgisWriter:
    """The inside of one write transaction (see :meth:`PostgisStore._writing`)."""

    def __init__(self, store: PostgisStore, conn: psycopg.Connection) -> None:
        self._store = store
        self._conn = conn
        self._dirty = False
        self._version_set = False

    def data_version(self) -> int:
        return _data_version(self._conn)

    def meta(self) -> dict[str, str]:
        return _meta(self._conn)

    def read(self, layer: str, where: RowFilter | None = None) -> Frame:
        return _read(self._conn, schema.layer_spec(layer), where)

    def values(self, layer: str, column: str, where: RowFilter) -> list:
        by, picked = where
        dtype = schema.layer_spec(layer).column(by).dtype
        query = sql.SQL("SELECT {} FROM {} WHERE {} = ANY(%s) ORDER BY fid").format(
            _ident(column), _ident(layer), _ident(by)
        )
        params = [db_column(np.array(list(picked), dtype=object), dtype)]
        return [r[0] for r in self._conn.execute(query, params)]

    def next_id(self, layer: str, column: str) -> int:
        query = sql.SQL("SELECT max({}) FROM {}").format(_ident(column), _ident(layer))
        found = self._conn.execute(query).fetchone()[0]
        return int(found or 0) + 1

    def apply(self, delta: LayerDelta) -> None:
        spec = delta.spec
        conn = self._conn
        table = _ident(spec.name)
        if delta.replace:
            conn.execute(sql.SQL("DELETE FROM {}").format(table))
        else:
            _delete_keys(conn, spec, delta.deleted)
            _update_rows(conn, spec, _rows_of(delta.updated, spec))
        _copy_rows(conn, spec, _rows_of(delta.inserted, spec))
        # The system tables (accounts, audit) are not the park's data: no new version.
        self._dirty = self._dirty or spec.name in schema.LAYERS_BY_NAME

    def set_meta(self, meta: Mapping[str, str]) -> None:
        _write_meta(self._conn, meta)
        self._version_set = self._version_set or "data_version" in meta
        self._dirty = True

    def set_sample_keys(self, keys: Mapping[str, Iterable[str]]) -> None:
        self._conn.execute(f"DELETE FROM {SAMPLE_ROWS_TABLE}")
        _write_sample_keys(self._conn, keys)
        self._dirty = True

    def _finish(self) -> None:
        if self._dirty and not self._version_set:
            _bump(self._conn)
