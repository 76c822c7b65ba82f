"""Targets (gis.targets): progress computed from parcels, history and figures, with
hand-worked sums on a tiny park; the targets table's validation and storage."""

from __future__ import annotations

import math
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest

from gis import schema
from gis._errors import ValidationError
from gis.i18n import error_text, t
from gis.store import ParkStore
from gis.targets import definitions, tracking
from tests.actors import ACTOR
from tests.tiny_park import tiny_park

AS_OF = date(2021, 6, 30)
# 1 January to 30 June 2021 inclusive: 181 of 365 days.
SHARE = 181 / 365


def _event(i, code, field, new, day, supersedes=None):
    return dict(
        event_id=i,
        parcel_code=code,
        field=field,
        old_status=None,
        new_status=new,
        effective_date=day,
        recorded_at=f"{day}T09:00:00",
        author="测试员",
        note="",
        supersedes=supersedes,
    )


def park(*, with_2021_figures: bool = True) -> dict:
    """tiny_park with block B1 renamed 万洋区块 and a known history.

    Areas (certified, else drawn): P1 45 mu, P2 15 mu, P3 45 mu (warehouse), P4 18 mu.
    """
    frames = dict(tiny_park())
    blocks = frames["blocks"].copy()
    blocks.loc[blocks["block_id"] == "B1", "name"] = "万洋区块"
    frames["blocks"] = blocks
    parcels = frames["parcels"].copy()
    parcels["floor_area_m2"] = parcels["code"].map({"P1": 20_000.0, "P2": 10_000.0})
    frames["parcels"] = parcels
    s, c = "sale_status", "construction_status"
    events = [
        _event(1, "P1", s, "SOLD", "2021-02-10"),  # sold this year: counts
        _event(2, "P1", s, "CONTRACTED", "2021-03-01"),  # later step: still first sold 02-10
        _event(3, "P2", s, "SOLD", "2020-11-01"),  # sold last year: not this year's
        _event(4, "P3", s, "SOLD", "2021-04-01"),  # a warehouse: not industrial land
        _event(5, "P4", s, "SOLD", "2021-05-20"),  # recorded wrongly ...
        _event(6, "P4", s, "SOLD", "2021-07-15", supersedes=5),  # ... corrected to July
        _event(7, "P1", c, "STARTED", "2020-10-01"),  # 万洋: 2.0 万m² before the year
        _event(8, "P2", c, "STARTED", "2021-03-15"),  # 万洋: +1.0 万m² in March
        _event(9, "P4", c, "STARTED", "2021-02-01"),  # block B2: not 万洋
    ]
    frames["status_events"] = pd.DataFrame(events, columns=list(schema.STATUS_EVENTS.column_names))
    firms = [
        dict(
            enterprise_id="E1",
            name="甲",
            parcel_code="P1",
            is_above_scale=True,
            production_start="2020-06-01",
            above_scale_since="2021-03-01",  # entered the register this year
        ),
        dict(
            enterprise_id="E2",
            name="乙",
            parcel_code="P1",
            is_above_scale=False,
            production_start="2021-04-01",
            above_scale_since="2021-08-01",  # after the as-of date
        ),
        dict(
            enterprise_id="E3",
            name="丙",
            parcel_code="P2",
            is_above_scale=False,
            production_start="2021-08-01",
        ),  # after the as-of date
        dict(
            enterprise_id="E4",
            name="丁",
            parcel_code="P4",
            is_above_scale=True,
            production_start="2019-01-01",
        ),  # block B2; 规上 by the register flag, date unknown
    ]
    frames["enterprises"] = pd.DataFrame(firms, columns=list(schema.ENTERPRISES.column_names))
    years = [
        dict(enterprise_id="E1", year=2020, revenue_wan=1500.0, tax_wan=50.0),
        dict(enterprise_id="E4", year=2020, revenue_wan=12000.0, tax_wan=200.0),
    ]
    frames["enterprise_years"] = pd.DataFrame(
        years, columns=list(schema.ENTERPRISE_YEARS.column_names)
    )

    def report(kind, subject, year, months, revenue=None, tax=None, va=None, invest=None):
        return dict(
            subject_kind=kind,
            subject_id=subject,
            year=year,
            months=months,
            revenue_wan=revenue,
            tax_wan=tax,
            value_added_wan=va,
            investment_wan=invest,
        )

    periods = [
        report("enterprise", "E1", 2020, 6, 700.0, 20.0, 140.0),
        report("enterprise", "E4", 2020, 6, 5000.0, 100.0, 1000.0),
        report("project", "P1", 2020, 6, invest=999.0),
    ]
    if with_2021_figures:
        periods += [
            report("enterprise", "E1", 2021, 3, 500.0, 12.0, 90.0, 600.0),
            report("enterprise", "E4", 2021, 3, 2600.0, 45.0, 500.0, 100.0),
            report("project", "P2", 2021, 3, invest=2000.0),
            report("enterprise", "E1", 2021, 6, 1300.0, 30.0, 160.0, 1500.0),
            report("enterprise", "E4", 2021, 6, 5600.0, 110.0, 1050.0, 300.0),
            report("enterprise", "E2", 2021, 6, 5200.0, 10.0, 50.0, 200.0),  # new: no 2020
            report("project", "P2", 2021, 6, invest=5000.0),
            report("enterprise", "E1", 2021, 9, 2200.0, 50.0, 250.0, 2500.0),  # after as-of
        ]
    frames["period_figures"] = pd.DataFrame(
        periods, columns=list(schema.PERIOD_FIGURES.column_names)
    )
    goals = {
        "LAND_SOLD_MU": 100.0,
        "FLOOR_AREA_STARTED_WAN_M2": 4.0,
        "FIRMS_IN_PRODUCTION": 4.0,
        "NEW_ABOVE_SCALE_FIRMS": 2.0,
        "EFFECTIVE_INVESTMENT_YI": 1.0,
        "TAX_GROWTH_PCT": 12.0,
        "VA_GROWTH_PCT": 12.0,
        "BILLION_YUAN_FIRMS": 1.0,
    }
    frames["targets"] = pd.DataFrame(
        [
            dict(
                target_id=k,
                year=2021,
                label_zh=definitions.DEFINITIONS[k].label_zh,
                label_en=definitions.DEFINITIONS[k].label_en,
                unit=definitions.DEFINITIONS[k].unit,
                target_value=v,
                source="test",
            )
            for k, v in goals.items()
        ],
        columns=list(schema.TARGETS.column_names),
    )
    return frames


