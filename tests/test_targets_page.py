"""AppTest of the 目标与亩均 page on the sample store: targets, evaluation, key supervision,
settings (a valid save is stored, an invalid one refused in the UI's language)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gis import efficiency, targets
from gis.i18n import t
from gis.store import ParkStore

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE = "pages/views/targets.py"
RUN_TIMEOUT = 90
AS_OF = date(2021, 6, 30)  # the sample park's report date (the sidebar's default)


@pytest.fixture
def store_copy(sample_store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "park.gpkg"
    shutil.copyfile(sample_store_path, path)
    monkeypatch.setenv("PARK_DB", str(path))
    return path


def open_page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    at.run(timeout=RUN_TIMEOUT)
    if lang != "zh":
        at.selectbox(key="lang").set_value(lang).run(timeout=RUN_TIMEOUT)
    at.switch_page(PAGE).run(timeout=RUN_TIMEOUT)
    assert_ran(at)
    return at


def assert_ran(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def section(at: AppTest, name: str) -> AppTest:
    at.radio(key="tg_section").set_value(name).run(timeout=RUN_TIMEOUT)
    assert_ran(at)
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_targets_show_progress_computed_from_the_data(store_copy, lang):
    frames = ParkStore(store_copy).read_all()
    expected = targets.progress(frames, year=2021, as_of=AS_OF).set_index("target_id")
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
    # The non-computable targets say why, in the UI's language.
    captions = " ".join(c.value for c in at.caption)
    assert t("target_note_no_figures", lang, year=2021, latest="2020") in captions
    table = at.dataframe[0].value
    assert len(table) == len(expected)
    assert table[t("targets_col_status", lang)].tolist().count(t("targets_status_na", lang)) == 5


def test_every_section_runs(store_copy):
    frames = ParkStore(store_copy).read_all()
    at = open_page()
    section(at, "evaluation")
    evaluation = efficiency.evaluate(frames["enterprises"], frames["enterprise_years"], year=2020)
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
    assert_ran(at)
    stored = efficiency.config_from_settings(ParkStore(store_copy).read("settings"))
    assert stored.ks_combinator == "all" and stored.ks2_min_land_mu == 15.0
    assert t("cfg_saved", "zh") in [s.value for s in at.success]
    section(at, "supervision")
    assert "全部条件" in " ".join(c.value for c in at.caption)
