"""闲置盘活 Reuse scenarios: pick spaces and candidates, run, see the effects, save, compare."""

import hashlib
import json

import pandas as pd
import streamlit as st

from gis._errors import ParkError, ValidationError
from gis.excel import XLSX_MIME, labelled_columns, read_xlsx, to_xlsx
from gis.i18n import error_text, t
from gis.reuse import candidates as reuse_candidates
from gis.reuse import config as reuse_config
from gis.reuse import effects, scenarios
from gis.reuse import run as reuse_run
from gis.schema import CANDIDATES, VACANT_SPACES
from layers.legend import compact_controls
from layers.reuse import scenario_extras
from ui import mapview, missing, roles, shell
from ui.session import current_actor
from ui.text import md

lang = shell.lang()
frames = shell.frames()
store = shell.store()
st.header(t("reuse_heading", lang))
missing.show_missing("reuse", year=shell.as_of().year)
st.caption(t("reuse_intro", lang))
if store.is_sample():
    st.caption("⚠️ " + t("reuse_synthetic_note", lang))

SECTIONS = ("run", "candidates", "compare")
section = st.radio(
    t("reuse_heading", lang),
    SECTIONS,
    horizontal=True,
    key="reuse_section",
    label_visibility="collapsed",
    format_func=lambda s: t(f"reuse_tab_{s}", lang),
)
saved = scenarios.with_baseline(frames)
by_id = {s.scenario_id: s for s in saved}
candidates = frames["candidates"]
spaces = frames["vacant_spaces"]


def scenario_label(scenario_id: str) -> str:
    s = by_id[scenario_id]
    name = t("scenario_baseline_name", lang) if scenario_id == scenarios.BASELINE_ID else s.name
    return f"{scenario_id} · {name}" + (" 🔒" if s.locked else "")


def show_map(
    placements: pd.DataFrame, cands: pd.DataFrame, selected, *, key: str, compact: bool = False
) -> None:
    """The scenario's map; ``compact`` (maps side by side) folds the legend behind a button
    and collapses the layer control so they do not cover the half-width map."""
    digest = hashlib.sha1(
        json.dumps(
            [placements.to_dict(orient="records"), sorted(selected or [])], default=str
        ).encode()
    ).hexdigest()[:16]
    m = mapview.park_map(
        "construction_status",
        extras=scenario_extras(placements, cands, selected),
        extras_key=f"reuse:{digest}",
    )
    if compact:
        compact_controls(m, toggle=t("legend_toggle", lang))
    mapview.show(m, key=key)


# ---------------------------------------------------------------- run
def load_inputs() -> None:
    """Start the inputs from the chosen 'based on' scenario."""
    s = by_id[st.session_state["reuse_based_on"]]
    inputs = s.inputs
    config = reuse_config.ReuseConfig.from_dict(inputs["config"]) if inputs.get("config") else None
    config = config or reuse_config.ReuseConfig()
    all_s, all_c = set(spaces["space_id"]), set(candidates["candidate_id"])
    chosen_s = [i for i in inputs.get("space_ids", []) if i in all_s]
    chosen_c = [i for i in inputs.get("candidate_ids", []) if i in all_c]
    st.session_state["reuse_spaces"] = [] if len(chosen_s) == len(all_s) else chosen_s
    st.session_state["reuse_cands"] = [] if len(chosen_c) == len(all_c) else chosen_c
    for name in ("w_industry", "w_area", "w_tax", "w_jobs"):
        st.session_state[f"reuse_{name}"] = float(getattr(config, name))
    st.session_state["reuse_method"] = config.method
    st.session_state["reuse_split"] = config.allow_split
    st.session_state["reuse_unit"] = float(config.min_split_unit_m2)
    st.session_state["reuse_tolerance"] = float(config.area_tolerance)
    st.session_state["reuse_seed"] = int(inputs.get("seed", 0))


