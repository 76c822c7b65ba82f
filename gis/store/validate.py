"""Checking rows written from outside the app (QGIS, ogr2ogr, ...): what is wrong, per parcel.

The store accepts whatever a GIS client wrote; the pages then say what such edits may
have got wrong instead of raising (:func:`validate_frames`, :func:`problem_text`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import shapely

from gis import schema, vocabulary
from gis.store.base import Frame
from gis.values import iso_days


@dataclass(frozen=True)
class Problem:
    """One problem of a row written from outside the app (QGIS, ogr2ogr, ...).

    ``key`` names a message; ``params`` fill it in (column names are resolved to their
    labels by :func:`problem_text`). ``parcel`` is the parcel's code (``None`` when the
    code itself is missing), ``row`` the row's 1-based position in its layer.
    """

    layer: str
    parcel: str | None
    row: int
    key: str
    params: dict = field(default_factory=dict)


def _blank(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _blank_cells(values: pd.Series) -> np.ndarray:
    """:func:`_blank` of every cell, column-wise (a district has 50,000 parcels)."""
    text = values.astype(object).where(values.notna(), None).astype("string")
    return (values.isna() | (text.str.strip() == "").fillna(False)).to_numpy(dtype=bool)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or an empty column where ``frame`` has none (edited outside)."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _texts(values: pd.Series) -> list[str | None]:
    """Each cell as text, ``None`` where it is blank."""
    blank = _blank_cells(values)
    return [None if b else str(v) for v, b in zip(values, blank, strict=True)]


#: A check of every row at once: (rows that fail, message key, the params of row i).
Check = tuple[np.ndarray, str, Callable[[int], dict]]


def validate_frames(frames: Mapping[str, Frame]) -> list[Problem]:
    """Problems of the parcels (and their status events) in ``frames``, per parcel.

    Never raises on bad rows: a missing or repeated code, a missing required value, an
    unknown status or land-use code, a status whose date column is empty, a date that is
    not ``YYYY-MM-DD``, a missing, empty or invalid geometry, and status events with an
    unknown status or for a parcel that does not exist. Rows written by the app pass.
    Each check runs on whole columns (a district has 50,000 parcels); problems come out
    row by row, each row's in the order of the checks.
    """
    problems: list[Problem] = []
    parcels = frames.get("parcels")
    known_codes: set[str] = set()
    if parcels is not None and not parcels.empty:
        codes = _texts(_column(parcels, "code"))
        known_codes = {c for c in codes if c is not None}
        problems += _report("parcels", codes, _parcel_checks(parcels, codes))
    events = frames.get("status_events")
    if events is not None and not events.empty:
        codes = _texts(_column(events, "parcel_code"))
        checks = _event_checks(events, codes, known_codes if parcels is not None else None)
        problems += _report("status_events", codes, checks)
    if parcels is not None and events is not None and not parcels.empty and not events.empty:
        problems += _history_differs(parcels, events)
    return problems


def _report(layer: str, codes: list[str | None], checks: list[Check]) -> list[Problem]:
    """The problems the ``checks`` found, by row and then in the checks' order."""
    if not checks:
        return []
    failing = np.flatnonzero(np.logical_or.reduce([mask for mask, _, _ in checks]))
    return [
        Problem(layer, codes[i], int(i) + 1, key, params(int(i)))
        for i in failing
        for mask, key, params in checks
        if mask[i]
    ]


