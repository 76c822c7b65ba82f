"""Step 3 of the figures import: every cell converted to our units and checked, each
problem naming the file's rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gis._errors import ValidationError
from gis.exchange.figures_cells import (
    _TOTAL_WORDS,
    _empty,
    _text,
    figure_unit_factor,
    header_unit,
    parse_kind,
    parse_months,
    parse_year,
)
from gis.exchange.figures_fields import (
    PROJECT_FIGURES,
    SUBJECT_KINDS,
    YEAR_RANGE,
    _firm_id_field,
    _row_problem,
    _rows,
    _spec,
    fields,
    figure_columns,
)
from gis.exchange.figures_read import FigureTable
from gis.exchange.import_cells import convert, is_blank


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
