"""Adjustments to the evaluation (points added or taken, forced D, not graded): validated
rows, the year's saved table and how a year's adjustments apply to its firms.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from gis._errors import ValidationError
from gis.auth import guard
from gis.auth.access import Actor
from gis.efficiency.config import ADJUSTMENT_FIELDS, OVERRIDES, EfficiencyConfig, _num, _text
from gis.store import utc_now


# ---------------------------------------------------------------- adjustments layer
def _points(value: Any) -> float | None:
    """A number of points from an editor cell: empty = 0; None when it is not a number."""
    if _text(value) is None:
        return 0.0
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _year_of(year: Any) -> int:
    try:
        number = float(year)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(year, bool) or not math.isfinite(number) or not number.is_integer():
        raise ValidationError("adj_bad_year", value=year)
    return int(number)


def validate_adjustments(
    frame: pd.DataFrame,
    *,
    enterprises: pd.DataFrame,
    year: int,
    config: EfficiencyConfig = EfficiencyConfig(),
) -> pd.DataFrame:
    """Check one year's 加分/减分 and overrides as typed; return the rows to store.

    ``frame`` holds the columns of :data:`ADJUSTMENT_FIELDS` (a missing column is empty;
    other columns, e.g. ``year``, ``author``, ``recorded_at``, are ignored): one row per
    firm. Rows left wholly empty (an editor's blank new row) are dropped; empty points
    count as 0, an empty override as none. The result has the columns of the
    ``evaluation_adjustments`` layer, ``year`` set to ``year`` and ``author`` /
    ``recorded_at`` empty (:func:`save_adjustments` sets them).

    Raises :class:`ValidationError` (the first problem found, in row order):
    ``adj_bad_year``, ``adj_enterprise_missing`` (a row without a firm),
    ``adj_unknown_enterprise``, ``adj_duplicate_enterprise``, ``adj_bonus_not_number`` /
    ``adj_deduction_not_number``, ``adj_bonus_negative`` / ``adj_deduction_negative``,
    ``adj_bonus_above_cap`` / ``adj_deduction_above_cap`` (over
    ``config.max_bonus_points`` / ``max_deduction_points``), ``adj_unknown_override``,
    ``adj_nothing_set`` (no points and no override), ``adj_reason_missing`` (every row
    rests on a document or decision), and the config's own keys if it is invalid.
    """
    from gis.schema import EVALUATION_ADJUSTMENTS

    config.validate()
    year = _year_of(year)
    names = {
        str(e).strip(): n
        for e, n in zip(enterprises["enterprise_id"], enterprises["name"], strict=True)
        if _text(e) is not None
    }
    frame = pd.DataFrame(frame)
    cells = {
        name: (list(frame[name]) if name in frame else [None] * len(frame))
        for name in ADJUSTMENT_FIELDS
    }
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i in range(len(frame)):
        cell = {name: values[i] for name, values in cells.items()}
        if all(_text(v) is None for v in cell.values()):
            continue  # a blank row
        eid = _text(cell["enterprise_id"])
        if eid is None:
            raise ValidationError("adj_enterprise_missing", row=i + 1)
        if eid not in names:
            raise ValidationError("adj_unknown_enterprise", enterprise=eid)
        firm = f"{eid} {names[eid]}"
        if eid in seen:
            raise ValidationError("adj_duplicate_enterprise", firm=firm)
        seen.add(eid)
        points = {}
        for field_name, kind, cap in (
            ("bonus_points", "bonus", config.max_bonus_points),
            ("deduction_points", "deduction", config.max_deduction_points),
        ):
            value = _points(cell[field_name])
            if value is None:
                raise ValidationError(f"adj_{kind}_not_number", firm=firm, value=cell[field_name])
            if value < 0:
                raise ValidationError(f"adj_{kind}_negative", firm=firm, value=value)
            if value > cap + 1e-9:
                raise ValidationError(f"adj_{kind}_above_cap", firm=firm, value=value, cap=cap)
            points[field_name] = value
        override = _text(cell["override"])
        if override is not None and override.upper() not in OVERRIDES:
            raise ValidationError("adj_unknown_override", firm=firm, value=override)
        override = None if override is None else override.upper()
        if override is None and not any(points.values()):
            raise ValidationError("adj_nothing_set", firm=firm)
        reason = _text(cell["reason"])
        if reason is None:
            raise ValidationError("adj_reason_missing", firm=firm)
        rows.append(
            {
                "enterprise_id": eid,
                "year": year,
                **points,
                "override": override,
                "reason": reason,
                "author": None,
                "recorded_at": None,
            }
        )
    columns = list(EVALUATION_ADJUSTMENTS.column_names)
    out = pd.DataFrame({name: pd.Series([r[name] for r in rows], dtype=object) for name in columns})
    out["year"] = out["year"].astype("int64")
    for name in ("bonus_points", "deduction_points"):
        out[name] = out[name].astype(float)
    return out


def _same_content(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two adjustment rows record the same points, override and reason."""
    for name in ("bonus_points", "deduction_points"):
        x, y = _points(a.get(name)), _points(b.get(name))
        if x is None or y is None or abs(x - y) > 1e-9:
            return False
    return _text(a.get("override")) == _text(b.get("override")) and _text(a.get("reason")) == _text(
        b.get("reason")
    )


def save_adjustments(
    store,
    frame: pd.DataFrame,
    *,
    year: int,
    actor: Actor,
    config: EfficiencyConfig = EfficiencyConfig(),
    expected_version: int | None = None,
) -> int:
    """Replace the 加分/减分 and overrides of ``year`` with ``frame``, atomically.

    ``frame`` is checked by :func:`validate_adjustments` against the store's enterprises
    as they are at the time of the write (under the writers' lock); any problem raises
    :class:`ValidationError` and nothing is written. Rows of other years are kept. A row
    whose points, override and reason are unchanged keeps its ``author`` and
    ``recorded_at``; new and changed rows get ``author`` and the time now
    (:func:`gis.store.utc_now`). When nothing changed nothing is written. Needs
    ``edit_evaluation``; the author is ``actor.author``. Returns the data version after
    the call (the same version when nothing changed).
    """
    from gis.schema import EVALUATION_ADJUSTMENTS

    audit = guard.permit(
        store, actor, "edit_evaluation", "save_adjustments", target=f"adjustments {year}"
    )
    who = _text(actor.author)
    if who is None:
        raise ValidationError("adj_author_missing")
    config.validate()
    year = _year_of(year)
    now = utc_now()
    columns = list(EVALUATION_ADJUSTMENTS.column_names)

    def change(current: dict) -> dict | None:
        rows = validate_adjustments(
            frame, enterprises=current["enterprises"], year=year, config=config
        )
        stored = pd.DataFrame(current["evaluation_adjustments"])
        stored = stored.reindex(columns=columns)
        mine = _num(stored["year"]) == year
        before = {str(r["enterprise_id"]).strip(): r for r in stored[mine].to_dict("records")}
        if set(before) == set(rows["enterprise_id"]) and all(
            _same_content(r, before[r["enterprise_id"]]) for r in rows.to_dict("records")
        ):
            return None  # nothing changed: nothing written
        authors, stamps = [], []
        for r in rows.to_dict("records"):
            old = before.get(r["enterprise_id"])
            keep = old is not None and _same_content(r, old) and _text(old["recorded_at"])
            authors.append(old["author"] if keep else who)
            stamps.append(old["recorded_at"] if keep else now)
        rows["author"] = pd.Series(authors, index=rows.index, dtype=object)
        rows["recorded_at"] = pd.Series(stamps, index=rows.index, dtype=object)
        parts = [part for part in (stored[~mine], rows) if len(part)]
        table = (
            pd.concat(parts, ignore_index=True)[columns]
            if parts
            else pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        )
        return {"evaluation_adjustments": table}

    return store.transaction(
        ("evaluation_adjustments", "enterprises"),
        change,
        expected_version=expected_version,
        audit=audit,
    )


def _year_adjustments(adjustments: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """The adjustments of ``year`` by enterprise id (the last row wins for a repeated id).

    Columns ``bonus_points``, ``deduction_points`` (floats; empty or non-finite = 0),
    ``override`` (upper-case code or None) and ``reason`` (text or None).
    """
    columns = ["bonus_points", "deduction_points", "override", "reason"]
    if adjustments is None or len(adjustments) == 0 or "enterprise_id" not in adjustments:
        return pd.DataFrame(columns=columns, index=pd.Index([], dtype=object))
    frame = pd.DataFrame(adjustments)
    rows = frame[_num(frame["year"]) == year] if "year" in frame else frame.iloc[0:0]
    ids = rows["enterprise_id"].map(_text)
    rows = rows[ids.notna()]
    out = pd.DataFrame(index=pd.Index(ids[ids.notna()], dtype=object))
    for name in ("bonus_points", "deduction_points"):
        values = _num(rows[name]) if name in rows else pd.Series(np.nan, index=rows.index)
        out[name] = values.where(np.isfinite(values), 0.0).to_numpy()
    override = rows["override"] if "override" in rows else pd.Series(None, index=rows.index)
    out["override"] = [None if (v := _text(o)) is None else v.upper() for o in override]
    reason = rows["reason"] if "reason" in rows else pd.Series(None, index=rows.index)
    out["reason"] = [_text(r) for r in reason]
    return out[~out.index.duplicated(keep="last")]
