"""The map first: how a browser session's first run of the 一张图 page is ordered (#15).

A page's elements reach the browser together, and the browser builds all of them — the
sidebar's language and date pickers, the page's controls and notes — before it creates
the map's frame: at 50,000 parcels they held up the map's first paint by ~0.3–0.5 s on a
2-core machine. So on a session's first run, when it opens the 一张图 page in a browser,
the page sends its header and map first, pauses for :data:`PAUSE_S` while the browser
draws the map, then sends the map's controls and notes into the places kept for them,
and app.py the sidebar. Later runs (a rerun, another page, a new language) are sent in
the usual order and never pause; runs without a browser (AppTest) are never reordered.

The sidebar is shown by app.py after the page (:func:`finish`), never from inside it:
Streamlit names a widget after the script that makes it, so a sidebar made by the page
would be other widgets than the next run's, and a click on them in between would be lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from ui import shell

#: How long the first run waits after sending the map: about what a 2-core machine's
#: browser needs to create the map's frame and draw a district (measured, #15).
PAUSE_S = 0.6
_STARTED_KEY = "_first_paint_started"
_SIDEBAR_KEY = "_first_paint_sidebar"


def defer_sidebar(page: StreamlitPage, sidebar: Callable[[], None]) -> bool:
    """Keep ``sidebar`` for :func:`finish` if this run opens the session on the map page
    (the default page) in a browser, and say so; otherwise the caller shows it now."""
    first = _STARTED_KEY not in st.session_state
    st.session_state[_STARTED_KEY] = True
    st.session_state.pop(_SIDEBAR_KEY, None)  # one a stopped first run left behind
    if first and page.url_path == "" and has_browser() and shell.ready_before_sidebar():
        st.session_state[_SIDEBAR_KEY] = sidebar
        return True
    return False


def has_browser() -> bool:
    """Whether a browser asked for this run: AppTest's runs carry no request headers."""
    return bool(st.context.headers)


def map_first() -> bool:
    """Whether the page should send its map before its controls in this run."""
    return _SIDEBAR_KEY in st.session_state


def after_map() -> None:
    """Once the map is sent, in a run that sends it first: give the browser time to draw."""
    if map_first():
        _pause(PAUSE_S)


def finish() -> None:
    """Show the sidebar kept by :func:`defer_sidebar` (app.py, once the page has run)."""
    sidebar = st.session_state.pop(_SIDEBAR_KEY, None)
    if sidebar is not None:
        sidebar()


def _pause(seconds: float) -> None:  # apart, so the tests can see when it happens
    time.sleep(seconds)