def row(table: pd.DataFrame, tid: str) -> pd.Series:
    return table.set_index("target_id").loc[tid]


def test_land_sold_this_year():
    prog = tracking.progress(park(), year=2021, as_of=AS_OF)
    land = row(prog, "LAND_SOLD_MU")
    # Only P1 (45 mu): P2 was sold in 2020, P3 is warehousing, P4's sale (corrected) is in July.
    assert land["value"] == pytest.approx(45.0)
    assert land["progress_pct"] == pytest.approx(45.0)  # 45 / 100
    assert land["expected"] == pytest.approx(100 * SHARE)  # even pace by 30 June: 49.59
    assert not land["on_track"]  # 45 < 49.59
    year_end = row(
        tracking.progress(park(), year=2021, as_of=date(2021, 12, 31)),
        "LAND_SOLD_MU",
    )
    assert year_end["value"] == pytest.approx(45.0 + 18.0)  # P4 sold on 15 July


def test_a_parcel_without_events_counts_by_its_own_deal_date():
    """A parcel added in QGIS with a 成交 date and no status event (issue #12): its own
    date counts towards the land sold this year, as an event would."""
    frames = park()
    p2 = frames["parcels"][frames["parcels"]["code"] == "P2"].iloc[0]
    extra = []
    for code, deal in (("P5", "2021-04-01"), ("P6", "2020-12-31"), ("P7", "2021-08-01")):
        new = p2.copy()
        new["code"], new["block_id"], new["area_m2_cert"] = code, "B2", 20_000.0  # 30 mu
        new["sale_status"], new["plan_date"], new["deal_date"] = "SOLD", "2020-01-01", deal
        extra.append(new)
    crs = frames["parcels"].crs
    added = gpd.GeoDataFrame(extra, geometry="geometry", crs=crs)
    frames["parcels"] = pd.concat([frames["parcels"], added], ignore_index=True)
    assert not frames["status_events"]["parcel_code"].isin(["P5", "P6", "P7"]).any()
    land = row(tracking.progress(frames, year=2021, as_of=AS_OF), "LAND_SOLD_MU")
    # P1's 45 mu (its event) + P5's 30 mu (its deal date, 1 April 2021); P6 was sold in
    # 2020 and P7 after 30 June.
    assert land["value"] == pytest.approx(45.0 + 30.0)
    year_end = row(
        tracking.progress(frames, year=2021, as_of=date(2021, 12, 31)),
        "LAND_SOLD_MU",
    )
    assert year_end["value"] == pytest.approx(45.0 + 30.0 + 18.0 + 30.0)  # + P4, P7


