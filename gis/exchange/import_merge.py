"""Merging prepared rows into the store: modes, references between layers, new rows
completed from the map, status dates and events, and the all-or-nothing import run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import schema, vocabulary
from gis._errors import ValidationError
from gis.auth import guard
from gis.auth.access import Actor
from gis.exchange.geometry import (
    area_mismatches,
    overlaps,
)
from gis.exchange.import_cells import _STATUS_COLUMNS, is_blank
from gis.exchange.import_prepare import Prepared
from gis.store import Frame, ParkStore

#: ``add`` refuses codes that exist; ``update`` updates them and adds the rest; ``replace``
#: does as ``update`` and removes every row of the layer the file does not hold.
MODES: tuple[str, ...] = ("add", "update", "replace")


# Which layer a spatial default is looked up in: (column, reference layer, its column).
SPATIAL_DEFAULTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "parcels": (("block_id", "blocks", "block_id"),),
    "buildings": (("parcel_code", "parcels", "code"),),
    "vacant_spaces": (
        ("building_id", "buildings", "building_id"),
        ("parcel_code", "parcels", "code"),
    ),
    "enterprises": (("parcel_code", "parcels", "code"),),
}


_REFERENCE_LAYERS = {
    "parcels": ("blocks",),
    "buildings": ("parcels",),
    "vacant_spaces": ("parcels", "buildings"),
    "enterprises": ("parcels",),
    "blocks": (),
    "park_boundary": (),
}


# ---------------------------------------------------------------- merging
@dataclass
class MergeResult:
    frames: dict[str, Frame]
    added: list[str]
    updated: list[str]
    overlaps: pd.DataFrame
    area_mismatches: pd.DataFrame
    notes: list[tuple[str, dict]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # codes removed (mode ``replace``)


#: Per layer, the rows of other layers that refer to its codes: (layer, column, the
#: referring row's id column, and for ``period_figures`` the ``subject_kind`` it needs).
#: A ``replace`` import may not remove a code one of these still uses.
REFERRED_BY: dict[str, tuple[tuple[str, str, str, str | None], ...]] = {
    "blocks": (("parcels", "block_id", "code", None),),
    "parcels": (
        ("status_events", "parcel_code", "event_id", None),
        ("buildings", "parcel_code", "building_id", None),
        ("vacant_spaces", "parcel_code", "space_id", None),
        ("enterprises", "parcel_code", "enterprise_id", None),
        ("period_figures", "subject_id", "subject_id", "project"),
        ("annotations", "parcel_code", "annotation_id", None),
    ),
    "buildings": (("vacant_spaces", "building_id", "space_id", None),),
    "enterprises": (
        ("enterprise_years", "enterprise_id", "enterprise_id", None),
        ("evaluation_adjustments", "enterprise_id", "enterprise_id", None),
        ("period_figures", "subject_id", "subject_id", "enterprise"),
    ),
    "vacant_spaces": (),
    "park_boundary": (),
}


def layers_needed(layer: str, mode: str = "add") -> list[str]:
    """The store layers :func:`merge` reads for an import into ``layer`` in ``mode``."""
    extra = ["status_events"] if layer == "parcels" else []
    if mode == "replace":
        extra += [ref for ref, *_ in REFERRED_BY[layer]]
    return list(dict.fromkeys([layer, *extra, *_REFERENCE_LAYERS[layer]]))


def _check_removable(current: Mapping[str, Frame], layer: str, removed: list[str]) -> None:
    """Refuse a ``replace`` that removes codes other layers still refer to, naming them.

    A parcel with a recorded status history is never removed silently: its history is the
    park's record (domain §5), so the import is refused and names the parcels.
    """
    if not removed:
        return
    gone = set(removed)
    for ref_layer, column, _, kind in REFERRED_BY[layer]:
        frame = current.get(ref_layer)
        if frame is None or frame.empty or column not in frame.columns:
            continue
        rows = frame
        if kind is not None and "subject_kind" in frame.columns:
            rows = frame[frame["subject_kind"].astype(str) == kind]
        values = rows[column].dropna().astype(str)
        used = sorted(set(values[values.isin(gone)]))
        if not used:
            continue
        if layer == "parcels" and ref_layer == "status_events":
            raise ValidationError(
                "import_replace_history", values="、".join(used[:12]), count=len(used)
            )
        raise ValidationError(
            "import_replace_referenced",
            layer=schema.layer_spec(layer).label_zh,
            ref_layer=schema.layer_spec(ref_layer).label_zh,
            column=schema.layer_spec(ref_layer).column(column).label_zh,
            values="、".join(used[:12]),
            count=len(used),
        )


def merge(
    current: Mapping[str, Frame],
    prepared: Prepared,
    *,
    mode: str = "add",
    defaults: Mapping[str, object] | None = None,
    author: str = "import",
    effective_date: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> MergeResult:
    """The frames to write for ``prepared`` merged into ``current`` (not modified).

    ``mode`` ``add`` refuses codes that exist; ``update`` updates them and adds the rest;
    ``replace`` does as ``update`` and removes every row of the layer whose code is not in
    the file (``removed``), refused when another layer still refers to a removed code (a
    parcel's status history, its buildings or enterprises, a block's parcels ...): see
    :data:`REFERRED_BY`. Raises :class:`ValidationError` on the first blocking problem.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {MODES}")
    if prepared.problems:
        raise prepared.problems[0]
    layer = prepared.layer
    spec = schema.layer_spec(layer)
    key = spec.key
    defaults = dict(defaults or {})
    effective = (effective_date or date.today()).isoformat()
    now = now or datetime.now(UTC)
    incoming = prepared.features.copy()
    codes = incoming[key]
    if codes.isna().any():
        rows = [int(prepared.source_rows[i]) + 1 for i in np.flatnonzero(codes.isna())]
        raise ValidationError(
            "import_key_blank", column=spec.column(key).label_zh, rows=", ".join(map(str, rows[:8]))
        )
    dupes = codes[codes.duplicated()].unique().tolist()
    if dupes:
        raise ValidationError(
            "import_duplicate_keys",
            column=spec.column(key).label_zh,
            values="、".join(map(str, dupes[:8])),
        )
    existing = current[layer]
    present = set(existing[key].astype(str))
    is_new = ~codes.astype(str).isin(present)
    if mode == "add" and not is_new.all():
        clash = codes[~is_new].tolist()
        raise ValidationError(
            "import_keys_exist",
            column=spec.column(key).label_zh,
            values="、".join(map(str, clash[:8])),
            count=len(clash),
        )
    notes: list[tuple[str, dict]] = list(prepared.warnings)
    new = _complete_new_rows(incoming[is_new.to_numpy()], current, prepared, defaults, spec)
    updated_frame, updated = _apply_updates(existing, incoming[~is_new.to_numpy()], prepared, spec)
    if layer == "parcels" and set(prepared.mapped) & set(_STATUS_COLUMNS) and updated:
        notes.append(("import_status_ignored", {"count": len(updated)}))
    _check_references(new, current, layer)
    removed: list[str] = []
    if mode == "replace":
        incoming_codes = set(codes.astype(str))
        gone = ~updated_frame[key].astype(str).isin(incoming_codes).to_numpy()
        removed = updated_frame.loc[gone, key].astype(str).tolist()
        _check_removable(current, layer, removed)
        updated_frame = updated_frame.loc[~gone]
    frames: dict[str, Frame] = {}
    if layer == "parcels":
        new = _set_status_dates(new, effective)
        frames["status_events"] = _with_events(
            current["status_events"], new, effective, author, note, now
        )
    combined = _concat(updated_frame, new, spec)
    frames[layer] = combined
    # With ``replace`` the rows it removes overlap nothing any more.
    kept = existing[~existing[key].astype(str).isin(removed)] if removed else existing
    over = (
        overlaps(incoming, kept, key=key)
        if spec.geometry_type == "Polygon"
        else pd.DataFrame(columns=["new", "existing", "overlap_m2"])
    )
    mismatch = (
        area_mismatches(incoming, prepared.stated_area_m2, key=key)
        if prepared.stated_area_m2 is not None
        else pd.DataFrame(columns=["code", "stated_m2", "computed_m2", "difference_m2"])
    )
    return MergeResult(frames, new[key].tolist(), updated, over, mismatch, notes, removed)


