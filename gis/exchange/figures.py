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

import csv
import io
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from gis import guard, schema
from gis._errors import ValidationError
from gis.access import Actor
from gis.excel import open_workbook, to_xlsx
from gis.exchange.encoding import EncodingGuess, decode, guess_text_encoding, normalize
from gis.exchange.limits import DEFAULT_LIMITS, Limits, check_upload
from gis.exchange.mapping import conform, convert, is_blank, normalise_name
from gis.store import Frame, ParkStore, utc_now

#: The tables this import writes, in the order the UI offers them.
FIGURE_LAYERS: tuple[str, ...] = ("enterprise_years", "period_figures")
#: "update" (the default) writes the file's non-blank values and keeps the others, so the
#: statistics bureau's file and the tax bureau's file can be imported one after the other;
#: "replace" replaces each matched row whole.
FIGURE_MODES: tuple[str, ...] = ("update", "replace")
#: Values of ``period_figures.subject_kind``.
SUBJECT_KINDS: tuple[str, ...] = ("enterprise", "project")
#: Figures a construction project reports (``period_figures`` rows of kind ``project``).
PROJECT_FIGURES: tuple[str, ...] = ("investment_wan",)
#: Upload formats by extension.
FIGURE_FORMATS: dict[str, str] = {".xlsx": "xlsx", ".csv": "csv"}
YEAR_RANGE: tuple[int, int] = (2000, 2100)
#: The layers :func:`preview_figures` reads from the store.
REFERENCE_LAYERS: tuple[str, ...] = ("enterprises", "parcels")

#: Fields that find the firm without being columns of the tables.
CREDIT_CODE = replace(schema.ENTERPRISES.column("credit_code"), required=False)
FIRM_NAME = schema.Column("firm_name", "str", "企业名称", "Enterprise name")

_HEADER_SCAN_ROWS = 15  # the header is looked for among the first rows that hold anything
_SHOWN_ROWS = 10  # row numbers named in one message
_SHOWN_VALUES = 6


def fields(layer: str) -> tuple[schema.Column, ...]:
    """The fields a source column can be mapped to for ``layer``, in the order shown.

    The identifying columns first (with 统一社会信用代码 and 企业名称, which find the firm
    but are not stored in the table), then the period, then the figures.
    """
    spec = _spec(layer)
    own = {c.name: replace(c, required=False) for c in spec.columns}
    if layer == "enterprise_years":
        head = [own["enterprise_id"], CREDIT_CODE, FIRM_NAME, own["year"]]
    else:
        head = [own["subject_kind"], own["subject_id"], CREDIT_CODE, FIRM_NAME]
        head += [own["year"], own["months"]]
    return (*head, *(own[name] for name in figure_columns(layer)))


def figure_columns(layer: str) -> tuple[str, ...]:
    """The figure columns of ``layer`` (numbers, not part of its identity)."""
    spec = _spec(layer)
    return tuple(
        c.name for c in spec.columns if c.name not in spec.identity and c.dtype in ("int", "float")
    )


def _spec(layer: str) -> schema.LayerSpec:
    if layer not in FIGURE_LAYERS:
        raise ValueError(f"unknown figures layer {layer!r}; expected one of {FIGURE_LAYERS}")
    return schema.layer_spec(layer)


def _firm_id_field(layer: str) -> str:
    return "enterprise_id" if layer == "enterprise_years" else "subject_id"


# ---------------------------------------------------------------- reading
@dataclass
class FigureTable:
    """An uploaded sheet as read: its header, its cells and the rows they come from.

    ``rows[i]`` is the file's row number (spreadsheet row, or CSV line) of ``frame``'s row
    ``i``; ``header_row`` that of the header; ``title`` the text above the header.
    """

    name: str
    format: str
    frame: pd.DataFrame
    rows: list[int]
    header_row: int
    title: str = ""
    sheets: tuple[str, ...] = ()
    sheet: str | None = None
    encoding: EncodingGuess | None = None
    text_preview: str = ""

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    def period(self) -> tuple[int | None, int | None]:
        """The year and months the title, header or file name state (``None`` if not)."""
        return guess_period(" ".join([self.title, *self.columns, Path(self.name).stem]))

    def title_unit(self) -> str | None:
        """The unit of amounts a title's ``单位：元`` states, if any."""
        return title_unit(self.title)


