"""Helpers shared by the AppTest page tests (the ``store_copy`` fixture is in conftest)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def assert_no_exception(at: AppTest) -> None:
    """The run raised nothing (error messages the page shows on purpose are allowed)."""
    assert not at.exception, [e.value for e in at.exception]


def assert_clean(at: AppTest) -> None:
    """The run raised nothing and showed no error message."""
    assert_no_exception(at)
    assert not at.error, [e.value for e in at.error]


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]
