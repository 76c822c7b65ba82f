"""Meeting mode: saved views, meeting annotations, key figures and the meeting-pack tables.

- **Saved views** (``saved_views`` table): a named, ordered map state — centre and zoom,
  visible layers, colouring, block filter and as-of date — stored as JSON, stepped through
  like slides and opened by a link ``?view=<id>``.
- **Annotations** (``annotations`` layer, points, lines and polygons in EPSG:4490): a
  decision sketched on the map with its note, meeting date and author. Every write goes
  through :meth:`gis.store.ParkStore.transaction`; an edit carries the ``version`` it was
  based on and a stale one is refused (:class:`ValidationError` ``ann_stale``).
- **Key figures and pack tables**: parcels sold, started, in production and idle as of a
  date; target progress; the overdue and idle list; the decision log; a scenario
  comparison built from the ``scenarios`` table.

Pure functions on frames (no streamlit); the store is only touched by the write helpers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from gis import guard, history, lifecycle, schema, targets, vocabulary
from gis._errors import ValidationError
from gis.access import Actor
from gis.crs import AREA_CRS, DISPLAY_CRS, LIANDU_BBOX, STORAGE_CRS
from gis.reuse import scenarios
from gis.store import ParkStore, utc_now
from gis.values import is_missing

#: Map layers a view can show or hide (the ``key`` of each park layer).
LAYER_KEYS: tuple[str, ...] = (
    "parcels",
    "blocks",
    "buildings",
    "enterprises",
    "context",
    "boundary",
    "annotations",
)
#: Shown unless a view says otherwise (enterprises start hidden, as on the map page).
DEFAULT_LAYERS: tuple[str, ...] = tuple(k for k in LAYER_KEYS if k != "enterprises")
#: Their label message keys (gis.messages).
LAYER_LABEL_KEYS: dict[str, str] = {
    "parcels": "layer_parcels",
    "blocks": "layer_blocks",
    "buildings": "layer_buildings",
    "enterprises": "layer_enterprises",
    "context": "layer_context",
    "boundary": "layer_boundary",
    "annotations": "mtg_layer_annotations",
}
#: Longest note accepted on an annotation.
MAX_NOTE_LENGTH = 2000
#: Geometry types a sketch may have.
SKETCH_TYPES = ("Point", "LineString", "Polygon")


# ================================================================== saved views
@dataclass(frozen=True)
class ViewState:
    """What a saved view restores. ``center`` is (lat, lng) in EPSG:4326."""

    center: tuple[float, float] | None = None
    zoom: int | None = None
    layers: tuple[str, ...] = DEFAULT_LAYERS
    field: str = vocabulary.SALE_FIELD
    block_ids: tuple[str, ...] = ()
    as_of: date | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "center": list(self.center) if self.center else None,
                "zoom": self.zoom,
                "layers": list(self.layers),
                "field": self.field,
                "block_ids": list(self.block_ids),
                "as_of": self.as_of.isoformat() if self.as_of else None,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ViewState:
        """Parse and validate a stored state; :class:`ValidationError` says what is wrong."""
        try:
            raw = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise ValidationError("mtg_view_state_invalid", reason=f"JSON: {exc}") from exc
        if not isinstance(raw, dict):
            raise ValidationError("mtg_view_state_invalid", reason="not an object")
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ViewState:
        center = raw.get("center")
        if center is not None:
            if not (isinstance(center, (list, tuple)) and len(center) == 2):
                raise ValidationError("mtg_view_state_invalid", reason=f"center {center!r}")
            lat, lng = (float(v) for v in center)
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                raise ValidationError("mtg_view_state_invalid", reason=f"center {center!r}")
            center = (lat, lng)
        zoom = raw.get("zoom")
        if zoom is not None:
            zoom = int(zoom)
            if not 0 <= zoom <= 22:
                raise ValidationError("mtg_view_state_invalid", reason=f"zoom {zoom}")
        layers = tuple(str(v) for v in raw.get("layers", DEFAULT_LAYERS))
        unknown = sorted(set(layers) - set(LAYER_KEYS))
        if unknown:
            raise ValidationError("mtg_view_state_invalid", reason=f"layers {unknown}")
        field_ = str(raw.get("field", vocabulary.SALE_FIELD))
        if field_ not in vocabulary.STATUS_FIELDS:
            raise ValidationError("mtg_view_state_invalid", reason=f"field {field_!r}")
        as_of = raw.get("as_of")
        try:
            as_of = date.fromisoformat(as_of) if as_of else None
        except (TypeError, ValueError) as exc:
            raise ValidationError("mtg_view_state_invalid", reason=f"as_of {as_of!r}") from exc
        return cls(
            center=center,
            zoom=zoom,
            layers=tuple(k for k in LAYER_KEYS if k in layers),  # canonical order
            field=field_,
            block_ids=tuple(str(v) for v in raw.get("block_ids", ())),
            as_of=as_of,
        )


@dataclass(frozen=True)
class SavedView:
    view_id: str
    name: str
    position: int
    state: ViewState
    author: str = ""


def list_views(table: pd.DataFrame) -> list[SavedView]:
    """The saved views in presentation order (position, then id). Broken rows are skipped."""
    views = []
    for row in table.itertuples(index=False):
        try:
            state = ViewState.from_json(row.state_json)
        except ValidationError:
            continue
        position = pd.to_numeric(row.position, errors="coerce")
        views.append(
            SavedView(
                view_id=str(row.view_id),
                name=str(row.name),
                position=int(position) if pd.notna(position) else 0,
                state=state,
                author=_text(row.author),
            )
        )
    return sorted(views, key=lambda v: (v.position, v.view_id))


def _drawn(frame: pd.DataFrame | None) -> gpd.GeoDataFrame | None:
    """The rows of ``frame`` with a geometry (None when there is none)."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame.empty:
        return None
    geoms = frame.geometry
    drawn = frame[geoms.notna() & ~geoms.is_empty]
    return drawn if len(drawn) else None