def run_section() -> None:
    st.selectbox(
        t("reuse_based_on", lang),
        list(by_id),
        key="reuse_based_on",
        format_func=scenario_label,
        on_change=load_inputs,
    )
    left, right = st.columns(2)
    blocks = frames["blocks"]
    block_names = dict(
        zip(blocks["block_id"], blocks["name" if lang == "zh" else "name_en"], strict=True)
    )
    block_of = frames["parcels"].set_index("code")["block_id"]
    space_block = spaces["parcel_code"].map(block_of)
    block_ids = left.multiselect(
        t("block_filter", lang),
        list(block_names),
        key="reuse_blocks",
        format_func=block_names.__getitem__,
        placeholder=t("all_blocks", lang),
    )
    in_blocks = spaces[space_block.isin(block_ids)] if block_ids else spaces
    picked = left.multiselect(
        t("reuse_spaces", lang),
        list(spaces["space_id"]),
        key="reuse_spaces",
        placeholder=t("reuse_all", lang),
        help=t("reuse_spaces_help", lang),
    )
    space_ids = picked or (list(in_blocks["space_id"]) if block_ids else [])
    with left.expander(t("reuse_space_details", lang, n=len(space_ids or spaces))):
        shown = spaces[spaces["space_id"].isin(space_ids)] if space_ids else spaces
        st.dataframe(
            labelled_columns(shown, VACANT_SPACES, lang), hide_index=True, key="reuse_spaces_table"
        )
    names = dict(zip(candidates["candidate_id"], candidates["name"], strict=True))
    cand_ids = right.multiselect(
        t("reuse_candidates", lang),
        list(candidates["candidate_id"]),
        key="reuse_cands",
        placeholder=t("reuse_all", lang),
        format_func=lambda c: f"{c} {names.get(c, '')}",
    )
    defaults = reuse_config.ReuseConfig()
    with st.expander(t("reuse_weights", lang) + " · " + t("reuse_rules", lang), expanded=False):
        cols = st.columns(4)
        weights = {}
        for col, name in zip(cols, ("w_industry", "w_area", "w_tax", "w_jobs"), strict=True):
            weights[name] = col.number_input(
                t(f"reuse_{name}", lang),
                min_value=0.0,
                max_value=10.0,
                step=0.05,
                value=float(getattr(defaults, name)),
                key=f"reuse_{name}",
            )
        a, b, c, d = st.columns(4)
        method = a.radio(
            t("reuse_method", lang),
            reuse_config.METHODS,
            key="reuse_method",
            format_func=lambda m: t(f"reuse_method_{m}", lang),
        )
        split = b.checkbox(t("reuse_allow_split", lang), key="reuse_split")
        unit = b.number_input(
            t("reuse_min_unit", lang),
            min_value=100.0,
            value=defaults.min_split_unit_m2,
            step=100.0,
            key="reuse_unit",
        )
        tolerance = c.number_input(
            t("reuse_tolerance", lang),
            min_value=1.0,
            max_value=3.0,
            value=defaults.area_tolerance,
            step=0.05,
            key="reuse_tolerance",
        )
        seed = d.number_input(t("reuse_seed", lang), min_value=0, value=0, step=1, key="reuse_seed")
    if st.button(t("reuse_run", lang), key="reuse_run", type="primary"):
        try:
            config = reuse_config.ReuseConfig(
                **weights,
                method=method,
                allow_split=split,
                min_split_unit_m2=float(unit),
                area_tolerance=float(tolerance),
            )
            run = reuse_run.run_scenario(
                frames,
                space_ids=space_ids or None,
                candidate_ids=cand_ids or None,
                config=config,
                seed=int(seed),
            )
        except ParkError as exc:
            st.warning(error_text(exc, lang))
            return
        st.session_state["reuse_last"] = run
        st.session_state.pop("reuse_saved_id", None)
    run = st.session_state.get("reuse_last")
    if run is None:
        return
    show_run(run)
    save_form(run)


