"""加分/减分 and overrides of the 亩均 evaluation (gis.efficiency, domain.md §1.4–§1.5):
hand-worked scores, NOT_GRADED out of the ranking, FORCE_D, exclusions kept, validation,
caps from the configuration, and the atomic save of one year's rows."""

from __future__ import annotations

import dataclasses
import json
import math
import re

import pandas as pd
import pytest

from gis import schema
from gis._errors import StoreError, ValidationError
from gis.efficiency import adjustments as efficiency_adjustments
from gis.efficiency import classes as efficiency_classes
from gis.efficiency import config as efficiency_config
from gis.efficiency import evaluation, scores
from gis.efficiency.config import EfficiencyConfig
from gis.efficiency.evaluation import evaluate
from gis.i18n import MESSAGES, error_text, placeholders
from gis.store import ParkStore
from tests.actors import ACTOR
from tests.test_efficiency import firm as base_firm
from tests.tiny_park import tiny_park

YEAR = 2020


def firm(eid: str, **kw) -> dict:
    """A 规下 firm on 4 mu, producing since 2015, on its own parcel."""
    return base_firm(eid, **{"land_mu": 4.0, "is_above_scale": False, **kw})


def park(taxes: dict[str, float], **extra_firms: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """规下 firms on 4 mu using 40,000 kWh: tax t 万元 gives t/4 万元/亩 and t/4 元/kWh."""
    firms = [firm(eid) for eid in taxes] + [firm(eid, **kw) for eid, kw in extra_firms.items()]
    years = [
        {
            **dict.fromkeys(schema.ENTERPRISE_YEARS.column_names),
            "enterprise_id": eid,
            "year": YEAR,
            "revenue_wan": 500.0,
            "tax_wan": tax,
            "kwh": 40_000.0,
        }
        for eid, tax in taxes.items()
    ]
    return (
        pd.DataFrame(firms, columns=list(schema.ENTERPRISES.column_names)),
        pd.DataFrame(years, columns=list(schema.ENTERPRISE_YEARS.column_names)),
    )


def adjust(*rows: dict, year: int = YEAR) -> pd.DataFrame:
    """Rows of the ``evaluation_adjustments`` layer (unset fields empty)."""
    base = {
        **dict.fromkeys(schema.EVALUATION_ADJUSTMENTS.column_names),
        "year": year,
        "reason": "测试依据",
        "author": "测试员",
        "recorded_at": "2021-03-01T00:00:00Z",
    }
    return pd.DataFrame(
        [{**base, **r} for r in rows], columns=list(schema.EVALUATION_ADJUSTMENTS.column_names)
    )


#: Benchmarks 1 and 1: score = 50·t/4 + 50·t/4 = 25·t exactly.
FIXED = EfficiencyConfig(benchmarks_below={"tax_per_mu": 1.0, "tax_per_kwh": 1.0})
#: Five firms scoring 125, 100, 75, 50 and 25 under FIXED.
FIVE = {"G1": 5.0, "G2": 4.0, "G3": 3.0, "G4": 2.0, "G5": 1.0}


def by_id(ev: pd.DataFrame) -> pd.DataFrame:
    return ev.set_index("enterprise_id")


# ---------------------------------------------------------------- scores
def test_bonus_and_deduction_move_the_score_and_the_ranking():
    firms, years = park({"G1": 4.0, "G2": 3.0, "G3": 2.0, "G4": 1.0})
    plain = by_id(evaluate(firms, years, year=YEAR, config=FIXED))
    assert list(plain["class_code"]) == ["A", "B", "C", "D"]
    adjustments = adjust(
        {"enterprise_id": "G3", "bonus_points": 8.0},
        {"enterprise_id": "G2", "deduction_points": 20.0},
        {"enterprise_id": "G1", "bonus_points": 2.5, "deduction_points": 4.0},
    )
    ev = by_id(evaluate(firms, years, year=YEAR, config=FIXED, adjustments=adjustments))
    # base 100, 75, 50, 25 (= 25·t); G1 100 + 2.5 − 4 = 98.5, G2 75 − 20 = 55, G3 50 + 8 = 58.
    assert list(ev["base_score"]) == [100.0, 75.0, 50.0, 25.0]
    assert list(ev["score"]) == [98.5, 55.0, 58.0, 25.0]
    assert list(ev["bonus_points"]) == [2.5, 0.0, 8.0, 0.0]
    assert list(ev["deduction_points"]) == [4.0, 20.0, 0.0, 0.0]
    # G3 overtakes G2: ranks 1, 3, 2, 4 → percentiles .25/.75/.5/1 → A, C, B, D.
    assert list(ev["rank"]) == [1, 3, 2, 4]
    assert list(ev["class_code"]) == ["A", "C", "B", "D"]
    assert list(ev["class_computed"]) == list(ev["class_code"])  # no override
    assert ev["graded"].all()
    assert ev.loc["G2", "adjustment_reason"] == "测试依据"
    assert ev.loc["G4", "adjustment_reason"] is None and ev.loc["G4", "override"] is None


def test_without_adjustments_the_new_columns_are_neutral():
    firms, years = park(FIVE)
    for adjustments in (
        None,
        adjust(),
        adjust({"enterprise_id": "G5", "bonus_points": 9.0}, year=2019),
    ):
        ev = evaluate(firms, years, year=YEAR, config=FIXED, adjustments=adjustments)
        assert (ev["base_score"] == ev["score"]).all()
        assert (ev["bonus_points"] == 0).all() and (ev["deduction_points"] == 0).all()
        assert list(ev["class_code"]) == ["A", "B", "B", "C", "D"]
        assert list(ev["class_computed"]) == list(ev["class_code"])
        assert ev["graded"].all() and ev["override"].isna().all()


def test_empty_points_count_as_zero():
    firms, years = park(FIVE)
    adjustments = adjust(
        {"enterprise_id": "G2", "bonus_points": float("nan"), "deduction_points": 5.0},
        {"enterprise_id": "G3", "bonus_points": 3.0, "deduction_points": None},
    )
    ev = by_id(evaluate(firms, years, year=YEAR, config=FIXED, adjustments=adjustments))
    assert ev.loc["G2", "score"] == 95.0 and ev.loc["G2", "bonus_points"] == 0.0
    assert ev.loc["G3", "score"] == 78.0 and ev.loc["G3", "deduction_points"] == 0.0


def test_bonus_lifts_a_firm_over_an_absolute_threshold():
    config = dataclasses.replace(
        FIXED, class_mode="absolute", absolute_thresholds=(125.0, 100.0, 50.0)
    )
    firms, years = park({"G": 3.9})  # 97.5: C
    assert by_id(evaluate(firms, years, year=YEAR, config=config)).loc["G", "class_code"] == "C"
    ev = by_id(
        evaluate(
            firms,
            years,
            year=YEAR,
            config=config,
            adjustments=adjust({"enterprise_id": "G", "bonus_points": 2.5}),
        )
    )
    assert ev.loc["G", "score"] == pytest.approx(100.0) and ev.loc["G", "class_code"] == "B"


# ---------------------------------------------------------------- overrides
def test_not_graded_firm_leaves_the_ranking_and_is_managed_as_b():
    firms, years = park(FIVE)
    plain = by_id(evaluate(firms, years, year=YEAR, config=FIXED))
    # Five ranked: percentiles .2 .4 .6 .8 1 → A B B C D.
    assert list(plain["class_code"]) == ["A", "B", "B", "C", "D"]
    adjustments = adjust({"enterprise_id": "G1", "override": "NOT_GRADED"})
    ev = by_id(evaluate(firms, years, year=YEAR, config=FIXED, adjustments=adjustments))
    # G1 is still scored (125) but not ranked; the other four rank 1..4 of 4.
    assert ev.loc["G1", "score"] == 125.0 and bool(ev.loc["G1", "evaluated"])
    assert ev.loc["G1", "class_code"] == "B" and not ev.loc["G1", "graded"]
    assert ev.loc["G1", "class_computed"] is None
    assert pd.isna(ev.loc["G1", "rank"]) and math.isnan(ev.loc["G1", "percentile"])
    assert pd.isna(ev.loc["G1", "group_size"])
    others = ev.loc[["G2", "G3", "G4", "G5"]]
    assert list(others["rank"]) == [1, 2, 3, 4]
    assert list(others["group_size"]) == [4, 4, 4, 4]
    assert list(others["percentile"]) == [0.25, 0.5, 0.75, 1.0]
    # G2 moves up from B to A, G3 stays B, G4 C, G5 D.
    assert list(others["class_code"]) == ["A", "B", "C", "D"]
    assert others["graded"].all()
    # Class counts use the final class: G1 counts as B.
    counts = efficiency_classes.class_counts(
        evaluate(firms, years, year=YEAR, config=FIXED, adjustments=adjustments)
    )
    assert counts["below"].to_dict() == {"A": 1, "B": 2, "C": 1, "D": 1}


def test_not_graded_firm_still_counts_in_the_benchmarks():
    firms, years = park(FIVE)
    adjustments = adjust({"enterprise_id": "G1", "override": "NOT_GRADED"})
    ev = evaluate(firms, years, year=YEAR, adjustments=adjustments)  # benchmarks = means
    # Means over all five: tax/mu (5+4+3+2+1)/4/5 = 0.75, tax/kWh the same; G3 = 100.
    # (Over the four graded firms the means would be 0.625 and G3 would score 120.)
    bench = scores.benchmarks_of(ev, above_scale=False)
    assert bench == pytest.approx({"tax_per_mu": 0.75, "tax_per_kwh": 0.75})
    assert by_id(ev).loc["G3", "score"] == pytest.approx(100.0)


def test_force_d_is_ranked_but_classed_d():
    firms, years = park(FIVE)
    adjustments = adjust({"enterprise_id": "G1", "override": "FORCE_D"})
    ev = by_id(evaluate(firms, years, year=YEAR, config=FIXED, adjustments=adjustments))
    assert ev.loc["G1", "class_code"] == "D" and ev.loc["G1", "class_computed"] == "A"
    assert ev.loc["G1", "rank"] == 1 and ev.loc["G1", "score"] == 125.0
    assert bool(ev.loc["G1", "graded"]) and ev.loc["G1", "override"] == "FORCE_D"
    # Everyone else keeps the rank and class of the plain evaluation.
    assert list(ev.loc[["G2", "G3", "G4", "G5"], "class_code"]) == ["B", "B", "C", "D"]
    assert list(ev["group_size"]) == [5] * 5
    assert efficiency_classes.class_counts(ev.reset_index())["below"].to_dict() == {
        "A": 0,
        "B": 2,
        "C": 1,
        "D": 2,
    }


def test_overrides_in_absolute_mode():
    config = dataclasses.replace(
        FIXED, class_mode="absolute", absolute_thresholds=(120.0, 90.0, 60.0)
    )
    firms, years = park(FIVE)
    adjustments = adjust(
        {"enterprise_id": "G5", "override": "NOT_GRADED"},  # 25: D by score
        {"enterprise_id": "G2", "override": "FORCE_D"},  # 100: B by score
    )
    ev = by_id(evaluate(firms, years, year=YEAR, config=config, adjustments=adjustments))
    assert list(ev["class_code"]) == ["A", "D", "C", "D", "B"]
    assert list(ev["class_computed"]) == ["A", "B", "C", "D", None]


def test_cutoffs_and_predictions_ignore_overrides():
    firms, years = park(FIVE)
    adjustments = adjust(
        {"enterprise_id": "G1", "override": "FORCE_D"},
        {"enterprise_id": "G5", "override": "NOT_GRADED"},  # scores 25 but is managed as B
    )
    ev = evaluate(firms, years, year=YEAR, config=FIXED, adjustments=adjustments)
    # Ranked: G1..G4 (125, 100, 75, 50) → A B C D by rank; G1's A and G5's B do not count.
    assert efficiency_classes.class_cutoffs(ev, above_scale=False, config=FIXED) == (
        125.0,
        100.0,
        75.0,
    )
    assert (
        efficiency_classes.predict_class(60.0, above_scale=False, evaluation=ev, config=FIXED)
        == "D"
    )
    assert (
        efficiency_classes.predict_class(125.0, above_scale=False, evaluation=ev, config=FIXED)
        == "A"
    )


def test_excluded_firm_stays_excluded():
    firms, years = park(
        FIVE,
        SMALL=dict(land_mu=2.0),  # 规下 under 3 mu, no figures either
        LATE=dict(production_start="2021-05-01"),
    )
    adjustments = adjust(
        {"enterprise_id": "SMALL", "override": "NOT_GRADED", "bonus_points": 5.0},
        {"enterprise_id": "LATE", "override": "FORCE_D"},
    )
    ev = by_id(evaluate(firms, years, year=YEAR, config=FIXED, adjustments=adjustments))
    assert ev.loc["SMALL", "exclusion_reason"] == "no_figures"
    assert ev.loc["LATE", "exclusion_reason"] == "not_producing"
    for eid in ("SMALL", "LATE"):
        row = ev.loc[eid]
        assert not row["evaluated"] and not row["graded"]
        assert row["class_code"] is None and row["class_computed"] is None
        assert math.isnan(row["score"]) and math.isnan(row["base_score"])
        assert pd.isna(row["rank"])
    # The recorded adjustment is still listed.
    assert ev.loc["SMALL", "bonus_points"] == 5.0 and ev.loc["SMALL", "override"] == "NOT_GRADED"
    assert list(ev.loc[list(FIVE), "group_size"]) == [5] * 5
    counts = efficiency_classes.class_counts(ev.reset_index())
    assert int(counts["below"].sum()) == 5


def test_map_classes_use_the_final_class_and_mark_not_graded():
    from layers.efficiency import efficiency_extras

    firms, years = park({"E1": 1.0, "E2": 4.0, "E3": 3.0})
    firms["parcel_code"] = ["P1", "P2", "P3"]
    adjustments = adjust(
        {"enterprise_id": "E1", "override": "NOT_GRADED"},
        {"enterprise_id": "E2", "override": "FORCE_D"},
    )
    ev = evaluate(firms, years, year=YEAR, config=FIXED, adjustments=adjustments)
    classes = efficiency_classes.parcel_classes(ev).set_index("parcel_code")
    assert classes.loc["P1", "class_code"] == "B" and not classes.loc["P1", "graded"]
    assert classes.loc["P2", "class_code"] == "D" and bool(classes.loc["P2", "graded"])
    layers, _ = efficiency_extras(ev, FIXED)(tiny_park(), "zh")
    class_layer = layers[1]
    assert class_layer.data.count("不定等级，按B类管理") == 1


def test_tables_show_base_score_points_override_and_reason():
    from gis.excel import read_xlsx, to_xlsx

    firms, years = park(FIVE)
    adjustments = adjust(
        {"enterprise_id": "G1", "override": "FORCE_D", "reason": "安全事故通报"},
        {"enterprise_id": "G2", "bonus_points": 5.0, "reason": "高新技术企业"},
        {"enterprise_id": "G3", "override": "NOT_GRADED", "reason": "重大项目建设期"},
    )
    ev = evaluate(firms, years, year=YEAR, config=FIXED, adjustments=adjustments)
    table = evaluation.evaluation_table(ev, lang="zh", config=FIXED, for_export=True)
    back = read_xlsx(to_xlsx({"亩均评价": table})).set_index("企业编号")
    assert back.loc["G2", "基础得分"] == 100 and back.loc["G2", "加分"] == 5
    assert back.loc["G2", "综合得分"] == 105 and back.loc["G1", "减分"] == 0
    assert back.loc["G1", "直接定类"] == "直接定为D类" and back.loc["G1", "分类"] == "D"
    assert back.loc["G1", "按得分分类"] == "A"
    assert back.loc["G3", "直接定类"] == "参评不定等级(按B类管理)"
    assert back.loc["G3", "加减分与定类依据"] == "重大项目建设期"
    assert back.loc["G1", "参与排名定级"] == "是" and pd.isna(back.loc["G3", "参与排名定级"])
    en = evaluation.evaluation_table(ev, lang="en", config=FIXED).set_index("Enterprise ID")
    assert en.loc["G1", "Override"] == "Forced to D"
    assert en.loc["G2", "Grounds for adjustment"] == "高新技术企业"
    for header in ("Base score", "Bonus points", "Deduction points", "Class by score"):
        assert header in en.columns


# ---------------------------------------------------------------- validation
def enterprises() -> pd.DataFrame:
    return park(FIVE)[0]


def rows(*items: dict) -> pd.DataFrame:
    base = dict.fromkeys(efficiency_config.ADJUSTMENT_FIELDS)
    return pd.DataFrame([{**base, "reason": "依据", **i} for i in items])


def test_validation_normalises_rows_for_the_store():
    frame = rows(
        {"enterprise_id": " G1 ", "bonus_points": "2.5", "deduction_points": ""},
        {},  # a blank new row (reason cleared below)
        {"enterprise_id": "G2", "override": "force_d", "reason": "  事故通报  "},
        {"enterprise_id": "G3", "deduction_points": 20.0, "year": 1999},
    )
    frame.loc[1, "reason"] = None
    out = efficiency_adjustments.validate_adjustments(
        frame, enterprises=enterprises(), year=YEAR, config=EfficiencyConfig()
    )
    assert list(out.columns) == list(schema.EVALUATION_ADJUSTMENTS.column_names)
    assert list(out["enterprise_id"]) == ["G1", "G2", "G3"]
    assert list(out["year"]) == [YEAR] * 3
    assert list(out["bonus_points"]) == [2.5, 0.0, 0.0]
    assert list(out["deduction_points"]) == [0.0, 0.0, 20.0]
    assert list(out["override"]) == [None, "FORCE_D", None]
    assert out.loc[1, "reason"] == "事故通报"
    assert out["author"].isna().all() and out["recorded_at"].isna().all()


INVALID = [
    (rows({"bonus_points": 2.0}), "adj_enterprise_missing"),
    (rows({"enterprise_id": "NOPE", "bonus_points": 2.0}), "adj_unknown_enterprise"),
    (
        rows(
            {"enterprise_id": "G1", "bonus_points": 2.0},
            {"enterprise_id": "G1", "bonus_points": 1.0},
        ),
        "adj_duplicate_enterprise",
    ),
    (rows({"enterprise_id": "G1", "bonus_points": "两分"}), "adj_bonus_not_number"),
    (rows({"enterprise_id": "G1", "deduction_points": "inf"}), "adj_deduction_not_number"),
    (rows({"enterprise_id": "G1", "bonus_points": -1.0}), "adj_bonus_negative"),
    (rows({"enterprise_id": "G1", "deduction_points": -0.5}), "adj_deduction_negative"),
    (rows({"enterprise_id": "G1", "bonus_points": 10.5}), "adj_bonus_above_cap"),
    (rows({"enterprise_id": "G1", "deduction_points": 20.01}), "adj_deduction_above_cap"),
    (rows({"enterprise_id": "G1", "override": "FORCE_A"}), "adj_unknown_override"),
    (rows({"enterprise_id": "G1", "bonus_points": 0.0}), "adj_nothing_set"),
    (rows({"enterprise_id": "G1", "bonus_points": 1.0, "reason": "   "}), "adj_reason_missing"),
    (rows({"enterprise_id": "G1", "override": "NOT_GRADED", "reason": None}), "adj_reason_missing"),
]


@pytest.mark.parametrize(("frame", "key"), INVALID, ids=[k for _, k in INVALID])
def test_every_validation_error_has_its_key_and_message(frame, key):
    with pytest.raises(ValidationError) as err:
        efficiency_adjustments.validate_adjustments(
            frame, enterprises=enterprises(), year=YEAR, config=EfficiencyConfig()
        )
    assert err.value.key == key
    for lang in ("zh", "en"):
        text = error_text(err.value, lang)
        assert text != key and "{" not in text


def test_bad_year_is_refused():
    with pytest.raises(ValidationError) as err:
        efficiency_adjustments.validate_adjustments(
            rows({"enterprise_id": "G1", "bonus_points": 1.0}),
            enterprises=enterprises(),
            year="20x0",
        )
    assert err.value.key == "adj_bad_year"


def test_caps_come_from_the_configuration():
    config = EfficiencyConfig(max_bonus_points=3.0, max_deduction_points=0.0)
    ok = efficiency_adjustments.validate_adjustments(
        rows({"enterprise_id": "G1", "bonus_points": 3.0}),  # on the cap: allowed
        enterprises=enterprises(),
        year=YEAR,
        config=config,
    )
    assert list(ok["bonus_points"]) == [3.0]
    with pytest.raises(ValidationError) as err:
        efficiency_adjustments.validate_adjustments(
            rows({"enterprise_id": "G1", "bonus_points": 3.5}),
            enterprises=enterprises(),
            year=YEAR,
            config=config,
        )
    assert err.value.key == "adj_bonus_above_cap" and err.value.params["cap"] == 3.0
    assert "3.0" in error_text(err.value, "zh") and "3.5" in error_text(err.value, "en")
    with pytest.raises(ValidationError) as err:
        efficiency_adjustments.validate_adjustments(
            rows({"enterprise_id": "G1", "deduction_points": 0.5}),
            enterprises=enterprises(),
            year=YEAR,
            config=config,
        )
    assert err.value.key == "adj_deduction_above_cap"
    # The default caps: 10 and 20 points.
    assert EfficiencyConfig().max_bonus_points == 10.0
    assert EfficiencyConfig().max_deduction_points == 20.0


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (dict(max_bonus_points=-1.0), "adj_bonus_cap_invalid"),
        (dict(max_bonus_points=float("inf")), "adj_bonus_cap_invalid"),
        (dict(max_deduction_points=float("nan")), "adj_deduction_cap_invalid"),
        (dict(max_deduction_points="20"), "adj_deduction_cap_invalid"),
    ],
)
def test_invalid_caps_are_refused(change, key):
    config = dataclasses.replace(EfficiencyConfig(), **change)
    with pytest.raises(ValidationError) as err:
        config.validate()
    assert err.value.key == key
    assert error_text(err.value, "zh") != key and error_text(err.value, "en") != key
    with pytest.raises(ValidationError):
        evaluate(*park(FIVE), year=YEAR, config=config)


