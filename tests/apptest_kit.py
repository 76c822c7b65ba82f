"""Helpers shared by the AppTest page tests (the ``store_copy`` fixture is in conftest)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import pytest
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


def markdown_tables(at: AppTest) -> list[pd.DataFrame]:
    """The Markdown tables the run shows (``ui.text.markdown_table``), cells as the reader
    sees them (Markdown escapes undone), as text."""
    tables = []
    for element in at.markdown:
        lines = str(element.value).split("\n")
        if len(lines) < 2 or not re.fullmatch(r"\|(:?-+:?\|)+", lines[1]):
            continue
        rows = [_cells(line) for line in lines[:1] + lines[2:]]
        tables.append(pd.DataFrame(rows[1:], columns=rows[0]))
    return tables


def _cells(line: str) -> list[str]:
    inner = line.strip()[2:-2]  # "| a | b |" -> "a | b"
    cells = re.split(r"(?<!\\) \| ", inner)
    return [re.sub(r"\\(.)", r"\1", cell) for cell in cells]


def counting(monkeypatch: pytest.MonkeyPatch, module, name: str) -> list:
    """Replace ``module.name`` by a wrapper that records each call."""
    calls: list = []
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls
