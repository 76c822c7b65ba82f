"""AppTest of the 目标与亩均 page on the sample store: targets, evaluation, key supervision,
settings (a valid save is stored, an invalid one refused in the UI's language)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gis.efficiency import config
from gis.efficiency import evaluation as efficiency_evaluation
from gis.i18n import t
from gis.store import ParkStore
from gis.targets import tracking
from tests.apptest_kit import assert_clean, signed_in

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE = "pages/views/targets.py"
RUN_TIMEOUT = 90
AS_OF = date(2021, 6, 30)  # the sample park's report date (the sidebar's default)


def open_page(lang: str = "zh") -> AppTest:
    at = signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT))
    at.run(timeout=RUN_TIMEOUT)
    if lang != "zh":
        at.selectbox(key="lang").set_value(lang).run(timeout=RUN_TIMEOUT)
    at.switch_page(PAGE).run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    return at


def section(at: AppTest, name: str) -> AppTest:
    at.radio(key="tg_section").set_value(name).run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_targets_show_progress_computed_from_the_data(store_copy, lang):
    frames = ParkStore(store_copy).read_all()
    expected = tracking.progress(frames, year=2021, as_of=AS_OF).set_index("target_id")
    at = open_page(lang)
    assert t("targets_heading", lang) in [h.value for h in at.header]
    metrics = {m.label: m.value for m in at.metric}
    label = "label_zh" if lang == "zh" else "label_en"
    for tid, row in expected.iterrows():
        shown = metrics[row[label]]
        if row["computable"]:
            assert shown.startswith(f"{row['value']:,.1f}".rstrip("0").rstrip(".")), (tid, shown)
        else:
            assert shown.startswith("—"), (tid, shown)
    land = expected.loc["LAND_SOLD_MU", "value"]
    mu = "亩" if lang == "zh" else "mu"
    assert metrics[expected.loc["LAND_SOLD_MU", label]] == f"{land:,.1f} {mu}"
    # Targets from year-to-date reports say which months they cover.
    captions = " ".join(c.value for c in at.caption)
    assert t("targets_period", lang, months=6) in captions
    table = at.dataframe[0].value
    assert len(table) == len(expected)
    assert t("targets_status_na", lang) not in table[t("targets_col_status", lang)].tolist()
    periods = table[t("targets_col_period", lang)].tolist()
    assert periods.count(t("targets_period", lang, months=6)) == 4


def test_targets_before_the_first_report_say_why(store_copy):
    at = open_page()
    at.date_input(key="as_of").set_value(date(2021, 1, 20)).run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    captions = " ".join(c.value for c in at.caption)
    note = t("target_note_no_report", "zh", year=2021, date="2021-01-20", latest="2020-12")
    assert note in captions
    table = at.dataframe[0].value
    assert table[t("targets_col_status", "zh")].tolist().count(t("targets_status_na", "zh")) == 4


def test_every_section_runs(store_copy):
    frames = ParkStore(store_copy).read_all()
    at = open_page()
    section(at, "evaluation")
    evaluation = efficiency_evaluation.evaluate(
        frames["enterprises"],
        frames["enterprise_years"],
        year=2020,
        adjustments=frames["evaluation_adjustments"],
    )
    table = at.dataframe[0].value
    assert len(table) == len(frames["enterprises"])  # every firm, evaluated or not
    assert set(table["分类"].dropna()) <= set("ABCD")
    shown = table.set_index("企业编号")
    for _, firm in evaluation.iterrows():
        got = shown.loc[firm["enterprise_id"]]
        if firm["evaluated"]:
            assert got["综合得分"] == pytest.approx(round(firm["score"], 2))
            assert got["分类"] == firm["class_code"]
        else:
            assert got["未参评原因"]  # the reason is written out
    counts = {m.label: m.value for m in at.metric}
    assert sum(int(v) for v in counts.values()) == int(evaluation["evaluated"].sum())
    # The sample's adjustments show: a bonus adds to the score, overrides set the class.
    adjustments = frames["evaluation_adjustments"].set_index("enterprise_id")
    for eid, adj in adjustments.iterrows():
        got = shown.loc[eid]
        if adj["override"] == "FORCE_D":
            assert got["分类"] == "D"
        elif adj["override"] == "NOT_GRADED":
            assert got["分类"] == "B"
        elif adj["bonus_points"] > 0:
            assert got["综合得分"] == pytest.approx(got["基础得分"] + adj["bonus_points"], abs=0.01)

    at.selectbox(key="tg_filter_status_zh").set_value("excluded").run(timeout=RUN_TIMEOUT)
    assert len(at.dataframe[0].value) == int((~evaluation["evaluated"]).sum())

    section(at, "supervision")
    flagged = at.dataframe[0].value
    assert len(flagged) == int(evaluation["key_supervision"].sum())
    section(at, "settings")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_invalid_weights_are_refused_with_a_message(store_copy, lang):
    before = ParkStore(store_copy).data_version()
    at = section(open_page(lang), "settings")
    at.number_input(key="tg_cfg_wa_tax_per_mu").set_value(35.0)
    at.button(key="tg_cfg_save").click().run(timeout=RUN_TIMEOUT)
    assert not at.exception
    errors = [e.value for e in at.error]
    group = t("efficiency_group_above", lang)
    assert errors == [t("efficiency_weights_sum", lang, group=group, total=105.0)], errors
    assert ParkStore(store_copy).data_version() == before


def test_valid_settings_are_stored_and_used(store_copy):
    at = section(open_page(), "settings")
    at.radio(key="tg_cfg_combinator").set_value("all")
    at.number_input(key="tg_cfg_ks2_land").set_value(15.0)
    at.button(key="tg_cfg_save").click().run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    stored = config.config_from_settings(ParkStore(store_copy).read("settings"))
    assert stored.ks_combinator == "all" and stored.ks2_min_land_mu == 15.0
    assert t("cfg_saved", "zh") in [s.value for s in at.success]
    section(at, "supervision")
    assert "全部条件" in " ".join(c.value for c in at.caption)


def test_adjustments_editor_takes_the_account_and_reports_no_change(store_copy):
    before = ParkStore(store_copy).data_version()
    at = section(open_page(), "evaluation")
    # No author box (#13): the signed-in account is the author; nothing changed is said.
    assert not [w for w in at.text_input if w.key == "adj_author"]
    at.button(key="adj_save_2020").click().run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    assert t("adj_unchanged", "zh") in [i.value for i in at.info]
    assert ParkStore(store_copy).data_version() == before


def test_block_table_leaves_a_rate_without_comparable_firms_empty(store_copy):
    frames = ParkStore(store_copy).read_all()
    blocks = tracking.progress_by_block(frames, year=2021, as_of=AS_OF)
    tax = blocks[blocks["target_id"] == "TAX_GROWTH_PCT"].set_index("block_name")["value"]
    missing = tax[tax.isna()]
    assert len(missing) > 0  # the sample's 万洋 firms have no January–June 2020 to compare
    at = open_page()
    table = next(d.value for d in at.dataframe if t("targets_block", "zh") in d.value.columns)
    column = next(c for c in table.columns if "税费增长" in c)
    shown = table.set_index(t("targets_block", "zh"))[column]
    for name in missing.index:
        assert shown[name] == "—"
    for name, value in tax.dropna().items():
        v = round(value, 2)
        assert shown[name] == (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}")


def test_class_names_are_edited_checked_and_shown_escaped(store_copy):
    from gis.efficiency.config import config_from_settings
    from ui.text import md

    before = ParkStore(store_copy).data_version()
    at = section(open_page(), "settings")
    at.text_input(key="tg_cfg_label_zh_A").set_value("  ")
    at.button(key="tg_cfg_save").click().run(timeout=RUN_TIMEOUT)
    assert [e.value for e in at.error] == [t("efficiency_class_labels", "zh")]
    assert ParkStore(store_copy).data_version() == before  # nothing written

    name = "**重点**<b>发展</b>"
    at.text_input(key="tg_cfg_label_zh_A").set_value(name)
    at.button(key="tg_cfg_save").click().run(timeout=RUN_TIMEOUT)
    assert_clean(at)
    stored = config_from_settings(ParkStore(store_copy).read("settings"))
    assert stored.class_labels_zh[0] == name
    section(at, "evaluation")
    assert f"A · {md(name)}" in [m.label for m in at.metric]
