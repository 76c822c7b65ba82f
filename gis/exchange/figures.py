"""Importing the firms' economic figures: the statistics and tax bureaus' tables.

Two tables without geometry take these figures (:mod:`gis.schema`): ``enterprise_years``
(a firm's yearly figures, for the 亩均 evaluation) and ``period_figures`` (year-to-date
reports 1–N月累计 of firms, ``subject_kind`` ``enterprise``, and of construction projects on
parcels, ``project``, which report fixed investment only). The steps follow the geodata
import (:mod:`gis.exchange.mapping`):

1. :func:`read_figure_table` — an uploaded .xlsx or .csv (GBK / GB18030 / UTF-8 detected
   by :mod:`gis.exchange.encoding`) as cells with the file's own row numbers. A title
   above the header (“2023年1-6月规上工业企业主要指标 单位：元”) is found and kept: it
   states the period (:meth:`FigureTable.period`) and the unit of amounts.
2. :func:`suggest_figure_mapping` — for each field the source column, from our labels and
   the headers the bureaus use (营业收入, 实缴税金, 用电量(千瓦时), 1-6月 …).
3. :func:`prepare_figures` — every cell converted: years 2000–2100, months 1–12 (``6``,
   ``6月``, ``1-6月``), figures as numbers ≥ 0 in our units (``税收(元)`` → 万元).
4. :func:`preview_figures` — firms found by 企业编号, 统一社会信用代码 or exact name in
   ``enterprises``, projects by code in ``parcels``; duplicates within the file refused;
   what the import adds and replaces, per period.
5. :func:`run_figures_import` — a backup, then one store transaction that repeats step 4
   on the current data under the writers' lock: every row is written, or none.

Rows with the identity (:attr:`~gis.schema.LayerSpec.identity`) of a stored row replace it
(mode ``replace``), or update only the values the file has (mode ``update``); every other
stored row is kept. Every problem is a :class:`ValidationError` whose ``rows`` name the
rows as the user sees them in the file (the spreadsheet's row numbers, header included).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gis import schema
from gis.auth import guard
from gis.auth.access import Actor
from gis.excel import to_xlsx
from gis.exchange.figures_fields import PROJECT_FIGURES, REFERENCE_LAYERS, YEAR_RANGE, _spec, fields
from gis.exchange.figures_prepare import PreparedFigures
from gis.exchange.figures_preview import FiguresPreview, preview_figures
from gis.store import Frame, ParkStore, utc_now


# ---------------------------------------------------------------- running
@dataclass(frozen=True)
class FiguresOutcome:
    version: int
    backup: Path
    added: int
    replaced: int


def run_figures_import(
    store: ParkStore,
    layer: str,
    prepared: PreparedFigures,
    *,
    actor: Actor,
    expected_version: int | None,
    mode: str = "update",
    source: str = "",
) -> FiguresOutcome:
    """Back the store up, then write ``prepared`` into ``layer`` in one transaction.

    The firms and parcels are looked up again in the current data under the writers'
    lock; any problem raises its :class:`ValidationError` and nothing is written.
    ``expected_version`` is the data version the preview was made on (``None``: any).
    Needs ``edit_figures``; recorded as ``actor.author``'s import (event ``import``,
    with ``source``, the file's name).
    """
    audit = guard.permit(
        store,
        actor,
        "edit_figures",
        "import",
        target=layer,
        details={"mode": mode, "source": source, "rows": len(prepared.rows)},
    )
    author = actor.author
    if prepared.layer != layer:
        raise ValueError(f"prepared for {prepared.layer!r}, not {layer!r}")
    if prepared.problems:
        raise prepared.problems[0]
    needed = (layer, *REFERENCE_LAYERS)
    check = preview_figures({name: store.read(name) for name in needed}, prepared, mode=mode)
    if check.problems:  # refused before a backup is made for nothing
        raise check.problems[0]
    backup = store.backup(reason=f"before-import-{layer}")
    result: dict[str, FiguresPreview] = {}

    def change(current: dict[str, Frame]) -> dict[str, Frame]:
        preview = preview_figures(current, prepared, mode=mode)
        if preview.problems:
            raise preview.problems[0]
        result["preview"] = preview
        return {layer: preview.frame}

    meta = {"last_import": f"{layer} {utc_now()} {author}"[:200]}
    version = store.transaction(
        needed, change, expected_version=expected_version, meta=meta, audit=audit
    )
    done = result["preview"]
    return FiguresOutcome(version, backup, done.added, done.replaced)


# ---------------------------------------------------------------- template
_EXAMPLE_FIRM = {
    "zh": "示例：某某机械有限公司(导入前请删除此行)",
    "en": "示例 Example Co. (delete)",
}


_EXAMPLE_VALUES: dict[str, object] = {
    "enterprise_id": "示例",
    "subject_id": "示例",
    "credit_code": "91331100MA0000000X",
    "year": 2024,
    "months": 6,
    "revenue_wan": 12000.0,
    "output_wan": 13000.0,
    "value_added_wan": 2600.0,
    "tax_wan": 480.0,
    "energy_tce": 1500.0,
    "emission_t": 12.5,
    "employees": 180,
    "rd_wan": 420.0,
    "kwh": 3_600_000.0,
    "investment_wan": 800.0,
}


def template_header(column: schema.Column, lang: str) -> str:
    """A template column's header: the label with its unit, e.g. ``主营业务收入(万元)``."""
    label = column.label(lang)
    return f"{label}({column.unit})" if column.unit else label


