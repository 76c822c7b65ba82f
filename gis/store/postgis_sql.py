"""The PostGIS backend's SQL: table definitions, reads into frames, COPY and bulk-update
writes, the data-version trigger and the audit table's guard.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql

from gis import schema
from gis.store.base import (
    META_LAYER,
    SAMPLE_ROWS_TABLE,
    Frame,
    RowFilter,
)
from gis.store.delta import db_column, db_values

_AUDIT_GUARD = "park_audit_append_only"


SRID = 4490


GEOM = "geom"


_PG_TYPES = {
    "str": "text",
    "int": "bigint",
    "float": "double precision",
    "bool": "boolean",
    "date": "text",
    "datetime": "text",
}


_BUMP_FUNCTION = "park_dv_bump"


_TRIGGER = "park_dv_{layer}"


#: The app's writers set this (transaction-local) so the triggers leave data_version to them.
_WRITER_SETTING = "park.writer"


#: Above this many rows an UPDATE goes through a temporary table filled by COPY.
_BULK_UPDATE = 64


# --------------------------------------------------------------------- SQL pieces
def _ident(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def _column_type(column: schema.Column) -> str:
    return _PG_TYPES[column.dtype]


def _geometry_type(spec: schema.LayerSpec) -> str:
    return "Geometry" if spec.geometry_type == "Geometry" else str(spec.geometry_type)


def _table_sql(spec: schema.LayerSpec) -> list[sql.Composable]:
    """CREATE TABLE (fid primary key, schema columns, geom, UNIQUE identity) and its index."""
    parts: list[sql.Composable] = [sql.SQL("fid bigserial PRIMARY KEY")]
    parts += [
        sql.SQL("{} {}").format(_ident(c.name), sql.SQL(_column_type(c))) for c in spec.columns
    ]
    if spec.geometry_type is not None:
        parts.append(
            sql.SQL("{} geometry({}, {})").format(
                _ident(GEOM), sql.SQL(_geometry_type(spec)), sql.Literal(SRID)
            )
        )
    parts.append(
        sql.SQL("CONSTRAINT {} UNIQUE ({})").format(
            _ident(f"{spec.name}_identity"), sql.SQL(", ").join(map(_ident, spec.identity))
        )
    )
    out = [sql.SQL("CREATE TABLE {} ({})").format(_ident(spec.name), sql.SQL(", ").join(parts))]
    if spec.geometry_type is not None:
        out.append(
            sql.SQL("CREATE INDEX {} ON {} USING gist ({})").format(
                _ident(f"{spec.name}_geom_idx"), _ident(spec.name), _ident(GEOM)
            )
        )
    if spec.name == "status_events":  # a parcel's events, read by every status change
        out.append(sql.SQL("CREATE INDEX status_events_parcel_idx ON status_events (parcel_code)"))
    return out


def _key_sql(spec: schema.LayerSpec) -> sql.Composable:
    """SQL for a row's key text (identity values joined by U+001F), the same text as
    :func:`gis.store.row_keys` gives in Python (integral floats as integers, bools 1/0)."""
    parts = []
    for name in spec.identity:
        column, col = spec.column(name), _ident(name)
        if column.dtype == "float":
            part = sql.SQL(
                "CASE WHEN {c} = trunc({c}) AND abs({c}) < 1e18 THEN ({c}::bigint)::text "
                "ELSE COALESCE({c}::text, '') END"
            ).format(c=col)
        elif column.dtype == "bool":
            part = sql.SQL("COALESCE(({c})::int::text, '')").format(c=col)
        else:
            part = sql.SQL("COALESCE(({c})::text, '')").format(c=col)
        parts.append(part)
    return sql.SQL(" || chr(31) || ").join(parts)


def _tables(conn: psycopg.Connection) -> set[str]:
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return {r[0] for r in rows}


def _columns(conn: psycopg.Connection, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [sql.Identifier(table).as_string(conn)],
    )
    return [r[0] for r in rows]


def _meta(conn: psycopg.Connection) -> dict[str, str]:
    return dict(conn.execute(f"SELECT key, value FROM {META_LAYER}").fetchall())


def _data_version(conn: psycopg.Connection) -> int:
    row = conn.execute(f"SELECT value FROM {META_LAYER} WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _read(
    conn: psycopg.Connection, spec: schema.LayerSpec, where: RowFilter | None = None
) -> Frame:
    """A layer (or the rows ``where`` picks) in schema column order (columns the table
    lacks are left out), fid order."""
    have = set(_columns(conn, spec.name))
    names = [c for c in spec.column_names if c in have]
    select = [_ident(c) for c in names]
    spatial = spec.geometry_type is not None and GEOM in have
    if spatial:
        select.append(sql.SQL("ST_AsBinary({})").format(_ident(GEOM)))
    query = sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(select) if select else sql.SQL("NULL"), _ident(spec.name)
    )
    params: list = []
    if where is not None:
        column, picked = where
        query += sql.SQL(" WHERE {} = ANY(%s)").format(_ident(column))
        dtype = spec.column(column).dtype
        params = [db_column(np.array(list(picked), dtype=object), dtype)]
    with conn.cursor(binary=True) as cur:
        cur.execute(query + sql.SQL(" ORDER BY fid"), params)
        rows = cur.fetchall()
    values = {c: [r[i] for r in rows] for i, c in enumerate(names)}
    geoms = None
    if spec.geometry_type is not None:
        wkbs = [r[len(names)] for r in rows] if spatial else [None] * len(rows)
        geoms = shapely.from_wkb(wkbs)
    return _frame(spec, values, geoms, text="object" if where is not None else "str")


def _frame(
    spec: schema.LayerSpec,
    values: dict[str, list],
    geoms: np.ndarray | None,
    *,
    text: str = "str",
) -> Frame:
    """A frame typed by the schema: text columns ``str`` (``text="object"``: Python
    objects, for the few rows a write picks); numbers ``float64`` (``int64`` for
    whole-number columns without gaps); ``bool`` without gaps, else objects."""
    data: dict[str, object] = {}
    for name, column in values.items():
        dtype = spec.column(name).dtype
        if dtype == "int" and None not in column:
            data[name] = np.array(column, dtype=np.int64)
        elif dtype in ("int", "float"):
            data[name] = np.array(column, dtype=np.float64)  # None -> NaN
        elif dtype == "bool":
            data[name] = np.array(column, dtype=bool if None not in column else object)
        elif text == "object":
            data[name] = np.array(column, dtype=object)
        else:
            data[name] = pd.array(column, dtype="str")
    rows = len(geoms) if geoms is not None else len(next(iter(values.values()), []))
    frame = pd.DataFrame(data, index=pd.RangeIndex(rows), copy=False)
    if geoms is None:
        return frame
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=f"EPSG:{SRID}"))


def _sample_keys(conn: psycopg.Connection) -> dict[str, set[str]]:
    if SAMPLE_ROWS_TABLE not in _tables(conn):
        return {}
    out: dict[str, set[str]] = {}
    for layer, key in conn.execute(f"SELECT layer, key FROM {SAMPLE_ROWS_TABLE}"):
        out.setdefault(layer, set()).add(key)
    return out


def _ewkb_hex(geom: object) -> str | None:
    """A geometry as hex EWKB with SRID 4490 (what COPY's text format reads into geometry)."""
    if geom is None or (isinstance(geom, float) and geom != geom):
        return None
    return shapely.to_wkb(shapely.set_srid(geom, SRID), hex=True, include_srid=True)


def _wkb(geom: object) -> bytes | None:
    if geom is None or (isinstance(geom, float) and geom != geom):
        return None
    return shapely.to_wkb(geom)


def _copy_rows(
    conn: psycopg.Connection, spec: schema.LayerSpec, rows: list[tuple], table: str | None = None
) -> None:
    """COPY ``rows`` (schema columns, then the geometry if spatial) into the layer's table."""
    if not rows:
        return
    names = [*spec.column_names, *([GEOM] if spec.geometry_type is not None else [])]
    query = sql.SQL("COPY {} ({}) FROM STDIN").format(
        _ident(table or spec.name), sql.SQL(", ").join(map(_ident, names))
    )
    n = len(spec.column_names)
    with conn.cursor() as cur, cur.copy(query) as copy:
        for row in rows:
            if spec.geometry_type is None:
                copy.write_row(row[:n])
            else:
                copy.write_row((*row[:n], _ewkb_hex(row[n])))


def _create_layer(conn: psycopg.Connection, spec: schema.LayerSpec) -> None:
    for statement in _table_sql(spec):
        conn.execute(statement)


def _install_watch(conn: psycopg.Connection) -> bool:
    """Create the bump function and any missing layer trigger; True if one was missing."""
    schema_name = conn.execute("SELECT current_schema()").fetchone()[0]
    meta_table = sql.Identifier(schema_name, META_LAYER).as_string(conn)
    function = sql.Identifier(schema_name, _BUMP_FUNCTION).as_string(conn)
    have_function = conn.execute(
        "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE p.proname = %s AND n.nspname = %s",
        [_BUMP_FUNCTION, schema_name],
    ).fetchone()
    if not have_function:
        conn.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            f"  IF coalesce(current_setting('{_WRITER_SETTING}', true), '') <> 'on' THEN\n"
            f"    UPDATE {meta_table} SET value = (value::bigint + 1)::text\n"
            "    WHERE key = 'data_version';\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END $$"
        )
    tables = _tables(conn)
    present = {
        r[0]
        for r in conn.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND t.tgname = 'park_dv_' || c.relname",
            [schema_name],
        )
    }
    missing = [s.name for s in schema.LAYERS if s.name in tables and s.name not in present]
    for name in missing:
        conn.execute(
            sql.SQL(
                "CREATE TRIGGER {} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {} "
                "FOR EACH STATEMENT EXECUTE FUNCTION {}()"
            ).format(
                _ident(_TRIGGER.format(layer=name)),
                _ident(name),
                sql.Identifier(schema_name, _BUMP_FUNCTION),
            )
        )
    guarded = _guard_audit(conn, schema_name, tables)
    return bool(missing) or not have_function or guarded


