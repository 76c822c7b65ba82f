"""亩均 evaluation (gis.efficiency): hand-worked scores, classes, exclusions, the seven
key-supervision cases of domain.md §1.7, the 小升规 pool and the configuration."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import date

import pandas as pd
import pytest

from gis import schema
from gis._errors import ValidationError
from gis.efficiency import classes as efficiency_classes
from gis.efficiency import config as efficiency_config
from gis.efficiency import evaluation, scores, supervision
from gis.efficiency.classes import predict_class
from gis.efficiency.config import EfficiencyConfig
from gis.efficiency.evaluation import evaluate
from gis.i18n import error_text
from gis.store import ParkStore
from tests.actors import ACTOR
from tests.tiny_park import tiny_park

YEAR = 2020


def firm(eid: str, **kw) -> dict:
    """An enterprise row: producing since 2015, on its own parcel, 规上 unless told."""
    row = dict(
        enterprise_id=eid,
        name=f"企业{eid}",
        credit_code=None,
        industry_code="C34",
        parcel_code=f"P{eid}",
        land_mu=10.0,
        is_above_scale=True,
        production_start="2015-01-01",
        tenant=False,
    )
    row.update(kw)
    return row


def figures(eid: str, year: int = YEAR, **kw) -> dict:
    row = {c: None for c in schema.ENTERPRISE_YEARS.column_names}
    row.update(enterprise_id=eid, year=year)
    row.update(kw)
    return row


def frames(firms: list[dict], years: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        pd.DataFrame(firms, columns=list(schema.ENTERPRISES.column_names)),
        pd.DataFrame(years, columns=list(schema.ENTERPRISE_YEARS.column_names)),
    )


def by_id(ev: pd.DataFrame) -> pd.DataFrame:
    return ev.set_index("enterprise_id")


# ---------------------------------------------------------------- hand-worked scores
def three_firms():
    firms = [firm("F1"), firm("F2", land_mu=20.0), firm("F3")]
    years = [
        # F1: tax/mu 6, VA/mu 40, VA/energy 2, VA/emission 2000, VA/person 10, R&D 2 %
        figures(
            "F1",
            revenue_wan=3000.0,
            value_added_wan=400.0,
            tax_wan=60.0,
            energy_tce=200.0,
            emission_t=0.2,
            employees=40,
            rd_wan=60.0,
            kwh=1e6,
        ),
        # F2: 12, 60, 4, 3000, 12, 4 %
        figures(
            "F2",
            revenue_wan=4000.0,
            value_added_wan=1200.0,
            tax_wan=240.0,
            energy_tce=300.0,
            emission_t=0.4,
            employees=100,
            rd_wan=160.0,
            kwh=2e6,
        ),
        # F3: 12, 50, 2, (no emission data), 10, 3 %
        figures(
            "F3",
            revenue_wan=3000.0,
            value_added_wan=500.0,
            tax_wan=120.0,
            energy_tce=250.0,
            emission_t=None,
            employees=50,
            rd_wan=90.0,
            kwh=1e6,
        ),
    ]
    return frames(firms, years)


def test_three_hand_worked_scores():
    ev = by_id(evaluate(*three_firms(), year=YEAR))
    # Benchmarks = means over the three evaluated 规上 firms:
    #   tax/mu (6+12+12)/3 = 10, VA/mu (40+60+50)/3 = 50, VA/energy (2+4+2)/3 = 8/3,
    #   VA/emission (2000+3000)/2 = 2500 (F3 has none), VA/person (10+12+10)/3 = 32/3,
    #   R&D (2+4+3)/3 = 3.
    # F1 = 30·6/10 + 20·40/50 + 20·2/(8/3) + 10·2000/2500 + 10·10/(32/3) + 10·2/3
    #    = 18 + 16 + 15 + 8 + 9.375 + 6.6667 = 73.0417
    # F2 = 30·1.2 + 20·1.2 + 20·1.5 + 10·1.2 + 10·1.125 + 10·4/3
    #    = 36 + 24 + 30 + 12 + 11.25 + 13.3333 = 126.5833
    # F3 = 36 + 20·1 + 20·0.75 + (mean of F1's and F2's emission terms: (8+12)/2 = 10)
    #      + 9.375 + 10·1 = 100.375
    assert ev.loc["F1", "score"] == pytest.approx(18 + 16 + 15 + 8 + 9.375 + 20 / 3)
    assert ev.loc["F2", "score"] == pytest.approx(36 + 24 + 30 + 12 + 11.25 + 40 / 3)
    assert ev.loc["F3", "score"] == pytest.approx(36 + 20 + 15 + 10 + 9.375 + 10)
    assert ev.loc["F1", "tax_per_mu"] == 6 and ev.loc["F2", "va_per_energy"] == 4
    assert ev.loc["F3", "rd_ratio"] == pytest.approx(3.0)  # percent of main revenue
    assert ev.loc["F1", "tax_per_kwh"] == pytest.approx(0.6)  # 60万元 / 1e6 kWh = 0.6 元/kWh
    assert bool(ev.loc["F3", "emission_imputed"]) and not ev.loc["F1", "emission_imputed"]
    assert math.isnan(ev.loc["F3", "va_per_emission"])
    # Three firms: ranks 1..3, percentiles 1/3, 2/3, 1 → B, B, D (A needs the top 25 %).
    assert list(ev.loc[["F2", "F3", "F1"], "rank"]) == [1, 2, 3]
    assert list(ev.loc[["F2", "F3", "F1"], "class_code"]) == ["B", "B", "D"]
    bench = scores.benchmarks_of(evaluate(*three_firms(), year=YEAR), above_scale=True)
    assert bench["va_per_energy"] == pytest.approx(8 / 3)
    assert bench["va_per_emission"] == pytest.approx(2500)


def test_below_size_scores_on_tax_per_mu_and_per_kwh():
    firms_, years_ = frames(
        [
            firm("G1", land_mu=5.0, is_above_scale=False),
            firm("G2", land_mu=4.0, is_above_scale=False),
        ],
        [
            figures("G1", revenue_wan=900.0, tax_wan=20.0, kwh=400_000.0),  # 4 万元/亩, 0.5 元/kWh
            figures("G2", revenue_wan=600.0, tax_wan=8.0, kwh=200_000.0),  # 2 万元/亩, 0.4 元/kWh
        ],
    )
    ev = by_id(evaluate(firms_, years_, year=YEAR))
    # Benchmarks: 3 万元/亩 and 0.45 元/kWh. G1 = 50·4/3 + 50·0.5/0.45; G2 = 50·2/3 + 50·0.4/0.45.
    assert ev.loc["G1", "score"] == pytest.approx(50 * 4 / 3 + 50 * 0.5 / 0.45)
    assert ev.loc["G2", "score"] == pytest.approx(50 * 2 / 3 + 50 * 0.4 / 0.45)
    assert ev["score"].sum() == pytest.approx(200)  # an average firm scores 100


def test_configured_benchmarks_and_cap():
    config = EfficiencyConfig(
        benchmarks_below={"tax_per_mu": 2.0, "tax_per_kwh": None}, indicator_cap=1.5
    )
    firms_, years_ = frames(
        [
            firm("G1", land_mu=5.0, is_above_scale=False),
            firm("G2", land_mu=4.0, is_above_scale=False),
        ],
        [
            figures("G1", tax_wan=20.0, kwh=400_000.0),
            figures("G2", tax_wan=8.0, kwh=200_000.0),
        ],
    )
    ev = by_id(evaluate(firms_, years_, year=YEAR, config=config))
    # G1: tax/mu 4 / 2 = 2 → capped at 1.5; 0.5 / 0.45 = 1.111 → 50·1.5 + 50·1.1111
    assert ev.loc["G1", "score"] == pytest.approx(75 + 50 * 0.5 / 0.45)
    assert ev.loc["G2", "score"] == pytest.approx(50 * 1.0 + 50 * 0.4 / 0.45)


# ---------------------------------------------------------------- classes
def twenty_firms() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Twenty identical 规上 firms but for their tax: scores strictly fall from T01 to T20."""
    firms_ = [firm(f"T{i:02d}") for i in range(1, 21)]
    years_ = [
        figures(
            f"T{i:02d}",
            revenue_wan=3000.0,
            value_added_wan=500.0,
            tax_wan=float(200 - 5 * i),
            energy_tce=100.0,
            emission_t=0.5,
            employees=50,
            rd_wan=60.0,
            kwh=1e6,
        )
        for i in range(1, 21)
    ]
    return frames(firms_, years_)


