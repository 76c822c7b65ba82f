"""The data page's geodata import wizard (导入 tab): target layer, upload, coordinate
system, column mapping, import options, a preview with the validation report and a map,
and the import button."""

from __future__ import annotations

import hashlib

import geopandas as gpd
import pandas as pd
import streamlit as st

from gis import schema, vocabulary
from gis._errors import ParkError
from gis.auth.access import Actor
from gis.crs import area_mu
from gis.excel import labelled_columns
from gis.exchange import crs_detect, readers
from gis.exchange.import_merge import MODES, merge, run_import
from gis.exchange.import_prepare import prepare
from gis.exchange.limits import DEFAULT_LIMITS
from gis.exchange.mapping import IMPORT_LAYERS, suggest_mapping
from gis.i18n import error_text, t
from gis.parcels import lifecycle
from gis.store import ParkStore
from layers._element import ParkGeoJson, encode_features
from layers.legend import LegendItem, LegendSection
from ui import dates, mapview, onboarding, roles, shell, upload_widgets
from ui.session import current_actor
from ui.text import message_md
from ui.upload_widgets import FEEDBACK, PREVIEW_ROWS, encoding_choice, layer_label, mapping_grid

UPLOADS = "ex_upload_round"  # bumped after an import so the uploader starts empty
DIGEST = "ex_digest"  # the file the mapping widgets were set up for
MAP_PREFIX = "ex_map_"
PREVIEW_COLOR = "#d81b60"


@st.cache_data(show_spinner=False, max_entries=4)
def read_cached(name: str, data: bytes, encoding: str | None, layer: str | None):
    return readers.read_upload(name, data, encoding=encoding, layer=layer)


def preview_extras(features: gpd.GeoDataFrame, key: str):
    """The features about to be imported, outlined on the park map."""

    def extras(frames: dict, lang_: str):
        props = pd.DataFrame({"c": features[key].astype(str)})
        spec = {
            "key": "import_preview",
            "stroke": PREVIEW_COLOR,
            "fill": PREVIEW_COLOR,
            "weight": 3,
            "opacity": 1.0,
            "fillOpacity": 0.25,
            "radius": 7,
            "tooltip": [[t("col_code", lang_), "c", None, ""]],
            "lookups": {},
            "label": "c",
            "labelMinZoom": 14,
        }
        layer = ParkGeoJson(
            encode_features(features, props), name=t("layer_import_preview", lang_), spec=spec
        )
        legend = LegendSection(
            t("import_preview", lang_),
            (LegendItem(t("layer_import_preview", lang_), PREVIEW_COLOR, "outline"),),
        )
        return [layer], [legend]

    return extras


def reset_mapping_if_new_file(digest: str) -> None:
    """Forget the mapping widgets' choices when another file is uploaded."""
    if st.session_state.get(DIGEST) != digest:
        stale = [k for k in st.session_state if str(k).startswith(MAP_PREFIX) or k == "ex_layer"]
        for k in stale:
            del st.session_state[k]
        st.session_state[DIGEST] = digest


def mapping_widgets(target: str, columns: list[str], lang: str) -> dict[str, str | None]:
    """One selectbox per column of ``target``: required and suggested ones first.

    Folded away once the identifying column is found, so the preview stays in view.
    """
    spec = schema.layer_spec(target)
    suggested = suggest_mapping(target, columns)
    options = ["", *columns]
    first = [c for c in spec.columns if c.required or suggested[c.name]]
    ordered = first + [c for c in spec.columns if c not in first]
    found = sum(1 for v in suggested.values() if v)
    title = f"{t('import_mapping', lang)} ({found}/{len(spec.columns)})"
    with st.expander(title, expanded=not suggested[spec.key]):
        st.caption(t("import_mapping_help", lang))
        return mapping_grid(
            ordered, options, suggested, f"{MAP_PREFIX}{target}_", lang=lang, mark_required=True
        )


def geometry_report_lines(prepared, lang: str) -> list[str]:
    """The geometries repaired, dropped or converted, one line each."""
    report = prepared.geometry
    lines = [
        t("import_repaired", lang, row=row + 1, reason=reason, result=result)
        for row, reason, result in report.repaired
    ]
    lines += [
        t("import_dropped", lang, row=row + 1, reason=reason) for row, reason in report.dropped
    ]
    lines += [
        t("import_converted", lang, row=row + 1, source=a, target=b)
        for row, a, b in report.converted
    ]
    return lines


