"""Saved reuse scenarios (盘活方案): a locked baseline, scenarios based on others, comparison.

Each scenario is a row of the ``scenarios`` layer (:data:`gis.schema.SCENARIOS`): its
inputs (the spaces and candidates as they were, the weights and rules, the seed and the
evaluation year) and its results as JSON, with author and time. Because the inputs carry
snapshots of the rows used, re-running a scenario (:func:`rerun_scenario`) gives exactly
the saved matching; :func:`reproduces` checks the whole result.

The baseline (:data:`BASELINE_ID`) is the park as it is — nobody placed — and is locked:
it can be neither changed nor deleted. Every other scenario is ``based_on`` an existing
one (the page starts its inputs from that scenario's). Writes go through
:meth:`gis.store.ParkStore.transaction`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gis import schema
from gis._errors import ValidationError
from gis.auth import guard
from gis.auth.access import Actor
from gis.reuse.assignment import PLACEMENT_COLUMNS
from gis.reuse.config import ReuseConfig
from gis.reuse.run import ScenarioRun, rerun, run_scenario
from gis.store import utc_now
from gis.values import is_missing

BASELINE_ID = "BASELINE"
#: Metrics compared side by side: (key in the results' ``totals``, message key, decimals).
COMPARE_METRICS: tuple[tuple[str, str, int], ...] = (
    ("firms_placed", "reuse_m_firms_placed", 0),
    ("new_above_scale", "reuse_m_new_above_scale", 0),
    ("delta_tax_wan", "reuse_m_delta_tax_wan", 1),
    ("delta_output_wan", "reuse_m_delta_output_wan", 1),
    ("jobs_added", "reuse_m_jobs_added", 0),
    ("area_let_m2", "reuse_m_area_let_m2", 0),
    ("idle_after_m2", "reuse_m_idle_after_m2", 0),
    ("park_tax_per_mu", "reuse_m_park_tax_per_mu", 2),
    ("classes_up", "reuse_m_classes_up", 0),
    ("ks_cleared", "reuse_m_ks_cleared", 0),
    ("total_score", "reuse_m_total_score", 3),
)
#: Metrics that are scores under a scenario's own weights: two scenarios whose weights
#: differ (in proportion: the score is Σ w·part / Σ w) cannot be compared on them.
SCORE_METRICS: frozenset[str] = frozenset({"total_score"})
WEIGHT_FIELDS: tuple[str, ...] = ("w_industry", "w_area", "w_tax", "w_jobs")


@dataclass(frozen=True)
class Scenario:
    """A saved scenario, its JSON decoded."""

    scenario_id: str
    name: str
    based_on: str | None
    locked: bool
    author: str
    created_at: str
    seed: int
    inputs: dict[str, Any]
    results: dict[str, Any]
    note: str | None = None

    @property
    def totals(self) -> dict[str, float]:
        return dict(self.results.get("totals", {}))

    @property
    def placements(self) -> pd.DataFrame:
        return pd.DataFrame(self.results.get("placements", []), columns=list(PLACEMENT_COLUMNS))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)


def _row_to_scenario(row: Mapping[str, Any]) -> Scenario:
    def text(value: Any) -> str | None:
        return None if is_missing(value) else value

    return Scenario(
        scenario_id=str(row["scenario_id"]),
        name=str(row["name"]),
        based_on=text(row.get("based_on")),
        locked=bool(row.get("locked")) if text(row.get("locked")) is not None else False,
        author=str(row["author"]),
        created_at=str(row["created_at"]),
        seed=int(row["seed"]) if text(row.get("seed")) is not None else 0,
        inputs=json.loads(row["inputs_json"]),
        results=json.loads(row["results_json"]) if text(row.get("results_json")) else {},
        note=text(row.get("note")),
    )


def scenarios(frame: pd.DataFrame) -> list[Scenario]:
    """Every scenario of a ``scenarios`` table, baseline first, then by id."""
    items = [_row_to_scenario(r) for r in frame.to_dict(orient="records")]
    return sorted(items, key=lambda s: (s.scenario_id != BASELINE_ID, s.scenario_id))


def baseline(frames: Mapping[str, pd.DataFrame]) -> Scenario:
    """The baseline as stored, or as it would be saved (nothing is written)."""
    for s in scenarios(frames["scenarios"]):
        if s.scenario_id == BASELINE_ID:
            return s
    run = run_scenario(frames, space_ids=[], candidate_ids=[])
    return _row_to_scenario(_baseline_row(run, author="system"))


def with_baseline(frames: Mapping[str, pd.DataFrame]) -> list[Scenario]:
    """The saved scenarios, with the baseline first even before it has been saved."""
    saved = scenarios(frames["scenarios"])
    if saved and saved[0].scenario_id == BASELINE_ID:
        return saved
    return [baseline(frames), *saved]


def load_scenario(frame: pd.DataFrame, scenario_id: str) -> Scenario:
    """The scenario ``scenario_id`` of a ``scenarios`` table (``scenario_unknown`` if none)."""
    for s in scenarios(frame):
        if s.scenario_id == scenario_id:
            return s
    raise ValidationError("scenario_unknown", id=scenario_id)


def _row(
    scenario_id: str,
    run: ScenarioRun,
    *,
    name: str,
    author: str,
    based_on: str | None,
    locked: bool,
    note: str | None,
    created_at: str,
) -> dict[str, Any]:
    return {
        "scenario_id": scenario_id,
        "name": name,
        "based_on": based_on,
        "locked": locked,
        "author": author,
        "created_at": created_at,
        "seed": int(run.inputs["seed"]),
        "inputs_json": _dumps(run.inputs),
        "results_json": _dumps(run.results()),
        "note": note,
    }


def _baseline_row(run: ScenarioRun, *, author: str) -> dict[str, Any]:
    return _row(
        BASELINE_ID,
        run,
        name="现状(基准方案) / Current state (baseline)",
        author=author,
        based_on=None,
        locked=True,
        note=None,
        created_at=utc_now(),
    )


def _append(current: pd.DataFrame, row: Mapping[str, Any]) -> pd.DataFrame:
    new = pd.DataFrame([row], columns=list(schema.SCENARIOS.column_names))
    if current.empty:
        return new
    return pd.concat([current[list(schema.SCENARIOS.column_names)], new], ignore_index=True)


def ensure_baseline(store: Any, frames: Mapping[str, pd.DataFrame], *, actor: Actor) -> bool:
    """Create the locked baseline (nobody placed) if the store has none; True if created.
    Needs ``scenario``; the author is ``actor.author``."""
    audit = guard.permit(store, actor, "scenario", "save_scenario", target=BASELINE_ID)
    author = actor.author
    created = False

    def change(current: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame] | None:
        nonlocal created
        table = current["scenarios"]
        if (table["scenario_id"].astype(str) == BASELINE_ID).any():
            return None
        row = _baseline_row(run_scenario(frames, space_ids=[], candidate_ids=[]), author=author)
        created = True
        return {"scenarios": _append(table, row)}

    store.transaction(["scenarios"], change, audit=audit)
    return created


def save_scenario(
    store: Any,
    run: ScenarioRun,
    *,
    name: str,
    actor: Actor,
    based_on: str = BASELINE_ID,
    note: str | None = None,
    created_at: str | None = None,
) -> str:
    """Save ``run`` as a new scenario based on ``based_on``; return its id (``S001``, ...).

    Needs ``scenario``; the author is ``actor.author``. ``scenario_bad_name`` for an
    empty name, ``scenario_unknown`` when ``based_on`` does not exist. Nothing is
    written on an error.
    """
    audit = guard.permit(store, actor, "scenario", "save_scenario", target=str(name or ""))
    author = actor.author
    if not str(name or "").strip() or not str(author or "").strip():
        raise ValidationError("scenario_bad_name")
    saved: list[str] = []

    def change(current: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        table = current["scenarios"]
        ids = set(table["scenario_id"].astype(str))
        if based_on not in ids:
            raise ValidationError("scenario_unknown", id=based_on)
        numbers = [int(i[1:]) for i in ids if i.startswith("S") and i[1:].isdigit()]
        new_id = f"S{max(numbers, default=0) + 1:03d}"
        row = _row(
            new_id,
            run,
            name=str(name).strip(),
            author=str(author).strip(),
            based_on=based_on,
            locked=False,
            note=note,
            created_at=created_at or utc_now(),
        )
        saved.append(new_id)
        return {"scenarios": _append(table, row)}

    store.transaction(["scenarios"], change, audit=audit)
    return saved[0]


def delete_scenario(store: Any, scenario_id: str, *, actor: Actor) -> None:
    """Delete an unlocked scenario (``scenario_locked`` / ``scenario_unknown`` otherwise).
    Needs ``scenario``."""
    audit = guard.permit(store, actor, "scenario", "delete_scenario", target=scenario_id)

    def change(current: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        table = current["scenarios"]
        s = load_scenario(table, scenario_id)
        if s.locked:
            raise ValidationError("scenario_locked", id=scenario_id)
        return {"scenarios": table[table["scenario_id"].astype(str) != scenario_id]}

    store.transaction(["scenarios"], change, audit=audit)


def rerun_scenario(frames: Mapping[str, pd.DataFrame], scenario: Scenario) -> ScenarioRun:
    """Run ``scenario`` again from its saved inputs."""
    if not scenario.inputs.get("spaces") and not scenario.inputs.get("candidates"):
        return run_scenario(
            frames,
            space_ids=[],
            candidate_ids=[],
            config=ReuseConfig.from_dict(scenario.inputs["config"]),
            seed=scenario.seed,
        )
    return rerun(frames, scenario.inputs)


def reproduces(frames: Mapping[str, pd.DataFrame], scenario: Scenario) -> bool:
    """True when re-running ``scenario`` gives exactly its saved results."""
    again = json.loads(_dumps(rerun_scenario(frames, scenario).results()))
    return again == scenario.results


def weights(scenario: Scenario) -> dict[str, float]:
    """The matching weights ``scenario`` was run with (the defaults when it stored none)."""
    config = scenario.inputs.get("config")
    config = ReuseConfig.from_dict(config) if config else ReuseConfig()
    return {name: float(getattr(config, name)) for name in WEIGHT_FIELDS}


def same_weights(items: Sequence[Scenario]) -> bool:
    """True when every scenario weighs the score's parts in the same proportions."""

    def shares(s: Scenario) -> tuple[float, ...]:
        w = weights(s)
        total = sum(w.values())
        return tuple(round(v / total, 9) for v in w.values())

    return len({shares(s) for s in items}) <= 1


