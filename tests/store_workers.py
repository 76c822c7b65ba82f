"""Processes that edit one park at once, for the concurrency tests of both store backends.

Run in child processes (multiprocessing ``forkserver``, with this module preloaded so each
child starts in milliseconds); each returns what happened to every change it tried.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from gis import vocabulary
from gis._errors import StoreError, ValidationError
from gis.parcels import lifecycle
from gis.parcels.lifecycle import StatusChange
from gis.store import ParkStore
from tests.actors import ACTOR

SALE = vocabulary.SALE_FIELD
TODAY = date(2021, 6, 30)
DAY = date(2021, 3, 1)
#: Refusals that mean "someone else changed it first" (the stale-edit message).
STALE = ("parcel_stale", "parcel_stale_plain", "store_stale")


def next_change(store: ParkStore, code: str, author: str) -> tuple[StatusChange, int]:
    """The next sale-status change of a PLANNED parcel, and the parcel version it is based on:
    ACQUIRING first, then a correction of the latest live event to the other of ACQUIRING /
    BANKED (both allowed from PLANNED), so any number of changes stay valid."""
    parcels = store.read("parcels")
    version = int(parcels.loc[parcels["code"] == code, "version"].iloc[0])
    events = store.read("status_events")
    own = events[(events["parcel_code"] == code) & (events["field"] == SALE)]
    superseded = set(pd.to_numeric(events["supersedes"], errors="coerce").dropna().astype(int))
    live = own[~own["event_id"].astype(int).isin(superseded)]
    if not len(live):
        return StatusChange(code, SALE, "ACQUIRING", DAY, author), version
    last = live.loc[live["event_id"].astype(int).idxmax()]
    new = "BANKED" if last["new_status"] == "ACQUIRING" else "ACQUIRING"
    return StatusChange(code, SALE, new, DAY, author, supersedes=int(last["event_id"])), version


def edit(location: str, code: str, author: str, tries: int, barrier=None) -> list[str]:
    """Try ``tries`` changes of parcel ``code``, each based on the version just read;
    return each outcome: "saved" or the refusal's message key."""
    store = ParkStore(location)
    outcomes = []
    for _ in range(tries):
        change, version = next_change(store, code, author)
        if barrier is not None:
            barrier.wait(timeout=60)  # every process read the same version: now race
        try:
            lifecycle.record_changes(
                store, [change], expected_versions={code: version}, today=TODAY, actor=ACTOR
            )
            outcomes.append("saved")
        except (ValidationError, StoreError) as exc:
            outcomes.append(exc.key)
    return outcomes