def figures_template(layer: str, lang: str = "zh") -> bytes:
    """An .xlsx template for ``layer``: headers with units, one example row marked 示例,
    and a second sheet explaining each column."""
    spec = _spec(layer)
    columns = fields(layer)
    example: dict[str, object] = {}
    for column in columns:
        if column.name == "firm_name":
            value: object = _EXAMPLE_FIRM["en" if lang == "en" else "zh"]
        elif column.name == "subject_kind":
            value = "enterprise" if lang == "en" else "企业"
        else:
            value = _EXAMPLE_VALUES.get(column.name)
        example[template_header(column, lang)] = value
    sheet = pd.DataFrame([example])
    notes = pd.DataFrame(
        [
            {
                ("列" if lang != "en" else "Column"): template_header(c, lang),
                ("说明" if lang != "en" else "Notes"): _column_note(c, layer, lang),
            }
            for c in columns
        ]
    )
    title = spec.label_en if lang == "en" else spec.label_zh
    return to_xlsx({title: sheet, ("Notes" if lang == "en" else "说明"): notes})


def _column_note(column: schema.Column, layer: str, lang: str) -> str:
    en = lang == "en"
    notes = {
        "enterprise_id": (
            "企业库中的企业编号；也可只填统一社会信用代码或企业名称",
            "The register's enterprise ID; or give the credit code or the name only",
        ),
        "subject_id": (
            "企业填企业编号(也可只填统一社会信用代码或企业名称)；项目填地块编号",
            "A firm's enterprise ID (or only its credit code or name); a project's parcel code",
        ),
        "subject_kind": ("企业 或 项目", "enterprise or project"),
        "credit_code": ("18 位统一社会信用代码", "The 18-character credit code"),
        "firm_name": ("与企业库中的名称完全一致", "Exactly as in the register"),
        "year": (f"{YEAR_RANGE[0]}–{YEAR_RANGE[1]}", f"{YEAR_RANGE[0]}–{YEAR_RANGE[1]}"),
        "months": ("1–N 月累计的 N(1–12)，如 6 或 1-6月", "N of Jan to month N (1–12), e.g. 6"),
    }
    if column.name in notes:
        return notes[column.name][1 if en else 0]
    text = ("不小于 0，单位 {unit}", "0 or more, in {unit}")[1 if en else 0].format(
        unit=column.unit or "—"
    )
    if layer == "period_figures" and column.name in PROJECT_FIGURES:
        text += ("；项目只填此项", "; the only figure of a project")[1 if en else 0]
    return text
