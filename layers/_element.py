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

#: Decimal places kept in coordinates: 1e-6° is about 0.1 m at 28°N.
COORD_DECIMALS = 6


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
      that zoom, except features whose ``keep`` property is truthy.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = parkOneMap.geoJsonLayer(
    {{ this._parent.get_name() }}, {{ this.spec_json }}, {{ this.data }});
{% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
{% endmacro %}
"""
    )

    def __init__(
        self, data: str, *, name: str, spec: dict[str, Any], show: bool = True, control: bool = True
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "ParkGeoJson"
        self.data = data
        self.spec_json = js_json(spec)


class MapHelpers(RawScriptMixin, MacroElement):
    """Defines ``window.parkOneMap``: the browser-side builder used by every layer.

    Added to the map before any layer. It is a script element (not header markup),
    because streamlit-folium inserts the header with ``innerHTML``, which does not run
    scripts.
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
  function style(spec, f, faded) {
    var i = spec.by ? f.properties[spec.by] : null;
    var fill = spec.colors ? spec.colors[i] || spec.fallback : spec.fill;
    var stroke = spec.strokes ? spec.strokes[i] || spec.stroke : spec.stroke;
    var weight = spec.weights ? spec.weights[i] || spec.weight : spec.weight;
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
  function geoJsonLayer(map, spec, data) {
    function faded() { return Boolean(spec.fade) && map.getZoom() < spec.fade.belowZoom; }
    // All vectors share the map's one canvas (preferCanvas), so the mouse reaches
    // every interactive layer whatever the drawing order.
    var labels = L.layerGroup();
    var layer = L.geoJSON(data, {
      interactive: spec.interactive !== false,
      style: function (f) { return style(spec, f, faded()); },
      pointToLayer: function (f, latlng) {
        var options = style(spec, f, faded());
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
        if (spec.label && text(f.properties[spec.label])) {
          var at = labelPosition(l);
          var icon = L.divIcon({className: "park-label park-label-" + spec.key,
                                html: "", iconSize: null});
          var marker = L.marker(at, {icon: icon, interactive: false, keyboard: false});
          marker.on("add", function () {
            marker.getElement().textContent = text(f.properties[spec.label]);
          });
          labels.addLayer(marker);
        }
      }
    });
    var group = L.featureGroup([layer, labels]);
    if (spec.fade) {
      // Detail layers (buildings) fade out when zoomed out, so the park's statuses stay
      // readable; features flagged by spec.fade.keep (vacant buildings) stay strong.
      map.on("zoomend", function () { layer.setStyle(function (f) { return style(spec, f, faded()); }); });
    }
    if (spec.label) {
      var toggle = function () {
        var hidden = map.getZoom() < (spec.labelMinZoom || 0);
        map.getContainer().classList.toggle("park-hide-" + spec.key, hidden);
      };
      map.on("zoomend", toggle);
      toggle();
    }
    window.parkLayers = window.parkLayers || {};
    window.parkLayers[spec.key] = layer;
    return group;
  }
  return {geoJsonLayer: geoJsonLayer, tip: tip};
})();
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapHelpers"