def file_format(name: str) -> str:
    """``xlsx`` or ``csv`` by the file's extension; ``ValidationError`` for anything else."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise ValidationError("figures_xls")
    if suffix not in FIGURE_FORMATS:
        raise ValidationError("figures_format_unsupported", suffix=suffix or name[:30])
    return FIGURE_FORMATS[suffix]


def read_figure_table(
    name: str,
    data: bytes,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> FigureTable:
    """Read an uploaded .xlsx or .csv sheet of figures.

    ``encoding`` overrides the detected text encoding of a CSV; ``sheet`` picks a sheet of a
    workbook (default the first). The header is the row, among the first rows with
    content, whose cells best match the fields' names; rows above it are the title.
    """
    check_upload(name, data, limits)
    fmt = file_format(name)
    guess, preview, sheets, chosen = None, "", (), None
    if fmt == "csv":
        guess = EncodingGuess(normalize(encoding), "user") if encoding else None
        guess = guess or guess_text_encoding(data)
        text = decode(data, guess.encoding)
        raw = _csv_rows(name, text)
        preview = "\n".join(text.lstrip("\ufeff").splitlines()[:8])
    else:
        raw, sheets, chosen = _xlsx_rows(data, sheet)
    table = _table(name, fmt, raw)
    if len(table.frame) > limits.max_features:
        raise ValidationError(
            "figures_too_many_rows", count=len(table.frame), limit=limits.max_features
        )
    table.encoding, table.text_preview = guess, preview
    table.sheets, table.sheet = sheets, chosen
    return table


def _csv_rows(name: str, text: str) -> list[tuple[int, list[object]]]:
    """The records of a CSV text with the line each starts on; the separator is guessed."""
    text = text.lstrip("\ufeff")
    lines = [line for line in text.splitlines() if line.strip()][:5]
    sep = max((",", ";", "\t", "，"), key=lambda s: sum(line.count(s) for line in lines))
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    out: list[tuple[int, list[object]]] = []
    start = 1
    try:
        for record in reader:
            out.append((start, list(record)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(
            "exchange_unreadable", name=name[:80], fmt="csv", reason=str(exc)[:160]
        ) from exc
    return out


def sheet_names(data: bytes) -> tuple[str, ...]:
    """The sheets of an uploaded workbook, in order (``ValidationError`` if unreadable)."""
    book = open_workbook(data)
    try:
        return tuple(book.sheetnames)
    finally:
        book.close()


def _xlsx_rows(
    data: bytes, sheet: str | None
) -> tuple[list[tuple[int, list[object]]], tuple[str, ...], str]:
    """The rows of a workbook's sheet with their spreadsheet row numbers.

    Read here rather than with :func:`gis.excel.read_xlsx`, which drops blank rows and so
    loses the row numbers the user's problems are named by; the limits and message keys
    are the same (:func:`gis.excel.open_workbook`).
    """
    book = open_workbook(data)
    out: list[tuple[int, list[object]]] = []
    try:
        names = tuple(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise ValidationError("figures_sheet_missing", sheet=sheet, sheets="、".join(names))
        chosen = sheet if sheet is not None else names[0]
        try:
            ws = book[chosen]
            ws.reset_dimensions()  # some writers store a wrong sheet size: read every row
            for cells in ws.iter_rows():
                numbers = [c.row for c in cells if getattr(c, "row", None) is not None]
                values = [getattr(c, "value", None) for c in cells]
                if numbers and any(not is_blank(v) for v in values):
                    out.append((numbers[0], values))
        except Exception as exc:  # openpyxl raises many types for a bad file
            raise ValidationError("xlsx_unreadable", reason=type(exc).__name__) from exc
    finally:
        book.close()
    return out, names, chosen


def _table(name: str, fmt: str, raw: list[tuple[int, list[object]]]) -> FigureTable:
    rows = [(n, cells) for n, cells in raw if any(not is_blank(v) for v in cells)]
    if len(rows) < 2:
        raise ValidationError("figures_table_empty", name=name[:80])
    at = _header_index(rows)
    header_no, header_cells = rows[at]
    body = rows[at + 1 :]
    if not body:
        raise ValidationError("figures_table_empty", name=name[:80])
    width = max(len(cells) for _, cells in rows[at:])
    header = [_header_text(v) for v in header_cells] + [""] * (width - len(header_cells))
    cells = [list(c) + [None] * (width - len(c)) for _, c in body]
    keep = [i for i in range(width) if header[i] or any(not is_blank(r[i]) for r in cells)]
    names: list[str] = []
    for i in keep:
        label = header[i] or f"列{i + 1}"
        unique, n = label, 2
        while unique in names:
            unique, n = f"{label}_{n}", n + 1
        names.append(unique)
    frame = pd.DataFrame([[r[i] for i in keep] for r in cells], columns=names, dtype=object)
    title = " ".join(
        " ".join(_header_text(v) for v in c if not is_blank(v)) for _, c in rows[:at]
    ).strip()
    return FigureTable(name, fmt, frame, [n for n, _ in body], header_no, title)


def _header_text(value: object) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _header_index(rows: list[tuple[int, list[object]]]) -> int:
    """The position of the header among ``rows``: most known names, then most cells."""
    known = _known_names()
    best, best_score = 0, (-1, -1)
    for i, (_, cells) in enumerate(rows[:_HEADER_SCAN_ROWS]):
        texts = [_header_text(v) for v in cells if not is_blank(v)]
        matched = sum(1 for text in texts if match_key(text) in known)
        score = (matched, len(texts))
        if score > best_score:
            best, best_score = i, score
    return best


# ---------------------------------------------------------------- names and units
#: Headers the bureaus use, per field (besides our names and labels), best first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "enterprise_id": ("企业编号", "企业id", "qybh", "编号"),
    "subject_kind": ("对象类型", "对象", "类型", "subject", "kind"),
    "subject_id": (
        "企业编号",
        "地块编号",
        "宗地编号",
        "项目地块",
        "所在地块",
        "dkbh",
        "qybh",
        "编号",
    ),
    "credit_code": (
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "纳税人识别号",
        "纳税识别号",
        "税号",
        "tyshxydm",
        "uscc",
    ),
    "firm_name": (
        "企业名称",
        "单位名称",
        "单位详细名称",
        "纳税人名称",
        "公司名称",
        "企业",
        "名称",
        "单位",
        "qymc",
        "name",
    ),
    "year": ("年度", "年份", "年", "统计年度", "报告年度", "所属年度", "评价年度", "year"),
    "months": (
        "累计月数",
        "月数",
        "月份",
        "月",
        "截止月份",
        "报告期",
        "统计期",
        "期间",
        "所属期",
        "税款所属期",
        "months",
    ),
    "revenue_wan": (
        "主营业务收入",
        "营业收入",
        "营业总收入",
        "销售收入",
        "主营收入",
        "营收",
        "revenue",
    ),
    "output_wan": ("工业总产值", "总产值", "产值", "output"),
    "value_added_wan": ("工业增加值", "增加值", "value added"),
    "tax_wan": (
        "评价税收",
        "税收",
        "实缴税金",
        "实缴税收",
        "实缴税额",
        "入库税收",
        "入库税金",
        "入库税额",
        "实际入库税收",
        "实际入库税金",
        "税收收入",
        "税收总额",
        "全口径税收",
        "纳税额",
        "纳税总额",
        "税金",
        "tax",
    ),
    "energy_tce": (
        "综合能耗",
        "综合能源消费量",
        "能源消费量",
        "工业综合能耗",
        "能耗",
        "energy",
    ),
    "emission_t": ("主要污染物排放", "主要污染物排放量", "污染物排放量", "排放量", "排污量"),
    "employees": (
        "年平均职工人数",
        "平均职工人数",
        "从业人员",
        "从业人员数",
        "从业人员平均人数",
        "从业人员期末人数",
        "职工人数",
        "员工人数",
        "用工人数",
        "职工数",
        "employees",
    ),
    "rd_wan": (
        "研发经费",
        "研发费用",
        "研发经费支出",
        "研发投入",
        "研究开发费用",
        "r&d经费",
        "r&d经费支出",
        "r&d支出",
        "r&d",
    ),
    "kwh": ("用电量", "用电", "电量", "总用电量", "工业用电量", "用电总量", "electricity"),
    "investment_wan": (
        "固定资产投资",
        "完成投资",
        "完成投资额",
        "完成固定资产投资",
        "固定资产投资额",
        "投资额",
        "投资",
        "investment",
    ),
}

_YEAR_WORD = re.compile(r"(?:19|20|21)\d{2}年度?")
_MONTH_RANGE = re.compile(r"(?<!\d)(\d{1,2})\s*[-—–~至到]\s*(\d{1,2})(?!\d)\s*月?份?")
_TITLE_MONTHS = re.compile(r"(?<!\d)(\d{1,2})\s*[-—–~至到]\s*(\d{1,2})\s*月")
_PERIOD_WORDS = re.compile(r"本年度|本年|本期|本月止|截至本月|年初至今|累计数|累计|合计")
#: Headers of comparisons, never a figure of the period itself.
_COMPARISON = re.compile(r"上年|去年|同期|同比|增长|增速|增幅|增减|比上年|占比|比重|%|排名|名次")


def _nfkc(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip()


def match_key(name: str) -> str:
    """A header as compared with the fields' names: :func:`~.mapping.normalise_name`
    (no units in brackets, no spaces, lower case), full-width forms folded, and without
    the period words a bureau adds (``2023年``, ``1-6月``, ``本年``, ``累计``)."""
    base = normalise_name(_nfkc(name))
    stripped = _PERIOD_WORDS.sub("", _MONTH_RANGE.sub("", _YEAR_WORD.sub("", base)))
    return stripped or base


def _candidates(column: schema.Column) -> tuple[list[str], list[str]]:
    """The match keys of ``column``: our name and labels, then the bureaus' names."""
    own = list(dict.fromkeys(match_key(n) for n in (column.name, column.label_zh, column.label_en)))
    others = [match_key(n) for n in SYNONYMS.get(column.name, ())]
    return own, [n for n in dict.fromkeys(others) if n not in own]


