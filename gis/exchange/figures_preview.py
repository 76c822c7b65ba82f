"""Step 4 of the figures import: firms and projects found in the store, duplicates in the
file refused, and what the import adds and replaces per period.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis import schema
from gis._errors import ValidationError
from gis.exchange.figures_cells import _credit_key, _name_key
from gis.exchange.figures_fields import FIGURE_MODES, _firm_id_field, _row_problem, _rows, _spec
from gis.exchange.figures_prepare import PreparedFigures
from gis.exchange.import_cells import is_blank
from gis.exchange.import_merge import conform
from gis.store import Frame


# ---------------------------------------------------------------- previewing and merging
@dataclass
class FiguresPreview:
    """What an import would do, computed on ``current`` data.

    ``rows``: one per imported row — the file's ``row``, the layer's columns with the
    firm or parcel found, its ``name``, ``matched_by`` (``enterprise_id``, ``credit_code``,
    ``name`` or ``parcel``) and ``action`` (``add`` / ``replace``). ``frame``: the layer
    after the import (``None`` while there are problems). ``periods``: per year (and
    months) the rows, added and replaced. ``cleared``: per column label, how many stored
    values mode ``replace`` would empty because the file has none.
    """

    layer: str
    mode: str
    rows: pd.DataFrame
    frame: Frame | None
    added: int
    replaced: int
    periods: pd.DataFrame
    cleared: dict[str, int]
    problems: list[ValidationError]
    notes: list[tuple[str, dict]]

    @property
    def ok(self) -> bool:
        return not self.problems


def preview_figures(
    current: Mapping[str, Frame], prepared: PreparedFigures, *, mode: str = "update"
) -> FiguresPreview:
    """Find the firms and parcels of ``prepared`` in ``current`` and merge (nothing written).

    ``current`` needs the layer itself, ``enterprises`` and ``parcels``. Problems are
    collected in the result, never raised.
    """
    if mode not in FIGURE_MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {FIGURE_MODES}")
    layer = prepared.layer
    spec = _spec(layer)
    problems = list(prepared.problems)
    notes = list(prepared.notes)
    rows = _resolve(current, prepared, problems, notes)
    identity = list(spec.identity)
    complete = rows[identity].notna().all(axis=1)
    if complete.any():
        problems += _duplicates(rows[complete], identity)
    periods = _period_columns(layer)
    empty_periods = pd.DataFrame(columns=[*periods, "rows", "added", "replaced"])
    if problems:
        return FiguresPreview(layer, mode, rows, None, 0, 0, empty_periods, {}, problems, notes)
    frame, actions, cleared = _merge(current[layer], rows, prepared.mapped, spec, mode)
    rows["action"] = actions
    summary = (
        rows.assign(
            added=rows["action"].eq("add").astype(int),
            replaced=rows["action"].eq("replace").astype(int),
        )
        .groupby(periods, sort=True)
        .agg(rows=("row", "size"), added=("added", "sum"), replaced=("replaced", "sum"))
        .reset_index()
    )
    added, replaced = actions.count("add"), actions.count("replace")
    return FiguresPreview(
        layer, mode, rows, frame, added, replaced, summary, cleared, problems, notes
    )


def _period_columns(layer: str) -> list[str]:
    return ["year"] if layer == "enterprise_years" else ["year", "months"]


def _resolve(
    current: Mapping[str, Frame],
    prepared: PreparedFigures,
    problems: list[ValidationError],
    notes: list[tuple[str, dict]],
) -> pd.DataFrame:
    """``prepared.rows`` with the layer's identity filled in from the register."""
    layer = prepared.layer
    id_field = _firm_id_field(layer)
    firms = pd.DataFrame(current["enterprises"])
    firm_ids = firms["enterprise_id"].astype(str).str.strip().tolist()
    firm_names = dict(zip(firm_ids, firms["name"].tolist(), strict=True))
    by_credit: dict[str, set[str]] = defaultdict(set)
    by_name: dict[str, set[str]] = defaultdict(set)
    for fid, credit, name in zip(firm_ids, firms["credit_code"], firms["name"], strict=True):
        if not is_blank(credit):
            by_credit[_credit_key(str(credit))].add(fid)
        if not is_blank(name):
            by_name[_name_key(str(name))].add(fid)
    parcels = pd.DataFrame(current["parcels"])
    parcel_names = dict(
        zip(parcels["code"].astype(str).str.strip(), parcels["name"].tolist(), strict=True)
    )

    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    resolved, names, matched = [], [], []
    source = prepared.rows
    kinds = source["subject_kind"] if "subject_kind" in source else [None] * len(source)
    for (_, row), kind in zip(source.iterrows(), kinds, strict=True):
        number, given = int(row["row"]), row[id_field]
        credit, name = row["credit_code"], row["firm_name"]
        sid, how = None, None
        if kind == "project":
            if given is not None and given in parcel_names:
                sid, how = given, "parcel"
            elif given is not None:
                found["figures_unknown_parcel"].append((number, given))
        elif given is not None:
            if given not in firm_names:
                found["figures_unknown_firm"].append((number, given))
            else:
                sid, how = given, "enterprise_id"
                owners = by_credit.get(_credit_key(credit), set()) if credit else set()
                if owners and given not in owners:
                    found["figures_firm_conflict"].append((number, f"{given}/{credit}"))
                    sid = None
        elif credit is not None or name is not None:
            owners = by_credit.get(_credit_key(credit), set()) if credit else set()
            named = by_name.get(_name_key(name), set()) if name else set()
            if len(owners) == 1:
                sid, how = next(iter(owners)), "credit_code"
            elif len(named) == 1:
                sid, how = next(iter(named)), "name"
            elif len(owners) > 1 or len(named) > 1:
                found["figures_ambiguous_name"].append((number, name or credit))
            else:
                found["figures_unknown_firm"].append((number, name or credit))
        resolved.append(sid)
        matched.append(how)
        names.append(
            parcel_names.get(sid) if how == "parcel" else firm_names.get(sid) if sid else None
        )
    for key in (
        "figures_unknown_firm",
        "figures_ambiguous_name",
        "figures_firm_conflict",
        "figures_unknown_parcel",
    ):
        if found[key]:
            problems.append(_row_problem(key, found[key]))
    by_name_rows = [int(n) for n, how in zip(source["row"], matched, strict=True) if how == "name"]
    if by_name_rows:
        notes.append(("figures_note_by_name", {"rows": _rows(by_name_rows)}))

    spec = _spec(layer)
    out = pd.DataFrame({"row": source["row"].astype(int).to_numpy()})
    for column in spec.column_names:
        if column == id_field:
            out[column] = pd.Series(resolved, dtype=object)
        else:
            out[column] = source[column].to_numpy() if column in source else None
    out["name"] = pd.Series(names, dtype=object)
    out["matched_by"] = pd.Series(matched, dtype=object)
    return out


