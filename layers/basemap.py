"""The empty park map: local Leaflet assets, no tiles by default, house styles.

By default no request leaves the app's origin: there is no tile layer, and the park's
own context layers (river, roads, boundary) give orientation. Configured basemaps
(:mod:`gis.basemap.sources`: 天地图, an XYZ/WMTS service, a local tiles file) are offered as base
layers of the layer control, "no basemap" chosen, so tiles are only requested once a
user picks one (#18).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import folium
from branca.element import Element, MacroElement
from folium.map import Layer
from jinja2 import Template

from gis.basemap.sources import NO_BASEMAP, Basemap
from gis.i18n import t
from layers._element import RawScriptMixin, js_json
from layers.assets import AssetUrls

#: Where a map with nothing to draw opens: 莲都区 (Lishui), the park's district.
DEFAULT_CENTER = (28.45, 119.92)  # lat, lon
DEFAULT_ZOOM = 12
MAX_ZOOM = 20

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
  pointer-events: none; }
.park-label > span { display: inline-block; transform: translate(-50%, -50%); }
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


#: The basemaps (models in :mod:`gis.basemap.sources`): none unless an administrator configures one.
BASEMAPS: tuple[Basemap, ...] = (NO_BASEMAP,)

BASEMAP_CSS = """
<style>
.park-basemap-note { background: rgba(255,255,255,0.95); color: #b71c1c; font-family: $FONTS;
  font-size: 13px; padding: 3px 8px; border: 1px solid #b71c1c; border-radius: 4px;
  max-width: 360px; }
</style>
""".replace("$FONTS", FONT_STACK)


def basemap_label(basemap: Basemap, lang: str) -> str:
    """The layer control's text: the name, and whether it needs the network or is a file."""
    if basemap.kind == "none":
        return t("bm_none", lang)
    key = "bm_remote_label" if basemap.kind == "remote" else "bm_local_label"
    return t(key, lang, name=basemap.label(lang))


class BasemapLayer(RawScriptMixin, Layer):
    """One basemap as a base layer of the layer control: a group of tile layers (天地图's
    map and its annotation layer), or an empty group for "no basemap".

    Leaflet writes layer names and attributions into the page as HTML, so both are
    escaped here; URLs and options reach the script as JSON.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.layerGroup(({{ this.tiles_json }}).map(function (o) {
  return L.tileLayer(o.url, o.options);
}));
{% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
{% endmacro %}
"""
    )

    def __init__(self, basemap: Basemap, *, lang: str, show: bool) -> None:
        super().__init__(name=html.escape(basemap_label(basemap, lang)), overlay=False, show=show)
        self._name = "BasemapLayer"
        self.basemap = basemap
        tiles = []
        for n, layer in enumerate(basemap.layers):
            options: dict = {
                "maxNativeZoom": layer.max_native_zoom,
                "minNativeZoom": layer.min_zoom,
                "maxZoom": MAX_ZOOM,
            }
            if layer.subdomains:
                options["subdomains"] = list(layer.subdomains)
            if n == 0 and basemap.attribution:
                options["attribution"] = html.escape(basemap.attribution)
            tiles.append({"url": layer.url, "options": options})
        self.tiles_json = js_json(tiles)


class BasemapWatch(RawScriptMixin, MacroElement):
    """Says on the map when the chosen basemap's service cannot be reached (the parcels are
    drawn regardless), and exposes the basemaps as ``window.parkBasemaps`` for tests."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map, layers, texts) {
  var box = L.DomUtil.create("div", "park-basemap-note");
  box.style.display = "none";
  var note = L.control({position: "bottomleft"});
  note.onAdd = function () { return box; };
  note.addTo(map);
  var state = {}, active = null;
  window.parkBasemaps = layers;
  function refresh() {
    var s = active && state[active];
    if (s && s.bad > 0 && s.ok === 0) {
      box.textContent = texts[active];
      box.style.display = "";
    } else {
      box.style.display = "none";
    }
  }
  Object.keys(layers).forEach(function (code) {
    state[code] = {ok: 0, bad: 0};
    if (map.hasLayer(layers[code])) { active = code; }
    layers[code].eachLayer(function (tiles) {
      tiles.on("tileload", function () { state[code].ok += 1; refresh(); });
      tiles.on("tileerror", function () { state[code].bad += 1; refresh(); });
    });
  });
  map.on("baselayerchange", function (e) {
    Object.keys(layers).forEach(function (code) {
      if (layers[code] === e.layer) { active = code; }
    });
    refresh();
  });
})({{ this._parent.get_name() }}, {{ this.layers_js }}, {{ this.texts_json }});
{% endmacro %}
"""
    )

    def __init__(self, layers: Sequence[BasemapLayer], *, lang: str) -> None:
        super().__init__()
        self._name = "BasemapWatch"
        # Codes are the model's own identifiers (none, tianditu_vec, service, file …).
        self.layers_js = (
            "{" + ",".join(f"{js_json(x.basemap.code)}: {x.get_name()}" for x in layers) + "}"
        )
        texts = {
            x.basemap.code: t(
                "bm_unavailable", lang, host=", ".join(x.basemap.hosts[:1]) or x.basemap.label(lang)
            )
            for x in layers
        }
        self.texts_json = js_json(texts)


def new_map(
    bounds: tuple[float, float, float, float] | None,
    *,
    assets: AssetUrls,
    basemaps: Sequence[Basemap] = BASEMAPS,
    lang: str = "zh",
) -> folium.Map:
    """An empty map fitted to ``bounds`` (minx, miny, maxx, maxy in lon/lat).

    ``basemaps`` beyond :data:`gis.basemap.sources.NO_BASEMAP` become base layers of the layer
    control, "no basemap" chosen: no tile is requested until a user picks another one.

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
        max_zoom=MAX_ZOOM,
        attribution_control=len(basemaps) > 1,
    )
    m.default_js = [("leaflet", assets.leaflet_js)]
    m.default_css = [("leaflet_css", assets.leaflet_css)]
    if len(basemaps) > 1:
        layers = [
            BasemapLayer(b, lang=lang, show=b.code == NO_BASEMAP.code).add_to(m) for b in basemaps
        ]
        BasemapWatch(layers, lang=lang).add_to(m)
        m.get_root().header.add_child(Element(BASEMAP_CSS), name="park_basemap_css")
    MetricScale().add_to(m)
    WheelGuard(t("map_wheel_hint", lang)).add_to(m)
    m.get_root().header.add_child(Element(MAP_CSS), name="park_css")
    if bounds is not None:
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m
