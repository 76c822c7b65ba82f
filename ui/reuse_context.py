"""What the reuse page's sections share: the run's language, store and frames, the saved
scenarios (with the baseline) by id, their labels, and the scenario map."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from gis.i18n import t
from gis.reuse import scenarios
from gis.store import ParkStore
from layers.legend import compact_controls
from layers.reuse import scenario_extras
from ui import mapview, memo, shell


@dataclass(frozen=True)
class ReusePage:
    """One run of the reuse page (``frames`` are ``shell.frames()``: never modified)."""

    lang: str
    store: ParkStore
    frames: Mapping[str, pd.DataFrame]
    by_id: Mapping[str, scenarios.Scenario]

    @classmethod
    def read(cls) -> ReusePage:
        frames = shell.frames()
        # Once per data version (ui.memo): the unsaved baseline is a whole scenario run.
        saved = memo.derived(frames, ("scenarios",), lambda: scenarios.with_baseline(frames))
        return cls(
            lang=shell.lang(),
            store=shell.store(),
            frames=frames,
            by_id={s.scenario_id: s for s in saved},
        )

    @property
    def candidates(self) -> pd.DataFrame:
        return self.frames["candidates"]

    @property
    def spaces(self) -> pd.DataFrame:
        return self.frames["vacant_spaces"]


def scenario_label(page: ReusePage, scenario_id: str) -> str:
    """ "id · name", the baseline by its translated name, 🔒 on a locked scenario."""
    s = page.by_id[scenario_id]
    name = (
        t("scenario_baseline_name", page.lang) if scenario_id == scenarios.BASELINE_ID else s.name
    )
    return f"{scenario_id} · {name}" + (" 🔒" if s.locked else "")


def show_map(
    page: ReusePage,
    placements: pd.DataFrame,
    cands: pd.DataFrame,
    selected,
    *,
    key: str,
    compact: bool = False,
) -> None:
    """The scenario's map; ``compact`` (maps side by side) folds the legend behind a button
    and collapses the layer control so they do not cover the half-width map."""
    digest = hashlib.sha1(
        json.dumps(
            [placements.to_dict(orient="records"), sorted(selected or [])], default=str
        ).encode()
    ).hexdigest()[:16]
    m = mapview.park_map(
        "construction_status",
        extras=scenario_extras(placements, cands, selected),
        extras_key=f"reuse:{digest}",
    )
    if compact:
        compact_controls(m, toggle=t("legend_toggle", page.lang))
    mapview.show(m, key=key)