def _known_names() -> set[str]:
    names: set[str] = set()
    for layer in FIGURE_LAYERS:
        for column in fields(layer):
            own, others = _candidates(column)
            names.update(own, others)
    return names


def suggest_figure_mapping(layer: str, source_columns: Sequence[str]) -> dict[str, str | None]:
    """For each field of ``layer`` (:func:`fields`), the source column that likely holds it.

    Our names and labels are matched first, the bureaus' names after, so a generic name
    (名称, 编号) cannot take a column a precise one matches. Comparison columns (上年同期,
    同比增长 %) are never suggested.
    """
    by_key: dict[str, str] = {}
    for column in source_columns:
        if not _COMPARISON.search(_nfkc(column)):
            by_key.setdefault(match_key(column), column)
    out: dict[str, str | None] = {c.name: None for c in fields(layer)}
    used: set[str] = set()
    for strict in (True, False):
        for column in fields(layer):
            if out[column.name] is not None:
                continue
            own, others = _candidates(column)
            for name in own if strict else others:
                source = by_key.get(name)
                if source is not None and source not in used:
                    out[column.name] = source
                    used.add(source)
                    break
    # A period column ("2023年1-6月", "报告期") holds the year too.
    if layer == "period_figures" and out["year"] is None and out["months"] is not None:
        key = match_key(out["months"])
        if key in {match_key(n) for n in ("报告期", "统计期", "期间", "所属期", "税款所属期")}:
            out["year"] = out["months"]
    return out


_PARCEL_HEADERS = (
    "地块编号",
    "宗地编号",
    "项目地块",
    "所在地块",
    "地块",
    "dkbh",
    "parcel",
    "parcel code",
)


