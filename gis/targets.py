"""The year's targets (年度目标) and their progress, computed from the data.

The ``targets`` layer holds one row per target (id, year, labels, unit, value). Each
known target id has a rule here that computes its progress as of a date from the
parcels, the status history (:func:`gis.history.first_reached`) and the enterprises'
figures; nothing is typed in. A target whose figure the store does not hold (e.g. the
year's enterprise figures before they are reported) is reported as not computable,
with the reason, instead of a number.

Three kinds of target:

- ``flow``: an amount reached within the year (land sold): counted from 1 January;
- ``stock``: a cumulative level (floor area started, firms in production): its value
  at the start of the year is the baseline of the even pace;
- ``annual``: computed from the enterprises' yearly figures (investment, growth, firm
  counts); there is no monthly series, and the year's figures must be in the store.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from gis import history, vocabulary
from gis._errors import ValidationError
from gis.crs import m2_to_mu
from gis.parcels import parcel_area_m2
from gis.schema import TARGETS

#: Land uses counted as industrial land (工业用地) for the land-sale target.
INDUSTRIAL_USES = frozenset({"INDUSTRIAL", "M0"})
#: The 万洋 block is found by its name (block ids are data).
WANYANG_NAME = "万洋"
ABOVE_SCALE_WAN = 2000.0  # 规上: main revenue ≥ 2000万元 (domain.md §1.2)
BILLION_WAN = 10_000.0  # 亿元企业: revenue ≥ 1亿元 = 10000万元


@dataclass(frozen=True)
class TargetDefinition:
    """How one target id is computed: its kind and its default labels and unit."""

    target_id: str
    kind: str  # flow | stock | annual
    label_zh: str
    label_en: str
    unit: str


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
            "NEW_ABOVE_SCALE_FIRMS", "annual", "新增规上企业", "New above-size firms", "家"
        ),
        TargetDefinition(
            "EFFECTIVE_INVESTMENT_YI", "annual", "有效投资", "Effective investment", "亿元"
        ),
        TargetDefinition("TAX_GROWTH_PCT", "annual", "税费增长", "Tax and fee growth", "%"),
        TargetDefinition(
            "VA_GROWTH_PCT",
            "annual",
            "规上工业增加值增长",
            "Above-size industrial value-added growth",
            "%",
        ),
        TargetDefinition(
            "BILLION_YUAN_FIRMS",
            "annual",
            "亿元企业",
            "Firms with revenue ≥ 100 million yuan",
            "家",
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
        tid = "" if _missing(row.get("target_id")) else str(row.get("target_id")).strip()
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


def save_targets(store, frame: pd.DataFrame, *, expected_version: int | None = None) -> int:
    """Validate ``frame`` and replace the store's ``targets`` layer with it atomically.

    ``expected_version`` is the data version the edit was based on (a stale edit is
    refused by the store). Returns the new data version.
    """
    clean = validate_targets(frame)
    return store.transaction(
        ("targets",), lambda _: {"targets": clean}, expected_version=expected_version
    )


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _number(value: object) -> float | None:
    if _missing(value) or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _text(value: object) -> str:
    return "" if _missing(value) else str(value).strip()


# ---------------------------------------------------------------- the data behind targets
@dataclass
class _Items:
    """What a target sums: one row per parcel or firm with ``block_id``, ``amount`` and,
    for dated targets, ``date`` (ISO); or the reason it cannot be computed."""

    items: pd.DataFrame | None
    note_key: str | None = None
    note_params: Mapping[str, object] | None = None
    computable: bool = True


def _blocks_of_parcels(frames: Mapping[str, pd.DataFrame]) -> pd.Series:
    parcels = frames["parcels"]
    return pd.Series(parcels["block_id"].to_numpy(), index=parcels["code"].astype(str))


def _land_sold(frames, year: int, as_of: date) -> _Items:
    parcels = frames["parcels"]
    sold = history.first_reached(
        frames["status_events"], vocabulary.SALE_FIELD, vocabulary.SOLD_SALE_CODES, as_of
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


def _figures(
    frames, year: int, *, need_previous: bool
) -> tuple[pd.DataFrame, pd.DataFrame] | _Items:
    """The enterprise figures of ``year`` (and the year before), joined to blocks."""
    figures = frames["enterprise_years"].copy()
    figures["year"] = pd.to_numeric(figures["year"], errors="coerce")
    have = sorted(int(y) for y in figures["year"].dropna().unique())
    latest = str(have[-1]) if have else "—"
    for wanted in (year, year - 1) if need_previous else (year,):
        if wanted not in have:
            return _Items(
                None, "target_note_no_figures", {"year": wanted, "latest": latest}, computable=False
            )
    blocks = _blocks_of_parcels(frames)
    firms = frames["enterprises"].set_index(frames["enterprises"]["enterprise_id"].astype(str))
    figures["enterprise_id"] = figures["enterprise_id"].astype(str)
    figures["block_id"] = figures["enterprise_id"].map(firms["parcel_code"].astype(str)).map(blocks)
    figures["is_above_scale"] = figures["enterprise_id"].map(firms["is_above_scale"])
    this = figures[figures["year"] == year].drop_duplicates("enterprise_id", keep="last")
    prev = figures[figures["year"] == year - 1].drop_duplicates("enterprise_id", keep="last")
    return this, prev


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype(float)


def _new_above_scale(frames, year: int, as_of: date) -> _Items:
    got = _figures(frames, year, need_previous=False)
    if isinstance(got, _Items):
        return got
    this, prev = got
    before = prev.set_index("enterprise_id")["revenue_wan"]
    rev = _num(this["revenue_wan"])
    was = _num(this["enterprise_id"].map(before))
    new = (rev >= ABOVE_SCALE_WAN) & ~(was >= ABOVE_SCALE_WAN)
    items = pd.DataFrame(
        {"key": this["enterprise_id"], "block_id": this["block_id"], "amount": new.astype(float)}
    )
    return _Items(items)


def _investment(frames, year: int, as_of: date) -> _Items:
    got = _figures(frames, year, need_previous=False)
    if isinstance(got, _Items):
        return got
    this, _ = got
    amount = _num(this["investment_wan"]) / 10_000
    if amount.isna().all():
        return _Items(
            None, "target_note_no_figures", {"year": year, "latest": "—"}, computable=False
        )
    items = pd.DataFrame(
        {"key": this["enterprise_id"], "block_id": this["block_id"], "amount": amount}
    )
    return _Items(items.dropna(subset=["amount"]), "target_note_enterprise_investment", {})


def _growth_items(this: pd.DataFrame, prev: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per firm with both years: the amount this year and the year before (same firms)."""
    before = prev.set_index("enterprise_id")[column]
    items = pd.DataFrame(
        {
            "key": this["enterprise_id"],
            "block_id": this["block_id"],
            "amount": _num(this[column]),
            "previous": _num(this["enterprise_id"].map(before)),
        }
    )
    return items.dropna(subset=["amount", "previous"])