def test_messages_of_this_feature_have_both_languages():
    from gis.messages import adjustments

    for key, (zh, en) in adjustments.MESSAGES.items():
        assert key.startswith("adj_") and MESSAGES[key] == (zh, en)
        assert placeholders(zh) == placeholders(en), key


# ---------------------------------------------------------------- configuration JSON
def test_old_config_json_without_the_caps_loads_with_defaults():
    data = EfficiencyConfig(class_mode="absolute").to_dict()
    del data["max_bonus_points"], data["max_deduction_points"]
    config = EfficiencyConfig.from_json(json.dumps(data))
    assert config.max_bonus_points == 10.0 and config.max_deduction_points == 20.0
    assert config.class_mode == "absolute"
    settings = pd.DataFrame(
        [
            {
                "key": efficiency_config.SETTINGS_KEY,
                "value_json": json.dumps(data),
                "updated_at": None,
                "author": None,
            }
        ]
    )
    assert efficiency_config.config_from_settings(settings) == config
    custom = EfficiencyConfig(max_bonus_points=5.0, max_deduction_points=8.0)
    assert EfficiencyConfig.from_json(custom.to_json()) == custom
    assert custom.to_dict()["max_bonus_points"] == 5.0


# ---------------------------------------------------------------- saving
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.fixture
def store(tmp_path) -> ParkStore:
    """The tiny park (firms E1, E2) with one 2019 row and two 2020 rows stored."""
    s = ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)
    s.write(
        {
            "evaluation_adjustments": adjust(
                {"enterprise_id": "E1", "year": 2019, "bonus_points": 4.0, "reason": "2019 依据"},
                {"enterprise_id": "E1", "bonus_points": 2.0, "reason": "旧依据", "author": "张三"},
                {
                    "enterprise_id": "E2",
                    "override": "NOT_GRADED",
                    "reason": "初创",
                    "author": "张三",
                },
            )
        }
    )
    return s


