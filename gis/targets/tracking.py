"""The year's targets (年度目标) and their progress, computed from the data.

The ``targets`` layer holds one row per target (id, year, labels, unit, value). Each
known target id has a rule here that computes its progress as of a date from the
parcels, the status history with the parcels' own status dates
(:func:`gis.parcels.history.first_reached` with ``parcels=``) and the enterprises' figures;
nothing is typed in. A target whose figure the store does not hold (e.g. the year's
enterprise figures before they are reported) is reported as not computable, with the
reason, instead of a number.

Three kinds of target:

- ``flow``: an amount reached within the year (land sold, firms entering the 规上
  register): counted from 1 January on the dates of the history;
- ``stock``: a cumulative level (floor area started, firms in production): its value
  at the start of the year is the baseline of the even pace;
- ``reported``: computed from the figures firms and projects report for January to a
  month (1–N月累计, ``period_figures``, with the full-year ``enterprise_years`` as
  January–December): the latest period that ended by the as-of date counts, and growth
  compares it with the same months a year before (同比). Its pace is the even pace for an
  amount (investment), the target itself for a rate (growth), none for a count of firms
  by annual revenue (亿元企业), which is judged by the firms on course for it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from gis.targets.counting import _DATED_RULES, _Items
from gis.targets.definitions import DEFINITIONS, TargetDefinition
from gis.targets.reported import (
    _REPORTED_RULES,
    _month_end,
    _no_report,
    _Period,
    _periods_until,
    _reports,
)

_GROWTH = {"TAX_GROWTH_PCT", "VA_GROWTH_PCT"}


def _aggregate(tid: str, items: pd.DataFrame) -> float:
    if tid in _GROWTH:
        before = items["previous"].sum()
        return float((items["amount"].sum() / before - 1) * 100) if before > 0 else math.nan
    return float(items["amount"].sum())


@dataclass
class _Computed:
    """A target's items as of a date: the dated items, or a reported period's."""

    got: _Items
    period: _Period | None = None


def _compute(frames, tid: str, year: int, as_of: date, reports: pd.DataFrame) -> _Computed:
    if tid in _DATED_RULES:
        return _Computed(_DATED_RULES[tid](frames, year, as_of))
    periods = _periods_until(reports, year, as_of)
    if not periods:
        return _Computed(_no_report(reports, year, as_of))
    period = periods[-1]  # the longest period reported by then
    return _Computed(_REPORTED_RULES[tid](frames, period, reports), period)


def _expected(d: TargetDefinition, goal: float, period: _Period) -> float:
    """Where a reported target should be at the end of ``period``."""
    if d.pace == "rate":
        return goal
    if d.pace == "even":
        return goal * year_fraction(period.year, period.end)
    return math.nan


def _value_at(tid: str, kind: str, items: pd.DataFrame, year: int, day: date) -> float:
    """A dated target's value on ``day``: the year so far (flow) or the level (stock)."""
    dates = items["date"].astype(str)
    mask = dates <= day.isoformat()
    if kind == "flow":
        mask &= dates >= date(year, 1, 1).isoformat()
    return _aggregate(tid, items[mask])


def _end(year: int, as_of: date) -> date:
    """The day progress is measured on: ``as_of``, but no later than the year's end."""
    return min(as_of, date(year, 12, 31))


def _pace(baseline: float, goal: float, share: float) -> float:
    """The even pace: from the year's baseline to the target, linearly over the year.

    A level already at or above its target on 1 January has nothing left to pace: the
    pace is the target itself.
    """
    if baseline >= goal:
        return goal
    return baseline + (goal - baseline) * share