def import_tab(store: ParkStore, lang: str) -> None:
    """The wizard, step by step; each step stops it where the file cannot go on."""
    if not roles.allowed("import", lang):
        return
    actor = current_actor()
    # The target layer comes first: the onboarding's 去导入 buttons preselect it (#12).
    target = st.selectbox(
        t("import_target", lang),
        list(IMPORT_LAYERS),
        key="ex_target",
        format_func=lambda name: layer_label(name, lang),
    )
    onboarding.opened_hint(lang, target)
    round_ = st.session_state.get(UPLOADS, 0)
    upload = _read_upload(round_, lang)
    if upload is None:
        return
    name, digest, source = upload
    placed = _placement(source, lang)
    if placed is None:
        return
    columns = [str(c) for c in source.frame.columns if c != "geometry"]
    mapping = mapping_widgets(target, columns, lang)
    mode = st.radio(
        t("import_mode", lang),
        list(MODES),
        key="ex_mode",
        horizontal=True,
        format_func=lambda m: t(f"mode_{m}", lang),
    )
    frames = shell.frames()
    defaults, effective = _options(frames, target, actor, lang)
    st.subheader(t("import_preview", lang))
    prepared = prepare(
        placed.frame, layer=target, mapping=mapping, stated_area_m2=source.stated_area_m2
    )
    run = {"mode": mode, "defaults": defaults, "effective_date": effective, "note": f"导入 {name}"}
    problems, merged = _checks(frames, prepared, run, actor, lang)
    _preview_table(prepared, target, lang)
    if merged is not None:
        _merge_report(merged, prepared, target, mode, lang)
    if not prepared.features.empty and schema.layer_spec(target).key in prepared.features.columns:
        preview_key = hashlib.sha256(
            (digest + target + str(sorted(mapping.items())) + placed.crs).encode()
        ).hexdigest()[:16]
        m = mapview.park_map(
            vocabulary.SALE_FIELD,
            as_of=shell.as_of(),
            extras=preview_extras(prepared.features, schema.layer_spec(target).key),
            extras_key=f"import-{preview_key}",
        )
        mapview.show(m, key="ex_preview_map")
    if problems:
        st.info(t("import_blocked", lang))
    if st.button(
        t("import_button", lang), key="ex_import", type="primary", disabled=bool(problems)
    ):
        _import(store, prepared, run, actor, name, round_, lang)


