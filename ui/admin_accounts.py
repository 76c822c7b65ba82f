"""账号 Accounts (administrators): the list with state and last sign-in; create, change
role and blocks, disable / enable, reset password. Every change goes through
:mod:`gis.auth.accounts`, which checks the actor's right and audits it. Accounts are never
deleted. A new or reset one-time password is shown once, to the administrator only."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from gis import schema
from gis._errors import ParkError
from gis.auth import accounts
from gis.auth.access import ROLE_LABELS, ROLES, Actor
from gis.i18n import t
from ui import shell
from ui.text import error_md, md

_SECRET_KEY = "admin_one_time"  # (message, password) to show once after the rerun


def _role_label(role: str, lang: str) -> str:
    zh, en = ROLE_LABELS.get(role, (role, role))
    return zh if lang == "zh" else en


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _state(account: accounts.Account, lang: str, now: datetime) -> str:
    parts = []
    if account.disabled:
        parts.append(t("admin_state_disabled", lang))
    if account.locked(now):
        parts.append(t("admin_state_locked", lang, until=_when(account.locked_until)))
    if account.must_change:
        parts.append(t("admin_state_must_change", lang))
    return "；".join(parts) if parts else t("admin_state_ok", lang)


def accounts_table(rows: list[accounts.Account], lang: str) -> pd.DataFrame:
    now = datetime.now(UTC)
    spec = schema.ACCOUNTS
    return pd.DataFrame(
        {
            spec.column("username").label(lang): [a.username for a in rows],
            spec.column("display_name").label(lang): [a.display_name for a in rows],
            spec.column("role").label(lang): [_role_label(a.role, lang) for a in rows],
            spec.column("blocks").label(lang): [", ".join(sorted(a.blocks)) for a in rows],
            t("admin_col_state", lang): [_state(a, lang, now) for a in rows],
            spec.column("last_sign_in_at").label(lang): [_when(a.last_sign_in_at) for a in rows],
            spec.column("created_at").label(lang): [_when(a.created_at) for a in rows],
        }
    )


def _block_ids() -> list[str]:
    blocks = shell.frames().get("blocks")
    return sorted(map(str, blocks["block_id"])) if blocks is not None and len(blocks) else []


def _done(message: str, password: str = "") -> None:
    st.session_state[_SECRET_KEY] = (message, password)
    st.rerun()


def section(actor: Actor) -> None:
    lang = shell.lang()
    store = shell.store()
    shown = st.session_state.pop(_SECRET_KEY, None)
    if shown:
        message, password = shown
        st.success(message)
        if password:
            st.code(password, language=None)
    rows = accounts.accounts(store)
    st.subheader(t("admin_list", lang))
    st.dataframe(accounts_table(rows, lang), hide_index=True, width="stretch")
    roles = list(ROLES)
    blocks = _block_ids()

    st.subheader(t("admin_create", lang))
    with st.form("admin_create_form", clear_on_submit=True):
        username = st.text_input(t("login_username", lang), key="admin_new_username")
        name = st.text_input(t("admin_display_name", lang), key="admin_new_name")
        role = st.selectbox(
            t("admin_role", lang),
            roles,
            index=roles.index("editor"),
            format_func=lambda r: _role_label(r, lang),
            key="admin_new_role",
        )
        chosen = st.multiselect(
            t("admin_blocks", lang),
            blocks,
            key="admin_new_blocks",
            placeholder=t("audit_all", lang),
        )
        create = st.form_submit_button(t("admin_create_submit", lang), type="primary")
    if create:
        try:
            password = accounts.create_account(
                store, actor, username, role, display_name=name, blocks=chosen
            )
        except ParkError as exc:
            st.error(error_md(exc, lang))
        else:
            _done(t("admin_created", lang, username=md(username.strip())), password)

    if not rows:
        return
    st.subheader(t("admin_edit", lang))
    names = [a.username for a in rows]
    picked = st.selectbox(t("admin_account", lang), names, key="admin_pick")
    account = next(a for a in rows if a.username == picked)
    with st.form(f"admin_role_form_{picked}"):
        new_name = st.text_input(t("admin_display_name", lang), value=account.display_name)
        new_role = st.selectbox(
            t("admin_role", lang),
            roles,
            index=roles.index(account.role) if account.role in roles else 0,
            format_func=lambda r: _role_label(r, lang),
        )
        options = sorted(set(blocks) | set(account.blocks))
        new_blocks = st.multiselect(
            t("admin_blocks", lang),
            options,
            default=sorted(account.blocks),
            placeholder=t("audit_all", lang),
        )
        save = st.form_submit_button(t("admin_save_role", lang))
    if save:
        try:
            accounts.set_role(store, actor, picked, new_role, new_blocks, display_name=new_name)
        except ParkError as exc:
            st.error(error_md(exc, lang))
        else:
            _done(t("admin_role_saved", lang, username=md(picked)))
    left, right = st.columns(2)
    toggle = "admin_enable" if account.disabled else "admin_disable"
    if left.button(t(toggle, lang), key=f"admin_toggle_{picked}"):
        try:
            accounts.set_disabled(store, actor, picked, not account.disabled)
        except ParkError as exc:
            st.error(error_md(exc, lang))
        else:
            done = "admin_enabled" if account.disabled else "admin_disabled"
            _done(t(done, lang, username=md(picked)))
    if right.button(t("admin_reset", lang), key=f"admin_reset_{picked}"):
        try:
            password = accounts.reset_password(store, actor, picked)
        except ParkError as exc:
            st.error(error_md(exc, lang))
        else:
            _done(t("admin_reset_done", lang, username=md(picked)), password)