def _tax_growth(frames, year: int, as_of: date) -> _Items:
    got = _figures(frames, year, need_previous=True)
    if isinstance(got, _Items):
        return got
    this, prev = got
    return _Items(_growth_items(this, prev, "tax_wan"), "target_note_comparable_firms", {})


def _va_growth(frames, year: int, as_of: date) -> _Items:
    got = _figures(frames, year, need_previous=True)
    if isinstance(got, _Items):
        return got
    this, prev = got
    flag = this["is_above_scale"]
    above = flag.where(flag.notna(), _num(this["revenue_wan"]) >= ABOVE_SCALE_WAN).astype(bool)
    return _Items(
        _growth_items(this[above], prev, "value_added_wan"), "target_note_comparable_firms", {}
    )


def _billion_firms(frames, year: int, as_of: date) -> _Items:
    got = _figures(frames, year, need_previous=False)
    if isinstance(got, _Items):
        return got
    this, _ = got
    big = (_num(this["revenue_wan"]) >= BILLION_WAN).astype(float)
    return _Items(
        pd.DataFrame({"key": this["enterprise_id"], "block_id": this["block_id"], "amount": big})
    )


_RULES: dict[str, Callable[..., _Items]] = {
    "LAND_SOLD_MU": _land_sold,
    "FLOOR_AREA_STARTED_WAN_M2": _floor_area_started,
    "FIRMS_IN_PRODUCTION": _firms_in_production,
    "NEW_ABOVE_SCALE_FIRMS": _new_above_scale,
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
    level on 1 January), ``expected`` (where an even pace would be on ``as_of``; dated
    targets only), ``progress_pct`` (value / target × 100), ``on_track``, and
    ``note_key`` / ``note_params`` (a message saying why a value is missing or how it
    was counted).
    """
    rows = []
    day = _end(year, as_of)
    share = year_fraction(year, as_of)
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
            "note_key": None,
            "note_params": {},
        }
        if d is None:
            row.update(note_key="target_note_unknown_rule", note_params={"target_id": tid})
            rows.append(row)
            continue
        got = _RULES[tid](frames, year, as_of)
        row.update(note_key=got.note_key, note_params=dict(got.note_params or {}))
        if not got.computable or got.items is None:
            rows.append(row)
            continue
        if d.kind == "annual":
            value = _aggregate(tid, got.items)
            on_track = value >= goal if math.isfinite(value) else None
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
        "note_key",
        "note_params",
    ]
    return pd.DataFrame(rows, columns=columns)


def progress_by_block(
    frames: Mapping[str, pd.DataFrame], *, year: int, as_of: date
) -> pd.DataFrame:
    """Each computable target's value per block as of ``as_of``.

    Long format: ``target_id``, ``block_id``, ``block_name``, ``value``; every block
    appears for every computable target (zero where nothing counted), plus a row with
    ``block_id`` None for items without a block (e.g. a firm with no parcel).
    """
    blocks = frames["blocks"]
    names = dict(zip(blocks["block_id"], blocks["name"], strict=True))
    day = _end(year, as_of)
    rows = []
    for _, target in targets_of_year(frames["targets"], year).iterrows():
        tid = str(target["target_id"])
        d = DEFINITIONS.get(tid)
        if d is None:
            continue
        got = _RULES[tid](frames, year, as_of)
        if not got.computable or got.items is None:
            continue
        items = got.items
        for block_id in [*names, None]:
            own = (
                items[items["block_id"].isna()]
                if block_id is None
                else items[items["block_id"] == block_id]
            )
            if block_id is None and own.empty:
                continue
            if d.kind == "annual":
                value = _aggregate(tid, own) if len(own) or tid not in _GROWTH else math.nan
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
    """A dated target's cumulative value at each month's end up to ``as_of``, beside the
    even pace from the year's baseline to the target on 31 December.

    Columns: ``date`` (Timestamp), ``series`` ('actual' / 'pace'), ``value``. None for
    annual or non-computable targets.
    """
    d = DEFINITIONS.get(target_id)
    targets = targets_of_year(frames["targets"], year)
    row = targets[targets["target_id"] == target_id]
    if d is None or d.kind == "annual" or row.empty:
        return None
    got = _RULES[target_id](frames, year, as_of)
    if not got.computable or got.items is None:
        return None
    goal = float(row["target_value"].iloc[0])
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
    out = pd.DataFrame(records)
    out["date"] = pd.to_datetime(out["date"])
    return out


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)