def test_wanyang_floor_area_and_firms_are_stock_targets():
    prog = tracking.progress(park(), year=2021, as_of=AS_OF)
    floor = row(prog, "FLOOR_AREA_STARTED_WAN_M2")
    # 万洋 (B1): P1 20,000 m² started in 2020 + P2 10,000 m² in March 2021 = 3.0 万m².
    assert floor["value"] == pytest.approx(3.0)
    assert floor["baseline"] == pytest.approx(2.0)
    assert floor["expected"] == pytest.approx(2.0 + (4.0 - 2.0) * SHARE)
    assert floor["progress_pct"] == pytest.approx(75.0)
    firms = row(prog, "FIRMS_IN_PRODUCTION")
    # 万洋 firms producing by 30 June: E1 (2020) and E2 (April); E3 starts in August,
    # E4 is in block B2.
    assert firms["value"] == 2 and firms["baseline"] == 1
    assert firms["note_key"] == "target_note_wanyang"


def test_new_above_scale_firms_by_register_date():
    prog = tracking.progress(park(), year=2021, as_of=AS_OF)
    new = row(prog, "NEW_ABOVE_SCALE_FIRMS")
    # E1 entered on 1 March; E2 enters in August (after the as-of date); E4 has no date.
    assert new["kind"] == "flow" and new["value"] == 1
    assert new["note_key"] == "target_note_register_dates_some"
    assert new["note_params"] == {"undated": 1}
    later = tracking.progress(park(), year=2021, as_of=date(2021, 12, 31))
    assert row(later, "NEW_ABOVE_SCALE_FIRMS")["value"] == 2
    frames = park()
    frames["enterprises"] = frames["enterprises"].assign(above_scale_since=None)
    none = row(tracking.progress(frames, year=2021, as_of=AS_OF), "NEW_ABOVE_SCALE_FIRMS")
    assert not none["computable"] and none["note_key"] == "target_note_no_register_dates"


def test_reported_targets_from_year_to_date_figures():
    prog = tracking.progress(park(), year=2021, as_of=AS_OF)
    reported = prog[prog["kind"] == "reported"]
    assert len(reported) == 4 and reported["computable"].all()
    # January–June is the latest period ended by 30 June (January–September is not).
    assert set(reported["period_months"]) == {6}
    invest = row(prog, "EFFECTIVE_INVESTMENT_YI")
    # E1 1500 + E4 300 + E2 200 + project P2 5000 = 7000万元 = 0.7亿元
    assert invest["value"] == pytest.approx(0.7)
    assert invest["expected"] == pytest.approx(1.0 * SHARE) and invest["on_track"]
    assert invest["note_params"] == {"year": 2021, "months": 6, "projects": 1, "firms": 3}
    # 同比, same firms (E1, E4; E2 has no 2020): (30 + 110) / (20 + 100) − 1
    tax = row(prog, "TAX_GROWTH_PCT")
    assert tax["value"] == pytest.approx((140 / 120 - 1) * 100)
    assert tax["expected"] == 12.0 and tax["on_track"]
    # 规上 on 30 June: E1 (since March) and E4 (flag): (160 + 1050) / (140 + 1000) − 1
    va = row(prog, "VA_GROWTH_PCT")
    assert va["value"] == pytest.approx((1210 / 1140 - 1) * 100)
    assert va["progress_pct"] == pytest.approx(va["value"] / 12 * 100) and not va["on_track"]
    # 培育亿元企业: E4 had 1亿 last year; E1 is far off; E2's 5200 in six months is on
    # course (10400 a year) but has not passed 1亿 yet.
    billion = row(prog, "BILLION_YUAN_FIRMS")
    assert billion["value"] == 0 and billion["projection"] == 1 and billion["on_track"]
    assert billion["note_params"]["on_course"] == 1


