"""The meeting page's "changes since the last meeting" section (#17, 2)."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import folium
import pandas as pd
import streamlit as st

from gis.i18n import t
from gis.parcels import changes
from gis.store import ParkStore
from layers.changes import changes_layer, changes_legend
from ui import dates, mapview, memo
from ui.text import md

SINCE_KEY = "chg_since"
PARCELS_PAGE = "/parcels"


def _card(code: object) -> str:
    """A Markdown link to the parcel's card, the code escaped."""
    text = str(code)
    return f"[{md(text)}]({PARCELS_PAGE}?parcel={quote(text, safe='')})"


def _mu(value: object) -> str:
    return "—" if pd.isna(value) else f"{float(value):.1f}"


def default_since(frames: dict, as_of: date) -> date:
    """The period's first day unless the user picks another: the last meeting before
    ``as_of``, else :data:`gis.parcels.changes.FALLBACK_DAYS` before it."""
    last = changes.last_meeting_before(frames["annotations"], as_of)
    return last or changes.default_since(frames["annotations"], as_of)


def changes_between(frames: dict, since: date, as_of: date) -> changes.Changes:
    """What changed after ``since`` up to ``as_of``, once per data version and period
    (:mod:`ui.memo`): stepping through the meeting is cheap (~0.9 s at 50,000 parcels)."""
    return memo.derived(
        frames, ("changes_since", since, as_of), lambda: changes.changes_since(frames, since, as_of)
    )


def changes_section(store: ParkStore, frames: dict, lang: str, as_of: date) -> None:
    """Pick a date (default: the last meeting before ``as_of``), list what changed after it
    up to ``as_of`` and outline the changed parcels on a map."""
    st.markdown(f"#### {t('chg_heading', lang)}")  # not a subheader: the page has one
    last = changes.last_meeting_before(frames["annotations"], as_of)
    default = default_since(frames, as_of)
    picker, _ = st.columns([1, 2])
    since = dates.date_input(
        t("chg_since", lang),
        value=default,
        key=SINCE_KEY,
        help=t("chg_since_help", lang),
        container=picker,
    )
    since = since or default
    if last is None:
        st.caption(t("chg_no_meeting", lang, date=as_of.isoformat(), days=changes.FALLBACK_DAYS))
    if since >= as_of:
        st.warning(t("chg_since_after_until", lang, since=since, until=as_of))
        return
    found = changes_between(frames, since, as_of)
    st.caption(t("chg_period", lang, since=since.isoformat(), until=as_of.isoformat()))
    if found.is_empty():
        st.info(t("chg_nothing", lang))
        return
    _transitions(found, lang)
    _lists(found, lang)
    m = changes_map(found, since, as_of)
    if m is not None:
        st.caption(t("chg_map_caption", lang))
        mapview.show(m, key="chg_map", height=520)


def changes_map(found: changes.Changes, since: date, as_of: date) -> folium.Map | None:
    """The park outlining the parcels that changed or were noted (None when none were)."""
    if not found.changed_codes() + found.noted_codes():
        return None

    def extras(map_frames: dict, map_lang: str):
        return [changes_layer(map_frames["parcels"], found, lang=map_lang)], [
            changes_legend(map_lang)
        ]

    return mapview.park_map(
        "sale_status",
        as_of=as_of,
        extras=extras,
        extras_key=f"changes:{since.isoformat()}:{as_of.isoformat()}",
    )


def prepare_first(frames: dict, as_of: date) -> None:
    """The section's default period, its changes and map, before anyone opens the page
    (the server's warm-up, :mod:`ui.warmup`)."""
    since = default_since(frames, as_of)
    if since < as_of:
        changes_map(changes_between(frames, since, as_of), since, as_of)


