"""The one folium element every park layer is drawn with, and its compact GeoJSON.

Why not ``folium.GeoJson``: it ships every attribute, full-precision coordinates and a
per-feature style, and builds tooltips as HTML strings. Here a layer ships only the
attributes its tooltip needs (short keys, lookups sent once), coordinates rounded to
1e-6° (≈ 0.1 m), styles computed in the browser from a palette, and tooltips built
with ``textContent`` so text from the data can never become markup.
"""

from __future__ import annotations

import json
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from gis.crs import to_display
from layers import payloads

#: Decimal places kept in coordinates: 1e-6° is about 0.1 m at 28°N.
COORD_DECIMALS = 6
#: Layers with more features than this are fetched as a file (:mod:`layers.payloads`)
#: instead of riding inside the map's HTML, sent again on every page load; the sample
#: park (at most 424 features a layer) stays inline.
INLINE_MAX_FEATURES = 500
_RAGGED_TYPES = {
    shapely.GeometryType.POINT: "Point",
    shapely.GeometryType.LINESTRING: "LineString",
    shapely.GeometryType.POLYGON: "Polygon",
    shapely.GeometryType.MULTIPOINT: "MultiPoint",
    shapely.GeometryType.MULTILINESTRING: "MultiLineString",
    shapely.GeometryType.MULTIPOLYGON: "MultiPolygon",
}


def js_json(value: Any) -> str:
    """JSON safe to embed in a ``<script>`` that templating code may still scan.

    ``<``, ``>`` and ``&`` are escaped so text cannot close the script tag; ``{{``, ``{%``
    and ``{#`` (which compact JSON only produces inside strings) are escaped so no
    template engine on the way — branca's or streamlit-folium's — can read data as code.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _SCRIPT_ESCAPES:
        text = text.replace(raw, escaped)
    return text


_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("{{", "{\\u007b"),
    ("{%", "{\\u0025"),
    ("{#", "{\\u0023"),
)


def encode_features(gdf: gpd.GeoDataFrame, properties: pd.DataFrame) -> str:
    """A GeoJSON FeatureCollection string of ``gdf``'s geometries in EPSG:4326.

    ``properties`` (same length and order as ``gdf``) becomes each feature's properties;
    keep it to what the browser needs.
    """
    if len(gdf) != len(properties):
        raise ValueError(f"{len(gdf)} geometries but {len(properties)} property rows")
    geoms = to_display(gdf).geometry.to_numpy()
    coords = shapely.get_coordinates(geoms)
    rounded = shapely.set_coordinates(geoms.copy(), np.round(coords, COORD_DECIMALS))
    geometry_json = shapely.to_geojson(rounded)
    records = properties.to_dict(orient="records")
    features = [
        f'{{"type":"Feature","geometry":{g},"properties":{js_json(p)}}}'
        for g, p in zip(geometry_json, records, strict=True)
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


#: Geometry type ids that share one ragged array: points, lines, polygons (with multi).
_FAMILIES = ({0, 4}, {1, 5}, {3, 6})


def _one_family(gdf: gpd.GeoDataFrame) -> bool:
    """True when ``gdf``'s drawable geometries fit one ragged array (:func:`encode_compact`)."""
    kinds = set(np.unique(shapely.get_type_id(gdf.geometry.to_numpy()))) - {-1}
    return any(kinds <= family for family in _FAMILIES)