def view_bounds(
    frames: Mapping[str, pd.DataFrame], state: ViewState
) -> tuple[float, float, float, float] | None:
    """What a view is about, as lon/lat bounds (minx, miny, maxx, maxy, EPSG:4326).

    The outlines of its blocks (those of ``state.block_ids`` that exist), or else the
    first of the park boundary, every block, the parcels that has a geometry: the map
    fits these when the view has no centre. ``None`` when the park has nothing drawn yet
    (an empty store): there is nothing to fit, and the map opens where
    :func:`layers.parkmap.map_bounds` puts it (莲都).
    """
    blocks = frames["blocks"]
    chosen = blocks[blocks["block_id"].isin(state.block_ids)] if state.block_ids else blocks[:0]
    for frame in (chosen, frames.get("park_boundary"), blocks, frames.get("parcels")):
        drawn = _drawn(frame)
        if drawn is not None:
            bounds = tuple(float(v) for v in drawn.to_crs(DISPLAY_CRS).total_bounds)
            if all(math.isfinite(v) for v in bounds):
                minx, miny, maxx, maxy = bounds
                return (minx, miny, maxx, maxy)
    return None


def change_view(state: ViewState, **changes: Any) -> ViewState:
    """``state`` after the user changed its colouring, layers, blocks or date.

    Another set of blocks means another place: the centre and zoom are dropped, so the
    map fits the chosen blocks (see :func:`view_bounds`) instead of staying where the old
    blocks were. Any other change keeps the map where it is.
    """
    new = with_view(state, **changes)
    if new.block_ids != state.block_ids:
        new = replace(new, center=None, zoom=None)
    return new


