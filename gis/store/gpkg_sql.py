"""The SQL of the GeoPackage backend: row writes, triggers, the meta and sample tables.

Row writes go through Python's ``sqlite3`` (one transaction, no copy of the file). GDAL
gave each spatial table R-tree triggers that call ``ST_IsEmpty`` and ``ST_MinX`` ...
``ST_MaxY`` on the GeoPackage geometry blob; SpatiaLite or GDAL would provide them, a plain
connection does not, so :func:`write_connection` registers small Python versions of them
(they read the blob's envelope header, GeoPackage 1.3 §2.1.3).
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely

from gis import schema
from gis._errors import StoreError
from gis.store.base import META_LAYER, SAMPLE_ROWS_TABLE, Frame
from gis.store.delta import LayerDelta, db_values

#: Prefix of our triggers that raise ``data_version`` on outside edits.
TRIGGER_PREFIX = "park_dv_"
_OPS = ("INSERT", "UPDATE", "DELETE")
#: Columns looked up by row writes (a parcel's events), besides each layer's key.
_INDEXED = {"status_events": ("event_id", "parcel_code")}
_BUSY_TIMEOUT_S = 30
_SQL_TYPES = {"str": "TEXT", "date": "TEXT", "datetime": "TEXT", "int": "INTEGER",
              "float": "REAL", "bool": "BOOLEAN"}  # fmt: skip


# --------------------------------------------------------------------- connections
def write_connection(path: Path) -> sqlite3.Connection:
    """A connection for writing: explicit transactions, WAL, the R-tree triggers' functions."""
    con = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
    for name, function in _GEOMETRY_FUNCTIONS.items():
        con.create_function(name, 1, function, deterministic=True)
    con.execute("PRAGMA journal_mode = WAL")
    # With WAL, NORMAL syncs at checkpoints, not at every commit: a crash of the app or of
    # the machine still leaves the store as before or as after a write, never between;
    # a power cut may lose the last moments' writes (SQLite: "WAL mode is safe from
    # corruption with synchronous=NORMAL").
    con.execute("PRAGMA synchronous = NORMAL")
    return con


def snapshot(source: Path, target: Path) -> None:
    """A consistent single-file copy of ``source`` (SQLite's online backup)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=_BUSY_TIMEOUT_S)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")  # one file, nothing beside it
    finally:
        dst.close()
        src.close()


def check_ours(con: sqlite3.Connection, location: str) -> None:
    """Raise ``store_foreign`` unless the file is still a store of ours (a quick look)."""
    from gis.store.base import APP_ID

    try:
        app = con.execute(f"SELECT value FROM {META_LAYER} WHERE key = 'app'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreError("store_foreign", path=location) from exc
    if app != (APP_ID,):
        raise StoreError("store_foreign", path=location)


# --------------------------------------------------------------------- geometry blobs
ENVELOPE_DOUBLES = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}


def _header(blob: bytes) -> tuple[int, int, str] | None:
    """(flags, envelope size in doubles, byte order) of a GeoPackage blob, or None."""
    if not isinstance(blob, bytes | memoryview) or len(blob) < 8 or bytes(blob[:2]) != b"GP":
        return None
    flags = blob[3]
    return flags, ENVELOPE_DOUBLES.get((flags >> 1) & 0x07, 0), "<" if flags & 1 else ">"


def _geometry(blob: bytes) -> shapely.Geometry | None:
    head = _header(blob)
    if head is None:
        return None
    return shapely.from_wkb(bytes(blob[8 + 8 * head[1] :]))


def _bounds(blob: bytes) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy), from the envelope when the blob has one."""
    head = _header(blob)
    if head is None or head[0] & 0x10:
        return None
    if head[1]:
        minx, maxx, miny, maxy = struct.unpack(f"{head[2]}4d", bytes(blob[8:40]))
        return minx, maxx, miny, maxy
    geom = _geometry(blob)
    if geom is None or geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    return minx, maxx, miny, maxy


def _is_empty(blob: bytes) -> int | None:
    head = _header(blob)
    if head is None:
        return None
    if head[0] & 0x10:
        return 1
    return int(_bounds(blob) is None)