def _identity_key(values: Iterable[object]) -> tuple:
    key = []
    for value in values:
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        key.append(str(value).strip())
    return tuple(key)


def _duplicates(rows: pd.DataFrame, identity: list[str]) -> list[ValidationError]:
    groups: dict[tuple, list[int]] = defaultdict(list)
    for number, *values in rows[["row", *identity]].itertuples(index=False):
        groups[_identity_key(values)].append(int(number))
    repeated = {key: numbers for key, numbers in groups.items() if len(numbers) > 1}
    if not repeated:
        return []
    found = [(n, "/".join(key)) for key, numbers in repeated.items() for n in numbers]
    return [_row_problem("figures_duplicates", found)]


def _merge(
    existing: Frame,
    rows: pd.DataFrame,
    mapped: tuple[str, ...],
    spec: schema.LayerSpec,
    mode: str,
) -> tuple[pd.DataFrame, list[str], dict[str, int]]:
    """The layer with ``rows`` upserted; the action per row; values emptied per column."""
    identity = list(spec.identity)
    figures = [c for c in spec.column_names if c not in identity]
    stored = pd.DataFrame(existing).reset_index(drop=True)
    stored = stored.astype({c: object for c in spec.column_names if c in stored.columns})
    at = {
        _identity_key(values): i
        for i, values in enumerate(stored[identity].itertuples(index=False))
    }
    actions: list[str] = []
    added: list[dict[str, object]] = []
    cleared: Counter[str] = Counter()
    for record in rows[list(spec.column_names)].to_dict("records"):
        i = at.get(_identity_key(record[c] for c in identity))
        if i is None:
            added.append(record)
            actions.append("add")
            continue
        actions.append("replace")
        for column in figures:
            new = record[column]
            if mode == "update" and (column not in mapped or new is None):
                continue
            if new is None and not is_blank(stored.at[i, column]):
                cleared[spec.column(column).label_zh] += 1
            stored.at[i, column] = new
    parts = [p for p in (stored, pd.DataFrame(added, columns=list(spec.column_names))) if len(p)]
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else (parts or [stored])[0]
    frame = conform(frame.reset_index(drop=True), spec)
    return pd.DataFrame(frame[list(spec.column_names)]), actions, dict(cleared)
