"""账号与审计 Accounts & audit (administrators only; registered for them by ui.navigation)."""

import streamlit as st

from gis.auth.access import require
from gis.i18n import t
from ui import admin_accounts, admin_audit, shell
from ui.session import current_actor

lang = shell.lang()
actor = require(current_actor(), "manage_accounts")
st.header(t("page_admin", lang))
accounts_tab, audit_tab = st.tabs([t("admin_accounts", lang), t("admin_audit", lang)])
with accounts_tab:
    admin_accounts.section(actor)
with audit_tab:
    admin_audit.section(actor)
