"""会议 Meeting: presentation mode, saved views (slides), decisions sketched on the map, pack.

Deep link: ``?view=<id>`` opens the page on a saved view (add ``&present=1`` to open it in
presentation mode). The page's map state (centre,
zoom, layers, colouring, blocks, as-of date) lives in ``st.session_state[STATE]`` as a
:class:`gis.meeting.views.ViewState`; stepping to a view replaces it (in a callback, so the
sidebar's as-of date can follow).
"""

from datetime import date

import streamlit as st

from gis import vocabulary
from gis._errors import ParkError
from gis.excel import XLSX_MIME, labelled_columns, to_xlsx
from gis.i18n import error_text, t
from gis.meeting import annotations as meeting_annotations
from gis.meeting import pack, pack_files, pack_style
from gis.meeting import views as meeting_views
from gis.schema import ANNOTATIONS
from layers.annotations import annotation_layer, annotation_legend
from layers.draw import DrawControl, ViewFit, ViewSettings
from ui import basemap as ui_basemap
from ui import dates, mapview, missing, roles, shell
from ui.changes import changes_section
from ui.report_draft import report_section
from ui.session import current_actor
from ui.text import md

STATE = "mtg_state"  # the ViewState on screen
CURRENT = "mtg_view_id"  # the saved view it came from (None: not a saved view)
GEN = "mtg_gen"  # bumped when a view is applied: state widgets are re-created with its values
NONCE = "mtg_nonce"  # bumped when a view is applied: makes the map re-centre even if unchanged
LINK_SEEN = "mtg_link_seen"  # the ?view= value already acted on
SIDEBAR_SEEN = "mtg_sidebar_as_of"  # the sidebar date last seen (a change there wins)
EDIT_BASE = "mtg_edit_base"  # (annotation_id, version) the edit form is based on
FEEDBACK = "mtg_feedback"
PACK = "mtg_pack"
PRESENT = "mtg_present"
SEEN = "mtg_seen"  # the map's last report of what it shows (centre, zoom, bounds), or None
MAP_HEIGHT = {True: 740, False: 600}

PRESENT_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"] { display: none !important; }
.block-container { padding-top: 0.6rem !important; padding-bottom: 0.5rem !important;
  max-width: 100% !important; }
