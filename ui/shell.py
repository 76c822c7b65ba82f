"""The shared sidebar and the per-session state every page reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from gis._errors import ParkError
from gis.i18n import DEFAULT_LANGUAGE, error_text, t
from gis.parcels import history
from gis.store import ParkStore, open_park_store, snapshot
from layers.assets import AssetUrls, asset_urls, install_assets
from ui import dates, memo

APP_DIR = Path(__file__).resolve().parent.parent
LANG_KEY = "ui_lang"  # the chosen language, kept apart from the widget (see _language_switch)
LANG_WIDGET_KEY = "lang"
_LANG_LABELS = {"zh": "中文", "en": "English"}


def lang() -> str:
    """The UI language chosen in the sidebar ('zh' by default)."""
    return st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)


def _remember_language() -> None:
    st.session_state[LANG_KEY] = st.session_state[LANG_WIDGET_KEY]
    _resync_choice_widgets()


def _resync_choice_widgets() -> None:
    """Re-send the values of option widgets so the browser shows them under the new labels.

    Radios and select boxes label their options through the language; after a switch,
    Streamlit 1.67's browser side no longer finds the chosen option among the new labels
    and shows none selected (the value itself is kept). Setting each value again through
    the Session State API makes the next run send it afresh. Only text values (option codes,
    lists of them) are touched: buttons, uploads and editors may not be set that way.
    """
    for key in list(st.session_state.keys()):
        if key == LANG_WIDGET_KEY:
            continue
        value = st.session_state[key]
        is_codes = isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
        if isinstance(value, str) or (is_codes and value):
            st.session_state[key] = value


def _language_switch() -> None:
    # The choice is copied out of the widget by a callback: Streamlit runs a server's
    # first script run in its legacy pages-folder mode, where the widget has another id
    # than in later runs, so a value held only by the widget would be lost.
    options = list(_LANG_LABELS)
    st.selectbox(
        t("language", lang()),
        options,
        index=options.index(lang()),
        key=LANG_WIDGET_KEY,
        format_func=_LANG_LABELS.__getitem__,
        on_change=_remember_language,
    )


@st.cache_resource(show_spinner=False)
def _install_assets() -> None:
    install_assets(APP_DIR / "static")


def assets() -> AssetUrls:
    """Same-origin URLs of the vendored Leaflet, honouring ``server.baseUrlPath``."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    site = f"/{base}" if base else ""
    return asset_urls(f"{site}/app/static", site=site)


def store() -> ParkStore:
    """The store, opened (and created from the sample on first run) once per session."""
    if "store" not in st.session_state:
        st.session_state["store"] = open_park_store()
    return st.session_state["store"]


@st.cache_resource(show_spinner=False, max_entries=4)
def _frames(path: str, version: int) -> dict:
    # Keyed by data version: any write produces a new version and so a fresh read.
    # Cached as a resource (not copied per run): callers must not modify the frames.
    # From the snapshot on disk when it holds this version (a restart need not read it all).
    return snapshot.read_all(ParkStore(path))


def frames() -> dict:
    """All layers of the current store, read once per data version."""
    s = store()
    return _frames(str(s.path), s.data_version())


def frames_as_of(frames: dict, as_of: date | None) -> dict:
    """``frames`` with parcel statuses replayed from the history as of ``as_of`` (once per
    frames and date: :mod:`ui.memo`; do not modify the result)."""
    if as_of is None:
        return frames

    def replay() -> dict:
        parcels = snapshot.derived_layer(
            frames,
            ("as_of", as_of.isoformat()),
            lambda: history.statuses_as_of(frames["parcels"], frames["status_events"], as_of),
        )
        return {**frames, "parcels": parcels}

    return memo.derived(frames, ("as_of", as_of), replay)


AS_OF_KEY = "as_of"


def default_as_of() -> date:
    """The sample park's report date for the sample, today for real data."""
    reference = store().meta().get("reference_date")
    return date.fromisoformat(reference) if reference else date.today()


