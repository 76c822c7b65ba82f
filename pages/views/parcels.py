"""地块查询 Parcels: search, parcel card, dated history, status updates, deadlines, Excel.

Deep link: ``?parcel=<code>`` opens the card of that parcel with the map zoomed to it.
"""

from datetime import date
from functools import partial
from urllib.parse import quote

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from gis import excel, schema, vocabulary
from gis._errors import ParkError
from gis.crs import M2_PER_MU, to_display
from gis.i18n import t
from gis.parcels import bulk_update, deadlines, history, lifecycle
from gis.parcels.search import ParcelIndex, normalise
from gis.parcels.tables import enrich_parcels
from layers.deadlines import deadline_extras
from ui import dates, mapview, missing, roles, shell
from ui.session import current_actor
from ui.text import md

SELECTED = "parcel_code"  # the parcel whose card is open
LINK_SEEN = "parcel_link_seen"  # the ?parcel= value already acted on
LAST_CLICK = "parcel_last_click"
BASE = "parcel_base_versions"  # code -> the parcel version the editor's form is based on
CHOSEN = "parcel_chosen_actions"  # "code@base version" -> the action chosen in that form
FEEDBACK = "parcel_feedback"
MAX_HITS = 12

lang = shell.lang()
as_of = shell.as_of()
store = shell.store()
now_frames = shell.frames()
frames = mapview.frames_as_of(now_frames, as_of)


@st.cache_resource(show_spinner=False, max_entries=4)
def _lookup(path: str, version: int) -> tuple[ParcelIndex, gpd.GeoDataFrame]:
    data = shell._frames(path, version)
    parcels = enrich_parcels(data["parcels"], data["blocks"], data["enterprises"])
    return ParcelIndex(parcels), parcels


index, parcels_now = _lookup(store.location, store.data_version())
codes = set(parcels_now["code"])
block_names = dict(zip(parcels_now["block_id"], parcels_now["block_name"], strict=True))


def _select(code: str | None) -> None:
    st.session_state[SELECTED] = code
    if code:
        st.session_state[LINK_SEEN] = code
        st.query_params["parcel"] = code


def _on_search() -> None:
    hits = index.search(st.session_state.get("parcel_query", ""), limit=1)
    if hits:
        _select(hits[0].code)


def _status_label(field: str, code: object) -> str:
    try:
        return vocabulary.status(field, str(code)).label(lang)
    except ValueError:
        return "" if pd.isna(code) else str(code)


def _fmt(value: object, column: schema.Column) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return t("none", lang)
    if column.name == "block_id":
        return f"{block_names.get(value, value)}({value})"
    if column.name in vocabulary.STATUS_FIELDS:
        return _status_label(column.name, value)
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


# ------------------------------------------------------------------ deep link
link = st.query_params.get("parcel")
link_unknown = None
if link and link != st.session_state.get(LINK_SEEN):
    st.session_state[LINK_SEEN] = link
    wanted = normalise(link)
    match = next((c for c in parcels_now["code"] if normalise(c) == wanted), None)
    if match:
        _select(match)
    else:
        link_unknown = link

st.header(t("parcels_heading", lang))
missing.show_missing("parcels")
missing.show_as_of_gaps(as_of)
missing.show_problems()
if link_unknown:
    st.warning(t("deep_link_unknown", lang, code=link_unknown))

# ------------------------------------------------------------------ search
st.text_input(
    t("search_label", lang),
    key="parcel_query",
    placeholder=t("search_placeholder", lang),
    on_change=_on_search,
)
query = st.session_state.get("parcel_query", "")
if query.strip():
    hits, total = index.search_counted(query, limit=MAX_HITS)
    if not hits:
        st.info(t("search_none", lang, query=query))
    else:
        st.caption(
            t("search_count", lang, count=total)
            + (" · " + t("search_more", lang, limit=MAX_HITS) if total > MAX_HITS else "")
        )
        by_code = parcels_now.set_index("code")
        cols = st.columns(4)
        for i, hit in enumerate(hits):
            row = by_code.loc[hit.code]
            firms, buyer = row["enterprise_names"], row["buyer"]
            extra = firms or ("" if pd.isna(buyer) else str(buyer))
            label = f"{hit.code} · {row['block_name']}" + (f" · {extra}" if extra else "")
            cols[i % 4].button(
                label,
                key=f"hit_{hit.code}",
                on_click=_select,
                args=(hit.code,),
                type="primary" if hit.code == st.session_state.get(SELECTED) else "secondary",
                width="stretch",
            )

