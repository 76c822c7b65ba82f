"""Widgets shared by the data page's two import wizards (geodata, figures): layer names,
the encoding choice and the grid of column-mapping select boxes."""

from __future__ import annotations

import streamlit as st

from gis import schema
from gis.exchange.encoding import ENCODINGS
from gis.i18n import t

FEEDBACK = "ex_feedback"  # a success message shown once after a rerun
PREVIEW_ROWS = 200


def layer_label(name: str, lang: str) -> str:
    """A layer's name in ``lang``."""
    spec = schema.layer_spec(name)
    return spec.label_zh if lang == "zh" else spec.label_en


def encoding_choice(key: str, lang: str) -> str | None:
    """The text encoding the user picks for an upload (None: detect it)."""
    choice = st.selectbox(
        t("import_encoding", lang),
        ["auto", *ENCODINGS],
        key=key,
        format_func=lambda e: t("import_encoding_auto", lang) if e == "auto" else e,
    )
    return None if choice == "auto" else choice


def read_notes(found, text_preview: str | None, lang: str) -> None:
    """The encoding detected in an uploaded text file (if any) and the file's first lines."""
    if found is not None:
        source = t(f"enc_source_{found.source}", lang)
        st.caption(t("import_encoding_found", lang, encoding=found.encoding, source=source))
    if text_preview:
        with st.expander(t("import_text_preview", lang)):
            st.code(text_preview, language=None)


def mapping_grid(
    columns,
    options: list[str],
    suggested: dict,
    key_prefix: str,
    *,
    lang: str,
    mark_required: bool,
) -> dict[str, str | None]:
    """Three columns of select boxes: for each of our ``columns``, the source column."""
    mapping: dict[str, str | None] = {}
    grid = st.columns(3)
    for i, column in enumerate(columns):
        label = column.label(lang) + (f"({column.unit})" if column.unit else "")
        label += " *" if mark_required and column.required else ""
        picked = grid[i % 3].selectbox(
            label,
            options,
            index=options.index(suggested[column.name] or ""),
            key=f"{key_prefix}{column.name}",
            format_func=lambda o: o or t("import_unmapped", lang),
        )
        mapping[column.name] = picked or None
    return mapping