def _parcel_checks(parcels: Frame, codes: list[str | None]) -> list[Check]:
    spec = schema.PARCELS
    counts = pd.Series([c for c in codes if c is not None], dtype=object).value_counts()
    names = _column(parcels, "name")
    checks: list[Check] = [
        (
            np.array([c is None for c in codes], dtype=bool),
            "problem_code_missing",
            lambda i: {"name": str(names.iloc[i] or "")},
        ),
        (
            np.array([c is not None and counts.get(c, 0) > 1 for c in codes], dtype=bool),
            "problem_code_repeated",
            lambda i: {"count": int(counts[codes[i]])},
        ),
    ]
    for column in spec.columns:
        if column.required and column.name != "code":
            checks.append(
                (
                    _blank_cells(_column(parcels, column.name)),
                    "problem_value_missing",
                    lambda i, name=column.name: {"column": name},
                )
            )
    for fld in vocabulary.STATUS_FIELDS:
        text = pd.Series(_texts(_column(parcels, fld)), dtype=object)
        statuses = vocabulary.statuses(fld)
        unknown = (text.notna() & ~text.isin([s.code for s in statuses])).to_numpy()
        checks.append(
            (
                unknown,
                "problem_status_unknown",
                lambda i, f=fld, v=text: {"column": f, "value": v[i]},
            )
        )
        for status in statuses:
            if status.order > 0:
                undated = (text == status.code).to_numpy() & iso_days(
                    _column(parcels, status.date_field)
                ).isna().to_numpy()
                params = {"column": fld, "status": status.code, "date_column": status.date_field}
                checks.append((undated, "problem_status_undated", lambda i, p=params: dict(p)))
    uses = pd.Series(_texts(_column(parcels, "land_use")), dtype=object)
    checks.append(
        (
            (uses.notna() & ~uses.isin([u.code for u in vocabulary.LAND_USES])).to_numpy(),
            "problem_land_use_unknown",
            lambda i: {"value": uses[i]},
        )
    )
    for column in spec.columns:
        if column.dtype == "date":
            values = _column(parcels, column.name)
            bad = ~_blank_cells(values) & iso_days(values).isna().to_numpy()
            checks.append(
                (
                    bad,
                    "problem_date_invalid",
                    lambda i, n=column.name, v=values: {"column": n, "value": str(v.iloc[i])},
                )
            )
    geoms = parcels.geometry.to_numpy() if "geometry" in parcels.columns else [None] * len(parcels)
    geoms = np.array([None if _blank(g) else g for g in geoms], dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    invalid = ~missing & ~shapely.is_valid(geoms)
    checks.append((missing, "problem_geometry_missing", lambda i: {}))
    checks.append(
        (
            invalid,
            "problem_geometry_invalid",
            lambda i: {"reason": shapely.is_valid_reason(geoms[i])},
        )
    )
    return checks


def _event_checks(
    events: pd.DataFrame, codes: list[str | None], known_codes: set[str] | None
) -> list[Check]:
    ids = _column(events, "event_id").map(str)
    fields = _column(events, "field").map(str)
    new = _column(events, "new_status").map(str)
    bad_field = (~fields.isin(vocabulary.STATUS_FIELDS)).to_numpy()
    unknown = np.zeros(len(events), dtype=bool)
    for fld in vocabulary.STATUS_FIELDS:
        unknown |= (
            (fields == fld) & ~new.isin([s.code for s in vocabulary.statuses(fld)])
        ).to_numpy()
    orphan = np.array(
        [known_codes is not None and c is not None and c not in known_codes for c in codes],
        dtype=bool,
    )
    return [
        (
            bad_field,
            "problem_event_field_unknown",
            lambda i: {"event": ids.iloc[i], "value": fields.iloc[i]},
        ),
        (
            unknown,
            "problem_event_status_unknown",
            lambda i: {"event": ids.iloc[i], "column": fields.iloc[i], "value": new.iloc[i]},
        ),
        # An event of an unknown field is reported for that alone (as before the rewrite).
        (orphan & ~bad_field, "problem_event_parcel_unknown", lambda i: {"event": ids.iloc[i]}),
    ]


def _history_differs(parcels: Frame, events: pd.DataFrame) -> list[Problem]:
    """Parcels whose recorded status is not where their status history leads (a status
    changed outside the app, without a dated event)."""
    from gis.parcels import history

    if "code" not in parcels.columns:
        return []
    recorded = set(events["parcel_code"].dropna().astype(str))
    replayed = history.statuses_as_of(parcels, events, date.max).drop_duplicates("code")
    replayed = replayed.set_index(replayed["code"].astype(str))
    codes = _texts(parcels["code"])
    code_series = pd.Series(codes, dtype=object)
    told_of = code_series.isin(list(recorded)) & code_series.isin(list(replayed.index))
    checks: list[Check] = []
    for fld in vocabulary.STATUS_FIELDS:
        have = pd.Series(_texts(_column(parcels, fld)), dtype=object)
        told = code_series.map(replayed[fld].map(lambda v: None if _blank(v) else str(v)))
        differs = (told_of & have.notna() & told.notna() & (have != told)).to_numpy(dtype=bool)
        checks.append(
            (
                differs,
                "problem_status_differs",
                lambda i, f=fld, h=have, d=told: {"column": f, "value": h[i], "history": d[i]},
            )
        )
    return _report("parcels", codes, checks)


def problem_text(problem: Problem, lang: str = "zh") -> str:
    """The user-facing text of ``problem`` in ``lang``, naming the parcel."""
    from gis.i18n import t

    params = dict(problem.params)
    for name in ("column", "date_column"):
        if name in params:
            for spec in (schema.layer_spec(problem.layer), schema.PARCELS):
                try:
                    params[name] = spec.column(str(params[name])).label(lang)
                    break
                except KeyError:
                    continue
    if "status" in params and "column" in problem.params:
        params["status"] = vocabulary.status(problem.params["column"], params["status"]).label(lang)
    parcel = (
        problem.parcel if problem.parcel is not None else t("problem_row", lang, row=problem.row)
    )
    return t(problem.key, lang, parcel=parcel, **params)
