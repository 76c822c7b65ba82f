"""What the signed-in user may do, as the pages show it (#13).

:mod:`gis` enforces every permission (:mod:`gis.auth.access`); the pages only hide or switch
off what the role cannot do and say why in a short note. Downloads record in the audit
trail what data left the system, and to whom (:func:`gis.auth.admin.record_export`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st

from gis._errors import AccessError
from gis.auth import admin
from gis.auth.access import ADMIN, PERMISSIONS, Actor
from gis.i18n import t
from ui.session import current_actor

#: The note under a control a role may not use, by the role that may.
_EDIT = {"edit_status", "annotate", "save_view", "scenario"}
_ADMIN_ONLY = PERMISSIONS[ADMIN] - PERMISSIONS["viewer"]
EXPORTED_KEY = "roles_exported"


def may(permission: str, *, blocks: Iterable[str] = ()) -> bool:
    """True if the signed-in user may do ``permission`` (on parcels of ``blocks``)."""
    actor = current_actor()
    return actor is not None and actor.may(permission, blocks=[str(b) for b in blocks])


def note_key(permission: str, *, blocks: Iterable[str] = ()) -> str:
    """The message key saying why ``permission`` is not the signed-in user's."""
    actor = current_actor()
    if actor is None:
        return "roles_signed_out"
    if permission in PERMISSIONS.get(actor.role, frozenset()):
        return "roles_need_block"  # allowed but for a block limit
    if permission in _EDIT:
        return "roles_need_edit"
    return "roles_need_admin" if permission in _ADMIN_ONLY else "roles_need_data"


def allowed(permission: str, lang: str, *, blocks: Iterable[str] = (), where: Any = st) -> bool:
    """:func:`may`; if not, a short note (``需要编辑权限``) in ``where``."""
    blocks = list(blocks)
    if may(permission, blocks=blocks):
        return True
    where.caption(t(note_key(permission, blocks=blocks), lang))
    return False


def audited(
    store: Any, build: Callable[[], Any], *, target: str, rows: int | None = None, **details: Any
) -> Callable[[], Any]:
    """``build`` (a download button's deferred data) recording the export first, as the
    signed-in user (taken now: the callable runs outside the page's script)."""
    actor = current_actor()

    def run() -> Any:
        admin.record_export(store, actor=actor, target=target, rows=rows, **details)
        return build()

    return run


def exported(
    store: Any, data: Any, *, target: str, rows: int | None = None, once: str = "", **details: Any
) -> Any:
    """``data`` (a file built before its button), recording the export once per session
    and ``once`` (e.g. the data version): it is prepared for the user on every rerun."""
    seen = st.session_state.setdefault(EXPORTED_KEY, set())
    key = (target, once)
    if key not in seen:
        try:
            admin.record_export(store, actor=current_actor(), target=target, rows=rows, **details)
        except AccessError:  # nobody signed in (the app's gate normally sees to that)
            return b""
        seen.add(key)
    return data


def actor_or_message(lang: str) -> Actor | None:
    """The signed-in user; nobody: the access message is shown and None returned."""
    actor = current_actor()
    if actor is None:
        st.warning(t("access_signed_out", lang))
    return actor
