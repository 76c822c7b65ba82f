"""The meeting pack's map page: parcels by status, context, annotations and optional
imagery, with a scale bar and a north arrow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime

import geopandas as gpd
import pandas as pd

from gis import vocabulary
from gis._errors import ParkError
from gis.basemap.tiles import imagery_for_extent, open_tiles
from gis.crs import AREA_CRS
from gis.i18n import error_text, t
from gis.meeting.pack_style import A4_LANDSCAPE, PackOptions, _bold
from gis.parcels import history

SAMPLE_RED = "#b71c1c"


ANNOTATION_COLOR = "#d81b60"


CONTEXT_STYLES = {
    "river": ("#81d4fa", 6.0),
    "expressway": ("#ffb300", 2.2),
    "road": ("#b0bec5", 1.4),
}


# ------------------------------------------------------------------ the map page
def map_figure(frames: Mapping[str, pd.DataFrame], options: PackOptions):
    """The print map (A4 landscape) as a matplotlib Figure."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lang = options.lang
    parcels = history.statuses_as_of(frames["parcels"], frames["status_events"], options.as_of)
    blocks = frames["blocks"]
    if options.block_ids:
        parcels = parcels[parcels["block_id"].isin(options.block_ids)]
        blocks = blocks[blocks["block_id"].isin(options.block_ids)]
    bounds = _extent(blocks, frames["park_boundary"], parcels, frames["context"])
    minx, miny, maxx, maxy = bounds if bounds is not None else (0.0, 0.0, 1000.0, 1000.0)
    pad = max(maxx - minx, maxy - miny, 100.0) * 0.05
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad

    fig = plt.figure(figsize=A4_LANDSCAPE)
    fig.text(0.03, 0.955, options.heading(), fontsize=20, fontweight=_bold(), va="top")
    made = (options.made_on or datetime.now(UTC).date()).isoformat()
    fig.text(
        0.03,
        0.905,
        t("mtg_pack_map_title", lang)
        + " · "
        + t("mtg_pack_subtitle", lang, date=options.as_of.isoformat(), made=made),
        fontsize=11,
        color="#37474f",
        va="top",
    )
    # The map keeps its true proportions inside this box.
    ax = fig.add_axes((0.03, 0.07, 0.70, 0.80))
    ax.set_facecolor("#f3f1ea")
    context = frames["context"].to_crs(AREA_CRS)
    for kind, (color, width) in CONTEXT_STYLES.items():
        part = context[context["kind"] == kind]
        if len(part):
            part.plot(ax=ax, color=color, linewidth=width, zorder=1)
    if len(frames["park_boundary"]):
        frames["park_boundary"].to_crs(AREA_CRS).boundary.plot(
            ax=ax, color="#546e7a", linewidth=1.2, linestyle="--", zorder=2
        )
    if bounds is None:
        # Nothing to draw yet: say what to import instead of printing an empty frame.
        ax.text(
            0.5,
            0.5,
            t("onb_pack_map_empty", lang),
            transform=ax.transAxes,
            fontsize=14,
            color="#37474f",
            ha="center",
            va="center",
            wrap=True,
            zorder=7,
        )
    statuses = vocabulary.statuses(options.field)
    colors = {s.code: s.color for s in statuses}
    imagery = _imagery(ax, options, (minx, miny, maxx, maxy)) if options.imagery else False
    if len(parcels):
        shown = parcels.to_crs(AREA_CRS)
        shown.plot(
            ax=ax,
            color=[colors.get(c, "#ff00ff") for c in shown[options.field]],
            edgecolor="#455a64",
            linewidth=0.3,
            alpha=0.7 if imagery else 0.9,  # the ground shows through over imagery
            zorder=3,
        )
    if len(blocks):
        outlines = blocks.to_crs(AREA_CRS)
        outlines.boundary.plot(ax=ax, color="#263238", linewidth=1.4, zorder=4)
        name_field = "name" if lang == "zh" else "name_en"
        for name, point in zip(
            outlines[name_field], outlines.geometry.representative_point(), strict=True
        ):
            ax.annotate(
                str(name),
                (point.x, point.y),
                ha="center",
                va="center",
                fontsize=11,
                fontweight=_bold(),
                color="#263238",
                zorder=6,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.7},
            )
    annotations = frames["annotations"]
    if options.meeting_date is not None and len(annotations):
        annotations = annotations[
            annotations["meeting_date"].astype(str) == options.meeting_date.isoformat()
        ]
    if len(annotations):
        _plot_annotations(ax, annotations.to_crs(AREA_CRS))
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _scale_bar(ax, minx, miny, maxx, maxy)
    _north_arrow(ax, lang)
    if options.is_sample:
        ax.text(
            0.5,
            0.5,
            "示意数据",
            transform=ax.transAxes,
            fontsize=64,
            color=SAMPLE_RED,
            alpha=0.10,
            ha="center",
            va="center",
            rotation=20,
            zorder=7,
        )

    title = vocabulary.field_label(options.field, lang)
    handles = [Patch(facecolor=s.color, edgecolor="#455a64", label=s.label(lang)) for s in statuses]
    legend = fig.legend(
        handles=handles,
        title=title,
        loc="upper left",
        bbox_to_anchor=(0.755, 0.87),
        fontsize=10,
        title_fontsize=11,
        frameon=True,
    )
    legend.get_title().set_fontweight(_bold())
    others = [
        Line2D([], [], color="#263238", linewidth=1.4, label=t("layer_blocks", lang)),
        Line2D(
            [], [], color="#546e7a", linewidth=1.2, linestyle="--", label=t("layer_boundary", lang)
        ),
        Line2D(
            [], [], color=CONTEXT_STYLES["river"][0], linewidth=5, label=t("layer_context", lang)
        ),
        Patch(
            facecolor=ANNOTATION_COLOR + "40",
            edgecolor=ANNOTATION_COLOR,
            linestyle="--",
            label=t("mtg_legend_annotation", lang),
        ),
    ]
    fig.legend(
        handles=others,
        loc="upper left",
        bbox_to_anchor=(0.755, 0.40),
        fontsize=10,
        frameon=True,
    )
    if options.is_sample:
        fig.text(
            0.76,
            0.13,
            t("sample_mark", lang),
            fontsize=12,
            fontweight=_bold(),
            color=SAMPLE_RED,
            bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": SAMPLE_RED},
        )
    return fig


