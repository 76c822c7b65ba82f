"""The empty park map: local Leaflet assets, no tiles by default, house styles.

By default no request leaves the app's origin: there is no tile layer, and the park's
own context layers (river, roads, boundary) give orientation. A tile basemap is an
explicit opt-in (see :data:`BASEMAPS`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from gis.i18n import t
from layers._element import RawScriptMixin, js_json
from layers.assets import AssetUrls

#: Where a map with nothing to draw opens: 莲都区 (Lishui), the park's district.
DEFAULT_CENTER = (28.45, 119.92)  # lat, lon
DEFAULT_ZOOM = 12

#: Fonts that carry Chinese on the park's machines (Debian: fonts-noto-cjk).
FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", '
    '"PingFang SC", sans-serif'
)

MAP_CSS = """
<style>
.leaflet-container { background: #f3f1ea; font-family: $FONTS; }
.park-tip { font-family: $FONTS; font-size: 13px; }
.park-tip table { border-collapse: collapse; }
.park-tip th { text-align: left; font-weight: 600; color: #555; padding: 1px 8px 1px 0; }
.park-tip td { padding: 1px 0; }
.park-legend { background: rgba(255,255,255,0.94); padding: 8px 10px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-family: $FONTS; font-size: 13px;
  line-height: 18px; max-height: 70vh; overflow-y: auto; }
@media (max-width: 800px) {  /* a half-width map: keep the legend from covering it */
  .park-legend { font-size: 11px; line-height: 14px; padding: 5px 7px; max-height: 60vh; }
  .park-swatch { width: 12px; height: 9px; }
}
.park-legend-title { font-weight: 700; margin: 4px 0 2px; }
.park-legend-row { display: flex; align-items: center; gap: 6px; }
.park-swatch { display: inline-block; width: 16px; height: 12px; }
.park-swatch-box { background: var(--c); border: 1px solid #666; }
.park-swatch-outline { border: 2px solid var(--c); height: 9px; }
.park-swatch-line { height: 4px; background: var(--c); }
.park-swatch-dot { width: 10px; height: 10px; border-radius: 50%; background: var(--c);
  border: 1px solid #333; margin: 0 3px; }
.park-legend-note { margin-top: 6px; padding: 2px 6px; color: #b71c1c; font-weight: 700;
  border: 1px solid #b71c1c; border-radius: 4px; text-align: center; }
.park-label { background: none; border: none; white-space: nowrap; font-family: $FONTS;
  transform: translate(-50%, -50%); pointer-events: none; }
.park-label-blocks { font-size: 16px; font-weight: 700; color: #263238;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }
.park-label-parcels { font-size: 11px; color: #212121; text-shadow: 0 0 2px #fff, 0 0 2px #fff; }
.park-hide-parcels .park-label-parcels { display: none; }
.park-hide-blocks .park-label-blocks { display: none; }
.park-label-context { font-size: 13px; color: #0277bd; font-style: italic;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff; }
.park-wheel-hint { position: absolute; inset: 0; z-index: 1001; display: flex;
  align-items: center; justify-content: center; background: rgba(0,0,0,0.4); color: #fff;
  font-family: $FONTS; font-size: 20px; text-shadow: 0 1px 3px rgba(0,0,0,0.6);
  pointer-events: none; opacity: 0; transition: opacity 0.25s; }
.park-wheel-hint.park-wheel-hint-on { opacity: 1; }
</style>
""".replace("$FONTS", FONT_STACK)


class MetricScale(MacroElement):
    """A metric-only scale bar (planners measure in metres)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
L.control.scale({metric: true, imperial: false, maxWidth: 160})
    .addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class WheelGuard(RawScriptMixin, MacroElement):
    """The mouse wheel scrolls the page, not the map, unless Ctrl is held or the map was clicked.

    A map filling most of the page would otherwise swallow every scroll (one gesture took
    zoom 14 to 10). Leaflet's wheel zoom stays off and is switched on for a wheel event with
    Ctrl held, or from a mouse press on the map until the mouse leaves it; a plain wheel
    over the map shows a short hint and scrolls the page.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map, hint) {
  var box = map.getContainer();
  var active = false;  // pressed: the wheel zooms until the mouse leaves the map
  var note = L.DomUtil.create("div", "park-wheel-hint", box);
  note.textContent = hint;
  var timer = null;
  function showHint() {
    note.classList.add("park-wheel-hint-on");
    clearTimeout(timer);
    timer = setTimeout(function () { note.classList.remove("park-wheel-hint-on"); }, 1500);
  }
  function hideHint() { clearTimeout(timer); note.classList.remove("park-wheel-hint-on"); }
  // Capture phase: runs before Leaflet's own wheel handler on the container.
  box.addEventListener("wheel", function (e) {
    if (e.ctrlKey || active) {
      map.scrollWheelZoom.enable();
      hideHint();
    } else {
      map.scrollWheelZoom.disable();
      showHint();
    }
  }, {capture: true, passive: true});
  box.addEventListener("mousedown", function () {
    active = true;
    map.scrollWheelZoom.enable();
    hideHint();
  });
  box.addEventListener("mouseleave", function () {
    active = false;
    map.scrollWheelZoom.disable();
  });
})({{ this._parent.get_name() }}, {{ this.hint_json }});
{% endmacro %}
"""
    )

    def __init__(self, hint: str) -> None:
        super().__init__()
        self._name = "WheelGuard"
        self.hint_json = js_json(hint)


@dataclass(frozen=True)
class Basemap:
    """An optional tile basemap. ``url`` None means no tiles (the offline default)."""

    code: str
    label_zh: str
    label_en: str
    url: str | None = None
    attribution: str = ""
    max_native_zoom: int = 18


BASEMAPS: tuple[Basemap, ...] = (Basemap("none", "无底图(离线)", "None (offline)"),)


def new_map(
    bounds: tuple[float, float, float, float] | None,
    *,
    assets: AssetUrls,
    basemap: Basemap = BASEMAPS[0],
    lang: str = "zh",
) -> folium.Map:
    """An empty map fitted to ``bounds`` (minx, miny, maxx, maxy in lon/lat).

    ``bounds`` None (nothing to fit: an empty park) opens on :data:`DEFAULT_CENTER`.
    Only the vendored Leaflet is loaded: folium's CDN defaults (jQuery, Bootstrap,
    Font Awesome, awesome-markers) are dropped, since no park layer uses them.
    """
    if bounds is not None and not all(math.isfinite(v) for v in bounds):
        raise ValueError(f"map bounds must be finite, got {bounds}")
    if bounds is None:
        location, zoom = list(DEFAULT_CENTER), DEFAULT_ZOOM
    else:
        minx, miny, maxx, maxy = bounds
        location, zoom = [(miny + maxy) / 2, (minx + maxx) / 2], 14
    m = folium.Map(
        location=location,
        zoom_start=zoom,
        tiles=None,
        scroll_wheel_zoom=False,  # see WheelGuard: Ctrl+wheel, or wheel after a click
        prefer_canvas=True,
        control_scale=False,  # folium's scale shows feet too; ours is metric only
        max_zoom=20,
        attribution_control=basemap.url is not None,
    )
    m.default_js = [("leaflet", assets.leaflet_js)]
    m.default_css = [("leaflet_css", assets.leaflet_css)]
    if basemap.url:
        folium.TileLayer(
            basemap.url,
            attr=basemap.attribution,
            name=basemap.code,
            max_native_zoom=basemap.max_native_zoom,
            max_zoom=20,
        ).add_to(m)
    MetricScale().add_to(m)
    WheelGuard(t("map_wheel_hint", lang)).add_to(m)
    m.get_root().header.add_child(Element(MAP_CSS), name="park_css")
    if bounds is not None:
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m
