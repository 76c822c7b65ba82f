"""The parcel card's status form (修改状态): change a status or correct the latest event of
a field, with a date and a note; saved in one transaction against the version the form was
based on, so a stale save is refused and keeps what was typed."""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from gis import vocabulary
from gis._errors import ParkError
from gis.i18n import t
from gis.parcels import history, lifecycle
from ui import dates, roles
from ui.parcel_state import BASE, CHOSEN, FEEDBACK, SELECTED, ParcelPage, status_label
from ui.session import current_actor


def _save(page: ParcelPage, code: str, action: str, keys: dict[str, str]) -> None:
    """Form callback: record the change in one transaction; keep the input on refusal.

    ``code``, ``action`` and the widgets' ``keys`` are those of the form the user saw
    (passed as arguments, never re-read from a widget whose label may have changed).
    """
    lang = page.lang
    kind, _, arg = action.partition(":")
    if kind == "correct":
        event = page.now_frames["status_events"]
        target = event[event["event_id"].astype(int) == int(arg)].iloc[0]
        fld, supersedes = str(target["field"]), int(arg)
    else:
        fld, supersedes = arg, None
    day = st.session_state.get(keys["date"])
    if not isinstance(day, date):  # a cleared field: refused, never replaced by a default
        st.session_state[FEEDBACK] = ("error", t("status_date_missing", lang))
        return
    change = lifecycle.StatusChange(
        code=code,
        field=fld,
        new_status=st.session_state[keys["status"]],
        effective_date=day,
        note=st.session_state.get(keys["note"], ""),
        supersedes=supersedes,
    )
    base = st.session_state.get(BASE, {}).get(code)
    try:
        # The author is the signed-in account (gis refuses a write nobody may make).
        lifecycle.record_changes(
            page.store,
            [change],
            actor=current_actor(),
            expected_versions={code: base} if base is not None else None,
        )
    except ParkError as exc:
        st.session_state[FEEDBACK] = ("error", lifecycle.error_message(exc, lang))
        return
    st.session_state.get(BASE, {}).pop(code, None)  # re-based on the saved version
    text = t(
        "edit_saved",
        lang,
        code=code,
        field=vocabulary.field_label(fld, lang),
        status=status_label(fld, change.new_status, lang),
        date=change.effective_date.isoformat(),
    )
    if change.effective_date > page.as_of:
        text += " " + t("edit_after_as_of", lang, as_of=page.as_of.isoformat())
    st.session_state[FEEDBACK] = ("success", text)


def _reload() -> None:
    st.session_state.get(BASE, {}).pop(st.session_state.get(SELECTED), None)
    st.session_state.pop(FEEDBACK, None)


def _block_of(row: pd.Series) -> str:
    block = row.get("block_id")
    return "" if block is None or pd.isna(block) else str(block)


def _actions(page: ParcelPage, code: str) -> tuple[list[str], dict]:
    """The form's actions ("change:<field>", "correct:<event id>") and the latest live
    event of each field (the ones a correction replaces)."""
    actions = [f"change:{f}" for f in vocabulary.STATUS_FIELDS]
    live = history.effective_events(page.now_frames["status_events"])
    own = live[live["parcel_code"] == code]
    latest = {}
    for fld in vocabulary.STATUS_FIELDS:
        of_field = own[own["field"] == fld]
        if len(of_field):
            latest[f"correct:{int(of_field['event_id'].iloc[-1])}"] = of_field.iloc[-1]
    return actions + list(latest), latest


def _describe(action: str, row: pd.Series, latest: dict, lang: str) -> str:
    kind, _, arg = action.partition(":")
    if kind == "change":
        return t(
            "edit_action_change",
            lang,
            field=vocabulary.field_label(arg, lang),
            status=status_label(arg, row[arg], lang),
        )
    ev = latest[action]
    return t(
        "edit_action_correct",
        lang,
        event=arg,
        field=vocabulary.field_label(str(ev["field"]), lang),
        status=status_label(str(ev["field"]), ev["new_status"], lang),
        date=str(ev["effective_date"]),
    )


