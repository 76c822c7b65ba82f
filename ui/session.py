"""The signed-in user of this browser session (#13).

``current_actor()`` is what every page passes to :mod:`gis` writes; ``None`` means nobody
is signed in. Tests sign in by putting an :class:`gis.auth.access.Actor` under
:data:`ACTOR_KEY` in the session state (a browser cannot set it: it holds an object).
"""

from __future__ import annotations

import streamlit as st

from gis.auth.access import Actor

ACTOR_KEY = "park_actor"


def current_actor() -> Actor | None:
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else None
