"""The deadline table as it was before it was computed column-wise (#15): one Python call
per parcel. A reference the column-wise :func:`gis.parcels.deadlines.deadlines` must agree
with, cell for cell (tests/test_deadlines_reference.py). Delete it when the deadline rules
are meant to change.

Where the two differ on purpose: an extension that is text but not a number (``"soon"``)
raised ``ValueError`` here, and an empty construction status of a string column
(``pd.NA``) raised ``TypeError``; the table reads them as no extension and not started.
A parcel without a code had ``"nan"`` or ``"None"`` by the column's dtype; now ``"None"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd

from gis.parcels.deadlines import (
    COMPLETED_CODES,
    DEADLINE_COLUMNS,
    EXTENSION_SHIFTS_COMPLETION,
    IDLE_FEE_RATE,
    IDLE_YEARS,
    RECLAIM_YEARS,
    STARTED_CODES,
    add_years,
)
from gis.parcels.lifecycle import safe_date
from gis.vocabulary import CONSTRUCTION_FIELD


def _shift(day: date | None, days: int) -> date | None:
    return None if day is None else date.fromordinal(day.toordinal() + days)


def parcel_deadlines(row: Mapping, as_of: date) -> dict:
    ext = int(row.get("extension_days") or 0) if not pd.isna(row.get("extension_days")) else 0
    agreed_start = safe_date(row.get("agreed_start"))
    agreed_completion = safe_date(row.get("agreed_completion"))
    start_deadline = _shift(agreed_start, ext)
    completion_deadline = _shift(agreed_completion, ext if EXTENSION_SHIFTS_COMPLETION else 0)
    construction = str(row.get(CONSTRUCTION_FIELD) or "NOT_STARTED")
    gov = bool(row.get("gov_cause_delay")) if not pd.isna(row.get("gov_cause_delay")) else False
    started = construction in STARTED_CODES
    completed = construction in COMPLETED_CODES
    start_overdue = 0
    idle = 0
    if start_deadline is not None and not started and as_of > start_deadline:
        start_overdue = (as_of - start_deadline).days
        if as_of >= add_years(start_deadline, RECLAIM_YEARS):
            idle = 2
        elif as_of >= add_years(start_deadline, IDLE_YEARS):
            idle = 1
    completion_overdue = 0
    if completion_deadline is not None and not completed and as_of > completion_deadline:
        completion_overdue = (as_of - completion_deadline).days
    price = pd.to_numeric(row.get("deal_price_wan"), errors="coerce")
    fee = 0.0
    if idle and not gov and not pd.isna(price):
        fee = round(float(price) * IDLE_FEE_RATE, 2)
    return {
        "code": str(row.get("code")),
        "start_deadline": start_deadline,
        "completion_deadline": completion_deadline,
        "start_overdue_days": start_overdue,
        "completion_overdue_days": completion_overdue,
        "idle_years": idle,
        "idle_fee_wan": fee,
        "reclaimable": idle == 2 and not gov,
        "gov_cause": gov,
    }


def deadlines(parcels: pd.DataFrame, as_of: date) -> pd.DataFrame:
    rows = [parcel_deadlines(r, as_of) for r in parcels.to_dict(orient="records")]
    return pd.DataFrame(rows, columns=list(DEADLINE_COLUMNS))
