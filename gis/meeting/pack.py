"""Key figures and the meeting-pack tables: parcels sold, started, in production and idle
as of a date; target progress; the overdue and idle list; the decision log; a scenario
comparison built from the ``scenarios`` table. Pure functions on frames.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import pandas as pd

from gis import vocabulary
from gis.meeting.views import _text
from gis.parcels import deadlines, history
from gis.reuse import scenarios
from gis.targets import tracking
from gis.values import is_missing


def decision_log(
    annotations: gpd.GeoDataFrame, *, meeting_date: date | str | None = None
) -> pd.DataFrame:
    """The decisions of one meeting (or all), newest meeting first, then in creation order.

    Columns: ``meeting_date``, ``note``, ``parcel_code``, ``author``, ``kind``
    (Point / LineString / Polygon), ``annotation_id``, ``version``, ``created_at``,
    ``updated_at``.
    """
    frame = pd.DataFrame(annotations.drop(columns="geometry", errors="ignore")).copy()
    frame["kind"] = list(annotations.geometry.geom_type) if len(annotations) else []
    if meeting_date is not None:
        wanted = meeting_date.isoformat() if isinstance(meeting_date, date) else meeting_date
        frame = frame[frame["meeting_date"].astype(str) == wanted]
    frame["version"] = pd.to_numeric(frame["version"], errors="coerce").fillna(1).astype(int)
    frame = frame.sort_values(
        ["meeting_date", "created_at", "annotation_id"],
        ascending=[False, True, True],
        kind="stable",
    )
    columns = [
        "meeting_date",
        "note",
        "parcel_code",
        "author",
        "kind",
        "annotation_id",
        "version",
        "created_at",
        "updated_at",
    ]
    return frame[columns].reset_index(drop=True)


# ================================================================== key figures
@dataclass(frozen=True)
class KeyFigures:
    """The strip of figures shown in presentation mode, as of one date."""

    as_of: date
    sold: int
    started: int
    in_production: int
    idle: int
    targets: pd.DataFrame = field(default_factory=pd.DataFrame)


#: Units of counted things (firms, parcels): their amounts are whole numbers.
COUNT_UNITS = frozenset({"家", "宗", "个"})


#: The targets' units (written in Chinese in the data) and their message keys.
UNIT_KEYS: dict[str, str] = {
    "亩": "mtg_unit_mu",
    "万m²": "mtg_unit_wan_m2",
    "家": "mtg_unit_firms",
    "宗": "mtg_kf_unit_parcels",
    "亿元": "mtg_unit_yi_yuan",
    "万元": "mtg_unit_wan_yuan",
    "%": "mtg_unit_pct",
}


def unit_label(unit: object, lang: str) -> str:
    """A unit from the data (Chinese, e.g. ``亩``) in ``lang``; unknown units as they are."""
    from gis.i18n import t

    text = _text(unit).strip()
    return t(UNIT_KEYS[text], lang) if text in UNIT_KEYS else text


def unit_digits(unit: object) -> int:
    """Decimals an amount in ``unit`` is shown with: none for counts, one otherwise."""
    return 0 if _text(unit).strip() in COUNT_UNITS else 1


def format_amount(value: object, unit: object) -> str:
    """``value`` in ``unit``'s one number format (``23`` firms, ``1,234.5`` mu); ``—`` if missing."""
    if is_missing(value):
        return "—"
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return "—"
    return f"{number:,.{unit_digits(unit)}f}"


def key_figures(
    frames: Mapping[str, pd.DataFrame],
    as_of: date,
    *,
    parcels: gpd.GeoDataFrame | None = None,
) -> KeyFigures:
    """Parcels sold / started / in production / idle on ``as_of`` and the targets' progress.

    Statuses are replayed from the history (:func:`gis.parcels.history.statuses_as_of`),
    unless ``parcels`` is that replay already. A parcel
    is *idle* when it is delivered, not started, and ``agreed_start + extension + 365 days``
    is on or before ``as_of`` (闲置土地处置办法: not started a year after the agreed date).
    """
    if parcels is None:
        parcels = history.statuses_as_of(frames["parcels"], frames["status_events"], as_of)
    sale = parcels[vocabulary.SALE_FIELD]
    built = parcels[vocabulary.CONSTRUCTION_FIELD]
    late = overdue_parcels(frames, as_of, parcels=parcels)
    idle = late[late["kind"].isin(["idle_1y", "idle_2y"])]
    return KeyFigures(
        as_of=as_of,
        sold=int(sale.isin(vocabulary.SOLD_SALE_CODES).sum()),
        started=int(built.isin(vocabulary.STARTED_CONSTRUCTION_CODES).sum()),
        in_production=int(built.isin(vocabulary.PRODUCING_CONSTRUCTION_CODES).sum()),
        idle=len(idle),
        targets=targets_progress(frames, as_of),
    )