def _read_upload(round_: int, lang: str) -> tuple[str, str, readers.Source] | None:
    """The uploader and the file read (name, digest, source); None if there is none yet."""
    uploaded = st.file_uploader(
        t("import_upload", lang),
        # .shp and .dwg are accepted only to explain what to upload instead.
        type=[*(s.lstrip(".") for s in readers.FORMATS), "shp", "dwg"],
        key=f"ex_file_{round_}",
        help=t("import_upload_help", lang, limit_mb=DEFAULT_LIMITS.max_upload_bytes // 2**20),
    )
    if uploaded is None:
        return None
    name, data = uploaded.name, uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    reset_mapping_if_new_file(digest)
    try:
        fmt = readers.file_format(name)
    except ParkError as exc:
        st.error(error_text(exc, lang))
        return None
    encoding = None
    if fmt in readers.TEXT_FORMATS:
        encoding = encoding_choice("ex_encoding", lang)
    try:
        source = read_cached(name, data, encoding, None)
        if len(source.layers) > 1:
            layer = st.selectbox(t("import_layer", lang), list(source.layers), key="ex_layer")
            if layer != source.layer:
                source = read_cached(name, data, encoding, layer)
    except ParkError as exc:
        st.error(error_text(exc, lang))
        return None
    st.success(t("import_read_ok", lang, name=name, fmt=fmt, count=len(source.frame)))
    upload_widgets.read_notes(source.encoding, None, lang)
    for key, params in source.notes:
        st.caption(t(key, lang, **params))
    upload_widgets.read_notes(None, source.text_preview, lang)
    return name, digest, source


def _placement(source, lang: str):
    """Coordinate system, datum and axis order chosen or detected; the placed frame, or
    None (and the error) where the coordinates cannot be placed."""
    left, middle, right = st.columns(3)
    crs_choice = left.selectbox(
        t("import_crs", lang),
        ["auto", *crs_detect.CRS_CHOICES],
        key="ex_crs",
        format_func=lambda c: t("import_crs_auto", lang) if c == "auto" else c,
    )
    datum = middle.selectbox(t("import_datum", lang), list(crs_detect.DATUMS), key="ex_datum")
    swap_choice = right.radio(
        t("import_swap", lang),
        ["auto", "yes", "no"],
        key="ex_swap",
        horizontal=True,
        format_func=lambda s: t(f"import_swap_{s}", lang),
    )
    swap = None if swap_choice == "auto" else swap_choice == "yes"
    try:
        placed = crs_detect.place(
            source.frame, declared=source.declared_crs, choice=crs_choice, datum=datum, swap=swap
        )
    except ParkError as exc:
        st.error(error_text(exc, lang))
        return None
    st.caption(
        t(
            "import_crs_found",
            lang,
            crs=placed.crs,
            reason=t(f"crs_reason_{placed.reason}", lang),
            swapped=t("import_swapped_note", lang) if placed.swapped else "",
        )
    )
    for key, params in placed.notes:
        st.caption(t(key, lang, **params))
    if placed.outside:
        st.warning(t("import_outside", lang, count=placed.outside))
    return placed


def _options(frames: dict, target: str, actor: Actor, lang: str):
    """Defaults for new parcels, the author and the effective date: (defaults, date)."""
    defaults: dict[str, object] = {}
    grid = st.columns(4)
    if target == "parcels":
        blocks = frames["blocks"]
        names = dict(zip(blocks["block_id"], blocks["name"], strict=True))
        block = grid[0].selectbox(
            t("import_default_block", lang),
            ["", *names],
            key="ex_default_block",
            format_func=lambda b: names.get(b, t("import_no_default", lang)),
        )
        uses = {u.code: u.label(lang) for u in vocabulary.LAND_USES}
        land_use = grid[1].selectbox(
            t("import_default_land_use", lang),
            list(uses),
            key="ex_default_land_use",
            format_func=uses.__getitem__,
        )
        defaults = {"block_id": block or None, "land_use": land_use}
    author = actor.author  # the signed-in account, never a name typed in
    grid[2].caption(t("import_author", lang) + "：" + author)
    # Any typed date reaches the server; one after today is refused below (#11, 2).
    effective = dates.date_input(
        t("import_effective", lang), value=shell.as_of(), key="ex_effective", container=grid[3]
    )
    return defaults, effective


def _checks(frames: dict, prepared, run: dict, actor: Actor, lang: str):
    """The preview's reports and errors; returns (problems, merged or None)."""
    for line in geometry_report_lines(prepared, lang):
        st.caption(line)
    for key, params in prepared.warnings:  # shown even when the import is blocked
        st.warning(message_md(key, lang, params))
    problems: list[ParkError] = list(prepared.problems)
    if (late := lifecycle.future_date_error(run["effective_date"])) is not None:
        problems.append(late)  # the effective date
    merged = None
    if not problems:
        try:
            merged = merge(frames, prepared, author=actor.author, **run)
        except ParkError as exc:
            problems.append(exc)
    for problem in problems:
        st.error(error_text(problem, lang))
    return problems, merged


def _preview_table(prepared, target: str, lang: str) -> None:
    """The first rows to import, codes shown as labels, with their area in mu."""
    spec = schema.layer_spec(target)
    features = prepared.features
    if features.empty:
        return
    table = pd.DataFrame(features.drop(columns="geometry"))
    if "land_use" in table.columns:  # codes shown as the labels the user knows
        uses = {u.code: u.label(lang) for u in vocabulary.LAND_USES}
        table["land_use"] = table["land_use"].map(lambda c: uses.get(c, c))
    for field in vocabulary.STATUS_FIELDS:
        if target == "parcels" and field in table.columns:
            labels = {s.code: s.label(lang) for s in vocabulary.statuses(field)}
            table[field] = table[field].map(lambda c, m=labels: m.get(c, c))
    if spec.geometry_type == "Polygon":
        table[t("col_area_mu", lang)] = area_mu(features).round(2).to_numpy()
    st.dataframe(
        labelled_columns(table.head(PREVIEW_ROWS), spec, lang), hide_index=True, key="ex_table"
    )


def _merge_report(merged, prepared, target: str, mode: str, lang: str) -> None:
    """What the import would add, update and remove; overlaps and area mismatches."""
    counts = {"added": len(merged.added), "updated": len(merged.updated)}
    if mode == "replace":
        counts["removed"] = len(merged.removed)
    caption = "import_replace_caption" if mode == "replace" else "import_preview_caption"
    st.caption(t(caption, lang, layer=layer_label(target, lang), **counts))
    if merged.removed:
        codes = "、".join(merged.removed) if lang == "zh" else ", ".join(merged.removed)
        st.warning(
            message_md(
                "import_replace_removed", lang, {"count": len(merged.removed), "codes": codes}
            )
        )
    for key, params in merged.notes:
        if (key, params) not in prepared.warnings:  # those are shown above
            st.info(t(key, lang, **params))
    if not merged.overlaps.empty:
        st.warning(t("import_overlaps", lang))
        _labelled_table(merged.overlaps, lang)
    if prepared.stated_area_m2 is not None:
        if merged.area_mismatches.empty:
            st.success(t("import_area_ok", lang, count=len(prepared.features)))
        else:
            st.warning(t("import_area_mismatch", lang))
            _labelled_table(merged.area_mismatches, lang)


def _labelled_table(frame: pd.DataFrame, lang: str) -> None:
    st.dataframe(
        frame.rename(columns={c: t(f"col_{c}", lang) for c in frame.columns}), hide_index=True
    )


def _import(
    store: ParkStore, prepared, run: dict, actor: Actor, name: str, round_: int, lang: str
) -> None:
    """Run the import; on success leave the message, empty the uploader and rerun."""
    try:
        outcome = run_import(store, prepared, actor=actor, source=name, **run)
    except ParkError as exc:
        st.error(error_text(exc, lang))
        return
    mode = run["mode"]
    counts = {"added": len(outcome.added), "updated": len(outcome.updated)}
    if mode == "replace":
        counts["removed"] = len(outcome.removed)
    st.session_state[FEEDBACK] = t(
        "import_done_replace" if mode == "replace" else "import_done",
        lang,
        backup=outcome.backup.name,
        **counts,
    )
    st.session_state[UPLOADS] = round_ + 1
    st.rerun()