def _bound(index: int):
    def function(blob: bytes) -> float | None:
        found = _bounds(blob)
        return None if found is None else found[index]

    return function


_GEOMETRY_FUNCTIONS = {
    "ST_IsEmpty": _is_empty,
    "ST_MinX": _bound(0),
    "ST_MaxX": _bound(1),
    "ST_MinY": _bound(2),
    "ST_MaxY": _bound(3),
}


def geometry_blobs(geometries: np.ndarray, srs_id: int) -> list[bytes | None]:
    """GeoPackage blobs (header with an xy envelope, then little-endian WKB)."""
    wkb = shapely.to_wkb(geometries, byte_order=1, flavor="iso")
    bounds = shapely.bounds(geometries)
    out: list[bytes | None] = []
    for geom_wkb, (minx, miny, maxx, maxy), geom in zip(wkb, bounds, geometries, strict=True):
        if geom is None:
            out.append(None)
        elif geom.is_empty:
            out.append(b"GP\x00\x11" + struct.pack("<i", srs_id) + geom_wkb)
        else:
            head = b"GP\x00\x03" + struct.pack("<i4d", srs_id, minx, maxx, miny, maxy)
            out.append(head + geom_wkb)
    return out


# --------------------------------------------------------------------- ids
def next_id(con: sqlite3.Connection, layer: str, column: str) -> int:
    found = con.execute(f'SELECT max("{column}") FROM "{layer}"').fetchone()[0]
    return int(found or 0) + 1


# --------------------------------------------------------------------- tables
def has_table(con: sqlite3.Connection, name: str) -> bool:
    found = con.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return found is not None


def layer_tables(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}


def missing_columns(con: sqlite3.Connection) -> list[tuple[str, str]]:
    tables = layer_tables(con)
    out = []
    for spec in schema.ALL_TABLES:
        if spec.name in tables:
            have = {r[1] for r in con.execute(f'PRAGMA table_info("{spec.name}")')}
            out += [(spec.name, c) for c in spec.column_names if c not in have]
    return out


def add_columns(con: sqlite3.Connection, columns: Iterable[tuple[str, str]]) -> None:
    for layer, column in columns:
        sql_type = _SQL_TYPES[schema.layer_spec(layer).column(column).dtype]
        con.execute(f'ALTER TABLE "{layer}" ADD COLUMN "{column}" {sql_type}')


