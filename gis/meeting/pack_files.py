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
import textwrap
from collections.abc import Mapping, Sequence

import pandas as pd

from gis.excel import display_width, to_xlsx
from gis.i18n import t
from gis.meeting import pack
from gis.meeting.pack_map import map_figure
from gis.meeting.pack_style import A4_LANDSCAPE, PackOptions, _bold, cjk_font_family
from gis.parcels import changes

ROWS_PER_PAGE = 20


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
    tables = pack.pack_tables(
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
