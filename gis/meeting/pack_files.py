"""The meeting pack: a print-quality PDF (map and tables) and a workbook with the same tables.

The map is drawn with matplotlib from the store's layers in EPSG:4549 (metres), so the
scale bar is exact: parcels coloured by status as of the pack's date, block outlines and
names, river and roads, the meeting's annotations, a legend, a scale bar, a north arrow,
the date and — for the sample park — the 示意数据 mark. Chinese needs a CJK font
installed on the machine (Debian: ``fonts-noto-cjk``); it is never downloaded. Fonts are
embedded in the PDF as TrueType subsets (``pdf.fonttype`` 42), so the text is selectable
and extractable.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from gis import changes, history, vocabulary
from gis._errors import ParkError
from gis.crs import AREA_CRS
from gis.excel import display_width, to_xlsx
from gis.i18n import error_text, t
from gis.meeting import views
from gis.tiles import imagery_for_extent, open_tiles

#: Font families tried in order (the first one installed wins). TrueType-outline fonts
#: come first: matplotlib embeds a font as a TrueType CID font (``pdf.fonttype`` 42), and
#: the CFF outlines of Noto Sans CJK end up declared as TrueType, which poppler accepts
#: with a warning but stricter readers may not. Debian: ``fonts-wqy-microhei``.
CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
)
#: Where Debian's packages put them (registered explicitly, so a font installed after
#: matplotlib built its font cache is still found).
CJK_FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
)
A4_LANDSCAPE = (11.69, 8.27)
ROWS_PER_PAGE = 20
SAMPLE_RED = "#b71c1c"
ANNOTATION_COLOR = "#d81b60"
CONTEXT_STYLES = {
    "river": ("#81d4fa", 6.0),
    "expressway": ("#ffb300", 2.2),
    "road": ("#b0bec5", 1.4),
}


class ReportError(ParkError, RuntimeError):
    """The meeting pack cannot be made (e.g. no CJK font)."""


@lru_cache(maxsize=1)
def cjk_font_family() -> str:
    """The family name of an installed CJK font; :class:`ReportError` if there is none."""
    from matplotlib import font_manager

    for path in CJK_FONT_FILES:
        if path.exists():
            font_manager.fontManager.addfont(str(path))
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    raise ReportError("mtg_pack_font_missing")


@lru_cache(maxsize=1)
def _bold() -> str:
    """'bold' if the CJK font has a bold face, else 'normal' (no synthetic bold, no noise)."""
    from matplotlib import font_manager

    family = cjk_font_family()
    weights = {f.weight for f in font_manager.fontManager.ttflist if f.name == family}
    heavy = any((isinstance(w, int) and w >= 600) or w in ("bold", "heavy") for w in weights)
    return "bold" if heavy else "normal"


@dataclass(frozen=True)
class PackOptions:
    """What the meeting pack shows."""

    as_of: date
    lang: str = "zh"
    title: str | None = None
    field: str = vocabulary.SALE_FIELD
    block_ids: tuple[str, ...] = ()
    is_sample: bool = False
    meeting_date: date | None = None
    scenario_ids: tuple[str, ...] = ()
    made_on: date | None = None
    #: Start of the "changes since" table; None: the last meeting before ``as_of``
    #: (no such meeting: no table).
    changes_since: date | None = None
    #: A local tiles file (MBTiles or folder, :mod:`gis.tiles`) drawn under the parcels,
    #: read offline, and its attribution printed on the map (#18). None: no imagery.
    imagery: tuple[str, str] | None = None

    def heading(self) -> str:
        return self.title or t("mtg_pack_default_title", self.lang)


def meeting_pack_xlsx(frames: Mapping[str, pd.DataFrame], options: PackOptions) -> bytes:
    """The pack's tables as a workbook (one sheet each, Chinese headers)."""
    return to_xlsx(_tables(frames, options))


