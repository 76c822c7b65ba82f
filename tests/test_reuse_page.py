"""The 闲置盘活 page driven as an analyst would: pick, run, read the reasons, save, compare."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from gis.i18n import t
from gis.store import ParkStore
from tests.apptest_kit import assert_clean, texts

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
TIMEOUT = 120


def open_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
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
    at.text_input(key="reuse_author").input("张敏")
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