def test_percentile_class_boundaries():
    ev = by_id(evaluate(*twenty_firms(), year=YEAR))
    classes = ev["class_code"]
    # A: rank/20 ≤ 0.25 → ranks 1-5; B ≤ 0.70 → 6-14; C ≤ 0.95 → 15-19; D: rank 20.
    assert [classes[f"T{i:02d}"] for i in (1, 5, 6, 14, 15, 19, 20)] == list("AABBCCD")
    assert classes.value_counts().to_dict() == {"A": 5, "B": 9, "C": 5, "D": 1}
    assert ev.loc["T05", "percentile"] == 0.25  # the boundary is inclusive


def test_ties_share_the_better_rank():
    firms_, years_ = twenty_firms()
    years_.loc[years_["enterprise_id"] == "T06", "tax_wan"] = float(200 - 5 * 5)  # = T05's
    ev = by_id(evaluate(firms_, years_, year=YEAR))
    assert ev.loc["T05", "rank"] == ev.loc["T06", "rank"] == 5
    assert ev.loc["T06", "class_code"] == "A"


def test_above_and_below_size_are_ranked_separately():
    firms_, years_ = twenty_firms()
    firms_ = pd.concat(
        [firms_, pd.DataFrame([firm("S1", land_mu=5.0, is_above_scale=False)])], ignore_index=True
    )
    years_ = pd.concat(
        [years_, pd.DataFrame([figures("S1", tax_wan=1.0, kwh=1e6)])], ignore_index=True
    )
    ev = by_id(evaluate(firms_, years_, year=YEAR))
    assert ev.loc["S1", "rank"] == 1 and ev.loc["S1", "group_size"] == 1
    assert ev.loc["S1", "score"] == pytest.approx(100)  # its own benchmarks
    assert ev.loc["T01", "group_size"] == 20