def mistyped_columns(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """(layer, column) pairs declared with another type than the schema's (a layer GDAL
    wrote from empty or text columns): values written into them would come back as text."""
    tables = layer_tables(con)
    out = []
    for spec in schema.ALL_TABLES:
        if spec.name not in tables:
            continue
        declared = {
            r[1]: str(r[2]).upper() for r in con.execute(f'PRAGMA table_info("{spec.name}")')
        }
        for column in spec.columns:
            have = declared.get(column.name)
            if have is not None and _type_class(have) != _type_class(_SQL_TYPES[column.dtype]):
                out.append((spec.name, column.name))
    return out


def _type_class(declared: str) -> str:
    if declared.startswith("BOOL"):
        return "bool"
    if "INT" in declared:
        return "int"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB", "NUMERIC")):
        return "float"
    return "text"


def retype_columns(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """Give mistyped columns their schema type, in place (SQLite cannot alter a column's
    type: a typed copy replaces it). A column with a value that is not a number stays as
    it is, so nothing is lost; the data checks then name the value. Returns what moved."""
    done = []
    for layer, column in retypable_columns(con):
        dtype = schema.layer_spec(layer).column(column).dtype
        temp = f"{column}__typed"
        con.execute(f'ALTER TABLE "{layer}" ADD COLUMN "{temp}" {_SQL_TYPES[dtype]}')
        convert = (
            f'CAST("{column}" AS {_SQL_TYPES[dtype]})' if dtype in ("int", "float") else
            f"CASE WHEN lower(trim(\"{column}\")) IN ('true', '1') THEN 1 "
            f"WHEN lower(trim(\"{column}\")) IN ('false', '0') THEN 0 END" if dtype == "bool"
            else f'CAST("{column}" AS TEXT)'
        )  # fmt: skip
        con.execute(
            f'UPDATE "{layer}" SET "{temp}" = CASE WHEN "{column}" IS NULL '
            f"OR trim(\"{column}\") = '' THEN NULL ELSE {convert} END"
        )
        con.execute(f'ALTER TABLE "{layer}" DROP COLUMN "{column}"')
        con.execute(f'ALTER TABLE "{layer}" RENAME COLUMN "{temp}" TO "{column}"')
        done.append((layer, column))
    return done


def retypable_columns(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """The mistyped columns whose every value converts to the schema's type."""
    out = []
    for layer, column in mistyped_columns(con):
        dtype = schema.layer_spec(layer).column(column).dtype
        values = [r[0] for r in con.execute(f'SELECT "{column}" FROM "{layer}"')]
        if dtype not in ("int", "float", "bool") or all(_numeric(v) for v in values):
            out.append((layer, column))
    return out


def _numeric(value: object) -> bool:
    if value is None or isinstance(value, int | float):
        return True
    text = str(value).strip()
    if not text:
        return True
    try:
        float(text)
    except ValueError:
        return text.lower() in ("true", "false")
    return True


def typed(frame: Frame, spec: schema.LayerSpec) -> Frame:
    """``frame`` with each column in its schema type, so GDAL declares the right column
    types (an empty or all-missing column would otherwise become TEXT). A column whose
    values do not all convert is left as it is: nothing is lost."""
    out = frame.copy()
    for column in spec.columns:
        if column.dtype not in ("int", "float", "bool"):
            continue
        values = out[column.name]
        numbers = pd.to_numeric(values, errors="coerce")
        if (numbers.isna() & values.notna()).any():
            continue
        if column.dtype == "int":
            out[column.name] = numbers.round().astype("Int64")
        elif column.dtype == "float":
            out[column.name] = numbers.astype("float64")
        else:
            out[column.name] = numbers.map(lambda v: None if pd.isna(v) else bool(v)).astype(
                "boolean"
            )
    return out


def write_layer(path: Path, spec: schema.LayerSpec, frame: Frame) -> None:
    """Write one whole layer with GDAL (a new store, a layer an older file lacks or
    declared with the wrong column types), replacing it if present."""
    frame = typed(frame, spec)
    if spec.geometry_type is None:
        pyogrio.write_dataframe(
            pd.DataFrame(frame[list(spec.column_names)]), path, layer=spec.name, driver="GPKG"
        )
        return
    # "Geometry" (mixed points, lines, polygons) is OGR's "Unknown" type.
    geometry_type = "Unknown" if spec.geometry_type == "Geometry" else spec.geometry_type
    pyogrio.write_dataframe(
        frame,
        path,
        layer=spec.name,
        driver="GPKG",
        geometry_type=geometry_type,
        promote_to_multi=False,
    )


def write_meta_table(path: Path, meta: Mapping[str, str]) -> None:
    frame = pd.DataFrame({"key": list(meta), "value": [str(v) for v in meta.values()]})
    pyogrio.write_dataframe(frame, path, layer=META_LAYER, driver="GPKG")


def row_counts(con: sqlite3.Connection) -> dict[str, int]:
    return {
        spec.name: (
            int(con.execute(f'SELECT count(*) FROM "{spec.name}"').fetchone()[0])
            if has_table(con, spec.name)
            else 0
        )
        for spec in schema.LAYERS
    }


# --------------------------------------------------------------------- row writes
def apply_delta(con: sqlite3.Connection, delta: LayerDelta) -> None:
    """Delete, update and insert the delta's rows; keep gpkg_contents' extent and time."""
    spec = delta.spec
    table = f'"{spec.name}"'
    identity = list(spec.identity)
    match = " AND ".join(f'"{c}" = ?' for c in identity)
    if delta.replace:
        con.execute(f"DELETE FROM {table}")
    elif not delta.deleted.empty:
        keys = zip(*(plain_values(delta.deleted[c]) for c in identity), strict=True)
        con.executemany(f"DELETE FROM {table} WHERE {match}", keys)
    geometry_name, srs_id = geometry_column(con, spec)
    columns = [f'"{c}"' for c in spec.column_names]
    if geometry_name:
        columns.append(f'"{geometry_name}"')
    if not delta.updated.empty:
        sets = ", ".join(f"{c} = ?" for c in columns)
        rows = _rows(delta.updated, spec, srs_id)
        ids = zip(*(plain_values(delta.updated[c]) for c in identity), strict=True)
        con.executemany(
            f"UPDATE {table} SET {sets} WHERE {match}",
            (row + key for row, key in zip(rows, ids, strict=True)),
        )
    if not delta.inserted.empty:
        marks = ", ".join("?" * len(columns))
        con.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            _rows(delta.inserted, spec, srs_id),
        )
    _touch_contents(con, spec, delta)


def plain_values(values: pd.Series) -> list:
    """SQLite parameters: None for gaps, numpy scalars as Python values."""
    return [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in values]


def _rows(frame: Frame, spec: schema.LayerSpec, srs_id: int) -> list[tuple]:
    rows = list(db_values(frame, spec))
    if spec.geometry_type is None:
        return rows
    blobs = geometry_blobs(frame.geometry.to_numpy(), srs_id)
    return [(*row, blob) for row, blob in zip(rows, blobs, strict=True)]


def geometry_column(con: sqlite3.Connection, spec: schema.LayerSpec) -> tuple[str | None, int]:
    if spec.geometry_type is None:
        return None, 0
    found = con.execute(
        "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?",
        (spec.name,),
    ).fetchone()
    return (found[0], int(found[1])) if found else (None, 0)


def _touch_contents(con: sqlite3.Connection, spec: schema.LayerSpec, delta: LayerDelta) -> None:
    """GeoPackage readers trust gpkg_contents' time and extent: keep both right."""
    con.execute(
        "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
        "WHERE table_name = ?",
        (spec.name,),
    )
    if spec.geometry_type is None:
        return
    written = [f for f in (delta.updated, delta.inserted) if not f.empty]
    if not written:
        return
    minx, miny, maxx, maxy = shapely.total_bounds(
        np.concatenate([f.geometry.to_numpy() for f in written])
    )
    if np.isnan(minx):
        return
    con.execute(
        "UPDATE gpkg_contents SET "
        "min_x = min(coalesce(min_x, ?1), ?1), min_y = min(coalesce(min_y, ?2), ?2), "
        "max_x = max(coalesce(max_x, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4) "
        "WHERE table_name = ?5",
        (float(minx), float(miny), float(maxx), float(maxy), spec.name),
    )


# --------------------------------------------------------------------- meta and sample rows
def replace_meta(con: sqlite3.Connection, meta: Mapping[str, str]) -> None:
    con.execute(f"DELETE FROM {META_LAYER}")
    con.executemany(
        f"INSERT INTO {META_LAYER} (key, value) VALUES (?, ?)",
        [(str(k), str(v)) for k, v in meta.items()],
    )


def sample_keys(con: sqlite3.Connection) -> dict[str, set[str]]:
    if not has_table(con, SAMPLE_ROWS_TABLE):
        return {}
    out: dict[str, set[str]] = {}
    for layer, key in con.execute(f"SELECT layer, key FROM {SAMPLE_ROWS_TABLE}"):
        out.setdefault(layer, set()).add(key)
    return out


def replace_sample_keys(con: sqlite3.Connection, keys: Mapping[str, Iterable[str]]) -> None:
    """Make ``park_sample_rows`` hold exactly ``keys`` (created, and registered in
    gpkg_contents as an attributes table, if missing)."""
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {SAMPLE_ROWS_TABLE} ("
        "fid INTEGER PRIMARY KEY AUTOINCREMENT, layer TEXT NOT NULL, key TEXT NOT NULL)"
    )
    con.execute(
        f"CREATE INDEX IF NOT EXISTS {SAMPLE_ROWS_TABLE}_idx ON {SAMPLE_ROWS_TABLE} (layer, key)"
    )
    con.execute(
        "INSERT OR IGNORE INTO gpkg_contents "
        "(table_name, data_type, identifier, description, last_change) "
        "VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        (SAMPLE_ROWS_TABLE, SAMPLE_ROWS_TABLE, "Rows of the built-in sample park (示意数据)"),
    )
    con.execute(f"DELETE FROM {SAMPLE_ROWS_TABLE}")
    con.executemany(
        f"INSERT INTO {SAMPLE_ROWS_TABLE} (layer, key) VALUES (?, ?)",
        [(layer, str(key)) for layer, values in keys.items() for key in values],
    )


def _key_sql(spec: schema.LayerSpec) -> str:
    """SQL for a row's key text: identity values joined by U+001F, integral reals as ints
    (the same text as :func:`gis.store.base.row_keys` gives in Python)."""
    parts = [
        f'CASE WHEN typeof("{c}") = \'real\' AND "{c}" = CAST("{c}" AS INTEGER) '
        f'THEN CAST(CAST("{c}" AS INTEGER) AS TEXT) ELSE COALESCE(CAST("{c}" AS TEXT), \'\') END'
        for c in spec.identity
    ]
    return " || char(31) || ".join(parts)


def sample_row_counts(con: sqlite3.Connection) -> dict[str, int]:
    counts: dict[str, int] = {}
    if not has_table(con, SAMPLE_ROWS_TABLE):
        return counts
    for spec in schema.LAYERS:
        if not has_table(con, spec.name):
            continue
        n = con.execute(
            f'SELECT count(*) FROM "{spec.name}" WHERE {_key_sql(spec)} IN '
            f"(SELECT key FROM {SAMPLE_ROWS_TABLE} WHERE layer = ?)",
            (spec.name,),
        ).fetchone()[0]
        if n:
            counts[spec.name] = int(n)
    return counts


# --------------------------------------------------------------------- change triggers
def _trigger(layer: str, op: str) -> str:
    return f"{TRIGGER_PREFIX}{layer}_{op.lower()}"


def install_triggers(con: sqlite3.Connection, *, bump: bool = False) -> None:
    """Triggers raising ``data_version`` on every row inserted, changed or deleted in a
    layer; the app's own writes set the version once more at their end. ``bump``: raise
    it once now too (some triggers were missing: the data may have changed unseen)."""
    if bump:
        con.execute(
            f"UPDATE {META_LAYER} SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
            "WHERE key = 'data_version'"
        )
    tables = layer_tables(con)
    for spec in schema.ALL_TABLES:
        if spec.name not in tables:
            continue
        for column in _INDEXED.get(spec.name, spec.identity[:1]):
            con.execute(
                f'CREATE INDEX IF NOT EXISTS "park_idx_{spec.name}_{column}" '
                f'ON "{spec.name}" ("{column}")'
            )
        if spec.name == schema.AUDIT.name:
            for op in ("UPDATE", "DELETE"):  # the audit trail is append-only
                con.execute(
                    f'CREATE TRIGGER IF NOT EXISTS "{_trigger(spec.name, op)}" '
                    f'BEFORE {op} ON "{spec.name}" BEGIN '
                    f"SELECT RAISE(ABORT, '{spec.name} is append-only'); END"
                )
        if spec.name not in schema.LAYERS_BY_NAME:
            continue
        for op in _OPS:
            con.execute(
                f'CREATE TRIGGER IF NOT EXISTS "{_trigger(spec.name, op)}" '
                f'AFTER {op} ON "{spec.name}" BEGIN '
                f"UPDATE {META_LAYER} SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
                "WHERE key = 'data_version'; END"
            )


def watched(con: sqlite3.Connection) -> bool:
    """Every layer has its triggers, and a sample store has its list of sample rows."""
    tables = layer_tables(con)
    triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    sample_flag = con.execute(f"SELECT value FROM {META_LAYER} WHERE key = 'sample'").fetchone()
    want = {_trigger(s.name, op) for s in schema.LAYERS if s.name in tables for op in _OPS}
    if schema.AUDIT.name in tables:
        want |= {_trigger(schema.AUDIT.name, op) for op in ("UPDATE", "DELETE")}
    legacy_sample = sample_flag == ("true",) and SAMPLE_ROWS_TABLE not in tables
    return want <= triggers and not legacy_sample and not retypable_columns(con)
