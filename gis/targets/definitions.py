"""The targets the park tracks (:data:`DEFINITIONS`), and the validation and saving of a
year's target table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from gis._errors import ValidationError
from gis.auth import guard
from gis.auth.access import Actor
from gis.schema import TARGETS
from gis.values import is_missing


@dataclass(frozen=True)
class TargetDefinition:
    """How one target id is computed: its kind and its default labels and unit."""

    target_id: str
    kind: str  # flow | stock | reported
    label_zh: str
    label_en: str
    unit: str
    #: How the expected value by a date is set: "even" (linear to the target over the
    #: year), "rate" (the target itself: a growth rate), "none" (judged by projection).
    pace: str = "even"


DEFINITIONS: dict[str, TargetDefinition] = {
    d.target_id: d
    for d in (
        TargetDefinition("LAND_SOLD_MU", "flow", "工业用地出让", "Industrial land sold", "亩"),
        TargetDefinition(
            "FLOOR_AREA_STARTED_WAN_M2",
            "stock",
            "万洋累计开工建筑面积",
            "Wanyang floor area started",
            "万m²",
        ),
        TargetDefinition(
            "FIRMS_IN_PRODUCTION", "stock", "累计投产企业", "Firms in production", "家"
        ),
        TargetDefinition(
            "NEW_ABOVE_SCALE_FIRMS", "flow", "新增规上企业", "New above-size firms", "家"
        ),
        TargetDefinition(
            "EFFECTIVE_INVESTMENT_YI", "reported", "有效投资", "Effective investment", "亿元"
        ),
        TargetDefinition(
            "TAX_GROWTH_PCT", "reported", "税费增长", "Tax and fee growth", "%", pace="rate"
        ),
        TargetDefinition(
            "VA_GROWTH_PCT",
            "reported",
            "规上工业增加值增长",
            "Above-size industrial value-added growth",
            "%",
            pace="rate",
        ),
        TargetDefinition(
            "BILLION_YUAN_FIRMS",
            "reported",
            "培育亿元企业",
            "New firms with revenue ≥ 100 million yuan",
            "家",
            pace="none",
        ),
    )
}


KNOWN_TARGET_IDS = tuple(DEFINITIONS)


# ---------------------------------------------------------------- editing the targets
def validate_targets(frame: pd.DataFrame) -> pd.DataFrame:
    """The edited targets table, checked and normalised for the store.

    Rules: every id is a known target (:data:`KNOWN_TARGET_IDS`) and appears once; the
    year is a whole number between 2000 and 2100; the target value is a number ≥ 0.
    Empty labels and units take the definition's. Raises :class:`ValidationError`
    (``targets_unknown_id``, ``targets_duplicate_id``, ``targets_bad_year``,
    ``targets_not_number``, ``targets_negative``) naming the offending row.
    """
    rows = []
    seen: set[str] = set()
    for _, row in pd.DataFrame(frame).iterrows():
        tid = "" if is_missing(row.get("target_id")) else str(row.get("target_id")).strip()
        if tid not in DEFINITIONS:
            raise ValidationError("targets_unknown_id", target_id=tid or "—")
        if tid in seen:
            raise ValidationError("targets_duplicate_id", target_id=tid)
        seen.add(tid)
        year = _number(row.get("year"))
        if year is None or year != int(year) or not 2000 <= year <= 2100:
            raise ValidationError("targets_bad_year", target_id=tid, value=row.get("year"))
        value = _number(row.get("target_value"))
        if value is None:
            raise ValidationError(
                "targets_not_number", target_id=tid, value=row.get("target_value")
            )
        if value < 0:
            raise ValidationError("targets_negative", target_id=tid, value=value)
        d = DEFINITIONS[tid]
        rows.append(
            {
                "target_id": tid,
                "year": int(year),
                "label_zh": _text(row.get("label_zh")) or d.label_zh,
                "label_en": _text(row.get("label_en")) or d.label_en,
                "unit": _text(row.get("unit")) or d.unit,
                "target_value": float(value),
                "source": _text(row.get("source")),
            }
        )
    return pd.DataFrame(rows, columns=list(TARGETS.column_names))


def save_targets(
    store, frame: pd.DataFrame, *, actor: Actor, expected_version: int | None = None
) -> int:
    """Validate ``frame`` and replace the store's ``targets`` layer with it atomically.

    ``expected_version`` is the data version the edit was based on (a stale edit is
    refused by the store). Needs ``edit_targets``. Returns the new data version.
    """
    audit = guard.permit(store, actor, "edit_targets", "save_targets", target="targets")
    clean = validate_targets(frame)
    return store.transaction(
        ("targets",),
        lambda _: {"targets": clean},
        expected_version=expected_version,
        audit=audit,
    )


def _number(value: object) -> float | None:
    if is_missing(value) or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value).strip()