def exact_scores_config() -> EfficiencyConfig:
    # 规下 firms with benchmarks 1 and 1: score = 50·tax/mu + 50·tax/kWh, exact in binary.
    return EfficiencyConfig(
        benchmarks_below={"tax_per_mu": 1.0, "tax_per_kwh": 1.0},
        class_mode="absolute",
        absolute_thresholds=(125.0, 100.0, 50.0),
    )


@pytest.mark.parametrize(
    ("tax", "expected_score", "expected_class"),
    [
        (5.0, 125.0, "A"),  # 4 mu: 1.25 万元/亩; 40,000 kWh: 1.25 元/kWh → on the A line
        (4.0, 100.0, "B"),  # on the B line
        (3.9, 97.5, "C"),
        (2.0, 50.0, "C"),  # on the C line
        (1.0, 25.0, "D"),
    ],
)
def test_absolute_class_boundaries(tax, expected_score, expected_class):
    firms_, years_ = frames(
        [firm("G", land_mu=4.0, is_above_scale=False)], [figures("G", tax_wan=tax, kwh=40_000.0)]
    )
    ev = by_id(evaluate(firms_, years_, year=YEAR, config=exact_scores_config()))
    assert ev.loc["G", "score"] == pytest.approx(expected_score)
    assert ev.loc["G", "class_code"] == expected_class


