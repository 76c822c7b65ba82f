"""The map legend: a Leaflet control that is always visible.

On half-width maps (scenarios side by side) the full legend and the open layer control
cover most of the map: :func:`compact_controls` folds the legend into a small button
(the 示意数据 note stays visible) and collapses the layer control.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import folium
from branca.element import MacroElement
from jinja2 import Template

from layers._element import RawScriptMixin, js_json


@dataclass(frozen=True)
class LegendItem:
    label: str
    color: str
    shape: str = "box"  # box | line | dot | outline


@dataclass(frozen=True)
class LegendSection:
    title: str
    items: tuple[LegendItem, ...]


class Legend(RawScriptMixin, MacroElement):
    """A bottom-left control listing colour swatches; text is set with ``textContent``.

    ``zoom_notes`` (``(from zoom or None, below zoom or None, text)``) say what the map
    shows at the current zoom, kept up to date as it changes.

    Bottom-left, above the scale bar: the layer control owns the right-hand side, and a
    tall legend there would cover its toggles.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var data = {{ this.data_json }};
  var control = L.control({position: "bottomleft"});
  control.onAdd = function () {
    var box = L.DomUtil.create("div", "park-legend");
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    var body = box;
    if (data.compact) {
      box.className += " park-legend-compact";
      var toggle = L.DomUtil.create("button", "park-legend-toggle", box);
      toggle.type = "button";
      toggle.style.cssText = "border:none;background:none;font:inherit;font-weight:700;"
        + "cursor:pointer;padding:0;";
      body = L.DomUtil.create("div", "park-legend-body", box);
      body.style.display = "none";
      var show = function (open) {
        body.style.display = open ? "" : "none";
        toggle.textContent = (open ? "\u25be " : "\u25b8 ") + data.toggle;
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      };
      show(false);
      L.DomEvent.on(toggle, "click", function () { show(body.style.display === "none"); });
    }
    if (data.zoomNotes.length) {
      // What the map shows at its zoom (a district: the grid from afar, parcels close up).
      var map = {{ this._parent.get_name() }};
      var zoomNote = L.DomUtil.create("div", "park-legend-zoom", body);
      zoomNote.style.cssText = "max-width:16em;margin-bottom:4px;font-size:12px;";
      var showZoom = function () {
        var z = map.getZoom();
        data.zoomNotes.forEach(function (n) {
          if ((n[0] === null || z >= n[0]) && (n[1] === null || z < n[1])) {
            zoomNote.textContent = n[2];
          }
        });
      };
      map.on("zoomend", showZoom);
      showZoom();
    }
    data.sections.forEach(function (section) {
      var title = L.DomUtil.create("div", "park-legend-title", body);
      title.textContent = section.title;
      section.items.forEach(function (item) {
        var row = L.DomUtil.create("div", "park-legend-row", body);
        var swatch = L.DomUtil.create("span", "park-swatch park-swatch-" + item.shape, row);
        swatch.style.setProperty("--c", item.color);
        L.DomUtil.create("span", "park-legend-label", row).textContent = item.label;
      });
    });
    if (data.note) {
      L.DomUtil.create("div", "park-legend-note", box).textContent = data.note;
    }
    return box;
  };
  control.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        sections: list[LegendSection],
        *,
        note: str | None = None,
        compact: bool = False,
        toggle: str = "",
        zoom_notes: Sequence[tuple[int | None, int | None, str]] = (),
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.zoom_notes = [list(n) for n in zoom_notes]
        self.sections = list(sections)
        self.note = note
        self.compact = compact
        self.toggle = toggle

    @property
    def data_json(self) -> str:
        sections = self.sections
        return js_json(
            {
                "sections": [
                    {
                        "title": s.title,
                        "items": [
                            {"label": i.label, "color": i.color, "shape": i.shape} for i in s.items
                        ],
                    }
                    for s in sections
                ],
                "note": self.note,
                "zoomNotes": self.zoom_notes,
                "compact": self.compact,
                "toggle": self.toggle,
            }
        )


def compact_controls(m: folium.Map, *, toggle: str) -> folium.Map:
    """Fold ``m``'s legend behind a button labelled ``toggle`` (the note stays shown) and
    collapse its layer control, for maps drawn at half width. Changes ``m`` in place."""
    for child in m._children.values():
        if isinstance(child, Legend):
            child.compact, child.toggle = True, toggle
        elif isinstance(child, folium.LayerControl):
            child.options["collapsed"] = True
    return m
