"""Reading one cell of a figures table: units in headers and titles (元, 万元, 千瓦时 …),
years, months (``6``, ``6月``, ``1-6月``), the subject kind, names and credit codes.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import numpy as np

from gis import schema
from gis.exchange.figures_fields import YEAR_RANGE, _nfkc
from gis.exchange.import_cells import is_blank

_YEAR_WORD = re.compile(r"(?:19|20|21)\d{2}年度?")


_MONTH_RANGE = re.compile(r"(?<!\d)(\d{1,2})\s*[-—–~至到]\s*(\d{1,2})(?!\d)\s*月?份?")


_TITLE_MONTHS = re.compile(r"(?<!\d)(\d{1,2})\s*[-—–~至到]\s*(\d{1,2})\s*月")


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
    (:func:`gis.exchange.import_prepare.unit_factor` converts areas, which these tables lack.)
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