def _guard_audit(conn: psycopg.Connection, schema_name: str, tables: set[str]) -> bool:
    """Make the audit table append-only (a trigger refusing UPDATE, DELETE and TRUNCATE);
    True if the guard was missing."""
    if schema.AUDIT.name not in tables:
        return False
    found = conn.execute(
        "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s AND t.tgname = %s",
        [schema_name, schema.AUDIT.name, _AUDIT_GUARD],
    ).fetchone()
    if found:
        return False
    function = sql.Identifier(schema_name, _AUDIT_GUARD)
    conn.execute(
        sql.SQL(
            "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN RAISE EXCEPTION '{} is append-only'; END $$"
        ).format(function, sql.SQL(schema.AUDIT.name))
    )
    conn.execute(
        sql.SQL(
            "CREATE TRIGGER {} BEFORE UPDATE OR DELETE OR TRUNCATE ON {} "
            "FOR EACH STATEMENT EXECUTE FUNCTION {}()"
        ).format(_ident(_AUDIT_GUARD), _ident(schema.AUDIT.name), function)
    )
    return True


def _bump(conn: psycopg.Connection) -> None:
    conn.execute(
        f"UPDATE {META_LAYER} SET value = (value::bigint + 1)::text WHERE key = 'data_version'"
    )


def _rows_of(frame: Frame | None, spec: schema.LayerSpec) -> list[tuple]:
    """The rows of ``frame`` as plain Python values in schema column order, then the
    geometry (a shapely object) for a spatial layer."""
    if frame is None or len(frame) == 0:
        return []
    rows = list(db_values(frame, spec))
    if spec.geometry_type is None:
        return rows
    geoms = frame.geometry.to_numpy()
    return [(*row, geom) for row, geom in zip(rows, geoms, strict=True)]