def seen_view(
    state: ViewState, reported: Mapping[str, Any] | None, frames: Mapping[str, pd.DataFrame]
) -> ViewState:
    """``state`` at the centre and zoom the browser reports the map at: what the screen shows.

    ``reported`` is the map component's answer (``center`` ``{"lat", "lng"}``, ``zoom`` and
    optionally ``bounds`` ``{"_southWest": {...}, "_northEast": {...}}``); without a
    centre (the map has not reported yet) ``state`` is returned as it is. A report whose
    bounds miss the view's blocks altogether is stale (from before the blocks changed)
    or shows nothing of the view: the view then keeps no position and fits its blocks.
    """
    center = (reported or {}).get("center") or {}
    try:
        lat, lng = float(center["lat"]), float(center["lng"])
        zoom = round(float((reported or {})["zoom"]))
    except (KeyError, TypeError, ValueError):
        return state
    box = _reported_box((reported or {}).get("bounds"))
    about = view_bounds(frames, state)
    if box is not None and about is not None:
        if not shapely.box(*box).intersects(shapely.box(*about)):
            return replace(state, center=None, zoom=None)
    return with_view(state, center=(lat, lng), zoom=zoom)


def _reported_box(bounds: object) -> tuple[float, float, float, float] | None:
    """(minx, miny, maxx, maxy) of a Leaflet ``getBounds()`` as the component reports it."""
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]  # type: ignore[index]
        box = (float(sw["lng"]), float(sw["lat"]), float(ne["lng"]), float(ne["lat"]))
    except (KeyError, TypeError, ValueError):
        return None
    return box if all(math.isfinite(v) for v in box) and box[0] < box[2] else None


def is_modified(saved: ViewState, shown: ViewState) -> bool:
    """True when ``shown`` no longer has the colouring, layers, blocks or date of ``saved``.

    Panning and zooming are not counted: a view is re-saved (overwritten) to keep them.
    """
    keys = ("field", "layers", "block_ids", "as_of")
    return any(getattr(saved, k) != getattr(shown, k) for k in keys)


def find_view(views: Sequence[SavedView], view_id: str | None) -> SavedView | None:
    return next((v for v in views if v.view_id == view_id), None)


def step_view(views: Sequence[SavedView], current_id: str | None, step: int) -> SavedView | None:
    """The view ``step`` places after (``+1``) or before (``-1``) ``current_id``, wrapping.

    With no current view, ``+1`` opens the first and ``-1`` the last.
    """
    if not views:
        return None
    ids = [v.view_id for v in views]
    if current_id not in ids:
        return views[0] if step >= 0 else views[-1]
    return views[(ids.index(current_id) + step) % len(views)]


def view_link(view_id: str, *, page: str = "meeting", as_of: date | None = None) -> str:
    """The relative link that opens the app on a view: ``meeting?view=<id>``.

    With ``as_of`` the link also carries ``&as_of=YYYY-MM-DD``, which the sidebar's date
    control starts from, so a fresh session shows the view's date there too.
    """
    from urllib.parse import quote

    link = f"{page}?view={quote(view_id)}"
    return f"{link}&as_of={as_of.isoformat()}" if as_of else link


def save_view(
    store: ParkStore,
    *,
    name: str,
    state: ViewState,
    actor: Actor,
    view_id: str | None = None,
) -> str:
    """Save ``state`` as a new view at the end (or overwrite ``view_id``); return its id.
    Needs ``save_view``; the author is ``actor.author``."""
    audit = guard.permit(store, actor, "save_view", "save_view", target=view_id or name)
    author = actor.author
    name = (name or "").strip()
    if not name:
        raise ValidationError("mtg_view_name_missing")
    result: dict[str, str] = {}

    def change(frames: dict) -> dict:
        table = frames["saved_views"].copy()
        now = utc_now()
        if view_id is not None:
            hit = table["view_id"] == view_id
            if not hit.any():
                raise ValidationError("mtg_view_not_found", view_id=view_id)
            table.loc[hit, ["name", "state_json"]] = [name, state.to_json()]
            result["id"] = view_id
        else:
            new_id = _next_id(table["view_id"], "V")
            position = pd.to_numeric(table["position"], errors="coerce")
            row = {
                "view_id": new_id,
                "name": name,
                "position": int(position.max()) + 1 if position.notna().any() else 1,
                "state_json": state.to_json(),
                "author": author.strip(),
                "created_at": now,
            }
            table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
            result["id"] = new_id
        return {"saved_views": _typed_views(table)}

    store.transaction(["saved_views"], change, audit=audit)
    return result["id"]


