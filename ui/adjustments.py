"""The editor of one evaluation year's 加分/减分 and overrides (直接定类).

A building block for the page that shows the 亩均 evaluation: it renders an expander with
a help text, an editable table of the year's rows (firms chosen by id, shown with their
names), the author and a save button. Saving goes through
:func:`gis.efficiency.adjustments.save_adjustments` (checked, atomic); errors are shown in the UI
language, and a successful save leaves a flash message and reruns the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from gis._errors import ParkError
from gis.efficiency import adjustments as efficiency_adjustments
from gis.efficiency.config import OVERRIDES, EfficiencyConfig
from gis.i18n import t
from ui import roles
from ui.session import current_actor
from ui.text import error_md

#: Session-state key of the pages' one-shot success message (pages/views/targets.py).
_COLUMNS = ("enterprise_id", "bonus_points", "deduction_points", "override", "reason")
_STAMPS = ("author", "recorded_at")


def _fmt(value: float) -> str:
    return f"{value:g}" if math.isfinite(value) else "—"


def _firm_labels(enterprises: pd.DataFrame) -> dict[str, str]:
    """``{id: "id name"}`` for every firm, in id order."""
    pairs = (
        (str(e).strip(), "" if n is None or (isinstance(n, float) and math.isnan(n)) else str(n))
        for e, n in zip(enterprises["enterprise_id"], enterprises["name"], strict=True)
        if e is not None and str(e).strip()
    )
    return {eid: f"{eid} {name}".strip() for eid, name in sorted(pairs)}


def year_rows(adjustments: pd.DataFrame, year: int) -> pd.DataFrame:
    """The stored adjustments of ``year`` as the editor shows them (one row per firm)."""
    frame = pd.DataFrame(adjustments).reindex(columns=[*_COLUMNS, "year", *_STAMPS])
    rows = frame[pd.to_numeric(frame["year"], errors="coerce") == year]
    out = rows[[*_COLUMNS, *_STAMPS]].astype(object)
    for name in ("bonus_points", "deduction_points"):
        out[name] = pd.to_numeric(rows[name], errors="coerce").astype(float)
    # Empty overrides as None, so the select box shows an empty cell.
    out["override"] = pd.Series(
        [o if isinstance(o, str) and o.strip() else None for o in out["override"]],
        index=out.index,
        dtype=object,
    )
    return out.sort_values("enterprise_id", kind="stable").reset_index(drop=True)


def adjustments_editor(
    *,
    store,
    frames: Mapping[str, pd.DataFrame],
    year: int,
    config: EfficiencyConfig,
    lang: str,
    version: int,
    flash_key: str,
) -> None:
    """The expander "加减分与直接定类" with the editor of ``year``'s adjustments.

    ``frames`` are the store's frames at data version ``version`` (``shell.frames()``;
    not modified); the save is refused if the store has moved on since. On success the
    message goes to ``st.session_state[flash_key]`` and the script reruns.
    """
    with st.expander(t("adj_heading", lang)):
        st.caption(
            t(
                "adj_help",
                lang,
                max_bonus=_fmt(float(config.max_bonus_points)),
                max_deduction=_fmt(float(config.max_deduction_points)),
            )
        )
        labels = _firm_labels(frames["enterprises"])
        rows = year_rows(frames["evaluation_adjustments"], year)
        st.caption(t("adj_year_rows", lang, year=year, count=len(rows)))
        # A stored row may name a firm since removed: keep it selectable, so it shows.
        options = list(labels) + sorted(set(rows["enterprise_id"].dropna()) - set(labels))
        override_labels = {o: t(f"adj_override_{o.lower()}", lang) for o in OVERRIDES}
        editable = roles.may("edit_evaluation")
        edited = st.data_editor(
            rows,
            disabled=not editable,  # read-only for the roles that may not change it
            num_rows="dynamic" if editable else "fixed",
            hide_index=True,
            width="stretch",
            key=f"adj_editor_{year}_{version}_{lang}",
            column_order=(*_COLUMNS, *_STAMPS),
            column_config={
                "enterprise_id": st.column_config.SelectboxColumn(
                    t("adj_col_enterprise", lang),
                    options=options,
                    format_func=lambda eid: labels.get(eid, str(eid)),
                    required=True,
                    width="large",
                ),
                "bonus_points": st.column_config.NumberColumn(
                    t("adj_col_bonus", lang),
                    min_value=0.0,
                    max_value=float(config.max_bonus_points),
                    step=0.5,
                ),
                "deduction_points": st.column_config.NumberColumn(
                    t("adj_col_deduction", lang),
                    min_value=0.0,
                    max_value=float(config.max_deduction_points),
                    step=0.5,
                ),
                "override": st.column_config.SelectboxColumn(
                    t("adj_col_override", lang),
                    options=list(OVERRIDES),
                    format_func=lambda code: override_labels.get(code, str(code)),
                ),
                "reason": st.column_config.TextColumn(
                    t("adj_col_reason", lang), width="large", required=True
                ),
                "author": st.column_config.TextColumn(t("adj_col_author", lang), disabled=True),
                "recorded_at": st.column_config.TextColumn(
                    t("adj_col_recorded_at", lang), disabled=True
                ),
            },
        )
        if not roles.allowed("edit_evaluation", lang):
            return
        if st.button(t("adj_save", lang), key=f"adj_save_{year}"):
            try:  # the author of new and changed rows is the signed-in account
                new_version = efficiency_adjustments.save_adjustments(
                    store,
                    pd.DataFrame(edited)[list(_COLUMNS)],
                    year=year,
                    actor=current_actor(),
                    config=config,
                    expected_version=version,
                )
            except ParkError as exc:
                st.error(error_md(exc, lang))
            else:
                if new_version == version:
                    st.info(t("adj_unchanged", lang))
                else:
                    st.session_state[flash_key] = t("adj_saved", lang, year=year)
                    st.rerun()


__all__ = ["adjustments_editor", "year_rows"]
