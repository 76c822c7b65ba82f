"""The deterministic sample park: schema, geography, life cycles and the seed's story."""

from __future__ import annotations

import calendar
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from gis import schema
from gis import vocabulary as voc
from gis.crs import AREA_CRS, LIANDU_BBOX, area_mu
from gis.sample.park import build_sample_park
from gis.sample.plan import SAMPLE_REFERENCE_DATE, SAMPLE_SEED

REF = SAMPLE_REFERENCE_DATE.isoformat()
SALE_ORDER = [s.code for s in voc.statuses(voc.SALE_FIELD)]
CONS_ORDER = [s.code for s in voc.statuses(voc.CONSTRUCTION_FIELD)]


@pytest.fixture(scope="module")
def park() -> dict[str, pd.DataFrame]:
    return build_sample_park()


@pytest.fixture(scope="module")
def parcels(park: dict[str, pd.DataFrame]) -> gpd.GeoDataFrame:
    return park["parcels"].set_index("code", drop=False)


def _firms_with_2020_output(park: dict[str, pd.DataFrame]) -> pd.DataFrame:
    years = park["enterprise_years"]
    y2020 = years[years.year == 2020][["enterprise_id", "output_wan"]]
    return park["enterprises"].merge(y2020, on="enterprise_id", how="left")


def _days(frame: pd.DataFrame, since: str, until: str) -> pd.Series:
    """Days from column ``since`` to column ``until`` (ISO dates)."""
    return (pd.to_datetime(frame[until]) - pd.to_datetime(frame[since])).dt.days


def test_same_seed_gives_an_identical_park(park: dict[str, pd.DataFrame]) -> None:
    again = build_sample_park(SAMPLE_SEED)
    assert list(again) == list(park)
    for name, frame in park.items():
        if isinstance(frame, gpd.GeoDataFrame):
            assert_geodataframe_equal(again[name], frame, check_less_precise=False)
        else:
            assert_frame_equal(again[name], frame)


def test_another_seed_gives_other_parcels(park: dict[str, pd.DataFrame]) -> None:
    other = build_sample_park(seed=7)["parcels"]
    assert set(other.geometry.to_wkt()) != set(park["parcels"].geometry.to_wkt())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_keep_the_rules(seed: int) -> None:
    other = build_sample_park(seed=seed)
    p = other["parcels"]
    assert 200 <= len(p) <= 300 and p.code.is_unique
    assert area_mu(p).between(10, 80).all()
    h1 = p[p.deal_date.between("2021-01-01", REF)]
    assert sorted(h1.code) == ["12B", "12C", "A3", "D07"]
    assert set(p.sale_status) == set(SALE_ORDER)
    assert set(p.construction_status) == set(CONS_ORDER)
    assert 80 <= len(other["enterprises"]) <= 140
    assert 25 <= other["buildings"].is_vacant.sum() <= 40


# Layers the users fill (scenarios, annotations, views, settings) start empty in the store.
USER_LAYERS = {"scenarios", "annotations", "saved_views", "settings"}
DATA_LAYERS = [spec for spec in schema.LAYERS if spec.name not in USER_LAYERS]


def test_sample_fills_every_data_layer(park: dict[str, pd.DataFrame]) -> None:
    assert set(park) == {spec.name for spec in DATA_LAYERS}


@pytest.mark.parametrize("spec", DATA_LAYERS, ids=lambda s: s.name)
def test_every_layer_matches_the_schema(
    park: dict[str, pd.DataFrame], spec: schema.LayerSpec
) -> None:
    frame = park[spec.name]
    assert len(frame) > 0
    if spec.geometry_type is None:
        assert not isinstance(frame, gpd.GeoDataFrame)
        assert tuple(frame.columns) == spec.column_names
    else:
        assert tuple(frame.columns) == (*spec.column_names, "geometry")
        assert frame.crs.to_epsg() == 4490
        assert set(frame.geom_type) == {spec.geometry_type}
        assert frame.is_valid.all() and not frame.is_empty.any()
    assert not frame.duplicated(list(spec.identity)).any()
    for col in spec.columns:
        values = frame[col.name]
        if col.required:
            assert values.notna().all(), col.name
        present = values.dropna()
        if col.dtype == "date":
            assert present.map(lambda v: date.fromisoformat(v).isoformat() == v).all()
        elif col.dtype in ("str", "datetime"):
            assert present.map(lambda v: isinstance(v, str)).all(), col.name
        elif col.dtype == "bool":
            assert values.dtype == bool
        elif col.dtype == "int":
            assert pd.api.types.is_integer_dtype(values.dtype), col.name
        elif col.dtype == "float":
            assert values.dtype == "float64"


