"""Reading the GeoPackage backend's layers: whole layers for the caches, the few rows a
write picks. Through Python's ``sqlite3``, never GDAL: a second SQLite library in the
process would drop this one's POSIX locks when it closes the file.

At district scale (50,000 parcels) Python's work per cell is what costs: each column
becomes a typed array in one pass of Arrow's type inference (:func:`_usual_values`), and
SQLite itself cuts each geometry's WKB out of its GeoPackage blob (:func:`_wkb_sql`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from gis import schema
from gis.store import gpkg_sql
from gis.store.base import Frame, RowFilter


def read_layer(
    con: sqlite3.Connection, spec: schema.LayerSpec, where: RowFilter | None = None
) -> Frame:
    """One layer (or the rows ``where`` picks) through this connection. Types as GDAL
    gives them: numbers with gaps as floats, text as ``str``, dates as ISO text."""
    have = {r[1] for r in con.execute(f'PRAGMA table_info("{spec.name}")')}
    columns = [c for c in spec.column_names if c in have]
    geometry_column, _ = gpkg_sql.geometry_column(con, spec)
    select = [f'"{c}"' for c in columns] + ([_wkb_sql(geometry_column)] if geometry_column else [])
    sql = f'SELECT {", ".join(select)} FROM "{spec.name}"'
    params: list = []
    if where is not None:
        column, values = where
        params = gpkg_sql.plain_values(pd.Series(list(values), dtype=object))
        sql += f' WHERE "{column}" IN ({", ".join("?" * len(params))})' if params else " WHERE 0"
    rows = con.execute(sql + " ORDER BY fid", params).fetchall()
    # The few rows a write picks keep text as Python objects (no Arrow round trips in the
    # comparisons that follow); whole layers have pandas' "str" columns, as GDAL gives.
    text = "object" if where is not None else "str"
    values = list(zip(*rows, strict=True)) if rows else [() for _ in select]
    frame = pd.DataFrame(
        {
            c: _typed_values(v, spec.column(c).dtype, text=text)
            for c, v in zip(columns, values, strict=False)
        }
    )
    if spec.geometry_type is None:
        return frame
    wkb = np.array(values[-1] if geometry_column else [None] * len(frame), dtype=object)
    geometry = gpd.GeoSeries(shapely.from_wkb(wkb), crs="EPSG:4490")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4490")


def _wkb_sql(column: str) -> str:
    """The WKB inside a GeoPackage blob, cut out by SQLite (no Python per row): the blob
    after its 8-byte header and the envelope its flags announce (bits 1-3: none, 4, 6, 6
    or 8 doubles; GeoPackage 1.3 §2.1.3); NULL when the cell is not such a blob."""
    g = f'"{column}"'
    envelope = f"(instr('0123456789ABCDEF', substr(hex(substr({g}, 4, 1)), 2, 1)) - 1) >> 1"
    doubles = "".join(
        f" WHEN {code} THEN {n}" for code, n in gpkg_sql.ENVELOPE_DOUBLES.items() if n
    )
    return (
        f"CASE WHEN typeof({g}) = 'blob' AND length({g}) >= 8 AND substr({g}, 1, 2) = x'4750'"
        f" THEN substr({g}, 9 + 8 * (CASE ({envelope}){doubles} ELSE 0 END)) END"
    )


def column_values(con: sqlite3.Connection, layer: str, column: str, where: RowFilter) -> list:
    """One column's values in the rows ``where`` picks (a quick look, no frame)."""
    by, picked = where
    params = gpkg_sql.plain_values(pd.Series(list(picked), dtype=object))
    if not params:
        return []
    marks = ", ".join("?" * len(params))
    sql = f'SELECT "{column}" FROM "{layer}" WHERE "{by}" IN ({marks}) ORDER BY fid'
    return [r[0] for r in con.execute(sql, params)]


def _typed_values(values: Sequence, dtype: str, *, text: str = "str") -> np.ndarray | pd.Series:
    """One column's cells as its schema type says, whatever an outside tool left in them."""
    usual = _usual_values(values, dtype, text)
    if usual is not None:
        return usual
    types = set(map(type, values))
    if dtype in ("int", "float") and types <= {int, float}:
        numbers = np.array(values, dtype="float64")  # the usual case, without pandas
        return numbers.astype("int64") if dtype == "int" and len(numbers) else numbers
    if dtype in ("int", "float"):
        numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
        if dtype == "int" and not numbers.isna().any():
            return numbers.astype("int64")
        return numbers.astype("float64")
    if dtype == "bool":
        flags = [None if v is None else bool(v) for v in values]
        return pd.Series(flags, dtype=bool if None not in flags else object)
    if not types <= {type(None), str}:
        values = [None if v is None else str(v) for v in values]
    if text == "str":  # straight into Arrow: pandas' own conversion is 3-4x slower
        return pd.array(pa.array(values, type=pa.large_string()), dtype="str")
    return pd.Series(values, dtype=text)


_NUMBERS = (pa.float64(), pa.int64(), pa.null())
_TEXTS = (pa.string(), pa.large_string(), pa.null())


def _usual_values(values: Sequence, dtype: str, text: str) -> np.ndarray | pd.Series | None:
    """A column of the cells its type expects (numbers, or text, with gaps) in one pass of
    Arrow's type inference; a pass over 50,000 cells in Python costs ~10 ms a column.
    None for anything else (text in a number column, numbers in a text column, integers
    beyond 2**53, booleans): :func:`_typed_values` converts those as before."""
    if dtype == "bool" or (text != "str" and dtype not in ("int", "float")):
        return None
    try:
        column = pa.array(values)
        if dtype in ("int", "float") and column.type in _NUMBERS:
            numbers = column.cast(pa.float64()).to_numpy(zero_copy_only=False)
            whole = dtype == "int" and len(numbers) > 0 and column.null_count == 0
            return numbers.astype("int64") if whole else numbers
        if dtype not in ("int", "float") and column.type in _TEXTS:
            return pd.array(column.cast(pa.large_string()), dtype="str")
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        pass
    return None