def show_run(run: reuse_run.ScenarioRun) -> None:
    m = run.matching
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
    st.markdown("**" + t("reuse_placements", lang) + "**")
    p = m.placements
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

    st.markdown("**" + t("reuse_effects", lang) + "**")
    parcels = run.parcels
    if len(parcels):
        table = pd.DataFrame(
            {
                t("tip_code", lang): parcels["parcel_code"],
                t("reuse_tip_tenant", lang): parcels["tenants"],
                t("reuse_col_tax_mu", lang): [
                    f"{a:.2f} → {b:.2f}"
                    for a, b in zip(
                        parcels["tax_per_mu_before"], parcels["tax_per_mu_after"], strict=True
                    )
                ],
                t("reuse_col_output_mu", lang): [
                    f"{a:.1f} → {b:.1f}"
                    for a, b in zip(
                        parcels["output_per_mu_before"],
                        parcels["output_per_mu_after"],
                        strict=True,
                    )
                ],
                t("reuse_class_before", lang): parcels["class_before"].fillna("—"),
                t("reuse_class_after", lang): parcels["class_after"].fillna("—"),
                t("reuse_ks_before", lang): parcels["ks_before"].replace("", "—"),
                t("reuse_ks_after", lang): parcels["ks_after"].replace("", "—"),
                t("reuse_m_jobs_added", lang): parcels["jobs_added"],
                t("reuse_col_occupancy", lang): [
                    f"{a:.0%} → {b:.0%}"
                    for a, b in zip(
                        parcels["occupancy_before"], parcels["occupancy_after"], strict=True
                    )
                ],
            }
        )
        st.dataframe(table, hide_index=True, key="reuse_parcels_table")
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
        frames, run.totals, placements=run.matching.placements, as_of=shell.as_of()
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
    st.markdown("**" + t("reuse_map", lang) + "**")
    show_map(p, cands, run.inputs["space_ids"], key="reuse_map_run")


def save_form(run: reuse_run.ScenarioRun) -> None:
    if not roles.allowed("scenario", lang):
        return
    actor = current_actor()
    with st.form("reuse_save_form"):
        st.markdown("**" + t("reuse_save", lang) + "**")
        name = st.text_input(t("reuse_name", lang), key="reuse_name")
        note = st.text_input(t("reuse_note", lang), key="reuse_note")
        submitted = st.form_submit_button(t("reuse_save", lang))
    if submitted:
        try:  # the author is the signed-in account
            scenarios.ensure_baseline(store, frames, actor=actor)
            based_on = st.session_state.get("reuse_based_on", scenarios.BASELINE_ID)
            new_id = scenarios.save_scenario(
                store, run, name=name, actor=actor, based_on=based_on, note=note or None
            )
        except ParkError as exc:
            st.warning(error_text(exc, lang))
        else:
            st.session_state["reuse_saved_id"] = new_id
            st.rerun()
    if st.session_state.get("reuse_saved_id"):
        st.success(t("reuse_saved", lang, id=st.session_state["reuse_saved_id"]))


# ---------------------------------------------------------------- candidates
def candidates_section() -> None:
    upload = st.file_uploader(t("reuse_import", lang), type=["xlsx"], key="reuse_upload")
    base = pd.DataFrame(candidates)
    if upload is not None:
        try:
            base = reuse_candidates.candidate_columns(read_xlsx(upload.getvalue()))
        except ValidationError as exc:
            st.warning(error_text(exc, lang))
    editable = roles.may("edit_candidates")
    edited = st.data_editor(
        base,
        disabled=not editable,
        num_rows="dynamic" if editable else "fixed",
        hide_index=True,
        key="reuse_editor",
        column_config={
            c.name: (f"{c.label(lang)}({c.unit})" if c.unit else c.label(lang))
            for c in CANDIDATES.columns
        },
    )
    a, b = st.columns(2)
    if not roles.allowed("edit_candidates", lang, where=a):
        pass
    elif a.button(t("reuse_save_candidates", lang), key="reuse_save_cands", type="primary"):
        try:
            reuse_candidates.save_candidates(store, edited, actor=current_actor())
        except ValidationError as exc:
            issues = exc.params.get("issues")
            if issues:
                st.warning(t("reuse_rows_invalid", lang, n=len(issues)))
                for issue in issues:
                    st.markdown("- " + issue.text(lang))
            else:
                st.warning(error_text(exc, lang))
        else:
            st.success(t("reuse_candidates_saved", lang, n=len(edited)))
    b.download_button(
        t("reuse_download_template", lang),
        roles.audited(  # built (and recorded in the audit trail) when clicked
            store,
            lambda: to_xlsx(
                {"candidates": labelled_columns(pd.DataFrame(candidates), CANDIDATES, lang)}
            ),
            target="candidates.xlsx",
            rows=len(candidates),
        ),
        file_name="candidates.xlsx",
        mime=XLSX_MIME,
        key="reuse_download",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )


