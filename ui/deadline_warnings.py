"""The parcels page's table of deadline warnings as of the chosen date: parcels late to
start or complete, idle, with their idle fees and whether the government is the cause."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gis import schema
from gis.i18n import t
from gis.parcels import deadlines
from ui import memo
from ui.parcel_state import ParcelPage


def warnings_section(page: ParcelPage) -> None:
    """The heading and the warnings table (or a note that there are none)."""
    lang, as_of = page.lang, page.as_of
    st.subheader(t("warnings_heading", lang, date=as_of.isoformat()))
    # Once per data version, date and language (ui.memo): a district has thousands of rows,
    # and a rerun that changes nothing should not label them again.
    table = memo.derived(page.frames, ("warnings_table", as_of, lang), lambda: _table(page))
    if table is None:
        st.info(t("warnings_none", lang, date=as_of.isoformat()))
        return
    st.dataframe(table, hide_index=True, width="stretch", key="warnings_table")


def _table(page: ParcelPage) -> pd.DataFrame | None:
    """The warnings as the clerk reads them, or None when there are none."""
    lang, as_of = page.lang, page.as_of
    warn = deadlines.warnings(page.frames["parcels"], as_of)
    if warn.empty:
        return None
    spec = schema.PARCELS
    names = page.parcels_now.set_index("code")["name"]
    day, wan = t("unit_day", lang), t("unit_wan", lang)
    return pd.DataFrame(
        {
            spec.column("code").label(lang): warn["code"],
            spec.column("name").label(lang): warn["code"].map(names),
            t("warn_kind", lang): [t(k, lang) for k in deadlines.warning_kinds(warn)],
            t("deadline_start", lang): warn["start_deadline"].astype(str),
            f"{t('deadline_start_overdue', lang)}({day})": warn["start_overdue_days"],
            f"{t('deadline_completion_overdue', lang)}({day})": warn["completion_overdue_days"],
            f"{t('deadline_idle_fee', lang)}({wan})": warn["idle_fee_wan"],
            t("deadline_gov", lang): [
                t("parcel_yes" if g else "parcel_no", lang) for g in warn["gov_cause"]
            ],
        }
    )
