"""Basemaps in the app (#18): what the maps offer, and the settings section of the 数据 page.

The section will be for administrators only once accounts and roles exist; until then it
sits with the other data-administration tools.
"""

from __future__ import annotations

import os
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import streamlit as st

from gis._errors import ParkError, ValidationError
from gis.basemap import sources, tiles
from gis.basemap.sources import BasemapConfig, Offer, ServiceConfig
from gis.i18n import error_text, t
from layers.basemap import DEFAULT_CENTER, basemap_label
from ui import roles, shell
from ui.session import current_actor
from ui.text import error_md, message_md

FEEDBACK = "bm_feedback"
KEY_INPUT = "bm_key_input"
CLEAR_KEY_INPUT = "bm_key_input_clear"


@lru_cache(maxsize=8)
def _tiles_info(path: str, mtime_ns: int) -> tiles.TilesInfo:
    # Keyed by modification time: a replaced file is read afresh.
    return tiles.open_tiles(path).info


def _base_path() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def stored_config() -> tuple[BasemapConfig, ParkError | None]:
    """The configuration saved in the store (not the environment), and a reading error."""
    try:
        return sources.config_from_settings(shell.frames()["settings"]), None
    except ValidationError as exc:
        return BasemapConfig(), exc


def offer() -> Offer:
    """The basemaps this app offers now: the stored settings with the environment over them;
    a configured local file is published to the app's tile route."""
    config = sources.with_environment(stored_config()[0])
    local_url, local_info, refused = None, None, []
    if config.file_path:
        try:
            path = Path(config.file_path).expanduser()
            if not path.exists():
                raise ValidationError("bm_tiles_missing", path=str(path))
            info = _tiles_info(str(path.resolve()), os.stat(path).st_mtime_ns)
        except ValidationError as exc:
            refused.append((Path(config.file_path).name, exc))
        else:
            local_url = tiles.url_template(tiles.publish(path), _base_path())
            local_info = (info.name, info.min_zoom, info.max_zoom)
            if not config.file_attribution and info.attribution:
                config = replace(config, file_attribution=info.attribution)
    at = (DEFAULT_CENTER[1], DEFAULT_CENTER[0])
    found = sources.offered_basemaps(config, local_url=local_url, local_info=local_info, at=at)
    return Offer(found.basemaps, (*found.refused, *refused))


def print_imagery() -> tuple[str, str] | None:
    """(path, attribution) of the local tiles file for the meeting pack's map, if any."""
    for b in offer().basemaps:
        if b.kind == "local":
            return b.local_path, b.attribution or b.label_zh
    return None