def stored(store: ParkStore, year: int) -> pd.DataFrame:
    table = store.read("evaluation_adjustments")
    return table[table["year"] == year].set_index("enterprise_id")


def test_save_replaces_only_that_years_rows(store):
    before_2019 = stored(store, 2019)
    version = store.data_version()
    edited = rows(
        {"enterprise_id": "E1", "bonus_points": 2.0, "reason": "旧依据"},  # unchanged
        {"enterprise_id": "E2", "override": "FORCE_D", "reason": "安全事故"},  # changed
    )
    new = efficiency_adjustments.save_adjustments(
        store,
        edited,
        year=2020,
        actor=ACTOR,
        config=EfficiencyConfig(),
        expected_version=version,
    )
    assert new == version + 1 == store.data_version()
    pd.testing.assert_frame_equal(stored(store, 2019), before_2019)
    after = stored(store, 2020)
    assert sorted(after.index) == ["E1", "E2"]
    assert after.loc["E2", "override"] == "FORCE_D" and after.loc["E2", "reason"] == "安全事故"
    assert after.loc["E2", "author"] == ACTOR.author and STAMP.match(after.loc["E2", "recorded_at"])
    assert after.loc["E2", "recorded_at"] != "2021-03-01T00:00:00Z"
    # The unchanged row keeps who recorded it and when.
    assert after.loc["E1", "author"] == "张三"
    assert after.loc["E1", "recorded_at"] == "2021-03-01T00:00:00Z"
    # The stored rows drive the evaluation.
    ev = by_id(
        evaluate(
            store.read("enterprises"),
            store.read("enterprise_years"),
            year=2020,
            adjustments=store.read("evaluation_adjustments"),
        )
    )
    assert ev.loc["E1", "bonus_points"] == 2.0 and ev.loc["E2", "override"] == "FORCE_D"