# ---------------------------------------------------------------- compare
def compare_section() -> None:
    ids = list(by_id)
    default = ids[:1] + ids[-1:] if len(ids) >= 2 else ids  # the baseline and the latest
    chosen = st.multiselect(
        t("reuse_compare_pick", lang),
        ids,
        default=list(dict.fromkeys(default)),
        key="reuse_compare",
        format_func=scenario_label,
        max_selections=3,
    )
    if not 2 <= len(chosen) <= 3:
        st.info(t("reuse_compare_need", lang) if len(ids) > 1 else t("reuse_no_scenarios", lang))
        return
    items = [by_id[i] for i in chosen]
    table = scenarios.compare(items)
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
    first = items[0].scenario_id
    lower_is_better = {"idle_after_m2"}
    display = pd.DataFrame({t("reuse_col_metric", lang): [t(k, lang) for k in table["label_key"]]})
    digits = [d for _, _, d in scenarios.COMPARE_METRICS]
    metrics = list(table["metric"])

    def number(value: float, d: int, *, signed: bool = False) -> str:
        return "—" if pd.isna(value) else f"{value:{'+' if signed else ''},.{d}f}"

    signs: dict[str, list[float]] = {}  # displayed column -> the numbers that colour it
    for s in items:
        display[scenario_label(s.scenario_id)] = [
            number(v, d) for v, d in zip(table[f"value:{s.scenario_id}"], digits, strict=True)
        ]
    for s in items[1:]:
        diff_col = f"{t('reuse_col_diff', lang)} {s.scenario_id}−{first}"
        pct_col = f"{t('reuse_col_pct', lang)} {s.scenario_id}/{first}"
        diffs = list(table[f"diff:{s.scenario_id}"])
        off = t("reuse_not_comparable", lang)
        comparable = list(table["comparable"])
        display[diff_col] = [
            number(v, d, signed=True) if ok else off
            for v, d, ok in zip(diffs, digits, comparable, strict=True)
        ]
        display[pct_col] = [
            number(v, 1, signed=True) if ok else off
            for v, ok in zip(table[f"pct:{s.scenario_id}"], comparable, strict=True)
        ]
        signs[diff_col] = signs[pct_col] = diffs  # NaN where not comparable: not coloured

    def colour(column: pd.Series) -> list[str]:
        out = []
        for metric, value in zip(metrics, signs[column.name], strict=True):
            if pd.isna(value) or abs(value) < 1e-12:
                out.append("")
                continue
            good = (value > 0) != (metric in lower_is_better)
            out.append("color: #1b5e20; font-weight: 600" if good else "color: #b71c1c")
        return out

    styled = display.style.apply(colour, subset=list(signs))
    st.dataframe(styled, hide_index=True, key="reuse_compare_table", height="content")
    if st.button(t("reuse_rerun", lang), key="reuse_rerun"):
        for s in items:
            ok = scenarios.reproduces(frames, s)
            message = t("reuse_rerun_ok" if ok else "reuse_rerun_diff", lang, id=s.scenario_id)
            (st.success if ok else st.warning)(message)
    cols = st.columns(len(items))
    for col, s in zip(cols, items, strict=True):
        with col:
            st.markdown(f"**{md(scenario_label(s.scenario_id))}**")
            cands = pd.DataFrame(
                s.inputs.get("candidates", []), columns=list(CANDIDATES.column_names)
            )
            show_map(
                s.placements,
                cands,
                s.inputs.get("space_ids", []),
                key=f"reuse_map_{s.scenario_id}",
                compact=True,
            )


{"run": run_section, "candidates": candidates_section, "compare": compare_section}[section]()
