"""Meeting annotations (``annotations`` layer, points, lines and polygons in EPSG:4490): a
decision sketched on the map with its note, meeting date and author. Every write goes
through :meth:`gis.store.ParkStore.transaction`; an edit carries the ``version`` it was
based on and a stale one is refused (:class:`ValidationError` ``ann_stale``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from gis import schema
from gis._errors import ValidationError
from gis.auth import guard
from gis.auth.access import Actor
from gis.crs import AREA_CRS, DISPLAY_CRS, LIANDU_BBOX, STORAGE_CRS
from gis.meeting.views import _next_id
from gis.store import ParkStore, utc_now
from gis.values import is_missing

#: Longest note accepted on an annotation.
MAX_NOTE_LENGTH = 2000


#: Geometry types a sketch may have.
SKETCH_TYPES = ("Point", "LineString", "Polygon")


# ================================================================== annotations
def sketch_geometry(geojson: Mapping[str, Any]) -> shapely.Geometry:
    """A sketch from the browser (a GeoJSON Feature or geometry in EPSG:4326), validated.

    Raises :class:`ValidationError` for anything but a valid point, line or polygon
    inside the district (``LIANDU_BBOX`` widened by 0.05°).
    """
    geometry = geojson.get("geometry", geojson) if isinstance(geojson, Mapping) else None
    if not isinstance(geometry, Mapping) or geometry.get("type") not in SKETCH_TYPES:
        kind = geometry.get("type") if isinstance(geometry, Mapping) else type(geojson).__name__
        raise ValidationError("mtg_ann_geometry_invalid", reason=f"type {kind}")
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise ValidationError("mtg_ann_geometry_invalid", reason=str(exc)) from exc
    return check_geometry(geom)


def check_geometry(geom: shapely.Geometry) -> shapely.Geometry:
    """``geom`` (lon/lat) if it is a valid, non-empty point, line or polygon in the district."""
    if geom.is_empty or geom.geom_type not in SKETCH_TYPES:
        raise ValidationError("mtg_ann_geometry_invalid", reason=geom.geom_type)
    coords = shapely.get_coordinates(geom)
    if not all(math.isfinite(v) for v in coords.ravel()):
        raise ValidationError("mtg_ann_geometry_invalid", reason="coordinates")
    if geom.geom_type == "LineString" and geom.length == 0:
        raise ValidationError("mtg_ann_geometry_invalid", reason="zero length")
    if geom.geom_type == "Polygon":
        if geom.area == 0:
            raise ValidationError("mtg_ann_geometry_invalid", reason="zero area")
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
            if geom.geom_type != "Polygon":  # a bow tie: keep the largest part
                parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
                if not parts:
                    raise ValidationError("mtg_ann_geometry_invalid", reason="self-intersecting")
                geom = max(parts, key=lambda g: g.area)
    minx, miny, maxx, maxy = LIANDU_BBOX
    pad = 0.05
    if not shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad).contains(geom):
        raise ValidationError("mtg_ann_geometry_outside")
    return geom


def parcel_at(parcels: gpd.GeoDataFrame, geom: shapely.Geometry) -> str | None:
    """The parcel a sketch (lon/lat) is about: the one it overlaps most, or touches first."""
    if parcels.empty:
        return None
    shapes = parcels.to_crs(DISPLAY_CRS).geometry
    hits = shapes[shapes.intersects(geom)]
    if hits.empty:
        return None
    if geom.geom_type == "Point":
        return str(parcels.loc[hits.index[0], "code"])
    # Measure the overlaps in metres (EPSG:4549), never in degrees.
    sketch = gpd.GeoSeries([geom] * len(hits), index=hits.index, crs=DISPLAY_CRS)
    overlap = hits.to_crs(AREA_CRS).intersection(sketch.to_crs(AREA_CRS))
    size = overlap.area if geom.geom_type == "Polygon" else overlap.length
    return str(parcels.loc[size.idxmax(), "code"])


@dataclass(frozen=True)
class AnnotationInput:
    """What the user typed: validated by :func:`_check_input`."""

    note: str
    meeting_date: date | str
    author: str = ""  # the add/update functions write the signed-in account's name
    parcel_code: str | None = None


def _check_input(item: AnnotationInput) -> dict[str, Any]:
    note = (item.note or "").strip()
    if not note:
        raise ValidationError("mtg_ann_note_missing")
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError("mtg_ann_note_too_long", length=len(note), limit=MAX_NOTE_LENGTH)
    author = (item.author or "").strip()
    if not author:
        raise ValidationError("mtg_ann_author_missing")
    meeting = item.meeting_date
    if isinstance(meeting, str):
        try:
            meeting = date.fromisoformat(meeting.strip())
        except ValueError as exc:
            raise ValidationError("mtg_ann_date_invalid", value=item.meeting_date) from exc
    if not isinstance(meeting, date):
        raise ValidationError("mtg_ann_date_invalid", value=str(meeting))
    code = (item.parcel_code or "").strip() or None
    return {
        "note": note,
        "author": author,
        "meeting_date": meeting.isoformat(),
        "parcel_code": code,
    }


def add_annotation(
    store: ParkStore, geometry: shapely.Geometry, item: AnnotationInput, *, actor: Actor
) -> str:
    """Store a new annotation (geometry in lon/lat, EPSG:4326); return its id.
    Needs ``annotate`` (on the block of its parcel); the author is ``actor.author``."""
    audit = _annotation_audit(store, actor, "add_annotation", item.parcel_code)
    values = _check_input(replace(item, author=actor.author))
    geom = check_geometry(geometry)
    result: dict[str, str] = {}

    def change(frames: dict) -> dict:
        table = frames["annotations"]
        new_id = _next_id(table["annotation_id"], "A")
        row = gpd.GeoDataFrame(
            [{**values, "annotation_id": new_id, "created_at": utc_now(), "updated_at": None}],
            geometry=[geom],
            crs=DISPLAY_CRS,
        ).to_crs(STORAGE_CRS)
        row["version"] = 1
        result["id"] = new_id
        return {"annotations": _typed_annotations(_concat(table, row))}

    store.transaction(["annotations"], change, audit=audit)
    return result["id"]


def _annotation_audit(
    store: ParkStore,
    actor: Actor | None,
    event: str,
    *codes: str | None,
    annotation_id: str | None = None,
):
    """The audit entry of an annotation write ``actor`` may make: ``annotate`` on the
    blocks of the parcels concerned (the one named and, for a stored annotation, its own)."""
    concerned = [c for c in codes if c]
    if annotation_id is not None and actor is not None and actor.blocks:
        table = store.read("annotations")
        hit = table[table["annotation_id"] == annotation_id]
        concerned += [c for c in hit["parcel_code"] if isinstance(c, str) and c]
    return guard.permit(
        store,
        actor,
        "annotate",
        event,
        target=annotation_id or guard.listed(concerned),
        blocks=guard.store_blocks_of(store, actor, concerned),
    )


def update_annotation(
    store: ParkStore,
    annotation_id: str,
    *,
    expected_version: int,
    item: AnnotationInput,
    actor: Actor,
    geometry: shapely.Geometry | None = None,
) -> int:
    """Change an annotation's text and (if given) its shape; return the new version.

    ``expected_version`` is the version the edit was based on: if someone saved the
    annotation since, :class:`ValidationError` ``ann_stale`` is raised and nothing is
    written. Needs ``annotate`` (on the blocks of its parcel before and after); the
    annotation keeps its author (who changed it is in the audit trail).
    """
    audit = _annotation_audit(
        store, actor, "update_annotation", item.parcel_code, annotation_id=annotation_id
    )
    values = _check_input(replace(item, author=actor.author))
    del values["author"]
    geom = check_geometry(geometry) if geometry is not None else None
    result: dict[str, int] = {}

    def change(frames: dict) -> dict:
        table = frames["annotations"].copy()
        i = _annotation_row(table, annotation_id, expected_version)
        current = int(expected_version)
        for key, value in values.items():
            table.at[i, key] = value
        table.at[i, "updated_at"] = utc_now()
        table.at[i, "version"] = current + 1
        if geom is not None:
            stored = gpd.GeoSeries([geom], crs=DISPLAY_CRS).to_crs(table.crs or STORAGE_CRS)
            table.loc[[i], "geometry"] = stored.to_numpy()
        result["version"] = current + 1
        return {"annotations": _typed_annotations(table)}

    store.transaction(["annotations"], change, audit=audit)
    return result["version"]


def _annotation_row(table: pd.DataFrame, annotation_id: str, expected_version: int):
    """The index of the annotation in ``table``, if it is still at ``expected_version``
    (``mtg_ann_not_found`` / ``mtg_ann_stale`` otherwise): two people editing at once."""
    hit = table.index[table["annotation_id"] == annotation_id]
    if hit.empty:
        raise ValidationError("mtg_ann_not_found", annotation_id=annotation_id)
    current = int(pd.to_numeric(table.at[hit[0], "version"], errors="coerce") or 0)
    if current != int(expected_version):
        raise ValidationError(
            "mtg_ann_stale",
            annotation_id=annotation_id,
            expected=int(expected_version),
            current=current,
        )
    return hit[0]


def delete_annotation(
    store: ParkStore, annotation_id: str, *, expected_version: int, actor: Actor
) -> None:
    """Remove an annotation, unless someone changed it since ``expected_version``.
    Needs ``annotate`` (on the block of its parcel)."""
    audit = _annotation_audit(store, actor, "delete_annotation", annotation_id=annotation_id)

    def change(frames: dict) -> dict:
        table = frames["annotations"]
        _annotation_row(table, annotation_id, expected_version)
        return {"annotations": _typed_annotations(table[table["annotation_id"] != annotation_id])}

    store.transaction(["annotations"], change, audit=audit)


def _concat(table: gpd.GeoDataFrame, row: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if table.empty:
        return row[[*schema.ANNOTATIONS.column_names, "geometry"]]
    table = table.to_crs(STORAGE_CRS)
    return gpd.GeoDataFrame(pd.concat([table, row], ignore_index=True), crs=STORAGE_CRS)


def _typed_annotations(table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = table.reset_index(drop=True).copy()
    out["version"] = pd.to_numeric(out["version"], errors="coerce").fillna(1).astype("int64")
    for column in ("updated_at", "parcel_code"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=table.crs or STORAGE_CRS)


def meeting_dates(annotations: pd.DataFrame) -> list[str]:
    """The meeting dates that have annotations, newest first."""
    return sorted({str(d) for d in annotations["meeting_date"].dropna()}, reverse=True)


def annotations_geojson(annotations: gpd.GeoDataFrame) -> bytes:
    """The annotations as a GeoJSON FeatureCollection (RFC 7946: lon/lat, WGS84), UTF-8."""
    shown = annotations.to_crs(DISPLAY_CRS) if len(annotations) else annotations
    features = []
    for row, geom in zip(
        pd.DataFrame(shown.drop(columns="geometry")).to_dict(orient="records"),
        shown.geometry,
        strict=True,
    ):
        props = {k: (None if is_missing(v) else _plain(v)) for k, v in row.items()}
        features.append({"type": "Feature", "geometry": mapping(geom), "properties": props})
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _plain(value: object) -> object:
    return value.item() if hasattr(value, "item") else value