def suggest_kind(layer: str, mapping: Mapping[str, str | None]) -> str | None:
    """The subject kind a ``period_figures`` file likely reports, from its mapping:
    ``project`` when its subject column is a parcel code and nothing names a firm,
    else ``enterprise`` (``None`` for ``enterprise_years``)."""
    if layer != "period_figures":
        return None
    source = mapping.get("subject_id")
    parcel = source is not None and match_key(source) in {match_key(h) for h in _PARCEL_HEADERS}
    names_firm = mapping.get("credit_code") or mapping.get("firm_name")
    return "project" if parcel and not names_firm else "enterprise"


_UNIT_TABLES: dict[str, dict[str, float]] = {
    "万元": {"元": 1e-4, "人民币元": 1e-4, "千元": 0.1, "万元": 1.0, "百万元": 100.0, "亿元": 1e4},
    "kWh": {
        "kwh": 1.0,
        "千瓦时": 1.0,
        "度": 1.0,
        "万千瓦时": 1e4,
        "万kwh": 1e4,
        "万度": 1e4,
        "mwh": 1e3,
        "兆瓦时": 1e3,
        "亿千瓦时": 1e8,
    },
    "吨标煤": {
        "吨标煤": 1.0,
        "吨标准煤": 1.0,
        "tce": 1.0,
        "万吨标煤": 1e4,
        "万吨标准煤": 1e4,
        "千克标准煤": 1e-3,
        "千克标煤": 1e-3,
        "公斤标准煤": 1e-3,
        "kgce": 1e-3,
    },
    "吨": {"吨": 1.0, "t": 1.0, "千克": 1e-3, "公斤": 1e-3, "kg": 1e-3, "万吨": 1e4},
}
_BRACKETS = re.compile(r"[(\[]([^)\]]*)[)\]]")
_TITLE_UNIT = re.compile(r"单位\s*[:：]?\s*(人民币元|百万元|万元|千元|亿元|元)")


def _unit_text(text: str) -> str:
    return re.sub(r"[\s·.*\-]", "", _nfkc(text).lower())


def header_unit(source_column: str, column: schema.Column) -> str | None:
    """The unit of ``column``'s kind that the header states (in brackets or after ``/``)."""
    table = _UNIT_TABLES.get(column.unit)
    if not table:
        return None
    text = _nfkc(source_column)
    parts = _BRACKETS.findall(text)
    if "/" in text:
        parts.append(text.rsplit("/", 1)[1])
    for part in parts:
        unit = _unit_text(part)
        if unit in table:
            return unit
    return None


def title_unit(title: str) -> str | None:
    """The amounts' unit a title states (``单位：元`` → ``元``), if any."""
    m = _TITLE_UNIT.search(_nfkc(title).replace(" ", ""))
    return m[1] if m else None


def figure_unit_factor(
    source_column: str, column: schema.Column, *, default_unit: str | None = None
) -> float:
    """Multiplier from the source column's unit to ``column``'s (万元, kWh, 吨标煤, 吨).

    The unit comes from the header (``税收(元)``, ``用电量(万千瓦时)``); for amounts without
    one, from ``default_unit`` (a title's ``单位：元``). Unknown or no unit: 1.
    (:func:`gis.exchange.mapping.unit_factor` converts areas, which these tables lack.)
    """
    table = _UNIT_TABLES.get(column.unit, {})
    unit = header_unit(source_column, column)
    if unit is None and column.unit == "万元" and default_unit is not None:
        unit = _unit_text(default_unit)
    return table.get(unit, 1.0) if unit else 1.0


# ---------------------------------------------------------------- cell values
_DASHES = {"-", "--", "—", "——", "–", "/", "\\", "－", "无", "空", "n/a", "na", "null", "…"}
_KINDS = {
    "enterprise": "enterprise",
    "企业": "enterprise",
    "firm": "enterprise",
    "公司": "enterprise",
    "单位": "enterprise",
    "project": "project",
    "项目": "project",
    "建设项目": "project",
    "投资项目": "project",
    "固定资产投资项目": "project",
    "地块": "project",
}
_MONTH_WORDS = {"全年": 12, "年报": 12, "上半年": 6, "一季度": 3, "第一季度": 3, "前三季度": 9}
_TOTAL_WORDS = {"合计", "总计", "小计", "总计数", "合计数", "全部", "全区", "全园区", "total"}


def _empty(value: object) -> bool:
    """Blank, or a dash the bureaus write for "no figure"."""
    return is_blank(value) or (isinstance(value, str) and _nfkc(value).lower() in _DASHES)


def _number(value: object) -> float | None:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return float(value)
    return None


def parse_year(value: object) -> int | None:
    """A year from ``2023``, ``2023年``, ``2023年1-6月``, ``2023-06``, ``202306`` or a date.

    ``None`` for a blank cell; ``ValueError`` if it is no year within :data:`YEAR_RANGE`.
    """
    if _empty(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, datetime | date):
        year = value.year
    elif (number := _number(value)) is not None:
        if not number.is_integer():
            raise ValueError(value)
        year = int(number)
    else:
        text = _nfkc(value).replace(" ", "")
        m = (
            re.fullmatch(r"(\d{4})(?:\.0)?(?:年度?)?", text)
            or re.match(r"(\d{4})(?:年|[-/.])", text)
            or re.fullmatch(r"(\d{4})\d{2}", text)
        )
        if not m:
            raise ValueError(value)
        year = int(m[1])
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValueError(value)
    return year


