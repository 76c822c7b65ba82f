"""The reuse page's 运行 section: a scenario's inputs (based on a saved one; spaces by block
or by id, candidates, weights and rules), the run, its result, and the form that saves it."""

from __future__ import annotations

import streamlit as st

from gis._errors import ParkError
from gis.excel import labelled_columns
from gis.i18n import error_text, t
from gis.reuse import config as reuse_config
from gis.reuse import run as reuse_run
from gis.reuse import scenarios
from gis.schema import VACANT_SPACES
from ui import roles
from ui.reuse_context import ReusePage, scenario_label
from ui.scenario_result import show_run
from ui.session import current_actor

WEIGHTS = ("w_industry", "w_area", "w_tax", "w_jobs")


def load_inputs(page: ReusePage) -> None:
    """Start the inputs from the chosen 'based on' scenario (the select box's callback)."""
    ss = st.session_state
    inputs = page.by_id[ss["reuse_based_on"]].inputs
    config = reuse_config.ReuseConfig.from_dict(inputs["config"]) if inputs.get("config") else None
    config = config or reuse_config.ReuseConfig()
    all_s, all_c = set(page.spaces["space_id"]), set(page.candidates["candidate_id"])
    chosen_s = [i for i in inputs.get("space_ids", []) if i in all_s]
    chosen_c = [i for i in inputs.get("candidate_ids", []) if i in all_c]
    ss["reuse_spaces"] = [] if len(chosen_s) == len(all_s) else chosen_s
    ss["reuse_cands"] = [] if len(chosen_c) == len(all_c) else chosen_c
    for name in WEIGHTS:
        ss[f"reuse_{name}"] = float(getattr(config, name))
    ss["reuse_method"] = config.method
    ss["reuse_split"] = config.allow_split
    ss["reuse_unit"] = float(config.min_split_unit_m2)
    ss["reuse_tolerance"] = float(config.area_tolerance)
    ss["reuse_seed"] = int(inputs.get("seed", 0))


def run_section(page: ReusePage) -> None:
    """Inputs, the run button, and the last run's result with its save form."""
    lang = page.lang
    st.selectbox(
        t("reuse_based_on", lang),
        list(page.by_id),
        key="reuse_based_on",
        format_func=lambda i: scenario_label(page, i),
        on_change=load_inputs,
        args=(page,),
    )
    left, right = st.columns(2)
    space_ids = _space_inputs(page, left)
    names = dict(zip(page.candidates["candidate_id"], page.candidates["name"], strict=True))
    cand_ids = right.multiselect(
        t("reuse_candidates", lang),
        list(page.candidates["candidate_id"]),
        key="reuse_cands",
        placeholder=t("reuse_all", lang),
        format_func=lambda c: f"{c} {names.get(c, '')}",
    )
    rules = _rule_inputs(lang)
    if st.button(t("reuse_run", lang), key="reuse_run", type="primary"):
        seed = rules.pop("seed")
        try:
            run = reuse_run.run_scenario(
                page.frames,
                space_ids=space_ids or None,
                candidate_ids=cand_ids or None,
                config=reuse_config.ReuseConfig(**rules),
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
    show_run(page, run)
    save_form(page, run)


def _space_inputs(page: ReusePage, left) -> list:
    """Blocks and spaces picked (none: all), with the chosen spaces' details; the ids."""
    lang, spaces = page.lang, page.spaces
    blocks = page.frames["blocks"]
    block_names = dict(
        zip(blocks["block_id"], blocks["name" if lang == "zh" else "name_en"], strict=True)
    )
    block_of = page.frames["parcels"].set_index("code")["block_id"]
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
    return space_ids


def _rule_inputs(lang: str) -> dict:
    """Weights, method, splitting, area tolerance and seed: ReuseConfig's fields + seed."""
    defaults = reuse_config.ReuseConfig()
    with st.expander(t("reuse_weights", lang) + " · " + t("reuse_rules", lang), expanded=False):
        cols = st.columns(4)
        fields: dict = {}
        for col, name in zip(cols, WEIGHTS, strict=True):
            fields[name] = col.number_input(
                t(f"reuse_{name}", lang),
                min_value=0.0,
                max_value=10.0,
                step=0.05,
                value=float(getattr(defaults, name)),
                key=f"reuse_{name}",
            )
        a, b, c, d = st.columns(4)
        fields["method"] = a.radio(
            t("reuse_method", lang),
            reuse_config.METHODS,
            key="reuse_method",
            format_func=lambda m: t(f"reuse_method_{m}", lang),
        )
        fields["allow_split"] = b.checkbox(t("reuse_allow_split", lang), key="reuse_split")
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
        fields["min_split_unit_m2"] = float(unit)
        fields["area_tolerance"] = float(tolerance)
        fields["seed"] = d.number_input(
            t("reuse_seed", lang), min_value=0, value=0, step=1, key="reuse_seed"
        )
    return fields


def save_form(page: ReusePage, run: reuse_run.ScenarioRun) -> None:
    """Name and note; saves the run as a scenario (the baseline first, if not yet saved)."""
    lang, store = page.lang, page.store
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
            scenarios.ensure_baseline(store, page.frames, actor=actor)
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