selected = st.session_state.get(SELECTED)
if selected not in codes:
    selected = None
elif st.query_params.get("parcel") != selected:  # back from another page: keep the link
    st.session_state[LINK_SEEN] = selected
    st.query_params["parcel"] = selected

left, right = st.columns([5, 6])

# ------------------------------------------------------------------ the map (right)
with right:
    field = st.radio(
        t("colour_by", lang),
        list(vocabulary.STATUS_FIELDS),
        horizontal=True,
        key="parcels_field",
        format_func=lambda f: vocabulary.field_label(f, lang),
    )
    m = mapview.park_map(
        field,
        as_of=as_of,
        focus_codes=(selected,) if selected else (),
        extras=partial(deadline_extras, as_of=as_of),
        extras_key=f"deadlines:{as_of.isoformat()}",
    )
    clicked = (
        mapview.show(m, key="parcel_map", returned_objects=("last_object_clicked",)) or {}
    ).get("last_object_clicked")
    if clicked and clicked != st.session_state.get(LAST_CLICK):
        st.session_state[LAST_CLICK] = clicked
        point = shapely.Point(float(clicked["lng"]), float(clicked["lat"]))
        shown = to_display(frames["parcels"])
        inside = shown[shown.geometry.contains(point)]
        if len(inside):
            _select(str(inside["code"].iloc[0]))
            st.rerun()
        else:
            st.info(t("map_click_none", lang))


# ------------------------------------------------------------------ the card (left)
def _save(code: str, action: str, keys: dict[str, str]) -> None:
    """Form callback: record the change in one transaction; keep the input on refusal.

    ``code``, ``action`` and the widgets' ``keys`` are those of the form the user saw
    (passed as arguments, never re-read from a widget whose label may have changed).
    """
    kind, _, arg = action.partition(":")
    if kind == "correct":
        event = now_frames["status_events"]
        target = event[event["event_id"].astype(int) == int(arg)].iloc[0]
        fld, supersedes = str(target["field"]), int(arg)
    else:
        fld, supersedes = arg, None
    day = st.session_state.get(keys["date"])
    if not isinstance(day, date):  # a cleared field: refused, never replaced by a default
        st.session_state[FEEDBACK] = ("error", t("status_date_missing", lang))
        return
    change = lifecycle.StatusChange(
        code=code,
        field=fld,
        new_status=st.session_state[keys["status"]],
        effective_date=day,
        note=st.session_state.get(keys["note"], ""),
        supersedes=supersedes,
    )
    base = st.session_state.get(BASE, {}).get(code)
    try:
        # The author is the signed-in account (gis refuses a write nobody may make).
        lifecycle.record_changes(
            shell.store(),
            [change],
            actor=current_actor(),
            expected_versions={code: base} if base is not None else None,
        )
    except ParkError as exc:
        st.session_state[FEEDBACK] = ("error", lifecycle.error_message(exc, lang))
        return
    st.session_state.get(BASE, {}).pop(code, None)  # re-based on the saved version
    text = t(
        "edit_saved",
        lang,
        code=code,
        field=vocabulary.field_label(fld, lang),
        status=_status_label(fld, change.new_status),
        date=change.effective_date.isoformat(),
    )
    if change.effective_date > as_of:
        text += " " + t("edit_after_as_of", lang, as_of=as_of.isoformat())
    st.session_state[FEEDBACK] = ("success", text)


def _reload() -> None:
    st.session_state.get(BASE, {}).pop(st.session_state.get(SELECTED), None)
    st.session_state.pop(FEEDBACK, None)


