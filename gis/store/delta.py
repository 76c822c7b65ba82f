"""Row-level differences between a layer's stored rows and its new contents.

A write hands the store whole layers (simple for the callers, who edit frames); the
store writes only what differs, matched by the layer's identity columns
(:attr:`gis.schema.LayerSpec.identity`). A status change then touches one parcel row and
adds one event row, whatever the size of the park.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import schema

Frame = gpd.GeoDataFrame | pd.DataFrame


@dataclass(frozen=True)
class LayerDelta:
    """What to do to one layer: delete, update and insert rows, or replace them all."""

    spec: schema.LayerSpec
    deleted: pd.DataFrame  # the identity columns of the rows to delete
    updated: Frame  # whole rows, matched by identity
    inserted: Frame  # whole new rows
    replace: bool = False  # delete every row first, then insert ``inserted``

    @classmethod
    def replacing(cls, spec: schema.LayerSpec, frame: Frame) -> LayerDelta:
        """Every row replaced by ``frame`` (an import, a restore)."""
        none = frame.iloc[0:0]
        return cls(spec, pd.DataFrame(none[list(spec.identity)]), none, frame, replace=True)

    @property
    def empty(self) -> bool:
        return (
            not self.replace and self.deleted.empty and self.updated.empty and self.inserted.empty
        )


def layer_delta(spec: schema.LayerSpec, old: Frame, new: Frame) -> LayerDelta:
    """The changes that turn the stored rows ``old`` into ``new`` (both with the layer's
    columns; ``new`` checked to have unique identities). If the stored rows repeat an
    identity (edited outside the app) they cannot be matched: every row is replaced.

    Works on the frames' values as arrays (a status change compares one parcel row: the
    cost is pandas' per-operation overhead, so the operations are few)."""
    from gis.store.base import key_texts

    columns = list(spec.column_names)
    if any(c not in old.columns for c in columns):
        return LayerDelta.replacing(spec, new)
    old_values = old[columns].to_numpy(object)
    new_values = new[columns].to_numpy(object)
    at = [columns.index(c) for c in spec.identity]
    old_keys = key_texts(old_values[:, at])
    position = {key: i for i, key in enumerate(old_keys)}
    if len(position) != len(old_keys):
        return LayerDelta.replacing(spec, new)
    found = np.array([position.get(key, -1) for key in key_texts(new_values[:, at])], dtype=int)
    known = found >= 0
    gone = np.ones(len(old), dtype=bool)
    gone[found[known]] = False
    same = _same(old_values[found[known]], new_values[known])
    differs = ~same.all(axis=1) if same.size else np.zeros(int(known.sum()), dtype=bool)
    if spec.geometry_type is not None:
        old_geometry = old.geometry.to_numpy()[found[known]]
        differs |= ~_same_geometry(old_geometry, new.geometry.to_numpy()[known])
    return LayerDelta(
        spec,
        deleted=pd.DataFrame(old[list(spec.identity)].iloc[np.flatnonzero(gone)]),
        updated=new.iloc[np.flatnonzero(known)[differs]],
        inserted=new.iloc[np.flatnonzero(~known)],
    )


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise equality (of two arrays of one shape) where two missing values are
    equal (None, NaN, NA alike)."""
    a_missing = pd.isna(a)
    b_missing = pd.isna(b)
    a = np.where(a_missing, None, a)
    b = np.where(b_missing, None, b)
    equal = np.asarray(a == b, dtype=bool) if a.size else np.zeros(a.shape, dtype=bool)
    return (a_missing & b_missing) | (~a_missing & ~b_missing & equal)


def _same_geometry(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a_missing = shapely.is_missing(a)
    b_missing = shapely.is_missing(b)
    exact = shapely.equals_exact(a, b, tolerance=0.0)
    return (a_missing & b_missing) | np.asarray(exact, dtype=bool)


# --------------------------------------------------------------------- values for SQL
def db_values(frame: Frame, spec: schema.LayerSpec) -> Iterator[tuple]:
    """Each row's values in schema column order, as plain Python for a database driver:
    ``None`` for a missing value, ``bool``/``int``/``float``/``str`` by column type,
    dates as ISO text."""
    columns = [
        db_column(frame[c].to_numpy(object), spec.column(c).dtype) for c in spec.column_names
    ]
    return zip(*columns, strict=True) if columns else iter(())


def db_column(values: np.ndarray, dtype: str) -> list:
    """One column's values as plain Python for a database driver (see :func:`db_values`)."""
    convert = _CONVERTERS[dtype]
    return [None if _missing(v) else convert(v) for v in values]


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _as_int(value: object) -> int | float:
    number = float(value)  # type: ignore[arg-type]
    return int(number) if number.is_integer() else number


def _as_text(value: object) -> str:
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def _as_day(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, date) else str(value)


_CONVERTERS = {
    "str": _as_text,
    "date": _as_day,
    "datetime": _as_text,
    "int": _as_int,
    "float": float,
    "bool": bool,
}