def _linked_as_of() -> date | None:
    """The ``?as_of=YYYY-MM-DD`` of the URL, if it is a valid date not after today."""
    raw = st.query_params.get(AS_OF_KEY)
    try:
        linked = date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    return linked if linked and linked <= max(date.today(), default_as_of()) else None


def latest_as_of() -> date:
    """The latest as-of date: today, or the sample's reference date if that is later."""
    return max(date.today(), default_as_of())


def as_of() -> date:
    """The as-of date chosen in the sidebar: every page shows the park as on that day
    (never after :func:`latest_as_of`; the sidebar says so when a later date is typed)."""
    return min(st.session_state.get(AS_OF_KEY) or default_as_of(), latest_as_of())


def show_flash(key: str) -> None:
    """Show, once, the success message a page left under ``key`` before its rerun."""
    message = st.session_state.pop(key, None)
    if message:
        st.success(message)


#: Streamlit 1.67 writes some widget text in English, with no parameter for it: the file
#: uploader's "Upload" button and "50MB per file • XLSX" line, and the multiselect's "Select
#: all" / "Select N matches" options. CSS hides that text and shows ours instead (the
#: uploader's accepted file types, which its line also listed, are named in our labels).
_WIDGET_CSS = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {
  font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: $BUTTON; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: $LIMIT; font-size: 0.875rem; }
[data-key="__select_all__"] [data-item-hl], [data-key="__select_matches__"] [data-item-hl] {
  font-size: 0; }
[data-key="__select_all__"] [data-item-hl]::after { content: $ALL; font-size: 0.875rem; }
[data-key="__select_matches__"] [data-item-hl]::after { content: $MATCHES; font-size: 0.875rem; }
</style>"""


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal: anything but letters, digits and spaces escaped.

    An escape is ``\\`` + hex code + one space, which CSS reads as the end of the escape.
    """
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def ready_before_sidebar() -> bool:
    """Prepare what pages read from the sidebar, without showing it (``ui.first_paint``):
    False if the store does not open or fails its check (the sidebar says why)."""
    _install_assets()
    try:
        store().check()
    except ParkError:
        return False
    _seed_as_of()
    return True


def _seed_as_of() -> None:
    # Seed the widget through session state, not `value=`: pages (saved views) set this
    # key too, and a widget given both a default and a state value warns.
    if AS_OF_KEY not in st.session_state:
        st.session_state[AS_OF_KEY] = _linked_as_of() or default_as_of()


def localise_streamlit_widgets() -> None:
    """Put the UI language on the parts of Streamlit's widgets that have no parameter."""
    limit_mb = int(st.get_option("server.maxUploadSize"))
    texts = {
        "$BUTTON": t("uploader_button", lang()),
        "$LIMIT": t("uploader_limit", lang(), mb=limit_mb),
        "$ALL": t("multiselect_all", lang()),
        "$MATCHES": t("multiselect_matches", lang()),
    }
    css = _WIDGET_CSS
    for placeholder, text in texts.items():
        css = css.replace(placeholder, _css_string(text))
    st.html(css)  # style only: Streamlit puts it in its event container, taking no space


def sidebar() -> None:
    """Language switch, data source and the 示意数据 notice; stops the run on a store error."""
    _install_assets()
    localise_streamlit_widgets()
    with st.sidebar:
        _language_switch()
        try:
            s = store()
            s.check()
        except ParkError as exc:
            st.error(error_text(exc, lang()))
            st.stop()
        _seed_as_of()
        # Any typed date reaches the server (a range in the browser would drop it silently
        # and keep the old date); one after today is refused here, visibly (#11, 2).
        chosen = dates.date_input(t("as_of", lang()), key=AS_OF_KEY, help=t("as_of_help", lang()))
        if chosen is not None and chosen > latest_as_of():
            latest = latest_as_of().isoformat()
            st.error(t("as_of_future", lang(), date=chosen.isoformat(), latest=latest))
        if s.is_sample():
            st.warning(t("sample_badge", lang()), icon="⚠️")
        st.caption(t("data_source", lang(), path=str(s.path)))
