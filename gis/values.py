"""Tests on single cell values shared by the domain modules (one definition of "missing")."""

from __future__ import annotations

import math
from datetime import date, datetime

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
