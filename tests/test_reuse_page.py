"""The 闲置盘活 page driven as an analyst would: pick, run, read the reasons, save, compare."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from gis.i18n import t
from gis.store import ParkStore
from tests.apptest_kit import assert_clean, signed_in, texts

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
TIMEOUT = 120


def open_page() -> AppTest:
    at = signed_in(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    at.run()
    at.switch_page("pages/views/reuse.py").run()
    assert_clean(at)
    return at


def test_run_save_and_compare(store_copy):
    at = open_page()
    assert t("reuse_heading", "zh") in texts(at.header)

    # Pick a few spaces and every candidate, run.
    spaces = ParkStore(store_copy).read("vacant_spaces")
    picked = list(spaces["space_id"][:12])
    at.multiselect(key="reuse_spaces").set_value(picked).run()
    at.number_input(key="reuse_w_tax").set_value(0.5).run()
    at.checkbox(key="reuse_split").check().run()
    at.button(key="reuse_run").click().run()
    assert_clean(at)
    placements = at.dataframe[1].value
    reasons = at.dataframe[2].value
    assert len(placements) > 0
    # Every picked space is either placed or listed with a reason; every candidate too.
    placed_spaces = set(placements.iloc[:, 1])
    listed = " ".join(reasons.iloc[:, 1].astype(str))
    assert all(s in placed_spaces or s in listed for s in picked)
    assert (reasons.iloc[:, 2].str.len() > 0).all()
    assert list(reasons.columns) == ["类别", "ID", "原因"]
    assert any("面积不符" in r for r in reasons.iloc[:, 2])
    assert at.dataframe[3].value.shape[0] > 0
    targets = at.dataframe[5].value
    assert "累计投产企业" in list(targets.iloc[:, 0])

    # Save it: the baseline is created (locked) and the scenario is based on it.
    at.text_input(key="reuse_name").input("试点方案")
    at.button[-1].click().run()  # the form's submit button
    assert_clean(at)
    assert t("reuse_saved", "zh", id="S001") in texts(at.success)
    saved = ParkStore(store_copy).read("scenarios")
    assert sorted(saved["scenario_id"]) == ["BASELINE", "S001"]
    assert bool(saved.set_index("scenario_id").at["BASELINE", "locked"])
    assert saved.set_index("scenario_id").at["S001", "based_on"] == "BASELINE"

    # A new scenario based on S001 starts from its inputs.
    at.selectbox(key="reuse_based_on").set_value("S001").run()
    assert_clean(at)
    assert at.number_input(key="reuse_w_tax").value == 0.5
    assert at.checkbox(key="reuse_split").value is True
    assert at.multiselect(key="reuse_spaces").value == picked

    # Compare with the baseline, re-run and check.
    at.radio(key="reuse_section").set_value("compare").run()
    assert_clean(at)
    at.multiselect(key="reuse_compare").set_value(["BASELINE", "S001"]).run()
    table = at.dataframe[0].value
    assert table.shape[0] > 5
    assert any("S001" in c for c in table.columns)
    at.button(key="reuse_rerun").click().run()
    assert_clean(at)
    assert t("reuse_rerun_ok", "zh", id="S001") in texts(at.success)


def test_candidate_pipeline_section_saves_the_table(store_copy):
    at = open_page()
    at.radio(key="reuse_section").set_value("candidates").run()
    assert_clean(at)
    at.button(key="reuse_save_cands").click().run()  # the unchanged pipeline is valid
    assert_clean(at)
    assert t("reuse_candidates_saved", "zh", n=45) in texts(at.success)
    assert len(ParkStore(store_copy).read("candidates")) == 45


def test_english(store_copy):
    at = open_page()
    at.selectbox(key="lang").set_value("en").run()
    assert_clean(at)
    assert t("reuse_heading", "en") in texts(at.header)


def test_block_filter_limits_the_spaces(store_copy):
    at = open_page()
    at.multiselect(key="reuse_blocks").set_value(["BH"]).run()
    at.button(key="reuse_run").click().run()
    assert_clean(at)
    placements = at.dataframe[1].value
    assert len(placements) > 0
    assert all(str(code).startswith("D") for code in placements.iloc[:, 2])  # 碧湖 parcels


def test_compare_scores_only_under_the_same_weights(store_copy):
    """Issue #11: 匹配总分 was coloured +1.003 between scenarios with different weights."""
    at = open_page()
    at.selectbox(key="lang").set_value("en").run()
    spaces = list(ParkStore(store_copy).read("vacant_spaces")["space_id"])
    saved = []
    for n, picked in enumerate((spaces[:10], spaces[10:20]), start=1):
        at.multiselect(key="reuse_spaces").set_value(picked).run()
        at.number_input(key="reuse_w_tax").set_value(0.5).run()
        at.button(key="reuse_run").click().run()
        at.text_input(key="reuse_name").input(f"plan {n}")
        at.button[-1].click().run()
        assert_clean(at)
        saved.append(f"S00{n}")
    at.radio(key="reuse_section").set_value("compare").run()

    # The baseline (default weights) against S001 (tax weighted 0.5): not comparable.
    at.multiselect(key="reuse_compare").set_value(["BASELINE", "S001"]).run()
    assert_clean(at)
    warnings = [w for w in texts(at.warning) if "weights" in w]
    assert len(warnings) == 1 and "different weights" in warnings[0]
    assert "S001: Industry fit 0.35 · Area fit 0.25 · Tax per mu after entry 0.5" in warnings[0]
    table = at.dataframe[0].value.set_index("Metric")
    score = table.loc[t("reuse_m_total_score", "en")]
    assert score["Difference S001−BASELINE"] == "not comparable"
    assert score["Change % S001/BASELINE"] == "not comparable"
    assert table.loc[t("reuse_m_firms_placed", "en"), "Difference S001−BASELINE"].startswith("+")
    styles = at.dataframe[0].proto.arrow_data.styler.styles
    row = list(table.index).index(t("reuse_m_total_score", "en"))
    firms = list(table.index).index(t("reuse_m_firms_placed", "en"))
    assert f"row{firms}_col3" in styles and "#1b5e20" in styles  # firms placed: coloured ...
    assert f"row{row}_col3" not in styles and f"row{row}_col4" not in styles  # ... not the score

    # S001 against S002: the same weights, so the score difference is shown.
    at.multiselect(key="reuse_compare").set_value(saved).run()
    assert_clean(at)
    assert not [w for w in texts(at.warning) if "weights" in w]
    table = at.dataframe[0].value.set_index("Metric")
    rows = ParkStore(store_copy).read("scenarios").set_index("scenario_id")["results_json"]
    score = {i: json.loads(rows[i])["totals"]["total_score"] for i in saved}
    assert score["S001"] > 0 and score["S002"] > 0
    shown = table.loc[t("reuse_m_total_score", "en"), "Difference S002−S001"]
    assert shown == f"{score['S002'] - score['S001']:+,.3f}"
