"""Vacant-plant reuse (盘活闲置厂房): match candidate firms to idle spaces, and the effects.

The simulation of domain.md §3.3, as plain functions usable from a notebook::

    from gis.reuse import ReuseConfig, run_scenario
    result = run_scenario(frames, space_ids=[...], candidate_ids=[...], config=ReuseConfig())

1. **Hard filters** per candidate × space (:data:`FILTERS`, in funnel order): the park's
   industry whitelist, the space's environmental restrictions, fire class (甲/乙 never on
   an upper floor), ``need_area_min ≤ gfa ≤ need_area_max · 1.2``, clear height, floor
   load, crane and power.
2. **Soft score** in [0, 1]: the weighted mean of industry fit (the block's leading chain
   1.0, another leading chain of the park 0.6, other 0.2), area fit
   (``1 − |need − area| / area`` with ``need`` the middle of the candidate's range), the
   parcel's tax per mu after entry and the candidate's jobs per 1000 m² (both min-max
   normalised over the feasible pairs of the run).
3. **Assignment**: one candidate per space and one space per candidate, optimal for the
   total score (:func:`scipy.optimize.linear_sum_assignment`), with greedy (best pair
   first) computed beside it for comparison. With ``allow_split``, a space offered for
   lease or split transfer may be cut: the candidate takes what it needs and the rest,
   if at least ``min_split_unit_m2`` (domain.md §3.1, default 1000 m²), is offered again
   in a next round.
4. **Effects** per parcel (tenants merge into the parcel, 遂昌 practice [S5]) and for the
   park: see :func:`parcel_effects` and :func:`park_totals`.

Everything is a pure function of its inputs and ``seed``: the seed only breaks ties
between equal scores, so a scenario reproduces exactly when re-run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gis.reuse.assignment import Matching, match
from gis.reuse.config import ReuseConfig, _jsonable
from gis.reuse.effects import (
    figures_year,
    parcel_effects,
    park_totals,
    predict_parcels,
    prepare_spaces,
)


@dataclass(frozen=True)
class ScenarioRun:
    """One run: its inputs, the matching, the per-parcel effects and the park totals."""

    inputs: dict[str, Any]
    matching: Matching
    parcels: pd.DataFrame
    totals: dict[str, float]

    def results(self) -> dict[str, Any]:
        """The run's results as JSON-ready data (what a saved scenario stores)."""
        m = self.matching
        return _jsonable(
            {
                "placements": m.placements.to_dict(orient="records"),
                "unmatched_candidates": m.unmatched_candidates.to_dict(orient="records"),
                "unmatched_spaces": m.unmatched_spaces.to_dict(orient="records"),
                "parcels": self.parcels.to_dict(orient="records"),
                "totals": self.totals,
                "scores": {
                    "method": m.method,
                    "optimal": m.optimal_score,
                    "greedy": m.greedy_score,
                    "total": m.total_score,
                    "feasible_pairs": m.feasible_pairs,
                },
            }
        )


def run_scenario(
    frames: Mapping[str, pd.DataFrame],
    *,
    space_ids: Sequence[str] | None = None,
    candidate_ids: Sequence[str] | None = None,
    config: ReuseConfig | None = None,
    seed: int = 0,
    year: int | None = None,
    candidates: pd.DataFrame | None = None,
    spaces: pd.DataFrame | None = None,
) -> ScenarioRun:
    """Match, then compute the effects: the one call a page or a notebook needs.

    ``space_ids`` / ``candidate_ids`` select rows (None: all); ``candidates`` and
    ``spaces`` override the store's tables (a saved scenario passes its snapshots, so a
    re-run sees exactly the inputs it was saved with). ``year`` is the evaluation year
    of the enterprises' figures (default: the latest; None while the store has none — the
    matching still runs, the parcels' current figures count as 0 and nothing is graded).
    """
    config = (config or ReuseConfig()).validate()
    year = figures_year(frames["enterprise_years"]) if year is None else int(year)
    all_spaces = prepare_spaces(frames, year=year) if spaces is None else spaces
    all_cands = pd.DataFrame(frames["candidates"]) if candidates is None else candidates
    chosen_s = _select(all_spaces, "space_id", space_ids)
    chosen_c = _select(all_cands, "candidate_id", candidate_ids)
    matching = match(chosen_s, chosen_c, config=config, seed=seed)
    effects = parcel_effects(frames, matching.placements, chosen_c, year=year)
    grades = predict_parcels(frames, matching.placements, chosen_c, year=year)
    parcels = effects.merge(grades, on="parcel_code", how="left") if len(effects) else effects
    totals = park_totals(frames, matching.placements, chosen_c, year=year)
    rank = {"A": 4, "B": 3, "C": 2, "D": 1}
    if len(parcels):
        up = [
            rank.get(str(a), 0) > rank.get(str(b), 0)
            for a, b in zip(parcels["class_after"], parcels["class_before"], strict=True)
        ]
        totals["classes_up"] = float(sum(up))
        totals["ks_cleared"] = float((parcels["ks_cleared"].fillna("") != "").sum())
        totals["tax_per_mu_before"] = float(
            parcels["tax_before"].sum() / parcels["parcel_mu"].sum()
        )
        totals["tax_per_mu_after"] = float(parcels["tax_after"].sum() / parcels["parcel_mu"].sum())
    else:
        totals.update(classes_up=0.0, ks_cleared=0.0, tax_per_mu_before=0.0, tax_per_mu_after=0.0)
    totals["total_score"] = matching.total_score
    inputs = _jsonable(
        {
            "space_ids": list(chosen_s["space_id"].astype(str)),
            "candidate_ids": list(chosen_c["candidate_id"].astype(str)),
            "config": config.to_dict(),
            "seed": int(seed),
            "year": year,
            "spaces": _records(chosen_s),
            "candidates": _records(chosen_c),
        }
    )
    return ScenarioRun(inputs, matching, parcels, totals)


def rerun(frames: Mapping[str, pd.DataFrame], inputs: Mapping[str, Any]) -> ScenarioRun:
    """Run again from saved ``inputs`` (see :attr:`ScenarioRun.inputs`)."""
    return run_scenario(
        frames,
        config=ReuseConfig.from_dict(inputs["config"]),
        seed=int(inputs["seed"]),
        year=inputs.get("year"),
        spaces=pd.DataFrame(inputs["spaces"], columns=_snapshot_columns(inputs["spaces"])),
        candidates=pd.DataFrame(
            inputs["candidates"], columns=_snapshot_columns(inputs["candidates"])
        ),
    )


def _select(frame: pd.DataFrame, key: str, ids: Sequence[str] | None) -> pd.DataFrame:
    if ids is None:
        return frame.reset_index(drop=True)
    wanted = [str(i) for i in ids]
    return frame[frame[key].astype(str).isin(wanted)].reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    plain = pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")
    plain = plain.astype(object).where(plain.notna(), None)
    return plain.to_dict(orient="records")


def _snapshot_columns(records: list[dict[str, Any]]) -> list[str]:
    return list(records[0]) if records else []
