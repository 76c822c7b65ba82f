"""The empty park map: local Leaflet assets, no tiles by default, house styles.

By default no request leaves the app's origin: there is no tile layer, and the park's
own context layers (river, roads, boundary) give orientation. A tile basemap is an
explicit opt-in (see :data:`BASEMAPS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from layers.assets import AssetUrls

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
    bounds: tuple[float, float, float, float], *, assets: AssetUrls, basemap: Basemap = BASEMAPS[0]
) -> folium.Map:
    """An empty map fitted to ``bounds`` (minx, miny, maxx, maxy in lon/lat).

    Only the vendored Leaflet is loaded: folium's CDN defaults (jQuery, Bootstrap,
    Font Awesome, awesome-markers) are dropped, since no park layer uses them.
    """
    minx, miny, maxx, maxy = bounds
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=14,
        tiles=None,
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
    m.get_root().header.add_child(Element(MAP_CSS), name="park_css")
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m
