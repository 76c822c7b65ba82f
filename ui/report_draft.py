"""The work-report draft's download on the meeting page (issue #17): pick a period; the
as-of date is the sidebar's; the .docx is built when the button is clicked."""

from __future__ import annotations

from datetime import date

import streamlit as st

from gis.i18n import t
from gis.report_draft import docx, figures
from ui import roles

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def period_choices(as_of: date) -> list[str]:
    """This year's and last year's periods, the latest one ended by ``as_of`` first."""
    out = []
    for year in (as_of.year, as_of.year - 1):
        out += [f"{year}H1", f"{year}H2", f"{year}", *(f"{year}Q{q}" for q in range(1, 5))]
    halves = [p for p in out if "H" in p]
    ended = [p for p in halves if figures.parse_period(p).end <= as_of]
    best = max(ended, key=lambda p: figures.parse_period(p).end) if ended else halves[0]
    return [best, *(p for p in out if p != best)]


def report_section(store, frames, lang: str, as_of: date) -> None:
    """Period picker and the draft's download button (``store`` says if it is the sample)."""
    with st.expander(t("rd_section_title", lang)):
        st.caption(t("rd_section_caption", lang))
        choice = st.selectbox(t("rd_section_period", lang), period_choices(as_of), key="rd_period")
        period = figures.parse_period(choice)
        if as_of < period.end:
            st.caption(t("rd_section_not_ended", lang, as_of=as_of.isoformat()))
        name, sample = store.park_name() or "", store.is_sample()

        def build() -> bytes:
            return docx.report_docx(
                frames, period, as_of, park_name=name, is_sample=sample, lang=lang
            )

        filename = f"report-{choice}-{as_of.isoformat()}.docx"
        st.download_button(
            t("rd_section_download", lang),
            roles.audited(store, build, target=filename),  # recorded when clicked
            file_name=filename,
            mime=DOCX_MIME,
            key="rd_download",
            on_click="ignore",  # no rerun: the file stays served (#11, 6a)
        )