def encode_compact(gdf: gpd.GeoDataFrame, properties: pd.DataFrame) -> str | None:
    """``gdf``'s features in the compact form the browser decodes (``parkOneMap.decode``), or
    None when their geometry types cannot share one ragged array (then use GeoJSON).

    Coordinates are integer steps of 1e-6° (:data:`COORD_DECIMALS`), each from the one
    before, and shapely's ragged-array offsets say where rings, parts and features begin;
    properties are columns. A 50,000-parcel layer is a fifth of its GeoJSON before gzip.
    Rows without a drawable geometry are left out, as GeoJSON's null geometries are not drawn.
    """
    if len(gdf) != len(properties):
        raise ValueError(f"{len(gdf)} geometries but {len(properties)} property rows")
    geoms = to_display(gdf).geometry.to_numpy()
    drawn = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    try:
        kind, coords, offsets = shapely.to_ragged_array(geoms[drawn])
    except ValueError:  # mixed families (points beside polygons)
        return None
    scale = 10**COORD_DECIMALS
    ints = np.round(coords * scale).astype(np.int64)
    origin = ints[0] if len(ints) else np.zeros(2, dtype=np.int64)
    steps = np.diff(ints, axis=0, prepend=origin[None, :])
    props = properties[drawn].astype(object)
    props = props.where(props.notna(), None)
    payload = {
        "type": _RAGGED_TYPES[kind],
        "n": int(drawn.sum()),
        "q": scale,
        "origin": origin.tolist(),
        "coords": steps.ravel().tolist(),
        "offsets": [o.tolist() for o in offsets],
        "props": {str(c): props[c].tolist() for c in props.columns},
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class _RawText(Element):
    """Text placed in the page as it is: never compiled as a Jinja template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class RawScriptMixin:
    """Render the element's ``script`` macro into the page without a second Jinja pass.

    branca wraps each rendered script in ``Element(text)``, which compiles the text as a
    template: data such as a firm named ``{{ 7*7 }}`` would be evaluated on the server
    and ``{%`` would break the map. This keeps data as data (and skips a costly compile
    of megabytes of GeoJSON).
    """

    def render(self, **kwargs: Any) -> None:
        script = self._template.module.script(self, kwargs)  # type: ignore[attr-defined]
        self.get_root().script.add_child(_RawText(script), name=self.get_name())  # type: ignore[attr-defined]


class ParkGeoJson(RawScriptMixin, folium.map.Layer):
    """A GeoJSON layer drawn on the canvas, styled and labelled in the browser.


    ``spec`` (JSON-serialisable) drives the browser side:

    - ``key``: name under ``window.parkLayers`` (tests count features there);
    - ``fill`` / ``stroke`` / ``weight`` / ``opacity`` / ``fillOpacity`` / ``dash``
      / ``radius``: Leaflet path options; ``by`` names an integer property that indexes
      ``colors`` (fill, ``fallback`` when out of range), ``strokes`` and ``weights``;
    - ``tooltip``: rows ``[label, property, lookup-name or null, suffix]``, with
      ``lookups`` the tables the rows refer to;
    - ``label`` + ``labelMinZoom``: a property shown as a text label at the feature's
      centre from that zoom on;
    - ``interactive``: false for context layers that must not catch the mouse;
    - ``fade``: ``{belowZoom, opacity, fillOpacity, keep}`` draws the layer faint below
      that zoom, except features whose ``keep`` property is truthy;
    - ``minZoom`` / ``maxZoom``: the layer is shown from ``minZoom`` and below ``maxZoom``
      only (a district's parcels from close up, their aggregate from afar); its features
      are created the first time it is shown;
    - ``outlineMinZoom``: outlines are drawn from that zoom on (below it, fills only);
    - ``viewLabels``: with ``label``, labels only for the features in view (a district's
      50,000 codes would be 50,000 DOM nodes).

    ``source`` (instead of ``data``) names a file published by :mod:`layers.payloads`,
    fetched and decoded in the browser. ``window.parkLayers[key]`` is set once the
    features exist, and ``window.parkMapDrawn`` once every layer the map shows at its
    zoom has them.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = parkOneMap.geoJsonLayer(
    {{ this._parent.get_name() }}, {{ this.spec_json }}, {{ this.data }}, {{ this.source_json }});
{% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
{% endmacro %}
"""
    )

    def __init__(
        self,
        data: str,
        *,
        name: str,
        spec: dict[str, Any],
        show: bool = True,
        control: bool = True,
        source: str | None = None,
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "ParkGeoJson"
        self.data = data
        self.spec_json = js_json(spec)
        self.source_json = js_json(source)

    @classmethod
    def of(
        cls,
        gdf: gpd.GeoDataFrame,
        properties: pd.DataFrame,
        *,
        name: str,
        spec: dict[str, Any],
        show: bool = True,
        control: bool = True,
    ) -> ParkGeoJson:
        """The layer of ``gdf``'s features with ``properties``: inline GeoJSON up to
        :data:`INLINE_MAX_FEATURES` features, else a compact file the browser fetches
        (:func:`encode_compact`, :mod:`layers.payloads`)."""
        if len(gdf) <= INLINE_MAX_FEATURES or not _one_family(gdf):
            data = encode_features(gdf, properties)
            return cls(data, name=name, spec=spec, show=show, control=control)
        layer = cls("null", name=name, spec=spec, show=show, control=control)
        # Kept, not copied: layers are built from frames no one modifies (ui.shell.frames).
        token = payloads.publish_later(lambda: encode_compact(gdf, properties) or "null", layer)
        layer.source_json = js_json(token)
        return layer


class MapHelpers(RawScriptMixin, MacroElement):
    """Defines ``window.parkOneMap``: the browser-side builder used by every layer.

    Added to the map before any layer. It is a script element (not header markup),
    because streamlit-folium inserts the header with ``innerHTML``, which does not run
    scripts. ``data_base`` is where published layers are fetched from (same origin);
    ``load_error`` is shown on the map if one cannot be fetched.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
window.parkOneMap = window.parkOneMap || (function () {
  function text(value) { return value === null || value === undefined ? "" : String(value); }
  function tip(spec, p) {
    var table = document.createElement("table");
    spec.tooltip.forEach(function (row) {
      var raw = p[row[1]];
      var value = row[2] ? (spec.lookups[row[2]] || [])[raw] : raw;
      if (value === null || value === undefined || value === "") { return; }
      var tr = table.insertRow();
      var th = document.createElement("th");
      th.textContent = row[0];
      tr.appendChild(th);
      tr.insertCell().textContent = text(value) + (row[3] || "");
    });
    return table;
  }
  function style(spec, f, faded, zoom) {
    var i = spec.by ? f.properties[spec.by] : null;
    var fill = spec.colors ? spec.colors[i] || spec.fallback : spec.fill;
    var stroke = spec.strokes ? spec.strokes[i] || spec.stroke : spec.stroke;
    var weight = spec.weights ? spec.weights[i] || spec.weight : spec.weight;
    if (spec.outlineMinZoom && zoom < spec.outlineMinZoom) { weight = 0; }
    var fade = faded && !(spec.fade.keep && f.properties[spec.fade.keep]);
    return {color: stroke, weight: weight, opacity: fade ? spec.fade.opacity : spec.opacity,
            fillColor: fill, fillOpacity: fade ? spec.fade.fillOpacity : spec.fillOpacity,
            fill: spec.fillOpacity > 0, dashArray: spec.dash || null,
            interactive: spec.interactive !== false};
  }
  function labelPosition(l) {
    // Computed before the layer is on the map, so no getCenter() (it needs a projection).
    if (l.getLatLng) { return l.getLatLng(); }
    if (l instanceof L.Polygon) { return l.getBounds().getCenter(); }
    var points = L.LineUtil.isFlat(l.getLatLngs()) ? l.getLatLngs() : l.getLatLngs()[0];
    return points[Math.floor(points.length / 2)];
  }
  function labelMarker(spec, f, l) {
    var icon = L.divIcon({className: "park-label park-label-" + spec.key, html: "",
                          iconSize: null});
    var marker = L.marker(labelPosition(l), {icon: icon, interactive: false, keyboard: false});
    marker.on("add", function () {
      // The text in an inner span, which the stylesheet centres on the point: Leaflet
      // positions the marker element with a transform of its own.
      var inner = document.createElement("span");
      inner.textContent = text(f.properties[spec.label]);
      marker.getElement().replaceChildren(inner);
    });
    return marker;
  }
  function decode(p) {
    // layers/_element.encode_compact: integer steps of 1/q degree, each from the one
    // before; shapely's ragged-array offsets, innermost first.
    var n = p.coords.length / 2, xy = new Array(n), x = p.origin[0], y = p.origin[1];
    for (var i = 0; i < n; i++) {
      x += p.coords[2 * i]; y += p.coords[2 * i + 1]; xy[i] = [x / p.q, y / p.q];
    }
    var o = p.offsets;
    function span(offsets, at, item) {
      var out = [];
      for (var k = offsets[at]; k < offsets[at + 1]; k++) { out.push(item(k)); }
      return out;
    }
    function point(k) { return xy[k]; }
    function line(k) { return span(o[0], k, point); }
    function polygon(k) { return span(o[1], k, line); }
    var coordinates = {
      Point: point, LineString: line, MultiPoint: line, Polygon: polygon,
      MultiLineString: polygon,
      MultiPolygon: function (g) { return span(o[2], g, polygon); }
    }[p.type];
    var keys = Object.keys(p.props), features = new Array(p.n);
    for (var g = 0; g < p.n; g++) {
      var props = {};
      for (var j = 0; j < keys.length; j++) { props[keys[j]] = p.props[keys[j]][g]; }
      features[g] = {type: "Feature", properties: props,
                     geometry: {type: p.type, coordinates: coordinates(g)}};
    }
    return {type: "FeatureCollection", features: features};
  }
  function settle(map) {
    // Drawn: the map's script has run and every layer the map shows at its zoom has its
    // features (again false while a zoom waits for a layer to arrive). Not judged before
    // the script's end: its first layers are there before the later ones are declared.
    if (!map._parkScriptRan) { return; }
    var waiting = map._parkStates.some(function (s) { return s.waiting(); });
    window.parkMapDrawn = !waiting;
  }
  function declare(map, state) {
    if (!map._parkStates) {  // the map's first layer: judge once its script has run
      map._parkStates = [];
      window.parkMapDrawn = false;
      setTimeout(function () { map._parkScriptRan = true; settle(map); }, 0);
    }
    map._parkStates.push(state);
  }
  function loadError(map) {
    if (map.getContainer().querySelector(".park-load-error")) { return; }
    var box = L.DomUtil.create("div", "park-load-error", map.getContainer());
    box.style.cssText = "position:absolute;top:10px;left:50px;z-index:1000;padding:4px 8px;"
      + "background:#fff3cd;border:1px solid #c9a227;font-size:13px;";
    box.textContent = parkOneMap.loadError;
  }
  function geoJsonLayer(map, spec, data, source) {
    var group = L.featureGroup(), labels = L.layerGroup(), layer = null, failed = false;
    // The group is what is shown or hidden (layer control, saved views), known before a
    // fetched layer's features arrive.
    window.parkGroups = window.parkGroups || {};
    window.parkGroups[spec.key] = group;
    function faded() { return Boolean(spec.fade) && map.getZoom() < spec.fade.belowZoom; }
    function inZoom() {
      var z = map.getZoom();
      return !(spec.minZoom != null && z < spec.minZoom) &&
             !(spec.maxZoom != null && z >= spec.maxZoom);
    }
    function build() {
      // All vectors share the map's one canvas (preferCanvas), so the mouse reaches
      // every interactive layer whatever the drawing order.
      layer = L.geoJSON(data, {
        interactive: spec.interactive !== false,
        style: function (f) { return style(spec, f, faded(), map.getZoom()); },
        pointToLayer: function (f, latlng) {
          var options = style(spec, f, faded(), map.getZoom());
          options.radius = spec.radius || 5;
          return L.circleMarker(latlng, options);
        },
        onEachFeature: function (f, l) {
          if (spec.tooltip) {
            l.bindTooltip(function () { return tip(spec, f.properties); },
                          {sticky: true, className: "park-tip"});
            l.on("mouseover", function () { l.setStyle({weight: (spec.weight || 1) + 2}); });
            l.on("mouseout", function () { layer.resetStyle(l); });
          }
          if (spec.label && !spec.viewLabels && text(f.properties[spec.label])) {
            labels.addLayer(labelMarker(spec, f, l));
          }
        }
      });
      data = null;
      window.parkLayers = window.parkLayers || {};
      window.parkLayers[spec.key] = layer;
    }
    function viewLabels() {
      // Labels of the features in view only, rebuilt as the view moves.
      labels.clearLayers();
      if (!layer || map.getZoom() < (spec.labelMinZoom || 0)) { return; }
      var view = map.getBounds(), count = 0;
      layer.eachLayer(function (l) {
        var f = l.feature;
        if (count < 2000 && text(f.properties[spec.label]) && view.intersects(l.getBounds())) {
          labels.addLayer(labelMarker(spec, f, l));
          count += 1;
        }
      });
    }
    function sync() {
      if (!ready) { return; }
      load();
      var show = inZoom();
      if (show && !layer && data) { build(); }
      if (layer && show && !group.hasLayer(layer)) { group.addLayer(layer).addLayer(labels); }
      if (layer && !show && group.hasLayer(layer)) { group.removeLayer(layer).removeLayer(labels); }
      if (layer && spec.label && spec.viewLabels) { viewLabels(); }
      settle(map);
    }
    declare(map, {waiting: function () {
      // A layer drawn in a zoom range waits for its start (below) to judge the zoom.
      return !ready || (map.hasLayer(group) && inZoom() && !layer && !failed);
    }});
    if (spec.fade || spec.outlineMinZoom) {
      // Detail layers (buildings) fade out when zoomed out, so the park's statuses stay
      // readable; features flagged by spec.fade.keep (vacant buildings) stay strong.
      map.on("zoomend", function () {
        if (layer) { layer.setStyle(function (f) { return style(spec, f, faded(), map.getZoom()); }); }
      });
    }
    if (spec.label && !spec.viewLabels) {
      var toggle = function () {
        var hidden = map.getZoom() < (spec.labelMinZoom || 0);
        map.getContainer().classList.toggle("park-hide-" + spec.key, hidden);
      };
      map.on("zoomend", toggle);
      toggle();
    }
    function load() {
      // A published layer is fetched once it is on the map and the map is at most one
      // zoom level short of showing it (so zooming in finds it ready, and a district seen
      // from afar does not download its parcels); one the layer control leaves off, when
      // ticked.
      var near = spec.minZoom == null || map.getZoom() >= spec.minZoom - 1;
      if (source === null || !map.hasLayer(group) || !near) { return; }
      var url = parkOneMap.dataBase + "/" + source;
      source = null;
      fetch(url, {credentials: "same-origin"})
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (p) { data = decode(p); })
        .catch(function (e) {
          failed = true;
          console.error("park layer " + spec.key + ": " + e);
          loadError(map);
        })
        .then(sync);
    }
    map.on(spec.viewLabels ? "zoomend moveend" : "zoomend", sync);
    // A layer drawn only in a zoom range waits for the map's script to end: the map is
    // created at one zoom and then fitted to the park, and only the fitted zoom counts.
    var ranged = spec.minZoom != null || spec.maxZoom != null;
    var ready = !ranged;
    function start() { ready = true; sync(); }
    group.on("add", function () { if (ready) { sync(); } });
    if (ranged) { setTimeout(start, 0); } else { sync(); }
    return group;
  }
  return {geoJsonLayer: geoJsonLayer, tip: tip, decode: decode, dataBase: "", loadError: ""};
})();
parkOneMap.dataBase = {{ this.data_base_json }};
parkOneMap.loadError = {{ this.load_error_json }};
{% endmacro %}
"""
    )

    def __init__(self, *, data_base: str = "/" + payloads.ROUTE, load_error: str = "") -> None:
        super().__init__()
        self._name = "MapHelpers"
        self.data_base_json = js_json(data_base)
        self.load_error_json = js_json(load_error)
