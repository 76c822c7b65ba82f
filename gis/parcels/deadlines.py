"""Deadlines and idle-land rules (domain.md §2.3): start and completion due dates from the
contract, idle after one year, reclaimable after two, the idle fee and the warnings.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping
from datetime import date
from functools import partial

import numpy as np
import pandas as pd

from gis import vocabulary
from gis.parcels.lifecycle import safe_date
from gis.values import is_missing, per_distinct
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

    An empty or unreadable date means no deadline; an empty or unreadable extension, none.
    """
    table = deadlines(pd.DataFrame([dict(row)]), as_of)
    return {k: v.item() if isinstance(v, np.generic) else v for k, v in table.iloc[0].items()}


def deadlines(parcels: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """:func:`parcel_deadlines` of every parcel; ``parcels`` as of ``as_of``
    (see :func:`gis.parcels.history.statuses_as_of`). One row per parcel, :data:`DEADLINE_COLUMNS`.

    Column-wise: each cell's meaning is read once per distinct value (a district's 50,000
    parcels took 3.4 s row by row, the meeting page's key figures among them).
    """
    if len(parcels) == 0:
        return pd.DataFrame(columns=list(DEADLINE_COLUMNS))
    today = as_of.toordinal()
    extension = per_distinct(_column(parcels, "extension_days"), _extension_days).astype(np.int64)
    start, has_start = _ordinals(_column(parcels, "agreed_start"))
    completion, has_completion = _ordinals(_column(parcels, "agreed_completion"))
    start = start + extension
    completion = completion + (extension if EXTENSION_SHIFTS_COMPLETION else 0)
    construction = _column(parcels, CONSTRUCTION_FIELD)
    started = per_distinct(construction, partial(_construction_in, codes=STARTED_CODES))
    completed = per_distinct(construction, partial(_construction_in, codes=COMPLETED_CODES))
    gov = per_distinct(_column(parcels, "gov_cause_delay"), _flag).astype(bool)
    late_start = has_start & ~started.astype(bool) & (today > start)
    late_completion = has_completion & ~completed.astype(bool) & (today > completion)
    idle = _idle_years(start, late_start, as_of)
    price = _numbers(_column(parcels, "deal_price_wan"))
    charged = (idle > 0) & ~gov & ~np.isnan(price)
    fee = np.zeros(len(parcels))
    fee[charged] = [round(float(p) * IDLE_FEE_RATE, 2) for p in price[charged]]
    return pd.DataFrame(
        {
            "code": per_distinct(_column(parcels, "code"), str),
            "start_deadline": _dates(start, has_start),
            "completion_deadline": _dates(completion, has_completion),
            "start_overdue_days": np.where(late_start, today - start, 0),
            "completion_overdue_days": np.where(late_completion, today - completion, 0),
            "idle_years": idle,
            "idle_fee_wan": fee,
            "reclaimable": (idle == 2) & ~gov,
            "gov_cause": gov,
        },
        columns=list(DEADLINE_COLUMNS),
    )


def _column(parcels: pd.DataFrame, name: str) -> pd.Series:
    """A column, or empty cells where a partial store lacks it."""
    if name in parcels.columns:
        return parcels[name]
    return pd.Series(None, index=parcels.index, dtype=object)


def _ordinals(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's day as a proleptic ordinal (0 where empty or not a date), and where it is one."""
    days = per_distinct(values, _ordinal)
    known = ~pd.isna(days)
    return np.where(known, days, 0).astype(np.int64), known


def _ordinal(value: object) -> int | None:
    day = safe_date(value)
    return None if day is None else day.toordinal()


def _dates(ordinals: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Ordinals back to ``date`` objects (``None`` where unknown), one per distinct day."""
    out = np.full(len(ordinals), None, dtype=object)
    if known.any():
        days, inverse = np.unique(ordinals[known], return_inverse=True)
        out[known] = np.array([date.fromordinal(int(d)) for d in days], dtype=object)[inverse]
    return out


def _idle_years(start: np.ndarray, late: np.ndarray, as_of: date) -> np.ndarray:
    """0, 1 or 2 for each parcel late to start (see :func:`parcel_deadlines`)."""
    idle = np.zeros(len(start), dtype=np.int64)
    if late.any():
        days, inverse = np.unique(start[late], return_inverse=True)
        levels = np.array([_idle_level(date.fromordinal(int(d)), as_of) for d in days])
        idle[late] = levels[inverse]
    return idle


def _idle_level(start_deadline: date, as_of: date) -> int:
    if as_of >= add_years(start_deadline, RECLAIM_YEARS):
        return 2
    if as_of >= add_years(start_deadline, IDLE_YEARS):
        return 1
    return 0


def _numbers(values: pd.Series) -> np.ndarray:
    """Each cell as a float (NaN where empty or not a number); a number column as it is."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=float, na_value=np.nan)
    return per_distinct(values, _number).astype(float)


def _number(value: object) -> float:
    number = pd.to_numeric(value, errors="coerce") if not is_missing(value) else math.nan
    return math.nan if pd.isna(number) else float(number)


def _extension_days(value: object) -> int:
    days = _number(value)
    return 0 if math.isnan(days) else int(days)


def _flag(value: object) -> bool:
    return False if is_missing(value) else bool(value)


def _construction_in(value: object, codes: frozenset) -> bool:
    return str(value or "NOT_STARTED") in codes


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


def warning_kinds(table: pd.DataFrame) -> pd.Series:
    """The message key naming each warning row's worst problem (rows of :func:`warnings`)."""
    idle = table["idle_years"].to_numpy()
    kinds = np.select(
        [idle >= 2, idle >= 1, table["start_overdue_days"].to_numpy() > 0],
        ["warn_idle_2y", "warn_idle_1y", "warn_start_overdue"],
        "warn_completion_overdue",
    )
    return pd.Series(kinds, index=table.index, dtype=object)