def _missing_columns(conn: psycopg.Connection, spec: schema.LayerSpec) -> list[str]:
    have = set(_columns(conn, spec.name))
    return [c for c in spec.column_names if c not in have]


def _write_meta(conn: psycopg.Connection, meta: Mapping[str, str]) -> None:
    """Make park_meta hold exactly ``meta`` (rows updated in place, never deleted and
    re-inserted: a writer waiting on the data_version row then sees the new value)."""
    keys = [str(k) for k in meta]
    values = [None if v is None else str(v) for v in meta.values()]
    conn.execute(f"DELETE FROM {META_LAYER} WHERE NOT (key = ANY(%s))", [keys])
    conn.execute(
        f"INSERT INTO {META_LAYER} (key, value) SELECT * FROM unnest(%s::text[], %s::text[]) "
        f"ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value "
        f"WHERE {META_LAYER}.value IS DISTINCT FROM EXCLUDED.value",
        [keys, values],
    )


def _write_sample_keys(conn: psycopg.Connection, keys: Mapping[str, Iterable[str]]) -> None:
    query = f"COPY {SAMPLE_ROWS_TABLE} (layer, key) FROM STDIN"
    with conn.cursor() as cur, cur.copy(query) as copy:
        for layer, layer_keys in keys.items():
            for key in layer_keys:
                copy.write_row((layer, key))


