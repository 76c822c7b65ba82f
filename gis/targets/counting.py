"""What the dated targets count on a day: land sold, floor area started, firms in
production and new above-scale firms, per parcel and block (万洋's own scope included).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from gis import vocabulary
from gis.crs import m2_to_mu
from gis.parcels import history
from gis.parcels.tables import parcel_area_m2

#: Land uses counted as industrial land (工业用地) for the land-sale target.
INDUSTRIAL_USES = frozenset({"INDUSTRIAL", "M0"})


#: The 万洋 block is found by its name (block ids are data).
WANYANG_NAME = "万洋"


# ---------------------------------------------------------------- the data behind targets
@dataclass
class _Items:
    """What a target sums: one row per parcel or firm with ``block_id``, ``amount`` and,
    for dated targets, ``date`` (ISO); or the reason it cannot be computed."""

    items: pd.DataFrame | None
    note_key: str | None = None
    note_params: Mapping[str, object] | None = None
    computable: bool = True
    #: A reported count's value expected for the whole year (亿元企业 on course).
    projection: float | None = None


def _blocks_of_parcels(frames: Mapping[str, pd.DataFrame]) -> pd.Series:
    parcels = frames["parcels"]
    return pd.Series(parcels["block_id"].to_numpy(), index=parcels["code"].astype(str))


def _land_sold(frames, year: int, as_of: date) -> _Items:
    parcels = frames["parcels"]
    sold = history.first_reached(
        frames["status_events"],
        vocabulary.SALE_FIELD,
        vocabulary.SOLD_SALE_CODES,
        as_of,
        parcels=parcels,  # a parcel's own 成交 date counts when no event tells it
    )
    industrial = parcels[parcels["land_use"].isin(INDUSTRIAL_USES)]
    mu = m2_to_mu(parcel_area_m2(industrial))
    items = pd.DataFrame(
        {
            "key": industrial["code"].astype(str).to_numpy(),
            "block_id": industrial["block_id"].to_numpy(),
            "amount": mu.to_numpy(),
            "date": industrial["code"].map(sold).to_numpy(),
        }
    ).dropna(subset=["date"])
    return _Items(items)


def _wanyang_blocks(frames) -> set[str] | None:
    """Ids of the blocks named 万洋 (None when there is none)."""
    blocks = frames["blocks"]
    wanyang = blocks[blocks["name"].astype(str).str.contains(WANYANG_NAME, regex=False)]
    return set(wanyang["block_id"]) or None


def _floor_area_started(frames, year: int, as_of: date) -> _Items:
    wanyang = _wanyang_blocks(frames)
    if wanyang is None:
        return _Items(None, "target_note_no_block", {"name": WANYANG_NAME}, computable=False)
    parcels = frames["parcels"]
    ours = parcels[parcels["block_id"].isin(wanyang)]
    started = history.first_reached(
        frames["status_events"],
        vocabulary.CONSTRUCTION_FIELD,
        vocabulary.STARTED_CONSTRUCTION_CODES,
        as_of,
        parcels=parcels,
    )
    floor = pd.to_numeric(ours["floor_area_m2"], errors="coerce")
    items = pd.DataFrame(
        {
            "key": ours["code"].astype(str).to_numpy(),
            "block_id": ours["block_id"].to_numpy(),
            "amount": (floor / 10_000).to_numpy(),
            "date": ours["code"].map(started).to_numpy(),
        }
    ).dropna(subset=["date"])
    lacking = items["amount"].isna()
    if lacking.any():
        # Not a number to trust: the started parcels' floor areas are incomplete.
        codes = ", ".join(sorted(items.loc[lacking, "key"])[:10])
        return _Items(None, "target_note_missing_floor_area", {"codes": codes}, computable=False)
    return _Items(items, "target_note_wanyang", {})


def counted_parcels(frames, target_id: str) -> set[str] | None:
    """The parcels whose firms count towards a firm-count target (None: every parcel).

    ``FIRMS_IN_PRODUCTION`` counts the 万洋 block's parcels only (see below); a scenario
    that places firms elsewhere does not move it.
    """
    if target_id != "FIRMS_IN_PRODUCTION":
        return None
    wanyang = _wanyang_blocks(frames) or set()
    parcels = frames["parcels"]
    return set(parcels.loc[parcels["block_id"].isin(wanyang), "code"].astype(str))


def _firms_in_production(frames, year: int, as_of: date) -> _Items:
    # The seed: "万洋项目累计开工建筑面积超xxx万平方米,累计投产企业超xx家" — both about
    # the 万洋 project, so only firms on 万洋 parcels count.
    wanyang = _wanyang_blocks(frames)
    if wanyang is None:
        return _Items(None, "target_note_no_block", {"name": WANYANG_NAME}, computable=False)
    firms = frames["enterprises"]
    blocks = _blocks_of_parcels(frames)
    items = pd.DataFrame(
        {
            "key": firms["enterprise_id"].astype(str).to_numpy(),
            "block_id": firms["parcel_code"].astype(str).map(blocks).to_numpy(),
            "amount": 1.0,
            "date": firms["production_start"].to_numpy(),
        }
    ).dropna(subset=["date"])
    return _Items(items[items["block_id"].isin(wanyang)], "target_note_wanyang", {})


def _new_above_scale(frames, year: int, as_of: date) -> _Items:
    """Firms entering the 规上 register in the year (统计入库), by their register date."""
    firms = frames["enterprises"]
    blocks = _blocks_of_parcels(frames)
    since = firms["above_scale_since"].where(firms["above_scale_since"].astype(str) != "")
    flagged = firms["is_above_scale"].fillna(False).astype(bool)
    undated = int((flagged & since.isna()).sum())
    if flagged.any() and since.notna().sum() == 0:
        return _Items(None, "target_note_no_register_dates", {}, computable=False)
    items = pd.DataFrame(
        {
            "key": firms["enterprise_id"].astype(str).to_numpy(),
            "block_id": firms["parcel_code"].astype(str).map(blocks).to_numpy(),
            "amount": 1.0,
            "date": since.to_numpy(),
        }
    ).dropna(subset=["date"])
    if undated:
        return _Items(items, "target_note_register_dates_some", {"undated": undated})
    return _Items(items, "target_note_register_dates", {})


#: Dated targets: ``rule(frames, year, as_of)`` gives items with a ``date``.
_DATED_RULES: dict[str, Callable[..., _Items]] = {
    "LAND_SOLD_MU": _land_sold,
    "FLOOR_AREA_STARTED_WAN_M2": _floor_area_started,
    "FIRMS_IN_PRODUCTION": _firms_in_production,
    "NEW_ABOVE_SCALE_FIRMS": _new_above_scale,
}