def compare(
    items: Sequence[Scenario],
    *,
    metrics: Sequence[tuple[str, str, int]] = COMPARE_METRICS,
) -> pd.DataFrame:
    """Metrics of 2–3 scenarios side by side: values, and the difference and percentage
    change of each later scenario against the first.

    One row per metric: ``metric`` (key), ``label_key`` (message key), ``comparable``
    (False for a score (:data:`SCORE_METRICS`) when the scenarios' weights differ: its
    ``diff`` and ``pct`` are then NaN), then ``value:<id>`` for each scenario and
    ``diff:<id>`` / ``pct:<id>`` for each but the first (``pct`` is NaN when the first
    value is 0).
    """
    if not 2 <= len(items) <= 3:
        raise ValidationError("reuse_compare_count", n=len(items))
    first = items[0]
    weights_agree = same_weights(items)
    rows = []
    for key, label_key, _ in metrics:
        base = float(first.totals.get(key, 0.0))
        comparable = weights_agree or key not in SCORE_METRICS
        row: dict[str, Any] = {"metric": key, "label_key": label_key, "comparable": comparable}
        for s in items:
            row[f"value:{s.scenario_id}"] = float(s.totals.get(key, 0.0))
        for s in items[1:]:
            value = float(s.totals.get(key, 0.0))
            if not comparable:
                row[f"diff:{s.scenario_id}"] = row[f"pct:{s.scenario_id}"] = np.nan
                continue
            row[f"diff:{s.scenario_id}"] = value - base
            row[f"pct:{s.scenario_id}"] = (value - base) / abs(base) * 100 if base else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = [
    "BASELINE_ID",
    "COMPARE_METRICS",
    "SCORE_METRICS",
    "Scenario",
    "baseline",
    "compare",
    "delete_scenario",
    "ensure_baseline",
    "load_scenario",
    "reproduces",
    "rerun_scenario",
    "same_weights",
    "save_scenario",
    "scenarios",
    "weights",
    "with_baseline",
]
