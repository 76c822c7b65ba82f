"""The figure tables' fields and shared row helpers: which layers take figures, the
fields of each, the period and unit rules, and how a row is named in a problem.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import replace

from gis import schema
from gis._errors import ValidationError

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


def _nfkc(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip()


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