def _transitions(found: changes.Changes, lang: str) -> None:
    st.markdown(f"**{t('chg_transitions', lang)}**")
    if found.transitions.empty:
        st.caption(t("chg_none", lang))
    else:
        table = pd.DataFrame(
            {
                t("chg_col_field", lang): [
                    changes.field_label(f, lang) for f in found.transitions["field"]
                ],
                t("chg_col_transition", lang): [
                    changes.transition_label(r.field, r.old_status, r.new_status, lang)
                    for r in found.transitions.itertuples()
                ],
                t("chg_col_parcels", lang): found.transitions["parcels"].astype("int64"),
                t("chg_col_mu", lang): found.transitions["area_mu"].round(1),
                t("chg_col_codes", lang): ["、".join(c) for c in found.transitions["codes"]],
            }
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key="chg_transitions_table",
            column_config={t("chg_col_mu", lang): st.column_config.NumberColumn(format="%.1f")},
        )
        lines = [
            "- "
            + md(
                t(
                    "chg_transition_line",
                    lang,
                    field=changes.field_label(r.field, lang),
                    change=changes.transition_label(r.field, r.old_status, r.new_status, lang),
                    count=t("chg_transition_count", lang, parcels=r.parcels, mu=_mu(r.area_mu)),
                )
            )
            for r in found.transitions.itertuples()
        ]
        st.markdown("\n".join(lines))
        with st.expander(t("chg_entries", lang), expanded=False):
            entries = []
            for r in found.changes.itertuples():
                text = t(
                    "chg_entry",
                    lang,
                    date=r.effective_date,
                    code="\x00",
                    field=changes.field_label(r.field, lang),
                    old=changes.status_label(r.field, r.old_status, lang),
                    new=changes.status_label(r.field, r.new_status, lang),
                )
                if r.derived:
                    text += t("chg_derived", lang)
                if r.corrects is not None and not pd.isna(r.corrects):
                    text += t("chg_corrects", lang, event=int(r.corrects))
                before, after = (md(part) for part in text.split("\x00", 1))
                entries.append(f"- {before}{_card(r.parcel_code)}{after}")
            st.markdown("\n".join(entries))


def _lists(found: changes.Changes, lang: str) -> None:
    if not found.late.empty:
        st.markdown(f"**{t('chg_late', lang)}**")
        st.markdown(
            "\n".join(
                _linked(
                    t(
                        "chg_late_entry",
                        lang,
                        code="\x00",
                        field=changes.field_label(r.field, lang),
                        old=changes.status_label(r.field, r.old_status, lang),
                        new=changes.status_label(r.field, r.new_status, lang),
                        date=r.effective_date,
                        recorded=str(r.recorded_at)[:10],
                    ),
                    r.parcel_code,
                )
                for r in found.late.itertuples()
            )
        )
    if not found.corrections.empty:
        st.markdown(f"**{t('chg_corrections', lang)}**")
        st.markdown(
            "\n".join(
                _linked(
                    changes.correction_text(r._replace(parcel_code="\x00"), lang), r.parcel_code
                )
                for r in found.corrections.itertuples(index=False)
            )
        )
    st.markdown(f"**{t('chg_firms', lang)}**")
    st.caption(t("chg_firms_note", lang))
    if found.new_firms.empty:
        st.caption(t("chg_none", lang))
    else:
        lines = []
        for r in found.new_firms.itertuples():
            text = md(
                t(
                    "chg_firm_entry",
                    lang,
                    date=r.date,
                    kind=t(f"chg_firm_{r.kind}", lang),
                    name=r.name,
                )
            )
            lines.append(f"- {text}" + (f" · {_card(r.parcel_code)}" if r.parcel_code else ""))
        st.markdown("\n".join(lines))
    st.markdown(f"**{t('chg_figures', lang)}**")
    if found.new_figures.empty:
        st.caption(t("chg_none", lang))
    else:
        st.markdown(
            "\n".join(
                "- "
                + md(
                    t(
                        "chg_figures_entry",
                        lang,
                        period=changes.figures_period(r.source, r.year, r.months, lang),
                        subject=changes.subject_label(r.subject_kind, lang),
                        rows=r.rows,
                    )
                )
                for r in found.new_figures.itertuples()
            )
        )
    st.markdown(f"**{t('chg_annotations', lang)}**")
    if found.annotations.empty:
        st.caption(t("chg_none", lang))
    else:
        lines = []
        for r in found.annotations.itertuples():
            text = md(t("chg_annotation_entry", lang, date=r.meeting_date, note=r.note))
            lines.append(f"- {text}" + (f" · {_card(r.parcel_code)}" if r.parcel_code else ""))
        st.markdown("\n".join(lines))


def _linked(text: str, code: object) -> str:
    """A list item: ``text`` escaped, with its ``\\x00`` placeholder as the parcel's link."""
    before, _, after = text.partition("\x00")
    return f"- {md(before)}{_card(code)}{md(after)}"
