"""The parcel card: status now and as of the date, the link to it, its deadlines, every
attribute with units, the firms, buildings and vacant space on it; and the parcel's dated
history (timeline) shown full width below."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import streamlit as st

from gis import excel, schema, vocabulary
from gis.crs import M2_PER_MU
from gis.i18n import t
from gis.parcels import deadlines, history
from ui.parcel_state import ParcelPage, status_label
from ui.status_form import edit_form
from ui.text import md


def _fmt(page: ParcelPage, value: object, column: schema.Column) -> str:
    """An attribute's value as the card shows it: labels for codes, units for numbers."""
    lang = page.lang
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return t("none", lang)
    if column.name == "block_id":
        return f"{page.block_names.get(value, value)}({value})"
    if column.name in vocabulary.STATUS_FIELDS:
        return status_label(column.name, value, lang)
    if column.name == "land_use":
        try:
            return vocabulary.land_use(str(value)).label(lang)
        except ValueError:
            return str(value)
    if column.dtype == "bool":
        return t("parcel_yes" if bool(value) else "parcel_no", lang)
    if column.dtype == "float":
        text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
        return f"{text} {column.unit}".strip()
    if column.dtype == "int":
        return f"{int(value)} {column.unit}".strip()
    return str(value)


def card(page: ParcelPage, code: str) -> None:
    """The card of parcel ``code``, ending with the status form."""
    lang, as_of = page.lang, page.as_of
    row = page.parcels_now[page.parcels_now["code"] == code].iloc[0]
    then = page.frames["parcels"][page.frames["parcels"]["code"] == code]
    st.subheader(t("card_heading", lang, code=md(code), name=md(row["name"])))
    st.markdown(
        t(
            "card_status_now",
            lang,
            sale=status_label(vocabulary.SALE_FIELD, row["sale_status"], lang),
            construction=status_label(
                vocabulary.CONSTRUCTION_FIELD, row["construction_status"], lang
            ),
        )
    )
    if then.empty:
        st.caption(t("card_not_yet", lang, date=as_of.isoformat()))
    else:
        st.caption(
            t(
                "card_status_as_of",
                lang,
                date=as_of.isoformat(),
                sale=status_label(vocabulary.SALE_FIELD, then["sale_status"].iloc[0], lang),
                construction=status_label(
                    vocabulary.CONSTRUCTION_FIELD, then["construction_status"].iloc[0], lang
                ),
            )
        )
    base = (st.context.url or "").split("?")[0]
    st.caption(t("card_link", lang, url=f"{base}?parcel={quote(code)}"))
    _deadlines(page, then.iloc[0].to_dict() if len(then) else row.to_dict())
    _attributes(page, row)
    _on_the_parcel(page, code)
    edit_form(page, code, row)


def _deadlines(page: ParcelPage, record: dict) -> None:
    """Deadlines as of the chosen date, as one Markdown table row."""
    lang = page.lang
    st.markdown(f"**{t('deadline_heading', lang)}**")
    info = deadlines.parcel_deadlines(record, page.as_of)
    if info["start_deadline"] is None and info["completion_deadline"] is None:
        st.caption(t("deadline_none", lang))
        return
    day = t("unit_day", lang)
    idle = (
        t("deadline_idle_value", lang, years=info["idle_years"])
        if info["idle_years"]
        else t("parcel_no", lang)
    )
    cells = [
        (t("deadline_start", lang), str(info["start_deadline"] or t("none", lang))),
        (t("deadline_completion", lang), str(info["completion_deadline"] or t("none", lang))),
        (t("deadline_start_overdue", lang), f"{info['start_overdue_days']} {day}"),
        (t("deadline_completion_overdue", lang), f"{info['completion_overdue_days']} {day}"),
        (t("deadline_idle", lang), idle),
        (t("deadline_idle_fee", lang), f"{info['idle_fee_wan']:,.2f} {t('unit_wan', lang)}"),
    ]
    # Computed values only (dates, numbers, labels): safe as Markdown.
    st.markdown(
        "| " + " | ".join(c[0] for c in cells) + " |\n"
        "|" + "---|" * len(cells) + "\n"
        "| " + " | ".join(c[1] for c in cells) + " |"
    )
    if info["gov_cause"]:
        st.info(t("deadline_gov", lang))
    elif info["reclaimable"]:
        st.error(t("deadline_reclaim", lang))


