"""Excel (.xlsx) in and out, with Chinese headers and units: the one way tables leave
and enter the app as spreadsheets (openpyxl)."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gis._errors import ValidationError
from gis.schema import LayerSpec

#: Uploaded workbooks larger than this are refused before parsing (zip bombs, mistakes).
MAX_XLSX_BYTES = 20 * 1024 * 1024
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def labelled_columns(frame: pd.DataFrame, spec: LayerSpec, lang: str = "zh") -> pd.DataFrame:
    """``frame``'s columns renamed to the spec's labels with units, e.g. ``出让面积(m²)``.

    Columns not in the spec keep their names; the geometry column is dropped.
    """
    names = {}
    for column in spec.columns:
        label = column.label(lang)
        names[column.name] = f"{label}({column.unit})" if column.unit else label
    plain = frame.drop(columns=["geometry"], errors="ignore")
    return pd.DataFrame(plain).rename(columns=names)


def to_xlsx(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per item: bold shaded header, frozen first row, widths fitted."""
    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=_sheet_title(title))
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.freeze_panes = "A2"
        for i, column in enumerate(frame.columns, start=1):
            values = [str(column), *(str(v) for v in frame.iloc[:200, i - 1])]
            width = max(display_width(v) for v in values) + 2
            sheet.column_dimensions[get_column_letter(i)].width = min(max(width, 8), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def open_workbook(data: bytes):
    """An uploaded workbook, opened read-only with cached values (close it when done).

    Raises :class:`ValidationError` (``xlsx_too_large`` / ``xlsx_unreadable``) instead of
    openpyxl's exceptions, so the UI can say what is wrong.
    """
    if len(data) > MAX_XLSX_BYTES:
        raise ValidationError(
            "xlsx_too_large",
            size_mb=round(len(data) / 1e6, 1),
            limit_mb=MAX_XLSX_BYTES // 1_000_000,
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ValidationError("xlsx_unreadable", reason=type(exc).__name__) from exc


def read_xlsx(data: bytes, *, sheet: str | int = 0) -> pd.DataFrame:
    """The first (or named) sheet of an uploaded workbook as text cells, header from row 1.

    Raises :class:`ValidationError` (``xlsx_too_large`` / ``xlsx_unreadable`` /
    ``xlsx_empty``) instead of openpyxl's exceptions, so the UI can say what is wrong.
    """
    book = open_workbook(data)
    try:
        ws = book[sheet] if isinstance(sheet, str) else book.worksheets[sheet]
        rows = list(ws.iter_rows(values_only=True))
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ValidationError("xlsx_unreadable", reason=type(exc).__name__) from exc
    finally:
        book.close()
    rows = [r for r in rows if any(v is not None and str(v).strip() for v in r)]
    if len(rows) < 2:
        raise ValidationError("xlsx_empty")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    return pd.DataFrame(
        [list(r) + [None] * (len(header) - len(r)) for r in rows[1:]], columns=header
    )


def _cell(value: object) -> object:
    """A value openpyxl can store: numpy scalars unwrapped, missing values empty."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _sheet_title(title: str) -> str:
    # Excel forbids []:*?/\ in sheet names and limits them to 31 characters.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "Sheet"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a fixed-width cell: CJK characters count two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
