"""Status history: "the status as of date D" is a query over the ``status_events`` rows.

Every status change is an event (parcel, field, old → new, effective date, recorded-at,
author, note). A wrong event is never edited or deleted: a later event names it in
``supersedes`` and replaces it. The as-of date control, the parcel timeline and the
audit trail all read the events through this module.

A parcel's own date columns (规划 ``plan_date`` … 交地 ``delivery_date``, 开工
``start_date`` … 达产 ``capacity_date``; :mod:`gis.vocabulary` names the column of each
status) also tell its history. :func:`derived_events` turns each known date into an event
marked ``derived``; :func:`with_derived` adds those the recorded events do not already
tell — every step of a parcel with no events (added in QGIS or another tool), and the
steps before the first recorded event of a field (an import records only the current
status). A parcel with neither events nor dates shows its record's statuses on every
date.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from gis.values import iso_days
from gis.vocabulary import (
    CONSTRUCTION_FIELD,
    CONSTRUCTION_STATUSES,
    SALE_FIELD,
    SALE_STATUSES,
)

#: Construction status of a parcel with no construction event yet.
INITIAL_CONSTRUCTION = "NOT_STARTED"
#: The steps a record's dates can tell: (field, status code, order, date column).
_STEPS = tuple(
    (field, s.code, s.order, s.date_field)
    for field, statuses in (
        (SALE_FIELD, SALE_STATUSES),
        (CONSTRUCTION_FIELD, CONSTRUCTION_STATUSES),
    )
    for s in statuses
    if not (field == CONSTRUCTION_FIELD and s.code == INITIAL_CONSTRUCTION)
)
_ORDER = {(field, code): order for field, code, order, _ in _STEPS}
_ORDER[(CONSTRUCTION_FIELD, INITIAL_CONSTRUCTION)] = 0
_EVENT_COLUMNS = (
    "event_id",
    "parcel_code",
    "field",
    "old_status",
    "new_status",
    "effective_date",
    "recorded_at",
    "author",
    "note",
    "supersedes",
)


def _event_ids(events: pd.DataFrame) -> pd.Series:
    """Event ids as numbers (a row written by another client may lack one: NaN)."""
    return pd.to_numeric(events["event_id"], errors="coerce")


def _superseded(events: pd.DataFrame) -> set[int]:
    """Ids of the events a correction replaced."""
    return set(pd.to_numeric(events["supersedes"], errors="coerce").dropna().astype(int))


def effective_events(events: pd.DataFrame, as_of: date | None = None) -> pd.DataFrame:
    """The events in force: not superseded, and effective on or before ``as_of``.

    Sorted by effective date, then by when they were recorded, then by id, so the last
    row per (parcel, field) is the status in force.
    """
    live = events[~_event_ids(events).isin(_superseded(events))]
    if as_of is not None:
        live = live[live["effective_date"].astype(str) <= as_of.isoformat()]
    return live.sort_values(["effective_date", "recorded_at", "event_id"], kind="stable")


def derived_events(parcels: pd.DataFrame) -> pd.DataFrame:
    """One event per known status date of each parcel, ``derived`` from its record.

    Columns of ``status_events`` plus ``derived`` (True). ``note`` names the date column
    the event comes from, ``author`` and ``recorded_at`` are empty, ``event_id`` is
    negative (never a recorded id). Per parcel and field, events follow their dates (a
    tie in status order) and ``old_status`` is the step before. Rows without a code and
    dates that are not ``YYYY-MM-DD`` are skipped (:func:`gis.store.validate_frames`
    reports them).
    """
    codes = parcels["code"] if "code" in parcels.columns else None
    has_code = codes.notna().to_numpy() if codes is not None else None
    rows, steps, days = [], [], []  # per step: the parcels with that date, and the dates
    for step, (_, _, _, column) in enumerate(_STEPS):
        if codes is None or column not in parcels.columns:
            continue
        known = iso_days(parcels[column]).to_numpy()
        picked = np.flatnonzero(pd.notna(known) & has_code)
        rows.append(picked)
        steps.append(np.full(len(picked), step))
        days.append(known[picked])
    if not sum(map(len, rows)):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in (*_EVENT_COLUMNS, "derived")})
    row, step, day = np.concatenate(rows), np.concatenate(steps), np.concatenate(days)
    field, status, order, column = (np.array(v, dtype=object) for v in zip(*_STEPS, strict=True))
    # Sorted by parcel, field, date, then step order; stable, so ties keep the steps' order.
    by_code, code_texts = pd.factorize(codes.astype(str).to_numpy(dtype=object)[row], sort=True)
    by_day, day_texts = pd.factorize(day, sort=True)
    by_field = pd.factorize(field, sort=True)[0][step]
    sort = np.lexsort((order[step].astype(int), by_day, by_field, by_code))
    step, by_code, by_field = step[sort], by_code[sort], by_field[sort]
    # The step before, within the same parcel and field; a construction starts NOT_STARTED.
    same = np.zeros(len(sort), dtype=bool)
    same[1:] = (by_code[1:] == by_code[:-1]) & (by_field[1:] == by_field[:-1])
    old = np.where(field[step] == CONSTRUCTION_FIELD, INITIAL_CONSTRUCTION, None)
    old[1:] = np.where(same[1:], status[step][:-1], old[1:])
    n = len(sort)
    # Text columns taken from their few distinct values: no Python string per row.
    return pd.DataFrame(
        {
            "event_id": np.arange(-n, 0),
            "parcel_code": _texts(code_texts, by_code),
            "field": _texts(field, step),
            "old_status": pd.Series(old, dtype=object),
            "new_status": _texts(status, step),
            "effective_date": _texts(day_texts, by_day[sort]),
            "recorded_at": _texts([""], np.zeros(n, dtype=int)),
            "author": _texts([""], np.zeros(n, dtype=int)),
            "note": _texts(column, step),
            "supersedes": None,
            "derived": True,
        }
    )


def _texts(values: Sequence[str], picks: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values[picks]`` as a pandas text array."""
    return pd.array(list(values), dtype="str").take(picks)


