"""Checking rows written from outside the app (QGIS, ogr2ogr, ...): what is wrong, per parcel.

The store accepts whatever a GIS client wrote; the pages then say what such edits may
have got wrong instead of raising (:func:`validate_frames`, :func:`problem_text`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import shapely

from gis import schema, vocabulary
from gis.store.base import Frame
from gis.values import iso_day


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


def validate_frames(frames: Mapping[str, Frame]) -> list[Problem]:
    """Problems of the parcels (and their status events) in ``frames``, per parcel.

    Never raises on bad rows: a missing or repeated code, a missing required value, an
    unknown status or land-use code, a status whose date column is empty, a date that is
    not ``YYYY-MM-DD``, a missing, empty or invalid geometry, and status events with an
    unknown status or for a parcel that does not exist. Rows written by the app pass.
    """
    problems: list[Problem] = []
    parcels = frames.get("parcels")
    known_codes: set[str] = set()
    if parcels is not None and not parcels.empty:
        spec = schema.PARCELS
        codes = parcels["code"] if "code" in parcels.columns else pd.Series([None] * len(parcels))
        texts = [None if _blank(c) else str(c) for c in codes]
        known_codes = {c for c in texts if c is not None}
        counts = pd.Series([c for c in texts if c is not None], dtype=object).value_counts()
        records = parcels.to_dict("records")
        geoms = (
            parcels.geometry.to_numpy() if "geometry" in parcels.columns else [None] * len(parcels)
        )
        for i, (row, code, geom) in enumerate(zip(records, texts, geoms, strict=True), start=1):

            def add(key: str, code: str | None = code, row_no: int = i, **params: object) -> None:
                problems.append(Problem("parcels", code, row_no, key, params))

            if code is None:
                add("problem_code_missing", name=str(row.get("name") or ""))
            elif counts.get(code, 0) > 1:
                add("problem_code_repeated", count=int(counts[code]))
            for column in spec.columns:
                if column.required and column.name != "code" and _blank(row.get(column.name)):
                    add("problem_value_missing", column=column.name)
            for fld in vocabulary.STATUS_FIELDS:
                value = row.get(fld)
                if _blank(value):
                    continue
                try:
                    status = vocabulary.status(fld, str(value))
                except ValueError:
                    add("problem_status_unknown", column=fld, value=str(value))
                    continue
                if status.order > 0 and iso_day(row.get(status.date_field)) is None:
                    add(
                        "problem_status_undated",
                        column=fld,
                        status=status.code,
                        date_column=status.date_field,
                    )
            use = row.get("land_use")
            if not _blank(use):
                try:
                    vocabulary.land_use(str(use))
                except ValueError:
                    add("problem_land_use_unknown", value=str(use))
            for column in spec.columns:
                value = row.get(column.name)
                if column.dtype == "date" and not _blank(value) and iso_day(value) is None:
                    add("problem_date_invalid", column=column.name, value=str(value))
            if geom is None or (isinstance(geom, float) and math.isnan(geom)):
                add("problem_geometry_missing")
            elif geom.is_empty:
                add("problem_geometry_missing")
            elif not geom.is_valid:
                add("problem_geometry_invalid", reason=shapely.is_valid_reason(geom))
    events = frames.get("status_events")
    if events is not None and not events.empty:
        for i, row in enumerate(events.to_dict("records"), start=1):
            code = None if _blank(row.get("parcel_code")) else str(row.get("parcel_code"))
            event = str(row.get("event_id"))
            fld = str(row.get("field"))
            if fld not in vocabulary.STATUS_FIELDS:
                problems.append(
                    Problem(
                        "status_events",
                        code,
                        i,
                        "problem_event_field_unknown",
                        {"event": event, "value": fld},
                    )
                )
                continue
            try:
                vocabulary.status(fld, str(row.get("new_status")))
            except ValueError:
                problems.append(
                    Problem(
                        "status_events",
                        code,
                        i,
                        "problem_event_status_unknown",
                        {"event": event, "column": fld, "value": str(row.get("new_status"))},
                    )
                )
            if code is not None and parcels is not None and code not in known_codes:
                problems.append(
                    Problem(
                        "status_events", code, i, "problem_event_parcel_unknown", {"event": event}
                    )
                )
    if parcels is not None and events is not None and not parcels.empty and not events.empty:
        problems += _history_differs(parcels, events)
    return problems


def _history_differs(parcels: Frame, events: pd.DataFrame) -> list[Problem]:
    """Parcels whose recorded status is not where their status history leads (a status
    changed outside the app, without a dated event)."""
    from gis.parcels import history

    if "code" not in parcels.columns:
        return []
    recorded = set(events["parcel_code"].dropna().astype(str))
    replayed = history.statuses_as_of(parcels, events, date.max).drop_duplicates("code")
    replayed = replayed.set_index(replayed["code"].astype(str))
    out = []
    for i, row in enumerate(parcels.to_dict("records"), start=1):
        code = None if _blank(row.get("code")) else str(row.get("code"))
        if code is None or code not in recorded or code not in replayed.index:
            continue
        for fld in vocabulary.STATUS_FIELDS:
            have, told = row.get(fld), replayed.loc[code, fld]
            if not _blank(have) and not _blank(told) and str(have) != str(told):
                out.append(
                    Problem(
                        "parcels",
                        code,
                        i,
                        "problem_status_differs",
                        {"column": fld, "value": str(have), "history": str(told)},
                    )
                )
    return out


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