def delete_view(store: ParkStore, view_id: str, *, actor: Actor) -> None:
    audit = guard.permit(store, actor, "save_view", "delete_view", target=view_id)

    def change(frames: dict) -> dict:
        table = frames["saved_views"]
        if not (table["view_id"] == view_id).any():
            raise ValidationError("mtg_view_not_found", view_id=view_id)
        return {"saved_views": _typed_views(table[table["view_id"] != view_id])}

    store.transaction(["saved_views"], change, audit=audit)


def move_view(store: ParkStore, view_id: str, step: int, *, actor: Actor) -> None:
    """Move a view ``step`` places earlier (negative) or later; positions become 1..n."""
    audit = guard.permit(store, actor, "save_view", "move_view", target=view_id)

    def change(frames: dict) -> dict:
        table = frames["saved_views"]
        order = [v.view_id for v in list_views(table)]
        if view_id not in order:
            raise ValidationError("mtg_view_not_found", view_id=view_id)
        i = order.index(view_id)
        j = min(max(i + step, 0), len(order) - 1)
        order.insert(j, order.pop(i))
        table = table.copy()
        table["position"] = table["view_id"].map({v: n for n, v in enumerate(order, 1)})
        return {"saved_views": _typed_views(table)}

    store.transaction(["saved_views"], change, audit=audit)


def _typed_views(table: pd.DataFrame) -> pd.DataFrame:
    out = table.reset_index(drop=True).copy()
    out["position"] = pd.to_numeric(out["position"], errors="coerce").fillna(0).astype("int64")
    return out


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


def decision_log(
    annotations: gpd.GeoDataFrame, *, meeting_date: date | str | None = None
) -> pd.DataFrame:
    """The decisions of one meeting (or all), newest meeting first, then in creation order.

    Columns: ``meeting_date``, ``note``, ``parcel_code``, ``author``, ``kind``
    (Point / LineString / Polygon), ``annotation_id``, ``version``, ``created_at``,
    ``updated_at``.
    """
    frame = pd.DataFrame(annotations.drop(columns="geometry", errors="ignore")).copy()
    frame["kind"] = list(annotations.geometry.geom_type) if len(annotations) else []
    if meeting_date is not None:
        wanted = meeting_date.isoformat() if isinstance(meeting_date, date) else meeting_date
        frame = frame[frame["meeting_date"].astype(str) == wanted]
    frame["version"] = pd.to_numeric(frame["version"], errors="coerce").fillna(1).astype(int)
    frame = frame.sort_values(
        ["meeting_date", "created_at", "annotation_id"],
        ascending=[False, True, True],
        kind="stable",
    )
    columns = [
        "meeting_date",
        "note",
        "parcel_code",
        "author",
        "kind",
        "annotation_id",
        "version",
        "created_at",
        "updated_at",
    ]
    return frame[columns].reset_index(drop=True)


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


# ================================================================== key figures
@dataclass(frozen=True)
class KeyFigures:
    """The strip of figures shown in presentation mode, as of one date."""

    as_of: date
    sold: int
    started: int
    in_production: int
    idle: int
    targets: pd.DataFrame = field(default_factory=pd.DataFrame)


#: Units of counted things (firms, parcels): their amounts are whole numbers.
COUNT_UNITS = frozenset({"家", "宗", "个"})
#: The targets' units (written in Chinese in the data) and their message keys.
UNIT_KEYS: dict[str, str] = {
    "亩": "mtg_unit_mu",
    "万m²": "mtg_unit_wan_m2",
    "家": "mtg_unit_firms",
    "宗": "mtg_kf_unit_parcels",
    "亿元": "mtg_unit_yi_yuan",
    "万元": "mtg_unit_wan_yuan",
    "%": "mtg_unit_pct",
}


