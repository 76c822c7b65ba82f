"""The reuse engine (gis.reuse): filters, score, assignment, splitting, effects, validation."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from gis._errors import ValidationError
from gis.excel import labelled_columns, read_xlsx, to_xlsx
from gis.reuse import assignment, candidates, effects
from gis.reuse import config as reuse_config
from gis.reuse import run as reuse_run
from gis.schema import CANDIDATES
from gis.store import ParkStore
from tests.actors import ACTOR
from tests.store_kit import digest
from tests.tiny_park import tiny_park


# ---------------------------------------------------------------- the hand-worked case
def test_greedy_is_not_optimal_by_hand():
    # Scores of 4 candidates (rows K1-K4) for 3 spaces (columns S1-S3); 0 = infeasible.
    score = np.array(
        [
            [0.90, 0.80, 0.00],  # K1
            [0.85, 0.00, 0.00],  # K2: only S1
            [0.00, 0.70, 0.30],  # K3
            [0.00, 0.00, 0.20],  # K4: only S3
        ]
    )
    feasible = score > 0
    # Greedy takes the best pair first: K1-S1 0.9, then K3-S2 0.7, then K4-S3 0.2 = 1.8
    # (K2 is left with nothing).
    greedy = assignment.assign(score, feasible, method="greedy")
    assert greedy == [(0, 0), (2, 1), (3, 2)]
    assert assignment.total_score(score, greedy) == pytest.approx(1.80)
    # Optimal: K2-S1 0.85 + K1-S2 0.8 + K3-S3 0.3 = 1.95 (K4 left out).
    optimal = assignment.assign(score, feasible, method="optimal")
    assert optimal == [(0, 1), (1, 0), (2, 2)]
    assert assignment.total_score(score, optimal) == pytest.approx(1.95)
    for seed in range(5):  # no ties here: the seed changes nothing
        assert assignment.assign(score, feasible, method="optimal", seed=seed) == optimal
        assert assignment.assign(score, feasible, method="greedy", seed=seed) == greedy


def test_infeasible_pairs_are_never_assigned_and_optimal_beats_greedy():
    rng = np.random.default_rng(7)
    for _ in range(30):
        score = rng.random((8, 5))
        feasible = rng.random((8, 5)) < 0.4
        opt = assignment.assign(score, feasible, method="optimal")
        gre = assignment.assign(score, feasible, method="greedy")
        for pairs in (opt, gre):
            assert all(feasible[r, c] for r, c in pairs)
            assert len({r for r, _ in pairs}) == len(pairs) == len({c for _, c in pairs})
        assert assignment.total_score(score, opt) >= assignment.total_score(score, gre) - 1e-12


# ---------------------------------------------------------------- hard filters
def space(**over) -> dict:
    base = dict(
        space_id="S1",
        parcel_code="P4",
        building_id="BLD1",
        floor=1,
        gfa_m2=2000.0,
        clear_height_m=6.0,
        floor_load_kn_m2=10.0,
        crane_t=5.0,
        power_kva=500.0,
        fire_class_allowed="丙丁戊",
        env_restrictions="无",
        owner_type="企业自有",
        mode_allowed="转让",
        leading_industry="智能装备制造",
        parcel_mu=18.0,
        parcel_tax_wan=150.0,
    )
    return {**base, **over}


def candidate(**over) -> dict:
    base = dict(
        candidate_id="K1",
        name="候选电机",
        industry_code="C38",
        need_area_min_m2=1500.0,
        need_area_max_m2=2000.0,
        need_height_m=6.0,
        need_load_kn_m2=10.0,
        need_crane_t=5.0,
        need_power_kva=500.0,
        fire_class="丙",
        expected_revenue_wan=650.0,
        expected_output_wan=600.0,
        expected_tax_wan=30.0,
        expected_jobs=20,
    )
    return {**base, **over}


def run(spaces: list[dict], cands: list[dict], **config) -> assignment.Matching:
    return assignment.match(
        pd.DataFrame(spaces), pd.DataFrame(cands), config=reuse_config.ReuseConfig(**config)
    )


def test_a_fitting_pair_is_matched():
    m = run([space()], [candidate()])
    assert list(m.placements["candidate_id"]) == ["K1"]
    assert m.placements.at[0, "area_m2"] == 2000.0
    assert m.unmatched_candidates.empty and m.unmatched_spaces.empty


@pytest.mark.parametrize(
    ("filter_name", "space_over", "candidate_over"),
    [
        ("industry", {}, {"industry_code": "C17"}),  # textiles: not on the park's whitelist
        ("environment", {"env_restrictions": "禁止电镀、印染"}, {"industry_code": "C33"}),
        ("environment", {"env_restrictions": "禁止高VOCs排放工艺"}, {"industry_code": "C29"}),
        ("fire", {"fire_class_allowed": "丁戊"}, {"fire_class": "丙"}),
        ("fire", {"fire_class_allowed": "甲乙丙丁戊", "floor": 2}, {"fire_class": "乙"}),
        ("area", {"gfa_m2": 1499.0}, {}),  # below need_area_min
        ("area", {"gfa_m2": 2401.0}, {}),  # above need_area_max × 1.2
        ("height", {"clear_height_m": 5.9}, {}),
        ("load", {"floor_load_kn_m2": 9.5}, {}),
        ("crane", {"crane_t": 3.0}, {}),
        ("power", {"power_kva": 499.0}, {}),
    ],
)
def test_each_hard_filter(filter_name, space_over, candidate_over):
    m = run([space(**space_over)], [candidate(**candidate_over)])
    assert m.placements.empty
    assert m.feasible_pairs == 0
    assert list(m.unmatched_candidates["reason"]) == [f"reuse_why_c_{filter_name}"]
    assert list(m.unmatched_spaces["reason"]) == [f"reuse_why_s_{filter_name}"]
    text = reuse_config.Reason(*m.unmatched_candidates.iloc[0][["reason", "params"]]).text("zh")
    assert text and "{" not in text


@pytest.mark.parametrize(
    ("space_over", "candidate_over"),
    [
        ({"gfa_m2": 1500.0}, {}),  # need_area_min, inclusive
        ({"gfa_m2": 2400.0}, {}),  # need_area_max × 1.2, inclusive
        ({"fire_class_allowed": "甲乙丙丁戊", "floor": 1}, {"fire_class": "甲"}),  # ground floor
        ({"fire_class_allowed": "丙丁戊", "floor": 3}, {"fire_class": "丙"}),  # 丙 upstairs is fine
        ({"env_restrictions": "禁止电镀、印染"}, {"industry_code": "C3811"}),  # a class code
    ],
)
def test_filter_boundaries_pass(space_over, candidate_over):
    m = run([space(**space_over)], [candidate(**candidate_over)])
    assert len(m.placements) == 1


def test_outscored_candidate_gets_the_reason_and_the_winner():
    m = run(
        [space()],
        [candidate(), candidate(candidate_id="K2", industry_code="C18")],  # K2 fits less well
    )
    assert list(m.placements["candidate_id"]) == ["K1"]
    row = m.unmatched_candidates.iloc[0]
    assert row["candidate_id"] == "K2"
    assert row["reason"] == "reuse_why_c_outscored"
    assert row["params"] == {"n": 1, "space": "S1", "other": "K1"}


# ---------------------------------------------------------------- score by hand
def test_score_parts_by_hand():
    # Two spaces, one candidate, same parcel figures: only area and jobs density differ.
    m = run(
        [space(space_id="A", gfa_m2=2000.0), space(space_id="B", gfa_m2=1600.0)],
        [candidate(need_area_min_m2=1500.0, need_area_max_m2=2000.0, expected_jobs=32)],
        method="optimal",
    )
    # need = 1750. A: area_fit = 1 − 250/2000 = 0.875, jobs 16/1000 m²;
    # B: area_fit = 1 − 150/1600 = 0.90625, jobs 20/1000 m².
    # industry fit 1.0 (C38 in the block's 智能装备制造); tax after (150+30)/18 = 10 on both,
    # so tax_norm = 1 (all equal); jobs_norm: A 0, B 1.
    # A: 0.35·1 + 0.25·0.875 + 0.25·1 + 0.15·0 = 0.81875
    # B: 0.35·1 + 0.25·0.90625 + 0.25·1 + 0.15·1 = 0.9765625
    p = m.placements.iloc[0]
    assert p["space_id"] == "B"
    assert p["area_fit"] == pytest.approx(0.90625)
    assert p["tax_per_mu_after"] == pytest.approx(10.0)
    assert p["jobs_per_1000m2"] == pytest.approx(20.0)
    assert p["score"] == pytest.approx(0.9765625)
    assert m.optimal_score == pytest.approx(0.9765625)


def test_industry_fit_levels():
    config = reuse_config.ReuseConfig(w_area=0, w_tax=0, w_jobs=0)
    for code, expected in (("C38", 1.0), ("C27", 0.6), ("C33", 0.2)):
        m = assignment.match(
            pd.DataFrame([space()]),
            pd.DataFrame([candidate(industry_code=code)]),
            config=config,
        )
        assert m.placements.at[0, "industry_fit"] == expected
        assert m.placements.at[0, "score"] == pytest.approx(expected)


# ---------------------------------------------------------------- splitting
def test_split_a_large_space_among_two_candidates():
    big = space(gfa_m2=5000.0, mode_allowed="出租")
    two = [
        candidate(need_area_min_m2=1500.0, need_area_max_m2=2000.0),
        candidate(candidate_id="K2", need_area_min_m2=2500.0, need_area_max_m2=3000.0),
    ]
    assert run([big], two).placements.empty  # whole, 5000 m² fits neither
    m = run([big], two, allow_split=True)
    assert sorted(m.placements["candidate_id"]) == ["K1", "K2"]
    assert m.placements["area_m2"].sum() == pytest.approx(5000.0)
    assert (m.placements["area_m2"] >= 1000.0).all()
    assert m.placements["split"].all()
    assert sorted(m.placements["round"]) == [1, 2]


def test_split_respects_the_minimum_unit_and_the_mode():
    two = [
        candidate(need_area_min_m2=1500.0, need_area_max_m2=2000.0),
        candidate(candidate_id="K2", need_area_min_m2=2500.0, need_area_max_m2=3000.0),
    ]
    m = run(
        [space(gfa_m2=5000.0, mode_allowed="出租")], two, allow_split=True, min_split_unit_m2=2500
    )
    # K1 could only take 2000 m² < the 2500 m² unit; K2 takes 2500 and leaves 2500, which
    # is more than K1's 2000 × 1.2 and cannot be cut again.
    assert list(m.placements["candidate_id"]) == ["K2"]
    assert m.placements.at[0, "area_m2"] == 2500.0
    left = m.unmatched_spaces
    assert left.empty  # the space is used (partly)
    m = run([space(gfa_m2=5000.0, mode_allowed="转让")], two, allow_split=True)
    assert m.placements.empty  # a whole transfer cannot be cut


# ---------------------------------------------------------------- effects by hand
def tiny_frames() -> dict:
    frames = tiny_park()
    vs = frames["vacant_spaces"].copy()
    for col, value in space().items():
        if col in vs.columns and col not in ("space_id", "parcel_code", "building_id"):
            vs[col] = [value]
    vs["floor"] = 1
    frames["vacant_spaces"] = vs
    frames["candidates"] = pd.DataFrame([candidate()], columns=list(CANDIDATES.column_names))
    return frames


def test_effects_by_hand():
    frames = tiny_frames()
    result = reuse_run.run_scenario(frames)
    assert list(result.matching.placements["space_id"]) == ["S1"]
    row = result.parcels.set_index("parcel_code").loc["P4"]
    # P4: 12 000 m² certified = 18 mu; E1 paid 150 万元 tax in 2020, no output reported.
    assert row["parcel_mu"] == pytest.approx(18.0)
    assert row["tax_before"] == 150.0 and row["tax_after"] == 180.0
    assert row["tax_per_mu_before"] == pytest.approx(150 / 18)
    assert row["tax_per_mu_after"] == pytest.approx(10.0)
    assert row["output_per_mu_after"] == pytest.approx(600 / 18)
    assert row["jobs_added"] == 20
    # BLD1: 6000 m², 2000 vacant → 2/3 used; the tenant fills the 2000 m².
    assert row["occupancy_before"] == pytest.approx(2 / 3)
    assert row["occupancy_after"] == pytest.approx(1.0)
    totals = result.totals
    assert totals["firms_placed"] == 1
    assert totals["new_above_scale"] == 0  # 650 万元 < 2000
    assert totals["delta_tax_wan"] == 30.0 and totals["jobs_added"] == 20
    assert totals["idle_before_m2"] == 2000.0 and totals["idle_after_m2"] == 0.0


def test_new_above_scale_counts_tenants_from_2000_wan():
    frames = tiny_frames()
    frames["candidates"] = pd.DataFrame(
        [candidate(expected_revenue_wan=2000.0)], columns=list(CANDIDATES.column_names)
    )
    assert reuse_run.run_scenario(frames).totals["new_above_scale"] == 1


def test_target_progress_reads_as_the_targets_page(sample_store_path):
    from datetime import date

    from gis.targets import tracking

    frames = ParkStore(sample_store_path).read_all()
    as_of = date(2021, 6, 30)
    page = tracking.progress(frames, year=2021, as_of=as_of).set_index("target_id")["value"]
    parcels = frames["parcels"]
    wanyang = parcels.loc[parcels["block_id"] == "WY", "code"].iloc[:2].tolist()
    elsewhere = parcels.loc[parcels["block_id"] != "WY", "code"].iloc[:3].tolist()
    placements = pd.DataFrame({"parcel_code": wanyang + elsewhere})
    totals = {"firms_placed": 5.0, "new_above_scale": 1.0}
    got = effects.target_progress(frames, totals, placements=placements, as_of=as_of)
    got = got.set_index("target_id")
    assert got.loc["FIRMS_IN_PRODUCTION", "now"] == page["FIRMS_IN_PRODUCTION"]
    # Only the two placements in 万洋 count towards the 万洋 firms-in-production target.
    assert got.loc["FIRMS_IN_PRODUCTION", "after"] == page["FIRMS_IN_PRODUCTION"] + 2
    assert got.loc["NEW_ABOVE_SCALE_FIRMS", "now"] == page["NEW_ABOVE_SCALE_FIRMS"]
    assert got.loc["NEW_ABOVE_SCALE_FIRMS", "after"] == page["NEW_ABOVE_SCALE_FIRMS"] + 1


def test_sample_park_run_is_deterministic(sample_store_path):
    frames = ParkStore(sample_store_path).read_all()
    config = reuse_config.ReuseConfig(allow_split=True)
    a = reuse_run.run_scenario(frames, config=config, seed=11)
    b = reuse_run.run_scenario(frames, config=config, seed=11)
    assert a.results() == b.results()
    m = a.matching
    assert m.optimal_score >= m.greedy_score
    assert len(m.placements) > 5
    # Every candidate is placed or has a reason, and so is every space.
    assert len(m.placements) + len(m.unmatched_candidates) == len(frames["candidates"])
    assert set(m.placements["space_id"]) | set(m.unmatched_spaces["space_id"]) == set(
        frames["vacant_spaces"]["space_id"]
    )
    # The predicted classes come from the 亩均 evaluation.
    assert set(a.parcels["class_after"].dropna()) <= {"A", "B", "C", "D"}
    assert a.parcels["class_after"].notna().any()


def test_predicted_class_and_cleared_flags_use_the_evaluation(sample_store_path):
    from gis.efficiency import evaluation

    frames = ParkStore(sample_store_path).read_all()
    ev = evaluation.evaluate(frames["enterprises"], frames["enterprise_years"], year=2020)
    # A parcel whose firms are flagged KS-3 (tax ≤ 3 万元/亩): a rich tenant clears it.
    flagged = ev[ev["ks3"] & ~ev["tenant"]]
    code = flagged["parcel_code"].iloc[0]
    placements = pd.DataFrame(
        [{"candidate_id": "K1", "space_id": "X", "parcel_code": code, "area_m2": 2000.0}]
    )
    rich = pd.DataFrame([candidate(expected_tax_wan=500.0, expected_revenue_wan=9000.0)])
    out = effects.predict_parcels(frames, placements, rich, year=2020).iloc[0]
    assert "KS3" in out["ks_before"].split(",")
    assert "KS3" not in out["ks_after"].split(",")
    assert "KS3" in out["ks_cleared"].split(",")
    assert out["score_after"] > out["score_before"]


# ---------------------------------------------------------------- config
def test_config_round_trip_and_validation():
    config = reuse_config.ReuseConfig(w_tax=0.5, allow_split=True)
    assert reuse_config.ReuseConfig.from_dict(config.to_dict()) == config
    with pytest.raises(ValidationError) as err:
        reuse_config.ReuseConfig(w_area=-1).validate()
    assert err.value.key == "reuse_bad_config"
    with pytest.raises(ValidationError):
        reuse_config.ReuseConfig(w_industry=0, w_area=0, w_tax=0, w_jobs=0).validate()
    with pytest.raises(ValidationError):
        reuse_config.ReuseConfig.from_dict({"bogus": 1})


# ---------------------------------------------------------------- the candidate pipeline

BAD_ROWS = pd.DataFrame(
    {
        "candidate_id": ["G1", "B1", "B2", "B3", "B4", "G1"],
        "name": ["好企业", None, "负面积", "未知行业", "下限大于上限", "重复"],
        "industry_code": ["C38", "C34", "C35", "X99", "C18", "C38"],
        "need_area_min_m2": [1000, 1000, -50, 1000, 3000, 1000],
        "need_area_max_m2": [2000, 2000, 2000, 2000, 2000, 2000],
        "fire_class": ["丙", "丙", "丁", "丙", "戊", "丙"],
        "need_height_m": [6, 6, 6, "高", 6, 6],
    }
)


def test_bad_candidate_rows_get_per_row_messages():
    _, issues = candidates.validate_candidates(BAD_ROWS)
    by_row = {i.row: i for i in issues}
    # Spreadsheet rows: the header is row 1.
    assert sorted(by_row) == [2, 3, 4, 5, 6, 7]
    assert [p.key for p in by_row[3].problems] == ["reuse_v_missing"]
    assert [p.key for p in by_row[4].problems] == ["reuse_v_negative"]
    assert [p.key for p in by_row[5].problems] == ["reuse_v_not_number", "reuse_v_industry"]
    assert [p.key for p in by_row[6].problems] == ["reuse_v_min_gt_max"]
    assert [p.key for p in by_row[2].problems] == ["reuse_v_duplicate"]
    assert by_row[3].text("zh") == "第 3 行(B1)：缺少“企业名称”"
    assert by_row[4].text("en") == "Row 4 (B2): 'Area needed (min)' cannot be negative (-50)"
    assert "X99" in by_row[5].text("zh")


def test_nothing_is_saved_unless_every_row_is_valid(sample_store_path, tmp_path):
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    store = ParkStore(path)
    before = digest(path)
    with pytest.raises(ValidationError) as err:
        candidates.save_candidates(store, BAD_ROWS, actor=ACTOR)
    assert err.value.key == "reuse_candidates_invalid"
    assert err.value.params["n"] == 6
    assert digest(path) == before
    assert store.data_version() == 1

    good = BAD_ROWS.iloc[[0]].copy()
    good["need_height_m"] = [6]
    version = candidates.save_candidates(store, good, actor=ACTOR)
    assert version == 2
    saved = store.read("candidates")
    assert list(saved["candidate_id"]) == ["G1"]
    assert saved.at[0, "need_area_min_m2"] == 1000.0


def test_xlsx_with_chinese_headers_round_trips(sample_store_path):
    frame = ParkStore(sample_store_path).read("candidates")
    data = to_xlsx({"意向企业": labelled_columns(frame, CANDIDATES, "zh")})
    clean, issues = candidates.validate_candidates(read_xlsx(data))
    assert issues == []
    assert list(clean["candidate_id"]) == list(frame["candidate_id"])
    assert clean["need_area_min_m2"].tolist() == frame["need_area_min_m2"].tolist()


def test_missing_required_column_is_refused():
    with pytest.raises(ValidationError) as err:
        candidates.validate_candidates(BAD_ROWS.drop(columns=["fire_class"]))
    assert err.value.key == "reuse_missing_columns"


# ---------------------------------------------------------------- the map layer
def test_reuse_layer_marks_matched_spaces():
    from layers.reuse import PLACED_COLOR, reuse_layer

    frames = tiny_frames()
    result = reuse_run.run_scenario(frames)
    layer = reuse_layer(
        frames["vacant_spaces"],
        result.matching.placements,
        candidates=frames["candidates"],
        lang="zh",
    )
    assert '"k":0' in layer.data and "候选电机" in layer.data
    assert PLACED_COLOR in layer.spec_json
    empty = reuse_layer(
        frames["vacant_spaces"],
        result.matching.placements.iloc[:0],
        candidates=frames["candidates"],
        lang="en",
        selected=[],
    )
    assert '"k":2' in empty.data


# ---------------------------------------------------------------- issue #12: no figures yet
def test_without_yearly_figures_the_engine_runs_and_grades_nothing():
    frames = tiny_park()
    with_figures = effects.parcel_figures(frames)
    assert with_figures.loc["P4", "tax_wan"] == 150.0  # E1's 2020 tax; E2 has none
    frames["enterprise_years"] = frames["enterprise_years"].iloc[:0]
    assert effects.figures_year(frames["enterprise_years"]) is None
    with pytest.raises(ValidationError) as info:
        effects.evaluation_year(frames["enterprise_years"])
    assert info.value.key == "reuse_no_figures"
    figures = effects.parcel_figures(frames)
    assert figures.loc["P4", ["tax_wan", "revenue_wan", "firms"]].tolist() == [0.0, 0.0, 2]
    assert effects.prepare_spaces(frames)["parcel_tax_wan"].tolist() == [0.0]
    placements = pd.DataFrame(
        {"candidate_id": ["K1"], "space_id": ["S1"], "parcel_code": ["P4"], "area_m2": [500.0]}
    )
    grades = effects.predict_parcels(frames, placements, frames["candidates"])
    assert grades["parcel_code"].tolist() == ["P4"]
    assert grades[["class_before", "class_after"]].isna().all(axis=None)
    assert grades[["ks_before", "ks_after", "ks_cleared"]].iloc[0].tolist() == ["", "", ""]
    run = reuse_run.run_scenario(frames)
    assert run.inputs["year"] is None
    assert run.totals["park_tax_wan"] == pytest.approx(
        float(
            pd.to_numeric(
                frames["candidates"]
                .set_index("candidate_id")
                .loc[run.matching.placements["candidate_id"], "expected_tax_wan"]
            )
            .fillna(0)
            .sum()
        )
    )
