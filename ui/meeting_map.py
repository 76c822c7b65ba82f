"""The meeting page's map: the view's colouring, blocks and layers, the annotations and the
drawing tools, fitted to the view or placed where it was saved; returns the last sketch."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from gis._errors import ParkError
from gis.i18n import error_text
from gis.meeting import annotations as meeting_annotations
from gis.meeting import views as meeting_views
from layers.annotations import annotation_layer, annotation_legend
from layers.draw import DrawControl, ViewFit, ViewSettings
from ui import ahead, mapview, shell
from ui.meeting_header import figures_of
from ui.meeting_state import NONCE, SEEN, MeetingPage

MAP_HEIGHT = {True: 740, False: 600}


def _map_options(state: meeting_views.ViewState, as_of: date, present: bool) -> dict:
    """:func:`ui.mapview.park_map`'s arguments for a view state: its colouring, blocks,
    date and layers, the annotations and the drawing tools."""
    return {
        "field": state.field,
        "block_ids": state.block_ids,
        "as_of": as_of,
        "extras": partial(_extras, layers=state.layers, present=present),
        "extras_key": f"meeting|{present}|{','.join(state.layers)}",
    }


def _extras(data: dict, map_lang: str, *, layers: tuple[str, ...], present: bool):
    shown = [
        annotation_layer(data["annotations"], lang=map_lang),
        DrawControl(lang=map_lang),
        ViewSettings(visible=layers, known=meeting_views.LAYER_KEYS, present=present),
    ]
    return shown, [annotation_legend(map_lang)]


def prepare_first(as_of: date) -> None:
    """The page's map and key figures before any view is chosen (the server's warm-up,
    :mod:`ui.warmup`): a first visit at 50,000 parcels built them for ~1 s."""
    store = shell.store()
    mapview.park_map(**_map_options(meeting_views.ViewState(), as_of, present=False))
    figures_of(store.location, store.data_version(), as_of)


def prepare_steps(page: MeetingPage) -> None:
    """The saved views' maps and key figures, made in the background (:mod:`ui.ahead`): a
    step to another view finds them ready. Called last, so that the work does not slow
    the page being drawn. A view without a date of its own is shown on the sidebar's date."""
    days = {v.view_id: v.state.as_of or page.sidebar_as_of for v in page.views}
    mapview.prebuild(_map_options(v.state, days[v.view_id], page.present) for v in page.views)
    path, version = page.store.location, page.store.data_version()
    ahead.ahead(
        (("meeting_figures", path, version, day), partial(figures_of, path, version, day))
        for day in sorted(set(days.values()))
    )


def meeting_map(page: MeetingPage) -> tuple[object | None, str | None]:
    """Draw the map; returns (the last shape drawn on it or None, the error reading it)."""
    ss = st.session_state
    state, present = page.state, page.present
    m = mapview.park_map(**_map_options(state, page.as_of, present))
    center = None
    if state.center is not None:
        # A tiny, changing offset makes the component re-centre when a view is re-applied.
        center = (state.center[0] + ss[NONCE] * 1e-9, state.center[1])
    # The map fits the view's blocks (the whole park without any); a view with a position
    # of its own then moves there. Without one, each new NONCE draws the map afresh, fitted.
    fit_token = ss[NONCE] if state.center is None else -1
    fit_bounds = meeting_views.view_bounds(page.now_frames, state)
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
    if not drawings:
        return None, None
    try:
        return meeting_annotations.sketch_geometry(drawings[-1]), None
    except ParkError as exc:
        return None, error_text(exc, page.lang)
