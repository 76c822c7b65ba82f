"""Saved reuse scenarios (gis.reuse.scenarios): baseline, save, load, re-run, compare."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from gis._errors import ValidationError
from gis.auth.access import EDITOR, Actor
from gis.reuse import candidates, scenarios
from gis.reuse import config as reuse_config
from gis.reuse import run as reuse_run
from gis.store import ParkStore
from tests.actors import ACTOR
from tests.store_kit import digest

LI = Actor("lq", EDITOR, display_name="李强")


@pytest.fixture
def store(sample_store_path: Path, tmp_path: Path) -> ParkStore:
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    return ParkStore(path)


def test_save_load_rerun_and_compare(store):
    frames = store.read_all()
    assert scenarios.with_baseline(frames)[0].scenario_id == scenarios.BASELINE_ID
    assert store.read("scenarios").empty  # listing does not write

    assert scenarios.ensure_baseline(store, frames, actor=ACTOR) is True
    assert scenarios.ensure_baseline(store, store.read_all(), actor=ACTOR) is False  # only once
    spaces = list(frames["vacant_spaces"]["space_id"][:30])
    run_a = reuse_run.run_scenario(frames, space_ids=spaces, seed=5)
    id_a = scenarios.save_scenario(store, run_a, name="试点", actor=ACTOR, note="先试 30 个空间")
    run_b = reuse_run.run_scenario(
        frames, config=reuse_config.ReuseConfig(allow_split=True), seed=5
    )
    id_b = scenarios.save_scenario(store, run_b, name="全部+分割", actor=LI, based_on=id_a)
    assert (id_a, id_b) == ("S001", "S002")

    frames = store.read_all()
    table = frames["scenarios"]
    assert list(table["scenario_id"]) == ["BASELINE", "S001", "S002"]
    row = table.set_index("scenario_id").loc["S002"]
    assert row["based_on"] == "S001" and row["author"] == LI.author and int(row["seed"]) == 5
    inputs = json.loads(row["inputs_json"])
    assert inputs["config"]["allow_split"] is True
    assert len(inputs["candidates"]) == 45 and len(inputs["space_ids"]) == 81

    a = scenarios.load_scenario(table, "S001")
    assert a.inputs["space_ids"] == spaces
    assert a.note == "先试 30 个空间"
    assert a.results == json.loads(json.dumps(run_a.results()))
    for s in scenarios.scenarios(table):
        assert scenarios.reproduces(frames, s), s.scenario_id
    again = scenarios.rerun_scenario(frames, a)
    assert again.matching.placements.equals(run_a.matching.placements)

    # A later change of the candidate pipeline does not change a saved scenario's re-run.
    candidates.save_candidates(store, frames["candidates"].iloc[:3], actor=ACTOR)
    assert scenarios.reproduces(store.read_all(), scenarios.load_scenario(table, "S002"))

    base, b = scenarios.load_scenario(table, "BASELINE"), scenarios.load_scenario(table, "S002")
    cmp = scenarios.compare([base, a, b]).set_index("metric")
    assert cmp.at["firms_placed", "value:BASELINE"] == 0
    assert cmp.at["firms_placed", "value:S002"] == len(run_b.matching.placements)
    assert cmp.at["firms_placed", "diff:S002"] == len(run_b.matching.placements)
    assert np.isnan(cmp.at["firms_placed", "pct:S002"])  # from 0: no percentage
    idle = frames["vacant_spaces"]["gfa_m2"].sum()
    assert cmp.at["idle_after_m2", "value:BASELINE"] == pytest.approx(idle)
    let = run_b.matching.placements["area_m2"].sum()
    assert cmp.at["idle_after_m2", "diff:S002"] == pytest.approx(-let)
    assert cmp.at["idle_after_m2", "pct:S002"] == pytest.approx(-let / idle * 100)


def test_compare_arithmetic_by_hand():
    def fake(sid: str, firms: float, tax: float) -> scenarios.Scenario:
        return scenarios.Scenario(
            sid, sid, None, False, "x", "2021-06-30T00:00:00Z", 0, {},
            {"totals": {"firms_placed": firms, "delta_tax_wan": tax}},
        )  # fmt: skip

    table = scenarios.compare(
        [fake("A", 4, 200.0), fake("B", 5, 150.0), fake("C", 4, 0.0)],
        metrics=[("firms_placed", "reuse_m_firms_placed", 0), ("delta_tax_wan", "x", 1)],
    ).set_index("metric")
    assert table.at["firms_placed", "diff:B"] == 1 and table.at["firms_placed", "pct:B"] == 25.0
    assert table.at["delta_tax_wan", "diff:B"] == -50 and table.at["delta_tax_wan", "pct:B"] == -25
    assert table.at["delta_tax_wan", "pct:C"] == -100
    with pytest.raises(ValidationError):
        scenarios.compare([fake("A", 1, 1)])


def test_baseline_is_locked_and_bad_saves_write_nothing(store):
    frames = store.read_all()
    scenarios.ensure_baseline(store, frames, actor=ACTOR)
    before = digest(store.path)
    with pytest.raises(ValidationError) as err:
        scenarios.delete_scenario(store, scenarios.BASELINE_ID, actor=ACTOR)
    assert err.value.key == "scenario_locked"
    run = reuse_run.run_scenario(frames, space_ids=[], candidate_ids=[])
    with pytest.raises(ValidationError) as err:
        scenarios.save_scenario(store, run, name="x", actor=ACTOR, based_on="S999")
    assert err.value.key == "scenario_unknown"
    with pytest.raises(ValidationError) as err:
        scenarios.save_scenario(store, run, name=" ", actor=ACTOR)
    assert err.value.key == "scenario_bad_name"
    assert digest(store.path) == before

    new = scenarios.save_scenario(store, run, name="空方案", actor=ACTOR)
    scenarios.delete_scenario(store, new, actor=ACTOR)
    assert list(store.read("scenarios")["scenario_id"]) == ["BASELINE"]


def test_scores_under_different_weights_are_not_compared():
    def fake(sid: str, score: float, **w: float) -> scenarios.Scenario:
        config = reuse_config.ReuseConfig(**w).to_dict()
        totals = {"firms_placed": 3.0, "total_score": score}
        return scenarios.Scenario(
            sid, sid, None, False, "x", "2021-06-30T00:00:00Z", 0, {"config": config},
            {"totals": totals},
        )  # fmt: skip

    default = fake("A", 2.0)
    heavier_tax = fake("B", 3.003, w_tax=0.5)
    doubled = fake("C", 2.5, w_industry=0.7, w_area=0.5, w_tax=0.5, w_jobs=0.3)
    assert scenarios.weights(heavier_tax)["w_tax"] == 0.5
    assert not scenarios.same_weights([default, heavier_tax])
    assert scenarios.same_weights([default, doubled])  # same proportions, same score scale

    table = scenarios.compare([default, heavier_tax]).set_index("metric")
    assert not table.at["total_score", "comparable"]
    assert np.isnan(table.at["total_score", "diff:B"]) and np.isnan(
        table.at["total_score", "pct:B"]
    )
    assert table.at["total_score", "value:B"] == 3.003  # the values themselves are still shown
    assert table.at["firms_placed", "comparable"] and table.at["firms_placed", "diff:B"] == 0

    same = scenarios.compare([default, doubled]).set_index("metric")
    assert same.at["total_score", "comparable"]
    assert same.at["total_score", "diff:C"] == 0.5 and same.at["total_score", "pct:C"] == 25.0
