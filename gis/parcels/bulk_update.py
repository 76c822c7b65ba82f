"""Status changes from a spreadsheet: the update template, each row checked against the
life-cycle rules, and the parcel table exported for editing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from gis import i18n, vocabulary
from gis._errors import ParkError, ValidationError
from gis.parcels.lifecycle import StatusChange, apply_changes, parse_date
from gis.vocabulary import CONSTRUCTION_FIELD, SALE_FIELD

# ------------------------------------------------------------------ Excel: bulk updates, export
#: Accepted headers of an update sheet (normalised: lower case, no spaces), per column.
UPDATE_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("地块编号", "code", "parcel", "parcelcode", "地块"),
    "field": ("字段", "field", "状态字段"),
    "new_status": ("新状态", "newstatus", "new_status", "status", "状态"),
    "effective_date": ("生效日期", "date", "effectivedate", "effective_date", "日期"),
    "note": ("备注", "note"),
}


#: The template's headers, in order (Chinese, as the clerks use them).
TEMPLATE_HEADERS = ("地块编号", "字段", "新状态", "生效日期", "备注")


@dataclass(frozen=True)
class RowCheck:
    """One row of an uploaded update sheet: its Excel row number, the change, the refusal."""

    row: int
    values: tuple[str, str, str, str, str]
    change: StatusChange | None
    error: ParkError | None


def _key(text: object) -> str:
    return "".join(str(text or "").lower().split())


def _field_of(value: object) -> str:
    text = _key(value)
    for fld, keys in (
        (SALE_FIELD, ("sale_status", "sale", "出让状态", "出让", "land-salestatus")),
        (CONSTRUCTION_FIELD, ("construction_status", "construction", "建设状态", "建设")),
    ):
        if text in keys:
            return fld
    raise ValidationError("status_field_unknown", field=str(value or ""))


def _status_of(fld: str, value: object) -> str:
    text = _key(value)
    for s in vocabulary.statuses(fld):
        if text in {_key(s.code), _key(s.label_zh), _key(s.label_en)}:
            return s.code
    raise ValidationError("status_unknown", field=fld, status=str(value or ""))


def check_update_rows(
    table: pd.DataFrame,
    parcels: pd.DataFrame,
    events: pd.DataFrame,
    *,
    author: str,
    today: date | None = None,
) -> list[RowCheck]:
    """Check every row of an uploaded sheet (see :func:`gis.excel.read_xlsx`).

    Rows are checked in order, each against the park as the valid rows before it leave
    it, so one sheet may move a parcel through several steps. Every row gets its
    refusal (unknown code, unknown field or status, forbidden transition, bad or future
    date, duplicate row), not just the first. Raises ``excel_missing_columns`` when a
    needed column is absent.
    """
    today = today or date.today()
    found: dict[str, str] = {}
    for header in table.columns:
        for name, keys in UPDATE_HEADERS.items():
            if _key(header) in {_key(k) for k in keys} and name not in found:
                found[name] = header
    missing = [n for n in ("code", "field", "new_status", "effective_date") if n not in found]
    if missing:
        labels = dict(zip(UPDATE_HEADERS, TEMPLATE_HEADERS, strict=True))
        raise ValidationError(
            "excel_missing_columns", columns="、".join(labels[m] for m in missing)
        )
    checks: list[RowCheck] = []
    seen: dict[tuple[str, str, str], int] = {}
    work_parcels, work_events = parcels, events
    for i, record in enumerate(table.to_dict(orient="records"), start=2):

        def cell(name: str, record: dict = record) -> object:
            value = record.get(found[name]) if name in found else None
            return None if value is None or (isinstance(value, float) and pd.isna(value)) else value

        raw_date = cell("effective_date")
        shown_date = raw_date.date().isoformat() if isinstance(raw_date, datetime) else raw_date
        values = tuple(
            "" if v is None else str(v)
            for v in (cell("code"), cell("field"), cell("new_status"), shown_date, cell("note"))
        )
        try:
            code = "".join(unicodedata.normalize("NFKC", str(cell("code") or "")).split())
            if not code:
                raise ValidationError("parcel_unknown", code="")
            fld = _field_of(cell("field"))
            status = _status_of(fld, cell("new_status"))
            try:
                day = parse_date(raw_date)
            except (TypeError, ValueError):
                raise ValidationError("status_date_invalid", value=str(raw_date)) from None
            if day is None:
                raise ValidationError("status_date_missing")
            matches = work_parcels["code"].astype(str).str.upper() == code.upper()
            if matches.any():
                code = str(work_parcels.loc[matches, "code"].iloc[0])
            key = (code, fld, status)
            if key in seen:
                raise ValidationError("status_row_duplicate", row=seen[key])
            seen[key] = i
            change = StatusChange(code, fld, status, day, author, str(cell("note") or ""))
            work_parcels, work_events = apply_changes(
                work_parcels, work_events, [change], today=today
            )
            checks.append(RowCheck(i, values, change, None))
        except ValidationError as exc:
            checks.append(RowCheck(i, values, None, exc))
    return checks


def update_template() -> pd.DataFrame:
    """An example update sheet with the template's headers."""
    return pd.DataFrame(
        [["D07", "建设状态", "开工", "2021-06-28", "取得施工许可证"]],
        columns=list(TEMPLATE_HEADERS),
    )


def parcel_export(parcels: pd.DataFrame, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The parcel table for a spreadsheet: labels instead of codes, Yes/No, area in mu.

    Columns keep the schema's names (label them with :func:`gis.excel.labelled_columns`);
    ``area_mu`` is added after ``area_m2_cert`` when the frame carries it.
    """
    from gis import schema  # local: schema is only needed here

    out = pd.DataFrame(parcels.drop(columns=["geometry"], errors="ignore")).copy()
    for fld in vocabulary.STATUS_FIELDS:
        labels = {s.code: s.label(lang) for s in vocabulary.statuses(fld)}
        out[fld] = out[fld].map(lambda c, labels=labels: labels.get(c, c))
    uses = {u.code: u.label(lang) for u in vocabulary.LAND_USES}
    out["land_use"] = out["land_use"].map(lambda c: uses.get(c, c))
    yes, no = i18n.t("parcel_yes", lang), i18n.t("parcel_no", lang)
    for col in schema.PARCELS.columns:
        if col.dtype == "bool" and col.name in out.columns:
            out[col.name] = out[col.name].map(lambda v: "" if pd.isna(v) else yes if v else no)
    columns = [c for c in schema.PARCELS.column_names if c in out.columns]
    if "area_mu" in out.columns:
        columns.insert(columns.index("area_m2_cert") + 1, "area_mu")
        out["area_mu"] = out["area_mu"].astype(float).round(2)
    return out[columns]