def _complete_new_rows(rows, current, prepared, defaults, spec) -> gpd.GeoDataFrame:
    layer = prepared.layer
    out = rows.copy()
    for column in spec.columns:
        if column.name not in out.columns:
            out[column.name] = None
    out = out[[*spec.column_names, "geometry"]].astype({c: object for c in spec.column_names})
    for column_name, ref_layer, ref_column in SPATIAL_DEFAULTS.get(layer, ()):
        missing = out[column_name].isna()
        if missing.any() and ref_layer in current and not current[ref_layer].empty:
            found = _containing(out[missing], current[ref_layer], ref_column)
            out.loc[missing, column_name] = found
            if layer == "vacant_spaces" and column_name == "building_id":
                owners = current["buildings"].set_index("building_id")["parcel_code"]
                fill = out["parcel_code"].isna() & out["building_id"].notna()
                out.loc[fill, "parcel_code"] = out.loc[fill, "building_id"].map(owners)
    if layer == "parcels":
        fixed = {
            "sale_status": "PLANNED",
            "construction_status": "NOT_STARTED",
            "version": 1,
            "extension_days": 0,
            "gov_cause_delay": False,
            "standard_land": False,
        }
        for name, value in fixed.items():
            out[name] = out[name].where(out[name].notna(), value)
        out["version"] = 1
        out["name"] = out["name"].where(out["name"].notna(), out["code"])
        bad = out[
            (out["construction_status"] != "NOT_STARTED") & (out["sale_status"] != "DELIVERED")
        ]
        if not bad.empty:
            raise ValidationError(
                "import_status_inconsistent", values="、".join(bad["code"].astype(str).tolist()[:8])
            )
    if layer in ("buildings", "enterprises", "vacant_spaces"):
        for flag in ("is_vacant", "is_above_scale", "tenant"):
            if flag in out.columns:
                out[flag] = out[flag].where(out[flag].notna(), False)
    for name, value in defaults.items():
        if name in out.columns and value not in (None, ""):
            out[name] = out[name].where(out[name].notna(), value)
    for column in spec.columns:
        if column.required and out[column.name].isna().any():
            missing_codes = out.loc[out[column.name].isna(), spec.key].astype(str).tolist()
            raise ValidationError(
                "import_required_missing",
                column=column.label_zh,
                values="、".join(missing_codes[:8]),
                count=len(missing_codes),
            )
    return gpd.GeoDataFrame(out, geometry="geometry", crs=rows.crs)