def test_enterprise_years_are_unique_per_year(park: dict[str, pd.DataFrame]) -> None:
    years = park["enterprise_years"]
    assert not years.duplicated(["enterprise_id", "year"]).any()
    assert set(years.year) == {2018, 2019, 2020}
    assert set(years.enterprise_id) <= set(park["enterprises"].enterprise_id)


def test_parcels_have_unique_codes_and_plausible_sizes(parcels: gpd.GeoDataFrame) -> None:
    assert 200 <= len(parcels) <= 300
    assert parcels.code.is_unique
    mu = area_mu(parcels)
    assert mu.between(10, 80).all()
    wy = mu[parcels.block_id == "WY"]
    assert wy.between(27, 60).all()  # 万洋 standard-factory plots of about 30-60 mu
    assert ((parcels.area_m2_cert / (mu * 10000 / 15)) - 1).abs().max() < 0.005
    assert {"12B", "12C", "D07", "A3", "F", "3号"} <= set(parcels.code)
    assert parcels.loc["3号", "land_use"] == "COMMERCIAL_RESIDENTIAL"
    assert parcels.loc["12B", "name"] == "万洋区块12B地块"
    assert (parcels.version == 1).all()
    assert set(parcels.land_use) <= {u.code for u in voc.LAND_USES}
    assert (parcels.land_use == "INDUSTRIAL").mean() > 0.9


