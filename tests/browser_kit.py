"""Helpers shared by the Chromium tests: pages, the streamlit-folium frame, widgets."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

MAP_TIMEOUT_S = 60
VIEWPORT = {"width": 1600, "height": 1000}
MAP_IFRAME = 'iframe[src*="streamlit_folium"]'
#: URL schemes that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about"}
MAP_READY_JS = "() => !!(window.parkLayers && window.parkLayers.parcels)"


def new_page(browser, viewport: dict | None = None):
    context = browser.new_context(viewport=viewport or VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(MAP_TIMEOUT_S * 1000)
    return context, page


def foreign_requests(urls, app_url: str) -> list[str]:
    """The ``urls`` that leave the app's origin (offline-first: there must be none)."""
    origin = urlsplit(app_url).netloc
    return sorted(
        {
            u
            for u in urls
            if urlsplit(u).scheme not in LOCAL_SCHEMES and urlsplit(u).netloc != origin
        }
    )


def record_foreign_requests(page, app_url: str) -> list[str]:
    """A list that fills with every request ``page`` sends outside the app's origin (and
    every page error): it must stay empty, offline-first."""
    foreign: list[str] = []
    page.on("request", lambda r: foreign.extend(foreign_requests([r.url], app_url)))
    page.on("pageerror", lambda error: foreign.append(f"page error: {error}"))
    return foreign


def map_frame(page, ready_js: str = MAP_READY_JS, timeout_s: float = MAP_TIMEOUT_S):
    """The streamlit-folium frame once ``ready_js`` is true in it.

    A rerun that changes the map replaces the component's iframe, so frames are looked
    up afresh on every poll and the one where the condition holds is returned.
    """
    deadline = time.monotonic() + timeout_s
    last_error = "no streamlit_folium frame yet"
    while True:
        for frame in page.frames:
            if "streamlit_folium" not in frame.url or frame.is_detached():
                continue
            try:
                if frame.evaluate(ready_js):
                    return frame
                last_error = f"{ready_js} is false in {frame.url[:80]}"
            except Exception as exc:  # the frame navigated or detached mid-call
                last_error = f"{type(exc).__name__}: {exc}"
        if time.monotonic() > deadline:
            pytest.fail(f"the map was not ready within {timeout_s:.0f} s: {last_error}")
        page.wait_for_timeout(200)


def wait_legend(page, text: str, timeout_s: float = MAP_TIMEOUT_S):
    """The map frame once its legend contains ``text``."""
    js = (
        f"() => {{ const e = document.querySelector('.park-legend');"
        f" return !!(window.parkLayers && window.parkLayers.parcels && e &&"
        f" e.textContent.includes({text!r})); }}"
    )
    return map_frame(page, js, timeout_s)


def open_app(page, server, path: str = "/"):
    page.goto(server.url + path, wait_until="domcontentloaded")
    return map_frame(page)


def rerun_done(page) -> None:
    """Until the rerun ends: no element of the previous run is left on the page (while a
    rerun runs, the old elements stay, marked stale, beside the new ones)."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")


def choose_selectbox(page, label: str, option: str) -> None:
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    box.get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()


def choose_multiselect(page, label: str, option: str) -> None:
    box = page.get_by_test_id("stMultiSelect").filter(has_text=label)
    box.get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def choose_radio(page, option: str) -> None:
    page.get_by_test_id("stRadio").locator("label").filter(has_text=option).click()


def hex_rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def css_rgb(color: str) -> tuple[int, int, int]:
    """``rgb(r, g, b)`` or ``rgba(...)`` as a tuple."""
    inside = color[color.index("(") + 1 : color.rindex(")")]
    r, g, b = (round(float(v)) for v in inside.split(",")[:3])
    return r, g, b
