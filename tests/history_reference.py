"""The status replay as it was before its column work moved to numpy (#15): a reference the
faster :mod:`gis.parcels.history` must agree with, frame for frame
(tests/test_history_reference.py). Delete it when the replay's answers are meant to change.

The former ``gis.values.iso_days`` is kept here too (the replay read dates through it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import pandas as pd

from gis.values import iso_day
from gis.vocabulary import (
    CONSTRUCTION_FIELD,
    CONSTRUCTION_STATUSES,
    SALE_FIELD,
    SALE_STATUSES,
)


def iso_days(values: pd.Series) -> pd.Series:
    """:func:`iso_day` of every cell of ``values`` (same index, ``None`` where it is not a
    date), the common case — text ``YYYY-MM-DD…`` — checked for the whole column at once.

    A district's 50,000 parcels have 17 date columns: one Python call per cell was most of
    the time of an as-of replay. Cells that are not such text (date objects, other ISO
    spellings) still go through :func:`iso_day`, so both give the same answer.
    """
    out = pd.Series(None, index=values.index, dtype=object)
    if values.empty:
        return out
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
    parts = []
    codes = parcels["code"] if "code" in parcels.columns else pd.Series(dtype=object)
    for field, code, order, column in _STEPS:
        if column not in parcels.columns:
            continue
        days = iso_days(parcels[column])
        keep = days.notna() & codes.notna()
        if keep.any():
            parts.append(
                pd.DataFrame(
                    {
                        "parcel_code": codes[keep].astype(str).to_numpy(),
                        "field": field,
                        "new_status": code,
                        "effective_date": days[keep].to_numpy(),
                        "note": column,
                        "_order": order,
                    }
                )
            )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in (*_EVENT_COLUMNS, "derived")})
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["parcel_code", "field", "effective_date", "_order"], kind="stable")
    previous = out.groupby(["parcel_code", "field"], sort=False)["new_status"].shift(1)
    initial = out["field"].map({CONSTRUCTION_FIELD: INITIAL_CONSTRUCTION})
    out["old_status"] = previous.where(previous.notna(), initial).astype(object)
    out["old_status"] = out["old_status"].where(out["old_status"].notna(), None)
    out["event_id"] = range(-len(out), 0)
    out["recorded_at"] = ""
    out["author"] = ""
    out["supersedes"] = None
    out["derived"] = True
    return out[[*_EVENT_COLUMNS, "derived"]].reset_index(drop=True)


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
    keys = pd.MultiIndex.from_arrays([fields.astype(object), statuses.astype(object)])
    table = pd.Series(list(_ORDER.values()), index=pd.MultiIndex.from_tuples(list(_ORDER)))
    return pd.Series(table.reindex(keys).to_numpy(dtype=float), index=fields.index)


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
