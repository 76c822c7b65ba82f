"""Uncaught errors reach the user as a notice with an incident number, never as a traceback."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gis.i18n import t
from tests.apptest_kit import signed_in

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
RUN_TIMEOUT = 60
#: A message that names a server file, as real exceptions often do.
SECRET = f"cannot open {ROOT}/gis/secret_internal.py"
INCIDENT_RE = re.compile(r"\b([0-9A-F]{8})\b")


def _everything_shown(at: AppTest) -> str:
    """All text of every element of the run (main area and sidebar)."""
    parts = []
    for node in [*at.main, *at.sidebar]:
        parts.append(repr(getattr(node, "proto", node)))
    return "\n".join(parts)


def _boom(*args, **kwargs):
    raise RuntimeError(SECRET)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_error_in_a_page_shows_an_incident_number_not_a_traceback(
    store_copy, monkeypatch, caplog, lang
):
    # The map page (the default page) fails while building its map.
    monkeypatch.setattr("ui.mapview.park_map", _boom)
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT))
    if lang == "en":
        at.session_state["ui_lang"] = "en"
    with caplog.at_level(logging.ERROR, logger="park.incident"):
        at.run(timeout=RUN_TIMEOUT)

    assert not at.exception, "Streamlit's exception element (with its traceback) was shown"
    errors = [str(e.value) for e in at.error]
    assert len(errors) == 1, errors
    match = INCIDENT_RE.search(errors[0])
    assert match, errors[0]
    incident = match.group(1)
    assert errors[0] == t("incident", lang, id=incident)
    shown = _everything_shown(at)
    for leak in ("Traceback", "RuntimeError", "secret_internal", str(ROOT), ".py"):
        assert leak not in shown, f"{leak!r} reached the browser"
    # The page drew what it could before the error, and the sidebar is intact.
    assert t("map_heading", lang) in [h.value for h in at.header]
    assert at.selectbox(key="lang").value == lang

    # The server log has the incident number with the details and the traceback.
    records = [r for r in caplog.records if r.name == "park.incident"]
    assert len(records) == 1
    logged = caplog.text
    assert incident in logged
    assert "RuntimeError" in logged and "secret_internal" in logged
    assert "Traceback" in logged and "_boom" in logged


def test_each_incident_gets_its_own_number(store_copy, monkeypatch, caplog):
    monkeypatch.setattr("ui.mapview.park_map", _boom)
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT))
    at.run(timeout=RUN_TIMEOUT)
    first = INCIDENT_RE.search(at.error[0].value).group(1)
    at.run(timeout=RUN_TIMEOUT)
    second = INCIDENT_RE.search(at.error[0].value).group(1)
    assert first != second


def _control_flow_script():
    import streamlit as st

    from ui.errors import incident_guard

    with incident_guard(lambda: "en"):
        st.session_state["runs"] = st.session_state.get("runs", 0) + 1
        if st.session_state["runs"] == 1:
            st.rerun()
        st.markdown(f"run {st.session_state['runs']}")
        st.stop()
        st.markdown("after stop")


def test_rerun_and_stop_pass_through_the_guard():
    at = AppTest.from_function(_control_flow_script, default_timeout=RUN_TIMEOUT)
    at.run(timeout=RUN_TIMEOUT)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert [m.value for m in at.markdown] == ["run 2"]


def test_streamlit_shows_no_error_details_for_what_escapes_the_guard():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