def _identity_positions(spec: schema.LayerSpec) -> list[int]:
    return [spec.column_names.index(c) for c in spec.identity]


def _delete_keys(conn: psycopg.Connection, spec: schema.LayerSpec, keys: pd.DataFrame) -> None:
    """DELETE the rows whose identity values are those in ``keys`` (one statement)."""
    if keys is None or keys.empty:
        return
    arrays = [db_column(keys[c].to_numpy(object), spec.column(c).dtype) for c in spec.identity]
    unnest = sql.SQL(", ").join(
        sql.SQL("%s::{}[]").format(sql.SQL(_column_type(spec.column(c)))) for c in spec.identity
    )
    conn.execute(
        sql.SQL("DELETE FROM {} WHERE ({}) IN (SELECT * FROM unnest({}))").format(
            _ident(spec.name), sql.SQL(", ").join(map(_ident, spec.identity)), unnest
        ),
        arrays,
    )


def _update_rows(conn: psycopg.Connection, spec: schema.LayerSpec, rows: list[tuple]) -> None:
    """UPDATE every non-identity column (and the geometry) of ``rows``, matched by identity:
    a few rows by one prepared statement each, many through a temporary table and COPY."""
    if not rows:
        return
    identity = set(spec.identity)
    others = [c for c in spec.column_names if c not in identity]
    spatial = spec.geometry_type is not None
    table = _ident(spec.name)
    if len(rows) <= _BULK_UPDATE:
        sets = [sql.SQL("{} = %s").format(_ident(c)) for c in others]
        if spatial:
            sets.append(
                sql.SQL("{} = ST_GeomFromWKB(%s, {})").format(_ident(GEOM), sql.Literal(SRID))
            )
        where = sql.SQL(" AND ").join(sql.SQL("{} = %s").format(_ident(c)) for c in spec.identity)
        query = sql.SQL("UPDATE {} SET {} WHERE {}").format(table, sql.SQL(", ").join(sets), where)
        n = len(spec.column_names)
        other_pos = [spec.column_names.index(c) for c in others]
        id_pos = _identity_positions(spec)
        params = [
            [
                *(row[i] for i in other_pos),
                *([_wkb(row[n])] if spatial else []),
                *(row[i] for i in id_pos),
            ]
            for row in rows
        ]
        with conn.cursor() as cur:
            cur.executemany(query, params)
        return
    staging = f"park_update_{spec.name}"
    names = [*spec.column_names, *([GEOM] if spatial else [])]
    conn.execute(
        sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
            _ident(staging), sql.SQL(", ").join(map(_ident, names)), table
        )
    )
    _copy_rows(conn, spec, rows, table=staging)
    sets = [sql.SQL("{c} = s.{c}").format(c=_ident(c)) for c in others]
    if spatial:
        sets.append(sql.SQL("{c} = s.{c}").format(c=_ident(GEOM)))
    where = sql.SQL(" AND ").join(
        sql.SQL("t.{c} = s.{c}").format(c=_ident(c)) for c in spec.identity
    )
    conn.execute(
        sql.SQL("UPDATE {} AS t SET {} FROM {} AS s WHERE {}").format(
            table, sql.SQL(", ").join(sets), _ident(staging), where
        )
    )
    conn.execute(sql.SQL("DROP TABLE {}").format(_ident(staging)))
