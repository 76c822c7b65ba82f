"""The map legend: a Leaflet control that is always visible (never collapses)."""

from __future__ import annotations

from dataclasses import dataclass

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
    data.sections.forEach(function (section) {
      var title = L.DomUtil.create("div", "park-legend-title", box);
      title.textContent = section.title;
      section.items.forEach(function (item) {
        var row = L.DomUtil.create("div", "park-legend-row", box);
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

    def __init__(self, sections: list[LegendSection], *, note: str | None = None) -> None:
        super().__init__()
        self._name = "Legend"
        self.data_json = js_json(
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
                "note": note,
            }
        )