def test_predict_class_against_an_evaluation():
    ev = evaluate(*twenty_firms(), year=YEAR)
    above = ev[ev["above_scale"]]
    lowest_a = above.loc[above["class_code"] == "A", "score"].min()
    lowest_c = above.loc[above["class_code"] == "C", "score"].min()
    assert predict_class(lowest_a, above_scale=True, evaluation=ev) == "A"
    assert predict_class(lowest_a - 1e-6, above_scale=True, evaluation=ev) == "B"
    assert predict_class(lowest_c - 1e-6, above_scale=True, evaluation=ev) == "D"
    assert predict_class(1e6, above_scale=True, evaluation=ev) == "A"
    with pytest.raises(ValidationError) as err:
        predict_class(100.0, above_scale=False, evaluation=ev)  # no 规下 firm evaluated
    assert err.value.key == "efficiency_no_reference"
    config = exact_scores_config()
    assert predict_class(125.0, above_scale=False, evaluation=ev, config=config) == "A"
    assert predict_class(124.99, above_scale=False, evaluation=ev, config=config) == "B"
    # The score of a new firm against the evaluation's benchmarks: an average firm ≈ 100.
    bench = scores.benchmarks_of(ev, above_scale=True)
    assert scores.score_of(bench, above_scale=True, benchmarks=bench) == pytest.approx(100)


# ---------------------------------------------------------------- who is evaluated
def test_exclusion_reasons_are_explicit_and_never_scored_zero():
    firms_, years_ = frames(
        [
            # moved in during 2021 and reports its old site's figures: not yet producing
            firm("MOVED", production_start="2021-03-01"),
            firm("NOFIG"),  # no row for the year
            firm("SMALL", land_mu=2.99, is_above_scale=False),  # 规下 under 3 mu
            firm("EDGE", land_mu=3.0, is_above_scale=False),  # exactly 3 mu: evaluated
            firm("NOENERGY"),  # 规上 without energy use
            firm("NOKWH", land_mu=5.0, is_above_scale=False),  # 规下 without power use
            firm("OK"),
            firm("NOSTART", production_start=None),
        ],
        [
            figures(
                "MOVED",
                revenue_wan=6000.0,
                value_added_wan=1500.0,
                tax_wan=300.0,
                energy_tce=300.0,
                emission_t=0.3,
                employees=80,
                rd_wan=100.0,
                kwh=2e6,
            ),
            figures("NOFIG", year=YEAR - 1, revenue_wan=3000.0),
            figures("SMALL", tax_wan=5.0, kwh=1e5),
            figures("EDGE", tax_wan=5.0, kwh=1e5),
            figures(
                "NOENERGY",
                revenue_wan=3000.0,
                value_added_wan=500.0,
                tax_wan=50.0,
                energy_tce=None,
                emission_t=0.3,
                employees=50,
                rd_wan=30.0,
                kwh=1e6,
            ),
            figures("NOKWH", tax_wan=5.0, kwh=None),
            figures(
                "OK",
                revenue_wan=3000.0,
                value_added_wan=500.0,
                tax_wan=50.0,
                energy_tce=100.0,
                emission_t=0.3,
                employees=50,
                rd_wan=30.0,
                kwh=1e6,
            ),
            figures("NOSTART", revenue_wan=3000.0, tax_wan=50.0),
        ],
    )
    ev = by_id(evaluate(firms_, years_, year=YEAR))
    reasons = ev["exclusion_reason"].to_dict()
    assert (
        reasons["MOVED"] == "not_producing" and ev.loc["MOVED", "exclusion_detail"] == "2021-03-01"
    )
    assert reasons["NOSTART"] == "not_producing"
    assert reasons["NOFIG"] == "no_figures"
    assert reasons["SMALL"] == "small_land"
    assert reasons["NOENERGY"] == "missing_figures"
    assert ev.loc["NOENERGY", "exclusion_detail"] == "energy_tce"
    assert reasons["NOKWH"] == "missing_figures" and ev.loc["NOKWH", "exclusion_detail"] == "kwh"
    assert reasons["EDGE"] is None and reasons["OK"] is None
    excluded = ev[~ev["evaluated"]]
    assert len(excluded) == 6
    assert excluded["score"].isna().all() and excluded["class_code"].isna().all()
    assert excluded["rank"].isna().all()
    # Every reason has a message in both languages.
    zh = evaluation.evaluation_table(ev.reset_index(), lang="zh")
    assert "评价年度末尚未投产(投产日期 2021-03-01)" in set(zh["未参评原因"])
    en = evaluation.evaluation_table(ev.reset_index(), lang="en")
    assert "Missing figures: energy_tce" in set(en["Why not evaluated"])


