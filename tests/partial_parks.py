"""Partial parks: store files of our schema with only some layers filled (issue #12, item 3).

A committee starts with an empty store and imports its data a piece at a time, so every page
and every ``gis`` function must run on each stage. The stages, in the order a park fills up:

- ``empty``: no data at all (every layer of the schema present, no rows);
- ``boundary_blocks``: the park boundary and its blocks only;
- ``parcels_no_history``: boundary, blocks, parcels, buildings, vacant spaces, context and
  the year's targets, but no status history;
- ``no_figures``: as above plus the status history, the enterprises and the candidate firms,
  but no yearly or year-to-date figures;
- ``no_targets``: everything but the year's targets;
- ``full``: the whole sample park.

Rows come from the built-in sample park (:func:`gis.sample.park.build_sample_park`); the files are
written through the store API and are not marked as the sample, but keep the sample's report
date (except ``empty``) so the pages show the year the figures belong to.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from gis import schema
from gis.sample import park, plan
from gis.store import ParkStore

_GROUND = ("park_boundary", "blocks")
_PARCELS = (*_GROUND, "parcels", "buildings", "vacant_spaces", "context", "targets")
_OPERATIONS = (*_PARCELS, "status_events", "enterprises", "candidates")
_FIGURES = (*_OPERATIONS, "enterprise_years", "period_figures", "evaluation_adjustments")

#: The layers each partial park fills; every other layer of the schema is empty.
STAGES: dict[str, tuple[str, ...] | None] = {
    "empty": (),
    "boundary_blocks": _GROUND,
    "parcels_no_history": _PARCELS,
    "no_figures": _OPERATIONS,
    "no_targets": tuple(name for name in _FIGURES if name != "targets"),
    "full": None,  # every layer
}


@cache
def _sample_frames() -> Mapping[str, object]:
    return park.build_sample_park()


def partial_frames(stage: str) -> dict:
    """The frames of the partial park ``stage``: the sample's rows in its layers, others empty."""
    keep = STAGES[stage]
    source = _sample_frames()
    out = {}
    for spec in schema.LAYERS:
        filled = spec.name in source and (keep is None or spec.name in keep)
        out[spec.name] = source[spec.name].copy() if filled else schema.empty_frame(spec)
    return out


def build_partial_store(stage: str, path: str | Path) -> Path:
    """Write the partial park ``stage`` as a new store file at ``path``; returns the path."""
    path = Path(path)
    meta = {} if stage == "empty" else {"reference_date": plan.SAMPLE_REFERENCE_DATE.isoformat()}
    ParkStore.open(path, create=lambda: partial_frames(stage), meta=meta)
    return path


__all__ = ["STAGES", "build_partial_store", "partial_frames"]
