"""Helpers shared by the AppTest page tests (the ``store_copy`` fixture is in conftest)."""

from __future__ import annotations

from collections.abc import Iterable

from streamlit.testing.v1 import AppTest

from gis.auth.access import DATA_MANAGER, Actor
from ui.session import ACTOR_KEY


def signed_in(
    at: AppTest, role: str = DATA_MANAGER, *, username: str = "", blocks: Iterable[str] = ()
) -> AppTest:
    """``at`` with a user of ``role`` signed in (as ``tester-<role>`` unless named): every
    page requires one (#13). A browser cannot do this: the actor is an object."""
    name = username or f"tester-{role.replace('_', '-')}"
    at.session_state[ACTOR_KEY] = Actor(name, role, blocks=frozenset(blocks), client="apptest")
    return at


def assert_no_exception(at: AppTest) -> None:
    """The run raised nothing (error messages the page shows on purpose are allowed)."""
    assert not at.exception, [e.value for e in at.exception]


def assert_clean(at: AppTest) -> None:
    """The run raised nothing and showed no error message."""
    assert_no_exception(at)
    assert not at.error, [e.value for e in at.error]


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]