def test_saving_nothing_new_writes_nothing(store):
    version = store.data_version()
    same = rows(
        {"enterprise_id": "E1", "bonus_points": 2.0, "reason": "旧依据"},
        {"enterprise_id": "E2", "override": "NOT_GRADED", "reason": "初创"},
    )
    assert efficiency_adjustments.save_adjustments(store, same, year=2020, actor=ACTOR) == version
    assert store.data_version() == version


def test_deleting_every_row_of_a_year(store):
    efficiency_adjustments.save_adjustments(store, rows(), year=2020, actor=ACTOR)
    assert stored(store, 2020).empty
    assert list(stored(store, 2019).index) == ["E1"]


@pytest.mark.parametrize(
    ("edited", "author", "key"),
    [
        (rows({"enterprise_id": "E1", "bonus_points": 11.0}), "李四", "adj_bonus_above_cap"),
        (
            rows(
                {"enterprise_id": "E1", "bonus_points": 1.0},
                {"enterprise_id": "E9", "bonus_points": 1.0},
            ),
            "李四",
            "adj_unknown_enterprise",
        ),
    ],
)
def test_a_refused_save_writes_nothing(store, edited, author, key):
    version = store.data_version()
    table = store.read("evaluation_adjustments")
    with pytest.raises(ValidationError) as err:
        efficiency_adjustments.save_adjustments(
            store, edited, year=2020, actor=ACTOR, expected_version=version
        )
    assert err.value.key == key
    assert store.data_version() == version
    pd.testing.assert_frame_equal(store.read("evaluation_adjustments"), table)


def test_a_stale_save_is_refused(store):
    version = store.data_version()
    with pytest.raises(StoreError) as err:
        efficiency_adjustments.save_adjustments(
            store,
            rows({"enterprise_id": "E1", "bonus_points": 1.0}),
            year=2020,
            actor=ACTOR,
            expected_version=version - 1,
        )
    assert err.value.key == "store_stale"
    assert store.data_version() == version


def test_the_editor_module_imports_and_shows_a_years_rows(store):
    from ui import adjustments

    shown = adjustments.year_rows(store.read("evaluation_adjustments"), 2020)
    assert list(shown["enterprise_id"]) == ["E1", "E2"]
    assert list(shown["override"]) == [None, "NOT_GRADED"]
    assert callable(adjustments.adjustments_editor)
