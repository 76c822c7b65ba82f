"""What a page cannot show and why, said near its top (issue #12: "your own park").

Every page runs on whatever a park's store holds. :func:`show_missing` says, one
``st.info`` per piece, what the page lacks and which import brings it in
(:func:`gis.onboarding.missing_data`); the map and parcels pages add
:func:`show_as_of_gaps` (the parcels the as-of date leaves out, and why) and
:func:`show_problems` (bad values written by QGIS or another tool, naming the parcels).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import streamlit as st

from gis import onboarding
from gis.i18n import t
from gis.parcels import history
from gis.store import Problem, problem_text, validate_frames
from ui import memo, shell
from ui.text import md

#: Parcels named in the problems' headline, and problems spelt out, before "等 N 个".
NAMED_PARCELS = 5
SHOWN_PROBLEMS = 5


def show_missing(
    page: str, *, frames: Mapping[str, pd.DataFrame] | None = None, year: int | None = None
) -> list[onboarding.Piece]:
    """One ``st.info`` per piece of the park that ``page`` uses and the store lacks: the
    sentence naming what to import and where, in the user's language. Returns the pieces.

    ``page`` is a page name of :data:`ui.navigation.PAGES`; ``frames`` default to the
    store's (:func:`ui.shell.frames`); ``year`` is the year the page shows targets and
    year-to-date figures for.
    """
    lang = shell.lang()
    if frames is None:  # the store's frames: worked out once per data version (ui.memo)
        stored = shell.frames()
        pieces = memo.derived(
            stored,
            ("missing_data", page, year),
            lambda: onboarding.missing_data(stored, page=page, year=year),
        )
    else:
        pieces = onboarding.missing_data(frames, page=page, year=year)
    for piece in pieces:
        st.info(piece.message(lang), icon=":material/info:")
    return pieces


@st.cache_data(show_spinner=False, max_entries=16)
def _gaps(path: str, version: int, as_of: date) -> history.AsOfGaps:
    frames = shell._frames(path, version)
    return history.as_of_gaps(frames["parcels"], frames["status_events"], as_of)


def as_of_gap_texts(gaps: history.AsOfGaps, lang: str) -> list[str]:
    """The sentences of ``gaps`` (how many parcels the as-of date leaves out, and why),
    their parcel codes made safe for Markdown."""
    return [
        t(key, lang, **{**params, "codes": md(params["codes"])}) for key, params in gaps.messages()
    ]


def as_of_gaps(as_of: date) -> history.AsOfGaps:
    """:func:`gis.parcels.history.as_of_gaps` of the store's data, once per data version."""
    s = shell.store()
    return _gaps(str(s.path), s.data_version(), as_of)


def show_as_of_gaps(as_of: date) -> history.AsOfGaps:
    """One ``st.info`` per reason the map cannot show parcels as replayed on ``as_of``."""
    gaps = as_of_gaps(as_of)
    for text in as_of_gap_texts(gaps, shell.lang()):
        st.info(text, icon=":material/event_busy:")
    return gaps


@st.cache_data(show_spinner=False, max_entries=4)
def _problems(path: str, version: int) -> list[Problem]:
    return validate_frames(shell._frames(path, version))


def problems() -> list[Problem]:
    """:func:`gis.store.validate_frames` of the store's data, once per data version (it
    takes ~0.1 s on the sample park: too much for every rerun)."""
    s = shell.store()
    return _problems(str(s.path), s.data_version())


def problems_summary(problems: list[Problem], lang: str) -> str:
    """One Markdown warning for ``problems``: a headline naming the first parcels ("等 N 个"
    beyond :data:`NAMED_PARCELS`), then the first :data:`SHOWN_PROBLEMS` sentences."""
    parcels = list(dict.fromkeys(p.parcel for p in problems if p.parcel is not None))
    named = t("list_sep", lang).join(md(c) for c in parcels[:NAMED_PARCELS])
    if len(parcels) > NAMED_PARCELS:
        named = t("problems_more_parcels", lang, names=named, count=len(parcels))
    if parcels:
        head = t("problems_heading", lang, count=len(problems), parcels=named)
    else:
        head = t("problems_heading_rows", lang, count=len(problems))
    lines = [f"- {md(problem_text(p, lang))}" for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"- {t('problems_more', lang, count=len(problems) - SHOWN_PROBLEMS)}")
    return "\n".join([head, "", *lines])


def show_problems() -> list[Problem]:
    """A warning with the problems of the parcels and their history
    (:func:`gis.store.validate_frames`), when there are any; every one in an expander
    when there are more than the warning spells out."""
    lang = shell.lang()
    found = problems()
    if not found:
        return found
    st.warning(problems_summary(found, lang), icon=":material/warning:")
    if len(found) > SHOWN_PROBLEMS:
        with st.expander(t("problems_all", lang, count=len(found))):
            st.markdown("\n".join(f"- {md(problem_text(p, lang))}" for p in found))
    return found


__all__ = [
    "as_of_gap_texts",
    "problems",
    "problems_summary",
    "show_as_of_gaps",
    "show_missing",
    "show_problems",
]
