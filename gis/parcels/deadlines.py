"""Deadlines and idle-land rules (domain.md §2.3): start and completion due dates from the
contract, idle after one year, reclaimable after two, the idle fee and the warnings.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date

import pandas as pd

from gis import vocabulary
from gis.parcels.lifecycle import safe_date
from gis.vocabulary import CONSTRUCTION_FIELD

# ------------------------------------------------------------------ constants (domain.md §2.2)
#: Not started this many years after the (extended) agreed start: idle land, fee due.
IDLE_YEARS = 1


#: Not started this many years after the agreed start: land may be reclaimed free of charge.
RECLAIM_YEARS = 2


#: Idle-land fee (土地闲置费) as a share of the grant (deal) price.
IDLE_FEE_RATE = 0.20


#: An approved extension (``extension_days``) shifts the agreed completion as well as the
#: agreed start: the contract's construction period is kept.
EXTENSION_SHIFTS_COMPLETION = True


#: Construction statuses that count as started for deadlines (开工 or later).
STARTED_CODES = vocabulary.STARTED_CONSTRUCTION_CODES


#: ... and as completed (竣工 or later).
COMPLETED_CODES = frozenset({"COMPLETED", "IN_PRODUCTION", "AT_CAPACITY"})


# ------------------------------------------------------------------ dates
def add_years(day: date, years: int) -> date:
    """``day`` plus whole years; 29 February becomes 28 February in a common year.

    民法典 第203条 (recalled): a period counted in years ends on the corresponding day; a
    month without that day ends the period on its last day.
    """
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return date(year, day.month, min(day.day, last))


# ------------------------------------------------------------------ deadlines
DEADLINE_COLUMNS = (
    "code",
    "start_deadline",
    "completion_deadline",
    "start_overdue_days",
    "completion_overdue_days",
    "idle_years",
    "idle_fee_wan",
    "reclaimable",
    "gov_cause",
)


def _shift(day: date | None, days: int) -> date | None:
    return None if day is None else date.fromordinal(day.toordinal() + days)


def parcel_deadlines(row: Mapping, as_of: date) -> dict:
    """Deadlines of one parcel as of ``as_of``; ``row`` carries its statuses as of that day.

    - ``start_deadline``: agreed start + ``extension_days``;
    - ``completion_deadline``: agreed completion (+ extension, see
      :data:`EXTENSION_SHIFTS_COMPLETION`);
    - ``start_overdue_days``: days past the start deadline while not started (0 if none);
    - ``completion_overdue_days``: days past the completion deadline while not completed;
    - ``idle_years``: 0, 1 (≥ :data:`IDLE_YEARS` full years not started after the start
      deadline, the anniversary day included) or 2 (≥ :data:`RECLAIM_YEARS`);
    - ``idle_fee_wan``: :data:`IDLE_FEE_RATE` × deal price when idle, 0 when the delay is
      the government's; ``reclaimable``: idle 2 years and not the government's delay.
    """
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
    """:func:`parcel_deadlines` of every parcel; ``parcels`` as of ``as_of``
    (see :func:`gis.parcels.history.statuses_as_of`). One row per parcel, :data:`DEADLINE_COLUMNS`."""
    rows = [parcel_deadlines(r, as_of) for r in parcels.to_dict(orient="records")]
    return pd.DataFrame(rows, columns=list(DEADLINE_COLUMNS))


def warnings(parcels: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The parcels overdue or idle on ``as_of``, worst first (idle years, then days)."""
    table = deadlines(parcels, as_of)
    late = table[
        (table["start_overdue_days"] > 0)
        | (table["completion_overdue_days"] > 0)
        | (table["idle_years"] > 0)
    ]
    order = late.assign(
        _days=late[["start_overdue_days", "completion_overdue_days"]].max(axis=1)
    ).sort_values(["idle_years", "_days", "code"], ascending=[False, False, True])
    return order.drop(columns="_days").reset_index(drop=True)


def warning_kind(row: Mapping) -> str:
    """The message key naming a warning row's worst problem."""
    if row["idle_years"] >= 2:
        return "warn_idle_2y"
    if row["idle_years"] >= 1:
        return "warn_idle_1y"
    if row["start_overdue_days"] > 0:
        return "warn_start_overdue"
    return "warn_completion_overdue"