def _imagery(ax, options: PackOptions, extent: tuple[float, float, float, float]) -> bool:
    """Draw the local tiles file under the parcels, its attribution in the corner; a file
    that cannot be read is said so there instead. True when imagery was drawn."""
    path, attribution = options.imagery or ("", "")
    try:
        image = imagery_for_extent(open_tiles(path), extent, AREA_CRS, width_px=1800)
    except ParkError as exc:
        image, note, color = None, error_text(exc, options.lang), SAMPLE_RED
    else:
        note, color = t("bm_pdf_attribution", options.lang, source=attribution), "#263238"
    if image is not None:
        minx, miny, maxx, maxy = extent
        ax.imshow(
            image, extent=(minx, maxx, miny, maxy), origin="upper", zorder=0.5, resample=False
        )
    ax.text(
        0.995,
        0.005,
        note,
        transform=ax.transAxes,
        fontsize=7,
        color=color,
        ha="right",
        va="bottom",
        zorder=8,
        bbox={"boxstyle": "square,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
    )
    return image is not None


def _extent(*sources: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    """Bounds in EPSG:4549 of the first source with a finite extent (None: nothing drawn)."""
    for source in sources:
        geoms = source.geometry[source.geometry.notna() & ~source.geometry.is_empty]
        if len(geoms):
            bounds = tuple(float(v) for v in geoms.to_crs(AREA_CRS).total_bounds)
            if all(math.isfinite(v) for v in bounds):
                return bounds  # type: ignore[return-value]
    return None


def _plot_annotations(ax, annotations: gpd.GeoDataFrame) -> None:
    kinds = annotations.geometry.geom_type
    polygons = annotations[kinds == "Polygon"]
    lines = annotations[kinds == "LineString"]
    points = annotations[kinds == "Point"]
    if len(polygons):
        polygons.plot(
            ax=ax,
            facecolor=ANNOTATION_COLOR + "38",
            edgecolor=ANNOTATION_COLOR,
            linewidth=2,
            linestyle="--",
            zorder=5,
        )
    if len(lines):
        lines.plot(ax=ax, color=ANNOTATION_COLOR, linewidth=2.2, linestyle="--", zorder=5)
    if len(points):
        points.plot(ax=ax, color=ANNOTATION_COLOR, markersize=60, edgecolor="white", zorder=5)
    # Number each decision as in the decision log (its id), beside the shape.
    for ident, point in zip(
        annotations["annotation_id"], annotations.geometry.representative_point(), strict=True
    ):
        ax.annotate(
            str(ident),
            (point.x, point.y),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=8,
            color=ANNOTATION_COLOR,
            fontweight=_bold(),
            zorder=6,
        )


def nice_length(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10ⁿ m) of about a fifth of ``span_m``."""
    target = span_m / 5
    best = 1.0
    for exponent in range(0, 7):
        for base in (1, 2, 5):
            value = base * 10**exponent
            if value <= target:
                best = value
    return float(best)


def _scale_bar(ax, minx: float, miny: float, maxx: float, maxy: float) -> None:
    from matplotlib.patches import Rectangle

    length = nice_length(maxx - minx)
    x0 = minx + (maxx - minx) * 0.04
    y0 = miny + (maxy - miny) * 0.04
    height = (maxy - miny) * 0.012
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (x0 + i * length / 4, y0),
                length / 4,
                height,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.8,
                zorder=8,
            )
        )
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(x0, y0 + height * 1.6, "0", fontsize=9, ha="center", zorder=8)
    ax.text(x0 + length, y0 + height * 1.6, label, fontsize=9, ha="center", zorder=8)


def _north_arrow(ax, lang: str) -> None:
    # EPSG:4549 grid north; the meridian convergence at 莲都 (~0.1°) is far below print size.
    ax.annotate(
        "",
        xy=(0.95, 0.95),
        xytext=(0.95, 0.86),
        xycoords="axes fraction",
        arrowprops={"facecolor": "black", "edgecolor": "black", "width": 5, "headwidth": 14},
        zorder=8,
    )
    ax.text(
        0.95,
        0.965,
        t("mtg_pack_north", lang) + (" N" if lang == "zh" else ""),
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=12,
        fontweight=_bold(),
        zorder=8,
    )