def test_an_earlier_period_counts_before_june():
    prog = tracking.progress(park(), year=2021, as_of=date(2021, 4, 15))
    invest = row(prog, "EFFECTIVE_INVESTMENT_YI")
    assert invest["period_months"] == 3
    assert invest["value"] == pytest.approx((600 + 100 + 2000) / 10_000)
    # No January–March 2020 to compare with: no base, no number.
    tax = row(prog, "TAX_GROWTH_PCT")
    assert not tax["computable"] and tax["note_key"] == "target_note_no_base"


def test_missing_figures_are_reported_not_computed():
    prog = tracking.progress(park(with_2021_figures=False), year=2021, as_of=AS_OF)
    reported = prog[prog["kind"] == "reported"]
    assert len(reported) == 4
    assert not reported["computable"].any()
    assert reported["value"].isna().all()  # never a number standing in for missing data
    assert set(reported["note_key"]) == {"target_note_no_report"}
    params = reported["note_params"].iloc[0]
    # The latest report is 2020's full year (the yearly figures count as January–December).
    assert params == {"year": 2021, "date": "2021-06-30", "latest": "2020-12"}
    text = t("target_note_no_report", "zh", **params)
    assert "2021" in text and "不能计算" in text
    assert prog[prog["kind"] != "reported"]["computable"].all()


def test_not_computable_without_a_wanyang_block_or_floor_area():
    frames = park()
    frames["blocks"] = tiny_park()["blocks"]  # no block named 万洋
    prog = tracking.progress(frames, year=2021, as_of=AS_OF)
    assert row(prog, "FLOOR_AREA_STARTED_WAN_M2")["note_key"] == "target_note_no_block"
    assert not row(prog, "FLOOR_AREA_STARTED_WAN_M2")["computable"]
    frames = park()
    frames["parcels"] = frames["parcels"].assign(floor_area_m2=None)
    prog = tracking.progress(frames, year=2021, as_of=AS_OF)
    floor = row(prog, "FLOOR_AREA_STARTED_WAN_M2")
    assert floor["note_key"] == "target_note_missing_floor_area" and math.isnan(floor["value"])


def test_unknown_target_id_in_the_store_is_reported():
    frames = park()
    extra = frames["targets"].iloc[:1].assign(target_id="SOMETHING_ELSE")
    frames["targets"] = pd.concat([frames["targets"], extra], ignore_index=True)
    prog = tracking.progress(frames, year=2021, as_of=AS_OF)
    assert row(prog, "SOMETHING_ELSE")["note_key"] == "target_note_unknown_rule"


def test_progress_by_block():
    blocks = tracking.progress_by_block(park(), year=2021, as_of=AS_OF)
    land = blocks[blocks["target_id"] == "LAND_SOLD_MU"].set_index("block_id")["value"]
    assert land["B1"] == pytest.approx(45.0) and land["B2"] == 0
    tax = blocks[blocks["target_id"] == "TAX_GROWTH_PCT"].set_index("block_id")["value"]
    assert tax["B1"] == pytest.approx(50.0)  # E1: 30 / 20 − 1
    assert tax["B2"] == pytest.approx(10.0)  # E4: 110 / 100 − 1
    invest = blocks[blocks["target_id"] == "EFFECTIVE_INVESTMENT_YI"].set_index("block_id")
    # E1 1500 + E2 200 + project P2 5000 万元; B2: E4 300 万元
    assert invest.loc["B1", "value"] == pytest.approx(0.67)
    assert invest.loc["B2", "value"] == pytest.approx(0.03)
    # Totals per block add up to the park's value for additive targets.
    prog = tracking.progress(park(), year=2021, as_of=AS_OF)
    assert invest["value"].sum() == pytest.approx(row(prog, "EFFECTIVE_INVESTMENT_YI")["value"])


