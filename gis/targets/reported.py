"""The targets read from reported figures (1–N月累计): the reports by period, fixed
investment, tax and value-added growth, firms over 1亿, and firms that did not report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from gis.targets.counting import _blocks_of_parcels, _Items

BILLION_WAN = 10_000.0  # 亿元企业: revenue ≥ 1亿元 = 10000万元


#: The figures a year-to-date report carries (columns of ``period_figures``).
REPORT_FIGURES = ("revenue_wan", "output_wan", "value_added_wan", "tax_wan", "investment_wan")


# ---------------------------------------------------------------- reported figures
def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _reports(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every year-to-date report, one row per subject and period, with its block.

    The ``period_figures`` rows (1–N月累计), plus each firm's full-year figures
    (``enterprise_years``) as a January–December report; where both give a firm's
    January–December, the yearly figures win (they are the final ones).
    """
    periods = pd.DataFrame(frames["period_figures"]).copy()
    yearly = pd.DataFrame(frames["enterprise_years"])
    annual = pd.DataFrame(
        {
            "subject_kind": "enterprise",
            "subject_id": yearly["enterprise_id"].astype(str),
            "year": yearly["year"],
            "months": 12,
            **{c: yearly[c] for c in REPORT_FIGURES if c in yearly},
        }
    )
    reports = pd.concat([f for f in (periods, annual) if len(f)] or [periods], ignore_index=True)
    for col in ("year", "months", *REPORT_FIGURES):
        reports[col] = pd.to_numeric(reports[col], errors="coerce").astype(float)
    reports["subject_id"] = reports["subject_id"].astype(str)
    reports = reports.dropna(subset=["year", "months"]).drop_duplicates(
        ["subject_kind", "subject_id", "year", "months"], keep="last"
    )
    blocks = _blocks_of_parcels(frames)
    firms = frames["enterprises"]
    parcel_of = pd.Series(
        firms["parcel_code"].astype(str).to_numpy(), index=firms["enterprise_id"].astype(str)
    )
    parcel = reports["subject_id"].where(
        reports["subject_kind"] == "project", reports["subject_id"].map(parcel_of)
    )
    reports["block_id"] = parcel.map(blocks)
    return reports


@dataclass(frozen=True)
class _Period:
    """A reporting period: January to ``months`` of ``year`` (1–N月累计)."""

    year: int
    months: int

    @property
    def end(self) -> date:
        return _month_end(self.year, self.months)


def _periods_until(reports: pd.DataFrame, year: int, as_of: date) -> list[_Period]:
    """Every reported period of ``year`` that ended by ``as_of``, in order."""
    months = reports.loc[reports["year"] == year, "months"].dropna().astype(int)
    return [
        _Period(year, m)
        for m in sorted(set(months))
        if 1 <= m <= 12 and _month_end(year, m) <= as_of
    ]


def _no_report(reports: pd.DataFrame, year: int, as_of: date) -> _Items:
    """Why a reported target cannot be computed: nothing of ``year`` reported by ``as_of``."""
    ends = [
        _month_end(int(y), int(m)) if 1 <= m <= 12 else date.max
        for y, m in zip(reports["year"], reports["months"], strict=True)
    ]
    # A boolean Series, not a list: an empty list would select no columns, not no rows.
    reported = pd.Series([end <= as_of for end in ends], index=reports.index, dtype=bool)
    have = reports[reported].sort_values(["year", "months"])
    if not len(reports):
        # Nothing reported at all: say which import brings the figures in.
        return _Items(None, "target_note_no_figures", {"year": year}, computable=False)
    latest = (
        f"{int(have['year'].iloc[-1])}-{int(have['months'].iloc[-1]):02d}" if len(have) else "—"
    )
    return _Items(
        None,
        "target_note_no_report",
        {"year": year, "date": as_of.isoformat(), "latest": latest},
        computable=False,
    )


