"""Step 1 of the figures import: an uploaded .xlsx or .csv read as cells with the file's
own row numbers, the header row found below any title, the title's period and unit kept.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gis._errors import ValidationError
from gis.excel import open_workbook
from gis.exchange.encoding import EncodingGuess, decode, guess_text_encoding, normalize
from gis.exchange.figures_cells import guess_period, title_unit
from gis.exchange.figures_fields import FIGURE_FORMATS
from gis.exchange.figures_suggest import _known_names, match_key
from gis.exchange.import_cells import is_blank
from gis.exchange.limits import DEFAULT_LIMITS, Limits, check_upload

_HEADER_SCAN_ROWS = 15  # the header is looked for among the first rows that hold anything


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
