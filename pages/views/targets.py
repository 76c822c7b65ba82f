"""目标与亩均 Targets & efficiency: the year's targets against progress computed from the data,
the 亩均 evaluation (classes, map, key supervision, 小升规 pool) and its one configuration."""

import streamlit as st

from gis.i18n import t
from ui import missing, shell
from ui.context import PageContext
from ui.efficiency_settings import settings_section
from ui.efficiency_view import evaluation_section, stored_config, supervision_section
from ui.targets_progress import FLASH_KEY, targets_section

ctx = PageContext.read()
lang = ctx.lang
st.header(t("targets_heading", lang))
missing.show_missing("targets", year=ctx.as_of.year)
shell.show_flash(FLASH_KEY)
sections = ("targets", "evaluation", "supervision", "settings")
section = st.radio(
    t("section", lang),
    sections,
    horizontal=True,
    key="tg_section",
    format_func=lambda s: t(f"section_{s}", lang),
    label_visibility="collapsed",
)
if section == "targets":
    targets_section(ctx)
else:
    config = stored_config(ctx)
    {
        "evaluation": evaluation_section,
        "supervision": supervision_section,
        "settings": settings_section,
    }[section](ctx, config)
