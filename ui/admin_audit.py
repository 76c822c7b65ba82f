"""审计 Audit trail (administrators): filter by user, event and dates; the hash-chain check
(:func:`gis.store.audit.broken_links`); an Excel export, itself recorded in the trail
(who took which rows) when the file is made."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from gis import schema
from gis.auth.access import Actor, require
from gis.excel import XLSX_MIME, labelled_columns, to_xlsx
from gis.i18n import t
from gis.store import AuditEntry
from gis.store.audit import broken_links
from ui import dates, shell

SHOWN_ROWS = 1000
_EXPORT_KEY = "audit_export_file"  # (filters, bytes) of the file made for the download


def filter_trail(
    trail: pd.DataFrame,
    users: list[str],
    events: list[str],
    start: date | None,
    end: date | None,
) -> pd.DataFrame:
    """The rows of the chosen users and events between ``start`` and ``end`` (UTC dates,
    both included; an empty choice: all), newest first."""
    out = trail
    if users:
        out = out[out["username"].astype(str).isin(users)]
    if events:
        out = out[out["event"].astype(str).isin(events)]
    day = out["at"].astype(str).str[:10]
    if start:
        out = out[day >= start.isoformat()]
        day = out["at"].astype(str).str[:10]
    if end:
        out = out[day <= end.isoformat()]
    return out.sort_values("audit_id", ascending=False)


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text never starts a formula in Excel (a user's note beginning with "=")."""
    return frame.map(lambda v: f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v)


def section(actor: Actor) -> None:
    lang = shell.lang()
    store = shell.store()
    require(actor, "read_audit")
    trail = store.audit_trail()
    broken = broken_links(trail)
    if broken:
        shown_ids = ", ".join(map(str, broken[:20])) + (" …" if len(broken) > 20 else "")
        st.error(t("audit_chain_broken", lang, ids=shown_ids))
    else:
        st.success(t("audit_chain_ok", lang, count=len(trail)))

    users = sorted(set(trail["username"].astype(str)))
    events = sorted(set(trail["event"].astype(str)))
    c1, c2, c3, c4 = st.columns(4)
    chosen_users = c1.multiselect(
        t("audit_user", lang), users, key="audit_users", placeholder=t("audit_all", lang)
    )
    chosen_events = c2.multiselect(
        t("audit_event", lang), events, key="audit_events", placeholder=t("audit_all", lang)
    )
    today = date.today()
    start = dates.date_input(
        t("audit_from", lang), key="audit_from", value=today - timedelta(days=30), container=c3
    )
    end = dates.date_input(t("audit_to", lang), key="audit_to", value=today, container=c4)
    rows = filter_trail(trail, chosen_users, chosen_events, start, end)
    st.caption(t("audit_rows", lang, count=len(rows), shown=SHOWN_ROWS))
    columns = [c for c in schema.AUDIT.column_names if c not in ("prev_hash", "row_hash")]
    shown = labelled_columns(rows[columns].head(SHOWN_ROWS), schema.AUDIT, lang)
    st.dataframe(shown, hide_index=True, width="stretch", key="audit_table")

    filters = (tuple(chosen_users), tuple(chosen_events), str(start), str(end), lang)
    made = st.session_state.get(_EXPORT_KEY)
    if st.button(t("audit_export", lang), key="audit_make_export"):
        data = to_xlsx(
            {t("admin_audit", lang): _excel_safe(labelled_columns(rows, schema.AUDIT, lang))}
        )
        store.record(
            AuditEntry(
                actor.username,
                "export",
                role=actor.role,
                target=schema.AUDIT.name,
                client=actor.client,
                details={
                    "rows": len(rows),
                    "users": list(chosen_users),
                    "events": list(chosen_events),
                    "from": str(start),
                    "to": str(end),
                    "format": "xlsx",
                },
            )
        )
        made = (filters, data)
        st.session_state[_EXPORT_KEY] = made
    if made and made[0] == filters:
        st.download_button(
            t("audit_export", lang) + " ⬇",
            made[1],
            file_name=f"park-audit-{date.today().isoformat()}.xlsx",
            mime=XLSX_MIME,
            key="audit_download",
            on_click="ignore",
        )