def _card(code: str) -> None:
    row = parcels_now[parcels_now["code"] == code].iloc[0]
    then = frames["parcels"][frames["parcels"]["code"] == code]
    st.subheader(t("card_heading", lang, code=md(code), name=md(row["name"])))
    st.markdown(
        t(
            "card_status_now",
            lang,
            sale=_status_label(vocabulary.SALE_FIELD, row["sale_status"]),
            construction=_status_label(vocabulary.CONSTRUCTION_FIELD, row["construction_status"]),
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
                sale=_status_label(vocabulary.SALE_FIELD, then["sale_status"].iloc[0]),
                construction=_status_label(
                    vocabulary.CONSTRUCTION_FIELD, then["construction_status"].iloc[0]
                ),
            )
        )
    base = (st.context.url or "").split("?")[0]
    st.caption(t("card_link", lang, url=f"{base}?parcel={quote(code)}"))

    # Deadlines as of the chosen date.
    st.markdown(f"**{t('deadline_heading', lang)}**")
    info = deadlines.parcel_deadlines(then.iloc[0].to_dict() if len(then) else row.to_dict(), as_of)
    if info["start_deadline"] is None and info["completion_deadline"] is None:
        st.caption(t("deadline_none", lang))
    else:
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

    # Every attribute, labelled from gis.schema, with units.
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
        items.append((label, _fmt(row[column.name], column)))
    st.dataframe(
        pd.DataFrame(items, columns=[t("card_field", lang), t("card_value", lang)]),
        hide_index=True,
        width="stretch",
        height=360,
        key="card_attributes",
    )

    # Who and what is on it.
    for title, layer, spec in (
        ("card_enterprises", "enterprises", schema.ENTERPRISES),
        ("card_buildings", "buildings", schema.BUILDINGS),
        ("card_vacant", "vacant_spaces", schema.VACANT_SPACES),
    ):
        data = now_frames[layer]
        own = data[data["parcel_code"] == code]
        st.markdown(f"**{t(title, lang)}**")
        if own.empty:
            st.caption(t("card_none", lang))
            continue
        if layer == "vacant_spaces":
            st.caption(t("card_vacant_total", lang, m2=f"{own['gfa_m2'].sum():,.0f}"))
        shown = own.drop(columns=["parcel_code"])
        st.dataframe(excel.labelled_columns(shown, spec, lang), hide_index=True)

    _edit_form(code, row)


