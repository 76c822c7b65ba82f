"""The meeting page's map: the view's colouring, blocks and layers, the annotations and the
drawing tools, fitted to the view or placed where it was saved; returns the last sketch."""

from __future__ import annotations

import streamlit as st

from gis._errors import ParkError
from gis.i18n import error_text
from gis.meeting import annotations as meeting_annotations
from gis.meeting import views as meeting_views
from layers.annotations import annotation_layer, annotation_legend
from layers.draw import DrawControl, ViewFit, ViewSettings
from ui import mapview
from ui.meeting_state import NONCE, SEEN, MeetingPage

MAP_HEIGHT = {True: 740, False: 600}


def meeting_map(page: MeetingPage) -> tuple[object | None, str | None]:
    """Draw the map; returns (the last shape drawn on it or None, the error reading it)."""
    ss = st.session_state
    state, present = page.state, page.present

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
        as_of=page.as_of,
        extras=_extras,
        extras_key=f"meeting|{present}|{','.join(state.layers)}",
    )
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