def test_monthly_series_and_even_pace():
    series = tracking.monthly(park(), "LAND_SOLD_MU", year=2021, as_of=AS_OF)
    actual = series[series["series"] == "actual"].set_index("date")["value"]
    pace = series[series["series"] == "pace"].set_index("date")["value"]
    assert actual[pd.Timestamp("2021-01-31")] == 0
    assert actual[pd.Timestamp("2021-02-28")] == pytest.approx(45.0)
    assert actual.index.max() == pd.Timestamp("2021-06-30")  # nothing after the as-of date
    assert pace[pd.Timestamp("2021-12-31")] == pytest.approx(100.0)
    assert pace[pd.Timestamp("2021-06-30")] == pytest.approx(100 * SHARE)
    stock = tracking.monthly(park(), "FLOOR_AREA_STARTED_WAN_M2", year=2021, as_of=AS_OF)
    start = stock[(stock["series"] == "pace")]["value"].iloc[0]
    assert start == pytest.approx(2.0)  # the pace starts from the level on 1 January
    invest = tracking.monthly(park(), "EFFECTIVE_INVESTMENT_YI", year=2021, as_of=AS_OF)
    reported = invest[invest["series"] == "actual"].set_index("date")["value"]
    assert list(reported.index) == [pd.Timestamp("2021-03-31"), pd.Timestamp("2021-06-30")]
    assert list(reported.round(4)) == [0.27, 0.7]
    invest_pace = invest[invest["series"] == "pace"].set_index("date")["value"]
    assert invest_pace[pd.Timestamp("2021-12-31")] == pytest.approx(1.0)
    tax = tracking.monthly(park(), "TAX_GROWTH_PCT", year=2021, as_of=AS_OF)
    assert set(tax.loc[tax["series"] == "pace", "value"]) == {12.0}  # the target rate
    assert len(tax[tax["series"] == "actual"]) == 1  # March has no 2020 to compare with
    billion = tracking.monthly(park(), "BILLION_YUAN_FIRMS", year=2021, as_of=AS_OF)
    assert set(billion["series"]) == {"actual"}  # judged by projection: no pace line
    none = park(with_2021_figures=False)
    assert tracking.monthly(none, "TAX_GROWTH_PCT", year=2021, as_of=AS_OF) is None


def test_year_fraction():
    assert tracking.year_fraction(2021, date(2020, 12, 31)) == 0
    assert tracking.year_fraction(2021, date(2021, 12, 31)) == 1
    assert tracking.year_fraction(2021, AS_OF) == pytest.approx(SHARE)


# ---------------------------------------------------------------- editing and storing
def edited(**change) -> pd.DataFrame:
    frame = park()["targets"].copy()
    for column, (index, value) in change.items():
        frame[column] = frame[column].astype(object)
        frame.loc[index, column] = value
    return frame


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (dict(target_value=(0, -1.0)), "targets_negative"),
        (dict(target_value=(1, "三百")), "targets_not_number"),
        (dict(target_value=(1, None)), "targets_not_number"),
        (dict(target_id=(2, "MADE_UP")), "targets_unknown_id"),
        (dict(target_id=(2, "LAND_SOLD_MU")), "targets_duplicate_id"),
        (dict(year=(0, 2021.5)), "targets_bad_year"),
        (dict(year=(0, 1900)), "targets_bad_year"),
    ],
)
def test_invalid_targets_are_refused(change, key):
    with pytest.raises(ValidationError) as err:
        definitions.validate_targets(edited(**change))
    assert err.value.key == key
    for lang in ("zh", "en"):
        assert error_text(err.value, lang) != key


def test_validation_fills_labels_and_accepts_zero():
    frame = edited(target_value=(0, 0.0), label_zh=(1, ""), unit=(1, None))
    clean = definitions.validate_targets(frame)
    assert clean.loc[0, "target_value"] == 0.0
    assert clean.loc[1, "label_zh"] == definitions.DEFINITIONS[clean.loc[1, "target_id"]].label_zh
    assert clean.loc[1, "unit"] == definitions.DEFINITIONS[clean.loc[1, "target_id"]].unit
    assert list(clean.columns) == list(schema.TARGETS.column_names)


