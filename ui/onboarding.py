"""The 数据 page's park sections (issue #12): what the park has and lacks, with a way to
import each missing piece; the 园区数据文件 tab: start a new empty park, remove the sample.

Widget keys (stable, used by the browser tests): ``onb_go_<piece>`` opens the import of a
missing piece, ``onb_go_park`` the park tab; ``park_remove_confirm`` / ``park_remove``
remove the sample rows; ``park_new_path`` / ``park_new_name`` / ``park_new_create`` start a
new park.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pandas as pd
import streamlit as st

from gis import onboarding, schema
from gis._errors import ParkError
from gis.auth import admin
from gis.i18n import t
from gis.store import ParkStore, create_empty_store, problem_text
from ui import roles, shell
from ui.missing import problems as store_problems
from ui.text import error_md, md, message_md

TABS_KEY = "data_tabs"  # + language: the 数据 page's open tab (its label)
#: The 数据 page's one-off success message (its ``FEEDBACK``), shown under the page heading.
PARK_FEEDBACK = "ex_feedback"
PROBLEMS_SHOWN = 50

#: Missing pieces imported on the 数据 page: (tab label key, widget key, layer to select).
DATA_PAGE_IMPORTS: dict[str, tuple[str, str, str]] = {
    "boundary": ("tab_import", "ex_target", "park_boundary"),
    "blocks": ("tab_import", "ex_target", "blocks"),
    "parcels": ("tab_import", "ex_target", "parcels"),
    "enterprises": ("tab_import", "ex_target", "enterprises"),
    "buildings": ("tab_import", "ex_target", "buildings"),
    "vacant_spaces": ("tab_import", "ex_target", "vacant_spaces"),
    "yearly_figures": ("tab_figures", "fig_layer", "enterprise_years"),
    "period_figures": ("tab_figures", "fig_layer", "period_figures"),
}
#: Missing pieces imported on another page: that page's script.
OTHER_PAGE_IMPORTS: dict[str, str] = {
    "history": "pages/views/parcels.py",
    "targets": "pages/views/targets.py",
    "candidates": "pages/views/reuse.py",
}
OPENED = "onb_opened_layer"  # the layer a 去导入 button preselected (a hint on the tab)


def layer_label(name: str, lang: str) -> str:
    spec = schema.layer_spec(name)
    return spec.label_zh if lang == "zh" else spec.label_en


def _open_tab(lang: str, tab_key: str, widget_key: str | None = None, value: str = "") -> None:
    """Button callback: open the 数据 page's tab ``tab_key``, ``widget_key`` set to ``value``."""
    st.session_state[f"{TABS_KEY}_{lang}"] = t(tab_key, lang)
    if widget_key:
        st.session_state[widget_key] = value
        st.session_state[OPENED] = value


def opened_hint(lang: str, layer: str) -> None:
    """On the import tab: say which layer a 去导入 button chose (once)."""
    if st.session_state.get(OPENED) == layer:
        st.info(t("onb_opened_import", lang, layer=layer_label(layer, lang)))
        st.session_state.pop(OPENED, None)


