"""The map first (ui/first_paint.py, #15): a browser session opening on the 一张图 page gets
its map, a pause, then the map's controls and the sidebar; nothing else is reordered."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gis import vocabulary
from gis.i18n import t
from tests.apptest_kit import assert_clean, signed_in
from ui import first_paint, mapview

APP = Path(__file__).resolve().parent.parent / "app.py"
TIMEOUT = 60
#: Widget keys of the map's controls and the sidebar's pickers.
WATCHED = ("map_field", "map_blocks", "lang", "as_of")


@pytest.fixture
def pauses(monkeypatch) -> list[dict]:
    """Each pause of a run: its length, how many maps the session had been sent by then,
    and which watched widgets the run had made."""
    seen: list[dict] = []
    maps_sent = []
    show = mapview.show

    def counted_show(*args, **kwargs):
        maps_sent.append(1)
        return show(*args, **kwargs)

    def pause(seconds: float) -> None:
        made = {key: key in st.session_state for key in WATCHED}
        seen.append({"seconds": seconds, "maps": len(maps_sent), **made})

    monkeypatch.setattr(mapview, "show", counted_show)
    monkeypatch.setattr(first_paint, "_pause", pause)
    return seen


def _app(browser: bool, monkeypatch) -> AppTest:
    monkeypatch.setattr(first_paint, "has_browser", lambda: browser)
    return signed_in(AppTest.from_file(str(APP), default_timeout=TIMEOUT))


def _page(at: AppTest) -> list[tuple[str, str]]:
    """What a run shows, in order: element type and value or label, sidebar then main."""
    shown = []
    for root in (at.sidebar, at.main):
        for element in root:
            value = getattr(element, "value", None)
            label = getattr(element, "label", None)
            shown.append((type(element).__name__, str(label if label is not None else value)))
    return shown


def test_a_browser_sessions_first_run_sends_the_map_before_controls_and_sidebar(
    store_copy, monkeypatch, pauses
):
    at = _app(True, monkeypatch)
    at.run()
    assert_clean(at)
    # One pause, after the map was made and before its controls and the sidebar's pickers.
    assert pauses == [
        {
            "seconds": first_paint.PAUSE_S,
            "maps": 1,
            "map_field": False,
            "map_blocks": False,
            "lang": False,
            "as_of": True,  # seeded before the page: the map is drawn as of that date
        }
    ]
    # Then the whole page, exactly as a run without a browser shows it.
    plain = _app(False, monkeypatch)
    plain.run()
    assert _page(at) == _page(plain)
    assert at.radio(key="map_field").value == "sale_status"
    assert at.selectbox(key="lang").value == "zh"
    assert at.date_input(key="as_of").value == plain.date_input(key="as_of").value


def test_later_runs_and_changes_never_pause(store_copy, monkeypatch, pauses):
    at = _app(True, monkeypatch)
    at.run()
    at.run()
    at.radio(key="map_field").set_value("construction_status").run()
    assert_clean(at)
    assert len(pauses) == 1  # the first run's only
    assert at.radio(key="map_field").value == "construction_status"
    assert at.selectbox(key="lang").value == "zh"


def test_runs_without_a_browser_are_not_reordered(store_copy, monkeypatch, pauses):
    at = _app(False, monkeypatch)
    at.run()
    assert_clean(at)
    assert pauses == []
    assert at.radio(key="map_field").value == "sale_status"


def test_a_session_opening_on_another_page_never_pauses(store_copy, monkeypatch, pauses):
    at = _app(True, monkeypatch)
    at.switch_page("pages/views/parcels.py").run()
    at.switch_page("pages/views/map.py").run()
    assert_clean(at)
    assert pauses == []
    assert at.radio(key="map_field").value == "sale_status"
    assert at.selectbox(key="lang").value == "zh"


def test_the_first_runs_sidebar_is_the_next_runs(store_copy, monkeypatch, pauses):
    """The sidebar shown after the map is the same widgets as later runs' (Streamlit names a
    widget after the script that makes it): a choice made in it right away is kept."""
    at = _app(True, monkeypatch)
    at.run()
    assert len(pauses) == 1
    first_ids = (at.selectbox(key="lang").id, at.date_input(key="as_of").id)
    at.run()
    assert (at.selectbox(key="lang").id, at.date_input(key="as_of").id) == first_ids
    at.selectbox(key="lang").set_value("en").run()
    assert_clean(at)
    assert at.header[0].value == t("map_heading", "en")
    assert at.radio(key="map_field").options[0] == vocabulary.field_label("sale_status", "en")