def _of(reports: pd.DataFrame, period: _Period, kind: str = "enterprise") -> pd.DataFrame:
    mask = (
        (reports["year"] == period.year)
        & (reports["months"] == period.months)
        & (reports["subject_kind"] == kind)
    )
    return reports[mask]


def _period_params(period: _Period) -> dict[str, object]:
    return {"year": period.year, "months": period.months}


def _investment(frames, period: _Period, reports: pd.DataFrame) -> _Items:
    """Fixed investment so far: construction projects (项目) plus the firms' own (技改)."""
    rows = reports[(reports["year"] == period.year) & (reports["months"] == period.months)]
    amount = rows["investment_wan"] / 10_000
    items = pd.DataFrame(
        {"key": rows["subject_id"], "block_id": rows["block_id"], "amount": amount}
    ).dropna(subset=["amount"])
    projects = int((rows.loc[amount.notna(), "subject_kind"] == "project").sum())
    return _Items(
        items,
        "target_note_investment",
        {**_period_params(period), "projects": projects, "firms": len(items) - projects},
    )


def _growth(
    reports: pd.DataFrame, period: _Period, column: str, firms: pd.Series | None = None
) -> _Items:
    """Year-on-year growth of ``column`` (同比): the same firms, the same months a year before."""
    this = _of(reports, period)
    before = _of(reports, _Period(period.year - 1, period.months)).set_index("subject_id")
    if firms is not None:
        this = this[this["subject_id"].isin(firms)]
    items = pd.DataFrame(
        {
            "key": this["subject_id"],
            "block_id": this["block_id"],
            "amount": this[column],
            "previous": this["subject_id"].map(before[column]),
        }
    ).dropna(subset=["amount", "previous"])
    return _Items(items, "target_note_same_period", _period_params(period))


def _tax_growth(frames, period: _Period, reports: pd.DataFrame) -> _Items:
    return _growth(reports, period, "tax_wan")


def _above_scale_on(frames, day: date) -> pd.Series:
    """Ids of the firms in the 规上 register on ``day``: by their register date where known,
    else by the register flag."""
    firms = frames["enterprises"]
    since = firms["above_scale_since"].astype(object)
    known = since.notna() & (since.astype(str) != "")
    dated = known & (since.astype(str) <= day.isoformat())
    flagged = ~known & firms["is_above_scale"].fillna(False).astype(bool)
    return firms.loc[dated | flagged, "enterprise_id"].astype(str)


def _va_growth(frames, period: _Period, reports: pd.DataFrame) -> _Items:
    # 规上工业增加值: the firms in the register at the period's end, on both periods' figures.
    return _growth(reports, period, "value_added_wan", _above_scale_on(frames, period.end))


def _billion_firms(frames, period: _Period, reports: pd.DataFrame) -> _Items:
    """培育亿元企业: firms below 1亿元 of revenue last year (or new) that have passed it
    this year so far; the note adds those on course for it over the whole year (the
    months so far scaled to twelve), which is what the year will be judged on."""
    this = _of(reports, period)
    last_year = _of(reports, _Period(period.year - 1, 12)).set_index("subject_id")["revenue_wan"]
    below_before = ~(this["subject_id"].map(last_year) >= BILLION_WAN)
    revenue = this["revenue_wan"].where(below_before)
    reached = (revenue >= BILLION_WAN).astype(float)
    on_course = int((revenue * 12 / period.months >= BILLION_WAN).sum())
    items = pd.DataFrame(
        {"key": this["subject_id"], "block_id": this["block_id"], "amount": reached}
    )
    return _Items(
        items,
        "target_note_billion",
        {**_period_params(period), "on_course": on_course, "previous": period.year - 1},
        projection=float(on_course),
    )


#: Reported targets: ``rule(frames, period, reports)`` gives the period's items.
_REPORTED_RULES: dict[str, Callable[..., _Items]] = {
    "EFFECTIVE_INVESTMENT_YI": _investment,
    "TAX_GROWTH_PCT": _tax_growth,
    "VA_GROWTH_PCT": _va_growth,
    "BILLION_YUAN_FIRMS": _billion_firms,
}
