"""The candidate pipeline table: headers in either language, row-by-row validation and
the all-or-nothing save (needs ``edit_candidates``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from gis._errors import ValidationError
from gis.auth import guard
from gis.auth.access import Actor
from gis.reuse.config import FIRE_CLASSES, Reason, division
from gis.schema import CANDIDATES
from gis.values import is_finite, is_missing

REQUIRED_FIELDS = (
    "candidate_id",
    "name",
    "industry_code",
    "need_area_min_m2",
    "need_area_max_m2",
    "fire_class",
)


NUMERIC_FIELDS = tuple(c.name for c in CANDIDATES.columns if c.dtype in ("float", "int"))


@dataclass(frozen=True)
class RowIssue:
    """The problems of one row: ``row`` is the spreadsheet row (header = 1)."""

    row: int
    candidate_id: str
    problems: tuple[Reason, ...]

    def text(self, lang: str = "zh") -> str:
        from gis.i18n import t

        joined = "；" if lang == "zh" else "; "
        return t(
            "reuse_row_issue",
            lang,
            row=self.row,
            id=self.candidate_id or "—",
            problems=joined.join(p.text(lang) for p in self.problems),
        )


def candidate_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with headers mapped to the schema's column names.

    Accepts the names themselves, the Chinese or English labels, and labels with their
    unit as :func:`gis.excel.labelled_columns` writes them (``需求面积下限(m²)``).
    """
    names: dict[str, str] = {}
    for c in CANDIDATES.columns:
        for label in (c.name, c.label_zh, c.label_en):
            names[label.strip().lower()] = c.name
            if c.unit:
                names[f"{label}({c.unit})".lower()] = c.name
                names[f"{label} ({c.unit})".lower()] = c.name
    return frame.rename(columns=lambda h: names.get(str(h).strip().lower(), str(h)))


def validate_candidates(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[RowIssue]]:
    """Check every row of a candidate table; return it cleaned, and the rows' problems.

    Required: :data:`REQUIRED_FIELDS`. Numbers must parse and not be negative, the
    minimum area need not exceed the maximum, the industry must be a GB/T 4754
    manufacturing division (``C13``–``C43``, 3- or 4-digit classes accepted), the fire
    class one of 甲乙丙丁戊, the ID unique. The cleaned frame has exactly the schema's
    columns, numbers as floats (jobs as ints) and the division as ``industry_code``.
    """
    frame = candidate_columns(pd.DataFrame(frame)).reset_index(drop=True)
    missing_cols = [c for c in REQUIRED_FIELDS if c not in frame.columns]
    if missing_cols:
        raise ValidationError("reuse_missing_columns", columns=", ".join(missing_cols))
    clean = pd.DataFrame({c: frame[c] if c in frame else None for c in CANDIDATES.column_names})
    issues: list[RowIssue] = []
    ids = frame["candidate_id"].map(_blank_to_none)
    duplicated = ids.notna() & ids.astype(str).duplicated(keep=False)
    for i in range(len(frame)):
        problems: list[Reason] = []
        row = frame.iloc[i]
        for col in REQUIRED_FIELDS:
            if _blank_to_none(row[col]) is None:
                problems.append(Reason("reuse_v_missing", {"field": col}))
        numbers: dict[str, float | None] = {}
        for col in NUMERIC_FIELDS:
            raw = _blank_to_none(row[col]) if col in frame.columns else None
            if raw is None:
                numbers[col] = None
                continue
            value = pd.to_numeric(str(raw).replace(",", "").strip(), errors="coerce")
            if not is_finite(value):
                problems.append(Reason("reuse_v_not_number", {"field": col, "value": str(raw)}))
                numbers[col] = None
            elif value < 0:
                problems.append(Reason("reuse_v_negative", {"field": col, "value": f"{value:g}"}))
                numbers[col] = None
            else:
                numbers[col] = float(value)
        lo, hi = numbers.get("need_area_min_m2"), numbers.get("need_area_max_m2")
        if lo is not None and hi is not None and lo > hi:
            problems.append(Reason("reuse_v_min_gt_max", {"lo": f"{lo:g}", "hi": f"{hi:g}"}))
        code = _blank_to_none(row["industry_code"])
        if code is not None and division(code) is None:
            problems.append(Reason("reuse_v_industry", {"value": str(code)}))
        fire = _blank_to_none(row["fire_class"])
        if fire is not None and (
            len(str(fire).strip()) != 1 or str(fire).strip() not in FIRE_CLASSES
        ):
            problems.append(Reason("reuse_v_fire", {"value": str(fire)}))
        if duplicated.iloc[i]:
            problems.append(Reason("reuse_v_duplicate", {"value": str(ids.iloc[i])}))
        if problems:
            issues.append(
                RowIssue(i + 2, "" if ids.iloc[i] is None else str(ids.iloc[i]), tuple(problems))
            )
            continue
        for col, value in numbers.items():
            clean.at[i, col] = value
        clean.at[i, "industry_code"] = division(code)
        clean.at[i, "fire_class"] = str(fire).strip()
        for col in ("candidate_id", "name", "stage"):
            value = _blank_to_none(row[col]) if col in frame.columns else None
            clean.at[i, col] = None if value is None else str(value).strip()
    if not issues:
        for col in NUMERIC_FIELDS:
            clean[col] = pd.to_numeric(clean[col], errors="coerce").astype(float)
        clean["expected_jobs"] = clean["expected_jobs"].round().astype("Int64")
    return clean, issues


def save_candidates(
    store: Any, frame: pd.DataFrame, *, actor: Actor, expected_version: int | None = None
) -> int:
    """Validate ``frame`` and replace the store's candidate table in one transaction.

    Nothing is written unless every row is valid: :class:`ValidationError`
    ``reuse_candidates_invalid`` carries the issues in ``params['issues']``. Needs
    ``edit_candidates``. Returns the new data version.
    """
    audit = guard.permit(store, actor, "edit_candidates", "save_candidates", target="candidates")
    clean, issues = validate_candidates(frame)

    def change(_: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        if issues:
            raise ValidationError("reuse_candidates_invalid", n=len(issues), issues=issues)
        return {"candidates": clean}

    return store.transaction(["candidates"], change, expected_version=expected_version, audit=audit)


def _blank_to_none(value: Any) -> Any:
    if is_missing(value) or (isinstance(value, str) and not value.strip()):
        return None
    return value