def overdue_parcels(
    frames: Mapping[str, pd.DataFrame],
    as_of: date,
    *,
    parcels: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Delivered parcels not started after their agreed start (idle from 365 days late),
    and started parcels not completed after their agreed completion, on ``as_of``.

    The rules are :func:`gis.parcels.deadlines.warnings`'; this gives the pack's columns: ``code``,
    ``block_id``, ``buyer``, ``deadline`` (ISO), ``days_late``, ``kind`` (``late_start`` /
    ``idle_1y`` / ``idle_2y`` / ``late_completion``), ``gov_cause``. Most overdue first.
    """
    if parcels is None:
        parcels = history.statuses_as_of(frames["parcels"], frames["status_events"], as_of)
    columns = ["code", "block_id", "buyer", "deadline", "days_late", "kind", "gov_cause"]
    return _from_lifecycle(deadlines.warnings(parcels, as_of), parcels, columns)


_KINDS = {
    "warn_idle_2y": "idle_2y",
    "warn_idle_1y": "idle_1y",
    "warn_start_overdue": "late_start",
    "warn_completion_overdue": "late_completion",
}


def _from_lifecycle(late: pd.DataFrame, parcels: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """:func:`gis.parcels.deadlines.warnings` rows in this module's columns."""
    by_code = parcels.set_index("code")
    start_late = late["start_overdue_days"] > 0
    # The worst problem as lifecycle names it, in this module's codes.
    kind = deadlines.warning_kinds(late).map(_KINDS)
    deadline = late["completion_deadline"].where(~start_late, late["start_deadline"])
    table = pd.DataFrame(
        {
            "code": late["code"].astype(str),
            "block_id": late["code"].map(by_code["block_id"]),
            "buyer": late["code"].map(by_code["buyer"]).map(_text),
            "deadline": [d.isoformat() if isinstance(d, date) else "" for d in deadline],
            "days_late": late[["start_overdue_days", "completion_overdue_days"]]
            .max(axis=1)
            .astype(int),
            "kind": kind,
            "gov_cause": late["gov_cause"].astype(bool),
        }
    )
    ordered = table.sort_values(["days_late", "code"], ascending=[False, True])
    return ordered[columns].reset_index(drop=True)


def targets_progress(frames: Mapping[str, pd.DataFrame], as_of: date) -> pd.DataFrame:
    """The year's targets (the year of ``as_of``) with what was achieved by ``as_of``,
    from :func:`gis.targets.tracking.progress`. Columns: ``target_id``, ``label_zh``,
    ``label_en``, ``unit``, ``target``, ``actual``, ``progress_pct``."""
    columns = ["target_id", "label_zh", "label_en", "unit", "target", "actual", "progress_pct"]
    full = tracking.progress(frames, year=as_of.year, as_of=as_of)
    out = full.rename(columns={"target_value": "target", "value": "actual"})
    out["unit"] = out["unit"].fillna("").astype(str)
    return out[columns].reset_index(drop=True)


# ================================================================== scenarios (hook)
def scenario_comparison(
    frames: Mapping[str, pd.DataFrame], scenario_ids: Sequence[str], *, lang: str = "zh"
) -> pd.DataFrame | None:
    """A side-by-side table of saved reuse scenarios, or None when none is chosen.

    :func:`gis.reuse.scenarios.compare` of the chosen scenarios (the baseline is put first when
    only one is chosen): one row per metric, one column per scenario, then the change
    against the first.
    """
    if not scenario_ids:
        return None
    from gis.i18n import MESSAGES, t

    items = [scenarios.load_scenario(frames["scenarios"], sid) for sid in scenario_ids]
    if len(items) == 1 and items[0].scenario_id != scenarios.BASELINE_ID:
        items.insert(0, scenarios.baseline(frames))
    table = scenarios.compare(items[:3])
    label = t("mtg_col_item", lang)
    out = pd.DataFrame(
        {
            label: [
                t(k, lang) if k in MESSAGES else str(m)
                for k, m in zip(table["label_key"], table["metric"], strict=True)
            ]
        }
    )
    names = {s.scenario_id: s.name for s in items}
    for column in table.columns:
        kind, _, sid = column.partition(":")
        if kind == "value":
            out[names.get(sid, sid)] = table[column].round(2)
        elif kind == "diff":
            out[t("mtg_col_change", lang, name=names.get(sid, sid))] = table[column].round(2)
    return out


# ================================================================== pack tables
def pack_tables(
    frames: Mapping[str, pd.DataFrame],
    *,
    as_of: date,
    lang: str = "zh",
    meeting_date: date | str | None = None,
    scenario_ids: Sequence[str] = (),
) -> dict[str, pd.DataFrame]:
    """The meeting pack's tables with labelled columns, keyed by their (sheet) titles.

    Key figures, targets, the overdue and idle list, the decision log (of ``meeting_date``,
    or all) and, when scenarios are chosen, their comparison. The PDF and the workbook
    both print exactly these.
    """
    from gis.i18n import t  # local: the tables are the only text this module renders

    figures = key_figures(frames, as_of)
    # Numbers stay numbers (a workbook can sum them); the unit has its own column.
    key_table = pd.DataFrame(
        {
            t("mtg_pack_figure", lang): [
                t("mtg_kf_sold", lang),
                t("mtg_kf_started", lang),
                t("mtg_kf_in_production", lang),
                t("mtg_kf_idle", lang),
            ],
            t("mtg_pack_value", lang): pd.array(
                [figures.sold, figures.started, figures.in_production, figures.idle],
                dtype="int64",
            ),
            t("mtg_col_unit", lang): [t("mtg_kf_unit_parcels", lang)] * 4,
        }
    )
    progress = figures.targets
    target_table = pd.DataFrame(
        {
            t("mtg_col_target", lang): progress["label_zh" if lang == "zh" else "label_en"],
            t("mtg_col_unit", lang): [unit_label(u, lang) for u in progress["unit"]],
            t("mtg_col_target_value", lang): _rounded(progress["target"], progress["unit"]),
            t("mtg_col_actual", lang): _rounded(progress["actual"], progress["unit"]),
            t("mtg_col_progress", lang): progress["progress_pct"].round(1),
        }
    )
    late = overdue_parcels(frames, as_of)
    blocks = frames["blocks"].set_index("block_id")["name" if lang == "zh" else "name_en"]
    overdue_table = pd.DataFrame(
        {
            t("mtg_col_code", lang): late["code"],
            t("mtg_col_block", lang): late["block_id"].map(blocks).fillna(late["block_id"]),
            t("mtg_col_buyer", lang): late["buyer"],
            t("mtg_col_deadline", lang): late["deadline"],
            t("mtg_col_days_late", lang): late["days_late"],
            t("mtg_col_situation", lang): [t(f"mtg_situation_{k}", lang) for k in late["kind"]],
            t("mtg_col_gov_cause", lang): [
                t("mtg_yes" if g else "mtg_no", lang) for g in late["gov_cause"]
            ],
        }
    )
    log = decision_log(frames["annotations"], meeting_date=meeting_date)
    decision_table = pd.DataFrame(
        {
            t("mtg_ann_meeting_date", lang): log["meeting_date"],
            t("mtg_ann_note", lang): log["note"],
            t("mtg_ann_parcel", lang): log["parcel_code"].fillna(""),
            t("mtg_ann_author", lang): log["author"],
            t("mtg_log_kind", lang): [t(f"mtg_sketch_kind_{k}", lang) for k in log["kind"]],
            "ID": log["annotation_id"],
        }
    )
    tables = {
        t("mtg_pack_key_figures", lang): key_table,
        t("mtg_pack_targets", lang): target_table,
        t("mtg_pack_overdue", lang): overdue_table,
        t("mtg_pack_decisions", lang): decision_table,
    }
    comparison = scenario_comparison(frames, scenario_ids, lang=lang)
    if comparison is not None:
        tables[t("mtg_pack_scenarios", lang)] = comparison
    return tables


def _rounded(values: pd.Series, units: pd.Series) -> pd.Series:
    """``values`` as numbers rounded to their units' digits: counts as whole numbers (ints),
    the rest as floats; missing values stay missing (an empty cell)."""
    numbers = pd.to_numeric(values, errors="coerce")
    out = [
        None if pd.isna(v) else (round(float(v)) if unit_digits(u) == 0 else round(float(v), 2))
        for v, u in zip(numbers, units, strict=True)
    ]
    return pd.Series(out, index=values.index, dtype=object)
