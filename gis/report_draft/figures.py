"""The report draft's numbers: one :class:`Figure` per statement, computed, never invented.

Every figure is computed by the existing domain modules from the store's frames for a
:class:`Period` and an as-of date, and records how it was computed (``method_key``) and
from which records (``sources``), for the draft's appendix. A figure the store cannot
support carries ``gap_key`` / ``gap_params`` instead of a value: the draft prints
【待补充：…】 naming the missing data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from gis import onboarding, vocabulary
from gis._errors import ValidationError
from gis.crs import m2_to_mu
from gis.efficiency import classes, evaluation
from gis.efficiency import config as efficiency_config
from gis.parcels import deadlines, history
from gis.parcels.tables import parcel_area_m2
from gis.targets import definitions, reported, tracking

COMPLETED_CODES = frozenset({"COMPLETED", "IN_PRODUCTION", "AT_CAPACITY"})
DELIVERED_CODES = frozenset({"DELIVERED"})

#: The land stages the report counts (key, status field, statuses that mean "reached").
LAND_STAGES = (
    ("sold", vocabulary.SALE_FIELD, vocabulary.SOLD_SALE_CODES),
    ("delivered", vocabulary.SALE_FIELD, DELIVERED_CODES),
    ("started", vocabulary.CONSTRUCTION_FIELD, vocabulary.STARTED_CONSTRUCTION_CODES),
    ("completed", vocabulary.CONSTRUCTION_FIELD, COMPLETED_CODES),
    ("producing", vocabulary.CONSTRUCTION_FIELD, vocabulary.PRODUCING_CONSTRUCTION_CODES),
)


# ---------------------------------------------------------------- periods
@dataclass(frozen=True)
class Period:
    """A reporting period: ``start`` to ``end`` (both included); ``kind`` is ``H1``,
    ``H2``, ``Y``, ``Q1``–``Q4`` or ``range``."""

    start: date
    end: date
    kind: str
    text: str

    @property
    def year(self) -> int:
        return self.end.year

    @property
    def whole_months(self) -> tuple[int, int] | None:
        """(first month, last month) when the period is whole months of one year."""
        if self.start.year != self.end.year or self.start.day != 1:
            return None
        if self.end + timedelta(days=1) != _first_of_next_month(self.end):
            return None
        return self.start.month, self.end.month

    def shifted_year(self, years: int) -> Period:
        return Period(
            _same_day(self.start, years), _same_day(self.end, years), self.kind, self.text
        )


def _first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _same_day(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


_QUARTERS = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "H1": (1, 6), "H2": (7, 12)}
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|/|至|:)\s*(\d{4}-\d{2}-\d{2})$")


def parse_period(text: str) -> Period:
    """``2021H1``, ``2021H2``, ``2021`` (full year), ``2021Q1``–``2021Q4``, or a from–to
    range ``2021-01-01..2021-03-15``. Anything else raises :class:`ValidationError`."""
    raw = str(text or "").strip()
    upper = raw.upper()
    match = re.fullmatch(r"(\d{4})(H1|H2|Q[1-4])?", upper)
    if match and 1900 < int(match.group(1)) < 2200:
        year, part = int(match.group(1)), match.group(2)
        if part is None:
            return Period(date(year, 1, 1), date(year, 12, 31), "Y", raw)
        first, last = _QUARTERS[part]
        end = _first_of_next_month(date(year, last, 1)) - timedelta(days=1)
        return Period(date(year, first, 1), end, part, raw)
    found = _RANGE.match(raw)
    if found:
        try:
            start, end = (date.fromisoformat(found.group(i)) for i in (1, 2))
        except ValueError:
            start = end = None
        if start is not None and end is not None and start <= end:
            return Period(start, end, "range", raw)
    raise ValidationError("rd_bad_period", period=raw)


# ---------------------------------------------------------------- figures
@dataclass
class Figure:
    """One number of the report (or a gap), with how it was computed and from what."""

    key: str
    value: float | None = None
    params: dict = field(default_factory=dict)
    method_key: str = ""
    sources: str = ""
    gap_key: str | None = None
    gap_params: dict = field(default_factory=dict)

    @property
    def is_gap(self) -> bool:
        return self.gap_key is not None


@dataclass
class ReportData:
    """Everything the draft says, computed for ``period`` as of ``as_of``."""

    period: Period
    as_of: date
    until: date  # the last day counted: the period's end, or the as-of date if earlier
    park_name: str
    is_sample: bool
    figures: dict[str, Figure]
    target_rows: list[dict]
    overdue: pd.DataFrame
    idle: pd.DataFrame
    supervision: pd.DataFrame
    missing: list[onboarding.Piece]


def _iso(day: date) -> str:
    return day.isoformat()


def _in_period(dates: pd.Series, start: date, until: date) -> pd.Series:
    text = dates.astype(str).str[:10]
    return (text >= _iso(start)) & (text <= _iso(until))


def _codes_text(codes: list[str], limit: int = 20) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" …(+{len(codes) - limit})" if len(codes) > limit else "")


def _land_stage(frames, key, fld, codes, period: Period, until: date) -> Figure:
    parcels = frames["parcels"]
    reached = history.first_reached(frames["status_events"], fld, codes, until, parcels=parcels)
    hit = reached[_in_period(reached, period.start, until)] if len(reached) else reached
    chosen = parcels[parcels["code"].astype(str).isin(set(hit.index.astype(str)))]
    mu = m2_to_mu(parcel_area_m2(chosen)) if len(chosen) else pd.Series(dtype=float)
    blocks = frames["blocks"]
    block_name = dict(zip(blocks["block_id"].astype(str), blocks["name"].astype(str), strict=True))
    by_block: dict[str, list[str]] = {}
    for code, block in zip(chosen["code"].astype(str), chosen["block_id"], strict=True):
        name = block_name.get(str(block), str(block) if pd.notna(block) else "")
        by_block.setdefault(name, []).append(code)
    params = {
        "count": len(chosen),
        "mu": float(mu.sum()) if len(mu) else 0.0,
        "by_block": by_block,
    }
    if key == "started" and len(chosen):
        floor = pd.to_numeric(chosen["floor_area_m2"], errors="coerce")
        params["floor_wan_m2"] = None if floor.isna().any() else float(floor.sum()) / 10_000
        params["floor_missing"] = _codes_text(sorted(chosen.loc[floor.isna(), "code"].astype(str)))
    return Figure(
        f"land_{key}",
        value=float(len(chosen)),
        params=params,
        method_key=f"rd_method_land_{key}",
        sources=_codes_text(sorted(chosen["code"].astype(str))),
    )


def _economic(
    frames,
    reports: pd.DataFrame,
    key: str,
    column: str,
    kind: str | None,
    period: Period,
    until: date,
    above_ids: set[str] | None,
) -> Figure:
    label = {
        "rd_econ_output": "output",
        "rd_econ_above_output": "above_output",
        "rd_econ_investment": "investment",
    }[key]
    months = period.whole_months
    if months is None or until < period.end:
        return Figure(
            key,
            method_key=f"rd_method_{label}",
            gap_key="rd_gap_whole_months",
            gap_params={"what": key},
        )

    def total(year: int) -> tuple[float | None, str]:
        rows = reports[reports["year"] == year]
        if kind is not None:
            rows = rows[rows["subject_kind"] == kind]
        if above_ids is not None:
            rows = rows[rows["subject_id"].isin(above_ids)]
        end_rows = rows[(rows["months"] == months[1]) & rows[column].notna()]
        if end_rows.empty:
            return None, ""
        value = float(end_rows[column].sum())
        if months[0] > 1:
            before = rows[(rows["months"] == months[0] - 1) & rows[column].notna()]
            before = before[before["subject_id"].isin(set(end_rows["subject_id"]))]
            if len(before) < len(end_rows):
                return None, ""
            value -= float(before[column].sum())
        return value, f"{len(end_rows)}"

    now, subjects = total(period.year)
    if now is None:
        return Figure(
            key,
            method_key=f"rd_method_{label}",
            gap_key="rd_gap_figures",
            gap_params={"year": period.year, "m1": months[0], "m2": months[1]},
        )
    before, _ = total(period.year - 1)
    yoy = None if not before else (now - before) / before * 100
    return Figure(
        key,
        value=now,
        params={"yoy": yoy, "last": before, "m1": months[0], "m2": months[1]},
        method_key=f"rd_method_{label}",
        sources=f"period_figures / enterprise_years: {subjects} × {period.year}",
    )


def _in_range(values: pd.Series, start: date, until: date) -> pd.Series:
    ok = values.notna() & (values.astype(str).str.strip() != "")
    return ok & _in_period(values.where(ok, ""), start, until)


def compute(
    frames: Mapping[str, pd.DataFrame],
    period: Period,
    as_of: date,
    *,
    park_name: str = "",
    is_sample: bool = False,
) -> ReportData:
    """The report's figures for ``period`` as known on ``as_of`` (see the module doc)."""
    until = min(period.end, as_of)
    figures: dict[str, Figure] = {}

    # 1. economy: year-to-date reports (gis.targets' reading of period_figures + years)
    reports = reported._reports(frames)  # the one reading of the reports: reuse, not copy
    firms = frames["enterprises"]
    above_flag = firms["is_above_scale"].astype("boolean").fillna(False).astype(bool)
    above_ids = set(firms.loc[above_flag, "enterprise_id"].astype(str))
    for key, column, kind, ids in (
        ("rd_econ_output", "output_wan", "enterprise", None),
        ("rd_econ_above_output", "output_wan", "enterprise", above_ids),
        ("rd_econ_investment", "investment_wan", None, None),
    ):
        figures[key] = _economic(frames, reports, key, column, kind, period, until, ids)

    # 2. firms: new 规上 (入库 dates), firms starting production, admissions (no record)
    since = firms["above_scale_since"]
    new_above = firms[_in_range(since, period.start, until)]
    figures["rd_firms_new_above"] = Figure(
        "rd_firms_new_above",
        value=float(len(new_above)),
        params={"names": "、".join(new_above["name"].astype(str))},
        method_key="rd_method_new_above",
        sources=_codes_text(sorted(new_above["enterprise_id"].astype(str))),
    )
    on_date = since.notna() & (since.astype(str).str[:10] <= _iso(until))
    undated = since.isna() & above_flag
    figures["rd_firms_above_total"] = Figure(
        "rd_firms_above_total",
        value=float((on_date | undated).sum()),
        method_key="rd_method_above_total",
        sources=f"enterprises: {int((on_date | undated).sum())}",
    )
    producing = firms[_in_range(firms["production_start"], period.start, until)]
    figures["rd_firms_producing"] = Figure(
        "rd_firms_producing",
        value=float(len(producing)),
        method_key="rd_method_firms_producing",
        sources=_codes_text(sorted(producing["enterprise_id"].astype(str))),
    )
    figures["rd_firms_admitted"] = Figure(
        "rd_firms_admitted", method_key="rd_method_admitted", gap_key="rd_gap_admitted"
    )

    # 3. land: first dates each parcel reached a stage (gis.parcels.history, with the parcels' dates)
    for key, fld, codes in LAND_STAGES:
        figures[f"land_{key}"] = _land_stage(frames, key, fld, codes, period, until)

    # 4. 亩均 evaluation of the latest complete year with figures (gis.efficiency)
    years = frames["enterprise_years"]
    eval_year = evaluation.default_year(years, as_of) if len(years) else None
    supervision = pd.DataFrame(columns=["enterprise_id", "name", "parcel_code"])
    if eval_year is None or firms.empty:
        figures["rd_eval"] = Figure("rd_eval", method_key="rd_method_eval", gap_key="rd_gap_eval")
    else:
        try:
            config = efficiency_config.config_from_settings(frames["settings"])
        except ValidationError:
            config = efficiency_config.EfficiencyConfig()
        adjustments = frames.get("evaluation_adjustments")
        now = evaluation.evaluate(
            firms, years, year=eval_year, config=config, adjustments=adjustments
        )
        counts = classes.class_counts(now)
        evaluated = int(now["evaluated"].astype(bool).sum())
        params = {
            "year": eval_year,
            "evaluated": evaluated,
            **{c: int(counts.loc[c].sum()) for c in efficiency_config.CLASSES},
            "up": None,
            "down": None,
        }
        if eval_year - 1 in evaluation.evaluation_years(years):
            before = evaluation.evaluate(
                firms, years, year=eval_year - 1, config=config, adjustments=adjustments
            )
            both = now[["enterprise_id", "class_code", "evaluated"]].merge(
                before[["enterprise_id", "class_code", "evaluated"]],
                on="enterprise_id",
                suffixes=("", "_before"),
            )
            both = both[both["evaluated"].astype(bool) & both["evaluated_before"].astype(bool)]
            params["up"] = int((both["class_code"] < both["class_code_before"]).sum())
            params["down"] = int((both["class_code"] > both["class_code_before"]).sum())
        figures["rd_eval"] = Figure(
            "rd_eval",
            value=float(evaluated),
            params=params,
            method_key="rd_method_eval",
            sources=f"enterprises, enterprise_years {eval_year}",
        )
        supervision = now[now["key_supervision"].astype(bool)]
    figures["rd_supervision"] = Figure(
        "rd_supervision",
        value=None if eval_year is None else float(len(supervision)),
        method_key="rd_method_supervision",
        sources=_codes_text(sorted(supervision["enterprise_id"].astype(str))),
        gap_key="rd_gap_eval" if eval_year is None else None,
    )

    # 5. idle land, overdue parcels (gis.parcels.lifecycle on the statuses as of the day)
    parcels = frames["parcels"]
    standing = history.statuses_as_of(parcels, frames["status_events"], until)
    warned = deadlines.warnings(standing, until)
    area = pd.Series(
        m2_to_mu(parcel_area_m2(parcels)).to_numpy() if len(parcels) else [],
        index=parcels["code"].astype(str),
        dtype=float,
    )
    names = pd.Series(parcels["name"].to_numpy(), index=parcels["code"].astype(str))
    warned = warned.assign(
        mu=warned["code"].astype(str).map(area), name=warned["code"].astype(str).map(names)
    )
    idle = warned[warned["idle_years"] > 0]
    overdue = warned[warned["idle_years"] <= 0]
    figures["rd_idle"] = Figure(
        "rd_idle",
        value=float(len(idle)),
        params={"mu": float(idle["mu"].sum()) if len(idle) else 0.0},
        method_key="rd_method_idle",
        sources=_codes_text(sorted(idle["code"].astype(str))),
    )
    figures["rd_overdue"] = Figure(
        "rd_overdue",
        value=float(len(overdue)),
        method_key="rd_method_overdue",
        sources=_codes_text(sorted(overdue["code"].astype(str))),
    )
    buildings = frames["buildings"]
    vacant = pd.to_numeric(buildings["vacant_gfa_m2"], errors="coerce").fillna(0.0)
    figures["rd_vacant"] = Figure(
        "rd_vacant",
        value=float(vacant.sum()) / 10_000,
        params={"count": int((vacant > 0).sum())},
        method_key="rd_method_vacant",
        sources=_codes_text(sorted(buildings.loc[vacant > 0, "building_id"].astype(str))),
    )
    figures["rd_revitalised"] = Figure(
        "rd_revitalised", method_key="rd_method_revitalised", gap_key="rd_gap_revitalised"
    )

    # 6. targets of the year (gis.targets.tracking.progress), with what remains
    target_rows = []
    for row in tracking.progress(frames, year=period.year, as_of=until).to_dict("records"):
        value, goal = row["value"], row["target_value"]
        d = definitions.DEFINITIONS.get(str(row["target_id"]))
        rate = d is not None and d.pace == "rate"
        remaining = None
        if row["computable"] and math.isfinite(value) and not rate:
            remaining = max(goal - value, 0.0)
        row["remaining"] = remaining
        row["rate"] = rate
        target_rows.append(row)

    return ReportData(
        period=period,
        as_of=as_of,
        until=until,
        park_name=park_name,
        is_sample=is_sample,
        figures=figures,
        target_rows=target_rows,
        overdue=overdue.reset_index(drop=True),
        idle=idle.reset_index(drop=True),
        supervision=supervision.reset_index(drop=True),
        missing=onboarding.missing_data(frames, year=period.year),
    )


__all__ = ["LAND_STAGES", "Figure", "Period", "ReportData", "compute", "parse_period"]