def test_targets_are_saved_through_the_store(tmp_path):
    store = ParkStore.open(tmp_path / "park.gpkg", create=tiny_park)
    version = store.data_version()
    frame = edited(target_value=(0, 321.5))
    definitions.save_targets(store, frame, expected_version=version, actor=ACTOR)
    saved = store.read("targets")
    assert saved.set_index("target_id").loc["LAND_SOLD_MU", "target_value"] == 321.5
    assert len(saved) == len(frame)
    # Invalid: refused, nothing written.
    before = store.data_version()
    with pytest.raises(ValidationError):
        definitions.save_targets(store, edited(target_value=(0, -5.0)), actor=ACTOR)
    assert store.data_version() == before
    # A stale edit is refused by the store.
    with pytest.raises(Exception) as err:
        definitions.save_targets(store, frame, expected_version=version, actor=ACTOR)
    assert getattr(err.value, "key", "") == "store_stale"


def test_sample_park_targets(sample_store_path):
    frames = ParkStore(sample_store_path).read_all()
    prog = tracking.progress(frames, year=2021, as_of=date(2021, 6, 30))
    assert list(prog["target_id"]) == list(frames["targets"]["target_id"])
    # The seed: four parcels sold in H1 (万洋 12B, 12C; 碧湖 D07; 南山 A3).
    parcels = frames["parcels"].set_index("code")
    m2 = parcels.loc[["12B", "12C", "D07", "A3"], "area_m2_cert"].astype(float)
    assert row(prog, "LAND_SOLD_MU")["value"] == pytest.approx(float(m2.sum()) * 15 / 10000)
    # Every target is computed: the reported ones from January–June 2021.
    assert prog["computable"].all()
    assert set(prog.loc[prog["kind"] == "reported", "period_months"]) == {6}
    firms = frames["enterprises"]
    since = firms["above_scale_since"].dropna()
    entered = since[(since >= "2021-01-01") & (since <= "2021-06-30")]
    assert row(prog, "NEW_ABOVE_SCALE_FIRMS")["value"] == len(entered) > 0
    periods = frames["period_figures"]
    h1 = periods[(periods["year"] == 2021) & (periods["months"] == 6)]
    invest = row(prog, "EFFECTIVE_INVESTMENT_YI")["value"]
    assert invest == pytest.approx(h1["investment_wan"].sum() / 10_000)


# ---------------------------------------------------------------- issue #12: no figures yet
def _with_tax_target(frames: dict) -> dict:
    extra = pd.DataFrame(
        [
            dict(
                target_id="TAX_GROWTH_PCT",
                year=2021,
                label_zh="税费增长",
                label_en="Tax and fee growth",
                unit="%",
                target_value=8.0,
                source="test",
            )
        ]
    )
    return {**frames, "targets": pd.concat([frames["targets"], extra], ignore_index=True)}


def test_a_reported_target_without_any_figures_names_the_figures_import():
    # Before the fix: KeyError 'year' in _no_report (an empty list picked no columns).
    frames = _with_tax_target(tiny_park())
    frames["enterprise_years"] = frames["enterprise_years"].iloc[:0]
    day = date(2021, 6, 30)
    progress = tracking.progress(frames, year=2021, as_of=day).set_index("target_id")
    tax = progress.loc["TAX_GROWTH_PCT"]
    assert not tax["computable"] and math.isnan(tax["value"])
    assert (tax["note_key"], tax["note_params"]) == ("target_note_no_figures", {"year": 2021})
    # Dated targets still count from the history, figures or not: it holds only P2's
    # planning, so no land was sold in 2021.
    assert progress.loc["LAND_SOLD_MU", "value"] == 0.0
    assert (
        tracking.progress_by_block(frames, year=2021, as_of=day)["target_id"].tolist()
        == ["LAND_SOLD_MU"] * 2
    )
    assert tracking.monthly(frames, "TAX_GROWTH_PCT", year=2021, as_of=day) is None


def test_a_reported_target_with_only_older_figures_says_the_latest():
    frames = _with_tax_target(tiny_park())  # E1's 2020 figures only
    progress = tracking.progress(frames, year=2021, as_of=date(2021, 6, 30))
    tax = progress.set_index("target_id").loc["TAX_GROWTH_PCT"]
    assert tax["note_key"] == "target_note_no_report"
    assert tax["note_params"] == {"year": 2021, "date": "2021-06-30", "latest": "2020-12"}
