"""The English map in headless Chromium: a parcel's tooltip names its block in English and
writes units in English (issue #11). Screenshot: /tmp/shots/exports-tooltip.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_kit import choose_selectbox, map_frame, new_page, open_app, wait_legend

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
PARCEL = "D07"
OPEN_TIP_JS = """(code) => {
  const layer = window.parkLayers.parcels.getLayers()
      .find(l => l.feature.properties.c === code);
  layer._map.fitBounds(layer.getBounds(), {maxZoom: 17});
  layer.openTooltip(layer.getBounds().getCenter());
  const tip = document.querySelector('.leaflet-tooltip');
  return tip ? tip.innerText : null;
}"""


def test_english_parcel_tooltip(browser, app_server):
    context, page = new_page(browser, {"width": 1400, "height": 1000})
    try:
        open_app(page, app_server)
        choose_selectbox(page, "语言 / Language", "English")
        wait_legend(page, "Land-sale status")
        frame = map_frame(page, "() => !!(window.parkLayers && window.parkLayers.parcels)")
        frame.evaluate(OPEN_TIP_JS, PARCEL)
        page.wait_for_timeout(800)
        text = frame.evaluate(OPEN_TIP_JS, PARCEL)
        assert text is not None
        assert "Bihu" in text and "碧湖" not in text, text  # the block's English name
        assert "mu" in text and "亩" not in text, text
        page.evaluate("() => document.fonts.ready.then(() => true)")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "exports-tooltip.png"))
    finally:
        context.close()
