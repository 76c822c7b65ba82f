"""Tests on single cell values shared by the domain modules (one definition of "missing")."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime

import numpy as np
import pandas as pd


def is_missing(value: object) -> bool:
    """True for an empty cell: None, ``pd.NA`` or a float NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def is_finite(value: object) -> bool:
    """True when ``value`` reads as a finite number."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def iso_day(value: object) -> str | None:
    """``value`` as ``YYYY-MM-DD`` if it is a date (a date object, or text starting
    ``YYYY-MM-DD``), else ``None``: stored cells that may be empty or written by hand."""
    if is_missing(value) or value is pd.NaT:
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError:
        return None


def per_distinct(values: pd.Series, convert: Callable[[object], object]) -> np.ndarray:
    """``convert`` of every cell of ``values`` (``None`` for an empty cell), as an object
    array in the same order, called once per distinct value: a district's columns of
    dates, statuses and flags hold few distinct values, and one Python call per cell of
    50,000 parcels was most of the time of a table (:mod:`gis.parcels.deadlines`)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)  # the last one: the empty cells (-1)
    for i, value in enumerate(uniques):
        table[i] = convert(value)
    table[-1] = convert(None)
    return table[codes]


def iso_days(values: pd.Series) -> pd.Series:
    """:func:`iso_day` of every cell of ``values`` (same index, ``None`` where it is not a
    date), the common case — text ``YYYY-MM-DD…`` — checked for the whole column at once.

    A district's 50,000 parcels have 17 date columns: one Python call per cell was most of
    the time of an as-of replay. A text column (as stores give) holds few distinct days,
    so each distinct value goes through :func:`iso_day` once; otherwise cells that are not
    such text (date objects, other ISO spellings) still go through :func:`iso_day`, so
    every way gives the same answer (tests/test_history_reference.py).
    """
    out = pd.Series(None, index=values.index, dtype=object)
    if values.empty:
        return out
    if isinstance(values.dtype, pd.StringDtype):
        # 13 columns of 50,000 dates: 0.6 s cell-wise below, 0.05 s one call per distinct day.
        codes, uniques = pd.factorize(values)
        if len(uniques) * 4 <= len(values):
            days = np.array([*map(iso_day, uniques), None], dtype=object)
            return pd.Series(days[codes], index=values.index, dtype=object)
    # Dates and timestamps print as ISO text, so one text column covers them too.
    text = values.astype("string").str.strip().str[:10]
    # ASCII digits only, as date.fromisoformat reads them (\d would take full-width ones).
    shaped = text.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fillna(False).astype(bool)
    real = pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce").notna()
    out[real] = text[real].astype(object)
    rest = (~shaped & values.notna()).to_numpy(dtype=bool)
    if rest.any():
        out[rest] = values[rest].map(iso_day)
    return out.where(out.notna(), None)