def _containing(features: gpd.GeoDataFrame, reference: gpd.GeoDataFrame, column: str) -> list:
    """Per feature, ``column`` of the reference polygon containing its representative point."""
    points = shapely.point_on_surface(features.geometry.to_numpy())
    ref = reference.to_crs(features.crs) if reference.crs != features.crs else reference
    found: list = [None] * len(points)
    point_idx, ref_idx = ref.sindex.query(points, predicate="within")
    values = ref[column].to_numpy()
    for i, j in zip(point_idx, ref_idx, strict=True):
        if found[i] is None:
            found[i] = values[j]
    return found


def _apply_updates(existing, rows, prepared, spec) -> tuple[gpd.GeoDataFrame, list[str]]:
    if rows.empty:
        return existing, []
    out = existing.copy()
    key = spec.key
    index = {str(k): i for i, k in zip(out.index, out[key], strict=True)}
    columns = [c for c in prepared.mapped if c != key and c not in _STATUS_COLUMNS]
    out = out.astype({c: object for c in columns if c in out.columns})
    updated = []
    for _, row in rows.iterrows():
        at = index[str(row[key])]
        for c in columns:
            if not is_blank(row[c]):
                out.at[at, c] = row[c]
        out.loc[[at], "geometry"] = gpd.GeoSeries([row.geometry], index=[at], crs=rows.crs).to_crs(
            out.crs
        )
        if "version" in spec.column_names:
            out.at[at, "version"] = int(out.at[at, "version"]) + 1
        updated.append(str(row[key]))
    return out, updated


def _check_references(new: gpd.GeoDataFrame, current: Mapping[str, Frame], layer: str) -> None:
    checks = {
        "parcels": [("block_id", "blocks", "block_id")],
        "buildings": [("parcel_code", "parcels", "code")],
        "vacant_spaces": [
            ("parcel_code", "parcels", "code"),
            ("building_id", "buildings", "building_id"),
        ],
        "enterprises": [("parcel_code", "parcels", "code")],
    }
    for column, ref_layer, ref_column in checks.get(layer, []):
        known = set(current[ref_layer][ref_column].astype(str))
        values = new[column].dropna().astype(str)
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValidationError(
                "import_unknown_reference",
                column=schema.layer_spec(layer).column(column).label_zh,
                values="、".join(unknown[:8]),
            )


def _set_status_dates(new: gpd.GeoDataFrame, effective: str) -> gpd.GeoDataFrame:
    out = new.copy()
    for field_name in _STATUS_COLUMNS:
        for i in out.index:
            code = out.at[i, field_name]
            if field_name == vocabulary.CONSTRUCTION_FIELD and code == "NOT_STARTED":
                continue
            date_field = vocabulary.status(field_name, code).date_field
            if is_blank(out.at[i, date_field]):
                out.at[i, date_field] = effective
    return out