def _attributes(page: ParcelPage, row: pd.Series) -> None:
    """Every attribute, labelled from gis.schema, with units."""
    lang = page.lang
    st.markdown(f"**{t('card_attributes', lang)}**")
    items = [
        (
            t("card_area", lang),
            t(
                "card_area_value",
                lang,
                mu=f"{row['area_mu']:,.2f}",
                m2=f"{row['area_mu'] * M2_PER_MU:,.0f}",
            ),
        ),
        (t("tip_block", lang), str(row["block_name"])),
    ]
    for column in schema.PARCELS.columns:
        label = column.label(lang) + (f"({column.unit})" if column.unit else "")
        items.append((label, _fmt(page, row[column.name], column)))
    st.dataframe(
        pd.DataFrame(items, columns=[t("card_field", lang), t("card_value", lang)]),
        hide_index=True,
        width="stretch",
        height=360,
        key="card_attributes",
    )


def _on_the_parcel(page: ParcelPage, code: str) -> None:
    """Who and what is on it: firms, buildings, vacant space."""
    lang = page.lang
    for title, layer, spec in (
        ("card_enterprises", "enterprises", schema.ENTERPRISES),
        ("card_buildings", "buildings", schema.BUILDINGS),
        ("card_vacant", "vacant_spaces", schema.VACANT_SPACES),
    ):
        data = page.now_frames[layer]
        own = data[data["parcel_code"] == code]
        st.markdown(f"**{t(title, lang)}**")
        if own.empty:
            st.caption(t("card_none", lang))
            continue
        if layer == "vacant_spaces":
            st.caption(t("card_vacant_total", lang, m2=f"{own['gfa_m2'].sum():,.0f}"))
        shown = own.drop(columns=["parcel_code"])
        st.dataframe(excel.labelled_columns(shown, spec, lang), hide_index=True)


def timeline(page: ParcelPage, code: str) -> None:
    """The parcel's dated history, full width: every event, corrected ones struck through,
    never hidden; the steps told only by the parcel's own dates (a parcel added in QGIS,
    the steps before an import's first event) marked as from the parcel record."""
    lang = page.lang
    st.markdown(f"**{t('timeline_heading', lang)}**")
    frames = page.now_frames
    events = history.timeline(frames["status_events"], code, parcels=frames["parcels"])
    events = events.reset_index(drop=True)
    if events.empty:
        st.caption(t("timeline_empty", lang))
        return
    derived = events["derived"].eq(True)  # told only by the parcel record
    struck, told = list(events["superseded"]), list(derived)

    def _strike(r: pd.Series) -> list[str]:
        style = "text-decoration: line-through; color: #9e9e9e" if struck[r.name] else ""
        style = "font-style: italic; color: #616161" if told[r.name] else style
        return [style] * len(r)

    st.dataframe(
        _timeline_table(events, derived, lang).reset_index(drop=True).style.apply(_strike, axis=1),
        hide_index=True,
        width="stretch",
        key="timeline",
    )


def _timeline_table(events: pd.DataFrame, derived: pd.Series, lang: str) -> pd.DataFrame:
    """The events with labelled columns and a mark: derived, superseded or a correction."""
    corrected_by = {
        int(s): int(e)
        for e, s in zip(events["event_id"], events["supersedes"], strict=True)
        if not pd.isna(s)
    }
    spec = schema.STATUS_EVENTS
    date_label = {c.name: c.label(lang) for c in schema.PARCELS.columns}
    fields = events["field"]
    return pd.DataFrame(
        {
            # A derived step has no id of its own: it is not a recorded event.
            "#": pd.array(
                [None if d else int(e) for e, d in zip(events["event_id"], derived, strict=True)],
                dtype="Int64",
            ),
            spec.column("effective_date").label(lang): events["effective_date"],
            spec.column("field").label(lang): [vocabulary.field_label(f, lang) for f in fields],
            spec.column("old_status").label(lang): [
                status_label(f, s, lang) for f, s in zip(fields, events["old_status"], strict=True)
            ],
            spec.column("new_status").label(lang): [
                status_label(f, s, lang) for f, s in zip(fields, events["new_status"], strict=True)
            ],
            spec.column("author").label(lang): events["author"],
            spec.column("recorded_at").label(lang): events["recorded_at"]
            .fillna("")
            .astype(str)
            .str.replace("T", " "),
            # A derived step's note is the date column it comes from: named by its label.
            spec.column("note").label(lang): [
                date_label.get(str(n), str(n)) if d else ("" if pd.isna(n) else str(n))
                for n, d in zip(events["note"], derived, strict=True)
            ],
            t("timeline_mark", lang): [
                t("timeline_derived", lang)
                if d
                else t("timeline_superseded", lang) + f" → #{corrected_by[int(e)]}"
                if sup
                else t("timeline_correction", lang, event=int(s))
                if not pd.isna(s)
                else ""
                for e, sup, s, d in zip(
                    events["event_id"],
                    events["superseded"],
                    events["supersedes"],
                    derived,
                    strict=True,
                )
            ],
        }
    )
