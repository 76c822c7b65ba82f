"""A reuse run's result: scores, the placements, why the others stay unmatched, the effects
on each parcel, the totals against the year's targets, and the map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gis.i18n import t
from gis.reuse import effects, scenarios
from gis.reuse import run as reuse_run
from gis.schema import CANDIDATES
from ui import shell
from ui.reuse_context import ReusePage, show_map


def show_run(page: ReusePage, run: reuse_run.ScenarioRun) -> None:
    """The whole result of ``run``, section by section."""
    lang, m = page.lang, run.matching
    cands = pd.DataFrame(run.inputs["candidates"], columns=list(CANDIDATES.column_names))
    names = dict(zip(cands["candidate_id"], cands["name"], strict=True))
    st.subheader(t("reuse_result", lang))
    st.caption(
        t(
            "reuse_scores",
            lang,
            total=f"{m.total_score:.3f}",
            optimal=f"{m.optimal_score:.3f}",
            greedy=f"{m.greedy_score:.3f}",
            pairs=m.feasible_pairs,
        )
    )
    _placements(m.placements, names, lang)
    _unmatched(m, names, lang)
    st.markdown("**" + t("reuse_effects", lang) + "**")
    if len(run.parcels):
        st.dataframe(_effects(run.parcels, lang), hide_index=True, key="reuse_parcels_table")
    _totals(page, run)
    st.markdown("**" + t("reuse_map", lang) + "**")
    show_map(page, m.placements, cands, run.inputs["space_ids"], key="reuse_map_run")


def _placements(p: pd.DataFrame, names: dict, lang: str) -> None:
    """Which candidate goes where, with its score and the score's parts."""
    st.markdown("**" + t("reuse_placements", lang) + "**")
    st.dataframe(
        pd.DataFrame(
            {
                t("reuse_candidates", lang): [f"{c} {names.get(c, '')}" for c in p["candidate_id"]],
                t("reuse_tip_space", lang): p["space_id"],
                t("tip_code", lang): p["parcel_code"],
                t("tip_vacant", lang) + " (m²)": p["area_m2"].round(0),
                t("reuse_m_total_score", lang): p["score"].round(3),
                t("reuse_w_industry", lang): p["industry_fit"].round(2),
                t("reuse_w_area", lang): p["area_fit"].round(2),
                t("reuse_w_tax", lang): p["tax_norm"].round(2),
                t("reuse_w_jobs", lang): p["jobs_norm"].round(2),
            }
        ),
        hide_index=True,
        key="reuse_placements_table",
        height="content",
    )


def _unmatched(m, names: dict, lang: str) -> None:
    """The candidates and spaces left over, each with its reason."""
    st.markdown("**" + t("reuse_unmatched", lang) + "**")
    reasons = m.reasons(lang)
    reasons["kind"] = reasons["kind"].map(
        {"candidate": t("reuse_candidates", lang), "space": t("reuse_spaces", lang)}
    )
    reasons["id"] = [f"{i} {names.get(i, '')}".strip() for i in reasons["id"]]
    reasons.columns = [t("reuse_col_kind", lang), "ID", t("reuse_col_reason", lang)]
    st.dataframe(
        reasons,
        hide_index=True,
        key="reuse_reasons_table",
        column_config={t("reuse_col_reason", lang): st.column_config.TextColumn(width="large")},
    )


def _before_after(before: pd.Series, after: pd.Series, spec: str) -> list[str]:
    return [f"{a:{spec}} → {b:{spec}}" for a, b in zip(before, after, strict=True)]


def _effects(parcels: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each parcel's figures before → after the placements."""
    return pd.DataFrame(
        {
            t("tip_code", lang): parcels["parcel_code"],
            t("reuse_tip_tenant", lang): parcels["tenants"],
            t("reuse_col_tax_mu", lang): _before_after(
                parcels["tax_per_mu_before"], parcels["tax_per_mu_after"], ".2f"
            ),
            t("reuse_col_output_mu", lang): _before_after(
                parcels["output_per_mu_before"], parcels["output_per_mu_after"], ".1f"
            ),
            t("reuse_class_before", lang): parcels["class_before"].fillna("—"),
            t("reuse_class_after", lang): parcels["class_after"].fillna("—"),
            t("reuse_ks_before", lang): parcels["ks_before"].replace("", "—"),
            t("reuse_ks_after", lang): parcels["ks_after"].replace("", "—"),
            t("reuse_m_jobs_added", lang): parcels["jobs_added"],
            t("reuse_col_occupancy", lang): _before_after(
                parcels["occupancy_before"], parcels["occupancy_after"], ".0%"
            ),
        }
    )


def _totals(page: ReusePage, run: reuse_run.ScenarioRun) -> None:
    """The run's totals beside the year's targets before and after."""
    lang = page.lang
    st.markdown("**" + t("reuse_totals", lang) + "**")
    totals = pd.DataFrame(
        {
            t("reuse_col_metric", lang): [t(k, lang) for _, k, _ in scenarios.COMPARE_METRICS],
            t("reuse_col_value", lang): [
                round(run.totals.get(key, 0.0), digits)
                for key, _, digits in scenarios.COMPARE_METRICS
            ],
        }
    )
    left, right = st.columns(2)
    left.dataframe(totals, hide_index=True, key="reuse_totals_table", height="content")
    progress = effects.target_progress(
        page.frames, run.totals, placements=run.matching.placements, as_of=shell.as_of()
    )
    right.dataframe(
        pd.DataFrame(
            {
                t("reuse_target", lang): progress["label_zh" if lang == "zh" else "label_en"],
                t("reuse_col_value", lang): progress["target"],
                t("reuse_target_base", lang): progress["now"],
                t("reuse_target_after", lang): progress["after"],
                t("reuse_target_share", lang): [f"{v:.0%}" for v in progress["share_after"]],
            }
        ),
        hide_index=True,
        key="reuse_targets_table",
    )