def test_parcels_do_not_overlap(parcels: gpd.GeoDataFrame) -> None:
    geoms = parcels.to_crs(AREA_CRS).geometry.reset_index(drop=True)
    left, right = geoms.sindex.query(geoms, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(
        shapely.intersection(geoms.values[left[pairs]], geoms.values[right[pairs]])
    )
    assert overlap.max(initial=0) <= 1.0


def test_buildings_stand_inside_started_parcels(
    park: dict[str, pd.DataFrame], parcels: gpd.GeoDataFrame
) -> None:
    b = park["buildings"]
    assert b.parcel_code.map(parcels.construction_status).isin(CONS_ORDER[1:]).all()
    hosts = parcels.loc[b.parcel_code].to_crs(AREA_CRS).geometry.buffer(0.05).values
    assert b.to_crs(AREA_CRS).geometry.values.within(hosts).all()
    assert b.floors.between(1, 6).all()
    assert set(b.use) <= {"厂房", "办公", "宿舍", "仓库"}
    assert (b.gfa_m2 / (b.to_crs(AREA_CRS).area * b.floors) - 1).abs().max() < 1e-3
    assert 25 <= b.is_vacant.sum() <= 40
    assert ((b.vacant_gfa_m2 > 0) == b.is_vacant).all()


def test_vacant_spaces_add_up_to_the_buildings(park: dict[str, pd.DataFrame]) -> None:
    spaces, b = park["vacant_spaces"], park["buildings"].set_index("building_id")
    totals = spaces.groupby("building_id").gfa_m2.sum()
    assert set(totals.index) == set(b.index[b.is_vacant])
    assert (totals - b.loc[totals.index, "vacant_gfa_m2"]).abs().max() < 0.01
    ground, upper = spaces[spaces.floor == 1], spaces[spaces.floor > 1]
    assert ground.clear_height_m.min() >= 6 and upper.clear_height_m.max() <= 5.5
    assert ground.floor_load_kn_m2.min() >= upper.floor_load_kn_m2.max()
    assert set(spaces.owner_type) <= {"企业自有", "国企平台", "收储"}
    assert (spaces.available_from <= REF).all()


def test_parcels_keep_200_m_from_the_river(park: dict[str, pd.DataFrame]) -> None:
    context = park["context"]
    river = context[context.kind == "river"].to_crs(AREA_CRS).geometry.union_all()
    assert park["parcels"].to_crs(AREA_CRS).distance(river).min() >= 200
    nanshan = park["parcels"][park["parcels"].block_id == "NS"].to_crs(AREA_CRS)
    wanyang = park["blocks"].set_index("block_id").to_crs(AREA_CRS).geometry["WY"]
    assert 2000 <= nanshan.distance(wanyang.centroid).mean() <= 3500
    assert {"river", "road", "expressway"} <= set(context.kind)


def test_every_vertex_lies_in_liandu(park: dict[str, pd.DataFrame]) -> None:
    xmin, ymin, xmax, ymax = LIANDU_BBOX
    for name, frame in park.items():
        if isinstance(frame, gpd.GeoDataFrame):
            xy = shapely.get_coordinates(frame.geometry.values)
            assert ((xy[:, 0] >= xmin) & (xy[:, 0] <= xmax)).all(), name
            assert ((xy[:, 1] >= ymin) & (xy[:, 1] <= ymax)).all(), name
            assert (xy.round(7) == xy).all(), name


def test_park_boundary_encloses_every_block(park: dict[str, pd.DataFrame]) -> None:
    boundary = park["park_boundary"].geometry.iloc[0]
    assert park["blocks"].within(boundary).all()
    assert set(park["parcels"].block_id) == set(park["blocks"].block_id)


def test_all_statuses_occur(parcels: gpd.GeoDataFrame) -> None:
    assert set(parcels.sale_status) == set(SALE_ORDER)
    assert set(parcels.construction_status) == set(CONS_ORDER)
    assert (parcels.construction_status[parcels.sale_status != "DELIVERED"] == "NOT_STARTED").all()


def test_status_dates_follow_the_chain(
    park: dict[str, pd.DataFrame], parcels: gpd.GeoDataFrame
) -> None:
    passed = park["status_events"].groupby("parcel_code").new_status.agg(set)
    for code, row in parcels.iterrows():
        for fld, order in ((voc.SALE_FIELD, SALE_ORDER), (voc.CONSTRUCTION_FIELD, CONS_ORDER)):
            dates = []
            for st in order[1:] if fld == voc.CONSTRUCTION_FIELD else order:
                value = row[voc.status(fld, st).date_field]
                reached = st in passed.get(code, set())
                assert (value is not None) == reached, (code, st)
                if st == row[fld]:
                    assert reached, (code, st)
                if reached:
                    dates.append(value)
            assert dates == sorted(set(dates)), code  # strictly increasing along the chain
        if row.delivery_date and row.start_date:
            assert row.start_date > row.delivery_date


def test_sale_dates_follow_the_rules(parcels: gpd.GeoDataFrame) -> None:
    listed = parcels[parcels.listing_start.notna()]
    assert (_days(listed, "notice_date", "listing_start") >= 20).all()
    assert (_days(listed, "listing_start", "listing_end") >= 10).all()
    sold = listed[listed.deal_date.notna()]
    assert (sold.deal_date >= sold.listing_end).all()
    contracted = sold[sold.contract_date.notna()]
    assert _days(contracted, "deal_date", "contract_date").between(1, 14).all()
    paid = sold[sold.paid_date.notna()]
    assert _days(paid, "deal_date", "paid_date").between(15, 30).all()
    delivered = parcels[parcels.delivery_date.notna()]
    assert (delivered.delivery_date > delivered.contract_date).all()
    assert _days(delivered, "delivery_date", "agreed_start").between(180, 185).all()
    assert _days(delivered, "agreed_start", "agreed_completion").between(729, 732).all()
    assert parcels.agreed_start.isna().equals(parcels.delivery_date.isna())
    assert parcels.deal_price_wan.notna().equals(parcels.deal_date.notna())
    assert parcels.buyer.notna().equals(parcels.deal_date.notna())
    industrial = sold[sold.land_use == "INDUSTRIAL"]
    per_mu = industrial.deal_price_wan / area_mu(industrial)
    assert per_mu.between(14, 50).all()
    assert industrial.far_max.notna().all() and industrial.invest_intensity_min.notna().all()


def test_nothing_happens_after_the_reference_date(
    park: dict[str, pd.DataFrame], parcels: gpd.GeoDataFrame
) -> None:
    # agreed_start / agreed_completion are contract deadlines and listing_end of a parcel still
    # on the market is the announced close: those may lie ahead; every event lies behind.
    events = [s.date_field for s in voc.SALE_STATUSES + voc.CONSTRUCTION_STATUSES]
    for col in {*events, "notice_date"}:
        assert (parcels[col].dropna() <= REF).all(), col
    assert (parcels[parcels.deal_date.notna()].listing_end <= REF).all()
    assert parcels.plan_date.min() >= "2013-01-01"
    history = park["status_events"]
    assert (history.effective_date <= REF).all()
    assert (history.recorded_at <= REF + "T23:59:59").all()
    assert (history.recorded_at >= history.effective_date).all()
    assert (park["enterprises"].production_start <= REF).all()


def test_replaying_the_history_gives_the_current_statuses(
    park: dict[str, pd.DataFrame], parcels: gpd.GeoDataFrame
) -> None:
    events = park["status_events"]
    assert list(events.event_id) == list(range(1, len(events) + 1))
    assert events.effective_date.is_monotonic_increasing
    assert events.supersedes.isna().all()
    assert set(events.author) <= {"张敏", "李强", "王芳", "陈磊", "刘洋"}
    state = {
        code: {voc.SALE_FIELD: None, voc.CONSTRUCTION_FIELD: "NOT_STARTED"} for code in parcels.code
    }
    for e in events.sort_values("event_id").itertuples():
        current = state[e.parcel_code][e.field]
        assert e.old_status == current
        assert current is None or e.new_status in voc.allowed_next(e.field, current)
        assert (
            e.effective_date
            == parcels.loc[e.parcel_code, voc.status(e.field, e.new_status).date_field]
        )
        state[e.parcel_code][e.field] = e.new_status
    for code, fields in state.items():
        assert fields[voc.SALE_FIELD] == parcels.loc[code, "sale_status"]
        assert fields[voc.CONSTRUCTION_FIELD] == parcels.loc[code, "construction_status"]


def test_the_four_parcels_sold_in_2021_h1(parcels: gpd.GeoDataFrame) -> None:
    h1 = parcels[parcels.deal_date.between("2021-01-01", REF)]
    assert dict(zip(h1.code, h1.block_id, strict=True)) == {
        "12B": "WY",
        "12C": "WY",
        "D07": "BH",
        "A3": "NS",
    }
    assert (h1.sale_status != "DELIVERED").any() and parcels.loc["A3", "sale_status"] == "SOLD"


def test_nanshan_is_for_new_building_materials(park: dict[str, pd.DataFrame]) -> None:
    blocks = park["blocks"].set_index("block_id")
    assert blocks.loc["NS", "leading_industry"] == "新型建设材料"
    assert blocks.loc["CC", "name"] == "长川区块" and blocks.loc["CC", "name_en"] == "Changchuan"
    assert blocks.loc["WY", "planned_area_mu"] / 15 == pytest.approx(100, abs=20)
    firms = park["enterprises"]
    assert (firms[firms.parcel_code.str.match(r"A\d+$")].industry_code == "C30").all()


def test_wanyang_admitted_two_batches_in_2021_h1(
    park: dict[str, pd.DataFrame], parcels: gpd.GeoDataFrame
) -> None:
    firms = park["enterprises"]
    wy = pd.to_datetime(firms[firms.parcel_code.map(parcels.block_id) == "WY"].production_start)
    assert len(wy) >= 10
    months = set(wy.dt.month)
    assert (wy.dt.year == 2021).all() and months & {1, 2} and months & {4, 5, 6}
    assert not months & {3}  # two clusters, a gap between them


def test_two_idle_plants_revitalised_in_2021_h1(
    park: dict[str, pd.DataFrame], parcels: gpd.GeoDataFrame
) -> None:
    firms = _firms_with_2020_output(park)
    chengyuan = firms[firms.name.str.contains("诚远电机")]
    assert list(chengyuan.name) == ["诚远电机有限公司"]
    assert chengyuan.industry_code.iloc[0] == "C38"
    newcomers = firms[
        firms.production_start.between("2021-01-01", REF) & firms.tenant & (firms.output_wan > 5000)
    ]
    assert {"F", chengyuan.parcel_code.iloc[0]} <= set(newcomers.parcel_code)
    f = parcels.loc["F"]
    assert f.block_id == "BH" and f.construction_status == "IN_PRODUCTION"
    assert "2021-01-01" <= f.production_date <= REF and f.completion_date < "2018-01-01"
    b = park["buildings"]
    on_story = b.parcel_code.isin({"F", chengyuan.parcel_code.iloc[0]})
    assert not b[on_story].is_vacant.any() and b[~on_story].is_vacant.any()


def test_some_parcels_are_idle_or_late(parcels: gpd.GeoDataFrame) -> None:
    waiting = parcels[
        (parcels.sale_status == "DELIVERED") & (parcels.construction_status == "NOT_STARTED")
    ]
    overdue = (SAMPLE_REFERENCE_DATE - pd.to_datetime(waiting.agreed_start).dt.date).map(
        lambda d: d.days
    )
    assert (overdue >= 365).sum() >= 3 and (overdue >= 730).sum() >= 1
    assert (parcels.extension_days > 0).sum() == 1 and parcels.gov_cause_delay.sum() == 1
    started = parcels[parcels.construction_status == "STARTED"]
    assert (started.agreed_completion < REF).any()


def test_enterprises(park: dict[str, pd.DataFrame], parcels: gpd.GeoDataFrame) -> None:
    firms = park["enterprises"]
    assert 80 <= len(firms) <= 140
    assert firms.name.is_unique and firms.credit_code.is_unique
    assert (firms.credit_code.str.len() == 18).all()
    assert set(firms.industry_code) <= {
        "C34",
        "C35",
        "C38",
        "C39",
        "C40",
        "C27",
        "C14",
        "C26",
        "C18",
        "C19",
        "C21",
        "C24",
        "C29",
        "C30",
        "C33",
    }
    assert (
        firms.parcel_code.map(parcels.construction_status)
        .isin(["IN_PRODUCTION", "AT_CAPACITY"])
        .all()
    )
    assert firms.tenant.any() and (firms.groupby("parcel_code").size() >= 3).any()
    land = firms.groupby("parcel_code").land_mu.sum()
    assert (land - area_mu(parcels.loc[land.index])).abs().max() < 0.05
    hosts = parcels.loc[firms.parcel_code].geometry.values
    assert firms.geometry.values.within(hosts).all()


def test_enterprise_years_feed_the_per_mu_rules(park: dict[str, pd.DataFrame]) -> None:
    years, firms = park["enterprise_years"], park["enterprises"].set_index("enterprise_id")
    numbers = years.drop(columns=["enterprise_id", "year"])
    assert (numbers.fillna(0) >= 0).all().all()
    assert years.emission_t.isna().any() and years.emission_t.notna().mean() > 0.9
    y = years[years.year == 2020].join(firms, on="enterprise_id")
    tax_per_mu = y.tax_wan / y.land_mu
    assert (tax_per_mu <= 3).sum() >= 3 and (tax_per_mu > 10).sum() >= 3
    big_small = y[
        (y.land_mu >= 10)
        & (y.production_start <= "2017-12-31")
        & ~y.is_above_scale
        & (y.revenue_wan < 2000)
    ]
    assert len(big_small) >= 2  # KS-2: large, three years producing, still below size
    per_kwh = y.tax_wan * 10000 / y.kwh
    assert (per_kwh < 0.25 * per_kwh.median()).sum() >= 1  # KS-1: power out of line with tax
    consistent = y.is_above_scale == (y.revenue_wan >= 2000)
    assert consistent.mean() > 0.95


def test_candidates_include_unplaceable_needs(park: dict[str, pd.DataFrame]) -> None:
    cand, spaces = park["candidates"], park["vacant_spaces"]
    assert 30 <= len(cand) <= 60
    assert set(cand.stage) == {"初步接洽", "实地考察", "意向签约"}
    assert (cand.need_area_max_m2 >= cand.need_area_min_m2).all()
    assert (cand.fire_class == "甲").any()
    assert (cand.need_area_min_m2 > spaces.gfa_m2.max()).any()
    assert (cand.need_crane_t > spaces.crane_t.max()).any()
    assert cand.name.str.contains("碧澄科技").any()


def test_targets_are_the_seeds(park: dict[str, pd.DataFrame]) -> None:
    targets = park["targets"]
    assert set(targets.target_id) == {
        "LAND_SOLD_MU",
        "FLOOR_AREA_STARTED_WAN_M2",
        "FIRMS_IN_PRODUCTION",
        "NEW_ABOVE_SCALE_FIRMS",
        "EFFECTIVE_INVESTMENT_YI",
        "TAX_GROWTH_PCT",
        "VA_GROWTH_PCT",
        "BILLION_YUAN_FIRMS",
    }
    assert (targets.year == 2021).all() and (targets.target_value > 0).all()
    assert targets.source.str.contains("illustrative").all()


def test_year_to_date_reports_are_cumulative(park: dict[str, pd.DataFrame]) -> None:
    periods = park["period_figures"]
    firms = set(park["enterprises"].enterprise_id)
    parcels = set(park["parcels"].code)
    kinds = periods.groupby("subject_kind")["subject_id"].agg(set)
    assert kinds["enterprise"] <= firms and kinds["project"] <= parcels
    assert set(periods.year) == {2020, 2021} and periods.months.between(1, 6).all()
    # 1–N月累计: each subject's figures never fall from one month to the next.
    ordered = periods.sort_values(["subject_kind", "subject_id", "year", "months"])
    for column in ("revenue_wan", "tax_wan", "investment_wan"):
        steps = ordered.groupby(["subject_kind", "subject_id", "year"])[column].diff().dropna()
        assert (steps >= -1e-9).all(), column
    # A firm reports only from the month it started producing here.
    starts = park["enterprises"].set_index("enterprise_id")["production_start"]
    firm_rows = periods[periods.subject_kind == "enterprise"]
    month_ends = [
        date(int(y), int(m), calendar.monthrange(int(y), int(m))[1]).isoformat()
        for y, m in zip(firm_rows.year, firm_rows.months, strict=True)
    ]
    assert (firm_rows.subject_id.map(starts) <= pd.Series(month_ends, index=firm_rows.index)).all()


def test_register_dates_match_the_register_flag(park: dict[str, pd.DataFrame]) -> None:
    firms = park["enterprises"]
    since = firms["above_scale_since"]
    assert (since.notna() == firms["is_above_scale"]).all()
    assert (since.dropna() <= SAMPLE_REFERENCE_DATE.isoformat()).all()
    in_2021 = since.dropna()[since.dropna() >= "2021-01-01"]
    assert len(in_2021) >= 3  # the 2021 target counts these


def test_evaluation_adjustments_name_evaluated_firms(park: dict[str, pd.DataFrame]) -> None:
    adjustments = park["evaluation_adjustments"]
    figures = park["enterprise_years"]
    evaluated = set(figures.loc[figures.year == 2020, "enterprise_id"])
    assert set(adjustments.enterprise_id) <= evaluated
    assert adjustments.reason.str.len().gt(0).all()
    assert set(adjustments.override.dropna()) == {"FORCE_D", "NOT_GRADED"}
