"""One cell of an imported table converted to the schema's type: blanks, numbers, dates,
yes/no, and land-use and status codes from their Chinese or English names.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from gis import vocabulary
from gis.exchange.mapping import normalise_name

_STATUS_COLUMNS = vocabulary.STATUS_FIELDS


_NUMBER_CLEAN = re.compile(r"[,，\s]")


# ---------------------------------------------------------------- values
def is_blank(value: object) -> bool:
    """True for a missing value or text that is only white space."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


_TRUE = {"1", "true", "t", "yes", "y", "是", "√", "有", "x"}


_FALSE = {"0", "false", "f", "no", "n", "否", "×", "无", ""}


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def convert(value: object, dtype: str) -> object:
    """One cell as our ``dtype``; ``ValueError`` if it cannot be read."""
    if is_blank(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if dtype == "str":
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # a code typed as a number in Excel
        return str(value).strip()
    if dtype in ("float", "int"):
        if isinstance(value, bool):
            raise ValueError(value)
        number = float(_NUMBER_CLEAN.sub("", str(value)))
        if not math.isfinite(number):
            raise ValueError(value)
        if dtype == "int":
            if not number.is_integer():
                raise ValueError(value)
            return int(number)
        return number
    if dtype == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text.endswith(".0"):
            text = text[:-2]
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(value)
    if dtype == "date":
        if isinstance(value, (datetime, pd.Timestamp)):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (int, float)) and 20000 <= value <= 80000:  # an Excel serial day
            return (date(1899, 12, 30) + timedelta(days=int(value))).isoformat()
        text = str(value).strip()
        for pattern in _DATE_PATTERNS:
            m = pattern.match(text)
            if m:
                return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        raise ValueError(value)
    return str(value).strip()  # datetime: kept as given


@functools.cache  # vocabularies are constant: one table each, not one per imported cell
def _code_lookup(items: tuple) -> dict[str, str]:
    table = {}
    for item in items:
        for text in (item.code, item.label_zh, item.label_en):
            table[normalise_name(text)] = item.code
    return table


_LAND_USE_WORDS = (
    ("新型产业", "M0"),
    ("m0", "M0"),
    ("仓储", "WAREHOUSE"),
    ("物流", "WAREHOUSE"),
    ("工业", "INDUSTRIAL"),
    ("m1", "INDUSTRIAL"),
    ("m2", "INDUSTRIAL"),
    ("m3", "INDUSTRIAL"),
    ("商", "COMMERCIAL_RESIDENTIAL"),
    ("住", "COMMERCIAL_RESIDENTIAL"),
    ("公用", "PUBLIC_UTILITY"),
)


def land_use_code(text: str) -> str:
    """A land-use code from a code or a Chinese/English label (``ValueError`` if unknown)."""
    key = normalise_name(text)
    exact = _code_lookup(vocabulary.LAND_USES).get(key)
    if exact:
        return exact
    for word, code in _LAND_USE_WORDS:
        if word in key:
            return code
    raise ValueError(text)


def status_code(field_name: str, text: str) -> str:
    """A status code of ``field_name`` from a code or a label (``ValueError`` if unknown)."""
    code = _code_lookup(vocabulary.statuses(field_name)).get(normalise_name(text))
    if code is None:
        raise ValueError(text)
    return code