def _timeline(code: str) -> None:
    """The parcel's dated history, full width: every event, corrected ones struck through,
    never hidden; the steps told only by the parcel's own dates (a parcel added in QGIS,
    the steps before an import's first event) marked as from the parcel record."""
    st.markdown(f"**{t('timeline_heading', lang)}**")
    events = history.timeline(now_frames["status_events"], code, parcels=now_frames["parcels"])
    events = events.reset_index(drop=True)
    derived = events["derived"].eq(True)  # told only by the parcel record
    if events.empty:
        st.caption(t("timeline_empty", lang))
    else:
        corrected_by = {
            int(s): int(e)
            for e, s in zip(events["event_id"], events["supersedes"], strict=True)
            if not pd.isna(s)
        }
        spec = schema.STATUS_EVENTS
        date_label = {c.name: c.label(lang) for c in schema.PARCELS.columns}
        table = pd.DataFrame(
            {
                # A derived step has no id of its own: it is not a recorded event.
                "#": pd.array(
                    [
                        None if d else int(e)
                        for e, d in zip(events["event_id"], derived, strict=True)
                    ],
                    dtype="Int64",
                ),
                spec.column("effective_date").label(lang): events["effective_date"],
                spec.column("field").label(lang): [
                    vocabulary.field_label(f, lang) for f in events["field"]
                ],
                spec.column("old_status").label(lang): [
                    _status_label(f, s)
                    for f, s in zip(events["field"], events["old_status"], strict=True)
                ],
                spec.column("new_status").label(lang): [
                    _status_label(f, s)
                    for f, s in zip(events["field"], events["new_status"], strict=True)
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
        struck, told = list(events["superseded"]), list(derived)

        def _strike(r: pd.Series) -> list[str]:
            style = "text-decoration: line-through; color: #9e9e9e" if struck[r.name] else ""
            style = "font-style: italic; color: #616161" if told[r.name] else style
            return [style] * len(r)

        st.dataframe(
            table.reset_index(drop=True).style.apply(_strike, axis=1),
            hide_index=True,
            width="stretch",
            key="timeline",
        )


def _block_of(row: pd.Series) -> str:
    block = row.get("block_id")
    return "" if block is None or pd.isna(block) else str(block)


def _edit_form(code: str, row: pd.Series) -> None:
    st.markdown(f"**{t('edit_heading', lang)}**")
    if not roles.allowed("edit_status", lang, blocks=[_block_of(row)]):
        return  # a viewer (or an editor of other blocks) sees the record, not the form
    bases = st.session_state.setdefault(BASE, {})
    bases.setdefault(code, int(row["version"]))
    feedback = st.session_state.pop(FEEDBACK, None)
    if feedback:
        (st.success if feedback[0] == "success" else st.error)(feedback[1])
    actions = [f"change:{f}" for f in vocabulary.STATUS_FIELDS]
    live = history.effective_events(now_frames["status_events"])
    own = live[live["parcel_code"] == code]
    latest = {}
    for fld in vocabulary.STATUS_FIELDS:
        of_field = own[own["field"] == fld]
        if len(of_field):
            latest[f"correct:{int(of_field['event_id'].iloc[-1])}"] = of_field.iloc[-1]
    actions += list(latest)

    def describe(action: str) -> str:
        kind, _, arg = action.partition(":")
        if kind == "change":
            return t(
                "edit_action_change",
                lang,
                field=vocabulary.field_label(arg, lang),
                status=_status_label(arg, row[arg]),
            )
        ev = latest[action]
        return t(
            "edit_action_correct",
            lang,
            event=arg,
            field=vocabulary.field_label(str(ev["field"]), lang),
            status=_status_label(str(ev["field"]), ev["new_status"]),
            date=str(ev["effective_date"]),
        )

    # Widget keys never hold a label. The choices and their labels belong to one parcel in
    # one version (and language): a new key for each, so a save or another parcel starts
    # the editor afresh. (A selectbox keeps the *label* the user picked; with one key for
    # labels that change, Streamlit returned that stale label as the value — #11, 1.)
    # The typed values are keyed by the version the form is based on, so a stale save
    # that is refused keeps them.
    # The action chosen stays while the form keeps its base (a refused stale save), and
    # resets after a save or on another parcel.
    shown = f"{code}@{int(row['version'])}:{lang}"
    based = f"{code}@{bases[code]}"
    chosen = st.session_state.setdefault(CHOSEN, {})
    action = st.selectbox(
        t("edit_action", lang),
        actions,
        index=actions.index(chosen[based]) if chosen.get(based) in actions else 0,
        key=f"edit_action_{shown}",
        format_func=describe,
    )
    if action not in actions:  # never a stale label: the key is this version's
        action = actions[0]
    chosen[based] = action
    kind, _, arg = action.partition(":")
    if kind == "change":
        fld = arg
        options = list(vocabulary.allowed_next(fld, str(row[fld])))
    else:
        ev = latest[action]
        fld = str(ev["field"])
        start = None if pd.isna(ev["old_status"]) else str(ev["old_status"])
        options = (
            [*vocabulary.allowed_next(fld, start), start]
            if start
            else [s.code for s in vocabulary.statuses(fld)]
        )
    if not options:
        st.caption(
            t(
                "edit_no_next",
                lang,
                field=vocabulary.field_label(fld, lang),
                status=_status_label(fld, row[fld]),
            )
        )
        return
    keys = {
        "status": f"edit_status_{shown}_{action}",
        "date": f"edit_date_{based}",
        "note": f"edit_note_{based}",
    }
    with st.form("edit_form", clear_on_submit=False, border=True):
        st.selectbox(
            t("edit_new_status", lang),
            options,
            key=keys["status"],
            format_func=lambda c: _status_label(fld, c),
        )
        # Any date is taken as typed and checked on saving (not after today, not before
        # the previous stage), refused with a message: a range in the browser would drop
        # a typed date silently and save the default instead (#11, 2).
        dates.date_input(
            t("edit_date", lang),
            value=min(as_of, date.today()),  # what the map shows; real data: today
            key=keys["date"],
        )
        st.text_area(t("edit_note", lang), key=keys["note"], height=68)
        st.form_submit_button(
            t("edit_submit", lang),
            type="primary",
            on_click=_save,
            args=(code, action, keys),
        )
    c1, c2 = st.columns([2, 1])
    c1.caption(t("edit_base_version", lang, version=bases[code]))
    c2.button(t("edit_reload", lang), key="edit_reload", on_click=_reload)


with left:
    if link_unknown is None and selected is None:
        st.info(t("pick_hint", lang))
    if selected:
        _card(selected)
if selected:  # below both columns, full width: every column readable (#11, 6d)
    _timeline(selected)

# ------------------------------------------------------------------ warnings (as of the date)
st.subheader(t("warnings_heading", lang, date=as_of.isoformat()))
warn = deadlines.warnings(frames["parcels"], as_of)
if warn.empty:
    st.info(t("warnings_none", lang, date=as_of.isoformat()))
else:
    spec = schema.PARCELS
    names = parcels_now.set_index("code")["name"]
    st.dataframe(
        pd.DataFrame(
            {
                spec.column("code").label(lang): warn["code"],
                spec.column("name").label(lang): warn["code"].map(names),
                t("warn_kind", lang): [
                    t(deadlines.warning_kind(r), lang) for r in warn.to_dict(orient="records")
                ],
                t("deadline_start", lang): warn["start_deadline"].astype(str),
                f"{t('deadline_start_overdue', lang)}({t('unit_day', lang)})": warn[
                    "start_overdue_days"
                ],
                f"{t('deadline_completion_overdue', lang)}({t('unit_day', lang)})": warn[
                    "completion_overdue_days"
                ],
                f"{t('deadline_idle_fee', lang)}({t('unit_wan', lang)})": warn["idle_fee_wan"],
                t("deadline_gov", lang): [
                    t("parcel_yes" if g else "parcel_no", lang) for g in warn["gov_cause"]
                ],
            }
        ),
        hide_index=True,
        width="stretch",
        key="warnings_table",
    )

# ------------------------------------------------------------------ Excel in and out


def parcels_xlsx(parcels: pd.DataFrame, lang: str) -> bytes:
    """The parcels, labelled, as .xlsx."""
    export = excel.labelled_columns(bulk_update.parcel_export(parcels, lang), schema.PARCELS, lang)
    export = export.rename(columns={"area_mu": f"{t('card_area', lang)}({t('unit_mu', lang)})"})
    label = schema.PARCELS.label_zh if lang == "zh" else schema.PARCELS.label_en
    return excel.to_xlsx({label: export})


@st.cache_data(show_spinner=False, max_entries=4)
def _export_xlsx(path: str, version: int, lang: str) -> bytes:
    return parcels_xlsx(_lookup(path, version)[1], lang)


@st.cache_data(show_spinner=False, max_entries=1)
def _template_xlsx() -> bytes:
    return excel.to_xlsx({"updates": bulk_update.update_template()})


# The files are built before the buttons (cached per data version), not when clicked: a
# deferred file is dropped by the next rerun, and the click then spins on a disabled
# button with no download (#11, 6a).
with st.expander(t("excel_heading", lang)):
    c1, c2 = st.columns(2)
    c1.download_button(
        t("excel_export", lang),
        data=roles.exported(  # recorded in the audit trail once per session and version
            store,
            _export_xlsx(store.location, store.data_version(), lang),
            target="parcels.xlsx",
            rows=len(now_frames["parcels"]),
            once=f"{store.data_version()}:{lang}",
        ),
        file_name="parcels.xlsx",
        mime=excel.XLSX_MIME,
        key="excel_export",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )
    c2.download_button(
        t("excel_template", lang),
        data=_template_xlsx(),
        file_name="status-updates-template.xlsx",
        mime=excel.XLSX_MIME,
        key="excel_template",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )
    actor = current_actor()
    if not roles.allowed("edit_status", lang):
        st.stop()  # the page's last section: the upload below is for editors only
    upload = st.file_uploader(t("excel_upload", lang), type=["xlsx"], key="excel_upload")
    done = st.session_state.get("excel_done")
    if upload is not None and done and done[0] == upload.file_id:
        st.success(t("excel_applied", lang, rows=done[1]))  # not re-checked against itself
    elif upload is not None:
        try:
            sheet = excel.read_xlsx(upload.getvalue())
            checks = bulk_update.check_update_rows(
                sheet,
                now_frames["parcels"],
                now_frames["status_events"],
                author=actor.author,
            )
        except ParkError as exc:
            st.error(lifecycle.error_message(exc, lang))
        else:
            preview = pd.DataFrame(
                [c.values for c in checks], columns=list(bulk_update.TEMPLATE_HEADERS)
            )
            preview.insert(0, t("excel_row", lang), [c.row for c in checks])
            preview[t("excel_check", lang)] = [
                lifecycle.error_message(c.error, lang) if c.error else t("excel_ok", lang)
                for c in checks
            ]
            st.dataframe(preview, hide_index=True, width="stretch", key="excel_preview")
            errors = sum(c.error is not None for c in checks)
            if errors:
                st.error(t("excel_errors", lang, errors=errors))
            else:
                st.success(t("excel_ready", lang, rows=len(checks)))
                if st.button(t("excel_apply", lang, rows=len(checks)), key="excel_apply"):
                    changes = [c.change for c in checks if c.change is not None]
                    versions = {
                        c: int(v)
                        for c, v in zip(
                            now_frames["parcels"]["code"],
                            now_frames["parcels"]["version"],
                            strict=True,
                        )
                        if c in {ch.code for ch in changes}
                    }
                    try:
                        lifecycle.record_changes(
                            store, changes, actor=actor, expected_versions=versions
                        )
                    except ParkError as exc:
                        st.error(lifecycle.error_message(exc, lang))
                    else:
                        st.session_state["excel_done"] = (upload.file_id, len(changes))
                        st.rerun()