# ---------------------------------------------------------------- the settings section
def settings_section(store, lang: str) -> None:
    """The basemap settings (数据 page): 天地图 key, one XYZ/WMTS service, a local file."""
    st.subheader(t("bm_heading", lang))
    st.caption(t("bm_intro", lang))
    shell.show_flash(FEEDBACK)
    if st.session_state.pop(CLEAR_KEY_INPUT, False):
        st.session_state[KEY_INPUT] = ""  # a saved key is not kept in the page
    stored, problem = stored_config()
    if problem is not None:
        st.warning(error_md(problem, lang))
    if not roles.allowed("settings", lang):
        _summary(lang)
        return
    env = sources.with_environment(BasemapConfig()).from_env
    service = stored.service or ServiceConfig(url="")
    with st.form("bm_form"):
        st.markdown(f"**{t('bm_tianditu', lang)}**")
        st.caption(t("bm_tianditu_help", lang))
        if sources.ENV_TIANDITU_KEY in env:
            st.info(t("bm_key_env", lang, name=sources.ENV_TIANDITU_KEY))
        key_now = sources.mask_key(stored.tianditu_key)
        st.caption(t("bm_key_current", lang, masked=key_now) if key_now else t("bm_key_none", lang))
        new_key = st.text_input(t("bm_key_new", lang), type="password", key=KEY_INPUT)
        clear_key = st.checkbox(t("bm_key_clear", lang))

        st.markdown(f"**{t('bm_service', lang)}**")
        if sources.ENV_URL in env:
            st.info(t("bm_service_env", lang, name=sources.ENV_URL))
        url = st.text_input(
            t("bm_service_url", lang),
            value=service.url,
            help=t("bm_service_url_help", lang),
            key="bm_url",
        )
        a, b, c = st.columns(3)
        kind = a.selectbox(
            t("bm_service_kind", lang),
            sources.SERVICE_KINDS,
            index=sources.SERVICE_KINDS.index(service.kind)
            if service.kind in sources.SERVICE_KINDS
            else 0,
            format_func=str.upper,
            key="bm_kind",
        )
        datum = b.selectbox(
            t("bm_service_datum", lang),
            sources.DATUMS,
            index=sources.DATUMS.index(service.datum) if service.datum in sources.DATUMS else 0,
            format_func=sources.DATUM_LABELS.__getitem__,
            help=t("bm_service_datum_help", lang),
            key="bm_datum",
        )
        max_zoom = c.number_input(
            t("bm_service_max_zoom", lang), 1, 22, int(service.max_zoom), step=1, key="bm_max_zoom"
        )
        a, b, c = st.columns(3)
        name = a.text_input(t("bm_service_name", lang), value=service.name, key="bm_name")
        attribution = b.text_input(
            t("bm_service_attribution", lang), value=service.attribution, key="bm_attribution"
        )
        subdomains = c.text_input(
            t("bm_service_subdomains", lang), value=service.subdomains, key="bm_subdomains"
        )

        st.markdown(f"**{t('bm_file', lang)}**")
        if sources.ENV_FILE in env:
            st.info(t("bm_file_env", lang, name=sources.ENV_FILE))
        a, b = st.columns(2)
        file_path = a.text_input(t("bm_file_path", lang), value=stored.file_path, key="bm_path")
        file_attribution = b.text_input(
            t("bm_file_attribution", lang), value=stored.file_attribution, key="bm_file_attr"
        )
        submitted = st.form_submit_button(t("bm_save", lang), type="primary", key="bm_save")
    if submitted:
        key = "" if clear_key else (new_key.strip() or stored.tianditu_key)
        config = BasemapConfig(
            tianditu_key=key,
            service=ServiceConfig(
                url=url.strip(),
                name=name.strip(),
                kind=kind,
                attribution=attribution.strip(),
                datum=datum,
                subdomains=subdomains.strip(),
                max_zoom=int(max_zoom),
            )
            if url.strip()
            else None,
            file_path=file_path.strip(),
            file_attribution=file_attribution.strip(),
        )
        try:
            if config.file_path:
                tiles.open_tiles(config.file_path)
            sources.save_config(store, config, actor=current_actor())
        except ParkError as exc:
            st.error(error_md(exc, lang))
        else:
            st.session_state[FEEDBACK] = t("bm_saved", lang)
            st.session_state[CLEAR_KEY_INPUT] = True
            st.rerun()
    _summary(lang)


def _summary(lang: str) -> None:
    found = offer()
    names = ("、" if lang == "zh" else ", ").join(basemap_label(b, lang) for b in found.basemaps)
    st.markdown(message_md("bm_offered", lang, {"names": names}))
    for b in found.basemaps:
        if b.kind == "local":
            path = Path(b.local_path).expanduser()
            info = _tiles_info(str(path.resolve()), os.stat(path).st_mtime_ns)
            params = {"name": info.name, "min_zoom": info.min_zoom, "max_zoom": info.max_zoom}
            st.caption(message_md("bm_file_ok", lang, params))
    for label, exc in found.refused:
        reason = error_text(exc, lang)
        st.error(message_md("bm_refused", lang, {"name": label, "reason": reason}))
