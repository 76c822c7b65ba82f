"""The reuse page's 对比 section: two or three saved scenarios side by side (figures,
differences and shares coloured good or bad), a check that each re-runs to the same
result, and their maps."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gis.i18n import t
from gis.reuse import scenarios
from gis.schema import CANDIDATES
from ui.reuse_context import ReusePage, scenario_label, show_map
from ui.text import md

#: Metrics where a fall is an improvement.
LOWER_IS_BETTER = {"idle_after_m2"}


def compare_section(page: ReusePage) -> None:
    """The scenarios picked (the baseline and the latest by default) compared."""
    lang, ids = page.lang, list(page.by_id)
    default = ids[:1] + ids[-1:] if len(ids) >= 2 else ids  # the baseline and the latest
    chosen = st.multiselect(
        t("reuse_compare_pick", lang),
        ids,
        default=list(dict.fromkeys(default)),
        key="reuse_compare",
        format_func=lambda i: scenario_label(page, i),
        max_selections=3,
    )
    if not 2 <= len(chosen) <= 3:
        st.info(t("reuse_compare_need", lang) if len(ids) > 1 else t("reuse_no_scenarios", lang))
        return
    items = [page.by_id[i] for i in chosen]
    if not scenarios.same_weights(items):
        listed = "; ".join(
            t(
                "reuse_weights_of",
                lang,
                id=s.scenario_id,
                weights=" · ".join(
                    f"{t(f'reuse_{k}', lang)} {v:g}" for k, v in scenarios.weights(s).items()
                ),
            )
            for s in items
        )
        st.warning(t("reuse_weights_differ", lang, weights=listed))
    _compare_table(page, items)
    if st.button(t("reuse_rerun", lang), key="reuse_rerun"):
        for s in items:
            ok = scenarios.reproduces(page.frames, s)
            message = t("reuse_rerun_ok" if ok else "reuse_rerun_diff", lang, id=s.scenario_id)
            (st.success if ok else st.warning)(message)
    for col, s in zip(st.columns(len(items)), items, strict=True):
        with col:
            st.markdown(f"**{md(scenario_label(page, s.scenario_id))}**")
            cands = pd.DataFrame(
                s.inputs.get("candidates", []), columns=list(CANDIDATES.column_names)
            )
            show_map(
                page,
                s.placements,
                cands,
                s.inputs.get("space_ids", []),
                key=f"reuse_map_{s.scenario_id}",
                compact=True,
            )


def _number(value: float, d: int, *, signed: bool = False) -> str:
    return "—" if pd.isna(value) else f"{value:{'+' if signed else ''},.{d}f}"


def _compare_table(page: ReusePage, items: list) -> None:
    """Each scenario's figures, then each one's difference and share against the first."""
    lang = page.lang
    table = scenarios.compare(items)
    first = items[0].scenario_id
    display = pd.DataFrame({t("reuse_col_metric", lang): [t(k, lang) for k in table["label_key"]]})
    digits = [d for _, _, d in scenarios.COMPARE_METRICS]
    metrics = list(table["metric"])
    signs: dict[str, list[float]] = {}  # displayed column -> the numbers that colour it
    for s in items:
        display[scenario_label(page, s.scenario_id)] = [
            _number(v, d) for v, d in zip(table[f"value:{s.scenario_id}"], digits, strict=True)
        ]
    off = t("reuse_not_comparable", lang)
    comparable = list(table["comparable"])
    for s in items[1:]:
        diff_col = f"{t('reuse_col_diff', lang)} {s.scenario_id}−{first}"
        pct_col = f"{t('reuse_col_pct', lang)} {s.scenario_id}/{first}"
        diffs = list(table[f"diff:{s.scenario_id}"])
        display[diff_col] = [
            _number(v, d, signed=True) if ok else off
            for v, d, ok in zip(diffs, digits, comparable, strict=True)
        ]
        display[pct_col] = [
            _number(v, 1, signed=True) if ok else off
            for v, ok in zip(table[f"pct:{s.scenario_id}"], comparable, strict=True)
        ]
        signs[diff_col] = signs[pct_col] = diffs  # NaN where not comparable: not coloured

    def colour(column: pd.Series) -> list[str]:
        out = []
        for metric, value in zip(metrics, signs[column.name], strict=True):
            if pd.isna(value) or abs(value) < 1e-12:
                out.append("")
                continue
            good = (value > 0) != (metric in LOWER_IS_BETTER)
            out.append("color: #1b5e20; font-weight: 600" if good else "color: #b71c1c")
        return out

    styled = display.style.apply(colour, subset=list(signs))
    st.dataframe(styled, hide_index=True, key="reuse_compare_table", height="content")