def _with_events(events, new, effective, author, note, now) -> pd.DataFrame:
    ids = pd.to_numeric(events["event_id"], errors="coerce")
    next_id = int(ids.max()) + 1 if len(ids.dropna()) else 1
    recorded = now.strftime("%Y-%m-%dT%H:%M:%S")
    rows = []
    for _, parcel in new.iterrows():
        for field_name in _STATUS_COLUMNS:
            code = parcel[field_name]
            if field_name == vocabulary.CONSTRUCTION_FIELD and code == "NOT_STARTED":
                continue
            when = parcel[vocabulary.status(field_name, code).date_field] or effective
            rows.append(
                {
                    "event_id": next_id,
                    "parcel_code": parcel["code"],
                    "field": field_name,
                    "old_status": None,
                    "new_status": code,
                    "effective_date": when,
                    "recorded_at": recorded,
                    "author": author,
                    "note": note,
                    "supersedes": None,
                }
            )
            next_id += 1
    return _concat(events, pd.DataFrame(rows), schema.STATUS_EVENTS)


def _concat(existing: Frame, new: Frame, spec: schema.LayerSpec) -> Frame:
    columns = list(spec.column_names)
    parts = [conform(f, spec) for f in (existing, new) if len(f)]
    if not parts:
        return conform(existing, spec)
    if spec.geometry_type is None:
        return conform(pd.concat([p[columns] for p in parts], ignore_index=True), spec)
    crs = existing.crs or new.crs
    parts = [p.to_crs(crs) for p in parts]
    frame = pd.concat([pd.DataFrame(p[[*columns, "geometry"]]) for p in parts], ignore_index=True)
    return conform(gpd.GeoDataFrame(frame, geometry="geometry", crs=crs), spec)


def conform(frame: Frame, spec: schema.LayerSpec) -> Frame:
    """``frame`` with each column of ``spec`` in one dtype GeoPackage writes faithfully."""
    out = frame.copy()
    for column in spec.columns:
        if column.name not in out.columns:
            out[column.name] = None
        values = out[column.name]
        if column.dtype == "float":
            out[column.name] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif column.dtype == "int":
            numbers = pd.to_numeric(values, errors="coerce")
            out[column.name] = (
                numbers.astype("int64") if numbers.notna().all() else numbers.astype("Int64")
            )
        elif column.dtype == "bool":
            flags = values.astype(object).where(values.notna(), None)
            if flags.notna().all():
                out[column.name] = flags.astype(bool)
            else:
                out[column.name] = flags.astype("boolean")
        else:
            texts = values.astype(object).where(values.notna(), None)
            out[column.name] = texts.map(lambda v: v if v is None else str(v))
    return out


# ---------------------------------------------------------------- running
@dataclass(frozen=True)
class ImportOutcome:
    version: int
    backup: Path
    added: list[str]
    updated: list[str]
    removed: list[str] = field(default_factory=list)


def run_import(
    store: ParkStore,
    prepared: Prepared,
    *,
    mode: str = "add",
    defaults: Mapping[str, object] | None = None,
    actor: Actor,
    effective_date: date | None = None,
    note: str = "",
    expected_version: int | None = None,
    source: str = "",
) -> ImportOutcome:
    """Back the store up, then merge ``prepared`` in one transaction (all or nothing).

    ``mode`` as :func:`merge`; with ``replace`` the check of references to removed codes
    runs inside the transaction, on the data as it is then. Needs ``import``; the
    author of the status events it writes is ``actor.author``; the import is audited
    (event ``import``, with ``source``, the file's name)."""
    audit = guard.permit(
        store,
        actor,
        "import",
        "import",
        target=prepared.layer,
        details={"mode": mode, "source": source, "rows": len(prepared.features)},
    )
    author = actor.author
    if prepared.problems:
        raise prepared.problems[0]
    backup = store.backup(reason=f"before-import-{prepared.layer}")
    result: dict[str, MergeResult] = {}

    def change(current: dict[str, Frame]) -> dict[str, Frame]:
        merged = merge(
            current,
            prepared,
            mode=mode,
            defaults=defaults,
            author=author,
            effective_date=effective_date,
            note=note,
        )
        result["merge"] = merged
        return merged.frames

    version = store.transaction(
        layers_needed(prepared.layer, mode),
        change,
        expected_version=expected_version,
        audit=audit,
    )
    merged = result["merge"]
    return ImportOutcome(version, backup, merged.added, merged.updated, merged.removed)