def _options(action: str, row: pd.Series, latest: dict) -> tuple[str, list]:
    """The field the action writes and the statuses it may write."""
    kind, _, arg = action.partition(":")
    if kind == "change":
        return arg, list(vocabulary.allowed_next(arg, str(row[arg])))
    ev = latest[action]
    fld = str(ev["field"])
    start = None if pd.isna(ev["old_status"]) else str(ev["old_status"])
    options = (
        [*vocabulary.allowed_next(fld, start), start]
        if start
        else [s.code for s in vocabulary.statuses(fld)]
    )
    return fld, options


def edit_form(page: ParcelPage, code: str, row: pd.Series) -> None:
    """The form under the card, for those who may edit the parcel's block."""
    lang = page.lang
    st.markdown(f"**{t('edit_heading', lang)}**")
    if not roles.allowed("edit_status", lang, blocks=[_block_of(row)]):
        return  # a viewer (or an editor of other blocks) sees the record, not the form
    bases = st.session_state.setdefault(BASE, {})
    bases.setdefault(code, int(row["version"]))
    feedback = st.session_state.pop(FEEDBACK, None)
    if feedback:
        (st.success if feedback[0] == "success" else st.error)(feedback[1])
    actions, latest = _actions(page, code)
    # Widget keys never hold a label. The choices and their labels belong to one parcel in
    # one version (and language): a new key for each, so a save or another parcel starts
    # the editor afresh. (A selectbox keeps the *label* the user picked; with one key for
    # labels that change, Streamlit returned that stale label as the value — #11, 1.)
    # The typed values are keyed by the version the form is based on, so a stale save
    # that is refused keeps them.
    # The action chosen stays while the form keeps its base (a refused stale save), and
    # resets after a save or on another parcel.
    shown = f"{code}@{int(row['version'])}:{lang}"
    based = f"{code}@{bases[code]}"
    chosen = st.session_state.setdefault(CHOSEN, {})
    action = st.selectbox(
        t("edit_action", lang),
        actions,
        index=actions.index(chosen[based]) if chosen.get(based) in actions else 0,
        key=f"edit_action_{shown}",
        format_func=lambda a: _describe(a, row, latest, lang),
    )
    if action not in actions:  # never a stale label: the key is this version's
        action = actions[0]
    chosen[based] = action
    fld, options = _options(action, row, latest)
    if not options:
        st.caption(
            t(
                "edit_no_next",
                lang,
                field=vocabulary.field_label(fld, lang),
                status=status_label(fld, row[fld], lang),
            )
        )
        return
    keys = {
        "status": f"edit_status_{shown}_{action}",
        "date": f"edit_date_{based}",
        "note": f"edit_note_{based}",
    }
    with st.form("edit_form", clear_on_submit=False, border=True):
        st.selectbox(
            t("edit_new_status", lang),
            options,
            key=keys["status"],
            format_func=lambda c: status_label(fld, c, lang),
        )
        # Any date is taken as typed and checked on saving (not after today, not before
        # the previous stage), refused with a message: a range in the browser would drop
        # a typed date silently and save the default instead (#11, 2).
        dates.date_input(
            t("edit_date", lang),
            value=min(page.as_of, date.today()),  # what the map shows; real data: today
            key=keys["date"],
        )
        st.text_area(t("edit_note", lang), key=keys["note"], height=68)
        st.form_submit_button(
            t("edit_submit", lang),
            type="primary",
            on_click=partial(_save, page),
            args=(code, action, keys),
        )
    c1, c2 = st.columns([2, 1])
    c1.caption(t("edit_base_version", lang, version=bases[code]))
    c2.button(t("edit_reload", lang), key="edit_reload", on_click=_reload)