def test_inputs_are_not_modified():
    firms_, years_ = three_firms()
    before = (firms_.copy(), years_.copy())
    evaluate(firms_, years_, year=YEAR)
    pd.testing.assert_frame_equal(firms_, before[0])
    pd.testing.assert_frame_equal(years_, before[1])


def test_years_between_counts_anniversaries():
    assert evaluation.years_between(date(2017, 12, 31), date(2020, 12, 31)) == 3.0
    assert evaluation.years_between(date(2018, 2, 6), date(2020, 12, 31)) < 3.0
    assert evaluation.years_between(date(2016, 2, 29), date(2020, 2, 28)) == 4.0


# ---------------------------------------------------------------- key supervision (§1.7)
def _start_for(years: float) -> str:
    """A production start ``years`` before the end of YEAR (whole years exact)."""
    end = date(YEAR, 12, 31)
    if float(years).is_integer():
        return end.replace(year=end.year - int(years)).isoformat()
    return {2.9: "2018-02-06"}[years]


KS_CASES = [
    # (case, land mu, tax 万元, years producing, revenue 万元, kWh, expected (ks1, ks2, ks3))
    (1, 12.0, 30.0, 5, 3000.0, None, (False, False, True)),  # 2.5 ≤ 3
    (2, 12.0, 36.0, 5, 3000.0, None, (False, False, True)),  # 3.0 ≤ 3: boundary included
    (3, 12.0, 36.1, 5, 3000.0, None, (False, False, False)),
    (4, 10.0, 100.0, 3, 1999.0, None, (False, True, False)),  # L = 10, 3 years: both included
    (5, 9.99, 100.0, 4, 1500.0, None, (False, False, False)),  # below L
    (6, 20.0, 200.0, 2.9, 1500.0, None, (False, False, False)),  # under 3 years
    (7, 15.0, 150.0, 4, 5000.0, 4e7, (True, False, False)),  # 0.0375 < 0.5 × 0.2 元/kWh
]


@pytest.mark.parametrize(
    ("case", "land", "tax", "years", "revenue", "kwh", "expected"),
    KS_CASES,
    ids=[f"case{c[0]}" for c in KS_CASES],
)
def test_key_supervision_cases(case, land, tax, years, revenue, kwh, expected):
    subject = firm(
        "X",
        land_mu=land,
        production_start=_start_for(years),
        is_above_scale=revenue >= 2000,
    )
    # Three peers of the same division at 0.2 元/kWh (20万元 / 1e6 kWh): the peer median.
    peers = [firm(f"P{i}", land_mu=50.0, is_above_scale=False) for i in range(3)]
    rows = [figures("X", revenue_wan=revenue, tax_wan=tax, value_added_wan=revenue * 0.25, kwh=kwh)]
    rows += [figures(f"P{i}", revenue_wan=500.0, tax_wan=20.0, kwh=1e6) for i in range(3)]
    ev = by_id(evaluate(*frames([subject, *peers], rows), year=YEAR))
    got = tuple(bool(ev.loc["X", k]) for k in ("ks1", "ks2", "ks3"))
    assert got == expected, f"case {case}"
    assert bool(ev.loc["X", "key_supervision"]) == any(expected)
    if case == 7:
        assert ev.loc["X", "tax_per_kwh"] == pytest.approx(0.0375)


