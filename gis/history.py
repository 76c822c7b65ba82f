"""Status history: "the status as of date D" is a query over the ``status_events`` rows.

Every status change is an event (parcel, field, old → new, effective date, recorded-at,
author, note). A wrong event is never edited or deleted: a later event names it in
``supersedes`` and replaces it. The as-of date control, the parcel timeline and the
audit trail all read the events through this module.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd

from gis.vocabulary import CONSTRUCTION_FIELD, SALE_FIELD

#: Construction status of a parcel with no construction event yet.
INITIAL_CONSTRUCTION = "NOT_STARTED"


def _superseded(events: pd.DataFrame) -> set[int]:
    """Ids of the events a correction replaced."""
    return set(pd.to_numeric(events["supersedes"], errors="coerce").dropna().astype(int))


def effective_events(events: pd.DataFrame, as_of: date | None = None) -> pd.DataFrame:
    """The events in force: not superseded, and effective on or before ``as_of``.

    Sorted by effective date, then by when they were recorded, then by id, so the last
    row per (parcel, field) is the status in force.
    """
    live = events[~events["event_id"].astype(int).isin(_superseded(events))]
    if as_of is not None:
        live = live[live["effective_date"].astype(str) <= as_of.isoformat()]
    return live.sort_values(["effective_date", "recorded_at", "event_id"], kind="stable")


def statuses_as_of(
    parcels: gpd.GeoDataFrame, events: pd.DataFrame, as_of: date
) -> gpd.GeoDataFrame:
    """``parcels`` with ``sale_status`` and ``construction_status`` as they stood on ``as_of``.

    A parcel with no sale event by then did not exist yet in the plan and is left out; a
    parcel with no construction event had not started (``NOT_STARTED``).
    """
    live = effective_events(events, as_of)
    last = live.groupby(["parcel_code", "field"])["new_status"].last().astype(object)
    sale = _field_of(last, SALE_FIELD)
    built = _field_of(last, CONSTRUCTION_FIELD)
    out = parcels[parcels["code"].isin(sale.index)].copy()
    out[SALE_FIELD] = out["code"].map(sale)
    out[CONSTRUCTION_FIELD] = out["code"].map(built).astype(object).fillna(INITIAL_CONSTRUCTION)
    return out


def _field_of(last: pd.Series, field: str) -> pd.Series:
    """The per-parcel statuses of one field from a (parcel_code, field)-indexed series."""
    if field not in last.index.get_level_values("field"):
        return pd.Series(dtype=object)
    return last.xs(field, level="field")


def first_reached(
    events: pd.DataFrame, field: str, codes: frozenset[str] | set[str], as_of: date | None = None
) -> pd.Series:
    """Per parcel code, the first effective date on which ``field`` entered one of ``codes``.

    E.g. the date a parcel was sold (first of SOLD / CONTRACTED / PAID / DELIVERED).
    Parcels that never got there by ``as_of`` are absent.
    """
    live = effective_events(events, as_of)
    hits = live[(live["field"] == field) & live["new_status"].isin(codes)]
    return hits.groupby("parcel_code")["effective_date"].min()


def timeline(events: pd.DataFrame, parcel_code: str) -> pd.DataFrame:
    """All events of one parcel, oldest first, with a ``superseded`` flag (nothing hidden)."""
    own = events[events["parcel_code"] == parcel_code].copy()
    own["superseded"] = own["event_id"].astype(int).isin(_superseded(events))
    return own.sort_values(["effective_date", "recorded_at", "event_id"], kind="stable")
