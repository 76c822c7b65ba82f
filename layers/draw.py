"""A small, offline drawing control, and the per-view map settings of the meeting page.

folium's Draw plugin loads Leaflet.draw from a CDN, which the offline app cannot do, so
this is our own: a Leaflet control with Point / Line / Polygon buttons. Click to add
vertices; double-click or "Finish" ends a line or polygon; "Undo point" and "Cancel" help
along. The finished shape is the only layer of ``window.drawnItems`` (an
``L.FeatureGroup``) and the control fires ``draw:created`` on the map, which
streamlit-folium answers by returning ``all_drawings`` to Python. Editing an annotation
means drawing its new shape and saving it over the old one.

Every text is set with ``textContent``; the labels travel as JSON data (``js_json``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from branca.element import MacroElement
from jinja2 import Template

from gis.i18n import t
from layers._element import RawScriptMixin, js_json

SKETCH_COLOR = "#ff6d00"

DRAW_CSS = """
.park-draw { background: rgba(255,255,255,0.96); border-radius: 6px; padding: 4px 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.35); font-size: 14px; max-width: 260px; }
.park-draw-title { font-weight: 700; margin: 0 0 4px; }
.park-draw-row { display: flex; flex-wrap: wrap; gap: 4px; }
.park-draw button { font: inherit; padding: 3px 8px; border: 1px solid #90a4ae;
  border-radius: 4px; background: #fff; cursor: pointer; }
.park-draw button.active { background: #ff6d00; color: #fff; border-color: #e65100; }
.park-draw button[hidden] { display: none; }
.park-draw-status { margin-top: 4px; color: #37474f; font-size: 13px; min-height: 1em; }
.park-drawing, .park-drawing .leaflet-interactive { cursor: crosshair !important; }
"""

PRESENT_CSS = """
.park-legend { font-size: 18px !important; line-height: 24px !important;
  max-height: calc(100vh - 140px) !important; }
.park-legend-title { font-size: 20px; }
.park-swatch { width: 24px !important; height: 17px !important; }
.park-swatch-dot { width: 15px !important; height: 15px !important; }
.park-legend-note { font-size: 18px; }
.park-label-blocks { font-size: 24px !important; }
.park-label-parcels { font-size: 15px !important; font-weight: 600; }
.park-label-context { font-size: 18px !important; }
.park-tip { font-size: 18px !important; }
.leaflet-control-layers { display: none; }
.leaflet-control-scale-line { font-size: 15px; border-width: 3px; }
.park-draw { font-size: 17px; }
"""


class DrawControl(RawScriptMixin, MacroElement):
    """The sketch control (top right, under the layer control). ``window.drawnItems`` holds the finished sketch."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var cfg = {{ this.config_json }};
  var style = document.createElement("style");
  style.textContent = cfg.css;
  document.head.appendChild(style);
  var drawnItems = L.featureGroup().addTo(map);
  window.drawnItems = drawnItems;
  var lineStyle = {color: cfg.color, weight: 4, opacity: 1, fillColor: cfg.color,
                   fillOpacity: 0.25, interactive: false};
  var mode = null, points = [], sketch = null, guide = null, vertices = L.layerGroup().addTo(map);
  var minPoints = {line: 2, polygon: 3};
  var buttons = {}, status = null, control = L.control({position: "topright"});

  control.onAdd = function () {
    var box = L.DomUtil.create("div", "park-draw leaflet-bar");
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    L.DomUtil.create("div", "park-draw-title", box).textContent = cfg.labels.title;
    var row = L.DomUtil.create("div", "park-draw-row", box);
    [["point", cfg.labels.point], ["line", cfg.labels.line], ["polygon", cfg.labels.polygon],
     ["finish", cfg.labels.finish], ["undo", cfg.labels.undo], ["cancel", cfg.labels.cancel]]
      .forEach(function (item) {
        var b = L.DomUtil.create("button", "park-draw-" + item[0], row);
        b.type = "button";
        b.textContent = item[1];
        b.setAttribute("data-action", item[0]);
        L.DomEvent.on(b, "click", function (e) { L.DomEvent.stop(e); act(item[0]); });
        buttons[item[0]] = b;
      });
    status = L.DomUtil.create("div", "park-draw-status", box);
    refresh();
    return box;
  };

  function refresh() {
    ["point", "line", "polygon"].forEach(function (m) {
      buttons[m].classList.toggle("active", mode === m);
    });
    buttons.finish.hidden = !(mode === "line" || mode === "polygon");
    buttons.undo.hidden = !(mode === "line" || mode === "polygon") || points.length === 0;
    buttons.cancel.hidden = !mode;
    map.getContainer().classList.toggle("park-drawing", !!mode);
  }
  function say(text) { if (status) { status.textContent = text || ""; } }
  function clearWork() {
    points = [];
    vertices.clearLayers();
    if (sketch) { map.removeLayer(sketch); sketch = null; }
    if (guide) { map.removeLayer(guide); guide = null; }
  }
  function start(m) {
    clearWork();
    mode = m;
    map.doubleClickZoom.disable();
    say(cfg.labels["hint_" + m]);
    refresh();
  }
  function stop() {
    clearWork();
    mode = null;
    map.doubleClickZoom.enable();
    refresh();
  }
  function redraw() {
    vertices.clearLayers();
    points.forEach(function (p) {
      vertices.addLayer(L.circleMarker(p, {radius: 5, color: cfg.color, weight: 2,
        fillColor: "#fff", fillOpacity: 1, interactive: false}));
    });
    if (sketch) { map.removeLayer(sketch); sketch = null; }
    if (points.length >= 2) {
      sketch = (mode === "polygon" ? L.polygon(points, lineStyle) : L.polyline(points, lineStyle))
        .addTo(map);
    }
    refresh();
  }
  function emit(layer, type) {
    drawnItems.clearLayers();
    drawnItems.addLayer(layer);
    map.fire("draw:created", {layer: layer, layerType: type});
    say(cfg.labels.done);
  }
  function finish() {
    if (mode !== "line" && mode !== "polygon") { return; }
    if (points.length < minPoints[mode]) {
      say(cfg.labels.need_more.replace("{n}", String(minPoints[mode])));
      return;
    }
    var type = mode, latlngs = points.slice();
    stop();
    var layer = type === "polygon" ? L.polygon(latlngs, lineStyle) : L.polyline(latlngs, lineStyle);
    emit(layer, type === "polygon" ? "polygon" : "polyline");
  }
  function act(action) {
    if (action === "finish") { finish(); }
    else if (action === "undo") { points.pop(); redraw(); }
    else if (action === "cancel") { stop(); say(""); }
    else if (mode === action) { stop(); say(""); }
    else { start(action); }
  }
  function near(a, b) {
    return map.latLngToContainerPoint(a).distanceTo(map.latLngToContainerPoint(b)) < 5;
  }

  map.on("click", function (e) {
    if (!mode) { return; }
    if (mode === "point") {
      stop();
      emit(L.circleMarker(e.latlng, {radius: 8, color: cfg.color, weight: 3,
        fillColor: cfg.color, fillOpacity: 0.6, interactive: false}), "marker");
      return;
    }
    // The two clicks of a double-click land on one spot: keep one vertex.
    if (points.length && near(points[points.length - 1], e.latlng)) { return; }
    points.push(e.latlng);
    redraw();
  });
  map.on("dblclick", function (e) {
    if (mode === "line" || mode === "polygon") { L.DomEvent.stop(e); finish(); }
  });
  map.on("mousemove", function (e) {
    if (!(mode === "line" || mode === "polygon") || !points.length) { return; }
    var path = [points[points.length - 1], e.latlng];
    if (mode === "polygon" && points.length >= 2) { path.push(points[0]); }
    if (guide) { guide.setLatLngs(path); }
    else {
      guide = L.polyline(path, {color: cfg.color, weight: 2, dashArray: "4 4",
                                interactive: false}).addTo(map);
    }
  });
  map.getContainer().addEventListener("keydown", function (e) {
    if (!mode) { return; }
    if (e.key === "Escape") { stop(); say(""); }
    else if (e.key === "Enter") { finish(); }
  });
  control.addTo(map);
  window.parkDraw = {start: start, finish: finish, cancel: stop,
                     mode: function () { return mode; },
                     points: function () { return points.length; }};
})();
{% endmacro %}
"""
    )

    def __init__(self, *, lang: str) -> None:
        super().__init__()
        self._name = "DrawControl"
        labels = {
            key: t(f"mtg_draw_{key}", lang)
            for key in (
                "title",
                "point",
                "line",
                "polygon",
                "finish",
                "undo",
                "cancel",
                "hint_point",
                "hint_line",
                "hint_polygon",
                "done",
            )
        }
        labels["need_more"] = t("mtg_draw_need_more", lang, n="{n}")
        self.config_json = js_json({"labels": labels, "color": SKETCH_COLOR, "css": DRAW_CSS})


#: Layers a view shows and hides with another: a district's grid sums its parcels.
FOLLOWERS = {"aggregate": "parcels"}


class ViewSettings(RawScriptMixin, MacroElement):
    """Shows exactly the ``layers`` of a saved view, and large type when ``present``.

    Park layers register themselves in ``window.parkLayers[key]``; each is added to the map
    inside a feature group, which is what is shown or hidden here (the layer control's
    checkboxes follow). Runs once the map is ready, after every layer has been added.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var cfg = {{ this.config_json }};
  if (cfg.css) {
    var style = document.createElement("style");
    style.textContent = cfg.css;
    document.head.appendChild(style);
    map.getContainer().classList.add("park-present");
  }
  function apply() {
    // Each park layer's feature group (layers/_element.py), whether or not its features
    // have arrived: a layer fetched later stays hidden and is not fetched at all.
    var groups = window.parkGroups || {};
    cfg.known.forEach(function (key) {
      var g = groups[key];
      if (!g) { return; }
      var want = cfg.visible.indexOf(key) !== -1;
      if (want && !map.hasLayer(g)) { map.addLayer(g); }
      if (!want && map.hasLayer(g)) { map.removeLayer(g); }
    });
  }
  setTimeout(apply, 0);
})();
{% endmacro %}
"""
    )

    def __init__(self, *, visible: Sequence[str], known: Sequence[str], present: bool) -> None:
        super().__init__()
        self._name = "ViewSettings"
        self.config_json = js_json(
            {
                "visible": [*visible, *(f for f, lead in FOLLOWERS.items() if lead in visible)],
                "known": [*known, *(f for f, lead in FOLLOWERS.items() if lead in known)],
                "css": PRESENT_CSS if present else "",
            }
        )


class ViewFit(RawScriptMixin, MacroElement):
    """Fits the map to ``bounds`` (minx, miny, maxx, maxy in lon/lat) when it is drawn.

    For a view without a centre of its own: the map shows the view's blocks. ``token``
    is part of the script, so a new token makes streamlit-folium draw the map afresh (and
    fit again) even when nothing else changed, e.g. when such a view is applied again
    after a pan. The last fitted bounds are kept in ``window.parkViewFit`` for tests.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var cfg = {{ this.config_json }};
  map.fitBounds(cfg.bounds);
  window.parkViewFit = cfg;
})();
{% endmacro %}
"""
    )

    def __init__(self, bounds: Sequence[float], *, token: int = 0) -> None:
        super().__init__()
        self._name = "ViewFit"
        self._id = f"t{int(token)}"  # stable: the same fit renders the same script
        minx, miny, maxx, maxy = (float(v) for v in bounds)
        if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
            # A park with nothing drawn has no bounds: add no fit (the map keeps the
            # place layers.parkmap.map_bounds opened it on), never NaN in the script.
            raise ValueError(f"ViewFit needs finite bounds, got {tuple(bounds)!r}")
        self.config_json = js_json({"bounds": [[miny, minx], [maxy, maxx]], "token": int(token)})