[data-testid="stMetricValue"] { font-size: 2.7rem !important; line-height: 1.1; }
[data-testid="stMetricLabel"] p { font-size: 1.35rem !important; }
[data-testid="stMetricDelta"] { font-size: 1.1rem !important; }
h1, h2, h3 { font-size: 2.0rem !important; padding: 0.2rem 0 !important; }
[data-testid="stProgress"] p, [data-testid="stCaptionContainer"] { font-size: 1.15rem !important; }
.stButton button p, [data-testid="stSelectbox"] div { font-size: 1.15rem !important; }
</style>
"""
STRIP_CSS = """
<style>
[data-testid="stMetricValue"] { font-size: 2.0rem; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem; }
</style>
"""

lang = shell.lang()
store = shell.store()
now_frames = shell.frames()
views = meeting_views.list_views(now_frames["saved_views"])
ss = st.session_state
ss.setdefault(STATE, meeting_views.ViewState())
ss.setdefault(CURRENT, None)
ss.setdefault(GEN, 0)
ss.setdefault(NONCE, 0)


# ---------------------------------------------------------------- view state
def _apply(view: meeting_views.SavedView, *, in_callback: bool = True) -> None:
    ss[STATE] = view.state
    ss[CURRENT] = view.view_id
    ss[GEN] += 1
    ss[NONCE] += 1
    ss[LINK_SEEN] = view.view_id
    st.query_params["view"] = view.view_id
    if view.state.as_of is not None:
        st.query_params["as_of"] = view.state.as_of.isoformat()
    if in_callback and view.state.as_of is not None:
        # The sidebar's date widget may only be set before it is drawn: in a callback.
        ss[shell.AS_OF_KEY] = view.state.as_of
        ss[SIDEBAR_SEEN] = view.state.as_of


def _step(step: int) -> None:
    target = meeting_views.step_view(views, ss[CURRENT], step)
    if target is not None:
        _apply(target)


def _pick() -> None:
    target = meeting_views.find_view(views, ss.get(f"mtg_pick_{ss[GEN]}"))
    if target is not None:
        _apply(target)


def _sync_state_widgets() -> None:
    """Take the colouring, blocks and layers chosen under the map into the view state.

    Read from the widgets' values at the start of every run rather than in on_change
    callbacks: a callback can be lost when a map report's rerun and a widget change
    cross, leaving the widget showing one block and the map another.
    """
    gen = ss[GEN]
    # Right after a language switch a widget may briefly hold an old label instead of a
    # code: only codes are taken.
    allowed = {
        "field": set(vocabulary.STATUS_FIELDS),
        "block_ids": set(now_frames["blocks"]["block_id"].astype(str)),
        "layers": set(meeting_views.LAYER_KEYS),
    }
    for name, widget in (("field", "field"), ("block_ids", "blocks"), ("layers", "layers")):
        key = f"mtg_{widget}_{gen}"
        if key not in ss:
            continue  # not drawn yet with this generation: it starts from the state
        value = ss[key]
        value = tuple(value) if isinstance(value, list) else value
        codes = value if isinstance(value, tuple) else (value,)
        if getattr(ss[STATE], name) == value or not set(codes) <= allowed[name]:
            continue
        # Keep the map where the user has it; other blocks drop the position (fit them).
        shown = meeting_views.seen_view(ss[STATE], ss.get(SEEN), now_frames)
        new = meeting_views.change_view(shown, **{name: value})
        if new.center is None:
            ss[NONCE] += 1  # a fresh map, fitted to the view's blocks
        ss[STATE] = new


link = st.query_params.get("view")
if link and ss.get(LINK_SEEN) != link:
    ss[LINK_SEEN] = link
    linked = meeting_views.find_view(views, link)
    if linked is None:
        st.warning(t("mtg_view_not_found", lang, view_id=link))
    else:
        _apply(linked, in_callback=False)

_sync_state_widgets()

if st.query_params.get("present") == "1" and not ss.get("mtg_present_seen"):
    ss["mtg_present_seen"] = True
    ss[PRESENT] = True  # ?view=<id>&present=1 opens straight into presentation mode

sidebar_as_of = shell.as_of()
if ss.get(SIDEBAR_SEEN) is None:
    ss[SIDEBAR_SEEN] = sidebar_as_of
elif ss[SIDEBAR_SEEN] != sidebar_as_of:  # the user changed the sidebar date: it wins
    ss[SIDEBAR_SEEN] = sidebar_as_of
    shown = meeting_views.seen_view(ss[STATE], ss.get(SEEN), now_frames)
    ss[STATE] = meeting_views.change_view(shown, as_of=sidebar_as_of)
state: meeting_views.ViewState = ss[STATE]
as_of = state.as_of or sidebar_as_of
present = st.session_state.get(PRESENT, False)

# ---------------------------------------------------------------- header and navigation
st.markdown(PRESENT_CSS if present else STRIP_CSS, unsafe_allow_html=True)
current = meeting_views.find_view(views, ss[CURRENT])
# The heading and the picker say the same: the view on screen, marked when it was changed.
modified = current is not None and meeting_views.is_modified(current.state, state)


def _view_name(view: meeting_views.SavedView) -> str:
    if modified and current is not None and view.view_id == current.view_id:
        return t("mtg_view_modified", lang, name=view.name)
    return view.name


title_col, nav_col, toggle_col = st.columns([5, 6, 3], vertical_alignment="center")
heading = t("mtg_heading", lang) + (f" · {_view_name(current)}" if current else "")
title_col.subheader(heading)
toggle_col.toggle(t("mtg_present", lang), key=PRESENT, help=t("mtg_present_help", lang))
if views:
    prev_col, pick_col, next_col = nav_col.columns([2, 4, 2], vertical_alignment="bottom")
    prev_col.button(
        t("mtg_view_prev", lang), key="mtg_prev", on_click=_step, args=(-1,), width="stretch"
    )
    next_col.button(
        t("mtg_view_next", lang), key="mtg_next", on_click=_step, args=(1,), width="stretch"
    )
    ids = [v.view_id for v in views]
    names = {v.view_id: f"{n}. {_view_name(v)}" for n, v in enumerate(views, 1)}
    pick_col.selectbox(
        t("mtg_view_pick", lang),
        ids,
        index=ids.index(current.view_id) if current else None,
        format_func=names.__getitem__,
        key=f"mtg_pick_{ss[GEN]}",
        on_change=_pick,
        placeholder=t("mtg_view_none", lang),
        label_visibility="collapsed",
    )
else:
    nav_col.caption(t("mtg_no_views", lang))
if not present:  # the big screen shows the park, not the committee's to-do list
    missing.show_missing("meeting", frames=now_frames, year=as_of.year)


# ---------------------------------------------------------------- key figures strip
@st.cache_data(show_spinner=False, max_entries=16)
def _figures(path: str, version: int, day: date) -> pack.KeyFigures:
    # Once per data version and date: a pan in edit mode reruns the page.
    return pack.key_figures(shell._frames(path, version), day)


figures = _figures(store.location, store.data_version(), as_of)
unit = t("mtg_kf_unit_parcels", lang)
cells = st.columns([1, 1, 1, 1, 2.2])
cells[0].metric(t("mtg_kf_sold", lang), f"{figures.sold} {unit}")
cells[1].metric(t("mtg_kf_started", lang), f"{figures.started} {unit}")
cells[2].metric(t("mtg_kf_in_production", lang), f"{figures.in_production} {unit}")
cells[3].metric(t("mtg_kf_idle", lang), f"{figures.idle} {unit}")
with cells[4]:
    shown = figures.targets.dropna(subset=["actual"])
    st.caption(t("mtg_kf_targets", lang) + " · " + t("mtg_kf_as_of", lang, date=as_of.isoformat()))
    if shown.empty:
        st.caption(t("mtg_kf_no_targets", lang))
    for row in shown.head(3).itertuples(index=False):
        label = row.label_zh if lang == "zh" else row.label_en
        pct = row.progress_pct if row.progress_pct == row.progress_pct else 0.0
        st.progress(
            min(max(pct / 100, 0.0), 1.0),
            text=md(f"{label}: ")
            + t(
                "mtg_kf_target_value",
                lang,
                actual=pack.format_amount(row.actual, row.unit),
                target=pack.format_amount(row.target, row.unit),
                unit=md(pack.unit_label(row.unit, lang)),
            )
            + f" ({pct:.0f}%)",
        )


# ---------------------------------------------------------------- the map
def _extras(data: dict, map_lang: str):
    layers = [
        annotation_layer(data["annotations"], lang=map_lang),
        DrawControl(lang=map_lang),
        ViewSettings(visible=state.layers, known=meeting_views.LAYER_KEYS, present=present),
    ]
    return layers, [annotation_legend(map_lang)]


m = mapview.park_map(
    state.field,
    state.block_ids,
    as_of=as_of,
    extras=_extras,
    extras_key=f"meeting|{present}|{','.join(state.layers)}",
)
center = None
if state.center is not None:
    # A tiny, changing offset makes the component re-centre when a view is re-applied.
    center = (state.center[0] + ss[NONCE] * 1e-9, state.center[1])
# The map fits the view's blocks (the whole park without any); a view with a position of
# its own then moves there. Without one, each new NONCE draws the map afresh, fitted.
fit_token = ss[NONCE] if state.center is None else -1
fit_bounds = meeting_views.view_bounds(now_frames, state)
if fit_bounds is not None:  # an empty park has nothing to fit: the map opens on 莲都
    ViewFit(fit_bounds, token=fit_token).add_to(m)
returned = ["all_drawings"] if present else ["all_drawings", "center", "zoom", "bounds"]
out = (
    mapview.show(
        m,
        key="mtg_map",
        height=MAP_HEIGHT[present],
        returned_objects=returned,
        center=center,
        zoom=state.zoom,
    )
    or {}
)
# What the map shows now (the browser reports it after every pan and when first drawn).
ss[SEEN] = {k: out.get(k) for k in ("center", "zoom", "bounds")} if out.get("center") else None
drawings = out.get("all_drawings") or []
sketch = None
sketch_error = None
if drawings:
    try:
        sketch = meeting_annotations.sketch_geometry(drawings[-1])
    except ParkError as exc:
        sketch_error = error_text(exc, lang)

shell.show_flash(FEEDBACK)


# ---------------------------------------------------------------- record a decision
def _parcel_choice(default: str | None, key: str):
    codes = sorted(now_frames["parcels"]["code"].astype(str))
    options = ["", *codes]
    return st.selectbox(
        t("mtg_ann_parcel", lang),
        options,
        index=options.index(default) if default in options else 0,
        format_func=lambda c: c or t("mtg_ann_parcel_none", lang),
        key=key,
    )


with st.container(border=True):
    st.markdown(f"**{t('mtg_sketch_heading', lang)}**")
    if sketch_error:
        st.error(sketch_error)
    if sketch is None:
        st.caption(t("mtg_sketch_hint", lang))
    elif roles.allowed("annotate", lang):
        kind = t(f"mtg_sketch_kind_{sketch.geom_type}", lang)
        st.caption(t("mtg_sketch_ready", lang, kind=kind))
        guess = meeting_annotations.parcel_at(now_frames["parcels"], sketch)
        with st.form("mtg_new_annotation", clear_on_submit=False, border=False):
            note = st.text_area(t("mtg_ann_note", lang), key="mtg_new_note", height=90)
            a, c = st.columns(2)
            with a:
                meeting_day = dates.date_input(  # any date, never dropped by the browser
                    t("mtg_ann_meeting_date", lang), value=date.today(), key="mtg_new_date"
                )
            with c:
                parcel = _parcel_choice(guess, f"mtg_new_parcel_{guess}")
            if st.form_submit_button(t("mtg_ann_save", lang), type="primary"):
                try:  # the author is the signed-in account
                    new_id = meeting_annotations.add_annotation(
                        store,
                        sketch,
                        meeting_annotations.AnnotationInput(
                            note, meeting_day, parcel_code=parcel or None
                        ),
                        actor=current_actor(),
                    )
                except ParkError as exc:
                    st.error(error_text(exc, lang))
                else:
                    ss[FEEDBACK] = t("mtg_ann_saved", lang, annotation_id=new_id)
                    st.rerun()


# ---------------------------------------------------------------- views, log, pack
def _views_tab() -> None:
    st.caption(t("mtg_view_state_caption", lang))
    gen = ss[GEN]
    blocks = now_frames["blocks"]
    block_names = dict(
        zip(blocks["block_id"], blocks["name" if lang == "zh" else "name_en"], strict=True)
    )
    a, b, c = st.columns([2, 3, 4])
    a.radio(
        t("colour_by", lang),
        list(vocabulary.STATUS_FIELDS),
        index=list(vocabulary.STATUS_FIELDS).index(state.field),
        key=f"mtg_field_{gen}",
        format_func=lambda f: vocabulary.field_label(f, lang),
    )
    b.multiselect(
        t("block_filter", lang),
        list(block_names),
        default=[b for b in state.block_ids if b in block_names],
        key=f"mtg_blocks_{gen}",
        format_func=block_names.__getitem__,
        placeholder=t("all_blocks", lang),
    )
    c.multiselect(
        t("mtg_view_layers", lang),
        list(meeting_views.LAYER_KEYS),
        default=list(state.layers),
        key=f"mtg_layers_{gen}",
        format_func=lambda k: t(meeting_views.LAYER_LABEL_KEYS[k], lang),
    )
    # What the map shows right now (the browser reports centre and zoom after a pan).
    now_state = meeting_views.with_view(
        meeting_views.seen_view(state, ss[SEEN], now_frames), as_of=as_of
    )
    if not roles.allowed("save_view", lang):
        _view_list(views)
        return
    with st.form("mtg_view_form", border=False):
        name = st.text_input(t("mtg_view_name", lang), key="mtg_view_name")
        save, overwrite = st.columns(2)
        do_save = save.form_submit_button(t("mtg_view_save", lang), type="primary")
        do_overwrite = overwrite.form_submit_button(
            t("mtg_view_update", lang), disabled=current is None
        )
    if do_save or do_overwrite:
        try:
            view_id = meeting_views.save_view(
                store,
                name=name or (current.name if do_overwrite and current else ""),
                state=now_state,
                actor=current_actor(),
                view_id=current.view_id if do_overwrite and current else None,
            )
        except ParkError as exc:
            st.error(error_text(exc, lang))
        else:
            ss[CURRENT] = view_id
            ss[STATE] = now_state
            ss[GEN] += 1  # the picker (keyed by GEN) is drawn anew on the saved view
            ss[LINK_SEEN] = view_id
            st.query_params["view"] = view_id
            ss[FEEDBACK] = t("mtg_view_saved", lang, name=name or view_id)
            st.rerun()
    if current is not None:
        up, down, delete = st.columns(3)
        if up.button(t("mtg_view_up", lang), key="mtg_view_up"):
            meeting_views.move_view(store, current.view_id, -1, actor=current_actor())
            st.rerun()
        if down.button(t("mtg_view_down", lang), key="mtg_view_down"):
            meeting_views.move_view(store, current.view_id, 1, actor=current_actor())
            st.rerun()
        if delete.button(t("mtg_view_delete", lang), key="mtg_view_delete"):
            meeting_views.delete_view(store, current.view_id, actor=current_actor())
            ss[CURRENT] = None
            ss[GEN] += 1
            st.query_params.pop("view", None)
            ss[FEEDBACK] = t("mtg_view_deleted", lang)
            st.rerun()
    _view_list(views)


def _view_list(views: list[meeting_views.SavedView]) -> None:
    for n, v in enumerate(views, 1):
        st.markdown(
            f"{n}. {md(v.name)} — `{v.view_id}` · "
            f"[{t('mtg_view_link', lang)} {meeting_views.view_link(v.view_id, as_of=v.state.as_of)}]"
            f"({meeting_views.view_link(v.view_id, as_of=v.state.as_of)})"
        )


def _log_tab() -> None:
    annotations = now_frames["annotations"]
    if annotations.empty:
        st.info(t("mtg_log_empty", lang))
        return
    dates = meeting_annotations.meeting_dates(annotations)
    day = st.selectbox(
        t("mtg_log_meeting", lang),
        ["", *dates],
        format_func=lambda d: d or t("mtg_log_all_meetings", lang),
        key="mtg_log_day",
    )
    log = pack.decision_log(annotations, meeting_date=day or None)
    shown = labelled_columns(log, ANNOTATIONS, lang).rename(
        columns={"kind": t("mtg_log_kind", lang)}
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    chosen = annotations[annotations["annotation_id"].isin(log["annotation_id"])]
    x, g = st.columns(2)
    x.download_button(
        t("mtg_export_xlsx", lang),
        roles.audited(  # built (and recorded in the audit trail) when clicked
            store,
            lambda: to_xlsx({t("mtg_log_heading", lang): shown}),
            target=f"decisions-{day or 'all'}.xlsx",
            rows=len(shown),
        ),
        file_name=f"decisions-{day or 'all'}.xlsx",
        mime=XLSX_MIME,
        key="mtg_log_xlsx",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )
    g.download_button(
        t("mtg_export_geojson", lang),
        roles.audited(
            store,
            lambda: meeting_annotations.annotations_geojson(chosen),
            target=f"decisions-{day or 'all'}.geojson",
            rows=len(chosen),
        ),
        file_name=f"decisions-{day or 'all'}.geojson",
        mime="application/geo+json",
        key="mtg_log_geojson",
        on_click="ignore",  # no rerun: the file stays served (#11, 6a)
    )
    _edit_annotation(log)


def _edit_annotation(log) -> None:
    ids = list(log["annotation_id"])
    notes = dict(zip(log["annotation_id"], log["note"], strict=True))
    pick = st.selectbox(
        t("mtg_ann_edit_pick", lang),
        ["", *ids],
        format_func=lambda i: f"{i} · {notes[i][:30]}" if i else t("mtg_ann_edit_none", lang),
        key="mtg_edit_pick",
    )
    if not pick:
        return
    row = log[log["annotation_id"] == pick].iloc[0]
    code = row["parcel_code"] if isinstance(row["parcel_code"], str) else None
    parcels = now_frames["parcels"]
    blocks = parcels.loc[parcels["code"] == code, "block_id"].dropna().astype(str)
    if not roles.allowed("annotate", lang, blocks=list(blocks)):
        return
    base = ss.get(EDIT_BASE)
    if base is None or base[0] != pick:
        base = (pick, int(row["version"]))
        ss[EDIT_BASE] = base
    with st.form(f"mtg_edit_{pick}", border=True):
        note = st.text_area(t("mtg_ann_note", lang), value=row["note"], key=f"mtg_edit_note_{pick}")
        a, c = st.columns(2)
        with a:
            day = dates.date_input(  # any date, never dropped by the browser
                t("mtg_ann_meeting_date", lang),
                value=date.fromisoformat(row["meeting_date"]),
                key=f"mtg_edit_date_{pick}",
            )
        with c:
            parcel = _parcel_choice(row["parcel_code"] or None, f"mtg_edit_parcel_{pick}")
        replace = st.checkbox(
            t("mtg_ann_replace_geometry", lang),
            value=sketch is not None,
            disabled=sketch is None,
            key=f"mtg_edit_replace_{pick}",
        )
        save, delete = st.columns(2)
        do_save = save.form_submit_button(t("mtg_ann_update", lang), type="primary")
        do_delete = delete.form_submit_button(t("mtg_ann_delete", lang))
    if not (do_save or do_delete):
        return
    try:
        if do_delete:
            meeting_annotations.delete_annotation(
                store, pick, expected_version=base[1], actor=current_actor()
            )
            ss.pop(EDIT_BASE, None)
            ss[FEEDBACK] = t("mtg_ann_deleted", lang, annotation_id=pick)
        else:
            version = meeting_annotations.update_annotation(
                store,
                pick,
                expected_version=base[1],
                item=meeting_annotations.AnnotationInput(note, day, parcel_code=parcel or None),
                actor=current_actor(),
                geometry=sketch if replace and sketch is not None else None,
            )
            ss[EDIT_BASE] = (pick, version)
            ss[FEEDBACK] = t("mtg_ann_saved", lang, annotation_id=pick)
    except ParkError as exc:
        st.error(error_text(exc, lang))
        return
    st.rerun()


def _make_pack(title: str, chosen: tuple[str, ...], meeting_day: str) -> None:
    # A callback: the pack exists before the page is drawn, so its section opens with it.
    options = pack_style.PackOptions(
        as_of=as_of,
        lang=lang,
        title=title.strip() or None,
        field=state.field,
        block_ids=state.block_ids,
        is_sample=store.is_sample(),
        meeting_date=date.fromisoformat(meeting_day) if meeting_day else None,
        scenario_ids=chosen,
        imagery=ui_basemap.print_imagery(),  # a local tiles file under the parcels (#18)
    )
    try:
        pdf = pack_files.meeting_pack_pdf(now_frames, options)
        xlsx = pack_files.meeting_pack_xlsx(now_frames, options)
    except ParkError as exc:
        ss["mtg_pack_error"] = error_text(exc, lang)
    else:
        day = as_of.isoformat()
        rows = len(now_frames["parcels"])
        for name in (f"meeting-pack-{day}.pdf", f"meeting-pack-{day}.xlsx"):
            roles.exported(store, None, target=name, rows=rows, once=str(store.data_version()))
        ss[PACK] = (pdf, xlsx, day)


def _pack_section() -> None:
    scenarios = now_frames["scenarios"]
    a, b, c = st.columns([3, 3, 2])
    title = a.text_input(
        t("mtg_pack_title", lang), value=t("mtg_pack_default_title", lang), key="mtg_pack_title"
    )
    if scenarios.empty:
        b.caption(t("mtg_pack_no_scenarios", lang))
        chosen: list[str] = []
    else:
        names = dict(zip(scenarios["scenario_id"], scenarios["name"], strict=True))
        chosen = b.multiselect(
            t("mtg_pack_scenario", lang),
            list(names),
            format_func=lambda i: f"{names[i]} ({i})",
            max_selections=3,
            key="mtg_pack_scenarios",
        )
    dates = meeting_annotations.meeting_dates(now_frames["annotations"])
    meeting_day = c.selectbox(
        t("mtg_log_meeting", lang),
        ["", *dates],
        format_func=lambda d: d or t("mtg_log_all_meetings", lang),
        key="mtg_pack_day",
    )
    st.button(
        t("mtg_pack_make", lang),
        type="primary",
        key="mtg_pack_make",
        on_click=_make_pack,
        args=(title, tuple(chosen), meeting_day),
    )
    if "mtg_pack_error" in ss:
        st.error(ss.pop("mtg_pack_error"))
    if PACK in ss:
        pdf, xlsx, day = ss[PACK]
        st.success(t("mtg_pack_ready", lang, pages=pack_files.pdf_page_count(pdf)))
        p, x = st.columns(2)
        p.download_button(
            t("mtg_pack_pdf", lang),
            pdf,
            file_name=f"meeting-pack-{day}.pdf",
            mime="application/pdf",
            key="mtg_pack_pdf",
            type="primary",
            on_click="ignore",  # no rerun: the file stays served (#11, 6a)
        )
        x.download_button(
            t("mtg_pack_xlsx", lang),
            xlsx,
            file_name=f"meeting-pack-{day}.xlsx",
            mime=XLSX_MIME,
            key="mtg_pack_xlsx",
            on_click="ignore",  # no rerun: the file stays served (#11, 6a)
        )


report_section(store, now_frames, lang, sidebar_as_of)
if present:
    with st.expander(t("mtg_pack_heading", lang), expanded=PACK in ss):
        _pack_section()
else:
    views_tab, log_tab, pack_tab = st.tabs(
        [t("mtg_views_heading", lang), t("mtg_log_heading", lang), t("mtg_pack_heading", lang)]
    )
    with views_tab:
        _views_tab()
    with log_tab:
        _log_tab()
    with pack_tab:
        _pack_section()
    changes_section(store, now_frames, lang, as_of)