def unit_label(unit: object, lang: str) -> str:
    """A unit from the data (Chinese, e.g. ``亩``) in ``lang``; unknown units as they are."""
    from gis.i18n import t

    text = _text(unit).strip()
    return t(UNIT_KEYS[text], lang) if text in UNIT_KEYS else text


def unit_digits(unit: object) -> int:
    """Decimals an amount in ``unit`` is shown with: none for counts, one otherwise."""
    return 0 if _text(unit).strip() in COUNT_UNITS else 1


def format_amount(value: object, unit: object) -> str:
    """``value`` in ``unit``'s one number format (``23`` firms, ``1,234.5`` mu); ``—`` if missing."""
    if is_missing(value):
        return "—"
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return "—"
    return f"{number:,.{unit_digits(unit)}f}"


def key_figures(frames: Mapping[str, pd.DataFrame], as_of: date) -> KeyFigures:
    """Parcels sold / started / in production / idle on ``as_of`` and the targets' progress.

    Statuses are replayed from the history (:func:`gis.history.statuses_as_of`). A parcel
    is *idle* when it is delivered, not started, and ``agreed_start + extension + 365 days``
    is on or before ``as_of`` (闲置土地处置办法: not started a year after the agreed date).
    """
    parcels = history.statuses_as_of(frames["parcels"], frames["status_events"], as_of)
    sale = parcels[vocabulary.SALE_FIELD]
    built = parcels[vocabulary.CONSTRUCTION_FIELD]
    late = overdue_parcels(frames, as_of, parcels=parcels)
    idle = late[late["kind"].isin(["idle_1y", "idle_2y"])]
    return KeyFigures(
        as_of=as_of,
        sold=int(sale.isin(vocabulary.SOLD_SALE_CODES).sum()),
        started=int(built.isin(vocabulary.STARTED_CONSTRUCTION_CODES).sum()),
        in_production=int(built.isin(vocabulary.PRODUCING_CONSTRUCTION_CODES).sum()),
        idle=len(idle),
        targets=targets_progress(frames, as_of),
    )