def test_key_supervision_combinator_and_rules():
    subject = firm("X", land_mu=12.0, production_start="2010-01-01", is_above_scale=False)
    rows = [figures("X", revenue_wan=1500.0, tax_wan=30.0)]  # KS-2 and KS-3, no KS-1 data
    for combinator, rules, expected in [
        ("any", ("KS1", "KS2", "KS3"), True),
        ("all", ("KS1", "KS2", "KS3"), False),
        ("all", ("KS2", "KS3"), True),
        ("any", ("KS1",), False),
    ]:
        config = EfficiencyConfig(ks_combinator=combinator, ks_rules=rules)
        ev = by_id(evaluate(*frames([subject], rows), year=YEAR, config=config))
        assert bool(ev.loc["X", "key_supervision"]) is expected, (combinator, rules)


def test_firms_new_to_production_are_exempt_from_ks1_and_ks3():
    subject = firm("X", production_start="2020-06-01")  # half a year
    rows = [figures("X", revenue_wan=3000.0, tax_wan=1.0, kwh=1e7)]
    ev = by_id(evaluate(*frames([subject], rows), year=YEAR))
    assert not ev.loc["X", "ks3"] and not ev.loc["X", "ks1"]


def test_ks2_uses_the_register_flag_not_the_revenue():
    # Crossed 2000万 in the year but not yet in the statistics register: still 未上规.
    subject = firm("X", land_mu=15.0, production_start="2012-01-01", is_above_scale=False)
    rows = [figures("X", revenue_wan=2300.0, tax_wan=100.0)]
    assert bool(by_id(evaluate(*frames([subject], rows), year=YEAR)).loc["X", "ks2"])


@pytest.mark.parametrize(
    ("flag", "since", "above"),
    [
        (True, "2021-04-01", False),  # registered after the evaluated year: 规下 in 2020
        (True, "2020-12-31", True),  # registered on the year's last day: 规上
        (False, "2019-01-01", True),  # left the register since: 规上 in 2020 all the same
        (True, None, True),  # no date: the register's flag
    ],
)
def test_size_group_follows_the_register_date(flag, since, above):
    subject = firm("X", land_mu=15.0, is_above_scale=flag, above_scale_since=since)
    rows = [figures("X", revenue_wan=2300.0, tax_wan=100.0, kwh=1e6)]
    assert (
        bool(by_id(evaluate(*frames([subject], rows), year=YEAR)).loc["X", "above_scale"]) is above
    )


# ---------------------------------------------------------------- 小升规 pool (§1.8)
@pytest.mark.parametrize(
    ("previous", "current", "in_pool"),
    [
        (1000.0, 1150.0, True),  # +15 %: boundary included
        (1000.0, 1140.0, False),
        (800.0, 999.0, False),  # under 1000万
        (1500.0, 2000.0, False),  # at the line: no longer below size by revenue
        (None, 1500.0, False),  # no growth figure
    ],
)
def test_small_to_above_scale_pool(previous, current, in_pool):
    subject = firm("X", land_mu=8.0, is_above_scale=False)
    rows = [figures("X", revenue_wan=current, tax_wan=30.0, kwh=1e6)]
    if previous is not None:
        rows.append(figures("X", year=YEAR - 1, revenue_wan=previous, tax_wan=25.0, kwh=1e6))
    ev = by_id(evaluate(*frames([subject], rows), year=YEAR))
    assert bool(ev.loc["X", "pool"]) is in_pool
    assert ev.loc["X", "gap_to_above_scale_wan"] == pytest.approx(max(0.0, 2000 - current))


