"""The year's targets (年度目标) and their progress, computed from the data.

The ``targets`` layer holds one row per target (id, year, labels, unit, value). Each
known target id has a rule here that computes its progress as of a date from the
parcels, the status history with the parcels' own status dates
(:func:`gis.history.first_reached` with ``parcels=``) and the enterprises' figures;
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from gis import guard, history, vocabulary
from gis._errors import ValidationError
from gis.access import Actor
from gis.crs import m2_to_mu
from gis.parcels import parcel_area_m2
from gis.schema import TARGETS
from gis.values import is_missing

#: Land uses counted as industrial land (工业用地) for the land-sale target.
INDUSTRIAL_USES = frozenset({"INDUSTRIAL", "M0"})
#: The 万洋 block is found by its name (block ids are data).
WANYANG_NAME = "万洋"
BILLION_WAN = 10_000.0  # 亿元企业: revenue ≥ 1亿元 = 10000万元
#: The figures a year-to-date report carries (columns of ``period_figures``).
REPORT_FIGURES = ("revenue_wan", "output_wan", "value_added_wan", "tax_wan", "investment_wan")


@dataclass(frozen=True)
class TargetDefinition:
    """How one target id is computed: its kind and its default labels and unit."""

    target_id: str
    kind: str  # flow | stock | reported
    label_zh: str
    label_en: str
    unit: str
    #: How the expected value by a date is set: "even" (linear to the target over the
    #: year), "rate" (the target itself: a growth rate), "none" (judged by projection).
    pace: str = "even"


DEFINITIONS: dict[str, TargetDefinition] = {
    d.target_id: d
    for d in (
        TargetDefinition("LAND_SOLD_MU", "flow", "工业用地出让", "Industrial land sold", "亩"),
        TargetDefinition(
            "FLOOR_AREA_STARTED_WAN_M2",
            "stock",
            "万洋累计开工建筑面积",
            "Wanyang floor area started",
            "万m²",
        ),
        TargetDefinition(
            "FIRMS_IN_PRODUCTION", "stock", "累计投产企业", "Firms in production", "家"
        ),
        TargetDefinition(
            "NEW_ABOVE_SCALE_FIRMS", "flow", "新增规上企业", "New above-size firms", "家"
        ),
        TargetDefinition(
            "EFFECTIVE_INVESTMENT_YI", "reported", "有效投资", "Effective investment", "亿元"
        ),
        TargetDefinition(
            "TAX_GROWTH_PCT", "reported", "税费增长", "Tax and fee growth", "%", pace="rate"
        ),
        TargetDefinition(
            "VA_GROWTH_PCT",
            "reported",
            "规上工业增加值增长",
            "Above-size industrial value-added growth",
            "%",
            pace="rate",
        ),
        TargetDefinition(
            "BILLION_YUAN_FIRMS",
            "reported",
            "培育亿元企业",
            "New firms with revenue ≥ 100 million yuan",
            "家",
            pace="none",
        ),
    )
}
KNOWN_TARGET_IDS = tuple(DEFINITIONS)


# ---------------------------------------------------------------- editing the targets
def validate_targets(frame: pd.DataFrame) -> pd.DataFrame:
    """The edited targets table, checked and normalised for the store.

    Rules: every id is a known target (:data:`KNOWN_TARGET_IDS`) and appears once; the
    year is a whole number between 2000 and 2100; the target value is a number ≥ 0.
    Empty labels and units take the definition's. Raises :class:`ValidationError`
    (``targets_unknown_id``, ``targets_duplicate_id``, ``targets_bad_year``,
    ``targets_not_number``, ``targets_negative``) naming the offending row.
    """
    rows = []
    seen: set[str] = set()
    for _, row in pd.DataFrame(frame).iterrows():
        tid = "" if is_missing(row.get("target_id")) else str(row.get("target_id")).strip()
        if tid not in DEFINITIONS:
            raise ValidationError("targets_unknown_id", target_id=tid or "—")
        if tid in seen:
            raise ValidationError("targets_duplicate_id", target_id=tid)
        seen.add(tid)
        year = _number(row.get("year"))
        if year is None or year != int(year) or not 2000 <= year <= 2100:
            raise ValidationError("targets_bad_year", target_id=tid, value=row.get("year"))
        value = _number(row.get("target_value"))
        if value is None:
            raise ValidationError(
                "targets_not_number", target_id=tid, value=row.get("target_value")
            )
        if value < 0:
            raise ValidationError("targets_negative", target_id=tid, value=value)
        d = DEFINITIONS[tid]
        rows.append(
            {
                "target_id": tid,
                "year": int(year),
                "label_zh": _text(row.get("label_zh")) or d.label_zh,
                "label_en": _text(row.get("label_en")) or d.label_en,
                "unit": _text(row.get("unit")) or d.unit,
                "target_value": float(value),
                "source": _text(row.get("source")),
            }
        )
    return pd.DataFrame(rows, columns=list(TARGETS.column_names))


def save_targets(
    store, frame: pd.DataFrame, *, actor: Actor, expected_version: int | None = None
) -> int:
    """Validate ``frame`` and replace the store's ``targets`` layer with it atomically.

    ``expected_version`` is the data version the edit was based on (a stale edit is
    refused by the store). Needs ``edit_targets``. Returns the new data version.
    """
    audit = guard.permit(store, actor, "edit_targets", "save_targets", target="targets")
    clean = validate_targets(frame)
    return store.transaction(
        ("targets",),
        lambda _: {"targets": clean},
        expected_version=expected_version,
        audit=audit,
    )


def _number(value: object) -> float | None:
    if is_missing(value) or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value).strip()


# ---------------------------------------------------------------- the data behind targets
@dataclass
class _Items:
    """What a target sums: one row per parcel or firm with ``block_id``, ``amount`` and,
    for dated targets, ``date`` (ISO); or the reason it cannot be computed."""

    items: pd.DataFrame | None
    note_key: str | None = None
    note_params: Mapping[str, object] | None = None
    computable: bool = True
    #: A reported count's value expected for the whole year (亿元企业 on course).
    projection: float | None = None


def _blocks_of_parcels(frames: Mapping[str, pd.DataFrame]) -> pd.Series:
    parcels = frames["parcels"]
    return pd.Series(parcels["block_id"].to_numpy(), index=parcels["code"].astype(str))


def _land_sold(frames, year: int, as_of: date) -> _Items:
    parcels = frames["parcels"]
    sold = history.first_reached(
        frames["status_events"],
        vocabulary.SALE_FIELD,
        vocabulary.SOLD_SALE_CODES,
        as_of,
        parcels=parcels,  # a parcel's own 成交 date counts when no event tells it
    )
    industrial = parcels[parcels["land_use"].isin(INDUSTRIAL_USES)]
    mu = m2_to_mu(parcel_area_m2(industrial))
    items = pd.DataFrame(
        {
            "key": industrial["code"].astype(str).to_numpy(),
            "block_id": industrial["block_id"].to_numpy(),
            "amount": mu.to_numpy(),
            "date": industrial["code"].map(sold).to_numpy(),
        }
    ).dropna(subset=["date"])
    return _Items(items)


def _wanyang_blocks(frames) -> set[str] | None:
    """Ids of the blocks named 万洋 (None when there is none)."""
    blocks = frames["blocks"]
    wanyang = blocks[blocks["name"].astype(str).str.contains(WANYANG_NAME, regex=False)]
    return set(wanyang["block_id"]) or None


def _floor_area_started(frames, year: int, as_of: date) -> _Items:
    wanyang = _wanyang_blocks(frames)
    if wanyang is None:
        return _Items(None, "target_note_no_block", {"name": WANYANG_NAME}, computable=False)
    parcels = frames["parcels"]
    ours = parcels[parcels["block_id"].isin(wanyang)]
    started = history.first_reached(
        frames["status_events"],
        vocabulary.CONSTRUCTION_FIELD,
        vocabulary.STARTED_CONSTRUCTION_CODES,
        as_of,
        parcels=parcels,
    )
    floor = pd.to_numeric(ours["floor_area_m2"], errors="coerce")
    items = pd.DataFrame(
        {
            "key": ours["code"].astype(str).to_numpy(),
            "block_id": ours["block_id"].to_numpy(),
            "amount": (floor / 10_000).to_numpy(),
            "date": ours["code"].map(started).to_numpy(),
        }
    ).dropna(subset=["date"])
    lacking = items["amount"].isna()
    if lacking.any():
        # Not a number to trust: the started parcels' floor areas are incomplete.
        codes = ", ".join(sorted(items.loc[lacking, "key"])[:10])
        return _Items(None, "target_note_missing_floor_area", {"codes": codes}, computable=False)
    return _Items(items, "target_note_wanyang", {})


def counted_parcels(frames, target_id: str) -> set[str] | None:
    """The parcels whose firms count towards a firm-count target (None: every parcel).

    ``FIRMS_IN_PRODUCTION`` counts the 万洋 block's parcels only (see below); a scenario
    that places firms elsewhere does not move it.
    """
    if target_id != "FIRMS_IN_PRODUCTION":
        return None
    wanyang = _wanyang_blocks(frames) or set()
    parcels = frames["parcels"]
    return set(parcels.loc[parcels["block_id"].isin(wanyang), "code"].astype(str))


def _firms_in_production(frames, year: int, as_of: date) -> _Items:
    # The seed: "万洋项目累计开工建筑面积超xxx万平方米,累计投产企业超xx家" — both about
    # the 万洋 project, so only firms on 万洋 parcels count.
    wanyang = _wanyang_blocks(frames)
    if wanyang is None:
        return _Items(None, "target_note_no_block", {"name": WANYANG_NAME}, computable=False)
    firms = frames["enterprises"]
    blocks = _blocks_of_parcels(frames)
    items = pd.DataFrame(
        {
            "key": firms["enterprise_id"].astype(str).to_numpy(),
            "block_id": firms["parcel_code"].astype(str).map(blocks).to_numpy(),
            "amount": 1.0,
            "date": firms["production_start"].to_numpy(),
        }
    ).dropna(subset=["date"])
    return _Items(items[items["block_id"].isin(wanyang)], "target_note_wanyang", {})


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


def _new_above_scale(frames, year: int, as_of: date) -> _Items:
    """Firms entering the 规上 register in the year (统计入库), by their register date."""
    firms = frames["enterprises"]
    blocks = _blocks_of_parcels(frames)
    since = firms["above_scale_since"].where(firms["above_scale_since"].astype(str) != "")
    flagged = firms["is_above_scale"].fillna(False).astype(bool)
    undated = int((flagged & since.isna()).sum())
    if flagged.any() and since.notna().sum() == 0:
        return _Items(None, "target_note_no_register_dates", {}, computable=False)
    items = pd.DataFrame(
        {
            "key": firms["enterprise_id"].astype(str).to_numpy(),
            "block_id": firms["parcel_code"].astype(str).map(blocks).to_numpy(),
            "amount": 1.0,
            "date": since.to_numpy(),
        }
    ).dropna(subset=["date"])
    if undated:
        return _Items(items, "target_note_register_dates_some", {"undated": undated})
    return _Items(items, "target_note_register_dates", {})


#: Dated targets: ``rule(frames, year, as_of)`` gives items with a ``date``.
_DATED_RULES: dict[str, Callable[..., _Items]] = {
    "LAND_SOLD_MU": _land_sold,
    "FLOOR_AREA_STARTED_WAN_M2": _floor_area_started,
    "FIRMS_IN_PRODUCTION": _firms_in_production,
    "NEW_ABOVE_SCALE_FIRMS": _new_above_scale,
}
#: Reported targets: ``rule(frames, period, reports)`` gives the period's items.
_REPORTED_RULES: dict[str, Callable[..., _Items]] = {
    "EFFECTIVE_INVESTMENT_YI": _investment,
    "TAX_GROWTH_PCT": _tax_growth,
    "VA_GROWTH_PCT": _va_growth,
    "BILLION_YUAN_FIRMS": _billion_firms,
}
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
