"""The reuse page's 候选企业 section: the candidate firms, edited in a table or imported
from Excel, saved after validation (each invalid row named), and the template to fill."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gis._errors import ValidationError
from gis.excel import XLSX_MIME, labelled_columns, read_xlsx, to_xlsx
from gis.i18n import error_text, t
from gis.reuse import candidates as reuse_candidates
from gis.schema import CANDIDATES
from ui import roles
from ui.reuse_context import ReusePage
from ui.session import current_actor


def candidates_section(page: ReusePage) -> None:
    """Upload, the editable table, the save button and the template download."""
    lang, store, candidates = page.lang, page.store, page.candidates
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
        _save(page, edited)
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


def _save(page: ReusePage, edited: pd.DataFrame) -> None:
    """Save the table; list every invalid row where it is refused."""
    lang = page.lang
    try:
        reuse_candidates.save_candidates(page.store, edited, actor=current_actor())
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