# ---------------------------------------------------------------- configuration
@pytest.mark.parametrize(
    ("change", "key"),
    [
        (
            dict(weights_above={**EfficiencyConfig().weights_above, "tax_per_mu": 29.0}),
            "efficiency_weights_sum",
        ),
        (
            dict(weights_below={"tax_per_mu": 120.0, "tax_per_kwh": -20.0}),
            "efficiency_weight_negative",
        ),
        (
            dict(weights_below={"tax_per_mu": 100.0, "va_per_mu": 0.0}),
            "efficiency_unknown_indicator",
        ),
        (
            dict(benchmarks_below={"tax_per_mu": 0.0, "tax_per_kwh": None}),
            "efficiency_benchmark_not_positive",
        ),
        (dict(percentile_cuts=(0.25, 0.2, 0.95)), "efficiency_cuts_order"),
        (dict(percentile_cuts=(0.0, 0.7, 0.95)), "efficiency_cuts_order"),
        (dict(percentile_cuts=(0.25, 0.7, 1.2)), "efficiency_cuts_order"),
        (dict(absolute_thresholds=(120.0, 90.0, -1.0)), "efficiency_thresholds_negative"),
        (dict(absolute_thresholds=(90.0, 120.0, 60.0)), "efficiency_thresholds_order"),
        (dict(min_land_mu_small=-3.0), "efficiency_param_negative"),
        (dict(ks3_max_tax_per_mu=float("nan")), "efficiency_param_negative"),
        (dict(class_mode="quota"), "efficiency_bad_mode"),
        (dict(ks_combinator="xor"), "efficiency_bad_combinator"),
        (dict(ks_rules=("KS4",)), "efficiency_bad_rule"),
    ],
)
def test_invalid_configuration_is_refused(change, key):
    config = dataclasses.replace(EfficiencyConfig(), **change)
    with pytest.raises(ValidationError) as err:
        config.validate()
    assert err.value.key == key
    for lang in ("zh", "en"):
        assert error_text(err.value, lang) != err.value.key  # a real message in both languages
    with pytest.raises(ValidationError):
        evaluate(*three_firms(), year=YEAR, config=config)


def test_weights_sum_message_names_the_total():
    config = dataclasses.replace(
        EfficiencyConfig(), weights_below={"tax_per_mu": 50.0, "tax_per_kwh": 40.0}
    )
    with pytest.raises(ValidationError) as err:
        config.validate()
    assert err.value.params == {"group": "below", "total": 90.0}
    assert "100" in error_text(err.value, "zh") and "90" in error_text(err.value, "en")


def test_defaults_are_the_huangyan_weights_and_valid():
    config = EfficiencyConfig().validate()
    assert dict(config.weights_above) == {
        "tax_per_mu": 30.0,
        "va_per_mu": 20.0,
        "va_per_energy": 20.0,
        "va_per_emission": 10.0,
        "labour_productivity": 10.0,
        "rd_ratio": 10.0,
    }
    assert dict(config.weights_below) == {"tax_per_mu": 50.0, "tax_per_kwh": 50.0}
    assert config.percentile_cuts == (0.25, 0.70, 0.95)
    assert config.min_land_mu_small == 3.0 and config.ks3_max_tax_per_mu == 3.0
    assert config.ks_combinator == "any"
    with pytest.raises(TypeError):
        config.weights_above["tax_per_mu"] = 1.0  # frozen all the way down


def test_every_config_field_is_documented():
    doc = EfficiencyConfig.__doc__ or ""
    for f in dataclasses.fields(EfficiencyConfig):
        assert f.name in doc, f"EfficiencyConfig.{f.name} is not documented"


def test_json_round_trip_and_bad_json():
    config = EfficiencyConfig(class_mode="absolute", ks_rules=("KS2",), indicator_cap=2.0)
    assert EfficiencyConfig.from_json(config.to_json()) == config
    with pytest.raises(ValidationError) as err:
        EfficiencyConfig.from_json(json.dumps({"weights": {}}))
    assert err.value.key == "efficiency_config_unknown_keys"
    with pytest.raises(ValidationError) as err:
        EfficiencyConfig.from_json("{not json")
    assert err.value.key == "efficiency_config_invalid"


def test_config_is_stored_in_the_settings_layer(tmp_path):
    store = ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)
    assert efficiency_config.config_from_settings(store.read("settings")) == EfficiencyConfig()
    config = EfficiencyConfig(ks2_min_land_mu=15.0, class_mode="absolute")
    version = store.data_version()
    efficiency_config.save_config(store, config, actor=ACTOR, expected_version=version)
    settings = store.read("settings")
    assert list(settings["key"]) == [efficiency_config.SETTINGS_KEY]
    assert efficiency_config.config_from_settings(settings) == config
    # An invalid configuration is refused and nothing is written.
    before = store.data_version()
    bad = dataclasses.replace(config, ks1_alpha=-1.0)
    with pytest.raises(ValidationError):
        efficiency_config.save_config(store, bad, actor=ACTOR)
    assert store.data_version() == before


