"""Step 2 of the figures import: for each field the source column, from our labels and
the headers the bureaus use, and whether a table holds firms or projects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from gis import schema
from gis.exchange.figures_cells import _MONTH_RANGE, _YEAR_WORD
from gis.exchange.figures_fields import FIGURE_LAYERS, _nfkc, fields
from gis.exchange.mapping import normalise_name

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


_PERIOD_WORDS = re.compile(r"本年度|本年|本期|本月止|截至本月|年初至今|累计数|累计|合计")


#: Headers of comparisons, never a figure of the period itself.
_COMPARISON = re.compile(r"上年|去年|同期|同比|增长|增速|增幅|增减|比上年|占比|比重|%|排名|名次")


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
