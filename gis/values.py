"""Tests on single cell values shared by the domain modules (one definition of "missing")."""

from __future__ import annotations

import math

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