def year_fraction(year: int, as_of: date) -> float:
    """Share of ``year`` elapsed on ``as_of`` (0 before 1 January, 1 from 31 December)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if as_of < start:
        return 0.0
    return min(1.0, ((min(as_of, end) - start).days + 1) / ((end - start).days + 1))


# ---------------------------------------------------------------- progress
def targets_of_year(targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """The targets set for ``year``."""
    return targets[pd.to_numeric(targets["year"], errors="coerce") == year]


def progress(frames: Mapping[str, pd.DataFrame], *, year: int, as_of: date) -> pd.DataFrame:
    """Progress of every target of ``year`` as of ``as_of``, computed from ``frames``.

    ``frames`` are the store's layers as read (statuses are replayed from the history,
    so they need not be as-of frames). One row per target, in the targets table's order:
    ``target_id``, ``label_zh``, ``label_en``, ``unit``, ``kind``, ``target_value``,
    ``computable``, ``value`` (NaN when not computable), ``baseline`` (a stock target's
    level on 1 January), ``expected`` (where the target's pace is on ``as_of``, or at the
    end of a reported target's period), ``progress_pct`` (value / target × 100),
    ``on_track``, ``period_months`` (a reported target: January to this month; else NaN),
    ``projection`` (a count of firms on course for the year, 亿元企业), and ``note_key`` /
    ``note_params`` (a message saying why a value is missing or how it was counted).
    """
    rows = []
    day = _end(year, as_of)
    share = year_fraction(year, as_of)
    reports = _reports(frames)
    for _, target in targets_of_year(frames["targets"], year).iterrows():
        tid = str(target["target_id"])
        goal = float(target["target_value"])
        d = DEFINITIONS.get(tid)
        row = {
            "target_id": tid,
            "label_zh": target["label_zh"],
            "label_en": target["label_en"],
            "unit": target["unit"],
            "kind": d.kind if d else None,
            "target_value": goal,
            "computable": False,
            "value": math.nan,
            "baseline": math.nan,
            "expected": math.nan,
            "progress_pct": math.nan,
            "on_track": None,
            "period_months": math.nan,
            "projection": math.nan,
            "note_key": None,
            "note_params": {},
        }
        if d is None:
            row.update(note_key="target_note_unknown_rule", note_params={"target_id": tid})
            rows.append(row)
            continue
        computed = _compute(frames, tid, year, as_of, reports)
        got = computed.got
        row.update(note_key=got.note_key, note_params=dict(got.note_params or {}))
        if not got.computable or got.items is None:
            rows.append(row)
            continue
        if computed.period is not None:
            value = _aggregate(tid, got.items)
            expected = _expected(d, goal, computed.period)
            projection = got.projection
            if projection is not None:
                on_track = projection >= goal
            else:
                on_track = value >= expected - 1e-9 if math.isfinite(value) else None
            row.update(
                expected=expected,
                period_months=computed.period.months,
                projection=math.nan if projection is None else projection,
            )
        else:
            value = _value_at(tid, d.kind, got.items, year, day)
            baseline = (
                0.0
                if d.kind == "flow"
                else _value_at(tid, d.kind, got.items, year, date(year, 1, 1) - timedelta(days=1))
            )
            expected = _pace(baseline, goal, share)
            row.update(baseline=baseline, expected=expected)
            on_track = value >= expected - 1e-9
        row.update(
            computable=math.isfinite(value),
            value=value,
            progress_pct=value / goal * 100 if goal > 0 and math.isfinite(value) else math.nan,
            on_track=on_track,
        )
        if not math.isfinite(value):
            row.update(note_key="target_note_no_base", note_params={})
        rows.append(row)
    columns = [
        "target_id",
        "label_zh",
        "label_en",
        "unit",
        "kind",
        "target_value",
        "computable",
        "value",
        "baseline",
        "expected",
        "progress_pct",
        "on_track",
        "period_months",
        "projection",
        "note_key",
        "note_params",
    ]
    return pd.DataFrame(rows, columns=columns)


def progress_by_block(
    frames: Mapping[str, pd.DataFrame], *, year: int, as_of: date
) -> pd.DataFrame:
    """Each computable target's value per block as of ``as_of``.

    Long format: ``target_id``, ``block_id``, ``block_name``, ``value``; every block
    appears for every computable target (zero where nothing counted; a growth rate is
    NaN for a block without comparable firms), plus a row with ``block_id`` None for
    items without a block (e.g. a firm with no parcel).
    """
    blocks = frames["blocks"]
    names = dict(zip(blocks["block_id"], blocks["name"], strict=True))
    day = _end(year, as_of)
    reports = _reports(frames)
    rows = []
    for _, target in targets_of_year(frames["targets"], year).iterrows():
        tid = str(target["target_id"])
        d = DEFINITIONS.get(tid)
        if d is None:
            continue
        computed = _compute(frames, tid, year, as_of, reports)
        if not computed.got.computable or computed.got.items is None:
            continue
        items = computed.got.items
        for block_id in [*names, None]:
            own = (
                items[items["block_id"].isna()]
                if block_id is None
                else items[items["block_id"] == block_id]
            )
            if block_id is None and own.empty:
                continue
            if computed.period is not None:
                value = _aggregate(tid, own)  # a rate with no comparable firm is NaN
            else:
                value = _value_at(tid, d.kind, own, year, day)
            rows.append(
                {
                    "target_id": tid,
                    "block_id": block_id,
                    "block_name": names.get(block_id, "—") if block_id else "—",
                    "value": value,
                }
            )
    return pd.DataFrame(rows, columns=["target_id", "block_id", "block_name", "value"])


def monthly(
    frames: Mapping[str, pd.DataFrame], target_id: str, *, year: int, as_of: date
) -> pd.DataFrame | None:
    """A target's value at each month's end up to ``as_of``, beside its pace.

    Dated targets: the cumulative value at each month's end against the even pace from
    the year's baseline to the target on 31 December. Reported targets: the value of each
    reported period (January to that month) against the even pace (an amount) or the
    target rate (growth); a count judged by projection has no pace line.

    Columns: ``date`` (Timestamp), ``series`` ('actual' / 'pace'), ``value``. None when
    the target is unknown or not computable.
    """
    d = DEFINITIONS.get(target_id)
    targets = targets_of_year(frames["targets"], year)
    row = targets[targets["target_id"] == target_id]
    if d is None or row.empty:
        return None
    goal = float(row["target_value"].iloc[0])
    if d.kind == "reported":
        return _reported_series(frames, target_id, d, goal, year, as_of)
    got = _DATED_RULES[target_id](frames, year, as_of)
    if not got.computable or got.items is None:
        return None
    start = date(year, 1, 1)
    eve = start - timedelta(days=1)
    baseline = 0.0 if d.kind == "flow" else _value_at(target_id, d.kind, got.items, year, eve)
    month_ends = [_month_end(year, m) for m in range(1, 13)]
    records = [{"date": start, "series": "pace", "value": _pace(baseline, goal, 0.0)}]
    for day in month_ends:
        records.append(
            {
                "date": day,
                "series": "pace",
                "value": baseline + (goal - baseline) * year_fraction(year, day),
            }
        )
    last = _end(year, as_of)
    if as_of >= start:
        records.append({"date": start, "series": "actual", "value": baseline})
        for day in [m for m in month_ends if m < last] + [last]:
            records.append(
                {
                    "date": day,
                    "series": "actual",
                    "value": _value_at(target_id, d.kind, got.items, year, day),
                }
            )
    return _series_frame(records)


def _reported_series(frames, target_id, d, goal, year, as_of) -> pd.DataFrame | None:
    reports = _reports(frames)
    periods = _periods_until(reports, year, as_of)
    actual = []
    for period in periods:
        got = _REPORTED_RULES[target_id](frames, period, reports)
        if got.computable and got.items is not None:
            value = _aggregate(target_id, got.items)
            if math.isfinite(value):
                actual.append({"date": period.end, "series": "actual", "value": value})
    if not actual:
        return None
    records = []
    if d.pace == "even":
        records.append({"date": date(year, 1, 1), "series": "pace", "value": 0.0})
    if d.pace != "none":
        for m in range(1, 13):
            end = _month_end(year, m)
            records.append(
                {"date": end, "series": "pace", "value": _expected(d, goal, _Period(year, m))}
            )
    return _series_frame(records + actual)


def _series_frame(records: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(records, columns=["date", "series", "value"])
    out["date"] = pd.to_datetime(out["date"])
    return out