def with_derived(parcels: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The recorded ``events`` (``derived`` False) plus the derived events they do not
    already tell: per field, all of a parcel's when that field has no recorded event, else those
    dated before the field's first recorded event and of an earlier step (an import
    records only the current status). Once recorded, the history is the record of truth:
    a later date in the parcel's columns without an event (a status changed in QGIS) is
    not replayed; :func:`gis.store.validate_frames` warns that the two differ."""
    recorded = events.copy()
    recorded["derived"] = False
    derived = derived_events(parcels)
    if derived.empty:
        return recorded
    live = effective_events(recorded)
    live = live[live["parcel_code"].notna()]
    keys = ["parcel_code", "field"]
    grouped = live.assign(parcel_code=live["parcel_code"].astype(str)).groupby(keys)
    bounds = pd.DataFrame(
        {
            "first_date": grouped["effective_date"].first().astype(str),
            "first_status": grouped["new_status"].first(),
        }
    ).reset_index()
    merged = derived.merge(bounds, on=keys, how="left", indicator=True)
    order, first = (
        _orders(merged["field"], merged["new_status"]),
        _orders(merged["field"], merged["first_status"]),
    )
    # Per field: a parcel whose construction is recorded but whose sale is not (or the
    # other way round) still takes the untold field's history from its dates.
    untold = merged["_merge"] == "left_only"
    before = (merged["effective_date"] < merged["first_date"]) & (order < first)
    keep = (untold | before).to_numpy()
    extra = derived[keep]
    if extra.empty:
        return recorded
    if recorded.empty:
        return extra.reset_index(drop=True)
    return pd.concat([recorded, extra], ignore_index=True)


def _orders(fields: pd.Series, statuses: pd.Series) -> pd.Series:
    """The step order of each (field, status) pair (NaN for an unknown one), column-wise."""
    by_field, field_names = pd.factorize(fields)
    by_status, status_names = pd.factorize(statuses)
    # A table over the few distinct fields and statuses, looked up by position.
    table = np.array(
        [[_ORDER.get((f, s), np.nan) for s in status_names] for f in field_names], dtype=float
    ).reshape(len(field_names), len(status_names))
    out = np.full(len(fields), np.nan)
    known = (by_field >= 0) & (by_status >= 0)
    out[known] = table[by_field[known], by_status[known]]
    return pd.Series(out, index=fields.index)


def statuses_as_of(
    parcels: gpd.GeoDataFrame, events: pd.DataFrame, as_of: date
) -> gpd.GeoDataFrame:
    """``parcels`` with ``sale_status`` and ``construction_status`` as they stood on ``as_of``.

    Replayed from the recorded events and the parcels' own dates (:func:`with_derived`).
    A parcel whose history (events or dates) starts after ``as_of`` was not planned yet
    and is left out — :func:`as_of_gaps` counts those; a parcel with neither events nor
    dates keeps its record's status. A parcel with no construction event by then had not
    started (``NOT_STARTED``).
    """
    history = with_derived(parcels, events)
    live = effective_events(history, as_of)
    live = live[live["parcel_code"].notna()].assign(
        parcel_code=lambda f: f["parcel_code"].astype(str)
    )
    last = live.groupby(["parcel_code", "field"])["new_status"].last().astype(object)
    sale = _field_of(last, SALE_FIELD)
    built = _field_of(last, CONSTRUCTION_FIELD)
    codes = _code_texts(parcels["code"])
    # unique() first: a set of 300,000 codes built cell by cell took a third of the replay.
    told = history["parcel_code"].dropna().astype(str).unique()
    undated = ~codes.isin(told)
    shown = (codes.isin(sale.index) | undated).to_numpy()
    # Usually every parcel is shown: a plain copy does not gather each column row by row.
    out = parcels.copy() if shown.all() else parcels[shown].copy()
    codes, undated = codes[shown], undated[shown]
    out[SALE_FIELD] = codes.map(sale).where(~undated, out[SALE_FIELD]).astype(object)
    record_built = out[CONSTRUCTION_FIELD].where(
        out[CONSTRUCTION_FIELD].notna(), INITIAL_CONSTRUCTION
    )
    replayed = codes.map(built).astype(object).fillna(INITIAL_CONSTRUCTION)
    out[CONSTRUCTION_FIELD] = replayed.where(~undated, record_built).astype(object)
    return out


def _code_texts(codes: pd.Series) -> pd.Series:
    """Each code as text, ``None`` where it is blank (:func:`_blank`), column-wise."""
    text = codes.astype(object).where(codes.notna(), None)
    text = text.map(str, na_action="ignore")
    return text.where(text.notna() & (text.str.strip() != ""), None).astype(object)


def _blank(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


@dataclass(frozen=True)
class AsOfGaps:
    """What the as-of map cannot show as replayed history, by reason.

    ``not_yet``: codes of the parcels left out because every date they have (events or
    record) is after the as-of date — not planned yet. ``undated``: codes of the parcels
    with no event and no date at all, shown with their record's status on every date.
    """

    as_of: date
    not_yet: tuple[str, ...] = ()
    undated: tuple[str, ...] = ()

    def messages(self, limit: int = 8) -> list[tuple[str, dict]]:
        """(message key, params) for each reason with parcels, for a page to show:
        ``for key, params in gaps.messages(): st.info(t(key, lang, **params))``."""
        out = []
        for key, codes in (("asof_not_yet", self.not_yet), ("asof_undated", self.undated)):
            if codes:
                shown = "、".join(codes[:limit]) + ("…" if len(codes) > limit else "")
                out.append(
                    (key, {"count": len(codes), "date": self.as_of.isoformat(), "codes": shown})
                )
        return out


def as_of_gaps(parcels: pd.DataFrame, events: pd.DataFrame, as_of: date) -> AsOfGaps:
    """Which parcels :func:`statuses_as_of` leaves out on ``as_of`` (and which it shows
    only from their record), so a page can say how many and why."""
    history = with_derived(parcels, events)
    live = effective_events(history, as_of)
    started = set(live.loc[live["field"] == SALE_FIELD, "parcel_code"].dropna().astype(str))
    known = set(history["parcel_code"].dropna().astype(str))
    codes = [None if _blank(c) else str(c) for c in parcels["code"]]
    not_yet = tuple(sorted({c for c in codes if c in known and c not in started}))
    undated = tuple(sorted({c for c in codes if c is not None and c not in known}))
    return AsOfGaps(as_of, not_yet, undated)


def _field_of(last: pd.Series, field: str) -> pd.Series:
    """The per-parcel statuses of one field from a (parcel_code, field)-indexed series."""
    if field not in last.index.get_level_values("field"):
        return pd.Series(dtype=object)
    return last.xs(field, level="field")


def first_reached(
    events: pd.DataFrame,
    field: str,
    codes: frozenset[str] | set[str],
    as_of: date | None = None,
    *,
    parcels: pd.DataFrame | None = None,
) -> pd.Series:
    """Per parcel code, the first effective date on which ``field`` entered one of ``codes``.

    E.g. the date a parcel was sold (first of SOLD / CONTRACTED / PAID / DELIVERED).
    Parcels that never got there by ``as_of`` are absent. With ``parcels``, their own
    dates count too (:func:`with_derived`).
    """
    history = events if parcels is None else with_derived(parcels, events)
    live = effective_events(history, as_of)
    hits = live[(live["field"] == field) & live["new_status"].isin(codes)]
    return hits.groupby("parcel_code")["effective_date"].min()


def timeline(
    events: pd.DataFrame, parcel_code: str, *, parcels: pd.DataFrame | None = None
) -> pd.DataFrame:
    """All events of one parcel, oldest first, with a ``superseded`` flag (nothing hidden).

    With ``parcels``, the steps told only by the parcel's dates are included, flagged
    ``derived`` (their ``note`` names the date column).
    """
    history = events if parcels is None else with_derived(parcels, events)
    own = history[history["parcel_code"] == parcel_code].copy()
    own["superseded"] = _event_ids(own).isin(_superseded(events))
    return own.sort_values(["effective_date", "recorded_at", "event_id"], kind="stable")
