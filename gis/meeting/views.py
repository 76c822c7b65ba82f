"""Saved views (``saved_views`` table): a named, ordered map state — centre and zoom,
visible layers, colouring, block filter and as-of date — stored as JSON, stepped through
like slides and opened by a link ``?view=<id>``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from gis import vocabulary
from gis._errors import ValidationError
from gis.auth import guard
from gis.auth.access import Actor
from gis.crs import DISPLAY_CRS
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


# ================================================================== helpers
def _next_id(ids: pd.Series, prefix: str) -> str:
    numbers = pd.to_numeric(ids.astype(str).str.removeprefix(prefix), errors="coerce")
    n = int(numbers.max()) + 1 if numbers.notna().any() else 1
    return f"{prefix}{n:04d}"


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def with_view(state: ViewState, **changes: Any) -> ViewState:
    """``state`` with ``changes`` (a dataclasses.replace that validates layers and field)."""
    new = replace(state, **changes)
    return ViewState.from_dict(json.loads(new.to_json()))