def overdue_parcels(
    frames: Mapping[str, pd.DataFrame],
    as_of: date,
    *,
    parcels: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Delivered parcels not started after their agreed start (idle from 365 days late),
    and started parcels not completed after their agreed completion, on ``as_of``.

    The rules are :func:`gis.lifecycle.warnings`'; this gives the pack's columns: ``code``,
    ``block_id``, ``buyer``, ``deadline`` (ISO), ``days_late``, ``kind`` (``late_start`` /
    ``idle_1y`` / ``idle_2y`` / ``late_completion``), ``gov_cause``. Most overdue first.
    """
    if parcels is None:
        parcels = history.statuses_as_of(frames["parcels"], frames["status_events"], as_of)
    columns = ["code", "block_id", "buyer", "deadline", "days_late", "kind", "gov_cause"]
    return _from_lifecycle(lifecycle.warnings(parcels, as_of), parcels, columns)


_KINDS = {
    "warn_idle_2y": "idle_2y",
    "warn_idle_1y": "idle_1y",
    "warn_start_overdue": "late_start",
    "warn_completion_overdue": "late_completion",
}


def _from_lifecycle(late: pd.DataFrame, parcels: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """:func:`gis.lifecycle.warnings` rows in this module's columns."""
    by_code = parcels.set_index("code")
    start_late = late["start_overdue_days"] > 0
    # The worst problem as lifecycle names it, in this module's codes.
    kind = pd.Series(
        [_KINDS[lifecycle.warning_kind(row)] for row in late.to_dict(orient="records")],
        index=late.index,
        dtype=object,
    )
    deadline = late["completion_deadline"].where(~start_late, late["start_deadline"])
    table = pd.DataFrame(
        {
            "code": late["code"].astype(str),
            "block_id": late["code"].map(by_code["block_id"]),
            "buyer": late["code"].map(by_code["buyer"]).map(_text),
            "deadline": [d.isoformat() if isinstance(d, date) else "" for d in deadline],
            "days_late": late[["start_overdue_days", "completion_overdue_days"]]
            .max(axis=1)
            .astype(int),
            "kind": kind,
            "gov_cause": late["gov_cause"].astype(bool),
        }
    )
    ordered = table.sort_values(["days_late", "code"], ascending=[False, True])
    return ordered[columns].reset_index(drop=True)


def targets_progress(frames: Mapping[str, pd.DataFrame], as_of: date) -> pd.DataFrame:
    """The year's targets (the year of ``as_of``) with what was achieved by ``as_of``,
    from :func:`gis.targets.progress`. Columns: ``target_id``, ``label_zh``,
    ``label_en``, ``unit``, ``target``, ``actual``, ``progress_pct``."""
    columns = ["target_id", "label_zh", "label_en", "unit", "target", "actual", "progress_pct"]
    full = targets.progress(frames, year=as_of.year, as_of=as_of)
    out = full.rename(columns={"target_value": "target", "value": "actual"})
    out["unit"] = out["unit"].fillna("").astype(str)
    return out[columns].reset_index(drop=True)


# ================================================================== scenarios (hook)
def scenario_comparison(
    frames: Mapping[str, pd.DataFrame], scenario_ids: Sequence[str], *, lang: str = "zh"
) -> pd.DataFrame | None:
    """A side-by-side table of saved reuse scenarios, or None when none is chosen.

    :func:`gis.reuse.scenarios.compare` of the chosen scenarios (the baseline is put first when
    only one is chosen): one row per metric, one column per scenario, then the change
    against the first.
    """
    if not scenario_ids:
        return None
    from gis.i18n import MESSAGES, t

    items = [scenarios.load_scenario(frames["scenarios"], sid) for sid in scenario_ids]
    if len(items) == 1 and items[0].scenario_id != scenarios.BASELINE_ID:
        items.insert(0, scenarios.baseline(frames))
    table = scenarios.compare(items[:3])
    label = t("mtg_col_item", lang)
    out = pd.DataFrame(
        {
            label: [
                t(k, lang) if k in MESSAGES else str(m)
                for k, m in zip(table["label_key"], table["metric"], strict=True)
            ]
        }
    )
    names = {s.scenario_id: s.name for s in items}
    for column in table.columns:
        kind, _, sid = column.partition(":")
        if kind == "value":
            out[names.get(sid, sid)] = table[column].round(2)
        elif kind == "diff":
            out[t("mtg_col_change", lang, name=names.get(sid, sid))] = table[column].round(2)
    return out


# ================================================================== helpers
def _next_id(ids: pd.Series, prefix: str) -> str:
    numbers = pd.to_numeric(ids.astype(str).str.removeprefix(prefix), errors="coerce")
    n = int(numbers.max()) + 1 if numbers.notna().any() else 1
    return f"{prefix}{n:04d}"


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def _plain(value: object) -> object:
    return value.item() if hasattr(value, "item") else value


def with_view(state: ViewState, **changes: Any) -> ViewState:
    """``state`` with ``changes`` (a dataclasses.replace that validates layers and field)."""
    new = replace(state, **changes)
    return ViewState.from_dict(json.loads(new.to_json()))


__all__ = [
    "DEFAULT_LAYERS",
    "LAYER_KEYS",
    "AnnotationInput",
    "KeyFigures",
    "SavedView",
    "ViewState",
    "add_annotation",
    "annotations_geojson",
    "change_view",
    "decision_log",
    "delete_annotation",
    "delete_view",
    "find_view",
    "format_amount",
    "is_modified",
    "key_figures",
    "list_views",
    "meeting_dates",
    "move_view",
    "overdue_parcels",
    "pack_tables",
    "parcel_at",
    "save_view",
    "scenario_comparison",
    "seen_view",
    "sketch_geometry",
    "step_view",
    "targets_progress",
    "unit_label",
    "update_annotation",
    "view_bounds",
    "view_link",
]


# ================================================================== pack tables
def pack_tables(
    frames: Mapping[str, pd.DataFrame],
    *,
    as_of: date,
    lang: str = "zh",
    meeting_date: date | str | None = None,
    scenario_ids: Sequence[str] = (),
) -> dict[str, pd.DataFrame]:
    """The meeting pack's tables with labelled columns, keyed by their (sheet) titles.

    Key figures, targets, the overdue and idle list, the decision log (of ``meeting_date``,
    or all) and, when scenarios are chosen, their comparison. The PDF and the workbook
    both print exactly these.
    """
    from gis.i18n import t  # local: the tables are the only text this module renders

    figures = key_figures(frames, as_of)
    # Numbers stay numbers (a workbook can sum them); the unit has its own column.
    key_table = pd.DataFrame(
        {
            t("mtg_pack_figure", lang): [
                t("mtg_kf_sold", lang),
                t("mtg_kf_started", lang),
                t("mtg_kf_in_production", lang),
                t("mtg_kf_idle", lang),
            ],
            t("mtg_pack_value", lang): pd.array(
                [figures.sold, figures.started, figures.in_production, figures.idle],
                dtype="int64",
            ),
            t("mtg_col_unit", lang): [t("mtg_kf_unit_parcels", lang)] * 4,
        }
    )
    progress = figures.targets
    target_table = pd.DataFrame(
        {
            t("mtg_col_target", lang): progress["label_zh" if lang == "zh" else "label_en"],
            t("mtg_col_unit", lang): [unit_label(u, lang) for u in progress["unit"]],
            t("mtg_col_target_value", lang): _rounded(progress["target"], progress["unit"]),
            t("mtg_col_actual", lang): _rounded(progress["actual"], progress["unit"]),
            t("mtg_col_progress", lang): progress["progress_pct"].round(1),
        }
    )
    late = overdue_parcels(frames, as_of)
    blocks = frames["blocks"].set_index("block_id")["name" if lang == "zh" else "name_en"]
    overdue_table = pd.DataFrame(
        {
            t("mtg_col_code", lang): late["code"],
            t("mtg_col_block", lang): late["block_id"].map(blocks).fillna(late["block_id"]),
            t("mtg_col_buyer", lang): late["buyer"],
            t("mtg_col_deadline", lang): late["deadline"],
            t("mtg_col_days_late", lang): late["days_late"],
            t("mtg_col_situation", lang): [t(f"mtg_situation_{k}", lang) for k in late["kind"]],
            t("mtg_col_gov_cause", lang): [
                t("mtg_yes" if g else "mtg_no", lang) for g in late["gov_cause"]
            ],
        }
    )
    log = decision_log(frames["annotations"], meeting_date=meeting_date)
    decision_table = pd.DataFrame(
        {
            t("mtg_ann_meeting_date", lang): log["meeting_date"],
            t("mtg_ann_note", lang): log["note"],
            t("mtg_ann_parcel", lang): log["parcel_code"].fillna(""),
            t("mtg_ann_author", lang): log["author"],
            t("mtg_log_kind", lang): [t(f"mtg_sketch_kind_{k}", lang) for k in log["kind"]],
            "ID": log["annotation_id"],
        }
    )
    tables = {
        t("mtg_pack_key_figures", lang): key_table,
        t("mtg_pack_targets", lang): target_table,
        t("mtg_pack_overdue", lang): overdue_table,
        t("mtg_pack_decisions", lang): decision_table,
    }
    comparison = scenario_comparison(frames, scenario_ids, lang=lang)
    if comparison is not None:
        tables[t("mtg_pack_scenarios", lang)] = comparison
    return tables


def _rounded(values: pd.Series, units: pd.Series) -> pd.Series:
    """``values`` as numbers rounded to their units' digits: counts as whole numbers (ints),
    the rest as floats; missing values stay missing (an empty cell)."""
    numbers = pd.to_numeric(values, errors="coerce")
    out = [
        None if pd.isna(v) else (round(float(v)) if unit_digits(u) == 0 else round(float(v), 2))
        for v, u in zip(numbers, units, strict=True)
    ]
    return pd.Series(out, index=values.index, dtype=object)