def meeting_pack_pdf(frames: Mapping[str, pd.DataFrame], options: PackOptions) -> bytes:
    """The pack as a PDF: the map page, then one or more pages per table."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    family = cjk_font_family()
    rc = {
        "font.family": [family, "DejaVu Sans"],
        "pdf.fonttype": 42,
        "axes.unicode_minus": False,
    }
    buffer = io.BytesIO()
    with plt.rc_context(rc), PdfPages(buffer) as pdf:
        info = pdf.infodict()
        info["Title"] = options.heading()
        info["Creator"] = "Park One-Map (园区一张图)"
        page = 1
        fig = map_figure(frames, options)
        _footer(fig, options, page)
        pdf.savefig(fig)
        plt.close(fig)
        tables = _tables(frames, options)
        # Key figures and targets share a page; every other table gets its own pages.
        key_title, targets_title = (
            t("mtg_pack_key_figures", options.lang),
            t("mtg_pack_targets", options.lang),
        )
        if len(tables[targets_title]) <= 12:
            page += 1
            fig = _table_figure(
                key_title,
                tables.pop(key_title),
                options,
                second=(targets_title, tables.pop(targets_title)),
            )
            _footer(fig, options, page)
            pdf.savefig(fig)
            plt.close(fig)
        for title, table in tables.items():
            chunks = [
                table.iloc[i : i + ROWS_PER_PAGE] for i in range(0, len(table), ROWS_PER_PAGE)
            ]
            for n, chunk in enumerate(chunks or [table]):
                page += 1
                heading = title if n == 0 else f"{title} ({n + 1})"
                fig = _table_figure(heading, chunk, options)
                _footer(fig, options, page)
                pdf.savefig(fig)
                plt.close(fig)
    return buffer.getvalue()


def _tables(frames: Mapping[str, pd.DataFrame], options: PackOptions) -> dict[str, pd.DataFrame]:
    tables = views.pack_tables(
        frames,
        as_of=options.as_of,
        lang=options.lang,
        meeting_date=options.meeting_date,
        scenario_ids=options.scenario_ids,
    )
    since = options.changes_since or changes.last_meeting_before(
        frames["annotations"], options.as_of
    )
    if since is not None and since < options.as_of:
        found = changes.changes_since(frames, since, options.as_of)
        title = t("chg_pack_sheet", options.lang, since=since.isoformat())
        tables[title] = changes.pack_table(found, options.lang)
    return tables


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


# ------------------------------------------------------------------ table pages
def _table_figure(
    title: str,
    table: pd.DataFrame,
    options: PackOptions,
    *,
    second: tuple[str, pd.DataFrame] | None = None,
):
    """A page with ``table`` under ``title`` (and, if given, a second titled table below)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=A4_LANDSCAPE)
    fig.text(0.04, 0.955, title, fontsize=18, fontweight=_bold(), va="top")
    fig.text(
        0.04,
        0.905,
        options.heading() + " · " + t("mtg_kf_as_of", options.lang, date=options.as_of.isoformat()),
        fontsize=10,
        color="#37474f",
        va="top",
    )
    if second is None:
        _draw_table(fig.add_axes((0.04, 0.08, 0.92, 0.79)), title, table, options)
        return fig
    top = (len(table) + 1) * 0.042
    _draw_table(fig.add_axes((0.04, 0.87 - top, 0.50, top)), title, table, options, fill=True)
    y = 0.87 - top - 0.06
    fig.text(0.04, y, second[0], fontsize=15, fontweight=_bold(), va="top")
    height = min((len(second[1]) + 1) * 0.042, y - 0.12)
    _draw_table(
        fig.add_axes((0.04, y - 0.04 - height, 0.92, height)),
        second[0],
        second[1],
        options,
        fill=True,
    )
    return fig


def _draw_table(ax, title: str, table: pd.DataFrame, options: PackOptions, *, fill=False) -> None:
    ax.axis("off")
    if table.empty:
        empty_key = (
            "mtg_pack_overdue_none"
            if title.startswith(t("mtg_pack_overdue", options.lang))
            else "mtg_log_empty"
            if title.startswith(t("mtg_pack_decisions", options.lang))
            else "mtg_kf_no_targets"
        )
        ax.text(0.0, 0.95, t(empty_key, options.lang), fontsize=13, va="top")
        return
    cells = [[_cell_text(v) for v in row] for row in table.itertuples(index=False)]
    widths = _column_widths([str(c) for c in table.columns], cells)
    drawn = ax.table(
        cellText=cells,
        colLabels=[str(c) for c in table.columns],
        colWidths=widths,
        loc="upper left",
        cellLoc="left",
        colLoc="left",
    )
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(10)
    lines = [1 + (r > 0 and _multiline(cells[r - 1])) * 0.6 for r in range(len(cells) + 1)]
    row_height = 1 / sum(lines) if fill else min(0.045, 0.95 / sum(lines))
    for (r, _c), cell in drawn.get_celld().items():
        cell.set_height(row_height * lines[r])
        cell.set_edgecolor("#b0bec5")
        if r == 0:
            cell.set_facecolor("#dde7f0")
            cell.set_text_props(fontweight=_bold())


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) < 1e6 else f"{value:,.0f}"
    text = str(value)
    if display_width(text) > 56:
        text = "\n".join(textwrap.wrap(text, width=28, max_lines=2, placeholder="…"))
    return text


def _multiline(row: Sequence[str]) -> bool:
    return any("\n" in v for v in row)


def _column_widths(header: Sequence[str], cells: Sequence[Sequence[str]]) -> list[float]:
    raw = []
    for i, name in enumerate(header):
        values = [name, *(row[i] for row in cells)]
        longest = max(max(display_width(line) for line in v.split("\n")) for v in values)
        raw.append(max(longest, 4))
    total = sum(raw)
    return [w / total for w in raw]


def _footer(fig, options: PackOptions, page: int) -> None:
    left = options.heading()
    if options.is_sample:
        left += " · " + t("sample_mark", options.lang)
    fig.text(0.04, 0.025, left, fontsize=8, color="#607d8b")
    fig.text(
        0.96,
        0.025,
        t("mtg_pack_page", options.lang, page=page),
        fontsize=8,
        ha="right",
        color="#607d8b",
    )


def pdf_page_count(data: bytes) -> int:
    """Pages in a PDF made here (counts page objects; enough for the UI's message)."""
    return data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page>")