def test_sample_park_evaluation_is_complete(sample_store_path):
    store = ParkStore(sample_store_path)
    firms_, years_ = store.read("enterprises"), store.read("enterprise_years")
    year = evaluation.default_year(years_, date(2021, 6, 30))
    assert year == 2020
    ev = evaluate(firms_, years_, year=year)
    assert len(ev) == len(firms_)  # every firm listed
    assert (ev["evaluated"] | ev["exclusion_reason"].notna()).all()
    assert ev.loc[ev["evaluated"], "class_code"].isin(list("ABCD")).all()
    # Firms that started producing after 2020 (incl. the two revitalisation firms, which
    # report figures from their old site) are excluded as not yet producing.
    late = ev["production_start"].astype(str) > "2020-12-31"
    assert (ev.loc[late, "exclusion_reason"] == "not_producing").all()
    moved_with_figures = late & ev["revenue_wan"].notna()
    assert moved_with_figures.sum() >= 2
    assert ev["key_supervision"].any() and ev["pool"].any()


# ---------------------------------------------------------------- the map layer
def test_class_layer_colours_parcels_by_their_main_firm():
    from layers.efficiency import CLASS_COLORS, efficiency_extras

    frames_ = tiny_park()
    firms_, years_ = frames(
        [
            firm("E1", parcel_code="P4", land_mu=12.0, name="<b>主体</b>企业"),
            firm("E2", parcel_code="P4", land_mu=6.0, tenant=True),
            firm("E3", parcel_code="P1", land_mu=45.0),
        ],
        [
            figures(
                eid,
                revenue_wan=3000.0,
                value_added_wan=500.0,
                tax_wan=tax,
                energy_tce=100.0,
                emission_t=0.5,
                employees=50,
                rd_wan=60.0,
                kwh=1e6,
            )
            for eid, tax in (("E1", 100.0), ("E2", 10.0), ("E3", 30.0))
        ],
    )
    ev = evaluate(firms_, years_, year=YEAR)
    classes = efficiency_classes.parcel_classes(ev).set_index("parcel_code")
    assert classes.loc["P4", "main_firm"] == "<b>主体</b>企业"  # the most land, not the tenant
    assert classes.loc["P4", "class_code"] == by_id(ev).loc["E1", "class_code"]
    assert bool(classes.loc["P1", "key_supervision"])  # E3: 30 / 45 = 0.67 万元/亩 ≤ 3
    layers, legend = efficiency_extras(ev, EfficiencyConfig())(frames_, "zh")
    grey, class_layer, ks_layer = layers
    assert grey.data.count('"type":"Feature"') == len(frames_["parcels"]) - 2
    assert class_layer.data.count('"type":"Feature"') == 2
    assert ks_layer.data.count('"type":"Feature"') == 2  # E2 (tenant on P4) and E3 are low-tax
    assert "<b>" not in class_layer.data  # data is escaped for the script tag
    assert [i.color for i in legend[0].items][:4] == [CLASS_COLORS[c] for c in "ABCD"]


def test_export_has_chinese_headers_with_units():
    from gis.excel import read_xlsx, to_xlsx

    ev = evaluate(*three_firms(), year=YEAR)
    table = evaluation.evaluation_table(ev, lang="zh", for_export=True)
    back = read_xlsx(to_xlsx({"亩均评价": table}))
    for header in ("企业名称", "亩均税收(万元/亩)", "单位电耗税收(元/kWh)", "综合得分", "重点监管"):
        assert header in back.columns
    assert set(back["参评"]) == {"是"}
    assert sorted(back["分类"]) == ["B", "B", "D"]
    subset = evaluation.evaluation_table(ev, lang="en", columns=supervision.SUPERVISION_COLUMNS)
    assert list(subset.columns)[:2] == ["Enterprise ID", "Enterprise"]
    assert "KS-1 power vs tax/sales" in subset.columns