def parse_months(value: object) -> int | None:
    """The months of a year-to-date report (January to month N) from ``6``, ``6月``,
    ``1-6月``, ``1至6月``, ``2023年1-6月``, ``2023-06``, ``202306``, ``上半年`` or a date.

    ``None`` for a blank cell; ``ValueError`` unless it is January to a month 1–12.
    """
    if _empty(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, datetime | date):
        return value.month
    if (number := _number(value)) is not None:
        if not number.is_integer():
            raise ValueError(value)
        months = int(number)
    else:
        text = _nfkc(value).replace(" ", "").replace("份", "")
        text = re.sub(r"累计$", "", text)
        words = [n for word, n in _MONTH_WORDS.items() if text.endswith(word)]
        single = re.fullmatch(r"(?:\d{4}(?:年|[-/.]))?(\d{1,2})(?:\.0)?月?", text)
        compact = re.fullmatch(r"\d{4}(\d{2})", text)
        span = _MONTH_RANGE.search(text)
        if words:
            months = words[0]
        elif span:
            if int(span[1]) != 1:
                raise ValueError(value)  # "4-6月" is a quarter, not a year-to-date figure
            months = int(span[2])
        elif single or compact:
            months = int((single or compact)[1])
        else:
            raise ValueError(value)
    if not 1 <= months <= 12:
        raise ValueError(value)
    return months


def parse_kind(value: object) -> str | None:
    """``enterprise`` or ``project`` from a code or a Chinese word (``ValueError`` if not)."""
    if _empty(value):
        return None
    kind = _KINDS.get(_nfkc(value).lower())
    if kind is None:
        raise ValueError(value)
    return kind


def guess_period(text: str) -> tuple[int | None, int | None]:
    """The year and months a title or file name states: ``2023年1-6月`` → (2023, 6)."""
    text = _nfkc(text)
    year_match = re.search(r"(?<!\d)(\d{4})\s*年", text)
    year = int(year_match[1]) if year_match else None
    if year is not None and not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        year = None
    months = None
    rest = _YEAR_WORD.sub(" ", text)  # "2023年报表" states no 年报
    span = _TITLE_MONTHS.search(rest)
    if span and int(span[1]) == 1 and 1 <= int(span[2]) <= 12:
        months = int(span[2])
    else:
        months = next((n for word, n in _MONTH_WORDS.items() if word in rest), None)
    return year, months