def _page_names(pages: tuple[str, ...], lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(t(f"page_{p}", lang) for p in pages)


def inventory_table(
    pieces: list[onboarding.Piece], sample: dict[str, int], lang: str
) -> pd.DataFrame:
    """One row per piece: its name, present or missing, rows, sample rows, pages, where."""
    return pd.DataFrame(
        {
            t("onb_col_piece", lang): [p.label(lang) for p in pieces],
            t("onb_col_state", lang): [
                t("onb_state_present" if p.present else "onb_state_missing", lang) for p in pieces
            ],
            t("onb_col_rows", lang): [p.rows for p in pieces],
            t("onb_col_sample", lang): [sum(sample.get(n, 0) for n in p.layers) for p in pieces],
            t("onb_col_pages", lang): [_page_names(p.pages, lang) for p in pieces],
            t("onb_col_where", lang): [p.where(lang) for p in pieces],
        }
    )


def overview(store: ParkStore, frames: dict, lang: str, year: int) -> None:
    """What the park has and lacks; a button to import each missing piece; data problems."""
    st.subheader(t("onb_heading", lang))
    if store.park_name():
        st.caption(message_md("onb_park_name", lang, {"name": store.park_name()}))
    pieces = onboarding.inventory(frames, year=year)
    missing = [p for p in pieces if not p.present]
    sample = store.sample_rows()
    if onboarding.is_empty(frames):
        st.info(t("onb_empty_intro", lang))
    if sample:
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.warning(t("onb_sample_present", lang, count=sum(sample.values())))
        right.button(
            t("onb_go_park_tab", lang),
            key="onb_go_park",
            on_click=_open_tab,
            args=(lang, "tab_park"),
        )
    if not missing:
        st.success(t("onb_all_present", lang, count=len(pieces)))
    else:
        st.markdown(t("onb_missing_count", lang, missing=len(missing), total=len(pieces)))
        for piece in missing:
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.info(piece.message(lang))
            if piece.what in DATA_PAGE_IMPORTS:
                tab, widget, layer = DATA_PAGE_IMPORTS[piece.what]
                right.button(
                    t("onb_go_import", lang),
                    key=f"onb_go_{piece.what}",
                    on_click=_open_tab,
                    args=(lang, tab, widget, layer),
                )
            elif piece.what in OTHER_PAGE_IMPORTS:
                right.page_link(OTHER_PAGE_IMPORTS[piece.what], label=t("onb_go_page", lang))
    with st.expander(t("onb_table", lang), expanded=False):
        st.dataframe(inventory_table(pieces, sample, lang), hide_index=True, key="onb_table")
    problems = store_problems()  # cached per data version: the store's frames
    if problems:
        lines = [f"- {md(problem_text(p, lang))}" for p in problems[:PROBLEMS_SHOWN]]
        if len(problems) > PROBLEMS_SHOWN:
            lines.append(t("onb_problems_more", lang, count=len(problems) - PROBLEMS_SHOWN))
        st.warning(t("onb_problems", lang, count=len(problems)) + "\n\n" + "\n".join(lines))


# ---------------------------------------------------------------- the 园区数据文件 tab
def park_tab(store: ParkStore, lang: str) -> None:
    """Remove the sample rows; start a new empty park."""
    st.caption(message_md("park_current", lang, {"path": store.location}))
    remove_sample_section(store, lang)
    st.divider()
    new_park_section(lang)


def removal_preview(store: ParkStore, lang: str) -> pd.DataFrame:
    """Per layer holding sample rows: rows now, sample rows removed, rows kept."""
    sample = store.sample_rows()
    rows = store.row_counts()
    names = [spec.name for spec in schema.LAYERS if spec.name in sample]
    return pd.DataFrame(
        {
            t("park_col_layer", lang): [layer_label(n, lang) for n in names],
            t("park_col_rows", lang): [rows[n] for n in names],
            t("park_col_removed", lang): [sample[n] for n in names],
            t("park_col_kept", lang): [rows[n] - sample[n] for n in names],
        }
    )


def remove_sample_section(store: ParkStore, lang: str) -> None:
    st.subheader(t("park_remove_heading", lang))
    if not store.is_sample():
        st.info(t("park_no_sample", lang))
        return
    st.caption(t("park_remove_intro", lang))
    if not roles.allowed("remove_sample", lang):
        return
    version = store.data_version()
    st.dataframe(removal_preview(store, lang), hide_index=True, key="park_remove_preview")
    confirm = st.checkbox(t("park_remove_confirm", lang), key="park_remove_confirm")
    if st.button(
        t("park_remove_button", lang), key="park_remove", type="primary", disabled=not confirm
    ):
        try:
            result = admin.remove_sample(
                store, actor=roles.current_actor(), expected_version=version
            )
        except ParkError as exc:
            st.error(error_md(exc, lang))
            return
        if result.backup is not None:
            kept = sum(result.kept.values())
            st.session_state[PARK_FEEDBACK] = t(
                "park_removed",
                lang,
                count=sum(result.removed.values()),
                kept=kept,
                backup=result.backup.name,
            )
        st.session_state.pop("park_remove_confirm", None)
        # The sample's report date went with it: the sidebar starts again from today.
        st.session_state.pop(shell.AS_OF_KEY, None)
        st.rerun()


def new_park_section(lang: str) -> None:
    st.subheader(t("park_new_heading", lang))
    st.caption(t("park_new_intro", lang))
    if not roles.allowed("settings", lang):  # a new file on the server: an administrator's
        return
    left, right = st.columns(2)
    raw = left.text_input(
        t("park_new_path", lang),
        key="park_new_path",
        placeholder="data/my-park.gpkg",
        help=t("park_new_path_help", lang),
    )
    name = right.text_input(t("park_new_name", lang), key="park_new_name")
    if not st.button(t("park_new_button", lang), key="park_new_create"):
        return
    text = raw.strip()
    if not text:
        st.error(t("park_new_no_path", lang))
        return
    path = Path(text).expanduser()
    if path.suffix.lower() != ".gpkg":
        st.error(message_md("park_new_suffix", lang, {"path": text}))
        return
    if not path.parent.is_dir() and not path.exists():
        st.error(message_md("park_new_no_folder", lang, {"folder": str(path.parent)}))
        return
    try:
        created = create_empty_store(path, name=name)
    except ParkError as exc:
        st.error(error_md(exc, lang))
        return
    shown = str(created.path)
    st.success(message_md("park_new_created", lang, {"path": shown}))
    st.info(message_md("park_new_switch", lang, {"path": shown}))
    st.code(f"PARK_DB={shlex.quote(shown)} bash run.sh", language="bash")
