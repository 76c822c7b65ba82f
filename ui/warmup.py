"""What the first visit after a start needs, made before anyone asks (#15).

At district scale the first visitor after a restart would wait for the store to be read
(~1.3 s at 50,000 parcels), the statuses to be replayed to the as-of date (~0.8 s) and the
default map to be built (~0.9 s), and the checks the page shows below the map take ~5 s
more; twice as long while the server starts beside them. Python's collector is paused
while each part runs (:mod:`gis.collector`: each full collection walked the whole heap).

The server (``scripts/serve.py``) runs :func:`data` in a thread as it starts, then
:func:`first_map` once Streamlit has read its configuration (the map's URLs come from it),
well before the server answers; once Streamlit's runtime runs, :func:`map_component`,
:func:`streamlit_once` and :func:`views`, and last :func:`settle`. :func:`data`,
:func:`first_map` and :func:`views` fill the same caches the pages read, with the pages' default choices. A
visitor who arrives before they are done waits for the part in progress (Streamlit's caches
and :mod:`ui.memo` compute a value once), never for it twice.

All of them run outside any script run: ``st.session_state`` is empty there, so every choice is
the default a new session starts with (language, as-of date, colour field, all blocks).
Any error is logged and left to the page, which does the work and says what is wrong as
it always does.
"""

from __future__ import annotations

import gc
import logging
import time
from functools import partial

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from gis import collector
from ui import shell

_LOG = logging.getLogger(__name__)


def data() -> bool:
    """Read the store and replay the statuses to the default as-of date. False on error."""
    return _timed("data", lambda: shell.frames_as_of(shell.frames(), shell.as_of()))


def first_map() -> bool:
    """The 一张图 page's default map. Needs Streamlit's configuration read, not its
    runtime: the map's component is registered by :func:`map_component`."""
    from gis import vocabulary
    from ui import mapview

    return _timed(
        "map", lambda: mapview.park_map(vocabulary.STATUS_FIELDS[0], (), as_of=shell.as_of())
    )


def streamlit_once() -> bool:
    """Streamlit's own first-time work in a process, done before a visitor's first run meets
    it: the emoji table the page icon is looked up in (``set_page_config``; a large regular
    expression, ~0.1 s) and the check the process's first element makes for an interactive
    interpreter (``inspect.stack()``, which reads every source file on the stack: ~0.08 s).
    Needs the runtime: without it the second prints a warning meant for ``python app.py``."""
    from streamlit import delta_generator, string_util

    def once() -> None:
        string_util.is_emoji("🗺️")
        delta_generator._maybe_print_use_warning()

    return _timed("streamlit", once)


def views() -> bool:
    """What the 一张图 page shows around its map (its data checks, its summary), then the
    地块查询 page's search index and map, then the 会议 page's map, key figures and changes
    since the last meeting. Needs the runtime."""
    from gis import vocabulary
    from layers.deadlines import deadline_extras, deadline_extras_key
    from ui import changes, mapview, meeting_map, missing, parcel_state

    def build() -> None:
        as_of = shell.as_of()
        missing.as_of_gaps(as_of)
        missing.problems()
        store = shell.store()
        parcel_state.lookup(store.location, store.data_version())
        mapview.park_map(
            vocabulary.STATUS_FIELDS[0],
            as_of=as_of,
            extras=partial(deadline_extras, as_of=as_of),
            extras_key=deadline_extras_key(as_of),
        )
        frames = shell.frames_as_of(shell.frames(), as_of)
        mapview.status_summary_of(frames, vocabulary.STATUS_FIELDS[0], ())
        meeting_map.prepare_first(as_of)
        changes.prepare_first(shell.frames(), as_of)

    return _timed("views", build)


def settle() -> None:
    """One full collection, at the end of the warm-up. The parts above made a million
    objects with the collector paused; the first full collection after them walks all of
    them (0.25 s at 50,000 parcels), and without this it came in a visitor's first page
    run. Afterwards Python seldom needs another: it collects in full only once the objects
    made since the last full collection are a quarter of those it kept."""
    start = time.perf_counter()
    gc.collect()
    _LOG.info("warm-up (collection) done in %.1f s", time.perf_counter() - start)


def _timed(name: str, work) -> bool:
    start = time.perf_counter()
    try:
        _as_new_session()
        with collector.paused():  # long-lived caches built in bulk (gis.collector)
            work()
    except Exception:  # never stop the server for it
        _LOG.exception("warm-up (%s) failed", name)
        return False
    _LOG.info("warm-up (%s) done in %.1f s", name, time.perf_counter() - start)
    return True


def _as_new_session() -> None:
    """Start from an empty ``st.session_state``, as a new browser session does. Outside a
    script run Streamlit keeps one session state for the whole process; the warm-up is
    its only user, and must not read an earlier call's store. Inside a script run (never
    the case in the server) a user's session state is left alone."""
    if get_script_run_ctx(suppress_warning=True) is None:
        st.session_state.clear()


def map_component() -> None:
    """Register streamlit-folium's component with the runtime, as its import in a script
    run would have. Streamlit registers a component only when it is declared inside a
    script run; importing :mod:`ui.mapview` in the warm-up, first, declared it outside one,
    and the browsers' requests for the map's frame would get 404s. Needs the runtime."""
    import streamlit_folium
    from streamlit.runtime import Runtime

    if not Runtime.exists():  # a test calling views() directly: no browser to serve
        return
    component = streamlit_folium._component_func
    registry = Runtime.instance().component_registry
    if registry.get_component_path(component.name) is None:
        registry.register_component(component)