def _text(value: object) -> str | None:
    """A cell as identifying text: stripped, codes typed as numbers without ``.0``."""
    if _empty(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _nfkc(value)


def _name_key(text: str) -> str:
    """A firm name for exact comparison: NFKC (full-width brackets folded), no spaces."""
    return re.sub(r"\s+", "", _nfkc(text))


def _credit_key(text: str) -> str:
    return re.sub(r"\s+", "", _nfkc(text)).upper()


# ---------------------------------------------------------------- preparing
@dataclass
class PreparedFigures:
    """A sheet's rows converted to our fields, before the firms are looked up.

    ``rows`` has a ``row`` column (the file's row number), the identifying fields given
    (``enterprise_id`` / ``subject_id``, ``credit_code``, ``firm_name``, and
    ``subject_kind`` for ``period_figures``), ``year`` (and ``months``) and every figure
    column (``None`` where the file has no value). ``mapped`` are the figure columns the
    file provides; ``problems`` block the import; ``notes`` are for the user.
    """

    layer: str
    rows: pd.DataFrame
    mapped: tuple[str, ...]
    problems: list[ValidationError] = field(default_factory=list)
    notes: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def prepare_figures(
    table: FigureTable,
    *,
    layer: str,
    mapping: Mapping[str, str | None],
    year: int | None = None,
    months: int | None = None,
    kind: str | None = None,
) -> PreparedFigures:
    """Convert the mapped columns of ``table`` for an import into ``layer``.

    ``year``, ``months`` (``period_figures``) and ``kind`` (``enterprise`` / ``project``)
    are used for rows whose file gives none (no such column, or a blank cell). Rows of
    totals (合计), the template's example (示例) and rows without any figure are skipped
    with a note. Problems are collected, not raised.
    """
    spec = _spec(layer)
    known = {c.name: c for c in fields(layer)}
    extra = sorted(set(mapping) - set(known))
    if extra:
        raise ValueError(f"not fields of {layer!r}: {extra}")
    if kind is not None and kind not in SUBJECT_KINDS:
        raise ValueError(f"unknown subject kind {kind!r}; expected one of {SUBJECT_KINDS}")
    problems: list[ValidationError] = []
    notes: list[tuple[str, dict]] = []
    frame = table.frame
    mapped_fields = {name: src for name, src in mapping.items() if src}
    for name, source in list(mapped_fields.items()):
        if source not in frame.columns:
            problems.append(ValidationError("import_column_missing", column=str(source)))
            del mapped_fields[name]
    id_field = _firm_id_field(layer)
    periodic = layer == "period_figures"
    figures = [c for c in figure_columns(layer) if c in mapped_fields]
    unmapped = []
    if periodic and "subject_kind" not in mapped_fields and kind is None:
        unmapped.append(known["subject_kind"].label_zh)
    if not {id_field, "credit_code", "firm_name"} & set(mapped_fields):
        unmapped.append(
            "、".join(known[f].label_zh for f in (id_field, "credit_code", "firm_name"))
        )
    if "year" not in mapped_fields and year is None:
        unmapped.append(known["year"].label_zh)
    if periodic and "months" not in mapped_fields and months is None:
        unmapped.append(known["months"].label_zh)
    if unmapped:
        problems.append(ValidationError("figures_unmapped", columns="；".join(unmapped)))
    if not figures:
        problems.append(ValidationError("figures_no_figures"))

    def cells(name: str) -> list[object]:
        source = mapped_fields.get(name)
        return frame[source].tolist() if source else [None] * len(frame)

    numbers = list(table.rows)
    ids = [_text(v) for v in cells(id_field)]
    credits = [_text(v) for v in cells("credit_code")]
    names = [_text(v) for v in cells("firm_name")]
    raw_figures = {c: cells(c) for c in figures}

    # Rows that are not data: totals, the template's example, rows without any figure.
    skipped: dict[str, list[int]] = defaultdict(list)
    keep: list[int] = []
    for i in range(len(frame)):
        given = [t for t in (ids[i], credits[i], names[i]) if t]
        if any(t.startswith("示例") or t.lower().startswith("example") for t in given):
            skipped["figures_note_skipped_example"].append(numbers[i])
        elif any(t.replace(" ", "").lower() in _TOTAL_WORDS for t in given):
            skipped["figures_note_skipped_total"].append(numbers[i])
        elif figures and all(_empty(raw_figures[c][i]) for c in figures):
            skipped["figures_note_skipped_empty"].append(numbers[i])
        else:
            keep.append(i)
    notes += [(key, {"rows": _rows(rows)}) for key, rows in skipped.items()]

    out: dict[str, list[object]] = {"row": [numbers[i] for i in keep]}
    if periodic:
        kinds, bad = _convert(cells("subject_kind"), keep, numbers, parse_kind)
        out["subject_kind"] = [k or kind for k in kinds]
        bad += [(numbers[i], "") for i, k in zip(keep, out["subject_kind"], strict=True) if not k]
        if bad and ("subject_kind" in mapped_fields or kind is not None):
            problems.append(_row_problem("figures_bad_kind", bad))
    out[id_field] = [ids[i] for i in keep]
    out["credit_code"] = [credits[i] for i in keep]
    out["firm_name"] = [names[i] for i in keep]
    periods = [("year", parse_year, year)]
    if periodic:
        periods.append(("months", parse_months, months))
    for name, parse, default in periods:
        values, bad = _convert(cells(name), keep, numbers, parse)
        values = [default if v is None else v for v in values]
        if name in mapped_fields or default is not None:
            bad += [(numbers[i], "") for i, v in zip(keep, values, strict=True) if v is None]
        if bad:
            key = "figures_bad_year" if name == "year" else "figures_bad_months"
            extra_params = {"low": YEAR_RANGE[0], "high": YEAR_RANGE[1]} if name == "year" else {}
            problems.append(_row_problem(key, sorted(bad), **extra_params))
        out[name] = values

    title_unit_ = table.title_unit()
    converted_by_title: list[str] = []
    for name in figure_columns(layer):
        if name not in figures:
            out[name] = [None] * len(keep)
            continue
        column, source = spec.column(name), mapped_fields[name]
        factor = figure_unit_factor(source, column, default_unit=title_unit_)
        unit = header_unit(source, column)
        if factor != 1.0 and unit is not None:
            notes.append(
                ("figures_note_unit", {"column": source, "unit": unit, "target": column.unit})
            )
        elif factor != 1.0:
            converted_by_title.append(source)
        values, bad, negative = [], [], []
        for i in keep:
            raw = raw_figures[name][i]
            try:
                value = None if _empty(raw) else convert(raw, column.dtype)
            except (ValueError, TypeError, OverflowError):
                bad.append((numbers[i], _shown(raw)))
                value = None
            if value is not None and value < 0:
                negative.append((numbers[i], _shown(raw)))
            if value is not None and factor != 1.0:
                value = round(value * factor, 6)
                if column.dtype == "int":
                    value = round(value)
            values.append(value)
        for key, found in (("figures_bad_number", bad), ("figures_negative", negative)):
            if found:
                problems.append(_row_problem(key, found, column=column.label_zh))
        out[name] = values
    if converted_by_title:
        notes.append(
            (
                "figures_note_title_unit",
                {"unit": title_unit_, "columns": "、".join(converted_by_title)},
            )
        )

    rows = pd.DataFrame(out, dtype=object)
    if rows.empty and not problems:
        problems.append(ValidationError("figures_nothing"))
    problems += _subject_problems(rows, layer, id_field)
    return PreparedFigures(layer, rows, tuple(figures), problems, notes)


def _convert(values: list[object], keep: list[int], numbers: list[int], parse) -> tuple[list, list]:
    out, bad = [], []
    for i in keep:
        try:
            out.append(parse(values[i]))
        except (ValueError, TypeError, OverflowError):
            out.append(None)
            bad.append((numbers[i], _shown(values[i])))
    return out, bad


def _subject_problems(rows: pd.DataFrame, layer: str, id_field: str) -> list[ValidationError]:
    if rows.empty:
        return []
    kinds = rows["subject_kind"] if "subject_kind" in rows else pd.Series("enterprise", rows.index)
    is_project = (kinds == "project").to_numpy()
    given_firm = rows[[id_field, "credit_code", "firm_name"]].notna().any(axis=1).to_numpy()
    no_subject = np.where(is_project, rows[id_field].isna().to_numpy(), ~given_firm)
    problems = []
    if no_subject.any():
        problems.append(
            _row_problem("figures_no_subject", [(r, "") for r in rows["row"][no_subject]])
        )
    others = [c for c in figure_columns(layer) if c not in PROJECT_FIGURES]
    if is_project.any() and others:
        filled = rows.loc[is_project, others].notna()
        wrong = filled.any(axis=1)
        if wrong.any():
            labels = [_spec(layer).column(c).label_zh for c in others if filled[c].any()]
            problems.append(
                _row_problem(
                    "figures_project_figures",
                    [(r, "") for r in rows.loc[is_project, "row"][wrong]],
                    columns="、".join(labels),
                )
            )
    return problems


def _shown(value: object) -> str:
    return str(value)[:30] if not is_blank(value) else "—"


def _rows(numbers: Iterable[int]) -> str:
    numbers = sorted({int(n) for n in numbers})
    shown = ", ".join(str(n) for n in numbers[:_SHOWN_ROWS])
    more = len(numbers) - _SHOWN_ROWS
    return shown + (f" … (+{more})" if more > 0 else "")


def _row_problem(key: str, found: list[tuple[int, str]], **params: object) -> ValidationError:
    """A problem naming the rows (and the values, when there are any) it was found in."""
    numbers = sorted({int(n) for n, _ in found})
    values = list(dict.fromkeys(v for _, v in found if v))
    return ValidationError(
        key,
        rows=_rows(numbers),
        values="、".join(values[:_SHOWN_VALUES]) + (" …" if len(values) > _SHOWN_VALUES else ""),
        row_numbers=tuple(numbers),
        **params,
    )


# ---------------------------------------------------------------- previewing and merging
@dataclass
class FiguresPreview:
    """What an import would do, computed on ``current`` data.

    ``rows``: one per imported row — the file's ``row``, the layer's columns with the
    firm or parcel found, its ``name``, ``matched_by`` (``enterprise_id``, ``credit_code``,
    ``name`` or ``parcel``) and ``action`` (``add`` / ``replace``). ``frame``: the layer
    after the import (``None`` while there are problems). ``periods``: per year (and
    months) the rows, added and replaced. ``cleared``: per column label, how many stored
    values mode ``replace`` would empty because the file has none.
    """

    layer: str
    mode: str
    rows: pd.DataFrame
    frame: Frame | None
    added: int
    replaced: int
    periods: pd.DataFrame
    cleared: dict[str, int]
    problems: list[ValidationError]
    notes: list[tuple[str, dict]]

    @property
    def ok(self) -> bool:
        return not self.problems


def preview_figures(
    current: Mapping[str, Frame], prepared: PreparedFigures, *, mode: str = "update"
) -> FiguresPreview:
    """Find the firms and parcels of ``prepared`` in ``current`` and merge (nothing written).

    ``current`` needs the layer itself, ``enterprises`` and ``parcels``. Problems are
    collected in the result, never raised.
    """
    if mode not in FIGURE_MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {FIGURE_MODES}")
    layer = prepared.layer
    spec = _spec(layer)
    problems = list(prepared.problems)
    notes = list(prepared.notes)
    rows = _resolve(current, prepared, problems, notes)
    identity = list(spec.identity)
    complete = rows[identity].notna().all(axis=1)
    if complete.any():
        problems += _duplicates(rows[complete], identity)
    periods = _period_columns(layer)
    empty_periods = pd.DataFrame(columns=[*periods, "rows", "added", "replaced"])
    if problems:
        return FiguresPreview(layer, mode, rows, None, 0, 0, empty_periods, {}, problems, notes)
    frame, actions, cleared = _merge(current[layer], rows, prepared.mapped, spec, mode)
    rows["action"] = actions
    summary = (
        rows.assign(
            added=rows["action"].eq("add").astype(int),
            replaced=rows["action"].eq("replace").astype(int),
        )
        .groupby(periods, sort=True)
        .agg(rows=("row", "size"), added=("added", "sum"), replaced=("replaced", "sum"))
        .reset_index()
    )
    added, replaced = actions.count("add"), actions.count("replace")
    return FiguresPreview(
        layer, mode, rows, frame, added, replaced, summary, cleared, problems, notes
    )


def _period_columns(layer: str) -> list[str]:
    return ["year"] if layer == "enterprise_years" else ["year", "months"]


def _resolve(
    current: Mapping[str, Frame],
    prepared: PreparedFigures,
    problems: list[ValidationError],
    notes: list[tuple[str, dict]],
) -> pd.DataFrame:
    """``prepared.rows`` with the layer's identity filled in from the register."""
    layer = prepared.layer
    id_field = _firm_id_field(layer)
    firms = pd.DataFrame(current["enterprises"])
    firm_ids = firms["enterprise_id"].astype(str).str.strip().tolist()
    firm_names = dict(zip(firm_ids, firms["name"].tolist(), strict=True))
    by_credit: dict[str, set[str]] = defaultdict(set)
    by_name: dict[str, set[str]] = defaultdict(set)
    for fid, credit, name in zip(firm_ids, firms["credit_code"], firms["name"], strict=True):
        if not is_blank(credit):
            by_credit[_credit_key(str(credit))].add(fid)
        if not is_blank(name):
            by_name[_name_key(str(name))].add(fid)
    parcels = pd.DataFrame(current["parcels"])
    parcel_names = dict(
        zip(parcels["code"].astype(str).str.strip(), parcels["name"].tolist(), strict=True)
    )

    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    resolved, names, matched = [], [], []
    source = prepared.rows
    kinds = source["subject_kind"] if "subject_kind" in source else [None] * len(source)
    for (_, row), kind in zip(source.iterrows(), kinds, strict=True):
        number, given = int(row["row"]), row[id_field]
        credit, name = row["credit_code"], row["firm_name"]
        sid, how = None, None
        if kind == "project":
            if given is not None and given in parcel_names:
                sid, how = given, "parcel"
            elif given is not None:
                found["figures_unknown_parcel"].append((number, given))
        elif given is not None:
            if given not in firm_names:
                found["figures_unknown_firm"].append((number, given))
            else:
                sid, how = given, "enterprise_id"
                owners = by_credit.get(_credit_key(credit), set()) if credit else set()
                if owners and given not in owners:
                    found["figures_firm_conflict"].append((number, f"{given}/{credit}"))
                    sid = None
        elif credit is not None or name is not None:
            owners = by_credit.get(_credit_key(credit), set()) if credit else set()
            named = by_name.get(_name_key(name), set()) if name else set()
            if len(owners) == 1:
                sid, how = next(iter(owners)), "credit_code"
            elif len(named) == 1:
                sid, how = next(iter(named)), "name"
            elif len(owners) > 1 or len(named) > 1:
                found["figures_ambiguous_name"].append((number, name or credit))
            else:
                found["figures_unknown_firm"].append((number, name or credit))
        resolved.append(sid)
        matched.append(how)
        names.append(
            parcel_names.get(sid) if how == "parcel" else firm_names.get(sid) if sid else None
        )
    for key in (
        "figures_unknown_firm",
        "figures_ambiguous_name",
        "figures_firm_conflict",
        "figures_unknown_parcel",
    ):
        if found[key]:
            problems.append(_row_problem(key, found[key]))
    by_name_rows = [int(n) for n, how in zip(source["row"], matched, strict=True) if how == "name"]
    if by_name_rows:
        notes.append(("figures_note_by_name", {"rows": _rows(by_name_rows)}))

    spec = _spec(layer)
    out = pd.DataFrame({"row": source["row"].astype(int).to_numpy()})
    for column in spec.column_names:
        if column == id_field:
            out[column] = pd.Series(resolved, dtype=object)
        else:
            out[column] = source[column].to_numpy() if column in source else None
    out["name"] = pd.Series(names, dtype=object)
    out["matched_by"] = pd.Series(matched, dtype=object)
    return out


def _identity_key(values: Iterable[object]) -> tuple:
    key = []
    for value in values:
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        key.append(str(value).strip())
    return tuple(key)


def _duplicates(rows: pd.DataFrame, identity: list[str]) -> list[ValidationError]:
    groups: dict[tuple, list[int]] = defaultdict(list)
    for number, *values in rows[["row", *identity]].itertuples(index=False):
        groups[_identity_key(values)].append(int(number))
    repeated = {key: numbers for key, numbers in groups.items() if len(numbers) > 1}
    if not repeated:
        return []
    found = [(n, "/".join(key)) for key, numbers in repeated.items() for n in numbers]
    return [_row_problem("figures_duplicates", found)]


def _merge(
    existing: Frame,
    rows: pd.DataFrame,
    mapped: tuple[str, ...],
    spec: schema.LayerSpec,
    mode: str,
) -> tuple[pd.DataFrame, list[str], dict[str, int]]:
    """The layer with ``rows`` upserted; the action per row; values emptied per column."""
    identity = list(spec.identity)
    figures = [c for c in spec.column_names if c not in identity]
    stored = pd.DataFrame(existing).reset_index(drop=True)
    stored = stored.astype({c: object for c in spec.column_names if c in stored.columns})
    at = {
        _identity_key(values): i
        for i, values in enumerate(stored[identity].itertuples(index=False))
    }
    actions: list[str] = []
    added: list[dict[str, object]] = []
    cleared: Counter[str] = Counter()
    for record in rows[list(spec.column_names)].to_dict("records"):
        i = at.get(_identity_key(record[c] for c in identity))
        if i is None:
            added.append(record)
            actions.append("add")
            continue
        actions.append("replace")
        for column in figures:
            new = record[column]
            if mode == "update" and (column not in mapped or new is None):
                continue
            if new is None and not is_blank(stored.at[i, column]):
                cleared[spec.column(column).label_zh] += 1
            stored.at[i, column] = new
    parts = [p for p in (stored, pd.DataFrame(added, columns=list(spec.column_names))) if len(p)]
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else (parts or [stored])[0]
    frame = conform(frame.reset_index(drop=True), spec)
    return pd.DataFrame(frame[list(spec.column_names)]), actions, dict(cleared)


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


__all__ = [
    "FIGURE_FORMATS",
    "FIGURE_LAYERS",
    "FIGURE_MODES",
    "SUBJECT_KINDS",
    "FigureTable",
    "FiguresOutcome",
    "FiguresPreview",
    "PreparedFigures",
    "fields",
    "figure_columns",
    "figure_unit_factor",
    "figures_template",
    "file_format",
    "guess_period",
    "parse_months",
    "parse_year",
    "prepare_figures",
    "preview_figures",
    "read_figure_table",
    "run_figures_import",
    "sheet_names",
    "suggest_figure_mapping",
    "suggest_kind",
]
